//! Renderers: turn a sorted [`Report`] into the text users and tools read.
//!
//! Every renderer only reads the report and renders it in the order it
//! arrives in (the engine sorts it with `Report::sort`), so output is
//! deterministic.

mod compact;
mod github;
mod human;
mod json;
mod junit;
mod links;
mod markdown;
mod notices;
mod sarif;
mod source_code;
mod statistics;
mod stream;
mod summary;
mod text;

pub use links::{template as docs_template, DocsLinks, DEFAULT_TEMPLATE as DEFAULT_DOCS_TEMPLATE};
pub use markdown::{terminal_markdown, MarkdownOptions};
pub use source_code::IndexedSource;
pub use statistics::Statistic;
pub use summary::{BySeverity, Summary};

use std::io;

use human::Layout;
use phiguard_model::{Report, Severity};

/// An output format of `phiguard lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette diagnostics, findings grouped by resource (one snippet with
    /// every finding's label), then a summary; above 50 findings one line
    /// a finding instead, with a hint.
    Human,
    /// [`Format::Human`] grouped by resource however many findings there are.
    Grouped,
    /// [`Format::Human`] with a diagnostic and a snippet a finding.
    Full,
    /// One line a finding, `path:line:col: severity [rule-id] message`, then
    /// the errors: for editors' problem matchers.
    Compact,
    /// The versioned JSON document described in `docs/json-output.md`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: a test suite a file, a failed test case a finding.
    Junit,
}

#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// ANSI colours in human output; every other format ignores it.
    pub color: bool,
    /// ASCII glyphs in human output, for a terminal that cannot show
    /// Unicode (the caller decides, from the environment).
    pub ascii: bool,
    /// List the checks that unknown values left undecided (human output;
    /// JSON always lists them).
    pub show_undecided: bool,
    /// List the files and folders left out, with why (human output; JSON,
    /// SARIF and JUnit always list them). Counted in the summary either way.
    pub show_skipped: bool,
    /// List the notices (module calls not checked) in human output, which
    /// otherwise counts them in the summary; SARIF and JSON always list
    /// them.
    pub show_notices: bool,
    /// Count findings per rule and severity (`--statistics`): human output
    /// prints the table instead of the findings, JSON adds
    /// `summary.statistics`.
    pub statistics: bool,
    /// Human output: the findings and errors only, no skipped files and no
    /// summary (`--quiet`).
    pub quiet: bool,
    /// The lowest severity that fails the run (`--fail-on`), `None` for
    /// `never`: the human summary says how many findings are what fails it.
    pub fail_on: Option<Severity>,
    /// Where each rule's documentation is: SARIF's `helpUri`, a `docs:`
    /// line in human output, a suffix in compact output.
    pub docs: DocsLinks,
    /// phiguard's version, as JSON's `tool.version` and SARIF's
    /// `tool.driver.version` report it.
    pub tool_version: &'static str,
}

/// Writes a report to `out`; the text ends with a newline. JSON, SARIF
/// and JUnit are written as they are produced, so a report of hundreds of
/// thousands of findings never exists a second time as text: pass a
/// buffered writer. The only error is `out`'s own.
pub fn write(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => out.write_all(human::render(report, options, Layout::Auto).as_bytes()),
        Format::Grouped => {
            out.write_all(human::render(report, options, Layout::Grouped).as_bytes())
        }
        Format::Full => out.write_all(human::render(report, options, Layout::Full).as_bytes()),
        Format::Compact => out.write_all(compact::render(report, options).as_bytes()),
        Format::Json => json::write(report, options, out),
        Format::Sarif => sarif::write(report, options, out),
        Format::Github => out.write_all(github::render(report, options).as_bytes()),
        Format::Junit => junit::write(report, options, out),
    }
}

/// [`write`] into a string, for tests and callers that want the text.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    let mut bytes = Vec::new();
    // Writing into a `Vec` cannot fail, and every renderer writes UTF-8.
    let _ = write(report, format, options, &mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
