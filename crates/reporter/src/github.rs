//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's diff:
//!
//! ```text
//! ::error file=infra/s3.tf,line=3,col=12,endLine=3,endColumn=25,title=…::bucket ACL …
//! ```
//!
//! Critical and high findings are errors, medium warnings, low notices.
//! Suppressed findings are not printed; lint errors are errors. With
//! `--show-undecided`, each undecided check is a notice.

use std::fmt::Write as _;

use phiguard_model::{Finding, LintError, Report, Severity, Undecided};

use crate::text::{error_positions, is_control, origin_place, push_escape};
use crate::RenderOptions;

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        finding(&mut out, report, f);
    }
    for u in report.undecided.iter().filter(|_| options.show_undecided) {
        undecided(&mut out, report, u);
    }
    for e in &report.errors {
        error(&mut out, report, e);
    }
    out
}

fn finding(out: &mut String, report: &Report, f: &Finding) {
    let (start, end) = report.positions(f.span);
    let title = match report.rule(&f.rule) {
        Some(rule) => format!("{} [{}] {}", f.severity, f.rule, rule.title),
        None => format!("{} [{}]", f.severity, f.rule),
    };
    let mut message = f.message.to_string();
    // The first origin is the place to change; the annotation sits on the
    // use, which may be in a module the reader should not edit.
    if let Some(origin) = f.origins.first() {
        let _ = write!(message, " ({})", origin_place(report, origin));
    }
    if let Some(fix) = &f.help {
        let _ = write!(message, "\n\nFix:\n{fix}");
    }
    if !f.hipaa.is_empty() {
        let _ = write!(message, "\n\nHIPAA: {}", f.hipaa.join(", "));
    }
    let _ = writeln!(
        out,
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        command(f.severity),
        escape_property(report.path(f.span.file)),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&title),
        escape_data(&message)
    );
}

fn undecided(out: &mut String, report: &Report, u: &Undecided) {
    let (start, end) = report.positions(u.span);
    let title = format!("undecided [{}] {}", u.rule, u.resource.address);
    let _ = writeln!(
        out,
        "::notice file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(report.path(u.span.file)),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&title),
        escape_data(&format!(
            "phiguard cannot decide this check offline: {}",
            u.reason
        ))
    );
}

fn error(out: &mut String, report: &Report, e: &LintError) {
    let _ = write!(out, "::error file={}", escape_property(&e.path));
    if let Some((start, end)) = error_positions(report, e) {
        let _ = write!(
            out,
            ",line={},col={},endLine={},endColumn={}",
            start.line, start.column, end.line, end.column
        );
    }
    let _ = writeln!(
        out,
        ",title={}::{}",
        escape_property("phiguard could not lint this file"),
        escape_data(&e.message)
    );
}

/// The workflow command of a severity: GitHub has three annotation levels.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

/// A command's message, escaped as `@actions/core` does (`escapeData`).
/// CR and LF are the protocol's to encode (the runner decodes them, so a
/// `file=` with a line break still names the file); every other control
/// character but a tab (a fix's indentation) is shown as an escape
/// (`\x1b`), as the other line formats show it, rather than reaching the
/// runner's log raw.
pub(crate) fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\t' => out.push(c),
            c if is_control(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A property value (`file=`, `title=`), escaped as `@actions/core` does
/// (`escapeProperty`): also `:` and `,`, which would end the value; other
/// control characters as in [`escape_data`], tabs included.
pub(crate) fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c if is_control(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("100%\r\n: a, b"), "100%25%0D%0A: a, b");
        assert_eq!(escape_property("100%\r\n: a, b"), "100%25%0D%0A%3A a%2C b");
        assert_eq!(escape_data("\u{1b}[31m\tx"), "\\x1b[31m\tx");
        assert_eq!(escape_property("a\tb\u{9b}"), "a\\tb\\u{9b}");
    }
}
