//! From the report's findings to the protocol's diagnostics, edits and
//! positions. LSP counts columns in UTF-16 code units by default; the
//! report's byte offsets are converted line by line.

use std::path::{Path, PathBuf};

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, TextEdit, Uri,
};
use phiguard_model::{Finding, Report, Severity, SourceFile, Span, Undecided};
use phiguard_reporter::DocsLinks;

/// The protocol position of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|&o| text.is_char_boundary(o))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset].encode_utf16().count() as u32;
    Position { line, character }
}

/// The byte offset of a protocol position in `text` (clamped to the text).
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(&file.text, span.start as usize),
        end: position(&file.text, span.end as usize),
    }
}

/// A file path as a `file:` URI.
pub fn uri(path: &Path) -> Option<Uri> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let text = path.to_str()?;
    let mut encoded = String::from("file://");
    for c in text.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '-' | '_' | '.' | '~' => encoded.push(c),
            c => {
                let mut buffer = [0; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    encoded.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    encoded.parse().ok()
}

/// The path a `file:` URI names.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str().strip_prefix("file://")?;
    let mut bytes = Vec::with_capacity(text.len());
    let mut raw = text.bytes();
    while let Some(b) = raw.next() {
        if b == b'%' {
            let hex: String = [raw.next()?, raw.next()?]
                .iter()
                .map(|&b| b as char)
                .collect();
            bytes.push(u8::from_str_radix(&hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Critical | Severity::High => DiagnosticSeverity::ERROR,
        Severity::Medium => DiagnosticSeverity::WARNING,
        Severity::Low => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding as a diagnostic: the rule id as code, linked to its page;
/// where the value was set as related information; the fingerprint in
/// `data`, so that a code action finds the finding again. `uri_for` names
/// files as the client opened them.
pub fn diagnostic(
    report: &Report,
    finding: &Finding,
    docs: &DocsLinks,
    uri_for: &dyn Fn(&Path) -> Option<Uri>,
) -> Option<Diagnostic> {
    diagnostic_at(report, finding, finding.span, docs, uri_for)
}

/// The same, shown at `span`: the finding's own, or where a var file or a
/// module call set its value (the message then says where it is).
pub fn diagnostic_at(
    report: &Report,
    finding: &Finding,
    span: Span,
    docs: &DocsLinks,
    uri_for: &dyn Fn(&Path) -> Option<Uri>,
) -> Option<Diagnostic> {
    let file = report.file(span.file)?;
    let mut related: Vec<DiagnosticRelatedInformation> = finding
        .origins
        .iter()
        .filter_map(|origin| {
            let at = origin.span?;
            let origin_file = report.file(at.file)?;
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: uri_for(&origin_file.path)?,
                    range: range(origin_file, at),
                },
                message: format!("{}: {}", origin.role.label(), origin.name),
            })
        })
        .collect();
    let mut message = finding.message.to_string();
    if span != finding.span {
        let located = report.file(finding.span.file)?;
        related.insert(
            0,
            DiagnosticRelatedInformation {
                location: Location {
                    uri: uri_for(&located.path)?,
                    range: range(located, finding.span),
                },
                message: format!("the finding, in {}", finding.resource.address),
            },
        );
        let at = located.position(finding.span.start as usize);
        message.push_str(&format!(
            " (in {} at {}:{}; its value is set here)",
            finding.resource.address, located.display_path, at.line
        ));
    }
    if let Some(help) = &finding.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Some(Diagnostic {
        range: range(file, span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: description(docs, &finding.rule),
        source: Some("phiguard".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({
            "fingerprint": finding.fingerprint.as_str(),
            "rule": &*finding.rule,
        })),
    })
}

fn description(docs: &DocsLinks, rule: &str) -> Option<lsp_types::CodeDescription> {
    docs.url(rule)
        .and_then(|url| url.parse().ok())
        .map(|href| lsp_types::CodeDescription { href })
}

/// An undecided check as a hint: a value phiguard cannot know offline.
pub fn hint(report: &Report, undecided: &Undecided, docs: &DocsLinks) -> Option<Diagnostic> {
    let file = report.file(undecided.span.file)?;
    Some(Diagnostic {
        range: range(file, undecided.span),
        severity: Some(DiagnosticSeverity::HINT),
        code: Some(NumberOrString::String(undecided.rule.to_string())),
        code_description: description(docs, &undecided.rule),
        source: Some("phiguard".into()),
        message: format!("undecided: {}", undecided.reason),
        ..Diagnostic::default()
    })
}

/// A report edit as a protocol edit in its file.
pub fn text_edit(file: &SourceFile, span: Span, new_text: &str) -> TextEdit {
    TextEdit {
        range: range(file, span),
        new_text: new_text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "a\n\u{1F600}b = 1\n";
        assert_eq!(position(text, 2), Position::new(1, 0));
        // The emoji is four bytes and two UTF-16 units.
        assert_eq!(position(text, 6), Position::new(1, 2));
        assert_eq!(offset(text, Position::new(1, 2)), 6);
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn uris_round_trip() {
        let uri = uri(Path::new("/tmp/a b/c.tf")).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/c.tf");
        assert_eq!(path(&uri), Some(PathBuf::from("/tmp/a b/c.tf")));
    }
}
