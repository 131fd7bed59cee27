//! Baseline files: the fingerprints of findings a team has accepted for now,
//! so that `lint --baseline FILE` reports only new ones.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use phiguard_model::{BaselineUse, Report};
use serde::{Deserialize, Serialize};

use crate::args::BaselineArgs;
use crate::{analysis, output, ExitStatus};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Baseline {
    schema_version: u32,
    findings: Vec<Entry>,
}

/// Rule, file and resource are there for people reading the file; only
/// the fingerprint is matched.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    file: String,
    resource: String,
}

pub fn run(args: &BaselineArgs) -> Result<ExitStatus, String> {
    let report = analysis::analyse(
        &args.lint,
        &crate::changes::Mode::Plain,
        false,
        None,
        crate::progress::wanted(false),
    )?
    .report;
    // A run that could not read everything, or read nothing, would record
    // a baseline missing findings: an existing one would lose them.
    if !report.errors.is_empty() {
        for error in &report.errors {
            eprintln!("phiguard: error: {}: {}", error.path, error.message);
        }
        return Err(format!(
            "{} not written: the run had errors, so it would miss findings",
            args.output.display()
        ));
    }
    if report.linted_files().next().is_none() {
        return Err(format!(
            "{} not written: nothing was linted (no Terraform file or CloudFormation template in the paths)",
            args.output.display()
        ));
    }
    let baseline = of(&report);
    // Replacing a baseline is said, with what changed: it is audit
    // evidence of accepted findings.
    let before = args
        .output
        .is_file()
        .then(|| read(&args.output).ok())
        .flatten();
    let text = serde_json::to_string_pretty(&baseline)
        .map_err(|e| format!("cannot write the baseline: {e}"))?;
    output::write(Some(&args.output), &format!("{text}\n"))?;
    let count = plural(baseline.findings.len());
    match before {
        Some(before) => {
            let after: HashSet<&str> = baseline
                .findings
                .iter()
                .map(|e| e.fingerprint.as_str())
                .collect();
            let before: HashSet<&str> = before.iter().map(|e| e.fingerprint.as_str()).collect();
            let added = after.difference(&before).count();
            let removed = before.difference(&after).count();
            eprintln!(
                "phiguard: replaced {}: {count} ({added} added, {removed} removed)",
                args.output.display()
            );
        }
        None => eprintln!("phiguard: wrote {count} to {}", args.output.display()),
    }
    Ok(ExitStatus::Success)
}

fn of(report: &Report) -> Baseline {
    let mut findings: Vec<Entry> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| Entry {
            fingerprint: f.fingerprint.to_string(),
            rule: f.rule.to_string(),
            // The path the fingerprint was made from.
            file: report.files.get(f.span.file.0 as usize).map_or_else(
                || report.path(f.span.file).to_string(),
                |file| file.project_path.clone(),
            ),
            resource: f.resource.address.to_string(),
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.file, &a.rule, &a.fingerprint).cmp(&(&b.file, &b.rule, &b.fingerprint))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    Baseline {
        schema_version: 1,
        findings,
    }
}

fn plural(n: usize) -> String {
    format!("{n} finding{}", if n == 1 { "" } else { "s" })
}

/// Hides the findings `path` records; says how many, and how many of its
/// entries (for rules that ran, in files that were linted) match nothing.
pub fn apply(report: &mut Report, path: &Path) -> Result<(), String> {
    let entries = read(path)?;
    let known: HashSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let found: HashSet<&str> = report
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let ran: HashSet<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
    let linted: HashSet<Cow<str>> = report.linted_files().map(|f| f.project_path()).collect();
    let stale = entries
        .iter()
        .filter(|e| {
            ran.contains(e.rule.as_str())
                && linted.contains(e.file.as_str())
                && !found.contains(e.fingerprint.as_str())
        })
        .count();
    let before = report.findings.len();
    report
        .findings
        .retain(|f| !known.contains(f.fingerprint.as_str()));
    report.baseline = Some(BaselineUse {
        hidden: before - report.findings.len(),
        stale,
    });
    Ok(())
}

/// The entries a baseline file records.
fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let text = phiguard_linter::read_text(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a phiguard baseline: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if baseline.schema_version != 1 {
        return Err(format!(
            "{}: baseline schema version {} is not supported (expected 1)",
            path.display(),
            baseline.schema_version
        ));
    }
    Ok(baseline.findings)
}
