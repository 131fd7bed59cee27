//! Module calls: expanding a call into child instances, bounded against
//! cycles, depth and the run's budget.

use std::rc::Rc;

use phiguard_model::UnavailableModule;

use super::Evaluator;
use crate::terraform::expand::Form;
use crate::terraform::instances::{CallExpansion, Instance, Parent};
use crate::terraform::modules::{MAX_MODULE_INSTANCES, MAX_NESTING};
use crate::terraform::value::{fail, Fail};

impl Evaluator<'_> {
    pub fn call_expansion(&mut self, inst: usize, index: usize) -> Result<Rc<CallExpansion>, Fail> {
        let busy = Rc::new(CallExpansion {
            form: Form::Single,
            children: Vec::new(),
            unavailable: Some(String::new()),
        });
        let expansion = self.memo_call(inst, index, &busy);
        if Rc::ptr_eq(&expansion, &busy) {
            let name = &self.config(inst).calls.get(index).name;
            return fail(format!("module.{name} refers to itself"));
        }
        Ok(expansion)
    }

    fn memo_call(
        &mut self,
        inst: usize,
        index: usize,
        busy: &Rc<CallExpansion>,
    ) -> Rc<CallExpansion> {
        if let Some(done) = self.instances[inst].call_slot(index, busy) {
            return done;
        }
        let expansion = Rc::new(self.expand_call(inst, index));
        self.instances[inst].set_call_slot(index, Rc::clone(&expansion));
        expansion
    }

    fn expand_call(&mut self, inst: usize, index: usize) -> CallExpansion {
        let config = self.config(inst);
        let call = config.calls.get(index);
        let address = self.instances[inst].address_of(&format!("module.{}", call.name));
        let mut key_path = self.instances[inst].key_path.clone();
        key_path.push(call.name.clone());
        let root_dir = &self.config(self.instances[inst].root).dir;
        let source = call.source.as_ref().map(|s| s.value.as_str());
        let resolved = self
            .resolver
            .resolve(&config.dir, root_dir, &key_path.join("."), source)
            .and_then(|child| self.check_nesting(inst, child).map(|_| child));
        let child_config = match resolved {
            Ok(child) => child,
            Err(reason) => {
                self.unavailable.push(UnavailableModule {
                    address: address.clone(),
                    source: source.unwrap_or_default().to_string(),
                    span: call.header,
                    reason: reason.clone(),
                });
                return CallExpansion {
                    form: Form::Single,
                    children: Vec::new(),
                    unavailable: Some(format!("the outputs of {address} are unknown: {reason}")),
                };
            }
        };
        let plan = self.expand(inst, call.count.as_ref(), call.for_each.as_ref());
        // The root module is an instance but not a module instance: 5,000
        // calls are allowed, as the message says.
        let made = self.instances.len().saturating_sub(1);
        let over = if made + plan.items.len() > MAX_MODULE_INSTANCES {
            Some(format!(
                "the configuration makes more than {MAX_MODULE_INSTANCES} module instances"
            ))
        } else if !self.budget.take(plan.items.len()) {
            Some(format!(
                "the linted configurations make more than {} module instances in all",
                self.budget.limit()
            ))
        } else {
            None
        };
        if let Some(over) = over {
            let reason = format!("not instantiated: {over}");
            self.unavailable.push(UnavailableModule {
                address: address.clone(),
                source: source.unwrap_or_default().to_string(),
                span: call.header,
                reason: reason.clone(),
            });
            return CallExpansion {
                form: Form::Single,
                children: Vec::new(),
                unavailable: Some(format!("the outputs of {address} are unknown: {reason}")),
            };
        }
        let parent = &self.instances[inst];
        let note = match (&parent.note, &plan.form) {
            (Some(outer), Form::Unknown(n)) => Some(format!("{outer}; {address}: {n}")),
            (None, Form::Unknown(n)) => Some(format!("{address}: {n}")),
            (outer, _) => outer.clone(),
        };
        let mut calls = parent.calls.clone();
        calls.push(call.header);
        let (root, inputs) = (parent.root, Rc::clone(&parent.inputs));
        let mut children = Vec::with_capacity(plan.items.len());
        for (key, each, count) in plan.items {
            let id = self.instances.len();
            let mut child = Instance::root(child_config, root, Rc::clone(&inputs));
            child.address = format!("{address}{}", key.suffix());
            child.parent = Some(Parent {
                inst,
                call: index,
                each,
                count,
            });
            child.calls = calls.clone();
            child.key_path = key_path.clone();
            child.note = note.clone();
            self.instances.push(child);
            children.push((key, id));
        }
        CallExpansion {
            form: plan.form,
            children,
            unavailable: None,
        }
    }

    /// A module that (indirectly) calls itself, or nesting without end,
    /// is not instantiated.
    fn check_nesting(&self, inst: usize, child: usize) -> Result<(), String> {
        let mut depth = 0;
        let mut at = Some(inst);
        while let Some(i) = at {
            if self.instances[i].config == child {
                return Err("the module calls itself (directly or through other modules)".into());
            }
            depth += 1;
            at = self.instances[i].parent.as_ref().map(|p| p.inst);
        }
        if depth > MAX_NESTING {
            return Err(format!("modules are nested more than {MAX_NESTING} deep"));
        }
        Ok(())
    }
}
