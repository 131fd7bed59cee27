//! The counts every format's summary reports.

use phiguard_model::{Report, Severity};
use serde::Serialize;

/// Unsuppressed findings by severity; JSON always has all four keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BySeverity {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl BySeverity {
    pub fn get(&self, severity: Severity) -> usize {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    fn add(&mut self, severity: Severity) {
        let count = match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
        };
        *count += 1;
    }
}

/// Field order is JSON's `summary` order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    /// Unsuppressed findings.
    pub findings: usize,
    /// Of those, how many are new against the base of a change-aware run;
    /// absent in other runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    pub by_severity: BySeverity,
    pub suppressed: usize,
    pub undecided: usize,
    pub errors: usize,
    pub skipped: usize,
    /// Findings a baseline hid; absent without a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baselined: Option<usize>,
    /// Baseline entries that matched nothing; absent without a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_baseline: Option<usize>,
    /// Unsuppressed findings with a fix `--fix` applies (`safe`) and with
    /// one only `--unsafe-fixes` applies (`unsafe`).
    pub fixable: Fixable,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Fixable {
    pub safe: usize,
    #[serde(rename = "unsafe")]
    pub unsafe_only: usize,
}

impl Summary {
    pub fn of(report: &Report) -> Self {
        let mut summary = Summary {
            files: report.linted_files().count(),
            resources: report.resources,
            undecided: report.undecided.len(),
            errors: report.errors.len(),
            skipped: report.skipped.len(),
            new: report.new,
            baselined: report.baseline.as_ref().map(|b| b.hidden),
            stale_baseline: report.baseline.as_ref().map(|b| b.stale),
            ..Summary::default()
        };
        for finding in &report.findings {
            if finding.suppressed.is_some() {
                summary.suppressed += 1;
            } else {
                summary.findings += 1;
                summary.by_severity.add(finding.severity);
                match finding.fix.as_ref().map(|fix| fix.applicability) {
                    Some(phiguard_model::Applicability::Safe) => summary.fixable.safe += 1,
                    Some(phiguard_model::Applicability::Unsafe) => summary.fixable.unsafe_only += 1,
                    None => {}
                }
            }
        }
        summary
    }
}
