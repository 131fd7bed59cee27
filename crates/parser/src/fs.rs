//! Where input files are read from: the disk, or a snapshot of a git
//! repository (a commit or the index) when phiguard compares two states of
//! a repository. Every read of the loader goes through a [`FileSystem`],
//! so a snapshot is linted exactly as a checkout would be, without one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::limits::{read_file, ReadError};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
}

/// A tree of files. Paths are absolute, as on disk: a snapshot of a
/// repository answers for the paths under the repository's folder, so
/// display paths, fingerprints and the config are the same as on disk.
pub trait FileSystem: Send + Sync + std::fmt::Debug {
    /// A regular file's bytes, at most [`crate::limits::MAX_FILE_SIZE`].
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError>;
    /// The entries of a directory, in any order.
    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>>;
    /// What `path` is, `None` when nothing is there.
    fn kind(&self, path: &Path) -> Option<EntryKind>;
    /// The real disk: walks honour `.gitignore` and `.ignore` there.
    fn is_disk(&self) -> bool {
        false
    }

    /// The lines of `paths` that contain one of `needles`, with their
    /// file: what a scan for module sources reads, without parsing every
    /// file. A snapshot may answer it with one `git grep`.
    fn lines_containing(&self, paths: &[PathBuf], needles: &[&str]) -> Vec<(PathBuf, String)> {
        let found = crate::per_file(paths.to_vec(), |path| {
            let bytes = self.read(&path).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let lines: Vec<(PathBuf, String)> = text
                .lines()
                .filter(|line| needles.iter().any(|n| line.contains(n)))
                .map(|line| (path.clone(), line.to_string()))
                .collect();
            Some(lines)
        });
        found.into_iter().flatten().flatten().collect()
    }
}

/// The disk, through [`crate::limits`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl FileSystem for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        read_file(path)
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // Follows symbolic links, as reading does.
            let kind = match std::fs::metadata(entry.path()) {
                Ok(meta) if meta.is_dir() => EntryKind::Dir,
                Ok(_) => EntryKind::File,
                Err(_) => continue,
            };
            entries.push(Entry { name, kind });
        }
        Ok(entries)
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        let meta = std::fs::metadata(path).ok()?;
        Some(if meta.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::File
        })
    }

    fn is_disk(&self) -> bool {
        true
    }
}

/// A shared [`FileSystem`]; the disk by default.
#[derive(Debug, Clone)]
pub struct Files(pub Arc<dyn FileSystem>);

impl Default for Files {
    fn default() -> Self {
        Files(Arc::new(Disk))
    }
}

impl std::ops::Deref for Files {
    type Target = dyn FileSystem;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl Files {
    /// [`FileSystem::read`] for a file that must be UTF-8 text.
    pub fn read_text(&self, path: &Path) -> Result<String, ReadError> {
        String::from_utf8(self.read(path)?).map_err(|_| ReadError::NotUtf8)
    }

    pub fn is_file(&self, path: &Path) -> bool {
        self.kind(path) == Some(EntryKind::File)
    }

    pub fn is_dir(&self, path: &Path) -> bool {
        self.kind(path) == Some(EntryKind::Dir)
    }
}
