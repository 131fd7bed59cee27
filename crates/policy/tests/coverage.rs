//! Every check of every built-in policy fires on at least one fixture, so
//! each message, label and fix a user can see has been seen in a test.
//!
//! A finding does not record which check made it. It is matched to the
//! checks of its rule by severity, label, message and fix, each template's
//! `{placeholders}` standing for any text. A finding that matches no check,
//! or more than one, fails the test as well: its checks could not be told
//! apart, and coverage could not be measured.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{dir_name, fixture_dirs, load};
use phiguard_model::Finding;
use phiguard_policy::{Check, Registry, Rule};

/// A template cut at its placeholders: the literal text between them.
/// A brace around anything but a bare fact path is literal text, as for
/// the engine (`{ enabled = true }` in a fix).
fn literal_pieces(template: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut from = 0;
    while let Some(open) = template[from..].find('{').map(|i| from + i) {
        let Some(close) = template[open..].find('}').map(|i| open + i) else {
            break;
        };
        let name = &template[open + 1..close];
        let is_path = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if is_path {
            pieces.push(&template[start..open]);
            start = close + 1;
            from = close + 1;
        } else {
            from = open + 1;
        }
    }
    pieces.push(&template[start..]);
    pieces
}

/// Whether `text` is `template` with its placeholders filled in somehow.
fn fits(template: &str, text: &str) -> bool {
    let pieces = literal_pieces(template);
    let (first, rest) = pieces.split_first().unwrap();
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    // Between two placeholders, the earliest match of a piece is as good
    // as any later one.
    for piece in middle {
        match remaining.find(piece) {
            Some(at) => remaining = &remaining[at + piece.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

/// Whether `check` of `rule` can have produced `finding`.
fn made_by(rule: &Rule, check: &Check, finding: &Finding) -> bool {
    let label = check.label.as_deref().unwrap_or(&rule.title);
    let fix_fits = match (&finding.fix, &check.fix) {
        (Some(text), Some(fix)) => [&fix.terraform, &fix.cloudformation]
            .into_iter()
            .flatten()
            .any(|template| fits(template, text)),
        (Some(_), None) => false,
        // No fix: the check has none for the finding's language.
        (None, Some(fix)) => fix.terraform.is_none() || fix.cloudformation.is_none(),
        (None, None) => true,
    };
    finding.rule == rule.id
        && finding.severity == check.severity.unwrap_or(rule.severity)
        && finding.label == label
        && fits(&check.message, &finding.message)
        && fix_fits
}

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
            let rule = rules[r];
            let makers: Vec<usize> = rule
                .checks
                .iter()
                .enumerate()
                .filter(|(_, check)| made_by(rule, check, finding))
                .map(|(i, _)| i)
                .collect();
            if makers.len() == 1 {
                fired[r][makers[0]] += 1;
                continue;
            }
            let checks: Vec<String> = makers.iter().map(|i| format!("#{}", i + 1)).collect();
            unattributed.push(format!(
                "fixtures/{}/{}: {} {} {:?} (label {:?}) matches {} of its checks{}",
                dir_name(dir),
                common::position(&model, finding.span),
                finding.rule,
                finding.severity,
                finding.message,
                finding.label,
                makers.len(),
                if checks.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", checks.join(", "))
                },
            ));
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

/// The test above can fail: a policy with a check that nothing fires is
/// named, with the check's number and condition.
#[test]
fn a_check_that_never_fires_is_named() {
    let policy = r#"
id = "test-never-fires"
title = "Test rule"
severity = "low"
kind = "s3_bucket"
hipaa = ["164.312(c)(1)"]
description = "A rule for this test."

[remediation]
terraform = "-"
cloudformation = "-"

[[check]]
when = "versioning is absent"
message = "bucket {name} has no versioning"

[[check]]
when = "versioning is present and versioning is absent"
message = "bucket {name} cannot be here"
label = "never"
"#;
    let registry = Registry::from_sources([("test-never-fires.toml", policy)]).unwrap();
    let coverage = coverage(&registry, &fixture_dirs());
    assert_eq!(
        coverage.never_fired,
        ["test-never-fires [[check]] #2: when `versioning is present and versioning is absent`"]
    );
    assert_eq!(coverage.unattributed, Vec::<String>::new());
}

/// Two checks that only their condition tells apart make every finding of
/// either unattributable, which the test reports rather than guessing.
#[test]
fn checks_that_read_the_same_are_reported() {
    let policy = r#"
id = "test-twins"
title = "Test rule"
severity = "low"
kind = "s3_bucket"
hipaa = ["164.312(c)(1)"]
description = "A rule for this test."

[remediation]
terraform = "-"
cloudformation = "-"

[[check]]
when = "versioning is absent"
message = "bucket {name} is a twin"

[[check]]
when = "versioning is absent and replication is absent"
message = "bucket {name} is a twin"
"#;
    let registry = Registry::from_sources([("test-twins.toml", policy)]).unwrap();
    let coverage = coverage(&registry, &fixture_dirs());
    assert!(!coverage.unattributed.is_empty());
    assert!(
        coverage.unattributed[0].contains("matches 2 of its checks (#1, #2)"),
        "{}",
        coverage.unattributed[0]
    );
}

#[test]
fn templates_match_with_placeholders_as_wildcards() {
    let message = "bucket {name} grants {grant.permission} to AllUsers: anyone";
    assert!(fits(
        message,
        r#"bucket "x" grants READ to AllUsers: anyone"#
    ));
    assert!(!fits(
        message,
        r#"bucket "x" grants READ to AuthenticatedUsers: anyone"#
    ));
    assert!(fits("{flag.name} = true", "block_public_acls = true"));
    assert!(!fits("{flag.name} = true", "block_public_acls = false"));
    // Braces around anything but a fact path are text.
    let fix = "add versioning {Status: Enabled} to {name}";
    assert!(fits(fix, "add versioning {Status: Enabled} to \"b\""));
    assert!(!fits(fix, "add versioning {Status: Suspended} to \"b\""));
    assert!(fits("no placeholder", "no placeholder"));
    assert!(!fits("no placeholder", "no placeholder!"));
    assert!(fits("{a}{b}", ""));
}
