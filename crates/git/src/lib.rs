//! What phiguard asks of a git repository for a change-aware run: its top
//! folder, the paths changed between two states (renames and deletions
//! included), and a [`Snapshot`] of a commit or of the index that the
//! loader reads as it reads the disk.
//!
//! Everything goes through the `git` command, started as few times as a
//! run allows (one `git cat-file --batch` per snapshot serves every read):
//! it needs no dependency, and it reads every repository format, object
//! store and configuration that the user's own git reads (docs/architecture.md).

mod changes;
mod process;
mod snapshot;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use process::Git;

pub use changes::{Change, Changes};
pub use snapshot::{Snapshot, Tree};

/// Why git could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The folder is in no git working tree; the message is git's.
    NotARepository { dir: PathBuf, message: String },
    /// A revision that names no commit.
    BadRevision(String),
    /// `git` could not be started.
    Spawn(String),
    /// A git command failed; its arguments and git's message.
    Failed { command: String, message: String },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotARepository { dir, message } => {
                write!(f, "{} is not in a git repository", dir.display())?;
                if !message.is_empty() {
                    write!(f, " ({message})")?;
                }
                Ok(())
            }
            GitError::BadRevision(rev) => write!(f, "`{rev}` names no commit in this repository"),
            GitError::Spawn(message) => write!(f, "cannot run git: {message}"),
            GitError::Failed { command, message } => write!(f, "`{command}` failed: {message}"),
        }
    }
}

impl std::error::Error for GitError {}

/// A git working tree.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The top folder, spelt as the caller's folder was (a symbolic link
    /// in the caller's path is kept), so that paths under it match the
    /// paths a run on disk computes from the working directory.
    top: PathBuf,
}

impl Repository {
    /// The working tree that holds `dir` (an absolute folder).
    pub fn discover(dir: &Path) -> Result<Repository, GitError> {
        let output = run(
            dir,
            ["rev-parse", "--is-inside-work-tree", "--show-prefix"].map(OsStr::new),
        )
        .map_err(|err| match err {
            GitError::Failed { message, .. } => GitError::NotARepository {
                dir: dir.to_path_buf(),
                message,
            },
            other => other,
        })?;
        let text = String::from_utf8_lossy(&output);
        let mut lines = text.lines();
        if lines.next() != Some("true") {
            // Inside `.git`, or a bare repository: there is no working tree.
            return Err(GitError::NotARepository {
                dir: dir.to_path_buf(),
                message: "not inside a working tree".into(),
            });
        }
        // `--show-prefix` is the folder's path from the top: going up as
        // many folders as it has gives the top as the caller spells it.
        let prefix = lines.next().unwrap_or("");
        let depth = Path::new(prefix).components().count();
        let top = dir
            .ancestors()
            .nth(depth)
            .ok_or_else(|| GitError::NotARepository {
                dir: dir.to_path_buf(),
                message: format!("cannot find the top folder above it (prefix `{prefix}`)"),
            })?
            .to_path_buf();
        Ok(Repository { top })
    }

    /// The repository's top folder.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// The commit `rev` names, as an object id; [`GitError::BadRevision`]
    /// when it names none.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        self.commit(rev)?
            .ok_or_else(|| GitError::BadRevision(rev.to_string()))
    }

    /// The commit `HEAD` points at; `None` before the first commit.
    pub fn head(&self) -> Result<Option<String>, GitError> {
        self.commit("HEAD")
    }

    fn commit(&self, rev: &str) -> Result<Option<String>, GitError> {
        let spec = format!("{rev}^{{commit}}");
        let mut command = self.command(["rev-parse", "--verify", "--quiet", "--end-of-options"]);
        command.arg(&spec);
        match output(&command)? {
            (true, out, _) => Ok(Some(String::from_utf8_lossy(&out).trim().to_string())),
            // `--verify --quiet` fails silently for a name that is no commit.
            (false, _, err) if err.trim().is_empty() => Ok(None),
            (false, _, err) => Err(GitError::Failed {
                command: format!("git rev-parse --verify {spec}"),
                message: first_line(&err),
            }),
        }
    }

    /// The paths the index changes against `HEAD` (what `git commit` would
    /// record); before the first commit, every staged path is added.
    pub fn staged(&self) -> Result<Changes, GitError> {
        self.diff(&["--cached"])
    }

    /// The paths the working tree changes against commit `base`: tracked
    /// files as `git diff` sees them, plus files not yet added that no
    /// ignore file lists.
    pub fn changed_since(&self, base: &str) -> Result<Changes, GitError> {
        let mut changes = self.diff(&[base])?;
        let untracked = self.git([
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--full-name",
        ])?;
        changes.add_untracked(&self.top, &untracked);
        Ok(changes)
    }

    /// The paths commit `to` changes against commit `from` (pre-push).
    pub fn between(&self, from: &str, to: &str) -> Result<Changes, GitError> {
        self.diff(&[from, to])
    }

    fn diff(&self, what: &[&str]) -> Result<Changes, GitError> {
        let mut args = vec![
            "diff",
            "-z",
            "--name-status",
            // Renames are found whatever `diff.renames` says, paths are
            // from the top whatever `diff.relative` says, and no external
            // diff or text conversion runs.
            "-M",
            "--no-relative",
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules",
        ];
        args.extend_from_slice(what);
        args.push("--");
        let out = self.git(&args)?;
        Changes::parse(&self.top, &out).map_err(|message| GitError::Failed {
            command: format!("git {}", args_text(&args)),
            message,
        })
    }

    /// A snapshot of `tree`, read lazily: nothing is asked of git until
    /// the loader asks for a file.
    pub fn snapshot(&self, tree: Tree) -> Snapshot {
        Snapshot::new(self.clone(), tree)
    }

    fn command<I, S>(&self, args: I) -> Git
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Git::new(&self.top);
        command.args(args);
        command
    }

    /// Runs git in the top folder; its standard output, or an error with
    /// git's message.
    fn git<I, S>(&self, args: I) -> Result<Vec<u8>, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(&self.top, args)
    }
}

fn run<I, S>(dir: &Path, args: I) -> Result<Vec<u8>, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Git::new(dir);
    command.args(args);
    match output(&command)? {
        (true, out, _) => Ok(out),
        (false, _, err) => Err(GitError::Failed {
            command: command.shown(),
            message: first_line(&err),
        }),
    }
}

/// Whether the command succeeded, its output and its error text.
fn output(command: &Git) -> Result<(bool, Vec<u8>, String), GitError> {
    let out = command
        .output()
        .map_err(|e| GitError::Spawn(format!("{}: {e}", command.shown())))?;
    Ok((
        out.success,
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn args_text<S: AsRef<OsStr>>(args: &[S]) -> String {
    args.iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// git's message without its `fatal: ` and anything after the first line.
fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim()
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ")
        .to_string()
}

/// A path git printed (relative to the top, `/`-separated, not quoted
/// under `-z`), as a path under `top`.
fn under(top: &Path, bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    let relative = {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(bytes))
    };
    #[cfg(not(unix))]
    let relative = PathBuf::from(String::from_utf8_lossy(bytes).into_owned());
    top.join(relative)
}
