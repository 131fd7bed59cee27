//! Which folders a Terraform file calls as local modules, read without
//! evaluating anything: how a module file given on its own (pre-commit, a
//! change-aware run) finds the roots it belongs to.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{FileId, SourceFile};

use super::config::{declarations, Decl};
use super::modules::local_dir;
use crate::discover::classify;

/// The folders `path` (a `.tf` or `.tf.json` file holding `text`) calls
/// with a local `source` (`./modules/b`, `../..`), normalised. A file that
/// does not parse calls nothing: the run that loads it reports the error.
pub fn local_module_calls(path: &Path, text: &str) -> Vec<PathBuf> {
    let Some(kind) = classify(path) else {
        return Vec::new();
    };
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let file = SourceFile::new(FileId(0), path, String::new(), Arc::from(text));
    let Ok(body) = super::lower_file(&file, kind) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = declarations(FileId(0), body)
        .into_iter()
        .filter_map(|decl| match decl {
            Decl::Call(_, call) => local_dir(dir, &call.source?.value),
            _ => None,
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_local_sources_only() {
        let text = r#"
module "a" { source = "./modules/a" }
module "up" { source = "../.." }
module "registry" { source = "terraform-aws-modules/s3-bucket/aws" }
module "git" { source = "git::https://example.com/x.git" }
"#;
        let calls = local_module_calls(Path::new("/r/envs/prod/main.tf"), text);
        assert_eq!(
            calls,
            vec![PathBuf::from("/r"), PathBuf::from("/r/envs/prod/modules/a")]
        );
    }

    #[test]
    fn json_configurations_and_broken_files() {
        let json = r#"{"module": {"b": {"source": "../b"}}}"#;
        assert_eq!(
            local_module_calls(Path::new("/r/a/main.tf.json"), json),
            vec![PathBuf::from("/r/b")]
        );
        assert!(local_module_calls(Path::new("/r/a/main.tf"), "module \"b\" {").is_empty());
        assert!(local_module_calls(Path::new("/r/a/notes.txt"), "").is_empty());
    }
}
