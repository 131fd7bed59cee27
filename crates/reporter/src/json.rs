//! `--format json`: schema version 2 (`docs/json-output.md`). Structs, not
//! maps, so keys keep their documented order; the arrays are serialised
//! straight from the report as the writer reaches them.

use std::io;

use phiguard_model::{
    Finding, LintError, Position, Report, ResourceRef, Skipped, Span, Undecided, ValueOrigin,
};
use serde::Serialize;

use crate::statistics::{self, Statistic};
use crate::stream::Seq;
use crate::{RenderOptions, Summary};

const SCHEMA_VERSION: u32 = 2;

/// Each array field is a [`Seq`] of the record type named beside it.
#[derive(Serialize)]
struct Output<Findings, Undecideds, Errors, Skips, Modules> {
    schema_version: u32,
    tool: Tool,
    /// [`JsonFinding`]s.
    findings: Findings,
    /// [`JsonUndecided`]s.
    undecided: Undecideds,
    /// [`JsonError`]s.
    errors: Errors,
    /// [`JsonSkipped`]s.
    skipped: Skips,
    /// [`JsonModule`]s.
    unavailable_modules: Modules,
    summary: JsonSummary,
}

/// The summary's counts, then the statistics when asked for.
#[derive(Serialize)]
struct JsonSummary {
    #[serde(flatten)]
    counts: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Vec<Statistic>>,
}

#[derive(Serialize)]
struct JsonModule<'a> {
    address: &'a str,
    source: &'a str,
    file: &'a str,
    start: Position,
    reason: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    resource: JsonResource<'a>,
    hipaa: &'a [String],
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    fingerprint: &'a str,
    suppressed: Option<JsonSuppression<'a>>,
    notes: &'a [String],
    origins: Vec<JsonOrigin<'a>>,
}

/// The edits that repair the finding; spans are 1-based line and column
/// positions, as everywhere in this format, and each edit names its file
/// (a fix may change a var file and add a resource).
#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    description: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    start: Position,
    end: Position,
    replacement: &'a str,
}

/// Where the finding's value was decided. `file`, `start` and `end` are
/// null together, for a value given outside any file (`--var`, `TF_VAR_x`).
#[derive(Serialize)]
struct JsonOrigin<'a> {
    file: Option<&'a str>,
    start: Option<Position>,
    end: Option<Position>,
    role: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonResource<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    resource_type: &'a str,
    kind: &'static str,
    /// A CDK resource's construct path.
    #[serde(skip_serializing_if = "Option::is_none")]
    construct_path: Option<&'a str>,
}

/// SARIF's vocabulary: suppressions come from comments or metadata in the
/// linted file itself.
#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonUndecided<'a> {
    rule: &'a str,
    file: &'a str,
    start: Position,
    end: Position,
    resource: JsonResource<'a>,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    start: Option<Position>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    file: &'a str,
    reason: &'a str,
}

pub(crate) fn write(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let output = Output {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "phiguard",
            version: options.tool_version,
        },
        findings: Seq(|| report.findings.iter().map(|f| finding(report, f))),
        undecided: Seq(|| report.undecided.iter().map(|u| undecided(report, u))),
        errors: Seq(|| report.errors.iter().map(|e| error(report, e))),
        skipped: Seq(|| report.skipped.iter().map(skipped)),
        unavailable_modules: Seq(|| {
            report.unavailable_modules.iter().map(|m| JsonModule {
                address: &m.address,
                source: &m.source,
                file: file(report, m.span),
                start: report.positions(m.span).0,
                reason: &m.reason,
            })
        }),
        summary: JsonSummary {
            counts: Summary::of(report),
            statistics: options.statistics.then(|| statistics::of(report)),
        },
    };
    // Plain structs with string keys cannot fail to serialise: an error
    // is the writer's.
    serde_json::to_writer_pretty(&mut *out, &output)?;
    out.write_all(b"\n")
}

fn finding<'a>(report: &'a Report, f: &'a Finding) -> JsonFinding<'a> {
    let (start, end) = report.positions(f.span);
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: file(report, f.span),
        start,
        end,
        resource: resource(&f.resource),
        hipaa: &f.hipaa,
        help: f.help.as_deref(),
        fix: f.fix.as_deref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| {
                    let (start, end) = report.positions(e.span);
                    JsonEdit {
                        file: file(report, e.span),
                        start,
                        end,
                        replacement: &e.replacement,
                    }
                })
                .collect(),
        }),
        fingerprint: &f.fingerprint,
        suppressed: f.suppressed.as_ref().map(|s| JsonSuppression {
            kind: "inSource",
            reason: &s.reason,
        }),
        notes: &f.notes,
        origins: f.origins.iter().map(|o| origin(report, o)).collect(),
    }
}

fn origin<'a>(report: &'a Report, o: &'a ValueOrigin) -> JsonOrigin<'a> {
    let positions = o.span.map(|span| report.positions(span));
    JsonOrigin {
        file: o.span.map(|span| file(report, span)),
        start: positions.map(|(start, _)| start),
        end: positions.map(|(_, end)| end),
        role: o.role.as_str(),
        name: &o.name,
    }
}

fn undecided<'a>(report: &'a Report, u: &'a Undecided) -> JsonUndecided<'a> {
    let (start, end) = report.positions(u.span);
    JsonUndecided {
        rule: &u.rule,
        file: file(report, u.span),
        start,
        end,
        resource: resource(&u.resource),
        reason: &u.reason,
    }
}

fn error<'a>(report: &'a Report, e: &'a LintError) -> JsonError<'a> {
    JsonError {
        file: &e.path,
        start: e.span.map(|span| report.positions(span).0),
        message: &e.message,
    }
}

fn skipped(s: &Skipped) -> JsonSkipped<'_> {
    JsonSkipped {
        file: &s.path,
        reason: &s.reason,
    }
}

fn file(report: &Report, span: Span) -> &str {
    report.path(span.file)
}

fn resource(r: &ResourceRef) -> JsonResource<'_> {
    JsonResource {
        address: &r.address,
        resource_type: &r.resource_type,
        kind: r.kind.as_str(),
        construct_path: r.construct_path.as_deref(),
    }
}
