//! The Terraform front end: module directories into configurations (a root
//! module and the modules it calls), evaluated into resource instances,
//! then the S3 bucket and search domain views.
//!
//! Files are parsed and lowered once per directory ([`config`]); evaluation
//! ([`eval`], [`instances`]) instantiates a directory as often as it is
//! called, without reading or parsing it again.

mod bodies;
mod build;
mod callers;
mod config;
mod eval;
mod evaluate;
mod expand;
mod hcl;
mod iam;
mod inputs;
mod instances;
mod ir;
mod link;
mod lower;
mod modules;
pub(crate) mod plan;
mod subjects;
mod tfjson;
mod types;
mod value;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{FileId, LintError, Model, SourceFile};

use crate::discover::{classify, path_order, FileKind};
use build::Placed;
use config::{Decl, ModuleConfig};
use ir::BodyIr;
use lower::{Lower, SpanMode};
use modules::{local_dir, read_manifest, Resolver};

pub use callers::local_module_call;
pub(crate) use modules::normalize;

/// The folders a `terraform init` manifest in `dir` names, sorted.
pub(crate) fn module_manifest(files: &crate::fs::Files, dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = read_manifest(files, dir)
        .map(|m| m.into_values().collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}
pub(crate) use inputs::Options;

/// Evaluation recurses through expressions and references; a thread of its
/// own gives it room whatever stack the caller runs on.
const STACK: usize = 64 << 20;

/// What the Terraform front end needs besides the files.
pub(crate) struct Settings<'o> {
    pub inputs: Options<'o>,
    /// Whether module directories, var files and `file()` may be read from
    /// disk (not for sources handed over in memory).
    pub disk: bool,
    /// Where the `.tf` files of every plan are (`--source-dir`), instead
    /// of each plan's own folder.
    pub plan_source_dir: Option<PathBuf>,
}

/// Loads the Terraform files already added to `model`.
pub(crate) fn load(
    model: &mut Model,
    files: &[(FileId, FileKind)],
    plans: Vec<plan::Plan>,
    settings: &Settings,
) {
    // A module is a directory: its files share variables and resources.
    let lowered = lower_all(&model.files, files);
    let mut dirs: BTreeMap<String, (PathBuf, Vec<Lowered>)> = BTreeMap::new();
    for (&(id, _), lowered) in files.iter().zip(lowered) {
        let file = model.file(id);
        let shown = Path::new(&file.display_path)
            .parent()
            .map_or_else(String::new, |p| p.to_string_lossy().into_owned());
        let real = normalize(file.path.parent().unwrap_or(Path::new("")));
        dirs.entry(shown)
            .or_insert_with(|| (real, Vec::new()))
            .1
            .push((id, lowered));
    }
    let mut dirs: Vec<_> = dirs.into_iter().collect();
    dirs.sort_by(|a, b| path_order(&a.0, &b.0));

    let mut configs = Vec::with_capacity(dirs.len());
    let mut resolver = Resolver::default();
    for (_, (dir, files)) in dirs {
        add_config(model, &mut configs, &mut resolver, dir, files);
    }
    let discovered = configs.len();
    // Each plan goes with the configuration it came from, when its `.tf`
    // files are there; the others are read alone.
    let mut attached: Vec<(usize, Arc<plan::Plan>)> = Vec::new();
    let mut alone = Vec::new();
    for plan in plans {
        let dir = plan_sources(model, &plan, settings);
        if settings.disk && resolver.config(&dir).is_none() {
            read_dir(model, &mut configs, &mut resolver, &dir, &settings.inputs);
        }
        match resolver.config(&dir) {
            Some(config) => attached.push((config, Arc::new(plan))),
            None => alone.push(plan),
        }
    }
    load_called_modules(model, &mut configs, &mut resolver, settings);
    let roots = roots(&configs[..discovered], &resolver);

    let given = inputs::given(model, &settings.inputs);
    let inputs_of = |model: &mut Model, c: usize| {
        inputs::for_root(
            model,
            &configs[c].dir,
            &given,
            &settings.inputs,
            settings.disk,
        )
    };
    // A configuration evaluated with its plan is not evaluated without.
    let mut roots: Vec<(usize, inputs::RootInputs)> = roots
        .iter()
        .filter(|&&c| !attached.iter().any(|(a, _)| *a == c))
        .map(|&c| (c, inputs_of(model, c)))
        .collect();
    for (c, plan) in attached {
        let inputs = inputs_of(model, c).with_plan(plan);
        roots.push((c, inputs));
    }

    let shared = evaluate::Shared {
        configs: &configs,
        files: &model.files,
        resolver: &resolver,
        base_dir: settings.inputs.base_dir,
        disk: settings.disk,
        fs: settings.inputs.files,
    };
    let outcomes = evaluate::evaluate_all(&shared, roots, discovered);
    let files = model.files.len();
    let mut built = outcomes.join(model, &configs, files);
    for plan in alone {
        let root = built.instances_end();
        built.add_plan(
            plan::resources::build(&plan, &|_| true, &[]),
            root,
            root + 1,
        );
    }
    let (placed, links) = built.finish(model);
    subjects::build(model, &placed, &links);
    // Freed here, not on another thread: the memory is then reused by
    // what comes next (templates' resources, findings, the report) rather
    // than added to the peak.
    drop(configs);
}

/// The folder of a plan's `.tf` files: `--source-dir`, else the plan's.
fn plan_sources(model: &Model, plan: &plan::Plan, settings: &Settings) -> PathBuf {
    let dir = match &settings.plan_source_dir {
        Some(dir) => settings.inputs.base_dir.join(dir),
        None => model
            .file(plan.file)
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf),
    };
    normalize(&dir)
}

/// A file's id and its declarations, or why it could not be parsed.
type Lowered = (FileId, Result<Vec<Decl>, LintError>);

/// One directory's parsed files into a configuration.
fn add_config(
    model: &mut Model,
    configs: &mut Vec<ModuleConfig>,
    resolver: &mut Resolver,
    dir: PathBuf,
    files: Vec<Lowered>,
) {
    let mut config = ModuleConfig::new(dir.clone());
    for (id, lowered) in files {
        match lowered {
            Ok(decls) => config.add_file(id, decls),
            Err(err) => model.errors.push(err),
        }
    }
    resolver.add_config(dir, configs.len());
    configs.push(config);
}

/// Parses and lowers files into declarations on the thread pool: files
/// are independent, and parsing is most of the front end's time.
fn lower_all(
    files: &[SourceFile],
    wanted: &[(FileId, FileKind)],
) -> Vec<Result<Vec<Decl>, LintError>> {
    crate::per_file(wanted.to_vec(), |(id, kind)| {
        lower_file(&files[id.0 as usize], kind).map(|body| config::declarations(id, body))
    })
}

fn lower_file(file: &SourceFile, kind: FileKind) -> Result<BodyIr, LintError> {
    match kind {
        FileKind::TerraformHcl => hcl::parse(file).map(|parsed| {
            let text = &file.text[parsed.base..];
            let mode = SpanMode::Offset {
                file: file.id,
                base: parsed.base,
            };
            Lower::new(mode, text).body(&parsed.body)
        }),
        FileKind::TerraformJson => tfjson::parse(file).map(|value| tfjson::lower(&value)),
    }
}

/// Reads, once each, the directories that calls point at and that were not
/// among the linted paths: local sources, and the modules `terraform init`
/// recorded for each linted directory.
fn load_called_modules(
    model: &mut Model,
    configs: &mut Vec<ModuleConfig>,
    resolver: &mut Resolver,
    settings: &Settings,
) {
    if !settings.disk {
        return;
    }
    let mut tried: HashSet<PathBuf> = configs.iter().map(|c| c.dir.clone()).collect();
    for index in 0..configs.len() {
        let Some(manifest) = read_manifest(settings.inputs.files, &configs[index].dir) else {
            continue;
        };
        let mut dirs: Vec<&PathBuf> = manifest.values().collect();
        dirs.sort();
        for dir in dirs {
            if tried.insert(dir.clone()) {
                read_dir(model, configs, resolver, dir, &settings.inputs);
            }
        }
        resolver.add_manifest(configs[index].dir.clone(), manifest);
    }
    let mut index = 0;
    while index < configs.len() {
        let called: Vec<PathBuf> = configs[index]
            .calls
            .items
            .iter()
            .filter_map(|(_, _, call)| local_dir(&configs[index].dir, &call.source.as_ref()?.value))
            .collect();
        for dir in called {
            if tried.insert(dir.clone()) {
                read_dir(model, configs, resolver, &dir, &settings.inputs);
            }
        }
        index += 1;
    }
}

/// Adds a module directory's `.tf` and `.tf.json` files to the model.
fn read_dir(
    model: &mut Model,
    configs: &mut Vec<ModuleConfig>,
    resolver: &mut Resolver,
    dir: &Path,
    inputs: &Options,
) {
    let entries = match inputs.files.list(dir) {
        Ok(entries) => entries,
        // A folder outside the project root (the reader is confined) or
        // one that cannot be read: its calls are unavailable, with why.
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            resolver.refuse(dir.to_path_buf(), crate::limits::io_message(&err));
            return;
        }
        Err(_) => return,
    };
    let mut paths: Vec<PathBuf> = entries
        .into_iter()
        .filter(|e| e.kind == crate::fs::EntryKind::File)
        .map(|e| dir.join(e.name))
        .filter(|p| classify(p).is_some())
        .collect();
    if paths.is_empty() {
        return;
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let shown = modules::shown(&path, inputs.base_dir);
        match inputs.files.read_text(&path) {
            Ok(text) => {
                let kind = classify(&path).unwrap_or(FileKind::TerraformHcl);
                files.push((model.add_file(&path, shown, Arc::from(text)), kind));
            }
            Err(crate::limits::ReadError::NotUtf8) => model.errors.push(LintError {
                path: shown,
                span: None,
                message: "the file is not UTF-8 text".into(),
            }),
            Err(err) => model.errors.push(LintError {
                path: shown,
                span: None,
                message: err.message(),
            }),
        }
    }
    let lowered = lower_all(&model.files, &files);
    let files = files.iter().map(|&(id, _)| id).zip(lowered).collect();
    add_config(model, configs, resolver, dir.to_path_buf(), files);
}

/// The linted directories no other directory calls as a local module: each
/// is a root module with its own inputs.
fn roots(discovered: &[ModuleConfig], resolver: &Resolver) -> Vec<usize> {
    let mut called = HashSet::new();
    for (index, config) in discovered.iter().enumerate() {
        for (_, _, call) in &config.calls.items {
            let target = call
                .source
                .as_ref()
                .and_then(|s| local_dir(&config.dir, &s.value))
                .and_then(|dir| resolver.config(&dir));
            if let Some(target) = target.filter(|&t| t != index) {
                called.insert(target);
            }
        }
    }
    (0..discovered.len())
        .filter(|i| !called.contains(i))
        .collect()
}

/// Resources grouped by configuration (root instance), in order.
pub(crate) fn configurations(placed: &[Placed]) -> Vec<Vec<Placed>> {
    let mut index: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<Placed>> = Vec::new();
    for p in placed {
        let at = *index.entry(p.root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(*p);
    }
    groups
}
