//! `Fn::Sub`, and where the characters of a template string are in the
//! file, so that a JSON policy written in a string (or built by `Fn::Sub`)
//! gets spans on the characters that wrote it.

use std::collections::HashMap;
use std::ops::Range;

use phiguard_model::{Span, Value, ValueKind};

use super::eval::Evaluator;
use super::functions::{finish_string, text};
use super::trace::Partial;
use crate::limits::{string_too_long, MAX_STRING};
use crate::partial::{arn_prefix, known_text, marker, shape};
use crate::text::{locate, Placement};

/// Pieces of a `Fn::Sub` template string.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(Range<usize>),
    /// `${!Name}` writes `${Name}`: the `${!` becomes `${`.
    Escape(Range<usize>),
    Variable(Range<usize>, &'a str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let (mut at, mut text_start) = (0, 0);
    while let Some(found) = template.get(at..).and_then(|rest| rest.find("${")) {
        let open = at + found;
        let inner = &template[open + 2..];
        let (piece, end) = if inner.starts_with('!') {
            (Piece::Escape(open..open + 3), open + 3)
        } else if let Some(close) = inner.find('}') {
            let end = open + 3 + close;
            (Piece::Variable(open..end, inner[..close].trim()), end)
        } else {
            break;
        };
        out.push(Piece::Text(text_start..open));
        out.push(piece);
        at = end;
        text_start = end;
    }
    out.push(Piece::Text(text_start..template.len()));
    out.retain(|p| !matches!(p, Piece::Text(r) if r.is_empty()));
    out
}

impl Evaluator<'_> {
    /// `Fn::Sub`: `"text ${Name} ${Resource.Attribute}"` or
    /// `[template, {Name: value}]`.
    pub(super) fn sub(&mut self, arg: &Value, span: Span) -> Value {
        let (template, vars) = match &arg.kind {
            ValueKind::List(items) if (1..=2).contains(&items.len()) => (&items[0], items.get(1)),
            _ => (arg, None),
        };
        // A template built by another function has no place in the file.
        let built = match template.kind {
            ValueKind::String(_) => None,
            _ => self.eval(template),
        };
        let source = match (template.as_str(), built.as_ref().map(|b| &b.kind)) {
            (Some(source), _) => source,
            (None, Some(ValueKind::String(source))) => source,
            (None, Some(ValueKind::Unknown(u))) => return Value::unknown(u.reason.clone(), span),
            _ => return Value::unknown("`Fn::Sub` needs a template string", span),
        };
        let mut given: HashMap<&str, Option<Value>> = HashMap::new();
        for (name, value) in vars.and_then(Value::as_map).unwrap_or_default() {
            given.insert(&name.value, self.eval(value));
        }
        let pieces = pieces(source);
        // `!Sub "${Bucket}"` is a `Ref`: keep it recognisable for linking.
        if let [Piece::Variable(_, name)] = pieces.as_slice() {
            if let Some(value) = self.variable(name, &given, span) {
                if text(&value).is_none() {
                    return value;
                }
            }
        }
        let mut out = String::with_capacity(source.len());
        let mut points = Vec::new();
        let mut unknown = Vec::new();
        let mut stands_for = Vec::new();
        let literal = literal_points(source, template.span, self.scope.text);
        let at = |d: usize| literal.as_deref().map_or(0, |p| map(p, d));
        for piece in &pieces {
            let (range, replacement) = match piece {
                Piece::Text(r) => {
                    points.push((out.len(), at(r.start)));
                    for &(d, _) in literal.as_deref().unwrap_or_default() {
                        if d > r.start && d < r.end {
                            points.push((out.len() + d - r.start, at(d)));
                        }
                    }
                    out.push_str(&source[r.clone()]);
                    continue;
                }
                Piece::Escape(r) => (r, "${".to_string()),
                Piece::Variable(r, name) => {
                    // Evaluated at the template's span so that a reference
                    // inside a longer string is not taken for the whole.
                    let value = self.variable(name, &given, template.span);
                    self.trace.references.remove(&template.span);
                    match value {
                        None => (r, String::new()),
                        Some(v) if v.is_unknown() => {
                            unknown.push(v.unknown_reason().unwrap_or_default().to_string());
                            stands_for.push(v.stands_for().cloned());
                            (r, marker(unknown.len() - 1))
                        }
                        Some(v) => match text(&v) {
                            Some(t) => (r, t),
                            None => {
                                return Value::unknown(
                                    format!(
                                        "`Fn::Sub` cannot insert {} into a string",
                                        v.display()
                                    ),
                                    span,
                                )
                            }
                        },
                    }
                }
            };
            // Checked before the points, which take 16 bytes a character.
            if out.len().saturating_add(replacement.len()) > MAX_STRING {
                return Value::unknown(string_too_long(), span);
            }
            // Each inserted character points into the `${...}` it replaces.
            let width = range.len().max(1);
            for k in 0..replacement.len() {
                points.push((out.len() + k, at(range.start) + k.min(width - 1)));
            }
            out.push_str(&replacement);
            points.push((out.len(), at(range.end)));
        }
        if literal.is_some() {
            self.trace.placements.insert(template.span, points);
        }
        if let Some(reason) = unknown.first() {
            let known = known_text(&out);
            let value = if known.is_empty() {
                Value::unknown(reason, span)
            } else {
                Value::partly_known(reason, known, span).with_shape(shape(&out))
            };
            // `!Sub "${Bucket.Arn}/*"`: the bucket's ARN and known text.
            let starts_with_it = matches!(pieces.first(), Some(Piece::Variable(..)));
            let value = match arn_prefix(
                stands_for.first().and_then(Option::as_ref),
                unknown.len(),
                starts_with_it,
            ) {
                Some(arn) => value.standing_for(arn),
                None => value,
            };
            self.trace.partials.insert(
                span,
                Partial {
                    literal: template.span,
                    text: out,
                    reasons: unknown,
                    stands_for,
                },
            );
            return value;
        }
        finish_string(out, template.span)
    }

    /// A `${Name}`: a variable given to `Fn::Sub`, else a parameter, pseudo
    /// parameter or resource, or `Resource.Attribute`.
    fn variable(
        &mut self,
        name: &str,
        given: &HashMap<&str, Option<Value>>,
        span: Span,
    ) -> Option<Value> {
        if let Some(value) = given.get(name) {
            let mut value = value.clone()?;
            let reference = self.trace.reference(&value).cloned();
            value.map_spans(&|_| span);
            if let Some(reference) = reference {
                self.trace.references.insert(span, reference);
            }
            return Some(value);
        }
        if name.contains('.') && !self.scope.params.contains_key(name) {
            return Some(self.get_att(&Value::string(name, span), span));
        }
        self.reference(name, span)
    }
}

fn map(points: &[(usize, usize)], offset: usize) -> usize {
    let at = points.partition_point(|&(d, _)| d <= offset);
    match at.checked_sub(1).and_then(|i| points.get(i)) {
        Some(&(d, s)) => s + (offset - d),
        None => offset,
    }
}

/// Where the characters of string `decoded`, written at `span`, are in the
/// file: (decoded offset, file offset) points, or `None` when the
/// scalar's text cannot be mapped piece by piece (folded scalars, line
/// folding in quoted ones). Each case is checked against `decoded`.
pub(crate) fn literal_points(decoded: &str, span: Span, text: &str) -> Option<Vec<(usize, usize)>> {
    let literal = text.get(span.range())?;
    let start = span.start as usize;
    match literal.as_bytes().first() {
        Some(b'"') => match locate(decoded, span, text) {
            Placement::Exact(map) => Some(map.points().to_vec()),
            Placement::Whole(_) => None,
        },
        Some(b'\'') => single_quoted(literal, decoded, start),
        Some(b'|') => {
            let header_end = literal.find('\n')?;
            if literal[..header_end].bytes().any(|b| b.is_ascii_digit()) {
                return None;
            }
            block(text, start + header_end + 1, None, decoded)
        }
        Some(b'>') | None => None,
        _ if literal == decoded => Some(vec![(0, start)]),
        // An untagged literal block scalar's span starts at its first
        // character, after the indentation.
        _ => {
            let line_start = text.get(..start)?.rfind('\n').map_or(0, |n| n + 1);
            let indent = text.get(line_start..start)?;
            if !indent.bytes().all(|b| b == b' ') {
                return None;
            }
            block(text, line_start, Some(indent.len()), decoded)
        }
    }
}

fn single_quoted(literal: &str, decoded: &str, start: usize) -> Option<Vec<(usize, usize)>> {
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.contains('\n') {
        return None;
    }
    let mut out = String::new();
    let mut points = vec![(0, start + 1)];
    let mut rest = inner;
    while let Some(at) = rest.find("''") {
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 2..];
        points.push((out.len(), start + 1 + (inner.len() - rest.len())));
    }
    out.push_str(rest);
    (out == decoded).then_some(points)
}

/// A literal block scalar whose lines start at `content`, indented by
/// `indent` spaces (or by the first line's indentation).
fn block(
    text: &str,
    content: usize,
    indent: Option<usize>,
    decoded: &str,
) -> Option<Vec<(usize, usize)>> {
    let body = text.get(content..)?;
    let indent = indent.unwrap_or_else(|| {
        body.lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
    });
    let mut rebuilt = String::new();
    let mut points = Vec::new();
    let mut at = content;
    for line in body.split_inclusive('\n') {
        if rebuilt.len() >= decoded.len() {
            break;
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let skip = if line.trim().is_empty() {
            spaces.min(indent)
        } else if spaces >= indent {
            indent
        } else {
            break;
        };
        points.push((rebuilt.len(), at + skip));
        rebuilt.push_str(&line[skip..]);
        at += line.len();
    }
    rebuilt.starts_with(decoded).then_some(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    #[test]
    fn splits_variables_and_escapes() {
        let p = pieces("a${X}b${!Y}${ Z.Arn }");
        assert_eq!(
            p,
            [
                Piece::Text(0..1),
                Piece::Variable(1..5, "X"),
                Piece::Text(5..6),
                Piece::Escape(6..9),
                Piece::Text(9..11),
                Piece::Variable(11..21, "Z.Arn"),
            ]
        );
        assert_eq!(pieces("${unclosed"), [Piece::Text(0..10)]);
    }

    fn check(file: &str, literal: &str, decoded: &str, needle: &str) -> String {
        let start = file.find(literal).unwrap();
        let span = Span::new(FileId(0), start..start + literal.len());
        let points = literal_points(decoded, span, file).expect("mapped");
        let at = decoded.find(needle).unwrap();
        let from = map(&points, at);
        file[from..from + needle.len()].to_string()
    }

    #[test]
    fn literal_blocks_map_line_by_line() {
        let file = "P: !Sub |\n  {\n    \"a\": \"x\"\n  }\nQ: 1\n";
        let decoded = "{\n  \"a\": \"x\"\n}\n";
        assert_eq!(check(file, &file[8..31], decoded, "\"a\""), "\"a\"");
        let file = "P: |-\n  {\"b\": 1}\nQ: 1\n";
        assert_eq!(check(file, "{\"b\": 1}", "{\"b\": 1}", "1"), "1");
    }

    #[test]
    fn quoted_scalars_map() {
        let file = "P: 'it''s \"x\"'\n";
        assert_eq!(check(file, "'it''s \"x\"'", "it's \"x\"", "\"x\""), "\"x\"");
        let file = "{\"P\": \"{\\\"a\\\": 1}\"}";
        assert_eq!(check(file, "\"{\\\"a\\\": 1}\"", "{\"a\": 1}", "1"), "1");
    }

    #[test]
    fn folded_scalars_do_not_map() {
        let file = "P: >\n  a\n  b\n";
        let span = Span::new(FileId(0), 3..12);
        assert_eq!(literal_points("a b\n", span, file), None);
    }
}
