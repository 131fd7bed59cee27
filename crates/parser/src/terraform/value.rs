//! The evaluator's values: the model's value tree plus what evaluation
//! needs and rules never see: which resource instance a value names (to link
//! satellites), the structure behind a JSON string (so a policy written with
//! `jsonencode` keeps a span on every part), and objects whose missing
//! attributes are unknown rather than errors (resources, data sources).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use phiguard_model::{
    format_number, OriginRole, Origins, Span, Spanned, StandsFor, Unknown, Value, ValueKind,
    ValueOrigin,
};

use crate::limits::{
    string_too_long, MAX_SET_COMPOSITES, MAX_STRING, MAX_VALUE_PARTS as MAX_WEIGHT, STEP_COST,
};

#[derive(Debug, Clone)]
pub(crate) struct V {
    pub kind: K,
    pub span: Span,
    pub meta: Option<Rc<Meta>>,
    /// The places that decided the value before its use (the model's
    /// `Value::origins`, shared as they are so `to_model` only clones a
    /// pointer). Apart from `meta`, which conversions drop, because a
    /// value converted to its variable's type was still decided there.
    pub origins: Origins,
    /// How many nodes the value has, counting shared parts each time they
    /// appear, and a node more for each [`STEP_COST`] bytes of a string:
    /// what converting it to the model costs.
    weight: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum K {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Shared: values are cloned at every reference, parts rarely change.
    List(Rc<Vec<V>>),
    Map(Rc<Vec<(Spanned<String>, V)>>),
    Unknown(Rc<str>),
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    /// The resource instance this value is the id, name or ARN of.
    pub origin: Option<u32>,
    /// For a JSON string: the value it encodes, with its spans.
    pub structured: Option<V>,
    /// For a resource or data source object: reading an attribute it does
    /// not have gives an unknown value (the provider computes it).
    pub open: bool,
    /// For an unknown value: an attribute of a resource of this
    /// configuration, known once it is created (`aws_kms_key.k.arn`), not
    /// an input nobody gave. For an open object: its missing attributes are.
    pub computed: bool,
    /// For an unknown value: all instances of a resource whose number of
    /// instances is not known, and this is the one that is checked. A splat
    /// or a `for_each` over them reads that instance, so that satellites
    /// following their bucket's unknown condition link to it (rules.md,
    /// "Instances").
    pub stand_in: Option<V>,
    /// For an unknown string built from known and unknown parts: the known
    /// text (see [`phiguard_model::Unknown::known_text`]).
    pub known_text: Option<String>,
    /// For an unknown value: what it is known to stand for (see
    /// [`phiguard_model::Unknown::stands_for`]).
    pub stands_for: Option<StandsFor>,
    /// With `known_text`: the whole string, unknown parts as holes (see
    /// [`phiguard_model::Unknown::shape`]).
    pub shape: Option<String>,
}

/// A Terraform error (a wrong type, a missing key): `try` and `can` catch
/// it; anywhere else it becomes an unknown value with this message.
#[derive(Debug, Clone)]
pub(crate) struct Fail(pub String);

pub(crate) type R = Result<V, Fail>;

pub(crate) fn fail<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(message.into()))
}

impl V {
    pub fn new(kind: K, span: Span) -> V {
        let weight = match &kind {
            K::List(items) => items.iter().fold(1u32, |w, v| w.saturating_add(v.weight)),
            K::Map(entries) => entries
                .iter()
                .fold(1u32, |w, (_, v)| w.saturating_add(v.weight)),
            K::String(s) => u32::try_from(1 + s.len() / STEP_COST).unwrap_or(u32::MAX),
            _ => 1,
        };
        if weight > MAX_WEIGHT {
            return V::unknown(
                format!(
                    "the value has more than {MAX_WEIGHT} parts, counting shared parts each \
                     time and {STEP_COST} bytes of text as one (phiguard's limit for one value)"
                ),
                span,
            );
        }
        if matches!(&kind, K::String(s) if s.len() > MAX_STRING) {
            return V::unknown(string_too_long(), span);
        }
        V {
            kind,
            span,
            meta: None,
            origins: None,
            weight,
        }
    }

    /// What building this value costs against the evaluator's budget
    /// ([`crate::limits::MAX_WORK`]): its string, copied whenever a value is
    /// (a reference, a `for` variable), and its entries when they were just
    /// made; a list or map shared with another owner (a local read again)
    /// was not.
    pub fn cost(&self) -> usize {
        let made = |owners: usize, len: usize| if owners == 1 { len * STEP_COST } else { 0 };
        STEP_COST
            + match &self.kind {
                K::String(s) => s.len(),
                K::List(items) => made(Rc::strong_count(items), items.len()),
                K::Map(entries) => made(Rc::strong_count(entries), entries.len()),
                K::Unknown(reason) => reason.len(),
                K::Null | K::Bool(_) | K::Number(_) => 0,
            }
    }

    /// What converting this value to the model costs against the
    /// evaluator's budget: its shared parts are copied each time there.
    pub fn model_cost(&self) -> usize {
        self.weight as usize * STEP_COST
    }

    pub fn null(span: Span) -> V {
        V::new(K::Null, span)
    }

    pub fn bool(b: bool, span: Span) -> V {
        V::new(K::Bool(b), span)
    }

    pub fn number(n: f64, span: Span) -> V {
        V::new(K::Number(n), span)
    }

    pub fn string(s: impl Into<String>, span: Span) -> V {
        V::new(K::String(s.into()), span)
    }

    pub fn list(items: Vec<V>, span: Span) -> V {
        V::new(K::List(Rc::new(items)), span)
    }

    pub fn map(entries: Vec<(Spanned<String>, V)>, span: Span) -> V {
        V::new(K::Map(Rc::new(entries)), span)
    }

    pub fn unknown(reason: impl Into<Rc<str>>, span: Span) -> V {
        V::new(K::Unknown(reason.into()), span)
    }

    /// An unknown attribute of a resource of this configuration.
    pub fn computed(reason: impl Into<Rc<str>>, span: Span) -> V {
        V::unknown(reason, span).with_meta(Meta {
            computed: true,
            ..Meta::default()
        })
    }

    pub fn is_computed(&self) -> bool {
        self.meta.as_ref().is_some_and(|m| m.computed)
    }

    pub fn with_meta(mut self, meta: Meta) -> V {
        // The model gets the structure instead of the text: it costs as much.
        if let Some(structured) = &meta.structured {
            self.weight = self.weight.saturating_add(structured.weight);
        }
        self.meta = Some(Rc::new(meta));
        self
    }

    /// The same value at another place; its parts keep theirs.
    pub fn at(mut self, span: Span) -> V {
        self.span = span;
        self
    }

    /// Moves every part to `span`: for values from outside the configuration
    /// (`terraform.tfvars`, `--var`) that findings cannot point into.
    pub fn deep_respan(&mut self, span: Span) {
        self.span = span;
        match &mut self.kind {
            K::List(items) => Rc::make_mut(items)
                .iter_mut()
                .for_each(|v| v.deep_respan(span)),
            K::Map(entries) => Rc::make_mut(entries).iter_mut().for_each(|(k, v)| {
                k.span = span;
                v.deep_respan(span);
            }),
            _ => {}
        }
        if let Some(meta) = &mut self.meta {
            if meta.structured.is_some() {
                let meta = Rc::make_mut(meta);
                if let Some(s) = &mut meta.structured {
                    s.deep_respan(span);
                }
            }
        }
    }

    /// The same value, having passed through `hop` on its way to its use
    /// (a module argument, a local): `hop` joins the end of its origins.
    pub fn passed(mut self, hop: ValueOrigin) -> V {
        let chain = match self.origins.take() {
            Some(before) => before.iter().cloned().chain([hop]).collect(),
            None => Arc::from([hop]),
        };
        self.origins = Some(chain);
        self
    }

    /// The same value with the origins of `decider` when it has none of its
    /// own: a conditional's branch written in place was chosen by the
    /// condition, so the condition's inputs are the place to change.
    pub fn decided_by(mut self, decider: &V) -> V {
        if self.origins.is_none() {
            self.origins = decider.origins.clone();
        }
        self
    }

    /// This value, read out of a value with origins `outer` (an attribute,
    /// a key, an item): its own origins, then the container's hops. A hop
    /// that one of its own origins lies inside is the same place seen as a
    /// whole (the map in a var file whose entry is known) and is left out;
    /// for a value without origins of its own, a hop that wrote it in place
    /// (a map literal passed as a module argument) is narrowed onto it,
    /// keeping its name (the argument, variable or local holding the map).
    /// A value with origins was written elsewhere: its span says nothing of
    /// where the hop wrote it.
    pub fn read_from(mut self, outer: &Origins) -> V {
        let Some(outer) = outer.as_deref() else {
            return self;
        };
        let own = self.origins.as_deref().unwrap_or_default();
        let mut chain: Vec<ValueOrigin> = own.to_vec();
        for hop in outer {
            let Some(hop_span) = hop.span else {
                chain.push(hop.clone());
                continue;
            };
            if own
                .iter()
                .any(|o| o.span.is_some_and(|s| lies_within(s, hop_span)))
            {
                continue;
            }
            let written_here = own.is_empty() && self.span != hop_span;
            let narrowed = if written_here && lies_within(self.span, hop_span) {
                ValueOrigin {
                    span: Some(self.span),
                    ..hop.clone()
                }
            } else {
                hop.clone()
            };
            if chain.last() != Some(&narrowed) {
                chain.push(narrowed);
            }
        }
        self.origins = Some(chain.into());
        self
    }

    /// Gives every node the origin of a var file's value: the node's own
    /// place in the file, named by its map key where it has one, so that
    /// reading `var.buckets.logs.acl` points at that entry of the file
    /// although the value's spans are later moved onto the reference.
    pub fn mark_from_var_file(&mut self, name: &str) {
        self.mark_given(name, OriginRole::Tfvars);
    }

    /// [`V::mark_from_var_file`] for a value given in another file (a
    /// plan's `variables`).
    pub fn mark_given(&mut self, name: &str, role: OriginRole) {
        match &mut self.kind {
            K::List(items) => Rc::make_mut(items)
                .iter_mut()
                .for_each(|v| v.mark_given(name, role)),
            K::Map(entries) => Rc::make_mut(entries)
                .iter_mut()
                .for_each(|(k, v)| v.mark_given(&k.value, role)),
            _ => {}
        }
        self.origins = Some(Arc::from([ValueOrigin {
            role,
            span: Some(self.span),
            name: name.to_string(),
        }]));
    }

    pub fn origin(&self) -> Option<u32> {
        self.meta.as_ref().and_then(|m| m.origin)
    }

    pub fn stand_in(&self) -> Option<&V> {
        self.meta.as_ref().and_then(|m| m.stand_in.as_ref())
    }

    pub fn stands_for(&self) -> Option<&StandsFor> {
        self.meta.as_ref().and_then(|m| m.stands_for.as_ref())
    }

    /// The same value, known to stand for `what` (kept on unknown values
    /// only).
    pub fn standing_for(self, what: StandsFor) -> V {
        if !matches!(self.kind, K::Unknown(_)) {
            return self;
        }
        let mut meta = self.meta.as_deref().cloned().unwrap_or_default();
        meta.stands_for = Some(what);
        self.with_meta(meta)
    }

    pub fn structured(&self) -> Option<&V> {
        self.meta.as_ref().and_then(|m| m.structured.as_ref())
    }

    pub fn is_open(&self) -> bool {
        self.meta.as_ref().is_some_and(|m| m.open)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, K::Null)
    }

    pub fn unknown_reason(&self) -> Option<&Rc<str>> {
        match &self.kind {
            K::Unknown(reason) => Some(reason),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            K::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        match &self.kind {
            K::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The first unknown part, depth first.
    pub fn first_unknown(&self) -> Option<&Rc<str>> {
        match &self.kind {
            K::Unknown(reason) => Some(reason),
            K::List(items) => items.iter().find_map(V::first_unknown),
            K::Map(entries) => entries.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            K::Null => "null",
            K::Bool(_) => "bool",
            K::Number(_) => "number",
            K::String(_) => "string",
            K::List(_) => "list",
            K::Map(_) => "object",
            K::Unknown(_) => "unknown value",
        }
    }

    /// Terraform's `==`: `None` when an unknown part decides it.
    pub fn equals(&self, other: &V) -> Option<bool> {
        match (&self.kind, &other.kind) {
            (K::Unknown(_), _) | (_, K::Unknown(_)) => None,
            (K::Null, K::Null) => Some(true),
            (K::Bool(a), K::Bool(b)) => Some(a == b),
            (K::Number(a), K::Number(b)) => Some(a == b),
            (K::String(a), K::String(b)) => Some(a == b),
            (K::List(a), K::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                all_equal(a.iter().zip(b.iter()))
            }
            (K::Map(a), K::Map(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut pairs = Vec::with_capacity(a.len());
                for (key, value) in a.iter() {
                    match other.get(&key.value) {
                        Some(theirs) => pairs.push((value, theirs)),
                        None => return Some(false),
                    }
                }
                all_equal(pairs.into_iter())
            }
            _ => Some(false),
        }
    }

    /// The text a string template shows for a primitive value.
    pub fn template_text(&self) -> Option<String> {
        match &self.kind {
            K::String(s) => Some(s.clone()),
            K::Number(n) => Some(format_number(*n)),
            K::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn from_model(value: &Value) -> V {
        let kind = match &value.kind {
            ValueKind::Null => K::Null,
            ValueKind::Bool(b) => K::Bool(*b),
            ValueKind::Number(n) => K::Number(*n),
            ValueKind::String(s) => K::String(s.clone()),
            ValueKind::List(items) => K::List(Rc::new(items.iter().map(V::from_model).collect())),
            ValueKind::Map(entries) => K::Map(Rc::new(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), V::from_model(v)))
                    .collect(),
            )),
            ValueKind::Unknown(u) => {
                let v = V::new(K::Unknown(Rc::from(u.reason.as_str())), value.span);
                if !u.computed
                    && u.known_text.is_none()
                    && u.stands_for.is_none()
                    && u.shape.is_none()
                {
                    return v;
                }
                return v.with_meta(Meta {
                    computed: u.computed,
                    known_text: u.known_text.clone(),
                    shape: u.shape.as_deref().cloned(),
                    stands_for: u.stands_for.as_deref().cloned(),
                    ..Meta::default()
                });
            }
        };
        V::new(kind, value.span)
    }

    /// The model's value. A JSON string that evaluation built from a value
    /// becomes that value (its spans point at each part); `link` hears of
    /// every part that names a resource instance.
    pub fn to_model(&self, link: &mut dyn FnMut(Span, u32)) -> Value {
        let mut value = self.to_model_node(link);
        if self.origins.is_some() {
            value.origins = self.origins.clone();
        }
        value
    }

    fn to_model_node(&self, link: &mut dyn FnMut(Span, u32)) -> Value {
        if let Some(origin) = self.origin() {
            link(self.span, origin);
        }
        if let Some(structured) = self.structured() {
            if matches!(structured.kind, K::Map(_) | K::List(_)) {
                let mut value = structured.to_model(link);
                value.span = self.span;
                return value;
            }
        }
        let kind = match &self.kind {
            K::Null => ValueKind::Null,
            K::Bool(b) => ValueKind::Bool(*b),
            K::Number(n) => ValueKind::Number(*n),
            K::String(s) => ValueKind::String(s.clone()),
            K::List(items) => ValueKind::List(items.iter().map(|v| v.to_model(link)).collect()),
            K::Map(entries) => ValueKind::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_model(link)))
                    .collect(),
            ),
            K::Unknown(reason) => {
                let known_text = self.meta.as_ref().and_then(|m| m.known_text.clone());
                let shape = self
                    .meta
                    .as_ref()
                    .and_then(|m| m.shape.clone())
                    .map(Box::new);
                return Value::new(
                    ValueKind::Unknown(Box::new(Unknown {
                        reason: reason.to_string(),
                        computed: self.is_computed(),
                        known_text,
                        stands_for: self.stands_for().cloned().map(Box::new),
                        shape,
                    })),
                    self.span,
                );
            }
        };
        Value::new(kind, self.span)
    }
}

/// A map being built, one entry per key in first-seen order, keys found by
/// hash: object literals, `merge` and `for` expressions make maps of any
/// size in linear time (a scan per key made 100,000 keys take minutes).
#[derive(Default)]
pub(crate) struct Entries {
    entries: Vec<(Spanned<String>, V)>,
    index: HashMap<String, usize>,
}

impl Entries {
    /// Sets `key` to `value`, replacing an earlier entry in its place.
    pub fn set(&mut self, key: Spanned<String>, value: V) {
        match self.index.get(&key.value) {
            Some(&at) => self.entries[at] = (key, value),
            None => {
                self.index.insert(key.value.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let at = *self.index.get(key)?;
        Some(&mut self.entries[at].1)
    }

    pub fn into_vec(self) -> Vec<(Spanned<String>, V)> {
        self.entries
    }
}

/// A primitive value as Terraform's `==` compares it, hashable: sets and
/// `distinct` find duplicates of primitives in linear time.
#[derive(PartialEq, Eq, Hash)]
enum Primitive<'v> {
    Null,
    Bool(bool),
    /// The bits of a number that is not NaN, `-0` as `0`.
    Number(u64),
    String(&'v str),
}

fn primitive(v: &V) -> Option<Primitive<'_>> {
    Some(match &v.kind {
        K::Null => Primitive::Null,
        K::Bool(b) => Primitive::Bool(*b),
        K::Number(n) if n.is_nan() => return None,
        K::Number(n) => Primitive::Number(if *n == 0.0 { 0 } else { n.to_bits() }),
        K::String(s) => Primitive::String(s),
        _ => return None,
    })
}

/// The values of a list, to ask whether one is among them by `==`:
/// primitives by hash, lists and objects by comparing each (at most
/// [`MAX_SET_COMPOSITES`] of them), unknown values never.
pub(crate) struct Members<'v> {
    primitives: HashSet<Primitive<'v>>,
    others: Vec<&'v V>,
}

impl<'v> Members<'v> {
    pub fn new(items: &'v [V]) -> Result<Members<'v>, String> {
        let mut members = Members {
            primitives: HashSet::with_capacity(items.len()),
            others: Vec::new(),
        };
        for item in items {
            members.add(item)?;
        }
        Ok(members)
    }

    /// Adds `item`; whether it was not there yet.
    fn add(&mut self, item: &'v V) -> Result<bool, String> {
        if let Some(p) = primitive(item) {
            return Ok(self.primitives.insert(p));
        }
        if self.contains(item) {
            return Ok(false);
        }
        if self.others.len() >= MAX_SET_COMPOSITES {
            return Err(format!(
                "more than {MAX_SET_COMPOSITES} lists or objects to compare in one set \
                 (phiguard's limit)"
            ));
        }
        self.others.push(item);
        Ok(true)
    }

    pub fn contains(&self, item: &V) -> bool {
        match primitive(item) {
            Some(p) => self.primitives.contains(&p),
            None => self.others.iter().any(|o| o.equals(item) == Some(true)),
        }
    }
}

/// `items` without the later of two equal values, in order.
pub(crate) fn distinct(items: Vec<V>) -> Result<Vec<V>, String> {
    let keep = {
        let mut members = Members::new(&[])?;
        items
            .iter()
            .map(|item| members.add(item))
            .collect::<Result<Vec<bool>, String>>()?
    };
    Ok(items
        .into_iter()
        .zip(keep)
        .filter_map(|(item, keep)| keep.then_some(item))
        .collect())
}

/// Whether `inner` is a non-empty part of `outer`, in the same file.
fn lies_within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file
        && !inner.is_empty()
        && outer.start <= inner.start
        && inner.end <= outer.end
}

fn all_equal<'v>(pairs: impl Iterator<Item = (&'v V, &'v V)>) -> Option<bool> {
    let mut unknown = false;
    for (a, b) in pairs {
        match a.equals(b) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn s(text: &str) -> V {
        V::string(text, Span::new(FileId(0), 0..1))
    }

    #[test]
    fn equality_is_three_valued() {
        let unknown = V::unknown("x", Span::default());
        assert_eq!(s("a").equals(&s("a")), Some(true));
        assert_eq!(s("a").equals(&unknown), None);
        let a = V::list(vec![s("a"), unknown.clone()], Span::default());
        let b = V::list(vec![s("b"), unknown], Span::default());
        assert_eq!(a.equals(&b), Some(false));
        assert_eq!(s("1").equals(&V::number(1.0, Span::default())), Some(false));
    }

    fn hop(role: OriginRole, span: Span, name: &str) -> ValueOrigin {
        ValueOrigin {
            role,
            span: Some(span),
            name: name.into(),
        }
    }

    #[test]
    fn entries_read_out_of_a_value_keep_the_most_precise_origin() {
        let at = |range| Span::new(FileId(1), range);
        // `{ acl = "public-read" }` passed as module argument `settings`.
        let entry = V::string("public-read", at(10..23));
        let call = Some(Arc::from([hop(
            OriginRole::ModuleArgument,
            at(2..25),
            "settings",
        )]));
        let read = entry.clone().read_from(&call);
        assert_eq!(
            read.origins.as_deref(),
            Some(&[hop(OriginRole::ModuleArgument, at(10..23), "settings")][..])
        );
        // The same map from a var file, whose entries know their own lines.
        let mut map = V::map(
            vec![(Spanned::new("acl".into(), at(4..7)), entry)],
            at(2..25),
        );
        map.mark_from_var_file("settings");
        let K::Map(entries) = &map.kind else {
            unreachable!()
        };
        let read = entries[0].1.clone().read_from(&map.origins);
        assert_eq!(
            read.origins.as_deref(),
            Some(&[hop(OriginRole::Tfvars, at(10..23), "acl")][..])
        );
        let unmarked = V::string("x", at(30..31)).read_from(&None);
        assert!(unmarked.origins.is_none());
    }

    #[test]
    fn structured_strings_become_their_structure() {
        let inner = V::map(
            vec![(Spanned::new("a".into(), Span::default()), s("b"))],
            Span::default(),
        );
        let json = s("{\"a\":\"b\"}").with_meta(Meta {
            structured: Some(inner),
            ..Meta::default()
        });
        let value = json.to_model(&mut |_, _| {});
        assert_eq!(value.get("a").and_then(Value::as_str), Some("b"));
        assert_eq!(value.span, Span::new(FileId(0), 0..1));
    }
}
