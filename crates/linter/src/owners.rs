//! Files given one by one (pre-commit, an editor, a change-aware run) into
//! what to load: every configuration each file belongs to or feeds, whole.
//! A finding is then reported when it is located in a given file or its
//! value was decided there (see [`crate::lint`]).
//!
//! Who owns what:
//! - a `.tf` or `.tf.json` file belongs to its folder's configuration and,
//!   when other folders of the repository call that folder as a local
//!   module, to every root above it;
//! - `terraform.tfvars` and `*.auto.tfvars` belong to the root in their
//!   folder; another `.tfvars` file is applied, as `--var-file` would be, to
//!   the roots the config maps it to, else to the root in its folder;
//! - a CloudFormation parameters file belongs to the templates the config
//!   maps it to, else to the template with the same base name beside it
//!   (`app.yaml` with `app.params.json` or `app-parameters.json`);
//! - anything else (a template, a file that is neither) is loaded as named.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use phiguard_model::normalize;
use phiguard_parser::fs::Files;
use phiguard_parser::LoadOptions;

use crate::folder_of;

/// Fills `load` with what the `given` files (absolute, normalised; they
/// need not exist, as after a deletion) belong to: named files, context
/// folders, var files for roots, parameters files for templates.
/// `repository` is the folder searched for roots calling a module.
pub(crate) fn own(load: &mut LoadOptions, given: &[PathBuf], repository: &Path) {
    let files = load.reader();
    let mut named: BTreeSet<PathBuf> = BTreeSet::new();
    let mut modules: BTreeSet<PathBuf> = BTreeSet::new();
    let mut roots: BTreeSet<PathBuf> = BTreeSet::new();
    for path in given {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            named.insert(path.clone());
            continue;
        };
        let folder = folder_of(path);
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            if files.is_file(path) {
                named.insert(path.clone());
            }
            modules.insert(folder);
        } else if is_auto_var_file(name) {
            roots.insert(folder);
        } else if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
            let mapped: Vec<PathBuf> = load
                .root_var_files
                .iter()
                .filter(|(_, file)| normalize(&load.base_dir.join(file)) == *path)
                .map(|(root, _)| normalize(&load.base_dir.join(root)))
                .collect();
            let everywhere = load
                .var_files
                .iter()
                .any(|file| normalize(&load.base_dir.join(file)) == *path);
            if everywhere {
                // `terraform.var_files` (or `--var-file`) feeds every root.
                roots.extend(terraform_folders(&files, repository));
            } else if mapped.is_empty() {
                load.root_var_files.push((folder.clone(), path.clone()));
                roots.insert(folder);
            } else {
                roots.extend(mapped);
            }
        } else if let Some(templates) = parameter_templates(load, &files, path) {
            for template in templates {
                if !load
                    .cfn_parameter_files
                    .iter()
                    .any(|(t, f)| t.as_ref() == Some(&template) && f == path)
                {
                    load.cfn_parameter_files
                        .push((Some(template.clone()), path.clone()));
                }
                named.insert(template);
            }
        } else if files.kind(path).is_some() || !phiguard_parser::is_input_name(path) {
            // A template, or a file that is neither: loaded as named, so a
            // file phiguard cannot read is reported as it is today.
            named.insert(path.clone());
        }
    }
    if !modules.is_empty() {
        let callers = Callers::scan(&files, repository);
        for module in &modules {
            roots.extend(callers.above(module));
        }
    }
    roots.extend(modules);
    load.paths = named.into_iter().collect();
    let mut context: Vec<PathBuf> = roots.into_iter().filter(|dir| files.is_dir(dir)).collect();
    context.append(&mut load.context_dirs);
    context.sort();
    context.dedup();
    load.context_dirs = context;
}

/// `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)`:
/// loaded by the root in their folder without being named.
fn is_auto_var_file(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// The templates a parameters file belongs to: those the config maps it
/// to, else the one with its base name beside it; `None` when it is not a
/// parameters file.
fn parameter_templates(load: &LoadOptions, files: &Files, path: &Path) -> Option<Vec<PathBuf>> {
    let mapped: Vec<PathBuf> = load
        .cfn_parameter_files
        .iter()
        .filter(|(_, file)| normalize(&load.base_dir.join(file)) == *path)
        .filter_map(|(template, _)| Some(normalize(&load.base_dir.join(template.as_ref()?))))
        .collect();
    if !mapped.is_empty() {
        return Some(mapped);
    }
    if !phiguard_parser::is_parameters_name(path) {
        return None;
    }
    phiguard_parser::template_beside(files, path).map(|template| vec![template])
}

/// Every folder of the repository with a Terraform file: the loader tells
/// the roots from the modules they call.
fn terraform_folders(files: &Files, repository: &Path) -> BTreeSet<PathBuf> {
    phiguard_parser::find_files(files, repository, &phiguard_parser::is_terraform_name)
        .iter()
        .map(|path| folder_of(path))
        .collect()
}

/// Which folders call which as local modules, across a repository.
struct Callers {
    /// Called folder to the folders calling it.
    by_callee: HashMap<PathBuf, BTreeSet<PathBuf>>,
}

impl Callers {
    /// A listing and a text search, not a parse of every file: a large
    /// repository costs milliseconds.
    fn scan(files: &Files, repository: &Path) -> Callers {
        let terraform = phiguard_parser::find_files(files, repository, &|path| {
            phiguard_parser::is_terraform_name(path)
        });
        // Only the lines that can hold a local source are read: `git grep`
        // answers for a snapshot; no file is parsed.
        let lines = files.lines_containing(&terraform, &["\"./", "\"../"]);
        let mut by_callee: HashMap<PathBuf, BTreeSet<PathBuf>> = HashMap::new();
        for (path, line) in lines {
            let caller = folder_of(&path);
            if let Some(callee) = phiguard_parser::local_module_call(&caller, &line) {
                if callee != caller {
                    by_callee.entry(callee).or_default().insert(caller);
                }
            }
        }
        Callers { by_callee }
    }

    /// Every folder that calls `module`, directly or through other modules.
    fn above(&self, module: &Path) -> Vec<PathBuf> {
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut todo = vec![module.to_path_buf()];
        while let Some(dir) = todo.pop() {
            for caller in self.by_callee.get(&dir).into_iter().flatten() {
                if seen.insert(caller.clone()) {
                    todo.push(caller.clone());
                }
            }
        }
        let mut out: Vec<PathBuf> = seen.into_iter().collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests;
