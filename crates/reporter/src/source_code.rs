//! A `miette::SourceCode` that reads spans through a file's line index.
//!
//! miette's own impls for `str`/`String` scan from byte 0 on every
//! `read_span`, which made 10,000 labels on a 5 MiB file take minutes. This
//! one jumps to the first context line with the file's precomputed
//! [`LineIndex`](phiguard_model::LineIndex) and scans only the lines it
//! returns. Its `SpanContents` are identical to the stock impl's (including
//! its byte-counted columns and a BOM counted as part of line 0), so the
//! graphical handler draws exactly what it would draw from a `String`.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use phiguard_model::SourceFile;

use crate::text::{is_control, push_escape};

/// One file's text as miette reads it; cheap to clone.
#[derive(Debug, Clone)]
pub struct IndexedSource<'a> {
    file: Text<'a>,
    /// A file with a lone `\r` (rare, pre-OS X Mac) takes the slow stock
    /// path, so a read matches miette's own. Human output never gives it
    /// one: miette reads a lone `\r` as a line break but draws it as part
    /// of a line, so [`Self::shown`] makes it a `\n` first.
    lone_cr: bool,
    name: Option<String>,
    /// The only bytes shown (see [`Self::window`]).
    window: Option<(usize, usize)>,
}

/// The file itself, or the copy human output shows ([`IndexedSource::shown`]).
#[derive(Debug, Clone)]
enum Text<'a> {
    File(&'a SourceFile),
    Shown(Arc<SourceFile>),
}

impl Text<'_> {
    fn file(&self) -> &SourceFile {
        match self {
            Text::File(file) => file,
            Text::Shown(file) => file,
        }
    }
}

/// Where each byte offset of a file is in the copy [`IndexedSource::shown`]
/// made of it: each replaced character's offset and the bytes added up to
/// and including it.
#[derive(Debug, Default)]
pub(crate) struct Offsets(Vec<(u32, u32)>);

impl Offsets {
    /// An offset into the file as an offset into the shown copy; one at a
    /// replaced character is the start of its escape.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let before = self.0.partition_point(|&(at, _)| (at as usize) < offset);
        let added = before
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .map_or(0, |&(_, added)| added as usize);
        offset + added
    }
}

impl<'a> IndexedSource<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        let bytes = file.text.as_bytes();
        let lone_cr = bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        IndexedSource {
            file: Text::File(file),
            lone_cr,
            name: None,
            window: None,
        }
    }

    /// The source as a terminal may print it: in a file holding control
    /// characters, a copy with each shown as an escape (`\x1b`, as every
    /// format writes it) and a CR alone made a line feed, where miette
    /// would print it raw (the line index ends a line there, miette does
    /// not). Tabs and line breaks stay. Spans into the file go through the
    /// [`Offsets`] to the copy; the underline then falls under the escape.
    pub(crate) fn shown(file: &'a SourceFile) -> (Self, Offsets) {
        let text: &str = &file.text;
        let bytes = text.as_bytes();
        let lone_cr = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
        // Bytes, not characters: a file may be megabytes on one line. C1
        // controls are C2 80..9F in UTF-8, the separators E2 80 A8/A9.
        let needs_copy = bytes.iter().enumerate().any(|(i, &b)| match b {
            b'\t' | b'\n' => false,
            b'\r' => lone_cr(i),
            0..=0x1f | 0x7f => true,
            0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            0xe2 => {
                bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9))
            }
            _ => false,
        });
        if !needs_copy {
            return (Self::new(file), Offsets::default());
        }
        let mut shown = String::with_capacity(text.len() + 64);
        let mut offsets = Vec::new();
        for (i, c) in text.char_indices() {
            match c {
                '\t' | '\n' => shown.push(c),
                '\r' if lone_cr(i) => shown.push('\n'),
                '\r' => shown.push(c),
                c if is_control(c) => {
                    let before = shown.len();
                    push_escape(&mut shown, c);
                    let added = (shown.len() - before - c.len_utf8()) as u32;
                    let total = offsets.last().map_or(0, |&(_, t)| t) + added;
                    offsets.push((i as u32, total));
                }
                c => shown.push(c),
            }
        }
        let copy = SourceFile::new(file.id, &file.path, file.display_path.clone(), shown.into());
        let source = IndexedSource {
            file: Text::Shown(Arc::new(copy)),
            lone_cr: false,
            name: None,
            window: None,
        };
        (source, Offsets(offsets))
    }

    /// The same source showing only bytes `start..end`, as if they were
    /// the whole file, without context lines: for spans in or next to a
    /// very long line (a minified policy, a generated file), which miette
    /// would draw whole, and cannot past 65,535 columns. `start` is shown
    /// as the start of its line; both ends must be character boundaries.
    pub fn window(&self, start: usize, end: usize) -> Self {
        IndexedSource {
            window: Some((start, end)),
            ..self.clone()
        }
    }

    /// The length of the whole file's text: every span read from it lies
    /// within it, window or not.
    pub(crate) fn text_len(&self) -> usize {
        self.file.file().text.len()
    }

    /// The same source, with the name the graphical handler prints in a
    /// snippet's header.
    pub fn named(&self, name: String) -> Self {
        IndexedSource {
            name: Some(name),
            ..self.clone()
        }
    }

    fn contents(
        &self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<MietteSpanContents<'_>, MietteError> {
        let file = self.file.file();
        let text: &str = &file.text;
        if let Some((start, end)) = self.window {
            let data = text.get(start..end).ok_or(MietteError::OutOfBounds)?;
            if span.offset() < start || span.offset() + span.len() > end {
                return Err(MietteError::OutOfBounds);
            }
            let line = file.line_index().line_of(start);
            return Ok(MietteSpanContents::new(
                data.as_bytes(),
                (start, end - start).into(),
                line,
                0,
                file.line_index().line_of(end),
            ));
        }
        if self.lone_cr {
            let stock = <str as SourceCode>::read_span(text, span, before, after)?;
            return Ok(MietteSpanContents::new(
                stock.data(),
                *stock.span(),
                stock.line(),
                stock.column(),
                stock.line_count(),
            ));
        }
        let index = &file.line_index();
        let first_line = index.line_of(span.offset()).saturating_sub(before);
        // The index starts line 0 after a BOM; miette counts the BOM in it.
        let window_start = match first_line {
            0 => 0,
            line => index.line_start(line).ok_or(MietteError::OutOfBounds)?,
        };
        scan(
            text.as_bytes(),
            span,
            before,
            after,
            first_line,
            window_start,
        )
    }
}

/// miette's stock `context_info`, started at `window_start` (the start of
/// line `first_line`) instead of byte 0, with the state it would have there.
fn scan<'a>(
    input: &'a [u8],
    span: &SourceSpan,
    before: usize,
    after: usize,
    first_line: usize,
    window_start: usize,
) -> Result<MietteSpanContents<'a>, MietteError> {
    let span_start = span.offset();
    let last = (span_start + span.len()).saturating_sub(1);
    let mut offset = window_start;
    let mut line_count = first_line;
    let mut start_column = 0usize;
    let mut end_lines = 0usize;
    let mut post_span = false;
    let mut post_span_got_newline = false;
    let mut done = false;

    // The stock loop's check on the newline just before the window: an
    // empty span at a line start counts that newline as its end.
    if window_start > last {
        post_span = true;
        done = after == 0;
    }

    while !done && offset < input.len() {
        let byte = input[offset];
        if byte == b'\r' || byte == b'\n' {
            line_count += 1;
            if byte == b'\r' && input.get(offset + 1) == Some(&b'\n') {
                offset += 1;
            }
            // The second bound is stock's own here; it differs from `last`
            // for empty spans.
            if offset < span_start {
                start_column = 0;
            } else if offset >= span_start + span.len().saturating_sub(1) && post_span {
                start_column = 0;
                if post_span_got_newline {
                    end_lines += 1;
                } else {
                    post_span_got_newline = true;
                }
                if end_lines >= after {
                    offset += 1;
                    break;
                }
            }
        } else if offset < span_start {
            start_column += 1;
        }

        if offset >= last {
            post_span = true;
            if end_lines >= after {
                offset += 1;
                break;
            }
        }
        offset += 1;
    }

    if offset < last {
        return Err(MietteError::OutOfBounds);
    }
    let data_start = if before == 0 {
        span_start
    } else {
        window_start
    };
    let data = input
        .get(data_start..offset)
        .ok_or(MietteError::OutOfBounds)?;
    Ok(MietteSpanContents::new(
        data,
        (data_start, offset - data_start).into(),
        first_line,
        if before == 0 { start_column } else { 0 },
        line_count,
    ))
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self.contents(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                contents.data(),
                *contents.span(),
                contents.line(),
                contents.column(),
                contents.line_count(),
            ),
            None => contents,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use phiguard_model::FileId;

    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), Path::new("t.tf"), "t.tf".into(), text.into())
    }

    type Contents = Result<(Vec<u8>, usize, usize, usize, usize, usize), String>;

    fn flatten(result: Result<Box<dyn SpanContents<'_> + '_>, MietteError>) -> Contents {
        result
            .map(|c| {
                let span = *c.span();
                (
                    c.data().to_vec(),
                    span.offset(),
                    span.len(),
                    c.line(),
                    c.column(),
                    c.line_count(),
                )
            })
            .map_err(|e| e.to_string())
    }

    /// Compares with miette's `String` impl for every span whose start lies
    /// in the text (end up to one past it) and several context sizes.
    fn assert_same_as_stock(text: &str) {
        let stock = text.to_string();
        let file = file(text);
        let ours = IndexedSource::new(&file);
        for start in 0..=text.len() {
            for end in start..=text.len() + 1 {
                for before in 0..=3 {
                    for after in 0..=3 {
                        let span = SourceSpan::new(start.into(), end - start);
                        assert_eq!(
                            flatten(ours.read_span(&span, before, after)),
                            flatten(stock.read_span(&span, before, after)),
                            "{text:?} span {start}..{end} context {before}/{after}",
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn same_as_stock_lf() {
        assert_same_as_stock("resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n");
    }

    #[test]
    fn same_as_stock_crlf() {
        assert_same_as_stock("a {\r\n  acl = \"x\"\r\n}\r\n\r\nb = 1");
    }

    #[test]
    fn same_as_stock_multibyte() {
        assert_same_as_stock("é = \"ü\"\nnäme = \"日本\" # 🦀\n\nx");
    }

    #[test]
    fn same_as_stock_bom() {
        assert_same_as_stock("\u{feff}acl = 1\nx = \"é\"\n");
        assert_same_as_stock("\u{feff}");
    }

    #[test]
    fn same_as_stock_edges() {
        assert_same_as_stock("");
        assert_same_as_stock("\n");
        assert_same_as_stock("\n\n\n");
        assert_same_as_stock("x");
        assert_same_as_stock("no newline at the end");
        assert_same_as_stock("a\nb\nc\nd\ne\nf\ng");
    }

    #[test]
    fn same_as_stock_lone_cr() {
        assert_same_as_stock("a\rb\r\nc\rd\n");
        assert_same_as_stock("ends with cr\r");
    }

    #[test]
    fn reads_a_value_on_a_later_line() {
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";
        let file = file(text);
        let start = text.find("\"public-read\"").unwrap_or_default();
        let span = SourceSpan::new(start.into(), "\"public-read\"".len());
        let source = IndexedSource::new(&file);
        let contents = source.read_span(&span, 0, 0).unwrap();
        assert_eq!(contents.data(), b"\"public-read\"");
        assert_eq!((contents.line(), contents.column()), (1, 8));
        assert_eq!(contents.name(), None);
    }

    #[test]
    fn names_pass_through() {
        let file = file("a = 1\n");
        let source = IndexedSource::new(&file).named("t.tf:1:5".into());
        let contents = source
            .read_span(&SourceSpan::new(4.into(), 1), 1, 1)
            .unwrap();
        assert_eq!(contents.name(), Some("t.tf:1:5"));
        assert_eq!(contents.data(), b"a = 1\n");
    }

    #[test]
    fn a_window_shows_only_its_bytes() {
        let file = file("a = 1\nlong = \"0123456789\"\n");
        let source = IndexedSource::new(&file).window(13, 21);
        let contents = source
            .read_span(&SourceSpan::new(14.into(), 2), 1, 1)
            .unwrap();
        assert_eq!(contents.data(), b"\"0123456");
        assert_eq!((contents.line(), contents.column()), (1, 0));
        assert!(source
            .read_span(&SourceSpan::new(18.into(), 4), 0, 0)
            .is_err());
    }

    #[test]
    fn shown_escapes_controls_and_moves_offsets() {
        let odd = file("a\u{1b}b\rc\u{9b}d\r\n");
        let (source, offsets) = IndexedSource::shown(&odd);
        assert_eq!(&*source.file.file().text, "a\\x1bb\nc\\u{9b}d\r\n");
        let moved: Vec<usize> = [0, 1, 2, 3, 4, 5, 7].map(|o| offsets.map(o)).into();
        assert_eq!(moved, [0, 1, 5, 6, 7, 8, 14]);
        let plain = file("a\tb\r\n");
        let (source, offsets) = IndexedSource::shown(&plain);
        assert!(matches!(source.file, Text::File(_)));
        assert_eq!(offsets.map(3), 3);
    }

    #[test]
    fn spans_past_the_end_are_out_of_bounds() {
        let file = file("a = 1\n");
        let source = IndexedSource::new(&file);
        assert!(source
            .read_span(&SourceSpan::new(3.into(), 10), 0, 0)
            .is_err());
        assert!(source
            .read_span(&SourceSpan::new(40.into(), 1), 1, 1)
            .is_err());
    }
}
