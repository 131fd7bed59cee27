//! `--format junit`: JUnit XML for CI systems' test reports.
//!
//! A `<testsuite>` for each file, sorted by path, holding:
//! - a failed `<testcase>` for each finding (`classname` the rule id,
//!   `name` the place and the resource; the failure's text adds where the
//!   value was decided, one `origin:` line each),
//! - a skipped one for each suppressed finding, with the reason, and, with
//!   `--show-undecided`, for each undecided check (`classname` the rule id),
//! - an `<error>` test case for each error (a file that could not be read
//!   or parsed),
//! - a skipped one for a file named on the command line but not linted,
//! - and one passing test case for a file with none of those.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use phiguard_model::{Finding, LintError, Report};

use crate::text::{error_positions, origin_line};
use crate::RenderOptions;

#[derive(Default)]
struct Suite {
    cases: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

#[derive(Default)]
struct Totals {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for f in &report.findings {
        let path = report.path(f.span.file);
        finding(suites.entry(path).or_default(), report, path, f);
    }
    for u in report.undecided.iter().filter(|_| options.show_undecided) {
        let path = report.path(u.span.file);
        let (start, _) = report.positions(u.span);
        let suite = suites.entry(path).or_default();
        suite.tests += 1;
        suite.skipped += 1;
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"{name}\" classname=\"{rule}\" file=\"{path}\" line=\"{line}\">\n      <skipped message=\"{reason}\"/>\n    </testcase>",
            name = attribute(&format!(
                "{path}:{}:{} {}",
                start.line, start.column, u.resource.address
            )),
            rule = attribute(&u.rule),
            path = attribute(path),
            line = start.line,
            reason = attribute(&format!("undecided: {}", u.reason)),
        );
    }
    for e in &report.errors {
        error(suites.entry(&e.path).or_default(), report, e);
    }
    for s in &report.skipped {
        let suite = suites.entry(&s.path).or_default();
        suite.tests += 1;
        suite.skipped += 1;
        let _ = writeln!(
            suite.cases,
            "    <testcase name=\"{path}\" classname=\"phiguard\" file=\"{path}\">\n      <skipped message=\"{reason}\"/>\n    </testcase>",
            path = attribute(&s.path),
            reason = attribute(&format!("not linted: {}", s.reason)),
        );
    }
    for file in &report.files {
        let suite = suites.entry(&file.display_path).or_default();
        if suite.tests == 0 {
            suite.tests += 1;
            let _ = writeln!(
                suite.cases,
                "    <testcase name=\"{path}\" classname=\"phiguard\" file=\"{path}\"/>",
                path = attribute(&file.display_path),
            );
        }
    }

    let mut totals = Totals::default();
    for suite in suites.values() {
        totals.tests += suite.tests;
        totals.failures += suite.failures;
        totals.errors += suite.errors;
        totals.skipped += suite.skipped;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"phiguard\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        totals.tests, totals.failures, totals.errors, totals.skipped
    );
    for (path, suite) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            attribute(path),
            suite.tests,
            suite.failures,
            suite.errors,
            suite.skipped
        );
        out.push_str(&suite.cases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn finding(suite: &mut Suite, report: &Report, path: &str, f: &Finding) {
    let (start, _) = report.positions(f.span);
    suite.tests += 1;
    let _ = writeln!(
        suite.cases,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
        attribute(&format!(
            "{path}:{}:{} {}",
            start.line, start.column, f.resource.address
        )),
        attribute(&f.rule),
        attribute(path),
        start.line
    );
    match &f.suppressed {
        Some(suppression) => {
            suite.skipped += 1;
            let _ = writeln!(
                suite.cases,
                "      <skipped message=\"{}\"/>",
                attribute(&format!("suppressed: {}", suppression.reason))
            );
        }
        None => {
            suite.failures += 1;
            let mut details = format!(
                "{path}:{}:{}: {} [{}] {}\nresource: {}",
                start.line, start.column, f.severity, f.rule, f.message, f.resource.address
            );
            for origin in &f.origins {
                let _ = write!(details, "\norigin: {}", origin_line(report, origin));
            }
            if !f.hipaa.is_empty() {
                let _ = write!(details, "\nHIPAA: {}", f.hipaa.join(", "));
            }
            if let Some(fix) = &f.fix {
                let _ = write!(details, "\nfix:\n{fix}");
            }
            let _ = writeln!(
                suite.cases,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attribute(&f.message),
                f.severity,
                text(&details)
            );
        }
    }
    suite.cases.push_str("    </testcase>\n");
}

fn error(suite: &mut Suite, report: &Report, e: &LintError) {
    suite.tests += 1;
    suite.errors += 1;
    let start = error_positions(report, e).map(|(start, _)| start);
    let (name, line) = match start {
        Some(start) => (
            format!("{}:{}:{}", e.path, start.line, start.column),
            format!(" line=\"{}\"", start.line),
        ),
        None => (e.path.clone(), String::new()),
    };
    let _ = writeln!(
        suite.cases,
        "    <testcase name=\"{}\" classname=\"phiguard\" file=\"{}\"{line}>\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>",
        attribute(&name),
        attribute(&e.path),
        attribute(&e.message),
        text(&format!("{name}: {}", e.message))
    );
}

/// Text content: `&`, `<` and `>` as entities, characters XML 1.0 cannot
/// hold replaced.
fn text(value: &str) -> String {
    escape(value, false)
}

/// An attribute value in double quotes: also quotes, and line breaks and
/// tabs as character references (parsers turn literal ones into spaces).
fn attribute(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push('\u{fffd}');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_invalid_characters() {
        assert_eq!(
            text("a < b && c > \"d\""),
            "a &lt; b &amp;&amp; c &gt; \"d\""
        );
        assert_eq!(
            attribute("it's \"x\"\n\ty\r"),
            "it&apos;s &quot;x&quot;&#10;&#9;y&#13;"
        );
        assert_eq!(text("bell\u{7}\nnext"), "bell\u{fffd}\nnext");
    }
}
