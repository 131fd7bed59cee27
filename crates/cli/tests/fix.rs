//! `phiguard lint --fix`, `--unsafe-fixes` and `--diff` end to end: what
//! is written, what is shown, exit codes, and the fix in JSON and SARIF.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

fn phiguard(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("phiguard").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8");
    cmd
}

const BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read" # keep this comment
}
"#;

const DOMAIN: &str = r#"resource "aws_opensearch_domain" "search" {
  domain_name = "clinical-search"

  domain_endpoint_options {
    enforce_https       = false
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }
}
"#;

const TEMPLATE: &str = "Parameters:
  Acl:
    Type: String
    Default: PublicRead
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: patient-records
      AccessControl: !Ref Acl
";

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn fix_replaces_literals_where_they_are_written_and_keeps_the_rest() {
    let dir = Scratch::repository("fix", &[("main.tf", BUCKET), ("search.tf", DOMAIN)]);
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--select",
            "s3-public-acl,es-https-not-enforced,es-tls-outdated",
            ".",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fixed 3 findings in 2 files"), "{stderr}");
    assert_eq!(
        read(&dir.0, "main.tf"),
        BUCKET.replace("\"public-read\"", "\"private\"")
    );
    assert_eq!(
        read(&dir.0, "search.tf"),
        DOMAIN
            .replace("= false", "= true")
            .replace("TLS-1-0", "TLS-1-2")
    );
    // What is left is reported: nothing of these rules.
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // A second run changes nothing.
    let again = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--select",
            "s3-public-acl,es-https-not-enforced,es-tls-outdated",
            ".",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("fixed 0 findings in 0 files"));
}

#[test]
fn a_parameter_default_read_by_one_bucket_is_fixed_there() {
    let dir = Scratch::repository("fix", &[("template.yaml", TEMPLATE)]);
    phiguard(&dir.0)
        .args(["lint", "--fix", "--select", "s3-public-acl", "."])
        .assert()
        .success();
    assert_eq!(
        read(&dir.0, "template.yaml"),
        TEMPLATE.replace("Default: PublicRead", "Default: Private")
    );
}

#[test]
fn a_variable_default_read_by_two_buckets_is_an_unsafe_fix() {
    let shared = r#"variable "acl" {
  default = "public-read"
}

resource "aws_s3_bucket" "a" {
  bucket = "a"
  acl    = var.acl
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
  acl    = var.acl
}
"#;
    let dir = Scratch::repository("fix", &[("main.tf", shared)]);
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--select",
            "s3-public-acl",
            "--format",
            "json",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(read(&dir.0, "main.tf"), shared, "a safe-only run leaves it");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fix = &json["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "unsafe");
    assert!(
        fix["description"]
            .as_str()
            .unwrap()
            .contains("`acl` is read in 2 places"),
        "{fix}"
    );
    assert!(json["findings"][0]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("--unsafe-fixes")));
    phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "s3-public-acl",
            ".",
        ])
        .assert()
        .success();
    assert_eq!(
        read(&dir.0, "main.tf"),
        shared.replace("public-read", "private")
    );
}

/// `var.acl` in another configuration is another variable: it does not
/// make the fix of this one's default unsafe (nor does each fix read the
/// whole repository to count it).
#[test]
fn a_variable_of_the_same_name_in_another_folder_is_another_variable() {
    let one = r#"variable "acl" {
  default = "public-read"
}

resource "aws_s3_bucket" "a" {
  bucket = "a"
  acl    = var.acl
}
"#;
    let other = r#"variable "acl" {
  default = "private"
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
  acl    = var.acl
}

resource "aws_s3_bucket" "c" {
  bucket = "c"
  acl    = var.acl
}
"#;
    let dir = Scratch::repository("fix", &[("one/main.tf", one), ("other/main.tf", other)]);
    phiguard(&dir.0)
        .args(["lint", "--fix", "--select", "s3-public-acl", "."])
        .assert()
        .success();
    assert_eq!(
        read(&dir.0, "one/main.tf"),
        one.replace("public-read", "private"),
        "a safe fix"
    );
    assert_eq!(read(&dir.0, "other/main.tf"), other);
}

#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let dir = Scratch::repository("fix", &[("main.tf", BUCKET)]);
    let output = phiguard(&dir.0)
        .args(["lint", "--diff", "--select", "s3-public-acl", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let diff = String::from_utf8(output.stdout).unwrap();
    assert!(diff.starts_with("--- a/main.tf\n+++ b/main.tf\n"), "{diff}");
    assert!(diff.contains("-  acl    = \"public-read\" # keep this comment\n"));
    assert!(diff.contains("+  acl    = \"private\" # keep this comment\n"));
    assert_eq!(read(&dir.0, "main.tf"), BUCKET);
    // Nothing to change: exit 0, no diff.
    let clean = Scratch::repository(
        "fix",
        &[("main.tf", &BUCKET.replace("public-read", "private"))],
    );
    let output = phiguard(&clean.0)
        .args(["lint", "--diff", "--select", "s3-public-acl", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

#[test]
fn unsafe_fixes_add_what_is_missing() {
    let bare = "resource \"aws_s3_bucket\" \"records\" {\n  bucket = \"patient-records\"\n}\n";
    let dir = Scratch::repository("fix", &[("main.tf", bare)]);
    phiguard(&dir.0)
        .args(["lint", "--fix", "--select", "s3-public-access-block", "."])
        .assert()
        .code(1);
    assert_eq!(read(&dir.0, "main.tf"), bare, "adding a resource is unsafe");
    phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "s3-public-access-block",
            ".",
        ])
        .assert()
        .success();
    let fixed = read(&dir.0, "main.tf");
    assert!(
        fixed.starts_with(bare) && fixed.contains("resource \"aws_s3_bucket_public_access_block\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n"),
        "{fixed}"
    );
}

#[test]
fn fix_flags_are_refused_where_they_cannot_work() {
    let dir = Scratch::repository("fix", &[("main.tf", BUCKET)]);
    let output = phiguard(&dir.0)
        .args(["lint", "--unsafe-fixes", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--unsafe-fixes needs --fix or --diff")
    );
    phiguard(&dir.0)
        .args(["lint", "--fix", "--staged"])
        .assert()
        .code(2);
    assert_eq!(read(&dir.0, "main.tf"), BUCKET);
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = Scratch::repository("fix", &[("main.tf", BUCKET)]);
    let output = phiguard(&dir.0)
        .args(["lint", "--select", "s3-public-acl", "--format", "json", "."])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema_version"], 2);
    let finding = &json["findings"][0];
    assert_eq!(finding["help"], "acl = \"private\"");
    assert_eq!(
        finding["fix"],
        serde_json::json!({
            "applicability": "safe",
            "description": "change \"public-read\" to \"private\"",
            "edits": [{
                "file": "main.tf",
                "start": {"line": 3, "column": 12},
                "end": {"line": 3, "column": 25},
                "replacement": "\"private\""
            }]
        })
    );
    assert_eq!(
        json["summary"]["fixable"],
        serde_json::json!({"safe": 1, "unsafe": 0})
    );
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--select",
            "s3-public-acl",
            "--format",
            "sarif",
            ".",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fix = &sarif["runs"][0]["results"][0]["fixes"][0];
    assert_eq!(fix["properties"]["applicability"], "safe");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "main.tf");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 25},
            "insertedContent": {"text": "\"private\""}
        })
    );
}

#[test]
fn turning_encryption_on_brings_its_own_key_so_no_finding_appears() {
    // Encryption at rest with the AWS-managed key would add an
    // `es-encryption-not-cmk` finding, which verification refuses: the
    // fix adds a key of the configuration's own.
    let domain = r#"resource "aws_opensearch_domain" "search" {
  domain_name = "clinical-search"

  encrypt_at_rest {
    enabled = false
  }
}
"#;
    let dir = Scratch::repository("fix", &[("main.tf", domain)]);
    phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "es-encryption-at-rest-disabled,es-encryption-not-cmk",
            ".",
        ])
        .assert()
        .success();
    let fixed = read(&dir.0, "main.tf");
    assert!(
        fixed.contains("enabled    = true") || fixed.contains("enabled = true"),
        "{fixed}"
    );
    assert!(
        fixed.contains("kms_key_id = aws_kms_key.search.arn"),
        "{fixed}"
    );
    assert!(
        fixed.contains("resource \"aws_kms_key\" \"search\""),
        "{fixed}"
    );
}

/// A rule whose fix does not remove its finding: verification refuses
/// it, the file is left as it was, and the finding says why.
const STUBBORN: &str = r#"id = "stubborn-acl"
title = "ACL other than private"
severity = "high"
kind = "s3_bucket"
hipaa = ["164.312(a)(1)"]
description = "Any ACL but private."

[remediation]
terraform = 'acl = "private"'
cloudformation = 'AccessControl: Private'

[[check]]
when = 'acl.canned in ["public-read", "authenticated-read"]'
at = "acl.canned"
message = "bucket {name} has ACL {value}"
edit.set.terraform = "authenticated-read"
"#;

#[test]
fn a_fix_verification_refuses_is_not_written_and_the_finding_says_why() {
    let dir = Scratch::repository(
        "fix",
        &[
            ("main.tf", BUCKET),
            ("rules/stubborn-acl.toml", STUBBORN),
            (".phiguard.yaml", "policy_dirs: [rules]\n"),
        ],
    );
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--select",
            "stubborn-acl",
            "--format",
            "json",
            ".",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fixed 0 findings in 0 files"), "{stderr}");
    assert_eq!(read(&dir.0, "main.tf"), BUCKET);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let notes = json["findings"][0]["notes"].to_string();
    assert!(
        notes.contains("fix not applied: the finding would remain after the edit"),
        "{notes}"
    );
}

/// The fix applicability of the first finding of `rule` on `files`.
fn applicability(files: &[(&str, &str)], rule: &str) -> Value {
    let dir = Scratch::repository("fix", files);
    let output = phiguard(&dir.0)
        .args(["lint", "--select", rule, "--format", "json", "."])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json["findings"][0]["fix"]["applicability"].clone()
}

#[test]
fn a_value_read_anywhere_else_makes_the_fix_unsafe() {
    // An interpolation (the bucket's name) reads the default too.
    let interpolated = r#"variable "acl" {
  default = "public-read"
}

resource "aws_s3_bucket" "site" {
  bucket = "site-${var.acl}"
  acl    = var.acl
}
"#;
    assert_eq!(
        applicability(&[("main.tf", interpolated)], "s3-public-acl"),
        "unsafe"
    );
    // A template's condition reads the parameter too.
    let conditioned = "Parameters:
  Acl:
    Type: String
    Default: PublicRead
Conditions:
  Public: !Equals [!Ref Acl, PublicRead]
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: !Ref Acl
";
    assert_eq!(
        applicability(&[("t.yaml", conditioned)], "s3-public-acl"),
        "unsafe"
    );
}

#[test]
fn a_value_its_declaration_constrains_gets_no_fix() {
    let allowed = "Parameters:
  Acl:
    Type: String
    Default: PublicRead
    AllowedValues: [PublicRead, AuthenticatedRead]
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: !Ref Acl
";
    assert_eq!(
        applicability(&[("t.yaml", allowed)], "s3-public-acl"),
        Value::Null
    );
    let validated = r#"variable "acl" {
  default = "public-read"
  validation {
    condition     = contains(["public-read", "public-read-write"], var.acl)
    error_message = "public only"
  }
}

resource "aws_s3_bucket" "site" {
  bucket = "site"
  acl    = var.acl
}
"#;
    assert_eq!(
        applicability(&[("main.tf", validated)], "s3-public-acl"),
        Value::Null
    );
}

#[test]
fn no_block_next_to_a_dynamic_one_and_none_in_a_one_line_block() {
    let dynamic = r#"variable "n2n" {
  type    = bool
  default = false
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"

  dynamic "node_to_node_encryption" {
    for_each = var.n2n ? [1] : []
    content {
      enabled = true
    }
  }
}
"#;
    assert_eq!(
        applicability(
            &[("main.tf", dynamic)],
            "es-node-to-node-encryption-disabled"
        ),
        Value::Null
    );
    let one_line = r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest { enabled = false }
}
"#;
    assert_eq!(
        applicability(&[("main.tf", one_line)], "es-encryption-at-rest-disabled"),
        Value::Null
    );
}

#[test]
fn added_lines_keep_the_files_line_ends() {
    let crlf = "resource \"aws_s3_bucket\" \"a\" {\r\n  bucket = \"a\"\r\n} # end of a\r\n";
    let dir = Scratch::repository("fix", &[("main.tf", crlf)]);
    phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "s3-versioning-disabled",
            ".",
        ])
        .assert()
        .success();
    let fixed = read(&dir.0, "main.tf");
    assert!(
        fixed.starts_with(crlf),
        "the comment stays on its line: {fixed:?}"
    );
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
}

#[cfg(unix)]
#[test]
fn a_file_linked_from_outside_the_repository_is_not_fixed() {
    let outside = Scratch::new("fix-outside", &[("linked.tf", BUCKET)]);
    let dir = Scratch::repository("fix", &[]);
    std::os::unix::fs::symlink(outside.0.join("linked.tf"), dir.0.join("linked.tf")).unwrap();
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--select",
            "s3-public-acl",
            "--format",
            "json",
            "linked.tf",
        ])
        .output()
        .unwrap();
    assert_eq!(read(&outside.0, "linked.tf"), BUCKET);
    // No fix is offered for it, in any format.
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["findings"][0]["fix"], Value::Null, "{json}");
    assert_eq!(json["summary"]["fixable"]["safe"], 0);
}

#[cfg(unix)]
#[test]
fn nothing_is_written_when_one_file_cannot_be() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::repository(
        "fix",
        &[
            ("a.tf", BUCKET),
            ("b.tf", &BUCKET.replace("records", "scans")),
        ],
    );
    let b = dir.0.join("b.tf");
    fs::set_permissions(&b, fs::Permissions::from_mode(0o444)).unwrap();
    if fs::OpenOptions::new().append(true).open(&b).is_ok() {
        eprintln!("skipped: running as root, file permissions do not stop writes here");
        return;
    }
    let output = phiguard(&dir.0)
        .args(["lint", "--fix", "--select", "s3-public-acl", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was written"));
    assert_eq!(read(&dir.0, "a.tf"), BUCKET);
}

/// A rule whose fix breaks the file it edits.
const BREAKING: &str = r#"id = "breaking-fix"
title = "Domain without tags"
severity = "low"
kind = "search_domain"
hipaa = ["164.312(a)(1)"]
description = "A fix that writes HCL that does not parse."

[remediation]
terraform = 'tags = {}'
cloudformation = 'Tags: []'

[[check]]
when = "encryption_at_rest is absent"
message = "domain {name} breaks"
edit.add.terraform.resource = 'broken {'
"#;

#[test]
fn a_fix_that_breaks_its_file_does_not_stop_another_in_that_file() {
    let both = format!(
        "{BUCKET}\nresource \"aws_opensearch_domain\" \"search\" {{\n  domain_name = \"search\"\n}}\n"
    );
    let dir = Scratch::repository(
        "fix",
        &[
            ("main.tf", &both),
            ("rules/breaking-fix.toml", BREAKING),
            (".phiguard.yaml", "policy_dirs: [rules]\n"),
        ],
    );
    let output = phiguard(&dir.0)
        .args([
            "lint",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "s3-public-acl,breaking-fix",
            "--format",
            "json",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(
        read(&dir.0, "main.tf"),
        both.replace("public-read", "private")
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let notes = json["findings"][0]["notes"].to_string();
    assert!(
        notes.contains("fix not applied: the edited file would not parse"),
        "{json}"
    );
}
