//! The references Terraform's values carry: the resource instance a value
//! names (`aws_s3_bucket.b[each.key].id`, through locals, module outputs
//! and `each.value`), as evaluation recorded it, for the linker
//! ([`crate::link`], through `subjects.rs`).

use std::collections::HashMap;

use phiguard_model::{ResourceId, Span, Value};

/// Values in resource bodies that name a resource instance, by the
/// resource holding the value and the value's span.
#[derive(Debug, Default)]
pub(crate) struct Links(HashMap<(ResourceId, Span), ResourceId>);

impl Links {
    pub fn add(&mut self, from: ResourceId, span: Span, to: ResourceId) {
        self.0.insert((from, span), to);
    }

    /// The resource `value`, read in `holder`'s body, names.
    pub fn target(&self, holder: ResourceId, value: &Value) -> Option<ResourceId> {
        self.0.get(&(holder, value.span)).copied()
    }
}
