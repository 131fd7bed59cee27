//! Findings name where their value was set (a tfvars line, a module call's
//! argument), in every format, and a file given alone reports the findings
//! it causes elsewhere (issue 12).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const ROOT: &str = r#"variable "pab" {
  type = bool
}

resource "aws_s3_bucket" "claims" {
  bucket = "claims-archive"
}

resource "aws_s3_bucket_public_access_block" "claims" {
  bucket                  = aws_s3_bucket.claims.id
  block_public_acls       = var.pab
  block_public_policy     = var.pab
  ignore_public_acls      = var.pab
  restrict_public_buckets = var.pab
}
"#;

const CALLER: &str = r#"module "letters" {
  source = "../modules/bucket"
  acl    = "public-read"
}
"#;

const MODULE: &str = r#"variable "acl" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = "patient-letters"
  acl    = var.acl
}
"#;

fn project() -> Scratch {
    Scratch::repository(
        "provenance",
        &[
            ("live/main.tf", ROOT),
            ("live/terraform.tfvars", "pab = false\n"),
            ("live/caller.tf", CALLER),
            ("modules/bucket/main.tf", MODULE),
        ],
    )
}

/// Exit code and stdout of `phiguard lint ARGS` in `dir`, in a UTF-8
/// terminal's environment (human output falls back to ASCII otherwise).
fn lint(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("phiguard")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("LC_ALL", "C.UTF-8")
        .arg("lint")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

const TFVARS: &[&str] = &[
    "live/terraform.tfvars",
    "--select",
    "s3-public-access-block",
];
const ARGUMENT: &[&str] = &["live/caller.tf", "--select", "s3-public-acl"];

fn with<'a>(args: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(more).copied().collect()
}

#[test]
fn a_tfvars_file_alone_reports_the_findings_it_causes() {
    let dir = project();
    let (code, out) = lint(&dir.0, &with(TFVARS, &["--format", "json"]));
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4, "{out}");
    for finding in findings {
        assert_eq!(finding["file"], "live/main.tf", "{finding}");
        let origins = finding["origins"].as_array().unwrap();
        assert_eq!(origins.len(), 1, "{finding}");
        assert_eq!(origins[0]["file"], "live/terraform.tfvars");
        assert_eq!(origins[0]["role"], "tfvars");
        assert_eq!(origins[0]["start"]["line"], 1);
        assert_eq!(origins[0]["start"]["column"], 7);
    }
}

#[test]
fn a_module_argument_alone_reports_the_finding_inside_the_module() {
    let dir = project();
    let (code, out) = lint(&dir.0, &with(ARGUMENT, &["--format", "json"]));
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{out}");
    assert_eq!(findings[0]["file"], "modules/bucket/main.tf");
    let origins = findings[0]["origins"].as_array().unwrap();
    assert_eq!(origins.len(), 1, "{out}");
    assert_eq!(origins[0]["file"], "live/caller.tf");
    assert_eq!(origins[0]["role"], "module-argument");
    assert_eq!(origins[0]["start"]["line"], 3);
    // The help names the place to change, not `var.acl` in the module.
    let help = findings[0]["help"].as_str().unwrap_or_default();
    assert!(help.contains("live/caller.tf:3"), "{help}");
}

#[test]
fn human_output_shows_the_origin_as_a_snippet() {
    let dir = project();
    let (code, out) = lint(&dir.0, ARGUMENT);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn compact_and_github_name_the_first_origin() {
    let dir = project();
    let (_, compact) = lint(&dir.0, &with(ARGUMENT, &["--format", "compact"]));
    assert!(
        compact.starts_with("modules/bucket/main.tf:7:12: critical [s3-public-acl]"),
        "{compact}"
    );
    assert!(compact.contains("live/caller.tf:3:12"), "{compact}");
    let (_, github) = lint(&dir.0, &with(ARGUMENT, &["--format", "github"]));
    assert!(github.contains("live/caller.tf:3:12"), "{github}");
}

#[test]
fn sarif_lists_origins_as_related_locations() {
    let dir = project();
    let (_, out) = lint(&dir.0, &with(ARGUMENT, &["--format", "sarif"]));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{result}");
    let location = &related[0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "live/caller.tf");
    assert_eq!(location["region"]["startLine"], 3);
}

#[test]
fn a_file_that_feeds_nothing_reports_nothing() {
    let dir = project();
    std::fs::write(dir.0.join("live/notes.tfvars"), "unused = 1\n").unwrap();
    let (code, out) = lint(&dir.0, &["live/notes.tfvars", "--format", "compact"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "", "{out}");
}

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Acl:
    Type: String
    Default: Private
Resources:
  Intake:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: !Ref Acl
"#;

const PARAMS: &str = r#"[
  {"ParameterKey": "Acl", "ParameterValue": "PublicRead"}
]
"#;

#[test]
fn a_parameters_file_beside_its_template_applies_in_every_run() {
    let dir = Scratch::repository(
        "provenance",
        &[
            ("stacks/app.yaml", TEMPLATE),
            ("stacks/app.params.json", PARAMS),
        ],
    );
    for given in ["stacks", "stacks/app.yaml", "stacks/app.params.json"] {
        let (code, out) = lint(
            &dir.0,
            &[given, "--select", "s3-public-acl", "--format", "json"],
        );
        assert_eq!(code, 1, "{given}: {out}");
        let json: Value = serde_json::from_str(&out).unwrap();
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{given}: {out}");
        assert_eq!(findings[0]["file"], "stacks/app.yaml");
        let origin = &findings[0]["origins"][0];
        assert_eq!(origin["file"], "stacks/app.params.json", "{given}: {out}");
        assert_eq!(origin["role"], "parameter-file");
    }
}

#[test]
fn a_config_var_file_given_alone_feeds_every_root() {
    let dir = Scratch::repository(
        "provenance",
        &[
            (".phiguard.yaml", "terraform:\n  var_files: [prod.tfvars]\n"),
            ("prod.tfvars", "pab = false\n"),
            ("live/main.tf", ROOT),
        ],
    );
    let (code, out) = lint(
        &dir.0,
        &[
            "prod.tfvars",
            "--select",
            "s3-public-access-block",
            "--format",
            "compact",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains("(set in prod.tfvars:1:7)"), "{out}");
}

#[test]
fn the_help_names_the_origin_as_the_output_shows_paths() {
    // Run from a subfolder of the repository: every path, the help's too,
    // is relative to the working directory.
    let dir = project();
    let (_, out) = lint(
        &dir.0.join("live"),
        &["caller.tf", "--select", "s3-public-acl", "--format", "json"],
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    let help = json["findings"][0]["help"].as_str().unwrap_or_default();
    assert!(help.contains("at caller.tf:3"), "{help}");
}

#[test]
fn a_config_var_is_named_as_the_config_sets_it() {
    let dir = Scratch::repository(
        "provenance",
        &[
            (".phiguard.yaml", "terraform:\n  vars: {pab: false}\n"),
            ("live/main.tf", ROOT),
        ],
    );
    let (_, out) = lint(
        &dir.0,
        &[
            "live",
            "--select",
            "s3-public-access-block",
            "--format",
            "json",
        ],
    );
    let json: Value = serde_json::from_str(&out).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["origins"][0]["name"], "terraform.vars.pab", "{out}");
    let help = finding["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("under `terraform.vars` in the config file"),
        "{help}"
    );
}

const ANCHORED: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: patient-records
      AccessControl: &acl PublicRead
  Letters:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: patient-letters
      AccessControl: *acl
"#;

const ANCHORED_ARGS: &[&str] = &["stacks/app.yaml", "--select", "s3-public-acl"];

/// Issue 14: a value reached through a YAML alias is reported at the
/// alias, where the resource uses it, and names the anchor as its origin.
#[test]
fn a_yaml_alias_is_reported_where_it_is_used() {
    let dir = Scratch::repository("provenance", &[("stacks/app.yaml", ANCHORED)]);
    let (code, out) = lint(&dir.0, &with(ANCHORED_ARGS, &["--format", "json"]));
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{out}");
    // The anchored value is written where Records uses it: no origin.
    let records = &findings[0];
    assert_eq!(records["start"]["line"], 7, "{records}");
    assert_eq!(records["origins"].as_array().map(Vec::len), Some(0));
    let letters = &findings[1];
    assert_eq!(letters["resource"]["address"], "Letters", "{letters}");
    assert_eq!(letters["start"]["line"], 12);
    assert_eq!(letters["start"]["column"], 22);
    assert_eq!(letters["end"]["column"], 26);
    let origins = letters["origins"].as_array().unwrap();
    assert_eq!(origins.len(), 1, "{letters}");
    assert_eq!(origins[0]["file"], "stacks/app.yaml");
    assert_eq!(origins[0]["role"], "yaml-anchor");
    assert_eq!(origins[0]["name"], "acl");
    assert_eq!(origins[0]["start"]["line"], 7);
    assert_eq!(origins[0]["start"]["column"], 27);
    let help = letters["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("in anchor `&acl` at stacks/app.yaml:7")
            && help.contains("every `*acl` alias"),
        "{help}"
    );
    let (_, human) = lint(&dir.0, ANCHORED_ARGS);
    insta::assert_snapshot!(human);
}
