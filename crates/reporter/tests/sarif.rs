mod common;

use phiguard_model::Report;
use phiguard_reporter::{render, Format};
use serde_json::Value;

fn sarif(report: &Report) -> String {
    render(report, Format::Sarif, &common::options(true))
}

fn sarif_json(report: &Report) -> Value {
    let text = sarif(report);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn full_report() {
    insta::assert_snapshot!(sarif(&common::report()));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(sarif(&common::empty_report()));
}

#[test]
fn escaping() {
    insta::assert_snapshot!(sarif(&common::tricky_report()));
}

#[test]
fn rules_carry_metadata_and_results_point_at_them() {
    let log = sarif_json(&common::report());
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "phiguard");
    assert_eq!(driver["version"], "0.1.0");
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "s3-access-logging-disabled",
            "s3-encryption-missing",
            "s3-public-acl",
            "s3-replication-disabled",
            "s3-versioning-disabled"
        ]
    );
    let public = &rules[2];
    assert_eq!(public["name"], "S3PublicAcl");
    assert_eq!(public["properties"]["security-severity"], "9.5");
    assert_eq!(
        public["properties"]["tags"],
        serde_json::json!(["security", "hipaa", "164.312(a)(1)", "164.312(e)(1)"])
    );
    assert_eq!(public["defaultConfiguration"]["level"], "error");
    let markdown = public["help"]["markdown"].as_str().expect("markdown help");
    assert!(markdown.contains("```hcl\nresource \"aws_s3_bucket\" \"fixed\""));
    assert!(markdown.contains("```yaml\nFixed:"));
    assert!(markdown.contains("- 164.312(e)(1)"));
    let severities: Vec<&str> = rules
        .iter()
        .filter_map(|r| r["properties"]["security-severity"].as_str())
        .collect();
    assert_eq!(severities, ["3.0", "8.0", "9.5", "3.0", "5.5"]);

    let results = run["results"].as_array().expect("results");
    // Findings only: an undecided check is a notification, not an alert.
    assert_eq!(results.len(), 4);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let text = result["message"]["text"].as_str().expect("message");
        assert!(text.ends_with('.'), "{text}");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(location["artifactLocation"]["uri"], "infra/s3.tf");
        assert!(result["partialFingerprints"]["phiguard/v1"].is_string());
    }
    let public = results
        .iter()
        .find(|r| r["ruleId"] == "s3-public-acl")
        .expect("the public ACL result");
    assert_eq!(
        public["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 25})
    );
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "this is the log bucket"}])
    );
}

#[test]
fn errors_are_tool_notifications() {
    let log = sarif_json(&common::report());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let levels: Vec<&str> = notifications
        .iter()
        .filter_map(|n| n["level"].as_str())
        .collect();
    // Two errors, a skipped file, a module call not checked and, asked
    // for, an undecided check.
    assert_eq!(levels, ["error", "error", "note", "note", "note"]);
    let undecided = &notifications[4];
    assert_eq!(
        undecided["message"]["text"],
        "undecided [s3-public-acl] aws_s3_bucket.logs: var.logs_acl has no value."
    );
    let hidden = render(&common::report(), Format::Sarif, &common::options(false));
    assert!(!hidden.contains("undecided ["), "{hidden}");
    let broken = &notifications[0]["locations"][0]["physicalLocation"];
    assert_eq!(broken["artifactLocation"]["uri"], "infra/broken.tf");
    assert_eq!(broken["region"]["startLine"], 3);
    let unreadable = &notifications[1]["locations"][0]["physicalLocation"];
    assert_eq!(unreadable["artifactLocation"]["uri"], "infra/secret.tf");
    assert!(unreadable.get("region").is_none());

    let clean = sarif_json(&common::empty_report());
    let invocation = &clean["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("toolExecutionNotifications").is_none());
}

/// A rule without metadata (a custom policy, say) still gets a descriptor,
/// so every result has a valid `ruleIndex`; paths are URI-encoded.
#[test]
fn undocumented_rules_and_odd_paths() {
    let log = sarif_json(&common::tricky_report());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["custom-rule", "s3-public-acl", "s3-versioning-disabled"]
    );
    assert_eq!(rules[0]["name"], "CustomRule");
    for result in run["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "infra/odd%2C%20name%25.tf"
        );
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(sarif(&common::report()), sarif(&common::report()));
}

#[test]
fn origins() {
    insta::assert_snapshot!(sarif(&common::origins_report()));
}

/// Origins in a file are related locations the message links to, with the
/// result's base URI; one outside any file is named in the message.
#[test]
fn origins_are_related_locations() {
    let log = sarif_json(&common::origins_report());
    let results = log["runs"][0]["results"].as_array().expect("results");
    let by_rule = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("{rule}"))
    };
    let acl = by_rule("s3-public-acl");
    assert_eq!(
        acl["message"]["text"],
        "bucket ACL \"public-read\" lets anyone on the internet list and read every object (set by --var bucket_acl, [passed in infra/main.tf:3:16](1))."
    );
    assert_eq!(
        acl["relatedLocations"],
        serde_json::json!([{
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "infra/main.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 16, "endLine": 3, "endColumn": 30}
            },
            "message": {"text": "passed here: acl."}
        }])
    );
    let versioning = by_rule("s3-versioning-disabled");
    let related = versioning["relatedLocations"].as_array().expect("related");
    let ids: Vec<u64> = related.iter().filter_map(|r| r["id"].as_u64()).collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(
        related[0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/terraform.tfvars"
    );
    assert_eq!(
        related[0]["message"]["text"],
        "set here: versioning_status."
    );
    let none = by_rule("s3-encryption-missing");
    assert!(none.get("relatedLocations").is_none(), "{none}");
    assert_eq!(
        none["message"]["text"],
        "bucket has no default encryption configuration."
    );
}

/// Module calls not checked are note notifications at the call, always
/// (not only with `--show-notices`): code scanning users learn what was
/// not looked at.
#[test]
fn notices_are_note_notifications() {
    let report = common::notices_report();
    let quiet = phiguard_reporter::RenderOptions {
        show_notices: false,
        ..common::options(false)
    };
    let log: Value = serde_json::from_str(&render(&report, Format::Sarif, &quiet)).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    insta::assert_json_snapshot!(invocation);
}
