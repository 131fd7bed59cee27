//! A commit or the index as a [`FileSystem`]: the loader lints it as it
//! lints a checkout, without one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use phiguard_parser::fs::{Entry, EntryKind, FileSystem};
use phiguard_parser::limits::{ReadError, MAX_FILE_SIZE};

use crate::{under, GitError, Repository};

/// Which state of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// A commit, by object id (see [`Repository::resolve`]).
    Commit(String),
    /// The index: what `git commit` would record.
    Index,
    /// Nothing: the base before the first commit.
    Empty,
}

/// The files of a [`Tree`], answered for absolute paths under the
/// repository's top folder. Listed once, on first use; blobs are read
/// through one `git cat-file --batch` kept for the snapshot's life.
#[derive(Debug)]
pub struct Snapshot {
    repo: Repository,
    tree: Tree,
    listing: OnceLock<Result<Listing, String>>,
    /// The loader reads on several threads; one reader serves them in turn.
    reader: Mutex<Option<CatFile>>,
}

/// Regular files (by path relative to the top) and the folders above them.
#[derive(Debug, Default)]
struct Listing {
    blobs: HashMap<PathBuf, String>,
    dirs: HashMap<PathBuf, BTreeMap<String, EntryKind>>,
}

impl Listing {
    fn add(&mut self, path: PathBuf, oid: String) {
        let mut child = path.clone();
        let mut kind = EntryKind::File;
        while let Some(parent) = child.parent() {
            let Some(name) = child.file_name().and_then(OsStr::to_str) else {
                break;
            };
            let entries = self.dirs.entry(parent.to_path_buf()).or_default();
            let known = entries.insert(name.to_string(), kind).is_some();
            if known && kind == EntryKind::Dir {
                break;
            }
            kind = EntryKind::Dir;
            child = parent.to_path_buf();
        }
        self.blobs.insert(path, oid);
    }
}

impl Snapshot {
    pub(crate) fn new(repo: Repository, tree: Tree) -> Snapshot {
        Snapshot {
            repo,
            tree,
            listing: OnceLock::new(),
            reader: Mutex::new(None),
        }
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    fn listing(&self) -> Result<&Listing, String> {
        self.listing
            .get_or_init(|| self.list_all().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Regular files, and symbolic links (mode 120000) to regular files of
    /// the same tree, as a checkout would read them; a link that leaves
    /// the tree, or leads to a folder, is not followed (links out of the
    /// repository are never read on disk either), and a submodule (160000)
    /// is another repository.
    fn list_all(&self) -> Result<Listing, GitError> {
        let mut listing = Listing::default();
        listing.dirs.insert(PathBuf::new(), BTreeMap::new());
        let mut links: Vec<(PathBuf, String)> = Vec::new();
        let out = match &self.tree {
            Tree::Empty => return Ok(listing),
            Tree::Commit(oid) => {
                self.repo
                    .git(["ls-tree", "-r", "-z", "--full-tree", oid.as_str()])?
            }
            Tree::Index => self.repo.git(["ls-files", "-s", "-z", "--full-name"])?,
        };
        for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            // `<mode> <type> <oid>\t<path>` (ls-tree) or
            // `<mode> <oid> <stage>\t<path>` (ls-files -s).
            let Some(tab) = record.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let (meta, path) = (&record[..tab], &record[tab + 1..]);
            let meta = String::from_utf8_lossy(meta);
            let fields: Vec<&str> = meta.split(' ').collect();
            let (mode, oid) = match (&self.tree, fields.as_slice()) {
                (Tree::Commit(_), [mode, _, oid]) => (*mode, *oid),
                (Tree::Index, [mode, oid, _stage]) => (*mode, *oid),
                _ => continue,
            };
            if mode == "120000" {
                links.push((under(Path::new(""), path), oid.to_string()));
                continue;
            }
            if !(mode == "100644" || mode == "100755") {
                continue;
            }
            let path = under(Path::new(""), path);
            // An unmerged path has several stages; the first is kept.
            if !listing.blobs.contains_key(&path) {
                listing.add(path, oid.to_string());
            }
        }
        self.follow_links(&mut listing, links);
        Ok(listing)
    }

    /// Adds each link whose target (its blob's text, relative to the
    /// link's folder) is a file of the listing, or a link that becomes one:
    /// a few rounds, so chains resolve and loops end.
    fn follow_links(&self, listing: &mut Listing, links: Vec<(PathBuf, String)>) {
        let mut pending: Vec<(PathBuf, PathBuf)> = links
            .into_iter()
            .filter_map(|(link, oid)| {
                let target = self.blob(&oid).ok()?;
                let target = String::from_utf8(target).ok()?;
                let folder = link.parent().unwrap_or(Path::new(""));
                let resolved = inside(&folder.join(target.trim_end_matches('\n')))?;
                Some((link, resolved))
            })
            .collect();
        for _ in 0..8 {
            let before = pending.len();
            pending.retain(|(link, target)| match listing.blobs.get(target).cloned() {
                Some(oid) => {
                    listing.add(link.clone(), oid);
                    false
                }
                None => true,
            });
            if pending.len() == before {
                break;
            }
        }
    }

    /// `path` relative to the top folder, when it is under it.
    fn relative<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.strip_prefix(self.repo.top()).ok()
    }

    fn is_git_dir(relative: &Path) -> bool {
        relative == Path::new(".git")
    }

    fn blob(&self, oid: &str) -> Result<Vec<u8>, ReadError> {
        let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        if reader.is_none() {
            *reader = Some(CatFile::start(self.repo.top()).map_err(ReadError::Io)?);
        }
        let Some(cat) = reader.as_mut() else {
            return Err(ReadError::Io(std::io::Error::other("git cat-file is gone")));
        };
        let result = cat.read(oid);
        // A reader that failed mid-answer is out of step: start another.
        if matches!(result, Err(ReadError::Io(_))) {
            *reader = None;
        }
        result
    }
}

fn not_found() -> std::io::Error {
    std::io::ErrorKind::NotFound.into()
}

impl FileSystem for Snapshot {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let listing = self
            .listing()
            .map_err(|e| ReadError::Io(std::io::Error::other(e)))?;
        let relative = self.relative(path).ok_or(ReadError::Io(not_found()))?;
        match listing.blobs.get(relative) {
            Some(oid) => self.blob(oid),
            None if listing.dirs.contains_key(relative) => Err(ReadError::NotRegular),
            None => Err(ReadError::Io(not_found())),
        }
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        let listing = self.listing().map_err(std::io::Error::other)?;
        let relative = self.relative(dir).ok_or_else(not_found)?;
        if Self::is_git_dir(relative) {
            return Ok(Vec::new());
        }
        let entries = listing.dirs.get(relative).ok_or_else(not_found)?;
        Ok(entries
            .iter()
            .map(|(name, kind)| Entry {
                name: name.clone(),
                kind: *kind,
            })
            .collect())
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        let relative = self.relative(path)?;
        // The top folder holds `.git`, as on disk: the loader looks for it
        // to know how far `file()` may read.
        if Self::is_git_dir(relative) {
            return Some(EntryKind::Dir);
        }
        let listing = self.listing().ok()?;
        if listing.blobs.contains_key(relative) {
            Some(EntryKind::File)
        } else if listing.dirs.contains_key(relative) {
            Some(EntryKind::Dir)
        } else {
            None
        }
    }

    /// `git grep -l -F`: git searches its own objects, so the files need
    /// not be read one by one through the batch reader.
    fn lines_containing(&self, paths: &[PathBuf], needles: &[&str]) -> Vec<(PathBuf, String)> {
        let Ok(listing) = self.listing() else {
            return Vec::new();
        };
        let wanted: Vec<&Path> = paths
            .iter()
            .filter_map(|p| self.relative(p))
            .filter(|r| listing.blobs.contains_key(*r))
            .collect();
        if wanted.is_empty() || needles.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        // git matches every index entry against every pathspec: a thousand
        // literal paths cost 100 ms on a 10,000-file index, one glob per
        // extension almost nothing. What the globs match beyond `wanted`
        // is dropped afterwards.
        let wanted_set: HashSet<&Path> = wanted.iter().copied().collect();
        let mut specs: BTreeSet<std::ffi::OsString> = BTreeSet::new();
        for relative in &wanted {
            let extension = relative
                .file_name()
                .and_then(OsStr::to_str)
                .and_then(|name| name.rsplit_once('.'))
                .map(|(_, ext)| ext)
                .filter(|ext| ext.chars().all(|c| c.is_ascii_alphanumeric()));
            let mut spec = std::ffi::OsString::new();
            match extension {
                Some(ext) => spec.push(format!(":(glob)**/*.{ext}")),
                None => {
                    spec.push(":(literal)");
                    spec.push(relative.as_os_str());
                }
            }
            specs.insert(spec);
        }
        let mut command = self.repo.command([
            "grep",
            "-z",
            "-F",
            "--no-color",
            "--full-name",
            // Binary files are never Terraform: `-I` skips them, as the
            // loader would refuse them.
            "-I",
        ]);
        for needle in needles {
            command.arg("-e").arg(needle);
        }
        let prefix = match &self.tree {
            Tree::Commit(oid) => {
                command.arg(oid);
                format!("{oid}:")
            }
            Tree::Index => {
                command.arg("--cached");
                String::new()
            }
            Tree::Empty => return Vec::new(),
        };
        command.arg("--").args(&specs);
        match crate::output(&command) {
            // `path\0line\n` for each matching line.
            Ok((true, out, _)) => {
                for record in out.split(|&b| b == b'\n') {
                    let Some(at) = record.iter().position(|&b| b == 0) else {
                        continue;
                    };
                    let (path, line) = (&record[..at], &record[at + 1..]);
                    let path = path.strip_prefix(prefix.as_bytes()).unwrap_or(path);
                    let path = under(Path::new(""), path);
                    if wanted_set.contains(path.as_path()) {
                        let line = String::from_utf8_lossy(line).into_owned();
                        found.push((self.repo.top().join(path), line));
                    }
                }
            }
            // Exit 1 with nothing said: nothing matched.
            Ok((false, _, err)) if err.trim().is_empty() => {}
            // A failure must not drop callers: read the files instead.
            _ => {
                for relative in &wanted {
                    let path = self.repo.top().join(relative);
                    let Ok(bytes) = self.read(&path) else {
                        continue;
                    };
                    let text = String::from_utf8_lossy(&bytes);
                    for line in text.lines() {
                        if needles.iter().any(|n| line.contains(n)) {
                            found.push((path.clone(), line.to_string()));
                        }
                    }
                }
            }
        }
        found
    }
}

/// A running `git cat-file --batch`: object ids in, objects out.
#[derive(Debug)]
struct CatFile {
    process: crate::process::Piped,
}

impl CatFile {
    fn start(top: &Path) -> std::io::Result<CatFile> {
        let process = crate::process::Git::new(top)
            .args(["cat-file", "--batch"])
            .spawn_piped()?;
        Ok(CatFile { process })
    }

    /// One blob: `<oid> blob <size>\n<bytes>\n`, or `<oid> missing\n`.
    fn read(&mut self, oid: &str) -> Result<Vec<u8>, ReadError> {
        let io = ReadError::Io;
        let input = self
            .process
            .input
            .as_mut()
            .ok_or_else(|| io(std::io::Error::other("git cat-file is closed")))?;
        writeln!(input, "{oid}").map_err(io)?;
        input.flush().map_err(io)?;
        let mut header = String::new();
        self.process.output.read_line(&mut header).map_err(io)?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<u64>().map_err(|_| {
                io(std::io::Error::other(format!(
                    "git cat-file answered `{}`",
                    header.trim()
                )))
            })?,
            _ => {
                return Err(io(std::io::Error::other(format!(
                    "git cat-file answered `{}` for {oid}",
                    header.trim()
                ))))
            }
        };
        if size > MAX_FILE_SIZE {
            // Skipped, not kept: the reader must stay in step.
            std::io::copy(
                &mut (&mut self.process.output).take(size + 1),
                &mut std::io::sink(),
            )
            .map_err(io)?;
            return Err(ReadError::TooLarge(size, MAX_FILE_SIZE));
        }
        let mut bytes = vec![0; size as usize];
        self.process.output.read_exact(&mut bytes).map_err(io)?;
        let mut newline = [0u8; 1];
        self.process.output.read_exact(&mut newline).map_err(io)?;
        Ok(bytes)
    }
}

/// `path` (relative to the top folder) without `.` and `..`, if it stays
/// inside the tree.
fn inside(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(part) => out.push(part),
            // An absolute target leaves the tree.
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}
