//! Strict JSON into a [`Value`] with a span on every node.
//!
//! Shared by the `.tf.json` front end, the CloudFormation JSON front end and
//! policy strings. jsonc-parser's defaults accept comments, trailing commas
//! and other JSON5 forms that AWS and Terraform reject, so every leniency is
//! turned off; it keeps duplicate keys, which are checked here.

use std::collections::HashMap;

use jsonc_parser::ast;
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::{CollectOptions, ParseOptions};
use phiguard_model::{FileId, SourceFile, Span, Spanned, Value, ValueKind};

/// A JSON syntax error, or a duplicate key (with where it was first seen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub span: Span,
    /// For a duplicate key: the first definition.
    pub first: Option<Span>,
}

impl JsonError {
    /// The message with the line numbers of both definitions of a duplicate
    /// key, which only the file can tell.
    pub fn describe(&self, file: Option<&SourceFile>) -> String {
        match (self.first, file) {
            (Some(first), Some(file)) => format!(
                "{} (first defined on line {}, again on line {})",
                self.message,
                file.position(first.start as usize).line,
                file.position(self.span.start as usize).line
            ),
            _ => self.message.clone(),
        }
    }
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text`, which starts at byte `base` of file `file`.
pub fn parse(text: &str, file: FileId, base: usize) -> Result<Value, JsonError> {
    let at = |range: Range| Span::new(file, range.start + base..range.end + base);
    // A cheap scan first: nothing nested deeper than the limit reaches the
    // recursive parser and the recursive walks after it.
    if let Some(offset) = crate::limits::json_too_deep(text) {
        return Err(JsonError {
            message: crate::limits::nesting_message(),
            span: Span::new(file, base + offset..base + offset + 1),
            first: None,
        });
    }
    let parsed = std::panic::catch_unwind(|| {
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict())
    });
    let result = match parsed {
        Ok(Ok(result)) => result,
        Ok(Err(err)) => {
            return Err(JsonError {
                message: err.kind().to_string(),
                span: at(err.range()),
                first: None,
            })
        }
        // The parser has internal assertions; a bug there must not take the
        // whole run down.
        Err(_) => {
            return Err(JsonError {
                message: "the JSON parser failed on this text".into(),
                span: Span::new(file, base..base),
                first: None,
            })
        }
    };
    match result.value {
        Some(value) => convert(&value, &at),
        None => Err(JsonError {
            message: "expected a JSON value, found none".into(),
            span: Span::new(file, base..base + text.len()),
            first: None,
        }),
    }
}

fn convert(value: &ast::Value, at: &dyn Fn(Range) -> Span) -> Result<Value, JsonError> {
    let span = at(value.range());
    let kind = match value {
        ast::Value::StringLit(s) => ValueKind::String(s.value.to_string()),
        ast::Value::NumberLit(n) => match n.value.parse::<f64>() {
            Ok(number) => ValueKind::Number(number),
            Err(_) => {
                return Err(JsonError {
                    message: format!("invalid number `{}`", n.value),
                    span,
                    first: None,
                })
            }
        },
        ast::Value::BooleanLit(b) => ValueKind::Bool(b.value),
        ast::Value::NullKeyword(_) => ValueKind::Null,
        ast::Value::Array(array) => ValueKind::List(
            array
                .elements
                .iter()
                .map(|item| convert(item, at))
                .collect::<Result<_, _>>()?,
        ),
        ast::Value::Object(object) => ValueKind::Map(convert_object(object, at)?),
    };
    Ok(Value::new(kind, span))
}

fn convert_object(
    object: &ast::Object,
    at: &dyn Fn(Range) -> Span,
) -> Result<Vec<(Spanned<String>, Value)>, JsonError> {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut entries = Vec::with_capacity(object.properties.len());
    for property in &object.properties {
        let name = property.name.as_str();
        let key_span = at(property.name.range());
        if let Some(first) = seen.insert(name, key_span) {
            return Err(JsonError {
                message: format!("duplicate key `{name}`"),
                span: key_span,
                first: Some(first),
            });
        }
        entries.push((
            Spanned::new(name.to_string(), key_span),
            convert(&property.value, at)?,
        ));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse0(text: &str) -> Result<Value, JsonError> {
        parse(text, FileId(0), 0)
    }

    #[test]
    fn spans_cover_each_node() {
        let text = r#"{"acl": "public-read", "n": [1, true, null]}"#;
        let value = parse0(text).unwrap();
        let acl = value.get("acl").unwrap();
        assert_eq!(&text[acl.span.range()], "\"public-read\"");
        let key = &value.as_map().unwrap()[0].0;
        assert_eq!(&text[key.span.range()], "\"acl\"");
        let list = value.get("n").unwrap().as_list().unwrap();
        assert_eq!(list[0].kind, ValueKind::Number(1.0));
        assert_eq!(&text[list[2].span.range()], "null");
    }

    #[test]
    fn base_offset_shifts_spans() {
        let value = parse("\"x\"", FileId(3), 10).unwrap();
        assert_eq!(value.span, Span::new(FileId(3), 10..13));
    }

    #[test]
    fn leniencies_are_errors() {
        for text in [
            "{\"a\": 1,}",
            "// c\n{}",
            "{a: 1}",
            "['x']",
            "[0x10]",
            "[+1]",
            "[.5]",
            "[NaN]",
            "[1 2]",
            "\"\\x41\"",
        ] {
            assert!(parse0(text).is_err(), "accepted {text}");
        }
    }

    #[test]
    fn duplicate_keys_name_both_lines() {
        let text = "{\n  \"a\": 1,\n  \"a\": 2\n}";
        let err = parse0(text).unwrap_err();
        assert_eq!(&text[err.span.range()], "\"a\"");
        let file = SourceFile::new(FileId(0), "x.json".as_ref(), "x.json".into(), text.into());
        assert_eq!(
            err.describe(Some(&file)),
            "duplicate key `a` (first defined on line 2, again on line 3)"
        );
    }

    #[test]
    fn empty_text_is_an_error() {
        assert!(parse0("  ").is_err());
    }

    #[test]
    fn escapes_are_decoded() {
        let value = parse0(r#""a\"b\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(value.as_str(), Some("a\"bé😀"));
    }
}
