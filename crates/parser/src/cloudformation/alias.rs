//! YAML aliases, located where they are used.
//!
//! An alias (`AccessControl: *acl`) copies its anchored node
//! (`&acl PublicRead`). A finding on the copy points at the alias, where
//! the template uses the value, and names the anchor as where it is
//! written (an [`OriginRole::YamlAnchor`] origin), as a `!Ref` to a
//! parameter points at the `!Ref` and names the parameter's `Default`.
//!
//! Every node of a copy is located at the alias, nested nodes and map keys
//! too: whatever part of an aliased map of properties a rule reads, the
//! template uses it at the alias. Each node's origin is its own place in
//! the anchored text, so a finding on `AccessControl` inside an aliased
//! map names the anchor's `AccessControl: PublicRead` line, the one to
//! change, rather than the whole map. A node that already has an origin (a
//! copy made by an alias inside the anchored text) keeps it: that is where
//! it was written.
//!
//! The origins are made once per anchor, at its first alias, and shared
//! (`Arc`) by every later copy: an alias costs a clone of the anchored
//! tree, as it did, and its nodes and text count against the alias budgets
//! of [`crate::limits`]. The anchor's name, repeated on the origin of each
//! node, counts against the text budget once, with that first alias.

use std::sync::Arc;

use phiguard_model::{OriginRole, Origins, Span, Value, ValueKind, ValueOrigin};

/// An anchored node, as aliases copy it.
pub(super) struct Anchor {
    /// The node as written; its nodes get their origins at the first alias.
    value: Value,
    /// Its nodes, for `limits::MAX_ALIAS_NODES`.
    pub size: usize,
    /// Whether `value`'s nodes carry their origins yet.
    marked: bool,
}

impl Anchor {
    pub fn new(value: Value, size: usize) -> Self {
        Anchor {
            value,
            size,
            marked: false,
        }
    }

    /// The node as written (an alias used as a map key reads its text).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Bytes an alias named `name` copies (`limits::MAX_ALIAS_TEXT`): the
    /// node's strings and keys, and, at the first alias, the name given to
    /// each node's origin.
    pub fn text_cost(&self, name: &str) -> usize {
        let naming = if self.marked {
            0
        } else {
            name.len().saturating_mul(self.size)
        };
        text_bytes(&self.value).saturating_add(naming)
    }

    /// The copy made by the alias `*name` written at `at`.
    pub fn copy(&mut self, name: &str, at: Span) -> Value {
        if !self.marked {
            mark(&mut self.value, name);
            self.marked = true;
        }
        let mut copy = self.value.clone();
        copy.map_spans(&|_| at);
        copy
    }
}

/// `value`, written in the anchor `&name`, as used at the alias at `at`:
/// what a JSON policy string an alias copied reads as, once parsed where
/// the anchor writes it.
pub(super) fn relocated(mut value: Value, name: &str, at: Span) -> Value {
    mark(&mut value, name);
    value.map_spans(&|_| at);
    value
}

/// Gives every node without origins its own place as its origin.
fn mark(value: &mut Value, name: &str) {
    if value.origins.is_none() {
        value.origins = Some(Arc::from([ValueOrigin {
            role: OriginRole::YamlAnchor,
            span: Some(value.span),
            name: name.to_string(),
        }]));
    }
    match &mut value.kind {
        ValueKind::List(items) => items.iter_mut().for_each(|item| mark(item, name)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|(_, item)| mark(item, name)),
        _ => {}
    }
}

/// The bytes of the strings and keys of `value`: what copying it for an
/// alias costs beyond its nodes.
fn text_bytes(value: &Value) -> usize {
    match &value.kind {
        ValueKind::String(s) => s.len(),
        ValueKind::List(items) => items.iter().map(text_bytes).sum(),
        ValueKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.value.len() + text_bytes(v))
            .sum(),
        _ => 0,
    }
}

/// `out`, computed from a node with origins `outer` (a function written
/// in an anchored node, used through an alias): its own origins, then the
/// node's. An origin of the node that one of `out`'s own lies inside is
/// the same place seen as a whole (the anchored `!If` whose chosen branch
/// is itself anchored text) and is left out.
pub(super) fn computed_from(mut out: Value, outer: &Origins) -> Value {
    let Some(outer) = outer.as_deref() else {
        return out;
    };
    let Some(own) = out.origins.as_deref() else {
        out.origins = Some(Arc::from(outer));
        return out;
    };
    let within = |hop: &ValueOrigin| {
        own.contains(hop)
            || hop.span.is_some_and(|hop| {
                own.iter()
                    .any(|o| o.span.is_some_and(|s| lies_within(s, hop)))
            })
    };
    let added: Vec<&ValueOrigin> = outer.iter().filter(|hop| !within(hop)).collect();
    if !added.is_empty() {
        let chain: Vec<ValueOrigin> = own.iter().chain(added).cloned().collect();
        out.origins = Some(chain.into());
    }
    out
}

fn lies_within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && outer.start <= inner.start && inner.end <= outer.end
}
