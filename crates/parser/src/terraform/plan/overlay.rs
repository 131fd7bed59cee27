//! What a plan decides that evaluating the `.tf` alone leaves unknown: a
//! value from a data source, a remote state, a computed attribute the
//! plan already knows, a block a `dynamic` over an unknown collection
//! makes. The `.tf` value keeps its place (the expression that produced
//! it, so findings and fingerprints are those of linting the `.tf`), and
//! names the plan's value as its origin.

use std::sync::Arc;

use phiguard_model::{Block, Body, OriginRole, Resource, Value, ValueKind, ValueOrigin};

use super::resources::merge_unknown;
use super::PlanResource;

/// Decides the unknown parts of `resource` (evaluated from the `.tf`)
/// with `planned`, the plan's instance at the same address.
pub(crate) fn apply(resource: &mut Resource, planned: &PlanResource) {
    let mut values = planned.values.clone();
    if let Some(unknown) = &planned.unknown {
        merge_unknown(&mut values, unknown);
    }
    overlay_body(&mut resource.body, &values, &planned.address);
    resource.planned = Some(planned.header);
}

/// Decides the unknown parts of `resource`, which stands for an unknown
/// number of instances (an unknown `count` or `for_each` in the `.tf`),
/// with what every one of `planned`, the plan's instances of it, agrees
/// on. The stand-in keeps its address, so its findings and fingerprints
/// stay those of linting the `.tf`; a value the instances differ on
/// (`"logs-${count.index}"`) stays unknown.
pub(crate) fn apply_common(resource: &mut Resource, planned: &[&PlanResource]) {
    let Some((first, others)) = planned.split_first() else {
        return;
    };
    let with_unknown = |p: &PlanResource| {
        let mut values = p.values.clone();
        if let Some(unknown) = &p.unknown {
            merge_unknown(&mut values, unknown);
        }
        values
    };
    let mut values = with_unknown(first);
    for other in others {
        agree(&mut values, &with_unknown(other));
    }
    overlay_body(&mut resource.body, &values, &first.address);
    resource.planned = Some(first.header);
}

/// Why a value the plan's instances of a stand-in differ on stays unknown.
const INSTANCES_DIFFER: &str = "the plan's instances of this resource differ in it";

/// Leaves in `value` what `other` agrees with; the rest unknown.
fn agree(value: &mut Value, other: &Value) {
    match (&mut value.kind, &other.kind) {
        (ValueKind::Map(entries), ValueKind::Map(_)) => {
            for (key, item) in entries {
                match other.get(&key.value) {
                    Some(o) => agree(item, o),
                    None => *item = Value::unknown(INSTANCES_DIFFER, item.span),
                }
            }
        }
        (ValueKind::List(items), ValueKind::List(others)) if items.len() == others.len() => {
            for (item, o) in items.iter_mut().zip(others) {
                agree(item, o);
            }
        }
        (a, b) if same_scalar(a, b) => {}
        _ => *value = Value::unknown(INSTANCES_DIFFER, value.span),
    }
}

fn same_scalar(a: &ValueKind, b: &ValueKind) -> bool {
    match (a, b) {
        (ValueKind::Null, ValueKind::Null) => true,
        (ValueKind::Bool(x), ValueKind::Bool(y)) => x == y,
        (ValueKind::Number(x), ValueKind::Number(y)) => x == y,
        (ValueKind::String(x), ValueKind::String(y)) => x == y,
        (ValueKind::Unknown(x), ValueKind::Unknown(y)) => x == y,
        _ => false,
    }
}

fn overlay_body(body: &mut Body, values: &Value, path: &str) {
    for attribute in &mut body.attributes {
        if let Some(planned) = values.get(&attribute.key.value) {
            let path = format!("{path}.{}", attribute.key.value);
            overlay_value(&mut attribute.value, planned, &path);
        }
    }
    let mut seen: Vec<(String, usize)> = Vec::new();
    body.blocks.retain_mut(|block| {
        let index = match seen.iter_mut().find(|(name, _)| *name == block.ident.value) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                seen.push((block.ident.value.clone(), 1));
                0
            }
        };
        overlay_block(block, values.get(&block.ident.value), index, path)
    });
}

/// Whether the block is kept: one whose existence evaluation left unknown
/// exists when the plan has it.
fn overlay_block(block: &mut Block, planned: Option<&Value>, index: usize, path: &str) -> bool {
    let item = planned.and_then(|p| match &p.kind {
        ValueKind::List(items) => items.get(index),
        ValueKind::Map(_) if index == 0 => Some(p),
        _ => None,
    });
    let known = planned.is_some_and(|p| !p.is_unknown());
    if block.existence.is_some() && known {
        if item.is_none() {
            return false;
        }
        block.existence = None;
    }
    if let Some(item) = item {
        let path = format!("{path}.{}[{index}]", block.ident.value);
        overlay_body(&mut block.body, item, &path);
    }
    true
}

fn overlay_value(value: &mut Value, planned: &Value, path: &str) {
    match (&mut value.kind, &planned.kind) {
        (ValueKind::Unknown(_), ValueKind::Unknown(_)) => {}
        (ValueKind::Unknown(_), _) => {
            let mut decided = planned.clone();
            mark(&mut decided, path);
            let at = value.span;
            decided.map_spans(&|_| at);
            *value = decided;
        }
        (ValueKind::Map(entries), ValueKind::Map(_)) => {
            for (key, item) in entries {
                if let Some(p) = planned.get(&key.value) {
                    overlay_value(item, p, &format!("{path}.{}", key.value));
                }
            }
        }
        (ValueKind::List(items), ValueKind::List(planned_items)) => {
            for (index, (item, p)) in items.iter_mut().zip(planned_items).enumerate() {
                overlay_value(item, p, &format!("{path}[{index}]"));
            }
        }
        _ => {}
    }
}

/// Gives every node of a value from the plan the plan as its origin, at
/// the node's own place there.
fn mark(value: &mut Value, path: &str) {
    value.origins = Some(Arc::from([ValueOrigin {
        role: OriginRole::Plan,
        span: Some(value.span),
        name: path.to_string(),
    }]));
    match &mut value.kind {
        ValueKind::List(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                mark(item, &format!("{path}[{index}]"));
            }
        }
        ValueKind::Map(entries) => {
            for (key, item) in entries {
                mark(item, &format!("{path}.{}", key.value));
            }
        }
        _ => {}
    }
}
