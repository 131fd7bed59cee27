//! What Terraform tells the linker ([`crate::link`]): the resource instance
//! a value names (`aws_s3_bucket.b[each.key].id`, through locals, module
//! outputs and `each.value`), as evaluation recorded it.

use std::collections::HashMap;

use phiguard_model::{ResourceId, Span, Value};

use crate::link::Target;

/// Values in resource bodies that name a resource instance, by the
/// resource holding the value and the value's span.
#[derive(Debug, Default)]
pub(crate) struct Links(HashMap<(ResourceId, Span), ResourceId>);

impl Links {
    pub fn add(&mut self, from: ResourceId, span: Span, to: ResourceId) {
        self.0.insert((from, span), to);
    }

    /// The resource `value`, read in `from`'s body, names.
    pub fn target(&self, from: ResourceId, value: &Value) -> Option<ResourceId> {
        self.0.get(&(from, value.span)).copied()
    }
}

/// What a subject argument (`bucket`, `target_bucket`, `domain_name`),
/// read in `holder`'s body, names: the instance it references, and the
/// name it writes (`name` reads it: a bucket ARN gives the bucket name).
pub(crate) fn targets(
    links: &Links,
    holder: ResourceId,
    value: &Value,
    name: fn(&Value) -> Option<&str>,
) -> Vec<Target> {
    let mut targets = Vec::new();
    if let Some(id) = links.target(holder, value) {
        targets.push(Target::Resource(id));
    }
    if let Some(name) = name(value) {
        targets.push(Target::Name(name.to_string()));
    }
    if targets.is_empty() {
        targets.push(Target::Elsewhere);
    }
    targets
}
