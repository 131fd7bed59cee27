//! `data "aws_iam_policy_document"`: its blocks into the value shape of a
//! JSON policy (`Version`, `Statement` with `Sid`, `Effect`,
//! `Principal: {"AWS": [...]}`, `Action`, `Resource`, `Condition:
//! {test: {variable: values}}`), each part keeping the span of the block or
//! attribute it came from, so findings point into the data block.

use std::rc::Rc;

use phiguard_model::{Span, Spanned};

use super::bodies::{EvBlock, EvBody};
use super::config::ResourceDecl;
use super::eval::Evaluator;
use super::value::{Meta, K, V};

/// A statement block, or a statement object in `.tf.json`.
#[derive(Clone, Copy)]
enum Node<'b> {
    Block(&'b EvBody, Span),
    Map(&'b V),
}

impl<'b> Node<'b> {
    fn span(self) -> Span {
        match self {
            Node::Block(_, span) => span,
            Node::Map(v) => v.span,
        }
    }

    fn attr(self, name: &str) -> Option<&'b V> {
        let v = match self {
            Node::Block(body, _) => body
                .attrs
                .iter()
                .find(|(k, _)| k.value == name)
                .map(|(_, v)| v),
            Node::Map(v) => v.get(name),
        }?;
        (!v.is_null()).then_some(v)
    }

    fn blocks(self, name: &str) -> Vec<Node<'b>> {
        let mut out = Vec::new();
        if let Node::Block(body, _) = self {
            out.extend(
                body.blocks
                    .iter()
                    .filter(|b| b.ident.value == name)
                    .map(|b: &EvBlock| Node::Block(&b.body, b.span)),
            );
        }
        if let Some(v) = self.attr(name) {
            match &v.kind {
                K::List(items) => out.extend(
                    items
                        .iter()
                        .filter(|i| matches!(i.kind, K::Map(_)))
                        .map(Node::Map),
                ),
                K::Map(_) => out.push(Node::Map(v)),
                _ => {}
            }
        }
        out
    }
}

fn key(name: &str, span: Span) -> Spanned<String> {
    Spanned::new(name.to_string(), span)
}

impl Evaluator<'_> {
    /// The data source as references read it: `json` (and `minified_json`)
    /// is the document's text, carrying the document itself.
    pub(crate) fn policy_document_object(&mut self, decl: &ResourceDecl, body: &EvBody) -> V {
        let document = self.policy_document(decl, body);
        let text = match document.first_unknown() {
            Some(reason) => V::unknown(reason.clone(), decl.span),
            None => V::string(super::eval::to_json(&document), decl.span),
        };
        let json = text.with_meta(Meta {
            structured: Some(document),
            ..Meta::default()
        });
        let entries = vec![
            (key("json", decl.header), json.clone()),
            (key("minified_json", decl.header), json),
        ];
        V::map(entries, decl.span).with_meta(Meta {
            open: true,
            ..Meta::default()
        })
    }

    fn policy_document(&mut self, decl: &ResourceDecl, body: &EvBody) -> V {
        let root = Node::Block(body, decl.span);
        let mut statements: Vec<V> = Vec::new();
        for source in self.documents(root, &["source_policy_documents", "source_json"]) {
            statements.extend(source);
        }
        for node in root.blocks("statement") {
            merge_statement(&mut statements, statement(node));
        }
        for source in self.documents(root, &["override_policy_documents", "override_json"]) {
            for s in source {
                merge_statement(&mut statements, s);
            }
        }
        let mut entries = vec![(
            key("Version", decl.header),
            root.attr("version")
                .cloned()
                .unwrap_or_else(|| V::string("2012-10-17", decl.header)),
        )];
        if let Some(id) = root.attr("policy_id") {
            entries.push((key("Id", id.span), id.clone()));
        }
        entries.push((key("Statement", decl.span), V::list(statements, decl.span)));
        V::map(entries, decl.span)
    }

    /// The statements of each JSON document in the named attributes; an
    /// unknown document gives one unknown statement.
    fn documents(&self, root: Node, names: &[&str]) -> Vec<Vec<V>> {
        let mut out = Vec::new();
        for name in names {
            let Some(value) = root.attr(name) else {
                continue;
            };
            let texts: Vec<&V> = match &value.kind {
                K::List(items) => items.iter().collect(),
                _ => vec![value],
            };
            for text in texts {
                if text.is_null() {
                    continue;
                }
                let decoded = match text.unknown_reason() {
                    Some(_) if text.structured().is_none() => text.clone(),
                    _ => match self.jsondecode(text, text.span) {
                        Ok(v) => v,
                        Err(fail) => V::unknown(fail.0, text.span),
                    },
                };
                out.push(match decoded.kind {
                    K::Map(_) => match decoded.get("Statement").map(|s| &s.kind) {
                        Some(K::List(items)) => items.to_vec(),
                        Some(_) => decoded.get("Statement").cloned().into_iter().collect(),
                        None => Vec::new(),
                    },
                    _ => vec![decoded],
                });
            }
        }
        out
    }
}

/// A statement with the same `Sid` replaces an earlier one, as the provider
/// merges source and override documents.
fn merge_statement(statements: &mut Vec<V>, statement: V) {
    let sid = statement
        .get("Sid")
        .and_then(V::as_str)
        .filter(|s| !s.is_empty());
    if let Some(sid) = sid {
        if let Some(slot) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(V::as_str) == Some(sid))
        {
            *slot = statement;
            return;
        }
    }
    statements.push(statement);
}

fn statement(node: Node) -> V {
    let span = node.span();
    let mut entries = Vec::new();
    let copy = |from: &str, to: &str, entries: &mut Vec<(Spanned<String>, V)>| {
        if let Some(v) = node.attr(from) {
            entries.push((key(to, v.span), v.clone()));
        }
    };
    copy("sid", "Sid", &mut entries);
    match node.attr("effect") {
        Some(v) => entries.push((key("Effect", v.span), v.clone())),
        None => entries.push((key("Effect", span), V::string("Allow", span))),
    }
    copy("actions", "Action", &mut entries);
    copy("not_actions", "NotAction", &mut entries);
    copy("resources", "Resource", &mut entries);
    copy("not_resources", "NotResource", &mut entries);
    for (blocks, field) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(p) = principals(&node.blocks(blocks)) {
            entries.push((key(field, p.span), p));
        }
    }
    let conditions = node.blocks("condition");
    if let Some(first) = conditions.first() {
        entries.push((key("Condition", first.span()), condition(&conditions)));
    }
    V::map(entries, span)
}

/// `principals { type identifiers }` blocks into `{"AWS": [...]}`; the
/// provider writes `type = "*"` with `identifiers = ["*"]` as `"*"`.
fn principals(blocks: &[Node]) -> Option<V> {
    let first = blocks.first()?;
    let mut by_type: Vec<(Spanned<String>, V)> = Vec::new();
    for block in blocks {
        let ty = block.attr("type");
        let ids = block.attr("identifiers");
        let Some(ty_text) = ty.and_then(V::as_str) else {
            let reason = ty
                .and_then(V::unknown_reason)
                .map_or("the principal type is not set".into(), |r| r.to_string());
            return Some(V::unknown(reason, block.span()));
        };
        if ty_text == "*" {
            return Some(V::string("*", block.span()));
        }
        let ids = ids
            .cloned()
            .unwrap_or_else(|| V::list(Vec::new(), block.span()));
        match by_type.iter_mut().find(|(k, _)| k.value == ty_text) {
            Some((_, existing)) => {
                if let (K::List(have), K::List(more)) = (&mut existing.kind, ids.kind) {
                    Rc::make_mut(have).extend(Rc::unwrap_or_clone(more));
                }
            }
            None => by_type.push((key(ty_text, ty.map_or(block.span(), |t| t.span)), ids)),
        }
    }
    Some(V::map(by_type, first.span()))
}

/// `condition { test variable values }` blocks into `{test: {variable: values}}`.
fn condition(blocks: &[Node]) -> V {
    let span = blocks.first().map_or_else(Span::default, |b| b.span());
    let mut tests: Vec<(Spanned<String>, V)> = Vec::new();
    for block in blocks {
        let (Some(test), Some(variable)) = (block.attr("test"), block.attr("variable")) else {
            continue;
        };
        let (Some(test_name), Some(variable_name)) = (test.as_str(), variable.as_str()) else {
            let reason = test
                .unknown_reason()
                .or(variable.unknown_reason())
                .map_or("the condition is not known".to_string(), |r| r.to_string());
            // Kept as an operator nobody knows, so rules see it as undecided.
            let unknown = V::unknown(reason, block.span());
            tests.push((
                key("?", block.span()),
                V::map(vec![(key("?", block.span()), unknown)], block.span()),
            ));
            continue;
        };
        let values = block
            .attr("values")
            .cloned()
            .unwrap_or_else(|| V::list(Vec::new(), block.span()));
        let entry = (key(variable_name, variable.span), values);
        match tests.iter_mut().find(|(k, _)| k.value == test_name) {
            Some((
                _,
                V {
                    kind: K::Map(vars), ..
                },
            )) => Rc::make_mut(vars).push(entry),
            _ => tests.push((key(test_name, test.span), V::map(vec![entry], block.span()))),
        }
    }
    V::map(tests, span)
}
