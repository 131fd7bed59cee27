//! Front ends: files on disk into phiguard's resource model.
//!
//! [`load`] finds the files under the given paths, reads them, parses each
//! Terraform module directory and each CloudFormation template (told from
//! other JSON and YAML by content) and fills the typed views (S3 buckets,
//! search domains) that policies read. A file that cannot be read or parsed becomes a
//! [`LintError`]; every other file is still loaded.

mod cloudformation;
mod discover;
pub mod fs;
pub mod json;
pub mod limits;
mod link;
mod parallel;
mod partial;
mod parts;
pub mod policy;
mod suppressions;
mod terraform;
mod text;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use phiguard_model::{display_path, FileId, LintError, Model, Skipped, SourceFile};

pub use cloudformation::{
    is_parameters_name, parameter_files_beside, parse_cfn_parameters, template_beside,
    CfnParamsError,
};
pub use discover::{anchor_glob, find_files};
pub(crate) use parallel::per_file;
pub use terraform::local_module_call;

/// YAML read as templates are: byte spans on every node, duplicate keys and
/// unbounded aliases refused. Also reads `.phiguard.yaml`.
pub mod yaml {
    use phiguard_model::{FileId, Value};

    /// Every document of `text`.
    pub fn parse(text: &str, file: FileId) -> Result<Vec<Value>, crate::json::JsonError> {
        crate::cloudformation::parse_yaml(text, file)
    }
}

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Files or directories, as given on the command line.
    pub paths: Vec<PathBuf>,
    /// The working directory: relative paths are read from here, and display
    /// paths are relative to it, with `/`.
    pub base_dir: PathBuf,
    /// CloudFormation parameter values (`--cfn-param`, `--cfn-params FILE`,
    /// see [`parse_cfn_parameters`]), overriding defaults; for a name given
    /// twice the later value wins. `AWS::Region` and the other pseudo
    /// parameters can be given too.
    pub cfn_parameters: Vec<(String, String)>,
    /// CloudFormation parameter files (the shapes [`parse_cfn_parameters`]
    /// reads), each with the template it applies to (`None`: every
    /// template), relative to `base_dir`. Each file is read into the model,
    /// so its errors and the values' origins point into it; its values
    /// override defaults, and `cfn_parameters` override them, a later file
    /// over an earlier one.
    pub cfn_parameter_files: Vec<(Option<PathBuf>, PathBuf)>,
    /// Terraform var files (`--var-file`), read after the auto-loaded
    /// `terraform.tfvars` and `*.auto.tfvars`, in this order; relative to
    /// `base_dir`. They apply to every root module.
    pub var_files: Vec<PathBuf>,
    /// Terraform var files for one root module each: (the root's folder,
    /// the var file), both relative to `base_dir`. Each is applied like a
    /// `var_files` entry, before them, but only to the root module in that
    /// folder (a non-auto `.tfvars` named on the command line).
    pub root_var_files: Vec<(PathBuf, PathBuf)>,
    /// Terraform `NAME=VALUE` input values (`--var`), applied after the var
    /// files; a later value for a name wins.
    pub vars: Vec<(String, String)>,
    /// The config file's `terraform.vars`: applied as `vars` are, before
    /// them. Shared by every root of a repository, so a name that the
    /// roots of a run do not declare is not an error, as it is for `vars`.
    pub config_vars: Vec<(String, String)>,
    /// Environment variables: those named `TF_VAR_name` set variable `name`
    /// (below every var file). Left empty, nothing is read from the process
    /// environment, so tests stay hermetic; the CLI passes `std::env::vars()`.
    pub env_vars: Vec<(String, String)>,
    /// Globs (`infra/**`): when any is given, only files matching one are
    /// linted. Matched against paths relative to the linted path.
    pub include: Vec<String>,
    /// Globs of files not to lint, on top of `.terraform/`, `.git/` and
    /// `node_modules/`.
    pub exclude: Vec<String>,
    /// Folders whose Terraform files are loaded (not recursively) for
    /// context only: a file named on the command line still sees its
    /// module's variables and satellites.
    pub context_dirs: Vec<PathBuf>,
    /// File contents that replace what is on disk (`--stdin-filename`); the
    /// file need not exist.
    pub overrides: Vec<(PathBuf, Vec<u8>)>,
    /// Told how far reading and parsing have come, for a progress bar.
    pub progress: Progress,
    /// Where files are read from: the disk, or a git snapshot.
    pub files: fs::Files,
    /// The folder of the `.tf` files every Terraform plan JSON of the run
    /// was made from (`--source-dir`); `None`: each plan's own folder.
    pub source_dir: Option<PathBuf>,
    /// The folder no read may leave, symbolic links followed (the one
    /// fingerprints are relative to); the paths named in `paths`,
    /// `var_files`, `root_var_files`, `cfn_parameter_files` and
    /// `context_dirs` are allowed wherever they are. `None`: the
    /// repository holding `base_dir` (the folder with `.git`), else
    /// `base_dir`.
    pub root: Option<PathBuf>,
    /// How many files a part of a run that [`load_each`] splits grows to
    /// before the next starts; `None`: 1024. Tests give 1 to split a run
    /// at every configuration.
    pub part_files: Option<usize>,
}

impl LoadOptions {
    /// [`LoadOptions::files`] confined to the root and the named paths
    /// ([`fs::Confined`]): what every read of a load goes through.
    pub fn reader(&self) -> fs::Files {
        // Lexically, as the CLI finds the repository: `a/b/..` is `a`; a
        // relative `base_dir` (the library's default is empty) is the
        // process's working directory's.
        let absolute = match std::env::current_dir() {
            Ok(cwd) if self.base_dir.is_relative() => cwd.join(&self.base_dir),
            _ => self.base_dir.clone(),
        };
        let base_dir = phiguard_model::normalize(&absolute);
        let root = self.root.clone().unwrap_or_else(|| {
            base_dir
                .ancestors()
                .find(|dir| self.files.kind(&dir.join(".git")).is_some())
                .unwrap_or(&base_dir)
                .to_path_buf()
        });
        let named: Vec<PathBuf> = self
            .paths
            .iter()
            .chain(&self.var_files)
            .chain(self.root_var_files.iter().map(|(_, file)| file))
            .chain(self.cfn_parameter_files.iter().map(|(_, file)| file))
            .chain(&self.context_dirs)
            .chain(&self.source_dir)
            .map(|path| base_dir.join(path))
            .collect();
        let root = base_dir.join(root);
        fs::Files(Arc::new(fs::Confined::new(
            self.files.clone(),
            &root,
            &named,
        )))
    }
}

/// A callback `(done, total)` in units of work: each file is read, then
/// parsed. Called from the thread pool.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(usize, usize) + Send + Sync>>);

impl Progress {
    pub fn new(report: impl Fn(usize, usize) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(report)))
    }

    /// A counter over `total` steps that reports each one.
    fn counter(&self, total: usize) -> Counter<'_> {
        Counter {
            progress: self,
            done: std::sync::atomic::AtomicUsize::new(0),
            total,
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(..)"
        } else {
            "Progress(None)"
        })
    }
}

struct Counter<'a> {
    progress: &'a Progress,
    done: std::sync::atomic::AtomicUsize,
    total: usize,
}

impl Counter<'_> {
    fn step(&self) {
        if let Some(report) = &self.progress.0 {
            let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            report(done, self.total);
        }
    }
}

/// One input file's bytes, for callers that do not read from disk
/// (`--stdin-filename`, tests).
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub display_path: String,
    pub bytes: Vec<u8>,
}

/// A cheap guess before parsing: CloudFormation templates have `Resources`.
fn looks_like_template(source: &Source) -> bool {
    source.bytes.windows(9).any(|w| w == b"Resources")
}

/// Finds, reads and parses everything under `options.paths`.
pub fn load(options: &LoadOptions) -> Model {
    let files = options.reader();
    let (found, filter) = match discover_inputs(options, &files) {
        Ok(found) => found,
        Err(error) => return Model::with_error(error),
    };
    let progress = options.progress.counter(2 * found.files.len());
    let mut model = Model::default();
    model.errors.extend(found.errors);
    model.skipped.extend(found.skipped);
    load_found(options, &files, &filter, found.files, &progress, model)
}

/// Like [`load`], but a large run is loaded a part at a time: each part
/// is a model of its own, which `check` turns into what the caller keeps
/// and `keep` takes, in the parts' order. A few parts are in flight at
/// once ([`PARTS_IN_FLIGHT`]), so memory follows the largest parts rather
/// than the whole run (see
/// [`parts`] for what may be split and how). The first model also holds
/// what discovery found wrong; a run that finds nothing still checks one
/// model.
pub fn load_each<T: Send>(
    options: &LoadOptions,
    check: &(dyn Fn(Model) -> T + Sync),
    keep: &mut dyn FnMut(T),
) {
    let files = options.reader();
    let (found, filter) = match discover_inputs(options, &files) {
        Ok(found) => found,
        Err(error) => return keep(check(Model::with_error(error))),
    };
    let progress = options.progress.counter(2 * found.files.len());
    let mut first = Model::default();
    first.errors.extend(found.errors);
    first.skipped.extend(found.skipped);
    let mut first = Some(first);
    let parts = match parts::splittable(options) {
        true => parts::split(&files, options, found.files),
        false => parts::Parts::one(found.files),
    };
    let load = |(part, model)| check(load_found(options, &files, &filter, part, &progress, model));
    let mut parts = parts.into_iter();
    loop {
        let batch: Vec<_> = parts
            .by_ref()
            .take(PARTS_IN_FLIGHT)
            .map(|part| (part, first.take().unwrap_or_default()))
            .collect();
        if batch.is_empty() {
            break;
        }
        per_file(batch, load).into_iter().for_each(&mut *keep);
    }
    if let Some(model) = first {
        keep(check(model));
    }
}

/// How many parts [`load_each`] loads at once: more than the threads, so
/// that one part's single-threaded steps run beside others' work.
const PARTS_IN_FLIGHT: usize = 4;

/// Every input file under `options.paths`, with the stdin overrides in
/// place and each file once, in path order; or why the filters are
/// wrong.
fn discover_inputs(
    options: &LoadOptions,
    files: &fs::Files,
) -> Result<(discover::Discovered, discover::Filter), LintError> {
    let filter = discover::Filter::new(&options.include, &options.exclude)?;
    let overridden = overridden(options);
    let mut found = discover::discover(files, &options.paths, &options.base_dir, &filter);
    for dir in &options.context_dirs {
        discover::module_files(files, dir, &options.base_dir, &mut found);
    }
    // A file given on stdin need not exist on disk yet.
    found
        .errors
        .retain(|e| !overridden.iter().any(|(shown, _, _)| *shown == e.path));
    found.files.retain(|f| {
        !overridden
            .iter()
            .any(|(shown, _, _)| *shown == f.display_path)
    });
    for (shown, path, _) in &overridden {
        found.files.push(discover::FoundFile {
            path: options.base_dir.join(path),
            display_path: shown.clone(),
            named: true,
        });
    }
    // A file both named and in a context folder is read once (named wins).
    found.files.sort_by(|a, b| {
        discover::path_order(&a.display_path, &b.display_path).then(b.named.cmp(&a.named))
    });
    found
        .files
        .dedup_by(|later, first| later.display_path == first.display_path);
    Ok((found, filter))
}

/// The stdin overrides: display path, path as given, bytes.
fn overridden(options: &LoadOptions) -> Vec<(String, &PathBuf, &Vec<u8>)> {
    options
        .overrides
        .iter()
        .map(|(path, bytes)| {
            (
                display_path(&options.base_dir.join(path), &options.base_dir),
                path,
                bytes,
            )
        })
        .collect()
}

/// Reads and parses `found` (discovered by [`discover_inputs`]) into
/// `model`.
fn load_found(
    options: &LoadOptions,
    files: &fs::Files,
    filter: &discover::Filter,
    found: Vec<discover::FoundFile>,
    progress: &Counter<'_>,
    mut model: Model,
) -> Model {
    let overridden = overridden(options);
    let mut sources = Vec::with_capacity(found.len());
    // Files found only by walking are skipped silently if not templates.
    let named: HashSet<String> = found
        .iter()
        .filter(|f| f.named)
        .map(|f| f.display_path.clone())
        .collect();
    // Reading, in parallel; results come back in the order of the files.
    let read = per_file(found, |file| {
        progress.step();
        if let Some((_, _, bytes)) = overridden
            .iter()
            .find(|(shown, _, _)| *shown == file.display_path)
        {
            return Ok(Source {
                path: file.path,
                display_path: file.display_path,
                bytes: (*bytes).clone(),
            });
        }
        match files.read(&file.path) {
            Ok(bytes) => Ok(Source {
                path: file.path,
                display_path: file.display_path,
                bytes,
            }),
            Err(err) => Err((file, err)),
        }
    });
    for result in read {
        match result {
            Ok(source) => sources.push(source),
            // A JSON or YAML file over the size limit is no template
            // (CloudFormation takes 1 MB at most): skipped, not an error.
            // Nor is a walked one that leads out of the project root (a
            // symbolic link to an editor's settings, say): counted, with
            // why, and not an error. A named one, or a `.tf`, is an error.
            Err((file, err @ (limits::ReadError::TooLarge(..) | limits::ReadError::Outside)))
                if discover::classify(&file.path).is_none()
                    && (matches!(err, limits::ReadError::TooLarge(..))
                        || !named.contains(&file.display_path)) =>
            {
                model.skipped.push(Skipped {
                    path: file.display_path,
                    reason: err.message(),
                });
            }
            Err((file, err)) => model.errors.push(LintError {
                path: file.display_path,
                span: None,
                message: err.message(),
            }),
        }
    }
    let terraform = terraform::Settings {
        inputs: terraform::Options {
            base_dir: &options.base_dir,
            var_files: &options.var_files,
            root_var_files: &options.root_var_files,
            vars: &options.vars,
            config_vars: &options.config_vars,
            env_vars: &options.env_vars,
            files,
        },
        disk: true,
        plan_source_dir: options.source_dir.clone(),
    };
    // A template's parameters file beside it applies unless the options
    // already name one for it; a file that is no template has none.
    let mut parameter_files = options.cfn_parameter_files.clone();
    for source in &sources {
        let mapped = parameter_files.iter().any(|(t, _)| {
            t.as_ref()
                .is_some_and(|t| options.base_dir.join(t) == source.path)
        });
        if mapped || discover::classify(&source.path).is_some() || !looks_like_template(source) {
            continue;
        }
        for file in parameter_files_beside(files, &source.path) {
            parameter_files.push((Some(source.path.clone()), file));
        }
    }
    let cfn_parameters = cloudformation::Parameters::read(
        &mut model,
        &options.cfn_parameters,
        &parameter_files,
        &options.base_dir,
        files,
    );
    build(
        &mut model,
        sources,
        &named,
        &cfn_parameters,
        &terraform,
        progress,
    );
    cloudformation::cdk::enrich(&mut model, files, &options.base_dir);
    // A file the filter leaves out that was read anyway (a module a linted
    // configuration calls, a named file's folder loaded for context) is
    // context: evaluated, but its findings are not reported.
    for file in &mut model.files {
        if file.role == phiguard_model::FileRole::Linted
            && filter.leaves_out(&file.display_path, &file.path)
        {
            file.role = phiguard_model::FileRole::Context;
        }
    }
    model
}

/// Parses files whose bytes the caller already has. Files that are neither
/// Terraform (by name) nor CloudFormation templates (by content) are
/// reported as skipped; `.tfvars` are ignored.
pub fn load_sources(sources: Vec<Source>) -> Model {
    let mut model = Model::default();
    let mut kept = Vec::with_capacity(sources.len());
    for source in sources {
        match discover::classify(&source.path) {
            Some(_) => kept.push(source),
            None if discover::is_walked_name(&source.path) => kept.push(source),
            None if discover::is_tfvars(&source.path) => {}
            None => model
                .skipped
                .push(discover::not_linted(source.display_path)),
        }
    }
    let named = kept.iter().map(|s| s.display_path.clone()).collect();
    // Sources in memory: nothing else is read from disk (module directories,
    // var files, `file()`), so what is loaded is exactly what was given.
    let files = fs::Files::default();
    let terraform = terraform::Settings {
        inputs: terraform::Options {
            base_dir: std::path::Path::new(""),
            var_files: &[],
            root_var_files: &[],
            vars: &[],
            config_vars: &[],
            env_vars: &[],
            files: &files,
        },
        disk: false,
        plan_source_dir: None,
    };
    build(
        &mut model,
        kept,
        &named,
        &cloudformation::Parameters::default(),
        &terraform,
        &Progress::default().counter(0),
    );
    model
}

/// Adds every file in sorted order (so file ids do not depend on the walk),
/// then parses the Terraform modules and templates and builds the views.
/// `named`: display paths given explicitly rather than found by walking.
fn build(
    model: &mut Model,
    mut sources: Vec<Source>,
    named: &HashSet<String>,
    cfn_parameters: &cloudformation::Parameters,
    terraform: &terraform::Settings,
    progress: &Counter<'_>,
) {
    sources.sort_by(|a, b| discover::path_order(&a.display_path, &b.display_path));
    let mut seen = HashSet::new();
    sources.retain(|s| seen.insert(s.display_path.clone()));

    // Decoding, the nesting scan, line indexes and templates (parsed and
    // evaluated, each its own scope) need nothing from other files: they
    // run in parallel. A template's tree is dropped as soon as it is
    // evaluated, so a monorepo's trees are never all in memory at once.
    // Files are then added in path order, so ids and output do not depend
    // on the thread count.
    let prepared = per_file(sources, |source| {
        progress.step();
        let is_named = named.contains(&source.display_path);
        prepare(source, is_named, cfn_parameters)
    });
    let mut terraform_files = Vec::new();
    let mut plans = Vec::new();
    let mut templates = cloudformation::Evaluated::default();
    for item in prepared {
        match item {
            Prepared::Dropped => {}
            Prepared::Error(error) => model.errors.push(error),
            Prepared::Skipped(skipped) => model.skipped.push(skipped),
            Prepared::Terraform {
                file,
                kind,
                too_deep,
            } => {
                let id = push_file(model, file);
                match too_deep {
                    Some(at) => {
                        let file = model.file(id);
                        let error = nesting_error(file, at, "HCL");
                        model.errors.push(error);
                    }
                    None => terraform_files.push((id, kind)),
                }
            }
            Prepared::Candidate { file, candidate } => {
                let id = push_file(model, file);
                cloudformation::add_candidate(model, id, candidate, &mut templates);
            }
            Prepared::PlanError { file, mut error } => {
                let id = push_file(model, file);
                error.span = error.span.map(|s| phiguard_model::Span { file: id, ..s });
                model.errors.push(error);
            }
            Prepared::Plan { file, mut plan } => {
                let id = push_file(model, file);
                model.files[id.0 as usize].generated = true;
                plan.renumber(id);
                plans.push(*plan);
            }
        }
    }
    terraform::load(model, &terraform_files, plans, terraform);
    cloudformation::finish(model, templates);
    model.suppressions = suppressions::collect(model);
    model
        .errors
        .sort_by(|a, b| discover::path_order(&a.path, &b.path).then(a.span.cmp(&b.span)));
    model
        .skipped
        .sort_by(|a, b| discover::path_order(&a.path, &b.path));
}

/// One input file, made ready without looking at any other.
enum Prepared {
    /// Nothing to report: a walked JSON or YAML file that is no template.
    Dropped,
    Error(LintError),
    Skipped(Skipped),
    Terraform {
        file: SourceFile,
        kind: discover::FileKind,
        /// Where the HCL first nests deeper than [`limits::MAX_NESTING`].
        too_deep: Option<usize>,
    },
    /// A template, evaluated, or a file that looks like one but does not
    /// parse.
    Candidate {
        file: SourceFile,
        candidate: cloudformation::Candidate,
    },
    /// A Terraform plan JSON that cannot be read, with its text.
    PlanError {
        file: SourceFile,
        error: LintError,
    },
    /// A Terraform plan or state JSON, read.
    Plan {
        file: SourceFile,
        plan: Box<terraform::plan::Plan>,
    },
}

/// The file id spans get before the file is added to the model (ids are
/// given in path order, after the parallel part).
const UNNUMBERED: FileId = FileId(u32::MAX);

fn prepare(source: Source, named: bool, cfn_parameters: &cloudformation::Parameters) -> Prepared {
    let kind = discover::classify(&source.path);
    let size = source.bytes.len() as u64;
    let source = match plan_candidate(source, named) {
        Ok(prepared) => return prepared,
        Err(source) => source,
    };
    // A file of another name (named, or a `.tfstate`) that is no plan.
    if kind.is_none() && !discover::is_template_candidate(&source.path) {
        return match named {
            true => Prepared::Skipped(discover::not_linted(source.display_path)),
            false => Prepared::Dropped,
        };
    }
    // Bytes handed over in memory (`--stdin-filename`) meet the same limit.
    if size > limits::MAX_FILE_SIZE {
        let message = limits::ReadError::TooLarge(size, limits::MAX_FILE_SIZE).message();
        return match kind {
            Some(_) => Prepared::Error(LintError {
                path: source.display_path,
                span: None,
                message,
            }),
            None => Prepared::Skipped(Skipped {
                path: source.display_path,
                reason: message,
            }),
        };
    }
    let text = match String::from_utf8(source.bytes) {
        Ok(text) => text,
        // A walked JSON or YAML file in another encoding is no template.
        Err(_) if kind.is_none() && !named => return Prepared::Dropped,
        Err(err) => return Prepared::Error(utf8_error(source.display_path, &err)),
    };
    match kind {
        Some(kind) => {
            let too_deep = match kind {
                discover::FileKind::TerraformHcl => limits::hcl_too_deep(&text),
                // `.tf.json` is scanned by `json::parse`.
                discover::FileKind::TerraformJson => None,
            };
            let file = SourceFile::new(
                UNNUMBERED,
                &source.path,
                source.display_path,
                Arc::from(text),
            );
            Prepared::Terraform {
                file,
                kind,
                too_deep,
            }
        }
        None => {
            let detected = cloudformation::detect(&source.path, &text, UNNUMBERED);
            let overrides = cfn_parameters.for_template(&source.display_path);
            match cloudformation::evaluate(detected, UNNUMBERED, &text, &overrides) {
                None if named => Prepared::Skipped(discover::not_linted(source.display_path)),
                None => Prepared::Dropped,
                Some(candidate) => Prepared::Candidate {
                    file: SourceFile::new(
                        UNNUMBERED,
                        &source.path,
                        source.display_path,
                        Arc::from(text),
                    ),
                    candidate,
                },
            }
        }
    }
}

/// A Terraform plan or state JSON (told by content, whatever its name; in
/// UTF-8 or UTF-16), read; anything else is handed back.
fn plan_candidate(source: Source, named: bool) -> Result<Prepared, Source> {
    use terraform::plan::{decode, looks_like_plan, Plan};
    let is_json = source
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // A walked file is tried by its name (`.json`, `.tfstate`); a named one
    // whatever its name, but never Terraform's own files.
    let tried = is_json || named || discover::is_state_name(&source.path);
    if !tried
        || discover::classify(&source.path).is_some()
        || discover::is_tfvars(&source.path)
        || source.bytes.len() as u64 > limits::MAX_PLAN_SIZE
    {
        return Err(source);
    }
    let utf16 = decode(&source.bytes);
    let is_plan = match &utf16 {
        Some(text) => looks_like_plan(text),
        None => std::str::from_utf8(&source.bytes).is_ok_and(looks_like_plan),
    };
    if !is_plan {
        return Err(source);
    }
    let Source {
        path,
        display_path,
        bytes,
    } = source;
    let text = match utf16 {
        Some(text) => text,
        None => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => return Ok(Prepared::Error(utf8_error(display_path, &err))),
        },
    };
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let error = |span: Option<phiguard_model::Span>, message: String| LintError {
        path: display_path.clone(),
        span,
        message,
    };
    let plan = match json::parse(&text[base..], UNNUMBERED, base) {
        Err(err) => Err(error(
            Some(err.span),
            format!("invalid plan JSON: {}", err.message),
        )),
        Ok(value) => match Plan::read(&value, UNNUMBERED) {
            // JSON that only looked like a plan (`format_version` and
            // `terraform_version` are common keys): a template, perhaps.
            None => {
                return Err(Source {
                    path,
                    display_path,
                    bytes: text.into_bytes(),
                })
            }
            Some(Err(err)) => Err(error(Some(err.span), err.message)),
            Some(Ok(plan)) => Ok(plan),
        },
    };
    let file = SourceFile::new(UNNUMBERED, &path, display_path.clone(), Arc::from(text));
    Ok(match plan {
        Ok(plan) => Prepared::Plan {
            file,
            plan: Box::new(plan),
        },
        // Added with its text, so the error can show where.
        Err(mut error) => {
            error.span = error.span.map(|s| phiguard_model::Span {
                file: FileId(0),
                ..s
            });
            Prepared::PlanError { file, error }
        }
    })
}

/// Adds a prepared file to the model with the next id.
fn push_file(model: &mut Model, mut file: SourceFile) -> FileId {
    let id = FileId(model.files.len() as u32);
    file.id = id;
    model.files.push(file);
    id
}

/// Text nested deeper than [`limits::MAX_NESTING`], reported at the
/// bracket that opens one level too many.
fn nesting_error(file: &SourceFile, at: usize, language: &str) -> LintError {
    let width = file
        .text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    LintError {
        path: file.display_path.clone(),
        span: Some(phiguard_model::Span::new(file.id, at..at + width)),
        message: format!("invalid {language}: {}", limits::nesting_message()),
    }
}

fn utf8_error(path: String, err: &std::string::FromUtf8Error) -> LintError {
    let valid = err.utf8_error().valid_up_to();
    let bytes = err.as_bytes();
    let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
    LintError {
        path,
        span: None,
        message: format!("the file is not UTF-8 text (invalid byte on line {line})"),
    }
}

/// Whether `path`'s name makes it something a run reads: Terraform
/// (`.tf`, `.tf.json`), a var file (`.tfvars`, `.tfvars.json`), or a
/// possible CloudFormation template or parameters file (`.yaml`, `.yml`,
/// `.json`, `.template`). A change-aware run with no such path changed
/// has nothing to lint.
pub fn is_input_name(path: &std::path::Path) -> bool {
    discover::classify(path).is_some()
        || discover::is_template_candidate(path)
        || discover::is_tfvars(path)
}

/// Compiles `--include` and `--exclude` globs as [`load`] will, so that a
/// bad one is an error of the command line, before anything is linted.
pub fn check_filters(include: &[String], exclude: &[String]) -> Result<(), String> {
    discover::Filter::new(include, exclude)
        .map(|_| ())
        .map_err(|e| format!("{}: {}", e.path, e.message))
}

/// Whether `path` is named as a Terraform configuration file (`.tf`,
/// `.tf.json`).
pub fn is_terraform_name(path: &std::path::Path) -> bool {
    discover::classify(path).is_some()
}

/// The display path a caller should use for `path`, as [`load`] computes it.
pub fn display_path_for(path: &std::path::Path, base_dir: &std::path::Path) -> String {
    display_path(&base_dir.join(path), base_dir)
}
