//! What every human diagnostic needs: the files' sources (built on first
//! use), snippets with phiguard's positions in their headers, windows
//! into very long lines, and miette's handler.

use std::cell::OnceCell;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme};
use phiguard_model::{LintError, Report, Severity, SourceFile, Span};

use super::diagnostic::{Diag, Label, Snippet, Snippets};
use super::shown;
use crate::source_code::{IndexedSource, Offsets};
use crate::text::visible;
use crate::DocsLinks;

/// Fixed so output does not depend on the terminal (and snapshots are
/// stable); with wrapping off it only bounds miette's own layout.
const WIDTH: usize = 100;

/// Lines of context miette shows before and after a snippet.
const CONTEXT_LINES: usize = 1;
/// Lines longer than this (bytes) are never drawn whole: miette would
/// print all of a 10 MB line, and panics past 65,535 columns.
const LONG_LINE: usize = 1_000;
/// Bytes shown on each side of a span in a long line, and at most of the
/// span itself.
const WINDOW_MARGIN: usize = 80;
const WINDOW_SPAN: usize = 160;

pub(super) struct Renderer<'a> {
    pub report: &'a Report,
    /// Built on first use: only files with something to show pay for it.
    sources: Vec<OnceCell<(IndexedSource<'a>, Offsets)>>,
    handler: GraphicalReportHandler,
    /// The glyphs and colours miette draws with, for the lines phiguard
    /// writes itself (a grouped finding's heading).
    pub theme: GraphicalTheme,
    pub docs: &'a DocsLinks,
}

/// A span to underline, before it is placed in a snippet.
pub(super) struct Wanted {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(report: &'a Report, theme: GraphicalTheme, docs: &'a DocsLinks) -> Self {
        Renderer {
            report,
            sources: report.files.iter().map(|_| OnceCell::new()).collect(),
            handler: GraphicalReportHandler::new_themed(theme.clone())
                .with_links(false)
                .with_width(WIDTH)
                // One line per heading, as ruff and rustc print them: easier
                // to grep than miette's wrapped paragraphs.
                .with_wrap_lines(false)
                .with_context_lines(CONTEXT_LINES)
                // Snippet headers carry phiguard's own `path:line:col` (see
                // `Renderer::snippets`), not miette's byte-counted column.
                .without_primary_span_start(),
            theme,
            docs,
        }
    }

    pub fn error(&self, out: &mut String, e: &'a LintError) {
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

    /// One span's snippet, when it lies in a known file.
    pub fn snippet(&self, path: &str, span: Span, label: Option<&str>) -> Option<Snippet<'a>> {
        let wanted = Wanted {
            span,
            text: label.map(str::to_string),
            primary: true,
        };
        self.snippets(path, vec![wanted]).0.into_iter().next()
    }

    /// Snippets of one file showing `wanted` (all in that file), each
    /// labelled with phiguard's position (1-based, columns in Unicode
    /// scalar values, BOM excluded) so it agrees with every other format.
    /// The spans share one snippet, so miette draws spans a few lines apart
    /// in one block; one in or next to a very long line gets a window of
    /// its own. Also says which of `wanted` are shown: a span outside the
    /// report's files is not.
    pub fn snippets(&self, path: &str, wanted: Vec<Wanted>) -> (Vec<Snippet<'a>>, Vec<bool>) {
        let mut shared: Option<Snippet<'a>> = None;
        let mut windows = Vec::new();
        let mut shown_at = Vec::with_capacity(wanted.len());
        for w in wanted {
            let Some((file, source, offsets)) = self.source(w.span) else {
                shown_at.push(false);
                continue;
            };
            let start = file.position(w.span.start as usize);
            let header = format!("{}:{}:{}", visible(path, &[]), start.line, start.column);
            let text = w.text.map(|t| shown(&t).into_owned());
            // Windows and spans are found in the file, then moved onto the
            // copy with escapes that is shown.
            let moved = |span: Span| {
                Span::new(
                    span.file,
                    offsets.map(span.start as usize)..offsets.map(span.end as usize),
                )
            };
            shown_at.push(true);
            match long_line_window(file, w.span) {
                Some((window, part)) => windows.push(Snippet {
                    source: source.window(offsets.map(window.start), offsets.map(window.end)),
                    labels: vec![Label {
                        span: moved(part),
                        text,
                        primary: w.primary,
                        header,
                    }],
                }),
                None => {
                    let label = Label {
                        span: moved(w.span),
                        text,
                        primary: w.primary,
                        header,
                    };
                    match &mut shared {
                        Some(snippet) => snippet.labels.push(label),
                        None => {
                            shared = Some(Snippet {
                                source: source.clone(),
                                labels: vec![label],
                            })
                        }
                    }
                }
            }
        }
        // Blocks in the file's order, whatever order the labels came in.
        windows.sort_by_key(|w: &Snippet<'a>| w.labels.first().map(|l| l.span.start));
        (shared.into_iter().chain(windows).collect(), shown_at)
    }

    /// The file a span lies in and its shown source, when the span is in it.
    fn source(&self, span: Span) -> Option<(&'a SourceFile, &IndexedSource<'a>, &Offsets)> {
        let index = span.file.0 as usize;
        let file = self.report.files.get(index)?;
        file.text.get(span.range())?;
        let (source, offsets) = self
            .sources
            .get(index)?
            .get_or_init(|| IndexedSource::shown(file));
        Some((file, source, offsets))
    }

    pub fn emit(&self, out: &mut String, diag: &Diag<'_>) {
        let mut text = String::new();
        if self.handler.render_report(&mut text, diag).is_err() {
            // miette gives up when it cannot read a span; say at least what.
            text = format!("  {}\n", diag.heading);
        }
        out.push_str(&text);
    }

    /// A heading line as miette draws one: the severity's icon, in its
    /// colour when colours are on, then the text.
    pub fn heading(&self, severity: Severity, text: &str) -> String {
        let (style, icon) = match miette_severity(severity) {
            miette::Severity::Error => (self.theme.styles.error, &self.theme.characters.error),
            miette::Severity::Warning => {
                (self.theme.styles.warning, &self.theme.characters.warning)
            }
            miette::Severity::Advice => (self.theme.styles.advice, &self.theme.characters.advice),
        };
        format!("{} {}", style.style(icon), shown(text))
    }

    /// `help:` as miette styles it.
    pub fn help_label(&self) -> String {
        self.theme.styles.help.style("help:").to_string()
    }
}

/// miette's three levels pick the icon (×, ⚠, ☞) and colour.
pub(super) fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    }
}

/// When a long line would be drawn: the text to show instead (without
/// context lines) and the part of the span to underline in it. A span that
/// starts in a long line is shown with some of the line on each side; one
/// that runs into a long line stops before it; one next to a long line is
/// shown without context.
fn long_line_window(file: &SourceFile, span: Span) -> Option<(Range<usize>, Span)> {
    let text: &str = &file.text;
    let index = &file.line_index();
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
