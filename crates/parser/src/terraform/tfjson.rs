//! `.tf.json` files: Terraform's JSON syntax into the same resources.
//!
//! In this syntax every string is a template (`"${aws_s3_bucket.b.id}"`),
//! and a nested block is an object or a list of objects; without the
//! provider's schema the two cannot be told apart from attributes, so block
//! bodies stay map values and the views read both forms.

use phiguard_model::{
    Attribute, Body, Dialect, FileId, LintError, Resource, ResourceId, SourceFile, Span, Value,
    ValueKind,
};

use super::eval::{Evaluator, References, Scope, SpanMode};
use crate::json;

const BOM: &str = "\u{feff}";

/// Parses a `.tf.json` file into its JSON value.
pub(crate) fn parse(file: &SourceFile) -> Result<Value, LintError> {
    let base = if file.text.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let value = json::parse(&file.text[base..], file.id, base).map_err(|err| LintError {
        path: file.display_path.clone(),
        span: Some(err.span),
        message: format!("invalid JSON: {}", err.describe(Some(file))),
    })?;
    if value.as_map().is_none() {
        return Err(LintError {
            path: file.display_path.clone(),
            span: Some(value.span),
            message: "a Terraform JSON file must hold an object".into(),
        });
    }
    Ok(value)
}

/// The items of `value`: Terraform JSON allows a list of objects wherever
/// an object of blocks is expected, so that keys may repeat.
fn objects(value: &Value) -> impl Iterator<Item = &Value> {
    value.items().iter().filter(|v| v.as_map().is_some())
}

/// Entries of an object or of a list of objects.
fn entries(value: &Value) -> impl Iterator<Item = &(phiguard_model::Spanned<String>, Value)> {
    objects(value).flat_map(|v| v.as_map().unwrap_or_default())
}

pub(crate) fn declare_variables(root: &Value, scope: &mut Scope) {
    for (key, section) in entries(root) {
        if key.value == "variable" {
            for (name, decl) in entries(section) {
                let has_default = objects(decl).any(|d| d.get("default").is_some());
                scope.variables.insert(name.value.clone(), has_default);
            }
        }
    }
}

pub(crate) fn resources(
    root: &Value,
    file: FileId,
    scope: &Scope,
    refs: &mut References,
) -> Vec<Resource> {
    let mut out = Vec::new();
    for (key, section) in entries(root) {
        if key.value != "resource" {
            continue;
        }
        for (resource_type, by_name) in entries(section) {
            for (name, body) in entries(by_name) {
                for body in objects(body) {
                    out.push(Resource {
                        id: ResourceId(0),
                        dialect: Dialect::Terraform,
                        resource_type: resource_type.value.clone(),
                        address: format!("{}.{}", resource_type.value, name.value),
                        file,
                        span: name.span.cover(body.span),
                        header: name.span,
                        body: resource_body(body, scope, refs),
                    });
                }
            }
        }
    }
    out
}

fn resource_body(body: &Value, scope: &Scope, refs: &mut References) -> Body {
    let attributes = body
        .as_map()
        .unwrap_or_default()
        .iter()
        // `"//"` is the JSON syntax's comment property.
        .filter(|(key, _)| key.value != "//")
        .map(|(key, value)| Attribute {
            key: key.clone(),
            value: evaluate(value, scope, refs),
        })
        .collect();
    Body {
        attributes,
        blocks: Vec::new(),
    }
}

/// Evaluates the strings of a JSON value as templates.
fn evaluate(value: &Value, scope: &Scope, refs: &mut References) -> Value {
    let kind = match &value.kind {
        ValueKind::String(text) => return template(text, value.span, scope, refs),
        ValueKind::List(items) => ValueKind::List(
            items
                .iter()
                .map(|item| evaluate(item, scope, refs))
                .collect(),
        ),
        ValueKind::Map(items) => ValueKind::Map(
            items
                .iter()
                .filter(|(key, _)| key.value != "//")
                .map(|(key, item)| (key.clone(), evaluate(item, scope, refs)))
                .collect(),
        ),
        other => other.clone(),
    };
    Value::new(kind, value.span)
}

fn template(text: &str, span: Span, scope: &Scope, refs: &mut References) -> Value {
    if !text.contains("${") && !text.contains("%{") {
        return Value::string(text, span);
    }
    // hcl-edit has internal assertions; a bug there must not end the run.
    let parsed = std::panic::catch_unwind(|| hcl_edit::parser::parse_template(text));
    let reason = match parsed {
        Ok(Ok(template)) => {
            let mut eval = Evaluator::new(scope, refs, text, SpanMode::Fixed(span));
            return eval.template(&template, span);
        }
        Ok(Err(err)) => format!("the template is not valid: {}", err.message()),
        Err(_) => "the template parser failed on this string".to_string(),
    };
    Value::unknown(reason, span)
}
