//! Runs every rule over its fixture folder and compares the findings and
//! undecided checks with the folder's `expected` file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{dir_name, fixtures, load, position, rule_dirs, workspace};
use phiguard_policy::Registry;

/// `FILE:LINE:COLUMN SEVERITY` lines for one rule over one folder.
fn actual(registry: &Registry, rule_id: &str, dir: &Path) -> Vec<String> {
    let rule = registry.get(rule_id).unwrap();
    let model = load(dir);
    let outcome = phiguard_policy::check(&model, &[rule]);
    let position = |span| position(&model, span);
    let mut lines: BTreeSet<String> = BTreeSet::new();
    for f in &outcome.findings {
        lines.insert(format!("{} {}", position(f.span), f.severity));
    }
    for u in &outcome.undecided {
        lines.insert(format!("{} undecided", position(u.span)));
    }
    let mut lines: Vec<String> = lines.into_iter().collect();
    lines.sort_by_key(|l| sort_key(l));
    lines
}

fn sort_key(line: &str) -> (String, u32, u32, String) {
    let (location, rest) = line.split_once(' ').unwrap_or((line, ""));
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let row = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let file = parts.next().unwrap_or_default().to_string();
    (file, row, column, rest.to_string())
}

fn expected(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join("expected"))
        .unwrap_or_else(|_| panic!("{} has no `expected` file", dir.display()));
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    lines.sort_by_key(|l| sort_key(l));
    lines
}

#[test]
fn every_rule_matches_its_expected_findings() {
    let registry = Registry::builtin().unwrap();
    let mut failures = Vec::new();
    for dir in rule_dirs() {
        let id = dir_name(&dir);
        assert!(registry.get(&id).is_some(), "fixtures/{id} names no rule");
        let actual = actual(&registry, &id, &dir);
        let expected = expected(&dir);
        if actual != expected {
            failures.push(format!(
                "fixtures/{id}:\n  expected: {expected:#?}\n  actual:   {actual:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fail_file_fails_and_every_pass_file_passes() {
    // `expected` is compared with the real output above; here it must
    // agree with the file names.
    for dir in rule_dirs() {
        let id = dir_name(&dir);
        let expected = expected(&dir);
        for entry in fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let findings = expected
                .iter()
                .filter(|l| l.starts_with(&format!("{name}:")) && !l.ends_with(" undecided"))
                .count();
            let undecided = expected
                .iter()
                .filter(|l| l.starts_with(&format!("{name}:")) && l.ends_with(" undecided"))
                .count();
            if name.starts_with("fail") {
                assert!(findings > 0, "fixtures/{id}/{name} must expect a finding");
            } else if name.starts_with("pass") {
                assert_eq!(findings + undecided, 0, "fixtures/{id}/{name} must pass");
            } else if name.starts_with("undecided") {
                assert!(
                    findings == 0 && undecided > 0,
                    "fixtures/{id}/{name} must be undecided, without findings"
                );
            }
        }
    }
}

/// Every file under `dir`, subfolders included, as paths relative to `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", current.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Each language phiguard reads, with the file extensions of its fixtures.
const LANGUAGES: [(&str, &[&str]); 2] = [
    ("Terraform", &["tf"]),
    ("CloudFormation", &["yaml", "yml", "json", "template"]),
];

#[test]
fn every_builtin_rule_has_fail_and_pass_fixtures_in_each_language() {
    let registry = Registry::builtin().unwrap();
    let mut missing = Vec::new();
    for rule in registry.rules() {
        let dir = fixtures().join(&rule.id);
        assert!(dir.is_dir(), "fixtures/{} is missing", rule.id);
        let files = files_under(&dir);
        for (language, extensions) in LANGUAGES {
            for prefix in ["fail", "pass"] {
                let has = files.iter().any(|path| {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let extension = path
                        .extension()
                        .map(|e| e.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    name.starts_with(prefix) && extensions.contains(&extension.as_str())
                });
                if !has {
                    missing.push(format!(
                        "fixtures/{} has no {language} {prefix}* fixture (.{})",
                        rule.id,
                        extensions.join(", .")
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The rule catalogue, copied from the tables "S3 rules", "Search domain
/// rules (Elasticsearch and OpenSearch)" and "v1.1 additions" of the catalogue spec
/// (`spec/rules.md`, kept outside this repository). Update it together with
/// the spec when a rule is added or removed.
const CATALOGUE: &[&str] = &[
    // S3 rules
    "s3-public-acl",
    "s3-public-policy",
    "s3-policy-overly-broad",
    "s3-public-access-block",
    "s3-insecure-transport",
    "s3-encryption-missing",
    "s3-encryption-not-cmk",
    "s3-versioning-disabled",
    "s3-access-logging-disabled",
    "s3-replication-disabled",
    "s3-acls-enabled",
    "s3-website-enabled",
    "s3-cors-wildcard",
    // Search domain rules (Elasticsearch and OpenSearch)
    "es-public-access-policy",
    "es-not-in-vpc",
    "es-encryption-at-rest-disabled",
    "es-encryption-not-cmk",
    "es-node-to-node-encryption-disabled",
    "es-https-not-enforced",
    "es-tls-outdated",
    "es-fine-grained-access-disabled",
    "es-anonymous-auth-enabled",
    "es-audit-logging-disabled",
    "es-logging-disabled",
    "es-master-password-in-code",
    "es-single-az",
    // v1.1 additions: OpenSearch Serverless and S3 access points
    "s3-access-point-public-policy",
    "s3-access-point-public-access-block",
    "s3-access-point-internet-origin",
    "aoss-public-network",
    "aoss-access-policy-broad",
    "aoss-encryption-not-cmk",
];

#[test]
fn builtin_rules_are_the_catalogue() {
    let registry = Registry::builtin().unwrap();
    let builtin: BTreeSet<&str> = registry.rules().iter().map(|r| r.id.as_str()).collect();
    let catalogue: BTreeSet<&str> = CATALOGUE.iter().copied().collect();
    assert_eq!(
        catalogue.len(),
        CATALOGUE.len(),
        "CATALOGUE lists an id twice"
    );
    let not_built_in: Vec<&str> = catalogue.difference(&builtin).copied().collect();
    let not_in_catalogue: Vec<&str> = builtin.difference(&catalogue).copied().collect();
    assert!(
        not_built_in.is_empty() && not_in_catalogue.is_empty(),
        "built-in rules differ from the catalogue of rules.md:\n  in the catalogue, not built in: {not_built_in:?}\n  built in, not in the catalogue: {not_in_catalogue:?}"
    );
    assert_eq!(
        registry.rules().len(),
        CATALOGUE.len(),
        "two built-in rules share an id"
    );
}

/// The fact list in docs/policies.md is generated from the registry.
#[test]
fn policy_docs_list_every_fact() {
    let mut generated = String::from("<!-- facts:start -->\n");
    // Every kind of the registry, in its order.
    for kind in phiguard_model::kinds::kinds() {
        generated.push_str(&format!(
            "\n### `{}`\n\n| fact | meaning |\n|---|---|\n",
            kind.as_str()
        ));
        let mut facts = phiguard_policy::fact_names(kind);
        facts.sort();
        for (name, doc) in facts {
            generated.push_str(&format!("| `{name}` | {doc} |\n"));
        }
    }
    generated.push_str("\n<!-- facts:end -->");

    let path = workspace().join("docs/policies.md");
    let text = fs::read_to_string(&path).unwrap();
    let start = text
        .find("<!-- facts:start -->")
        .expect("facts:start marker");
    let end =
        text.find("<!-- facts:end -->").expect("facts:end marker") + "<!-- facts:end -->".len();
    let updated = format!("{}{}{}", &text[..start], generated, &text[end..]);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, &updated).unwrap();
    } else {
        assert!(
            text == updated,
            "docs/policies.md lists stale facts: run `UPDATE_DOCS=1 cargo test -p phiguard-policy`"
        );
    }
}

/// docs/rules/ holds one page a rule, generated from the policy files.
#[test]
fn rule_pages_are_current() {
    let registry = Registry::builtin().unwrap();
    let dir = workspace().join("docs/rules");
    let mut expected: Vec<(String, String)> = registry
        .rules()
        .iter()
        .map(|r| (format!("{}.md", r.id), r.markdown()))
        .collect();
    expected.push(("README.md".into(), phiguard_policy::rules_index(&registry)));
    expected.push((
        "invalid-suppression.md".into(),
        phiguard_policy::invalid_suppression_page(),
    ));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, text) in &expected {
            fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut actual: Vec<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    actual.sort();
    let mut names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    assert_eq!(
        actual, names,
        "docs/rules/ has stale or missing pages: run `UPDATE_DOCS=1 cargo test -p phiguard-policy`"
    );
    for (name, text) in &expected {
        let current = fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            &current == text,
            "docs/rules/{name} is stale: run `UPDATE_DOCS=1 cargo test -p phiguard-policy`"
        );
    }
}
