//! Renderers: turn a sorted [`Report`] into the text users and tools read.
//!
//! Every renderer only reads the report and renders it in the order it
//! arrives in (the engine sorts it with `Report::sort`), so output is
//! deterministic.

mod human;
mod json;
mod source_code;
mod summary;

pub use source_code::IndexedSource;
pub use summary::{BySeverity, Summary};

use phiguard_model::Report;

/// An output format of `phiguard lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette diagnostics with the source lines and labels, then a summary.
    Human,
    /// The versioned JSON document described in `docs/json-output.md`.
    Json,
}

#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// ANSI colours in human output; every other format ignores it.
    pub color: bool,
    /// List the checks that unknown values left undecided (human output;
    /// JSON always lists them).
    pub show_undecided: bool,
    /// phiguard's version, as JSON's `tool.version` reports it.
    pub tool_version: &'static str,
}

/// Renders a report; the text ends with a newline.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, options),
        Format::Json => json::render(report, options),
    }
}
