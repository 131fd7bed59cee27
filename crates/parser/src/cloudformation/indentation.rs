//! Reading YAML as leniently about indentation as PyYAML, on a strict
//! parser.
//!
//! saphyr-parser follows the YAML spec: the continuation lines of a
//! multi-line quoted scalar and the lines inside a flow collection must be
//! indented further than the block node that holds them. PyYAML (and with it
//! cfn-lint and the CloudFormation service) ignores indentation there, and
//! templates in AWS's own sample repositories rely on it:
//!
//! ```yaml
//! Description: 'first line
//! second line'
//! EventPattern: {
//!   "source": ["aws.s3"]
//! }
//! ```
//!
//! When saphyr reports one of those indentation errors, the reader pads the
//! offending lines with leading spaces and parses again. Leading spaces on
//! such a line mean nothing (a quoted or flow scalar drops a continuation
//! line's leading white space; between flow tokens it is separation), so the
//! values are the same as PyYAML's. The padding is kept as a list of
//! insertions so that every position the parser reports maps back to a byte
//! of the original text. Retries are bounded ([`SCAN_BUDGET`]) so that a
//! hostile file cannot make parsing quadratic.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::scalar::CharOffsets;

pub(crate) use crate::limits::YAML_SCAN_BUDGET as SCAN_BUDGET;

/// saphyr-parser's messages for the indentation PyYAML does not check.
const FLOW_ERRORS: [&str; 2] = [
    "invalid indentation",
    "invalid indentation in flow construct",
];
const QUOTED_ERROR: &str = "invalid indentation in quoted scalar";

/// Spaces inserted at the start of lines of the original text.
#[derive(Default)]
pub(crate) struct Padding {
    /// Original character index of a line start: (its byte offset, spaces).
    lines: BTreeMap<usize, (usize, usize)>,
    inserted: usize,
}

/// Maps the parser's character indices (into the padded text) to byte
/// offsets into the original text.
pub(crate) struct Positions<'a> {
    offsets: &'a CharOffsets,
    /// (padded index where an insertion starts, its length, spaces before it).
    inserts: Vec<(usize, usize, usize)>,
}

/// What the reader should pad after a failed parse.
pub(crate) enum Fix {
    /// A quoted scalar opening at this byte: its continuation lines.
    Quoted { quote: usize, column: usize },
    /// The line holding this byte, inside a flow collection.
    Flow { at: usize, column: usize },
}

/// Whether saphyr's error is one of the indentation rules PyYAML does not
/// have: a flow collection (`flow`) or a quoted scalar.
pub(crate) fn lenient_kind(message: &str) -> Option<bool> {
    if message == QUOTED_ERROR {
        Some(false)
    } else if FLOW_ERRORS.contains(&message) {
        Some(true)
    } else {
        None
    }
}

impl Padding {
    /// The text the parser reads: the original with the padding inserted.
    pub fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.lines.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + self.inserted);
        let mut from = 0;
        for &(byte, spaces) in self.lines.values() {
            out.push_str(text.get(from..byte).unwrap_or_default());
            out.extend(std::iter::repeat_n(' ', spaces));
            from = byte;
        }
        out.push_str(text.get(from..).unwrap_or_default());
        Cow::Owned(out)
    }

    pub fn positions<'a>(&self, offsets: &'a CharOffsets) -> Positions<'a> {
        let mut inserts = Vec::with_capacity(self.lines.len());
        let mut before = 0;
        for (&index, &(_, spaces)) in &self.lines {
            inserts.push((index + before, spaces, before));
            before += spaces;
        }
        Positions { offsets, inserts }
    }

    /// Adds the padding `fix` asks for. False when it adds nothing (the same
    /// error again: the padding did not help) or would grow the text more
    /// than its own length, so the caller reports the error.
    pub fn add(&mut self, text: &str, fix: &Fix) -> bool {
        let (starts, column) = match *fix {
            Fix::Quoted { quote, column } => match quoted_line_starts(text, quote) {
                Some(starts) => (starts, column),
                None => return false,
            },
            Fix::Flow { at, column } => (vec![line_start(text, at)], column),
        };
        let limit = text.len().max(1 << 16);
        let mut added = false;
        for byte in starts {
            if starts_document_marker(text, byte) {
                continue;
            }
            let index = char_index(text, byte);
            let entry = self.lines.entry(index).or_insert((byte, 0));
            if entry.1 < column {
                self.inserted += column - entry.1;
                entry.1 = column;
                added = true;
            }
            if self.inserted > limit {
                return false;
            }
        }
        added
    }
}

impl Positions<'_> {
    /// The byte of the original text at the parser's character `index`; an
    /// index inside inserted spaces maps to the line start they precede.
    pub fn byte(&self, index: usize) -> usize {
        let at = self
            .inserts
            .partition_point(|&(start, _, _)| start <= index);
        let original = match at.checked_sub(1).and_then(|i| self.inserts.get(i)) {
            None => index,
            Some(&(start, len, before)) if index < start + len => start - before,
            Some(&(_, len, before)) => index - before - len,
        };
        self.offsets.byte(original)
    }
}

/// The starts of the lines after the first of the quoted scalar opening at
/// byte `quote`, up to its closing quote; `None` when it has none.
fn quoted_line_starts(text: &str, quote: usize) -> Option<Vec<usize>> {
    let rest = text.get(quote..)?;
    let mut chars = rest.char_indices();
    let single = match chars.next() {
        Some((_, '\'')) => true,
        Some((_, '"')) => false,
        _ => return None,
    };
    let mut starts = Vec::new();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '\n' => starts.push(quote + at + 1),
            '\'' if single => {
                if !rest.get(at + 1..)?.starts_with('\'') {
                    return Some(starts);
                }
                chars.next();
            }
            '"' if !single => return Some(starts),
            '\\' if !single => {
                if let Some((at, '\n')) = chars.next() {
                    starts.push(quote + at + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |n| n + 1)
}

fn char_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |before| before.chars().count())
}

/// `---` or `...` at a line start ends a document even inside a quoted
/// scalar or a flow collection (PyYAML agrees): such a line keeps its error.
fn starts_document_marker(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or_default();
    (rest.starts_with("---") || rest.starts_with("..."))
        && rest
            .as_bytes()
            .get(3)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_skip_the_padding() {
        let text = "a: 'x\ny'\nb: é\n";
        let mut padding = Padding::default();
        assert!(padding.add(
            text,
            &Fix::Quoted {
                quote: 3,
                column: 3
            }
        ));
        let padded = padding.apply(text);
        assert_eq!(padded, "a: 'x\n   y'\nb: é\n");
        let offsets = CharOffsets::new(text);
        let positions = padding.positions(&offsets);
        let map = |i: usize| positions.byte(i);
        assert_eq!((map(3), map(6), map(8), map(9), map(10)), (3, 6, 6, 6, 7));
        let e = padded.chars().position(|c| c == 'é').unwrap();
        assert_eq!(&text[map(e)..], "é\n");
        assert_eq!(map(e + 1), text.len() - 1);
        // The same fix again adds nothing.
        assert!(!padding.add(
            text,
            &Fix::Quoted {
                quote: 3,
                column: 3
            }
        ));
    }

    #[test]
    fn quoted_scalars_end_at_their_quote() {
        assert_eq!(quoted_line_starts("'a''\nb' c\nd", 0), Some(vec![5]));
        assert_eq!(
            quoted_line_starts("\"a\\\"\n\\\nb\" \n", 0),
            Some(vec![5, 7])
        );
        assert_eq!(quoted_line_starts("'a\n", 0), None);
    }

    #[test]
    fn document_markers_are_not_padded() {
        let text = "a: 'x\n--- y'\n";
        let mut padding = Padding::default();
        assert!(!padding.add(
            text,
            &Fix::Quoted {
                quote: 3,
                column: 3
            }
        ));
        assert!(starts_document_marker("...", 0));
        assert!(!starts_document_marker("---x", 0));
    }
}
