//! `--fix`: applies the findings' fixes to the files' text in memory, lints
//! again through an overlay of the edited text, and keeps a fix only when
//! the files still parse, its finding is gone and no finding appeared;
//! repeats until nothing changes. Writing the result (or showing it as a
//! diff) is the caller's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{Applicability, Edit, Finding, Fingerprint, Report, SharedStr};
use phiguard_parser::fs::{Files, Overlay};

use crate::{lint, Inputs, Settings};

/// A run's edits are applied in rounds; each round either keeps its fixes
/// or rejects at least one, so this only bounds fixes that keep making
/// more fixes possible.
const MAX_ROUNDS: usize = 32;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    /// Also the unsafe ones (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

/// What fixing did: the report of the fixed text, each file's text before
/// and after, and how many fixes were applied.
#[derive(Debug)]
pub struct Fixed {
    /// The report of the text after fixing; a finding whose fix was not
    /// applied carries a note saying why.
    pub report: Report,
    /// Changed files, in path order.
    pub changes: Vec<FileChange>,
    pub applied: usize,
    /// Findings (not suppressed) the fixes removed: more than `applied`
    /// when one edit fixes several (a default read by two buckets).
    pub removed: usize,
}

#[derive(Debug, Clone)]
pub struct FileChange {
    /// Where to write it (symbolic links resolved).
    pub path: PathBuf,
    pub display_path: String,
    /// Relative to the repository's top folder, as `git apply` reads a
    /// diff's file names.
    pub project_path: String,
    pub before: String,
    pub after: String,
}

/// A finding as rounds compare them: its rule and fingerprint.
type Key = (SharedStr, Fingerprint);

fn key(f: &Finding) -> Key {
    (f.rule.clone(), f.fingerprint)
}

/// Where fixes may write: the repository, and each named path that is
/// not itself a symbolic link (one to a file elsewhere is read, as the
/// user asked, but not this run's to change). Real paths.
pub(crate) fn writable_roots(settings: &Settings, inputs: &Inputs) -> Vec<PathBuf> {
    let named = inputs
        .load
        .paths
        .iter()
        .map(|p| inputs.load.base_dir.join(p));
    std::iter::once(settings.project_root.clone())
        .chain(
            named.filter(|p| {
                std::fs::symlink_metadata(p).is_ok_and(|m| !m.file_type().is_symlink())
            }),
        )
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect()
}

/// Drops the fixes that would edit a file outside `roots`: every format
/// offers only fixes `--fix` may apply.
pub(crate) fn keep_writable(report: &mut Report, roots: &[PathBuf]) {
    let mut inside: HashMap<phiguard_model::FileId, bool> = HashMap::new();
    let files = &report.files;
    for finding in &mut report.findings {
        let Some(fix) = &finding.fix else { continue };
        let writable = fix.edits.iter().all(|e| {
            *inside.entry(e.span.file).or_insert_with(|| {
                files.get(e.span.file.0 as usize).is_some_and(|f| {
                    let real = real_path(&f.path);
                    roots.iter().any(|root| real.starts_with(root))
                })
            })
        });
        if !writable {
            finding.fix = None;
        }
    }
}

/// Lints `inputs`, then applies the fixes `options` allow until none is
/// left that can be applied and verified.
pub fn fix(settings: &Settings, inputs: &Inputs, options: FixOptions) -> Fixed {
    let base_files = inputs.load.files.clone();
    let allowed = writable_roots(settings, inputs);
    // Real path → (display path, text as read, text now).
    let mut texts: HashMap<PathBuf, (String, String, String)> = HashMap::new();
    let mut project_paths: HashMap<PathBuf, String> = HashMap::new();
    let mut report = lint(settings, inputs);
    let unsuppressed = |r: &Report| r.findings.iter().filter(|f| f.suppressed.is_none()).count();
    let initial = unsuppressed(&report);
    let mut rejected: HashMap<Key, String> = HashMap::new();
    let mut applied = 0;
    // Files where a round went wrong with several fixes in them: from
    // then on, one fix a round in each.
    let mut careful: HashSet<PathBuf> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<&Finding> = report
            .findings
            .iter()
            .map(|f| &**f)
            .filter(|f| f.suppressed.is_none() && !rejected.contains_key(&key(f)))
            .filter(|f| {
                f.fix.as_ref().is_some_and(|fix| {
                    options.unsafe_fixes || fix.applicability == Applicability::Safe
                })
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        // A value set outside the repository (a named path's folder, a
        // linked file) is not this run's to change.
        let mut outside = Vec::new();
        for finding in &candidates {
            let edits = finding.fix.iter().flat_map(|fix| &fix.edits);
            let out = edits.filter_map(|e| report.file(e.span.file)).find(|file| {
                let real = real_path(&file.path);
                !allowed.iter().any(|dir| real.starts_with(dir))
            });
            if let Some(file) = out {
                outside.push((
                    key(finding),
                    format!("{} is outside the linted repository", file.display_path),
                ));
            }
        }
        if !outside.is_empty() {
            rejected.extend(outside);
            continue;
        }
        let chosen = without_overlaps(&candidates, &careful, &report);
        // Apply the chosen edits to this round's text.
        let mut next = texts.clone();
        let mut touched: HashMap<Key, HashSet<PathBuf>> = HashMap::new();
        let mut by_file: HashMap<PathBuf, Vec<&Edit>> = HashMap::new();
        for finding in &chosen {
            let Some(fix) = &finding.fix else { continue };
            for edit in &fix.edits {
                let Some(file) = report.file(edit.span.file) else {
                    continue;
                };
                let real = real_path(&file.path);
                project_paths
                    .entry(real.clone())
                    .or_insert_with(|| file.project_path.clone());
                next.entry(real.clone()).or_insert_with(|| {
                    (
                        file.display_path.clone(),
                        file.text.to_string(),
                        file.text.to_string(),
                    )
                });
                touched
                    .entry(key(finding))
                    .or_default()
                    .insert(real.clone());
                by_file.entry(real).or_default().push(edit);
            }
        }
        for (path, mut edits) in by_file {
            let Some(entry) = next.get_mut(&path) else {
                continue;
            };
            edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
            for edit in edits {
                let (start, end) = (edit.span.start as usize, edit.span.end as usize);
                if entry.2.is_char_boundary(start)
                    && entry.2.is_char_boundary(end)
                    && end <= entry.2.len()
                {
                    entry.2.replace_range(start..end, &edit.replacement);
                }
            }
        }
        let relinted = lint(settings, &overlaid(inputs, &base_files, &next));
        let verdict = verify(&report, &relinted, &chosen, &touched);
        if verdict.failures.is_empty() && verdict.suspects.is_empty() {
            applied += chosen.len();
            texts = next;
            report = relinted;
            continue;
        }
        let progress = !verdict.failures.is_empty();
        rejected.extend(verdict.failures);
        let mut narrowed = false;
        for (path, _) in &verdict.suspects {
            narrowed |= careful.insert(path.clone());
        }
        if !progress && !narrowed {
            // One fix a round already in those files and still nothing to
            // blame: the fixes that edited them go, so that every round
            // gets somewhere.
            for (path, reason) in &verdict.suspects {
                for finding in &chosen {
                    if touched.get(&key(finding)).is_some_and(|f| f.contains(path)) {
                        rejected.insert(key(finding), reason.clone());
                    }
                }
            }
        }
    }
    let mut changes: Vec<FileChange> = texts
        .into_iter()
        .filter(|(_, (_, before, after))| before != after)
        .map(|(path, (display_path, before, after))| FileChange {
            project_path: project_paths
                .get(&path)
                .cloned()
                .unwrap_or_else(|| display_path.clone()),
            path,
            display_path,
            before,
            after,
        })
        .collect();
    changes.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    explain_leftovers(&mut report, &rejected, options);
    Fixed {
        removed: initial.saturating_sub(unsuppressed(&report)),
        report,
        changes,
        applied,
    }
}

/// The fixes of one round: in file and position order, at most one a
/// resource, leaving out any whose edits overlap or touch a chosen one's
/// (two insertions at one place would interleave); those wait for the
/// next round.
fn without_overlaps<'a>(
    candidates: &[&'a Finding],
    careful: &HashSet<PathBuf>,
    report: &Report,
) -> Vec<&'a Finding> {
    let mut sorted = candidates.to_vec();
    sorted.sort_by_key(|f| {
        let first = f.fix.as_ref().and_then(|fix| fix.edits.first());
        first.map(|e| (e.span.file, e.span.start, e.span.end))
    });
    let mut taken: Vec<(phiguard_model::FileId, u32, u32)> = Vec::new();
    let mut resources = HashSet::new();
    let mut careful_taken: HashSet<phiguard_model::FileId> = HashSet::new();
    let mut chosen = Vec::new();
    for finding in sorted {
        let Some(fix) = &finding.fix else { continue };
        // One fix a resource a round: a finding that appears is then
        // blamed on the one fix that changed its resource.
        if !resources.insert((finding.span.file, finding.resource.address.clone())) {
            continue;
        }
        let clashes = fix.edits.iter().any(|e| {
            taken.iter().any(|(file, start, end)| {
                *file == e.span.file && e.span.start <= *end && *start <= e.span.end
            })
        });
        if clashes || fix.edits.is_empty() {
            continue;
        }
        let in_careful: Vec<phiguard_model::FileId> = fix
            .edits
            .iter()
            .map(|e| e.span.file)
            .filter(|id| {
                report.file(*id).is_some_and(|f| {
                    let real = real_path(&f.path);
                    careful.contains(&real)
                })
            })
            .collect();
        if in_careful.iter().any(|id| careful_taken.contains(id)) {
            continue;
        }
        careful_taken.extend(in_careful);
        taken.extend(
            fix.edits
                .iter()
                .map(|e| (e.span.file, e.span.start, e.span.end)),
        );
        chosen.push(finding);
    }
    chosen
}

/// `inputs` reading the edited text instead of the disk's.
fn overlaid(
    inputs: &Inputs,
    base: &Files,
    texts: &HashMap<PathBuf, (String, String, String)>,
) -> Inputs {
    let mut inputs = inputs.clone();
    let edited = texts
        .iter()
        .map(|(path, (_, _, now))| (path.clone(), Arc::<[u8]>::from(now.as_bytes())));
    inputs.load.files = Files(Arc::new(Overlay::new(base.clone(), edited)));
    inputs
}

/// What a round's re-lint says about its fixes.
struct Verdict {
    /// Fixes to blame, with why.
    failures: Vec<(Key, String)>,
    /// Files where something went wrong that several fixes edited: they
    /// get one fix a round until the culprit is found.
    suspects: Vec<(PathBuf, String)>,
}

/// Why each of `chosen` cannot be kept, if any cannot: a file it alone
/// edited no longer parses, its finding is still there, or a finding
/// appeared about its resource or in a file it alone edited. What cannot
/// be pinned on one fix names the files to take one fix at a time.
fn verify(
    before: &Report,
    after: &Report,
    chosen: &[&Finding],
    touched: &HashMap<Key, HashSet<PathBuf>>,
) -> Verdict {
    let count = |report: &Report| {
        let mut counts: HashMap<Key, usize> = HashMap::new();
        for f in &report.findings {
            *counts.entry(key(f)).or_default() += 1;
        }
        counts
    };
    let (old, new) = (count(before), count(after));
    let file_of =
        |report: &Report, id: phiguard_model::FileId| report.file(id).map(|f| real_path(&f.path));
    let old_errors: HashSet<(Option<PathBuf>, &str)> = before
        .errors
        .iter()
        .map(|e| {
            (
                e.span.and_then(|s| file_of(before, s.file)),
                e.message.as_str(),
            )
        })
        .collect();
    let editors = |path: &PathBuf| -> Vec<&Key> {
        touched
            .iter()
            .filter(|(_, files)| files.contains(path))
            .map(|(k, _)| k)
            .collect()
    };
    let mut verdict = Verdict {
        failures: Vec::new(),
        suspects: Vec::new(),
    };
    let all_touched: HashSet<&PathBuf> = touched.values().flatten().collect();
    // New errors: the fix that alone edited the file, else the file.
    for error in &after.errors {
        let place = error.span.and_then(|s| file_of(after, s.file));
        if old_errors.contains(&(place.clone(), error.message.as_str())) {
            continue;
        }
        let reason = format!("the edited file would not parse: {}", error.message);
        let files: Vec<&PathBuf> = match &place {
            Some(path) => vec![path],
            None => all_touched.iter().copied().collect(),
        };
        for path in files {
            match editors(path).as_slice() {
                [only] => verdict.failures.push(((*only).clone(), reason.clone())),
                _ => verdict.suspects.push((path.clone(), reason.clone())),
            }
        }
    }
    for finding in chosen {
        let k = key(finding);
        if new.get(&k).copied().unwrap_or(0) >= old.get(&k).copied().unwrap_or(0) {
            verdict
                .failures
                .push((k, "the finding would remain after the edit".to_string()));
        }
    }
    // New findings: the fix of the same resource (one a round), else the
    // fix that alone edited a file it is in or was set in.
    for f in after.findings.iter().filter(|f| !old.contains_key(&key(f))) {
        let reason = format!("the edit would add a `{}` finding: {}", f.rule, f.message);
        if let Some(owner) = chosen.iter().find(|c| same_subject(before, c, after, f)) {
            verdict.failures.push((key(owner), reason));
            continue;
        }
        let files: Vec<PathBuf> = std::iter::once(f.span)
            .chain(f.origins.iter().filter_map(|o| o.span))
            .filter_map(|span| file_of(after, span.file))
            .filter(|p| all_touched.contains(p))
            .collect();
        let mut blamed: Vec<&Key> = files.iter().flat_map(&editors).collect();
        blamed.sort();
        blamed.dedup();
        match blamed.as_slice() {
            [only] => verdict.failures.push(((*only).clone(), reason)),
            [] => verdict
                .suspects
                .extend(all_touched.iter().map(|p| ((*p).clone(), reason.clone()))),
            _ => verdict
                .suspects
                .extend(files.into_iter().map(|p| (p, reason.clone()))),
        }
    }
    verdict
}

/// Whether two findings, each of its own report, are about the same
/// resource of the same file.
fn same_subject(a_report: &Report, a: &Finding, b_report: &Report, b: &Finding) -> bool {
    let path =
        |report: &Report, f: &Finding| report.file(f.span.file).map(|file| file.path.clone());
    a.resource.address == b.resource.address && path(a_report, a) == path(b_report, b)
}

/// Notes on the findings that still carry a fix: why it was not applied.
fn explain_leftovers(report: &mut Report, rejected: &HashMap<Key, String>, options: FixOptions) {
    for finding in &mut report.findings {
        let Some(fix) = &finding.fix else { continue };
        if finding.suppressed.is_some() {
            continue;
        }
        let why = match rejected.get(&key(finding)) {
            Some(reason) => format!("fix not applied: {reason}"),
            None if fix.applicability == Applicability::Unsafe && !options.unsafe_fixes => {
                "fix not applied: it is unsafe (`--unsafe-fixes` applies it)".to_string()
            }
            None => {
                "fix not applied: it came up after the last round; run `--fix` again".to_string()
            }
        };
        finding.notes.push(why);
    }
}

/// Where `path` leads, symbolic links resolved; the path itself when it
/// does not exist (a buffer not saved yet).
fn real_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
