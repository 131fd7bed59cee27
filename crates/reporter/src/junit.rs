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

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use phiguard_model::{Finding, LintError, Report, Skipped, Undecided};

use crate::text::{error_positions, origin_line, push_escape, visible};
use crate::RenderOptions;

/// A test case, rendered only when its suite is written.
enum Case<'a> {
    Finding(&'a Finding),
    Undecided(&'a Undecided),
    Error(&'a LintError),
    Skipped(&'a Skipped),
    /// A file with nothing to report.
    Passed,
}

#[derive(Default)]
struct Suite<'a> {
    cases: Vec<Case<'a>>,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

/// The counts head the document and each suite, so the cases are sorted
/// into suites first, as references; each is rendered as it is written.
pub(crate) fn write(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut suites: BTreeMap<Cow<'_, str>, Suite<'_>> = BTreeMap::new();
    for f in &report.findings {
        let suite = suites
            .entry(Cow::Borrowed(report.path(f.span.file)))
            .or_default();
        suite.counts.tests += 1;
        if f.suppressed.is_some() {
            suite.counts.skipped += 1;
        } else {
            suite.counts.failures += 1;
        }
        suite.cases.push(Case::Finding(f));
    }
    for u in report.undecided.iter().filter(|_| options.show_undecided) {
        let suite = suites
            .entry(Cow::Borrowed(report.path(u.span.file)))
            .or_default();
        suite.counts.tests += 1;
        suite.counts.skipped += 1;
        suite.cases.push(Case::Undecided(u));
    }
    for e in &report.errors {
        let suite = suites.entry(Cow::Borrowed(e.path.as_str())).or_default();
        suite.counts.tests += 1;
        suite.counts.errors += 1;
        suite.cases.push(Case::Error(e));
    }
    for s in &report.skipped {
        let suite = suites.entry(Cow::Borrowed(s.path.as_str())).or_default();
        suite.counts.tests += 1;
        suite.counts.skipped += 1;
        suite.cases.push(Case::Skipped(s));
    }
    for file in report.read_files() {
        let suite = suites.entry(file.display_path()).or_default();
        if suite.counts.tests == 0 {
            suite.counts.tests += 1;
            suite.cases.push(Case::Passed);
        }
    }

    let mut totals = Counts::default();
    for suite in suites.values() {
        totals.add(&suite.counts);
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"phiguard\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        totals.tests, totals.failures, totals.errors, totals.skipped
    )?;
    let mut text = String::new();
    for (path, suite) in &suites {
        // Shown as the line formats show it: a line break in a file name
        // is `\n`, not a break in the test's name.
        let path = &*visible(path, &[]);
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            attribute(path),
            suite.counts.tests,
            suite.counts.failures,
            suite.counts.errors,
            suite.counts.skipped
        )?;
        for case in &suite.cases {
            text.clear();
            match case {
                Case::Finding(f) => finding(&mut text, report, path, f),
                Case::Undecided(u) => undecided(&mut text, report, path, u),
                Case::Error(e) => error(&mut text, report, path, e),
                Case::Skipped(s) => skipped(&mut text, path, s),
                Case::Passed => {
                    let _ = writeln!(
                        text,
                        "    <testcase name=\"{path}\" classname=\"phiguard\" file=\"{path}\"/>",
                        path = attribute(path),
                    );
                }
            }
            out.write_all(text.as_bytes())?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")
}

fn undecided(out: &mut String, report: &Report, path: &str, u: &Undecided) {
    let (start, _) = report.positions(u.span);
    let _ = writeln!(
        out,
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

fn skipped(out: &mut String, path: &str, s: &Skipped) {
    let _ = writeln!(
        out,
        "    <testcase name=\"{path}\" classname=\"phiguard\" file=\"{path}\">\n      <skipped message=\"{reason}\"/>\n    </testcase>",
        path = attribute(path),
        reason = attribute(&format!("not linted: {}", s.reason)),
    );
}

fn finding(out: &mut String, report: &Report, path: &str, f: &Finding) {
    let (start, _) = report.positions(f.span);
    let _ = writeln!(
        out,
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
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                attribute(&format!("suppressed: {}", suppression.reason))
            );
        }
        None => {
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
            if let Some(fix) = &f.help {
                let _ = write!(details, "\nfix:\n{fix}");
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attribute(&f.message),
                f.severity,
                text(&details)
            );
        }
    }
    out.push_str("    </testcase>\n");
}

fn error(out: &mut String, report: &Report, path: &str, e: &LintError) {
    let start = error_positions(report, e).map(|(start, _)| start);
    let (name, line) = match start {
        Some(start) => (
            format!("{path}:{}:{}", start.line, start.column),
            format!(" line=\"{}\"", start.line),
        ),
        None => (path.to_string(), String::new()),
    };
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"phiguard\" file=\"{}\"{line}>\n      <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>",
        attribute(&name),
        attribute(path),
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
            // XML 1.0 cannot hold C0 controls; DEL and C1 it can, but a
            // terminal showing the file would obey them.
            c if c.is_control() => push_escape(&mut out, c),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
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
        assert_eq!(text("bell\u{7}\nnext\u{9b}"), "bell\\x07\nnext\\u{9b}");
        assert_eq!(text("\u{fffe}"), "\u{fffd}");
    }
}
