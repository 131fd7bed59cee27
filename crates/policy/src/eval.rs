//! Three-valued evaluation of conditions: a condition that reads an unknown
//! value is neither true nor false, and says which value and why.

use phiguard_model::{Model, ResourceId, Span, Value, ValueKind};

use crate::expr::{Expr, Literal, Operand, OperandKind, Presence};
use phiguard_model::kinds::{truthy, Fact, Subject};

/// An unknown value a condition ran into: why, where, and in which resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Undetermined {
    pub reason: String,
    pub span: Span,
    pub resource: Option<ResourceId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tri {
    True,
    False,
    Unknown(Undetermined),
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            unknown => unknown,
        }
    }
}

/// A value as an operand sees it.
enum Val {
    Absent,
    Unknown(Undetermined),
    Known(Value),
}

impl Val {
    fn from_value(value: Option<Value>, resource: Option<ResourceId>) -> Val {
        match value {
            None => Val::Absent,
            Some(v) => match &v.kind {
                ValueKind::Unknown(u) => Val::Unknown(Undetermined {
                    reason: u.reason.clone(),
                    span: v.span,
                    resource,
                }),
                _ => Val::Known(v),
            },
        }
    }
}

/// What a condition is evaluated against: a subject's facts and, inside
/// `each`, the current item under its binding name.
pub struct Env<'a, T> {
    pub model: &'a Model,
    pub subject: &'a T,
    pub item: Option<(&'a str, &'a Value, Option<ResourceId>)>,
}

impl<T: Subject> Env<'_, T> {
    /// The fact or item field a path names; absent when it names nothing.
    pub fn lookup(&self, path: &str) -> Fact {
        if let Some((binding, item, resource)) = self.item {
            if path == binding {
                return Fact {
                    value: Some(item.clone()),
                    resource,
                };
            }
            if let Some(key) = path.strip_prefix(binding).and_then(|k| k.strip_prefix('.')) {
                return Fact {
                    value: item.get(key).cloned(),
                    resource,
                };
            }
        }
        if let Some(unknown) = self.unknown_part(path) {
            return unknown;
        }
        self.fact(path)
    }

    fn is_item_path(&self, path: &str) -> bool {
        self.item.is_some_and(|(binding, _, _)| {
            path == binding
                || path
                    .strip_prefix(binding)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    fn fact(&self, name: &str) -> Fact {
        T::facts()
            .iter()
            .find(|f| f.name == name)
            .map_or_else(Fact::absent, |f| (f.get)(self.model, self.subject))
    }

    /// A fact about a part this view does not have, when a satellite whose
    /// target is unknown may supply it: unknown, never absent.
    fn unknown_part(&self, path: &str) -> Option<Fact> {
        let part = path.split('.').next().unwrap_or(path);
        let is_part = T::PARTS.contains(&part);
        if is_part && self.fact(part).value.is_some() {
            return None;
        }
        let (reason, span) = if let Some(written) = self.subject.orphan() {
            // An orphan's subject is elsewhere: the parts its satellites do
            // not state are not known, and only `definitely` reads them.
            if !is_part {
                return None;
            }
            let named = self
                .model
                .files
                .get(written.span.file.0 as usize)
                .and_then(|f| f.slice(written.span))
                .unwrap_or("its subject");
            (
                format!("{part} of {} is not in this configuration", named.trim()),
                written.span,
            )
        } else if let Some(target) = self.subject.unlinked() {
            if path == "name" {
                return None;
            }
            let address = &self.model.resource(self.subject.resource()).address;
            (
                format!(
                    "not every setting of {address} can be known ({})",
                    target.unknown_reason().unwrap_or("its target is not known")
                ),
                target.span,
            )
        } else {
            let (_, target) = self
                .subject
                .maybe_set_elsewhere()
                .iter()
                .find(|(p, _)| is_part && p == part)?;
            (
                format!(
                    "whether {part} is set cannot be known ({})",
                    target.unknown_reason().unwrap_or("its value is not known")
                ),
                target.span,
            )
        };
        Some(Fact {
            value: Some(Value::unknown(reason, span)),
            resource: Some(self.subject.resource()),
        })
    }

    pub fn eval(&self, expr: &Expr) -> Tri {
        match expr {
            Expr::Or(a, b) => match self.eval(a) {
                Tri::True => Tri::True,
                Tri::False => self.eval(b),
                unknown => match self.eval(b) {
                    Tri::True => Tri::True,
                    _ => unknown,
                },
            },
            Expr::And(a, b) => match self.eval(a) {
                Tri::False => Tri::False,
                Tri::True => self.eval(b),
                unknown => match self.eval(b) {
                    Tri::False => Tri::False,
                    _ => unknown,
                },
            },
            Expr::Not(e) => self.eval(e).not(),
            Expr::Definitely(e) => Tri::from_bool(self.eval(e) == Tri::True),
            Expr::Eq(a, b) => match (self.operand(a), self.operand(b)) {
                (Val::Unknown(u), _) | (_, Val::Unknown(u)) => Tri::Unknown(u),
                (Val::Absent, Val::Absent) => Tri::True,
                (Val::Absent, _) | (_, Val::Absent) => Tri::False,
                (Val::Known(a), Val::Known(b)) => same(&a, &b),
            },
            Expr::In(a, b) => match (self.operand(a), self.operand(b)) {
                (Val::Unknown(u), _) | (_, Val::Unknown(u)) => Tri::Unknown(u),
                (Val::Absent, _) | (_, Val::Absent) => Tri::False,
                (Val::Known(needle), Val::Known(haystack)) => {
                    let mut result = Tri::False;
                    for candidate in haystack.items() {
                        match same(&needle, candidate) {
                            Tri::True => return Tri::True,
                            Tri::False => {}
                            unknown => result = unknown,
                        }
                    }
                    result
                }
            },
            Expr::Is(a, presence) => {
                // Whether a part is written at all is itself unknown when a
                // resource phiguard cannot see may set it.
                if let OperandKind::Path(path) = &a.kind {
                    if !self.is_item_path(path) {
                        if let Some(Fact {
                            value: Some(value),
                            resource,
                        }) = self.unknown_part(path)
                        {
                            if let Val::Unknown(u) = Val::from_value(Some(value), resource) {
                                return Tri::Unknown(u);
                            }
                        }
                    }
                }
                let val = self.operand(a);
                Tri::from_bool(match presence {
                    Presence::Absent => matches!(val, Val::Absent),
                    Presence::Present => !matches!(val, Val::Absent),
                    Presence::Unknown => matches!(val, Val::Unknown(_)),
                })
            }
            Expr::Truthy(a) => match self.operand(a) {
                Val::Absent => Tri::False,
                Val::Unknown(u) => Tri::Unknown(u),
                Val::Known(v) => Tri::from_bool(truthy(&v) == Some(true)),
            },
        }
    }

    fn operand(&self, operand: &Operand) -> Val {
        match &operand.kind {
            OperandKind::Path(path) => {
                let fact = self.lookup(path);
                // An enum fact is compared as the enum spells it; messages
                // read it through `lookup`, as written.
                let value = match (fact.value, operand.normalise) {
                    (Some(value), Some(e)) => Some(e.canonical(&value)),
                    (value, _) => value,
                };
                Val::from_value(value, fact.resource)
            }
            OperandKind::Literal(lit) => Val::Known(literal(lit)),
            OperandKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match self.operand(item) {
                        Val::Known(v) => values.push(v),
                        Val::Absent => {}
                        unknown => return unknown,
                    }
                }
                Val::Known(Value::new(ValueKind::List(values), Span::default()))
            }
            OperandKind::Group(expr) => match self.eval(expr) {
                Tri::True => Val::Known(Value::bool(true, Span::default())),
                Tri::False => Val::Known(Value::bool(false, Span::default())),
                Tri::Unknown(u) => Val::Unknown(u),
            },
        }
    }
}

fn literal(lit: &Literal) -> Value {
    let kind = match lit {
        Literal::String(s) => ValueKind::String(s.clone()),
        Literal::Number(n) => ValueKind::Number(*n),
        Literal::Bool(b) => ValueKind::Bool(*b),
    };
    Value::new(kind, Span::default())
}

/// Structural equality that ignores spans; unknown parts make it unknown.
fn same(a: &Value, b: &Value) -> Tri {
    use ValueKind::*;
    match (&a.kind, &b.kind) {
        (Unknown(u), _) => Tri::Unknown(Undetermined {
            reason: u.reason.clone(),
            span: a.span,
            resource: None,
        }),
        (_, Unknown(u)) => Tri::Unknown(Undetermined {
            reason: u.reason.clone(),
            span: b.span,
            resource: None,
        }),
        (Null, Null) => Tri::True,
        (Bool(x), Bool(y)) => Tri::from_bool(x == y),
        // CloudFormation accepts "true" and "false" strings for booleans.
        (Bool(x), String(y)) | (String(y), Bool(x)) => {
            Tri::from_bool(y.eq_ignore_ascii_case(if *x { "true" } else { "false" }))
        }
        (Number(x), Number(y)) => Tri::from_bool(x == y),
        (String(x), String(y)) => Tri::from_bool(x == y),
        (List(xs), List(ys)) => {
            if xs.len() != ys.len() {
                return Tri::False;
            }
            all_same(xs.iter().zip(ys))
        }
        (Map(xs), Map(ys)) => {
            if xs.len() != ys.len() {
                return Tri::False;
            }
            let mut pairs = Vec::with_capacity(xs.len());
            for (key, x) in xs {
                match ys.iter().find(|(k, _)| k.value == key.value) {
                    Some((_, y)) => pairs.push((x, y)),
                    None => return Tri::False,
                }
            }
            all_same(pairs.into_iter())
        }
        _ => Tri::False,
    }
}

fn all_same<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Tri {
    let mut result = Tri::True;
    for (x, y) in pairs {
        match same(x, y) {
            Tri::False => return Tri::False,
            Tri::True => {}
            unknown => result = unknown,
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use phiguard_model::{FileId, Origin, Resource, ResourceId, S3Bucket, Versioning};

    fn model_with(status: Option<Value>) -> (Model, S3Bucket) {
        let mut model = Model::default();
        let id = model.add_resource(Resource {
            id: ResourceId(0),
            dialect: phiguard_model::Dialect::Terraform,
            resource_type: "aws_s3_bucket".into(),
            address: "aws_s3_bucket.b".into(),
            file: FileId(0),
            span: Span::default(),
            header: Span::default(),
            body: Default::default(),
            instance_note: None,
            construct: None,
            module_calls: Vec::new(),
            planned: None,
        });
        let mut bucket = S3Bucket::new(id);
        bucket.versioning = Some(Box::new(Versioning {
            origin: Origin {
                resource: id,
                span: Span::default(),
            },
            status,
        }));
        (model, bucket)
    }

    fn eval(condition: &str, status: Option<Value>) -> Tri {
        let (model, bucket) = model_with(status);
        let env = Env {
            model: &model,
            subject: &bucket,
            item: None,
        };
        env.eval(&parse(condition).unwrap())
    }

    fn unknown() -> Value {
        Value::unknown("var.status has no value", Span::new(FileId(0), 5..15))
    }

    #[test]
    fn absent_is_not_unknown() {
        assert_eq!(eval("versioning.status is absent", None), Tri::True);
        assert_eq!(
            eval("versioning.status is absent", Some(unknown())),
            Tri::False
        );
        assert_eq!(
            eval("versioning.status is unknown", Some(unknown())),
            Tri::True
        );
        assert_eq!(eval("versioning.status == 'Enabled'", None), Tri::False);
        assert_eq!(eval("logging is absent", None), Tri::True);
    }

    #[test]
    fn unknown_operands_make_comparisons_unknown() {
        let result = eval("versioning.status == 'Suspended'", Some(unknown()));
        assert_eq!(
            result,
            Tri::Unknown(Undetermined {
                reason: "var.status has no value".into(),
                span: Span::new(FileId(0), 5..15),
                resource: Some(ResourceId(0)),
            })
        );
        assert!(matches!(
            eval("not versioning.enabled", Some(unknown())),
            Tri::Unknown(_)
        ));
    }

    #[test]
    fn parts_of_an_unlinked_view_are_unknown_not_absent() {
        let (model, mut bucket) = model_with(None);
        bucket.versioning = None;
        bucket.unlinked = Some(unknown());
        let env = Env {
            model: &model,
            subject: &bucket,
            item: None,
        };
        let eval = |text: &str| env.eval(&parse(text).unwrap());
        assert!(matches!(eval("versioning is absent"), Tri::Unknown(_)));
        assert!(matches!(eval("versioning is present"), Tri::Unknown(_)));
        assert!(matches!(eval("not versioning.enabled"), Tri::Unknown(_)));
        assert_eq!(eval("name is absent"), Tri::True);
    }

    #[test]
    fn a_part_set_elsewhere_is_unknown_only_when_missing() {
        let (model, mut bucket) = model_with(None);
        bucket.maybe_set_elsewhere = vec![
            ("versioning".into(), unknown()),
            ("policy".into(), unknown()),
        ];
        let env = Env {
            model: &model,
            subject: &bucket,
            item: None,
        };
        let eval = |text: &str| env.eval(&parse(text).unwrap());
        // This bucket has versioning itself: decided.
        assert_eq!(eval("versioning is absent"), Tri::False);
        assert!(matches!(eval("policy is absent"), Tri::Unknown(_)));
        assert_eq!(eval("logging is absent"), Tri::True);
    }

    #[test]
    fn kleene_logic() {
        let u = || Some(unknown());
        assert_eq!(
            eval("versioning is absent and versioning.status == 'x'", u()),
            Tri::False
        );
        assert_eq!(
            eval("versioning is present or versioning.status == 'x'", u()),
            Tri::True
        );
        assert!(matches!(
            eval("versioning is absent or versioning.status == 'x'", u()),
            Tri::Unknown(_)
        ));
        assert!(matches!(
            eval("versioning is present and versioning.status == 'x'", u()),
            Tri::Unknown(_)
        ));
    }

    #[test]
    fn computed_versioning() {
        let s = |text: &str| Some(Value::string(text, Span::default()));
        assert_eq!(eval("versioning.enabled", s("Enabled")), Tri::True);
        assert_eq!(eval("versioning.enabled", s("Suspended")), Tri::False);
        assert_eq!(
            eval(
                "versioning.enabled",
                Some(Value::bool(true, Span::default()))
            ),
            Tri::True
        );
        assert_eq!(eval("versioning.enabled", None), Tri::False);
        assert_eq!(
            eval(
                "versioning.status in ['Suspended', 'Disabled']",
                s("Disabled")
            ),
            Tri::True
        );
        assert_eq!(
            eval(
                "versioning.status not in ['Suspended', 'Disabled']",
                s("Enabled")
            ),
            Tri::True
        );
    }

    /// A condition parsed and type-checked against the bucket facts.
    fn checked(condition: &str) -> Expr {
        let mut expr = parse(condition).unwrap();
        expr.check(&|path| {
            phiguard_model::kinds::fact_type(phiguard_model::ResourceKind::S3Bucket, path)
                .ok_or_else(|| format!("unknown fact `{path}`"))
        })
        .unwrap();
        expr
    }

    #[test]
    fn enum_facts_compare_in_one_spelling_and_read_as_written() {
        let (model, mut bucket) = model_with(Some(Value::bool(true, Span::default())));
        let canned = |text: &str| Value::string(text, Span::new(FileId(0), 3..13));
        let acl = |value: Value| phiguard_model::Acl {
            origin: Origin {
                resource: ResourceId(0),
                span: Span::default(),
            },
            canned: Some(value),
            grants: Vec::new(),
        };
        bucket.acl = Some(Box::new(acl(canned("PublicRead"))));
        let env = Env {
            model: &model,
            subject: &bucket,
            item: None,
        };
        assert_eq!(env.eval(&checked("acl.canned == 'public-read'")), Tri::True);
        assert_eq!(env.eval(&checked("acl.canned != 'private'")), Tri::True);
        // Messages and locations read the fact as the file wrote it.
        let written = env.lookup("acl.canned").value.unwrap();
        assert_eq!(written.as_str(), Some("PublicRead"));
        assert_eq!(written.span, Span::new(FileId(0), 3..13));
        // Terraform's older `enabled = true` is the status `Enabled`.
        assert_eq!(
            env.eval(&checked("versioning.status == 'Enabled'")),
            Tri::True
        );

        // A value outside the enum equals none of its values.
        bucket.acl = Some(Box::new(acl(canned("public-reed"))));
        let env = Env {
            model: &model,
            subject: &bucket,
            item: None,
        };
        let all = "['private', 'public-read', 'public-read-write', 'authenticated-read', 'log-delivery-write', 'bucket-owner-read', 'bucket-owner-full-control', 'aws-exec-read']";
        assert_eq!(
            env.eval(&checked(&format!("acl.canned in {all}"))),
            Tri::False
        );
        assert_eq!(
            env.eval(&checked(&format!("acl.canned not in {all}"))),
            Tri::True
        );
    }
}
