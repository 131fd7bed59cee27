//! Bucket and domain policies: a value (a JSON string, a map, or unknown)
//! into a [`PolicySource`] whose every node points into the file.

use phiguard_model::{PolicySource, SourceFile, Span, Value, ValueKind};

use crate::json;
use crate::text::{self, Placement};

/// Reads a policy attribute. A JSON string is parsed, and spans inside it
/// are mapped back onto the literal it was written in (`files` gives the
/// literal's text).
pub fn policy_source(value: &Value, files: &[SourceFile]) -> PolicySource {
    match &value.kind {
        ValueKind::Unknown(_) | ValueKind::Map(_) => PolicySource::from_value(value),
        ValueKind::String(decoded) => from_string(decoded, value.span, files),
        _ => not_a_policy(value),
    }
}

fn not_a_policy(value: &Value) -> PolicySource {
    PolicySource::Invalid {
        message: format!("a policy must be a JSON string, not {}", value.display()),
        span: value.span,
    }
}

/// Reads a JSON document attribute whatever its shape (a map, a list, a
/// JSON string), with spans in the file; what stands in for it when it is
/// not known offline or is not JSON.
pub fn json_document(value: &Value, files: &[SourceFile]) -> Result<Value, Box<PolicySource>> {
    match &value.kind {
        ValueKind::Unknown(_) => Err(Box::new(PolicySource::Unknown(value.clone()))),
        ValueKind::Map(_) | ValueKind::List(_) => Ok(value.clone()),
        ValueKind::String(decoded) => {
            let literal = value.span;
            let file = files.get(literal.file.0 as usize);
            let placement = file.map_or(Placement::Whole(literal), |f| {
                text::locate(decoded, literal, &f.text)
            });
            placed_document(decoded, literal, &placement, file)
        }
        _ => Err(Box::new(not_a_policy(value))),
    }
}

fn from_string(decoded: &str, literal: Span, files: &[SourceFile]) -> PolicySource {
    let file = files.get(literal.file.0 as usize);
    let placement = file.map_or(Placement::Whole(literal), |f| {
        text::locate(decoded, literal, &f.text)
    });
    placed_policy(decoded, literal, &placement, file)
}

/// Parses a policy string whose placement in the file the caller worked
/// out (CloudFormation's YAML scalars and `Fn::Sub` results).
pub(crate) fn placed_policy(
    decoded: &str,
    literal: Span,
    placement: &Placement,
    file: Option<&SourceFile>,
) -> PolicySource {
    match placed_document(decoded, literal, placement, file) {
        Ok(document) => PolicySource::from_value(&document),
        Err(invalid) => *invalid,
    }
}

/// The JSON value of a policy string, its spans in the file, or why the
/// string is not a policy.
pub(crate) fn placed_document(
    decoded: &str,
    literal: Span,
    placement: &Placement,
    file: Option<&SourceFile>,
) -> Result<Value, Box<PolicySource>> {
    let place = |span: Span| placement.span(span, literal);
    match json::parse(decoded, literal.file, 0) {
        Ok(mut document) => {
            document.map_spans(&place);
            Ok(document)
        }
        Err(mut err) => {
            err.span = place(err.span);
            err.first = err.first.map(place);
            Err(Box::new(PolicySource::Invalid {
                message: format!("the policy is not valid JSON: {}", err.describe(file)),
                span: err.span,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "main.tf".as_ref(), "main.tf".into(), text.into())
    }

    #[test]
    fn quoted_policy_spans_land_on_the_escaped_text() {
        let text = r#"p = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}""#;
        let f = file(text);
        let literal = Span::new(FileId(0), 4..text.len());
        let decoded = r#"{"Statement": [{"Effect": "Allow", "Principal": "*"}]}"#;
        let source = policy_source(&Value::string(decoded, literal), std::slice::from_ref(&f));
        let doc = source.document().unwrap();
        let principal = doc.statements[0].principal.as_ref().unwrap();
        assert_eq!(f.slice(principal.span), Some(r#"\"*\""#));
    }

    #[test]
    fn invalid_json_is_invalid() {
        let f = file("p = \"{\"");
        let literal = Span::new(FileId(0), 4..7);
        let source = policy_source(&Value::string("{", literal), std::slice::from_ref(&f));
        assert!(matches!(source, PolicySource::Invalid { .. }));
    }

    #[test]
    fn unknown_stays_unknown() {
        let value = Value::unknown("var.p has no value", Span::default());
        assert!(matches!(
            policy_source(&value, &[]),
            PolicySource::Unknown(_)
        ));
    }
}
