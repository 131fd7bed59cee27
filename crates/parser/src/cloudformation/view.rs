//! Reading evaluated properties for the views.
//!
//! A setting inside a property whose value is unknown (an `Fn::If` on an
//! undecidable condition, say) reads as that unknown value, not as absent:
//! a rule must record it as undecided rather than report it missing.

use phiguard_model::{Origin, PolicySource, Resource, SourceFile, Spanned, Value, ValueKind};

use super::functions::text;
use super::sub::literal_points;
use super::trace::{find_marker, Trace};
use crate::text::{OffsetMap, Placement};

/// A property and the span findings about it point at: from its key to
/// the end of its value.
pub(crate) struct Part<'a> {
    pub origin: Origin,
    pub value: &'a Value,
}

pub(crate) fn part<'a>(r: &'a Resource, name: &str) -> Option<Part<'a>> {
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
pub(crate) fn block<'a>(r: &'a Resource, name: &str) -> Option<Part<'a>> {
    part(r, name).filter(|p| !p.value.is_unknown())
}

/// The block properties of `parts` (`(property, view part)`) whose values
/// are not known as a whole: the view records them as parts that may be set.
pub(crate) fn unknown_blocks(r: &Resource, parts: &[(&str, &str)]) -> Vec<(String, Value)> {
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
pub(crate) fn property(r: &Resource, name: &str) -> Option<Value> {
    part(r, name).map(|p| p.value.clone())
}

/// The value at `path` inside `value`.
pub(crate) fn field(value: &Value, path: &[&str]) -> Option<Value> {
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

/// The items of a list property; an unknown list is one unknown item.
pub(crate) fn items(value: &Value) -> Vec<&Value> {
    match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        ValueKind::Map(_) | ValueKind::Unknown(_) => vec![value],
        _ => Vec::new(),
    }
}

pub(crate) fn header(r: &Resource) -> Origin {
    Origin {
        resource: r.id,
        span: r.header,
    }
}

/// `Tags: [{Key: k, Value: v}]` as a map `{k: v}`, the key spanning the
/// `Key` value. A tag whose key is unknown makes the whole map unknown.
pub(crate) fn tags(value: &Value) -> Value {
    let ValueKind::List(list) = &value.kind else {
        return value.clone();
    };
    let mut entries = Vec::with_capacity(list.len());
    for item in list {
        let key = item.get("Key");
        match key.and_then(|k| Some((text(k)?, k.span))) {
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

/// A policy document property: a map, or a JSON string whose spans are
/// mapped back onto the template. A JSON string built by `Fn::Sub` from
/// unknown parts is parsed with those parts unknown.
pub(crate) fn policy(value: &Value, files: &[SourceFile], trace: &Trace) -> PolicySource {
    let (decoded, literal, partial) = match &value.kind {
        ValueKind::String(decoded) => (decoded, value.span, None),
        ValueKind::Unknown(_) => match trace.partials.get(&value.span) {
            Some(partial) => (&partial.text, partial.literal, Some(partial)),
            None => return PolicySource::Unknown(value.clone()),
        },
        _ => return crate::policy::policy_source(value, files),
    };
    let file = files.get(literal.file.0 as usize);
    let points = trace
        .placements
        .get(&literal)
        .cloned()
        .or_else(|| file.and_then(|f| literal_points(decoded, literal, &f.text)));
    let placement = match points {
        Some(points) => Placement::Exact(OffsetMap::new(points)),
        None => Placement::Whole(literal),
    };
    let Some(partial) = partial else {
        return crate::policy::placed_policy(decoded, literal, &placement, file);
    };
    match crate::policy::placed_document(decoded, literal, &placement, file) {
        Ok(mut document) => {
            fill_unknowns(&mut document, &partial.reasons);
            PolicySource::from_value(&document)
        }
        // Unknown parts outside JSON strings: only deployment tells.
        Err(_) => PolicySource::Unknown(value.clone()),
    }
}

/// Strings that hold an unknown part's marker become that unknown.
fn fill_unknowns(value: &mut Value, reasons: &[String]) {
    match &mut value.kind {
        ValueKind::String(s) => {
            if let Some(n) = find_marker(s) {
                let reason = reasons.get(n).map_or("", String::as_str);
                *value = Value::unknown(reason, value.span);
            }
        }
        ValueKind::List(items) => items.iter_mut().for_each(|i| fill_unknowns(i, reasons)),
        ValueKind::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, v)| fill_unknowns(v, reasons)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::{FileId, Span};

    fn json(text: &str) -> Value {
        crate::json::parse(text, FileId(0), 0).unwrap()
    }

    #[test]
    fn fields_inside_unknown_parts_are_unknown() {
        let known = json(r#"{"A": {"B": 1, "C": null}}"#);
        assert_eq!(
            field(&known, &["A", "B"]).map(|v| v.kind),
            Some(ValueKind::Number(1.0))
        );
        assert!(field(&known, &["A", "C"]).is_none());
        assert!(field(&known, &["A", "D"]).is_none());
        let unknown = Value::unknown("why", Span::default());
        assert!(field(&unknown, &["A", "B"]).unwrap().is_unknown());
        assert_eq!(items(&unknown).len(), 1);
    }

    #[test]
    fn tag_lists_become_maps() {
        let text = r#"[{"Key": "phi", "Value": "true"}, {"Key": "env", "Value": "prod"}]"#;
        let map = tags(&json(text));
        assert_eq!(map.get("phi").and_then(Value::as_str), Some("true"));
        let key = &map.as_map().unwrap()[1].0;
        assert_eq!(&text[key.span.range()], "\"env\"");
        assert!(tags(&json(r#"[{"Value": "x"}]"#)).is_unknown());
    }
}
