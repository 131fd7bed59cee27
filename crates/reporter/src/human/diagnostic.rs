//! The one diagnostic shape human output hands to miette.

use std::fmt;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use phiguard_model::Span;

use crate::source_code::IndexedSource;

/// The source lines to show and the span to underline in them.
#[derive(Debug)]
pub(super) struct Snippet<'a> {
    pub source: IndexedSource<'a>,
    pub span: Span,
    pub label: Option<String>,
    /// The diagnostic's own place, as opposed to a place it refers to (a
    /// finding's origins); miette marks it and takes the header's position
    /// from it.
    pub primary: bool,
}

/// Heading, severity and help; no `code`, because miette would print it on
/// a line of its own and the heading already names the rule.
#[derive(Debug)]
pub(super) struct Diag<'a> {
    pub heading: String,
    pub severity: miette::Severity,
    pub help: Option<&'a str>,
    pub snippets: Snippets<'a>,
}

/// A diagnostic's snippets as the one `SourceCode` miette reads every
/// label from, although an origin is usually in another file than the
/// finding. Each snippet gets offsets of its own (its file's bytes and one
/// past them, for an empty span at the end), one range after the other in
/// the order they are shown: miette sorts labels by offset and draws each
/// snippet as a block of its own, named after its file, and never merges
/// two of them, as a read across two ranges fails.
#[derive(Debug, Default)]
pub(super) struct Snippets<'a> {
    /// Each snippet with the offset its range starts at.
    parts: Vec<(usize, Snippet<'a>)>,
}

impl<'a> Snippets<'a> {
    pub fn new(snippets: impl IntoIterator<Item = Snippet<'a>>) -> Self {
        let mut base = 0;
        let parts = snippets
            .into_iter()
            .map(|snippet| {
                let start = base;
                base += snippet.source.text_len() + 1;
                (start, snippet)
            })
            .collect();
        Snippets { parts }
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether the diagnostic's own place is shown.
    pub fn has_primary(&self) -> bool {
        self.parts.iter().any(|(_, s)| s.primary)
    }
}

impl SourceCode for Snippets<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let offset = span.offset();
        let (base, snippet) = self
            .parts
            .iter()
            .rev()
            .find(|(base, _)| *base <= offset)
            .ok_or(MietteError::OutOfBounds)?;
        if offset + span.len() > base + snippet.source.text_len() {
            return Err(MietteError::OutOfBounds);
        }
        let inner = SourceSpan::new((offset - base).into(), span.len());
        let contents =
            snippet
                .source
                .read_span(&inner, context_lines_before, context_lines_after)?;
        let shifted = SourceSpan::new(
            (contents.span().offset() + base).into(),
            contents.span().len(),
        );
        let (data, line, column, lines) = (
            contents.data(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        );
        Ok(Box::new(match contents.name() {
            Some(name) => {
                MietteSpanContents::new_named(name.to_string(), data, shifted, line, column, lines)
            }
            None => MietteSpanContents::new(data, shifted, line, column, lines),
        }))
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.snippets.is_empty()).then_some(&self.snippets as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.snippets.is_empty() {
            return None;
        }
        Some(Box::new(self.snippets.parts.iter().map(
            |(base, snippet)| {
                let span = SourceSpan::new(
                    (base + snippet.span.start as usize).into(),
                    snippet.span.len() as usize,
                );
                if snippet.primary {
                    LabeledSpan::new_primary_with_span(snippet.label.clone(), span)
                } else {
                    LabeledSpan::new_with_span(snippet.label.clone(), span)
                }
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use phiguard_model::{FileId, SourceFile};

    use super::*;

    fn snippet(file: &SourceFile, start: usize, end: usize) -> Snippet<'_> {
        Snippet {
            source: IndexedSource::new(file).named(file.display_path.clone()),
            span: Span::new(file.id, start..end),
            label: None,
            primary: false,
        }
    }

    /// Each snippet reads from its own range, under its own name; a read
    /// across two ranges fails, which is what keeps miette from merging
    /// two snippets into one block.
    #[test]
    fn snippets_have_ranges_of_their_own() {
        let a = SourceFile::new(
            FileId(0),
            Path::new("a.tf"),
            "a.tf".into(),
            "x = 1\n".into(),
        );
        let b = SourceFile::new(
            FileId(1),
            Path::new("b.tf"),
            "b.tf".into(),
            "y = 2\n".into(),
        );
        let snippets = Snippets::new([snippet(&a, 4, 5), snippet(&b, 4, 5)]);
        let read = |offset: usize, len: usize| {
            snippets
                .read_span(&SourceSpan::new(offset.into(), len), 0, 0)
                .map(|c| {
                    (
                        c.name().map(str::to_string),
                        c.data().to_vec(),
                        c.span().offset(),
                    )
                })
        };
        assert_eq!(
            read(4, 1).ok(),
            Some((Some("a.tf".into()), b"1".to_vec(), 4))
        );
        // b.tf starts after a.tf's 6 bytes and the one past them.
        assert_eq!(
            read(11, 1).ok(),
            Some((Some("b.tf".into()), b"2".to_vec(), 11))
        );
        assert_eq!(read(6, 0).ok().map(|c| c.0), Some(Some("a.tf".into())));
        assert!(read(4, 8).is_err());
    }
}
