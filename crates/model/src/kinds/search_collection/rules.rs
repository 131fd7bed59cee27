//! Reading OpenSearch Serverless policy documents: their rule sets (a
//! network or data access policy is a list of them, an encryption policy
//! one), the resources their rules name (`collection/phi-*`,
//! `index/phi-*/*`) and whether those cover a collection.

use crate::kinds::iam::glob;
use crate::{Span, Value, ValueKind};

/// A three-valued answer located where it was decided.
#[derive(Debug, Clone)]
pub(super) enum Tri {
    True(Span),
    False,
    Unknown(Value),
}

impl Tri {
    /// The answer as a value: `true` at its span, `false` at `otherwise`,
    /// or the unknown value.
    pub(super) fn value(self, otherwise: Span) -> Value {
        match self {
            Tri::True(span) => Value::bool(true, span),
            Tri::False => Value::bool(false, otherwise),
            Tri::Unknown(u) => u,
        }
    }

    /// Kleene `or` over answers, the first true (else first unknown) kept.
    pub(super) fn any(answers: impl IntoIterator<Item = Tri>) -> Tri {
        let mut unknown = None;
        for answer in answers {
            match answer {
                Tri::True(span) => return Tri::True(span),
                Tri::Unknown(u) => {
                    unknown.get_or_insert(u);
                }
                Tri::False => {}
            }
        }
        unknown.map_or(Tri::False, Tri::Unknown)
    }

    /// Kleene `and`: located at the second answer when both hold.
    pub(super) fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::Unknown(u), _) | (_, Tri::Unknown(u)) => Tri::Unknown(u),
            (Tri::True(_), Tri::True(span)) => Tri::True(span),
        }
    }
}

/// The items of a list, an object as one item, an unknown value as one.
fn entries(value: &Value) -> Vec<&Value> {
    match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Map(_) | ValueKind::Unknown(_) => vec![value],
        _ => Vec::new(),
    }
}

/// The rule sets of a policy document.
pub(super) fn rule_sets(document: &Value) -> Vec<&Value> {
    entries(document)
}

/// `key` of a rule set or rule (policy keys are read ignoring case); an
/// unknown rule set has every key unknown.
pub(super) fn key<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    if object.is_unknown() {
        return Some(object);
    }
    object
        .get_ignore_case(key)
        .filter(|v| !matches!(v.kind, ValueKind::Null))
}

/// The rules of a rule set.
pub(super) fn rules(set: &Value) -> Vec<&Value> {
    key(set, "Rules").map(entries).unwrap_or_default()
}

/// The resources a rule names (`collection/phi-*`): strings, or unknown.
pub(super) fn resources(rule: &Value) -> Vec<&Value> {
    key(rule, "Resource")
        .map(|r| match &r.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![r],
        })
        .unwrap_or_default()
}

/// Every resource pattern of a document, in order (unknown ones too).
pub(super) fn patterns(document: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for set in rule_sets(document) {
        if set.is_unknown() {
            out.push(set.clone());
            continue;
        }
        match key(set, "Rules") {
            Some(r) if r.is_unknown() => out.push(r.clone()),
            _ => {}
        }
        for rule in rules(set) {
            if rule.is_unknown() {
                out.push(rule.clone());
                continue;
            }
            out.extend(resources(rule).into_iter().cloned());
        }
    }
    out
}

/// The collection part of a resource pattern: `phi-*` of
/// `collection/phi-*` or `index/phi-*/*`.
fn collection_part(pattern: &str) -> &str {
    if let Some(rest) = pattern.strip_prefix("collection/") {
        rest
    } else if let Some(rest) = pattern.strip_prefix("index/") {
        rest.split('/').next().unwrap_or(rest)
    } else {
        pattern
    }
}

/// The index part of an `index/COLLECTION/INDEX` pattern.
pub(super) fn index_part(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix("index/")?;
    rest.split_once('/').map(|(_, index)| index)
}

/// Whether `pattern` names the collection called `name`: unknown when the
/// pattern or the name is not known offline. `name` is `None` for a view
/// standing for policies that match no collection: every pattern is theirs.
pub(super) fn covers(pattern: &Value, name: Option<&Value>) -> Tri {
    let Some(text) = pattern.as_str() else {
        return if pattern.is_unknown() {
            Tri::Unknown(pattern.clone())
        } else {
            Tri::False
        };
    };
    let Some(name) = name else {
        return Tri::True(pattern.span);
    };
    match (&name.kind, name.as_str()) {
        (_, Some(name)) if glob(collection_part(text), name) => Tri::True(pattern.span),
        (ValueKind::Unknown(u), _) => Tri::Unknown(Value::unknown(
            format!("the collection's name is not known offline: {}", u.reason),
            pattern.span,
        )),
        _ => Tri::False,
    }
}

/// Whether a rule set's rules cover the collection, and the pattern that
/// does (or the first one, when none is known to).
pub(super) fn set_covers<'a>(set: &'a Value, name: Option<&Value>) -> (Tri, Option<&'a Value>) {
    if set.is_unknown() {
        return (Tri::Unknown(set.clone()), None);
    }
    if let Some(r) = key(set, "Rules").filter(|r| r.is_unknown()) {
        return (Tri::Unknown(r.clone()), None);
    }
    let patterns: Vec<&Value> = rules(set).into_iter().flat_map(resources).collect();
    rule_covers(&patterns, name)
}

/// Whether any of `patterns` covers the collection, and the pattern that
/// does (or the first one).
pub(super) fn rule_covers<'a>(
    patterns: &[&'a Value],
    name: Option<&Value>,
) -> (Tri, Option<&'a Value>) {
    let mut unknown = None;
    for pattern in patterns {
        match covers(pattern, name) {
            Tri::True(span) => return (Tri::True(span), Some(pattern)),
            Tri::Unknown(u) => {
                unknown.get_or_insert((u, *pattern));
            }
            Tri::False => {}
        }
    }
    match unknown {
        Some((u, pattern)) => (Tri::Unknown(u), Some(pattern)),
        None => (Tri::False, patterns.first().copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_collection_names() {
        assert!(glob("phi-*", "phi-records"));
        assert!(glob("*", "anything"));
        assert!(glob("phi", "phi"));
        assert!(!glob("phi", "phi-x"));
        assert!(!glob("phi-*", "ops"));
        assert!(glob("a*b*c", "a-b-c"));
        assert!(!glob("a*bc", "abc-bc-x"));
        assert_eq!(collection_part("index/phi-*/*"), "phi-*");
        assert_eq!(collection_part("collection/phi"), "phi");
        assert_eq!(index_part("index/phi-*/*"), Some("*"));
    }
}
