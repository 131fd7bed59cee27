//! How kinds read Terraform: one way to read a resource body, whichever way
//! it was written (HCL blocks or `.tf.json` objects and lists of objects).

use crate::{Body, Span, Value, ValueKind};

#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Body(&'a Body),
    Map(&'a Value),
}

/// A nested block and the span findings about it point at.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    pub span: Span,
    pub node: Node<'a>,
    /// Whether the block exists is not known (see
    /// [`crate::Block::existence`]).
    pub existence: Option<&'a Value>,
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

    /// The nested blocks called `name`, in source order: HCL blocks
    /// (`dynamic` ones already expanded by evaluation) or `.tf.json`
    /// objects and lists of objects.
    pub fn blocks(self, name: &str) -> Vec<Part<'a>> {
        let mut out = Vec::new();
        if let Node::Body(body) = self {
            out.extend(
                body.blocks
                    .iter()
                    .filter(|block| block.ident.value == name)
                    .map(|block| Part {
                        span: block.span,
                        node: Node::Body(&block.body),
                        existence: block.existence.as_ref(),
                    }),
            );
        }
        if let Some(value) = self.attr(name) {
            out.extend(objects(value).map(|v| Part {
                span: v.span,
                node: Node::Map(v),
                existence: None,
            }));
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
    use crate::{FileId, Spanned};

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
}
