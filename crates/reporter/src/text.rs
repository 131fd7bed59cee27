//! Small text helpers the line-oriented formats share.

use std::borrow::Cow;

use phiguard_model::{LintError, Position, Report, ValueOrigin};

/// The text on one line: line breaks (and the blanks around them) become a
/// single space, so a multi-line message cannot break a line-based format.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Cow::Owned(joined)
}

/// Where an error is: its span's start and end, or none for a file that
/// could not be read at all.
pub(crate) fn error_positions(report: &Report, error: &LintError) -> Option<(Position, Position)> {
    error.span.map(|span| report.positions(span))
}

/// Where an origin is, as a phrase after a message: `set in
/// infra/terraform.tfvars:3:14`, `passed in infra/main.tf:7:9`, or for a
/// value given outside any file `set by --var bucket_acl`. The verb is the
/// model's snippet label without its "here", so every format words a role
/// the same way.
pub(crate) fn origin_place(report: &Report, origin: &ValueOrigin) -> String {
    let label = origin.role.label();
    let verb = label.strip_suffix(" here").unwrap_or(label);
    match origin.span {
        Some(span) => {
            let start = report.positions(span).0;
            format!(
                "{verb} in {}:{}:{}",
                report.path(span.file),
                start.line,
                start.column
            )
        }
        None => format!("{verb} by {}", origin.name),
    }
}

/// [`origin_place`] with what is set there, for formats that list every
/// origin: `set in infra/terraform.tfvars:3:14 (bucket_acl)`. A span-less
/// origin's name already is the setting (`--var bucket_acl`).
pub(crate) fn origin_line(report: &Report, origin: &ValueOrigin) -> String {
    let place = origin_place(report, origin);
    match origin.span {
        Some(_) => format!("{place} ({})", origin.name),
        None => place,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("a\n  b\r\n\nc\n"), "a b c");
    }
}
