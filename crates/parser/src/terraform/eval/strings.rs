//! String functions, `format`, JSON encoding and decoding, and the file
//! functions (`file`, `templatefile`: paths relative to the root module, or
//! failing that to the calling module).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use phiguard_model::{format_number, FileId, SourceFile, Span};

use super::functions::{list_arg, number, text};
use super::{Ctx, Evaluator, ReadFile};
use crate::json;
use crate::limits::{replaced_len, string_too_long, MAX_STRING};
use crate::terraform::ir::Expr;
use crate::terraform::lower::{Lower, SpanMode};
use crate::terraform::modules::normalize;
use crate::terraform::value::{fail, Fail, Meta, K, R, V};
use crate::text::{self as placement, Placement};

impl Evaluator<'_> {
    /// A string or file function, `None` for any other name. Arguments are known.
    pub(super) fn string_function(
        &mut self,
        cx: &mut Ctx,
        name: &str,
        args: &[V],
        span: Span,
    ) -> Result<Option<V>, Fail> {
        let s = |i: usize| args.get(i).map_or_else(|| fail("missing argument"), text);
        let out = |t: String| Ok(Some(V::string(t, span)));
        match (name, args.len()) {
            ("lower", 1) => out(s(0)?.to_lowercase()),
            ("upper", 1) => out(s(0)?.to_uppercase()),
            ("trimspace", 1) => out(s(0)?.trim().to_string()),
            ("chomp", 1) => out(s(0)?.trim_end_matches(['\n', '\r']).to_string()),
            ("trim", 2) => {
                let cut = s(1)?;
                out(s(0)?.trim_matches(|c| cut.contains(c)).to_string())
            }
            ("trimprefix", 2) => {
                let (text, prefix) = (s(0)?, s(1)?);
                out(text
                    .strip_prefix(prefix.as_str())
                    .unwrap_or(&text)
                    .to_string())
            }
            ("trimsuffix", 2) => {
                let (text, suffix) = (s(0)?, s(1)?);
                out(text
                    .strip_suffix(suffix.as_str())
                    .unwrap_or(&text)
                    .to_string())
            }
            ("startswith", 2) => Ok(Some(V::bool(s(0)?.starts_with(&s(1)?), span))),
            ("endswith", 2) => Ok(Some(V::bool(s(0)?.ends_with(&s(1)?), span))),
            ("strcontains", 2) => Ok(Some(V::bool(s(0)?.contains(&s(1)?), span))),
            ("title", 1) => out(title(&s(0)?)),
            ("substr", 3) => {
                let chars: Vec<char> = s(0)?.chars().collect();
                let (offset, length) = (number(&args[1])?, number(&args[2])?);
                let start = if offset < 0.0 {
                    chars.len() as f64 + offset
                } else {
                    offset
                };
                if start < 0.0 || start as usize > chars.len() {
                    return fail("substr() offset is out of range");
                }
                let start = start as usize;
                let end = if length < 0.0 {
                    chars.len()
                } else {
                    (start + length as usize).min(chars.len())
                };
                out(chars[start..end].iter().collect())
            }
            ("replace", 3) => {
                let (text, find, with) = (s(0)?, s(1)?, s(2)?);
                if find.len() > 1 && find.starts_with('/') && find.ends_with('/') {
                    let reason = "replace() with a regular expression is not evaluated offline";
                    return Ok(Some(V::unknown(reason, span)));
                }
                if replaced_len(&text, &find, &with) > MAX_STRING {
                    return Ok(Some(V::unknown(string_too_long(), span)));
                }
                out(text.replace(&find, &with))
            }
            ("join", 2) => {
                let sep = s(0)?;
                let items = list_arg(args[1].clone())?;
                // One string joined is that string, and still names what
                // it named (`join("", aws_s3_bucket.b[*].id)`).
                if let [only] = items.as_slice() {
                    if only.unknown_reason().is_some() || only.as_str().is_some() {
                        return Ok(Some(only.clone().at(span)));
                    }
                }
                let mut parts = Vec::new();
                for item in items {
                    if let Some(reason) = item.unknown_reason() {
                        return Ok(Some(V::unknown(reason.clone(), span)));
                    }
                    parts.push(text(&item)?);
                }
                let len = parts.iter().map(String::len).sum::<usize>()
                    + sep.len().saturating_mul(parts.len().saturating_sub(1));
                if len > MAX_STRING {
                    return Ok(Some(V::unknown(string_too_long(), span)));
                }
                out(parts.join(&sep))
            }
            ("split", 2) => {
                let (sep, text) = (s(0)?, s(1)?);
                let parts: Vec<V> = if text.is_empty() {
                    vec![V::string("", span)]
                } else {
                    text.split(sep.as_str())
                        .map(|p| V::string(p, span))
                        .collect()
                };
                Ok(Some(V::list(parts, span)))
            }
            ("format", n) if n >= 1 => format(&s(0)?, &args[1..], span).map(Some),
            ("jsondecode", 1) => self.jsondecode(&args[0], span).map(Some),
            ("file", 1) => self.file(cx, &s(0)?, span).map(Some),
            ("fileexists", 1) => {
                if !self.disk {
                    return Ok(Some(V::unknown(
                        "files are not read for in-memory sources",
                        span,
                    )));
                }
                let path = self.resolve_path(cx.inst, &s(0)?);
                Ok(Some(V::bool(self.fs.is_file(&path), span)))
            }
            ("templatefile", 2) => self.templatefile(cx, &s(0)?, &args[1], span).map(Some),
            ("basename", 1) => {
                let p = s(0)?;
                out(p.rsplit('/').next().unwrap_or_default().to_string())
            }
            ("dirname", 1) => {
                let p = s(0)?;
                out(p.rsplit_once('/').map_or(".", |(d, _)| d).to_string())
            }
            _ => Ok(None),
        }
    }

    /// `jsonencode`: the text, and the value behind it for policies. With
    /// unknown parts the text is unknown but the structure is kept.
    pub(super) fn jsonencode(&self, args: Vec<V>, span: Span) -> R {
        let [arg] =
            <[V; 1]>::try_from(args).map_err(|_| Fail("jsonencode() takes one argument".into()))?;
        let encoded = match arg.first_unknown() {
            Some(reason) => V::unknown(reason.clone(), span),
            None => V::string(to_json(&arg), span),
        };
        Ok(encoded.with_meta(Meta {
            structured: Some(arg),
            ..Meta::default()
        }))
    }

    /// `jsondecode`: a string built by `jsonencode` gives back its value;
    /// other text is parsed, its spans mapped into the literal when it was
    /// written as one.
    pub(crate) fn jsondecode(&self, arg: &V, span: Span) -> R {
        if let Some(structured) = arg.structured() {
            return Ok(structured.clone());
        }
        let text = text(arg)?;
        let file = self.source_file(arg.span.file);
        let where_ = file.map_or(Placement::Whole(arg.span), |f| {
            placement::locate(&text, arg.span, &f.text)
        });
        match json::parse(&text, arg.span.file, 0) {
            Ok(mut value) => {
                value.map_spans(&|s| where_.span(s, arg.span));
                let mut v = V::from_model(&value);
                v.span = span;
                Ok(v)
            }
            Err(err) => fail(format!("invalid JSON: {}", err.message)),
        }
    }

    pub(crate) fn source_file(&self, id: FileId) -> Option<&SourceFile> {
        let index = id.0 as usize;
        self.files.get(index).or_else(|| {
            self.read
                .get(index.wrapping_sub(self.files.len()))
                .map(|r| &r.file)
        })
    }

    /// A relative path as Terraform reads it: from the root module's
    /// directory; when nothing is there, from the calling module's.
    fn resolve_path(&self, inst: usize, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            return normalize(path);
        }
        let root = &self.config(self.instances[inst].root).dir;
        let from_root = normalize(&root.join(path));
        if self.fs.kind(&from_root).is_some() {
            return from_root;
        }
        let module = normalize(&self.config(inst).dir.join(path));
        if self.fs.kind(&module).is_some() {
            module
        } else {
            from_root
        }
    }

    /// Reads a file once per run; later calls share it.
    fn read_file(&mut self, path: PathBuf) -> Result<usize, Fail> {
        if let Some(known) = self.read_index.get(&path) {
            return known.clone().map_err(Fail);
        }
        let result = if !self.disk {
            Err("files are not read for in-memory sources".to_string())
        } else {
            // The reader is confined (`fs::Confined`): findings quote what
            // they read, and a file() of /etc/passwd in a pull request must
            // not end up in its annotations.
            match self.fs.read_text(&path) {
                Ok(text) => {
                    let id = FileId((self.files.len() + self.read.len()) as u32);
                    let shown = crate::terraform::modules::shown(&path, self.base_dir);
                    self.read.push(ReadFile {
                        file: SourceFile::new(id, &path, shown, Arc::from(text)),
                        template: None,
                    });
                    Ok(self.read.len() - 1)
                }
                Err(err) => Err(format!(
                    "cannot read {}: {err}",
                    crate::terraform::modules::shown(&path, self.base_dir)
                )),
            }
        };
        self.read_index.insert(path, result.clone());
        result.map_err(Fail)
    }

    fn file(&mut self, cx: &Ctx, path: &str, span: Span) -> R {
        let path = self.resolve_path(cx.inst, path);
        let index = self.read_file(path)?;
        let file = &self.read[index].file;
        let text = file.text.to_string();
        let mut value = V::string(text.clone(), span);
        // A JSON policy in a file keeps spans into that file.
        if text.trim_start().starts_with(['{', '[']) {
            if let Ok(parsed) = json::parse(&text, file.id, 0) {
                value = value.with_meta(Meta {
                    structured: Some(V::from_model(&parsed)),
                    ..Meta::default()
                });
            }
        }
        Ok(value)
    }

    fn templatefile(&mut self, cx: &Ctx, path: &str, vars: &V, span: Span) -> R {
        let path = self.resolve_path(cx.inst, path);
        let index = self.read_file(path)?;
        let template = match &self.read[index].template {
            Some(t) => Rc::clone(t),
            None => {
                let file = &self.read[index].file;
                let text = file.text.clone();
                let parsed = std::panic::catch_unwind(|| hcl_edit::parser::parse_template(&text));
                let Ok(Ok(parsed)) = parsed else {
                    return fail(format!("{} is not a valid template", file.display_path));
                };
                let mode = SpanMode::Offset {
                    file: file.id,
                    base: 0,
                };
                let kind = Lower::new(mode, &text).template(&parsed);
                let expr = Rc::new(Expr::new(kind, Span::new(file.id, 0..text.len())));
                self.read[index].template = Some(Rc::clone(&expr));
                expr
            }
        };
        let K::Map(entries) = &vars.kind else {
            return fail("templatefile() needs a map of variables");
        };
        let names: Vec<(String, V)> = entries
            .iter()
            .map(|(k, v)| (k.value.clone(), v.clone()))
            .collect();
        let mut inner = Ctx::new(cx.inst);
        inner.sandbox = true;
        inner.scope = names.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        let value = self.eval(&mut inner, &template)?;
        Ok(value.at(span))
    }
}

fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// `format`: the verbs configurations use (`%s %d %f %t %v %q %%`, with
/// width and precision).
fn format(spec: &str, args: &[V], span: Span) -> R {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f.is_ascii_digit() || matches!(f, '.' | '-' | '+' | '#' | ' ') {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars
            .next()
            .ok_or_else(|| Fail("format() ends inside a verb".into()))?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args
            .next()
            .ok_or_else(|| Fail("format() has too few arguments".into()))?;
        if let Some(reason) = arg.unknown_reason() {
            return Ok(V::unknown(reason.clone(), span));
        }
        let precision = flags
            .split_once('.')
            .and_then(|(_, p)| p.parse::<usize>().ok());
        if precision.is_some_and(|p| p > MAX_STRING) {
            return Ok(V::unknown(string_too_long(), span));
        }
        let piece = match verb {
            's' | 'v' if flags.contains('#') => to_json(arg),
            's' | 'v' => text(arg).unwrap_or_else(|_| to_json(arg)),
            'q' => to_json(&V::string(text(arg)?, span)),
            'd' => format!("{}", number(arg)?.trunc() as i64),
            'f' => format!("{:.*}", precision.unwrap_or(6), number(arg)?),
            't' => match arg.kind {
                K::Bool(b) => b.to_string(),
                _ => return fail("%t needs a bool"),
            },
            other => {
                return Ok(V::unknown(
                    format!("format verb %{other} is not evaluated offline"),
                    span,
                ))
            }
        };
        let width = flags
            .trim_start_matches(['-', '+', '#', ' ', '0'])
            .split('.')
            .next()
            .and_then(|w| w.parse::<usize>().ok())
            .unwrap_or(0);
        let pad = width.saturating_sub(piece.chars().count());
        if out.len().saturating_add(pad).saturating_add(piece.len()) > MAX_STRING {
            return Ok(V::unknown(string_too_long(), span));
        }
        if flags.starts_with('-') {
            out.push_str(&piece);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&piece);
        }
    }
    Ok(V::string(out, span))
}

/// Terraform's JSON text: object keys sorted, no spaces, HTML characters
/// escaped as Go does.
///
/// Writing stops past [`MAX_STRING`]: a value of many shared long strings
/// would encode to gigabytes. The text is then longer than a value may be,
/// so the string made of it is unknown.
pub(crate) fn to_json(v: &V) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &V, out: &mut String) {
    if out.len() > MAX_STRING {
        return;
    }
    match &v.kind {
        K::Null | K::Unknown(_) => out.push_str("null"),
        K::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        K::Number(n) => out.push_str(&format_number(*n)),
        K::String(s) => write_string(s, out),
        K::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        K::Map(entries) => {
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.value.cmp(&b.0.value));
            out.push('{');
            for (i, (k, item)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(&k.value, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
