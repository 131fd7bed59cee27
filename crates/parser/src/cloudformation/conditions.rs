//! Conditions: decided when their inputs are known, with three-valued
//! logic (`Fn::And` with one false input is false even if another input is
//! unknown). The evaluator decides them (`eval/decide.rs`); here are the
//! decision and what it is made of.

use phiguard_model::{Span, Spanned, Value, ValueKind};

use super::functions::{same, text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Known(bool),
    /// Why the condition cannot be decided offline.
    Unknown(String),
}

/// `Fn::Equals` compares the values as strings (`1` equals `"1"`); a
/// removed value (`AWS::NoValue`) is the empty string.
pub(crate) fn equal(a: Option<&Value>, b: Option<&Value>) -> Decision {
    for v in [a, b].into_iter().flatten() {
        if let Some(u) = v.first_unknown() {
            return Decision::Unknown(u.unknown_reason().unwrap_or_default().to_string());
        }
    }
    let as_text = |v: Option<&Value>| match v {
        None => Some(String::new()),
        Some(v) => text(v),
    };
    match (as_text(a), as_text(b)) {
        (Some(x), Some(y)) => Decision::Known(x == y),
        _ => Decision::Known(match (a, b) {
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        }),
    }
}

/// The value of an `Fn::If` whose condition is undecided: what both
/// branches agree on is known (each branch enabling encryption, say, with
/// or without a key); everything else is unknown, located at the `Fn::If`.
/// A setting present in only one branch may be absent, so it is unknown.
pub(crate) fn merge(
    a: Option<&Value>,
    b: Option<&Value>,
    reason: &str,
    span: Span,
) -> Option<Value> {
    let (a, b) = match (a, b) {
        (None, None) => return None,
        (Some(a), Some(b)) => (a, b),
        _ => return Some(Value::unknown(reason, span)),
    };
    let kind = match (&a.kind, &b.kind) {
        (ValueKind::Map(x), ValueKind::Map(y)) => {
            let mut entries: Vec<(Spanned<String>, Value)> = Vec::new();
            let keys = x.iter().map(|(k, _)| k).chain(y.iter().map(|(k, _)| k));
            for key in keys {
                if entries.iter().any(|(k, _)| k.value == key.value) {
                    continue;
                }
                if let Some(value) = merge(a.get(&key.value), b.get(&key.value), reason, span) {
                    entries.push((key.clone(), value));
                }
            }
            ValueKind::Map(entries)
        }
        (ValueKind::List(x), ValueKind::List(y)) if x.len() == y.len() => ValueKind::List(
            x.iter()
                .zip(y)
                .filter_map(|(a, b)| merge(Some(a), Some(b), reason, span))
                .collect(),
        ),
        _ if same(a, b) => return Some(a.clone()),
        _ => return Some(Value::unknown(reason, span)),
    };
    Some(Value::new(kind, a.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn json(text: &str) -> Value {
        crate::json::parse(text, FileId(0), 0).unwrap()
    }

    #[test]
    fn merged_branches_keep_what_they_agree_on() {
        let a = json(r#"{"Enabled": true, "Key": "k", "List": [1, 2], "Same": [1]}"#);
        let b = json(r#"{"Enabled": true, "List": [1, 3], "Same": [1]}"#);
        let merged = merge(Some(&a), Some(&b), "why", Span::default()).unwrap();
        assert_eq!(merged.get("Enabled").and_then(Value::as_bool), Some(true));
        assert_eq!(
            merged.get("Key").and_then(Value::unknown_reason),
            Some("why")
        );
        let list = merged.get("List").and_then(Value::as_list).unwrap();
        assert_eq!(list[0].kind, ValueKind::Number(1.0));
        assert!(list[1].is_unknown());
        assert!(merged.get("Same").unwrap().first_unknown().is_none());
        assert!(merge(None, None, "why", Span::default()).is_none());
        assert!(merge(Some(&a), None, "why", Span::default())
            .unwrap()
            .is_unknown());
    }

    #[test]
    fn equals_compares_as_strings() {
        let one = json("1");
        let text_one = json("\"1\"");
        assert_eq!(equal(Some(&one), Some(&text_one)), Decision::Known(true));
        assert_eq!(equal(None, Some(&json("\"\""))), Decision::Known(true));
        let unknown = Value::unknown("no value", Span::default());
        assert_eq!(
            equal(Some(&unknown), Some(&one)),
            Decision::Unknown("no value".into())
        );
    }
}
