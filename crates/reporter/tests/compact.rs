mod common;

use phiguard_reporter::{render, DocsLinks, Format, RenderOptions};

fn compact(report: &phiguard_model::Report) -> String {
    render(report, Format::Compact, &common::options(true))
}

#[test]
fn full_report() {
    insta::assert_snapshot!(compact(&common::report()));
}

#[test]
fn empty_report() {
    assert_eq!(compact(&common::empty_report()), "");
}

#[test]
fn escaping() {
    insta::assert_snapshot!(compact(&common::tricky_report()));
}

/// Every line has the shape the documented problem matchers expect:
/// `path:line:col: severity [rule-id] message` (`undecided` in place of the
/// severity for an undecided check) or `path:line:col: error: message`.
#[test]
fn every_line_is_path_line_column_severity_message() {
    for report in [common::report(), common::tricky_report()] {
        let out = compact(&report);
        let expected = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .count()
            + report.errors.len()
            + report.undecided.len();
        assert_eq!(out.lines().count(), expected, "{out}");
        for line in out.lines() {
            // The path may hold `:`; the rest of the line is anchored at
            // the first `: ` after `line:col`.
            let (head, rest) = line.split_once(": ").expect("`: ` after the place");
            let mut parts = head.rsplitn(3, ':');
            let column: u32 = parts.next().and_then(|c| c.parse().ok()).expect("column");
            let row: u32 = parts.next().and_then(|c| c.parse().ok()).expect("line");
            assert!(column >= 1 && row >= 1, "{line}");
            assert!(!parts.next().unwrap_or_default().is_empty(), "{line}");
            let severity = rest.split(' ').next().unwrap_or_default();
            assert!(
                ["critical", "high", "medium", "low", "undecided", "error:"].contains(&severity),
                "{line}"
            );
        }
    }
}

#[test]
fn undecided_checks_are_listed_only_on_request() {
    let report = common::report();
    let hidden = render(&report, Format::Compact, &common::options(false));
    assert!(!hidden.contains("undecided"), "{hidden}");
    let shown = compact(&report);
    assert!(
        shown.contains("infra/s3.tf:15:9: undecided [s3-public-acl] aws_s3_bucket.logs: var.logs_acl has no value"),
        "{shown}"
    );
}

#[test]
fn suppressed_findings_are_not_printed() {
    let out = compact(&common::report());
    assert!(!out.contains("s3-access-logging-disabled"), "{out}");
    assert!(
        out.starts_with("infra/s3.tf:1:1: high [s3-encryption-missing] bucket has no default"),
        "{out}"
    );
    assert!(
        out.contains("infra/secret.tf:1:1: error: cannot read the file"),
        "{out}"
    );
}

#[test]
fn origins() {
    insta::assert_snapshot!(compact(&common::origins_report()));
}

/// The first origin, the place to change, follows the message; a finding
/// without origins keeps the line it always had.
#[test]
fn the_first_origin_follows_the_message() {
    let without_docs = RenderOptions {
        docs: DocsLinks::none(),
        ..common::options(true)
    };
    let out = render(&common::origins_report(), Format::Compact, &without_docs);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "infra/modules/bucket/main.tf:4:1: high [s3-encryption-missing] bucket has no default encryption configuration",
            "infra/modules/bucket/main.tf:6:12: critical [s3-public-acl] bucket ACL \"public-read\" lets anyone on the internet list and read every object (set by --var bucket_acl)",
            "infra/modules/bucket/main.tf:12:14: medium [s3-versioning-disabled] versioning is \"Suspended\": overwritten or deleted objects cannot be recovered (set in infra/terraform.tfvars:1:21)",
        ],
        "{out}"
    );
}

/// A line break, an escape or a bell in a path or a message is written as
/// an escape: one line a finding, and nothing a terminal would obey.
#[test]
fn control_characters_are_escaped() {
    let out = compact(&common::control_report());
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    insta::assert_snapshot!(out);
}

/// The rule's page ends the line, in angle brackets, after any origin;
/// a rule without a page there gets none.
#[test]
fn the_rule_page_ends_the_line() {
    let out = compact(&common::origins_report());
    assert!(out.contains("objects cannot be recovered (set in infra/terraform.tfvars:1:21) <https://docs.example.invalid/rules/s3-versioning-disabled.md>\n"), "{out}");
    let only = RenderOptions {
        docs: DocsLinks::new(
            common::DOCS.to_string(),
            Some(["s3-public-acl".to_string()].into()),
        ),
        ..common::options(true)
    };
    let out = render(&common::origins_report(), Format::Compact, &only);
    assert_eq!(out.matches(" <https://").count(), 1, "{out}");
}
