//! `rules`, `explain`, `baseline`, suppressions and `--quiet`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn phiguard(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("phiguard").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), value)
}

#[test]
fn rules_lists_every_policy() {
    let out = phiguard(&workspace()).args(["rules"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // Every policy file, and the rule that checks suppressions.
    let policies = fs::read_dir(workspace().join("policies")).unwrap().count() + 1;
    assert!(text.contains("invalid-suppression  "), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains("  ")).count(),
        policies,
        "{text}"
    );
    assert!(text.contains("s3-public-acl"));

    let (code, rules) = json(phiguard(&workspace()).args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), policies);
    let acl = rules.iter().find(|r| r["id"] == "s3-public-acl").unwrap();
    assert_eq!(acl["severity"], "critical");
    assert_eq!(acl["kind"], "s3_bucket");
    assert!(acl["hipaa"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h == "164.312(a)(1)"));
    assert!(acl["remediation"]["terraform"]
        .as_str()
        .unwrap()
        .contains("aws_s3_bucket"));
}

#[test]
fn explain_prints_the_rule_page() {
    // Rendered for the terminal: no Markdown syntax, no comment, the
    // relative link absolute against the page's URL, the page's URL last.
    let out = phiguard(&workspace())
        .args(["explain", "es-not-in-vpc"])
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("es-not-in-vpc: Search domain has a public endpoint\n═══"),
        "{text}"
    );
    assert!(
        text.contains("\nHIPAA Security Rule  164.308(a)(3)(i), "),
        "{text}"
    );
    assert!(text.contains("\n      vpc_options {\n"), "{text}");
    assert!(text.contains("VPCOptions"), "{text}");
    for markdown in ["<!--", "```", "|---", "## ", "(../"] {
        assert!(!text.contains(markdown), "{markdown}: {text}");
    }
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert!(
        text.contains(&format!(
            "the policy format ({repository}/blob/main/docs/policies.md#facts)"
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "\ndocs: {repository}/blob/main/docs/rules/es-not-in-vpc.md\n"
        )),
        "{text}"
    );

    // `--raw`: the page's Markdown, as docs/rules/ holds it.
    let out = phiguard(&workspace())
        .args(["explain", "es-not-in-vpc", "--raw"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = fs::read_to_string(workspace().join("docs/rules/es-not-in-vpc.md")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), page);

    // Offline, with a local copy: links into it.
    let out = phiguard(&workspace())
        .args(["explain", "invalid-suppression", "--docs-url", "docs/rules"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let local = format!(
        "file://{}/docs/rules/invalid-suppression.md",
        workspace().display()
    );
    assert!(text.ends_with(&format!("\ndocs: {local}\n")), "{text}");

    let out = phiguard(&workspace())
        .args(["explain", "s3-public"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

const BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}
"#;

#[test]
fn baselines_and_per_path_ignores_do_not_depend_on_the_working_directory() {
    // A repository: a baseline written at its top must match a run from any
    // folder in it, through a symbolic link too, and with a config file in
    // a subfolder; the config's globs are relative to its own folder.
    let dir = Scratch::new(
        "commands",
        &[
            ("infra/main.tf", BUCKET),
            (".git/HEAD", "ref: refs/heads/main\n"),
        ],
    );
    let infra = dir.0.join("infra");
    let out = phiguard(&dir.0)
        .args(["baseline", ".", "--output", "base.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let base = dir.0.join("base.json");
    let known = |cwd: &Path, path: &Path| {
        let (code, report) = json(
            phiguard(cwd)
                .args(["lint", "--format", "json", "--baseline"])
                .arg(&base)
                .arg(path),
        );
        assert_eq!(code, 0, "from {}: {report:#}", cwd.display());
        assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    };
    known(&dir.0, Path::new("infra"));
    known(&infra, Path::new("."));
    #[cfg(unix)]
    {
        let link = dir.0.with_extension("link");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&dir.0, &link).unwrap();
        known(&dir.0, &link.join("infra"));
        let _ = fs::remove_file(&link);
    }
    fs::write(infra.join(".phiguard.yaml"), "min_severity: low\n").unwrap();
    known(&dir.0, Path::new("infra"));
    known(&infra, Path::new("."));
    fs::remove_file(infra.join(".phiguard.yaml")).unwrap();

    fs::write(
        dir.0.join(".phiguard.yaml"),
        "per_path_ignores:\n  \"infra/**\": [s3-public-acl]\n",
    )
    .unwrap();
    for cwd in [&dir.0, &infra] {
        let (_, report) = json(phiguard(cwd).args(["lint", "--format", "json"]).arg(&infra));
        let rules: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(!rules.contains(&"s3-public-acl"), "{rules:?}");
        assert!(rules.contains(&"s3-versioning-disabled"), "{rules:?}");
    }
}

#[test]
fn baseline_hides_recorded_findings_and_survives_added_lines() {
    let dir = Scratch::new("commands", &[("main.tf", BUCKET)]);
    let out = phiguard(&dir.0)
        .args(["baseline", ".", "--output", "base.json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, report) =
        json(phiguard(&dir.0).args(["lint", "--baseline", "base.json", "--format", "json"]));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    let hidden = report["summary"]["baselined"].as_u64().unwrap();
    assert!(hidden > 0, "{report:#}");
    assert_eq!(report["summary"]["stale_baseline"], 0);
    // Without a baseline the fields are absent.
    let (_, plain) = json(phiguard(&dir.0).args(["lint", "--format", "json"]));
    assert!(plain["summary"].get("baselined").is_none());

    // Lines added above the finding: still known.
    fs::write(dir.0.join("main.tf"), format!("# a comment\n\n{BUCKET}")).unwrap();
    let (code, report) =
        json(phiguard(&dir.0).args(["lint", "--baseline", "base.json", "--format", "json"]));
    assert_eq!(code, 0, "{report:#}");

    // Another resource: new findings.
    fs::write(
        dir.0.join("main.tf"),
        BUCKET.replace("\"records\"", "\"claims\""),
    )
    .unwrap();
    let (code, report) =
        json(phiguard(&dir.0).args(["lint", "--baseline", "base.json", "--format", "json"]));
    assert_eq!(code, 1);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "s3-public-acl"));
    // The renamed resource's entries match nothing now: said, in JSON and
    // in the human summary.
    assert_eq!(report["summary"]["baselined"], 0);
    assert_eq!(report["summary"]["stale_baseline"], hidden);
    let human = phiguard(&dir.0)
        .args(["lint", "--baseline", "base.json", "--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(&format!(
            "Baseline: 0 findings hidden; {hidden} entries match nothing (`phiguard baseline` rewrites the file without them)."
        )),
        "{human}"
    );
    // Rewriting the baseline says what changed.
    let out = phiguard(&dir.0)
        .args(["baseline", ".", "--output", "base.json"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!(
            "replaced base.json: {hidden} findings ({hidden} added, {hidden} removed)"
        )),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A run with an error, or with nothing to lint, leaves the file alone:
    // it would record a baseline missing findings.
    let before = fs::read_to_string(dir.0.join("base.json")).unwrap();
    for path in ["typo-dir", "empty"] {
        fs::create_dir_all(dir.0.join("empty")).unwrap();
        let out = phiguard(&dir.0)
            .args(["baseline", path, "--output", "base.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("base.json not written"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(fs::read_to_string(dir.0.join("base.json")).unwrap(), before);
    }

    fs::write(dir.0.join("bad.json"), "{\"findings\": 3}").unwrap();
    let out = phiguard(&dir.0)
        .args(["lint", "--baseline", "bad.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json:1:"));
}

#[test]
fn suppressions_hide_findings_and_report_bad_ones() {
    let text = r#"# phiguard:ignore s3-public-acl -- a public website of leaflets, no PHI
resource "aws_s3_bucket" "leaflets" {
  bucket = "leaflets"
  acl    = "public-read"
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read" # phiguard:ignore s3-public-acl
}

resource "aws_s3_bucket" "claims" {
  bucket = "claims" # phiguard:ignore s3-public-acl -- nothing to hide here
}

# phiguard:ignore s3-public-acl until=2020-01-01 -- expired long ago
resource "aws_s3_bucket" "old" {
  acl = "public-read"
}

// phiguard:ignore s3-no-such-rule -- typo
resource "aws_s3_bucket" "typo" {}
"#;
    let dir = Scratch::new("commands", &[("main.tf", text)]);
    let (code, report) = json(phiguard(&dir.0).args([
        "lint",
        "--format",
        "json",
        "--select",
        "s3-public-acl,invalid-suppression",
    ]));
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    let at = |rule: &str, line: u64| {
        findings
            .iter()
            .find(|f| f["rule"] == rule && f["start"]["line"] == line)
            .unwrap_or_else(|| panic!("no {rule} on line {line}: {report:#}"))
    };
    let suppressed = at("s3-public-acl", 4);
    assert_eq!(
        suppressed["suppressed"]["reason"],
        "a public website of leaflets, no PHI"
    );
    assert_eq!(suppressed["suppressed"]["kind"], "inSource");
    // No reason: reported, and the finding stays.
    assert!(at("s3-public-acl", 9)["suppressed"].is_null());
    assert!(at("invalid-suppression", 9)["message"]
        .as_str()
        .unwrap()
        .contains("no reason"));
    assert!(at("invalid-suppression", 13)["message"]
        .as_str()
        .unwrap()
        .contains("suppressed nothing"));
    assert!(at("invalid-suppression", 16)["message"]
        .as_str()
        .unwrap()
        .contains("expired on 2020-01-01"));
    assert!(at("s3-public-acl", 18)["suppressed"].is_null());
    assert!(at("invalid-suppression", 21)["message"]
        .as_str()
        .unwrap()
        .contains("unknown rule `s3-no-such-rule`"));
    assert_eq!(report["summary"]["suppressed"], 1);

    // Suppressed findings are not printed in human output.
    let out = phiguard(&dir.0)
        .args(["lint", "--select", "s3-public-acl", "--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(!human.contains("\"leaflets\""), "{human}");
    assert!(human.contains("\"patient-records\""), "{human}");
}

#[test]
fn quiet_prints_findings_only() {
    let dir = Scratch::new("commands", &[("main.tf", BUCKET)]);
    let out = phiguard(&dir.0)
        .args([
            "lint",
            "--quiet",
            "--color",
            "never",
            "--select",
            "s3-public-acl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("s3-public-acl"));
    assert!(!text.contains("Checked"), "{text}");
    assert!(out.stderr.is_empty());
}

#[test]
fn cloudformation_suppressions_in_metadata_and_yaml_comments() {
    let template = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Leaflets": {
      "Type": "AWS::S3::Bucket",
      "Metadata": {"phiguard": {"ignore": [{"id": "s3-public-acl", "reason": "public leaflets, no PHI"}]}},
      "Properties": {"AccessControl": "PublicRead"}
    },
    "Records": {
      "Type": "AWS::S3::Bucket",
      "Metadata": {"phiguard": {"ignore": [{"id": "s3-public-acl"}]}},
      "Properties": {"AccessControl": "PublicRead"}
    }
  }
}
"#;
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  # phiguard:ignore s3-public-acl -- public leaflets, no PHI\n  Leaflets:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n  Records:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead # phiguard:ignore s3-public-acl -- reviewed, see OPS-7\n";
    let dir = Scratch::new(
        "commands",
        &[("template.json", template), ("template.yaml", yaml)],
    );
    let (_, report) = json(phiguard(&dir.0).args([
        "lint",
        "--format",
        "json",
        "--select",
        "s3-public-acl,invalid-suppression",
    ]));
    let findings = report["findings"].as_array().unwrap();
    let get = |file: &str, address: &str, rule: &str| {
        findings
            .iter()
            .find(|f| f["file"] == file && f["resource"]["address"] == address && f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} for {file} {address}: {report:#}"))
    };
    assert_eq!(
        get("template.json", "Leaflets", "s3-public-acl")["suppressed"]["reason"],
        "public leaflets, no PHI"
    );
    assert!(get("template.json", "Records", "s3-public-acl")["suppressed"].is_null());
    let message = get("template.json", "Records", "invalid-suppression")["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("no reason") && message.contains("add `reason: "),
        "{message}"
    );
    assert_eq!(
        get("template.yaml", "Leaflets", "s3-public-acl")["suppressed"]["reason"],
        "public leaflets, no PHI"
    );
    assert_eq!(
        get("template.yaml", "Records", "s3-public-acl")["suppressed"]["reason"],
        "reviewed, see OPS-7"
    );
}

#[test]
fn suppressions_cover_undecided_checks_too() {
    // The ACL is not known offline: the public-ACL check is undecided. A
    // suppression of that rule covers it; it did not "suppress nothing".
    let tf = "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  # phiguard:ignore s3-public-acl -- reviewed with security, see OPS-9\n  acl = var.acl\n}\n";
    let dir = Scratch::new("commands", &[("main.tf", tf)]);
    let counts = || {
        let (_, report) = json(phiguard(&dir.0).args([
            "lint",
            "--format",
            "json",
            "--select",
            "s3-public-acl,invalid-suppression",
        ]));
        let count = |key: &str| report[key].as_array().map_or(0, Vec::len);
        (count("undecided"), count("findings"))
    };
    assert_eq!(counts(), (0, 0));
    let unsuppressed = tf.replace(
        "  # phiguard:ignore s3-public-acl -- reviewed with security, see OPS-9\n",
        "",
    );
    fs::write(dir.0.join("main.tf"), unsuppressed).unwrap();
    assert_eq!(counts(), (1, 0));
}

#[test]
fn one_policy_over_two_collections_gives_each_its_own_fingerprint() {
    // A baseline of the first collection's exposure must not hide the
    // second's, though one network policy exposes both.
    let policy = "resource \"aws_opensearchserverless_security_policy\" \"n\" {\n  name   = \"n\"\n  type   = \"network\"\n  policy = jsonencode([{ Rules = [{ ResourceType = \"collection\", Resource = [\"collection/phi-*\"] }], AllowFromPublic = true }])\n}\n";
    let one = format!(
        "resource \"aws_opensearchserverless_collection\" \"a\" {{ name = \"phi-a\" }}\n{policy}"
    );
    let dir = Scratch::new("collections", &[("main.tf", &one)]);
    let out = phiguard(&dir.0)
        .args([
            "baseline",
            ".",
            "--select",
            "aoss-public-network",
            "--output",
            "base.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    fs::write(
        dir.0.join("main.tf"),
        format!(
            "{one}resource \"aws_opensearchserverless_collection\" \"b\" {{ name = \"phi-b\" }}\n"
        ),
    )
    .unwrap();
    let (code, report) = json(phiguard(&dir.0).args([
        "lint",
        "--select",
        "aoss-public-network",
        "--baseline",
        "base.json",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{report:#}");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert!(findings[0]["message"].as_str().unwrap().contains("phi-b"));
}
