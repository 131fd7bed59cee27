//! The files a run read that nothing in its report points into, kept as
//! paths only (issue 20): a monorepo's files without findings cost a few
//! bytes each, not their text and line index.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::{display_path, FileRole, SourceFile};

/// Display paths and roles: each folder's path once (files come folder by
/// folder), then each file's name.
#[derive(Debug, Clone, Default)]
pub struct ListedFiles {
    /// What display paths are relative to (the run's base folder).
    base_dir: PathBuf,
    /// What project paths are relative to ([`SourceFile::project_path`]).
    project_root: PathBuf,
    /// Folders' display paths with their final `/`, one after another.
    folders: String,
    folder_ends: Vec<usize>,
    /// Each file's folder (an index into `folder_ends`).
    folder_of: Vec<u32>,
    names: String,
    name_ends: Vec<usize>,
    roles: Vec<FileRole>,
    /// Files whose path is not their display path joined to `base_dir`.
    elsewhere: Vec<(usize, PathBuf)>,
}

impl ListedFiles {
    pub fn new(base_dir: &Path, project_root: &Path) -> ListedFiles {
        ListedFiles {
            base_dir: base_dir.to_path_buf(),
            project_root: project_root.to_path_buf(),
            ..ListedFiles::default()
        }
    }

    pub fn push(&mut self, file: &SourceFile) {
        self.push_read(ReadFile::Kept(file));
    }

    /// A file another report listed.
    pub(crate) fn push_read(&mut self, file: ReadFile<'_>) {
        let path = file.path();
        if !joins(&self.base_dir, &file.display_path(), &path) {
            self.elsewhere.push((self.roles.len(), path.into_owned()));
        }
        let shown = file.display_path();
        let (folder, name) = shown.split_at(shown.rfind('/').map_or(0, |slash| slash + 1));
        let last = self.folder_ends.len().checked_sub(1);
        if last.is_none_or(|last| self.folder(last) != folder) {
            self.folders.push_str(folder);
            self.folder_ends.push(self.folders.len());
        }
        self.folder_of.push((self.folder_ends.len() - 1) as u32);
        self.names.push_str(name);
        self.name_ends.push(self.names.len());
        self.roles.push(file.role());
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = ReadFile<'_>> {
        (0..self.len()).map(|at| ReadFile::Listed(self, at))
    }

    fn folder(&self, at: usize) -> &str {
        let start = at
            .checked_sub(1)
            .map_or(0, |before| self.folder_ends[before]);
        &self.folders[start..self.folder_ends[at]]
    }

    fn display_path(&self, at: usize) -> Cow<'_, str> {
        let start = at.checked_sub(1).map_or(0, |before| self.name_ends[before]);
        let name = &self.names[start..self.name_ends[at]];
        match self.folder(self.folder_of[at] as usize) {
            "" => Cow::Borrowed(name),
            folder => Cow::Owned(format!("{folder}{name}")),
        }
    }

    fn path(&self, at: usize) -> PathBuf {
        match self.elsewhere.binary_search_by_key(&at, |(i, _)| *i) {
            Ok(found) => self.elsewhere[found].1.clone(),
            Err(_) => self.base_dir.join(&*self.display_path(at)),
        }
    }
}

/// Whether `path` is `base` joined with `shown`: compared as text first,
/// which is how nearly every path of a walk is made.
fn joins(base: &Path, shown: &str, path: &Path) -> bool {
    let (base_text, path_text) = (
        base.as_os_str().as_encoded_bytes(),
        path.as_os_str().as_encoded_bytes(),
    );
    let joined_as_text = path_text.len() == base_text.len() + 1 + shown.len()
        && path_text.starts_with(base_text)
        && path_text[base_text.len()] == b'/'
        && path_text.ends_with(shown.as_bytes());
    joined_as_text || base.join(shown) == path
}

/// A file the run read: one of the report's files, or a listed one.
#[derive(Debug, Clone, Copy)]
pub enum ReadFile<'a> {
    Kept(&'a SourceFile),
    Listed(&'a ListedFiles, usize),
}

impl<'a> ReadFile<'a> {
    pub fn display_path(&self) -> Cow<'a, str> {
        match *self {
            ReadFile::Kept(file) => Cow::Borrowed(&file.display_path),
            ReadFile::Listed(list, at) => list.display_path(at),
        }
    }

    pub fn role(&self) -> FileRole {
        match *self {
            ReadFile::Kept(file) => file.role,
            ReadFile::Listed(list, at) => list.roles[at],
        }
    }

    /// Counted as checked ([`SourceFile::linted`]).
    pub fn linted(&self) -> bool {
        self.role() == FileRole::Linted
    }

    /// Where it was read from.
    pub fn path(&self) -> Cow<'a, Path> {
        match *self {
            ReadFile::Kept(file) => Cow::Borrowed(&file.path),
            ReadFile::Listed(list, at) => Cow::Owned(list.path(at)),
        }
    }

    /// [`SourceFile::project_path`].
    pub fn project_path(&self) -> Cow<'a, str> {
        match *self {
            ReadFile::Kept(file) => Cow::Borrowed(&file.project_path),
            ReadFile::Listed(list, at) => {
                Cow::Owned(display_path(&list.path(at), &list.project_root))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;
    use std::sync::Arc;

    #[test]
    fn a_listed_file_keeps_its_paths_and_role() {
        let mut list = ListedFiles::new(Path::new("/r/infra"), Path::new("/r"));
        let mut file = |path: &str, shown: &str, role| {
            let mut f = SourceFile::new(FileId(0), Path::new(path), shown.into(), Arc::from(""));
            f.role = role;
            list.push(&f);
        };
        file("/r/infra/a/main.tf", "a/main.tf", FileRole::Linted);
        file(
            "/elsewhere/x.tfvars",
            "../../elsewhere/x.tfvars",
            FileRole::Values,
        );
        file("/r/infra/top.tf", "top.tf", FileRole::Linted);
        file("/r/infra/a/b.tf", "a/b.tf", FileRole::Linted);
        let read: Vec<_> = list.iter().collect();
        let shown: Vec<_> = read.iter().map(|f| f.display_path()).collect();
        assert_eq!(
            shown,
            ["a/main.tf", "../../elsewhere/x.tfvars", "top.tf", "a/b.tf"]
        );
        assert_eq!(read[2].path(), Path::new("/r/infra/top.tf"));
        assert_eq!(read[3].path(), Path::new("/r/infra/a/b.tf"));
        assert_eq!(read[0].display_path(), "a/main.tf");
        assert_eq!(read[0].path(), Path::new("/r/infra/a/main.tf"));
        assert_eq!(read[0].project_path(), "infra/a/main.tf");
        assert!(read[0].linted());
        assert_eq!(read[1].path(), Path::new("/elsewhere/x.tfvars"));
        assert_eq!(read[1].role(), FileRole::Values);
    }
}
