//! The value tree both front ends produce. Every node carries its span, and a
//! node may be *unknown*: present in the source, but not knowable offline.
//! Absence is not a value: an attribute that is not written is `None` where
//! the value would be.

use std::collections::HashMap;
use std::sync::Arc;

use crate::{Span, Spanned};

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
    /// The places that decided this value when it is not written where it
    /// is used: a var file line, a module argument, a variable default.
    /// Empty for a value written in place. See [`ValueOrigin`].
    pub origins: Origins,
}

/// The chain of places that decided a value, from where it was written to
/// the last place it passed through before its use: for `var.acl` in a
/// module fed `acl = var.bucket_acl` by a root whose `terraform.tfvars`
/// sets `bucket_acl = "public-read"`, the tfvars line (`Tfvars`), then
/// the module argument (`ModuleArgument`). The use itself is the value's span.
pub type Origins = Option<Arc<[ValueOrigin]>>;

/// One place in a value's [`Origins`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValueOrigin {
    pub role: OriginRole,
    /// Where it is written; `None` for a value given outside any file
    /// (`--var`, `TF_VAR_name`, `--cfn-param`).
    pub span: Option<Span>,
    /// What is set there, as its author would look for it: the variable,
    /// argument, local or parameter name (`bucket_acl`), or the setting
    /// for a value given outside a file (`--var bucket_acl`,
    /// `TF_VAR_bucket_acl`, `--cfn-param BucketAcl`).
    pub name: String,
}

/// What an origin is to the value: how it was given (JSON `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginRole {
    /// A Terraform var file: `terraform.tfvars`, `*.auto.tfvars`, `--var-file`.
    Tfvars,
    /// `--var NAME=VALUE` (or the config's `vars`).
    VarFlag,
    /// A `TF_VAR_name` environment variable.
    Env,
    /// A module call's argument.
    ModuleArgument,
    /// A variable's default, nothing having set it.
    VariableDefault,
    /// A local value.
    Local,
    /// A CloudFormation parameter's `Default`.
    ParameterDefault,
    /// A CloudFormation parameters file (`--cfn-params`, the config's
    /// mapping, `x.params.json` beside `x.yaml`).
    ParameterFile,
    /// `--cfn-param NAME=VALUE` (or the config's `cfn_parameters`).
    ParameterFlag,
    /// A YAML anchor (`&acl public-read`) whose alias (`*acl`) is the
    /// value's use: the anchored text is where it is written, and what
    /// every alias of it copies.
    YamlAnchor,
    /// The line of a CDK app that created the construct a finding is
    /// about (`aws:cdk:creationStack`).
    Construct,
    /// A Terraform plan or state (`terraform show -json`): the value the
    /// plan decided, which evaluating the `.tf` alone leaves unknown.
    Plan,
    /// The resource in the Terraform plan its `.tf` instance was evaluated
    /// with, for a finding whose value the `.tf` decided (or that is about
    /// something missing): the plan's `address` of the resource.
    PlannedResource,
}

impl OriginRole {
    /// The word reports use (JSON `role`).
    pub fn as_str(self) -> &'static str {
        match self {
            OriginRole::Tfvars => "tfvars",
            OriginRole::VarFlag => "var-flag",
            OriginRole::Env => "env",
            OriginRole::ModuleArgument => "module-argument",
            OriginRole::VariableDefault => "variable-default",
            OriginRole::Local => "local",
            OriginRole::ParameterDefault => "parameter-default",
            OriginRole::ParameterFile => "parameter-file",
            OriginRole::ParameterFlag => "parameter-flag",
            OriginRole::YamlAnchor => "yaml-anchor",
            OriginRole::Plan => "plan",
            OriginRole::PlannedResource => "planned-resource",
            OriginRole::Construct => "construct",
        }
    }

    /// The label under the origin's snippet.
    pub fn label(self) -> &'static str {
        match self {
            OriginRole::Tfvars
            | OriginRole::VarFlag
            | OriginRole::Env
            | OriginRole::ParameterFile
            | OriginRole::ParameterFlag => "set here",
            OriginRole::ModuleArgument => "passed here",
            OriginRole::VariableDefault | OriginRole::ParameterDefault => "default here",
            OriginRole::Local => "local value here",
            OriginRole::YamlAnchor => "anchored here",
            OriginRole::Plan => "planned here",
            OriginRole::PlannedResource => "resource planned here",
            OriginRole::Construct => "created here",
        }
    }
}

/// One value's origins, shared.
type Chain = Arc<[ValueOrigin]>;

/// Moves origins' spans through a function, once for each chain however
/// many values share it: the nodes of a YAML alias's copies share one chain
/// each (`Arc`), and a chain moved once per node would no longer be shared.
pub(crate) struct OriginMover<'f> {
    f: &'f dyn Fn(Span) -> Span,
    /// Each chain moved so far, by address, with its moved copy. The
    /// original is kept so that its address is not reused while moving.
    done: HashMap<*const ValueOrigin, (Chain, Chain)>,
}

impl<'f> OriginMover<'f> {
    pub(crate) fn new(f: &'f dyn Fn(Span) -> Span) -> Self {
        OriginMover {
            f,
            done: HashMap::new(),
        }
    }

    fn moved(&mut self, origins: &Chain) -> Chain {
        let f = self.f;
        let (_, moved) = self.done.entry(origins.as_ptr()).or_insert_with(|| {
            let moved: Arc<[ValueOrigin]> = origins
                .iter()
                .map(|o| ValueOrigin {
                    span: o.span.map(f),
                    ..o.clone()
                })
                .collect();
            (Arc::clone(origins), moved)
        });
        Arc::clone(moved)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    /// Keys in source order; front ends reject or report duplicates.
    Map(Vec<(Spanned<String>, Value)>),
    /// Boxed: an unknown value's record is larger than any other kind's,
    /// and every value of a run (bodies, views) would be that size.
    Unknown(Box<Unknown>),
}

/// Why a value cannot be known offline, e.g. "var.acl has no value".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub reason: String,
    /// An attribute of another resource of the same configuration, known
    /// only once it is created (`aws_kms_key.k.arn`, `!GetAtt Key.Arn`), as
    /// opposed to an input nobody gave. Some facts depend on the difference:
    /// a key created here is a customer-managed key, whatever its ARN.
    pub computed: bool,
    /// For a string built from known and unknown parts
    /// (`"arn:aws:iam::${var.account}:root"`, `!Sub "...${AccountId}..."`):
    /// the known text, the unknown parts left out. Whatever the unknown
    /// parts are, the string holds this text, so it cannot be `*`.
    pub known_text: Option<String>,
    /// What the value is known to stand for although its text is not:
    /// a resource's ARN (with `known_text` after it), or a key of the
    /// AWS-managed KMS key. Front ends set it only where it is certain.
    pub stands_for: Option<Box<StandsFor>>,
    /// With [`Unknown::known_text`]: the whole string with each unknown
    /// part as [`HOLE`], so that where the unknown parts are is known
    /// (`arn:\u{fffc}:s3:::\u{fffc}-logs/*`).
    pub shape: Option<Box<String>>,
}

/// Stands for an unknown part in [`Unknown::shape`].
pub const HOLE: char = '\u{fffc}';

/// What an unknown value is known to be (see [`Unknown::stands_for`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandsFor {
    /// The ARN of the resource at this address, in the configuration the
    /// value was read in, followed by exactly the value's `known_text` (or
    /// nothing): `"${aws_s3_bucket.b.arn}/*"`, `!Sub "${Bucket.Arn}/*"`.
    ArnOf(String),
    /// An id, ARN or alias ARN of the AWS-managed KMS key that this alias
    /// (`alias/aws/s3`) names: the attributes of `data "aws_kms_alias"`
    /// and `data "aws_kms_key"` read for such an alias.
    AwsManagedKey(String),
}

impl Value {
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Value {
            kind,
            span,
            origins: None,
        }
    }

    /// Moves the span of every node and map key through `f` (onto another
    /// file id, or onto one place).
    pub fn map_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        self.span = f(self.span);
        match &mut self.kind {
            ValueKind::List(items) => items.iter_mut().for_each(|item| item.map_spans(f)),
            ValueKind::Map(entries) => {
                for (key, item) in entries {
                    key.span = f(key.span);
                    item.map_spans(f);
                }
            }
            _ => {}
        }
    }

    /// Moves the spans of every node's origins through `f` (onto the file
    /// id a template or file gets once added), leaving the nodes' own.
    pub fn map_origin_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        self.move_origins(&mut OriginMover::new(f));
    }

    pub(crate) fn move_origins(&mut self, mover: &mut OriginMover<'_>) {
        if let Some(origins) = &mut self.origins {
            *origins = mover.moved(origins);
        }
        match &mut self.kind {
            ValueKind::List(items) => items.iter_mut().for_each(|item| item.move_origins(mover)),
            ValueKind::Map(entries) => entries
                .iter_mut()
                .for_each(|(_, item)| item.move_origins(mover)),
            _ => {}
        }
    }

    pub fn string(text: impl Into<String>, span: Span) -> Self {
        Value::new(ValueKind::String(text.into()), span)
    }

    pub fn bool(value: bool, span: Span) -> Self {
        Value::new(ValueKind::Bool(value), span)
    }

    pub fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Value::new(
            ValueKind::Unknown(Box::new(Unknown {
                reason: reason.into(),
                computed: false,
                known_text: None,
                stands_for: None,
                shape: None,
            })),
            span,
        )
    }

    /// An attribute of a resource of this configuration, known only after
    /// it is created.
    pub fn computed(reason: impl Into<String>, span: Span) -> Self {
        Value::new(
            ValueKind::Unknown(Box::new(Unknown {
                reason: reason.into(),
                computed: true,
                known_text: None,
                stands_for: None,
                shape: None,
            })),
            span,
        )
    }

    /// An unknown string of which `known_text` is known (see
    /// [`Unknown::known_text`]).
    pub fn partly_known(reason: impl Into<String>, known_text: String, span: Span) -> Self {
        Value::new(
            ValueKind::Unknown(Box::new(Unknown {
                reason: reason.into(),
                computed: false,
                known_text: Some(known_text),
                stands_for: None,
                shape: None,
            })),
            span,
        )
    }

    /// The same unknown value with its [`Unknown::shape`]; a known value is
    /// returned as it is.
    pub fn with_shape(mut self, shape: String) -> Self {
        if let ValueKind::Unknown(u) = &mut self.kind {
            u.shape = Some(Box::new(shape));
        }
        self
    }

    /// The same unknown value, known to stand for `what`; a known value is
    /// returned as it is.
    pub fn standing_for(mut self, what: StandsFor) -> Self {
        if let ValueKind::Unknown(u) = &mut self.kind {
            u.stands_for = Some(Box::new(what));
        }
        self
    }

    /// What an unknown value is known to stand for.
    pub fn stands_for(&self) -> Option<&StandsFor> {
        match &self.kind {
            ValueKind::Unknown(u) => u.stands_for.as_deref(),
            _ => None,
        }
    }

    /// Whether this is an unknown attribute of a resource of this
    /// configuration (see [`Unknown::computed`]).
    pub fn is_computed(&self) -> bool {
        matches!(&self.kind, ValueKind::Unknown(u) if u.computed)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, ValueKind::Unknown(_))
    }

    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Unknown(u) => Some(&u.reason),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ValueKind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Spanned<String>, Value)]> {
        match &self.kind {
            ValueKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` in a map, compared exactly.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }

    /// The value under `key` in a map, ignoring ASCII case (IAM policy keys).
    pub fn get_ignore_case(&self, key: &str) -> Option<&Value> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.value.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// A one-element list for a scalar, the items for a list: IAM's "string or
    /// list of strings" fields.
    pub fn items(&self) -> &[Value] {
        match &self.kind {
            ValueKind::List(items) => items,
            _ => std::slice::from_ref(self),
        }
    }

    /// The first unknown node in this tree, depth first.
    pub fn first_unknown(&self) -> Option<&Value> {
        match &self.kind {
            ValueKind::Unknown(_) => Some(self),
            ValueKind::List(items) => items.iter().find_map(Value::first_unknown),
            ValueKind::Map(entries) => entries.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }

    /// A short rendering for messages: strings quoted, collections elided.
    pub fn display(&self) -> String {
        match &self.kind {
            ValueKind::Null => "null".into(),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Number(n) => format_number(*n),
            ValueKind::String(s) => format!("{s:?}"),
            ValueKind::List(_) => "[...]".into(),
            ValueKind::Map(_) => "{...}".into(),
            ValueKind::Unknown(u) => format!("(unknown: {})", u.reason),
        }
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    #[test]
    fn moved_origins_stay_shared() {
        let shared: Arc<[ValueOrigin]> = Arc::from([ValueOrigin {
            role: OriginRole::YamlAnchor,
            span: Some(span()),
            name: "acl".into(),
        }]);
        let item = Value {
            origins: Some(Arc::clone(&shared)),
            ..Value::string("PublicRead", span())
        };
        let mut list = Value::new(ValueKind::List(vec![item.clone(), item]), span());
        list.map_origin_spans(&|s| Span {
            file: FileId(7),
            ..s
        });
        let items = list.as_list().unwrap();
        let (a, b) = (items[0].origins.as_ref(), items[1].origins.as_ref());
        assert_eq!(a.unwrap()[0].span.map(|s| s.file), Some(FileId(7)));
        assert!(Arc::ptr_eq(a.unwrap(), b.unwrap()));
        assert_eq!(items[0].span.file, FileId(0), "the nodes' own spans stay");
    }

    #[test]
    fn unknown_is_not_absent() {
        let map = Value::new(
            ValueKind::Map(vec![(
                Spanned::new("acl".into(), span()),
                Value::unknown("var.acl has no value", span()),
            )]),
            span(),
        );
        assert!(map.get("acl").unwrap().is_unknown());
        assert!(map.get("policy").is_none());
        assert_eq!(
            map.first_unknown().and_then(Value::unknown_reason),
            Some("var.acl has no value")
        );
    }

    #[test]
    fn display_quotes_strings() {
        assert_eq!(
            Value::string("public-read", span()).display(),
            "\"public-read\""
        );
        assert_eq!(format_number(3.0), "3");
    }
}
