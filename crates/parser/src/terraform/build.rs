//! Evaluated instances into the model's resources: one per resource
//! instance, with Terraform's address, the calling module blocks, a note
//! when the instance stands in for an unknown number of them, and the
//! satellite-to-bucket references found in its body.

use std::collections::{HashMap, HashSet};

use phiguard_model::{Attribute, Block, Body, Dialect, Resource, ResourceId, Span};

use super::bodies::EvBody;
use super::eval::Evaluator;
use super::expand::Form;
use super::link::Links;
use super::plan::resources::{self, config_address, PlanBuilt};
use super::plan::{overlay, Plan, PlanResource};
use crate::limits::WorkBudget;

/// Where a resource came from: its module instance and configuration (the
/// root instance whose tree it is in).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub id: ResourceId,
    pub instance: usize,
    pub root: usize,
}

#[derive(Default)]
pub(crate) struct Built {
    /// Each resource with its module instance and root instance.
    pub resources: Vec<(Resource, usize, usize)>,
    /// (resource index, span of a value in its body, object the value names)
    links: Vec<(usize, Span, u32)>,
    object_of: HashMap<u32, usize>,
    /// Links a plan's configuration records: (resource index, span of a
    /// value in its body, resource index it names).
    direct: Vec<(usize, Span, usize)>,
}

impl Built {
    /// Adds another root's resources after these; its module instances are
    /// numbered from `instances` on, and its objects from `objects` on.
    pub fn append(&mut self, other: Built, instances: usize, objects: u32) {
        let offset = self.resources.len();
        self.resources.extend(
            other
                .resources
                .into_iter()
                .map(|(r, instance, root)| (r, instance + instances, root + instances)),
        );
        self.links.extend(
            other
                .links
                .into_iter()
                .map(|(from, span, object)| (from + offset, span, object + objects)),
        );
        self.object_of.extend(
            other
                .object_of
                .into_iter()
                .map(|(object, at)| (object + objects, at + offset)),
        );
        self.direct.extend(
            other
                .direct
                .into_iter()
                .map(|(from, span, to)| (from + offset, span, to + offset)),
        );
    }

    /// One more than the highest module instance number of the resources.
    pub fn instances_end(&self) -> usize {
        self.resources
            .iter()
            .map(|&(_, instance, root)| instance.max(root) + 1)
            .max()
            .unwrap_or(0)
    }

    /// Decides with `plan` what evaluating this root (instance 0) left
    /// unknown, and adds the plan's resources that its configuration does
    /// not declare (those of modules whose code is not here). Returns how
    /// many module instances it added, numbered from `instances` on.
    pub fn apply_plan(&mut self, plan: &Plan, instances: usize) -> usize {
        let mut declared = HashSet::new();
        let mut holders = Vec::new();
        for (index, (resource, _, _)) in self.resources.iter_mut().enumerate() {
            declared.insert(config_address(&resource.address));
            if let Some(planned) = plan.resource(&resource.address) {
                overlay::apply(resource, planned);
                holders.push((index, planned));
            } else if resource.instance_note.is_some() {
                overlay::apply_common(resource, &plan.instances_of(&resource.address));
            }
        }
        let planned: Vec<&PlanResource> = holders.iter().map(|&(_, p)| p).collect();
        let missing = resources::build(
            plan,
            &|r| !declared.contains(&config_address(&r.address)),
            &planned,
        );
        // A `.tf` value naming a module whose code is not there links to
        // the module's resources the plan has.
        let offset = self.resources.len();
        for (holder, key, to) in &missing.from_holders {
            let (from, _) = holders[*holder];
            let attribute = self.resources[from]
                .0
                .body
                .attributes
                .iter()
                .find(|a| a.key.value == *key);
            if let Some(attribute) = attribute {
                self.direct.push((from, attribute.value.span, offset + to));
            }
        }
        self.add_plan(missing, 0, instances)
    }

    /// Adds resources read from a plan to the root instance `root`, each
    /// other module instance numbered from `instances` on; returns how many
    /// it numbered.
    pub fn add_plan(&mut self, built: PlanBuilt, root: usize, instances: usize) -> usize {
        let offset = self.resources.len();
        let mut numbers: HashMap<String, usize> = HashMap::new();
        for (resource, module) in built.resources {
            let instance = if module.is_empty() {
                root
            } else {
                let next = instances + numbers.len();
                *numbers.entry(module).or_insert(next)
            };
            self.resources.push((resource, instance, root));
        }
        self.direct.extend(
            built
                .links
                .into_iter()
                .map(|(from, span, to)| (from + offset, span, to + offset)),
        );
        numbers.len()
    }

    /// Moves every span of the resources' bodies and of the links through
    /// `f` (the spans that point into files `file()` read get their final
    /// file ids).
    pub fn map_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        for (resource, _, _) in &mut self.resources {
            resource.body.map_spans(f);
            resource.planned = resource.planned.map(f);
        }
        for (_, span, _) in &mut self.links {
            *span = f(*span);
        }
        for (_, span, _) in &mut self.direct {
            *span = f(*span);
        }
    }

    /// Adds the resources to `model`; returns where each is and the links.
    pub fn finish(self, model: &mut phiguard_model::Model) -> (Vec<Placed>, Links) {
        let offset = model.resources.len() as u32;
        let id = |index: usize| ResourceId(offset + index as u32);
        let mut placed = Vec::with_capacity(self.resources.len());
        for (resource, instance, root) in self.resources {
            let id = model.add_resource(resource);
            placed.push(Placed { id, instance, root });
        }
        let mut links = Links::default();
        for (from, span, object) in self.links {
            if let Some(&to) = self.object_of.get(&object) {
                links.add(id(from), span, id(to));
            }
        }
        for (from, span, to) in self.direct {
            links.add(id(from), span, id(to));
        }
        (placed, links)
    }
}

impl Evaluator<'_> {
    /// Adds every resource instance of `inst` and of the modules it calls.
    pub fn sweep(&mut self, inst: usize, out: &mut Built) {
        let config = self.config(inst);
        for (index, (_, _, decl)) in config.resources.items.iter().enumerate() {
            // Bodies no view reads are evaluated only when referenced, and
            // not kept.
            let viewed = is_viewed(&decl.resource_type);
            let expansion = if viewed {
                match self.resource_expansion(inst, index) {
                    Ok(expansion) => expansion,
                    Err(_) => continue,
                }
            } else {
                match self.expanded(inst, index) {
                    Some(expansion) => expansion,
                    None => std::rc::Rc::new(self.unevaluated(inst, decl)),
                }
            };
            let instance = &self.instances[inst];
            let note = match (&instance.note, &expansion.form) {
                (Some(outer), Form::Unknown(n)) => Some(format!("{outer}; {n}")),
                (None, Form::Unknown(n)) => Some(n.clone()),
                (outer, _) => outer.clone(),
            };
            for object in &expansion.objects {
                let Some(body) = &object.body else { continue };
                let at = out.resources.len();
                // Id 0: an object never evaluated, which nothing can name.
                if object.id != 0 {
                    out.object_of.insert(object.id, at);
                }
                let mut links = Vec::new();
                let body = if viewed {
                    model_body(body, &mut self.work, &mut |span, origin| {
                        links.push((at, span, origin))
                    })
                } else {
                    Body::default()
                };
                out.links.extend(links);
                let name = format!(
                    "{}.{}{}",
                    decl.resource_type,
                    decl.name,
                    object.key.suffix()
                );
                let resource = Resource {
                    id: ResourceId(0),
                    dialect: Dialect::Terraform,
                    resource_type: decl.resource_type.clone(),
                    address: instance.address_of(&name),
                    file: decl.file,
                    span: decl.span,
                    header: decl.header,
                    body,
                    instance_note: note.clone(),
                    construct: None,
                    module_calls: instance.calls.clone(),
                    planned: None,
                };
                out.resources.push((resource, inst, instance.root));
            }
        }
        for index in 0..config.calls.items.len() {
            let Ok(expansion) = self.call_expansion(inst, index) else {
                continue;
            };
            for &(_, child) in &expansion.children {
                self.sweep(child, out);
            }
        }
    }
}

/// Resource types whose bodies some kind of the registry reads.
fn is_viewed(resource_type: &str) -> bool {
    phiguard_model::kinds::terraform_role(resource_type).is_some()
}

/// The model's body. A value is copied whole into the model, its shared
/// parts each time, so the copy is charged to the configuration's budget:
/// past it the value is unknown.
fn model_body(body: &EvBody, work: &mut WorkBudget, link: &mut dyn FnMut(Span, u32)) -> Body {
    Body {
        attributes: body
            .attrs
            .iter()
            .map(|(key, value)| Attribute {
                key: key.clone(),
                value: if work.take(value.model_cost()) {
                    value.to_model(link)
                } else {
                    phiguard_model::Value::unknown(
                        WorkBudget::reason("the configuration"),
                        value.span,
                    )
                },
            })
            .collect(),
        blocks: body
            .blocks
            .iter()
            .map(|b| Block {
                ident: b.ident.clone(),
                labels: b.labels.clone(),
                span: b.span,
                body: model_body(&b.body, work, link),
                existence: b
                    .existence
                    .as_ref()
                    .map(|why| phiguard_model::Value::unknown(why.to_string(), b.span)),
            })
            .collect(),
    }
}
