//! A change-aware run (`--staged`, `--changed-since`): the configurations
//! the changed paths belong to or feed are linted in both states, and the
//! report keeps what the change is answerable for.
//!
//! Findings located in a changed file, or whose value was set in one, are
//! reported as a run on those files would report them. That alone misses
//! what a change causes elsewhere: deleting the file that held a bucket's
//! only TLS-deny policy leaves the finding on the bucket, in a file nobody
//! touched. So every finding of the new state whose fingerprint the base
//! state did not have is reported too, and counted as new.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use phiguard_model::{display_path, Report, Span};
use phiguard_parser::fs::Files;
use phiguard_parser::LoadOptions;

use crate::{concerns, lint, Inputs, Settings};

/// Lints the configurations that `changed` (absolute paths, in either
/// state: both paths of a rename, deleted files too) belong to or feed,
/// once as `base` holds them and once as `new` does, and returns the new
/// state's report with only the findings in or caused by changed files
/// and those new against the base; `Report::new` counts the latter.
/// `repository` is searched for the roots that call a changed module.
/// With `only_new`, only the new findings are kept (a pull request's check
/// of what it adds).
/// Errors and skipped files are the new state's: the base's are not the
/// change's doing.
pub fn lint_changes(
    settings: &Settings,
    load: &LoadOptions,
    changed: &[PathBuf],
    repository: &Path,
    base: Files,
    new: Files,
    only_new: bool,
) -> Report {
    let state = |files: Files| {
        let load = LoadOptions {
            files,
            ..load.clone()
        };
        let mut inputs = Inputs::files(load, changed, repository);
        // Everything the configurations hold is needed: a finding outside
        // the changed files may be new.
        inputs.only = None;
        lint(settings, &inputs)
    };
    // The states are independent: linting them side by side halves the
    // wait of a pre-commit hook on a machine with more than one core.
    let (before, mut report) = rayon::join(|| state(base), || state(new));

    let known: HashSet<&str> = before
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let touched: HashSet<String> = changed
        .iter()
        .map(|p| display_path(p, &load.base_dir))
        .collect();
    let paths: Vec<String> = report
        .files
        .iter()
        .map(|f| f.display_path.clone())
        .collect();
    let path_of = |span: Span| paths.get(span.file.0 as usize).map_or("", String::as_str);
    report.findings.retain(|f| {
        !known.contains(f.fingerprint.as_str()) || (!only_new && concerns(f, &touched, &path_of))
    });
    report
        .undecided
        .retain(|u| touched.contains(path_of(u.span)));
    report.new = Some(
        report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && !known.contains(f.fingerprint.as_str()))
            .count(),
    );
    report
}

#[cfg(test)]
mod tests {
    // A failure here is a failed test.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeMap;
    use std::sync::Arc;

    use phiguard_parser::fs::{Entry, EntryKind, FileSystem};
    use phiguard_parser::limits::ReadError;

    use super::*;
    use crate::PerPathIgnores;

    fn settings() -> Settings {
        Settings {
            registry: phiguard_policy::Registry::builtin()
                .unwrap_or_else(|errors| panic!("{errors:?}")),
            select: Vec::new(),
            ignore: Vec::new(),
            severity_overrides: Vec::new(),
            per_path_ignores: PerPathIgnores::default(),
            min_severity: None,
            scope: phiguard_policy::Scope::All,
            today: "2024-01-01".into(),
            project_root: PathBuf::from("/r"),
        }
    }

    /// A tree in memory under `/r`, as a git snapshot answers.
    #[derive(Debug)]
    struct Memory(BTreeMap<PathBuf, String>);

    impl Memory {
        fn files(files: &[(&str, &str)]) -> Files {
            Files(Arc::new(Memory(
                files
                    .iter()
                    .map(|(p, t)| (Path::new("/r").join(p), t.to_string()))
                    .collect(),
            )))
        }
    }

    impl FileSystem for Memory {
        fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
            self.0
                .get(path)
                .map(|t| t.clone().into_bytes())
                .ok_or_else(|| ReadError::Io(std::io::ErrorKind::NotFound.into()))
        }

        fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
            let mut entries = BTreeMap::new();
            for path in self.0.keys() {
                let Ok(rest) = path.strip_prefix(dir) else {
                    continue;
                };
                let mut parts = rest.components();
                let Some(first) = parts.next() else { continue };
                let kind = if parts.next().is_some() {
                    EntryKind::Dir
                } else {
                    EntryKind::File
                };
                entries.insert(first.as_os_str().to_string_lossy().into_owned(), kind);
            }
            Ok(entries
                .into_iter()
                .map(|(name, kind)| Entry { name, kind })
                .collect())
        }

        fn kind(&self, path: &Path) -> Option<EntryKind> {
            if self.0.contains_key(path) {
                Some(EntryKind::File)
            } else if self.0.keys().any(|p| p.starts_with(path)) {
                Some(EntryKind::Dir)
            } else {
                None
            }
        }
    }

    const BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n";
    const TLS: &str = r#"resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
"#;

    fn run(base: &[(&str, &str)], new: &[(&str, &str)], changed: &[&str]) -> Report {
        run_with(base, new, changed, false)
    }

    fn run_with(
        base: &[(&str, &str)],
        new: &[(&str, &str)],
        changed: &[&str],
        only_new: bool,
    ) -> Report {
        let load = LoadOptions {
            base_dir: PathBuf::from("/r"),
            ..LoadOptions::default()
        };
        let changed: Vec<PathBuf> = changed.iter().map(|p| Path::new("/r").join(p)).collect();
        lint_changes(
            &settings(),
            &load,
            &changed,
            Path::new("/r"),
            Memory::files(base),
            Memory::files(new),
            only_new,
        )
    }

    fn rules(report: &Report) -> Vec<&str> {
        report.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn deleting_a_policy_file_reports_what_it_leaves_open() {
        let base = [("main.tf", BUCKET), ("tls.tf", TLS)];
        let new = [("main.tf", BUCKET)];
        let report = run(&base, &new, &["tls.tf"]);
        assert_eq!(rules(&report), ["s3-insecure-transport"]);
        assert_eq!(report.new, Some(1));
        // Findings of untouched files that were already there are not
        // the change's.
        let unchanged = run(&new, &new, &["other.tf"]);
        assert_eq!(unchanged.new, Some(0));
    }

    #[test]
    fn findings_in_a_changed_file_are_reported_even_when_known() {
        let files = [("main.tf", BUCKET)];
        let report = run(&files, &files, &["main.tf"]);
        assert!(!report.findings.is_empty());
        assert_eq!(report.new, Some(0));
        let elsewhere = run(&files, &files, &["README.md"]);
        assert!(elsewhere.findings.is_empty(), "{:?}", rules(&elsewhere));
        // A pull request's check of what it adds: the known ones go.
        let only_new = run_with(&files, &files, &["main.tf"], true);
        assert!(only_new.findings.is_empty(), "{:?}", rules(&only_new));
    }

    #[test]
    fn only_new_keeps_what_the_change_adds() {
        let base = [("main.tf", BUCKET), ("tls.tf", TLS)];
        let new = [("main.tf", BUCKET)];
        let report = run_with(&base, &new, &["tls.tf", "main.tf"], true);
        assert_eq!(rules(&report), ["s3-insecure-transport"]);
        assert_eq!(report.new, Some(1));
    }
}
