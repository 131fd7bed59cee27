//! Evaluating a body: attributes and blocks, with `dynamic` blocks
//! expanded over their items.

use std::rc::Rc;

use phiguard_model::Spanned;

use super::operators::iterate;
use super::{Ctx, Evaluator};
use crate::terraform::bodies::{unknown_body, EvBlock, EvBody};
use crate::terraform::ir::{BlockIr, BodyIr, ExprKind};
use crate::terraform::value::{Fail, V};

impl Evaluator<'_> {
    pub fn eval_body<'e>(&mut self, cx: &mut Ctx<'e>, body: &'e BodyIr) -> EvBody {
        let attrs = body
            .attrs
            .iter()
            .map(|a| (a.key.clone(), self.value(cx, &a.expr)))
            .collect();
        let mut blocks = Vec::with_capacity(body.blocks.len());
        for block in &body.blocks {
            if block.ident.value == "dynamic" && block.labels.len() == 1 {
                self.dynamic(cx, block, &mut blocks);
            } else {
                blocks.push(EvBlock {
                    ident: block.ident.clone(),
                    labels: block.labels.clone(),
                    span: block.span,
                    body: self.eval_body(cx, &block.body),
                    existence: None,
                });
            }
        }
        EvBody { attrs, blocks }
    }

    /// A `dynamic "NAME"` block: one `NAME` block per item of `for_each`,
    /// pointing at the dynamic block. When the items are not known, one
    /// block is made, so that a rule sees the setting as unknown, not absent.
    fn dynamic<'e>(&mut self, cx: &mut Ctx<'e>, block: &'e BlockIr, out: &mut Vec<EvBlock>) {
        let Some(label) = block.labels.first() else {
            return;
        };
        let Some(content) = block
            .body
            .blocks
            .iter()
            .find(|b| b.ident.value == "content")
        else {
            return;
        };
        let iterator: &'e str = match block.body.attr("iterator").map(|e| &e.kind) {
            Some(ExprKind::Var(name) | ExprKind::String(name)) => name,
            _ => &label.value,
        };
        // When the items are not known, whether any block exists is not
        // known either: its settings must not read as written.
        let (items, unknown_items) = match block.body.attr("for_each") {
            Some(expr) => {
                let value = self.value(cx, expr);
                let reason: String = match iterate(value) {
                    Ok(Ok(items)) => {
                        self.expand_dynamic(cx, block, label, content, iterator, items, None, out);
                        return;
                    }
                    Ok(Err(reason)) => reason.to_string(),
                    Err(Fail(reason)) => reason,
                };
                let why: Rc<str> = Rc::from(format!(
                    "whether dynamic \"{}\" makes any block is not known ({reason})",
                    label.value
                ));
                let unknown = V::unknown(Rc::clone(&why), expr.span);
                (vec![(unknown.clone(), unknown)], Some(why))
            }
            None => return,
        };
        self.expand_dynamic(
            cx,
            block,
            label,
            content,
            iterator,
            items,
            unknown_items,
            out,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_dynamic<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        block: &'e BlockIr,
        label: &Spanned<String>,
        content: &'e BlockIr,
        iterator: &'e str,
        items: Vec<(V, V)>,
        unknown_items: Option<Rc<str>>,
        out: &mut Vec<EvBlock>,
    ) {
        for (key, value) in items {
            let span = block.span;
            let object = V::map(
                vec![
                    (Spanned::new("key".into(), span), key),
                    (Spanned::new("value".into(), span), value),
                ],
                span,
            );
            let mark = cx.scope.len();
            cx.scope.push((iterator, object));
            let mut body = self.eval_body(cx, &content.body);
            cx.scope.truncate(mark);
            if let Some(why) = &unknown_items {
                body = unknown_body(body, why);
            }
            out.push(EvBlock {
                ident: label.clone(),
                labels: Vec::new(),
                span,
                body,
                existence: unknown_items.clone(),
            });
        }
    }
}
