//! The policy file format (TOML, one rule a file) and its validation.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;

use phiguard_model::{Dialect, LineIndex, ResourceKind, Severity};
use serde::Deserialize;
use toml::Spanned;

use crate::expr::{self, Expr};
use phiguard_model::kinds::{fact_type, FactType};

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
pub struct Help {
    pub by_dialect: HashMap<Dialect, String>,
}

impl Help {
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

/// How `--fix` repairs a check's findings, by dialect (`edit.*` in a
/// policy file): `set` replaces the value the first `at` path locates with
/// a literal, where it is written; `add` inserts text where the setting is
/// missing. Replacing a literal is safe unless `unsafe` says why not;
/// adding text is always unsafe.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditSpec {
    pub set: HashMap<Dialect, Literal>,
    /// For each dialect: (where, what). Where is an `at` path (inside the
    /// block or mapping it locates), `resource` (inside the resource's
    /// body or `Properties`, when nothing was located) or `after` (a new
    /// Terraform resource after the subject's, `{name}` and `{address}`
    /// filled in). Terraform text is HCL; CloudFormation's is a TOML table
    /// rendered as YAML or JSON, as the template is written.
    pub add: HashMap<Dialect, Vec<(String, Addition)>>,
    /// Additions that go with `set` (the key a setting turned on needs),
    /// each into the value of the `at` path it names, or `after`.
    pub also: HashMap<Dialect, Vec<(String, Addition)>>,
    /// Why even replacing the literal is unsafe (AWS replaces the resource).
    pub unsafe_reason: Option<String>,
    /// The fact whose value `set` replaces, when it is not the one the
    /// finding points at (`statement.effect` of a public statement).
    pub target: Option<String>,
    /// Only where this holds (`not receives_server_access_logs`: S3 cannot
    /// deliver server access logs to a bucket encrypted with SSE-KMS).
    pub when: Option<Expr>,
}

/// A scalar a fix writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Bool(bool),
    String(String),
}

/// Text a fix inserts.
#[derive(Debug, Clone, PartialEq)]
pub enum Addition {
    /// HCL: attributes and blocks, or a whole resource.
    Hcl(String),
    /// Keys with their values, for a YAML or JSON mapping.
    Mapping(toml::Table),
}

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
    pub fix: Option<Help>,
    pub edit: Option<EditSpec>,
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
    edit: Option<Spanned<RawEdit>>,
    #[serde(default)]
    each: Option<Spanned<String>>,
    #[serde(default, rename = "as")]
    binding: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdit {
    #[serde(default)]
    set: BTreeMap<String, toml::Value>,
    #[serde(default)]
    add: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    also: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default, rename = "unsafe")]
    unsafe_reason: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    when: Option<String>,
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

    let checks = raw
        .checks
        .into_inner()
        .into_iter()
        .map(|check| load_check(&loader, kind, check))
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
    raw: RawCheck,
) -> Result<Check, PolicyError> {
    let each = match (&raw.each, &raw.binding) {
        (Some(each), binding) => {
            let item = fact_type(kind, each.get_ref())
                .and_then(FactType::item)
                .ok_or_else(|| {
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
            Some((each.get_ref().clone(), binding, item))
        }
        (None, Some(binding)) => return Err(loader.error(binding.span(), "`as` needs `each`")),
        (None, None) => None,
    };
    let unknown_path = |path: &str| {
        format!(
            "unknown fact `{path}` for {} (see docs/policies.md for the list)",
            kind.as_str()
        )
    };
    // The type of a path, read as evaluation reads it: the item bound by
    // `each` and its keys first, then the facts.
    let resolve = |path: &str| -> Result<FactType, String> {
        if let Some((_, binding, item)) = &each {
            if path == binding {
                return Ok(FactType::Item(item));
            }
            if let Some(key) = path
                .strip_prefix(binding.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
            {
                return item.key(key).ok_or_else(|| unknown_path(path));
            }
        }
        fact_type(kind, path).ok_or_else(|| unknown_path(path))
    };
    let known = |path: &str| resolve(path).is_ok();

    // Expression columns are relative to the string's content, which starts
    // after the opening quote(s).
    let when_span = raw.when.span();
    let at_column = |column: usize| {
        let offset = source_offset(loader.text, when_span.start, column);
        offset..offset
    };
    let mut when = expr::parse(raw.when.get_ref())
        .map_err(|e| loader.error(at_column(e.column), format!("in `when`: {}", e.message)))?;
    when.check(&resolve)
        .map_err(|e| loader.error(at_column(e.column), format!("in `when`: {}", e.message)))?;

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
        fix = Some(Help { by_dialect });
    }

    let edit = match &raw.edit {
        None => None,
        Some(edit) => {
            let mut spec = load_edit(edit.get_ref(), &at, &known)
                .map_err(|message| loader.error(edit.span(), format!("in `edit`: {message}")))?;
            if let Some(condition) = &edit.get_ref().when {
                let mut expr = expr::parse(condition).map_err(|e| {
                    loader.error(edit.span(), format!("in `edit.when`: {}", e.message))
                })?;
                expr.check(&resolve).map_err(|e| {
                    loader.error(edit.span(), format!("in `edit.when`: {}", e.message))
                })?;
                spec.when = Some(expr);
            }
            Some(spec)
        }
    };

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
        edit,
        each: each.map(|(list, binding, _)| (list, binding)),
    })
}

fn load_edit(
    raw: &RawEdit,
    at: &[String],
    known: &dyn Fn(&str) -> bool,
) -> Result<EditSpec, String> {
    let dialect = |name: &str| {
        DIALECTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                format!("unknown dialect `{name}`; write `terraform` or `cloudformation`")
            })
    };
    let mut spec = EditSpec {
        unsafe_reason: raw.unsafe_reason.clone(),
        ..EditSpec::default()
    };
    if !raw.set.is_empty() && at.is_empty() && raw.target.is_none() {
        return Err("`set` replaces the value `at` locates, and the check has no `at`".into());
    }
    if let Some(target) = &raw.target {
        if !known(target) {
            return Err(format!("`target`: unknown fact `{target}`"));
        }
        if raw.set.is_empty() {
            return Err("`target` names what `set` replaces, and there is no `set`".into());
        }
        spec.target = Some(target.clone());
    }
    for (name, value) in &raw.set {
        let literal = match value {
            toml::Value::Boolean(b) => Literal::Bool(*b),
            toml::Value::String(s) => Literal::String(s.clone()),
            other => {
                return Err(format!(
                    "`set.{name}` must be a string or a boolean, not {}",
                    other.type_str()
                ))
            }
        };
        spec.set.insert(dialect(name)?, literal);
    }
    for (field, raw_places, out) in [
        ("add", &raw.add, &mut spec.add),
        ("also", &raw.also, &mut spec.also),
    ] {
        for (name, places) in raw_places {
            let dialect = dialect(name)?;
            let mut additions = Vec::new();
            for (place, value) in places {
                let valid = place == "after"
                    || (field == "add" && place == "resource")
                    || (field == "add" && place == "statement" && !at.is_empty())
                    || (at.contains(place) && known(place));
                if !valid {
                    return Err(format!(
                        "`{field}.{name}.{place}`: a place is `after`, one of the check's `at` paths{}",
                        if field == "add" { ", `resource` or `statement`" } else { "" }
                    ));
                }
                let addition = match (dialect, value) {
                    // A policy statement, written in the document's syntax.
                    (_, toml::Value::Table(table)) if place == "statement" => {
                        Addition::Mapping(table.clone())
                    }
                    (Dialect::Terraform, toml::Value::String(text)) => {
                        Addition::Hcl(text.trim_end().to_string())
                    }
                    (Dialect::CloudFormation, toml::Value::Table(table)) => {
                        Addition::Mapping(table.clone())
                    }
                    _ => {
                        return Err(format!(
                            "`{field}.{name}.{place}`: Terraform additions are HCL text, CloudFormation ones a table"
                        ))
                    }
                };
                additions.push((place.clone(), addition));
            }
            out.insert(dialect, additions);
        }
    }
    if !spec.also.is_empty() && spec.set.is_empty() {
        return Err("`also` goes with `set`".into());
    }
    Ok(spec)
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

/// The byte offset in `text` of the `column`th character (0-based) of the
/// TOML string that starts at `start`, quotes and escapes taken into account:
/// `\"` in a basic string is one character of the condition, two of the file.
fn source_offset(text: &str, start: usize, column: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    let (quote, basic) = if rest.starts_with("\"\"\"") {
        (3, true)
    } else if rest.starts_with("'''") {
        (3, false)
    } else if rest.starts_with('"') {
        (1, true)
    } else if rest.starts_with('\'') {
        (1, false)
    } else {
        (0, false)
    };
    // A newline right after the opening quotes of a multi-line string is
    // not part of it.
    let mut skip = quote;
    if quote == 3 {
        let after = rest.get(skip..).unwrap_or_default();
        if after.starts_with("\r\n") {
            skip += 2;
        } else if after.starts_with('\n') {
            skip += 1;
        }
    }
    let content = rest.get(skip..).unwrap_or_default();
    let mut chars = content.char_indices().peekable();
    let mut seen = 0;
    while let Some((at, c)) = chars.next() {
        if seen == column {
            return start + skip + at;
        }
        if basic && c == '\\' {
            match chars.peek().map(|&(_, next)| next) {
                Some('u') => {
                    chars.nth(4);
                }
                Some('U') => {
                    chars.nth(8);
                }
                // A line-ending backslash: it and the whitespace after it
                // are no characters at all.
                Some(next) if next.is_whitespace() => {
                    while chars.next_if(|&(_, w)| w.is_whitespace()).is_some() {}
                    continue;
                }
                _ => {
                    chars.next();
                }
            }
        }
        seen += 1;
    }
    start + skip + content.len()
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
        assert_eq!((err.line, err.column), (11, 9 + 24), "{err}");
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

    /// The rule of GOOD with its condition replaced by `condition`, written
    /// as a TOML literal string: its content starts at column 9 of line 11.
    fn error_for(condition: &str) -> (u32, u32, String) {
        let text = GOOD.replace("\"versioning is absent\"", &format!("'{condition}'"));
        let err = load_rule("x.toml", &text).unwrap_err();
        (err.line, err.column, err.message)
    }

    #[test]
    fn comparisons_of_the_wrong_type_are_errors() {
        let (line, column, message) = error_for(r#"versioning.enabled == "yes""#);
        assert_eq!((line, column), (11, 9 + 22), "{message}");
        assert_eq!(
            message,
            "in `when`: `versioning.enabled` is a bool and cannot be compared with the string \"yes\"; write `true` or `false`, or use the fact as a condition"
        );
        let (line, column, message) = error_for("acl.canned == 3");
        assert_eq!((line, column), (11, 9 + 14), "{message}");
        assert!(
            message.starts_with("in `when`: `acl.canned` is an enum canned_acl and cannot be compared with the number 3; write one of `private`, `public-read`,"),
            "{message}"
        );
        let (_, column, message) = error_for("3 == acl.canned");
        assert_eq!(column, 9, "{message}");
        let (_, column, message) = error_for(r#"tags == "x""#);
        assert_eq!(column, 9 + 8, "{message}");
        assert!(message.contains("`tags` is a map"), "{message}");
    }

    #[test]
    fn values_outside_an_enum_are_errors() {
        let (line, column, message) = error_for(r#"acl.canned == "public-reed""#);
        assert_eq!((line, column), (11, 9 + 14), "{message}");
        assert!(
            message.starts_with("in `when`: \"public-reed\" is not a value of `acl.canned` (enum canned_acl); write one of `private`, `public-read`, `public-read-write`,"),
            "{message}"
        );
        let (_, column, message) = error_for(r#"grant.group == "Everyone""#);
        assert!(message.contains("unknown fact `grant.group`"), "{message}");
        assert_eq!(column, 9, "{message}");
    }

    #[test]
    fn another_languages_spelling_names_the_one_to_write() {
        let (line, column, message) = error_for(r#"acl.canned == "PublicRead""#);
        assert_eq!((line, column), (11, 9 + 14), "{message}");
        assert_eq!(
            message,
            "in `when`: `PublicRead` is CloudFormation's spelling; write `public-read` (`acl.canned` spells each value one way)"
        );
        let (_, column, message) = error_for(r#"acl.canned in ["public-read", "PublicReadWrite"]"#);
        assert_eq!(column, 9 + 30, "{message}");
        assert!(message.contains("write `public-read-write`"), "{message}");
        let (_, _, message) = error_for("versioning.status == true");
        assert!(
            message.contains("`true` is the spelling of Terraform's older `versioning { enabled = true }`; write `\"Enabled\"`"),
            "{message}"
        );
    }

    #[test]
    fn bare_conditions_must_be_bools() {
        let (line, column, message) = error_for("versioning is absent and acl.canned");
        assert_eq!((line, column), (11, 9 + 25), "{message}");
        assert_eq!(
            message,
            "in `when`: `acl.canned` is an enum canned_acl, not a bool: compare it with a value, or test `acl.canned is present`"
        );
        let (_, column, message) = error_for("not versioning");
        assert_eq!(column, 9 + 4, "{message}");
        assert_eq!(
            message,
            "in `when`: `versioning` is a presence fact, not a bool: write `versioning is present`"
        );
        assert_eq!(
            error_for("\"yes\"").2,
            "in `when`: the string \"yes\" is not a condition"
        );
    }

    #[test]
    fn in_lists_are_checked_member_by_member() {
        let (line, column, message) = error_for(r#"acl.canned in ["public-read", 3]"#);
        assert_eq!((line, column), (11, 9 + 30), "{message}");
        assert!(
            message.contains("cannot be compared with the number 3"),
            "{message}"
        );
        let (_, column, message) = error_for(r#"acl.canned in ["public-read", "public-reed"]"#);
        assert_eq!(column, 9 + 30, "{message}");
        assert!(
            message.contains("\"public-reed\" is not a value"),
            "{message}"
        );
        let (_, column, message) = error_for(r#"acl.canned in "public-read""#);
        assert_eq!(column, 9 + 14, "{message}");
        assert!(message.contains("`in` needs a list"), "{message}");
    }

    #[test]
    fn positions_count_escapes_of_basic_strings() {
        let text = GOOD.replace(
            "\"versioning is absent\"",
            r#""acl.canned == \"private\" or acl.canned == 3""#,
        );
        let err = load_rule("x.toml", &text).unwrap_err();
        // `3` is character 41 of the condition and 43 of the string.
        assert_eq!((err.line, err.column), (11, 9 + 43), "{err}");
        let text = GOOD.replace(
            "when = \"versioning is absent\"",
            "when = \"\"\"\nversioning is absent and \\\n    acl.canned == 3\"\"\"",
        );
        let err = load_rule("x.toml", &text).unwrap_err();
        assert_eq!((err.line, err.column), (13, 19), "{err}");
    }

    #[test]
    fn well_typed_conditions_load_and_mark_enums() {
        let text = GOOD.replace(
            "\"versioning is absent\"",
            r#"'acl.canned in ["public-read", "private"] and versioning.enabled == true and not (logging is absent)'"#,
        );
        let rule = load_rule("x.toml", &text).unwrap();
        let Expr::And(left, _) = &rule.checks[0].when else {
            panic!("{:?}", rule.checks[0].when)
        };
        let Expr::And(left, _) = left.as_ref() else {
            panic!("{left:?}")
        };
        let Expr::In(needle, _) = left.as_ref() else {
            panic!("{left:?}")
        };
        assert_eq!(needle.normalise.map(|e| e.name), Some("canned_acl"));
    }

    #[test]
    fn edits_name_dialects_and_places_that_exist() {
        let with = |edit: &str| GOOD.replace("message =", &format!("{edit}\nmessage ="));
        let rule = load_rule(
            "x.toml",
            &with("at = \"acl.canned\"\nedit.set.terraform = \"private\"\nedit.set.cloudformation = \"Private\""),
        )
        .unwrap();
        let edit = rule.checks[0].edit.as_ref().unwrap();
        assert_eq!(
            edit.set.get(&Dialect::Terraform),
            Some(&Literal::String("private".into()))
        );
        let error = |text: &str| load_rule("x.toml", &with(text)).unwrap_err().message;
        assert!(error("edit.set.terraform = \"private\"").contains("has no `at`"));
        assert!(error("at = \"acl.canned\"\nedit.set.hcl = true").contains("unknown dialect `hcl`"));
        assert!(
            error("at = \"acl.canned\"\nedit.set.terraform = 1").contains("a string or a boolean")
        );
        assert!(error("edit.add.terraform.acl = 'x = 1'").contains("a place is `after`"));
        assert!(error("edit.add.cloudformation.resource = 'X: 1'")
            .contains("CloudFormation ones a table"));
        assert!(error("edit.also.terraform.after = 'x'").contains("`also` goes with `set`"));
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
