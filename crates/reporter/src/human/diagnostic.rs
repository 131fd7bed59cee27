//! The one diagnostic shape human output hands to miette.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use phiguard_model::Span;

use crate::source_code::IndexedSource;

/// Source lines to show and the spans to underline in them.
#[derive(Debug)]
pub(super) struct Snippet<'a> {
    pub source: IndexedSource<'a>,
    /// At least one; a resource's findings share one snippet.
    pub labels: Vec<Label>,
}

/// One underlined span, in the offsets of the snippet's (shown) source.
#[derive(Debug)]
pub(super) struct Label {
    pub span: Span,
    pub text: Option<String>,
    /// The diagnostic's own place, as opposed to a place it refers to (a
    /// finding's origins); miette takes a block's header from its first
    /// primary label.
    pub primary: bool,
    /// `path:line:col` of the span in phiguard's positions: the header of
    /// a block that this label heads.
    pub header: String,
}

/// Heading, severity and help; no `code`, because miette would print it on
/// a line of its own and the heading already names the rule.
#[derive(Debug)]
pub(super) struct Diag<'a> {
    pub heading: String,
    pub severity: miette::Severity,
    pub help: Option<Cow<'a, str>>,
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
        self.parts
            .iter()
            .any(|(_, s)| s.labels.iter().any(|l| l.primary))
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
        // miette reads a block's header from the span of the label heading
        // it: that label's own position, so that a snippet holding several
        // labels names each block where it starts.
        let heading = snippet
            .labels
            .iter()
            .find(|l| l.span.start as usize == inner.offset())
            .or_else(|| snippet.labels.first());
        let name = heading.map(|l| l.header.clone());
        Ok(Box::new(match name {
            Some(name) => MietteSpanContents::new_named(name, data, shifted, line, column, lines),
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
            .as_deref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.snippets.is_empty()).then_some(&self.snippets as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.snippets.is_empty() {
            return None;
        }
        Some(Box::new(self.snippets.parts.iter().flat_map(
            |(base, snippet)| {
                snippet.labels.iter().map(move |label| {
                    let span = SourceSpan::new(
                        (base + label.span.start as usize).into(),
                        label.span.len() as usize,
                    );
                    if label.primary {
                        LabeledSpan::new_primary_with_span(label.text.clone(), span)
                    } else {
                        LabeledSpan::new_with_span(label.text.clone(), span)
                    }
                })
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
            source: IndexedSource::new(file),
            labels: vec![Label {
                span: Span::new(file.id, start..end),
                text: None,
                primary: false,
                header: file.display_path.clone(),
            }],
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
