//! The human output's flags end to end: the summary's `--fail-on` count,
//! `--show-notices`, `--statistics`, the layouts (grouped by resource,
//! `--format full`, a list above 50 findings) and the ASCII fallback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::Scratch;

const BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}
"#;

const MODULES: &str = r#"module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

module "dns" {
  source = "terraform-aws-modules/route53/aws"
}
"#;

/// Exit code and stdout of `phiguard lint ARGS` in `dir`, in a UTF-8
/// terminal's environment (the ASCII fallback reads it).
fn lint(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("phiguard")
        .unwrap()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn the_summary_names_what_fails_the_run() {
    let dir = Scratch::repository("human", &[("main.tf", BUCKET)]);
    let (code, out) = lint(&dir.0, &["--fail-on", "critical"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("; 1 at or above --fail-on critical fails the run.\n"),
        "{out}"
    );
    let (code, out) = lint(&dir.0, &["--fail-on", "never"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("; --fail-on never: none fails the run.\n"),
        "{out}"
    );
}

#[test]
fn module_calls_not_checked_are_counted_and_listed_on_request() {
    let dir = Scratch::repository("human", &[("main.tf", BUCKET), ("modules.tf", MODULES)]);
    let (_, out) = lint(&dir.0, &[]);
    assert!(
        out.contains("\n2 module calls not checked: --show-notices lists them\n"),
        "{out}"
    );
    assert!(!out.contains("module.vpc"), "{out}");
    let (_, out) = lint(&dir.0, &["--show-notices"]);
    assert!(out.contains("Notices:\n  modules.tf:1:1: module module.vpc (source \"terraform-aws-modules/vpc/aws\") not checked: "), "{out}");
    assert!(
        out.contains("\n2 module calls not checked (listed above)\n"),
        "{out}"
    );
    // `--quiet`: findings and errors only.
    let (_, out) = lint(&dir.0, &["--quiet"]);
    assert!(!out.contains("not checked"), "{out}");
}

#[test]
fn statistics_count_findings_per_rule_and_severity() {
    let dir = Scratch::repository("human", &[("main.tf", BUCKET)]);
    let (code, out) = lint(
        &dir.0,
        &[
            "--statistics",
            "--select",
            "s3-public-acl,s3-versioning-disabled",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with(
            "1  s3-public-acl           critical  S3 bucket ACL grants access to everyone\n\
             1  s3-versioning-disabled  medium    S3 bucket versioning is not enabled\n\n"
        ),
        "{out}"
    );
    let (_, json) = lint(
        &dir.0,
        &[
            "--statistics",
            "--format",
            "json",
            "--select",
            "s3-public-acl",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["summary"]["statistics"],
        serde_json::json!([{"count": 1, "rule": "s3-public-acl", "severity": "critical", "title": "S3 bucket ACL grants access to everyone"}])
    );
    // The formats made for tools have no place for counts.
    let (code, out) = lint(&dir.0, &["--statistics", "--format", "sarif"]);
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn findings_are_grouped_by_resource_unless_full() {
    let dir = Scratch::repository("human", &[("main.tf", BUCKET)]);
    let select = ["--select", "s3-public-acl,s3-versioning-disabled"];
    let (_, grouped) = lint(&dir.0, &select);
    assert_eq!(grouped.matches("╭─[").count(), 1, "{grouped}");
    assert!(
        grouped.starts_with("  × resource aws_s3_bucket.records: 2 findings\n"),
        "{grouped}"
    );
    assert!(
        grouped.contains("\n  × critical[s3-public-acl]: "),
        "{grouped}"
    );
    assert!(
        grouped.contains("\n  ⚠ medium[s3-versioning-disabled]: "),
        "{grouped}"
    );
    let (_, same) = lint(&dir.0, &[&["--format", "grouped"][..], &select].concat());
    assert_eq!(same, grouped);
    let (_, full) = lint(&dir.0, &[&["--format", "full"][..], &select].concat());
    assert_eq!(full.matches("╭─[").count(), 2, "{full}");
    // In the report's order (by position), not by severity.
    assert!(
        full.starts_with("  ⚠ medium[s3-versioning-disabled]: "),
        "{full}"
    );
}

#[test]
fn more_than_fifty_findings_are_a_list() {
    let many: String = (0..51)
        .map(|i| format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  acl = \"public-read\"\n}}\n"))
        .collect();
    let dir = Scratch::repository("human", &[("main.tf", &many)]);
    let (code, out) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("main.tf:2:9: critical [s3-public-acl] "),
        "{out}"
    );
    assert!(!out.contains("╭"), "{out}");
    assert!(out.ends_with("--format full a snippet each.\n"), "{out}");
    let (_, grouped) = lint(
        &dir.0,
        &["--select", "s3-public-acl", "--format", "grouped"],
    );
    assert_eq!(grouped.matches("╭─[").count(), 51);
}

/// A terminal that cannot show Unicode gets ASCII glyphs: `TERM=dumb`, or
/// a locale without UTF-8.
#[test]
fn ascii_when_the_terminal_cannot_show_unicode() {
    let dir = Scratch::repository("human", &[("main.tf", BUCKET)]);
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = Command::cargo_bin("phiguard").unwrap();
        cmd.current_dir(&dir.0)
            .args(["lint", "--select", "s3-public-acl"])
            .env_remove("LC_ALL")
            .env_remove("LC_CTYPE")
            .env_remove("LANG")
            .env("TERM", "xterm");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    for vars in [
        &[("TERM", "dumb"), ("LANG", "en_US.UTF-8")][..],
        &[("LANG", "C")],
        &[("LC_ALL", "POSIX"), ("LANG", "en_US.UTF-8")],
    ] {
        let out = run(vars);
        assert!(out.is_ascii(), "{vars:?}: {out}");
        assert!(
            out.contains("  x critical[s3-public-acl]: "),
            "{vars:?}: {out}"
        );
    }
    for vars in [
        &[][..],
        &[("LANG", "en_US.UTF-8")],
        &[("LC_CTYPE", "C.utf8"), ("LANG", "C")],
    ] {
        let out = run(vars);
        assert!(
            out.contains("  × critical[s3-public-acl]: "),
            "{vars:?}: {out}"
        );
    }
}
