mod common;

use phiguard_reporter::{render, Format};

#[test]
fn full_report() {
    insta::assert_snapshot!(render(
        &common::report(),
        Format::Json,
        &common::options(false)
    ));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(render(
        &common::empty_report(),
        Format::Json,
        &common::options(false)
    ));
}

#[test]
fn shape_and_counts() {
    let text = render(&common::report(), Format::Json, &common::options(false));
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["tool"]["name"], "phiguard");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(4));
    let summary = &json["summary"];
    assert_eq!(summary["findings"], 3);
    assert_eq!(summary["suppressed"], 1);
    assert_eq!(
        summary["by_severity"],
        serde_json::json!({"critical": 1, "high": 1, "medium": 1, "low": 0})
    );
    let public = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "s3-public-acl"))
        .expect("the public ACL finding");
    assert_eq!(
        public["start"],
        serde_json::json!({"line": 3, "column": 12})
    );
    assert_eq!(public["end"], serde_json::json!({"line": 3, "column": 25}));
    // The fix's edit replaces exactly the finding's span; the text that
    // was `fix` in schema 1 is `help`.
    assert_eq!(public["help"], "acl = \"private\"");
    assert_eq!(public["fix"]["applicability"], "safe");
    assert_eq!(public["fix"]["edits"][0]["start"], public["start"]);
    assert_eq!(public["fix"]["edits"][0]["end"], public["end"]);
    assert_eq!(public["fix"]["edits"][0]["replacement"], "\"private\"");
    assert_eq!(
        summary["fixable"],
        serde_json::json!({"safe": 1, "unsafe": 1})
    );
    let errors = json["errors"].as_array().expect("errors");
    assert!(errors.iter().any(|e| e["start"].is_null()));
    assert!(errors
        .iter()
        .any(|e| e["start"] == serde_json::json!({"line": 3, "column": 1})));
}

#[test]
fn origins() {
    insta::assert_snapshot!(render(
        &common::origins_report(),
        Format::Json,
        &common::options(false)
    ));
}

/// Every finding has `origins`; positions have the finding's own shape, and
/// all three are null for a value given outside any file.
#[test]
fn origins_shape() {
    let text = render(
        &common::origins_report(),
        Format::Json,
        &common::options(false),
    );
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["schema_version"], 2);
    let findings = json["findings"].as_array().expect("findings");
    let by_rule = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {text}"))
    };
    assert_eq!(
        by_rule("s3-encryption-missing")["origins"],
        serde_json::json!([])
    );
    assert_eq!(
        by_rule("s3-public-acl")["origins"],
        serde_json::json!([
            {"file": null, "start": null, "end": null, "role": "var-flag", "name": "--var bucket_acl"},
            {
                "file": "infra/main.tf",
                "start": {"line": 3, "column": 16},
                "end": {"line": 3, "column": 30},
                "role": "module-argument",
                "name": "acl"
            }
        ])
    );
    assert_eq!(
        by_rule("s3-versioning-disabled")["origins"][0],
        serde_json::json!({
            "file": "infra/terraform.tfvars",
            "start": {"line": 1, "column": 21},
            "end": {"line": 1, "column": 32},
            "role": "tfvars",
            "name": "versioning_status"
        })
    );
    // The finding itself is still located at the use.
    assert_eq!(
        by_rule("s3-public-acl")["file"],
        "infra/modules/bucket/main.tf"
    );
}

/// `--statistics` adds `summary.statistics`: a row per rule and severity.
#[test]
fn statistics() {
    let options = phiguard_reporter::RenderOptions {
        statistics: true,
        ..common::options(false)
    };
    let json: serde_json::Value =
        serde_json::from_str(&render(&common::report(), Format::Json, &options)).unwrap();
    insta::assert_json_snapshot!(json["summary"]);
    let plain: serde_json::Value = serde_json::from_str(&render(
        &common::report(),
        Format::Json,
        &common::options(false),
    ))
    .unwrap();
    assert!(plain["summary"].get("statistics").is_none());
}
