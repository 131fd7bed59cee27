//! hcl-edit trees into the [`ir`](super::ir) form, with file spans.

use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{self, BlockLabel, Structure};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span as _;
use phiguard_model::{FileId, Span, Spanned};

use super::ir::{
    AttrIr, BlockIr, BodyIr, Call, Expr, ExprKind, ForExpr, ObjKey, Op, Part, Step, TemplateFor,
    Traversal,
};
use crate::limits::MAX_LOWER_DEPTH as MAX_DEPTH;

/// How the spans of the parsed text become file spans.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SpanMode {
    /// The parsed text starts at byte `base` of the file.
    Offset { file: FileId, base: usize },
    /// The text was decoded from a literal (a `.tf.json` string): every
    /// node points at the whole literal.
    Fixed(Span),
}

pub(crate) struct Lower<'t> {
    mode: SpanMode,
    /// The text hcl-edit parsed; its ranges index it.
    text: &'t str,
    depth: usize,
}

impl<'t> Lower<'t> {
    pub fn new(mode: SpanMode, text: &'t str) -> Self {
        Lower {
            mode,
            text,
            depth: 0,
        }
    }

    pub fn span(&self, range: Option<Range<usize>>) -> Span {
        match (self.mode, range) {
            (SpanMode::Fixed(span), _) => span,
            (SpanMode::Offset { file, base }, Some(r)) => {
                Span::new(file, r.start + base..r.end + base)
            }
            (SpanMode::Offset { file, base }, None) => Span::new(file, base..base),
        }
    }

    pub fn body(&mut self, body: &structure::Body) -> BodyIr {
        let mut out = BodyIr::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => out.attrs.push(AttrIr {
                    key: Spanned::new(attr.key.as_str().to_string(), self.span(attr.key.span())),
                    expr: self.expr(&attr.value),
                }),
                Structure::Block(block) => out.blocks.push(BlockIr {
                    ident: Spanned::new(
                        block.ident.as_str().to_string(),
                        self.span(block.ident.span()),
                    ),
                    labels: block.labels.iter().map(|l| self.label(l)).collect(),
                    span: self.span(block.span()),
                    body: self.body(&block.body),
                }),
            }
        }
        // Every file's tree stays until evaluation ends: no room to spare.
        out.attrs.shrink_to_fit();
        out.blocks.shrink_to_fit();
        out
    }

    pub fn label(&self, label: &BlockLabel) -> Spanned<String> {
        Spanned::new(label.as_str().to_string(), self.span(label.span()))
    }

    pub fn expr(&mut self, expr: &Expression) -> Expr {
        let span = self.span(expr.span());
        if self.depth >= MAX_DEPTH {
            return Expr::new(ExprKind::Invalid("nested too deeply".into()), span);
        }
        self.depth += 1;
        let kind = self.kind(expr);
        self.depth -= 1;
        Expr::new(kind, span)
    }

    /// Whether the number literal `expr` is written beyond an f64's range.
    fn literal_overflows(&self, expr: &Expression) -> bool {
        let text = expr.span().and_then(|range| self.text.get(range));
        text.and_then(|t| t.trim().parse::<f64>().ok())
            .is_none_or(f64::is_infinite)
    }

    fn kind(&mut self, expr: &Expression) -> ExprKind {
        match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => match n.value().as_f64() {
                // hcl-edit reads a literal beyond an f64 (`1e400`) as the
                // largest one (vendor/hcl-edit/PATCHES.md): not that value.
                Some(f64::MAX) if self.literal_overflows(expr) => ExprKind::Invalid(
                    "the number is too large for phiguard (beyond 1.8e308)".into(),
                ),
                Some(number) => ExprKind::Number(number),
                None => ExprKind::Invalid("a number out of range".into()),
            },
            Expression::String(s) => ExprKind::String(s.value().to_string()),
            Expression::Array(items) => {
                ExprKind::Tuple(items.iter().map(|item| self.expr(item)).collect())
            }
            Expression::Object(object) => ExprKind::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            ObjectKey::Ident(ident) => ObjKey::Name(Spanned::new(
                                ident.as_str().to_string(),
                                self.span(ident.span()),
                            )),
                            ObjectKey::Expression(expr) => ObjKey::Expr(Box::new(self.expr(expr))),
                        };
                        (key, self.expr(value.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(template) => self.template(template),
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template),
            Expression::Parenthesis(inner) => self.expr(inner.inner()).kind,
            Expression::Variable(name) => ExprKind::Var(name.as_str().to_string()),
            Expression::Traversal(traversal) => {
                let root = self.expr(&traversal.expr);
                let start = expr.span().map_or(0, |r| r.start);
                let steps = traversal
                    .operators
                    .iter()
                    .map(|op| {
                        let end = op.span().map_or(start, |r| r.end);
                        let span = self.span(Some(start..end.max(start)));
                        let op = match op.value() {
                            TraversalOperator::GetAttr(name) => Op::Attr(name.as_str().to_string()),
                            TraversalOperator::Index(index) => {
                                Op::Index(Box::new(self.expr(index)))
                            }
                            TraversalOperator::LegacyIndex(n) => Op::Index(Box::new(Expr::new(
                                ExprKind::Number(*n.value() as f64),
                                span,
                            ))),
                            TraversalOperator::AttrSplat(_) => Op::Splat { full: false },
                            TraversalOperator::FullSplat(_) => Op::Splat { full: true },
                        };
                        Step { op, span }
                    })
                    .collect();
                let text = match self.mode {
                    SpanMode::Fixed(_) => expr.span().and_then(|r| self.text.get(r)).map(Box::from),
                    SpanMode::Offset { .. } => None,
                };
                ExprKind::Traversal(Box::new(Traversal { root, steps, text }))
            }
            Expression::FuncCall(call) => {
                let mut name: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                name.push(call.name.name.as_str());
                ExprKind::Call(Box::new(Call {
                    name: name.join("::"),
                    args: call.args.iter().map(|a| self.expr(a)).collect(),
                    expand: call.args.expand_final(),
                }))
            }
            Expression::Conditional(c) => ExprKind::Cond(Box::new([
                self.expr(&c.cond_expr),
                self.expr(&c.true_expr),
                self.expr(&c.false_expr),
            ])),
            Expression::UnaryOp(op) => {
                let operand = Box::new(self.expr(&op.expr));
                match op.operator.value() {
                    UnaryOperator::Not => ExprKind::Not(operand),
                    UnaryOperator::Neg => ExprKind::Neg(operand),
                }
            }
            Expression::BinaryOp(op) => ExprKind::Binary(
                *op.operator.value(),
                Box::new([self.expr(&op.lhs_expr), self.expr(&op.rhs_expr)]),
            ),
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                group: f.grouping,
            })),
        }
    }

    /// A template of literals only is a string; anything else keeps its parts.
    pub fn template(&mut self, template: &Template) -> ExprKind {
        let parts = self.parts(template, false, false);
        if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
            let text: String = parts
                .into_iter()
                .map(|p| match p {
                    Part::Lit(s) => s,
                    _ => String::new(),
                })
                .collect();
            return ExprKind::String(text);
        }
        ExprKind::Template(parts)
    }

    /// The parts of a template, with the whitespace that `~` markers strip
    /// removed from the literals next to them (`trim_first`/`trim_last`: a
    /// marker of the enclosing directive strips this template's ends).
    fn parts(&mut self, template: &Template, trim_first: bool, trim_last: bool) -> Vec<Part> {
        // (part, strips the literal before it, strips the literal after it)
        let mut raw: Vec<(Part, bool, bool)> = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(lit) => raw.push((Part::Lit(lit.value().clone()), false, false)),
                Element::Interpolation(i) => raw.push((
                    Part::Interp(self.expr(&i.expr)),
                    i.strip.strip_start(),
                    i.strip.strip_end(),
                )),
                Element::Directive(directive) => raw.push(self.directive(directive)),
            }
        }
        for i in 0..raw.len() {
            let (before, after) = (raw[i].1, raw[i].2);
            if before && i > 0 {
                trim(&mut raw[i - 1].0, false);
            }
            if after && i + 1 < raw.len() {
                trim(&mut raw[i + 1].0, true);
            }
        }
        if trim_first {
            if let Some(first) = raw.first_mut() {
                trim(&mut first.0, true);
            }
        }
        if trim_last {
            if let Some(last) = raw.last_mut() {
                trim(&mut last.0, false);
            }
        }
        raw.into_iter().map(|(p, _, _)| p).collect()
    }

    fn directive(&mut self, directive: &Directive) -> (Part, bool, bool) {
        match directive {
            Directive::If(d) => {
                let endif = d.endif_expr.strip;
                let before_else = d.else_expr.as_ref().map_or(endif, |e| e.strip);
                let then = self.parts(
                    &d.if_expr.template,
                    d.if_expr.strip.strip_end(),
                    before_else.strip_start(),
                );
                let otherwise = match &d.else_expr {
                    Some(e) => self.parts(&e.template, e.strip.strip_end(), endif.strip_start()),
                    None => Vec::new(),
                };
                let cond = self.expr(&d.if_expr.cond_expr);
                (
                    Part::If(Box::new((cond, then, otherwise))),
                    d.if_expr.strip.strip_start(),
                    endif.strip_end(),
                )
            }
            Directive::For(d) => {
                let f = &d.for_expr;
                let endfor: Strip = d.endfor_expr.strip;
                let body = self.parts(&f.template, f.strip.strip_end(), endfor.strip_start());
                (
                    Part::For(Box::new(TemplateFor {
                        key_var: f.key_var.as_ref().map(|k| k.as_str().to_string()),
                        value_var: f.value_var.as_str().to_string(),
                        collection: self.expr(&f.collection_expr),
                        body,
                    })),
                    f.strip.strip_start(),
                    endfor.strip_end(),
                )
            }
        }
    }
}

fn trim(part: &mut Part, start: bool) {
    if let Part::Lit(text) = part {
        *text = if start {
            text.trim_start().to_string()
        } else {
            text.trim_end().to_string()
        };
    }
}
