//! Named facts: what policies can ask about a bucket or a domain. Anything
//! that needs more than reading one setting (is this statement public? is
//! versioning on, whatever the syntax?) is computed here, in Rust, once.

use crate::kinds::dialect::DialectMap;
use crate::kinds::{iam, walk, KindVisitor, PolicyReader, ResourceKind, Subjects};
use crate::{Model, Origin, Resource, ResourceId, Span, Spanned, Value, ValueKind};

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
    /// What kind of value the fact holds, checked against conditions when
    /// policies load.
    pub ty: FactType,
    pub get: fn(&Model, &T) -> Fact,
}

/// The type of a fact, or of a key of a list fact's items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactType {
    /// A part that is there or not (`versioning`): tested with `is present`
    /// and `is absent`, never compared.
    Presence,
    Bool,
    Number,
    String,
    /// One of a fixed set of values, each with one spelling; the other
    /// spellings of the file's languages are read as it.
    Enum(&'static EnumDef),
    /// A map as written (`tags`).
    Map,
    /// A value of a policy document as written: a string, a list or a map
    /// (`statement.principal`). Compares with strings and lists.
    PolicyValue,
    /// A list of plain values (`vpc_options.subnet_ids`).
    List(&'static FactType),
    /// An item of a list fact, with typed keys: what `each` binds.
    Item(&'static ItemDef),
}

impl FactType {
    /// The type's name for docs and messages: `bool`, `enum canned_acl`, ...
    pub fn name(self) -> String {
        match self {
            FactType::Presence => "presence".into(),
            FactType::Bool => "bool".into(),
            FactType::Number => "number".into(),
            FactType::String => "string".into(),
            FactType::Enum(e) => format!("enum {}", e.name),
            FactType::Map => "map".into(),
            FactType::PolicyValue => "policy value".into(),
            FactType::List(FactType::Item(item)) => format!("list of {} items", item.name),
            FactType::List(inner) => format!("list of {}", inner.name()),
            FactType::Item(item) => format!("{} item", item.name),
        }
    }

    /// The item type a list fact's `each` binds, when it has one.
    pub fn item(self) -> Option<&'static ItemDef> {
        match self {
            FactType::List(FactType::Item(item)) => Some(item),
            _ => None,
        }
    }
}

/// An enum: its values, each spelled one way, and the other spellings the
/// file's languages use for them.
#[derive(Debug, PartialEq)]
pub struct EnumDef {
    pub name: &'static str,
    pub values: &'static [&'static str],
    pub aliases: &'static [Alias],
}

/// Another spelling of an enum value, read as the value itself.
#[derive(Debug, PartialEq)]
pub struct Alias {
    pub written: Spelling,
    pub value: &'static str,
    /// Whose spelling it is, for messages: "CloudFormation's spelling".
    pub whose: &'static str,
}

#[derive(Debug, PartialEq)]
pub enum Spelling {
    Str(&'static str),
    Bool(bool),
}

impl EnumDef {
    /// The value as the enum spells it, at the same place. A value outside
    /// the enum is kept as written: it equals none of the enum's values (a
    /// policy can only name those), so `in` is false and `not in` true.
    pub fn canonical(&self, value: &Value) -> Value {
        let alias = self
            .aliases
            .iter()
            .find(|a| match (&a.written, &value.kind) {
                (Spelling::Str(s), ValueKind::String(v)) => s == v,
                (Spelling::Bool(b), ValueKind::Bool(v)) => b == v,
                _ => false,
            });
        match alias {
            Some(alias) => Value::string(alias.value, value.span),
            None => value.clone(),
        }
    }

    /// The alias a policy literal is, if it is one.
    pub fn alias_of_str(&self, text: &str) -> Option<&Alias> {
        self.aliases
            .iter()
            .find(|a| matches!(a.written, Spelling::Str(s) if s == text))
    }

    pub fn alias_of_bool(&self, b: bool) -> Option<&Alias> {
        self.aliases
            .iter()
            .find(|a| matches!(a.written, Spelling::Bool(v) if v == b))
    }
}

impl Spelling {
    pub fn text(&self) -> String {
        match self {
            Spelling::Str(s) => (*s).to_string(),
            Spelling::Bool(b) => b.to_string(),
        }
    }
}

/// The items of a list fact: a name for docs and typed keys.
#[derive(Debug, PartialEq)]
pub struct ItemDef {
    pub name: &'static str,
    pub keys: &'static [(&'static str, FactType)],
}

impl ItemDef {
    pub fn key(&self, key: &str) -> Option<FactType> {
        self.keys.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
    }
}

impl<T> Clone for FactDef<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for FactDef<T> {}

/// A subject of another kind that each subject of a kind belongs to (an S3
/// access point's bucket): that kind, and the argument or property naming
/// it in each dialect. The linker resolves it like a satellite's subject
/// argument, within the configuration, and hands the subject it names to
/// [`Subject::set_owner`].
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub kind: ResourceKind,
    pub terraform: &'static str,
    pub cloudformation: &'static str,
}

impl Owner {
    /// The argument or property naming the owner in `dialect`.
    pub fn argument(&self, dialect: crate::Dialect) -> &'static str {
        match dialect {
            crate::Dialect::Terraform => self.terraform,
            crate::Dialect::CloudFormation => self.cloudformation,
        }
    }
}

/// What a policy is evaluated over: a bucket or a domain.
///
/// Each kind implements it in its own folder (`kinds/s3/mod.rs`, ...).
pub trait Subject: Sized + Clone + Send + Sync + 'static {
    const KIND: ResourceKind;
    /// The resources the kind covers, in words, for the rules' docs.
    const RESOURCES: &'static str;
    /// How the kind is written in each dialect: subject and satellite
    /// types, and how each fills the view.
    const TERRAFORM: DialectMap<Self>;
    const CLOUDFORMATION: DialectMap<Self>;
    /// The map of one dialect.
    fn map(dialect: crate::Dialect) -> DialectMap<Self> {
        match dialect {
            crate::Dialect::Terraform => Self::TERRAFORM,
            crate::Dialect::CloudFormation => Self::CLOUDFORMATION,
        }
    }
    /// The subjects of this kind among a run's.
    fn all(subjects: &Subjects) -> &Vec<Self>;
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self>;
    /// The parts a satellite can set; each has a presence fact of its name.
    const PARTS: &'static [&'static str];
    fn resource(&self) -> ResourceId;
    fn name(&self) -> Option<&Value>;
    /// The resource's tags, for `phi_scope: tagged`.
    fn tags(&self) -> Option<&Value>;
    fn facts() -> &'static [FactDef<Self>];
    /// The unknown target of the satellite this view was made from, if any.
    fn unlinked(&self) -> Option<&Value>;
    /// Parts that the resource may set under a condition that cannot be
    /// decided.
    fn maybe_set_elsewhere(&self) -> &[(String, Value)];
    /// The subject expression of the satellites an orphan view stands for.
    fn orphan(&self) -> Option<&Value>;
    /// The view for satellites whose subject is not in the configuration:
    /// `satellite` is the first of them, `written` the subject they name.
    fn orphan_view(satellite: &Resource, written: Value) -> Self;
    /// The names satellites may link to this subject by.
    fn link_names(&self) -> Vec<String>;
    /// The kind this one belongs to, if any (see [`Owner`]).
    const OWNER: Option<Owner> = None;
    /// Whether one satellite may serve several subjects (a serverless
    /// policy whose pattern covers several collections). A finding located
    /// in such a satellite then names its subject in its fingerprint, so
    /// each subject's finding is its own for baselines and suppressions.
    /// Other kinds' fingerprints stay as they were.
    const SHARED_SATELLITES: bool = false;
    /// Reads what this subject needs of its owner, a subject of the
    /// [`Subject::OWNER`] kind, once every kind's subjects are built (an
    /// access point reads its bucket's public access blocks and tags).
    fn set_owner(&mut self, _owner: &dyn std::any::Any) {}
    /// For kinds whose satellites cover subjects by patterns written
    /// inside them (an OpenSearch Serverless policy's `collection/phi-*`)
    /// rather than naming one by an argument: the patterns `satellite`
    /// writes, an unknown value where they cannot be known offline. The
    /// linker gives such a satellite to every subject a pattern may match
    /// ([`Subject::may_match`]), and to an orphan view when none may.
    /// `None` (the default): the satellite names its subject by argument.
    fn subject_patterns(_satellite: &Resource, _policies: &dyn PolicyReader) -> Option<Vec<Value>> {
        None
    }
    /// Whether `pattern` may match this subject: it does, or the subject's
    /// name or the pattern is not known offline.
    fn may_match(&self, _pattern: &Value) -> bool {
        false
    }
    /// The subjects this one sends something to (a bucket's access logs),
    /// each as its holder resource and the value naming it.
    fn sends_to(&self) -> Vec<(ResourceId, &Value)> {
        Vec::new()
    }
    /// Records that `source` sends something to this subject.
    fn receives_from(&mut self, _source: ResourceId) {}
    /// Once configuration-wide resources are added, records which
    /// resources the values they hold reference (an AWS Backup selection
    /// listing `aws_s3_bucket.b.arn` or `!GetAtt B.Arn`): `refers` gives
    /// the resource a value, read in its holder, names, as the front end
    /// resolved it.
    fn resolve_references(&mut self, _refers: &dyn Fn(ResourceId, &Value) -> Option<ResourceId>) {}
    /// Whether the view holds the part named `part` (`acl`, `policy`).
    fn carries(&self, part: &str) -> bool;
    /// The view once per combination of its parts' sources (rules.md,
    /// "Every satellite counts").
    fn variants(&self) -> Vec<Self>;
    /// Whether some part has more than one source.
    fn has_further_sources(&self) -> bool;
}

/// The name, type and doc of every fact of a kind.
pub fn fact_types(kind: ResourceKind) -> Vec<(&'static str, FactType, &'static str)> {
    struct Collect(ResourceKind, Vec<(&'static str, FactType, &'static str)>);
    impl KindVisitor for Collect {
        fn visit<K: Subject>(&mut self) {
            if K::KIND == self.0 {
                self.1
                    .extend(K::facts().iter().map(|f| (f.name, f.ty, f.doc)));
            }
        }
    }
    let mut collect = Collect(kind, Vec::new());
    walk(&mut collect);
    collect.1
}

/// The names and docs of every fact of a kind, for the fact list of
/// docs/policies.md: each doc starts with the fact's type in italics.
pub fn fact_names(kind: ResourceKind) -> Vec<(&'static str, String)> {
    fact_types(kind)
        .into_iter()
        .map(|(name, ty, doc)| (name, format!("*{}*: {doc}", ty.name())))
        .collect()
}

/// The type of a fact of `kind`, if there is one of that name.
pub fn fact_type(kind: ResourceKind, name: &str) -> Option<FactType> {
    fact_types(kind)
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ty, _)| ty)
}

/// Every enum and item type the facts of `kind` use, in a stable order.
pub fn types_used(kind: ResourceKind) -> (Vec<&'static EnumDef>, Vec<&'static ItemDef>) {
    fn walk(ty: FactType, enums: &mut Vec<&'static EnumDef>, items: &mut Vec<&'static ItemDef>) {
        match ty {
            FactType::Enum(e) if !enums.iter().any(|x| x.name == e.name) => enums.push(e),
            FactType::List(inner) => walk(*inner, enums, items),
            FactType::Item(item) => {
                if !items.iter().any(|x| x.name == item.name) {
                    items.push(item);
                }
                for (_, key) in item.keys {
                    walk(*key, enums, items);
                }
            }
            _ => {}
        }
    }
    let mut enums = Vec::new();
    let mut items = Vec::new();
    for (_, ty, _) in fact_types(kind) {
        walk(ty, &mut enums, &mut items);
    }
    (enums, items)
}

/// A map value for one item of a list fact.
pub(crate) fn item(span: Span, entries: Vec<(&str, Option<&Value>)>) -> Value {
    let entries = entries
        .into_iter()
        .filter_map(|(key, value)| Some((Spanned::new(key.to_string(), span), value?.clone())))
        .collect();
    Value::new(ValueKind::Map(entries), span)
}

/// Reads a boolean-like setting: `true`, `"true"`, `"Enabled"`.
pub fn truthy(value: &Value) -> Option<bool> {
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
pub(crate) fn bool_from(value: &Value, span: Span) -> Value {
    match (&value.kind, truthy(value)) {
        (ValueKind::Unknown(_), _) => value.clone(),
        (_, Some(b)) => Value::bool(b, span),
        (_, None) => Value::unknown(format!("{} is not a boolean", value.display()), value.span),
    }
}

/// `Allow` or `Deny`.
pub(crate) const EFFECT: EnumDef = EnumDef {
    name: "effect",
    values: &["Allow", "Deny"],
    aliases: &[],
};

/// A statement of a bucket policy or a domain's access policy.
pub(crate) const STATEMENT: ItemDef = ItemDef {
    name: "statement",
    keys: &[
        ("sid", FactType::String),
        ("effect", FactType::Enum(&EFFECT)),
        ("principal", FactType::PolicyValue),
        ("action", FactType::PolicyValue),
        ("public", FactType::Bool),
        ("broad", FactType::Bool),
        ("broad_at", FactType::PolicyValue),
        ("broad_reason", FactType::String),
    ],
};

/// The type of `policy.statements` and `access_policy.statements`.
pub(crate) const STATEMENTS: FactType = FactType::List(&FactType::Item(&STATEMENT));

/// The statement item's keys are those `iam` fills.
const _: () = assert!(same_keys(iam::STATEMENT_KEYS, STATEMENT.keys));

const fn same_keys(names: &[&str], keys: &[(&str, FactType)]) -> bool {
    if names.len() != keys.len() {
        return false;
    }
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (names[i].as_bytes(), keys[i].0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut j = 0;
        while j < a.len() {
            if a[j] != b[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}
