//! Finding input files: walking directories (honouring `.gitignore`),
//! classifying files by name, and reporting paths that do not exist.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};
use phiguard_model::{display_path, LintError, Skipped};

use crate::fs::{EntryKind, Files};
use crate::limits::io_message;

/// Directories never walked, and not counted as skipped: git's own data and
/// Terraform's provider and module cache.
const SKIPPED_DIRS: [&str; 2] = [".terraform", ".git"];

/// Directories not walked, each counted as skipped with this reason:
/// other people's code (JavaScript dependencies) or copies of code that is
/// linted where it lives (Terragrunt's cache).
const LEFT_OUT_DIRS: [(&str, &str); 2] = [
    (
        "node_modules",
        "JavaScript dependencies (node_modules) are not linted",
    ),
    (
        ".terragrunt-cache",
        "Terragrunt's cache holds copies of modules linted where they live",
    ),
];

/// What a file is, decided from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.tf`
    TerraformHcl,
    /// `.tf.json`
    TerraformJson,
}

#[derive(Debug)]
pub(crate) struct FoundFile {
    pub path: PathBuf,
    pub display_path: String,
    /// Given on the command line, rather than found by walking.
    pub named: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub files: Vec<FoundFile>,
    pub errors: Vec<LintError>,
    pub skipped: Vec<Skipped>,
}

pub(crate) fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if name.ends_with(".tf") {
        Some(FileKind::TerraformHcl)
    } else {
        None
    }
}

/// Names that may hold a template: `.yaml`, `.yml`, `.json`, `.template`
/// (Terraform's `.tf.json` and `.tfvars.json` excluded).
pub(crate) fn is_template_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.ends_with(".tf.json") || name.ends_with(".tfvars.json") {
        return false;
    }
    [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// Terraform state files (`terraform.tfstate`), read when their content is
/// state JSON. Plans in JSON are `.json`, found as template candidates are.
pub(crate) fn is_state_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() > ".tfstate".len() && n.ends_with(".tfstate"))
}

/// Whether a walk reads `path`: Terraform, a possible template or plan, or
/// a state file.
pub(crate) fn is_walked_name(path: &Path) -> bool {
    classify(path).is_some() || is_template_candidate(path) || is_state_name(path)
}

/// Variable files are read by a later stage (`--var-file`, auto-loading), not
/// linted, so finding one is not worth a message.
pub(crate) fn is_tfvars(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".tfvars") || n.ends_with(".tfvars.json"))
}

pub(crate) fn not_linted(path: String) -> Skipped {
    Skipped {
        path,
        reason: "not a Terraform file or a CloudFormation template".into(),
    }
}

/// Orders display paths component by component, so `a/b.tf` sorts with `a/`
/// and not between `a.tf` and `a0.tf`.
pub(crate) fn path_order(a: &str, b: &str) -> Ordering {
    Path::new(a).cmp(Path::new(b)).then_with(|| a.cmp(b))
}

/// A glob of the config file, relative to its folder `dir`, as one that
/// matches absolute paths: `infra/**` in `/repo/.phiguard.yaml` becomes
/// `/repo/infra/**`, whatever the working directory.
pub fn anchor_glob(dir: &Path, glob: &str) -> String {
    if glob.starts_with('/') {
        return glob.to_string();
    }
    let dir = globset::escape(&dir.to_string_lossy());
    format!("{}/{glob}", dir.trim_end_matches('/'))
}

/// `--include` and `--exclude` globs. A file is matched by its path relative
/// to the working directory and by its path relative to the folder being
/// walked, so `infra/**` and `**/examples/**` read as users expect.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Filter {
    pub(crate) fn new(include: &[String], exclude: &[String]) -> Result<Filter, LintError> {
        let set = |globs: &[String], what: &str| -> Result<Option<GlobSet>, LintError> {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut builder = GlobSetBuilder::new();
            for glob in globs {
                let compiled = Glob::new(glob).map_err(|e| LintError {
                    path: format!("--{what}"),
                    span: None,
                    message: format!("bad glob `{glob}`: {e}"),
                })?;
                builder.add(compiled);
            }
            builder.build().map(Some).map_err(|e| LintError {
                path: format!("--{what}"),
                span: None,
                message: e.to_string(),
            })
        };
        Ok(Filter {
            include: set(include, "include")?,
            exclude: set(exclude, "exclude")?,
        })
    }

    /// Why the filter leaves a file out, if it does.
    fn refusal(&self, shown: &str, relative: &Path, absolute: &Path) -> Option<&'static str> {
        // The config's globs are anchored at its folder ([`anchor_glob`]),
        // so they match the absolute path.
        let absolute = phiguard_model::normalize(absolute);
        let matches = |set: &GlobSet| {
            set.is_match(shown) || set.is_match(relative) || set.is_match(&absolute)
        };
        if !self.include.as_ref().is_none_or(matches) {
            Some("matches no --include glob")
        } else if self.exclude.as_ref().is_some_and(matches) {
            Some("matches an --exclude glob")
        } else {
            None
        }
    }

    /// Counts `shown` as skipped when the filter leaves it out; whether it
    /// does not.
    /// Whether the filter leaves out a file that was not walked (a called
    /// module's): matched by its display path and its absolute path.
    pub(crate) fn leaves_out(&self, shown: &str, absolute: &Path) -> bool {
        self.refusal(shown, Path::new(shown), absolute).is_some()
    }

    fn admit(&self, shown: &str, absolute: &Path, relative: &Path, found: &mut Discovered) -> bool {
        match self.refusal(shown, relative, absolute) {
            None => true,
            Some(reason) => {
                found.skipped.push(Skipped {
                    path: shown.to_string(),
                    reason: reason.into(),
                });
                false
            }
        }
    }
}

pub(crate) fn discover(
    files: &Files,
    paths: &[PathBuf],
    base_dir: &Path,
    filter: &Filter,
) -> Discovered {
    let mut found = Discovered::default();
    for given in paths {
        let path = base_dir.join(given);
        let shown = display_path(&path, base_dir);
        // On disk the metadata's error names the cause (permission, ...).
        let kind = if files.is_disk() {
            std::fs::metadata(&path).map(|meta| {
                if meta.is_dir() {
                    EntryKind::Dir
                } else {
                    EntryKind::File
                }
            })
        } else {
            files
                .kind(&path)
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
        };
        match kind {
            Err(err) => found.errors.push(LintError {
                path: shown,
                span: None,
                message: io_message(&err),
            }),
            Ok(EntryKind::Dir) if files.is_disk() => walk(&path, base_dir, filter, &mut found),
            Ok(EntryKind::Dir) => walk_listing(files, &path, base_dir, filter, &mut found),
            Ok(EntryKind::File) => {
                if filter.admit(&shown, &path, given, &mut found) {
                    named_file(path, shown, &mut found);
                }
            }
        }
    }
    found
}

/// The Terraform files directly in `dir` (not in its subfolders), for
/// context: a named file's module.
pub(crate) fn module_files(files: &Files, dir: &Path, base_dir: &Path, found: &mut Discovered) {
    let dir = base_dir.join(dir);
    let Ok(entries) = files.list(&dir) else {
        return;
    };
    for entry in entries {
        let path = dir.join(&entry.name);
        if entry.kind == EntryKind::File && classify(&path).is_some() {
            let display_path = display_path(&path, base_dir);
            found.files.push(FoundFile {
                path,
                display_path,
                named: false,
            });
        }
    }
}

/// A file named on the command line is linted even if `.gitignore` lists it,
/// as a user who names a file expects.
fn named_file(path: PathBuf, display_path: String, found: &mut Discovered) {
    // Whatever its name, a named file is read: a plan is told by content
    // (`plan.out.json`, `tfplan`, `state.backup`), and any other file that
    // is no template is reported as not linted once read.
    if !is_tfvars(&path) {
        found.files.push(FoundFile {
            path,
            display_path,
            named: true,
        });
    }
}

/// The walker every walk of the disk uses: hidden folders and files are
/// walked (a public bucket in `.infra/` is still a public bucket); only
/// `.gitignore` (and `.git/info/exclude`) inside a git repository leave
/// files out, as git does. With `leave_out_dependencies`, the folders of
/// [`LEFT_OUT_DIRS`] are not walked either (a lint run reports them from
/// [`visit`] instead).
fn disk_walker(root: &Path, leave_out_dependencies: bool) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        // `.ignore` files are ripgrep's, not git's: a stray one must not
        // hide Terraform files from a check.
        .ignore(false)
        // A user's global excludes would make results differ between
        // machines; the repository's own ignore files still apply.
        .git_global(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && entry.depth() > 0
                && (is_skipped_dir(entry.file_name())
                    || (leave_out_dependencies && left_out_dir(entry.file_name()).is_some())))
        });
    builder
}

fn walk(root: &Path, base_dir: &Path, filter: &Filter, found: &mut Discovered) {
    let walker = disk_walker(root, false).build_parallel();
    // Directories are read on several threads; what they find is sorted
    // afterwards, so the order does not depend on the threads.
    let collected = Mutex::new(Discovered::default());
    walker.run(|| {
        let collected = &collected;
        Box::new(move |entry| {
            let mut part = Discovered::default();
            let state = visit(entry, root, base_dir, filter, &mut part);
            if !(part.files.is_empty() && part.errors.is_empty() && part.skipped.is_empty()) {
                let mut all = collected.lock().unwrap_or_else(PoisonError::into_inner);
                all.files.append(&mut part.files);
                all.errors.append(&mut part.errors);
                all.skipped.append(&mut part.skipped);
            }
            state
        })
    });
    let mut walked = collected
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    walked
        .files
        .sort_by(|a, b| path_order(&a.display_path, &b.display_path));
    walked
        .errors
        .sort_by(|a, b| path_order(&a.path, &b.path).then_with(|| a.message.cmp(&b.message)));
    walked
        .skipped
        .sort_by(|a, b| path_order(&a.path, &b.path).then_with(|| a.reason.cmp(&b.reason)));
    found.files.append(&mut walked.files);
    found.errors.append(&mut walked.errors);
    found.skipped.append(&mut walked.skipped);
}

/// [`walk`] over a file system that is not the disk (a git snapshot):
/// the same skipped folders, filter and order. A snapshot holds what git
/// tracks, so there is no ignore file to honour.
fn walk_listing(
    files: &Files,
    root: &Path,
    base_dir: &Path,
    filter: &Filter,
    found: &mut Discovered,
) {
    let mut walked = Vec::new();
    let listed = list_tree(files, root, &mut |path| {
        if !is_walked_name(path) {
            return;
        }
        let display_path = display_path(path, base_dir);
        let relative = path.strip_prefix(root).unwrap_or(path);
        if filter.admit(&display_path, path, relative, found) {
            walked.push(FoundFile {
                path: path.to_path_buf(),
                display_path,
                named: false,
            });
        }
    });
    match listed {
        Ok(left_out) => {
            for (dir, reason) in left_out {
                found.skipped.push(left_out_skip(&dir, base_dir, reason));
            }
        }
        Err(err) => found.errors.push(LintError {
            path: display_path(root, base_dir),
            span: None,
            message: format!("cannot walk the directory: {}", io_message(&err)),
        }),
    }
    walked.sort_by(|a, b| path_order(&a.display_path, &b.display_path));
    found.files.append(&mut walked);
}

/// Calls `visit` with every file under `root` (folders of
/// [`SKIPPED_DIRS`] and [`LEFT_OUT_DIRS`] left out), through
/// [`crate::fs::FileSystem::list`]; returns the folders of
/// [`LEFT_OUT_DIRS`] found, with why they were left out. Only `root`
/// itself failing to list is an error, as in [`walk`].
fn list_tree(
    files: &Files,
    root: &Path,
    visit: &mut dyn FnMut(&Path),
) -> std::io::Result<Vec<(PathBuf, &'static str)>> {
    let mut dirs = vec![files
        .list(root)
        .map(|entries| (root.to_path_buf(), entries))?];
    let mut left_out = Vec::new();
    while let Some((dir, entries)) = dirs.pop() {
        for entry in entries {
            let path = dir.join(&entry.name);
            let name = std::ffi::OsStr::new(&entry.name);
            match entry.kind {
                EntryKind::File => visit(&path),
                EntryKind::Dir if is_skipped_dir(name) => {}
                EntryKind::Dir => {
                    if let Some(reason) = left_out_dir(name) {
                        left_out.push((path, reason));
                    } else if let Ok(inner) = files.list(&path) {
                        dirs.push((path, inner));
                    }
                }
            }
        }
    }
    Ok(left_out)
}

/// The files under `root` that `keep` accepts, sorted, the folders of
/// [`SKIPPED_DIRS`] left out; on disk `.gitignore` is honoured as in a
/// lint run's walk. For callers that need the files of a tree without
/// loading them (which configurations call a changed module).
pub fn find_files(files: &Files, root: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if files.is_disk() {
        for entry in disk_walker(root, true).build().filter_map(Result::ok) {
            let path = entry.path();
            // Links to files are followed, as in a lint run's walk.
            let is_file = if entry.path_is_symlink() {
                path.is_file()
            } else {
                entry.file_type().is_some_and(|t| t.is_file())
            };
            if is_file && keep(path) {
                out.push(entry.into_path());
            }
        }
    } else {
        // Nothing listed is nothing found, as on disk.
        let _ = list_tree(files, root, &mut |path| {
            if keep(path) {
                out.push(path.to_path_buf());
            }
        });
    }
    out.sort();
    out
}

/// One entry of a walk: a file to read, a reason it cannot be, or nothing.
fn visit(
    entry: Result<DirEntry, ignore::Error>,
    root: &Path,
    base_dir: &Path,
    filter: &Filter,
    found: &mut Discovered,
) -> WalkState {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            // Unreadable directories matter; a malformed ignore file does not.
            if let Some(io) = err.io_error() {
                found.errors.push(LintError {
                    path: display_path(root, base_dir),
                    span: None,
                    message: format!("cannot walk the directory: {}", io_message(io)),
                });
            }
            return WalkState::Continue;
        }
    };
    let path = entry.path();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir && entry.depth() > 0 {
        if let Some(reason) = left_out_dir(entry.file_name()) {
            found.skipped.push(left_out_skip(path, base_dir, reason));
            return WalkState::Skip;
        }
    }
    // Symbolic links to files are followed; links to directories are not
    // (so a link loop cannot make the walk endless), and are counted.
    let target = entry.path_is_symlink().then(|| std::fs::metadata(path));
    if let Some(Ok(meta)) = &target {
        if meta.is_dir() {
            found.skipped.push(Skipped {
                path: format!("{}/", display_path(path, base_dir)),
                reason: "a symbolic link to a folder is not followed (name the folder to lint it)"
                    .into(),
            });
            return WalkState::Continue;
        }
    }
    // Names are compared as text: one that is not UTF-8 cannot be told to
    // be an input, so it is counted rather than passed over.
    if !is_dir && path.file_name().is_some_and(|n| n.to_str().is_none()) {
        found.skipped.push(Skipped {
            path: display_path(path, base_dir),
            reason: "the file name is not UTF-8".into(),
        });
        return WalkState::Continue;
    }
    // A directory named `x.tf` is walked itself.
    if is_dir || !is_walked_name(path) {
        return WalkState::Continue;
    }
    let followed = match target {
        Some(meta) => meta.map(|meta| meta.is_file()),
        None => Ok(entry.file_type().is_some_and(|t| t.is_file())),
    };
    let display_path = display_path(path, base_dir);
    let relative = path.strip_prefix(root).unwrap_or(path);
    if !filter.admit(&display_path, path, relative, found) {
        return WalkState::Continue;
    }
    match followed {
        Ok(true) => found.files.push(FoundFile {
            path: entry.into_path(),
            display_path,
            named: false,
        }),
        // Reading a FIFO, a device or a socket could block or never end.
        Ok(false) => found.skipped.push(Skipped {
            path: display_path,
            reason: "not a regular file (a FIFO, a device or a socket)".into(),
        }),
        // A dangling link, or one in a loop: its name says it should be
        // linted, so say why it was not.
        Err(err) => found.skipped.push(Skipped {
            path: display_path,
            reason: format!(
                "a symbolic link that cannot be followed: {}",
                io_message(&err)
            ),
        }),
    }
    WalkState::Continue
}

fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| SKIPPED_DIRS.contains(&n))
}

/// Why a folder of [`LEFT_OUT_DIRS`] is not walked, if `name` is one.
fn left_out_dir(name: &std::ffi::OsStr) -> Option<&'static str> {
    let name = name.to_str()?;
    // A cloud assembly's asset folders (`cdk.out/asset.<sha256>`): bundled
    // Lambda code and files, copies of what the app packages.
    let is_cdk_asset = name
        .strip_prefix("asset.")
        .is_some_and(|hash| hash.len() >= 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    if is_cdk_asset {
        return Some(
            "CDK asset folders (cdk.out/asset.*) hold the app's bundled files, not templates",
        );
    }
    LEFT_OUT_DIRS
        .iter()
        .find(|(dir, _)| *dir == name)
        .map(|(_, reason)| *reason)
}

/// A folder left out, as reports list it: its path with a trailing `/`.
fn left_out_skip(dir: &Path, base_dir: &Path, reason: &str) -> Skipped {
    Skipped {
        path: format!("{}/", display_path(dir, base_dir)),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(
            classify(Path::new("a/main.tf")),
            Some(FileKind::TerraformHcl)
        );
        assert_eq!(
            classify(Path::new("main.tf.json")),
            Some(FileKind::TerraformJson)
        );
        assert_eq!(classify(Path::new("prod.tfvars")), None);
        assert!(is_tfvars(Path::new("prod.tfvars")));
        assert_eq!(classify(Path::new("template.json")), None);
    }

    #[test]
    fn paths_sort_by_component() {
        let mut paths = vec!["a0.tf", "a/b.tf", "a.tf"];
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, ["a/b.tf", "a.tf", "a0.tf"]);
    }

    #[test]
    fn template_candidates_by_name() {
        assert!(is_template_candidate(Path::new("a/t.yaml")));
        assert!(is_template_candidate(Path::new("t.template")));
        assert!(is_template_candidate(Path::new("t.json")));
        assert!(!is_template_candidate(Path::new("main.tf.json")));
        assert!(!is_template_candidate(Path::new("x.tfvars.json")));
        assert!(!is_template_candidate(Path::new(".yaml")));
        assert!(!is_template_candidate(Path::new("main.tf")));
        assert!(is_walked_name(Path::new("env/terraform.tfstate")));
        assert!(!is_walked_name(Path::new(".tfstate")));
        assert!(!is_walked_name(Path::new("terraform.tfstate.backup")));
    }
}
