//! Function calls: `try` and `can`, and the collection, number and type
//! functions real configurations use. A function not listed here gives an
//! unknown value that names it.

use std::rc::Rc;

use phiguard_model::{Span, Spanned};

use super::operators::{want_bool, want_number, want_string};
use super::{Ctx, Evaluator};
use crate::limits::{replaced_len, string_too_long, MAX_STRING};
use crate::terraform::ir::{Call, Expr};
use crate::terraform::types::{set_of, Ty};
use crate::terraform::value::{distinct, fail, Entries, Fail, Members, K, R, V};

impl Evaluator<'_> {
    pub(super) fn call<'e>(&mut self, cx: &mut Ctx<'e>, call: &'e Call, span: Span) -> R {
        match call.name.as_str() {
            "try" => return self.try_fn(cx, &call.args, span),
            "can" => {
                let [arg] = call.args.as_slice() else {
                    return fail("can() takes one argument");
                };
                return Ok(match self.eval(cx, arg) {
                    Ok(v) => match v.unknown_reason() {
                        Some(reason) => V::unknown(reason.clone(), span),
                        None => V::bool(true, span),
                    },
                    Err(_) => V::bool(false, span),
                });
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        for arg in &call.args {
            args.push(self.eval(cx, arg)?);
        }
        if call.expand {
            match args.pop().map(|last| last.kind) {
                Some(K::List(items)) => args.extend(Rc::unwrap_or_clone(items)),
                Some(K::Unknown(reason)) => return Ok(V::unknown(reason, span)),
                _ => return fail("the last argument of `...` must be a list"),
            }
        }
        self.function(cx, &call.name, args, span)
    }

    /// `try`: the first argument that evaluates without an error. A value
    /// not known yet might still fail, so it makes the result unknown.
    fn try_fn<'e>(&mut self, cx: &mut Ctx<'e>, args: &'e [Expr], _span: Span) -> R {
        let mut last = None;
        for arg in args {
            match self.eval(cx, arg) {
                // An unknown value stays the value it is: an unknown id
                // of a bucket still names that bucket.
                Ok(v) => return Ok(v),
                Err(err) => last = Some(err),
            }
        }
        Err(last.unwrap_or_else(|| Fail("try() needs at least one argument".into())))
    }

    fn function(&mut self, cx: &mut Ctx, name: &str, args: Vec<V>, span: Span) -> R {
        // Functions that read unknown arguments themselves.
        match name {
            "length" => return length(args, span),
            "coalesce" => return coalesce(args, span),
            "merge" => return merge(args, span),
            "concat" => return concat(args, span),
            "jsonencode" => return self.jsonencode(args, span),
            "replace" => {
                if let Some(v) = replace_in_document(&args, span)? {
                    return Ok(v);
                }
            }
            "tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool" | "sensitive"
            | "nonsensitive" => return convert(name, args, span),
            _ => {}
        }
        if let Some(reason) = args.iter().find_map(|a| a.unknown_reason()) {
            return Ok(V::unknown(reason.clone(), span));
        }
        if let Some(v) = self.string_function(cx, name, &args, span)? {
            return Ok(v);
        }
        collection_function(name, args, span)
    }
}

fn collection_function(name: &str, mut args: Vec<V>, span: Span) -> R {
    let n = args.len();
    Ok(match (name, n) {
        ("keys", 1) => {
            let entries = sorted(map_arg(args.remove(0))?);
            V::list(
                entries
                    .into_iter()
                    .map(|(k, _)| V::string(k.value, k.span))
                    .collect(),
                span,
            )
        }
        ("values", 1) => {
            let entries = sorted(map_arg(args.remove(0))?);
            V::list(entries.into_iter().map(|(_, v)| v).collect(), span)
        }
        ("lookup", 2 | 3) => {
            let default = (n == 3).then(|| args.pop()).flatten();
            let key = text(&args[1])?;
            let outer = args[0].origins.clone();
            match map_arg(args.remove(0))?
                .into_iter()
                .find(|(k, _)| k.value == key)
            {
                Some((_, v)) => v.read_from(&outer),
                None => match default {
                    Some(d) => d,
                    None => return fail(format!("the map has no key {key:?}")),
                },
            }
        }
        ("contains", 2) => {
            let needle = args.pop().unwrap_or_else(|| V::null(span));
            let mut unknown = None;
            for item in list_arg(args.remove(0))? {
                match item.equals(&needle) {
                    Some(true) => return Ok(V::bool(true, span)),
                    Some(false) => {}
                    None => unknown = item.first_unknown().cloned(),
                }
            }
            match unknown {
                Some(reason) => V::unknown(reason, span),
                None => V::bool(false, span),
            }
        }
        ("element", 2) => {
            let index = number(&args[1])?;
            let outer = args[0].origins.clone();
            let items = list_arg(args.remove(0))?;
            if items.is_empty() || index < 0.0 {
                return fail("element() needs a non-empty list and a positive index");
            }
            let at = (index as usize) % items.len();
            match items.into_iter().nth(at) {
                Some(item) => item.read_from(&outer),
                None => V::null(span),
            }
        }
        ("one", 1) => {
            let outer = args[0].origins.clone();
            let mut items = list_arg(args.remove(0))?;
            match items.len() {
                0 => V::null(span),
                1 => items.remove(0).read_from(&outer),
                _ => return fail("one() needs a list of at most one element"),
            }
        }
        ("coalescelist", _) => {
            for arg in args {
                let items = list_arg(arg)?;
                if !items.is_empty() {
                    return Ok(V::list(items, span));
                }
            }
            return fail("coalescelist() found no non-empty list");
        }
        ("compact", 1) => V::list(
            list_arg(args.remove(0))?
                .into_iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .collect(),
            span,
        ),
        ("distinct", 1) => V::list(distinct(list_arg(args.remove(0))?).map_err(Fail)?, span),
        ("flatten", 1) => {
            let mut out = Vec::new();
            flatten(list_arg(args.remove(0))?, &mut out, 0)?;
            V::list(out, span)
        }
        ("reverse", 1) => {
            let mut items = list_arg(args.remove(0))?;
            items.reverse();
            V::list(items, span)
        }
        ("slice", 3) => {
            let (start, end) = (number(&args[1])?, number(&args[2])?);
            let items = list_arg(args.remove(0))?;
            if start < 0.0 || end < start || end as usize > items.len() {
                return fail("slice() indices are out of range");
            }
            V::list(items[start as usize..end as usize].to_vec(), span)
        }
        ("sort", 1) => {
            let mut texts = list_arg(args.remove(0))?
                .iter()
                .map(text)
                .collect::<Result<Vec<_>, _>>()?;
            texts.sort();
            V::list(
                texts.into_iter().map(|t| V::string(t, span)).collect(),
                span,
            )
        }
        ("zipmap", 2) => {
            let values = list_arg(args.remove(1))?;
            let keys = list_arg(args.remove(0))?;
            if keys.len() != values.len() {
                return fail("zipmap() needs as many values as keys");
            }
            let mut entries = Vec::with_capacity(keys.len());
            for (k, v) in keys.iter().zip(values) {
                entries.push((Spanned::new(text(k)?, k.span), v));
            }
            V::map(entries, span)
        }
        ("range", 1..=3) => range(&args, span)?,
        ("index", 2) => {
            let needle = args.pop().unwrap_or_else(|| V::null(span));
            match list_arg(args.remove(0))?
                .iter()
                .position(|v| v.equals(&needle) == Some(true))
            {
                Some(i) => V::number(i as f64, span),
                None => return fail("index() did not find the value"),
            }
        }
        ("alltrue" | "anytrue", 1) => {
            let all = name == "alltrue";
            let mut unknown = None;
            for item in list_arg(args.remove(0))? {
                match want_bool(&item)? {
                    Ok(b) if b != all => return Ok(V::bool(!all, span)),
                    Ok(_) => {}
                    Err(reason) => unknown = Some(reason),
                }
            }
            match unknown {
                Some(reason) => V::unknown(reason, span),
                None => V::bool(all, span),
            }
        }
        ("setunion" | "setintersection" | "setsubtract", _) if n >= 1 => {
            let mut sets = args
                .into_iter()
                .map(list_arg)
                .collect::<Result<Vec<_>, _>>()?;
            let first = sets.remove(0);
            let others = sets
                .iter()
                .map(|s| Members::new(s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Fail)?;
            let out: Vec<V> = match name {
                "setunion" => first
                    .into_iter()
                    .chain(sets.iter().flatten().cloned())
                    .collect(),
                "setintersection" => first
                    .into_iter()
                    .filter(|v| others.iter().all(|s| s.contains(v)))
                    .collect(),
                _ => first
                    .into_iter()
                    .filter(|v| !others.iter().any(|s| s.contains(v)))
                    .collect(),
            };
            V::list(set_of(out).map_err(Fail)?, span)
        }
        ("sum", 1) => {
            let mut total = 0.0;
            for item in list_arg(args.remove(0))? {
                total += number(&item)?;
            }
            V::number(total, span)
        }
        ("max" | "min", _) if n >= 1 => {
            let numbers = args.iter().map(number).collect::<Result<Vec<_>, _>>()?;
            let pick = if name == "max" { f64::max } else { f64::min };
            let first = numbers[0];
            V::number(numbers.into_iter().fold(first, pick), span)
        }
        ("abs", 1) => V::number(number(&args[0])?.abs(), span),
        ("ceil", 1) => V::number(number(&args[0])?.ceil(), span),
        ("floor", 1) => V::number(number(&args[0])?.floor(), span),
        _ => V::unknown(format!("function `{name}` is not evaluated offline"), span),
    })
}

/// `length`: a list with unknown items still has a known length.
fn length(args: Vec<V>, span: Span) -> R {
    let [arg] = <[V; 1]>::try_from(args).map_err(|_| Fail("length() takes one argument".into()))?;
    Ok(match arg.kind {
        K::String(s) => V::number(s.chars().count() as f64, span),
        K::List(items) => V::number(items.len() as f64, span),
        K::Map(entries) => V::number(entries.len() as f64, span),
        K::Unknown(reason) => V::unknown(reason, span),
        _ => return fail(format!("length() of a {}", arg.type_name())),
    })
}

/// `coalesce`: the first argument that is not null or an empty string.
fn coalesce(args: Vec<V>, span: Span) -> R {
    for arg in args {
        if let Some(reason) = arg.unknown_reason() {
            return Ok(V::unknown(reason.clone(), span));
        }
        if !arg.is_null() && arg.as_str() != Some("") {
            return Ok(arg);
        }
    }
    fail("coalesce() found no non-null, non-empty argument")
}

fn merge(args: Vec<V>, span: Span) -> R {
    let mut out = Entries::default();
    for arg in args {
        match arg.kind {
            K::Null => {}
            K::Map(entries) => {
                for (k, v) in Rc::unwrap_or_clone(entries) {
                    out.set(k, v);
                }
            }
            K::Unknown(reason) => return Ok(V::unknown(reason, span)),
            _ => return fail(format!("merge() needs maps, not a {}", arg.type_name())),
        }
    }
    Ok(V::map(out.into_vec(), span))
}

fn concat(args: Vec<V>, span: Span) -> R {
    let mut out = Vec::new();
    for arg in args {
        match arg.kind {
            K::List(items) => out.extend(Rc::unwrap_or_clone(items)),
            K::Unknown(reason) => return Ok(V::unknown(reason, span)),
            _ => return fail(format!("concat() needs lists, not a {}", arg.type_name())),
        }
    }
    Ok(V::list(out, span))
}

fn convert(name: &str, args: Vec<V>, span: Span) -> R {
    let [arg] =
        <[V; 1]>::try_from(args).map_err(|_| Fail(format!("{name}() takes one argument")))?;
    let ty = match name {
        "tolist" => Ty::List(Box::new(Ty::Any)),
        "toset" => Ty::Set(Box::new(Ty::Any)),
        "tomap" => Ty::Map(Box::new(Ty::Any)),
        "tostring" => Ty::String,
        "tonumber" => Ty::Number,
        "tobool" => Ty::Bool,
        _ => return Ok(arg),
    };
    if let K::Unknown(reason) = &arg.kind {
        return Ok(V::unknown(reason.clone(), span));
    }
    let keep = arg.meta.clone();
    let mut v = ty.convert(arg).map_err(Fail)?.at(span);
    if matches!(ty, Ty::String) {
        v.meta = keep;
    }
    Ok(v)
}

fn range(args: &[V], span: Span) -> R {
    let numbers = args.iter().map(number).collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match numbers.as_slice() {
        [end] => (0.0, *end, 1.0),
        [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return fail("range() takes one to three numbers"),
    };
    if step == 0.0 || ((end - start) / step) > 1024.0 {
        return fail("range() is too long or has a zero step");
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(V::number(x, span));
        x += step;
    }
    Ok(V::list(out, span))
}

fn flatten(items: Vec<V>, out: &mut Vec<V>, depth: usize) -> Result<(), Fail> {
    if depth > 32 {
        return fail("flatten() nesting is too deep");
    }
    for item in items {
        match item.kind {
            K::List(inner) => flatten(Rc::unwrap_or_clone(inner), out, depth + 1)?,
            _ => out.push(item),
        }
    }
    Ok(())
}

pub(super) fn list_arg(v: V) -> Result<Vec<V>, Fail> {
    match v.kind {
        K::List(items) => Ok(Rc::unwrap_or_clone(items)),
        _ => fail(format!("a list is required, not {}", v.type_name())),
    }
}

fn map_arg(v: V) -> Result<Vec<(Spanned<String>, V)>, Fail> {
    match v.kind {
        K::Map(entries) => Ok(Rc::unwrap_or_clone(entries)),
        _ => fail(format!("a map is required, not {}", v.type_name())),
    }
}

fn sorted(mut entries: Vec<(Spanned<String>, V)>) -> Vec<(Spanned<String>, V)> {
    entries.sort_by(|a, b| a.0.value.cmp(&b.0.value));
    entries
}

pub(super) fn number(v: &V) -> Result<f64, Fail> {
    match want_number(v)? {
        Ok(n) => Ok(n),
        Err(reason) => Err(Fail(reason.to_string())),
    }
}

pub(super) fn text(v: &V) -> Result<String, Fail> {
    match want_string(v)? {
        Ok(t) => Ok(t),
        Err(reason) => Err(Fail(reason.to_string())),
    }
}

/// `replace` on a JSON document string (a policy with placeholders): the
/// replacement is made in each string of the document, so the document
/// keeps its structure and spans, and a replacement that is not known
/// makes only the strings that hold the placeholder unknown. Only for
/// plain text that cannot change the JSON around it.
fn replace_in_document(args: &[V], span: Span) -> Result<Option<V>, Fail> {
    let [doc, find, with] = args else {
        return Ok(None);
    };
    let Some(structured) = doc.structured() else {
        return Ok(None);
    };
    let Some(find) = find.as_str() else {
        return Ok(None);
    };
    let plain = |s: &str| {
        !s.chars()
            .any(|c| matches!(c, '"' | '\\' | '/' | '<' | '>' | '&') || c.is_control())
    };
    if find.is_empty() || !plain(find) || with.as_str().is_some_and(|w| !plain(w)) {
        return Ok(None);
    }
    let replaced = replace_leaves(structured, find, with, 0)?;
    let text = match (doc.as_str(), with.as_str()) {
        (Some(text), Some(w)) if replaced_len(text, find, w) > MAX_STRING => {
            V::unknown(string_too_long(), span)
        }
        (Some(text), Some(w)) => V::string(text.replace(find, w), span),
        _ => match replaced
            .first_unknown()
            .or(doc.unknown_reason())
            .or(with.unknown_reason())
        {
            Some(reason) => V::unknown(reason.clone(), span),
            None => V::unknown("the document is not known", span),
        },
    };
    Ok(Some(text.with_meta(crate::terraform::value::Meta {
        structured: Some(replaced),
        ..Default::default()
    })))
}

fn replace_leaves(v: &V, find: &str, with: &V, depth: usize) -> R {
    if depth > 64 {
        return fail("the document is nested too deeply");
    }
    let kind = match &v.kind {
        K::String(s) if s.contains(find) => match with.template_text() {
            Some(w) if replaced_len(s, find, &w) > MAX_STRING => {
                K::Unknown(string_too_long().into())
            }
            Some(w) => K::String(s.replace(find, &w)),
            None => match with.unknown_reason() {
                Some(reason) => K::Unknown(reason.clone()),
                None => return fail("replace() needs a string"),
            },
        },
        K::List(items) => K::List(Rc::new(
            items
                .iter()
                .map(|i| replace_leaves(i, find, with, depth + 1))
                .collect::<Result<_, _>>()?,
        )),
        K::Map(entries) => K::Map(Rc::new(
            entries
                .iter()
                .map(|(k, i)| Ok((k.clone(), replace_leaves(i, find, with, depth + 1)?)))
                .collect::<Result<_, Fail>>()?,
        )),
        other => other.clone(),
    };
    Ok(V::new(kind, v.span))
}
