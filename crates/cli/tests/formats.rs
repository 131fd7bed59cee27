//! `phiguard lint --format compact|github|sarif|junit` end to end, and
//! `--output FILE` for every format.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const PUBLIC_BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"

  acl = "public-read"
}
"#;

const BROKEN: &str = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \n}\n";

/// Exit code and stdout of `phiguard lint ARGS` in `dir`.
fn lint(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("phiguard")
        .unwrap()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn compact_prints_one_line_a_finding() {
    let dir = Scratch::new(
        "formats",
        &[("infra/s3.tf", PUBLIC_BUCKET), ("bad/broken.tf", BROKEN)],
    );
    let (code, out) = lint(
        &dir.0,
        &["--format", "compact", "--select", "s3-public-acl"],
    );
    assert_eq!(code, 2, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "infra/s3.tf:4:9: critical [s3-public-acl] bucket \"patient-records\" has ACL \"public-read\""
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with("bad/broken.tf:2:9: error: invalid HCL"),
        "{out}"
    );
}

#[test]
fn github_prints_annotations() {
    let dir = Scratch::new("formats", &[("infra/s3.tf", PUBLIC_BUCKET)]);
    let (code, out) = lint(&dir.0, &["--format", "github", "--select", "s3-public-acl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with(
            "::error file=infra/s3.tf,line=4,col=9,endLine=4,endColumn=22,title=critical [s3-public-acl] S3 bucket ACL grants access to everyone::bucket \"patient-records\" has ACL"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn sarif_describes_the_rules_that_ran() {
    let dir = Scratch::new("formats", &[("infra/s3.tf", PUBLIC_BUCKET)]);
    let (code, out) = lint(&dir.0, &["--format", "sarif"]);
    assert_eq!(code, 1, "{out}");
    let log: Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    assert!(ids.contains(&"s3-public-acl") && ids.contains(&"es-not-in-vpc"));
    for rule in rules {
        assert!(rule["name"]
            .as_str()
            .unwrap()
            .starts_with(|c: char| c.is_ascii_uppercase()));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("```hcl"));
        assert!(rule["properties"]["security-severity"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let (_, out) = lint(&dir.0, &["--format", "sarif", "--select", "s3-public-acl"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["name"], "S3PublicAcl");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 22})
    );
}

#[test]
fn sarif_reports_parse_errors_as_notifications() {
    let dir = Scratch::new("formats", &[("bad/broken.tf", BROKEN)]);
    let (code, out) = lint(&dir.0, &["--format", "sarif"]);
    assert_eq!(code, 2, "{out}");
    let log: Value = serde_json::from_str(&out).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "bad/broken.tf");
    assert_eq!(location["region"]["startLine"], 2);
}

#[test]
fn junit_has_a_failure_a_finding() {
    let dir = Scratch::new(
        "formats",
        &[
            ("infra/s3.tf", PUBLIC_BUCKET),
            ("infra/ok.tf", "locals {}\n"),
        ],
    );
    let (code, out) = lint(&dir.0, &["--format", "junit", "--select", "s3-public-acl"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"phiguard\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">"), "{out}");
    assert!(out.contains("<testcase name=\"infra/s3.tf:4:9 aws_s3_bucket.records\" classname=\"s3-public-acl\" file=\"infra/s3.tf\" line=\"4\">"), "{out}");
    assert!(
        out.contains(
            "<testcase name=\"infra/ok.tf\" classname=\"phiguard\" file=\"infra/ok.tf\"/>"
        ),
        "{out}"
    );
}

#[test]
fn every_format_writes_to_output_file() {
    let dir = Scratch::new("formats", &[("s3.tf", PUBLIC_BUCKET)]);
    for format in ["human", "compact", "json", "sarif", "github", "junit"] {
        let name = format!("report.{format}");
        let (code, out) = lint(&dir.0, &["--format", format, "--output", &name]);
        assert_eq!(code, 1, "{format}");
        assert!(out.is_empty(), "{format}: {out}");
        let (_, stdout) = lint(&dir.0, &["--format", format, "--color", "never"]);
        let written = fs::read_to_string(dir.0.join(&name)).unwrap();
        assert_eq!(written, stdout, "{format}");
        assert!(written.contains("s3-public-acl"), "{format}: {written}");
    }
}

/// `--output` never overwrites what the run reads: a file named on the
/// command line (however spelled, or through a link) is refused before the
/// run, a Terraform or CloudFormation file found in a linted folder after
/// it, before anything is written. A report beside the linted files is
/// fine, even with a name (`report.json`) phiguard looks into.
#[test]
fn output_refuses_an_input() {
    let dir = Scratch::new(
        "formats",
        &[("infra/s3.tf", PUBLIC_BUCKET), ("vars.tfvars", "acl = 1\n")],
    );
    std::os::unix::fs::symlink("infra/s3.tf", dir.0.join("link.tf")).unwrap();
    let refused: &[&[&str]] = &[
        &["infra/s3.tf", "--output", "infra/s3.tf"],
        &["infra/s3.tf", "--output", "./infra/../infra/s3.tf"],
        &["infra/s3.tf", "--output", "link.tf"],
        &[
            "infra",
            "--var-file",
            "vars.tfvars",
            "--output",
            "vars.tfvars",
        ],
        &["infra", "--output", "infra/s3.tf"],
        &[".", "--output", "infra/s3.tf"],
    ];
    for args in refused {
        let output = Command::cargo_bin("phiguard")
            .unwrap()
            .current_dir(&dir.0)
            .arg("lint")
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("refusing to overwrite"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            fs::read_to_string(dir.0.join("infra/s3.tf")).unwrap(),
            PUBLIC_BUCKET,
            "{args:?}"
        );
        assert_eq!(
            fs::read_to_string(dir.0.join("vars.tfvars")).unwrap(),
            "acl = 1\n"
        );
    }
    let (code, _) = lint(
        &dir.0,
        &["infra", "--format", "json", "--output", "infra/report.json"],
    );
    assert_eq!(code, 1);
    let (code, _) = lint(
        &dir.0,
        &["infra", "--format", "json", "--output", "infra/report.json"],
    );
    assert_eq!(code, 1, "a report from an earlier run is no template");
}

/// Every rule's page: phiguard's repository by default, `--docs-url` or
/// the config's `docs_url` otherwise (a path becomes a `file://` URL, for
/// a local copy); in SARIF's `helpUri`, compact's suffix, human's `docs:`.
#[test]
fn rule_pages_are_linked() {
    let dir = Scratch::new(
        "formats",
        &[
            ("infra/s3.tf", PUBLIC_BUCKET),
            (".git/HEAD", "ref: refs/heads/main\n"),
        ],
    );
    let select = ["--select", "s3-public-acl"];
    let default = concat!(
        env!("CARGO_PKG_REPOSITORY"),
        "/blob/main/docs/rules/s3-public-acl.md"
    );
    let (_, out) = lint(&dir.0, &[&["--format", "compact"][..], &select].concat());
    assert!(out.ends_with(&format!(" <{default}>\n")), "{out}");
    let (_, out) = lint(&dir.0, &select);
    assert!(out.contains(&format!("\n  docs: {default}\n")), "{out}");
    let (_, out) = lint(&dir.0, &[&["--format", "sarif"][..], &select].concat());
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["helpUri"],
            default.replace("s3-public-acl", id),
            "{rule}"
        );
    }

    // A local copy, from the command line or the config file.
    let (_, out) = lint(
        &dir.0,
        &[
            &["--format", "compact", "--docs-url", "docs/rules"][..],
            &select,
        ]
        .concat(),
    );
    let local = format!("file://{}/docs/rules/s3-public-acl.md", dir.0.display());
    assert!(out.ends_with(&format!(" <{local}>\n")), "{out}");
    fs::write(
        dir.0.join("infra/.phiguard.yaml"),
        "docs_url: https://docs.example.invalid/phiguard/{id}.html\n",
    )
    .unwrap();
    let (_, out) = lint(
        &dir.0,
        &[&["infra", "--format", "compact"][..], &select].concat(),
    );
    assert!(
        out.ends_with(" <https://docs.example.invalid/phiguard/s3-public-acl.html>\n"),
        "{out}"
    );
}
