//! The config file, input values, stdin, named files with their module
//! context, include/exclude and PHI scope.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

fn lint(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("phiguard")
        .unwrap()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .env_remove("TF_VAR_acl")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, stderr)
}

fn rules_found(json: &Value) -> Vec<String> {
    let mut rules: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["file"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    rules.dedup();
    rules
}

const PUBLIC: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"patient-records\"\n  acl    = \"public-read\"\n}\n";

#[test]
fn config_file_is_found_upward_and_applied() {
    let dir = Scratch::repository("settings", &[
        (".phiguard.yaml", "fail_on: critical\nrules:\n  select: [s3-public-acl, s3-versioning-disabled]\n  severity: {s3-versioning-disabled: high}\n"),
        ("infra/main.tf", PUBLIC),
    ]);
    let (code, json, stderr) = lint(&dir.0.join("infra"), &["."]);
    assert_eq!(code, 1, "{stderr}");
    let severities: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert!(
        severities.contains(&("s3-versioning-disabled", "high")),
        "{severities:?}"
    );
    assert!(severities
        .iter()
        .all(|(r, _)| *r == "s3-public-acl" || *r == "s3-versioning-disabled"));

    // fail_on: critical, and only a high finding left: exit 0.
    let (code, _, stderr) = lint(&dir.0, &["--ignore", "s3-public-acl"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_wrong_config_key_names_file_line_and_key() {
    let dir = Scratch::repository(
        "settings",
        &[
            (
                ".phiguard.yaml",
                "fail_on: high\nrules:\n  ignored: [s3-public-acl]\n",
            ),
            ("main.tf", PUBLIC),
        ],
    );
    let (code, _, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".phiguard.yaml:3:3: unknown key `ignored` in `rules`"),
        "{stderr}"
    );

    fs::write(dir.0.join(".phiguard.yaml"), "fail_on: hi\n").unwrap();
    let (code, _, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".phiguard.yaml:1:10: `fail_on` must be one of"),
        "{stderr}"
    );

    fs::write(
        dir.0.join(".phiguard.yaml"),
        "rules:\n  ignore: [s3-publc-acl]\n",
    )
    .unwrap();
    let (code, _, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            ".phiguard.yaml:2:12: unknown rule id `s3-publc-acl` (did you mean `s3-public-acl`?)"
        ),
        "{stderr}"
    );

    fs::write(dir.0.join(".phiguard.yaml"), "min_severity: [low]\n").unwrap();
    let (code, _, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".phiguard.yaml:1:15: `min_severity` must be a string"),
        "{stderr}"
    );
}

#[test]
fn variables_from_the_command_line_decide_checks() {
    let dir = Scratch::repository(
        "settings",
        &[(
            "main.tf",
            "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n",
        )],
    );
    let (code, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["undecided"], 1);

    let (code, json, stderr) = lint(
        &dir.0,
        &["--select", "s3-public-acl", "--var", "acl=public-read"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["findings"][0]["rule"], "s3-public-acl");
    assert_eq!(json["findings"][0]["start"]["line"], 4);

    fs::write(dir.0.join("prod.tfvars"), "acl = \"private\"\n").unwrap();
    let (code, json, stderr) = lint(
        &dir.0,
        &["--select", "s3-public-acl", "--var-file", "prod.tfvars"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["undecided"], 0);

    let (code, _, stderr) = lint(&dir.0, &["--var", "no-equals-sign"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("NAME=VALUE"), "{stderr}");
}

#[test]
fn a_var_that_does_not_parse_is_named_in_the_undecided_check() {
    let dir = Scratch::repository(
        "settings",
        &[(
            "main.tf",
            "variable \"acls\" {\n  type = map(string)\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acls[\"b\"]\n}\n",
        )],
    );
    let (code, json, stderr) = lint(
        &dir.0,
        &[
            "--select",
            "s3-public-acl",
            "--show-undecided",
            "--var",
            "acls={b = ",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        json["undecided"][0]["reason"],
        "the value of --var acls is not a valid HCL expression"
    );
}

#[test]
fn a_var_for_a_variable_no_root_declares_is_an_error() {
    let dir = Scratch::repository(
        "settings",
        &[
            (
                "one/main.tf",
                "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n",
            ),
            ("two/main.tf", "resource \"aws_s3_bucket\" \"c\" {}\n"),
        ],
    );
    let args = ["--select", "s3-public-acl", "--var", "acl=private"];
    let (code, json, stderr) = lint(&dir.0, &[&args[..], &["--var", "alc=public-read"]].concat());
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        json["errors"],
        serde_json::json!([{
            "file": "--var",
            "start": null,
            "message": "a value is given for undeclared variable `alc`: no root module linted declares `variable \"alc\"`"
        }])
    );
    // Declared by one root of the run: the other ignores it, as Terraform
    // would in each folder.
    let (code, json, stderr) = lint(&dir.0, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["errors"], serde_json::json!([]));
}

#[test]
fn the_configs_vars_need_not_be_declared_by_every_run() {
    // `terraform.vars` are shared by the roots of a repository: a run over
    // one root (pre-commit) that does not declare one is not an error.
    let dir = Scratch::repository(
        "settings",
        &[
            (
                ".phiguard.yaml",
                "terraform:\n  vars: {env: prod, acl: private}\n",
            ),
            (
                "one/main.tf",
                "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n",
            ),
        ],
    );
    let (code, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["errors"], serde_json::json!([]));
}

#[test]
fn a_number_beyond_an_f64_is_valid_hcl_and_unknown() {
    let dir = Scratch::repository(
        "settings",
        &[(
            "main.tf",
            "locals {\n  big = 1e400\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = \"a${local.big}\"\n}\n",
        )],
    );
    let (code, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl", "--show-undecided"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["errors"], serde_json::json!([]));
    assert_eq!(
        json["undecided"][0]["reason"],
        "the number is too large for phiguard (beyond 1.8e308)"
    );
}

#[test]
fn stdin_is_linted_under_its_name_with_its_module() {
    let dir = Scratch::repository(
        "settings",
        &[
            (
                "infra/variables.tf",
                "variable \"acl\" {\n  default = \"public-read\"\n}\n",
            ),
            (
                "infra/other.tf",
                PUBLIC.replace("\"b\"", "\"other\"").as_str(),
            ),
        ],
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("phiguard"))
        .current_dir(&dir.0)
        .args([
            "lint",
            "--stdin-filename",
            "infra/s3.tf",
            "--format",
            "compact",
            "--select",
            "s3-public-acl",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"resource \"aws_s3_bucket\" \"edited\" {\n  acl = var.acl\n}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The variable's default comes from the module; other.tf is not reported.
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("infra/s3.tf:2:9: critical [s3-public-acl]"),
        "{text}"
    );
}

#[test]
fn named_files_see_their_module_and_report_only_themselves() {
    let dir = Scratch::repository("settings", &[
        ("infra/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"patient-records\"\n}\n"),
        (
            "infra/versioning.tf",
            "resource \"aws_s3_bucket_versioning\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
        ),
        ("infra/public.tf", PUBLIC.replace("\"b\"", "\"public\"").as_str()),
    ]);
    let (code, json, stderr) = lint(
        &dir.0,
        &[
            "infra/main.tf",
            "--select",
            "s3-versioning-disabled,s3-public-acl",
        ],
    );
    assert_eq!(
        code, 0,
        "versioning.tf enables versioning; public.tf is not reported: {json:#} {stderr}"
    );
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn include_exclude_and_per_path_ignores() {
    let dir = Scratch::repository("settings", &[
        ("infra/main.tf", PUBLIC),
        ("examples/demo/main.tf", PUBLIC),
        ("sandbox/main.tf", PUBLIC),
        (
            ".phiguard.yaml",
            "exclude: [\"examples/**\"]\nper_path_ignores:\n  \"sandbox/**\": [s3-public-acl]\n",
        ),
    ]);
    let (_, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(
        rules_found(&json),
        vec!["infra/main.tf:s3-public-acl"],
        "{stderr}"
    );
    let (_, json, _) = lint(
        &dir.0,
        &["--select", "s3-public-acl", "--include", "sandbox/**"],
    );
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn phi_scope_tagged_checks_only_tagged_resources() {
    let dir = Scratch::repository("settings", &[
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"phi\" {\n  acl  = \"public-read\"\n  tags = { DataClassification = \"PHI\" }\n}\n\nresource \"aws_s3_bucket\" \"web\" {\n  acl  = \"public-read\"\n  tags = { DataClassification = \"public\" }\n}\n",
        ),
        (".phiguard.yaml", "phi_tags: {DataClassification: [PHI, ePHI]}\n"),
    ]);
    let (_, json, _) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    let (_, json, stderr) = lint(
        &dir.0,
        &["--select", "s3-public-acl", "--phi-scope", "tagged"],
    );
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{stderr}");
    assert_eq!(findings[0]["resource"]["address"], "aws_s3_bucket.phi");
}

/// rules.md (v1.1, S3 access points): `phi_scope: tagged` reads an access
/// point's bucket's tags (an access point has none of its own), whether the
/// access point names its bucket by reference or by literal name.
#[test]
fn phi_scope_tagged_reads_an_access_points_bucket_tags() {
    let main = r#"resource "aws_s3_bucket" "phi" {
  bucket = "phi-records"
  tags   = { DataClassification = "PHI" }
}

resource "aws_s3_bucket" "web" {
  bucket = "web-assets"
  tags   = { DataClassification = "public" }
}

resource "aws_s3_access_point" "phi_by_reference" {
  bucket = aws_s3_bucket.phi.id
  name   = "phi-by-reference"
}

resource "aws_s3_access_point" "phi_by_name" {
  bucket = "phi-records"
  name   = "phi-by-name"
}

resource "aws_s3_access_point" "web" {
  bucket = aws_s3_bucket.web.id
  name   = "web"
}
"#;
    let dir = Scratch::repository(
        "settings",
        &[
            ("main.tf", main),
            (".phiguard.yaml", "phi_tags: {DataClassification: [PHI]}\n"),
        ],
    );
    let rule = "s3-access-point-internet-origin";
    let (_, json, _) = lint(&dir.0, &["--select", rule]);
    assert_eq!(json["findings"].as_array().unwrap().len(), 3);
    let (_, json, stderr) = lint(&dir.0, &["--select", rule, "--phi-scope", "tagged"]);
    let mut addresses: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["resource"]["address"].as_str())
        .collect();
    addresses.sort_unstable();
    assert_eq!(
        addresses,
        vec![
            "aws_s3_access_point.phi_by_name",
            "aws_s3_access_point.phi_by_reference"
        ],
        "{stderr}"
    );
}

/// rules.md: `phi_scope: tagged` reads a resource's effective tags, its own
/// merged over the `default_tags` of the AWS provider configuration it uses
/// (an alias with `provider = aws.west`, or passed to a module).
#[test]
fn phi_scope_tagged_reads_provider_default_tags() {
    let main = r#"provider "aws" {
  default_tags {
    tags = { phi = "true" }
  }
}

provider "aws" {
  alias = "west"
  default_tags {
    tags = { phi = "false" }
  }
}

resource "aws_s3_bucket" "by_provider" {
  acl = "public-read"
}

resource "aws_s3_bucket" "own_tags_win" {
  acl  = "public-read"
  tags = { phi = "false" }
}

resource "aws_s3_bucket" "west" {
  provider = aws.west
  acl      = "public-read"
}

module "inherits" {
  source = "./modules/bucket"
}

module "given_west" {
  source    = "./modules/bucket"
  providers = { aws = aws.west }
}
"#;
    let dir = Scratch::repository(
        "settings",
        &[
            ("main.tf", main),
            (
                "modules/bucket/main.tf",
                "resource \"aws_s3_bucket\" \"inner\" {\n  acl = \"public-read\"\n}\n",
            ),
            (
                ".phiguard.yaml",
                "phi_scope: tagged\nphi_tags: {phi: [\"true\"]}\n",
            ),
        ],
    );
    let (_, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl"]);
    let mut addresses: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["address"].as_str().unwrap())
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        [
            "aws_s3_bucket.by_provider",
            "module.inherits.aws_s3_bucket.inner"
        ],
        "{stderr}"
    );
}

#[test]
fn custom_policies_from_policy_dirs() {
    let policy = r#"id = "s3-bucket-name-required"
title = "Bucket has no explicit name"
severity = "low"
kind = "s3_bucket"
hipaa = ["164.312(a)(1)"]
description = "Named buckets are easier to audit."
remediation = { terraform = "bucket = \"...\"", cloudformation = "BucketName: ..." }

[[check]]
when = "name is absent"
message = "bucket {name} has no explicit name"
"#;
    let dir = Scratch::repository(
        "settings",
        &[
            ("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
            ("local-policies/name.toml", policy),
            (
                ".phiguard.yaml",
                "policy_dirs: [local-policies]\nrules:\n  select: [s3-bucket-name-required]\n",
            ),
        ],
    );
    let (code, json, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["findings"][0]["rule"], "s3-bucket-name-required");

    fs::write(
        dir.0.join("local-policies/name.toml"),
        policy.replace("name is absent", "name is gone"),
    )
    .unwrap();
    let (code, _, stderr) = lint(&dir.0, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("local-policies/name.toml:10:"), "{stderr}");
}

#[test]
fn modules_are_named_in_findings_and_unavailable_ones_in_the_report() {
    let dir = Scratch::repository("settings", &[
        (
            "main.tf",
            "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n\nmodule \"exports\" {\n  source = \"./modules/bucket\"\n  acl    = \"public-read\"\n}\n",
        ),
        (
            "modules/bucket/main.tf",
            "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  acl = var.acl\n}\n",
        ),
    ]);
    let (code, json, stderr) = lint(&dir.0, &["--select", "s3-public-acl"]);
    assert_eq!(code, 1, "{stderr}");
    let finding = &json["findings"][0];
    assert_eq!(finding["file"], "modules/bucket/main.tf");
    assert_eq!(
        finding["resource"]["address"],
        "module.exports.aws_s3_bucket.this"
    );
    let notes = finding["notes"].as_array().unwrap();
    assert!(
        notes[0].as_str().unwrap().contains("main.tf:5:1"),
        "{notes:?}"
    );
    let modules = json["unavailable_modules"].as_array().unwrap();
    assert_eq!(modules.len(), 1, "{json:#}");
    assert_eq!(modules[0]["address"], "module.vpc");
    assert_eq!(modules[0]["source"], "terraform-aws-modules/vpc/aws");
    assert_eq!(modules[0]["start"]["line"], 1);
}

/// Mistakes in the arguments are errors before anything is linted: no
/// report at all, exit 2, and a message naming the argument.
#[test]
fn argument_errors_come_before_linting() {
    let dir = Scratch::repository(
        "settings",
        &[(
            "main.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n",
        )],
    );
    for (args, message) in [
        (&["--include", "["][..], "--include: bad glob `[`"),
        (&["--exclude", "a{b"][..], "--exclude: bad glob `a{b`"),
        (
            &["--var-file", "missing.tfvars"][..],
            "var file missing.tfvars: no such file",
        ),
        (
            &["main.tf", "--stdin-filename", "other.tf"][..],
            "--stdin-filename lints stdin alone",
        ),
    ] {
        let (code, json, stderr) = lint(&dir.0, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(json, Value::Null, "{args:?}: a report was written");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn a_run_that_lints_nothing_is_an_error_unless_allowed() {
    let dir = Scratch::new(
        "empty",
        &[("docs/README.md", "# hi\n"), ("infra/main.tf", PUBLIC)],
    );
    // An empty folder, a folder of other files, an include that matches nothing.
    fs::create_dir_all(dir.0.join("empty")).unwrap();
    for args in [&["empty"][..], &["docs"], &[".", "--include", "nothing/**"]] {
        let (code, _, stderr) = lint(&dir.0, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("nothing was linted")
                && stderr.contains("no Terraform file or CloudFormation template")
                && stderr.contains("--allow-empty"),
            "{args:?}: {stderr}"
        );
        let (code, json, stderr) = lint(&dir.0, &[args, &["--allow-empty"]].concat());
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(json["summary"]["files"], 0);
    }
    // Something linted, even with no finding, is no mistake.
    let (code, _, stderr) = lint(&dir.0, &["infra", "--select", "s3-website-enabled"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn mistyped_rule_ids_get_a_suggestion_everywhere() {
    let dir = Scratch::new(
        "did-you-mean",
        &[(
            "main.tf",
            "# phiguard:ignore s3-pubilc-acl -- a typo\nresource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n",
        )],
    );
    for flag in ["--select", "--ignore"] {
        let (code, _, stderr) = lint(&dir.0, &[".", flag, "s3-versoning-disabled"]);
        assert_eq!(code, 2);
        assert!(
            stderr.contains("did you mean `s3-versioning-disabled`?"),
            "{stderr}"
        );
    }
    let (_, json, _) = lint(&dir.0, &["."]);
    let invalid: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-suppression")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        invalid
            .iter()
            .any(|m| m.contains("unknown rule `s3-pubilc-acl` (did you mean `s3-public-acl`?)")),
        "{invalid:?}"
    );
    let explain = Command::cargo_bin("phiguard")
        .unwrap()
        .args(["explain", "s3-public-acls"])
        .output()
        .unwrap();
    assert_eq!(explain.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&explain.stderr).contains("did you mean `s3-public-acl`?"));
}

#[test]
fn config_globs_are_relative_to_its_folder_and_excluded_modules_report_nothing() {
    let module = "variable \"acl\" {\n  default = \"private\"\n}\nresource \"aws_s3_bucket\" \"m\" {\n  acl = var.acl\n}\nresource \"aws_s3_bucket\" \"own\" {\n  acl = \"public-read\"\n}\n";
    let dir = Scratch::repository(
        "config-globs",
        &[
            (".phiguard.yaml", "include: [\"live/**\"]\nexclude: [\"modules/**\"]\nrules:\n  select: [s3-public-acl]\n"),
            ("live/main.tf", "module \"m\" {\n  source = \"../modules/bucket\"\n  acl    = \"public-read\"\n}\n"),
            ("modules/bucket/main.tf", module),
            ("other/main.tf", PUBLIC),
        ],
    );
    // From the top folder and from live/, the same files: live/ only.
    for cwd in [dir.0.clone(), dir.0.join("live")] {
        let (code, json, stderr) = lint(&cwd, &["."]);
        assert_eq!(code, 1, "{stderr}");
        let findings = json["findings"].as_array().unwrap();
        // The module is evaluated for its caller: the ACL the caller sets
        // is reported (its origin is in live/main.tf); the module's own
        // public bucket, in an excluded file, is not.
        let addresses: Vec<&str> = findings
            .iter()
            .map(|f| f["resource"]["address"].as_str().unwrap())
            .collect();
        assert_eq!(addresses, ["module.m.aws_s3_bucket.m"], "{json:#}");
        assert_eq!(json["summary"]["files"], 1, "{json:#}");
    }
    // A bad glob in the config is reported at its line.
    fs::write(dir.0.join(".phiguard.yaml"), "exclude:\n  - \"[\"\n").unwrap();
    let (code, _, stderr) = lint(&dir.0, &["."]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".phiguard.yaml:2:5: `exclude`: bad glob `[`"),
        "{stderr}"
    );
}

#[test]
fn a_missing_policy_folder_is_reported_at_its_config_line() {
    let dir = Scratch::new(
        "policy-dirs",
        &[
            (
                ".phiguard.yaml",
                "fail_on: high\npolicy_dirs: [policies-local]\n",
            ),
            ("main.tf", PUBLIC),
        ],
    );
    let (code, _, stderr) = lint(&dir.0, &["."]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            ".phiguard.yaml:2:15: `policy_dirs`: no folder `policies-local` beside the config file"
        ),
        "{stderr}"
    );
}

#[test]
fn a_missing_parameters_file_is_an_error_before_linting() {
    let dir = Scratch::new("cfn-params-missing", &[("main.tf", PUBLIC)]);
    let (code, json, stderr) = lint(&dir.0, &[".", "--cfn-params", "nope.json"]);
    assert_eq!(code, 2);
    assert_eq!(json, Value::Null, "no report: {json:#}");
    assert!(
        stderr.contains("parameters file nope.json: no such file"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_config_file_that_links_out_of_its_folder_is_not_read() {
    let outside = Scratch::new(
        "config-outside",
        &[("cfg.yaml", "rules: {select: [SECRET-RULE]}\n")],
    );
    let dir = Scratch::repository("config-link", &[("main.tf", PUBLIC)]);
    std::os::unix::fs::symlink(outside.0.join("cfg.yaml"), dir.0.join(".phiguard.yaml")).unwrap();
    let (code, _, stderr) = lint(&dir.0, &["."]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("symbolic link out of its folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");
}

#[test]
fn missing_files_named_in_the_config_are_reported_at_their_lines() {
    for (config, expected) in [
        (
            "terraform:\n  var_files: [prod.tfvars]\n",
            ".phiguard.yaml:2:15: `terraform.var_files`: no file `prod.tfvars` beside the config file",
        ),
        (
            "cloudformation:\n  parameter_files: {params/prod.json: stacks/app.yaml}\n",
            ".phiguard.yaml:2:21: `cloudformation.parameter_files`: no file `params/prod.json` beside the config file",
        ),
    ] {
        let dir = Scratch::new("config-files", &[(".phiguard.yaml", config), ("main.tf", PUBLIC)]);
        let (code, _, stderr) = lint(&dir.0, &["."]);
        assert_eq!(code, 2);
        assert!(stderr.contains(expected), "{stderr}");
    }
}
