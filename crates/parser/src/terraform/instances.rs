//! Module instances and what they hold: variables, locals and outputs
//! (evaluated once, on first use), resources and data sources expanded by
//! `count`/`for_each`, and module calls expanded into child instances.

use std::collections::HashMap;
use std::rc::Rc;

use phiguard_model::{FileId, Span, Spanned};

use super::config::ResourceDecl;
use super::eval::operators::{iterate, want_number};
use super::eval::{Ctx, Evaluator};
use super::inputs::RootInputs;
use super::ir::{BlockIr, BodyIr, Expr, ExprKind};
use super::types::constant;
use super::value::{fail, Fail, Meta, K, R, V};

/// More instances than this are not checked one by one.
const MAX_INSTANCES: usize = 1_000;

enum Slot<T> {
    Busy,
    Done(T),
}

/// What a child instance's inputs are evaluated with: the calling instance
/// and the call's `count.index` or `each`.
pub(crate) struct Parent {
    pub inst: usize,
    pub call: usize,
    pub each: Option<Rc<(V, V)>>,
    pub count: Option<V>,
}

pub(crate) struct Instance {
    pub config: usize,
    /// `""` for a root, `module.a`, `module.a[0].module.b`.
    pub address: String,
    pub root: usize,
    pub parent: Option<Parent>,
    /// The `module` blocks that made this instance, outermost first.
    pub calls: Vec<Span>,
    /// Call names from the root, as `modules.json` keys them.
    pub key_path: Vec<String>,
    /// Why the instance is a stand-in (its call's count is unknown).
    pub note: Option<String>,
    pub inputs: Rc<RootInputs>,
    vars: HashMap<usize, Slot<(V, bool)>>,
    locals: HashMap<usize, Slot<R>>,
    outputs: HashMap<usize, Slot<R>>,
    resources: HashMap<usize, Slot<Rc<Expansion>>>,
    data: HashMap<usize, Slot<Rc<Expansion>>>,
    call_slots: HashMap<usize, Slot<Rc<CallExpansion>>>,
}

impl Instance {
    pub fn root(config: usize, id: usize, inputs: Rc<RootInputs>) -> Self {
        Instance {
            config,
            address: String::new(),
            root: id,
            parent: None,
            calls: Vec::new(),
            key_path: Vec::new(),
            note: None,
            inputs,
            vars: HashMap::new(),
            locals: HashMap::new(),
            outputs: HashMap::new(),
            resources: HashMap::new(),
            data: HashMap::new(),
            call_slots: HashMap::new(),
        }
    }

    /// A module call's expansion if made (or being made); marks it as being
    /// made otherwise.
    pub fn call_slot(
        &mut self,
        index: usize,
        busy: &Rc<CallExpansion>,
    ) -> Option<Rc<CallExpansion>> {
        match self.call_slots.get(&index) {
            Some(Slot::Done(e)) => Some(Rc::clone(e)),
            Some(Slot::Busy) => Some(Rc::clone(busy)),
            None => {
                self.call_slots.insert(index, Slot::Busy);
                None
            }
        }
    }

    pub fn set_call_slot(&mut self, index: usize, expansion: Rc<CallExpansion>) {
        self.call_slots.insert(index, Slot::Done(expansion));
    }

    /// `prefix` + `name`: a resource or call address inside this instance.
    pub fn address_of(&self, name: &str) -> String {
        if self.address.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.address)
        }
    }
}

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

pub(crate) struct CallExpansion {
    pub form: Form,
    pub children: Vec<(Key, usize)>,
    /// Why the module's code is not available (its outputs are unknown).
    pub unavailable: Option<String>,
}

/// One instance to make: its key, `each` (key, value) and `count.index`.
pub(crate) type PlanItem = (Key, Option<Rc<(V, V)>>, Option<V>);

/// The instances a `count` or `for_each` asks for, with what each binds.
pub(crate) struct Plan {
    pub form: Form,
    pub items: Vec<PlanItem>,
}

type Slots<T> = fn(&mut Instance) -> &mut HashMap<usize, Slot<T>>;

impl<'a> Evaluator<'a> {
    /// Looks up or computes one memoised item; a cycle gets `busy`.
    fn memo<T: Clone>(
        &mut self,
        inst: usize,
        slots: Slots<T>,
        index: usize,
        busy: impl FnOnce() -> T,
        compute: impl FnOnce(&mut Self) -> T,
    ) -> T {
        match slots(&mut self.instances[inst]).get(&index) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => return busy(),
            None => {}
        }
        slots(&mut self.instances[inst]).insert(index, Slot::Busy);
        let value = compute(self);
        slots(&mut self.instances[inst]).insert(index, Slot::Done(value.clone()));
        value
    }

    /// `var.NAME` read at `span`.
    pub fn variable(&mut self, inst: usize, name: &str, from: FileId, span: Span) -> V {
        let Some(index) = self.config(inst).variables.find(name, from) else {
            return V::unknown(format!("var.{name} is not declared"), span);
        };
        let (mut value, external) = self.memo(
            inst,
            |i| &mut i.vars,
            index,
            || {
                (
                    V::unknown(format!("var.{name} refers to itself"), span),
                    false,
                )
            },
            |ev| ev.compute_variable(inst, index, name),
        );
        if external {
            value.deep_respan(span);
            value
        } else {
            value.at(span)
        }
    }

    /// A variable's value and whether it came from outside the
    /// configuration (var files, `--var`, the environment).
    fn compute_variable(&mut self, inst: usize, index: usize, name: &str) -> (V, bool) {
        let decl = self.config(inst).variables.get(index);
        let given = match &self.instances[inst].parent {
            None => {
                let inputs = Rc::clone(&self.instances[inst].inputs);
                inputs.value(name, &decl.ty).map(|v| (v, true))
            }
            Some(parent) => {
                let (p, call) = (parent.inst, parent.call);
                let mut cx = Ctx::new(p);
                cx.each = parent.each.clone();
                cx.count = parent.count.clone();
                let call = self.config(p).calls.get(call);
                call.args
                    .iter()
                    .find(|a| a.key.value == name)
                    .map(|a| (self.value(&mut cx, &a.expr), false))
            }
        };
        let given = given.filter(|(v, _)| !v.is_null() || decl.nullable);
        let (value, external) = match (given, &decl.default) {
            (Some(given), _) => given,
            (None, Some(default)) => (self.value(&mut Ctx::new(inst), default), false),
            (None, None) => {
                let reason = match self.instances[inst].parent {
                    None => format!("var.{name} has no value"),
                    Some(_) => format!(
                        "var.{name} has no value: {} does not set it",
                        self.instances[inst].address
                    ),
                };
                return (V::unknown(reason, Span::default()), false);
            }
        };
        let span = value.span;
        match decl.ty.convert(value) {
            Ok(v) => (v, external),
            Err(message) => (V::unknown(format!("var.{name}: {message}"), span), false),
        }
    }

    pub fn local(&mut self, inst: usize, name: &str, from: FileId) -> R {
        let config = self.config(inst);
        let Some(index) = config.locals.find(name, from) else {
            return Ok(V::unknown(
                format!("local.{name} is not declared"),
                Span::default(),
            ));
        };
        let expr: &'a Expr = config.locals.get(index);
        self.memo(
            inst,
            |i| &mut i.locals,
            index,
            || fail(format!("local.{name} refers to itself")),
            |ev| ev.eval(&mut Ctx::new(inst), expr),
        )
    }

    pub fn output(&mut self, inst: usize, name: &str, span: Span) -> R {
        let config = self.config(inst);
        let Some(index) = config.outputs.find(name, FileId(u32::MAX)) else {
            let address = &self.instances[inst].address;
            return Ok(V::unknown(
                format!("{address} has no output {name:?}"),
                span,
            ));
        };
        let expr: &'a Expr = config.outputs.get(index);
        let value = self.memo(
            inst,
            |i| &mut i.outputs,
            index,
            || fail(format!("output {name:?} refers to itself")),
            |ev| ev.eval(&mut Ctx::new(inst), expr),
        )?;
        Ok(value.at(span))
    }

    /// `module.NAME` as an object of all its outputs.
    pub fn outputs_object(&mut self, inst: usize, span: Span) -> R {
        let config = self.config(inst);
        let mut entries: Vec<(Spanned<String>, V)> = Vec::new();
        for (name, _, expr) in &config.outputs.items {
            if entries.iter().any(|(k, _)| &k.value == name) {
                continue;
            }
            let value = self.output(inst, name, expr.span)?;
            entries.push((Spanned::new(name.clone(), expr.span), value));
        }
        Ok(V::map(entries, span))
    }

    /// A resource's expansion if something already needed it.
    pub fn expanded(&self, inst: usize, index: usize) -> Option<Rc<Expansion>> {
        match self.instances[inst].resources.get(&index) {
            Some(Slot::Done(e)) => Some(Rc::clone(e)),
            _ => None,
        }
    }

    /// The instances of a resource no view reads, with its body as written:
    /// constants known, the rest not evaluated.
    pub fn unevaluated(&mut self, inst: usize, decl: &'a ResourceDecl) -> Expansion {
        let plan = self.expand(inst, decl.count.as_ref(), decl.for_each.as_ref());
        let body = written_body(&decl.body);
        let objects = plan
            .items
            .into_iter()
            .map(|(key, _, _)| Obj {
                key,
                id: 0,
                value: V::null(decl.span),
                body: Some(body.clone()),
            })
            .collect();
        Expansion {
            form: plan.form,
            objects,
        }
    }

    pub fn resource_expansion(&mut self, inst: usize, index: usize) -> Result<Rc<Expansion>, Fail> {
        let decl: &'a ResourceDecl = self.config(inst).resources.get(index);
        let busy = Rc::new(Expansion {
            form: Form::Unknown(String::new()),
            objects: Vec::new(),
        });
        let expansion = self.memo(
            inst,
            |i| &mut i.resources,
            index,
            || Rc::clone(&busy),
            |ev| Rc::new(ev.expand_resource(inst, decl, false)),
        );
        if Rc::ptr_eq(&expansion, &busy) {
            return fail(format!(
                "{}.{} refers to itself",
                decl.resource_type, decl.name
            ));
        }
        Ok(expansion)
    }

    pub fn data_expansion(&mut self, inst: usize, index: usize) -> Result<Rc<Expansion>, Fail> {
        let decl: &'a ResourceDecl = self.config(inst).data.get(index);
        let busy = Rc::new(Expansion {
            form: Form::Unknown(String::new()),
            objects: Vec::new(),
        });
        let expansion = self.memo(
            inst,
            |i| &mut i.data,
            index,
            || Rc::clone(&busy),
            |ev| Rc::new(ev.expand_resource(inst, decl, true)),
        );
        if Rc::ptr_eq(&expansion, &busy) {
            return fail(format!(
                "data.{}.{} refers to itself",
                decl.resource_type, decl.name
            ));
        }
        Ok(expansion)
    }

    fn expand_resource(&mut self, inst: usize, decl: &'a ResourceDecl, data: bool) -> Expansion {
        // Only policy documents among data sources can be known offline;
        // the others are read from AWS at plan time.
        let evaluated = !data || decl.resource_type == "aws_iam_policy_document";
        if !evaluated {
            let object = V::map(Vec::new(), decl.span).with_meta(Meta {
                open: true,
                ..Meta::default()
            });
            return Expansion {
                form: Form::Single,
                objects: vec![Obj {
                    key: Key::None,
                    id: 0,
                    value: object,
                    body: None,
                }],
            };
        }
        let plan = self.expand(inst, decl.count.as_ref(), decl.for_each.as_ref());
        let mut objects = Vec::with_capacity(plan.items.len());
        for (key, each, count) in plan.items {
            let mut cx = Ctx::new(inst);
            cx.each = each;
            cx.count = count;
            let body = self.eval_body(&mut cx, &decl.body);
            let id = self.object_id();
            let value = if data {
                self.policy_document_object(decl, &body)
            } else {
                let address = self.instances[inst].address_of(&format!(
                    "{}.{}{}",
                    decl.resource_type,
                    decl.name,
                    key.suffix()
                ));
                resource_object(decl, &body, id, &address)
            };
            objects.push(Obj {
                key,
                id,
                value,
                body: (!data).then_some(body),
            });
        }
        Expansion {
            form: plan.form,
            objects,
        }
    }

    /// Evaluates `count` or `for_each` into the instances to make.
    pub fn expand(
        &mut self,
        inst: usize,
        count: Option<&'a Expr>,
        for_each: Option<&'a Expr>,
    ) -> Plan {
        let mut cx = Ctx::new(inst);
        let unknown = |note: String, each: Option<Rc<(V, V)>>, count: Option<V>| Plan {
            form: Form::Unknown(note),
            items: vec![(Key::None, each, count)],
        };
        if let Some(expr) = count {
            let value = self.value(&mut cx, expr);
            return match want_number(&value) {
                Ok(Ok(n)) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => Plan {
                    form: Form::Count,
                    items: (0..n as usize)
                        .map(|i| (Key::Index(i), None, Some(V::number(i as f64, expr.span))))
                        .collect(),
                },
                Ok(Ok(n)) => {
                    let index = V::unknown("count.index is not known", expr.span);
                    unknown(
                        format!("count is not a usable number: {n}"),
                        None,
                        Some(index),
                    )
                }
                Ok(Err(reason)) => {
                    let index =
                        V::unknown(format!("count.index is not known: {reason}"), expr.span);
                    unknown(format!("count is unknown: {reason}"), None, Some(index))
                }
                Err(Fail(message)) => {
                    let index = V::unknown("count.index is not known", expr.span);
                    unknown(format!("count is not valid: {message}"), None, Some(index))
                }
            };
        }
        let Some(expr) = for_each else {
            return Plan {
                form: Form::Single,
                items: vec![(Key::None, None, None)],
            };
        };
        let value = self.value(&mut cx, expr);
        let each_unknown = |reason: &str| {
            let v = V::unknown(format!("each is not known: {reason}"), expr.span);
            Some(Rc::new((v.clone(), v)))
        };
        let pairs = match value.kind {
            K::Map(entries) => match iterate(V::new(K::Map(entries), value.span)) {
                Ok(Ok(pairs)) => pairs,
                _ => Vec::new(),
            },
            K::List(items) => {
                let mut pairs: Vec<(V, V)> = Vec::new();
                for item in Rc::unwrap_or_clone(items) {
                    if let Some(reason) = item.unknown_reason() {
                        let reason = reason.to_string();
                        return unknown(
                            format!("for_each is unknown: {reason}"),
                            each_unknown(&reason),
                            None,
                        );
                    }
                    if item.as_str().is_none() {
                        return unknown(
                            "for_each is not valid: a set of strings is required".into(),
                            each_unknown("for_each is not valid"),
                            None,
                        );
                    }
                    if !pairs.iter().any(|(k, _)| k.equals(&item) == Some(true)) {
                        pairs.push((item.clone(), item));
                    }
                }
                pairs.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
                pairs
            }
            K::Unknown(reason) => {
                return unknown(
                    format!("for_each is unknown: {reason}"),
                    each_unknown(&reason),
                    None,
                )
            }
            _ => {
                let note = format!(
                    "for_each is not valid: a map or a set is required, not {}",
                    value.type_name()
                );
                return unknown(note, each_unknown("for_each is not valid"), None);
            }
        };
        if pairs.len() > MAX_INSTANCES {
            return unknown(
                "for_each has too many items to check each".into(),
                each_unknown("too many items"),
                None,
            );
        }
        Plan {
            form: Form::ForEach,
            items: pairs
                .into_iter()
                .map(|(k, v)| {
                    let name = k.as_str().unwrap_or_default().to_string();
                    (Key::Name(name), Some(Rc::new((k, v))), None)
                })
                .collect(),
        }
    }

    pub fn eval_body<'e>(&mut self, cx: &mut Ctx<'e>, body: &'e BodyIr) -> EvBody {
        let attrs = body
            .attrs
            .iter()
            .map(|a| (a.key.clone(), self.value(cx, &a.expr)))
            .collect();
        let mut blocks = Vec::with_capacity(body.blocks.len());
        for block in &body.blocks {
            if block.ident.value == "dynamic" && block.labels.len() == 1 {
                self.dynamic(cx, block, &mut blocks);
            } else {
                blocks.push(EvBlock {
                    ident: block.ident.clone(),
                    labels: block.labels.clone(),
                    span: block.span,
                    body: self.eval_body(cx, &block.body),
                });
            }
        }
        EvBody { attrs, blocks }
    }

    /// A `dynamic "NAME"` block: one `NAME` block per item of `for_each`,
    /// pointing at the dynamic block. When the items are not known, one
    /// block is made, so that a rule sees the setting as unknown, not absent.
    fn dynamic<'e>(&mut self, cx: &mut Ctx<'e>, block: &'e BlockIr, out: &mut Vec<EvBlock>) {
        let Some(label) = block.labels.first() else {
            return;
        };
        let Some(content) = block
            .body
            .blocks
            .iter()
            .find(|b| b.ident.value == "content")
        else {
            return;
        };
        let iterator: &'e str = match block.body.attr("iterator").map(|e| &e.kind) {
            Some(ExprKind::Var(name) | ExprKind::String(name)) => name,
            _ => &label.value,
        };
        let items = match block.body.attr("for_each") {
            Some(expr) => {
                let value = self.value(cx, expr);
                match iterate(value) {
                    Ok(Ok(items)) => items,
                    Ok(Err(reason)) => {
                        let unknown = V::unknown(reason, expr.span);
                        vec![(unknown.clone(), unknown)]
                    }
                    Err(Fail(message)) => {
                        let unknown = V::unknown(message, expr.span);
                        vec![(unknown.clone(), unknown)]
                    }
                }
            }
            None => return,
        };
        for (key, value) in items {
            let span = block.span;
            let object = V::map(
                vec![
                    (Spanned::new("key".into(), span), key),
                    (Spanned::new("value".into(), span), value),
                ],
                span,
            );
            let mark = cx.scope.len();
            cx.scope.push((iterator, object));
            let body = self.eval_body(cx, &content.body);
            cx.scope.truncate(mark);
            out.push(EvBlock {
                ident: label.clone(),
                labels: Vec::new(),
                span,
                body,
            });
        }
    }
}

fn written_body(body: &BodyIr) -> EvBody {
    let attrs = body
        .attrs
        .iter()
        .map(|a| {
            let value = constant(&a.expr).unwrap_or_else(|| {
                V::unknown("not evaluated: no rule reads this resource", a.expr.span)
            });
            (a.key.clone(), value)
        })
        .collect();
    let blocks = body
        .blocks
        .iter()
        .map(|b| EvBlock {
            ident: b.ident.clone(),
            labels: b.labels.clone(),
            span: b.span,
            body: written_body(&b.body),
        })
        .collect();
    EvBody { attrs, blocks }
}

/// A configured, non-null attribute of an object's entries.
fn configured(entries: &[(Spanned<String>, V)], name: &str) -> Option<V> {
    entries
        .iter()
        .find(|(k, _)| k.value == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_null())
}

fn set(entries: &mut Vec<(Spanned<String>, V)>, name: &str, value: V, span: Span) {
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

/// A resource instance as references see it: its arguments, plus the
/// bucket or domain name under the attributes that stand for it (`id`,
/// `bucket`, `arn`), marked with the instance so satellites link to it.
/// Every instance's `id` and `arn` are marked too, so that linking can tell
/// a satellite of some other resource from one of an unknown bucket.
fn resource_object(decl: &ResourceDecl, body: &EvBody, id: u32, address: &str) -> V {
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
        linked(V::unknown(reason, decl.header))
    };
    let (id_value, arn_value, extra) = match decl.resource_type.as_str() {
        "aws_s3_bucket" => {
            let name = configured(entries, "bucket").unwrap_or_else(|| {
                V::unknown(
                    format!("the name of {address} is chosen by AWS when it is created"),
                    decl.header,
                )
            });
            let arn = match name.as_str() {
                Some(text) => V::string(format!("arn:aws:s3:::{text}"), name.span),
                None => name.clone(),
            };
            let bucket = ("bucket", linked(name.clone()));
            (linked(name), linked(arn), Some(bucket))
        }
        "aws_elasticsearch_domain" | "aws_opensearch_domain" => {
            let name = configured(entries, "domain_name").map(|n| ("domain_name", linked(n)));
            (computed("id"), computed("arn"), name)
        }
        // A satellite's id is its bucket (`bucket = aws_s3_bucket_policy.p.id`
        // orders one satellite after another on the same bucket).
        satellite if satellite.starts_with("aws_s3_bucket_") => {
            let id = configured(entries, "id")
                .or_else(|| configured(entries, "bucket"))
                .unwrap_or_else(|| computed("id"));
            (id, computed("arn"), None)
        }
        _ => (
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
        ..Meta::default()
    })
}
