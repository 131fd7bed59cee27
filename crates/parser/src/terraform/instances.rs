//! Module instances and what they hold: variables, locals and outputs,
//! each evaluated once on first use, and the memo slots of their resources,
//! data sources and module calls (see [`super::expand`]).

use std::collections::HashMap;
use std::rc::Rc;

use phiguard_model::{FileId, Span, Spanned};

use super::eval::{Ctx, Evaluator};
use super::expand::{Expansion, Form, Key};
use super::inputs::RootInputs;
use super::ir::Expr;
use super::value::{fail, R, V};

pub(crate) enum Slot<T> {
    Busy,
    Done(T),
}

/// What a child instance's inputs are evaluated with: the calling instance
/// and the call's `count.index` or `each`.
pub(crate) struct Parent {
    pub inst: usize,
    pub call: usize,
    pub each: Option<Rc<(V, V)>>,
    pub count: Option<V>,
}

pub(crate) struct Instance {
    pub config: usize,
    /// `""` for a root, `module.a`, `module.a[0].module.b`.
    pub address: String,
    pub root: usize,
    pub parent: Option<Parent>,
    /// The `module` blocks that made this instance, outermost first.
    pub calls: Vec<Span>,
    /// Call names from the root, as `modules.json` keys them.
    pub key_path: Vec<String>,
    /// Why the instance is a stand-in (its call's count is unknown).
    pub note: Option<String>,
    pub inputs: Rc<RootInputs>,
    vars: HashMap<usize, Slot<(V, bool)>>,
    locals: HashMap<usize, Slot<R>>,
    outputs: HashMap<usize, Slot<R>>,
    pub(crate) resources: HashMap<usize, Slot<Rc<Expansion>>>,
    pub(crate) data: HashMap<usize, Slot<Rc<Expansion>>>,
    call_slots: HashMap<usize, Slot<Rc<CallExpansion>>>,
}

impl Instance {
    pub fn root(config: usize, id: usize, inputs: Rc<RootInputs>) -> Self {
        Instance {
            config,
            address: String::new(),
            root: id,
            parent: None,
            calls: Vec::new(),
            key_path: Vec::new(),
            note: None,
            inputs,
            vars: HashMap::new(),
            locals: HashMap::new(),
            outputs: HashMap::new(),
            resources: HashMap::new(),
            data: HashMap::new(),
            call_slots: HashMap::new(),
        }
    }

    /// A module call's expansion if made (or being made); marks it as being
    /// made otherwise.
    pub fn call_slot(
        &mut self,
        index: usize,
        busy: &Rc<CallExpansion>,
    ) -> Option<Rc<CallExpansion>> {
        match self.call_slots.get(&index) {
            Some(Slot::Done(e)) => Some(Rc::clone(e)),
            Some(Slot::Busy) => Some(Rc::clone(busy)),
            None => {
                self.call_slots.insert(index, Slot::Busy);
                None
            }
        }
    }

    pub fn set_call_slot(&mut self, index: usize, expansion: Rc<CallExpansion>) {
        self.call_slots.insert(index, Slot::Done(expansion));
    }

    /// `prefix` + `name`: a resource or call address inside this instance.
    pub fn address_of(&self, name: &str) -> String {
        if self.address.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.address)
        }
    }
}

pub(crate) struct CallExpansion {
    pub form: Form,
    pub children: Vec<(Key, usize)>,
    /// Why the module's code is not available (its outputs are unknown).
    pub unavailable: Option<String>,
}

pub(crate) type Slots<T> = fn(&mut Instance) -> &mut HashMap<usize, Slot<T>>;

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
    /// configuration (var files, `--var`, the environment).
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
                call.args
                    .iter()
                    .find(|a| a.key.value == name)
                    .map(|a| (self.value(&mut cx, &a.expr), false))
            }
        };
        let given = given.filter(|(v, _)| !v.is_null() || decl.nullable);
        let (value, external) = match (given, &decl.default) {
            (Some(given), _) => given,
            (None, Some(default)) => (self.value(&mut Ctx::new(inst), default), false),
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
            |ev| ev.eval(&mut Ctx::new(inst), expr),
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
