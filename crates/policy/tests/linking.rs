//! rules.md "Linking and scope" (v1.1) on `fixtures/linking/`: each case
//! folder is linted on its own with every built-in rule, and every finding
//! and undecided check is compared with the folder's `expected` file
//! (`FILE:LINE:COLUMN SEVERITY RULE RESOURCE`, sorted), so a finding that
//! appears, disappears, moves or changes its resource fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use phiguard_model::{Model, Span};
use phiguard_parser::LoadOptions;
use phiguard_policy::Registry;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/linking");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn at(model: &Model, span: Span) -> String {
    let file = model.file(span.file);
    let p = file.position(span.start as usize);
    format!("{}:{}:{}", file.display_path, p.line, p.column)
}

fn lines(dir: &Path) -> Vec<String> {
    let model = phiguard_parser::load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir.to_path_buf(),
        ..LoadOptions::default()
    });
    assert!(model.errors.is_empty(), "{dir:?}: {:?}", model.errors);
    let registry = Registry::builtin().unwrap();
    let rules: Vec<_> = registry.rules().iter().collect();
    let outcome = phiguard_policy::check(&model, &rules);
    let mut lines: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                at(&model, f.span),
                f.severity.as_str(),
                f.rule,
                f.resource.address
            )
        })
        .chain(outcome.undecided.iter().map(|u| {
            format!(
                "{} undecided {} {}",
                at(&model, u.span),
                u.rule,
                u.resource.address
            )
        }))
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

#[test]
fn every_case_gives_exactly_its_expected_findings() {
    let cases = cases();
    assert!(cases.len() >= 6, "{cases:?}");
    let mut failures = Vec::new();
    for dir in cases {
        let expected = fs::read_to_string(dir.join("expected"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        let actual = lines(&dir);
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected:\n    {}\n  actual:\n    {}",
                dir.display(),
                expected.join("\n    "),
                actual.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Two instances of one module violating a rule at the same span are two
/// findings with two fingerprints (rules.md, "One finding per resource
/// instance").
#[test]
fn instances_keep_their_own_fingerprints() {
    let dir = cases()
        .into_iter()
        .find(|d| d.ends_with("instances"))
        .unwrap();
    let model = phiguard_parser::load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir,
        ..LoadOptions::default()
    });
    let registry = Registry::builtin().unwrap();
    let outcome = phiguard_policy::check(&model, &[registry.get("s3-public-acl").unwrap()]);
    let mut prints: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(prints.len(), 2);
    prints.dedup();
    assert_eq!(prints.len(), 2);
}
