//! Module instances and what they hold: variables, locals and outputs,
//! each evaluated once on first use, and the memo slots of their resources,
//! data sources and module calls (see [`super::expand`]). The evaluator
//! computes them (`eval/values.rs`, `eval/calls.rs`).

use std::collections::HashMap;
use std::rc::Rc;

use phiguard_model::Span;

use super::expand::{Expansion, Form, Key};
use super::inputs::RootInputs;
use super::value::{R, V};

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
    pub(super) vars: HashMap<usize, Slot<(V, bool)>>,
    pub(super) locals: HashMap<usize, Slot<R>>,
    pub(super) outputs: HashMap<usize, Slot<R>>,
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
