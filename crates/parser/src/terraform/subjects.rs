//! Terraform's subjects: for every kind of the registry, each
//! configuration's subjects and satellites, read through the kind's
//! [`TerraformMap`] and linked by the one linker ([`crate::link`]).

use phiguard_model::kinds::terraform::Node;
use phiguard_model::kinds::{walk, KindVisitor, PolicyReader};
use phiguard_model::{Model, PolicySource, Resource, SourceFile, Subject, Subjects, Value};

use super::build::Placed;
use super::link::Links;
use crate::link::{targets, Configuration, Target};
use crate::policy::policy_source;

/// Policies as Terraform writes them: maps, JSON strings, heredocs.
struct Policies<'a>(&'a [SourceFile]);

impl PolicyReader for Policies<'_> {
    fn policy(&self, value: &Value) -> PolicySource {
        policy_source(value, self.0)
    }
}

/// Builds the subjects of every kind and adds them to the model.
pub(crate) fn build(model: &mut Model, placed: &[Placed], links: &Links) {
    struct Build<'a> {
        model: &'a Model,
        placed: &'a [Placed],
        links: &'a Links,
        built: Subjects,
    }
    impl KindVisitor for Build<'_> {
        fn visit<K: Subject>(&mut self) {
            let views = build_kind::<K>(self.model, self.placed, self.links);
            K::all_mut(&mut self.built).extend(views);
        }
    }
    let mut build = Build {
        model,
        placed,
        links,
        built: Subjects::default(),
    };
    walk(&mut build);
    let built = build.built;
    model.subjects.append(built);
}

/// One kind's subjects in every configuration (a root module and the
/// modules it calls).
fn build_kind<K: Subject>(model: &Model, placed: &[Placed], links: &Links) -> Vec<K> {
    let map = K::TERRAFORM;
    let policies = Policies(&model.files);
    let mut out = Vec::new();
    for group in super::configurations(placed) {
        let resources: Vec<(&Resource, &Placed)> =
            group.iter().map(|p| (model.resource(p.id), p)).collect();
        let of = |types: &[&str]| -> Vec<(&Resource, &Placed)> {
            resources
                .iter()
                .filter(|(r, _)| types.contains(&r.resource_type.as_str()))
                .copied()
                .collect()
        };
        let mut config = Configuration::default();
        for (r, _) in of(map.subjects) {
            let view = (map.subject)(r, &policies);
            config.add_subject(r.id, &view.link_names(), view);
        }
        for (r, p) in of(map.satellites) {
            let written = Node::Body(&r.body).attr(map.subject_argument);
            let targets = written.map_or_else(
                || vec![Target::Elsewhere],
                |t| targets(links, r.id, t, map.link_name),
            );
            config.attach(
                p.instance,
                &targets,
                written,
                || {
                    let written = written.cloned().unwrap_or_else(|| {
                        Value::unknown(format!("no `{}`", map.subject_argument), r.header)
                    });
                    K::orphan_view(r, written)
                },
                |view| (map.satellite)(view, r, &policies),
            );
        }
        config.link_subjects(|holder, value| targets(links, holder, value, map.link_name));
        let mut views = config.into_views();
        for (r, _) in of(map.configuration_wide) {
            for view in &mut views {
                (map.configuration)(view, r);
            }
        }
        out.extend(views);
    }
    out
}
