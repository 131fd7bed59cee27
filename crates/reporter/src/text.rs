//! Small text helpers the line-oriented formats share.

use std::borrow::Cow;
use std::fmt::Write as _;

use phiguard_model::{LintError, Position, Report, ValueOrigin};

/// The text on one line: line breaks (and the blanks around them) become a
/// single space, so a multi-line message cannot break a line-based format;
/// any other control character is escaped ([`visible`]).
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return visible(text, &[]);
    }
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Cow::Owned(visible(&joined, &[]).into_owned())
}

/// Characters that, printed raw, end a line or drive the terminal (an
/// `ESC [31m` in a file name or a value colours what follows): the C0
/// and C1 controls, DEL, and the Unicode line and paragraph separators.
pub(crate) fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// `text` with every control character but those in `keep` written as an
/// escape that shows it: `\n`, `\r`, `\t`, `\x1b`, `\u{9b}`. Paths never
/// hold a backslash (reports write `/`), so a path stays unambiguous.
pub(crate) fn visible<'t>(text: &'t str, keep: &[char]) -> Cow<'t, str> {
    if !text.chars().any(|c| is_control(c) && !keep.contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) && !keep.contains(&c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One control character as [`visible`] writes it.
pub(crate) fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_ascii() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
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

/// Percent-encodes every byte but URI's unreserved characters and `/`, so
/// a path with spaces, `%`, `#` or a `:` in its first segment is a valid
/// relative reference.
pub(crate) fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("a\n  b\r\n\nc\n"), "a b c");
        assert_eq!(one_line("red \u{1b}[31m\tx\ry"), "red \\x1b[31m\\tx\\ry");
    }

    #[test]
    fn visible_escapes_controls() {
        assert_eq!(visible("plain é", &[]), "plain é");
        assert_eq!(
            visible("a\nb\u{7f}\u{9b}\u{2028}\t\u{0}", &['\t']),
            "a\\nb\\x7f\\u{9b}\\u{2028}\t\\x00"
        );
    }
}
