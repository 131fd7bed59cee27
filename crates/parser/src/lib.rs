//! Front ends: files on disk into phiguard's resource model.
//!
//! [`load`] finds the files under the given paths, reads them, parses each
//! Terraform module directory and each CloudFormation template (told from
//! other JSON and YAML by content) and fills the typed views (S3 buckets,
//! search domains) that policies read. A file that cannot be read or parsed becomes a
//! [`LintError`]; every other file is still loaded.

mod cloudformation;
mod discover;
pub mod json;
pub mod policy;
mod suppressions;
mod terraform;
mod text;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use phiguard_model::{display_path, LintError, Model};

pub use cloudformation::{parse_cfn_parameters, CfnParamsError};

/// YAML read as templates are: byte spans on every node, duplicate keys and
/// unbounded aliases refused. Also reads `.phiguard.yaml`.
pub mod yaml {
    use phiguard_model::{FileId, Value};

    /// Every document of `text`.
    pub fn parse(text: &str, file: FileId) -> Result<Vec<Value>, crate::json::JsonError> {
        crate::cloudformation::parse_yaml(text, file)
    }
}

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Files or directories, as given on the command line.
    pub paths: Vec<PathBuf>,
    /// The working directory: relative paths are read from here, and display
    /// paths are relative to it, with `/`.
    pub base_dir: PathBuf,
    /// CloudFormation parameter values (`--cfn-param`, `--cfn-params FILE`,
    /// see [`parse_cfn_parameters`]), overriding defaults; for a name given
    /// twice the later value wins. `AWS::Region` and the other pseudo
    /// parameters can be given too.
    pub cfn_parameters: Vec<(String, String)>,
    /// Terraform var files (`--var-file`), read after the auto-loaded
    /// `terraform.tfvars` and `*.auto.tfvars`, in this order; relative to
    /// `base_dir`. They apply to every root module.
    pub var_files: Vec<PathBuf>,
    /// Terraform `NAME=VALUE` input values (`--var`), applied after the var
    /// files; a later value for a name wins.
    pub vars: Vec<(String, String)>,
    /// Environment variables: those named `TF_VAR_name` set variable `name`
    /// (below every var file). Left empty, nothing is read from the process
    /// environment, so tests stay hermetic; the CLI passes `std::env::vars()`.
    pub env_vars: Vec<(String, String)>,
    /// Globs (`infra/**`): when any is given, only files matching one are
    /// linted. Matched against paths relative to the linted path.
    pub include: Vec<String>,
    /// Globs of files not to lint, on top of `.terraform/`, `.git/` and
    /// `node_modules/`.
    pub exclude: Vec<String>,
    /// Folders whose Terraform files are loaded (not recursively) for
    /// context only: a file named on the command line still sees its
    /// module's variables and satellites.
    pub context_dirs: Vec<PathBuf>,
    /// File contents that replace what is on disk (`--stdin-filename`); the
    /// file need not exist.
    pub overrides: Vec<(PathBuf, Vec<u8>)>,
}

/// One input file's bytes, for callers that do not read from disk
/// (`--stdin-filename`, tests).
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub display_path: String,
    pub bytes: Vec<u8>,
}

/// Finds, reads and parses everything under `options.paths`.
pub fn load(options: &LoadOptions) -> Model {
    let mut model = Model::default();
    let filter = match discover::Filter::new(&options.include, &options.exclude) {
        Ok(filter) => filter,
        Err(error) => {
            model.errors.push(error);
            return model;
        }
    };
    let overridden: Vec<(String, &PathBuf, &Vec<u8>)> = options
        .overrides
        .iter()
        .map(|(path, bytes)| (display_path(&options.base_dir.join(path), &options.base_dir), path, bytes))
        .collect();
    let mut found = discover::discover(&options.paths, &options.base_dir, &filter);
    for dir in &options.context_dirs {
        discover::module_files(dir, &options.base_dir, &mut found);
    }
    // A file given on stdin need not exist on disk yet.
    found
        .errors
        .retain(|e| !overridden.iter().any(|(shown, _, _)| *shown == e.path));
    found.files.retain(|f| !overridden.iter().any(|(shown, _, _)| *shown == f.display_path));
    for (shown, path, _) in &overridden {
        found.files.push(discover::FoundFile {
            path: options.base_dir.join(path),
            display_path: shown.clone(),
            named: true,
        });
    }
    model.errors.extend(found.errors);
    model.skipped.extend(found.skipped);
    let mut sources = Vec::with_capacity(found.files.len());
    // Files found only by walking are skipped silently if not templates.
    let named: HashSet<String> = found
        .files
        .iter()
        .filter(|f| f.named)
        .map(|f| f.display_path.clone())
        .collect();
    for file in found.files {
        if let Some((_, _, bytes)) = overridden.iter().find(|(shown, _, _)| *shown == file.display_path) {
            sources.push(Source {
                path: file.path,
                display_path: file.display_path,
                bytes: (*bytes).clone(),
            });
            continue;
        }
        match std::fs::read(&file.path) {
            Ok(bytes) => sources.push(Source {
                path: file.path,
                display_path: file.display_path,
                bytes,
            }),
            Err(err) => model.errors.push(LintError {
                path: file.display_path,
                span: None,
                message: format!("cannot read the file: {}", discover::io_message(&err)),
            }),
        }
    }
    let terraform = terraform::Settings {
        inputs: terraform::Options {
            base_dir: &options.base_dir,
            var_files: &options.var_files,
            vars: &options.vars,
            env_vars: &options.env_vars,
        },
        disk: true,
    };
    build(
        &mut model,
        sources,
        &named,
        &options.cfn_parameters,
        &terraform,
    );
    model
}

/// Parses files whose bytes the caller already has. Files that are neither
/// Terraform (by name) nor CloudFormation templates (by content) are
/// reported as skipped; `.tfvars` are ignored.
pub fn load_sources(sources: Vec<Source>) -> Model {
    let mut model = Model::default();
    let mut kept = Vec::with_capacity(sources.len());
    for source in sources {
        match discover::classify(&source.path) {
            Some(_) => kept.push(source),
            None if cloudformation::is_candidate(&source.path) => kept.push(source),
            None if discover::is_tfvars(&source.path) => {}
            None => model
                .skipped
                .push(discover::not_linted(source.display_path)),
        }
    }
    let named = kept.iter().map(|s| s.display_path.clone()).collect();
    // Sources in memory: nothing else is read from disk (module directories,
    // var files, `file()`), so what is loaded is exactly what was given.
    let terraform = terraform::Settings {
        inputs: terraform::Options {
            base_dir: std::path::Path::new(""),
            var_files: &[],
            vars: &[],
            env_vars: &[],
        },
        disk: false,
    };
    build(&mut model, kept, &named, &[], &terraform);
    model
}

/// Adds every file in sorted order (so file ids do not depend on the walk),
/// then parses the Terraform modules and templates and builds the views.
/// `named`: display paths given explicitly rather than found by walking.
fn build(
    model: &mut Model,
    mut sources: Vec<Source>,
    named: &HashSet<String>,
    cfn_parameters: &[(String, String)],
    terraform: &terraform::Settings,
) {
    sources.sort_by(|a, b| discover::path_order(&a.display_path, &b.display_path));
    let mut seen = HashSet::new();
    sources.retain(|s| seen.insert(s.display_path.clone()));

    let mut terraform_files = Vec::new();
    let mut templates = Vec::new();
    for source in sources {
        let kind = discover::classify(&source.path);
        let is_named = named.contains(&source.display_path);
        let text = match String::from_utf8(source.bytes) {
            Ok(text) => text,
            // A walked JSON or YAML file in another encoding is no template.
            Err(_) if kind.is_none() && !is_named => continue,
            Err(err) => {
                model.errors.push(utf8_error(source.display_path, &err));
                continue;
            }
        };
        let Some(kind) = kind else {
            let (path, shown) = (&source.path, source.display_path);
            templates.extend(cloudformation::add_candidate(
                model, path, shown, text, is_named,
            ));
            continue;
        };
        let id = model.add_file(&source.path, source.display_path, Arc::from(text));
        terraform_files.push((id, kind));
    }
    terraform::load(model, &terraform_files, terraform);
    cloudformation::load(model, templates, cfn_parameters);
    model.suppressions = suppressions::collect(model);
    model
        .errors
        .sort_by(|a, b| discover::path_order(&a.path, &b.path).then(a.span.cmp(&b.span)));
    model
        .skipped
        .sort_by(|a, b| discover::path_order(&a.path, &b.path));
}

fn utf8_error(path: String, err: &std::string::FromUtf8Error) -> LintError {
    let valid = err.utf8_error().valid_up_to();
    let bytes = err.as_bytes();
    let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
    LintError {
        path,
        span: None,
        message: format!("the file is not UTF-8 text (invalid byte on line {line})"),
    }
}

/// The display path a caller should use for `path`, as [`load`] computes it.
pub fn display_path_for(path: &std::path::Path, base_dir: &std::path::Path) -> String {
    display_path(&base_dir.join(path), base_dir)
}
