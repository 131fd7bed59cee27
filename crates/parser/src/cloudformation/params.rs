//! Template parameters: their values from overrides (`--cfn-param`,
//! `--cfn-params FILE`) or defaults, and the parameter files users give.

use std::collections::HashMap;
use std::fmt;

use phiguard_model::{FileId, LineIndex, Value, ValueKind};

use crate::json;

/// What a `Ref` to a parameter gives.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Known(Value),
    /// Why the value cannot be known offline.
    Unknown(String),
}

/// Every parameter the template declares, resolved.
pub(crate) fn declared(
    root: &Value,
    overrides: &HashMap<String, String>,
) -> HashMap<String, Param> {
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
            (Some(text), _) => Param::Known(typed(Value::string(text, decl.span), ty)),
            (None, Some(default)) if ty.starts_with("AWS::SSM::Parameter::Value") => {
                Param::Unknown(format!(
                    "parameter {name} is read from the SSM parameter {} at deployment ({hint})",
                    default.display()
                ))
            }
            (None, Some(default)) if !matches!(default.kind, ValueKind::Null) => {
                Param::Known(typed(default.clone(), ty))
            }
            _ => Param::Unknown(format!("parameter {name} has no value ({hint})")),
        };
        out.insert(name.clone(), param);
    }
    out
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
    let index = LineIndex::new(text);
    let error = |offset: usize, message: String| {
        let p = index.position(text, offset);
        CfnParamsError {
            path: path.to_string(),
            line: p.line,
            column: p.column,
            message,
        }
    };
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let root = json::parse(&text[base..], FileId(0), base).map_err(|err| {
        let message = match err.first {
            Some(first) => format!(
                "{} (first defined on line {})",
                err.message,
                index.position(text, first.start as usize).line
            ),
            None => format!("invalid JSON: {}", err.message),
        };
        error(err.span.start as usize, message)
    })?;
    let scalar = |v: &Value, what: &str| -> Result<String, CfnParamsError> {
        match &v.kind {
            ValueKind::String(s) => Ok(s.clone()),
            ValueKind::Number(n) => Ok(phiguard_model::format_number(*n)),
            ValueKind::Bool(b) => Ok(b.to_string()),
            ValueKind::List(items) => items
                .iter()
                .map(|i| match &i.kind {
                    ValueKind::String(s) => Ok(s.clone()),
                    ValueKind::Number(n) => Ok(phiguard_model::format_number(*n)),
                    _ => Err(error(
                        i.span.start as usize,
                        format!("{what} list items must be strings"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|items| items.join(",")),
            _ => Err(error(
                v.span.start as usize,
                format!("{what} must be a string"),
            )),
        }
    };
    match &root.kind {
        ValueKind::List(items) => items
            .iter()
            .map(|item| {
                let at = item.span.start as usize;
                let key = item
                    .get("ParameterKey")
                    .ok_or_else(|| error(at, "each item needs a `ParameterKey`".into()))?;
                let key = scalar(key, "`ParameterKey`")?;
                match item.get("ParameterValue") {
                    Some(value) => Ok((key, scalar(value, "`ParameterValue`")?)),
                    None => Err(error(at, format!("parameter {key} has no `ParameterValue`"))),
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
                .map(|(k, v)| Ok((k.value.clone(), scalar(v, &format!("the value of {}", k.value))?)))
                .collect()
        }
        _ => Err(error(
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
        let overrides = HashMap::from([("Count".to_string(), "3".to_string())]);
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
