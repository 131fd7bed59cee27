//! Named facts: what policies can ask about a bucket or a domain. Anything
//! that needs more than reading one setting (is this statement public? is
//! versioning on, whatever the syntax?) is computed here, in Rust, once.

mod iam;
mod s3;
mod search_domain;

use phiguard_model::{
    DomainPartKind, Model, Origin, ResourceId, ResourceKind, S3Bucket, S3PartKind, SearchDomain,
    Span, Spanned, Value, ValueKind,
};

/// A fact's value (absent when `None`, possibly unknown) and the resource
/// that holds it, so findings about a satellite name the satellite.
#[derive(Debug, Clone, Default)]
pub struct Fact {
    pub value: Option<Value>,
    pub resource: Option<ResourceId>,
}

impl Fact {
    pub fn absent() -> Fact {
        Fact::default()
    }

    /// A setting read as written.
    pub fn setting(origin: &Origin, value: Option<&Value>) -> Fact {
        Fact {
            value: value.cloned(),
            resource: Some(origin.resource),
        }
    }

    /// `true` located at the part of the resource that exists.
    pub fn present(origin: &Origin) -> Fact {
        Fact {
            value: Some(Value::bool(true, origin.span)),
            resource: Some(origin.resource),
        }
    }

    pub fn computed(value: Value, resource: ResourceId) -> Fact {
        Fact {
            value: Some(value),
            resource: Some(resource),
        }
    }
}

pub struct FactDef<T> {
    pub name: &'static str,
    pub doc: &'static str,
    pub get: fn(&Model, &T) -> Fact,
}

impl<T> Clone for FactDef<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for FactDef<T> {}

/// What a policy is evaluated over: a bucket or a domain.
pub trait Subject: Sized + 'static {
    const KIND: ResourceKind;
    /// The parts a satellite can set; each has a presence fact of its name.
    const PARTS: &'static [&'static str];
    fn resource(&self) -> ResourceId;
    fn name(&self) -> Option<&Value>;
    fn facts() -> &'static [FactDef<Self>];
    /// The unknown target of the satellite this view was made from, if any.
    fn unlinked(&self) -> Option<&Value>;
    /// Parts that the resource may set under a condition that cannot be
    /// decided.
    fn maybe_set_elsewhere(&self) -> &[(String, Value)];
    /// The subject expression of the satellites an orphan view stands for.
    fn orphan(&self) -> Option<&Value>;
    /// Whether the view holds the part named `part` (`acl`, `policy`).
    fn carries(&self, part: &str) -> bool;
    /// The view once per combination of its parts' sources (rules.md,
    /// "Every satellite counts").
    fn variants(&self) -> Vec<Self>;
    /// Whether some part has more than one source.
    fn has_further_sources(&self) -> bool;
}

impl Subject for S3Bucket {
    const KIND: ResourceKind = ResourceKind::S3Bucket;
    fn orphan(&self) -> Option<&Value> {
        self.orphan.as_ref()
    }
    fn carries(&self, part: &str) -> bool {
        S3PartKind::ALL
            .iter()
            .any(|k| k.name() == part && self.has(*k))
    }
    fn variants(&self) -> Vec<Self> {
        phiguard_model::variants(self)
    }
    fn has_further_sources(&self) -> bool {
        !self.further_sources.is_empty()
    }
    const PARTS: &'static [&'static str] = &[
        "acl",
        "public_access_block",
        "ownership",
        "encryption",
        "versioning",
        "logging",
        "replication",
        "website",
        "cors",
        "policy",
    ];
    fn unlinked(&self) -> Option<&Value> {
        self.unlinked.as_ref()
    }
    fn maybe_set_elsewhere(&self) -> &[(String, Value)] {
        &self.maybe_set_elsewhere
    }
    fn resource(&self) -> ResourceId {
        self.resource
    }
    fn name(&self) -> Option<&Value> {
        self.name.as_ref()
    }
    fn facts() -> &'static [FactDef<Self>] {
        &s3::FACTS
    }
}

impl Subject for SearchDomain {
    const KIND: ResourceKind = ResourceKind::SearchDomain;
    fn orphan(&self) -> Option<&Value> {
        self.orphan.as_ref()
    }
    fn carries(&self, part: &str) -> bool {
        part == DomainPartKind::AccessPolicy.name() && self.access_policy.is_some()
    }
    fn variants(&self) -> Vec<Self> {
        phiguard_model::variants(self)
    }
    fn has_further_sources(&self) -> bool {
        !self.further_sources.is_empty()
    }
    const PARTS: &'static [&'static str] = &[
        "vpc_options",
        "encryption_at_rest",
        "node_to_node_encryption",
        "endpoint_options",
        "advanced_security",
        "cluster_config",
        "access_policy",
    ];
    fn unlinked(&self) -> Option<&Value> {
        self.unlinked.as_ref()
    }
    fn maybe_set_elsewhere(&self) -> &[(String, Value)] {
        &self.maybe_set_elsewhere
    }
    fn resource(&self) -> ResourceId {
        self.resource
    }
    fn name(&self) -> Option<&Value> {
        self.name.as_ref()
    }
    fn facts() -> &'static [FactDef<Self>] {
        &search_domain::FACTS
    }
}

/// The names and docs of every fact of a kind, for validation and docs.
pub fn fact_names(kind: ResourceKind) -> Vec<(&'static str, &'static str)> {
    match kind {
        ResourceKind::S3Bucket => s3::FACTS.iter().map(|f| (f.name, f.doc)).collect(),
        ResourceKind::SearchDomain => search_domain::FACTS
            .iter()
            .map(|f| (f.name, f.doc))
            .collect(),
        ResourceKind::Other => Vec::new(),
    }
}

/// The keys of the items of a list fact (`acl.grants`), for validating `each`.
pub fn item_keys(kind: ResourceKind, fact: &str) -> Option<&'static [&'static str]> {
    match kind {
        ResourceKind::S3Bucket => s3::ITEM_KEYS,
        ResourceKind::SearchDomain => search_domain::ITEM_KEYS,
        ResourceKind::Other => &[],
    }
    .iter()
    .find(|(name, _)| *name == fact)
    .map(|(_, keys)| *keys)
}

/// A map value for one item of a list fact.
fn item(span: Span, entries: Vec<(&str, Option<&Value>)>) -> Value {
    let entries = entries
        .into_iter()
        .filter_map(|(key, value)| Some((Spanned::new(key.to_string(), span), value?.clone())))
        .collect();
    Value::new(ValueKind::Map(entries), span)
}

/// Reads a boolean-like setting: `true`, `"true"`, `"Enabled"`.
pub(crate) fn truthy(value: &Value) -> Option<bool> {
    match &value.kind {
        ValueKind::Bool(b) => Some(*b),
        ValueKind::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "enabled" => Some(true),
            "false" | "disabled" | "suspended" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A computed boolean located at `span` (kept unknown when the input is).
fn bool_from(value: &Value, span: Span) -> Value {
    match (&value.kind, truthy(value)) {
        (ValueKind::Unknown(_), _) => value.clone(),
        (_, Some(b)) => Value::bool(b, span),
        (_, None) => Value::unknown(format!("{} is not a boolean", value.display()), value.span),
    }
}
