//! `--statistics`: how many findings each rule made at each severity, as
//! ruff's `--statistics` counts them: a table in human output (instead of
//! the findings), `summary.statistics` in JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use phiguard_model::{Report, Severity};
use serde::Serialize;

use crate::text::visible;

/// One row: a rule at one severity (a rule's checks may differ in
/// severity, and `rules.severity` may change it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistic {
    pub count: usize,
    pub rule: String,
    #[serde(serialize_with = "severity_name")]
    pub severity: Severity,
    /// The rule's title; empty for a rule without metadata.
    pub title: String,
}

fn severity_name<S: serde::Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(severity.as_str())
}

/// The rows for the unsuppressed findings: most findings first, then the
/// more severe, then by rule id, so the order is deterministic.
pub fn of(report: &Report) -> Vec<Statistic> {
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        *counts.entry((f.rule.as_str(), f.severity)).or_default() += 1;
    }
    let mut rows: Vec<Statistic> = counts
        .into_iter()
        .map(|((rule, severity), count)| Statistic {
            count,
            rule: rule.to_string(),
            severity,
            title: report
                .rule(rule)
                .map_or(String::new(), |r| r.title.trim().to_string()),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    rows
}

/// The rows as aligned columns: count, rule id, severity, title.
pub(crate) fn table(rows: &[Statistic]) -> String {
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows
        .iter()
        .map(|r| r.rule.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for row in rows {
        let line = format!(
            "{:>count_width$}  {:rule_width$}  {:8}  {}",
            row.count,
            row.rule,
            row.severity.as_str(),
            row.title
        );
        let _ = writeln!(out, "{}", visible(line.trim_end(), &[]));
    }
    out
}
