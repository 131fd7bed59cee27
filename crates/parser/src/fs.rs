//! Where input files are read from: the disk, or a snapshot of a git
//! repository (a commit or the index) when phiguard compares two states of
//! a repository. Every read of the loader goes through a [`FileSystem`],
//! so a snapshot is linted exactly as a checkout would be, without one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::limits::{read_file, ReadError};
use phiguard_model::normalize;

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

/// A [`FileSystem`] whose reads never leave the allowed folders: the
/// project root and the paths the user named. Every read of the loader
/// (linted files, `file()`, `templatefile()`, var files, parameter files,
/// module directories) goes through it, so a committed symbolic link to
/// `/etc/hostname` cannot put the host's file into a finding, and a link
/// to `/dev/zero` or a FIFO is refused ([`read_file`] reads regular files
/// only).
#[derive(Debug)]
pub struct Confined {
    inner: Files,
    /// Real paths (symbolic links resolved, on disk).
    allowed: Vec<PathBuf>,
    /// The real path of each folder resolved so far: a monorepo's files
    /// share folders, and resolving every component of every file's path
    /// again was a third of a large run's time in `readlink` (issue 20).
    folders: std::sync::Mutex<HashMap<PathBuf, PathBuf>>,
}

impl Confined {
    /// `root` and each of `named` are allowed with what is under them;
    /// a named path that does not exist allows nothing.
    pub fn new(inner: Files, root: &Path, named: &[PathBuf]) -> Confined {
        let allowed = std::iter::once(root)
            .chain(named.iter().map(PathBuf::as_path))
            .filter_map(|path| real_path(&inner, path).ok())
            .collect();
        Confined {
            inner,
            allowed,
            folders: Default::default(),
        }
    }

    /// Where `path` leads, as [`real_path`] says, resolving each folder
    /// once: a component that is no symbolic link is its folder's real
    /// path joined with its name; a link is resolved in full.
    fn real(&self, path: &Path) -> std::io::Result<PathBuf> {
        if !self.inner.is_disk() || !cfg!(unix) {
            return real_path(&self.inner, path);
        }
        let absolute = match path.is_relative() {
            true => std::env::current_dir()?.join(path),
            false => path.to_path_buf(),
        };
        let Some(name) = absolute.file_name() else {
            return std::fs::canonicalize(&absolute);
        };
        let Some(folder) = absolute.parent() else {
            return std::fs::canonicalize(&absolute);
        };
        let folder = self.real_folder(folder)?;
        resolved(folder.join(name))
    }

    fn real_folder(&self, folder: &Path) -> std::io::Result<PathBuf> {
        let known = |f: &Path| self.folders.lock().ok()?.get(f).cloned();
        if let Some(real) = known(folder) {
            return Ok(real);
        }
        let real = match (folder.parent(), folder.file_name()) {
            (Some(parent), Some(name)) => resolved(self.real_folder(parent)?.join(name))?,
            // The root, or a path ending in `..`: resolved in full.
            _ => std::fs::canonicalize(folder)?,
        };
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(folder.to_path_buf(), real.clone());
        }
        Ok(real)
    }

    /// `path`'s real path if reading it is allowed.
    fn admit(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let real = self.real(path).map_err(ReadError::Io)?;
        if self.allowed.iter().any(|dir| real.starts_with(dir)) {
            Ok(real)
        } else {
            Err(ReadError::Outside)
        }
    }

    /// Whether what `path` leads to may be read; false for a path that
    /// does not exist.
    pub fn admits(&self, path: &Path) -> bool {
        self.admit(path).is_ok()
    }
}

/// `path`, whose folder is a real path: itself unless it is a symbolic
/// link (or missing, an error as for [`std::fs::canonicalize`]).
fn resolved(path: PathBuf) -> std::io::Result<PathBuf> {
    match std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
        true => std::fs::canonicalize(&path),
        false => Ok(path),
    }
}

/// Where `path` leads: on disk with every symbolic link resolved; in a
/// snapshot, which holds no links it follows, the path without `.` and `..`.
fn real_path(files: &Files, path: &Path) -> std::io::Result<PathBuf> {
    if files.is_disk() {
        std::fs::canonicalize(path)
    } else {
        Ok(normalize(path))
    }
}

impl FileSystem for Confined {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        // The resolved path is read, so a link changed after the check is
        // not followed again.
        let real = self.admit(path)?;
        self.inner.read(&real)
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        match self.admit(dir) {
            Ok(real) => self.inner.list(&real),
            Err(ReadError::Io(err)) => Err(err),
            Err(err) => Err(std::io::Error::other(err.to_string())),
        }
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        self.inner.kind(path)
    }

    fn is_disk(&self) -> bool {
        self.inner.is_disk()
    }

    fn lines_containing(&self, paths: &[PathBuf], needles: &[&str]) -> Vec<(PathBuf, String)> {
        let admitted: Vec<PathBuf> = paths.iter().filter(|p| self.admits(p)).cloned().collect();
        self.inner.lines_containing(&admitted, needles)
    }
}

/// A [`FileSystem`] whose files at some paths hold other bytes than the
/// inner one's: the edits `--fix` is verifying, an editor's unsaved
/// buffers. Paths are as the inner file system reads them (on disk,
/// symbolic links resolved: [`Confined`] reads real paths); listings and
/// everything else are the inner one's.
#[derive(Debug)]
pub struct Overlay {
    inner: Files,
    texts: std::collections::HashMap<PathBuf, Arc<[u8]>>,
}

impl Overlay {
    pub fn new(inner: Files, texts: impl IntoIterator<Item = (PathBuf, Arc<[u8]>)>) -> Overlay {
        Overlay {
            inner,
            texts: texts.into_iter().collect(),
        }
    }
}

impl FileSystem for Overlay {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        match self.texts.get(path) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => self.inner.read(path),
        }
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        self.inner.list(dir)
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        self.inner.kind(path)
    }

    fn is_disk(&self) -> bool {
        self.inner.is_disk()
    }
}
