//! A module instance's variables, locals and outputs, each evaluated once
//! on first use.

use std::rc::Rc;

use phiguard_model::{FileId, OriginRole, Span, Spanned, ValueOrigin};

use super::{Ctx, Evaluator};
use crate::terraform::instances::{Slot, Slots};
use crate::terraform::ir::Expr;
use crate::terraform::value::{fail, R, V};

impl<'a> Evaluator<'a> {
    /// Looks up or computes one memoised item; a cycle gets `busy`.
    pub(crate) fn memo<T: Clone>(
        &mut self,
        inst: usize,
        slots: Slots<T>,
        index: usize,
        busy: impl FnOnce() -> T,
        compute: impl FnOnce(&mut Self) -> T,
    ) -> T {
        match slots(&mut self.instances[inst]).get(&index) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return busy(),
            None => {}
        }
        slots(&mut self.instances[inst]).insert(index, Slot::Busy);
        let value = compute(self);
        slots(&mut self.instances[inst]).insert(index, Slot::Done(value.clone()));
        value
    }

    /// `var.NAME` read at `span`.
    pub fn variable(&mut self, inst: usize, name: &str, from: FileId, span: Span) -> V {
        let Some(index) = self.config(inst).variables.find(name, from) else {
            return V::unknown(format!("var.{name} is not declared"), span);
        };
        let (mut value, external) = self.memo(
            inst,
            |i| &mut i.vars,
            index,
            || {
                (
                    V::unknown(format!("var.{name} refers to itself"), span),
                    false,
                )
            },
            |ev| ev.compute_variable(inst, index, name),
        );
        if external {
            value.deep_respan(span);
            value
        } else {
            value.at(span)
        }
    }

    /// A variable's value and whether it came from outside the
    /// configuration (var files, `--var`, the environment). Its origins
    /// end with the place that set it: the inputs name theirs, a module
    /// argument and a default are added here.
    fn compute_variable(&mut self, inst: usize, index: usize, name: &str) -> (V, bool) {
        let decl = self.config(inst).variables.get(index);
        let given = match &self.instances[inst].parent {
            None => {
                let inputs = Rc::clone(&self.instances[inst].inputs);
                inputs.value(name, &decl.ty).map(|v| (v, true))
            }
            Some(parent) => {
                let (p, call) = (parent.inst, parent.call);
                let mut cx = Ctx::new(p);
                cx.each = parent.each.clone();
                cx.count = parent.count.clone();
                let call = self.config(p).calls.get(call);
                call.args.iter().find(|a| a.key.value == name).map(|a| {
                    let value = self.value(&mut cx, &a.expr).passed(ValueOrigin {
                        role: OriginRole::ModuleArgument,
                        span: Some(a.expr.span),
                        name: name.to_string(),
                    });
                    (value, false)
                })
            }
        };
        let given = given.filter(|(v, _)| !v.is_null() || decl.nullable);
        let (value, external) = match (given, &decl.default) {
            (Some(given), _) => given,
            (None, Some(default)) => {
                let value = self
                    .value(&mut Ctx::new(inst), default)
                    .passed(ValueOrigin {
                        role: OriginRole::VariableDefault,
                        span: Some(default.span),
                        name: name.to_string(),
                    });
                (value, false)
            }
            (None, None) => {
                let reason = match self.instances[inst].parent {
                    None => format!("var.{name} has no value"),
                    Some(_) => format!(
                        "var.{name} has no value: {} does not set it",
                        self.instances[inst].address
                    ),
                };
                return (V::unknown(reason, Span::default()), false);
            }
        };
        let span = value.span;
        match decl.ty.convert(value) {
            Ok(v) => (v, external),
            Err(message) => (V::unknown(format!("var.{name}: {message}"), span), false),
        }
    }

    /// `local.NAME`, its origins ending with the local's expression.
    pub fn local(&mut self, inst: usize, name: &str, from: FileId) -> R {
        let config = self.config(inst);
        let Some(index) = config.locals.find(name, from) else {
            return Ok(V::unknown(
                format!("local.{name} is not declared"),
                Span::default(),
            ));
        };
        let expr: &'a Expr = config.locals.get(index);
        self.memo(
            inst,
            |i| &mut i.locals,
            index,
            || fail(format!("local.{name} refers to itself")),
            |ev| {
                let value = ev.eval(&mut Ctx::new(inst), expr)?;
                Ok(value.passed(ValueOrigin {
                    role: OriginRole::Local,
                    span: Some(expr.span),
                    name: name.to_string(),
                }))
            },
        )
    }

    pub fn output(&mut self, inst: usize, name: &str, span: Span) -> R {
        let config = self.config(inst);
        let Some(index) = config.outputs.find(name, FileId(u32::MAX)) else {
            let address = &self.instances[inst].address;
            return Ok(V::unknown(
                format!("{address} has no output {name:?}"),
                span,
            ));
        };
        let expr: &'a Expr = config.outputs.get(index);
        let value = self.memo(
            inst,
            |i| &mut i.outputs,
            index,
            || fail(format!("output {name:?} refers to itself")),
            |ev| ev.eval(&mut Ctx::new(inst), expr),
        )?;
        Ok(value.at(span))
    }

    /// `module.NAME` as an object of all its outputs.
    pub fn outputs_object(&mut self, inst: usize, span: Span) -> R {
        let config = self.config(inst);
        let mut entries: Vec<(Spanned<String>, V)> = Vec::new();
        for (name, _, expr) in &config.outputs.items {
            if entries.iter().any(|(k, _)| &k.value == name) {
                continue;
            }
            let value = self.output(inst, name, expr.span)?;
            entries.push((Spanned::new(name.clone(), expr.span), value));
        }
        Ok(V::map(entries, span))
    }
}
