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
mod sarif;
mod source_code;
mod summary;
mod text;

pub use source_code::IndexedSource;
pub use summary::{BySeverity, Summary};

use phiguard_model::Report;

/// An output format of `phiguard lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette diagnostics with the source lines and labels, then a summary.
    Human,
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

#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// ANSI colours in human output; every other format ignores it.
    pub color: bool,
    /// List the checks that unknown values left undecided (human output;
    /// JSON always lists them).
    pub show_undecided: bool,
    /// Human output: the findings and errors only, no skipped files and no
    /// summary (`--quiet`).
    pub quiet: bool,
    /// phiguard's version, as JSON's `tool.version` and SARIF's
    /// `tool.driver.version` report it.
    pub tool_version: &'static str,
}

/// Renders a report; the text ends with a newline.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Compact => compact::render(report, options),
        Format::Json => json::render(report, options),
        Format::Sarif => sarif::render(report, options),
        Format::Github => github::render(report, options),
        Format::Junit => junit::render(report, options),
    }
}
