//! Front ends: files on disk into phiguard's resource model.
//!
//! [`load`] finds the files under the given paths, reads them, parses each
//! Terraform module directory and fills the typed views (S3 buckets, search
//! domains) that policies read. A file that cannot be read or parsed becomes a
//! [`LintError`]; every other file is still loaded.

mod discover;
pub mod json;
pub mod policy;
mod terraform;
mod text;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use phiguard_model::{display_path, LintError, Model};

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Files or directories, as given on the command line.
    pub paths: Vec<PathBuf>,
    /// The working directory: relative paths are read from here, and display
    /// paths are relative to it, with `/`.
    pub base_dir: PathBuf,
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
    let found = discover::discover(&options.paths, &options.base_dir);
    let mut model = Model::default();
    model.errors.extend(found.errors);
    model.skipped.extend(found.skipped);
    let mut sources = Vec::with_capacity(found.files.len());
    for file in found.files {
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
    build(&mut model, sources);
    model
}

/// Parses files whose bytes the caller already has. Files that are not
/// Terraform (by name) are reported as skipped; `.tfvars` are ignored.
pub fn load_sources(sources: Vec<Source>) -> Model {
    let mut model = Model::default();
    let mut kept = Vec::with_capacity(sources.len());
    for source in sources {
        match discover::classify(&source.path) {
            Some(_) => kept.push(source),
            None if discover::is_tfvars(&source.path) => {}
            None => model
                .skipped
                .push(discover::not_terraform(source.display_path)),
        }
    }
    build(&mut model, kept);
    model
}

/// Adds every file in sorted order (so file ids do not depend on the walk),
/// then parses the Terraform modules and builds the views.
fn build(model: &mut Model, mut sources: Vec<Source>) {
    sources.sort_by(|a, b| discover::path_order(&a.display_path, &b.display_path));
    let mut seen = HashSet::new();
    sources.retain(|s| seen.insert(s.display_path.clone()));

    let mut terraform_files = Vec::new();
    for source in sources {
        let text = match String::from_utf8(source.bytes) {
            Ok(text) => text,
            Err(err) => {
                model.errors.push(utf8_error(source.display_path, &err));
                continue;
            }
        };
        let Some(kind) = discover::classify(&source.path) else {
            continue;
        };
        let id = model.add_file(&source.path, source.display_path, Arc::from(text));
        terraform_files.push((id, kind));
    }
    terraform::load(model, &terraform_files);
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
