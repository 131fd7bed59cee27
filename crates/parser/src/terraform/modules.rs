//! Module calls: finding a call's code (a local path, or a registry or git
//! source that `terraform init` recorded in `.terraform/modules/modules.json`)
//! and the bounds on expanding a call into child instances, which the
//! evaluator does (`eval/calls.rs`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use phiguard_model::FileId;

use crate::json;

pub(crate) use crate::limits::{
    MAX_MODULE_INSTANCES, MAX_MODULE_NESTING as MAX_NESTING, MAX_RUN_MODULE_INSTANCES,
    RUN_INSTANCES_PER_CALL,
};

/// The run's module instances, shared by the roots' evaluators.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: usize,
    used: AtomicUsize,
    exceeded: AtomicBool,
}

impl Budget {
    /// A run's budget for code holding `calls` module blocks in all.
    pub(super) fn for_calls(calls: usize) -> Budget {
        Budget {
            limit: MAX_RUN_MODULE_INSTANCES.max(calls.saturating_mul(RUN_INSTANCES_PER_CALL)),
            used: AtomicUsize::new(0),
            exceeded: AtomicBool::new(false),
        }
    }

    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    /// Takes `n` instances if the run has room for them.
    pub(super) fn take(&self, n: usize) -> bool {
        let before = self.used.fetch_add(n, Ordering::Relaxed);
        if before + n > self.limit {
            self.used.fetch_sub(n, Ordering::Relaxed);
            self.exceeded.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Whether a call was refused for want of room. Which one depends on
    /// how the roots were scheduled, unless they ran one after another.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Resolver {
    by_dir: HashMap<PathBuf, usize>,
    /// Per root directory: `modules.json` keys to module directories.
    manifests: HashMap<PathBuf, HashMap<String, PathBuf>>,
    /// Module directories that could not be listed (outside the project
    /// root, unreadable), with why.
    refused: HashMap<PathBuf, String>,
}

impl Resolver {
    pub fn add_config(&mut self, dir: PathBuf, index: usize) {
        self.by_dir.insert(dir, index);
    }

    pub fn config(&self, dir: &Path) -> Option<usize> {
        self.by_dir.get(dir).copied()
    }

    /// `dir` is not read, for `reason`: calls of it are unavailable.
    pub fn refuse(&mut self, dir: PathBuf, reason: String) {
        self.refused.insert(dir, reason);
    }

    /// A directory's configuration, or why there is none.
    fn config_of(&self, dir: &Path, shown: &str) -> Result<usize, String> {
        self.config(dir).ok_or_else(|| match self.refused.get(dir) {
            Some(reason) => format!("{shown}: {reason}"),
            None => format!("{shown} holds no Terraform files that could be read"),
        })
    }

    pub fn add_manifest(&mut self, root: PathBuf, modules: HashMap<String, PathBuf>) {
        self.manifests.insert(root, modules);
    }

    /// The configuration a call uses, or why it cannot be read.
    pub fn resolve(
        &self,
        caller_dir: &Path,
        root_dir: &Path,
        key: &str,
        source: Option<&str>,
    ) -> Result<usize, String> {
        let Some(source) = source else {
            return Err("its `source` is not a literal string".into());
        };
        if let Some(dir) = local_dir(caller_dir, source) {
            return self.config_of(&dir, source);
        }
        let dir = self
            .manifests
            .get(root_dir)
            .and_then(|m| m.get(key))
            .ok_or_else(|| {
                "not available offline: run `terraform init` so that .terraform/modules holds it"
                    .to_string()
            })?;
        self.config_of(dir, &dir.display().to_string())
    }
}

/// The directory of a local source (`./x`, `../x`).
pub(crate) fn local_dir(caller_dir: &Path, source: &str) -> Option<PathBuf> {
    let local = source == "."
        || source == ".."
        || source.starts_with("./")
        || source.starts_with("../")
        || source.starts_with(".\\")
        || source.starts_with("..\\");
    local.then(|| normalize(&caller_dir.join(source)))
}

/// `<root>/.terraform/modules/modules.json`: module keys to directories.
pub(crate) fn read_manifest(
    files: &crate::fs::Files,
    root: &Path,
) -> Option<HashMap<String, PathBuf>> {
    let text = files
        .read_text(&root.join(".terraform/modules/modules.json"))
        .ok()?;
    let value = json::parse(&text, FileId(0), 0).ok()?;
    let mut out = HashMap::new();
    for module in value.get("Modules")?.as_list()? {
        let key = module.get("Key").and_then(|k| k.as_str());
        let dir = module.get("Dir").and_then(|d| d.as_str());
        if let (Some(key), Some(dir)) = (key, dir) {
            if !key.is_empty() {
                out.insert(key.to_string(), normalize(&root.join(dir)));
            }
        }
    }
    Some(out)
}

/// A path as reports show it, for files read here (module directories, var
/// files, `file()`), whose paths are normalised while `base` may not be.
pub(crate) fn shown(path: &Path, base: &Path) -> String {
    phiguard_model::display_path(&normalize(path), &normalize(base))
}

/// `.` and `..` resolved without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `to` relative to `from` (`path.module` seen from the root module), with `/`.
pub(crate) fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_and_relate() {
        assert_eq!(normalize(Path::new("/a/b/./../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("../x/..")), PathBuf::from(".."));
        assert_eq!(relative(Path::new("/r/ex/one"), Path::new("/r")), "../..");
        assert_eq!(
            relative(Path::new("/r"), Path::new("/r/modules/b")),
            "modules/b"
        );
        assert_eq!(relative(Path::new("/r"), Path::new("/r")), ".");
    }

    #[test]
    fn local_sources() {
        let dir = Path::new("/r/examples/a");
        assert_eq!(local_dir(dir, "../../"), Some(PathBuf::from("/r")));
        assert_eq!(
            local_dir(dir, "./m"),
            Some(PathBuf::from("/r/examples/a/m"))
        );
        assert_eq!(local_dir(dir, "terraform-aws-modules/s3-bucket/aws"), None);
    }
}
