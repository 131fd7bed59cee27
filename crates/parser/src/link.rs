//! The one linker: gives each satellite (`aws_s3_bucket_acl`,
//! `AWS::S3::BucketPolicy`, `aws_opensearch_domain_policy`, ...) to the
//! subject it configures, for every front end and every kind, following
//! rules.md "Linking and scope":
//!
//! - links never leave a configuration (a Terraform root with its modules,
//!   one CloudFormation template);
//! - a reference names exactly the resource instance the front end resolved
//!   it to, never another with the same local name;
//! - a literal name links only when exactly one subject of the
//!   configuration has it;
//! - a satellite that links to nothing is an orphan: it gets a view of its
//!   own, judged on what it states, that never changes another subject;
//! - every satellite counts: a second source of a part is kept beside the
//!   first ([`phiguard_model::View::set`]), never overwrites it.
//!
//! Front ends hand over their resources, by configuration and module
//! instance, and answer what a value references ([`FrontEnd`]); kinds say,
//! per dialect, which types are subjects and satellites and how each fills
//! the view (`phiguard_model::kinds::dialect::DialectMap`). The building
//! and linking of every kind's subjects happens here, once.

use std::collections::HashMap;

use phiguard_model::kinds::{walk, KindVisitor, Owner, PolicyReader, ResourceKind};
use phiguard_model::{Dialect, Model, Resource, ResourceId, Subject, Subjects, Value};

/// What a satellite's subject argument names, as its front end resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A resource instance of the same configuration, by reference.
    Resource(ResourceId),
    /// A name as written: a literal bucket or domain name, or a key that
    /// stands for an identical name expression.
    Name(String),
    /// Nothing this configuration declares: a variable, a data source, a
    /// remote module output, an undeclared reference.
    Elsewhere,
}

/// What a front end knows of the values it emitted: the resource a value
/// names (`aws_s3_bucket.b.id`, `!Ref Bucket`), as evaluation resolved it.
pub(crate) trait References {
    /// The resource `value`, read in `holder`'s body, names.
    fn target(&self, holder: ResourceId, value: &Value) -> Option<ResourceId>;
}

/// What the linker asks a front end about the resources it emitted.
pub(crate) trait FrontEnd: References + PolicyReader {
    fn dialect(&self) -> Dialect;
    /// An argument or property of a resource, evaluated.
    fn argument(&self, resource: &Resource, name: &str) -> Option<Value>;
    /// Names an argument has as written, besides what it evaluates to: a
    /// CloudFormation name expression (`!Sub "${AWS::StackName}-logs"`),
    /// so that a satellite naming its subject by the same expression links.
    fn written_names(&self, _resource: ResourceId, _name: &str) -> Vec<String> {
        Vec::new()
    }
}

/// A resource of a configuration, with its module instance (satellites of
/// one instance that name the same missing subject share an orphan view).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub id: ResourceId,
    pub instance: usize,
}

/// Builds the subjects of every kind of the registry in every
/// configuration (a Terraform root with its modules, a template).
pub(crate) fn build(
    model: &Model,
    configurations: &[Vec<Member>],
    front: &dyn FrontEnd,
) -> Subjects {
    struct Build<'a> {
        model: &'a Model,
        configurations: &'a [Vec<Member>],
        front: &'a dyn FrontEnd,
        built: Subjects,
        counts: Counts,
    }
    impl KindVisitor for Build<'_> {
        fn visit<K: Subject>(&mut self) {
            let parts: Vec<Vec<K>> = self
                .configurations
                .iter()
                .map(|members| build_kind::<K>(self.model, members, self.front))
                .collect();
            self.counts
                .insert(K::KIND, parts.iter().map(Vec::len).collect());
            // Exactly as many as there are views: grown configuration by
            // configuration, the vector would keep up to twice the room
            // (views are large, and every one stays until the rules ran).
            let all = K::all_mut(&mut self.built);
            all.reserve_exact(parts.iter().map(Vec::len).sum());
            for part in parts {
                all.extend(part);
            }
        }
    }
    let mut build = Build {
        model,
        configurations,
        front,
        built: Subjects::default(),
        counts: Counts::new(),
    };
    walk(&mut build);
    let mut built = build.built;
    link_owners(model, front, &mut built, &build.counts);
    built
}

/// How many subjects of each kind each configuration has, in order.
type Counts = HashMap<ResourceKind, Vec<usize>>;

/// Gives each subject of a kind that belongs to another
/// ([`phiguard_model::kinds::Owner`]: an access point's bucket) the owner
/// its argument names, resolved as a satellite's subject argument is:
/// within its configuration, by reference or by the one owner with that
/// name. An owner that is not in the configuration leaves the subject as
/// it is.
fn link_owners(model: &Model, front: &dyn FrontEnd, built: &mut Subjects, counts: &Counts) {
    struct Owned<'a> {
        model: &'a Model,
        front: &'a dyn FrontEnd,
        built: &'a mut Subjects,
        counts: &'a Counts,
    }
    impl KindVisitor for Owned<'_> {
        fn visit<K: Subject>(&mut self) {
            let Some(owner) = K::OWNER else { return };
            struct OwnerKind<'a, 'b, K> {
                owned: &'a mut Owned<'b>,
                owner: Owner,
                marker: std::marker::PhantomData<K>,
            }
            impl<K: Subject> KindVisitor for OwnerKind<'_, '_, K> {
                fn visit<O: Subject>(&mut self) {
                    if O::KIND != self.owner.kind || O::KIND == K::KIND {
                        return;
                    }
                    let o = &mut *self.owned;
                    link_owner::<K, O>(o.model, o.front, o.built, o.counts, self.owner);
                }
            }
            walk(&mut OwnerKind::<K> {
                owned: self,
                owner,
                marker: std::marker::PhantomData,
            });
        }
    }
    walk(&mut Owned {
        model,
        front,
        built,
        counts,
    });
}

/// Links the subjects of kind `K` to their owners of kind `O`,
/// configuration by configuration.
fn link_owner<K: Subject, O: Subject>(
    model: &Model,
    front: &dyn FrontEnd,
    built: &mut Subjects,
    counts: &Counts,
    owner: Owner,
) {
    let (Some(owned_counts), Some(owner_counts)) = (counts.get(&K::KIND), counts.get(&O::KIND))
    else {
        return;
    };
    let map = O::map(front.dialect());
    let argument = owner.argument(front.dialect());
    let mut views = std::mem::take(K::all_mut(built));
    let owners = O::all(built);
    let (mut at, mut owners_at) = (0, 0);
    for (&count, &owner_count) in owned_counts.iter().zip(owner_counts) {
        let range = owners_at..owners_at + owner_count;
        let mut config = Configuration::<&O>::default();
        for o in owners
            .get(range)
            .unwrap_or_default()
            .iter()
            .filter(|o| o.orphan().is_none())
        {
            let mut names = o.link_names();
            names.extend(front.written_names(o.resource(), map.name_argument));
            config.add_subject(o.resource(), &names, o);
        }
        let end = (at + count).min(views.len());
        for view in views
            .get_mut(at..end)
            .unwrap_or_default()
            .iter_mut()
            .filter(|v| v.orphan().is_none())
        {
            let resource = model.resource(view.resource());
            let Some(value) = front.argument(resource, argument) else {
                continue;
            };
            let mut found = targets(front, resource.id, &value, map.link_name);
            let written = front.written_names(resource.id, argument);
            if !written.is_empty() {
                found.retain(|t| *t != Target::Elsewhere);
                found.extend(written.into_iter().map(Target::Name));
            }
            if let Some(&o) = found
                .iter()
                .find_map(|t| config.resolve(t))
                .and_then(|i| config.views.get(i))
            {
                view.set_owner(o);
            }
        }
        at += count;
        owners_at += owner_count;
    }
    *K::all_mut(built) = views;
}

/// One kind's subjects in one configuration, read through the kind's map
/// for the front end's dialect.
fn build_kind<K: Subject>(model: &Model, members: &[Member], front: &dyn FrontEnd) -> Vec<K> {
    let map = K::map(front.dialect());
    let resources: Vec<(&Resource, usize)> = members
        .iter()
        .map(|m| (model.resource(m.id), m.instance))
        .filter(|(r, _)| map.reads(&r.resource_type))
        .collect();
    let targets = |holder: ResourceId, value: &Value, written: Vec<String>| {
        let mut targets = targets(front, holder, value, map.link_name);
        if !written.is_empty() {
            targets.retain(|t| *t != Target::Elsewhere);
            targets.extend(written.into_iter().map(Target::Name));
        }
        targets
    };
    let mut config = Configuration::default();
    for &(r, _) in resources
        .iter()
        .filter(|(r, _)| map.subjects.contains(&r.resource_type.as_str()))
    {
        let view = (map.subject)(r, front);
        let mut names = view.link_names();
        names.extend(front.written_names(r.id, map.name_argument));
        config.add_subject(r.id, &names, view);
    }
    for &(r, instance) in &resources {
        let Some(argument) = map.satellite_argument(&r.resource_type) else {
            continue;
        };
        if let Some(patterns) = K::subject_patterns(r, front) {
            config.attach_covered(
                instance,
                &patterns,
                K::may_match,
                || {
                    let written = patterns
                        .first()
                        .cloned()
                        .unwrap_or_else(|| Value::unknown("the policy names no subject", r.header));
                    K::orphan_view(r, written)
                },
                |view| (map.satellite)(view, r, front),
            );
            continue;
        }
        let written = front.argument(r, argument);
        let targets = match &written {
            Some(value) => targets(r.id, value, front.written_names(r.id, argument)),
            None => vec![Target::Elsewhere],
        };
        config.attach(
            instance,
            &targets,
            written.as_ref(),
            || {
                let written = written
                    .clone()
                    .unwrap_or_else(|| Value::unknown(format!("no `{argument}`"), r.header));
                K::orphan_view(r, written)
            },
            |view| (map.satellite)(view, r, front),
        );
    }
    config.link_subjects(|holder, value| targets(holder, value, Vec::new()));
    let mut views = config.into_views();
    for &(r, _) in resources
        .iter()
        .filter(|(r, _)| map.configuration_wide.contains(&r.resource_type.as_str()))
    {
        for view in &mut views {
            (map.configuration)(view, r);
        }
    }
    for view in &mut views {
        view.resolve_references(&|holder, value| front.target(holder, value));
    }
    views
}

/// What a subject argument (`bucket`, `target_bucket`, `domain_name`),
/// read in `holder`'s body, names: the resource it references, and the
/// name it writes (`name` reads it: a bucket ARN gives the bucket name).
fn targets(
    references: &dyn FrontEnd,
    holder: ResourceId,
    value: &Value,
    name: fn(&Value) -> Option<&str>,
) -> Vec<Target> {
    let mut targets = Vec::new();
    if let Some(id) = references.target(holder, value) {
        targets.push(Target::Resource(id));
    }
    if let Some(name) = name(value) {
        targets.push(Target::Name(name.to_string()));
    }
    if targets.is_empty() {
        targets.push(Target::Elsewhere);
    }
    targets
}

/// The subjects of one kind in one configuration, and the satellites given
/// to them.
pub(crate) struct Configuration<V> {
    views: Vec<V>,
    by_resource: HashMap<ResourceId, usize>,
    /// Name -> the subjects that have it, in source order.
    by_name: HashMap<String, Vec<usize>>,
    /// Orphan views by (module instance, how their satellites name the
    /// subject): satellites that name it the same way configure the same
    /// thing, so they share one view.
    orphans: HashMap<(usize, String), usize>,
}

impl<V> Default for Configuration<V> {
    fn default() -> Self {
        Configuration {
            views: Vec::new(),
            by_resource: HashMap::new(),
            by_name: HashMap::new(),
            orphans: HashMap::new(),
        }
    }
}

impl<V> Configuration<V> {
    /// Adds a subject (a bucket, a domain) under its resource and the names
    /// it can be linked by.
    pub fn add_subject(&mut self, resource: ResourceId, names: &[String], view: V) {
        let index = self.views.len();
        self.views.push(view);
        self.by_resource.insert(resource, index);
        for name in names {
            let list = self.by_name.entry(name.clone()).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
    }

    /// The subject `target` names: the referenced instance, else the one
    /// subject with that name.
    pub fn resolve(&self, target: &Target) -> Option<usize> {
        match target {
            Target::Resource(id) => self.by_resource.get(id).copied(),
            Target::Name(name) => match self.by_name.get(name).map(Vec::as_slice) {
                Some(&[only]) => Some(only),
                _ => None,
            },
            Target::Elsewhere => None,
        }
    }

    /// Gives a satellite to its subject, or to the orphan view of the
    /// subject it names (made by `orphan` the first time).
    ///
    /// `instance` is the satellite's module instance; `written` is its
    /// subject argument as written (absent when it has none).
    pub fn attach(
        &mut self,
        instance: usize,
        targets: &[Target],
        written: Option<&Value>,
        orphan: impl FnOnce() -> V,
        merge: impl FnOnce(&mut V),
    ) {
        let index = match targets.iter().find_map(|t| self.resolve(t)) {
            Some(index) => index,
            None => self.orphan_view(instance, targets, written, orphan),
        };
        merge(&mut self.views[index]);
    }

    /// Gives a satellite that covers subjects by pattern to every subject
    /// of the configuration one of `patterns` may match, or, when none may,
    /// to the orphan view of those patterns (made by `orphan` the first
    /// time): a policy may cover several subjects, and a subject may be
    /// covered by several policies. `may_match` says whether a pattern may
    /// match a subject ([`Subject::may_match`]).
    pub fn attach_covered(
        &mut self,
        instance: usize,
        patterns: &[Value],
        may_match: impl Fn(&V, &Value) -> bool,
        orphan: impl FnOnce() -> V,
        mut merge: impl FnMut(&mut V),
    ) {
        let mut covered: Vec<usize> = self
            .by_resource
            .values()
            .copied()
            .filter(|&i| patterns.iter().any(|p| may_match(&self.views[i], p)))
            .collect();
        covered.sort_unstable();
        if covered.is_empty() {
            let written: Vec<String> = patterns
                .iter()
                .map(|p| match p.unknown_reason() {
                    Some(reason) => format!("unknown {reason}"),
                    None => p.display(),
                })
                .collect();
            let key = (instance, format!("patterns {}", written.join(" ")));
            let index = match self.orphans.get(&key) {
                Some(&index) => index,
                None => {
                    self.views.push(orphan());
                    let index = self.views.len() - 1;
                    self.orphans.insert(key, index);
                    index
                }
            };
            covered.push(index);
        }
        for index in covered {
            merge(&mut self.views[index]);
        }
    }

    fn orphan_view(
        &mut self,
        instance: usize,
        targets: &[Target],
        written: Option<&Value>,
        orphan: impl FnOnce() -> V,
    ) -> usize {
        let key = orphan_key(targets, written).map(|k| (instance, k));
        if let Some(&index) = key.as_ref().and_then(|k| self.orphans.get(k)) {
            return index;
        }
        self.views.push(orphan());
        let index = self.views.len() - 1;
        if let Some(key) = key {
            self.orphans.insert(key, index);
        }
        index
    }

    #[cfg(test)]
    pub fn views(&self) -> &[V] {
        &self.views
    }

    pub fn into_views(self) -> Vec<V> {
        self.views
    }
}

impl<V: Subject> Configuration<V> {
    /// Records on each subject the subjects of this configuration that send
    /// something to it (a bucket's server access logs, from any source of
    /// its logging part); `targets` says what a value, read in its holder,
    /// names.
    pub fn link_subjects(&mut self, targets: impl Fn(ResourceId, &Value) -> Vec<Target>) {
        let mut edges = Vec::new();
        // An orphan never changes another subject's verdict (rules.md,
        // "Orphan satellites"): its logs do not make a log bucket.
        for (i, view) in self.views.iter().enumerate() {
            if view.orphan().is_some() {
                continue;
            }
            for (holder, value) in view.sends_to() {
                let found = targets(holder, value).iter().find_map(|t| self.resolve(t));
                if let Some(j) = found.filter(|&j| j != i) {
                    edges.push((j, view.resource()));
                }
            }
        }
        for (j, source) in edges {
            self.views[j].receives_from(source);
        }
    }
}

/// How an orphan's satellites name their subject: the same reference, the
/// same name, or the same expression text.
fn orphan_key(targets: &[Target], written: Option<&Value>) -> Option<String> {
    if let Some(first) = targets.first() {
        match first {
            Target::Resource(id) => return Some(format!("ref {}", id.0)),
            Target::Name(name) => return Some(format!("name {name}")),
            Target::Elsewhere => {}
        }
    }
    let written = written?;
    match written.unknown_reason() {
        Some(reason) => Some(format!("unknown {reason}")),
        None => Some(format!("value {}", written.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::Span;

    fn config() -> Configuration<Vec<u32>> {
        let mut c = Configuration::default();
        c.add_subject(ResourceId(1), &["logs".into()], vec![]);
        c.add_subject(ResourceId(2), &["data".into()], vec![]);
        c.add_subject(ResourceId(3), &["data".into()], vec![]);
        c
    }

    fn attach(c: &mut Configuration<Vec<u32>>, id: u32, instance: usize, target: Target) {
        let written = Value::unknown("var.bucket has no value", Span::default());
        c.attach(instance, &[target], Some(&written), Vec::new, |v| {
            v.push(id)
        });
    }

    #[test]
    fn references_link_to_that_instance_only() {
        let mut c = config();
        attach(&mut c, 10, 0, Target::Resource(ResourceId(2)));
        assert_eq!(c.views(), &[vec![], vec![10], vec![]]);
    }

    #[test]
    fn a_name_links_only_when_one_subject_has_it() {
        let mut c = config();
        attach(&mut c, 10, 0, Target::Name("logs".into()));
        attach(&mut c, 11, 0, Target::Name("data".into()));
        assert_eq!(c.views()[0], vec![10]);
        // Two buckets are called "data": the satellite is an orphan.
        assert_eq!(c.views().len(), 4);
        assert_eq!(c.views()[3], vec![11]);
    }

    #[test]
    fn a_pattern_satellite_goes_to_every_subject_it_may_match_else_to_an_orphan() {
        let mut c = Configuration::default();
        for id in [1, 2, 3] {
            c.add_subject(ResourceId(id), &[], vec![id]);
        }
        // Subjects 2 and 3 are called "data"; an unknown pattern may match
        // every subject.
        let may_match =
            |v: &Vec<u32>, p: &Value| p.is_unknown() || (p.as_str() == Some("data") && v[0] != 1);
        let data = Value::string("data", Span::default());
        c.attach_covered(0, std::slice::from_ref(&data), may_match, Vec::new, |v| {
            v.push(10)
        });
        assert_eq!(c.views(), &[vec![1], vec![2, 10], vec![3, 10]]);
        let unknown = Value::unknown("var.policy has no value", Span::default());
        c.attach_covered(0, &[unknown], may_match, Vec::new, |v| v.push(11));
        assert_eq!(c.views(), &[vec![1, 11], vec![2, 10, 11], vec![3, 10, 11]]);
        // Nothing matches: one orphan view per instance and patterns.
        let other = Value::string("other", Span::default());
        for id in [12, 13] {
            c.attach_covered(0, std::slice::from_ref(&other), may_match, Vec::new, |v| {
                v.push(id)
            });
        }
        assert_eq!(&c.views()[3..], &[vec![12, 13]]);
    }

    #[test]
    fn orphans_naming_the_same_thing_share_a_view_per_instance() {
        let mut c = config();
        attach(&mut c, 10, 0, Target::Elsewhere);
        attach(&mut c, 11, 0, Target::Elsewhere);
        attach(&mut c, 12, 1, Target::Elsewhere);
        assert_eq!(&c.views()[3..], &[vec![10, 11], vec![12]]);
        // Other subjects are never touched.
        assert!(c.views()[..3].iter().all(Vec::is_empty));
    }
}
