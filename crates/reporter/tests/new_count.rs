//! A change-aware run's count of new findings, in the summaries that
//! carry counts; absent from runs that are not change-aware.

mod common;

use phiguard_reporter::{render, Format};

#[test]
fn the_summary_says_how_many_findings_are_new() {
    let mut report = common::report();
    report.new = Some(2);
    let human = render(&report, Format::Human, &common::options(false));
    assert!(human.contains("Found 3 findings (2 new): "), "{human}");
    let json = render(&report, Format::Json, &common::options(false));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(json["summary"]["new"], 2);
    assert_eq!(json["summary"]["findings"], 3);
}

#[test]
fn runs_that_are_not_change_aware_have_no_new_count() {
    let report = common::report();
    let human = render(&report, Format::Human, &common::options(false));
    assert!(!human.contains(" new)"), "{human}");
    let json = render(&report, Format::Json, &common::options(false));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert!(json["summary"].get("new").is_none(), "{}", json["summary"]);
}
