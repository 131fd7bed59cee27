//! `.tf.json` files: Terraform's JSON syntax lowered to the same blocks and
//! expressions as HCL.
//!
//! In this syntax every string is a template (`"${aws_s3_bucket.b.id}"`),
//! and a nested block is an object or a list of objects; without the
//! provider's schema the two cannot be told apart from attributes, so block
//! bodies stay object values and the views read both forms. `dynamic`
//! blocks are recognised, since expanding them needs evaluation.

use phiguard_model::{LintError, SourceFile, Span, Spanned, Value, ValueKind};

use super::ir::{AttrIr, BlockIr, BodyIr, Expr, ExprKind, ObjKey};
use super::lower::{Lower, SpanMode};
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

/// Entries of an object or of a list of objects, without `"//"` comments.
fn entries(value: &Value) -> impl Iterator<Item = &(Spanned<String>, Value)> {
    objects(value)
        .flat_map(|v| v.as_map().unwrap_or_default())
        .filter(|(k, _)| k.value != "//")
}

/// The file's top-level blocks.
pub(crate) fn lower(root: &Value) -> BodyIr {
    let mut out = BodyIr::default();
    for (key, section) in entries(root) {
        match key.value.as_str() {
            "resource" | "data" => {
                for (resource_type, by_name) in entries(section) {
                    for (name, body) in entries(by_name) {
                        for body in objects(body) {
                            out.blocks.push(BlockIr {
                                ident: Spanned::new(key.value.clone(), name.span),
                                labels: vec![resource_type.clone(), name.clone()],
                                span: name.span.cover(body.span),
                                body: block_body(body),
                            });
                        }
                    }
                }
            }
            "variable" | "output" | "module" => {
                for (name, body) in entries(section) {
                    for body in objects(body) {
                        let body = if key.value == "variable" {
                            variable_body(body)
                        } else {
                            block_body(body)
                        };
                        out.blocks.push(BlockIr {
                            ident: Spanned::new(key.value.clone(), name.span),
                            labels: vec![name.clone()],
                            span: name.span.cover(body_span(body.attrs.as_slice(), name.span)),
                            body,
                        });
                    }
                }
            }
            "locals" => out.blocks.push(BlockIr {
                ident: key.clone(),
                labels: Vec::new(),
                span: key.span.cover(section.span),
                body: BodyIr {
                    attrs: entries(section).map(attr).collect(),
                    blocks: Vec::new(),
                },
            }),
            _ => {}
        }
    }
    out
}

fn body_span(attrs: &[AttrIr], fallback: Span) -> Span {
    attrs.iter().fold(fallback, |span, a| {
        span.cover(a.key.span).cover(a.expr.span)
    })
}

fn attr((key, value): &(Spanned<String>, Value)) -> AttrIr {
    AttrIr {
        key: key.clone(),
        expr: expr(value),
    }
}

/// A resource, data source, module or output body. `dynamic` specs become
/// blocks; other nested blocks stay object attributes.
fn block_body(body: &Value) -> BodyIr {
    let mut out = BodyIr::default();
    for entry in entries(body) {
        let (key, value) = entry;
        match key.value.as_str() {
            "dynamic" => {
                for (name, spec) in entries(value) {
                    for spec in objects(spec) {
                        out.blocks.push(dynamic(key, name, spec));
                    }
                }
            }
            "lifecycle" | "provisioner" | "connection" => {}
            _ => out.attrs.push(attr(entry)),
        }
    }
    out
}

fn dynamic(key: &Spanned<String>, name: &Spanned<String>, spec: &Value) -> BlockIr {
    let mut body = BodyIr::default();
    for entry in entries(spec) {
        let (k, v) = entry;
        if k.value == "content" {
            for content in objects(v) {
                body.blocks.push(BlockIr {
                    ident: k.clone(),
                    labels: Vec::new(),
                    span: content.span,
                    body: block_body(content),
                });
            }
        } else {
            body.attrs.push(attr(entry));
        }
    }
    BlockIr {
        ident: key.clone(),
        labels: vec![name.clone()],
        span: spec.span,
        body,
    }
}

/// A variable's `type` is a type expression in a string; its `default` is
/// a literal value, not a template.
fn variable_body(body: &Value) -> BodyIr {
    let mut out = BodyIr::default();
    for (key, value) in entries(body) {
        let expr = match key.value.as_str() {
            "type" => match value.as_str() {
                Some(text) => type_expr(text, value.span),
                None => continue,
            },
            "default" => literal(value),
            _ => continue,
        };
        out.attrs.push(AttrIr {
            key: key.clone(),
            expr,
        });
    }
    out
}

fn type_expr(text: &str, span: Span) -> Expr {
    // hcl-edit has internal assertions; a bug there must not end the run.
    match std::panic::catch_unwind(|| hcl_edit::parser::parse_expr(text)) {
        Ok(Ok(parsed)) => {
            let mut expr = Lower::new(SpanMode::Fixed(span), text).expr(&parsed);
            expr.span = span;
            expr
        }
        _ => Expr::new(ExprKind::Invalid("not a type".into()), span),
    }
}

/// A JSON value as a plain value, strings untouched.
fn literal(value: &Value) -> Expr {
    let kind = match &value.kind {
        ValueKind::Null | ValueKind::Unknown(_) => ExprKind::Null,
        ValueKind::Bool(b) => ExprKind::Bool(*b),
        ValueKind::Number(n) => ExprKind::Number(*n),
        ValueKind::String(s) => ExprKind::String(s.clone()),
        ValueKind::List(items) => ExprKind::Tuple(items.iter().map(literal).collect()),
        ValueKind::Map(entries) => ExprKind::Object(
            entries
                .iter()
                .map(|(k, v)| (ObjKey::Name(k.clone()), literal(v)))
                .collect(),
        ),
    };
    Expr::new(kind, value.span)
}

/// A JSON value in expression mode: strings are templates.
pub(crate) fn expr(value: &Value) -> Expr {
    let kind = match &value.kind {
        ValueKind::String(text) => template(text, value.span),
        ValueKind::List(items) => ExprKind::Tuple(items.iter().map(expr).collect()),
        ValueKind::Map(entries) => ExprKind::Object(
            entries
                .iter()
                .filter(|(k, _)| k.value != "//")
                .map(|(k, v)| {
                    let key = if k.value.contains("${") {
                        ObjKey::Expr(Box::new(Expr::new(template(&k.value, k.span), k.span)))
                    } else {
                        ObjKey::Name(k.clone())
                    };
                    (key, expr(v))
                })
                .collect(),
        ),
        _ => return literal(value),
    };
    Expr::new(kind, value.span)
}

fn template(text: &str, span: Span) -> ExprKind {
    if !text.contains("${") && !text.contains("%{") {
        return ExprKind::String(text.to_string());
    }
    // hcl-edit has internal assertions; a bug there must not end the run.
    match std::panic::catch_unwind(|| hcl_edit::parser::parse_template(text)) {
        Ok(Ok(parsed)) => Lower::new(SpanMode::Fixed(span), text).template(&parsed),
        Ok(Err(err)) => ExprKind::Invalid(format!("the template is not valid: {}", err.message())),
        Err(_) => ExprKind::Invalid("the template parser failed on this string".into()),
    }
}
