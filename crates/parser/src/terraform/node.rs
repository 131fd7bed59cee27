//! One way for the views to read a resource body, whichever way it was
//! written: HCL blocks, HCL `dynamic` blocks, or `.tf.json` objects and
//! lists of objects.

use phiguard_model::{Body, Span, Value, ValueKind};

#[derive(Debug, Clone, Copy)]
pub(crate) enum Node<'a> {
    Body(&'a Body),
    Map(&'a Value),
}

/// A nested block and the span findings about it point at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Part<'a> {
    pub span: Span,
    pub node: Node<'a>,
}

impl<'a> Node<'a> {
    /// Attribute `name`; `name = null` is how Terraform omits an argument.
    pub fn attr(self, name: &str) -> Option<&'a Value> {
        let value = match self {
            Node::Body(body) => body.attribute(name),
            Node::Map(map) => map.get(name),
        }?;
        (!matches!(value.kind, ValueKind::Null)).then_some(value)
    }

    /// A copy of attribute `name`, for the views' fields.
    pub fn value(self, name: &str) -> Option<Value> {
        self.attr(name).cloned()
    }

    /// The nested blocks called `name`, in source order.
    ///
    /// A `dynamic "name"` block counts as one block whose body is its
    /// `content`: whether it yields any instance is not known yet, and
    /// assuming it does keeps a rule from reporting a setting as missing
    /// when it is only unknown.
    pub fn blocks(self, name: &str) -> Vec<Part<'a>> {
        let mut out = Vec::new();
        if let Node::Body(body) = self {
            for block in &body.blocks {
                if block.ident.value == name {
                    out.push(Part {
                        span: block.span,
                        node: Node::Body(&block.body),
                    });
                } else if block.ident.value == "dynamic"
                    && block.labels.first().is_some_and(|l| l.value == name)
                {
                    if let Some(content) = block.body.block("content") {
                        out.push(Part {
                            span: block.span,
                            node: Node::Body(&content.body),
                        });
                    }
                }
            }
        }
        if let Some(value) = self.attr(name) {
            out.extend(objects(value).map(|v| Part {
                span: v.span,
                node: Node::Map(v),
            }));
        }
        if let Some(dynamic) = self.attr("dynamic") {
            for spec in objects(dynamic)
                .filter_map(|d| d.get(name))
                .flat_map(objects)
            {
                for content in spec.get("content").into_iter().flat_map(objects) {
                    out.push(Part {
                        span: spec.span,
                        node: Node::Map(content),
                    });
                }
            }
        }
        out
    }

    pub fn block(self, name: &str) -> Option<Part<'a>> {
        self.blocks(name).into_iter().next()
    }

    /// Attribute `attr` of the first block `name`.
    pub fn nested(self, name: &str, attr: &str) -> Option<Value> {
        self.block(name).and_then(|b| b.node.value(attr))
    }
}

/// An object, or the objects of a list.
fn objects(value: &Value) -> impl Iterator<Item = &Value> {
    value.items().iter().filter(|v| v.as_map().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::{Block, FileId, Spanned};

    fn span(n: usize) -> Span {
        Span::new(FileId(0), n..n + 1)
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (Spanned::new(k.to_string(), span(0)), v))
            .collect();
        Value::new(ValueKind::Map(entries), span(9))
    }

    #[test]
    fn json_objects_and_lists_are_blocks() {
        let inner = map(vec![("enabled", Value::bool(true, span(1)))]);
        let list = Value::new(ValueKind::List(vec![inner.clone(), inner.clone()]), span(2));
        let root = map(vec![("versioning", inner), ("grant", list)]);
        let node = Node::Map(&root);
        assert_eq!(
            node.nested("versioning", "enabled")
                .and_then(|v| v.as_bool()),
            Some(true)
        );
        assert_eq!(node.blocks("grant").len(), 2);
    }

    #[test]
    fn dynamic_blocks_yield_their_content() {
        let content = Block {
            ident: Spanned::new("content".into(), span(0)),
            labels: vec![],
            span: span(3),
            body: Body::default(),
        };
        let dynamic = Block {
            ident: Spanned::new("dynamic".into(), span(0)),
            labels: vec![Spanned::new("grant".into(), span(0))],
            span: span(4),
            body: Body {
                attributes: vec![],
                blocks: vec![content],
            },
        };
        let body = Body {
            attributes: vec![],
            blocks: vec![dynamic],
        };
        let parts = Node::Body(&body).blocks("grant");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].span, span(4));
    }
}
