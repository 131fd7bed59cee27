//! `--format human`: findings and errors as miette diagnostics, then the
//! skipped files, the undecided checks on request, and a summary. A
//! finding whose value was decided elsewhere shows each place it came from
//! as a labelled snippet of its own file ("set here: bucket_acl") after its
//! own, and each given outside any file as a line (`= set by --var x`).

mod diagnostic;

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme};
use phiguard_model::{Finding, LintError, Report, Severity, SourceFile, Span};

use crate::notices::{self, Notice};
use crate::source_code::{IndexedSource, Offsets};
use crate::statistics;
use crate::text::{origin_line, visible};
use crate::{DocsLinks, RenderOptions, Summary};
use diagnostic::{Diag, Snippet, Snippets};

/// Fixed so output does not depend on the terminal (and snapshots are
/// stable); with wrapping off it only bounds miette's own layout.
const WIDTH: usize = 100;

const UNDECIDED_HINT: &str = "values phiguard cannot know offline (set them with --var-file, \
     --var or --cfn-param; --show-undecided lists them)";
/// [`UNDECIDED_HINT`] when `--show-undecided` was given.
const UNDECIDED_LISTED: &str = "values phiguard cannot know offline (set them with --var-file, \
     --var or --cfn-param; listed above)";

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let renderer = Renderer {
        report,
        sources: report.files.iter().map(|_| OnceCell::new()).collect(),
        handler: GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(WIDTH)
            // One line per heading, as ruff and rustc print them: easier
            // to grep than miette's wrapped paragraphs.
            .with_wrap_lines(false)
            .with_context_lines(CONTEXT_LINES)
            // Snippet headers carry phiguard's own `path:line:col` (see
            // `Renderer::snippet`), not miette's byte-counted column.
            .without_primary_span_start(),
        docs: &options.docs,
    };
    let mut out = String::new();
    if options.statistics {
        // As ruff's `--statistics`: the counts stand for the findings.
        let rows = statistics::of(report);
        if !rows.is_empty() {
            out.push_str(&statistics::table(&rows));
            out.push('\n');
        }
    } else {
        for finding in report.findings.iter().filter(|f| f.suppressed.is_none()) {
            renderer.finding(&mut out, finding);
        }
    }
    for error in &report.errors {
        renderer.error(&mut out, error);
    }
    if options.quiet {
        return out;
    }
    for skipped in report.skipped.iter().filter(|_| options.show_skipped) {
        let _ = writeln!(
            out,
            "skipped {}: {}",
            visible(&skipped.path, &[]),
            shown(&skipped.reason)
        );
    }
    if options.show_skipped && !report.skipped.is_empty() {
        out.push('\n');
    }
    if options.show_undecided && !report.undecided.is_empty() {
        renderer.undecided(&mut out);
    }
    let notices = notices::notices(report);
    if options.show_notices {
        list_notices(&mut out, report, &notices);
    }
    summary(
        &mut out,
        &Summary::of(report),
        &skipped(report, options),
        &failing(report, options.fail_on),
        options.show_undecided,
    );
    notice_counts(&mut out, &notices, options.show_notices);
    out
}

struct Renderer<'a> {
    report: &'a Report,
    /// Built on first use: only files with something to show pay for it.
    sources: Vec<OnceCell<(IndexedSource<'a>, Offsets)>>,
    handler: GraphicalReportHandler,
    docs: &'a DocsLinks,
}

impl<'a> Renderer<'a> {
    fn finding(&self, out: &mut String, f: &'a Finding) {
        let label = if f.label.is_empty() {
            &f.rule
        } else {
            &f.label
        };
        let mut snippets: Vec<Snippet<'a>> = self
            .snippet(self.report.path(f.span.file), f.span, Some(label))
            .into_iter()
            .collect();
        // Origins in a file are snippets of their own after the finding's;
        // the others (`--var`, or a file the report lacks) are lines.
        let mut origin_lines = Vec::new();
        for origin in &f.origins {
            let label = format!("{}: {}", origin.role.label(), origin.name);
            let snippet = origin
                .span
                .and_then(|span| self.snippet(self.report.path(span.file), span, Some(&label)));
            match snippet {
                Some(snippet) => snippets.push(Snippet {
                    primary: false,
                    ..snippet
                }),
                None => origin_lines.push(origin_line(self.report, origin)),
            }
        }
        let diag = Diag {
            heading: shown(&format!("{}[{}]: {}", f.severity, f.rule, f.message)).into_owned(),
            severity: miette_severity(f.severity),
            help: f.fix.as_deref().map(shown),
            snippets: Snippets::new(snippets),
        };
        // A finding on no resource (an invalid suppression) names none.
        let mut place = Vec::new();
        if !f.resource.address.is_empty() {
            place.push(format!("resource {}", shown(&f.resource.address)));
        }
        if !diag.snippets.has_primary() {
            let start = self.report.positions(f.span).0;
            place.push(format!(
                "at {}:{}:{}",
                visible(self.report.path(f.span.file), &[]),
                start.line,
                start.column
            ));
        }
        let mut parts = vec![place.join(" ")];
        parts.retain(|p| !p.is_empty());
        if !f.hipaa.is_empty() {
            parts.push(format!("HIPAA {}", f.hipaa.join(", ")));
        }
        let note = parts.join("; ");
        self.emit(out, &diag);
        for line in &origin_lines {
            let _ = writeln!(out, "  = {}", shown(line));
        }
        if !note.is_empty() {
            let _ = writeln!(out, "  note: {note}");
        }
        for extra in &f.notes {
            let _ = writeln!(out, "  note: {}", shown(extra));
        }
        if let Some(url) = self.docs.url(&f.rule) {
            let _ = writeln!(out, "  docs: {}", shown(&url));
        }
        out.push('\n');
    }

    fn error(&self, out: &mut String, e: &'a LintError) {
        let snippet = e.span.and_then(|span| self.snippet(&e.path, span, None));
        let heading = match (&snippet, e.span) {
            (Some(_), _) => format!("error: {}", e.message),
            (None, Some(span)) => {
                let start = self.report.positions(span).0;
                format!(
                    "error: {}:{}:{}: {}",
                    visible(&e.path, &[]),
                    start.line,
                    start.column,
                    e.message
                )
            }
            (None, None) => format!("error: {}: {}", visible(&e.path, &[]), e.message),
        };
        let diag = Diag {
            heading: shown(&heading).into_owned(),
            severity: miette::Severity::Error,
            help: None,
            snippets: Snippets::new(snippet),
        };
        self.emit(out, &diag);
        out.push('\n');
    }

    fn undecided(&self, out: &mut String) {
        out.push_str("Undecided checks:\n");
        for u in &self.report.undecided {
            let start = self.report.positions(u.span).0;
            let _ = writeln!(
                out,
                "  {}:{}:{}: {} ({}): {}",
                visible(self.report.path(u.span.file), &[]),
                start.line,
                start.column,
                u.rule,
                shown(&u.resource.address),
                shown(&u.reason)
            );
        }
        out.push('\n');
    }

    /// A snippet when the span lies in a known file, named with phiguard's
    /// position (1-based, columns in Unicode scalar values, BOM excluded)
    /// so it agrees with every other format.
    fn snippet(&self, path: &str, span: Span, label: Option<&str>) -> Option<Snippet<'a>> {
        let index = span.file.0 as usize;
        let file = self.report.files.get(index)?;
        file.text.get(span.range())?;
        let (source, offsets) = self
            .sources
            .get(index)?
            .get_or_init(|| IndexedSource::shown(file));
        let start = file.position(span.start as usize);
        let source = source.named(format!(
            "{}:{}:{}",
            visible(path, &[]),
            start.line,
            start.column
        ));
        // Windows and spans are found in the file, then moved onto the
        // copy with escapes that is shown.
        let (source, span) = match long_line_window(file, span) {
            Some((window, part)) => (
                source.window(offsets.map(window.start), offsets.map(window.end)),
                part,
            ),
            None => (source, span),
        };
        let span = Span::new(
            span.file,
            offsets.map(span.start as usize)..offsets.map(span.end as usize),
        );
        Some(Snippet {
            source,
            span,
            label: label.map(|label| shown(label).into_owned()),
            primary: true,
        })
    }

    fn emit(&self, out: &mut String, diag: &Diag<'_>) {
        let mut text = String::new();
        if self.handler.render_report(&mut text, diag).is_err() {
            // miette gives up when it cannot read a span; say at least what.
            text = format!("  {}\n", diag.heading);
        }
        out.push_str(&text);
    }
}

/// Lines of context miette shows before and after a snippet.
const CONTEXT_LINES: usize = 1;
/// Lines longer than this (bytes) are never drawn whole: miette would
/// print all of a 10 MB line, and panics past 65,535 columns.
const LONG_LINE: usize = 1_000;
/// Bytes shown on each side of a span in a long line, and at most of the
/// span itself.
const WINDOW_MARGIN: usize = 80;
const WINDOW_SPAN: usize = 160;

/// When a long line would be drawn: the text to show instead (without
/// context lines) and the part of the span to underline in it. A span that
/// starts in a long line is shown with some of the line on each side; one
/// that runs into a long line stops before it; one next to a long line is
/// shown without context.
fn long_line_window(file: &SourceFile, span: Span) -> Option<(Range<usize>, Span)> {
    let text: &str = &file.text;
    let index = &file.line_index;
    // From the line index, without scanning the line: it may be megabytes.
    let bounds = |line: usize| {
        let start = index.line_start(line)?;
        let next = index.line_start(line + 1).unwrap_or(text.len());
        let body = text.get(start..next)?.trim_end_matches(['\n', '\r']);
        Some(start..start + body.len())
    };
    let long = |line: usize| bounds(line).is_some_and(|r| r.len() > LONG_LINE);
    let start = span.start as usize;
    let first = index.line_of(start);
    let first_bounds = bounds(first)?;
    if first_bounds.len() > LONG_LINE {
        let end = (span.end as usize)
            .min(start + WINDOW_SPAN)
            .min(first_bounds.end);
        let shown_end = floor_boundary(text, end).max(start);
        let window_start = floor_boundary(
            text,
            start.saturating_sub(WINDOW_MARGIN).max(first_bounds.start),
        );
        // A span may start on the line break itself (`\n` of `\r\n`).
        let window_end =
            floor_boundary(text, (shown_end + WINDOW_MARGIN).min(first_bounds.end)).max(shown_end);
        return Some((
            window_start..window_end,
            Span::new(span.file, start..shown_end),
        ));
    }
    let last = index.line_of((span.end as usize).saturating_sub(1).max(start));
    let mut shown_last = last;
    let mut shown_end = span.end as usize;
    if let Some(cut) = (first + 1..=last).find(|&line| long(line)) {
        shown_last = cut - 1;
        shown_end = bounds(shown_last).map_or(start, |r| r.end).max(start);
    }
    let context_long = (first.saturating_sub(CONTEXT_LINES)..first).any(long)
        || (shown_last + 1..=shown_last + CONTEXT_LINES).any(long);
    if shown_last == last && !context_long {
        return None;
    }
    // A span may end just past its last line's break.
    let window_end = bounds(shown_last)
        .map_or(shown_end, |r| r.end)
        .max(shown_end);
    Some((
        first_bounds.start..window_end,
        Span::new(span.file, start..shown_end),
    ))
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// miette's three levels pick the icon (×, ⚠, ☞) and colour.
fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    }
}

/// The summary's count of what was left out: `2 files and 1 folder
/// skipped` (folders are listed with a trailing `/`), with a pointer to
/// `--show-skipped` when the list was not shown.
fn skipped(report: &Report, options: &RenderOptions) -> String {
    let folders = report
        .skipped
        .iter()
        .filter(|s| s.path.ends_with('/'))
        .count();
    let files = report.skipped.len() - folders;
    let counted = match (files, folders) {
        (0, 0) => return String::new(),
        (_, 0) => plural(files, "file", "files"),
        (0, _) => plural(folders, "folder", "folders"),
        _ => format!(
            "{} and {}",
            plural(files, "file", "files"),
            plural(folders, "folder", "folders")
        ),
    };
    let hint = if options.show_skipped {
        ""
    } else {
        " (`--show-skipped` lists them)"
    };
    format!("; {counted} skipped{hint}")
}

/// What of the findings fails the run, after the counts: `; 2 at or
/// above --fail-on high fail the run`. The exit code says only that
/// something failed; this says which findings to fix first.
fn failing(report: &Report, fail_on: Option<Severity>) -> String {
    match fail_on {
        None => "; --fail-on never: none fails the run".to_string(),
        Some(threshold) => match report.count_at_or_above(threshold) {
            0 => format!("; none is at or above --fail-on {threshold}"),
            1 => format!("; 1 at or above --fail-on {threshold} fails the run"),
            n => format!("; {n} at or above --fail-on {threshold} fail the run"),
        },
    }
}

fn summary(out: &mut String, s: &Summary, skipped: &str, failing: &str, undecided_listed: bool) {
    let suppressed = match s.suppressed {
        0 => String::new(),
        n => format!(
            " ({} not shown)",
            plural(n, "suppressed finding", "suppressed findings")
        ),
    };
    if s.findings == 0 {
        let _ = writeln!(out, "No findings{suppressed}.");
    } else {
        let by_severity = Severity::ALL
            .iter()
            .map(|&severity| format!("{} {severity}", s.by_severity.get(severity)))
            .collect::<Vec<_>>()
            .join(", ");
        let new = s.new.map_or(String::new(), |n| format!(" ({n} new)"));
        let _ = writeln!(
            out,
            "Found {}{new}: {by_severity}{suppressed}{failing}.",
            plural(s.findings, "finding", "findings")
        );
    }
    let _ = write!(
        out,
        "Checked {} and {}; {}",
        plural(s.files, "file", "files"),
        plural(s.resources, "resource", "resources"),
        plural(s.errors, "error", "errors"),
    );
    out.push_str(skipped);
    out.push_str(".\n");
    if s.undecided > 0 {
        let hint = if undecided_listed {
            UNDECIDED_LISTED
        } else {
            UNDECIDED_HINT
        };
        let _ = writeln!(
            out,
            "{}: {hint}",
            plural(s.undecided, "check undecided", "checks undecided")
        );
    }
}

/// The notices, one a line with its place, as the undecided checks are
/// listed (`--show-notices`).
fn list_notices(out: &mut String, report: &Report, notices: &[Notice]) {
    if notices.is_empty() {
        return;
    }
    out.push_str("Notices:\n");
    for notice in notices {
        let place = notice.span.map_or(String::new(), |span| {
            let at = report.positions(span).0;
            format!(
                "{}:{}:{}: ",
                visible(report.path(span.file), &[]),
                at.line,
                at.column
            )
        });
        let _ = writeln!(out, "  {place}{}", shown(&notice.message));
    }
    out.push('\n');
}

/// A summary line a kind of notice, with how to see them: module calls
/// not checked are said, so that nobody takes their silence for a pass,
/// but a count, not a line each (a large repository has a hundred).
fn notice_counts(out: &mut String, notices: &[Notice], listed: bool) {
    for (kind, n) in notices::counts(notices) {
        let hint = if listed {
            " (listed above)"
        } else {
            ": --show-notices lists them"
        };
        let _ = writeln!(out, "{}{hint}", kind.counted(n));
    }
}

/// Text from the input as the terminal may print it: control characters
/// as escapes (`\x1b`), as in every format; a heading's or fix's own line
/// breaks and tabs stay (a path keeps none: `visible(path, &[])`).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    visible(text, &['\n', '\t'])
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
