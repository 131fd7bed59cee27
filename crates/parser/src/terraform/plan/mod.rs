//! Terraform plan and state JSON, as `terraform show -json` writes them
//! (`format_version` 0.1 to 1.x): the resources Terraform will create,
//! with every value it knows, and the configuration's expressions for the
//! references between them.
//!
//! A plan is read in one of two ways ([`super::load`] chooses):
//!
//! - with the `.tf` files it came from (its folder, or `--source-dir`):
//!   the configuration is evaluated as usual, with the plan's root
//!   variables as its inputs, and what evaluation leaves unknown the plan
//!   decides ([`overlay`]); findings point into the `.tf` files, and name
//!   the plan's value as an origin;
//! - alone, or for the modules whose code is not there (registry modules
//!   never downloaded): its resources are the model's, every value located
//!   at its exact place in the plan ([`resources`]).

mod decode;
pub(crate) mod overlay;
pub(crate) mod resources;

use std::collections::HashMap;

use phiguard_model::{FileId, Span, Value, ValueKind};

pub(crate) use decode::{decode, looks_like_plan};

/// The highest major `format_version` this release reads.
const MAX_MAJOR: u32 = 1;

/// A plan (or state) read from one file.
#[derive(Debug)]
pub(crate) struct Plan {
    pub file: FileId,
    /// The root module's input values as the plan recorded them.
    pub variables: Vec<(String, Value)>,
    /// The managed resources of types some kind reads, in file order.
    pub resources: Vec<PlanResource>,
    by_address: HashMap<String, usize>,
    /// Each resource's expressions in the configuration, by module path
    /// (call names, no instance keys: `module.a.module.b`) and local
    /// address (`aws_s3_bucket.b`).
    expressions: HashMap<(String, String), Value>,
    /// The references of each module output's expression, by module path
    /// and output name: how `module.s3.bucket_id` reaches a resource.
    outputs: HashMap<(String, String), Vec<String>>,
}

/// One resource instance of a plan.
#[derive(Debug)]
pub(crate) struct PlanResource {
    /// `module.a["x"].aws_s3_bucket.b[0]`.
    pub address: String,
    /// The module instance: `module.a["x"]`, empty in the root module.
    pub module: String,
    /// `aws_s3_bucket.b`.
    pub local: String,
    pub resource_type: String,
    /// The planned values, an object.
    pub values: Value,
    /// `after_unknown`: what is known only after apply (`true` leaves).
    pub unknown: Option<Value>,
    /// The resource's object in the plan.
    pub span: Span,
    /// Its `address` string: where findings about something missing point.
    pub header: Span,
}

/// Why a file that looks like a plan is not one this release reads.
#[derive(Debug)]
pub(crate) struct PlanError {
    pub message: String,
    pub span: Span,
}

impl Plan {
    /// Reads a parsed plan or state; `None` when `root` is no plan (the
    /// caller then tries a template).
    pub fn read(root: &Value, file: FileId) -> Option<Result<Plan, PlanError>> {
        let version = root.get("format_version")?;
        let planned = root.get("planned_values");
        let state = root.get("values");
        let changes = root.get("resource_changes");
        if planned.is_none() && state.is_none() && changes.is_none() {
            return None;
        }
        let text = version.as_str()?;
        let major = text.split('.').next().and_then(|m| m.parse::<u32>().ok());
        if major.is_none_or(|m| m > MAX_MAJOR) {
            return Some(Err(PlanError {
                message: format!(
                    "plan `format_version` {text} is not one phiguard reads (0.1 to {MAX_MAJOR}.x)"
                ),
                span: version.span,
            }));
        }
        let mut plan = Plan {
            file,
            variables: Vec::new(),
            resources: Vec::new(),
            by_address: HashMap::new(),
            expressions: HashMap::new(),
            outputs: HashMap::new(),
        };
        if let Some(variables) = root.get("variables").and_then(Value::as_map) {
            for (name, variable) in variables {
                if let Some(value) = variable.get("value") {
                    plan.variables.push((name.value.clone(), value.clone()));
                }
            }
        }
        let mut unknown: HashMap<&str, &Value> = HashMap::new();
        let mut after: Vec<&Value> = Vec::new();
        for change in changes.map(Value::items).unwrap_or_default() {
            let Some(address) = change.get("address").and_then(Value::as_str) else {
                continue;
            };
            if let Some(u) = change.get("change").and_then(|c| c.get("after_unknown")) {
                unknown.insert(address, u);
            }
            after.push(change);
        }
        for values in [planned, state].into_iter().flatten() {
            if let Some(root) = values.get("root_module") {
                plan.module_resources(root, &unknown);
            }
        }
        // Resources the planned values leave out (plans of old Terraform
        // releases): what the change says they will be after apply.
        for change in after {
            plan.changed_resource(change, &unknown);
        }
        if let Some(prior) = root.get("prior_state").and_then(|p| p.get("values")) {
            if let Some(root) = prior.get("root_module") {
                if planned.is_none() && changes.is_none() {
                    plan.module_resources(root, &unknown);
                }
            }
        }
        if let Some(config) = root.get("configuration").and_then(|c| c.get("root_module")) {
            plan.configuration(config, String::new());
        }
        Some(Ok(plan))
    }

    /// The resources of a module of the planned values, and of its
    /// children.
    fn module_resources(&mut self, module: &Value, unknown: &HashMap<&str, &Value>) {
        let prefix = module.get("address").and_then(Value::as_str).unwrap_or("");
        for resource in module
            .get("resources")
            .map(Value::items)
            .unwrap_or_default()
        {
            self.add(resource, prefix, resource.get("values"), unknown);
        }
        for child in module
            .get("child_modules")
            .map(Value::items)
            .unwrap_or_default()
        {
            self.module_resources(child, unknown);
        }
    }

    fn changed_resource(&mut self, change: &Value, unknown: &HashMap<&str, &Value>) {
        let module = change
            .get("module_address")
            .and_then(Value::as_str)
            .unwrap_or("");
        let after = change.get("change").and_then(|c| c.get("after"));
        if after.is_some_and(|a| a.as_map().is_some()) {
            self.add(change, module, after, unknown);
        }
    }

    fn add(
        &mut self,
        resource: &Value,
        module: &str,
        values: Option<&Value>,
        unknown: &HashMap<&str, &Value>,
    ) {
        let text = |key: &str| resource.get(key).and_then(Value::as_str);
        let (Some(address), Some(resource_type), Some(name)) =
            (resource.get("address"), text("type"), text("name"))
        else {
            return;
        };
        let Some(address_text) = address.as_str() else {
            return;
        };
        if text("mode").is_some_and(|m| m != "managed")
            || phiguard_model::kinds::terraform_role(resource_type).is_none()
            || self.by_address.contains_key(address_text)
        {
            return;
        }
        let Some(values) = values.filter(|v| v.as_map().is_some()) else {
            return;
        };
        self.by_address
            .insert(address_text.to_string(), self.resources.len());
        self.resources.push(PlanResource {
            address: address_text.to_string(),
            module: module.to_string(),
            local: format!("{resource_type}.{name}"),
            resource_type: resource_type.to_string(),
            values: values.clone(),
            unknown: unknown.get(address_text).map(|v| (*v).clone()),
            span: resource.span,
            header: address.span,
        });
    }

    /// The configuration's resource expressions, module by module.
    fn configuration(&mut self, module: &Value, path: String) {
        for resource in module
            .get("resources")
            .map(Value::items)
            .unwrap_or_default()
        {
            let (Some(address), Some(expressions)) = (
                resource.get("address").and_then(Value::as_str),
                resource.get("expressions"),
            ) else {
                continue;
            };
            self.expressions
                .insert((path.clone(), address.to_string()), expressions.clone());
        }
        for (name, output) in module
            .get("outputs")
            .and_then(Value::as_map)
            .unwrap_or_default()
        {
            let references = output
                .get("expression")
                .and_then(|e| e.get("references"))
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            self.outputs
                .insert((path.clone(), name.value.clone()), references);
        }
        for (name, call) in module
            .get("module_calls")
            .and_then(Value::as_map)
            .unwrap_or_default()
        {
            if let Some(child) = call.get("module") {
                let path = if path.is_empty() {
                    format!("module.{}", name.value)
                } else {
                    format!("{path}.module.{}", name.value)
                };
                self.configuration(child, path);
            }
        }
    }

    pub fn resource(&self, address: &str) -> Option<&PlanResource> {
        self.by_address.get(address).map(|&i| &self.resources[i])
    }

    /// The plan's instances of a resource the `.tf` leaves standing for an
    /// unknown number of them: those whose address is `address` with
    /// instance keys added (`aws_s3_bucket.b[0]` for `aws_s3_bucket.b`,
    /// `module.m["a"].aws_s3_bucket.b` for `module.m.aws_s3_bucket.b`).
    pub fn instances_of(&self, address: &str) -> Vec<&PlanResource> {
        self.resources
            .iter()
            .filter(|r| adds_keys(address, &r.address))
            .collect()
    }

    /// Whether the plan has resources in the module instance `address`
    /// (`module.logs`) or in modules it calls.
    pub fn has_module(&self, address: &str) -> bool {
        self.resources.iter().any(|r| {
            r.module
                .strip_prefix(address)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }

    /// The configuration's expressions of `resource`, when the plan has
    /// its configuration.
    pub fn expressions(&self, resource: &PlanResource) -> Option<&Value> {
        self.expressions
            .get(&(module_path(&resource.module), resource.local.clone()))
    }

    /// The references of output `name` of the module at `path` (no
    /// instance keys).
    pub fn output(&self, path: &str, name: &str) -> &[String] {
        self.outputs
            .get(&(path.to_string(), name.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Moves every span onto the file's final id.
    pub fn renumber(&mut self, id: FileId) {
        self.file = id;
        let f = |span: Span| Span { file: id, ..span };
        for (_, value) in &mut self.variables {
            value.map_spans(&f);
        }
        for resource in &mut self.resources {
            resource.values.map_spans(&f);
            if let Some(u) = &mut resource.unknown {
                u.map_spans(&f);
            }
            resource.span = f(resource.span);
            resource.header = f(resource.header);
        }
        for value in self.expressions.values_mut() {
            value.map_spans(&f);
        }
    }
}

/// A module instance address without its instance keys:
/// `module.a["x"].module.b[0]` is `module.a.module.b`.
pub(crate) fn module_path(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '[' if !quoted => depth += 1,
                ']' if !quoted => depth -= 1,
                _ => {}
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `keyed` is `address` with one or more instance keys added.
fn adds_keys(address: &str, keyed: &str) -> bool {
    let (mut a, mut k) = (address, keyed);
    let mut added = false;
    loop {
        if k.starts_with('[') && !a.starts_with('[') {
            let (Some(_), rest) = resources::split_key(k) else {
                return false;
            };
            k = rest;
            added = true;
            continue;
        }
        let (Some(x), Some(y)) = (a.chars().next(), k.chars().next()) else {
            return added && a.is_empty() && k.is_empty();
        };
        if x != y {
            return false;
        }
        a = &a[x.len_utf8()..];
        k = &k[y.len_utf8()..];
    }
}

/// Whether `value` is JSON `true` (an `after_unknown` leaf).
pub(crate) fn is_true(value: &Value) -> bool {
    matches!(value.kind, ValueKind::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_drop_instance_keys() {
        assert_eq!(module_path(""), "");
        assert_eq!(module_path("module.a"), "module.a");
        assert_eq!(
            module_path("module.a[\"x].y\"].module.b[0]"),
            "module.a.module.b"
        );
        assert_eq!(module_path("module.a[\"\\\"]\"]"), "module.a");
    }

    #[test]
    fn instances_add_keys_to_a_stand_in() {
        assert!(adds_keys("aws_s3_bucket.b", "aws_s3_bucket.b[0]"));
        assert!(adds_keys(
            "module.m.aws_s3_bucket.b",
            "module.m[\"a]\"].aws_s3_bucket.b[1]"
        ));
        assert!(!adds_keys("aws_s3_bucket.b", "aws_s3_bucket.b"));
        assert!(!adds_keys("aws_s3_bucket.b", "aws_s3_bucket.bc[0]"));
        assert!(!adds_keys("aws_s3_bucket.b[0]", "aws_s3_bucket.b[1]"));
        assert!(!adds_keys(
            "module.m[0].aws_s3_bucket.b",
            "module.m[1].aws_s3_bucket.b"
        ));
    }
}
