//! Intrinsic functions: a template value and what the template declares
//! into a [`Value`] whose spans stay in the file.
//!
//! What is known offline (parameter values, mappings, decidable
//! conditions, string functions over known parts) is computed; everything
//! else becomes an unknown value saying why. `AWS::NoValue` removes the
//! property or list item that holds it, as CloudFormation does.

mod decide;
mod list_functions;

use std::collections::{HashMap, HashSet};

use phiguard_model::{Span, StandsFor, Value, ValueKind};

use super::alias::computed_from;
use super::conditions::{merge, Decision};
use super::functions::{base64, dynamic, text};
use super::params::Param;
use super::trace::{Reference, Trace};
use crate::limits::{WorkBudget, STEP_COST};

pub(super) use crate::limits::MAX_EVAL_DEPTH as MAX_DEPTH;

/// What a template declares, for one template's evaluation.
pub(crate) struct Scope<'a> {
    pub text: &'a str,
    pub params: HashMap<String, Param>,
    pub overrides: &'a super::params::Overrides,
    pub mappings: Option<&'a Value>,
    pub conditions: HashMap<&'a str, &'a Value>,
    pub resources: HashSet<&'a str>,
}

pub(crate) struct Evaluator<'a> {
    pub scope: &'a Scope<'a>,
    pub trace: &'a mut Trace,
    pub(super) decided: HashMap<String, Decision>,
    pub(super) deciding: HashSet<String>,
    pub(super) depth: usize,
    /// What the template has built (`limits::MAX_WORK`).
    work: WorkBudget,
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: &'a Scope<'a>, trace: &'a mut Trace) -> Self {
        Evaluator {
            scope,
            trace,
            decided: HashMap::new(),
            deciding: HashSet::new(),
            depth: 0,
            work: WorkBudget::default(),
        }
    }

    /// The value of `v`; `None` for `AWS::NoValue`.
    pub fn eval(&mut self, v: &Value) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            return Some(Value::unknown(
                "the value nests too deeply to evaluate",
                v.span,
            ));
        }
        // Once the budget is spent nothing more is built; the template's
        // other resources get unknown values saying why.
        if self.work.exhausted() {
            return Some(Value::unknown(WorkBudget::reason("the template"), v.span));
        }
        self.depth += 1;
        let out = self.eval_inner(v);
        self.depth -= 1;
        if let Some(value) = &out {
            self.work.charge(cost(value));
        }
        out
    }

    /// `v` evaluated; its origins (a node an alias copied) carry over.
    fn eval_inner(&mut self, v: &Value) -> Option<Value> {
        let kind = match &v.kind {
            ValueKind::Map(entries) => {
                if let [(key, arg)] = entries.as_slice() {
                    if key.value == "Ref" || key.value.starts_with("Fn::") {
                        let out = self.function(&key.value, arg, v.span);
                        return out.map(|out| computed_from(out, &v.origins));
                    }
                }
                ValueKind::Map(
                    entries
                        .iter()
                        .filter_map(|(k, x)| Some((k.clone(), self.eval(x)?)))
                        .collect(),
                )
            }
            ValueKind::List(items) => {
                ValueKind::List(items.iter().filter_map(|i| self.eval(i)).collect())
            }
            ValueKind::String(s) if s.contains("{{resolve:") => {
                return Some(computed_from(dynamic(s, v.span), &v.origins))
            }
            other => other.clone(),
        };
        Some(Value {
            kind,
            span: v.span,
            origins: v.origins.clone(),
        })
    }

    fn function(&mut self, name: &str, arg: &Value, span: Span) -> Option<Value> {
        let unknown = |reason: &str| Some(Value::unknown(reason, span));
        match name {
            "Ref" => match self.eval(arg).as_ref().map(|a| &a.kind) {
                Some(ValueKind::String(target)) => self.reference(target, span),
                Some(ValueKind::Unknown(u)) => unknown(&u.reason),
                _ => unknown("`Ref` needs the name of a parameter or resource"),
            },
            "Fn::GetAtt" => Some(self.get_att(arg, span)),
            "Fn::Sub" => Some(self.sub(arg, span)),
            "Fn::If" => self.if_(arg, span),
            "Fn::Join" => Some(self.join(arg, span)),
            "Fn::Select" => self.select(arg, span),
            "Fn::Split" => Some(self.split(arg, span)),
            "Fn::FindInMap" => self.find_in_map(arg, span),
            "Fn::Base64" => Some(match self.eval(arg) {
                Some(v) if v.is_unknown() => {
                    Value::unknown(v.unknown_reason().unwrap_or_default(), span)
                }
                Some(v) => match text(&v) {
                    Some(s) => Value::string(base64(s.as_bytes()), span),
                    None => Value::unknown("`Fn::Base64` needs a string", span),
                },
                None => Value::unknown("`Fn::Base64` needs a string", span),
            }),
            "Fn::Length" => Some(match self.eval(arg) {
                Some(v) if v.is_unknown() => v,
                Some(v) => match v.as_list() {
                    Some(items) => Value::new(ValueKind::Number(items.len() as f64), span),
                    None => Value::unknown("`Fn::Length` needs a list", span),
                },
                None => Value::unknown("`Fn::Length` needs a list", span),
            }),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let expr = Value::new(
                    ValueKind::Map(vec![(
                        phiguard_model::Spanned::new(name.to_string(), span),
                        arg.clone(),
                    )]),
                    span,
                );
                Some(match self.decide(&expr) {
                    Decision::Known(b) => Value::bool(b, span),
                    Decision::Unknown(reason) => Value::unknown(reason, span),
                })
            }
            "Fn::ImportValue" => {
                unknown("`Fn::ImportValue` reads another stack's export at deployment")
            }
            "Fn::GetAZs" => unknown("`Fn::GetAZs` is known only at deployment"),
            "Fn::Cidr" => unknown("`Fn::Cidr` is not evaluated offline"),
            "Fn::Transform" => {
                unknown("a macro (`Fn::Transform`) computes this value at deployment")
            }
            other => unknown(&format!("`{other}` is not evaluated offline")),
        }
    }

    /// `Ref`: a parameter, a pseudo parameter or a resource.
    pub(super) fn reference(&mut self, target: &str, span: Span) -> Option<Value> {
        if target == "AWS::NoValue" {
            return None;
        }
        if let Some(given) = self
            .scope
            .overrides
            .get(target)
            .filter(|_| target.starts_with("AWS::"))
        {
            let mut value = Value::string(&given.text, span);
            value.origins = Some(std::sync::Arc::from([given.origin.clone()]));
            return Some(value);
        }
        if target.starts_with("AWS::") {
            return Some(Value::unknown(
                format!(
                    "{target} is known only at deployment (set it with --cfn-param {target}=VALUE)"
                ),
                span,
            ));
        }
        match self.scope.params.get(target) {
            Some(Param::Known(value)) => {
                let mut value = value.clone();
                // A parameter's value is reported where it is used; its
                // origins say where it was given.
                value.map_spans(&|_| span);
                return Some(value);
            }
            Some(Param::Unknown(reason)) => return Some(Value::unknown(reason, span)),
            None => {}
        }
        Some(self.resource(target, None, span))
    }

    /// A resource's name or attribute: unknown, and recorded for linking.
    fn resource(&mut self, logical_id: &str, attribute: Option<&str>, span: Span) -> Value {
        if !self.scope.resources.contains(logical_id) {
            return Value::unknown(
                format!("`{logical_id}` is not a parameter or resource of this template"),
                span,
            );
        }
        let reason = match attribute {
            Some(a) => format!("{logical_id}.{a} is known only after deployment"),
            None => format!("the value of resource {logical_id} is known only after deployment"),
        };
        self.trace.references.insert(
            span,
            Reference {
                logical_id: logical_id.to_string(),
                attribute: attribute.map(str::to_string),
            },
        );
        let value = Value::computed(reason, span);
        match attribute {
            // `!GetAtt Bucket.Arn` is that resource's ARN, whatever it is.
            Some("Arn") => value.standing_for(StandsFor::ArnOf(logical_id.to_string())),
            _ => value,
        }
    }

    /// `Fn::GetAtt`: `Resource.Attribute` or `[Resource, Attribute]`.
    pub(super) fn get_att(&mut self, arg: &Value, span: Span) -> Value {
        let (logical_id, attribute) = match &arg.kind {
            ValueKind::String(s) => match s.split_once('.') {
                Some((id, attr)) => (id.to_string(), attr.to_string()),
                None => (s.clone(), String::new()),
            },
            ValueKind::List(items) if items.len() == 2 => {
                let attribute = self.eval(&items[1]);
                match (items[0].as_str(), attribute.as_ref().and_then(text)) {
                    (Some(id), Some(attr)) => (id.to_string(), attr),
                    (Some(id), None) => (id.to_string(), String::new()),
                    _ => {
                        return Value::unknown(
                            "`Fn::GetAtt` needs a resource and an attribute",
                            span,
                        )
                    }
                }
            }
            _ => return Value::unknown("`Fn::GetAtt` needs a resource and an attribute", span),
        };
        self.resource(&logical_id, Some(&attribute), span)
    }

    fn if_(&mut self, arg: &Value, span: Span) -> Option<Value> {
        let (condition, then, otherwise) = match arg.as_list() {
            Some([c, a, b]) => (c, a, b),
            _ => {
                return Some(Value::unknown(
                    "`Fn::If` needs a condition and two values",
                    span,
                ))
            }
        };
        let Some(name) = condition.as_str() else {
            return Some(Value::unknown(
                "`Fn::If` needs the name of a condition",
                span,
            ));
        };
        match self.condition(name) {
            Decision::Known(true) => self.eval(then),
            Decision::Known(false) => self.eval(otherwise),
            Decision::Unknown(reason) => {
                let reason = format!("condition {name} cannot be decided: {reason}");
                let (a, b) = (self.eval(then), self.eval(otherwise));
                merge(a.as_ref(), b.as_ref(), &reason, span)
            }
        }
    }
}

/// What building `value` costs against the template's budget: its own
/// string or entries (values are copied, so each evaluation builds them).
fn cost(value: &Value) -> usize {
    STEP_COST
        + match &value.kind {
            ValueKind::String(s) => s.len(),
            ValueKind::List(items) => items.len() * STEP_COST,
            ValueKind::Map(entries) => entries.len() * STEP_COST,
            ValueKind::Unknown(u) => u.reason.len(),
            _ => 0,
        }
}
