//! Expression evaluation: an [`Expr`] in a module instance's context into a
//! [`V`] that keeps the span of the expression that produced it.
//!
//! What cannot be known offline (a variable without a value, a computed
//! attribute, a data source other than `aws_iam_policy_document`, an
//! unsupported function) is an unknown value with a reason; a Terraform
//! error (a wrong type, a missing key) is a [`Fail`] that `try` and `can`
//! catch and that otherwise becomes an unknown value too. Nothing here is a
//! lint error.

mod calls;
mod dynamic_blocks;
mod expansion;
mod functions;
pub(crate) mod operators;
mod refs;
mod strings;
mod values;

pub(crate) use strings::to_json;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use phiguard_model::{SourceFile, Span, Spanned, StandsFor, UnavailableModule};

use super::config::ModuleConfig;
use super::instances::Instance;
use super::ir::{Expr, ExprKind, ObjKey, Op, Part, Step, TemplateFor, Traversal};
use super::modules::{Budget, Resolver};
use super::value::{fail, Entries, Fail, Meta, K, R, V};
use crate::json;
use crate::limits::{self, WorkBudget, MAX_EVAL_DEPTH as MAX_DEPTH};
use crate::partial::{arn_prefix, fill_unknowns, known_text, marker, shape};
use crate::text::shorten;

/// Where an expression is evaluated: the module instance, `count.index`,
/// `each`, and the names `for` expressions and `dynamic` blocks bind.
pub(crate) struct Ctx<'e> {
    pub inst: usize,
    pub each: Option<Rc<(V, V)>>,
    pub count: Option<V>,
    pub scope: Vec<(&'e str, V)>,
    /// In `templatefile`: only the given variables are visible.
    pub sandbox: bool,
}

impl<'e> Ctx<'e> {
    pub fn new(inst: usize) -> Self {
        Ctx {
            inst,
            each: None,
            count: None,
            scope: Vec::new(),
            sandbox: false,
        }
    }

    fn lookup(&self, name: &str) -> Option<&V> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// A file `file()` or `templatefile()` read: added to the model afterwards.
pub(crate) struct ReadFile {
    pub file: SourceFile,
    pub template: Option<Rc<Expr>>,
}

pub(crate) struct Evaluator<'a> {
    pub configs: &'a [ModuleConfig],
    /// Module instances left for the whole run.
    pub budget: &'a Budget,
    /// The model's files when evaluation started.
    pub files: &'a [SourceFile],
    pub resolver: &'a Resolver,
    /// Display paths of files read by `file()` are relative to it.
    pub base_dir: &'a Path,
    /// Whether `file()` may read from disk.
    pub disk: bool,
    /// Where `file()` reads: the disk or a git snapshot.
    pub fs: &'a crate::fs::Files,
    pub instances: Vec<Instance>,
    pub read: Vec<ReadFile>,
    pub read_index: HashMap<PathBuf, Result<usize, String>>,
    pub unavailable: Vec<UnavailableModule>,
    /// What the configuration has built (`limits::MAX_WORK`).
    pub(crate) work: WorkBudget,
    /// Resource and data source instances made (`limits::MAX_RESOURCE_INSTANCES`).
    pub resource_instances: usize,
    depth: usize,
    next_object: u32,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        configs: &'a [ModuleConfig],
        files: &'a [SourceFile],
        resolver: &'a Resolver,
        base_dir: &'a Path,
        disk: bool,
        fs: &'a crate::fs::Files,
        budget: &'a Budget,
    ) -> Self {
        Evaluator {
            budget,
            configs,
            files,
            resolver,
            base_dir,
            disk,
            fs,
            instances: Vec::new(),
            read: Vec::new(),
            read_index: HashMap::new(),
            unavailable: Vec::new(),
            work: WorkBudget::default(),
            resource_instances: 0,
            depth: 0,
            next_object: 0,
        }
    }

    /// How many object ids were given out.
    pub fn objects(&self) -> u32 {
        self.next_object
    }

    pub fn object_id(&mut self) -> u32 {
        self.next_object += 1;
        self.next_object
    }

    pub fn config(&self, inst: usize) -> &'a ModuleConfig {
        let configs: &'a [ModuleConfig] = self.configs;
        &configs[self.instances[inst].config]
    }

    /// The source text of a span, for messages.
    pub fn text(&self, span: Span) -> String {
        let index = span.file.0 as usize;
        let file = self.files.get(index).or_else(|| {
            self.read
                .get(index.wrapping_sub(self.files.len()))
                .map(|r| &r.file)
        });
        file.and_then(|f| f.slice(span))
            .map_or_else(|| "expression".to_string(), shorten)
    }

    fn traversal_text(&self, t: &Traversal, upto: Span) -> String {
        match &t.text {
            Some(text) => shorten(text),
            None => self.text(upto),
        }
    }

    /// Evaluates `e`; an error becomes an unknown value.
    pub fn value<'e>(&mut self, cx: &mut Ctx<'e>, e: &'e Expr) -> V {
        match self.eval(cx, e) {
            Ok(v) => v,
            Err(Fail(message)) => V::unknown(message, e.span),
        }
    }

    pub fn eval<'e>(&mut self, cx: &mut Ctx<'e>, e: &'e Expr) -> R {
        if self.depth >= MAX_DEPTH {
            return Ok(V::unknown(
                "the expression is nested too deeply to evaluate",
                e.span,
            ));
        }
        // Once the budget is spent, nothing more is built: the loops that
        // spent it end after one cheap step per item.
        if self.work.exhausted() {
            return Ok(V::unknown(WorkBudget::reason("the configuration"), e.span));
        }
        self.depth += 1;
        let result = self.eval_kind(cx, e);
        self.depth -= 1;
        if let Ok(v) = &result {
            self.work.charge(v.cost());
        }
        result
    }

    fn eval_kind<'e>(&mut self, cx: &mut Ctx<'e>, e: &'e Expr) -> R {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Null => V::null(span),
            ExprKind::Bool(b) => V::bool(*b, span),
            ExprKind::Number(n) => V::number(*n, span),
            ExprKind::String(s) => V::string(s.clone(), span),
            ExprKind::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(cx, item)?);
                }
                V::list(out, span)
            }
            ExprKind::Object(entries) => return self.object(cx, entries, span),
            ExprKind::Template(parts) => return self.template(cx, parts, span),
            ExprKind::Var(name) => return self.bare_name(cx, name, span),
            ExprKind::Traversal(t) => return self.traversal(cx, t),
            ExprKind::Call(call) => return self.call(cx, call, span),
            ExprKind::Cond(parts) => {
                let [cond, then, otherwise] = &**parts;
                let cond = self.eval(cx, cond)?;
                return match operators::want_bool(&cond)? {
                    Ok(true) => Ok(self.eval(cx, then)?.decided_by(&cond)),
                    Ok(false) => Ok(self.eval(cx, otherwise)?.decided_by(&cond)),
                    Err(reason) => Ok(V::unknown(reason, span)),
                };
            }
            ExprKind::Not(inner) => {
                let v = self.eval(cx, inner)?;
                match operators::want_bool(&v)? {
                    Ok(b) => V::bool(!b, span),
                    Err(reason) => V::unknown(reason, span),
                }
            }
            ExprKind::Neg(inner) => {
                let v = self.eval(cx, inner)?;
                match operators::want_number(&v)? {
                    Ok(n) => V::number(-n, span),
                    Err(reason) => V::unknown(reason, span),
                }
            }
            ExprKind::Binary(op, operands) => {
                let [lhs, rhs] = &**operands;
                return self.binary(cx, *op, lhs, rhs, span);
            }
            ExprKind::For(f) => return self.for_expr(cx, f, span),
            ExprKind::Invalid(message) => V::unknown(message.as_str(), span),
        })
    }

    fn object<'e>(&mut self, cx: &mut Ctx<'e>, entries: &'e [(ObjKey, Expr)], span: Span) -> R {
        let mut out = Entries::default();
        for (key, value) in entries {
            let key = match key {
                ObjKey::Name(name) => name.clone(),
                ObjKey::Expr(e) => {
                    let k = self.eval(cx, e)?;
                    if let Some(reason) = k.unknown_reason() {
                        return Ok(V::unknown(reason.clone(), span));
                    }
                    match k.template_text() {
                        Some(text) => Spanned::new(text, k.span),
                        None => {
                            return fail(format!(
                                "an object key must be a string, not {}",
                                k.type_name()
                            ))
                        }
                    }
                }
            };
            let value = self.eval(cx, value)?;
            out.set(key, value);
        }
        Ok(V::map(out.into_vec(), span))
    }

    /// A template with interpolations. A single interpolation yields its
    /// expression's value, as Terraform does (`"${aws_s3_bucket.b.id}"`).
    fn template<'e>(&mut self, cx: &mut Ctx<'e>, parts: &'e [Part], span: Span) -> R {
        if let [Part::Interp(only)] = parts {
            return Ok(self.eval(cx, only)?.at(span));
        }
        let mut out = String::new();
        Ok(match self.render(cx, parts, &mut out)? {
            Some(reason) => self
                .partly_known(cx, parts, span)?
                .unwrap_or_else(|| V::unknown(reason, span)),
            None => V::string(out, span),
        })
    }

    /// A template with unknown interpolations, rendered with a marker for
    /// each: an unknown value that keeps its known text and, for a JSON
    /// document (a heredoc policy), its structure with the unknown parts
    /// unknown inside it, every part located at the template. `None` when a
    /// directive (`%{if}`, `%{for}`) is in the way.
    fn partly_known<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        parts: &'e [Part],
        span: Span,
    ) -> Result<Option<V>, Fail> {
        let mut text = String::new();
        let mut reasons: Vec<String> = Vec::new();
        let mut stands_for: Vec<Option<StandsFor>> = Vec::new();
        let mut computed = true;
        for part in parts {
            if text.len() > limits::MAX_STRING {
                return Ok(None);
            }
            match part {
                Part::Lit(literal) => text.push_str(literal),
                Part::Interp(e) => {
                    let v = self.eval(cx, e)?;
                    if let Some(reason) = v.unknown_reason() {
                        computed &= v.is_computed();
                        reasons.push(reason.to_string());
                        stands_for.push(v.stands_for().cloned());
                        text.push_str(&marker(reasons.len() - 1));
                        continue;
                    }
                    match v.template_text() {
                        Some(t) => text.push_str(&t),
                        None => return Ok(None),
                    }
                }
                Part::If(_) | Part::For(_) => return Ok(None),
            }
        }
        let Some(reason) = reasons.first() else {
            return Ok(None);
        };
        let known = known_text(&text);
        let structured = match text.trim_start().chars().next() {
            Some('{' | '[') => json::parse(&text, span.file, 0).ok().map(|mut document| {
                document.map_spans(&|_| span);
                fill_unknowns(&mut document, &reasons, &stands_for);
                V::from_model(&document)
            }),
            _ => None,
        };
        // `"${aws_s3_bucket.b.arn}/*"`: the bucket's ARN and known text.
        let starts_with_it = matches!(parts.first(), Some(Part::Interp(_)));
        Ok(Some(V::unknown(reason.as_str(), span).with_meta(Meta {
            computed,
            shape: (!known.is_empty()).then(|| shape(&text)),
            known_text: (!known.is_empty()).then_some(known),
            structured,
            stands_for: arn_prefix(
                stands_for.first().and_then(Option::as_ref),
                reasons.len(),
                starts_with_it,
            ),
            ..Meta::default()
        })))
    }

    /// Appends the text of `parts`; `Some(reason)` when a part is unknown.
    fn render<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        parts: &'e [Part],
        out: &mut String,
    ) -> Result<Option<Rc<str>>, Fail> {
        for part in parts {
            // Checked as it grows: a `%{for}` over a long string would
            // otherwise build its whole length first.
            if out.len() > limits::MAX_STRING {
                return Ok(Some(limits::string_too_long().into()));
            }
            match part {
                Part::Lit(text) => out.push_str(text),
                Part::Interp(e) => {
                    let v = self.eval(cx, e)?;
                    if let Some(reason) = v.unknown_reason() {
                        return Ok(Some(reason.clone()));
                    }
                    match v.template_text() {
                        Some(text) => out.push_str(&text),
                        None if v.is_null() => {
                            return fail("a template cannot include a null value")
                        }
                        None => {
                            return fail(format!("a template cannot include a {}", v.type_name()))
                        }
                    }
                }
                Part::If(branches) => {
                    let (cond, then, otherwise) = &**branches;
                    let cond = self.eval(cx, cond)?;
                    let branch = match operators::want_bool(&cond)? {
                        Ok(true) => then,
                        Ok(false) => otherwise,
                        Err(reason) => return Ok(Some(reason)),
                    };
                    if let Some(reason) = self.render(cx, branch, out)? {
                        return Ok(Some(reason));
                    }
                }
                Part::For(f) => {
                    let TemplateFor {
                        key_var,
                        value_var,
                        collection,
                        body,
                    } = &**f;
                    let coll = self.eval(cx, collection)?;
                    let items = match operators::iterate(coll)? {
                        Ok(items) => items,
                        Err(reason) => return Ok(Some(reason)),
                    };
                    for (k, v) in items {
                        let mark = cx.scope.len();
                        if let Some(key_var) = key_var {
                            cx.scope.push((key_var, k));
                        }
                        cx.scope.push((value_var, v));
                        let result = self.render(cx, body, out);
                        cx.scope.truncate(mark);
                        if let Some(reason) = result? {
                            return Ok(Some(reason));
                        }
                    }
                }
            }
        }
        if out.len() > limits::MAX_STRING {
            return Ok(Some(limits::string_too_long().into()));
        }
        Ok(None)
    }

    /// A name alone: a `for` or iterator variable, or `each`/`count`.
    fn bare_name<'e>(&mut self, cx: &mut Ctx<'e>, name: &str, span: Span) -> R {
        if let Some(v) = cx.lookup(name) {
            return Ok(v.clone().at(span));
        }
        match name {
            "each" | "count" => refs::iteration_object(cx, name, span),
            _ => Ok(V::unknown(format!("`{name}` is not declared"), span)),
        }
    }

    fn traversal<'e>(&mut self, cx: &mut Ctx<'e>, t: &'e Traversal) -> R {
        let (value, used) = match &t.root.kind {
            ExprKind::Var(name) if cx.lookup(name).is_none() => self.reference(cx, name, t)?,
            _ => (self.eval(cx, &t.root)?, 0),
        };
        self.apply(cx, value, t.steps.get(used..).unwrap_or_default(), t)
    }

    /// Applies attribute, index and splat steps to `value`.
    fn apply<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        mut value: V,
        steps: &'e [Step],
        t: &'e Traversal,
    ) -> R {
        let mut i = 0;
        while let Some(step) = steps.get(i) {
            match &step.op {
                Op::Attr(name) => value = self.get_attr(value, name, step.span, t)?,
                Op::Index(index) => {
                    let key = self.eval(cx, index)?;
                    value = self.index(value, &key, step.span, t)?;
                }
                Op::Splat { full } => {
                    let rest = &steps[i + 1..];
                    let len = if *full {
                        rest.len()
                    } else {
                        rest.iter()
                            .take_while(|s| matches!(s.op, Op::Attr(_)))
                            .count()
                    };
                    let inner = &rest[..len];
                    let span = inner.last().map_or(step.span, |s| s.span);
                    let stand_in = value.stand_in().cloned();
                    value = match value.kind {
                        // The one instance checked of an unknown number.
                        K::Unknown(_) if stand_in.is_some() => {
                            let items = stand_in.into_iter().collect::<Vec<_>>();
                            let mut out = Vec::with_capacity(1);
                            for item in items {
                                out.push(self.apply(cx, item, inner, t)?);
                            }
                            V::list(out, span)
                        }
                        K::Unknown(reason) => V::unknown(reason, span),
                        K::Null => V::list(Vec::new(), span),
                        K::List(items) => {
                            let mut out = Vec::with_capacity(items.len());
                            for item in items.iter().cloned() {
                                out.push(self.apply(cx, item, inner, t)?);
                            }
                            V::list(out, span)
                        }
                        _ => V::list(vec![self.apply(cx, value, inner, t)?], span),
                    };
                    i += len;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    pub(crate) fn get_attr(&self, value: V, name: &str, span: Span, t: &Traversal) -> R {
        let open = value.is_open();
        let computed = value.is_computed();
        let outer = value.origins;
        match value.kind {
            K::Map(entries) => match entries.iter().find(|(k, _)| k.value == name) {
                Some((_, v)) => Ok(v.clone().read_from(&outer).at(span)),
                // A data source's `arn` is the ARN of what it reads: not
                // known offline, but never `*` (an Elastic Load Balancing
                // account's, `data.aws_elb_service_account.main.arn`).
                None if open && name == "arn" => {
                    let text = self.traversal_text(t, span);
                    let address = text.strip_suffix(".arn").unwrap_or(&text).to_string();
                    let mut v = self.not_known(t, span, computed);
                    let mut meta = v.meta.as_deref().cloned().unwrap_or_default();
                    meta.stands_for = Some(StandsFor::ArnOf(address));
                    v = v.with_meta(meta);
                    Ok(v)
                }
                None if open => Ok(self.not_known(t, span, computed)),
                None => fail(format!("the object has no attribute {name:?}")),
            },
            K::Unknown(reason) => Ok(V::unknown(reason, span)),
            K::Null => fail(format!("cannot read attribute {name:?} of a null value")),
            _ => fail(format!(
                "cannot read attribute {name:?} of a {}",
                value_type(&value.kind)
            )),
        }
    }

    fn index(&self, value: V, key: &V, span: Span, t: &Traversal) -> R {
        if let K::Unknown(reason) = &value.kind {
            return Ok(V::unknown(reason.clone(), span));
        }
        if let Some(reason) = key.unknown_reason() {
            return Ok(V::unknown(reason.clone(), span));
        }
        let open = value.is_open();
        let computed = value.is_computed();
        let outer = value.origins;
        match value.kind {
            K::List(items) => {
                let n = match &key.kind {
                    K::Number(n) => *n,
                    K::String(s) => s.parse::<f64>().unwrap_or(f64::NAN),
                    _ => f64::NAN,
                };
                if n.fract() != 0.0 || n < 0.0 || n.is_nan() {
                    return fail(format!(
                        "a list index must be a whole number, not {}",
                        key_text(key)
                    ));
                }
                let n = n as usize;
                if n >= items.len() {
                    return fail(format!(
                        "index {n} is out of range for a list of {}",
                        items.len()
                    ));
                }
                Ok(items[n].clone().read_from(&outer).at(span))
            }
            K::Map(entries) => {
                let Some(name) = key.template_text() else {
                    return fail(format!(
                        "a map key must be a string, not {}",
                        key.type_name()
                    ));
                };
                match entries.iter().find(|(k, _)| k.value == name) {
                    Some((_, v)) => Ok(v.clone().read_from(&outer).at(span)),
                    None if open => Ok(self.not_known(t, span, computed)),
                    None => fail(format!("the map has no key {name:?}")),
                }
            }
            K::Null => fail("cannot index a null value"),
            kind => fail(format!("cannot index a {}", value_type(&kind))),
        }
    }

    /// An attribute the provider computes (`computed`: of a resource this
    /// configuration creates, rather than one read by a data source).
    fn not_known(&self, t: &Traversal, span: Span, computed: bool) -> V {
        let reason = format!("`{}` is not known offline", self.traversal_text(t, span));
        if computed {
            V::computed(reason, span)
        } else {
            V::unknown(reason, span)
        }
    }

    fn for_expr<'e>(&mut self, cx: &mut Ctx<'e>, f: &'e super::ir::ForExpr, span: Span) -> R {
        let coll = self.eval(cx, &f.collection)?;
        let items = match operators::iterate(coll)? {
            Ok(items) => items,
            Err(reason) => return Ok(V::unknown(reason, span)),
        };
        let mut list = Vec::new();
        let mut map = Entries::default();
        for (k, v) in items {
            let mark = cx.scope.len();
            if let Some(key_var) = &f.key_var {
                cx.scope.push((key_var, k));
            }
            cx.scope.push((&f.value_var, v));
            let result = self.for_item(cx, f);
            cx.scope.truncate(mark);
            let (key, value) = match result? {
                Item::Skip => continue,
                Item::Unknown(reason) => return Ok(V::unknown(reason, span)),
                Item::Keep(key, value) => (key, value),
            };
            match key {
                None => list.push(value),
                Some(key) => {
                    if let Some(reason) = key.unknown_reason() {
                        return Ok(V::unknown(reason.clone(), span));
                    }
                    let Some(name) = key.template_text() else {
                        return fail(format!(
                            "a `for` key must be a string, not {}",
                            key.type_name()
                        ));
                    };
                    match map.get_mut(&name) {
                        Some(existing) if f.group => {
                            if let K::List(items) = &mut existing.kind {
                                Rc::make_mut(items).push(value);
                            }
                        }
                        Some(_) => {
                            return fail(format!(
                                "duplicate key {name:?} in a `for` expression (add `...` to group)"
                            ))
                        }
                        None => {
                            let value = if f.group {
                                V::list(vec![value], span)
                            } else {
                                value
                            };
                            map.set(Spanned::new(name, key.span), value);
                        }
                    }
                }
            }
        }
        Ok(if f.key.is_some() {
            V::map(map.into_vec(), span)
        } else {
            V::list(list, span)
        })
    }

    /// One item of a `for`, its key (for objects) and value.
    fn for_item<'e>(&mut self, cx: &mut Ctx<'e>, f: &'e super::ir::ForExpr) -> Result<Item, Fail> {
        if let Some(cond) = &f.cond {
            let c = self.eval(cx, cond)?;
            match operators::want_bool(&c)? {
                Ok(true) => {}
                Ok(false) => return Ok(Item::Skip),
                // Which items there are is not known, so neither is the result.
                Err(reason) => return Ok(Item::Unknown(reason)),
            }
        }
        let key = match &f.key {
            Some(k) => Some(self.eval(cx, k)?),
            None => None,
        };
        Ok(Item::Keep(key, self.eval(cx, &f.value)?))
    }
}

enum Item {
    Skip,
    Unknown(Rc<str>),
    Keep(Option<V>, V),
}

fn value_type(kind: &K) -> &'static str {
    match kind {
        K::Null => "null",
        K::Bool(_) => "bool",
        K::Number(_) => "number",
        K::String(_) => "string",
        K::List(_) => "list",
        K::Map(_) => "object",
        K::Unknown(_) => "unknown value",
    }
}

fn key_text(key: &V) -> String {
    key.template_text()
        .unwrap_or_else(|| key.type_name().to_string())
}
