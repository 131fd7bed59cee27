//! What a lint run produces, shared by the policy engine (which fills it) and
//! every renderer (which only reads it).

use std::fmt;
use std::str::FromStr;

use crate::{FileId, Position, SourceFile, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium or low)"
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    S3Bucket,
    SearchDomain,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "s3_bucket",
            ResourceKind::SearchDomain => "search_domain",
        }
    }
}

impl FromStr for ResourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "s3_bucket" => Ok(ResourceKind::S3Bucket),
            "search_domain" => Ok(ResourceKind::SearchDomain),
            other => Err(format!(
                "unknown resource kind `{other}` (expected s3_bucket or search_domain)"
            )),
        }
    }
}

/// The resource a finding is about, as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    pub address: String,
    pub resource_type: String,
    pub kind: ResourceKind,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// A few words under the underlined span: what is wrong there.
    pub label: String,
    /// The offending value, or the resource header when something is missing.
    pub span: Span,
    pub resource: ResourceRef,
    /// The attribute path the finding is about (`acl`, `versioning.status`), for fingerprints.
    pub path: String,
    pub hipaa: Vec<String>,
    /// A short fix in the file's own language.
    pub fix: Option<String>,
    pub fingerprint: String,
    pub suppressed: Option<Suppression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub reason: String,
}

/// A check that an unknown value left undecided.
#[derive(Debug, Clone)]
pub struct Undecided {
    pub rule: String,
    pub span: Span,
    pub resource: ResourceRef,
    pub reason: String,
}

/// A file that could not be read or parsed, or a bad input.
#[derive(Debug, Clone)]
pub struct LintError {
    /// The path as reported to users.
    pub path: String,
    /// Where in the file, when the file could be read.
    pub span: Option<Span>,
    pub message: String,
}

/// A file named on the command line that phiguard does not lint.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Everything a renderer needs.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<SourceFile>,
    pub resources: usize,
    pub findings: Vec<Finding>,
    pub undecided: Vec<Undecided>,
    pub errors: Vec<LintError>,
    pub skipped: Vec<Skipped>,
}

impl Report {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &str {
        self.file(id)
            .map_or("<unknown>", |f| f.display_path.as_str())
    }

    /// Start and end positions of a span.
    pub fn positions(&self, span: Span) -> (Position, Position) {
        match self.file(span.file) {
            Some(f) => (
                f.position(span.start as usize),
                f.position(span.end as usize),
            ),
            None => (
                Position { line: 1, column: 1 },
                Position { line: 1, column: 1 },
            ),
        }
    }

    /// Orders everything by file, line, column and rule, so output does not
    /// depend on the order in which files were read.
    pub fn sort(&mut self) {
        let files = &self.files;
        let key = |span: Span| {
            let path = files
                .get(span.file.0 as usize)
                .map_or("", |f| f.display_path.as_str());
            (path, span.start, span.end)
        };
        self.findings.sort_by(|a, b| {
            key(a.span)
                .cmp(&key(b.span))
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.undecided.sort_by(|a, b| {
            key(a.span)
                .cmp(&key(b.span))
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.reason.cmp(&b.reason))
        });
        self.findings
            .dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.message == b.message);
        self.undecided
            .dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.reason == b.reason);
        self.errors.sort_by(|a, b| {
            (a.path.as_str(), a.span.map(|s| s.start))
                .cmp(&(b.path.as_str(), b.span.map(|s| s.start)))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    }

    pub fn count_at_or_above(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity >= severity)
            .count()
    }
}

/// A stable 64-bit FNV-1a hash, as 16 hex digits. Stable across platforms and
/// releases, unlike `std`'s hasher, so fingerprints can be stored in baselines.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_low_to_critical() {
        assert!(Severity::Low < Severity::Medium);
        assert!(Severity::High < Severity::Critical);
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn stable_hash_is_stable_and_separates_parts() {
        assert_eq!(stable_hash(&["a", "b"]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["ab", ""]), stable_hash(&["a", "b"]));
        assert_eq!(stable_hash(&[]), "cbf29ce484222325");
    }
}
