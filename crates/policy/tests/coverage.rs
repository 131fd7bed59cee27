//! Every check of every built-in policy fires on at least one fixture, so
//! each message, label and fix a user can see has been seen in a test.
//!
//! Each finding records which check of its rule made it (`Finding::check`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{dir_name, fixture_dirs, load};
use phiguard_policy::{Check, Registry, Rule};

/// How one check reads in a failure: rule id, its number in the policy
/// file (from 1, as `[[check]]` tables are counted), `each`, `when`.
fn describe(rule: &Rule, index: usize, check: &Check) -> String {
    let each = match &check.each {
        Some((list, binding)) => format!(" for each {binding} of {list}"),
        None => String::new(),
    };
    format!(
        "{} [[check]] #{}{each}: when `{}`",
        rule.id,
        index + 1,
        check.when_text
    )
}

/// What running every rule of `registry` over `dirs` shows.
struct Coverage {
    /// The checks no finding came from.
    never_fired: Vec<String>,
    /// Findings that match no check of their rule, or several.
    unattributed: Vec<String>,
}

fn coverage(registry: &Registry, dirs: &[PathBuf]) -> Coverage {
    let rules: Vec<&Rule> = registry.rules().iter().collect();
    let mut fired: Vec<Vec<usize>> = rules.iter().map(|r| vec![0; r.checks.len()]).collect();
    let mut unattributed = Vec::new();
    for dir in dirs {
        let model = load(dir);
        let outcome = phiguard_policy::check(&model, &rules);
        for finding in &outcome.findings {
            let Some(r) = rules.iter().position(|r| r.id == finding.rule) else {
                unattributed.push(format!("a finding of unknown rule {}", finding.rule));
                continue;
            };
            match fired[r].get_mut(finding.check) {
                Some(count) => *count += 1,
                None => unattributed.push(format!(
                    "fixtures/{}/{}: {} names check #{} of a rule with {}",
                    dir_name(dir),
                    common::position(&model, finding.span),
                    finding.rule,
                    finding.check + 1,
                    rules[r].checks.len()
                )),
            }
        }
    }
    let never_fired = rules
        .iter()
        .zip(&fired)
        .flat_map(|(rule, counts)| {
            rule.checks
                .iter()
                .enumerate()
                .filter(|(i, _)| counts[*i] == 0)
                .map(|(i, check)| describe(rule, i, check))
        })
        .collect();
    Coverage {
        never_fired,
        unattributed,
    }
}

#[test]
fn every_check_of_every_builtin_policy_fires_on_a_fixture() {
    let registry = Registry::builtin().unwrap();
    let coverage = coverage(&registry, &fixture_dirs());
    let mut failures = Vec::new();
    if !coverage.never_fired.is_empty() {
        failures.push(format!(
            "checks that fire on no fixture (add a fixture under fixtures/<rule>/ on which each fires, with its lines in `expected`):\n  {}",
            coverage.never_fired.join("\n  ")
        ));
    }
    if !coverage.unattributed.is_empty() {
        failures.push(format!(
            "findings that cannot be traced to exactly one check (give the checks different labels or messages):\n  {}",
            coverage.unattributed.join("\n  ")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A test policy with id `id` and the `[[check]]` tables `checks`.
fn test_policy(id: &str, checks: &str) -> String {
    format!(
        r#"id = "{id}"
title = "Test rule"
severity = "low"
kind = "s3_bucket"
hipaa = ["164.312(c)(1)"]
description = "A rule for this test."

[remediation]
terraform = "-"
cloudformation = "-"
{checks}"#
    )
}

/// The test above can fail: a policy with a check that nothing fires is
/// named, with the check's number and condition.
#[test]
fn a_check_that_never_fires_is_named() {
    let policy = test_policy(
        "test-never-fires",
        r#"
[[check]]
when = "versioning is absent"
message = "bucket {name} has no versioning"

[[check]]
when = "versioning is present and versioning is absent"
message = "bucket {name} cannot be here"
label = "never"
"#,
    );
    let registry = Registry::from_sources([("test-never-fires.toml", policy.as_str())]).unwrap();
    let coverage = coverage(&registry, &fixture_dirs());
    assert_eq!(
        coverage.never_fired,
        ["test-never-fires [[check]] #2: when `versioning is present and versioning is absent`"]
    );
    assert_eq!(coverage.unattributed, Vec::<String>::new());
}

/// Two checks that read the same are still told apart: each finding
/// names its check.
#[test]
fn checks_that_read_the_same_are_reported() {
    let policy = test_policy(
        "test-twins",
        r#"
[[check]]
when = "versioning is absent"
message = "bucket {name} is a twin"

[[check]]
when = "versioning is absent and replication is absent"
message = "bucket {name} is a twin"
"#,
    );
    let registry = Registry::from_sources([("test-twins.toml", policy.as_str())]).unwrap();
    let coverage = coverage(&registry, &fixture_dirs());
    assert_eq!(coverage.never_fired, Vec::<String>::new());
    assert_eq!(coverage.unattributed, Vec::<String>::new());
}

/// Every kind of the registry has built-in policies, and each of those
/// has a fixture folder: a kind added without rules or fixtures fails here.
#[test]
fn every_registered_kind_has_policies_with_fixtures() {
    let kinds = phiguard_model::kinds::kinds();
    assert!(kinds.len() >= 2);
    let registry = Registry::builtin().unwrap();
    let folders: Vec<String> = fixture_dirs().iter().map(|d| dir_name(d)).collect();
    for kind in kinds {
        let rules: Vec<&Rule> = registry.rules().iter().filter(|r| r.kind == kind).collect();
        assert!(!rules.is_empty(), "kind {} has no policy", kind.as_str());
        for rule in rules {
            assert!(
                folders.contains(&rule.id),
                "rule {} of kind {} has no fixtures/{}/",
                rule.id,
                kind.as_str(),
                rule.id
            );
        }
    }
}
