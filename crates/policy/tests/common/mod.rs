//! What the policy tests share: where the fixtures are, loading a fixture
//! folder and locating spans in it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use phiguard_model::{Model, Span};
use phiguard_parser::LoadOptions;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixtures() -> PathBuf {
    workspace().join("fixtures")
}

/// The folder of Terraform evaluation cases, asserted across rules by
/// tests/terraform_evaluation.rs rather than against an `expected` file.
pub const EVALUATION: &str = "terraform-evaluation";

/// The folder of "Linking and scope" cases, asserted across rules by
/// tests/linking.rs.
pub const LINKING: &str = "linking";

/// The folder of provenance cases (issue 12), asserted across rules by
/// tests/provenance.rs.
pub const PROVENANCE: &str = "provenance";

/// The folder of a configuration and its plan JSON (issue 18), asserted
/// by tests/plans.rs.
pub const PLAN: &str = "terraform-plan";

/// Whether a fixture folder holds cases for every rule rather than one.
pub fn is_cross_rule(dir: &Path) -> bool {
    dir.ends_with(EVALUATION)
        || dir.ends_with(LINKING)
        || dir.ends_with(PROVENANCE)
        || dir.ends_with(PLAN)
}

/// The fixture folders named by a rule id (every folder but
/// `terraform-evaluation/`, `linking/` and `provenance/`), sorted.
pub fn rule_dirs() -> Vec<PathBuf> {
    fixture_dirs()
        .into_iter()
        .filter(|p| !is_cross_rule(p))
        .collect()
}

/// Every folder under `fixtures/`, `terraform-evaluation/` included, sorted.
pub fn fixture_dirs() -> Vec<PathBuf> {
    subdirs(&fixtures())
}

/// The folders directly under `dir`, sorted.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// A folder's name: the rule id of a rule's fixture folder.
pub fn dir_name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// Loads a fixture folder as `phiguard lint DIR` run inside it would, so
/// paths are shown relative to it; fixtures must be valid input.
pub fn load(dir: &Path) -> Model {
    let model = phiguard_parser::load(&LoadOptions {
        paths: vec![dir.to_path_buf()],
        base_dir: dir.to_path_buf(),
        ..LoadOptions::default()
    });
    assert!(
        model.errors.is_empty(),
        "{}: fixtures must be valid input: {:?}",
        dir.display(),
        model.errors
    );
    model
}

/// `FILE:LINE:COLUMN` of the start of a span.
pub fn position(model: &Model, span: Span) -> String {
    let file = model.file(span.file);
    let p = file.position(span.start as usize);
    format!("{}:{}:{}", file.display_path, p.line, p.column)
}
