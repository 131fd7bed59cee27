//! rules.md "Linking and scope" (v1.1) on `fixtures/linking/`: each case
//! folder is linted on its own with every built-in rule, and every finding
//! and undecided check is compared with the folder's `expected` file
//! (`FILE:LINE:COLUMN SEVERITY RULE RESOURCE`, sorted), so a finding that
//! appears, disappears, moves or changes its resource fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fixtures, load, position, subdirs, LINKING};
use phiguard_policy::Registry;

fn cases() -> Vec<PathBuf> {
    subdirs(&fixtures().join(LINKING))
}

fn lines(dir: &Path) -> Vec<String> {
    let model = load(dir);
    let registry = Registry::builtin().unwrap();
    let rules: Vec<_> = registry.rules().iter().collect();
    let outcome = phiguard_policy::check(&model, &rules);
    let mut lines: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                position(&model, f.span),
                f.severity.as_str(),
                f.rule,
                f.resource.address
            )
        })
        .chain(outcome.undecided.iter().map(|u| {
            format!(
                "{} undecided {} {}",
                position(&model, u.span),
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
    let model = load(&dir);
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
