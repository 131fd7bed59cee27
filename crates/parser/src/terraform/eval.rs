//! Expression evaluation: an hcl-edit expression plus what the module
//! declares into a [`Value`] that keeps its span.
//!
//! For now the scope knows only which variables exist and whether they have
//! a default; literals are known and everything else is unknown with a
//! reason. A full evaluator (variable values, locals, functions, count and
//! for_each, modules) replaces [`Evaluator::eval`]'s fallbacks later; the
//! shape (expression + scope -> value) stays.

use std::collections::HashMap;

use hcl_edit::expr::{Expression, Object, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::template::{Element, Strip, Template};
use hcl_edit::Span as _;
use phiguard_model::{format_number, FileId, Span, Spanned, Value, ValueKind};

use crate::text::shorten;

/// Roots that are not resource types.
const NOT_RESOURCES: [&str; 9] = [
    "var",
    "local",
    "data",
    "module",
    "each",
    "count",
    "self",
    "path",
    "terraform",
];

/// A managed resource named by an expression such as `aws_s3_bucket.b.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub resource_type: String,
    pub name: String,
    /// The first attribute read after the name and any index (`id`).
    pub attribute: Option<String>,
}

/// Which unknown values are references to resources, by the span of the
/// value. Linking satellites to buckets reads it.
#[derive(Debug, Default)]
pub(crate) struct References(HashMap<Span, Reference>);

impl References {
    /// The reference `value` stands for, if it is exactly one.
    pub fn of(&self, value: &Value) -> Option<&Reference> {
        if value.is_unknown() {
            self.0.get(&value.span)
        } else {
            None
        }
    }
}

/// What the module declares that expressions can name.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// Variable name -> whether it has a default.
    pub variables: HashMap<String, bool>,
}

/// How the spans of the parsed text become file spans.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SpanMode {
    /// The parsed text starts at byte `base` of the file.
    Offset { file: FileId, base: usize },
    /// The text was decoded from a literal (a `.tf.json` string): every
    /// value points at the whole literal.
    Fixed(Span),
}

pub(crate) struct Evaluator<'a> {
    pub scope: &'a Scope,
    pub refs: &'a mut References,
    /// The text hcl-edit parsed; its spans index it.
    pub source: &'a str,
    pub mode: SpanMode,
    /// Off inside templates of several parts, whose value is not the reference.
    record: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        scope: &'a Scope,
        refs: &'a mut References,
        source: &'a str,
        mode: SpanMode,
    ) -> Self {
        Evaluator {
            scope,
            refs,
            source,
            mode,
            record: true,
        }
    }

    pub fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        match (self.mode, range) {
            (SpanMode::Fixed(span), _) => span,
            (SpanMode::Offset { file, base }, Some(r)) => {
                Span::new(file, r.start + base..r.end + base)
            }
            (SpanMode::Offset { file, base }, None) => Span::new(file, base..base),
        }
    }

    pub fn eval(&mut self, expr: &Expression) -> Value {
        let span = self.span(expr.span());
        match expr {
            Expression::Null(_) => Value::new(ValueKind::Null, span),
            Expression::Bool(b) => Value::bool(*b.value(), span),
            Expression::Number(n) => match n.value().as_f64() {
                Some(number) => Value::new(ValueKind::Number(number), span),
                None => self.not_evaluated(expr, span),
            },
            Expression::String(s) => Value::string(s.value().as_str(), span),
            Expression::Array(items) => {
                let items = items.iter().map(|item| self.eval(item)).collect();
                Value::new(ValueKind::List(items), span)
            }
            Expression::Object(object) => self.object(object, span),
            Expression::StringTemplate(template) => self.template(template, span),
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template, span),
            Expression::Parenthesis(inner) => self.eval(inner.inner()),
            Expression::Traversal(traversal) => self.traversal(traversal, expr, span),
            _ => self.not_evaluated(expr, span),
        }
    }

    /// Evaluates a template. One interpolation alone yields its expression's
    /// value, as Terraform does (`"${aws_s3_bucket.b.id}"` is a reference).
    pub fn template(&mut self, template: &Template, span: Span) -> Value {
        if let Some(Element::Interpolation(only)) = template.as_single_element() {
            if only.strip == Strip::None {
                let value = self.eval(&only.expr);
                return self.respan(value, span);
            }
        }
        let record = std::mem::replace(&mut self.record, false);
        let value = self.concat(template, span);
        self.record = record;
        value
    }

    fn concat(&mut self, template: &Template, span: Span) -> Value {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(literal) => out.push_str(literal.value()),
                Element::Interpolation(part) if part.strip == Strip::None => {
                    let value = self.eval(&part.expr);
                    match &value.kind {
                        ValueKind::String(s) => out.push_str(s),
                        ValueKind::Number(n) => out.push_str(&format_number(*n)),
                        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                        ValueKind::Unknown(u) => return Value::unknown(u.reason.clone(), span),
                        _ => return self.not_evaluated_text(template.span(), span),
                    }
                }
                _ => return self.not_evaluated_text(template.span(), span),
            }
        }
        Value::string(out, span)
    }

    fn object(&mut self, object: &Object, span: Span) -> Value {
        let mut entries = Vec::with_capacity(object.len());
        for (key, value) in object.iter() {
            let key = match key {
                ObjectKey::Ident(ident) => {
                    Spanned::new(ident.as_str().to_string(), self.span(ident.span()))
                }
                ObjectKey::Expression(expr) => {
                    let key = self.eval(expr);
                    match &key.kind {
                        ValueKind::String(s) => Spanned::new(s.clone(), key.span),
                        ValueKind::Number(n) => Spanned::new(format_number(*n), key.span),
                        ValueKind::Bool(b) => Spanned::new(b.to_string(), key.span),
                        ValueKind::Unknown(u) => return Value::unknown(u.reason.clone(), span),
                        _ => return self.not_evaluated(expr, span),
                    }
                }
            };
            entries.push((key, self.eval(value.expr())));
        }
        Value::new(ValueKind::Map(entries), span)
    }

    fn traversal(&mut self, traversal: &Traversal, expr: &Expression, span: Span) -> Value {
        let Expression::Variable(root) = &traversal.expr else {
            return self.not_evaluated(expr, span);
        };
        let root = root.as_str();
        let mut operators = traversal.operators.iter().map(|op| op.value());
        let Some(TraversalOperator::GetAttr(name)) = operators.next() else {
            return self.not_evaluated(expr, span);
        };
        let name = name.as_str();
        if root == "var" {
            let reason = match self.scope.variables.get(name) {
                None => format!("var.{name} is not declared"),
                Some(true) => format!("var.{name} is not evaluated yet"),
                Some(false) => format!("var.{name} has no value"),
            };
            return Value::unknown(reason, span);
        }
        if NOT_RESOURCES.contains(&root) {
            return self.not_evaluated(expr, span);
        }
        let mut attribute = None;
        for op in operators {
            match op {
                TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
                TraversalOperator::GetAttr(attr) => {
                    attribute = Some(attr.as_str().to_string());
                    break;
                }
                // A splat yields a list, not one resource's attribute.
                _ => return self.not_known(expr, span),
            }
        }
        if self.record {
            let reference = Reference {
                resource_type: root.to_string(),
                name: name.to_string(),
                attribute,
            };
            self.refs.0.insert(span, reference);
        }
        self.not_known(expr, span)
    }

    /// Moves a value (and the reference it stands for) to another span.
    fn respan(&mut self, mut value: Value, span: Span) -> Value {
        if value.is_unknown() {
            if let Some(reference) = self.refs.0.remove(&value.span) {
                self.refs.0.insert(span, reference);
            }
        }
        value.span = span;
        value
    }

    fn text(&self, range: Option<std::ops::Range<usize>>) -> String {
        range
            .and_then(|r| self.source.get(r))
            .map_or_else(|| "expression".to_string(), shorten)
    }

    fn not_known(&self, expr: &Expression, span: Span) -> Value {
        let text = self.text(expr.span());
        Value::unknown(format!("`{text}` is not known offline"), span)
    }

    fn not_evaluated(&self, expr: &Expression, span: Span) -> Value {
        self.not_evaluated_text(expr.span(), span)
    }

    fn not_evaluated_text(&self, range: Option<std::ops::Range<usize>>, span: Span) -> Value {
        let text = self.text(range);
        Value::unknown(format!("`{text}` is not evaluated yet"), span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_with(source: &str, scope: &Scope) -> (Value, References) {
        let expr = hcl_edit::parser::parse_expr(source).unwrap();
        let mut refs = References::default();
        let mode = SpanMode::Offset {
            file: FileId(0),
            base: 0,
        };
        let value = Evaluator::new(scope, &mut refs, source, mode).eval(&expr);
        (value, refs)
    }

    fn eval(source: &str) -> Value {
        eval_with(source, &Scope::default()).0
    }

    fn reason(source: &str) -> String {
        eval(source).unknown_reason().unwrap().to_string()
    }

    #[test]
    fn literals_are_known_with_spans() {
        let v = eval("{ a = [1, true, null, \"x\"], \"b\" = <<EOT\nhi\nEOT\n }");
        let a = v.get("a").unwrap().as_list().unwrap();
        assert_eq!(a[0].kind, ValueKind::Number(1.0));
        assert_eq!(a[3].span.range(), 22..25);
        assert_eq!(v.get("b").unwrap().as_str(), Some("hi\n"));
    }

    #[test]
    fn templates_without_interpolation_are_strings() {
        assert_eq!(eval("\"a$${b}\"").as_str(), Some("a${b}"));
        assert_eq!(eval("\"${\"a\"}-b\"").as_str(), Some("a-b"));
    }

    #[test]
    fn variables() {
        let mut scope = Scope::default();
        scope.variables.insert("acl".into(), false);
        scope.variables.insert("env".into(), true);
        let reason = |s: &str| eval_with(s, &scope).0.unknown_reason().unwrap().to_string();
        assert_eq!(reason("var.acl"), "var.acl has no value");
        assert_eq!(reason("var.env"), "var.env is not evaluated yet");
        assert_eq!(reason("var.nope"), "var.nope is not declared");
        assert_eq!(reason("\"${var.acl}-x\""), "var.acl has no value");
    }

    #[test]
    fn references_are_recorded() {
        let (value, refs) = eval_with("\"${aws_s3_bucket.b[0].id}\"", &Scope::default());
        assert_eq!(value.span.range(), 0..26);
        let reference = refs.of(&value).unwrap();
        assert_eq!(reference.resource_type, "aws_s3_bucket");
        assert_eq!(reference.name, "b");
        assert_eq!(reference.attribute.as_deref(), Some("id"));
        assert_eq!(
            value.unknown_reason(),
            Some("`aws_s3_bucket.b[0].id` is not known offline")
        );
        let (value, refs) = eval_with("\"${aws_s3_bucket.b.id}-x\"", &Scope::default());
        assert!(refs.of(&value).is_none());
    }

    #[test]
    fn other_expressions_are_not_evaluated_yet() {
        assert_eq!(
            reason("jsonencode({ a = 1 })"),
            "`jsonencode({ a = 1 })` is not evaluated yet"
        );
        assert_eq!(reason("local.x"), "`local.x` is not evaluated yet");
        assert_eq!(
            reason("data.aws_iam_policy_document.p.json"),
            "`data.aws_iam_policy_document.p.json` is not evaluated yet"
        );
        assert!(
            reason(&format!("concat({})", "x,".repeat(50))).ends_with("...` is not evaluated yet")
        );
    }
}
