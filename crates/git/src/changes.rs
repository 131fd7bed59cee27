//! The changed paths between two states, from `git diff -z --name-status`.

use std::path::{Path, PathBuf};

use crate::under;

/// One changed path. Paths are absolute, under the repository's top folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added(PathBuf),
    /// Changed in place (content, mode or type; an unmerged path too).
    Modified(PathBuf),
    Deleted(PathBuf),
    Renamed {
        from: PathBuf,
        to: PathBuf,
    },
}

impl Change {
    /// The path in the new state, `None` for a deletion.
    pub fn new_path(&self) -> Option<&Path> {
        match self {
            Change::Added(path) | Change::Modified(path) => Some(path),
            Change::Renamed { to, .. } => Some(to),
            Change::Deleted(_) => None,
        }
    }

    /// The path in the base state, `None` for an addition.
    pub fn old_path(&self) -> Option<&Path> {
        match self {
            Change::Deleted(path) | Change::Modified(path) => Some(path),
            Change::Renamed { from, .. } => Some(from),
            Change::Added(_) => None,
        }
    }
}

/// The changes between two states, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub changes: Vec<Change>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Every path a change touches, in either state (both paths of a
    /// rename), sorted, each once.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .changes
            .iter()
            .flat_map(|c| [c.old_path(), c.new_path()])
            .flatten()
            .map(Path::to_path_buf)
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// Only the changes with a path that `keep` accepts (a rename is kept
    /// whole when either of its paths is).
    pub fn retain(&mut self, keep: impl Fn(&Path) -> bool) {
        self.changes
            .retain(|c| c.old_path().is_some_and(&keep) || c.new_path().is_some_and(&keep));
    }

    /// Parses `git diff -z --name-status` output: a status, then one path
    /// (two for a rename or copy), each ended by NUL.
    pub(crate) fn parse(top: &Path, out: &[u8]) -> Result<Changes, String> {
        let mut fields = out.split(|&b| b == 0);
        let mut changes = Vec::new();
        while let Some(status) = fields.next() {
            if status.is_empty() {
                continue;
            }
            let mut path = || {
                fields
                    .next()
                    .filter(|p| !p.is_empty())
                    .map(|p| under(top, p))
                    .ok_or_else(|| {
                        format!(
                            "unexpected output: status `{}` without a path",
                            String::from_utf8_lossy(status)
                        )
                    })
            };
            let change = match status.first() {
                Some(b'A') => Change::Added(path()?),
                Some(b'D') => Change::Deleted(path()?),
                Some(b'R') => {
                    let from = path()?;
                    Change::Renamed { from, to: path()? }
                }
                // A copy leaves its source as it was: only the copy is new.
                Some(b'C') => {
                    path()?;
                    Change::Added(path()?)
                }
                // M, T (type change), U (unmerged), X (unknown).
                _ => Change::Modified(path()?),
            };
            changes.push(change);
        }
        changes.sort();
        Ok(Changes { changes })
    }

    /// Adds the paths of `git ls-files -z --others` as additions.
    pub(crate) fn add_untracked(&mut self, top: &Path, out: &[u8]) {
        self.changes.extend(
            out.split(|&b| b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| Change::Added(under(top, p))),
        );
        self.changes.sort();
        self.changes.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_status() {
        let top = Path::new("/r");
        let out = b"M\0a.tf\0R087\0old.tf\0new dir/new.tf\0D\0gone.tf\0A\0x\ny.tf\0C100\0s.tf\0c.tf\0T\0t.tf\0";
        let changes = Changes::parse(top, out).unwrap_or_default();
        assert_eq!(
            changes.changes,
            [
                Change::Added(top.join("c.tf")),
                Change::Added(top.join("x\ny.tf")),
                Change::Modified(top.join("a.tf")),
                Change::Modified(top.join("t.tf")),
                Change::Deleted(top.join("gone.tf")),
                Change::Renamed {
                    from: top.join("old.tf"),
                    to: top.join("new dir/new.tf")
                },
            ]
        );
        assert_eq!(changes.paths().len(), 7);
    }

    #[test]
    fn a_truncated_record_is_an_error() {
        assert!(Changes::parse(Path::new("/r"), b"R100\0old.tf\0").is_err());
        assert_eq!(Changes::parse(Path::new("/r"), b""), Ok(Changes::default()));
    }
}
