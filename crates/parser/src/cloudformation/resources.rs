//! A template's `Resources` into model resources: the logical id is the
//! address and the header, the evaluated `Properties` are the attributes.

use phiguard_model::{
    Attribute, Block, Body, Dialect, FileId, Resource, ResourceId, Spanned, Value, ValueKind,
};

use super::conditions::Decision;
use super::eval::{Evaluator, Scope};
use super::params;
use super::trace::Trace;

/// A resource and its properties as written, for linking by expression.
pub(crate) struct Built {
    pub resource: Resource,
    pub raw: Option<Value>,
}

impl Built {
    /// Moves the resource, built with a placeholder file id, onto file `id`.
    /// Origins in the template (a parameter's `Default`) move with it; those
    /// in a parameters file already have that file's id.
    pub fn move_to(&mut self, id: FileId) {
        let f = &|span: phiguard_model::Span| phiguard_model::Span { file: id, ..span };
        let r = &mut self.resource;
        let placeholder = r.file;
        let in_template = &|span: phiguard_model::Span| {
            if span.file == placeholder {
                f(span)
            } else {
                span
            }
        };
        r.file = id;
        r.span = f(r.span);
        r.header = f(r.header);
        r.body.map_spans(f);
        r.body.map_origin_spans(in_template);
        if let Some(raw) = &mut self.raw {
            raw.map_spans(f);
        }
    }
}

pub(crate) fn build(
    root: &Value,
    file: FileId,
    text: &str,
    overrides: &params::Overrides,
    trace: &mut Trace,
) -> Vec<Built> {
    let entries = root
        .get("Resources")
        .and_then(Value::as_map)
        .unwrap_or_default();
    let scope = Scope {
        text,
        params: params::declared(root, overrides),
        overrides,
        mappings: root.get("Mappings"),
        conditions: root
            .get("Conditions")
            .and_then(Value::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.value.as_str(), v))
            .collect(),
        resources: entries.iter().map(|(k, _)| k.value.as_str()).collect(),
    };
    let mut eval = Evaluator::new(&scope, trace);
    let mut out = Vec::new();
    for (key, body) in entries {
        // `Fn::ForEach::...` loops (language extensions) and malformed
        // entries declare no resource phiguard can read.
        let Some(resource_type) = body.get("Type").and_then(Value::as_str) else {
            continue;
        };
        if let Some(condition) = body.get("Condition").and_then(Value::as_str) {
            // A resource whose condition is false is not created; one whose
            // condition is unknown may be, so it is checked.
            if eval.condition(condition) == Decision::Known(false) {
                continue;
            }
        }
        // Properties no view reads are not evaluated nor kept.
        let raw = body.get("Properties").filter(|_| is_viewed(resource_type));
        let attributes = match raw.and_then(|p| eval.eval(p)) {
            Some(Value {
                kind: ValueKind::Map(entries),
                ..
            }) => entries
                .into_iter()
                .map(|(key, value)| Attribute { key, value })
                .collect(),
            // Properties as a whole not known offline (an undecidable
            // `Fn::If`): kept, so views treat every setting as unknown.
            Some(value) if value.is_unknown() => {
                let key = raw.and_then(|_| {
                    body.as_map()?
                        .iter()
                        .find(|(k, _)| k.value == "Properties")
                        .map(|(k, _)| k.clone())
                });
                key.map(|key| vec![Attribute { key, value }])
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        out.push(Built {
            resource: Resource {
                id: ResourceId(0),
                dialect: Dialect::CloudFormation,
                resource_type: resource_type.to_string(),
                address: key.value.clone(),
                file,
                span: key.span.cover(body.span),
                header: key.span,
                body: Body {
                    attributes,
                    blocks: metadata(body).into_iter().collect(),
                },
                instance_note: None,
                construct: None,
                module_calls: Vec::new(),
                planned: None,
            },
            raw: raw.cloned(),
        });
    }
    out
}

/// Resource types whose properties some kind of the registry reads.
fn is_viewed(resource_type: &str) -> bool {
    phiguard_model::kinds::cloudformation_reads(resource_type)
}

/// The resource's `Metadata`, as written (it may hold suppressions), as a
/// block named `Metadata`.
fn metadata(body: &Value) -> Option<Block> {
    let (key, value) = body.as_map()?.iter().find(|(k, _)| k.value == "Metadata")?;
    let attributes = value
        .as_map()?
        .iter()
        .map(|(k, v)| Attribute {
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    Some(Block {
        ident: Spanned::new(key.value.clone(), key.span),
        labels: Vec::new(),
        span: key.span.cover(value.span),
        body: Body {
            attributes,
            blocks: Vec::new(),
        },
        existence: None,
    })
}
