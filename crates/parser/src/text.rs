//! Mapping text decoded from a string literal (a policy in a quoted string
//! or a heredoc) back to the bytes of the file it was written in, so findings
//! inside an embedded policy point at the right characters.

use phiguard_model::Span;

/// Pairs of (offset in the decoded text, offset in the file), sorted; between
/// two pairs the texts advance together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// A map from (decoded offset, file offset) pairs sorted by decoded offset.
    pub(crate) fn new(points: Vec<(usize, usize)>) -> Self {
        OffsetMap { points }
    }

    pub(crate) fn points(&self) -> &[(usize, usize)] {
        &self.points
    }

    /// The file offset of decoded offset `offset`.
    pub fn map(&self, offset: usize) -> usize {
        let at = self.points.partition_point(|&(d, _)| d <= offset);
        match at.checked_sub(1).and_then(|i| self.points.get(i)) {
            Some(&(d, s)) => s + (offset - d),
            None => offset,
        }
    }
}

/// Where a decoded string's bytes are in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Every decoded offset has a file offset.
    Exact(OffsetMap),
    /// The decoded text cannot be mapped piece by piece (interpolations,
    /// unusual escapes): everything points at the whole literal.
    Whole(Span),
}

impl Placement {
    /// The file span of decoded range `span` (whose `file` is ignored).
    pub fn span(&self, span: Span, literal: Span) -> Span {
        match self {
            Placement::Exact(map) => Span::new(
                literal.file,
                map.map(span.start as usize)..map.map(span.end as usize),
            ),
            Placement::Whole(whole) => *whole,
        }
    }
}

/// How the string `decoded`, whose literal covers `span` of `file_text`,
/// maps back onto the file. Decoding the literal here and comparing with
/// what the parser decoded keeps this safe: any disagreement falls back to
/// pointing at the whole literal.
pub fn locate(decoded: &str, span: Span, file_text: &str) -> Placement {
    let whole = Placement::Whole(span);
    let Some(literal) = file_text.get(span.range()) else {
        return whole;
    };
    let start = span.start as usize;
    let points = if literal.len() >= 2 && literal.starts_with('"') && literal.ends_with('"') {
        decode_quoted(&literal[1..literal.len() - 1])
            .filter(|(text, _)| text == decoded)
            .map(|(_, points)| shift(points, start + 1))
    } else if literal.starts_with("<<") {
        heredoc_points(literal, decoded).map(|points| shift(points, start))
    } else {
        None
    };
    points.map_or(whole, |points| Placement::Exact(OffsetMap { points }))
}

fn shift(points: Vec<(usize, usize)>, by: usize) -> Vec<(usize, usize)> {
    points.into_iter().map(|(d, s)| (d, s + by)).collect()
}

/// Decodes the inside of a quoted HCL or JSON string, recording where each
/// escape starts and ends. Accepts the union of both escape sets; the caller
/// compares the result with its parser's.
fn decode_quoted(raw: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let mut out = String::with_capacity(raw.len());
    let mut points = vec![(0, 0)];
    let mut i = 0;
    let mut buf = [0u8; 4];
    while let Some(c) = raw[i..].chars().next() {
        let (piece, used): (&str, usize) = if c == '\\' {
            let (ch, used) = escape(&raw[i..])?;
            (ch.encode_utf8(&mut buf), used)
        } else if raw[i..].starts_with("$${") {
            ("${", 3)
        } else if raw[i..].starts_with("%%{") {
            ("%{", 3)
        } else {
            out.push(c);
            i += c.len_utf8();
            continue;
        };
        points.push((out.len(), i));
        out.push_str(piece);
        i += used;
        points.push((out.len(), i));
    }
    Some((out, points))
}

/// One backslash escape at the start of `text`: the character and the bytes used.
fn escape(text: &str) -> Option<(char, usize)> {
    let next = text[1..].chars().next()?;
    let simple = match next {
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((ch, 2));
    }
    let hex = |from: usize, len: usize| -> Option<u32> {
        let digits = text.get(from..from + len)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    };
    match next {
        'u' => {
            let high = hex(2, 4)?;
            if (0xD800..0xDC00).contains(&high) && text.get(6..8) == Some("\\u") {
                let low = hex(8, 4)?;
                let code = 0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?);
                return Some((char::from_u32(code)?, 12));
            }
            Some((char::from_u32(high)?, 6))
        }
        'U' => Some((char::from_u32(hex(2, 8)?)?, 10)),
        _ => None,
    }
}

/// For a heredoc (`<<EOT` or `<<-EOT`): each decoded line is the source line,
/// less the indentation `<<-` strips.
fn heredoc_points(literal: &str, decoded: &str) -> Option<Vec<(usize, usize)>> {
    let content_start = literal.find('\n')? + 1;
    let content_end = literal.rfind('\n')? + 1;
    let content = literal.get(content_start..content_end)?;
    let source_lines: Vec<&str> = content.split_inclusive('\n').collect();
    let decoded_lines: Vec<&str> = decoded.split_inclusive('\n').collect();
    if source_lines.len() != decoded_lines.len() {
        return None;
    }
    let mut points = Vec::with_capacity(decoded_lines.len());
    let (mut d, mut s) = (0, content_start);
    for (source, text) in source_lines.iter().zip(&decoded_lines) {
        let indent = source.strip_suffix(text)?;
        if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
            return None;
        }
        points.push((d, s + indent.len()));
        d += text.len();
        s += source.len();
    }
    points.push((d, s));
    Some(points)
}

/// An expression's source text for messages: one line, at most 60 characters.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX - 3).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn span(range: std::ops::Range<usize>) -> Span {
        Span::new(FileId(0), range)
    }

    /// Maps the decoded range of `needle` and returns the file text it covers.
    fn mapped<'a>(file: &'a str, literal: &str, decoded: &str, needle: &str) -> &'a str {
        let start = file.find(literal).unwrap();
        let literal_span = span(start..start + literal.len());
        let placement = locate(decoded, literal_span, file);
        assert!(matches!(placement, Placement::Exact(_)), "{placement:?}");
        let at = decoded.find(needle).unwrap();
        let out = placement.span(span(at..at + needle.len()), literal_span);
        &file[out.range()]
    }

    #[test]
    fn quoted_strings_map_through_escapes() {
        let file = r#"policy = "{\"Principal\": \"*\", \"x\": \"\u00e9\"}""#;
        let decoded = "{\"Principal\": \"*\", \"x\": \"é\"}";
        let literal = &file[9..];
        assert_eq!(mapped(file, literal, decoded, "\"*\""), r#"\"*\""#);
        assert_eq!(mapped(file, literal, decoded, "\"é\""), r#"\"\u00e9\""#);
    }

    #[test]
    fn heredocs_map_through_indentation() {
        let file = "p = <<-EOF\n    {\n      \"a\": 1\n    }\n  EOF\n";
        let decoded = "{\n  \"a\": 1\n}\n";
        let literal = &file[4..file.len() - 1];
        assert_eq!(mapped(file, literal, decoded, "\"a\": 1"), "\"a\": 1");
        assert_eq!(mapped(file, literal, decoded, "}"), "}");
    }

    #[test]
    fn crlf_heredocs_map() {
        let file = "p = <<EOT\r\n{\"a\": 1}\r\nEOT\r\n";
        let decoded = "{\"a\": 1}\r\n";
        assert_eq!(mapped(file, &file[4..file.len() - 2], decoded, "1"), "1");
    }

    #[test]
    fn disagreement_points_at_the_whole_literal() {
        let file = "p = \"${x}\"";
        let placement = locate("abc", span(4..10), file);
        assert_eq!(placement, Placement::Whole(span(4..10)));
    }

    #[test]
    fn shortens_long_text() {
        assert_eq!(shorten("a\n   b"), "a b");
        assert_eq!(shorten(&"x".repeat(100)).chars().count(), 60);
    }
}
