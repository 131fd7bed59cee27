//! The files other tools read: the pre-commit hook definition and the
//! GitHub Action. (The hook itself runs end to end in scripts/test-pre-commit,
//! and the SARIF it uploads is validated by scripts/validate-sarif.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use phiguard_model::{FileId, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    phiguard_parser::yaml::parse(&text, FileId(0))
        .unwrap_or_else(|e| panic!("{name}: {}", e.message))
        .remove(0)
}

#[test]
fn pre_commit_hook_builds_from_source_and_checks_the_staged_change() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks.as_list().unwrap()[0];
    let text = |key: &str| hook.get(key).and_then(Value::as_str);
    let flag = |key: &str| hook.get(key).and_then(Value::as_bool);
    assert_eq!(text("id"), Some("phiguard"));
    assert_eq!(text("language"), Some("rust"));
    assert_eq!(text("entry"), Some("phiguard lint --staged"));
    // phiguard reads the index itself, and must run when only a file it
    // would not be passed (a deleted policy file) changed.
    assert_eq!(flag("pass_filenames"), Some(false));
    assert_eq!(flag("always_run"), Some(true));
    let stages: Vec<&str> = hook
        .get("stages")
        .and_then(Value::as_list)
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(stages.contains(&"pre-commit") && stages.contains(&"pre-push"));
}

#[test]
fn the_per_file_hook_passes_the_interface_file_types() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks.as_list().unwrap()[1];
    assert_eq!(
        hook.get("id").and_then(Value::as_str),
        Some("phiguard-files")
    );
    assert_eq!(hook.get("language").and_then(Value::as_str), Some("rust"));
    // A staged YAML file that is no template is nothing to lint: no error.
    assert_eq!(
        hook.get("entry").and_then(Value::as_str),
        Some("phiguard lint --allow-empty")
    );
    let files = regex_like(hook.get("files").and_then(Value::as_str).unwrap());
    for name in [
        "main.tf",
        "prod.tfvars",
        "t.yaml",
        "t.yml",
        "t.json",
        "t.template",
    ] {
        assert!(files(name), "{name} is not passed to the hook");
    }
    assert!(!files("README.md"));
}

/// The hook's `files` pattern is `\.(a|b|...)$`: enough to check by hand.
fn regex_like(pattern: &str) -> impl Fn(&str) -> bool {
    let inner = pattern
        .strip_prefix("\\.(")
        .and_then(|p| p.strip_suffix(")$"))
        .unwrap_or_else(|| panic!("unexpected files pattern {pattern}"));
    let endings: Vec<String> = inner.split('|').map(|e| format!(".{e}")).collect();
    move |name: &str| endings.iter().any(|e| name.ends_with(e.as_str()))
}

#[test]
fn action_writes_sarif_with_the_documented_inputs() {
    let action = yaml("action.yml");
    let inputs = action.get("inputs").unwrap();
    for input in [
        "path",
        "fail-on",
        "config",
        "sarif-file",
        "only-new",
        "min-severity",
        "args",
    ] {
        assert!(
            inputs.get(input).is_some(),
            "action.yml has no input `{input}`"
        );
    }
    let runs = action.get("runs").unwrap();
    assert_eq!(runs.get("using").and_then(Value::as_str), Some("composite"));
    let scripts: Vec<&str> = runs
        .get("steps")
        .unwrap()
        .as_list()
        .unwrap()
        .iter()
        .filter_map(|s| s.get("run").and_then(Value::as_str))
        .collect();
    assert!(scripts.iter().any(|s| s.contains("cargo install --locked")));
    // The lint step runs scripts/action-lint, which scripts/test-action
    // runs against a local repository.
    assert!(scripts.iter().any(|s| s.contains("scripts/action-lint")));
    let lint = std::fs::read_to_string(root().join("scripts/action-lint")).unwrap();
    for option in [
        "--format sarif",
        "--output",
        "--fail-on",
        "--config",
        "--min-severity",
        "--changed-since",
        "--only-new",
    ] {
        assert!(
            lint.contains(option),
            "the lint step does not pass {option}"
        );
    }
    let docs = std::fs::read_to_string(root().join("docs/github-action.md")).unwrap();
    assert!(docs.contains("github/codeql-action/upload-sarif"));
}
