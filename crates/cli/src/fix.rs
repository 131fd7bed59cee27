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
            format!("a/{}", change.display_path),
            format!("b/{}", change.display_path),
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
    if !quiet {
        eprintln!(
            "phiguard: would fix {} in {}{}",
            plural(fixed.applied, "finding"),
            plural(fixed.changes.len(), "file"),
            unsafe_left(report)
        );
    }
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
    for change in &fixed.changes {
        let now = std::fs::read_to_string(&change.path)
            .map_err(|e| format!("cannot read {}: {e}", change.display_path))?;
        if now != change.before {
            return Err(format!(
                "{} changed while it was being fixed; nothing more was written",
                change.display_path
            ));
        }
        std::fs::write(&change.path, &change.after)
            .map_err(|e| format!("cannot write {}: {e}", change.display_path))?;
    }
    if !quiet {
        eprintln!(
            "phiguard: fixed {} in {}{}",
            plural(fixed.applied, "finding"),
            plural(fixed.changes.len(), "file"),
            unsafe_left(report)
        );
    }
    Ok(())
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
