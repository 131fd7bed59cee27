//! The loader reads only through `LoadOptions.files`: a tree that is not
//! the disk (as a git snapshot is) loads as the same files on disk do.

// A failure here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::Scratch;
use phiguard_model::Model;
use phiguard_parser::fs::{Entry, EntryKind, FileSystem, Files};
use phiguard_parser::limits::ReadError;
use phiguard_parser::{find_files, load, LoadOptions};

/// Files in memory, under an absolute root, as a snapshot answers.
#[derive(Debug, Default)]
struct Memory {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Memory {
    fn of(scratch: &Scratch, files: &[(&str, &str)]) -> Memory {
        let mut memory = Memory::default();
        for (name, text) in files {
            scratch.write(name, text);
            memory
                .files
                .insert(scratch.path(name), text.as_bytes().to_vec());
        }
        memory
    }
}

impl FileSystem for Memory {
    fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| ReadError::Io(std::io::ErrorKind::NotFound.into()))
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<Entry>> {
        let mut entries: BTreeMap<String, EntryKind> = BTreeMap::new();
        for path in self.files.keys() {
            let Ok(rest) = path.strip_prefix(dir) else {
                continue;
            };
            let mut parts = rest.components();
            let Some(first) = parts.next() else { continue };
            let name = first.as_os_str().to_string_lossy().into_owned();
            let kind = if parts.next().is_some() {
                EntryKind::Dir
            } else {
                EntryKind::File
            };
            entries.insert(name, kind);
        }
        if entries.is_empty() {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        Ok(entries
            .into_iter()
            .map(|(name, kind)| Entry { name, kind })
            .collect())
    }

    fn kind(&self, path: &Path) -> Option<EntryKind> {
        if self.files.contains_key(path) {
            Some(EntryKind::File)
        } else if self.files.keys().any(|p| p.starts_with(path)) {
            Some(EntryKind::Dir)
        } else {
            None
        }
    }
}

const TREE: &[(&str, &str)] = &[
    (
        "main.tf",
        "variable \"acl\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  acl = var.acl\n  policy = file(\"policy.json\")\n}\nmodule \"m\" {\n  source = \"./modules/m\"\n}\n",
    ),
    ("terraform.tfvars", "acl = \"public-read\"\n"),
    ("policy.json", "{\"Version\": \"2012-10-17\", \"Statement\": []}\n"),
    (
        "modules/m/main.tf",
        "resource \"aws_s3_bucket\" \"inner\" {\n  bucket = \"inner\"\n}\n",
    ),
    (
        "stack/template.yaml",
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    ),
    ("node_modules/x/main.tf", "resource \"aws_s3_bucket\" \"no\" {}\n"),
    ("README.md", "# not infrastructure\n"),
];

fn summary(model: &Model) -> (Vec<String>, usize, Vec<String>) {
    (
        model.files.iter().map(|f| f.display_path.clone()).collect(),
        model.resources.len(),
        model
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect(),
    )
}

fn options(scratch: &Scratch, paths: &[&str], files: Files) -> LoadOptions {
    LoadOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        base_dir: scratch.root.clone(),
        context_dirs: vec![],
        files,
        ..LoadOptions::default()
    }
}

#[test]
fn a_tree_in_memory_loads_as_the_same_tree_on_disk() {
    let scratch = Scratch::new();
    let memory = Files(Arc::new(Memory::of(&scratch, TREE)));
    for paths in [&["."][..], &["main.tf", "stack/template.yaml"][..]] {
        let on_disk = load(&options(&scratch, paths, Files::default()));
        let in_memory = load(&options(&scratch, paths, memory.clone()));
        assert_eq!(summary(&in_memory), summary(&on_disk), "{paths:?}");
    }
    let walked = load(&options(&scratch, &["."], memory));
    // The var file, `file()` and the called module were read from memory.
    let shown = summary(&walked).0;
    for expected in [
        "main.tf",
        "terraform.tfvars",
        "policy.json",
        "modules/m/main.tf",
        "stack/template.yaml",
    ] {
        assert!(shown.iter().any(|s| s == expected), "{expected}: {shown:?}");
    }
    assert!(
        !shown.iter().any(|s| s.contains("node_modules")),
        "{shown:?}"
    );
}

#[test]
fn context_folders_and_missing_paths_read_through_the_file_system() {
    let scratch = Scratch::new();
    let memory = Memory::of(&scratch, TREE);
    // Gone from disk: only the tree in memory has it.
    std::fs::remove_file(scratch.path("modules/m/main.tf")).unwrap();
    let mut load_options = options(&scratch, &["gone.tf"], Files(Arc::new(memory)));
    load_options.context_dirs = vec![PathBuf::from("modules/m")];
    let model = load(&load_options);
    let (paths, _, errors) = summary(&model);
    assert_eq!(paths, ["modules/m/main.tf"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("gone.tf"), "{errors:?}");
}

#[test]
fn find_files_walks_either_tree_in_order() {
    let scratch = Scratch::new();
    let memory = Files(Arc::new(Memory::of(&scratch, TREE)));
    let tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
    let expected = vec![scratch.path("main.tf"), scratch.path("modules/m/main.tf")];
    assert_eq!(find_files(&memory, &scratch.root, &tf), expected);
    assert_eq!(find_files(&Files::default(), &scratch.root, &tf), expected);
}
