//! How kinds read CloudFormation: evaluated properties.
//!
//! A setting inside a property whose value is unknown (an `Fn::If` on an
//! undecidable condition, say) reads as that unknown value, not as absent:
//! a rule must record it as undecided rather than report it missing.

use crate::{format_number, Origin, Resource, Spanned, Value, ValueKind};

/// A scalar as text: `Key: 2024` is the tag key "2024".
fn scalar_text(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::String(s) => Some(s.clone()),
        ValueKind::Number(n) => Some(format_number(*n)),
        ValueKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A property and the span findings about it point at: from its key to
/// the end of its value.
pub struct Part<'a> {
    pub origin: Origin,
    pub value: &'a Value,
}

pub fn part<'a>(r: &'a Resource, name: &str) -> Option<Part<'a>> {
    let attribute = r.body.attributes.iter().find(|a| a.key.value == name)?;
    let (key, value) = (attribute.key.span, &attribute.value);
    if matches!(value.kind, ValueKind::Null) {
        return None;
    }
    // A value from elsewhere (a parameter, an alias) is not covered.
    let span = if value.span.file == key.file && value.span.start >= key.start {
        key.cover(value.span)
    } else {
        key
    };
    Some(Part {
        origin: Origin {
            resource: r.id,
            span,
        },
        value,
    })
}

/// A property that holds a block of settings (a map): absent when its value
/// is not known as a whole, since then even whether it is set is unknown
/// (an undecidable `Fn::If` between a block and `AWS::NoValue`); see
/// [`unknown_blocks`].
pub fn block<'a>(r: &'a Resource, name: &str) -> Option<Part<'a>> {
    part(r, name).filter(|p| !p.value.is_unknown())
}

/// The block properties of `parts` (`(property, view part)`) whose values
/// are not known as a whole: the view records them as parts that may be set.
pub fn unknown_blocks(r: &Resource, parts: &[(&str, &str)]) -> Vec<(String, Value)> {
    parts
        .iter()
        .filter_map(|(property, part_name)| {
            let value = &r
                .body
                .attributes
                .iter()
                .find(|a| a.key.value == *property)?
                .value;
            value
                .is_unknown()
                .then(|| (part_name.to_string(), value.clone()))
        })
        .collect()
}

/// A property's value, as the view stores it.
pub fn property(r: &Resource, name: &str) -> Option<Value> {
    part(r, name).map(|p| p.value.clone())
}

/// The value at `path` inside `value`.
pub fn field(value: &Value, path: &[&str]) -> Option<Value> {
    let mut current = value;
    for name in path {
        match &current.kind {
            ValueKind::Unknown(_) => return Some(current.clone()),
            ValueKind::Map(_) => current = current.get(name)?,
            _ => return None,
        }
    }
    (!matches!(current.kind, ValueKind::Null)).then(|| current.clone())
}

/// `f` of each item of the list property `key` of `block` (none when it is
/// absent).
pub fn each<T>(block: &Value, key: &str, f: impl Fn(&Value) -> T) -> Vec<T> {
    field(block, &[key])
        .as_ref()
        .map(|list| items(list).into_iter().map(&f).collect())
        .unwrap_or_default()
}

/// The items of a list property; an unknown list is one unknown item.
pub fn items(value: &Value) -> Vec<&Value> {
    match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Map(_) | ValueKind::Unknown(_) => vec![value],
        _ => Vec::new(),
    }
}

pub fn header(r: &Resource) -> Origin {
    Origin {
        resource: r.id,
        span: r.header,
    }
}

/// `Tags: [{Key: k, Value: v}]` as a map `{k: v}`, the key spanning the
/// `Key` value. A tag whose key is unknown makes the whole map unknown.
pub fn tags(value: &Value) -> Value {
    let ValueKind::List(list) = &value.kind else {
        return value.clone();
    };
    let mut entries = Vec::with_capacity(list.len());
    for item in list {
        let key = item.get("Key");
        match key.and_then(|k| Some((scalar_text(k)?, k.span))) {
            Some((name, span)) => {
                let tag_value = item
                    .get("Value")
                    .cloned()
                    .unwrap_or_else(|| Value::string("", item.span));
                entries.push((Spanned::new(name, span), tag_value));
            }
            None => {
                let unknown = key.and_then(Value::first_unknown).or(item.first_unknown());
                let reason = unknown
                    .and_then(Value::unknown_reason)
                    .unwrap_or("a tag has no `Key`");
                return Value::unknown(reason, value.span);
            }
        }
    }
    Value::new(ValueKind::Map(entries), value.span)
}

/// `Properties` that could not be known as a whole: every setting of the
/// resource is then unknown, not absent.
pub fn unknown_properties(r: &Resource) -> Option<Value> {
    r.body
        .attribute("Properties")
        .filter(|v| v.is_unknown())
        .cloned()
}
