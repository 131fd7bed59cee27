//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and SARIF viewers.
//!
//! Small serde structs of our own (as ruff and cfn-guard do) rather than a
//! SARIF crate: only the parts phiguard fills, in a fixed key order. The
//! output passes the SARIF multitool's `validate --rule-kind "Sarif;Gh"`
//! with no error and no warning (`scripts/validate-sarif`).
//!
//! - Every rule that ran is in `tool.driver.rules`, with its PascalCase name,
//!   descriptions, `helpUri` (its page), help (text and Markdown),
//!   `security-severity` and tags.
//! - Results point at paths relative to `%SRCROOT%` (the directory phiguard
//!   ran in); columns count Unicode code points (`columnKind`).
//! - Suppressed findings are results with an in-source suppression.
//! - Where a finding's value was decided (its origins) are
//!   `relatedLocations`, linked from the message, which is how GitHub shows
//!   them; an origin outside any file (`--var`) is named in the message.
//! - Files that could not be read or parsed are error notifications of the
//!   invocation, which is then not successful; files skipped on purpose are
//!   note notifications, and so are notices (module calls not checked) and
//!   undecided checks with `--show-undecided`. Not results: code scanning would show those as
//!   alerts at the rule's security severity, for a check that may well pass.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

use phiguard_model::{
    pascal_case, Finding, LintError, Report, RuleMeta, RuleRemediation, Severity, Skipped, Span,
    Undecided,
};
use serde::Serialize;

use crate::notices::{self, Notice};
use crate::stream::Seq;
use crate::text::{origin_place, percent_encode};
use crate::{DocsLinks, RenderOptions};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const VERSION: &str = "2.1.0";
const SRCROOT: &str = "%SRCROOT%";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// The key of `partialFingerprints`: bump the version if fingerprints change
/// meaning, so code scanning does not match old alerts to new ones.
const FINGERPRINT_KEY: &str = "phiguard/v1";

#[derive(Serialize)]
struct Log<Notifications, Results> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<Notifications, Results>; 1],
}

/// `Results` is a [`Seq`] of [`SarifResult`]s, written as the writer
/// reaches it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<Notifications, Results> {
    tool: Tool,
    invocations: [Invocation<Notifications>; 1],
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Results,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

/// A `reportingDescriptor`: one rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    /// The rule's page (`docs_url`): without one the SARIF multitool
    /// reports SARIF2012.
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    /// GitHub reads it as a string holding a number from 0.0 to 10.0.
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

/// `Notifications` is a [`Seq`] of [`Notification`]s, `None` when there
/// are none (SARIF viewers expect the key left out rather than empty).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<Notifications> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_execution_notifications: Option<Notifications>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Location<'a>; 1]>,
}

#[derive(Serialize)]
struct BaseUri {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties<'a>,
}

/// A finding's fix (`--fix` applies the same edits): its edits grouped by
/// file, each a region replaced (empty for an insertion) by new text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
    properties: FixProperties,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation<'a>; 1]>,
}

/// A `location` with the `id` an embedded link (`[text](1)`) in the
/// result's message refers to.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: &'static str,
    resource_type: &'a str,
    hipaa: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    #[serde(rename = "constructPath", skip_serializing_if = "Option::is_none")]
    construct_path: Option<&'a str>,
}

pub(crate) fn write(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let rules = rules(report);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.id.as_str(), i))
        .collect();
    let undecided_shown = if options.show_undecided {
        report.undecided.as_slice()
    } else {
        &[]
    };
    let notices = notices::notices(report);
    let notifications = Seq(|| {
        let errors = report.errors.iter().map(|e| error(report, e));
        let skips = report.skipped.iter().map(skipped);
        let notes = notices.iter().map(|n| notice(report, n));
        let undecideds = undecided_shown.iter().map(|u| undecided(report, u));
        errors.chain(skips).chain(notes).chain(undecideds)
    });
    let any_notification = !(report.errors.is_empty()
        && report.skipped.is_empty()
        && notices.is_empty()
        && undecided_shown.is_empty());
    let log = Log {
        schema: SCHEMA,
        version: VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "phiguard",
                    version: options.tool_version,
                    semantic_version: options.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: rules
                        .iter()
                        .map(|rule| descriptor(rule, &options.docs))
                        .collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: any_notification.then_some(notifications),
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    description: Text {
                        text: "The directory phiguard ran in: result paths are relative to it."
                            .to_string(),
                    },
                },
            )]),
            results: Seq(|| {
                report
                    .findings
                    .iter()
                    .map(|f| result(report, f, index.get(f.rule.as_str()).copied()))
            }),
            column_kind: "unicodeCodePoints",
        }],
    };
    // Plain structs with string keys cannot fail to serialise: an error
    // is the writer's.
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The rules that ran, then any rule a finding names that did not come with
/// metadata (so every result has a `ruleIndex`), all sorted by id.
fn rules(report: &Report) -> Vec<Cow<'_, RuleMeta>> {
    let known: BTreeSet<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
    let mut extra: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        if !known.contains(f.rule.as_str()) {
            extra.entry(&f.rule).or_default().push(f);
        }
    }
    let mut rules: Vec<Cow<'_, RuleMeta>> = report.rules.iter().map(Cow::Borrowed).collect();
    rules.extend(
        extra
            .into_iter()
            .map(|(id, findings)| Cow::Owned(undocumented_rule(id, &findings))),
    );
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules
}

fn undocumented_rule(id: &str, findings: &[&Finding]) -> RuleMeta {
    let severity = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Low);
    let hipaa: BTreeSet<&String> = findings.iter().flat_map(|f| f.hipaa.iter()).collect();
    RuleMeta {
        id: id.to_string(),
        name: pascal_case(id),
        title: format!("phiguard rule {id}"),
        description: format!("Findings of the phiguard rule `{id}`."),
        severity,
        hipaa: hipaa.into_iter().cloned().collect(),
        remediation: RuleRemediation::default(),
        references: Vec::new(),
    }
}

fn descriptor(rule: &RuleMeta, docs: &DocsLinks) -> Descriptor {
    let mut tags = vec!["security".to_string(), "hipaa".to_string()];
    tags.extend(rule.hipaa.iter().cloned());
    Descriptor {
        id: rule.id.clone(),
        name: rule.name.clone(),
        short_description: Text {
            text: sentence(&rule.title),
        },
        full_description: Text {
            text: sentence(&rule.description),
        },
        help_uri: docs.url(&rule.id),
        help: Help {
            text: help_text(rule),
            markdown: help_markdown(rule),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(rule.severity),
        },
    }
}

fn help_text(rule: &RuleMeta) -> String {
    let mut text = sentence(&rule.description);
    let RuleRemediation {
        terraform,
        cloudformation,
    } = &rule.remediation;
    if !terraform.is_empty() {
        text.push_str("\n\nRemediation in Terraform:\n\n");
        text.push_str(terraform);
    }
    if !cloudformation.is_empty() {
        text.push_str("\n\nRemediation in CloudFormation:\n\n");
        text.push_str(cloudformation);
    }
    if !rule.hipaa.is_empty() {
        text.push_str("\n\nHIPAA Security Rule sections (45 CFR Part 164): ");
        text.push_str(&rule.hipaa.join(", "));
        text.push('.');
    }
    if !rule.references.is_empty() {
        text.push_str("\n\nReferences:\n");
        for reference in &rule.references {
            text.push_str("\n- ");
            text.push_str(reference);
        }
    }
    text
}

fn help_markdown(rule: &RuleMeta) -> String {
    let mut md = sentence(&rule.description);
    let RuleRemediation {
        terraform,
        cloudformation,
    } = &rule.remediation;
    if !terraform.is_empty() || !cloudformation.is_empty() {
        md.push_str("\n\n## Remediation");
    }
    if !terraform.is_empty() {
        md.push_str("\n\nTerraform:\n\n");
        md.push_str(&fenced("hcl", terraform));
    }
    if !cloudformation.is_empty() {
        md.push_str("\n\nCloudFormation:\n\n");
        md.push_str(&fenced("yaml", cloudformation));
    }
    if !rule.hipaa.is_empty() {
        md.push_str("\n\n## HIPAA\n\nSections of the HIPAA Security Rule (45 CFR Part 164):\n");
        for section in &rule.hipaa {
            md.push_str("\n- ");
            md.push_str(section);
        }
    }
    if !rule.references.is_empty() {
        md.push_str("\n\n## References\n");
        for reference in &rule.references {
            md.push_str("\n- <");
            md.push_str(reference);
            md.push('>');
        }
    }
    md
}

/// A Markdown code block whose fence is longer than any run of backticks in
/// the code.
fn fenced(language: &str, code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{code}\n{fence}")
}

fn result<'a>(report: &'a Report, f: &'a Finding, rule_index: Option<usize>) -> SarifResult<'a> {
    let (related_locations, message) = origins(report, f);
    SarifResult {
        rule_id: &f.rule,
        // `rules` covers every finding's rule, so the index is always there.
        rule_index: rule_index.unwrap_or(0),
        level: level(f.severity),
        message: Text { text: message },
        locations: [Location {
            physical_location: physical(report, report.path(f.span.file), Some(f.span)),
            logical_locations: Some([LogicalLocation {
                fully_qualified_name: &f.resource.address,
                kind: "resource",
            }]),
        }],
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        suppressions: f.suppressed.as_ref().map(|s| {
            [SarifSuppression {
                kind: "inSource",
                justification: &s.reason,
            }]
        }),
        properties: ResultProperties {
            severity: f.severity.as_str(),
            resource_type: &f.resource.resource_type,
            hipaa: &f.hipaa,
            fix: f.help.as_deref(),
            construct_path: f.resource.construct_path.as_deref(),
        },
        fixes: f
            .fix
            .as_deref()
            .map(|fix| fixes(report, fix))
            .into_iter()
            .collect(),
    }
}

fn fixes(report: &Report, fix: &phiguard_model::Fix) -> SarifFix {
    let mut changes: Vec<ArtifactChange> = Vec::new();
    let mut files: Vec<phiguard_model::FileId> = Vec::new();
    for edit in &fix.edits {
        let (start, end) = report.positions(edit.span);
        let replacement = Replacement {
            deleted_region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
            inserted_content: Text {
                text: edit.replacement.clone(),
            },
        };
        match files.iter().position(|f| *f == edit.span.file) {
            Some(i) => changes[i].replacements.push(replacement),
            None => {
                files.push(edit.span.file);
                changes.push(ArtifactChange {
                    artifact_location: artifact(report.path(edit.span.file)),
                    replacements: vec![replacement],
                });
            }
        }
    }
    SarifFix {
        description: Text {
            text: sentence(&fix.description),
        },
        artifact_changes: changes,
        properties: FixProperties {
            applicability: fix.applicability.as_str(),
        },
    }
}

/// The related locations of a finding's origins that are in a file (ids
/// from 1, in the origins' order), and its message naming every origin:
/// those with a location as a link to it, the others (`--var`) in words.
fn origins(report: &Report, f: &Finding) -> (Vec<RelatedLocation>, String) {
    if f.origins.is_empty() {
        return (Vec::new(), sentence(&f.message));
    }
    let mut related = Vec::new();
    let mut named = Vec::new();
    for origin in &f.origins {
        let place = origin_place(report, origin);
        match origin.span {
            Some(span) => {
                let id = related.len() + 1;
                related.push(RelatedLocation {
                    id,
                    physical_location: physical(report, report.path(span.file), Some(span)),
                    message: Text {
                        text: sentence(&format!("{}: {}", origin.role.label(), origin.name)),
                    },
                });
                named.push(format!("[{}]({id})", escape_link_text(&place)));
            }
            None => named.push(place),
        }
    }
    let message = sentence(&format!("{} ({})", f.message.trim_end(), named.join(", ")));
    (related, message)
}

/// Link text of an embedded link: SARIF wants `[`, `]` and `\` in it
/// escaped with a backslash (a path may hold brackets).
fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn error<'a>(report: &'a Report, e: &'a LintError) -> Notification<'a> {
    Notification {
        level: "error",
        message: Text {
            text: sentence(&e.message),
        },
        locations: Some([Location {
            physical_location: physical(report, &e.path, e.span),
            logical_locations: None,
        }]),
    }
}

fn undecided<'a>(report: &'a Report, u: &'a Undecided) -> Notification<'a> {
    Notification {
        level: "note",
        message: Text {
            text: sentence(&format!(
                "undecided [{}] {}: {}",
                u.rule, u.resource.address, u.reason
            )),
        },
        locations: Some([Location {
            physical_location: physical(report, report.path(u.span.file), Some(u.span)),
            logical_locations: Some([LogicalLocation {
                fully_qualified_name: &u.resource.address,
                kind: "resource",
            }]),
        }]),
    }
}

/// A notice (a module call not checked) as a note, at its place when it
/// has one: code scanning users learn what was not looked at.
fn notice<'a>(report: &'a Report, n: &Notice) -> Notification<'a> {
    Notification {
        level: "note",
        message: Text {
            text: sentence(&n.message),
        },
        locations: n.span.map(|span| {
            [Location {
                physical_location: physical(report, report.path(span.file), Some(span)),
                logical_locations: None,
            }]
        }),
    }
}

fn skipped(s: &Skipped) -> Notification<'_> {
    Notification {
        level: "note",
        message: Text {
            text: sentence(&format!("skipped: {}", s.reason)),
        },
        locations: Some([Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&s.path),
                region: None,
            },
            logical_locations: None,
        }]),
    }
}

fn physical(report: &Report, path: &str, span: Option<Span>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(path),
        region: span.map(|span| {
            let (start, end) = report.positions(span);
            Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            }
        }),
    }
}

/// A path as phiguard reports it (relative to the working directory, with
/// `/`), as a URI: relative to `%SRCROOT%`, or a `file:` URI when the path
/// is absolute (a file outside the working directory).
fn artifact(path: &str) -> ArtifactLocation {
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", percent_encode(path)),
            uri_base_id: None,
        }
    } else if drive {
        ArtifactLocation {
            uri: format!("file:///{}:{}", &path[..1], percent_encode(&path[2..])),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// SARIF wants messages that are whole sentences (rule SARIF2001).
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub code scanning's scale: critical above 9.0, high 7.0 to 8.9,
/// medium 4.0 to 6.9, low below.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        let relative = artifact("infra/my stack/s3#1.tf");
        assert_eq!(relative.uri, "infra/my%20stack/s3%231.tf");
        assert_eq!(relative.uri_base_id, Some(SRCROOT));
        assert_eq!(artifact("a:b.tf").uri, "a%3Ab.tf");
        let absolute = artifact("/tmp/x y.tf");
        assert_eq!(absolute.uri, "file:///tmp/x%20y.tf");
        assert_eq!(absolute.uri_base_id, None);
        assert_eq!(artifact("C:/infra/s3.tf").uri, "file:///C:/infra/s3.tf");
        assert_eq!(artifact("é.tf").uri, "%C3%A9.tf");
    }

    #[test]
    fn link_text_escapes_brackets() {
        assert_eq!(escape_link_text("a[0]\\b.tf"), "a\\[0\\]\\\\b.tf");
    }

    #[test]
    fn sentences_end_with_a_period() {
        assert_eq!(sentence("no logging"), "no logging.");
        assert_eq!(sentence("done.\n"), "done.");
    }

    #[test]
    fn fences_outgrow_backticks_in_the_code() {
        assert_eq!(fenced("hcl", "a"), "```hcl\na\n```");
        assert_eq!(fenced("md", "````"), "`````md\n````\n`````");
    }
}
