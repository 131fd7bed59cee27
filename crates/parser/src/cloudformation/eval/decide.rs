//! Deciding the conditions of a template (`Condition`, `Fn::Equals`,
//! `Fn::And`, `Fn::Or`, `Fn::Not`) with three-valued logic.

use phiguard_model::{Value, ValueKind};

use super::{Evaluator, MAX_DEPTH};
use crate::cloudformation::conditions::{equal, Decision};

impl Evaluator<'_> {
    /// The named condition of the `Conditions` section, decided once.
    pub fn condition(&mut self, name: &str) -> Decision {
        if let Some(decision) = self.decided.get(name) {
            return decision.clone();
        }
        let Some(expr) = self.scope.conditions.get(name).copied() else {
            return Decision::Unknown(format!("condition {name} is not declared"));
        };
        if !self.deciding.insert(name.to_string()) {
            return Decision::Unknown(format!("condition {name} depends on itself"));
        }
        let decision = self.decide(expr);
        self.deciding.remove(name);
        self.decided.insert(name.to_string(), decision.clone());
        decision
    }

    /// A condition expression: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
    /// `Condition`.
    pub fn decide(&mut self, expr: &Value) -> Decision {
        if self.depth >= MAX_DEPTH {
            return Decision::Unknown("the condition nests too deeply to decide".into());
        }
        self.depth += 1;
        let decision = self.decide_inner(expr);
        self.depth -= 1;
        decision
    }

    fn decide_inner(&mut self, expr: &Value) -> Decision {
        let invalid = || Decision::Unknown("the condition is not a condition function".into());
        let (name, arg) = match expr.as_map() {
            Some([(key, arg)]) => (key.value.as_str(), arg),
            _ => {
                return match expr.kind {
                    ValueKind::Bool(b) => Decision::Known(b),
                    _ => invalid(),
                }
            }
        };
        let items = arg.as_list().unwrap_or_default();
        match name {
            "Condition" => match arg.as_str() {
                Some(other) => self.condition(other),
                None => invalid(),
            },
            "Fn::Equals" => match items {
                [a, b] => {
                    let a = self.eval(a);
                    let b = self.eval(b);
                    equal(a.as_ref(), b.as_ref())
                }
                _ => invalid(),
            },
            "Fn::Not" => match items {
                [x] => match self.decide(x) {
                    Decision::Known(b) => Decision::Known(!b),
                    unknown => unknown,
                },
                _ => invalid(),
            },
            "Fn::And" | "Fn::Or" => {
                // And stops at false, Or at true; unknown inputs only
                // matter when nothing stops it.
                let stop = name == "Fn::Or";
                let mut unknown = None;
                for item in items {
                    match self.decide(item) {
                        Decision::Known(b) if b == stop => return Decision::Known(stop),
                        Decision::Known(_) => {}
                        Decision::Unknown(reason) => {
                            unknown.get_or_insert(reason);
                        }
                    }
                }
                match unknown {
                    Some(reason) if !items.is_empty() => Decision::Unknown(reason),
                    _ if items.is_empty() => invalid(),
                    _ => Decision::Known(!stop),
                }
            }
            _ => invalid(),
        }
    }
}
