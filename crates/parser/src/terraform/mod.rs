//! The Terraform front end: each module directory's `.tf` and `.tf.json`
//! files into resources, then the S3 bucket and search domain views.

mod eval;
mod hcl;
mod link;
mod node;
mod s3;
mod search_domain;
mod tfjson;

use std::collections::BTreeMap;
use std::path::Path;

use phiguard_model::{FileId, Model, ResourceId, Value};

use crate::discover::{path_order, FileKind};
use eval::{References, Scope};

enum Parsed {
    Hcl(hcl::HclFile),
    Json(FileId, Value),
}

/// Loads the Terraform files already added to `model`.
pub(crate) fn load(model: &mut Model, files: &[(FileId, FileKind)]) {
    // A module is a directory: its files share variables, and satellites
    // link to buckets within it.
    let mut modules: BTreeMap<String, Vec<(FileId, FileKind)>> = BTreeMap::new();
    for &(id, kind) in files {
        let shown = &model.file(id).display_path;
        let dir = Path::new(shown)
            .parent()
            .map_or_else(String::new, |p| p.to_string_lossy().into_owned());
        modules.entry(dir).or_default().push((id, kind));
    }
    let mut modules: Vec<_> = modules.into_iter().collect();
    modules.sort_by(|a, b| path_order(&a.0, &b.0));

    let mut refs = References::default();
    let mut module_resources = Vec::with_capacity(modules.len());
    for (_, files) in &modules {
        module_resources.push(load_module(model, files, &mut refs));
    }
    let buckets = s3::build(model, &module_resources, &refs);
    let domains = search_domain::build(model, &module_resources, &refs);
    model.buckets.extend(buckets);
    model.domains.extend(domains);
}

/// Parses one module's files (all of them first: a variable may be declared
/// in a file after the one that uses it) and adds its resources.
fn load_module(
    model: &mut Model,
    files: &[(FileId, FileKind)],
    refs: &mut References,
) -> Vec<ResourceId> {
    let mut scope = Scope::default();
    let mut parsed = Vec::with_capacity(files.len());
    for &(id, kind) in files {
        let file = model.file(id);
        let result = match kind {
            FileKind::TerraformHcl => hcl::parse(file).map(|h| {
                hcl::declare_variables(&h, &mut scope);
                Parsed::Hcl(h)
            }),
            FileKind::TerraformJson => tfjson::parse(file).map(|v| {
                tfjson::declare_variables(&v, &mut scope);
                Parsed::Json(id, v)
            }),
        };
        match result {
            Ok(p) => parsed.push(p),
            Err(err) => model.errors.push(err),
        }
    }
    let mut ids = Vec::new();
    for p in &parsed {
        let resources = match p {
            Parsed::Hcl(h) => hcl::resources(h, model.file(h.file), &scope, refs),
            Parsed::Json(id, v) => tfjson::resources(v, *id, &scope, refs),
        };
        ids.extend(resources.into_iter().map(|r| model.add_resource(r)));
    }
    ids
}
