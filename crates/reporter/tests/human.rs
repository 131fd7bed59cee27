mod common;

use phiguard_model::{FileId, Report, Severity};
use phiguard_reporter::{render, Format, RenderOptions};

fn human(report: &Report, options: &RenderOptions) -> String {
    render(report, Format::Human, options)
}

fn full(report: &Report, options: &RenderOptions) -> String {
    render(report, Format::Full, options)
}

/// The default: the bucket's two findings share one snippet, each with
/// its heading, help, notes and docs link below it, most severe first; the
/// versioning resource's one finding is shown whole.
#[test]
fn full_report() {
    insta::assert_snapshot!(human(&common::report(), &common::options(true)));
}

/// `--format full`: a snippet a finding, as before grouping.
#[test]
fn full_report_one_snippet_a_finding() {
    insta::assert_snapshot!(full(&common::report(), &common::options(true)));
}

#[test]
fn empty_report() {
    insta::assert_snapshot!(human(&common::empty_report(), &common::options(true)));
}

#[test]
fn undecided_checks_are_listed_only_on_request() {
    let report = common::report();
    let hidden = human(&report, &common::options(false));
    let shown = human(&report, &common::options(true));
    assert!(!hidden.contains("var.logs_acl has no value"));
    assert!(shown.contains("infra/s3.tf:15:9: s3-public-acl (aws_s3_bucket.logs): var.logs_acl"));
    assert!(hidden.contains("1 check undecided: values phiguard cannot know offline"));
}

#[test]
fn suppressed_findings_are_not_printed() {
    let out = human(&common::report(), &common::options(true));
    assert!(!out.contains("s3-access-logging-disabled"));
    assert!(out.contains("(1 suppressed finding not shown)"));
}

/// The underline starts at the value's column and is exactly as wide.
#[test]
fn underlines_exactly_the_span() {
    let out = human(&common::report(), &common::options(false));
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.ends_with("acl    = \"public-read\""))
        .expect("the source line is shown");
    let value_column = lines[source].find("\"public-read\"").expect("value");
    let underline = lines[source + 1];
    let start = underline.find('─').expect("an underline");
    // The gutter is ASCII and box drawing is one column wide: count chars.
    let column = underline[..start].chars().count();
    let width = underline[start..]
        .chars()
        .take_while(|&c| c == '─' || c == '┬')
        .count();
    assert_eq!(column, lines[source][..value_column].chars().count());
    assert_eq!(width, "\"public-read\"".len());
}

/// Snippet headers give phiguard's column (Unicode scalar values), the
/// same as JSON, not miette's byte count.
#[test]
fn header_columns_count_characters() {
    let text = "locals { owner = \"Zoë\", acl = \"public-read\" }\n";
    let file = FileId(0);
    let span = common::span_of(file, text, "\"public-read\"", 0);
    let report = Report {
        files: vec![common::file(0, "main.tf", text)],
        resources: 1,
        findings: vec![common::finding(
            "s3-public-acl",
            Severity::Critical,
            "public",
            span,
            common::bucket("aws_s3_bucket.b", "aws_s3_bucket"),
            "acl",
            &[],
            None,
        )],
        ..Report::default()
    };
    let out = human(&report, &common::options(false));
    assert!(out.contains("[main.tf:1:31]"), "{out}");
    let json = render(&report, Format::Json, &common::options(false));
    assert!(json.contains("\"column\": 31"), "{json}");
}

#[test]
fn colour_only_on_request() {
    let report = common::report();
    let plain = human(&report, &common::options(true));
    assert!(!plain.contains('\u{1b}'));
    let coloured = human(
        &report,
        &RenderOptions {
            color: true,
            ..common::options(true)
        },
    );
    assert!(coloured.contains('\u{1b}'));
}

/// A span the report has no file for still prints its rule and place.
#[test]
fn findings_outside_known_files_keep_their_location() {
    let mut report = common::report();
    report.findings.truncate(1);
    report.findings[0].span.file = FileId(9);
    report.errors.clear();
    report.skipped.clear();
    let out = human(&report, &common::options(false));
    assert!(
        out.starts_with("  × high[s3-encryption-missing]: "),
        "{out}"
    );
    assert!(
        out.contains("note: resource aws_s3_bucket.records at <unknown>:1:1; HIPAA"),
        "{out}"
    );
    assert!(!out.contains('╭'), "{out}");
}

/// Not run by default: `cargo test --release -p phiguard-reporter -- --ignored --nocapture`.
#[test]
#[ignore]
fn many_labels_on_a_large_file() {
    let line = "  acl    = \"public-read\" # padding padding padding padding padding\n";
    let text = line.repeat(5 * 1024 * 1024 / line.len());
    let file = FileId(0);
    let findings = (0..10_000)
        .map(|i| {
            let offset = (text.len() / 10_000) * i;
            let start = offset - offset % line.len() + 11;
            common::finding(
                "s3-public-acl",
                Severity::Critical,
                "public",
                phiguard_model::Span::new(file, start..start + 13),
                common::bucket("aws_s3_bucket.b", "aws_s3_bucket"),
                "acl",
                &[],
                None,
            )
        })
        .collect();
    let report = Report {
        files: vec![common::file(0, "big.tf", &text)],
        resources: 1,
        findings,
        ..Report::default()
    };
    let started = std::time::Instant::now();
    let out = human(&report, &common::options(false));
    eprintln!("{} bytes of output in {:?}", out.len(), started.elapsed());
}

/// A span in, running into, or next to a line of thousands of characters
/// (a minified policy): miette would draw the whole line, so only a window
/// of it is shown, and a span never runs into it.
#[test]
fn long_lines_are_shown_in_part() {
    let filler = "x".repeat(3_000);
    let text = format!(
        "resource \"aws_s3_bucket\" \"b\" {{\n  policy = jsonencode({{ Sid = \"{filler}\", Principal = \"*\" }})\n}}\nresource \"aws_s3_bucket\" \"c\" {{\n  tags = {{\n    k = \"{filler}\"\n  }}\n}}\n"
    );
    let id = FileId(0);
    let b = common::bucket("aws_s3_bucket.b", "aws_s3_bucket");
    let c = common::bucket("aws_s3_bucket.c", "aws_s3_bucket");
    let finding = |rule: &str, needle: &str, resource| {
        common::finding(
            rule,
            Severity::High,
            "message",
            common::span_of(id, &text, needle, 0),
            resource,
            "label",
            &[],
            None,
        )
    };
    let mut tags = finding("s3-versioning-disabled", "tags = {", c.clone());
    tags.span.end = (text.find("\n  }").unwrap() + 4) as u32;
    let report = Report {
        files: vec![common::file(0, "infra/s3.tf", &text)],
        resources: 2,
        findings: vec![
            // In the long line, far from its start.
            finding("s3-public-policy", "\"*\"", b.clone()),
            // Next to the long line: no context lines.
            finding(
                "s3-public-access-block",
                "resource \"aws_s3_bucket\" \"b\"",
                b,
            ),
            // Running into the long line: stops before it.
            tags,
        ],
        ..Report::default()
    };
    let out = human(&report, &common::options(false));
    assert!(out.len() < 5_000, "{} bytes", out.len());
    insta::assert_snapshot!(out);
}

/// Spans at the edges of lines next to or in a long line still get their
/// snippet: one that ends just past a line break, one that starts on the
/// `\n` of a `\r\n`.
#[test]
fn long_line_windows_hold_spans_at_line_breaks() {
    let filler = "x".repeat(3_000);
    let text = format!("a = 1\r\nb = \"{filler}\"\r\nc = 2\n");
    let id = FileId(0);
    let resource = common::bucket("aws_s3_bucket.b", "aws_s3_bucket");
    let finding = |start: usize, end: usize| {
        let mut f = common::finding(
            "s3-public-policy",
            Severity::High,
            "message",
            common::span_of(id, &text, "a = 1", 0),
            resource.clone(),
            "label",
            &[],
            None,
        );
        f.span.start = start as u32;
        f.span.end = end as u32;
        f
    };
    let long_end = text.find("\"\r\nc").unwrap() + 1;
    let report = Report {
        files: vec![common::file(0, "infra/s3.tf", &text)],
        resources: 1,
        findings: vec![
            // `a = 1\r\n`, ending past the break, next to the long line.
            finding(0, 7),
            // The `\n` after the long line.
            finding(long_end + 1, long_end + 2),
        ],
        ..Report::default()
    };
    let out = human(&report, &common::options(false));
    assert!(!out.contains("Failed to read"), "{out}");
    assert!(out.contains("infra/s3.tf:1:1]"), "{out}");
    assert!(
        out.contains(&format!("infra/s3.tf:2:{}]", long_end - 7 + 2)),
        "{out}"
    );
    assert!(out.len() < 5_000, "{} bytes", out.len());
}

#[test]
fn origins() {
    insta::assert_snapshot!(human(&common::origins_report(), &common::options(false)));
}

/// Each origin in a file is a snippet of its own, headed by its file and
/// position and labelled with its role and name, after the finding's; one
/// given outside any file is a line.
#[test]
fn origins_are_labelled_snippets_in_their_files() {
    let out = full(&common::origins_report(), &common::options(false));
    assert!(!out.contains("Failed to read"), "{out}");
    let acl = out
        .split("\n\n")
        .find(|block| block.contains("[s3-public-acl]"))
        .expect("the ACL finding");
    let headers: Vec<&str> = acl
        .lines()
        .filter_map(|l| l.split_once("╭─[").map(|(_, h)| h))
        .collect();
    assert_eq!(
        headers,
        ["infra/modules/bucket/main.tf:6:12]", "infra/main.tf:3:16]"],
        "{acl}"
    );
    assert!(acl.contains("╰── passed here: acl"), "{acl}");
    assert!(acl.contains(" 3 │   acl        = var.bucket_acl"), "{acl}");
    assert!(acl.contains("\n  = set by --var bucket_acl\n"), "{acl}");
    let versioning = out
        .split("\n\n")
        .find(|block| block.contains("[s3-versioning-disabled]"))
        .expect("the versioning finding");
    assert!(
        versioning.contains("[infra/terraform.tfvars:1:21]"),
        "{versioning}"
    );
    assert!(
        versioning.contains("╰── set here: versioning_status"),
        "{versioning}"
    );
    assert!(!versioning.contains("\n  = "), "{versioning}");
}

/// An origin next to the finding in the same file is still its own
/// snippet, and one in a file the report lacks is a line with its place.
#[test]
fn origins_in_the_same_file_or_an_unknown_one() {
    let mut report = common::origins_report();
    let acl = report
        .findings
        .iter_mut()
        .find(|f| f.rule == "s3-public-acl")
        .expect("the ACL finding");
    acl.origins = vec![
        common::origin(
            phiguard_model::OriginRole::VariableDefault,
            Some(common::span_of(FileId(0), common::MODULE_TF, "{}", 0)),
            "acl",
        ),
        common::origin(
            phiguard_model::OriginRole::Local,
            Some(phiguard_model::Span::new(FileId(9), 0..1)),
            "acl",
        ),
    ];
    report.findings.retain(|f| f.rule == "s3-public-acl");
    let out = human(&report, &common::options(false));
    assert!(!out.contains("Failed to read"), "{out}");
    assert!(out.contains("[infra/modules/bucket/main.tf:6:12]"), "{out}");
    assert!(out.contains("[infra/modules/bucket/main.tf:1:16]"), "{out}");
    assert!(out.contains("╰── default here: acl"), "{out}");
    assert!(
        out.contains("\n  = local value in <unknown>:1:1 (acl)\n"),
        "{out}"
    );
}

/// Source text, paths and messages show control characters as escapes
/// (`\x1b`), with the underline under the escaped value; a file whose
/// lines end with a CR alone shows the finding's own line, as numbered in
/// the header.
#[test]
fn control_characters_are_escaped() {
    let out = human(&common::control_report(), &common::options(false));
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert!(out.contains("mac.tf:3:12"), "{out}");
    assert!(out.contains("╭─[in\\nfra/\\x1b[31mred.tf:2:12]"), "{out}");
    insta::assert_snapshot!(out);
}

/// The summary says which findings fail the run: those at or above
/// `--fail-on`, named with the threshold.
#[test]
fn summary_names_what_fails_the_run() {
    let report = common::report();
    let at = |fail_on| {
        human(
            &report,
            &RenderOptions {
                fail_on,
                ..common::options(false)
            },
        )
    };
    assert!(at(Some(Severity::High)).contains("; 2 at or above --fail-on high fail the run.\n"));
    assert!(at(Some(Severity::Critical))
        .contains("; 1 at or above --fail-on critical fails the run.\n"));
    let mut low_only = common::report();
    low_only.findings.retain(|f| f.severity == Severity::Medium);
    let out = human(
        &low_only,
        &RenderOptions {
            fail_on: Some(Severity::High),
            ..common::options(false)
        },
    );
    assert!(
        out.contains("; none is at or above --fail-on high.\n"),
        "{out}"
    );
    assert!(at(None).contains("; --fail-on never: none fails the run.\n"));
}

/// Module calls not checked are one summary line with a count, not a line
/// each; `--show-notices` lists them.
#[test]
fn notices() {
    let report = common::notices_report();
    let counted = human(
        &report,
        &RenderOptions {
            show_notices: false,
            ..common::options(false)
        },
    );
    assert!(
        counted.contains("\n3 module calls not checked: --show-notices lists them\n"),
        "{counted}"
    );
    assert!(!counted.contains("module.vpc"), "{counted}");
    let listed = human(&report, &common::options(false));
    assert!(
        listed.contains("\n3 module calls not checked (listed above)\n"),
        "{listed}"
    );
    insta::assert_snapshot!("notices_counted", counted);
    insta::assert_snapshot!("notices_listed", listed);
}

/// `--statistics`: a table of counts per rule and severity instead of the
/// findings (as ruff's), most findings first; the summary stays.
#[test]
fn statistics() {
    let mut report = common::report();
    // A second public ACL, and one made high by a severity override.
    let mut again = report
        .findings
        .iter()
        .find(|f| f.rule == "s3-public-acl")
        .expect("the ACL finding")
        .clone();
    again.span.start += 1;
    let mut high = again.clone();
    high.severity = Severity::High;
    high.span.start += 1;
    report.findings.extend([again, high]);
    report.sort();
    let out = human(
        &report,
        &RenderOptions {
            statistics: true,
            ..common::options(false)
        },
    );
    assert!(!out.contains("critical[s3-public-acl]"), "{out}");
    assert!(
        out.starts_with(
            "2  s3-public-acl           critical  S3 bucket ACL grants access to everyone\n"
        ),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// Findings at one span (everything missing is reported at the resource's
/// header) share one label, a line each; findings elsewhere in the
/// resource are labels of the same snippet; the entries below are most
/// severe first.
#[test]
fn grouped_findings_share_a_snippet() {
    let file = FileId(0);
    let header = common::span_of(
        file,
        common::S3_TF,
        "resource \"aws_s3_bucket\" \"records\"",
        0,
    );
    let records = || common::bucket("aws_s3_bucket.records", "aws_s3_bucket");
    let missing = |rule: &str, severity, label: &str| {
        common::finding(
            rule,
            severity,
            &format!("{rule} message"),
            header,
            records(),
            label,
            &["164.312(b)"],
            None,
        )
    };
    let mut report =
        Report {
            rules: common::rules(),
            files: vec![common::file(0, "infra/s3.tf", common::S3_TF)],
            resources: 1,
            findings: vec![
            missing("s3-access-logging-disabled", Severity::Low, "no access logs"),
            missing("s3-encryption-missing", Severity::High, "no default encryption"),
            missing("s3-versioning-disabled", Severity::Medium, "no versioning"),
            common::finding(
                "s3-public-acl",
                Severity::Critical,
                "bucket ACL \"public-read\" lets anyone on the internet list and read every object",
                common::span_of(file, common::S3_TF, "\"public-read\"", 0),
                records(),
                "public ACL",
                &["164.312(a)(1)"],
                Some("acl = \"private\""),
            ),
        ],
            ..Report::default()
        };
    report.sort();
    let out = human(&report, &common::options(false));
    assert_eq!(out.matches("╭─[").count(), 1, "{out}");
    let headings: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("]: "))
        .map(|l| l.split(']').next().unwrap_or(""))
        .collect();
    assert_eq!(
        headings,
        [
            "  × critical[s3-public-acl",
            "  × high[s3-encryption-missing",
            "  ⚠ medium[s3-versioning-disabled",
            "  ☞ low[s3-access-logging-disabled"
        ],
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// More than 50 findings: one line each, as `--format compact` writes them
/// (without the docs links), then the summary and a hint; `--format
/// grouped` and `full` still show snippets. 50 are still grouped.
#[test]
fn many_findings_are_listed() {
    let text: String = (0..51)
        .map(|i| format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  acl = \"public-read\"\n}}\n"))
        .collect();
    let file = FileId(0);
    let report_of = |n: usize| {
        let findings = (0..n)
            .map(|i| {
                common::finding(
                    "s3-public-acl",
                    Severity::Critical,
                    "public",
                    common::span_of(file, &text, "\"public-read\"", i),
                    common::bucket(&format!("aws_s3_bucket.b{i}"), "aws_s3_bucket"),
                    "acl",
                    &[],
                    None,
                )
            })
            .collect();
        let mut report = Report {
            rules: common::rules(),
            files: vec![common::file(0, "infra/s3.tf", &text)],
            resources: 51,
            findings,
            ..Report::default()
        };
        report.sort();
        report
    };
    let many = report_of(51);
    let out = human(&many, &common::options(false));
    assert!(!out.contains("╭"), "{out}");
    assert!(
        out.starts_with("infra/s3.tf:2:9: critical [s3-public-acl] public\n"),
        "{out}"
    );
    assert!(!out.contains("<https://"), "{out}");
    insta::assert_snapshot!(out);
    for format in [Format::Grouped, Format::Full] {
        let shown = render(&many, format, &common::options(false));
        assert_eq!(shown.matches("╭─[").count(), 51, "{format:?}");
        assert!(!shown.contains("More than 50"), "{format:?}");
    }
    let fifty = human(&report_of(50), &common::options(false));
    assert_eq!(fifty.matches("╭─[").count(), 50);
}

/// A terminal that cannot show Unicode (the CLI decides, from `TERM` and
/// the locale) gets ASCII glyphs: `x`, `!`, `>`, `|`, `-`.
#[test]
fn ascii_fallback() {
    let options = RenderOptions {
        ascii: true,
        ..common::options(true)
    };
    let out = human(&common::report(), &options);
    assert!(out.is_ascii(), "{out}");
    assert!(out.contains("  x critical[s3-public-acl]: "), "{out}");
    insta::assert_snapshot!(out);
    let coloured = human(
        &common::report(),
        &RenderOptions {
            color: true,
            ..options
        },
    );
    assert!(coloured.is_ascii() && coloured.contains('\u{1b}'));
}
