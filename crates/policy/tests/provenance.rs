//! Issue 12, provenance, on `fixtures/provenance/`: each case folder is
//! linted on its own with every built-in rule (and the options its `args`
//! file gives), and every finding whose value was decided elsewhere is
//! compared with the folder's `expected` file: the finding's place and
//! rule, then each origin as `FILE:LINE:COLUMN ROLE NAME` (`-` for a value
//! given outside any file), then its fix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fixtures, position, subdirs, PROVENANCE};
use phiguard_model::Model;
use phiguard_parser::LoadOptions;
use phiguard_policy::Registry;

fn cases() -> Vec<PathBuf> {
    subdirs(&fixtures().join(PROVENANCE))
}

/// The options a case's `args` file names, one a line: `--var NAME=VALUE`,
/// `--env NAME=VALUE`, `--cfn-param NAME=VALUE`, `--cfn-params FILE`,
/// `--root-var-file FOLDER FILE` (`LoadOptions::root_var_files`).
fn options(dir: &Path) -> LoadOptions {
    let mut options = LoadOptions {
        paths: vec![dir.to_path_buf()],
        base_dir: dir.to_path_buf(),
        ..LoadOptions::default()
    };
    let args = fs::read_to_string(dir.join("args")).unwrap_or_default();
    for line in args.lines().filter(|l| !l.trim().is_empty()) {
        let (flag, arg) = line.split_once(' ').unwrap();
        let pair = || {
            let (name, value) = arg.split_once('=').unwrap();
            (name.to_string(), value.to_string())
        };
        match flag {
            "--var" => options.vars.push(pair()),
            "--env" => options.env_vars.push(pair()),
            "--cfn-param" => options.cfn_parameters.push(pair()),
            "--cfn-params" => options.cfn_parameter_files.push((None, PathBuf::from(arg))),
            "--root-var-file" => {
                let (root, file) = arg.split_once(' ').unwrap();
                options
                    .root_var_files
                    .push((PathBuf::from(root), PathBuf::from(file)));
            }
            other => panic!("{}: unknown option {other}", dir.display()),
        }
    }
    options
}

fn origin_line(model: &Model, origin: &phiguard_model::ValueOrigin) -> String {
    let place = origin
        .span
        .map_or_else(|| "-".to_string(), |span| position(model, span));
    format!("{place} {} {}", origin.role.as_str(), origin.name)
}

/// Each finding with origins, as a block of lines.
fn blocks(dir: &Path) -> Vec<String> {
    let model = phiguard_parser::load(&options(dir));
    assert!(
        model.errors.is_empty(),
        "{}: fixtures must be valid input: {:?}",
        dir.display(),
        model.errors
    );
    let registry = Registry::builtin().unwrap();
    let rules: Vec<_> = registry.rules().iter().collect();
    let outcome = phiguard_policy::check(&model, &rules);
    let mut blocks: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| !f.origins.is_empty())
        .map(|f| {
            let mut lines = vec![format!("{} {}", position(&model, f.span), f.rule)];
            lines.extend(
                f.origins
                    .iter()
                    .map(|o| format!("  {}", origin_line(&model, o))),
            );
            lines.push(format!("  fix: {}", f.help.as_deref().unwrap_or("-")));
            lines.join("\n")
        })
        .collect();
    blocks.sort();
    blocks.dedup();
    blocks
}

#[test]
fn every_case_gives_exactly_its_expected_origins() {
    let cases = cases();
    assert!(cases.len() >= 9, "{cases:?}");
    let mut failures = Vec::new();
    for dir in cases {
        let expected = fs::read_to_string(dir.join("expected"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let actual = blocks(&dir).join("\n") + "\n";
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected:\n{expected}\n  actual:\n{actual}",
                dir.display(),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A value written where it is used has no origins and its fix is the
/// policy's, unchanged.
#[test]
fn values_written_in_place_have_no_origins() {
    let dir = fixtures().join("s3-public-acl");
    let model = common::load(&dir);
    let registry = Registry::builtin().unwrap();
    let outcome = phiguard_policy::check(&model, &[registry.get("s3-public-acl").unwrap()]);
    let in_place: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.help.as_deref() == Some(r#"acl = "private""#))
        .collect();
    assert!(!in_place.is_empty());
    assert!(in_place.iter().all(|f| f.origins.is_empty()));
}
