//! Reading policy documents from evaluated properties, for the kinds
//! ([`phiguard_model::kinds::PolicyReader`]).
//!
//! A setting inside a property whose value is unknown (an `Fn::If` on an
//! undecidable condition, say) reads as that unknown value, not as absent:
//! a rule must record it as undecided rather than report it missing.

use phiguard_model::{OriginRole, PolicySource, SourceFile, Value, ValueKind};

use super::alias::relocated;
use super::sub::literal_points;
use super::trace::Trace;
use crate::partial::fill_unknowns;
use crate::text::{OffsetMap, Placement};

/// A policy document property: a map, or a JSON string whose spans are
/// mapped back onto the template. A JSON string built by `Fn::Sub` from
/// unknown parts is parsed with those parts unknown.
pub(crate) fn policy(value: &Value, files: &[SourceFile], trace: &Trace) -> PolicySource {
    match &value.kind {
        ValueKind::String(_) | ValueKind::Unknown(_) => match document(value, files, trace) {
            Ok(document) => PolicySource::from_value(&document),
            Err(other) => *other,
        },
        _ => crate::policy::policy_source(value, files),
    }
}

/// A JSON document property whatever its shape (a map, a list, a JSON
/// string, an `Fn::Sub` with unknown parts), with spans in the template;
/// what stands in for it when it is not known offline or is not JSON.
pub(crate) fn document(
    value: &Value,
    files: &[SourceFile],
    trace: &Trace,
) -> Result<Value, Box<PolicySource>> {
    let (decoded, literal, partial) = match &value.kind {
        ValueKind::String(decoded) => match anchored_document(value, decoded, files) {
            Some(document) => return document,
            None => (decoded, value.span, None),
        },
        ValueKind::Unknown(_) => match trace.partials.get(&value.span) {
            Some(partial) => (&partial.text, partial.literal, Some(partial)),
            None => return Err(Box::new(PolicySource::Unknown(value.clone()))),
        },
        _ => return crate::policy::json_document(value, files),
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
        return crate::policy::placed_document(decoded, literal, &placement, file);
    };
    match crate::policy::placed_document(decoded, literal, &placement, file) {
        Ok(mut document) => {
            fill_unknowns(&mut document, &partial.reasons, &partial.stands_for);
            Ok(document)
        }
        // Unknown parts outside JSON strings: only deployment tells.
        Err(_) => Err(Box::new(PolicySource::Unknown(value.clone()))),
    }
}

/// A JSON policy string that an alias copied (`PolicyDocument: *policy`),
/// read where the anchor writes it, so that each statement and principal
/// keeps its own place there as its origin, and then located at the alias
/// as the alias's other nodes are ([`super::alias`]). `None` when the
/// anchored text is not this string written as a scalar (a function's
/// result): the string is then read at the alias as a whole.
fn anchored_document(
    value: &Value,
    decoded: &str,
    files: &[SourceFile],
) -> Option<Result<Value, Box<PolicySource>>> {
    let origin = value
        .origins
        .as_deref()?
        .first()
        .filter(|o| o.role == OriginRole::YamlAnchor)?;
    let written = origin.span?;
    let file = files.get(written.file.0 as usize)?;
    let points = literal_points(decoded, written, &file.text)?;
    let placement = Placement::Exact(OffsetMap::new(points));
    // Not a policy: the error is in the anchored text.
    Some(
        crate::policy::placed_document(decoded, written, &placement, Some(file))
            .map(|document| relocated(document, &origin.name, value.span)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::kinds::cloudformation::{field, items, tags};
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
