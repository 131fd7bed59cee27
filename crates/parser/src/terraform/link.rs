//! Finding the bucket or domain a satellite resource configures: by the
//! resource instance its value names (`aws_s3_bucket.b[each.key].id`,
//! through locals, module outputs and `each.value`), or by a literal name.

use std::collections::HashMap;

use phiguard_model::{FileId, ResourceId, Span, Value};

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

/// What a satellite may point at: indices into the views being built.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    by_resource: HashMap<ResourceId, usize>,
    /// Name -> (module instance, file, view index), in source order.
    by_name: HashMap<String, Vec<(usize, FileId, usize)>>,
}

/// Where a satellite is: its resource, module instance and file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct From {
    pub resource: ResourceId,
    pub instance: usize,
    pub file: FileId,
}

impl Targets {
    pub fn add(&mut self, resource: ResourceId, name: Option<&str>, from: From, index: usize) {
        self.by_resource.insert(resource, index);
        self.add_name(name, from, index);
    }

    pub fn add_name(&mut self, name: Option<&str>, from: From, index: usize) {
        if let Some(name) = name {
            self.by_name.entry(name.to_string()).or_default().push((
                from.instance,
                from.file,
                index,
            ));
        }
    }

    /// The view `value` names: the instance it references, else by `name`
    /// (the value's text as the caller reads it), preferring a target in the
    /// same module instance, then in the same file, then the first.
    pub fn resolve(
        &self,
        from: From,
        value: &Value,
        name: Option<&str>,
        links: &Links,
    ) -> Option<usize> {
        if let Some(target) = links.target(from.resource, value) {
            if let Some(&index) = self.by_resource.get(&target) {
                return Some(index);
            }
        }
        self.by_name(name?, from)
    }

    pub fn by_name(&self, name: &str, from: From) -> Option<usize> {
        let candidates = self.by_name.get(name)?;
        candidates
            .iter()
            .find(|(i, _, _)| *i == from.instance)
            .or_else(|| candidates.iter().find(|(_, f, _)| *f == from.file))
            .or(candidates.first())
            .map(|&(_, _, index)| index)
    }
}

/// Views made for satellites that could not be linked. Satellites of one
/// module instance that name their target the same way (the same literal,
/// reference or unknown expression) configure the same thing, so they
/// share one view.
#[derive(Debug, Default)]
pub(crate) struct Unlinked {
    groups: HashMap<(usize, String), usize>,
}

impl Unlinked {
    /// The index of the view for a satellite naming `target`, made with
    /// `new` (anchored at the satellite) the first time.
    pub fn view<T>(
        &mut self,
        instance: usize,
        target: Option<&Value>,
        links: &Links,
        from: ResourceId,
        views: &mut Vec<T>,
        new: impl FnOnce() -> T,
    ) -> usize {
        let key = group_key(target, links, from).map(|k| (instance, k));
        if let Some(&index) = key.as_ref().and_then(|k| self.groups.get(k)) {
            return index;
        }
        views.push(new());
        let index = views.len() - 1;
        if let Some(key) = key {
            self.groups.insert(key, index);
        }
        index
    }
}

fn group_key(value: Option<&Value>, links: &Links, from: ResourceId) -> Option<String> {
    let value = value?;
    if let Some(target) = links.target(from, value) {
        return Some(format!("ref {}", target.0));
    }
    if let Some(name) = value.as_str() {
        return Some(format!("name {name}"));
    }
    value
        .unknown_reason()
        .map(|reason| format!("unknown {reason}"))
}
