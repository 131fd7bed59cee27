//! Variable type constraints (`list(string)`, `object({ a = optional(bool, true) })`)
//! and the conversions Terraform applies to input values.

use std::rc::Rc;

use phiguard_model::{format_number, Spanned};

use super::ir::{Expr, ExprKind, ObjKey};
use super::value::{K, V};

#[derive(Debug, Clone)]
pub(crate) enum Ty {
    Any,
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Object(Vec<AttrTy>),
    Tuple(Vec<Ty>),
}

#[derive(Debug, Clone)]
pub(crate) struct AttrTy {
    pub name: String,
    pub ty: Ty,
    pub optional: bool,
    /// `optional(T, default)`: a constant expression.
    pub default: Option<Expr>,
}

impl Ty {
    /// A primitive type: `--var` and `TF_VAR_` values for it are taken as
    /// written, not parsed as HCL.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Ty::String | Ty::Number | Ty::Bool)
    }

    pub fn is_any(&self) -> bool {
        matches!(self, Ty::Any)
    }

    /// Reads a type expression; what is not understood is `any`.
    pub fn parse(expr: &Expr) -> Ty {
        match &expr.kind {
            ExprKind::Var(name) => match name.as_str() {
                "string" => Ty::String,
                "number" => Ty::Number,
                "bool" => Ty::Bool,
                "list" => Ty::List(Box::new(Ty::Any)),
                "map" => Ty::Map(Box::new(Ty::Any)),
                "set" => Ty::Set(Box::new(Ty::Any)),
                _ => Ty::Any,
            },
            ExprKind::Call(call) => {
                let arg = call.args.first();
                let inner = || Box::new(arg.map_or(Ty::Any, Ty::parse));
                match call.name.as_str() {
                    "list" => Ty::List(inner()),
                    "set" => Ty::Set(inner()),
                    "map" => Ty::Map(inner()),
                    "tuple" => match arg.map(|a| &a.kind) {
                        Some(ExprKind::Tuple(items)) => {
                            Ty::Tuple(items.iter().map(Ty::parse).collect())
                        }
                        _ => Ty::Any,
                    },
                    "object" => match arg.map(|a| &a.kind) {
                        Some(ExprKind::Object(entries)) => {
                            Ty::Object(entries.iter().filter_map(attr_ty).collect())
                        }
                        _ => Ty::Any,
                    },
                    _ => Ty::Any,
                }
            }
            _ => Ty::Any,
        }
    }

    /// Converts `value` as Terraform does for an input variable.
    pub fn convert(&self, value: V) -> Result<V, String> {
        if matches!(value.kind, K::Unknown(_) | K::Null) {
            return Ok(value);
        }
        let span = value.span;
        let (meta, origins) = (value.meta.clone(), value.origins.clone());
        let kind = match (self, value.kind) {
            (Ty::Any, kind) => kind,
            (Ty::String, K::String(s)) => K::String(s),
            (Ty::String, K::Number(n)) => K::String(format_number(n)),
            (Ty::String, K::Bool(b)) => K::String(b.to_string()),
            (Ty::Number, K::Number(n)) => K::Number(n),
            (Ty::Number, K::String(s)) => match s.parse::<f64>() {
                Ok(n) if n.is_finite() => K::Number(n),
                _ => return Err(format!("a number is required, not {s:?}")),
            },
            (Ty::Bool, K::Bool(b)) => K::Bool(b),
            (Ty::Bool, K::String(s)) => match s.as_str() {
                "true" | "1" => K::Bool(true),
                "false" | "0" => K::Bool(false),
                _ => return Err(format!("a bool is required, not {s:?}")),
            },
            (Ty::List(t), K::List(items)) => K::List(Rc::new(convert_all(t, items)?)),
            (Ty::Set(t), K::List(items)) => K::List(Rc::new(set_of(convert_all(t, items)?))),
            (Ty::Map(t), K::Map(entries)) => K::Map(Rc::new(
                Rc::unwrap_or_clone(entries)
                    .into_iter()
                    .map(|(k, v)| t.convert(v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()?,
            )),
            (Ty::Object(attrs), K::Map(entries)) => {
                K::Map(Rc::new(object(attrs, Rc::unwrap_or_clone(entries), span)?))
            }
            (Ty::Tuple(types), K::List(items)) if types.len() == items.len() => K::List(Rc::new(
                types
                    .iter()
                    .zip(Rc::unwrap_or_clone(items))
                    .map(|(t, v)| t.convert(v))
                    .collect::<Result<_, _>>()?,
            )),
            (ty, kind) => {
                let found = V::new(kind, span).type_name();
                return Err(format!("{} is required, not {found}", ty.describe()));
            }
        };
        let mut value = V::new(kind, span);
        if matches!(self, Ty::Any | Ty::String | Ty::Object(_) | Ty::Map(_)) {
            value.meta = meta;
        }
        value.origins = origins;
        Ok(value)
    }

    fn describe(&self) -> &'static str {
        match self {
            Ty::Any => "a value",
            Ty::String => "a string",
            Ty::Number => "a number",
            Ty::Bool => "a bool",
            Ty::List(_) | Ty::Tuple(_) => "a list",
            Ty::Set(_) => "a set",
            Ty::Map(_) => "a map",
            Ty::Object(_) => "an object",
        }
    }
}

fn convert_all(ty: &Ty, items: Rc<Vec<V>>) -> Result<Vec<V>, String> {
    Rc::unwrap_or_clone(items)
        .into_iter()
        .map(|v| ty.convert(v))
        .collect()
}

/// A set: duplicates removed, strings sorted as Terraform orders them.
pub(crate) fn set_of(items: Vec<V>) -> Vec<V> {
    let mut out: Vec<V> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| o.equals(&item) == Some(true)) {
            out.push(item);
        }
    }
    if out.iter().all(|v| v.as_str().is_some()) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    out
}

fn object(
    attrs: &[AttrTy],
    mut entries: Vec<(Spanned<String>, V)>,
    span: phiguard_model::Span,
) -> Result<Vec<(Spanned<String>, V)>, String> {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs {
        match entries.iter().position(|(k, _)| k.value == attr.name) {
            Some(at) => {
                let (key, value) = entries.swap_remove(at);
                let value = match attr.default.as_ref().and_then(constant) {
                    Some(default) if value.is_null() => default,
                    _ => value,
                };
                out.push((key, attr.ty.convert(value)?));
            }
            None if attr.optional => {
                let value = attr
                    .default
                    .as_ref()
                    .and_then(constant)
                    .unwrap_or_else(|| V::null(span));
                out.push((Spanned::new(attr.name.clone(), span), value.at(span)));
            }
            None => return Err(format!("attribute {:?} is required", attr.name)),
        }
    }
    Ok(out)
}

fn attr_ty((key, value): &(ObjKey, Expr)) -> Option<AttrTy> {
    let name = match key {
        ObjKey::Name(name) => name.value.clone(),
        ObjKey::Expr(e) => match &e.kind {
            ExprKind::String(s) => s.clone(),
            ExprKind::Var(s) => s.clone(),
            _ => return None,
        },
    };
    if let ExprKind::Call(call) = &value.kind {
        if call.name == "optional" {
            return Some(AttrTy {
                name,
                ty: call.args.first().map_or(Ty::Any, Ty::parse),
                optional: true,
                default: call.args.get(1).cloned(),
            });
        }
    }
    Some(AttrTy {
        name,
        ty: Ty::parse(value),
        optional: false,
        default: None,
    })
}

/// The value of a constant expression (literals, lists and objects of them).
pub(crate) fn constant(expr: &Expr) -> Option<V> {
    let kind = match &expr.kind {
        ExprKind::Null => K::Null,
        ExprKind::Bool(b) => K::Bool(*b),
        ExprKind::Number(n) => K::Number(*n),
        ExprKind::String(s) => K::String(s.clone()),
        ExprKind::Neg(inner) => match constant(inner)?.kind {
            K::Number(n) => K::Number(-n),
            _ => return None,
        },
        ExprKind::Tuple(items) => {
            K::List(Rc::new(items.iter().map(constant).collect::<Option<_>>()?))
        }
        ExprKind::Object(entries) => K::Map(Rc::new(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjKey::Name(name) => name.clone(),
                        ObjKey::Expr(e) => Spanned::new(constant(e)?.template_text()?, e.span),
                    };
                    Some((key, constant(v)?))
                })
                .collect::<Option<_>>()?,
        )),
        _ => return None,
    };
    Some(V::new(kind, expr.span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::lower::{Lower, SpanMode};
    use phiguard_model::{FileId, Span};

    fn ty(text: &str) -> Ty {
        let expr = hcl_edit::parser::parse_expr(text).unwrap();
        let mode = SpanMode::Offset {
            file: FileId(0),
            base: 0,
        };
        Ty::parse(&Lower::new(mode, text).expr(&expr))
    }

    fn value(text: &str) -> V {
        let expr = hcl_edit::parser::parse_expr(text).unwrap();
        let mode = SpanMode::Offset {
            file: FileId(0),
            base: 0,
        };
        constant(&Lower::new(mode, text).expr(&expr)).unwrap()
    }

    #[test]
    fn primitives_convert_like_terraform() {
        let n = Ty::Number.convert(value("\"12\"")).unwrap();
        assert!(matches!(n.kind, K::Number(x) if x == 12.0));
        let b = Ty::Bool.convert(value("\"true\"")).unwrap();
        assert!(matches!(b.kind, K::Bool(true)));
        let s = Ty::String.convert(value("1.5")).unwrap();
        assert_eq!(s.as_str(), Some("1.5"));
        assert!(Ty::Number.convert(value("\"x\"")).is_err());
        assert!(Ty::String.convert(value("[1]")).is_err());
    }

    #[test]
    fn objects_fill_optional_defaults() {
        let t = ty("map(object({ acl = optional(string, \"private\"), versioning = bool }))");
        let v = t
            .convert(value("{ a = { versioning = \"true\", extra = 1 } }"))
            .unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(a.get("acl").and_then(V::as_str), Some("private"));
        assert!(matches!(a.get("versioning").unwrap().kind, K::Bool(true)));
        assert!(a.get("extra").is_none());
        assert!(t.convert(value("{ a = {} }")).is_err());
    }

    #[test]
    fn sets_drop_duplicates_and_sort() {
        let v = ty("set(string)")
            .convert(value("[\"b\", \"a\", \"b\"]"))
            .unwrap();
        let K::List(items) = v.kind else { panic!() };
        let texts: Vec<_> = items.iter().filter_map(V::as_str).collect();
        assert_eq!(texts, ["a", "b"]);
        assert!(!ty("list(string)").is_primitive());
        assert!(
            Ty::parse(&Expr::new(ExprKind::Var("string".into()), Span::default())).is_primitive()
        );
    }
}
