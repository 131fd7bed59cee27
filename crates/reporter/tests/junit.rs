mod common;

use phiguard_reporter::{render, Format};

fn junit(report: &phiguard_model::Report) -> String {
    render(report, Format::Junit, &common::options(true))
}

#[test]
fn full_report() {
    insta::assert_snapshot!(junit(&common::report()));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(junit(&common::empty_report()));
}

#[test]
fn escaping() {
    insta::assert_snapshot!(junit(&common::tricky_report()));
}

/// Well-formed XML whose counts add up, and the texts survive a round trip.
#[test]
fn parses_and_counts_add_up() {
    for report in [
        common::report(),
        common::tricky_report(),
        common::empty_report(),
    ] {
        let xml = junit(&report);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let count = |name: &str| {
            root.descendants()
                .filter(|n| n.has_tag_name(name))
                .count()
                .to_string()
        };
        assert_eq!(root.attribute("tests"), Some(count("testcase").as_str()));
        assert_eq!(root.attribute("failures"), Some(count("failure").as_str()));
        assert_eq!(root.attribute("errors"), Some(count("error").as_str()));
        assert_eq!(root.attribute("skipped"), Some(count("skipped").as_str()));
        let failures = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .count();
        assert_eq!(count("failure"), failures.to_string());
        assert_eq!(count("error"), report.errors.len().to_string());
    }

    let xml = junit(&common::tricky_report());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure")
                && n.parent().and_then(|p| p.attribute("classname")) == Some("s3-public-acl")
        })
        .expect("the public ACL failure");
    assert_eq!(
        failure.attribute("message"),
        Some("100% public: a, b & <c>\nsecond line \"quoted\"")
    );
    assert!(failure
        .text()
        .unwrap_or_default()
        .contains("fix:\nacl = \"private\" # <b>&</b>"));
    let skipped = doc
        .descendants()
        .filter_map(|n| n.attribute("message"))
        .find(|m| m.starts_with("suppressed: "))
        .expect("the suppressed finding");
    assert_eq!(
        skipped,
        "suppressed: ticket <OPS-12> & \"later\", 100%: see\nthe wiki"
    );
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("k8s/a&b <c>.yaml")));
}

#[test]
fn undecided_checks_are_skipped_cases_only_on_request() {
    let report = common::report();
    let shown = junit(&report);
    assert!(
        shown.contains("<skipped message=\"undecided: var.logs_acl has no value\"/>"),
        "{shown}"
    );
    let hidden = render(&report, Format::Junit, &common::options(false));
    assert!(!hidden.contains("undecided"), "{hidden}");
}

#[test]
fn origins() {
    insta::assert_snapshot!(junit(&common::origins_report()));
}

#[test]
fn origins_are_in_the_failure_text() {
    let xml = junit(&common::origins_report());
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let failure = |rule: &str| {
        doc.descendants()
            .find(|n| {
                n.has_tag_name("failure")
                    && n.parent().and_then(|p| p.attribute("classname")) == Some(rule)
            })
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string()
    };
    assert!(failure("s3-public-acl").contains(
        "resource: module.records.aws_s3_bucket.this\norigin: set by --var bucket_acl\norigin: passed in infra/main.tf:3:16 (acl)\nHIPAA: "
    ), "{xml}");
    assert!(
        failure("s3-versioning-disabled")
            .contains("origin: set in infra/terraform.tfvars:1:21 (versioning_status)\n"),
        "{xml}"
    );
    assert!(
        !failure("s3-encryption-missing").contains("origin:"),
        "{xml}"
    );
}
