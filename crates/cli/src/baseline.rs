//! Baseline files: the fingerprints of findings a team has accepted for now,
//! so that `lint --baseline FILE` reports only new ones.

use std::collections::HashSet;
use std::path::Path;

use phiguard_model::Report;
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
        crate::progress::wanted(false),
    )?
    .report;
    let baseline = of(&report);
    let text = serde_json::to_string_pretty(&baseline)
        .map_err(|e| format!("cannot write the baseline: {e}"))?;
    output::write(Some(&args.output), &format!("{text}\n"))?;
    eprintln!(
        "phiguard: wrote {} finding(s) to {}",
        baseline.findings.len(),
        args.output.display()
    );
    Ok(if report.errors.is_empty() {
        ExitStatus::Success
    } else {
        for error in &report.errors {
            eprintln!("phiguard: error: {}: {}", error.path, error.message);
        }
        ExitStatus::Error
    })
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

/// The fingerprints a baseline file records.
pub fn read(path: &Path) -> Result<HashSet<String>, String> {
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
    Ok(baseline
        .findings
        .into_iter()
        .map(|e| e.fingerprint)
        .collect())
}
