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
    /// Links from the `holders` given to [`build`] (resources evaluated
    /// from the `.tf`) into a module built here: (holder index, attribute
    /// key, resource index it names).
    pub from_holders: Vec<(usize, String, usize)>,
}

/// The plan's resources for which `keep` holds, as the model's; and what
/// each of `holders` (the plan's instances of resources the `.tf`
/// declares) names through a module call among them: a `.tf` value
/// `module.s3.s3_bucket_id` of a module whose code is not there reaches
/// the module's bucket only through the plan.
pub(crate) fn build(
    plan: &Plan,
    keep: &dyn Fn(&PlanResource) -> bool,
    holders: &[&PlanResource],
) -> PlanBuilt {
    let kept = Kept::new(plan, keep);
    let mut out = PlanBuilt::default();
    for (holder, r) in holders.iter().enumerate() {
        let Some(expressions) = plan.expressions(r).and_then(Value::as_map) else {
            continue;
        };
        for (key, expression) in expressions {
            if let Some(to) = kept.target(r, Some(expression), true) {
                out.from_holders.push((holder, key.value.clone(), to));
            }
        }
    }
    for (index, r) in kept.resources.iter().enumerate() {
        let expressions = plan.expressions(r);
        let body = body(r, expressions);
        for attribute in &body.attributes {
            let expression = expressions.and_then(|e| e.get(&attribute.key.value));
            if let Some(to) = kept.target(r, expression, false).filter(|&to| to != index) {
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
                planned: None,
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

/// How deep `module.a.out` may lead through outputs naming other modules'
/// outputs before the search gives up (a cycle Terraform would reject).
const MAX_OUTPUT_DEPTH: usize = 8;

/// The plan resources [`build`] keeps, and what resolves references to
/// them.
struct Kept<'p> {
    plan: &'p Plan,
    resources: Vec<&'p PlanResource>,
    /// (module instance, local address) -> indexes into `resources`.
    by_local: HashMap<(&'p str, &'p str), Vec<usize>>,
}

impl<'p> Kept<'p> {
    fn new(plan: &'p Plan, keep: &dyn Fn(&PlanResource) -> bool) -> Self {
        let resources: Vec<&PlanResource> = plan.resources.iter().filter(|r| keep(r)).collect();
        let mut by_local: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (index, r) in resources.iter().enumerate() {
            by_local
                .entry((r.module.as_str(), r.local.as_str()))
                .or_default()
                .push(index);
        }
        Kept {
            plan,
            resources,
            by_local,
        }
    }

    /// The first of an expression's references (only those through a
    /// module call, with `modules_only`) that names a kept resource, seen
    /// from `r`.
    fn target(
        &self,
        r: &PlanResource,
        expression: Option<&Value>,
        modules_only: bool,
    ) -> Option<usize> {
        expression
            .and_then(|e| e.get("references"))
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
            .filter(|reference| !modules_only || reference.starts_with("module."))
            .find_map(|reference| self.resolve(reference, (r.module.as_str(), instance_key(r)), 0))
    }

    /// The resource `reference` (as the configuration lists it:
    /// `aws_s3_bucket.b.id`, `aws_s3_bucket.b[0]`, `module.s3.bucket_id`)
    /// names, seen from a resource in the module instance `module` whose
    /// own instance key is `own`: in that module instance, the instance
    /// with the reference's key, else the only instance, else the one with
    /// the holder's own key (`count.index` and `each.key` name the instance
    /// of the same key). A module output leads to what its expression
    /// references, in the called module's instance.
    fn resolve(&self, reference: &str, (module, own): (&str, &str), depth: usize) -> Option<usize> {
        let (resource_type, rest) = reference.split_once('.')?;
        if resource_type == "module" {
            return self.through_output(rest, (module, own), depth);
        }
        if matches!(
            resource_type,
            "var" | "local" | "data" | "each" | "count" | "path" | "terraform" | "self"
        ) {
            return None;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let local = format!("{resource_type}.{}", &rest[..end]);
        let (key, _) = split_key(&rest[end..]);
        let candidates = self.by_local.get(&(module, local.as_str()))?;
        let key_of = |c: usize| instance_key(self.resources[c]);
        if let Some(key) = key {
            return candidates.iter().copied().find(|&c| key_of(c) == key);
        }
        match candidates.as_slice() {
            [only] => Some(*only),
            _ => candidates
                .iter()
                .copied()
                .find(|&c| !own.is_empty() && key_of(c) == own),
        }
    }

    /// `rest` is what follows `module.` in a reference (`s3.bucket_id`,
    /// `s3["a"].arn`): the resource the named output's expression
    /// references, in the called module's instance.
    fn through_output(
        &self,
        rest: &str,
        (module, own): (&str, &str),
        depth: usize,
    ) -> Option<usize> {
        if depth >= MAX_OUTPUT_DEPTH {
            return None;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..end];
        let (key, after) = split_key(&rest[end..]);
        let output = after.strip_prefix('.')?;
        let output = &output[..output.find(['.', '[']).unwrap_or(output.len())];
        let call = if module.is_empty() {
            format!("module.{name}")
        } else {
            format!("{module}.module.{name}")
        };
        let instance = match key {
            Some(key) => format!("{call}{key}"),
            None => self.instance_of_call(&call, own)?,
        };
        let path = module_path(&instance);
        self.plan
            .output(&path, output)
            .iter()
            .find_map(|reference| self.resolve(reference, (instance.as_str(), ""), depth + 1))
    }

    /// The instance of module call `call` (`module.s3`) a reference
    /// without a key names: the call itself when it has no `count` or
    /// `for_each`, else its only instance, else the one with the holder's
    /// own key.
    fn instance_of_call(&self, call: &str, own: &str) -> Option<String> {
        let mut keys: Vec<&str> = Vec::new();
        for r in &self.resources {
            let Some(rest) = r.module.strip_prefix(call) else {
                continue;
            };
            if rest.is_empty() || rest.starts_with('.') {
                return Some(call.to_string());
            }
            if let (Some(key), _) = split_key(rest) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        match keys.as_slice() {
            [only] => Some(format!("{call}{only}")),
            _ => keys
                .iter()
                .find(|&&k| !own.is_empty() && k == own)
                .map(|k| format!("{call}{k}")),
        }
    }
}

/// The instance key at the start of `text` (`["a]"]`, `[0]`), quotes and
/// escapes respected, and what follows it.
pub(crate) fn split_key(text: &str) -> (Option<&str>, &str) {
    if !text.starts_with('[') {
        return (None, text);
    }
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return (Some(&text[..=at]), &text[at + 1..]),
            _ => {}
        }
    }
    (None, text)
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

#[cfg(test)]
mod tests {
    use super::split_key;

    #[test]
    fn instance_keys_respect_quotes() {
        assert_eq!(split_key("[0].id"), (Some("[0]"), ".id"));
        assert_eq!(split_key("[\"a]b\"].arn"), (Some("[\"a]b\"]"), ".arn"));
        assert_eq!(split_key("[\"a\\\"]\"]"), (Some("[\"a\\\"]\"]"), ""));
        assert_eq!(split_key(".id"), (None, ".id"));
        assert_eq!(split_key("[\"open"), (None, "[\"open"));
    }
}
