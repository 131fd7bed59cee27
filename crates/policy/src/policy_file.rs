//! The policy file format (TOML, one rule a file) and its validation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

use phiguard_model::{Dialect, LineIndex, ResourceKind, Severity};
use serde::Deserialize;
use toml::Spanned;

use crate::expr::{self, Expr};
use crate::facts::{fact_names, item_keys};

/// A rule loaded from a policy file.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kind: ResourceKind,
    pub hipaa: Vec<String>,
    pub description: String,
    pub remediation: Remediation,
    pub references: Vec<String>,
    pub checks: Vec<Check>,
    /// The file it was loaded from, e.g. `s3-public-acl.toml`.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub terraform: String,
    pub cloudformation: String,
}

/// A short fix in each file language, shown with the findings in files of
/// that language. Written `fix.terraform = '...'`, `fix.cloudformation = '...'`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fix {
    pub by_dialect: HashMap<Dialect, String>,
}

impl Fix {
    /// The fix for files of `dialect`, if the check has one.
    pub fn get(&self, dialect: Dialect) -> Option<&str> {
        self.by_dialect.get(&dialect).map(String::as_str)
    }
}

/// The dialects a `fix` can name, as policy files write them.
const DIALECTS: [(&str, Dialect); 2] = [
    ("terraform", Dialect::Terraform),
    ("cloudformation", Dialect::CloudFormation),
];

#[derive(Debug, Clone)]
pub struct Check {
    pub when: Expr,
    /// The condition as written, for docs.
    pub when_text: String,
    /// Where the finding points: the first of these facts that is present,
    /// otherwise the resource header.
    pub at: Vec<String>,
    pub message: String,
    /// A few words shown under the underlined span.
    pub label: Option<String>,
    pub severity: Option<Severity>,
    pub fix: Option<Fix>,
    /// `(list fact, binding)`: evaluate once for each item of the list.
    pub each: Option<(String, String)>,
}

/// A policy file that cannot be loaded, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for PolicyError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: String,
    severity: Spanned<String>,
    kind: Spanned<String>,
    hipaa: Spanned<Vec<String>>,
    description: String,
    remediation: Remediation,
    #[serde(default)]
    references: Vec<String>,
    #[serde(rename = "check")]
    checks: Spanned<Vec<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    when: Spanned<String>,
    #[serde(default)]
    at: Option<Spanned<OneOrMany>>,
    message: Spanned<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    severity: Option<Spanned<String>>,
    #[serde(default)]
    fix: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    each: Option<Spanned<String>>,
    #[serde(default, rename = "as")]
    binding: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Names a message may use besides fact paths.
const BUILTIN_PLACEHOLDERS: &[&str] = &["name", "value", "resource"];

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    index: LineIndex,
}

impl Loader<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> PolicyError {
        let position = self.index.position(self.text, span.start);
        PolicyError {
            file: self.file.to_string(),
            line: position.line,
            column: position.column,
            message: message.into(),
        }
    }
}

/// Parses and validates one policy file.
pub fn load_rule(file: &str, text: &str) -> Result<Rule, PolicyError> {
    let loader = Loader {
        file,
        text,
        index: LineIndex::new(text),
    };
    let raw: RawRule = toml::from_str(text).map_err(|e| {
        let message = e.message().to_string();
        loader.error(e.span().unwrap_or(0..0), message)
    })?;

    let id = raw.id.get_ref();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(loader.error(
            raw.id.span(),
            format!("rule id `{id}` must be lowercase words joined by `-`"),
        ));
    }
    let severity: Severity = raw
        .severity
        .get_ref()
        .parse()
        .map_err(|e: String| loader.error(raw.severity.span(), e))?;
    let kind: ResourceKind = raw
        .kind
        .get_ref()
        .parse()
        .map_err(|e: String| loader.error(raw.kind.span(), e))?;
    if raw.hipaa.get_ref().is_empty() || raw.hipaa.get_ref().iter().any(|s| !s.starts_with("164."))
    {
        return Err(loader.error(
            raw.hipaa.span(),
            "`hipaa` must list sections of 45 CFR Part 164, e.g. \"164.312(a)(1)\"",
        ));
    }
    if raw.checks.get_ref().is_empty() {
        return Err(loader.error(raw.checks.span(), "a rule needs at least one [[check]]"));
    }

    let facts = fact_names(kind);
    let checks = raw
        .checks
        .into_inner()
        .into_iter()
        .map(|check| load_check(&loader, kind, &facts, check))
        .collect::<Result<_, _>>()?;

    Ok(Rule {
        id: raw.id.into_inner(),
        title: raw.title,
        severity,
        kind,
        hipaa: raw.hipaa.into_inner(),
        description: raw.description,
        remediation: raw.remediation,
        references: raw.references,
        checks,
        source: file.to_string(),
    })
}

fn load_check(
    loader: &Loader<'_>,
    kind: ResourceKind,
    facts: &[(&str, &str)],
    raw: RawCheck,
) -> Result<Check, PolicyError> {
    let each = match (&raw.each, &raw.binding) {
        (Some(each), binding) => {
            let keys = item_keys(kind, each.get_ref()).ok_or_else(|| {
                loader.error(
                    each.span(),
                    format!(
                        "`{}` is not a list fact of {}",
                        each.get_ref(),
                        kind.as_str()
                    ),
                )
            })?;
            let binding = binding
                .as_ref()
                .map_or("item".to_string(), |b| b.get_ref().clone());
            Some((each.get_ref().clone(), binding, keys))
        }
        (None, Some(binding)) => return Err(loader.error(binding.span(), "`as` needs `each`")),
        (None, None) => None,
    };
    let known = |path: &str| -> bool {
        if facts.iter().any(|(name, _)| *name == path) {
            return true;
        }
        match &each {
            Some((_, binding, keys)) => {
                path == binding
                    || path
                        .strip_prefix(binding.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                        .is_some_and(|key| keys.contains(&key))
            }
            None => false,
        }
    };
    let unknown_path = |path: &str| {
        format!(
            "unknown fact `{path}` for {} (see docs/policies.md for the list)",
            kind.as_str()
        )
    };

    // Expression columns are relative to the string's content, which starts
    // after the opening quote(s).
    let when_span = raw.when.span();
    let content_start = when_span.start + quote_len(loader.text, when_span.start);
    let when = expr::parse(raw.when.get_ref()).map_err(|e| {
        let offset = content_start + char_to_byte(raw.when.get_ref(), e.column);
        loader.error(offset..offset, format!("in `when`: {}", e.message))
    })?;
    for path in when.paths() {
        if !known(path) {
            return Err(loader.error(
                when_span.clone(),
                format!("in `when`: {}", unknown_path(path)),
            ));
        }
    }

    let at = match raw.at {
        None => Vec::new(),
        Some(at) => {
            let span = at.span();
            let paths = match at.into_inner() {
                OneOrMany::One(p) => vec![p],
                OneOrMany::Many(ps) => ps,
            };
            if let Some(bad) = paths.iter().find(|p| !known(p)) {
                return Err(loader.error(span, format!("in `at`: {}", unknown_path(bad))));
            }
            paths
        }
    };

    let mut fix = None;
    if let Some(raw_fix) = &raw.fix {
        let mut by_dialect = HashMap::new();
        for (key, text) in raw_fix {
            let dialect = DIALECTS
                .iter()
                .find(|(name, _)| name == key.get_ref())
                .map(|(_, dialect)| *dialect)
                .ok_or_else(|| {
                    loader.error(
                        key.span(),
                        format!(
                            "in `fix`: unknown dialect `{}`; write `fix.terraform` or `fix.cloudformation`",
                            key.get_ref()
                        ),
                    )
                })?;
            by_dialect.insert(dialect, text.get_ref().clone());
        }
        fix = Some(Fix { by_dialect });
    }

    let fixes = raw
        .fix
        .iter()
        .flatten()
        .map(|(_, text)| ("fix", text.get_ref().as_str(), text.span()));
    for (field, template, span) in std::iter::once((
        "message",
        raw.message.get_ref().as_str(),
        raw.message.span(),
    ))
    .chain(fixes)
    {
        for placeholder in placeholders(template) {
            if !BUILTIN_PLACEHOLDERS.contains(&placeholder) && !known(placeholder) {
                return Err(loader.error(
                    span,
                    format!("in `{field}`: {{{placeholder}}} is neither a fact nor one of {{name}}, {{value}}, {{resource}}"),
                ));
            }
        }
    }

    let severity = match &raw.severity {
        None => None,
        Some(s) => Some(
            s.get_ref()
                .parse()
                .map_err(|e: String| loader.error(s.span(), e))?,
        ),
    };

    Ok(Check {
        when,
        when_text: raw.when.get_ref().clone(),
        at,
        message: raw.message.into_inner(),
        label: raw.label,
        severity,
        fix,
        each: each.map(|(list, binding, _)| (list, binding)),
    })
}

/// The `{fact.path}` placeholders of a message or fix template. Only a
/// brace around a bare path is one, so fixes can show HCL blocks and YAML
/// flow maps (`{ enabled = true }`, `{Status: Enabled}`) as they are.
pub(crate) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| {
        let (name, _) = part.split_once('}')?;
        let is_path = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        is_path.then_some(name)
    })
}

fn quote_len(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or_default();
    if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        3 + usize::from(rest[3..].starts_with('\n'))
    } else if rest.starts_with('"') || rest.starts_with('\'') {
        1
    } else {
        0
    }
}

fn char_to_byte(text: &str, column: usize) -> usize {
    text.char_indices()
        .nth(column)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "x-rule"
title = "A rule"
severity = "high"
kind = "s3_bucket"
hipaa = ["164.312(a)(1)"]
description = "d"
remediation = { terraform = "t", cloudformation = "c" }

[[check]]
when = "versioning is absent"
message = "bucket {name} has no versioning"
"#;

    #[test]
    fn loads_a_rule() {
        let rule = load_rule("x.toml", GOOD).unwrap();
        assert_eq!(rule.id, "x-rule");
        assert_eq!(rule.severity, Severity::High);
        assert_eq!(rule.checks.len(), 1);
    }

    #[test]
    fn unknown_fact_names_line_and_column() {
        let text = GOOD.replace("versioning is absent", "versioning is absent or bogus.fact");
        let err = load_rule("x.toml", &text).unwrap_err();
        assert_eq!(err.line, 11, "{err}");
        assert!(err.message.contains("unknown fact `bogus.fact`"), "{err}");
    }

    #[test]
    fn syntax_error_points_into_the_expression() {
        let text = GOOD.replace("versioning is absent", "versioning is gone");
        let err = load_rule("x.toml", &text).unwrap_err();
        assert_eq!((err.line, err.column), (11, 23), "{err}");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = GOOD.replace("title =", "titel = \"x\"\ntitle =");
        let err = load_rule("x.toml", &text).unwrap_err();
        assert!(err.message.contains("titel"), "{err}");
        assert_eq!(err.line, 3);
    }

    #[test]
    fn bad_severity_and_placeholder() {
        let err = load_rule("x.toml", &GOOD.replace("\"high\"", "\"severe\"")).unwrap_err();
        assert!(err.message.contains("unknown severity"), "{err}");
        let err = load_rule("x.toml", &GOOD.replace("{name}", "{nom}")).unwrap_err();
        assert!(err.message.contains("{nom}"), "{err}");
    }

    #[test]
    fn each_binds_item_keys() {
        let text = GOOD.replace(
            "when = \"versioning is absent\"",
            "each = \"acl.grants\"\nas = \"grant\"\nwhen = \"grant.group == 'AllUsers'\"\nat = \"grant\"",
        );
        let rule = load_rule("x.toml", &text).unwrap();
        assert_eq!(
            rule.checks[0].each,
            Some(("acl.grants".into(), "grant".into()))
        );
        let text = text.replace("grant.group", "grant.colour");
        assert!(load_rule("x.toml", &text).is_err());
    }

    #[test]
    fn fixes_are_keyed_by_dialect() {
        let text = GOOD.replace(
            "message =",
            "fix.terraform = 'acl = \"private\"'\nfix.cloudformation = 'AccessControl: Private'\nmessage =",
        );
        let rule = load_rule("x.toml", &text).unwrap();
        let fix = rule.checks[0].fix.as_ref().unwrap();
        assert_eq!(fix.get(Dialect::Terraform), Some("acl = \"private\""));
        assert_eq!(
            fix.get(Dialect::CloudFormation),
            Some("AccessControl: Private")
        );

        let text = GOOD.replace("message =", "fix.terrafrom = 'x'\nmessage =");
        let err = load_rule("x.toml", &text).unwrap_err();
        assert_eq!((err.line, err.column), (12, 5), "{err}");
        assert_eq!(
            err.message,
            "in `fix`: unknown dialect `terrafrom`; write `fix.terraform` or `fix.cloudformation`"
        );

        let text = GOOD.replace("message =", "fix.terraform = '{nom}'\nmessage =");
        let err = load_rule("x.toml", &text).unwrap_err();
        assert_eq!((err.line, err.column), (12, 17), "{err}");
    }
}
