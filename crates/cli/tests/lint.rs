//! The `phiguard lint` command end to end: formats, exit codes, spans.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `phiguard` in `dir`, in a UTF-8 terminal's environment (human output
/// falls back to ASCII otherwise).
fn phiguard(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("phiguard").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8");
    cmd
}

fn lint_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = phiguard(dir)
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), json)
}

/// A scratch folder with the given files.
fn scratch(files: &[(&str, &str)]) -> tempdir::TempDir {
    let dir = tempdir::TempDir::new();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A folder under the target directory, removed on drop.
    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
                "lint-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

const PUBLIC_BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"

  acl = "public-read"
}
"#;

#[test]
fn public_acl_points_at_the_opening_quote() {
    let dir = scratch(&[("infra/s3.tf", PUBLIC_BUCKET)]);
    let (code, json) = lint_json(dir.path(), &["infra", "--select", "s3-public-acl"]);
    assert_eq!(code, 1);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    let f = &findings[0];
    assert_eq!(f["rule"], "s3-public-acl");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["file"], "infra/s3.tf");
    assert_eq!(f["start"]["line"], 4);
    assert_eq!(f["start"]["column"], 9);
    assert_eq!(f["end"]["line"], 4);
    assert_eq!(f["end"]["column"], 22);
    assert_eq!(f["resource"]["address"], "aws_s3_bucket.records");
    assert_eq!(f["resource"]["kind"], "s3_bucket");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("\"patient-records\""));
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["resources"], 1);
}

#[test]
fn human_output_underlines_exactly_the_value() {
    let dir = scratch(&[("s3.tf", PUBLIC_BUCKET)]);
    let output = phiguard(dir.path())
        .args(["lint", "--select", "s3-public-acl", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("acl = \"public-read\""))
        .unwrap_or_else(|| panic!("no source line in:\n{text}"));
    let quote = lines[source].find('"').unwrap();
    let marker = lines[source + 1];
    let underline: Vec<(usize, char)> = marker
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace() && *c != '·' && *c != '│' && *c != '┆')
        .collect();
    // Byte offsets of the source line and the marker line agree up to the
    // gutter, which is ASCII in both; compare character columns.
    let quote_col = lines[source][..quote].chars().count();
    let first = marker[..underline[0].0].chars().count();
    assert_eq!(
        first, quote_col,
        "underline starts under the quote:\n{text}"
    );
    assert_eq!(
        underline.len(),
        "\"public-read\"".len(),
        "underline covers the value:\n{text}"
    );
}

#[test]
fn unknown_values_are_undecided_not_findings() {
    let dir = scratch(&[(
        "main.tf",
        "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n",
    )]);
    let (code, json) = lint_json(dir.path(), &["--select", "s3-public-acl"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["undecided"], 1);
    let undecided = &json["undecided"][0];
    assert_eq!(undecided["rule"], "s3-public-acl");
    assert_eq!(undecided["reason"], "var.acl has no value");
    assert_eq!(undecided["start"]["line"], 4);
    assert_eq!(undecided["start"]["column"], 9);
}

#[test]
fn a_file_that_does_not_parse_is_an_error_and_the_others_are_still_linted() {
    let dir = scratch(&[
        (
            "a/broken.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  acl = \n}\n",
        ),
        ("b/s3.tf", PUBLIC_BUCKET),
    ]);
    let (code, json) = lint_json(dir.path(), &["--select", "s3-public-acl"]);
    assert_eq!(code, 2, "{json:#}");
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json:#}");
    assert_eq!(errors[0]["file"], "a/broken.tf");
    assert!(errors[0]["start"]["line"].as_u64().unwrap() >= 2);
    assert!(errors[0]["start"]["column"].as_u64().is_some());
    assert_eq!(json["findings"][0]["file"], "b/s3.tf");
    assert_eq!(json["summary"]["errors"], 1);
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = scratch(&[("s3.tf", PUBLIC_BUCKET)]);
    let code = |args: &[&str]| {
        phiguard(dir.path())
            .arg("lint")
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[]), Some(1));
    assert_eq!(code(&["--fail-on", "never"]), Some(0));
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    assert_eq!(
        code(&["--select", "s3-versioning-disabled", "--fail-on", "high"]),
        Some(0)
    );
    assert_eq!(
        code(&["--select", "s3-versioning-disabled", "--fail-on", "medium"]),
        Some(1)
    );
    assert_eq!(
        code(&[
            "--select",
            "s3-public-acl,es-not-in-vpc",
            "--ignore",
            "s3-public-acl"
        ]),
        Some(0)
    );
}

#[test]
fn min_severity_hides_findings() {
    let dir = scratch(&[("s3.tf", PUBLIC_BUCKET)]);
    let (_, all) = lint_json(dir.path(), &[]);
    let (code, high) = lint_json(dir.path(), &["--min-severity", "high"]);
    assert!(all["findings"].as_array().unwrap().len() > high["findings"].as_array().unwrap().len());
    assert!(high["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "critical" || f["severity"] == "high"));
    assert_eq!(code, 1);
}

#[test]
fn bad_usage_exits_2() {
    let dir = scratch(&[("s3.tf", PUBLIC_BUCKET)]);
    let out = phiguard(dir.path())
        .args(["lint", "--select", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule id `no-such-rule`"));

    let out = phiguard(dir.path())
        .args(["lint", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let (code, json) = lint_json(dir.path(), &["missing.tf"]);
    assert_eq!(code, 2);
    assert_eq!(json["errors"][0]["file"], "missing.tf");
}

#[test]
fn output_goes_to_a_file() {
    let dir = scratch(&[("s3.tf", PUBLIC_BUCKET)]);
    let out = phiguard(dir.path())
        .args(["lint", "--format", "json", "--output", "report.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let json: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 2);
}

#[test]
fn fixtures_lint_with_findings_and_no_errors() {
    let (code, json) = lint_json(&workspace(), &["fixtures"]);
    assert_eq!(code, 1, "{:#}", json["errors"]);
    assert_eq!(json["summary"]["errors"], 0);
    assert!(json["summary"]["findings"].as_u64().unwrap() > 5);
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "findings are sorted by file");
}

#[test]
fn a_dynamic_block_over_unknown_items_is_undecided() {
    let dir = scratch(&[(
        "main.tf",
        r#"variable "public" {
  type = bool
}

resource "aws_s3_bucket" "b" {
  dynamic "grant" {
    for_each = var.public ? [1] : []
    content {
      type        = "Group"
      uri         = "http://acs.amazonaws.com/groups/global/AllUsers"
      permissions = ["READ"]
    }
  }
}
"#,
    )]);
    let (code, json) = lint_json(dir.path(), &["--select", "s3-public-acl"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0, "{json:#}");
    let reason = json["undecided"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("var.public has no value"), "{reason}");

    let (code, json) = lint_json(
        dir.path(),
        &["--select", "s3-public-acl", "--var", "public=true"],
    );
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["findings"][0]["start"]["line"], 10);
}

/// Many files: a progress bar on a terminal (emulated with `script`), none
/// when stderr is a pipe or with `--quiet`.
#[test]
fn progress_bar_only_on_a_terminal_and_never_quiet() {
    let files: Vec<(String, String)> = (0..300)
        .map(|i| {
            (
                format!("m{i}/main.tf"),
                format!("resource \"aws_s3_bucket\" \"b{i}\" {{}}\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = scratch(&refs);

    let piped = phiguard(dir.path())
        .args(["lint", "--fail-on", "never"])
        .output()
        .unwrap();
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );

    let bin = assert_cmd::cargo::cargo_bin("phiguard");
    let on_terminal = |extra: &str| -> Option<String> {
        let log = dir.path().join("tty.log");
        let command = format!(
            "{} lint --fail-on never --output /dev/null {extra}",
            bin.display()
        );
        let status = std::process::Command::new("script")
            .current_dir(dir.path())
            .args(["-qec", &command])
            .arg(&log)
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?;
        status
            .success()
            .then(|| fs::read_to_string(&log).unwrap_or_default())
    };
    match on_terminal("") {
        None => eprintln!("skipped the terminal half: `script` (util-linux) is not available"),
        Some(shown) => {
            assert!(
                shown.contains("linting"),
                "no progress bar on a terminal: {shown}"
            );
            let quiet = on_terminal("--quiet").unwrap();
            assert!(
                !quiet.contains("linting"),
                "a progress bar despite --quiet: {quiet}"
            );
        }
    }
}
