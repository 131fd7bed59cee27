//! YAML templates into a [`Value`] with byte spans, from saphyr-parser's
//! event stream.
//!
//! saphyr's own loader is not used: it reports a duplicate key with only
//! the second line, clones anchors without regard to where they came from,
//! and turns tagged scalars into nodes with dummy spans. Building the tree
//! here keeps every span exact (events count characters; spans count bytes),
//! turns short-form tags (`!Ref x`) into the long form (`{"Ref": x}`), and
//! bounds alias expansion and nesting.

use std::collections::HashMap;

use phiguard_model::{FileId, Span, Spanned, Value, ValueKind};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::alias::Anchor;
use super::indentation::{lenient_kind, Fix, Padding, Positions, SCAN_BUDGET};
use super::scalar::{self, CharOffsets};
use super::SyntaxError;
use crate::limits::{
    alias_text_over, MAX_ALIAS_NODES as ALIAS_BUDGET, MAX_ALIAS_TEXT, MAX_NESTING as MAX_DEPTH,
};

/// Parses every document of `text` (a whole file, BOM included).
///
/// Indentation that PyYAML ignores and saphyr-parser refuses (continuation
/// lines of quoted scalars, lines inside flow collections) is padded and the
/// text parsed again: see [`indentation`].
pub(crate) fn parse(text: &str, file: FileId) -> Result<Vec<Value>, SyntaxError> {
    let offsets = CharOffsets::new(text);
    let mut padding = Padding::default();
    let mut cost: usize = 0;
    loop {
        let failure = match parse_padded(text, file, &offsets, &padding) {
            Ok(docs) => return Ok(docs),
            Err(failure) => failure,
        };
        cost = cost
            .saturating_add(text.len())
            .saturating_add(failure.scanned);
        let retry = match &failure.fix {
            Some(fix) => cost <= SCAN_BUDGET && padding.add(text, fix),
            None => false,
        };
        if !retry {
            return Err(failure.error);
        }
    }
}

/// A parse that failed: the error, and the padding that may get past it.
struct Failure {
    error: SyntaxError,
    fix: Option<Fix>,
    /// Characters read before the error.
    scanned: usize,
}

fn parse_padded(
    text: &str,
    file: FileId,
    offsets: &CharOffsets,
    padding: &Padding,
) -> Result<Vec<Value>, Failure> {
    let padded = padding.apply(text);
    let mut builder = Builder {
        text,
        file,
        positions: padding.positions(offsets),
        column: 0,
        stack: Vec::new(),
        docs: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        alias_bytes: 0,
    };
    let fail = |error| Failure {
        error,
        fix: None,
        scanned: 0,
    };
    let mut parser = Parser::new_from_str(&padded);
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(event) => event,
            Err(err) => return Err(builder.scan_failure(&err)),
        };
        let start = builder.positions.byte(span.start.index());
        let end = builder.positions.byte(span.end.index());
        builder.column = span.start.col();
        builder.event(event, start, end).map_err(fail)?;
    }
    Ok(builder.docs)
}

/// A node being built, with how many nodes it holds (for the alias budget).
struct Node {
    value: Value,
    size: usize,
}

struct Open {
    /// Byte where the node's text starts (its anchor or tag included).
    start: usize,
    anchor: usize,
    tag: Option<Tag>,
    size: usize,
    /// End of the last child: a block collection ends there.
    last_end: usize,
    /// Column of its start event in the text the parser reads.
    column: usize,
    kind: OpenKind,
}

enum OpenKind {
    Seq(Vec<Value>),
    Map {
        entries: Vec<(Spanned<String>, Value)>,
        seen: HashMap<String, Span>,
        key: Option<Key>,
        merges: Vec<Value>,
    },
}

struct Key {
    name: Spanned<String>,
    /// A plain `<<`: YAML 1.1's merge key.
    merge: bool,
}

struct Builder<'a> {
    text: &'a str,
    file: FileId,
    positions: Positions<'a>,
    /// Column of the current event in the text the parser reads.
    column: usize,
    stack: Vec<Open>,
    docs: Vec<Value>,
    anchors: HashMap<usize, Anchor>,
    alias_nodes: usize,
    /// Bytes of strings and keys that aliases copied (`limits::MAX_ALIAS_TEXT`).
    alias_bytes: usize,
}

impl Builder<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// saphyr-parser's error, located in the original text, with the
    /// padding that may get past it.
    fn scan_failure(&self, err: &saphyr_parser::ScanError) -> Failure {
        let marker = err.marker();
        let at = self.positions.byte(marker.index());
        let fix = match lenient_kind(err.info()) {
            Some(false) => Some(Fix::Quoted {
                quote: at,
                column: marker.col(),
            }),
            // Inside a flow collection saphyr requires the column of the
            // innermost block collection holding it, plus one; a column past
            // every open collection is always enough.
            Some(true) => Some(Fix::Flow {
                at,
                column: self.stack.iter().map(|o| o.column).max().unwrap_or(0) + 1,
            }),
            None => None,
        };
        Failure {
            error: self.error(format!("invalid YAML: {}", err.info()), at..at),
            fix,
            scanned: marker.index(),
        }
    }

    fn error(&self, message: String, range: std::ops::Range<usize>) -> SyntaxError {
        SyntaxError {
            message,
            span: self.span(range),
            first: None,
        }
    }

    fn event(&mut self, event: Event, start: usize, end: usize) -> Result<(), SyntaxError> {
        match event {
            Event::SequenceStart(anchor, tag) => {
                self.open(false, anchor, tag.map(|t| t.into_owned()), start)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(true, anchor, tag.map(|t| t.into_owned()), start)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(start, end),
            Event::Scalar(raw, style, anchor, tag) => {
                let tag = tag.map(|t| t.into_owned());
                self.scalar(&raw, style, anchor, tag, start, end)
            }
            Event::Alias(id) => self.alias(id, start, end),
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    /// An alias: its anchored node, copied at the alias (see [`super::alias`]).
    fn alias(&mut self, id: usize, start: usize, end: usize) -> Result<(), SyntaxError> {
        let end = scalar::trim_end(self.text, start, end);
        let Some(size) = self.anchors.get(&id).map(|a| a.size) else {
            return Err(self.error("unknown YAML alias".into(), start..end));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(size);
        if self.alias_nodes > ALIAS_BUDGET {
            return Err(self.error(
                format!(
                    "YAML aliases expand to more than {ALIAS_BUDGET} nodes; \
                     refusing the document (a \"billion laughs\" attack?)"
                ),
                start..end,
            ));
        }
        if self.expects_key() {
            let key = match self.anchors.get(&id).map(|a| &a.value().kind) {
                Some(ValueKind::String(s)) => s.clone(),
                _ => return Err(self.complex_key(start, end)),
            };
            self.alias_bytes = self.alias_bytes.saturating_add(key.len());
            return self.add_key(key, false, start..end);
        }
        let at = self.span(start..end);
        let text = self.text;
        let name = text.get(start..end).unwrap_or_default();
        let name = name.strip_prefix('*').unwrap_or(name);
        let budget = MAX_ALIAS_TEXT.saturating_sub(self.alias_bytes);
        let node = match self.anchors.get_mut(&id) {
            Some(anchor) if anchor.text_cost(name) <= budget => {
                self.alias_bytes = self.alias_bytes.saturating_add(anchor.text_cost(name));
                Node {
                    value: anchor.copy(name, at),
                    size,
                }
            }
            // Not copied: what reads it is unknown, and says why, while
            // the document's other values are still read.
            _ => Node {
                value: Value::unknown(alias_text_over(), at),
                size: 1,
            },
        };
        self.add(node)
    }

    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<Tag>,
        start: usize,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                format!("the YAML nests more than {MAX_DEPTH} levels deep"),
                start..start,
            ));
        }
        let inner = scalar::skip_properties(self.text, start, anchor > 0, tag.is_some());
        let kind = if is_map {
            OpenKind::Map {
                entries: Vec::new(),
                seen: HashMap::new(),
                key: None,
                merges: Vec::new(),
            }
        } else {
            OpenKind::Seq(Vec::new())
        };
        self.stack.push(Open {
            start,
            anchor,
            tag,
            size: 1,
            last_end: inner.1,
            column: self.column,
            kind,
        });
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Open {
                kind: OpenKind::Map { key: None, .. },
                ..
            })
        )
    }

    fn complex_key(&self, start: usize, end: usize) -> SyntaxError {
        self.error(
            "a mapping key must be a string, not a collection".into(),
            start..end,
        )
    }

    fn scalar(
        &mut self,
        raw: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Tag>,
        start: usize,
        end: usize,
    ) -> Result<(), SyntaxError> {
        let (tag_range, inner) =
            scalar::skip_properties(self.text, start, anchor > 0, tag.is_some());
        let end = scalar::scalar_end(self.text, style, inner, end);
        if self.expects_key() {
            let merge = style == ScalarStyle::Plain && raw == "<<" && tag.is_none();
            if anchor > 0 {
                // An anchored key (`&k a: 1`) may be aliased later, as a key
                // or a value.
                let key = Value::string(raw, self.span(inner..end));
                self.anchors.insert(anchor, Anchor::new(key, 1));
            }
            return self.add_key(raw.to_string(), merge, inner..end);
        }
        let span = self.span(inner..end);
        let value = scalar::resolve(raw, style, tag.as_ref(), span);
        let value = wrap(value, tag.as_ref(), tag_range.map(|r| self.span(r)), start);
        let node = Node { value, size: 1 };
        if anchor > 0 {
            self.anchors
                .insert(anchor, Anchor::new(node.value.clone(), 1));
        }
        self.add(node)
    }

    fn add_key(
        &mut self,
        name: String,
        merge: bool,
        range: std::ops::Range<usize>,
    ) -> Result<(), SyntaxError> {
        let span = self.span(range);
        let Some(Open {
            kind: OpenKind::Map { seen, key, .. },
            size,
            last_end,
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        if !merge {
            if let Some(first) = seen.insert(name.clone(), span) {
                return Err(SyntaxError {
                    message: format!("duplicate key `{name}`"),
                    span,
                    first: Some(first),
                });
            }
        }
        *size += 1;
        *last_end = (*last_end).max(span.end as usize);
        *key = Some(Key {
            name: Spanned::new(name, span),
            merge,
        });
        Ok(())
    }

    /// Ends the innermost collection: `end_start..end_end` is the closing
    /// event, which for flow collections starts at the `]` or `}`.
    fn close(&mut self, end_start: usize, end_end: usize) -> Result<(), SyntaxError> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let closes_flow =
            end_end > end_start && matches!(self.text.as_bytes().get(end_start), Some(b']' | b'}'));
        let end = if closes_flow {
            end_start + 1
        } else {
            open.last_end
        };
        let (tag_range, inner) =
            scalar::skip_properties(self.text, open.start, open.anchor > 0, open.tag.is_some());
        let span = self.span(inner..end.max(inner));
        let kind = match open.kind {
            OpenKind::Seq(items) => ValueKind::List(items),
            OpenKind::Map {
                mut entries,
                mut seen,
                merges,
                ..
            } => {
                // Keys written in the mapping win over merged ones.
                for source in &merges {
                    for (key, value) in source.as_map().unwrap_or_default() {
                        if !seen.contains_key(&key.value) {
                            seen.insert(key.value.clone(), key.span);
                            entries.push((key.clone(), value.clone()));
                        }
                    }
                }
                ValueKind::Map(entries)
            }
        };
        let value = Value::new(kind, span);
        let value = wrap(
            value,
            open.tag.as_ref(),
            tag_range.map(|r| self.span(r)),
            open.start,
        );
        if open.anchor > 0 {
            self.anchors
                .insert(open.anchor, Anchor::new(value.clone(), open.size));
        }
        if self.expects_key() {
            return Err(self.complex_key(inner, end));
        }
        self.add(Node {
            value,
            size: open.size,
        })
    }

    /// Adds a finished node to its parent, or as a document.
    fn add(&mut self, node: Node) -> Result<(), SyntaxError> {
        let Some(parent) = self.stack.last_mut() else {
            self.docs.push(node.value);
            return Ok(());
        };
        parent.size = parent.size.saturating_add(node.size);
        parent.last_end = parent.last_end.max(node.value.span.end as usize);
        match &mut parent.kind {
            OpenKind::Seq(items) => items.push(node.value),
            OpenKind::Map {
                entries,
                key,
                merges,
                ..
            } => match key.take() {
                Some(Key { merge: true, name }) => match &node.value.kind {
                    ValueKind::Map(_) => merges.push(node.value),
                    ValueKind::List(items) if items.iter().all(|i| i.as_map().is_some()) => {
                        merges.extend(items.iter().cloned());
                    }
                    _ => {
                        return Err(SyntaxError {
                            message: "the merge key `<<` needs a mapping or a list of mappings"
                                .into(),
                            span: name.span,
                            first: None,
                        })
                    }
                },
                Some(Key { name, .. }) => entries.push((name, node.value)),
                None => {}
            },
        }
        Ok(())
    }
}

/// A short-form function tag becomes the long form: `!Ref x` is
/// `{"Ref": x}`, `!If [...]` is `{"Fn::If": [...]}`. The map spans the tag
/// and its argument, not an anchor before them (`&r !Ref x` is anchored at
/// `!Ref x`, as `&a x` is at `x`); its key spans the tag.
fn wrap(value: Value, tag: Option<&Tag>, tag_span: Option<Span>, start: usize) -> Value {
    let Some(name) = tag.and_then(function_name) else {
        return value;
    };
    let from = tag_span.map_or(start, |t| t.start as usize);
    let tag_span = tag_span.unwrap_or(value.span);
    let span = Span::new(value.span.file, from..value.span.end as usize);
    Value::new(
        ValueKind::Map(vec![(Spanned::new(name, tag_span), value)]),
        span,
    )
}

/// The intrinsic function a local tag stands for, as cfn-lint and the
/// CloudFormation service read it: `!Ref`, `!Condition`, else `Fn::` + name.
fn function_name(tag: &Tag) -> Option<String> {
    if tag.handle != "!" || tag.suffix.is_empty() {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        other => format!("Fn::{other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Value {
        let mut docs = parse(text, FileId(0)).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn tags_become_long_form_with_spans() {
        let text = "a: !Ref Foo\nb: !If [C, \"x\", y]  # note\nc: &c !Ref Bar\n";
        let root = one(text);
        let a = root.get("a").unwrap();
        assert_eq!(slice(text, a.span), "!Ref Foo");
        assert_eq!(slice(text, root.get("c").unwrap().span), "!Ref Bar");
        let (key, inner) = &a.as_map().unwrap()[0];
        assert_eq!((key.value.as_str(), slice(text, key.span)), ("Ref", "!Ref"));
        assert_eq!(slice(text, inner.span), "Foo");
        let b = root.get("b").unwrap();
        assert_eq!(slice(text, b.span), "!If [C, \"x\", y]");
        let args = b.get("Fn::If").unwrap();
        assert_eq!(slice(text, args.as_list().unwrap()[1].span), "\"x\"");
    }

    #[test]
    fn block_collections_end_at_their_last_child() {
        let text = "a:\n  - x\n  - y\n\nb: 1\n";
        let root = one(text);
        assert_eq!(slice(text, root.get("a").unwrap().span), "- x\n  - y");
        assert_eq!(slice(text, root.span), text.trim_end());
    }

    #[test]
    fn quoted_scalars_stop_at_their_quote() {
        let text = "a: 'it''s'   # c\nb: \"x\\\"y\" # c\n";
        let root = one(text);
        assert_eq!(slice(text, root.get("a").unwrap().span), "'it''s'");
        assert_eq!(root.get("a").unwrap().as_str(), Some("it's"));
        assert_eq!(slice(text, root.get("b").unwrap().span), "\"x\\\"y\"");
    }

    #[test]
    fn multibyte_characters_shift_byte_offsets() {
        let text = "\u{feff}é: ü\nb: !Ref 😀x\n";
        let root = one(text);
        let b = root.get("b").unwrap();
        assert_eq!(slice(text, b.span), "!Ref 😀x");
        assert_eq!(slice(text, root.as_map().unwrap()[0].0.span), "é");
    }

    #[test]
    fn duplicate_keys_name_both() {
        let err = parse("a: 1\nb:\n  c: 1\n  c: 2\n", FileId(0)).unwrap_err();
        assert_eq!(err.message, "duplicate key `c`");
        assert_eq!(err.first.map(|s| s.start), Some(10));
        assert_eq!(err.span.start, 17);
    }

    #[test]
    fn merge_keys_and_aliases() {
        let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nl: *b\n";
        let root = one(text);
        let m = root.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().kind, ValueKind::Number(1.0));
        assert_eq!(m.get("y").unwrap().kind, ValueKind::Number(3.0));
        assert!(root.get("l").unwrap().get("y").is_some());
    }

    /// The anchor origin of `value`: its place in `text` and name.
    fn anchor_origin<'t, 'v>(text: &'t str, value: &'v Value) -> (&'t str, &'v str) {
        let origins = value.origins.as_deref().unwrap();
        assert_eq!(origins.len(), 1, "{origins:?}");
        assert_eq!(origins[0].role, phiguard_model::OriginRole::YamlAnchor);
        (slice(text, origins[0].span.unwrap()), &origins[0].name)
    }

    #[test]
    fn aliases_are_located_where_they_are_used() {
        let text = "x: &acl PublicRead\nB:\n  AccessControl: *acl\n";
        let root = one(text);
        let used = root.get("B").unwrap().get("AccessControl").unwrap();
        assert_eq!(used.as_str(), Some("PublicRead"));
        assert_eq!(slice(text, used.span), "*acl");
        assert_eq!(anchor_origin(text, used), ("PublicRead", "acl"));
        // Written in place: no origin, the anchored node included.
        assert!(root.get("x").unwrap().origins.is_none());
        // A block collection ends at the alias, not at its key.
        assert_eq!(
            slice(text, root.get("B").unwrap().span),
            "AccessControl: *acl"
        );
    }

    #[test]
    fn an_aliased_maps_nodes_are_at_the_alias_and_come_from_their_own_place() {
        let text = "p: &props {AccessControl: PublicRead, Tags: [a]}\nB: *props\nC: *props\n";
        let root = one(text);
        let b = root.get("B").unwrap();
        assert_eq!(
            anchor_origin(text, b).0,
            "{AccessControl: PublicRead, Tags: [a]}"
        );
        let acl = b.get("AccessControl").unwrap();
        assert_eq!(slice(text, acl.span), "*props");
        assert_eq!(slice(text, b.as_map().unwrap()[0].0.span), "*props");
        assert_eq!(anchor_origin(text, acl), ("PublicRead", "props"));
        let tag = &b.get("Tags").unwrap().as_list().unwrap()[0];
        assert_eq!(
            (slice(text, tag.span), anchor_origin(text, tag).0),
            ("*props", "a")
        );
        // Every alias of the anchor shares the origins made for the first.
        let again = root.get("C").unwrap().get("AccessControl").unwrap();
        assert_eq!(slice(text, again.span), "*props");
        assert!(std::sync::Arc::ptr_eq(
            acl.origins.as_ref().unwrap(),
            again.origins.as_ref().unwrap()
        ));
    }

    #[test]
    fn a_copy_inside_an_anchor_keeps_where_it_was_written() {
        let text = "a: &a x\nb: &b [*a, y]\nc: *b\n";
        let root = one(text);
        let c = root.get("c").unwrap().as_list().unwrap();
        assert_eq!(anchor_origin(text, &c[0]), ("x", "a"));
        assert_eq!(anchor_origin(text, &c[1]), ("y", "b"));
        assert!(c.iter().all(|item| slice(text, item.span) == "*b"));
    }

    #[test]
    fn merged_keys_are_at_the_merge() {
        let text = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n";
        let m = one(text).get("m").cloned().unwrap();
        let x = m.get("x").unwrap();
        assert_eq!((slice(text, x.span), anchor_origin(text, x).0), ("*b", "1"));
        let y = m.get("y").unwrap();
        assert!(y.origins.is_none());
    }

    #[test]
    fn anchored_keys_can_be_aliased() {
        let text = "&a a: &b b\n*b : *a\n";
        let root = one(text);
        assert_eq!(root.get("a").unwrap().as_str(), Some("b"));
        assert_eq!(root.get("b").unwrap().as_str(), Some("a"));
    }

    #[test]
    fn the_non_specific_tag_makes_a_string() {
        let root = one("- ! 12\n- 12\n");
        let items = root.as_list().unwrap();
        assert_eq!(items[0].as_str(), Some("12"));
        assert_eq!(items[1].kind, ValueKind::Number(12.0));
    }

    #[test]
    fn aliases_past_the_text_budget_are_unknown_values() {
        // Each alias copies nearly 1 MiB: sixteen fit, the seventeenth
        // does not, nor does any long one after it; a short one still fits.
        let big = "x".repeat((1 << 20) - 16);
        let text = format!(
            "a: &a {big}\ns: &s short\nl: [{}]\nm: {{k: *a, j: *s}}\n",
            vec!["*a"; 17].join(", ")
        );
        let doc = one(&text);
        let items = doc.get("l").and_then(Value::as_list).unwrap();
        assert!(items[..16].iter().all(|v| v.as_str() == Some(big.as_str())));
        assert!(items[16]
            .unknown_reason()
            .is_some_and(|r| r.contains("copy more than 16 MiB")));
        let m = doc.get("m").unwrap();
        assert!(m.get("k").is_some_and(Value::is_unknown));
        assert_eq!(m.get("j").and_then(Value::as_str), Some("short"));
    }

    #[test]
    fn an_anchors_name_on_each_origin_counts_against_the_text_budget() {
        // A long name on thousands of nodes would cost gigabytes of
        // origins: the copy is refused as an over-long one is.
        let name = "n".repeat(4096);
        let items = vec!["x"; 5000].join(", ");
        let text = format!("a: &{name} [{items}]\nb: *{name}\n");
        let doc = one(&text);
        assert!(doc.get("b").is_some_and(Value::is_unknown));
    }

    #[test]
    fn aliases_have_a_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = parse(&text, FileId(0)).unwrap_err();
        assert!(err.message.contains("billion laughs"), "{}", err.message);
    }

    #[test]
    fn nesting_is_bounded() {
        let text: String = (0..MAX_DEPTH + 5)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        assert!(parse(&text, FileId(0))
            .unwrap_err()
            .message
            .contains("nests"));
    }

    #[test]
    fn collection_keys_are_errors() {
        assert!(parse("? [a]\n: b\n", FileId(0)).is_err());
        assert!(parse("{[a]: b}", FileId(0)).is_err());
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse("a: [b\nc: d\n", FileId(0)).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
    }

    #[test]
    fn flow_collections_may_close_at_their_keys_indentation() {
        // As in AWS's sample templates; PyYAML and cfn-lint accept it.
        let text = r#"R:
  P:
    EventPattern: {
      "source": ["aws.s3",
    "x"]
    }
    N: 1
"#;
        let root = one(text);
        let p = root.get("R").unwrap().get("P").unwrap();
        let pattern = p.get("EventPattern").unwrap();
        assert_eq!(
            slice(text, pattern.span),
            "{\n      \"source\": [\"aws.s3\",\n    \"x\"]\n    }"
        );
        let source = pattern.get("source").unwrap().as_list().unwrap();
        assert_eq!(slice(text, source[1].span), "\"x\"");
        assert_eq!(source[1].as_str(), Some("x"));
        assert_eq!(slice(text, p.as_map().unwrap()[1].0.span), "N");
        // Items at the key's column, and left of it, as in the suite's 9C9N.
        let root = one("a:\n  flow: [b,\n  c,\nd]\n  e: 1\n");
        let a = root.get("a").unwrap();
        let items: Vec<_> = a
            .get("flow")
            .unwrap()
            .as_list()
            .unwrap()
            .iter()
            .map(|v| v.as_str())
            .collect();
        assert_eq!(items, [Some("b"), Some("c"), Some("d")]);
        assert!(a.get("e").is_some());
    }

    #[test]
    fn quoted_continuation_lines_may_sit_at_their_keys_indentation() {
        let text = r#"Description: 'first line
  second line
third ''line'''
R:
  B: "x
  y\
	z" # c
  C: 1
"#;
        let root = one(text);
        let description = root.get("Description").unwrap();
        assert_eq!(
            description.as_str(),
            Some("first line second line third 'line'")
        );
        assert_eq!(
            slice(text, description.span),
            "'first line\n  second line\nthird ''line'''"
        );
        let b = root.get("R").unwrap().get("B").unwrap();
        assert_eq!(b.as_str(), Some("x yz"));
        assert_eq!(slice(text, b.span), "\"x\n  y\\\n\tz\"");
        assert!(root.get("R").unwrap().get("C").is_some());
    }

    #[test]
    fn padding_keeps_errors_where_they_are() {
        // A duplicate key after padded lines is reported at its own bytes.
        let text = "a: 'x\ny'\nb: {\n}\nb: 2\n";
        let err = parse(text, FileId(0)).unwrap_err();
        assert_eq!(err.message, "duplicate key `b`");
        assert_eq!((err.first.map(|s| s.start), err.span.start), (Some(9), 16));
        // A document marker still ends a quoted scalar (PyYAML agrees).
        assert!(parse("a: 'x\n--- y'\n", FileId(0)).is_err());
        // Block indentation is not relaxed.
        assert!(parse("a:\n  b: 1\n c: 2\n", FileId(0)).is_err());
        // An unclosed quote stays an error.
        let err = parse("a:\n  b: 'x\ny\n", FileId(0)).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
    }

    #[test]
    fn documents_are_counted() {
        assert_eq!(parse("a: 1\n---\nb: 2\n", FileId(0)).unwrap().len(), 2);
        assert_eq!(parse("", FileId(0)).unwrap().len(), 0);
    }
}
