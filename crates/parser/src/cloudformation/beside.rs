//! A parameters file beside its template, by name: `app.yaml` with
//! `app.params.json`, `app-params.json`, `app.parameters.json` or
//! `app-parameters.json`. Every run pairs them the same way, so linting a
//! folder and linting the parameters file alone (pre-commit) agree.

use std::path::{Path, PathBuf};

use crate::fs::Files;

/// What follows a template's base name in its parameters file's name.
const SUFFIXES: [&str; 4] = [
    ".params.json",
    "-params.json",
    ".parameters.json",
    "-parameters.json",
];

/// The extensions a template may have.
const EXTENSIONS: [&str; 4] = ["yaml", "yml", "json", "template"];

/// The parameters files that exist beside `template`, by name.
pub fn parameter_files_beside(files: &Files, template: &Path) -> Vec<PathBuf> {
    let (Some(folder), Some(base)) = (
        template.parent(),
        template.file_stem().and_then(|s| s.to_str()),
    ) else {
        return Vec::new();
    };
    let is_template = template
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e));
    // A parameters file is no template of its own.
    if !is_template
        || SUFFIXES
            .iter()
            .any(|s| template.to_string_lossy().ends_with(s))
    {
        return Vec::new();
    }
    SUFFIXES
        .iter()
        .map(|suffix| folder.join(format!("{base}{suffix}")))
        .filter(|path| files.is_file(path))
        .collect()
}

/// The template that the parameters file `path` belongs to by name, when
/// one exists beside it; `None` when `path` is not named as a parameters
/// file.
pub fn template_beside(files: &Files, path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let base = SUFFIXES
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .filter(|base| !base.is_empty())?;
    let folder = path.parent()?;
    EXTENSIONS
        .iter()
        .map(|ext| folder.join(format!("{base}.{ext}")))
        .find(|template| files.is_file(template))
}

/// Whether `path` is named as a parameters file.
pub fn is_parameters_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| {
            SUFFIXES
                .iter()
                .any(|s| name.len() > s.len() && name.ends_with(s))
        })
}
