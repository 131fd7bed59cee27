//! `--format human` (and `grouped`, `full`): findings and errors as miette
//! diagnostics, then the skipped files, the undecided checks and notices
//! on request, and a summary.
//!
//! The findings are grouped by resource ([`grouped`]), or one diagnostic a
//! finding with `--format full` ([`full`]); above [`LIST_ABOVE`] findings
//! the default is one line a finding, as `--format compact` prints them,
//! with a hint. With `--statistics` a table of counts stands for them.

mod diagnostic;
mod full;
mod grouped;
mod renderer;

use std::fmt::Write as _;

use miette::GraphicalTheme;
use phiguard_model::{Report, Severity};

use crate::notices::{self, Notice};
use crate::statistics;
use crate::text::visible;
use crate::{compact, RenderOptions, Summary};
use renderer::Renderer;

/// Above this many findings, the default layout lists them one a line:
/// a snippet each would run to thousands of lines.
pub(crate) const LIST_ABOVE: usize = 50;

const UNDECIDED_HINT: &str = "values phiguard cannot know offline (set them with --var-file, \
     --var or --cfn-param; --show-undecided lists them)";
/// [`UNDECIDED_HINT`] when `--show-undecided` was given.
const UNDECIDED_LISTED: &str = "values phiguard cannot know offline (set them with --var-file, \
     --var or --cfn-param; listed above)";

/// How the findings are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Grouped by resource, or a line each above [`LIST_ABOVE`].
    Auto,
    /// Grouped by resource, however many.
    Grouped,
    /// A diagnostic a finding.
    Full,
}

pub(crate) fn render(report: &Report, options: &RenderOptions, layout: Layout) -> String {
    let theme = match (options.color, options.ascii) {
        (true, false) => GraphicalTheme::unicode(),
        (false, false) => GraphicalTheme::unicode_nocolor(),
        (true, true) => GraphicalTheme::ascii(),
        (false, true) => GraphicalTheme::none(),
    };
    let renderer = Renderer::new(report, theme, &options.docs);
    let shown_findings = || {
        report
            .findings
            .iter()
            .map(|f| &**f)
            .filter(|f| f.suppressed.is_none())
    };
    let count = shown_findings().count();
    let listed = layout == Layout::Auto && count > LIST_ABOVE && !options.statistics;
    let mut out = String::new();
    if options.statistics {
        // As ruff's `--statistics`: the counts stand for the findings.
        let rows = statistics::of(report);
        if !rows.is_empty() {
            out.push_str(&statistics::table(&rows));
            out.push('\n');
        }
    } else if listed {
        for f in shown_findings() {
            out.push_str(&compact::finding_line(report, f, None));
        }
        out.push('\n');
    } else if layout == Layout::Full {
        for f in shown_findings() {
            renderer.finding(&mut out, f);
        }
    } else {
        for group in grouped::groups(shown_findings()) {
            renderer.group(&mut out, &group);
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
        undecided(&mut out, report);
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
    if listed {
        let _ = writeln!(
            out,
            "More than {LIST_ABOVE} findings: one line each; --format grouped shows them with \
             their source, a snippet a resource, --format full a snippet each."
        );
    }
    out
}

fn undecided(out: &mut String, report: &Report) {
    out.push_str("Undecided checks:\n");
    for u in &report.undecided {
        let start = report.positions(u.span).0;
        let _ = writeln!(
            out,
            "  {}:{}:{}: {} ({}): {}",
            visible(report.path(u.span.file), &[]),
            start.line,
            start.column,
            u.rule,
            shown(&u.resource.address),
            shown(&u.reason)
        );
    }
    out.push('\n');
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
    let fixable = match (s.fixable.safe, s.fixable.unsafe_only) {
        (0, 0) => String::new(),
        (safe, 0) => format!("{safe} fixable with `--fix`.\n"),
        (0, n) => format!("{n} fixable with `--fix --unsafe-fixes` (review them: they add settings or change shared values).\n"),
        (safe, n) => format!("{safe} fixable with `--fix`, {n} more with `--unsafe-fixes`.\n"),
    };
    out.push_str(&fixable);
    let _ = write!(
        out,
        "Checked {} and {}; {}",
        plural(s.files, "file", "files"),
        plural(s.resources, "resource", "resources"),
        plural(s.errors, "error", "errors"),
    );
    out.push_str(skipped);
    out.push_str(".\n");
    if let Some(hidden) = s.baselined {
        let stale = match s.stale_baseline {
            Some(0) | None => String::new(),
            Some(1) => {
                "; 1 entry matches nothing (`phiguard baseline` rewrites the file without it)"
                    .to_string()
            }
            Some(n) => format!(
                "; {n} entries match nothing (`phiguard baseline` rewrites the file without them)"
            ),
        };
        let _ = writeln!(
            out,
            "Baseline: {} hidden{stale}.",
            plural(hidden, "finding", "findings")
        );
    }
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

/// A fix as the human formats show it: what it does and which flag
/// applies it.
fn fix_line(fix: &phiguard_model::Fix) -> String {
    let flag = match fix.applicability {
        phiguard_model::Applicability::Safe => "`--fix`",
        phiguard_model::Applicability::Unsafe => "`--fix --unsafe-fixes`",
    };
    format!("{} ({flag})", shown(&fix.description))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
