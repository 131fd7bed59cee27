//! Input values of a root module, with Terraform's precedence (later wins):
//! variable defaults, `TF_VAR_` environment variables, `terraform.tfvars`,
//! `terraform.tfvars.json`, `*.auto.tfvars(.json)` in lexical order, then
//! the var files and `NAME=VALUE` values given as options.
//!
//! Each value records where it was given ([`OriginRole::Tfvars`] on every
//! node of a var file's value, [`OriginRole::VarFlag`], [`OriginRole::Env`]),
//! so a finding about it names that place as the one to change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{LintError, Model, OriginRole, Span, Value, ValueOrigin};

use super::hcl;
use super::lower::{Lower, SpanMode};
use super::modules::{normalize, shown};
use super::types::{constant, Ty};
use super::value::V;
use crate::json;

/// How a value from the config file's `terraform.vars` names its origin:
/// `terraform.vars.NAME`.
pub(crate) const CONFIG_VARS: &str = "terraform.vars.";

/// A value as given: parsed (var files) or text (the environment, `--var`,
/// as `from` says), which Terraform parses according to the variable's type.
#[derive(Debug, Clone)]
pub(crate) enum Raw {
    Value(Value),
    /// A root variable's value as a plan recorded it.
    Planned(Value),
    Text {
        text: String,
        from: OriginRole,
        /// Given on the command line: a root that does not declare it is
        /// an error when no root does (the config's values are shared by
        /// every root of a repository, so they are not checked).
        checked: bool,
    },
}

/// Values that apply to every root module, read once.
#[derive(Debug, Default)]
pub(crate) struct Given {
    env: Vec<(String, Raw)>,
    files: Vec<(String, Raw)>,
    vars: Vec<(String, Raw)>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct RootInputs {
    values: HashMap<String, Raw>,
    /// The plan this root is evaluated with: its variables are among the
    /// values, and it decides what evaluation leaves unknown.
    pub plan: Option<Arc<super::plan::Plan>>,
}

impl RootInputs {
    /// These inputs with a plan's: its root variables' values over every
    /// other (they are what Terraform planned with).
    pub fn with_plan(mut self, plan: Arc<super::plan::Plan>) -> RootInputs {
        for (name, value) in &plan.variables {
            self.values
                .insert(name.clone(), Raw::Planned(value.clone()));
        }
        self.plan = Some(plan);
        self
    }

    /// The variables given a value with `--var`.
    pub fn flagged(&self) -> impl Iterator<Item = &str> {
        self.values.iter().filter_map(|(name, raw)| {
            matches!(
                raw,
                Raw::Text {
                    from: OriginRole::VarFlag,
                    checked: true,
                    ..
                }
            )
            .then_some(name.as_str())
        })
    }

    /// The value given for variable `name`, converted per its type by the caller.
    /// The value carries where it was given as its origins.
    pub fn value(&self, name: &str, ty: &Ty) -> Option<V> {
        let (text, from, checked) = match self.values.get(name)? {
            Raw::Value(v) => {
                let mut value = V::from_model(v);
                value.mark_from_var_file(name);
                return Some(value);
            }
            Raw::Planned(v) => {
                let mut value = V::from_model(v);
                value.mark_given(name, OriginRole::Plan);
                return Some(value);
            }
            Raw::Text {
                text,
                from,
                checked,
            } => (text, *from, *checked),
        };
        let setting = match (from, checked) {
            (OriginRole::Env, _) => format!("TF_VAR_{name}"),
            (_, true) => format!("--var {name}"),
            // Not on the command line: the config file's value.
            (_, false) => format!("{CONFIG_VARS}{name}"),
        };
        let value = if ty.is_primitive() || ty.is_any() {
            V::string(text.clone(), Span::default())
        } else {
            parse_text(text, &setting)
        };
        Some(value.passed(ValueOrigin {
            role: from,
            span: None,
            name: setting,
        }))
    }
}

/// A `--var` or `TF_VAR_` value for a list, map or object variable: an HCL
/// expression of literals. `setting` names where it was given.
fn parse_text(text: &str, setting: &str) -> V {
    let parsed = std::panic::catch_unwind(|| hcl_edit::parser::parse_expr(text));
    let Ok(Ok(expr)) = parsed else {
        let reason = format!("the value of {setting} is not a valid HCL expression");
        return V::unknown(reason, Span::default());
    };
    let lowered = Lower::new(SpanMode::Fixed(Span::default()), text).expr(&expr);
    constant(&lowered).unwrap_or_else(|| {
        let reason = format!("the value of {setting} is not a constant");
        V::unknown(reason, Span::default())
    })
}

pub(crate) struct Options<'o> {
    pub base_dir: &'o Path,
    pub var_files: &'o [PathBuf],
    /// Var files for one root module each: (its folder, the file), both
    /// relative to `base_dir`.
    pub root_var_files: &'o [(PathBuf, PathBuf)],
    pub vars: &'o [(String, String)],
    /// The config's `terraform.vars`, before `vars`.
    pub config_vars: &'o [(String, String)],
    pub env_vars: &'o [(String, String)],
    /// Where var files are read from.
    pub files: &'o crate::fs::Files,
}

/// Reads the values every root module shares; errors go to `model`.
pub(crate) fn given(model: &mut Model, options: &Options) -> Given {
    let env = options
        .env_vars
        .iter()
        .filter_map(|(k, v)| {
            let raw = Raw::Text {
                text: v.clone(),
                from: OriginRole::Env,
                checked: false,
            };
            Some((k.strip_prefix("TF_VAR_")?.to_string(), raw))
        })
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let mut files = Vec::new();
    for path in options.var_files {
        let path = options.base_dir.join(path);
        files.extend(read_var_file(model, &path, options, true));
    }
    let text = |(k, v): &(String, String), checked: bool| {
        let raw = Raw::Text {
            text: v.clone(),
            from: OriginRole::VarFlag,
            checked,
        };
        (k.clone(), raw)
    };
    let vars = (options.config_vars.iter().map(|kv| text(kv, false)))
        .chain(options.vars.iter().map(|kv| text(kv, true)))
        .collect();
    Given { env, files, vars }
}

/// The inputs of the root module in `dir`, auto-loading its var files.
pub(crate) fn for_root(
    model: &mut Model,
    dir: &Path,
    given: &Given,
    options: &Options,
    disk: bool,
) -> RootInputs {
    let mut values = HashMap::new();
    let mut set = |list: Vec<(String, Raw)>| {
        for (name, raw) in list {
            values.insert(name, raw);
        }
    };
    set(given.env.clone());
    if disk {
        for path in auto_files(options.files, dir) {
            let read = read_var_file(model, &path, options, false);
            set(read);
        }
    }
    // A var file named for this root goes first among the given ones, as
    // if it were the first `-var-file` of a run in this folder.
    let here = normalize(dir);
    for (root, path) in options.root_var_files {
        if normalize(&options.base_dir.join(root)) == here {
            let path = options.base_dir.join(path);
            let read = read_var_file(model, &path, options, true);
            set(read);
        }
    }
    set(given.files.clone());
    set(given.vars.clone());
    RootInputs { values, plan: None }
}

/// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)`
/// sorted by name, as Terraform loads them.
fn auto_files(files: &crate::fs::Files, dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = files.list(dir) else {
        return Vec::new();
    };
    let mut auto: Vec<String> = entries
        .into_iter()
        .map(|e| e.name)
        .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        .collect();
    auto.sort();
    ["terraform.tfvars", "terraform.tfvars.json"]
        .into_iter()
        .map(String::from)
        .chain(auto)
        .map(|n| dir.join(n))
        .filter(|p| files.is_file(p))
        .collect()
}

/// Reads one var file into the model (so errors can point into it).
fn read_var_file(
    model: &mut Model,
    path: &Path,
    options: &Options,
    given: bool,
) -> Vec<(String, Raw)> {
    let shown = shown(path, options.base_dir);
    let text = match options.files.read_text(path) {
        Ok(text) => text,
        Err(crate::limits::ReadError::NotUtf8) => {
            model
                .errors
                .push(error(shown, None, "the var file is not UTF-8 text".into()));
            return Vec::new();
        }
        // A file that cannot be read is reported even when it was only
        // found (`terraform.tfvars`: over the size limit, a link out of the
        // project root, a FIFO): its values would silently be missing.
        Err(err) => {
            let vanished = matches!(
                &err,
                crate::limits::ReadError::Io(io) if io.kind() == std::io::ErrorKind::NotFound
            );
            if given || !vanished {
                let message = format!("cannot read the var file: {err}");
                model.errors.push(error(shown, None, message));
            }
            return Vec::new();
        }
    };
    let id = model.add_value_file(path, shown.clone(), Arc::from(text));
    let file = model.file(id);
    let is_json = shown.ends_with(".json");
    if is_json {
        let base = file.bom_len();
        return match json::parse(&file.text[base..], id, base) {
            Ok(value) => match value.as_map() {
                Some(entries) => entries
                    .iter()
                    .map(|(k, v)| (k.value.clone(), Raw::Value(v.clone())))
                    .collect(),
                None => {
                    let message = "a var file must hold an object".into();
                    model.errors.push(error(shown, Some(value.span), message));
                    Vec::new()
                }
            },
            Err(err) => {
                let message = format!("invalid JSON: {}", err.describe(Some(file)));
                model.errors.push(error(shown, Some(err.span), message));
                Vec::new()
            }
        };
    }
    match hcl::parse(file) {
        Ok(parsed) => {
            let text = &file.text[parsed.base..];
            let mode = SpanMode::Offset {
                file: id,
                base: parsed.base,
            };
            let body = Lower::new(mode, text).body(&parsed.body);
            body.attrs
                .into_iter()
                .map(|a| {
                    let value = constant(&a.expr).unwrap_or_else(|| {
                        V::unknown(
                            format!("the value of {} in {shown} is not a constant", a.key.value),
                            a.expr.span,
                        )
                    });
                    (a.key.value, Raw::Value(value.to_model(&mut |_, _| {})))
                })
                .collect()
        }
        Err(err) => {
            model.errors.push(err);
            Vec::new()
        }
    }
}

fn error(path: String, span: Option<Span>, message: String) -> LintError {
    LintError {
        path,
        span,
        message,
    }
}
