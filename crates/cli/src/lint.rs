//! `phiguard lint`: settings, load, check, filter, render, exit code.

use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use phiguard_model::{display_path, Report, Severity};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Registry, Rule, Scope, SuppressionContext, INVALID_SUPPRESSION};
use phiguard_reporter::{render, Format, RenderOptions};

use crate::args::{AnalysisArgs, ColorChoice, FailOn, LintArgs, OutputFormat, PhiScope};
use crate::config::{self, Config};
use crate::{baseline, output, ExitStatus};

pub fn run(args: &LintArgs) -> Result<ExitStatus, String> {
    let Analysis { mut report, config } =
        analyse(&args.analysis, crate::progress::wanted(args.quiet))?;
    let baseline = args.baseline.clone().or_else(|| config.baseline.clone());
    if let Some(path) = &baseline {
        let known = baseline::read(path)?;
        report
            .findings
            .retain(|f| !known.contains(f.fingerprint.as_str()));
    }

    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Compact => Format::Compact,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Junit => Format::Junit,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = render(
        &report,
        format,
        &RenderOptions {
            color,
            show_undecided: args.show_undecided,
            quiet: args.quiet,
            tool_version: env!("CARGO_PKG_VERSION"),
        },
    );
    output::write(args.output.as_ref(), &text)?;

    let fail_on = match (args.fail_on, &config.fail_on) {
        (Some(level), _) => level,
        (None, Some(level)) => fail_on_from(&level.value),
        (None, None) => FailOn::Low,
    };
    Ok(if !report.errors.is_empty() {
        ExitStatus::Error
    } else if fail_on
        .threshold()
        .is_some_and(|t| report.count_at_or_above(t) > 0)
    {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn fail_on_from(text: &str) -> FailOn {
    match text {
        "critical" => FailOn::Critical,
        "high" => FailOn::High,
        "medium" => FailOn::Medium,
        "never" => FailOn::Never,
        _ => FailOn::Low,
    }
}

pub struct Analysis {
    pub report: Report,
    pub config: Config,
}

/// Everything up to the report: settings, inputs, rules, suppressions and
/// filters. `lint` renders the result; `baseline` records it.
pub fn analyse(args: &AnalysisArgs, show_progress: bool) -> Result<Analysis, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let config = load_config(args, &cwd)?;
    let registry = registry(&config, &cwd)?;
    let known: HashSet<&str> = registry
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .chain([INVALID_SUPPRESSION])
        .collect();
    for id in config.rule_ids() {
        if !known.contains(id.value.as_str()) {
            return Err(config.error_at(
                id.span,
                &format!(
                    "unknown rule id `{}` (`phiguard rules` lists them)",
                    id.value
                ),
            ));
        }
    }
    for id in args.select.iter().chain(&args.ignore) {
        if !known.contains(id.as_str()) {
            return Err(format!(
                "unknown rule id `{id}` (`phiguard rules` lists them)"
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
    let rules: Vec<&Rule> = registry
        .rules()
        .iter()
        .filter(|r| selected(&r.id, &select, &ignore))
        .collect();

    let (mut options, only) = load_options(args, &config, &cwd)?;
    let (bar, progress) = crate::progress::Bar::new(show_progress);
    options.progress = progress;
    let mut model = phiguard_parser::load(&options);
    bar.finish();
    let root = project_root(args, &config, &cwd);
    for file in &mut model.files {
        file.project_path = display_path(&file.path, &root);
    }

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
    let outcome = phiguard_policy::check_scoped(&model, &rules, &scope);
    let mut findings = outcome.findings;
    let mut undecided = outcome.undecided;
    for finding in &mut findings {
        if let Some((_, severity)) = config
            .severity
            .iter()
            .find(|(id, _)| id.value == finding.rule)
        {
            finding.severity = *severity;
        }
    }

    let ran: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let today = phiguard_policy::today();
    let invalid = phiguard_policy::apply_suppressions(
        &model,
        &SuppressionContext {
            known: &known,
            ran: &ran,
            today: &today,
        },
        &mut findings,
        &mut undecided,
    );
    let mut metas: Vec<_> = rules.iter().map(|rule| rule.meta()).collect();
    if selected(INVALID_SUPPRESSION, &select, &ignore) {
        if !invalid.is_empty() {
            metas.push(phiguard_policy::invalid_suppression_meta());
        }
        findings.extend(invalid);
    }

    let path_of = |span: phiguard_model::Span| {
        model
            .files
            .get(span.file.0 as usize)
            .map_or("", |f| f.display_path.as_str())
    };
    // Globs in the config are relative to its folder.
    let per_path = per_path_ignores(&config)?;
    if !per_path.is_empty() {
        let base = config_dir(&config, &cwd).unwrap_or_else(|| cwd.clone());
        let paths: Vec<String> = model
            .files
            .iter()
            .map(|file| display_path(&file.path, &base))
            .collect();
        let ignored = |rule: &str, span: phiguard_model::Span| {
            let path = paths.get(span.file.0 as usize).map_or("", String::as_str);
            per_path
                .iter()
                .any(|(globs, ids)| ids.iter().any(|id| id == rule) && globs.is_match(path))
        };
        findings.retain(|f| !ignored(&f.rule, f.span));
        undecided.retain(|u| !ignored(&u.rule, u.span));
    }
    if let Some(only) = &only {
        findings.retain(|f| only.contains(path_of(f.span)));
        undecided.retain(|u| only.contains(path_of(u.span)));
    }
    let min = args
        .min_severity
        .map(Severity::from)
        .or(config.min_severity);
    if let Some(min) = min {
        findings.retain(|f| f.severity >= min);
    }

    let mut report = Report {
        rules: metas,
        resources: model.resources.len(),
        files: model.files,
        findings,
        undecided,
        errors: model.errors,
        skipped: model.skipped,
        unavailable_modules: model.unavailable_modules,
    };
    report.sort();
    Ok(Analysis { report, config })
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

/// The config file's folder, which its globs and paths are relative to.
fn config_dir(config: &Config, cwd: &Path) -> Option<PathBuf> {
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
        None => config::discover(&cwd.join(search_start(args))),
    };
    match path {
        Some(path) => {
            let display = display_path(&cwd.join(&path), cwd);
            config::load(&path, display)
        }
        None => Ok(Config::default()),
    }
}

/// The built-in rules plus the config's `policy_dirs`.
fn registry(config: &Config, cwd: &Path) -> Result<Registry, String> {
    let mut custom = Vec::new();
    for dir in &config.policy_dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("policy_dirs: cannot read {}: {e}", display_path(dir, cwd)))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", display_path(&file, cwd)))?;
            custom.push((display_path(&file, cwd), text));
        }
    }
    Registry::with_custom(&custom).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.join("\nphiguard: error: ")
    })
}

/// What to load, and, when files were named, the display paths of the
/// only files to report on.
fn load_options(
    args: &AnalysisArgs,
    config: &Config,
    cwd: &Path,
) -> Result<(LoadOptions, Option<HashSet<String>>), String> {
    let mut cfn_parameters = config.cfn_parameters.clone();
    if let Some(file) = &args.cfn_params_file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let parsed =
            phiguard_parser::parse_cfn_parameters(&display_path(&cwd.join(file), cwd), &text)
                .map_err(|e| e.to_string())?;
        cfn_parameters.extend(parsed);
    }
    cfn_parameters.extend(args.cfn_params.iter().cloned());

    let mut options = LoadOptions {
        paths: args.paths.clone(),
        base_dir: cwd.to_path_buf(),
        cfn_parameters,
        var_files: config
            .var_files
            .iter()
            .chain(&args.var_files)
            .cloned()
            .collect(),
        vars: config.vars.iter().chain(&args.vars).cloned().collect(),
        env_vars: std::env::vars()
            .filter(|(k, _)| k.starts_with("TF_VAR_"))
            .collect(),
        include: config
            .include
            .iter()
            .chain(&args.include)
            .cloned()
            .collect(),
        exclude: config
            .exclude
            .iter()
            .chain(&args.exclude)
            .cloned()
            .collect(),
        ..LoadOptions::default()
    };

    if let Some(name) = &args.stdin_filename {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        let dir = name
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        options.paths = vec![name.clone()];
        options.context_dirs = vec![dir.to_path_buf()];
        options.overrides = vec![(name.clone(), bytes)];
        let only = HashSet::from([display_path(&cwd.join(name), cwd)]);
        return Ok((options, Some(only)));
    }

    // Files named one by one (pre-commit): load their folders for context,
    // report on them only.
    let files: Vec<&PathBuf> = args
        .paths
        .iter()
        .filter(|p| cwd.join(p).is_file())
        .collect();
    if files.is_empty() {
        return Ok((options, None));
    }
    let dirs: Vec<&PathBuf> = args.paths.iter().filter(|p| cwd.join(p).is_dir()).collect();
    if !dirs.is_empty() {
        // A mix: directories are reported on whole.
        return Ok((options, None));
    }
    let mut context: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            f.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf()
        })
        .collect();
    context.sort();
    context.dedup();
    options.context_dirs = context;
    let only = files
        .iter()
        .map(|f| display_path(&cwd.join(f), cwd))
        .collect();
    Ok((options, Some(only)))
}

fn per_path_ignores(config: &Config) -> Result<Vec<(GlobSet, Vec<String>)>, String> {
    config
        .per_path_ignores
        .iter()
        .map(|(glob, ids)| {
            let mut builder = GlobSetBuilder::new();
            let compiled =
                Glob::new(glob).map_err(|e| format!("per_path_ignores: bad glob `{glob}`: {e}"))?;
            builder.add(compiled);
            let set = builder
                .build()
                .map_err(|e| format!("per_path_ignores: bad glob `{glob}`: {e}"))?;
            Ok((set, ids.iter().map(|i| i.value.clone()).collect()))
        })
        .collect()
}

fn selected(id: &str, select: &[String], ignore: &[String]) -> bool {
    (select.is_empty() || select.iter().any(|s| s == id)) && !ignore.iter().any(|s| s == id)
}
