//! `phiguard lint` on Terraform plan JSON (issue 18) end to end: the plan
//! named alone reports in the `.tf` beside it, `--source-dir` finds them
//! elsewhere, the JSON names the plan as the origin, and a bad
//! `--source-dir` is an error of the command line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

fn phiguard(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("phiguard").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform-plan")
}

/// The fixture's configuration in `infra/`, its plan in `plans/`.
fn scratch() -> Scratch {
    let from = fixture();
    let read = |p: &str| fs::read_to_string(from.join(p)).unwrap();
    Scratch::repository(
        "plans",
        &[
            ("infra/main.tf", &read("main.tf")),
            ("infra/modules/logs/main.tf", &read("modules/logs/main.tf")),
            ("plans/tfplan.json", &read("tfplan.json")),
        ],
    )
}

/// What `phiguard ARGS` in `dir` printed, having exited with `code`.
fn run(dir: &Path, args: &[&str], code: i32) -> std::process::Output {
    phiguard(dir)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone()
}

/// The JSON report of `phiguard lint ARGS --format json` in `dir`, which
/// finds something (exit 1).
fn report_of(dir: &Path, args: &[&str]) -> Value {
    let out = phiguard(dir)
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn compact(output: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|l| l.split(" <").next().unwrap().to_string())
        .collect()
}

#[test]
fn a_plan_beside_its_configuration_reports_in_the_tf() {
    let dir = fixture();
    let out = run(&dir, &["lint", "tfplan.json", "--format", "compact"], 1).stdout;
    let lines = compact(&out);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "main.tf:28:12: critical [s3-public-acl] bucket \"phi-records-0\" has ACL \"public-read\""
        )),
        "{lines:#?}"
    );
    assert!(lines.iter().all(|l| l.contains(".tf:")), "{lines:#?}");
}

#[test]
fn source_dir_names_the_configuration_of_a_plan_kept_elsewhere() {
    let scratch = scratch();
    // Without it the plan is read alone: findings inside the plan.
    let alone = run(
        &scratch.0,
        &["lint", "plans/tfplan.json", "--format", "compact"],
        1,
    )
    .stdout;
    let alone = compact(&alone);
    assert!(
        alone.iter().all(|l| l.starts_with("plans/tfplan.json:")),
        "{alone:#?}"
    );
    assert!(
        alone.iter().any(|l| l.contains("[s3-public-acl]")),
        "{alone:#?}"
    );
    // A plan is Terraform's output: never edited.
    let alone = report_of(&scratch.0, &["plans/tfplan.json"]);
    assert_eq!(
        alone["summary"]["fixable"]["safe"], 0,
        "{}",
        alone["summary"]
    );
    assert_eq!(
        alone["summary"]["fixable"]["unsafe"], 0,
        "{}",
        alone["summary"]
    );

    let report = report_of(&scratch.0, &["plans/tfplan.json", "--source-dir", "infra"]);
    let findings = report["findings"].as_array().unwrap();
    let acl = findings
        .iter()
        .find(|f| f["rule"] == "s3-public-acl")
        .unwrap();
    assert_eq!(acl["file"], "infra/main.tf");
    assert_eq!(acl["start"]["line"], 28);
    assert_eq!(acl["origins"][0]["role"], "plan");
    assert_eq!(acl["origins"][0]["file"], "plans/tfplan.json");
    // The same findings, fingerprints and all, as linting the `.tf` with
    // the plan beside it.
    let fingerprints = |report: &Value| {
        let mut f: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule"], f["fingerprint"]))
            .collect();
        f.sort();
        f
    };
    fs::copy(
        scratch.0.join("plans/tfplan.json"),
        scratch.0.join("infra/tfplan.json"),
    )
    .unwrap();
    let beside = report_of(&scratch.0, &["infra"]);
    assert_eq!(fingerprints(&report), fingerprints(&beside));
}

#[test]
fn a_source_dir_that_is_not_a_folder_is_an_error() {
    let scratch = scratch();
    let err = run(
        &scratch.0,
        &["lint", "plans/tfplan.json", "--source-dir", "nowhere"],
        2,
    )
    .stderr;
    let err = String::from_utf8_lossy(&err);
    assert!(err.contains("--source-dir nowhere: not a folder"), "{err}");
    // A folder, but not of a configuration: the plan would be read alone.
    let err = run(
        &scratch.0,
        &["lint", "plans/tfplan.json", "--source-dir", "plans"],
        2,
    )
    .stderr;
    let err = String::from_utf8_lossy(&err);
    assert!(
        err.contains("--source-dir plans: no .tf files in it"),
        "{err}"
    );
}

#[test]
fn a_comment_in_the_tf_suppresses_the_finding_the_plan_decides() {
    let scratch = scratch();
    let main = scratch.0.join("infra/main.tf");
    let text = fs::read_to_string(&main).unwrap().replace(
        "  acl    = var.acl\n",
        "  acl    = var.acl # phiguard:ignore s3-public-acl -- a public download bucket, reviewed\n",
    );
    fs::write(&main, text).unwrap();
    let report = report_of(&scratch.0, &["plans/tfplan.json", "--source-dir", "infra"]);
    let acl: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "s3-public-acl")
        .collect();
    assert_eq!(acl.len(), 2, "{acl:#?}");
    for f in acl {
        assert_eq!(
            f["suppressed"]["reason"], "a public download bucket, reviewed",
            "{f}"
        );
    }
}

/// The rules and files of a JSON report's findings, as `file rule`.
fn rules_by_file(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_plan_is_told_by_content_whatever_its_name() {
    let scratch = scratch();
    fs::copy(
        scratch.0.join("plans/tfplan.json"),
        scratch.0.join("plans/tfplan"),
    )
    .unwrap();
    let by_json = report_of(&scratch.0, &["plans/tfplan.json", "--source-dir", "infra"]);
    let by_name = report_of(&scratch.0, &["plans/tfplan", "--source-dir", "infra"]);
    // The same findings; only the plan's name in the origins differs.
    let by_json = by_json["findings"]
        .to_string()
        .replace("plans/tfplan.json", "plans/tfplan");
    assert!(by_json.contains("\"role\":\"plan\""));
    let by_json: serde_json::Value = serde_json::from_str(&by_json).unwrap();
    assert_eq!(by_json, by_name["findings"]);
    assert_eq!(by_name["summary"]["skipped"], 0, "{}", by_name["summary"]);
}

#[test]
fn a_walked_state_file_is_read() {
    let state = r#"{"format_version":"1.0","terraform_version":"1.6.0","values":{"root_module":{"resources":[
{"address":"aws_s3_bucket.records","mode":"managed","type":"aws_s3_bucket","name":"records","values":{"bucket":"phi-records"}},
{"address":"aws_s3_bucket_acl.records","mode":"managed","type":"aws_s3_bucket_acl","name":"records","values":{"bucket":"phi-records","acl":"public-read"}}
]}}}"#;
    let scratch = Scratch::repository(
        "state",
        &[
            ("live/terraform.tfstate", state),
            ("live/notes.tfstate.backup", state),
        ],
    );
    let report = report_of(&scratch.0, &["live"]);
    let found = rules_by_file(&report);
    assert!(
        found.contains(&"live/terraform.tfstate s3-public-acl".to_string()),
        "{found:#?}"
    );
    // Only `.tfstate` is walked; a backup is read when named.
    assert!(
        found
            .iter()
            .all(|f| f.starts_with("live/terraform.tfstate ")),
        "{found:#?}"
    );
}

#[test]
fn json_that_only_looks_like_a_plan_is_tried_as_a_template() {
    let template = r#"{"format_version":"1.0","terraform_version":"none",
"AWSTemplateFormatVersion":"2010-09-09",
"Resources":{"Records":{"Type":"AWS::S3::Bucket","Properties":{"AccessControl":"PublicRead"}}}}"#;
    let scratch = Scratch::repository("lookalike", &[("stack.json", template)]);
    for args in [&["stack.json"][..], &["."][..]] {
        let report = report_of(&scratch.0, args);
        let found = rules_by_file(&report);
        assert!(
            found.contains(&"stack.json s3-public-acl".to_string()),
            "{args:?}: {found:#?}"
        );
    }
}

/// Every finding on a resource the plan has names the plan's place as a
/// SARIF related location: the value the plan decided, or else the
/// resource's `address` in the plan.
#[test]
fn every_sarif_result_of_a_planned_resource_has_the_plan_as_a_related_location() {
    let scratch = scratch();
    let args = [
        "lint",
        "plans/tfplan.json",
        "--source-dir",
        "infra",
        "--format",
        "sarif",
    ];
    let out = run(&scratch.0, &args, 1).stdout;
    let sarif: Value = serde_json::from_slice(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let main = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(main.as_str().unwrap().starts_with("infra/"), "{main}");
        let related: Vec<&str> = result["relatedLocations"]
            .as_array()
            .unwrap_or_else(|| panic!("no related location: {result}"))
            .iter()
            .map(|l| {
                l["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert!(
            related.contains(&"plans/tfplan.json"),
            "{}: {related:?}",
            result["ruleId"]
        );
    }
}

/// Keys in any order: a plan re-serialized with sorted keys (`jq -S`),
/// its `configuration` before `format_version`, is still a plan.
#[test]
fn a_plan_with_sorted_keys_is_a_plan() {
    fn sorted(value: &Value) -> String {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let members: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}:{}", Value::String((*k).clone()), sorted(&map[*k])))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
            Value::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(sorted).collect::<Vec<_>>().join(",")
                )
            }
            other => other.to_string(),
        }
    }
    let scratch = scratch();
    let mut plan: Value =
        serde_json::from_str(&fs::read_to_string(scratch.0.join("plans/tfplan.json")).unwrap())
            .unwrap();
    // A provider block as large as real ones get (default tags, assumed
    // roles): `format_version` well past the first few KiB.
    plan["configuration"]["provider_config"] = serde_json::json!({
        "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"},
            "default_tags": [{"tags": {"constant_value": {"owner": "x".repeat(8000)}}}]}}
    });
    let text = sorted(&plan);
    assert!(text.find("\"format_version\"").unwrap() > 8000);
    assert!(text.find("\"configuration\"") < text.find("\"format_version\""));
    fs::write(scratch.0.join("plans/sorted.json"), text).unwrap();
    let places = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {} {}", f["file"], f["start"]["line"], f["rule"]))
            .collect()
    };
    let original = report_of(&scratch.0, &["plans/tfplan.json", "--source-dir", "infra"]);
    let resorted = report_of(&scratch.0, &["plans/sorted.json", "--source-dir", "infra"]);
    assert_eq!(places(&original), places(&resorted));
    assert_eq!(resorted["summary"]["skipped"], 0, "{}", resorted["summary"]);
}
