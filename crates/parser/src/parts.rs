//! A large run in parts that load a few at a time (issue 20), so that a
//! monorepo's memory follows its largest parts, not its size.
//!
//! A part is a set of whole configurations: a folder is never split (its
//! Terraform files are one module; a template's parameters files and CDK
//! manifests sit beside it; a plan is evaluated with the `.tf` files of
//! its folder), and folders joined by a local module call are in the same
//! part, found by a scan of `source` lines without parsing
//! ([`local_module_call`]), followed through module folders outside the
//! run and `.terraform/modules` manifests. The scan may join folders that
//! need not be (a `source` line of another block), never miss a call: a
//! called module folder in another part would be linted as a root there,
//! and its findings reported twice. Links never leave a configuration
//! (rules.md "Linking and scope"), so a part's findings are the run's.
//!
//! Settings that apply across the whole run (var files, `--var` names that
//! some root must declare, `--source-dir`, CloudFormation parameters,
//! files handed over in memory, context folders) keep the run in one part.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::discover::{classify, path_order, FoundFile};
use crate::fs::{EntryKind, Files};
use crate::terraform::{local_module_call, module_manifest, normalize};
use crate::LoadOptions;

/// Files a part grows to before another starts: enough to keep both
/// cores busy within a part ([`LoadOptions::part_files`]).
const PART_FILES: usize = 1024;

/// Whether a run may be split: none of the settings that apply across
/// every configuration at once is given.
pub(crate) fn splittable(options: &LoadOptions) -> bool {
    options.overrides.is_empty()
        && options.context_dirs.is_empty()
        && options.var_files.is_empty()
        && options.root_var_files.is_empty()
        && options.vars.is_empty()
        && options.source_dir.is_none()
        && options.cfn_parameter_files.is_empty()
        && options.cfn_parameters.is_empty()
}

/// A run's files by part, in the order the parts are loaded.
pub(crate) enum Parts {
    Whole(Vec<FoundFile>),
    /// Folders per part, each a few bytes a file until its part is loaded.
    Split(Vec<Vec<Folder>>),
}

/// The files found in one folder, compactly: its path once and the file
/// names, so that the parts waiting their turn hold little.
pub(crate) struct Folder {
    parent: PathBuf,
    /// The display path of its files up to their names.
    shown: String,
    /// Each file name followed by a NUL (which no name contains).
    names: String,
    named: Vec<bool>,
}

impl Folder {
    fn files(self) -> impl Iterator<Item = FoundFile> {
        let Folder {
            parent,
            shown,
            names,
            named,
        } = self;
        let names: Vec<String> = names.split_terminator('\0').map(str::to_string).collect();
        names
            .into_iter()
            .zip(named)
            .map(move |(name, named)| FoundFile {
                display_path: format!("{shown}{name}"),
                path: parent.join(name),
                named,
            })
    }
}

impl Parts {
    pub(crate) fn one(files: Vec<FoundFile>) -> Parts {
        Parts::Whole(files)
    }

    /// Each part's files, in path order.
    pub(crate) fn into_iter(self) -> Box<dyn Iterator<Item = Vec<FoundFile>>> {
        match self {
            Parts::Whole(files) => Box::new((!files.is_empty()).then_some(files).into_iter()),
            Parts::Split(parts) => Box::new(parts.into_iter().map(|folders| {
                let mut files: Vec<FoundFile> =
                    folders.into_iter().flat_map(Folder::files).collect();
                files.sort_by(|a, b| path_order(&a.display_path, &b.display_path));
                files
            })),
        }
    }
}

/// Splits `found` (sorted by path, as discovery leaves it) into parts of
/// whole configurations.
pub(crate) fn split(files: &Files, options: &LoadOptions, found: Vec<FoundFile>) -> Parts {
    let part_files = options.part_files.unwrap_or(PART_FILES).max(1);
    let mut folders: Vec<Folder> = Vec::new();
    let mut first_path: Vec<String> = Vec::new();
    let mut folder_of: HashMap<PathBuf, usize> = HashMap::new();
    // Not expected from a walk; such a run is kept whole, not guessed at.
    let odd = |f: &FoundFile| {
        f.path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.contains('\0') || !f.display_path.ends_with(n))
    };
    // A run of one part needs no scan.
    if found.len() <= part_files || found.iter().any(odd) {
        return Parts::Whole(found);
    }
    for file in found {
        let parent = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let name = file
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let at = *folder_of.entry(parent.clone()).or_insert_with(|| {
            let shown = &file.display_path[..file.display_path.len() - name.len()];
            folders.push(Folder {
                parent: parent.clone(),
                shown: shown.to_string(),
                names: String::new(),
                named: Vec::new(),
            });
            first_path.push(file.display_path.clone());
            folders.len() - 1
        });
        let folder = &mut folders[at];
        folder.names.push_str(&name);
        folder.names.push('\0');
        folder.named.push(file.named);
    }
    drop(folder_of);

    // Folders as nodes, by their real path; module folders outside the
    // run join them as they are found.
    let mut nodes = Nodes::default();
    let folder_node: Vec<usize> = folders
        .iter()
        .map(|f| nodes.node(normalize(&f.parent)).0)
        .collect();
    let calls = crate::per_file(folders.iter().collect(), |folder| {
        let paths: Vec<PathBuf> = (folder.names.split_terminator('\0'))
            .map(|name| folder.parent.join(name))
            .filter(|path| classify(path).is_some())
            .collect();
        calls_of(files, &normalize(&folder.parent), &paths)
    });
    let mut queue: Vec<(usize, Vec<PathBuf>)> = folder_node.iter().copied().zip(calls).collect();
    while let Some((from, called)) = queue.pop() {
        for dir in called {
            let (to, new) = nodes.node(dir.clone());
            nodes.union(from, to);
            if new {
                queue.push((to, outside_calls(files, &dir)));
            }
        }
    }

    // Parts: whole components, in the path order of their first files,
    // gathered until a part is large enough.
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    for (at, &node) in folder_node.iter().enumerate() {
        components.entry(nodes.root(node)).or_default().push(at);
    }
    let mut components: Vec<Vec<usize>> = components.into_values().collect();
    components.sort_by(|a, b| path_order(&first_path[a[0]], &first_path[b[0]]));
    let mut slots: Vec<Option<Folder>> = folders.into_iter().map(Some).collect();
    let mut parts: Vec<Vec<Folder>> = Vec::new();
    let mut size = 0;
    for component in components {
        if parts.is_empty() || size >= part_files {
            parts.push(Vec::new());
            size = 0;
        }
        let Some(part) = parts.last_mut() else { break };
        for at in component {
            if let Some(folder) = slots[at].take() {
                size += folder.named.len();
                part.push(folder);
            }
        }
    }
    Parts::Split(parts)
}

/// The folders the Terraform files of `dir` call as local modules, and
/// those its `terraform init` manifest names.
fn calls_of(files: &Files, dir: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut called = Vec::new();
    if paths.is_empty() {
        return called;
    }
    for path in paths {
        // A file that cannot be read is an error of its part; it calls
        // nothing.
        let Ok(bytes) = files.read(path) else {
            continue;
        };
        // Only the lines that mention `source` are looked at.
        let mut from = 0;
        while let Some(found) = memchr::memmem::find(&bytes[from..], b"source") {
            let at = from + found;
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p);
            let Ok(line) = std::str::from_utf8(&bytes[start..end]) else {
                from = end;
                continue;
            };
            let before = called.len();
            called.extend(line_calls(dir, line));
            // A value on the next line (`"source":` then `"./x"`, as a JSON
            // formatter may write it) is read with its key.
            if called.len() == before && line.trim_end().ends_with([':', '=']) {
                let next = memchr::memchr(b'\n', bytes.get(end + 1..).unwrap_or_default())
                    .map_or(bytes.len(), |p| end + 1 + p);
                if let Ok(value) = std::str::from_utf8(bytes.get(end..next).unwrap_or_default()) {
                    let joined = format!("{line} {}", value.trim());
                    called.extend(line_calls(dir, &joined));
                }
            }
            from = end;
        }
    }
    called.extend(module_manifest(files, dir));
    called.sort();
    called.dedup();
    called
}

/// The calls of a module folder outside the run, read as the loader
/// reads it.
fn outside_calls(files: &Files, dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = files.list(dir) else {
        return Vec::new();
    };
    let paths: Vec<PathBuf> = entries
        .into_iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| dir.join(e.name))
        .filter(|p| classify(p).is_some())
        .collect();
    calls_of(files, dir, &paths)
}

/// Every local call a line may hold: `source` can follow a block's opening
/// brace (`module "a" { source = "./a" }`) or another key of a JSON line.
fn line_calls<'a>(dir: &'a Path, line: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
    line.match_indices("source").filter_map(move |(at, _)| {
        let from = match at.checked_sub(1) {
            Some(quote) if line.as_bytes()[quote] == b'"' => quote,
            _ => at,
        };
        local_module_call(dir, &line[from..])
    })
}

/// A union-find over folders by path.
#[derive(Default)]
struct Nodes {
    index: HashMap<PathBuf, usize>,
    parent: Vec<usize>,
}

impl Nodes {
    /// The folder's node, and whether it is new.
    fn node(&mut self, dir: PathBuf) -> (usize, bool) {
        if let Some(&at) = self.index.get(&dir) {
            return (at, false);
        }
        let at = self.parent.len();
        self.parent.push(at);
        self.index.insert(dir, at);
        (at, true)
    }

    fn root(&mut self, mut at: usize) -> usize {
        while self.parent[at] != at {
            self.parent[at] = self.parent[self.parent[at]];
            at = self.parent[at];
        }
        at
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::display_path;

    #[test]
    fn a_source_after_a_brace_or_another_json_key_is_a_call() {
        let dir = Path::new("/r/envs/prod");
        let calls = |line| line_calls(dir, line).collect::<Vec<_>>();
        assert_eq!(
            calls("module \"a\" { source = \"../../modules/a\" }"),
            [PathBuf::from("/r/modules/a")]
        );
        assert_eq!(
            calls("{\"module\":{\"a\":{\"source\":\"./a\"},\"b\":{\"source\":\"../b\"}}}"),
            [PathBuf::from("/r/envs/prod/a"), PathBuf::from("/r/envs/b")]
        );
        assert!(calls("  source = \"hashicorp/consul/aws\"").is_empty());
    }

    #[test]
    fn a_source_whose_value_is_on_the_next_line_is_a_call() {
        let root = std::env::temp_dir().join(format!("phiguard-parts-next-{}", std::process::id()));
        std::fs::create_dir_all(&root).ok();
        let file = root.join("main.tf.json");
        let json = "{\"module\": {\"a\": {\n  \"source\":\n    \"./a\"\n}}}\n";
        std::fs::write(&file, json).unwrap_or_else(|e| panic!("{e}"));
        let called = calls_of(&Files::default(), Path::new("/r"), &[file]);
        std::fs::remove_dir_all(&root).ok();
        assert_eq!(called, [PathBuf::from("/r/a")]);
    }

    /// Folder names of each part of a run over `paths` in `root`, split
    /// at every configuration.
    fn parts_of(root: &Path, paths: &[&str]) -> Vec<Vec<String>> {
        let options = LoadOptions {
            paths: paths.iter().map(PathBuf::from).collect(),
            base_dir: root.to_path_buf(),
            part_files: Some(1),
            ..LoadOptions::default()
        };
        let files = options.reader();
        let filter = crate::discover::Filter::new(&[], &[]).unwrap_or_else(|e| panic!("{e:?}"));
        let found = crate::discover::discover(&files, &options.paths, root, &filter);
        let Parts::Split(parts) = split(&files, &options, found.files) else {
            panic!("not split");
        };
        let name = |f: &Folder| display_path(&f.parent, root);
        parts
            .iter()
            .map(|part| part.iter().map(name).collect())
            .collect()
    }

    #[test]
    fn folders_joined_by_a_module_call_share_a_part_even_through_a_folder_outside_the_run() {
        let root = std::env::temp_dir().join(format!("phiguard-parts-{}", std::process::id()));
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap_or(&root)).ok();
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        };
        write("a/main.tf", "module \"y\" { source = \"../shared/y\" }\n");
        write("b/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
        write(
            "c/main.tf",
            "module \"x\" {\n  source = \"../shared/x\"\n}\n",
        );
        write(
            "shared/y/main.tf",
            "module \"x\" {\n  source = \"../x\"\n}\n",
        );
        write("shared/x/main.tf", "resource \"aws_s3_bucket\" \"x\" {}\n");
        // shared/ is outside the run: a reaches shared/x through shared/y.
        let parts = parts_of(&root, &["a", "b", "c"]);
        std::fs::remove_dir_all(&root).ok();
        assert_eq!(parts, [vec!["a", "c"], vec!["b"]]);
    }
}
