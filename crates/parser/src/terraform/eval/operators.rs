//! Operators, and reading operands with Terraform's automatic conversions
//! (`"true"` is a bool where one is needed, `"2"` a number).

use std::rc::Rc;

use hcl_edit::expr::BinaryOperator;
use phiguard_model::Span;

use super::{Ctx, Evaluator};
use crate::terraform::ir::Expr;
use crate::terraform::value::{fail, Fail, K, R, V};

/// A known operand, or the reason it is unknown.
pub(crate) type Known<T> = Result<T, Rc<str>>;

pub(crate) fn want_bool(v: &V) -> Result<Known<bool>, Fail> {
    match &v.kind {
        K::Bool(b) => Ok(Ok(*b)),
        K::String(s) if s == "true" => Ok(Ok(true)),
        K::String(s) if s == "false" => Ok(Ok(false)),
        K::Unknown(reason) => Ok(Err(reason.clone())),
        K::Null => fail("a bool is required, not null"),
        _ => fail(format!("a bool is required, not {}", v.type_name())),
    }
}

pub(crate) fn want_number(v: &V) -> Result<Known<f64>, Fail> {
    match &v.kind {
        K::Number(n) => Ok(Ok(*n)),
        K::String(s) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Ok(n)),
            _ => fail(format!("a number is required, not {s:?}")),
        },
        K::Unknown(reason) => Ok(Err(reason.clone())),
        K::Null => fail("a number is required, not null"),
        _ => fail(format!("a number is required, not {}", v.type_name())),
    }
}

pub(crate) fn want_string(v: &V) -> Result<Known<String>, Fail> {
    if let K::Unknown(reason) = &v.kind {
        return Ok(Err(reason.clone()));
    }
    match v.template_text() {
        Some(text) => Ok(Ok(text)),
        None => fail(format!("a string is required, not {}", v.type_name())),
    }
}

/// The (key, value) pairs a `for` or `for_each` walks: list indices, or map
/// keys in Terraform's (lexical) order.
pub(crate) fn iterate(v: V) -> Result<Known<Vec<(V, V)>>, Fail> {
    match v.kind {
        K::List(items) => Ok(Ok(Rc::unwrap_or_clone(items)
            .into_iter()
            .enumerate()
            .map(|(i, item)| (V::number(i as f64, item.span), item))
            .collect())),
        K::Map(entries) => {
            let mut entries = Rc::unwrap_or_clone(entries);
            entries.sort_by(|a, b| a.0.value.cmp(&b.0.value));
            Ok(Ok(entries
                .into_iter()
                .map(|(k, item)| (V::string(k.value, k.span), item))
                .collect()))
        }
        K::Unknown(reason) => Ok(Err(reason)),
        K::Null => fail("cannot iterate over a null value"),
        _ => fail(format!("cannot iterate over a {}", v.type_name())),
    }
}

impl Evaluator<'_> {
    pub(super) fn binary<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        op: BinaryOperator,
        lhs: &'e Expr,
        rhs: &'e Expr,
        span: Span,
    ) -> R {
        use BinaryOperator as B;
        let l = self.eval(cx, lhs)?;
        if matches!(op, B::And | B::Or) {
            // Kleene logic: `false && unknown` is false.
            let a = want_bool(&l)?;
            if a == Ok(op == B::Or) {
                return Ok(V::bool(op == B::Or, span));
            }
            let r = self.eval(cx, rhs)?;
            let b = want_bool(&r)?;
            return Ok(match (a, b) {
                (_, Ok(x)) if x == (op == B::Or) => V::bool(x, span),
                (Ok(_), Ok(x)) => V::bool(x, span),
                (Err(reason), _) | (_, Err(reason)) => V::unknown(reason, span),
            });
        }
        let r = self.eval(cx, rhs)?;
        if matches!(op, B::Eq | B::NotEq) {
            return Ok(match l.equals(&r) {
                Some(eq) => V::bool(eq == (op == B::Eq), span),
                None => {
                    let reason = l.first_unknown().or(r.first_unknown());
                    V::unknown(reason.cloned().unwrap_or_else(|| Rc::from("unknown")), span)
                }
            });
        }
        let (a, b) = match (want_number(&l)?, want_number(&r)?) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(reason), _) | (_, Err(reason)) => return Ok(V::unknown(reason, span)),
        };
        Ok(match op {
            B::Plus => V::number(a + b, span),
            B::Minus => V::number(a - b, span),
            B::Mul => V::number(a * b, span),
            B::Div if b == 0.0 => return fail("division by zero"),
            B::Div => V::number(a / b, span),
            B::Mod if b == 0.0 => return fail("modulo by zero"),
            B::Mod => V::number(a % b, span),
            B::Less => V::bool(a < b, span),
            B::LessEq => V::bool(a <= b, span),
            B::Greater => V::bool(a > b, span),
            B::GreaterEq => V::bool(a >= b, span),
            B::Eq | B::NotEq | B::And | B::Or => return fail("unexpected operator"),
        })
    }
}
