//! Change-aware runs: `phiguard lint --staged` (the pre-commit hook) and
//! `--changed-since REF`. git names the changed paths and gives the two
//! states as snapshots ([`phiguard_git`]); the library lints the
//! configurations those paths belong to in both states and keeps what the
//! change is answerable for ([`phiguard_linter::lint_changes`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_git::{Changes, GitError, Repository, Tree};
use phiguard_linter::Settings;
use phiguard_model::{normalize, Report};
use phiguard_parser::fs::Files;
use phiguard_parser::LoadOptions;

/// Which run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Everything under the paths.
    Plain,
    /// The index against `HEAD`; under pre-commit's pre-push stage,
    /// `PRE_COMMIT_TO_REF` against `PRE_COMMIT_FROM_REF`.
    Staged,
    /// The working tree against a commit.
    ChangedSince(String),
}

/// What a change-aware run found to do.
pub enum Outcome {
    /// Boxed: a report is large beside the other answers.
    Report(Box<Report>),
    /// No Terraform or CloudFormation file changed: nothing to lint.
    NoInfrastructure,
    /// The config file changed: it decides what every configuration
    /// reports, so everything in scope is linted, as a plain run would.
    ConfigChanged,
}

pub const NO_INFRASTRUCTURE: &str = "no Terraform or CloudFormation file changed";
pub const CONFIG_CHANGED: &str =
    "the config file changed: everything in scope is linted with the new config";

/// The two states and what changed between them.
struct States {
    changes: Changes,
    base: Tree,
    /// `None`: the working tree, on disk.
    new: Option<Tree>,
}

/// Runs a change-aware lint; `None` for a plain run, or when nothing is
/// staged (as under `pre-commit run --all-files`): the caller then lints
/// everything under the paths.
pub fn lint(
    mode: &Mode,
    only_new: bool,
    paths: &[PathBuf],
    settings: &Settings,
    load: &LoadOptions,
    cwd: &Path,
) -> Result<Option<Outcome>, String> {
    let flag = match mode {
        Mode::Plain => return Ok(None),
        Mode::Staged => "--staged".to_string(),
        Mode::ChangedSince(rev) => format!("--changed-since {rev}"),
    };
    let repo = Repository::discover(cwd).map_err(|e| match e {
        GitError::NotARepository { .. } => format!("{flag} needs a git repository: {e}"),
        other => other.to_string(),
    })?;
    let Some(mut states) = states(&repo, mode).map_err(|e| format!("{flag}: {e}"))? else {
        return Ok(None);
    };
    // Paths on the command line narrow the run to the changes under them.
    let scope: Vec<PathBuf> = paths.iter().map(|p| normalize(&cwd.join(p))).collect();
    states
        .changes
        .retain(|path| scope.iter().any(|s| path.starts_with(s)));
    let paths = states.changes.paths();
    // Its settings, vars and parameters apply to every configuration, and
    // the run reads it once: comparing two states with one config would
    // miss what the change to it does.
    if paths
        .iter()
        .any(|p| p.file_name().is_some_and(|n| n == crate::config::FILE_NAME))
    {
        return Ok(Some(Outcome::ConfigChanged));
    }
    let changed: Vec<PathBuf> = paths
        .into_iter()
        .filter(|p| phiguard_parser::is_input_name(p))
        .collect();
    if changed.is_empty() {
        return Ok(Some(Outcome::NoInfrastructure));
    }
    let snapshot = |tree: Tree| Files(Arc::new(repo.snapshot(tree)));
    let base = snapshot(states.base);
    let new = states.new.map_or_else(Files::default, snapshot);
    Ok(Some(Outcome::Report(Box::new(
        phiguard_linter::lint_changes(settings, load, &changed, repo.top(), base, new, only_new),
    ))))
}

fn states(repo: &Repository, mode: &Mode) -> Result<Option<States>, GitError> {
    match mode {
        Mode::Plain => Ok(None),
        Mode::ChangedSince(rev) => {
            let base = repo.resolve(rev)?;
            Ok(Some(States {
                changes: repo.changed_since(&base)?,
                base: Tree::Commit(base),
                new: None,
            }))
        }
        Mode::Staged => {
            let pushed = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            if let (Some(from), Some(to)) =
                (pushed("PRE_COMMIT_FROM_REF"), pushed("PRE_COMMIT_TO_REF"))
            {
                let (from, to) = (repo.resolve(&from)?, repo.resolve(&to)?);
                return Ok(Some(States {
                    changes: repo.between(&from, &to)?,
                    base: Tree::Commit(from),
                    new: Some(Tree::Commit(to)),
                }));
            }
            let changes = repo.staged()?;
            if changes.is_empty() {
                return Ok(None);
            }
            let base = repo.head()?.map_or(Tree::Empty, Tree::Commit);
            Ok(Some(States {
                changes,
                base,
                new: Some(Tree::Index),
            }))
        }
    }
}
