//! Template parameters: their values from overrides (`--cfn-param`, the
//! parameter files users give) or defaults, each value recording where it
//! was given so a finding names that place.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{
    display_path, FileId, LineIndex, LintError, Model, OriginRole, Origins, Span, Value, ValueKind,
    ValueOrigin,
};

use crate::json;

/// What a `Ref` to a parameter gives.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Known(Value),
    /// Why the value cannot be known offline.
    Unknown(String),
}

/// A value given for a parameter, as text (CloudFormation reads every
/// parameter value as text), and where it was given.
#[derive(Debug, Clone)]
pub(crate) struct Given {
    pub text: String,
    pub origin: ValueOrigin,
}

/// The values given for one template's parameters, by name.
pub(crate) type Overrides = HashMap<String, Given>;

/// The values of one parameters file, in its order.
type FileValues = Vec<(String, Given)>;

/// A parameters file's entries: the name, the value as text and its span.
type Entries = Vec<(String, String, Span)>;

/// What is wrong with a parameters file: the byte offset and why.
type Problem = (usize, String);

/// The parameter values of a run: the parameter files (each for one
/// template or all) and the `--cfn-param` values over them.
#[derive(Debug, Default)]
pub(crate) struct Parameters {
    /// Per file, in order: the display path of the template it applies to
    /// (`None`: every template) and its values.
    files: Vec<(Option<String>, FileValues)>,
    flags: FileValues,
}

impl Parameters {
    /// Reads every parameter file into `model` (so errors and origins
    /// point into it); a file that cannot be used is an error there and
    /// gives no values.
    pub fn read(
        model: &mut Model,
        flags: &[(String, String)],
        files: &[(Option<PathBuf>, PathBuf)],
        base_dir: &Path,
        reader: &crate::fs::Files,
    ) -> Parameters {
        let flags = flags
            .iter()
            .map(|(name, text)| {
                let origin = ValueOrigin {
                    role: OriginRole::ParameterFlag,
                    span: None,
                    name: format!("--cfn-param {name}"),
                };
                let given = Given {
                    text: text.clone(),
                    origin,
                };
                (name.clone(), given)
            })
            .collect();
        let files = files
            .iter()
            .map(|(template, file)| {
                let template = template
                    .as_ref()
                    .map(|t| display_path(&base_dir.join(t), base_dir));
                (
                    template,
                    read_file(model, reader, &base_dir.join(file), base_dir),
                )
            })
            .collect();
        Parameters { files, flags }
    }

    /// The values for the template shown as `template`: its files' in
    /// order, then the flags.
    pub fn for_template(&self, template: &str) -> Overrides {
        let files = self
            .files
            .iter()
            .filter(|(only, _)| only.as_deref().is_none_or(|t| t == template))
            .flat_map(|(_, values)| values);
        files
            .chain(&self.flags)
            .map(|(name, given)| (name.clone(), given.clone()))
            .collect()
    }
}

/// One parameter file's values, each with its span there.
fn read_file(
    model: &mut Model,
    reader: &crate::fs::Files,
    path: &Path,
    base_dir: &Path,
) -> FileValues {
    let shown = display_path(path, base_dir);
    let error = |span: Option<Span>, message: String| LintError {
        path: shown.clone(),
        span,
        message,
    };
    let text = match reader.read_text(path) {
        Ok(text) => text,
        Err(err) => {
            let message = format!("cannot read the parameters file: {err}");
            model.errors.push(error(None, message));
            return Vec::new();
        }
    };
    let id = model.add_value_file(path, shown.clone(), Arc::from(text));
    let text = Arc::clone(&model.file(id).text);
    match entries(&text, id) {
        Ok(entries) => entries
            .into_iter()
            .map(|(name, text, span)| {
                let origin = ValueOrigin {
                    role: OriginRole::ParameterFile,
                    span: Some(span),
                    name: name.clone(),
                };
                (name, Given { text, origin })
            })
            .collect(),
        Err((offset, message)) => {
            let at = Span::new(id, offset..offset);
            model.errors.push(error(Some(at), message));
            Vec::new()
        }
    }
}

/// Every parameter the template declares, resolved.
pub(crate) fn declared(root: &Value, overrides: &Overrides) -> HashMap<String, Param> {
    let mut out = HashMap::new();
    for (name, decl) in root
        .get("Parameters")
        .and_then(Value::as_map)
        .unwrap_or_default()
    {
        let name = &name.value;
        let ty = decl.get("Type").and_then(Value::as_str).unwrap_or("String");
        let hint = format!("set it with --cfn-param {name}=VALUE");
        let param = match (overrides.get(name), decl.get("Default")) {
            (Some(given), _) => {
                let value = typed(Value::string(&given.text, decl.span), ty);
                Param::Known(decided_by(value, &None, given.origin.clone()))
            }
            (None, Some(default)) if ty.starts_with("AWS::SSM::Parameter::Value") => {
                Param::Unknown(format!(
                    "parameter {name} is read from the SSM parameter {} at deployment ({hint})",
                    default.display()
                ))
            }
            (None, Some(default)) if !matches!(default.kind, ValueKind::Null) => {
                let origin = ValueOrigin {
                    role: OriginRole::ParameterDefault,
                    span: Some(default.span),
                    name: name.clone(),
                };
                let value = typed(default.clone(), ty);
                Param::Known(decided_by(value, &default.origins, origin))
            }
            _ => Param::Unknown(format!("parameter {name} has no value ({hint})")),
        };
        out.insert(name.clone(), param);
    }
    out
}

/// `value`, decided by `origin` after the places that wrote it there
/// (`before`: `Default: *acl` is written at the anchor `&acl`).
fn decided_by(mut value: Value, before: &Origins, origin: ValueOrigin) -> Value {
    let before = before.as_deref().unwrap_or_default();
    let chain: Arc<[ValueOrigin]> = before.iter().cloned().chain([origin]).collect();
    value.origins = Some(chain);
    value
}

/// List parameters are written as comma-separated strings; numbers may be
/// quoted.
fn typed(value: Value, ty: &str) -> Value {
    let span = value.span;
    match (&value.kind, ty) {
        (ValueKind::String(s), _) if ty == "CommaDelimitedList" || ty.starts_with("List<") => {
            let items = s.split(',').map(|item| Value::string(item, span)).collect();
            Value::new(ValueKind::List(items), span)
        }
        (ValueKind::String(s), "Number") => match s.trim().parse::<f64>() {
            Ok(n) => Value::new(ValueKind::Number(n), span),
            Err(_) => value,
        },
        _ => value,
    }
}

/// A parameter file that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfnParamsError {
    pub path: String,
    /// 1-based; 0 when the problem is not at a place in the file.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for CfnParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        }
    }
}

/// Reads a CloudFormation parameter file: the list `aws cloudformation`
/// takes (`[{"ParameterKey": "Env", "ParameterValue": "prod"}]`), a plain
/// object (`{"Env": "prod"}`), or CodePipeline's template configuration
/// (`{"Parameters": {"Env": "prod"}}`). `path` names the file in errors.
pub fn parse_cfn_parameters(
    path: &str,
    text: &str,
) -> Result<Vec<(String, String)>, CfnParamsError> {
    match entries(text, FileId(0)) {
        Ok(entries) => Ok(entries
            .into_iter()
            .map(|(name, value, _)| (name, value))
            .collect()),
        Err((offset, message)) => {
            let p = LineIndex::new(text).position(text, offset);
            Err(CfnParamsError {
                path: path.to_string(),
                line: p.line,
                column: p.column,
                message,
            })
        }
    }
}

/// A parameter file's values with the span of each in `file`, or the byte
/// offset of what is wrong and why.
fn entries(text: &str, file: FileId) -> Result<Entries, Problem> {
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let root = json::parse(&text[base..], file, base).map_err(|err| {
        let message = match err.first {
            Some(first) => format!(
                "{} (first defined on line {})",
                err.message,
                LineIndex::new(text)
                    .position(text, first.start as usize)
                    .line
            ),
            None => format!("invalid JSON: {}", err.message),
        };
        (err.span.start as usize, message)
    })?;
    let scalar = |v: &Value, what: &str| -> Result<(String, Span), Problem> {
        let text = match &v.kind {
            ValueKind::String(s) => s.clone(),
            ValueKind::Number(n) => phiguard_model::format_number(*n),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::List(items) => items
                .iter()
                .map(|i| match &i.kind {
                    ValueKind::String(s) => Ok(s.clone()),
                    ValueKind::Number(n) => Ok(phiguard_model::format_number(*n)),
                    _ => Err((
                        i.span.start as usize,
                        format!("{what} list items must be strings"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
            _ => return Err((v.span.start as usize, format!("{what} must be a string"))),
        };
        Ok((text, v.span))
    };
    match &root.kind {
        ValueKind::List(items) => items
            .iter()
            .map(|item| {
                let at = item.span.start as usize;
                let key = item
                    .get("ParameterKey")
                    .ok_or_else(|| (at, "each item needs a `ParameterKey`".to_string()))?;
                let (key, _) = scalar(key, "`ParameterKey`")?;
                match item.get("ParameterValue") {
                    Some(value) => {
                        let (text, span) = scalar(value, "`ParameterValue`")?;
                        Ok((key, text, span))
                    }
                    None => Err((at, format!("parameter {key} has no `ParameterValue`"))),
                }
            })
            .collect(),
        ValueKind::Map(entries) => {
            let entries = match root.get("Parameters") {
                Some(inner) if inner.as_map().is_some() => inner.as_map().unwrap_or_default(),
                _ => entries.as_slice(),
            };
            entries
                .iter()
                .map(|(k, v)| {
                    let (text, span) = scalar(v, &format!("the value of {}", k.value))?;
                    Ok((k.value.clone(), text, span))
                })
                .collect()
        }
        _ => Err((
            root.span.start as usize,
            "a parameter file holds a list of {\"ParameterKey\", \"ParameterValue\"} objects or an object of values".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_aws_cli_shape_and_plain_objects() {
        let list = r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "N", "ParameterValue": 3}]"#;
        assert_eq!(
            parse_cfn_parameters("p.json", list).unwrap(),
            [("Env".into(), "prod".into()), ("N".into(), "3".into())]
        );
        let object = r#"{"Env": "prod", "Subnets": ["a", "b"]}"#;
        assert_eq!(
            parse_cfn_parameters("p.json", object).unwrap(),
            [
                ("Env".into(), "prod".into()),
                ("Subnets".into(), "a,b".into())
            ]
        );
        let pipeline = r#"{"Parameters": {"Env": "dev"}, "Tags": {}}"#;
        assert_eq!(
            parse_cfn_parameters("p.json", pipeline).unwrap(),
            [("Env".into(), "dev".into())]
        );
    }

    #[test]
    fn errors_have_a_line_and_column() {
        let err =
            parse_cfn_parameters("p.json", "[\n  {\"ParameterKey\": \"Env\"}\n]").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
        assert_eq!(
            err.to_string(),
            "p.json:2:3: parameter Env has no `ParameterValue`"
        );
        let err = parse_cfn_parameters("p.json", "{\"a\": 1,\n\"a\": 2}").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("first defined on line 1"),
            "{}",
            err.message
        );
        assert!(parse_cfn_parameters("p.json", "{\"a\": {}}").is_err());
        assert!(parse_cfn_parameters("p.json", "[1").is_err());
    }

    #[test]
    fn parameters_resolve_from_overrides_then_defaults() {
        let root = crate::json::parse(
            r#"{"Parameters": {
                "Acl": {"Type": "String", "Default": "Private"},
                "Env": {"Type": "String"},
                "Ids": {"Type": "CommaDelimitedList", "Default": "a,b"},
                "Count": {"Type": "Number"},
                "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/ami"}
            }}"#,
            FileId(0),
            0,
        )
        .unwrap();
        let given = Given {
            text: "3".into(),
            origin: ValueOrigin {
                role: OriginRole::ParameterFlag,
                span: None,
                name: "--cfn-param Count".into(),
            },
        };
        let overrides = HashMap::from([("Count".to_string(), given)]);
        let params = declared(&root, &overrides);
        assert!(matches!(&params["Acl"], Param::Known(v) if v.as_str() == Some("Private")));
        assert!(
            matches!(&params["Env"], Param::Unknown(r) if r == "parameter Env has no value (set it with --cfn-param Env=VALUE)")
        );
        assert!(
            matches!(&params["Ids"], Param::Known(v) if v.as_list().map(<[_]>::len) == Some(2))
        );
        assert!(matches!(&params["Count"], Param::Known(v) if v.kind == ValueKind::Number(3.0)));
        assert!(matches!(&params["Ami"], Param::Unknown(r) if r.contains("SSM")));
    }
}
