//! What a lint run produces, shared by the policy engine (which fills it) and
//! every renderer (which only reads it).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::{
    FileId, Fingerprint, ListedFiles, Position, ReadFile, SharedStr, SourceFile, Span, ValueOrigin,
};

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

pub use crate::kinds::ResourceKind;

/// The resource a finding is about, as reports name it. The text is shared
/// by every finding about the resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    pub address: SharedStr,
    pub resource_type: SharedStr,
    pub kind: ResourceKind,
    /// The CDK construct path (`PhiStack/PublicBucket/Resource`), for a
    /// resource of a cloud assembly.
    pub construct_path: Option<SharedStr>,
}

/// One finding. What every finding of a check repeats (rule id, label,
/// HIPAA sections, a fix with nothing to fill in) is shared, not copied
/// (see [`SharedStr`]).
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: SharedStr,
    /// Which check of the rule made it: its index in the policy file's
    /// `[[check]]` tables (coverage tests read it; no output shows it).
    pub check: usize,
    pub severity: Severity,
    pub message: SharedStr,
    /// A few words under the underlined span: what is wrong there.
    pub label: SharedStr,
    /// The offending value, or the resource header when something is missing.
    pub span: Span,
    pub resource: ResourceRef,
    /// The attribute path the finding is about (`acl`, `versioning.status`), for fingerprints.
    pub path: SharedStr,
    pub hipaa: Arc<[String]>,
    /// How to repair it, in the file's own language (JSON `help`).
    pub help: Option<SharedStr>,
    /// The repair as text edits, when one can be made mechanically
    /// (`--fix`, JSON `fix`, SARIF `fixes`).
    pub fix: Option<Box<Fix>>,
    pub fingerprint: Fingerprint,
    pub suppressed: Option<Suppression>,
    /// What else the reader should know: the module call a finding inside a
    /// module comes through, an instance standing for an unknown count.
    pub notes: Vec<String>,
    /// Where the offending value was decided when not at `span` (see
    /// [`crate::Origins`]): from where it was written to its last hop.
    /// The first one is the place to change.
    pub origins: Vec<ValueOrigin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub reason: String,
}

/// Text edits that repair a finding, with whether `--fix` may apply them
/// unasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the edits do, and for an unsafe fix why it is unsafe.
    pub description: String,
    /// Sorted by file and start; none overlaps another.
    pub edits: Vec<Edit>,
}

/// Whether a fix changes nothing but the offending setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// A literal replaced where it is written, read by nothing else, and
    /// applied by AWS in place: `--fix` applies it.
    Safe,
    /// Adds text, changes a value other settings read too, or makes AWS
    /// replace the resource: only `--unsafe-fixes` applies it.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the text at `span` (empty for an insertion) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A check that an unknown value left undecided.
#[derive(Debug, Clone)]
pub struct Undecided {
    pub rule: SharedStr,
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

/// What renderers need to know about a rule: its documentation, for formats
/// that describe the rules they report (SARIF's `tool.driver.rules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    /// `s3-public-acl`.
    pub id: String,
    /// The id in PascalCase (`S3PublicAcl`), as SARIF's `name` wants it.
    pub name: String,
    /// One line, no final period: `S3 bucket ACL grants access to everyone`.
    pub title: String,
    /// Paragraphs of Markdown: what the rule finds and why it matters for PHI.
    pub description: String,
    pub severity: Severity,
    /// Sections of 45 CFR Part 164, e.g. `164.312(a)(1)`.
    pub hipaa: Vec<String>,
    pub remediation: RuleRemediation,
    /// URLs.
    pub references: Vec<String>,
}

/// How to fix what a rule finds, once per language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleRemediation {
    pub terraform: String,
    pub cloudformation: String,
}

/// A rule id in PascalCase: `s3-public-acl` becomes `S3PublicAcl`.
pub fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// Everything a renderer needs.
#[derive(Debug, Default)]
pub struct Report {
    /// The rules that ran, sorted by id.
    pub rules: Vec<RuleMeta>,
    /// The files spans point into, by [`FileId`].
    pub files: Vec<SourceFile>,
    /// The other files the run read, by path only ([`Report::append`]).
    pub listed: ListedFiles,
    pub resources: usize,
    /// Boxed, so that joining the rules' findings, filtering and sorting
    /// them moves a pointer each rather than the whole record: with the
    /// records inline, joining 350,000 findings held two copies of them
    /// (issue 14).
    #[allow(clippy::vec_box)]
    pub findings: Vec<Box<Finding>>,
    pub undecided: Vec<Undecided>,
    pub errors: Vec<LintError>,
    pub skipped: Vec<Skipped>,
    /// Module calls whose source is not available offline: their outputs
    /// are unknown and their resources are not checked.
    pub unavailable_modules: Vec<crate::UnavailableModule>,
    /// In a change-aware run, how many unsuppressed findings are new
    /// against the base state (their fingerprints were not there); `None`
    /// in any other run.
    pub new: Option<usize>,
    /// What a baseline (`--baseline`) did, when one was used.
    pub baseline: Option<BaselineUse>,
}

/// A baseline's effect on a run: the findings it hid, and its entries that
/// no longer match anything (the finding was fixed, or its resource
/// renamed) and only make the file longer.
#[derive(Debug, Default, Clone)]
pub struct BaselineUse {
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Entries for a rule that ran and a file that was linted whose
    /// finding did not come up (entries for rules or files outside the run
    /// are not counted: they may still match elsewhere).
    pub stale: usize,
}

impl Report {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every file the run read: those spans point into, then the listed.
    pub fn read_files(&self) -> impl Iterator<Item = ReadFile<'_>> {
        self.files
            .iter()
            .map(ReadFile::Kept)
            .chain(self.listed.iter())
    }

    /// The files linted (not var files and the like read for values, nor
    /// context left out by `include`/`exclude`): what "Checked N files"
    /// counts, and what a run that linted nothing lacks.
    pub fn linted_files(&self) -> impl Iterator<Item = ReadFile<'_>> {
        self.read_files().filter(ReadFile::linted)
    }

    /// Adds `part`, a report of some of the run's configurations with file
    /// ids of its own: the files its findings, undecided checks, errors
    /// and unavailable modules point into are kept (renumbered after this
    /// report's), the others only listed, so that a monorepo keeps the
    /// text of the files it reports on and the paths of the rest.
    pub fn append(&mut self, mut part: Report) {
        let mut used = vec![false; part.files.len()];
        part.for_each_span(&mut |span| {
            if let Some(used) = used.get_mut(span.file.0 as usize) {
                *used = true;
            }
        });
        let mut ids = Vec::with_capacity(part.files.len());
        for (file, used) in part.files.drain(..).zip(used) {
            if used {
                let id = FileId(self.files.len() as u32);
                ids.push(id);
                self.files.push(SourceFile { id, ..file });
            } else {
                ids.push(FileId(u32::MAX));
                self.listed.push(&file);
            }
        }
        part.for_each_span(&mut |span| {
            if let Some(&id) = ids.get(span.file.0 as usize) {
                span.file = id;
            }
        });
        for file in part.listed.iter() {
            self.listed.push_read(file);
        }
        // Every part ran the same rules: their documentation is kept once.
        for rule in part.rules.drain(..) {
            if !self.rules.iter().any(|r| r.id == rule.id) {
                self.rules.push(rule);
            }
        }
        self.resources += part.resources;
        self.findings.append(&mut part.findings);
        self.undecided.append(&mut part.undecided);
        self.errors.append(&mut part.errors);
        self.skipped.append(&mut part.skipped);
        self.unavailable_modules
            .append(&mut part.unavailable_modules);
    }

    /// Calls `each` with every span of the report's findings, undecided
    /// checks, errors and unavailable modules.
    fn for_each_span(&mut self, each: &mut dyn FnMut(&mut Span)) {
        for finding in &mut self.findings {
            each(&mut finding.span);
            let origins = finding.origins.iter_mut().filter_map(|o| o.span.as_mut());
            origins.for_each(&mut *each);
            if let Some(fix) = &mut finding.fix {
                fix.edits.iter_mut().for_each(|e| each(&mut e.span));
            }
        }
        self.undecided.iter_mut().for_each(|u| each(&mut u.span));
        let errors = self.errors.iter_mut().filter_map(|e| e.span.as_mut());
        errors.for_each(&mut *each);
        let modules = self.unavailable_modules.iter_mut();
        modules.for_each(|m| each(&mut m.span));
    }

    /// The metadata of the rule with this id, when it ran.
    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
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
        let path = |span: Span| {
            files
                .get(span.file.0 as usize)
                .map_or("", |f| f.display_path.as_str())
        };
        let position =
            |a: Span, b: Span| path_order(path(a), path(b)).then_with(|| a.start.cmp(&b.start));
        // Findings are boxed: the sort's buffer holds pointers.
        self.findings.sort_by(|a, b| {
            position(a.span, b.span)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.span.end.cmp(&b.span.end))
                .then_with(|| a.resource.address.cmp(&b.resource.address))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.undecided.sort_by(|a, b| {
            position(a.span, b.span)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.span.end.cmp(&b.span.end))
                .then_with(|| a.resource.address.cmp(&b.resource.address))
                .then_with(|| a.reason.cmp(&b.reason))
        });
        // One finding per resource instance (rules.md): two instances of a
        // module that violate a rule at the same span stay two findings.
        // Spans compare by path: a file two parts of a run both read (by
        // `file()`) has an id in each ([`Report::append`]).
        let same = |a: Span, b: Span| position(a, b).is_eq() && a.end == b.end;
        self.findings.dedup_by(|a, b| {
            a.rule == b.rule
                && same(a.span, b.span)
                && a.resource.address == b.resource.address
                && a.message == b.message
        });
        self.undecided.dedup_by(|a, b| {
            a.rule == b.rule
                && same(a.span, b.span)
                && a.resource.address == b.resource.address
                && a.reason == b.reason
        });

        self.errors.sort_by(|a, b| {
            path_order(&a.path, &b.path)
                .then_with(|| a.span.map(|s| s.start).cmp(&b.span.map(|s| s.start)))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.skipped.sort_by(|a, b| path_order(&a.path, &b.path));
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        self.rules.dedup_by(|a, b| a.id == b.id);
    }

    pub fn count_at_or_above(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity >= severity)
            .count()
    }
}

/// Orders display paths component by component, so `a/b.tf` sorts before
/// `a-b.tf` and `a/z/c.tf` as a file browser shows them.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// A stable 64-bit FNV-1a hash, as 16 hex digits. Stable across platforms and
/// releases, unlike `std`'s hasher, so fingerprints can be stored in baselines.
pub fn stable_hash(parts: &[&str]) -> Fingerprint {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Fingerprint::of_hash(hash)
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
    fn pascal_case_joins_words() {
        assert_eq!(pascal_case("s3-public-acl"), "S3PublicAcl");
        assert_eq!(pascal_case("es-not-in-vpc"), "EsNotInVpc");
        assert_eq!(pascal_case("a--b_c"), "ABC");
        assert_eq!(pascal_case(""), "");
    }

    #[test]
    fn rules_are_sorted_deduplicated_and_found_by_id() {
        let meta = |id: &str| RuleMeta {
            id: id.to_string(),
            name: pascal_case(id),
            title: String::new(),
            description: String::new(),
            severity: Severity::Low,
            hipaa: Vec::new(),
            remediation: RuleRemediation::default(),
            references: Vec::new(),
        };
        let mut report = Report {
            rules: vec![meta("b"), meta("a"), meta("b")],
            ..Report::default()
        };
        report.sort();
        assert_eq!(report.rules.len(), 2);
        assert_eq!(report.rule("b").map(|r| r.name.as_str()), Some("B"));
        assert!(report.rule("c").is_none());
    }

    #[test]
    fn stable_hash_is_stable_and_separates_parts() {
        assert_eq!(stable_hash(&["a", "b"]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["ab", ""]), stable_hash(&["a", "b"]));
        assert_eq!(stable_hash(&[]), "cbf29ce484222325");
    }
}
