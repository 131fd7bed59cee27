//! The one diagnostic shape human output hands to miette.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, SourceCode, SourceSpan};
use phiguard_model::Span;

use crate::source_code::IndexedSource;

/// The source lines to show and the span to underline in them.
#[derive(Debug)]
pub(super) struct Snippet<'a> {
    pub source: IndexedSource<'a>,
    pub span: Span,
    pub label: Option<String>,
}

/// Heading, severity and help; no `code`, because miette would print it on
/// a line of its own and the heading already names the rule.
#[derive(Debug)]
pub(super) struct Diag<'a> {
    pub heading: String,
    pub severity: miette::Severity,
    pub help: Option<&'a str>,
    pub snippet: Option<Snippet<'a>>,
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
        self.snippet.as_ref().map(|s| &s.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.snippet.as_ref()?;
        let span = SourceSpan::new(
            (snippet.span.start as usize).into(),
            snippet.span.len() as usize,
        );
        let label = LabeledSpan::new_primary_with_span(snippet.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}
