//! A plan's resources as the model's, located in the plan: each value at
//! its exact place in the JSON, what is known only after apply unknown,
//! and the references the configuration records between resources turned
//! into links for the one linker.

use std::collections::HashMap;

use phiguard_model::{Attribute, Body, Dialect, Resource, ResourceId, Span, Value, ValueKind};

use super::{is_true, module_path, Plan, PlanResource};

/// Why a value is unknown in a plan.
pub(crate) const AFTER_APPLY: &str = "known only after apply (the plan says so)";

/// Resources built from a plan, with the links between them.
#[derive(Debug, Default)]
pub(crate) struct PlanBuilt {
    /// Each resource with its module instance address.
    pub resources: Vec<(Resource, String)>,
    /// (resource index, span of a value in its body, resource index it
    /// names).
    pub links: Vec<(usize, Span, usize)>,
}

/// The plan's resources for which `keep` holds, as the model's.
pub(crate) fn build(plan: &Plan, keep: &dyn Fn(&PlanResource) -> bool) -> PlanBuilt {
    let kept: Vec<&PlanResource> = plan.resources.iter().filter(|r| keep(r)).collect();
    let mut by_local: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, r) in kept.iter().enumerate() {
        by_local
            .entry((r.module.as_str(), r.local.as_str()))
            .or_default()
            .push(index);
    }
    let mut out = PlanBuilt::default();
    for (index, r) in kept.iter().enumerate() {
        let expressions = plan.expressions(r);
        let body = body(r, expressions);
        for attribute in &body.attributes {
            let references = expressions
                .and_then(|e| e.get(&attribute.key.value))
                .and_then(|e| e.get("references"))
                .map(Value::items)
                .unwrap_or_default();
            let target = references
                .iter()
                .filter_map(Value::as_str)
                .find_map(|reference| resolve(reference, r, &kept, &by_local));
            if let Some(to) = target.filter(|&to| to != index) {
                out.links.push((index, attribute.value.span, to));
            }
        }
        out.resources.push((
            Resource {
                id: ResourceId(0),
                dialect: Dialect::Terraform,
                resource_type: r.resource_type.clone(),
                address: r.address.clone(),
                file: plan.file,
                span: r.span,
                header: r.header,
                body,
                instance_note: None,
                construct: None,
                module_calls: Vec::new(),
            },
            r.module.clone(),
        ));
    }
    out
}

/// The body of a plan resource: its planned values, with an unknown value
/// where the plan knows the value only after apply and the configuration
/// sets it. A value the configuration does not set and the provider
/// computes (`versioning` of `aws_s3_bucket`, which the bucket's own
/// `aws_s3_bucket_versioning` decides) is left absent, as in the `.tf`.
/// Without the configuration (a plan filtered by some tool), every such
/// value is unknown.
fn body(resource: &PlanResource, expressions: Option<&Value>) -> Body {
    let mut values = resource.values.clone();
    if let (Some(unknown), ValueKind::Map(entries)) = (&resource.unknown, &mut values.kind) {
        for (key, u) in unknown.as_map().unwrap_or_default() {
            let written = expressions.is_none_or(|e| e.get(&key.value).is_some());
            if is_true(u) && !written {
                continue;
            }
            let at = entries.iter().position(|(k, _)| k.value == key.value);
            match at {
                Some(at) => merge_unknown(&mut entries[at].1, u),
                None if is_true(u) => {
                    entries.push((key.clone(), Value::computed(AFTER_APPLY, u.span)))
                }
                None => {}
            }
        }
    }
    let attributes = match values.kind {
        ValueKind::Map(entries) => entries
            .into_iter()
            .map(|(key, value)| Attribute { key, value })
            .collect(),
        _ => Vec::new(),
    };
    Body {
        attributes,
        blocks: Vec::new(),
    }
}

/// Marks the parts of `value` that `unknown` (its `after_unknown`) says
/// are known only after apply.
pub(crate) fn merge_unknown(value: &mut Value, unknown: &Value) {
    if is_true(unknown) {
        if matches!(value.kind, ValueKind::Null) {
            *value = Value::computed(AFTER_APPLY, value.span);
        }
        return;
    }
    match (&mut value.kind, &unknown.kind) {
        (ValueKind::List(items), ValueKind::List(marks)) => {
            for (item, mark) in items.iter_mut().zip(marks) {
                merge_unknown(item, mark);
            }
        }
        (ValueKind::Map(entries), ValueKind::Map(marks)) => {
            for (key, mark) in marks {
                match entries.iter().position(|(k, _)| k.value == key.value) {
                    Some(at) => merge_unknown(&mut entries[at].1, mark),
                    None if is_true(mark) => {
                        entries.push((key.clone(), Value::computed(AFTER_APPLY, mark.span)))
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// The resource `reference` (as the configuration lists it:
/// `aws_s3_bucket.b.id`, `aws_s3_bucket.b[0]`) names, seen from `holder`:
/// in the holder's module instance, the instance with the reference's key,
/// else the only instance, else the one with the holder's own key (`count.index`
/// and `each.key` name the instance of the same key).
fn resolve(
    reference: &str,
    holder: &PlanResource,
    kept: &[&PlanResource],
    by_local: &HashMap<(&str, &str), Vec<usize>>,
) -> Option<usize> {
    let mut parts = reference.splitn(2, '.');
    let resource_type = parts.next()?;
    if matches!(
        resource_type,
        "var" | "local" | "module" | "data" | "each" | "count" | "path" | "terraform" | "self"
    ) {
        return None;
    }
    let rest = parts.next()?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = &rest[..end];
    let local = format!("{resource_type}.{name}");
    let key = rest[end..]
        .starts_with('[')
        .then(|| {
            let close = rest[end..].find(']')?;
            Some(&rest[end..end + close + 1])
        })
        .flatten();
    let candidates = by_local.get(&(holder.module.as_str(), local.as_str()))?;
    let key_of = |r: &PlanResource| instance_key(r).to_string();
    if let Some(key) = key {
        return candidates.iter().copied().find(|&c| key_of(kept[c]) == key);
    }
    match candidates.as_slice() {
        [only] => Some(*only),
        _ => {
            let own = key_of(holder);
            candidates
                .iter()
                .copied()
                .find(|&c| !own.is_empty() && key_of(kept[c]) == own)
        }
    }
}

/// The instance key of a resource's address: `[0]`, `["a"]`, or empty.
fn instance_key(resource: &PlanResource) -> &str {
    let prefix = if resource.module.is_empty() {
        resource.local.len()
    } else {
        resource.module.len() + 1 + resource.local.len()
    };
    resource.address.get(prefix..).unwrap_or("")
}

/// The module path and local address of a resource address, keys dropped:
/// what a `.tf` resource and a plan resource share.
pub(crate) fn config_address(address: &str) -> String {
    module_path(address)
}
