//! IAM policy documents (bucket policies, domain access policies) read from a
//! value tree, so a policy written as a map, a JSON string or a Terraform
//! `jsonencode(...)` ends up as the same type with spans on every part.

use crate::{Span, Spanned, Value, ValueKind};

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub span: Span,
    pub version: Option<Value>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    pub sid: Option<Value>,
    pub effect: Option<Value>,
    pub principal: Option<Value>,
    pub not_principal: Option<Value>,
    pub action: Option<Value>,
    pub not_action: Option<Value>,
    pub resource: Option<Value>,
    pub not_resource: Option<Value>,
    pub conditions: Vec<Condition>,
    /// A `Condition` (or one operator's block) that is not known offline: it
    /// may pin the statement, so rules must not judge it unconditioned.
    pub unknown_condition: Option<Value>,
}

/// One `"Operator": {"key": values}` pair of a statement's `Condition`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: Spanned<String>,
    pub key: Spanned<String>,
    pub values: Value,
}

/// A policy attached to a resource: what the linter could make of it.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicySource {
    Document(PolicyDocument),
    /// The policy text is not known offline; the value says why.
    Unknown(Value),
    /// The policy is known but is not a policy document.
    Invalid {
        message: String,
        span: Span,
    },
}

impl PolicySource {
    pub fn from_value(value: &Value) -> PolicySource {
        if value.is_unknown() {
            return PolicySource::Unknown(value.clone());
        }
        match PolicyDocument::from_value(value) {
            Ok(document) => PolicySource::Document(document),
            Err((message, span)) => PolicySource::Invalid { message, span },
        }
    }

    pub fn document(&self) -> Option<&PolicyDocument> {
        match self {
            PolicySource::Document(d) => Some(d),
            _ => None,
        }
    }
}

impl PolicyDocument {
    /// Reads a document from a map value. Unknown parts stay unknown values in
    /// the fields that hold them; a wholly unknown `Statement` list gives an
    /// unknown statement so that rules see that something was not known.
    pub fn from_value(value: &Value) -> Result<PolicyDocument, (String, Span)> {
        if value.as_map().is_none() {
            return Err(("a policy document must be an object".into(), value.span));
        }
        let statements = match value.get_ignore_case("Statement") {
            None => Vec::new(),
            Some(list) => match &list.kind {
                ValueKind::List(items) => items
                    .iter()
                    .map(Statement::from_value)
                    .collect::<Result<_, _>>()?,
                ValueKind::Map(_) | ValueKind::Unknown(_) => vec![Statement::from_value(list)?],
                _ => {
                    return Err((
                        "`Statement` must be an object or a list of objects".into(),
                        list.span,
                    ))
                }
            },
        };
        Ok(PolicyDocument {
            span: value.span,
            version: value.get_ignore_case("Version").cloned(),
            statements,
        })
    }
}

impl Statement {
    fn from_value(value: &Value) -> Result<Statement, (String, Span)> {
        if value.is_unknown() {
            // Every field unknown: rules record the statement as undecided.
            let unknown = Some(value.clone());
            return Ok(Statement {
                span: value.span,
                sid: None,
                effect: unknown.clone(),
                principal: unknown.clone(),
                not_principal: None,
                action: unknown.clone(),
                not_action: None,
                resource: unknown,
                not_resource: None,
                conditions: Vec::new(),
                unknown_condition: None,
            });
        }
        if value.as_map().is_none() {
            return Err(("a policy statement must be an object".into(), value.span));
        }
        let field = |name: &str| value.get_ignore_case(name).cloned();
        let mut conditions = Vec::new();
        let mut unknown_condition = None;
        if let Some(condition) = value.get_ignore_case("Condition") {
            if condition.is_unknown() {
                unknown_condition = Some(condition.clone());
            }
            for (operator, block) in condition.as_map().unwrap_or_default() {
                if block.is_unknown() {
                    unknown_condition.get_or_insert_with(|| block.clone());
                }
                for (key, values) in block.as_map().unwrap_or_default() {
                    conditions.push(Condition {
                        operator: operator.clone(),
                        key: key.clone(),
                        values: values.clone(),
                    });
                }
            }
        }
        Ok(Statement {
            span: value.span,
            sid: field("Sid"),
            effect: field("Effect"),
            principal: field("Principal"),
            not_principal: field("NotPrincipal"),
            action: field("Action"),
            not_action: field("NotAction"),
            resource: field("Resource"),
            not_resource: field("NotResource"),
            conditions,
            unknown_condition,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn s(text: &str) -> Value {
        Value::string(text, Span::new(FileId(0), 0..0))
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::new(
            ValueKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Spanned::new(k.to_string(), Span::default()), v))
                    .collect(),
            ),
            Span::default(),
        )
    }

    #[test]
    fn reads_a_single_statement_object() {
        let doc = map(vec![(
            "Statement",
            map(vec![
                ("Effect", s("Allow")),
                ("Principal", s("*")),
                ("Action", s("s3:GetObject")),
                (
                    "Condition",
                    map(vec![(
                        "IpAddress",
                        map(vec![("aws:SourceIp", s("10.0.0.0/8"))]),
                    )]),
                ),
            ]),
        )]);
        let doc = PolicyDocument::from_value(&doc).unwrap();
        assert_eq!(doc.statements.len(), 1);
        let st = &doc.statements[0];
        assert_eq!(st.principal.as_ref().and_then(Value::as_str), Some("*"));
        assert_eq!(st.conditions[0].operator.value, "IpAddress");
        assert_eq!(st.conditions[0].key.value, "aws:SourceIp");
    }

    #[test]
    fn a_string_is_not_a_document() {
        assert!(PolicyDocument::from_value(&s("x")).is_err());
        assert!(matches!(
            PolicySource::from_value(&s("x")),
            PolicySource::Invalid { .. }
        ));
    }
}
