//! Every fixable rule's fixes, end to end: each file of
//! `fixtures/<rule>/fix/` is copied alone into a scratch folder and fixed
//! with only its rule selected and unsafe fixes allowed. The fix must
//! change the file, leave no finding of the rule (in the returned report
//! and when the written text is linted afresh), and be complete: fixing
//! again changes nothing. The fixed text is kept in snapshots
//! (`tests/snapshots/fixes__<rule>__<file>.snap`); run with
//! `INSTA_UPDATE=always` (or `cargo insta review`) to accept a change
//! after reading it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use phiguard_linter::{fix, lint, FixOptions, Inputs, PerPathIgnores, Settings};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Registry, Scope};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The built-in rules with an `edit.*` in a check: the ones `--fix` can
/// repair.
fn fixable_rules(registry: &Registry) -> BTreeSet<String> {
    registry
        .rules()
        .iter()
        .filter(|rule| rule.checks.iter().any(|check| check.edit.is_some()))
        .map(|rule| rule.id.clone())
        .collect()
}

/// The files of `fixtures/<rule>/fix/`, by name, sorted; empty when there
/// is no such folder.
fn fix_files(rule: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir(fixtures().join(rule).join("fix")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A folder of its own under the system's temporary folder, removed when
/// dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "phiguard-linter-fixes-{}-{n}-{label}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        // Canonical, so that the paths `fix` returns compare equal.
        Scratch(fs::canonicalize(&dir).unwrap())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn settings(rule: &str, root: &Path) -> Settings {
    Settings {
        registry: Registry::builtin().unwrap_or_else(|errors| panic!("{errors:?}")),
        select: vec![rule.to_string()],
        ignore: Vec::new(),
        severity_overrides: Vec::new(),
        per_path_ignores: PerPathIgnores::default(),
        min_severity: None,
        scope: Scope::All,
        today: "2024-01-01".into(),
        project_root: root.to_path_buf(),
    }
}

/// The scratch folder, as `phiguard lint .` run inside it reads it.
fn inputs(root: &Path) -> Inputs {
    let load = LoadOptions {
        paths: vec![PathBuf::from(".")],
        base_dir: root.to_path_buf(),
        ..LoadOptions::default()
    };
    Inputs::paths(load, root)
}

/// `path:line:column message` of each finding of `rule` in `report`.
fn findings_of(report: &phiguard_model::Report, rule: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| &*f.rule == rule)
        .map(|f| {
            let (start, _) = report.positions(f.span);
            let path = report.path(f.span.file);
            format!("{path}:{}:{} {}", start.line, start.column, f.message)
        })
        .collect()
}

const UNSAFE: FixOptions = FixOptions { unsafe_fixes: true };

/// Fixes `fixtures/<rule>/fix/<name>` alone and returns the fixed text,
/// asserting along the way.
fn fixed_text(rule: &str, name: &str) -> String {
    let source = fixtures().join(rule).join("fix").join(name);
    let before = fs::read_to_string(&source).unwrap();
    let scratch = Scratch::new(&format!("{rule}-{name}"));
    let path = scratch.0.join(name);
    fs::write(&path, &before).unwrap();
    let settings = settings(rule, &scratch.0);
    let what = format!("fixtures/{rule}/fix/{name}");

    let linted = lint(&settings, &inputs(&scratch.0));
    assert!(linted.errors.is_empty(), "{what}: {:?}", linted.errors);
    assert!(
        !findings_of(&linted, rule).is_empty(),
        "{what} has no finding of {rule} to fix"
    );

    let fixed = fix(&settings, &inputs(&scratch.0), UNSAFE);
    assert!(
        fixed.report.errors.is_empty(),
        "{what}: {:?}",
        fixed.report.errors
    );
    let [change] = fixed.changes.as_slice() else {
        panic!(
            "{what}: expected one changed file, got {:?}",
            fixed
                .changes
                .iter()
                .map(|c| &c.display_path)
                .collect::<Vec<_>>()
        );
    };
    assert_eq!(change.path, path, "{what}");
    assert_eq!(change.before, before, "{what}");
    assert_ne!(change.after, before, "{what}: the fix changed nothing");
    assert!(fixed.applied > 0, "{what}");
    let left = findings_of(&fixed.report, rule);
    assert!(
        left.is_empty(),
        "{what}: findings left after fixing: {left:#?}"
    );

    // The fixed text, written and linted afresh.
    fs::write(&path, &change.after).unwrap();
    let relinted = lint(&settings, &inputs(&scratch.0));
    assert!(
        relinted.errors.is_empty(),
        "{what}: the fixed text does not load: {:?}",
        relinted.errors
    );
    let left = findings_of(&relinted, rule);
    assert!(
        left.is_empty(),
        "{what}: findings in the fixed text: {left:#?}"
    );

    // Fixing again has nothing left to do.
    let again = fix(&settings, &inputs(&scratch.0), UNSAFE);
    assert!(
        again.changes.is_empty() && again.applied == 0,
        "{what}: a second fix changed {:?}",
        again.changes.iter().map(|c| &c.after).collect::<Vec<_>>()
    );
    change.after.clone()
}

#[test]
fn every_fixable_rule_has_fix_fixtures_in_both_languages() {
    let registry = Registry::builtin().unwrap_or_else(|errors| panic!("{errors:?}"));
    let fixable = fixable_rules(&registry);
    assert!(!fixable.is_empty());
    let with_fixtures: BTreeSet<String> = registry
        .rules()
        .iter()
        .map(|rule| rule.id.clone())
        .filter(|id| {
            let files = fix_files(id);
            files.iter().any(|f| f.ends_with(".tf")) && files.iter().any(|f| f.ends_with(".yaml"))
        })
        .collect();
    assert_eq!(
        fixable, with_fixtures,
        "rules with an `edit.` (left) and rules with a .tf and a .yaml in fixtures/<rule>/fix/ (right) must be the same"
    );
}

#[test]
fn fixes_repair_every_fix_fixture_completely() {
    let registry = Registry::builtin().unwrap_or_else(|errors| panic!("{errors:?}"));
    for rule in fixable_rules(&registry) {
        for name in fix_files(&rule) {
            let after = fixed_text(&rule, &name);
            insta::with_settings!({
                description => format!("fixtures/{rule}/fix/{name} after `phiguard lint --select {rule} --fix --unsafe-fixes`"),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{rule}__{name}"), after);
            });
        }
    }
}
