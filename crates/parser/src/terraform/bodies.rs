//! Evaluated bodies: attributes and blocks with `dynamic` blocks expanded,
//! and the objects references to a resource instance read. The evaluator
//! fills them (`eval/dynamic_blocks.rs`).

use std::rc::Rc;

use phiguard_model::kinds::{terraform_role, TerraformRole};
use phiguard_model::{Span, Spanned, StandsFor};

use super::config::ResourceDecl;
use super::value::{Meta, K, V};

/// An evaluated body: attributes and blocks, `dynamic` blocks expanded.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvBody {
    pub attrs: Vec<(Spanned<String>, V)>,
    pub blocks: Vec<EvBlock>,
}

#[derive(Debug, Clone)]
pub(crate) struct EvBlock {
    pub ident: Spanned<String>,
    pub labels: Vec<Spanned<String>>,
    pub span: Span,
    pub body: EvBody,
    /// Set on the one block a `dynamic` over unknown items makes: whether
    /// any such block exists is not known, and this says why.
    pub existence: Option<Rc<str>>,
}

/// The same body with every setting unknown for `why`, each at its place.
pub(super) fn unknown_body(body: EvBody, why: &Rc<str>) -> EvBody {
    EvBody {
        attrs: body
            .attrs
            .into_iter()
            .map(|(key, value)| {
                let span = value.span;
                (key, V::unknown(Rc::clone(why), span))
            })
            .collect(),
        blocks: body
            .blocks
            .into_iter()
            .map(|b| EvBlock {
                body: unknown_body(b.body, why),
                ..b
            })
            .collect(),
    }
}

/// A configured, non-null attribute of an object's entries.
pub(super) fn configured(entries: &[(Spanned<String>, V)], name: &str) -> Option<V> {
    entries
        .iter()
        .find(|(k, _)| k.value == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_null())
}

pub(super) fn set(entries: &mut Vec<(Spanned<String>, V)>, name: &str, value: V, span: Span) {
    match entries.iter_mut().find(|(k, _)| k.value == name) {
        Some((_, slot)) => *slot = value,
        None => entries.push((Spanned::new(name.to_string(), span), value)),
    }
}

/// A body as an object: attributes, and nested blocks as lists of objects.
pub(crate) fn body_object(body: &EvBody, span: Span) -> V {
    let mut entries = body.attrs.clone();
    for block in &body.blocks {
        let object = body_object(&block.body, block.span);
        match entries
            .iter_mut()
            .find(|(k, _)| k.value == block.ident.value)
        {
            Some((
                _,
                V {
                    kind: K::List(items),
                    ..
                },
            )) => Rc::make_mut(items).push(object),
            Some(_) => {}
            None => entries.push((block.ident.clone(), V::list(vec![object], block.span))),
        }
    }
    V::map(entries, span)
}

/// A resource instance as references see it: its arguments, plus a kind's
/// subject name under the attributes that stand for it (`id`, `bucket`,
/// `arn`, as the kind's `DialectMap` says), marked with the instance so
/// satellites link to it.
/// Every instance's `id` and `arn` are marked too, so that linking can tell
/// a satellite of some other resource from one of an unknown bucket.
pub(crate) fn resource_object(decl: &ResourceDecl, body: &EvBody, id: u32, address: &str) -> V {
    let mut object = body_object(body, decl.span);
    let K::Map(entries) = &mut object.kind else {
        return object;
    };
    let entries = Rc::make_mut(entries);
    let linked = |v: V| {
        let mut meta = v.meta.as_deref().cloned().unwrap_or_default();
        meta.origin = Some(id);
        v.with_meta(meta)
    };
    let computed = |attr: &str| {
        let reason = format!("`{address}.{attr}` is not known offline");
        linked(V::computed(reason, decl.header))
    };
    let (id_value, arn_value, extra) = match terraform_role(&decl.resource_type) {
        Some(TerraformRole::Subject {
            name_argument,
            id_is_name: true,
            arn_of_name,
        }) => {
            let name = configured(entries, name_argument).unwrap_or_else(|| {
                V::computed(
                    format!("the name of {address} is chosen by AWS when it is created"),
                    decl.header,
                )
            });
            // An unknown ARN is still this resource's: a policy Resource
            // written from it (`"${aws_s3_bucket.b.arn}/*"`) names it.
            let arn = match (name.as_str(), arn_of_name) {
                (Some(text), Some(arn_of)) => V::string(arn_of(text), name.span),
                (None, Some(_)) => name.clone(),
                (_, None) => computed("arn"),
            }
            .standing_for(StandsFor::ArnOf(address.to_string()));
            let extra = (name_argument, linked(name.clone()));
            (linked(name), linked(arn), Some(extra))
        }
        Some(TerraformRole::Subject { name_argument, .. }) => {
            let name = configured(entries, name_argument).map(|n| (name_argument, linked(n)));
            (computed("id"), computed("arn"), name)
        }
        // A satellite's id is its subject (`bucket = aws_s3_bucket_policy.p.id`
        // orders one satellite after another on the same bucket).
        Some(TerraformRole::Satellite { subject_argument }) => {
            let id = configured(entries, "id")
                .or_else(|| configured(entries, subject_argument))
                .unwrap_or_else(|| computed("id"));
            (id, computed("arn"), None)
        }
        Some(TerraformRole::ConfigurationWide) | None => (
            configured(entries, "id").unwrap_or_else(|| computed("id")),
            configured(entries, "arn").unwrap_or_else(|| computed("arn")),
            None,
        ),
    };
    set(entries, "id", id_value, decl.header);
    set(entries, "arn", arn_value, decl.header);
    if let Some((name, value)) = extra {
        set(entries, name, value, decl.header);
    }
    object.with_meta(Meta {
        open: true,
        computed: true,
        ..Meta::default()
    })
}
