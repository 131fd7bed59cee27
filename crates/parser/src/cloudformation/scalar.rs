//! YAML scalars: where their text is, and what they mean to CloudFormation.

use phiguard_model::{Span, Value, ValueKind};
use saphyr_parser::{ScalarStyle, Tag};

/// Turns saphyr's character indices into byte offsets: the byte offset is
/// the index plus the extra bytes of every multibyte character before it.
pub(crate) struct CharOffsets {
    /// (character index, extra bytes up to and including it), one entry a
    /// multibyte character.
    extra: Vec<(usize, usize)>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let mut extra = Vec::new();
        let mut total = 0;
        for (index, ch) in text.chars().enumerate() {
            if ch.len_utf8() > 1 {
                total += ch.len_utf8() - 1;
                extra.push((index, total));
            }
        }
        CharOffsets {
            extra,
            len: text.len(),
        }
    }

    pub fn byte(&self, index: usize) -> usize {
        let before = self.extra.partition_point(|&(i, _)| i < index);
        let extra = before
            .checked_sub(1)
            .and_then(|i| self.extra.get(i))
            .map_or(0, |&(_, e)| e);
        (index + extra).min(self.len)
    }
}

/// Skips a node's anchor (`&a`) and tag (`!Ref`) at `start`: returns the
/// tag's byte range and where the node's own text begins.
pub(crate) fn skip_properties(
    text: &str,
    start: usize,
    mut anchor: bool,
    mut tag: bool,
) -> (Option<std::ops::Range<usize>>, usize) {
    let mut at = start;
    let mut tag_range = None;
    while anchor || tag {
        let rest = text.get(at..).unwrap_or_default();
        let token_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
            .unwrap_or(rest.len());
        if anchor && rest.starts_with('&') {
            anchor = false;
        } else if tag && rest.starts_with('!') {
            tag = false;
            tag_range = Some(at..at + token_len);
        } else {
            break;
        }
        at = skip_space(text, at + token_len);
    }
    (tag_range, at)
}

/// Skips whitespace, line breaks and comments.
fn skip_space(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => {
                at = text
                    .get(at..)
                    .and_then(|r| r.find('\n'))
                    .map_or(text.len(), |n| at + n)
            }
            _ => break,
        }
    }
    at
}

/// Moves `end` back over trailing whitespace, not before `start`.
pub(crate) fn trim_end(text: &str, start: usize, end: usize) -> usize {
    let slice = text.get(start..end).unwrap_or_default();
    start + slice.trim_end().len()
}

/// Where a scalar starting at `start` ends. saphyr's scalar spans run on
/// over trailing spaces and comments after quoted scalars, so quotes are
/// matched here.
pub(crate) fn scalar_end(text: &str, style: ScalarStyle, start: usize, end: usize) -> usize {
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return trim_end(text, start, end.max(start)),
    };
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&quote) {
        return trim_end(text, start, end.max(start));
    }
    let mut at = start + 1;
    while let Some(&b) = bytes.get(at) {
        if quote == b'"' && b == b'\\' {
            at += 2;
        } else if b == quote {
            if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                at += 2;
            } else {
                return at + 1;
            }
        } else {
            at += 1;
        }
    }
    end.max(start).min(text.len())
}

/// A scalar's value. Tags from the YAML core schema (`!!str`) decide the
/// type; otherwise plain scalars follow the YAML 1.1 rules CloudFormation
/// applies (see [`plain`]) and quoted and block scalars are strings.
pub(crate) fn resolve(raw: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Value {
    let string = || Value::string(raw, span);
    match tag {
        Some(t) if t.handle == "tag:yaml.org,2002:" => match t.suffix.as_str() {
            "null" => Value::new(ValueKind::Null, span),
            "bool" => bool_word(raw).map_or_else(string, |b| Value::bool(b, span)),
            "int" | "float" => raw
                .parse::<f64>()
                .map_or_else(|_| string(), |n| Value::new(ValueKind::Number(n), span)),
            _ => string(),
        },
        // The non-specific tag `!` forces a string (saphyr-parser hands it
        // over as an empty handle with the suffix `!`).
        Some(t) if t.handle.is_empty() && t.suffix == "!" => string(),
        _ if style == ScalarStyle::Plain => plain(raw, span),
        _ => string(),
    }
}

/// YAML 1.1 plain scalars as CloudFormation (and cfn-lint's PyYAML) read
/// them: `yes`/`no`/`on`/`off` are booleans, and a number with a leading
/// zero stays a string, so an account id such as `012345678901` keeps its
/// zero. Integers too long for an `f64` to hold exactly stay strings too.
fn plain(raw: &str, span: Span) -> Value {
    if matches!(raw, "" | "~" | "null" | "Null" | "NULL") {
        return Value::new(ValueKind::Null, span);
    }
    if let Some(b) = bool_word(raw) {
        return Value::bool(b, span);
    }
    if is_number(raw) {
        if let Ok(n) = raw.parse::<f64>() {
            return Value::new(ValueKind::Number(n), span);
        }
    }
    Value::string(raw, span)
}

fn bool_word(raw: &str) -> Option<bool> {
    match raw {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `[-+]?(0|[1-9][0-9]*)` with at most 15 digits, or a decimal with a dot
/// and an optional exponent.
fn is_number(raw: &str) -> bool {
    let body = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    match mantissa.split_once('.') {
        Some((int, frac)) => {
            exponent_ok
                && (digits(int) || int.is_empty())
                && (digits(frac) || frac.is_empty())
                && !(int.is_empty() && frac.is_empty())
        }
        None => {
            exponent.is_none()
                && digits(mantissa)
                && mantissa.len() <= 15
                && (mantissa == "0" || !mantissa.starts_with('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn kind(raw: &str) -> ValueKind {
        plain(raw, Span::new(FileId(0), 0..0)).kind
    }

    #[test]
    fn yaml_1_1_plain_scalars() {
        assert_eq!(
            kind("012345678901"),
            ValueKind::String("012345678901".into())
        );
        assert_eq!(kind("123456789012"), ValueKind::Number(123456789012.0));
        assert_eq!(kind("Yes"), ValueKind::Bool(true));
        assert_eq!(kind("off"), ValueKind::Bool(false));
        assert_eq!(kind("y"), ValueKind::String("y".into()));
        assert_eq!(kind("1.5"), ValueKind::Number(1.5));
        assert_eq!(kind("-2"), ValueKind::Number(-2.0));
        assert_eq!(kind("1e5"), ValueKind::String("1e5".into()));
        assert_eq!(kind("1.0e5"), ValueKind::Number(1.0e5));
        assert_eq!(kind("0x1F"), ValueKind::String("0x1F".into()));
        assert_eq!(kind("."), ValueKind::String(".".into()));
        assert_eq!(kind("~"), ValueKind::Null);
        assert_eq!(
            kind("1234567890123456"),
            ValueKind::String("1234567890123456".into())
        );
    }

    #[test]
    fn char_indices_become_byte_offsets() {
        let text = "aé😀b";
        let offsets = CharOffsets::new(text);
        assert_eq!(
            (0..5).map(|i| offsets.byte(i)).collect::<Vec<_>>(),
            [0, 1, 3, 7, 8]
        );
        assert_eq!(offsets.byte(99), text.len());
    }

    #[test]
    fn properties_are_skipped() {
        let text = "&a !Ref  # c\n  x";
        let (tag, at) = skip_properties(text, 0, true, true);
        assert_eq!(tag, Some(3..7));
        assert_eq!(&text[at..], "x");
    }
}
