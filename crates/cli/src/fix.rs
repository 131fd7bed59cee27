//! `--fix` and `--diff`: the library verified the fixes
//! ([`phiguard_linter::fix`]); this writes the files, or shows them as a
//! unified diff, and says what was done and what is left.

use phiguard_model::{Applicability, Report};

use crate::analysis::Fixes;
use crate::ExitStatus;

/// Prints the changes as a unified diff on stdout; exit 1 when there is
/// one, 2 when files could not be read or parsed.
pub fn show_diff(fixed: &Fixes, report: &Report, quiet: bool) -> Result<ExitStatus, String> {
    let mut out = String::new();
    for change in &fixed.changes {
        let diff = similar::TextDiff::from_lines(&change.before, &change.after);
        let header = (
            format!("a/{}", change.project_path),
            format!("b/{}", change.project_path),
        );
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&header.0, &header.1)
                .to_string(),
        );
    }
    crate::output::write_with(None, |w| w.write_all(out.as_bytes()))?;
    say("would fix", fixed, report, quiet);
    Ok(if !report.errors.is_empty() {
        ExitStatus::Error
    } else if fixed.changes.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Findings
    })
}

/// Writes each changed file, refusing one that changed on disk since it
/// was read (an editor saved it meanwhile).
pub fn write(fixed: &Fixes, report: &Report, quiet: bool) -> Result<(), String> {
    // Every file is checked before any is written, so that a file that
    // changed meanwhile or cannot be written leaves all of them as they
    // were.
    for change in &fixed.changes {
        let now = std::fs::read_to_string(&change.path).map_err(|e| {
            format!(
                "cannot read {}: {e}; nothing was written",
                change.display_path
            )
        })?;
        if now != change.before {
            return Err(format!(
                "{} changed while it was being fixed; nothing was written",
                change.display_path
            ));
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&change.path)
            .map_err(|e| {
                format!(
                    "cannot write {}: {e}; nothing was written",
                    change.display_path
                )
            })?;
    }
    let mut written = Vec::new();
    for change in &fixed.changes {
        if let Err(e) = std::fs::write(&change.path, &change.after) {
            let done = if written.is_empty() {
                "no other file was written".to_string()
            } else {
                format!("already written: {}", written.join(", "))
            };
            return Err(format!("cannot write {}: {e}; {done}", change.display_path));
        }
        written.push(change.display_path.as_str());
    }
    say("fixed", fixed, report, quiet);
    Ok(())
}

/// "phiguard: fixed 3 findings in 2 files; 1 more with --unsafe-fixes"
/// on stderr, unless `--quiet`.
fn say(done: &str, fixed: &Fixes, report: &Report, quiet: bool) {
    if !quiet {
        eprintln!(
            "phiguard: {done} {} in {}{}",
            plural(fixed.removed, "finding"),
            plural(fixed.changes.len(), "file"),
            unsafe_left(report)
        );
    }
}

/// "; 3 more with --unsafe-fixes" when unsafe fixes were left out.
fn unsafe_left(report: &Report) -> String {
    let left = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
                && f.notes.iter().any(|n| n.contains("--unsafe-fixes"))
        })
        .count();
    match left {
        0 => String::new(),
        n => format!("; {n} more with --unsafe-fixes"),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
