//! From the command line and `.phiguard.yaml` to the library's settings
//! and inputs, then the run itself ([`phiguard_linter::lint`]). Shared by
//! `lint`, which renders the report, and `baseline`, which records it.

use std::path::{Path, PathBuf};

use phiguard_linter::{Inputs, PerPathIgnores, Settings};
use phiguard_model::{display_path, Report};
use phiguard_parser::LoadOptions;
use phiguard_policy::Scope;

use crate::args::{AnalysisArgs, PhiScope};
use crate::changes::{self, Mode};
use crate::config::{self, Config};

pub struct Analysis {
    pub report: Report,
    pub config: Config,
    /// Said on stderr: why a change-aware run had nothing to lint.
    pub note: Option<String>,
    /// With fixes asked for: the changed files and how many fixes.
    pub fixed: Option<Fixes>,
}

/// What `--fix` or `--diff` would write.
pub struct Fixes {
    pub changes: Vec<phiguard_linter::FileChange>,
    /// Findings the fixes removed.
    pub removed: usize,
}

/// A plain run's settings and inputs, read and validated as `lint` reads
/// them, for a door that runs the library itself (the editor server).
pub struct Prepared {
    pub settings: Settings,
    pub inputs: Inputs,
    pub config: Config,
}

/// The settings and inputs of a plain run over `args` from `cwd`.
pub fn prepare(args: &AnalysisArgs, cwd: &Path) -> Result<Prepared, String> {
    let config = load_config(args, cwd)?;
    let (settings, load) = settings(args, &config, cwd)?;
    check_arguments(args, &load, cwd)?;
    let inputs = inputs(args, &config, cwd, load)?;
    Ok(Prepared {
        settings,
        inputs,
        config,
    })
}

/// Everything up to the report: reads and validates the settings, then
/// lints, the whole of the paths or, in a change-aware run, what changed
/// ([`crate::changes`]). A bad setting is an error before any file is
/// read.
/// With `only_new`, a change-aware run keeps only the findings new against
/// its base.
pub fn analyse(
    args: &AnalysisArgs,
    mode: &Mode,
    only_new: bool,
    fix: Option<phiguard_linter::FixOptions>,
    show_progress: bool,
) -> Result<Analysis, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let config = load_config(args, &cwd)?;
    let (settings, mut load) = settings(args, &config, &cwd)?;
    check_arguments(args, &load, &cwd)?;
    let (bar, progress) = crate::progress::Bar::new(show_progress);
    load.progress = progress;
    let mut note = None;
    let mut fixed = None;
    let changed = changes::lint(mode, only_new, &args.paths, &settings, &load, &cwd)?;
    let report = match changed {
        Some(changes::Outcome::Report(report)) => *report,
        Some(changes::Outcome::NoInfrastructure) => {
            // Paths narrow the run: a change elsewhere is not looked at.
            let scope = if !paths_given(args) {
                ""
            } else {
                " under the given paths"
            };
            note = Some(format!("{}{scope}", changes::NO_INFRASTRUCTURE));
            Report {
                new: Some(0),
                ..Report::default()
            }
        }
        // A plain run, a change-aware one with nothing staged, or one
        // whose config changed: everything in scope.
        other => {
            if matches!(other, Some(changes::Outcome::ConfigChanged)) {
                note = Some(changes::CONFIG_CHANGED.to_string());
            }
            let inputs = inputs(args, &config, &cwd, load)?;
            match fix {
                Some(options) => {
                    let run = phiguard_linter::fix(&settings, &inputs, options);
                    fixed = Some(Fixes {
                        changes: run.changes,
                        removed: run.removed,
                    });
                    run.report
                }
                None => phiguard_linter::lint(&settings, &inputs),
            }
        }
    };
    bar.finish();
    Ok(Analysis {
        report,
        config,
        note,
        fixed,
    })
}

/// Whether paths other than the default `.` were given.
fn paths_given(args: &AnalysisArgs) -> bool {
    args.paths.iter().any(|p| p != Path::new("."))
}

/// Mistakes in the arguments and the config that would otherwise surface
/// only after linting, among the findings, or not at all: each is an error
/// (exit 2) before any file is read.
fn check_arguments(args: &AnalysisArgs, load: &LoadOptions, cwd: &Path) -> Result<(), String> {
    if args.stdin_filename.is_some() && paths_given(args) {
        return Err(
            "--stdin-filename lints stdin alone; the paths given beside it would be ignored".into(),
        );
    }
    phiguard_parser::check_filters(&load.include, &load.exclude)?;
    let files = load.var_files.iter().map(|file| ("var file", file)).chain(
        load.cfn_parameter_files
            .iter()
            .map(|(_, file)| ("parameters file", file)),
    );
    for (what, file) in files {
        let path = cwd.join(file);
        let problem = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => continue,
            Ok(meta) if meta.is_dir() => "a folder, not a file",
            Ok(_) => "not a regular file",
            Err(err) => &phiguard_parser::limits::io_message(&err),
        };
        return Err(format!("{what} {}: {problem}", display_path(&path, cwd)));
    }
    if let Some(dir) = &load.source_dir {
        let path = cwd.join(dir);
        if !path.is_dir() {
            return Err(format!(
                "--source-dir {}: not a folder",
                display_path(&path, cwd)
            ));
        }
        // A folder without the configuration would quietly lint each plan
        // alone, with none of the `.tf` spans the option was given for.
        let has_tf = std::fs::read_dir(&path).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                phiguard_parser::is_terraform_name(&e.path())
                    && e.file_type().is_ok_and(|t| !t.is_dir())
            })
        });
        if !has_tf {
            return Err(format!(
                "--source-dir {}: no .tf files in it (it names the folder of the .tf files a plan was made from)",
                display_path(&path, cwd)
            ));
        }
    }
    Ok(())
}

/// The library's settings and what to load from the arguments and the
/// config: rule ids checked against the rules that exist, command-line
/// values before (or, for lists, beside) the config's.
fn settings(
    args: &AnalysisArgs,
    config: &Config,
    cwd: &Path,
) -> Result<(Settings, LoadOptions), String> {
    let registry = phiguard_linter::registry(&config.policy_dirs, cwd)?;
    let known = phiguard_linter::known_rules(&registry);
    for id in config.rule_ids() {
        if !known.contains(id.value.as_str()) {
            return Err(config.error_at(
                id.span,
                &format!(
                    "unknown rule id `{}` ({})",
                    id.value,
                    phiguard_policy::similar::hint(&id.value, known.iter().copied())
                ),
            ));
        }
    }
    for id in args.select.iter().chain(&args.ignore) {
        if !known.contains(id.as_str()) {
            return Err(format!(
                "unknown rule id `{id}` ({})",
                phiguard_policy::similar::hint(id, known.iter().copied())
            ));
        }
    }
    let select: Vec<String> = if args.select.is_empty() {
        config.select.iter().map(|s| s.value.clone()).collect()
    } else {
        args.select.clone()
    };
    let ignore: Vec<String> = args
        .ignore
        .iter()
        .cloned()
        .chain(config.ignore.iter().map(|s| s.value.clone()))
        .collect();

    let mut load = load_options(args, config, cwd)?;
    let project_root = project_root(args, config, cwd);
    // No read leaves it (but for paths named on the command line or in
    // the config): a committed symbolic link cannot leak the host's files.
    load.root = Some(project_root.clone());

    let scope = match args
        .phi_scope
        .or(match config.phi_scope.as_ref().map(|s| s.value.as_str()) {
            Some("tagged") => Some(PhiScope::Tagged),
            Some(_) => Some(PhiScope::All),
            None => None,
        }) {
        Some(PhiScope::Tagged) => {
            if config.phi_tags.is_empty() {
                return Err("phi_scope `tagged` needs `phi_tags` in the config file to say which tags mark PHI".into());
            }
            Scope::Tagged(config.phi_tags.clone())
        }
        _ => Scope::All,
    };
    // Globs in the config are relative to its folder.
    let per_path: Vec<(String, Vec<String>)> = config
        .per_path_ignores
        .iter()
        .map(|(glob, ids)| (glob.clone(), ids.iter().map(|i| i.value.clone()).collect()))
        .collect();
    let base = config_dir(config, cwd).unwrap_or_else(|| cwd.to_path_buf());
    let per_path_ignores = PerPathIgnores::new(base, &per_path)?;

    let settings = Settings {
        registry,
        select,
        ignore,
        severity_overrides: config
            .severity
            .iter()
            .map(|(id, severity)| (id.value.clone(), *severity))
            .collect(),
        per_path_ignores,
        min_severity: args.min_severity.map(Into::into).or(config.min_severity),
        scope,
        today: phiguard_policy::today(),
        project_root,
    };
    Ok((settings, load))
}

/// The folder fingerprints are relative to: the repository's top folder
/// (holding `.git`) above the first linted path, else the config file's
/// folder, else the working directory. A baseline then matches a run from
/// any folder of the repository, wherever it is checked out.
fn project_root(args: &AnalysisArgs, config: &Config, cwd: &Path) -> PathBuf {
    config::repository_root(&cwd.join(search_start(args)))
        .or_else(|| config_dir(config, cwd))
        .unwrap_or_else(|| cwd.to_path_buf())
}

/// Where the config file and the repository are looked for, upward: the
/// folder of `--stdin-filename`, else the first linted path.
fn search_start(args: &AnalysisArgs) -> PathBuf {
    args.stdin_filename
        .as_ref()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The config's globs, anchored at its folder ([`phiguard_parser::anchor_glob`]).
fn anchored<'a>(
    globs: &'a [String],
    config: &Config,
    cwd: &Path,
) -> impl Iterator<Item = String> + 'a {
    let dir = config_dir(config, cwd).unwrap_or_else(|| cwd.to_path_buf());
    globs
        .iter()
        .map(move |glob| phiguard_parser::anchor_glob(&dir, glob))
}

/// The config file's folder, which its globs and paths are relative to.
pub fn config_dir(config: &Config, cwd: &Path) -> Option<PathBuf> {
    let source = config.source.as_ref()?;
    let path = phiguard_model::normalize(&cwd.join(&source.path));
    path.parent().map(Path::to_path_buf)
}

fn load_config(args: &AnalysisArgs, cwd: &Path) -> Result<Config, String> {
    let path = match &args.config {
        Some(path) => {
            if !path.is_file() {
                return Err(format!("{}: no such config file", path.display()));
            }
            Some(path.clone())
        }
        None => match config::discover(&cwd.join(search_start(args))) {
            // Found, not named: a committed link must not make phiguard
            // read (and quote in its errors) a file from elsewhere.
            Some(path) if !really_in_its_folder(&path) => {
                return Err(format!(
                    "{}: the config file is a symbolic link out of its folder, so it is not read \
                     (name it with --config to use it)",
                    display_path(&path, cwd)
                ))
            }
            found => found,
        },
    };
    match path {
        Some(path) => {
            let display = display_path(&cwd.join(&path), cwd);
            config::load(&path, display)
        }
        None => Ok(Config::default()),
    }
}

/// Whether `path`, symbolic links followed, is in the folder its path
/// names: the loader's confinement, rooted at that folder.
fn really_in_its_folder(path: &Path) -> bool {
    use phiguard_parser::fs::{Confined, Files};
    let folder = path.parent().unwrap_or(Path::new("."));
    Confined::new(Files::default(), folder, &[]).admits(path)
}

/// What to load, the config's values and the command line's after them.
fn load_options(args: &AnalysisArgs, config: &Config, cwd: &Path) -> Result<LoadOptions, String> {
    let mut cfn_parameters = config.cfn_parameters.clone();
    cfn_parameters.extend(args.cfn_params.iter().cloned());
    // The loader reads the file into the model, so its values' origins
    // and its errors point into it.
    // The config's mapping applies in every run, so a directory run and a
    // run on the parameters file alone agree; `--cfn-params` applies to
    // every template, after it.
    let cfn_parameter_files = config
        .parameter_files
        .iter()
        .map(|(file, template)| (Some(template.clone()), file.clone()))
        .chain(args.cfn_params_file.iter().map(|file| (None, file.clone())))
        .collect();

    let load = LoadOptions {
        paths: args.paths.clone(),
        base_dir: cwd.to_path_buf(),
        cfn_parameters,
        cfn_parameter_files,
        var_files: config
            .var_files
            .iter()
            .chain(&args.var_files)
            .cloned()
            .collect(),
        config_vars: config.vars.clone(),
        vars: args.vars.clone(),
        env_vars: std::env::vars()
            .filter(|(k, _)| k.starts_with("TF_VAR_"))
            .collect(),
        // The config's globs are relative to its folder, whatever the
        // working directory; the command line's to the working directory
        // (and to each linted folder).
        include: anchored(&config.include, config, cwd)
            .chain(args.include.iter().cloned())
            .collect(),
        exclude: anchored(&config.exclude, config, cwd)
            .chain(args.exclude.iter().cloned())
            .collect(),
        // The config's mapping applies in every run, so a directory run and
        // a run on the var file alone agree.
        root_var_files: config
            .root_var_files
            .iter()
            .map(|(file, root)| (root.clone(), file.clone()))
            .collect(),
        source_dir: args
            .source_dir
            .clone()
            .or_else(|| config.source_dir.clone()),
        ..LoadOptions::default()
    };
    Ok(load)
}

/// The paths given, or stdin's text under its name.
fn inputs(
    args: &AnalysisArgs,
    config: &Config,
    cwd: &Path,
    load: LoadOptions,
) -> Result<Inputs, String> {
    match &args.stdin_filename {
        Some(name) => {
            // At most one byte over the file size limit, which the loader
            // then reports as it would for a file.
            let bytes = phiguard_parser::limits::read_stream(std::io::stdin().lock())
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(Inputs::text(load, name, bytes))
        }
        None => Ok(Inputs::paths(load, &project_root(args, config, cwd))),
    }
}
