//! `count` and `for_each`: a resource or data source into its instances,
//! each with its evaluated body and the object references read: what an
//! expansion is. The evaluator makes them (`eval/expansion.rs`).

use std::rc::Rc;

use phiguard_model::{Span, Spanned};

use super::bodies::EvBody;
use super::value::V;

pub(super) use crate::limits::MAX_COUNT as MAX_INSTANCES;

/// How a block expanded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Form {
    /// No `count` or `for_each`.
    Single,
    Count,
    ForEach,
    /// The number of instances is not known: one stand-in is checked; the
    /// note says why.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    None,
    Index(usize),
    Name(String),
}

impl Key {
    /// The address suffix: `[0]`, `["a"]`.
    pub fn suffix(&self) -> String {
        match self {
            Key::None => String::new(),
            Key::Index(i) => format!("[{i}]"),
            Key::Name(name) => format!("[{name:?}]"),
        }
    }
}

/// One instance of a resource or data source.
pub(crate) struct Obj {
    pub key: Key,
    pub id: u32,
    /// The object references read (`aws_s3_bucket.b.id`).
    pub value: V,
    pub body: Option<EvBody>,
}

pub(crate) struct Expansion {
    pub form: Form,
    pub objects: Vec<Obj>,
}

impl Expansion {
    /// All instances as Terraform shows them: the object, a list or a map.
    pub fn collect(form: &Form, objects: Vec<(Key, V)>, span: Span) -> V {
        match form {
            Form::Single => objects
                .into_iter()
                .next()
                .map_or_else(|| V::null(span), |(_, v)| v.at(span)),
            Form::Count => V::list(objects.into_iter().map(|(_, v)| v).collect(), span),
            Form::ForEach => V::map(
                objects
                    .into_iter()
                    .map(|(k, v)| {
                        let name = match k {
                            Key::Name(name) => name,
                            other => other.suffix(),
                        };
                        (Spanned::new(name, v.span), v)
                    })
                    .collect(),
                span,
            ),
            Form::Unknown(note) => V::unknown(note.as_str(), span),
        }
    }
}

/// One instance to make: its key, `each` (key, value) and `count.index`.
pub(crate) type PlanItem = (Key, Option<Rc<(V, V)>>, Option<V>);

/// The instances a `count` or `for_each` asks for, with what each binds.
pub(crate) struct Plan {
    pub form: Form,
    pub items: Vec<PlanItem>,
}
