//! What a traversal's root names: `var.x`, `local.x`, `module.m.out`,
//! `data.T.N`, `T.N` (a resource), `each`, `count`, `path`, `terraform`.
//! Each resolution says how many steps it used; the rest apply to its value.

use phiguard_model::Span;

use super::{Ctx, Evaluator};
use crate::terraform::expand::{Expansion, Form, Key};
use crate::terraform::ir::{Op, Traversal};
use crate::terraform::modules::relative;
use crate::terraform::value::{fail, Fail, Meta, R, V};

type Resolved = Result<(V, usize), Fail>;

/// `each` or `count` as an object (`each.key`, `count.index`).
pub(super) fn iteration_object(cx: &Ctx, name: &str, span: Span) -> R {
    use phiguard_model::Spanned;
    let key = |k: &str| Spanned::new(k.to_string(), span);
    match (name, &cx.each, &cx.count) {
        ("each", Some(each), _) => Ok(V::map(
            vec![(key("key"), each.0.clone()), (key("value"), each.1.clone())],
            span,
        )),
        ("count", _, Some(index)) => Ok(V::map(vec![(key("index"), index.clone())], span)),
        ("each", ..) => fail("`each` is only available in a block with `for_each`"),
        _ => fail("`count` is only available in a block with `count`"),
    }
}

fn attr(t: &Traversal, i: usize) -> Option<&str> {
    match t.steps.get(i).map(|s| &s.op) {
        Some(Op::Attr(name)) => Some(name),
        _ => None,
    }
}

fn step_span(t: &Traversal, i: usize) -> Span {
    t.steps.get(i).map_or(t.root.span, |s| s.span)
}

impl<'a> Evaluator<'a> {
    pub(super) fn reference<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        root: &str,
        t: &'e Traversal,
    ) -> Resolved {
        let all = t.steps.len();
        let whole = step_span(t, all.wrapping_sub(1));
        let Some(first) = attr(t, 0) else {
            let text = self.traversal_text(t, whole);
            return Ok((
                V::unknown(format!("`{text}` is not valid here"), whole),
                all,
            ));
        };
        if cx.sandbox {
            return fail(format!(
                "a template file can only use the variables given to it, not `{root}`"
            ));
        }
        let span = step_span(t, 0);
        let from = t.root.span.file;
        let value = match root {
            "each" | "count" => {
                let object = iteration_object(cx, root, span)?;
                return Ok((self.get_attr(object, first, span, t)?, 1));
            }
            "var" => self.variable(cx.inst, first, from, span),
            "local" => self.local(cx.inst, first, from)?.at(span),
            "module" => return self.module_ref(cx, first, t),
            "data" => return self.data_ref(cx, first, t),
            "path" => {
                let root_dir = &self.config(self.instances[cx.inst].root).dir;
                let text = match first {
                    "module" => relative(root_dir, &self.config(cx.inst).dir),
                    "root" | "cwd" => ".".to_string(),
                    other => return fail(format!("`path.{other}` is not a path")),
                };
                V::string(text, span)
            }
            "terraform" if first == "workspace" => V::string("default", span),
            "terraform" | "self" => {
                let text = self.traversal_text(t, whole);
                return Ok((
                    V::unknown(format!("`{text}` is not known offline"), whole),
                    all,
                ));
            }
            resource_type => return self.resource_ref(cx, resource_type, first, t),
        };
        Ok((value, 1))
    }

    fn resource_ref<'e>(
        &mut self,
        cx: &mut Ctx<'e>,
        resource_type: &str,
        name: &str,
        t: &'e Traversal,
    ) -> Resolved {
        let key = format!("{resource_type}.{name}");
        let Some(index) = self.config(cx.inst).resources.find(&key, t.root.span.file) else {
            let whole = step_span(t, t.steps.len().wrapping_sub(1));
            let text = self.traversal_text(t, whole);
            return Ok((
                V::unknown(format!("`{text}` is not known offline"), whole),
                t.steps.len(),
            ));
        };
        let expansion = self.resource_expansion(cx.inst, index)?;
        Ok(collection_ref(&expansion, t, 1))
    }

    fn data_ref<'e>(&mut self, cx: &mut Ctx<'e>, data_type: &str, t: &'e Traversal) -> Resolved {
        let Some(name) = attr(t, 1) else {
            return Ok((
                V::unknown("`data` needs a type and a name", t.root.span),
                t.steps.len(),
            ));
        };
        let key = format!("{data_type}.{name}");
        let Some(index) = self.config(cx.inst).data.find(&key, t.root.span.file) else {
            let text = format!("data.{key}");
            return Ok((
                V::unknown(format!("`{text}` is not declared"), step_span(t, 1)),
                t.steps.len(),
            ));
        };
        let expansion = self.data_expansion(cx.inst, index)?;
        Ok(collection_ref(&expansion, t, 2))
    }

    fn module_ref<'e>(&mut self, cx: &mut Ctx<'e>, name: &str, t: &'e Traversal) -> Resolved {
        let all = t.steps.len();
        let span = step_span(t, 0);
        let Some(index) = self.config(cx.inst).calls.find(name, t.root.span.file) else {
            return Ok((
                V::unknown(format!("module.{name} is not declared"), span),
                all,
            ));
        };
        let expansion = self.call_expansion(cx.inst, index)?;
        if let Some(reason) = &expansion.unavailable {
            let whole = step_span(t, all.wrapping_sub(1));
            return Ok((V::unknown(reason.as_str(), whole), all));
        }
        // `module.m.out`, `module.m[k].out`: read only that output, so that
        // an input fed from another output is not a false cycle.
        let (child, used) = match (&expansion.form, t.steps.get(1).map(|s| &s.op)) {
            (Form::Single, _) => match expansion.children.first() {
                Some(&(_, child)) => (child, 1),
                None => return Ok((V::unknown("the module has no instance", span), 1)),
            },
            (Form::Unknown(_), Some(Op::Index(_))) => match expansion.children.first() {
                Some(&(_, child)) => (child, 2),
                None => return Ok((V::unknown("the module has no instance", span), 2)),
            },
            (Form::Unknown(note), _) => return Ok((V::unknown(note.as_str(), span), 1)),
            (Form::Count | Form::ForEach, Some(Op::Index(ix))) => {
                let key = self.eval(cx, ix)?;
                let span = step_span(t, 1);
                if let Some(reason) = key.unknown_reason() {
                    return Ok((V::unknown(reason.clone(), span), 2));
                }
                match expansion.children.iter().find(|(k, _)| k.matches(&key)) {
                    Some(&(_, child)) => (child, 2),
                    None => {
                        return fail(format!(
                            "module.{name} has no instance {}",
                            key.display_key()
                        ))
                    }
                }
            }
            (Form::Count | Form::ForEach, _) => {
                let mut objects = Vec::with_capacity(expansion.children.len());
                for (key, child) in &expansion.children {
                    objects.push((key.clone(), self.outputs_object(*child, span)?));
                }
                return Ok((Expansion::collect(&expansion.form, objects, span), 1));
            }
        };
        match attr(t, used) {
            Some(output) => {
                let span = step_span(t, used);
                Ok((self.output(child, output, span)?, used + 1))
            }
            None => Ok((self.outputs_object(child, step_span(t, used - 1))?, used)),
        }
    }
}

/// A resource or data source named by `t`'s first `used` steps: all its
/// instances, or with an index, one. When the number of instances is not
/// known, any index gives the one instance that is checked.
fn collection_ref(expansion: &Expansion, t: &Traversal, used: usize) -> (V, usize) {
    let span = step_span(t, used - 1);
    if let Form::Unknown(note) = &expansion.form {
        return match (t.steps.get(used), expansion.objects.first()) {
            (Some(step), Some(object)) if matches!(step.op, Op::Index(_)) => {
                (object.value.clone().at(step.span), used + 1)
            }
            (_, Some(object)) => {
                let all = V::unknown(note.as_str(), span).with_meta(Meta {
                    stand_in: Some(object.value.clone()),
                    ..Meta::default()
                });
                (all, used)
            }
            _ => (V::unknown(note.as_str(), span), used),
        };
    }
    let objects = expansion
        .objects
        .iter()
        .map(|o| (o.key.clone(), o.value.clone()))
        .collect();
    (Expansion::collect(&expansion.form, objects, span), used)
}

impl Key {
    /// Whether `key` (a count index or a for_each key) names this instance.
    pub(crate) fn matches(&self, key: &V) -> bool {
        match (self, &key.kind) {
            (Key::Index(i), crate::terraform::value::K::Number(n)) => *i as f64 == *n,
            (Key::Index(i), crate::terraform::value::K::String(s)) => s.parse() == Ok(*i),
            (Key::Name(name), _) => key.template_text().as_deref() == Some(name),
            _ => false,
        }
    }
}

impl V {
    fn display_key(&self) -> String {
        match self.template_text() {
            Some(text) if self.as_str().is_some() => format!("[{text:?}]"),
            Some(text) => format!("[{text}]"),
            None => format!("of type {}", self.type_name()),
        }
    }
}
