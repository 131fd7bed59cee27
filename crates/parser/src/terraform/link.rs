//! Finding the bucket or domain a satellite resource configures, from a
//! reference (`aws_s3_bucket.b.id`) or a literal name.

use std::collections::HashMap;

use phiguard_model::{FileId, Value};

use super::eval::References;

/// What a satellite may point at: indices into the views being built, with
/// the file each is written in.
///
/// Terraform rejects two resources with one address in a module, but a
/// folder of examples or test fixtures often repeats them across files;
/// a target in the satellite's own file is preferred, then the first.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    by_address: HashMap<String, Vec<(FileId, usize)>>,
    by_name: HashMap<String, Vec<(FileId, usize)>>,
}

fn pick(candidates: Option<&Vec<(FileId, usize)>>, file: FileId) -> Option<usize> {
    let candidates = candidates?;
    candidates
        .iter()
        .find(|(f, _)| *f == file)
        .or(candidates.first())
        .map(|&(_, index)| index)
}

/// The reference forms that name a target: its types and the attributes
/// that stand for it (`id`, `bucket`, `arn`, ...).
pub(crate) struct Link<'a> {
    pub types: &'a [&'a str],
    pub attributes: &'a [&'a str],
}

impl Targets {
    /// Records a target, in source order.
    pub fn add(&mut self, address: &str, name: Option<&Value>, file: FileId, index: usize) {
        let entry = self.by_address.entry(address.to_string()).or_default();
        entry.push((file, index));
        self.add_name(name, file, index);
    }

    pub fn add_name(&mut self, name: Option<&Value>, file: FileId, index: usize) {
        if let Some(name) = name.and_then(Value::as_str) {
            self.by_name
                .entry(name.to_string())
                .or_default()
                .push((file, index));
        }
    }

    /// The target `value` (written in `value.span.file`) names, if any.
    pub fn resolve(&self, value: &Value, refs: &References, link: &Link) -> Option<usize> {
        let file = value.span.file;
        if let Some(reference) = refs.of(value) {
            let attribute = reference.attribute.as_deref()?;
            if !link.types.contains(&reference.resource_type.as_str())
                || !link.attributes.contains(&attribute)
            {
                return None;
            }
            let address = format!("{}.{}", reference.resource_type, reference.name);
            return pick(self.by_address.get(&address), file);
        }
        pick(self.by_name.get(value.as_str()?), file)
    }

    /// By name only: a bucket's name is global, so another module's bucket
    /// can be named.
    pub fn resolve_name(&self, value: &Value) -> Option<usize> {
        pick(self.by_name.get(value.as_str()?), value.span.file)
    }
}

/// Views made for satellites that could not be linked. Satellites that name
/// their target the same way (the same literal, reference or unknown
/// expression) configure the same thing, so they share one view.
#[derive(Debug, Default)]
pub(crate) struct Unlinked {
    groups: HashMap<String, usize>,
}

impl Unlinked {
    /// The index of the view for a satellite naming `target`, made with
    /// `new` (anchored at the satellite) the first time.
    pub fn view<T>(
        &mut self,
        target: Option<&Value>,
        refs: &References,
        views: &mut Vec<T>,
        new: impl FnOnce() -> T,
    ) -> usize {
        let key = group_key(target, refs);
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

fn group_key(value: Option<&Value>, refs: &References) -> Option<String> {
    let value = value?;
    if let Some(reference) = refs.of(value) {
        return Some(format!(
            "ref {}.{}",
            reference.resource_type, reference.name
        ));
    }
    if let Some(name) = value.as_str() {
        return Some(format!("name {name}"));
    }
    value
        .unknown_reason()
        .map(|reason| format!("unknown {reason}"))
}
