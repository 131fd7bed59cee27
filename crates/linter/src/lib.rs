//! phiguard's run as a library: [`lint`] loads the inputs, checks them
//! with the selected rules, applies severity overrides, suppressions,
//! per-path ignores, the "report only the named files" filter and the
//! minimum severity, and returns the sorted [`Report`].
//!
//! Every front door calls it: the `phiguard lint` and `phiguard baseline`
//! commands today, and an editor server, a pre-commit mode or fixes later.
//! Reading and validating `.phiguard.yaml`, baselines, rendering and exit
//! codes stay with the front door; [`Settings`] carries the configuration
//! already parsed and [`Inputs`] what to load.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

mod changes;
mod fix;
mod owners;

pub use changes::lint_changes;
pub use fix::{fix, FileChange, FixOptions, Fixed};

use globset::{Glob, GlobSet, GlobSetBuilder};
use phiguard_model::{
    display_path, normalize, FileRole, ListedFiles, Model, Report, Severity, Span,
};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Registry, Rule, Scope, SuppressionContext, INVALID_SUPPRESSION};

/// How to lint: the configuration, already read and validated.
#[derive(Debug)]
pub struct Settings {
    /// Every rule that exists: the built-in ones and those of `policy_dirs`
    /// ([`registry`]).
    pub registry: Registry,
    /// The rules to run; empty runs every rule.
    pub select: Vec<String>,
    /// Rules not to run, even when selected.
    pub ignore: Vec<String>,
    /// A rule's severity in this project; for a rule named twice the first
    /// entry wins.
    pub severity_overrides: Vec<(String, Severity)>,
    /// Rules that do not apply to some paths.
    pub per_path_ignores: PerPathIgnores,
    /// Findings below this severity are left out.
    pub min_severity: Option<Severity>,
    /// Which buckets and domains are checked (`phi_scope`).
    pub scope: Scope,
    /// `YYYY-MM-DD`: a suppression whose `until=` is before it has expired
    /// ([`phiguard_policy::today`] for a real run).
    pub today: String,
    /// The folder fingerprints are relative to, so that a baseline matches
    /// a run from anywhere in the repository.
    pub project_root: PathBuf,
}

/// What to lint: the files to load and, when files were named one by one
/// (pre-commit, an editor), the only ones to report on.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub load: LoadOptions,
    /// Display paths (relative to `load.base_dir`) of the only files whose
    /// findings and undecided checks are reported; `None` reports on all.
    pub only: Option<HashSet<String>>,
}

/// `per_path_ignores`: globs, relative to a base folder (the config file's),
/// with the rules that do not apply to the files they match.
#[derive(Debug, Clone, Default)]
pub struct PerPathIgnores {
    base: PathBuf,
    entries: Vec<(GlobSet, Vec<String>)>,
}

impl PerPathIgnores {
    /// Compiles each glob; a bad glob is an error naming it.
    pub fn new(base: PathBuf, entries: &[(String, Vec<String>)]) -> Result<Self, String> {
        let entries = entries
            .iter()
            .map(|(glob, ids)| {
                let bad = |e: globset::Error| format!("per_path_ignores: bad glob `{glob}`: {e}");
                let mut builder = GlobSetBuilder::new();
                builder.add(Glob::new(glob).map_err(bad)?);
                Ok((builder.build().map_err(bad)?, ids.clone()))
            })
            .collect::<Result<_, String>>()?;
        Ok(PerPathIgnores { base, entries })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `rule` is ignored for the file at `path` (relative to the
    /// base folder, with `/`).
    fn ignores(&self, rule: &str, path: &str) -> bool {
        self.entries
            .iter()
            .any(|(globs, ids)| ids.iter().any(|id| id == rule) && globs.is_match(path))
    }
}

impl Inputs {
    /// The paths of `load`, as given on a command line. Files named one by
    /// one, with no directory among them (pre-commit), are reported on
    /// alone, and every configuration they belong to or feed is loaded
    /// whole ([`Inputs::files`]); otherwise everything is reported on.
    pub fn paths(load: LoadOptions, repository: &Path) -> Inputs {
        let base = load.base_dir.clone();
        let any_dir = load.paths.iter().any(|p| load.files.is_dir(&base.join(p)));
        if load.paths.is_empty() || any_dir {
            return Inputs { load, only: None };
        }
        let given = load.paths.clone();
        let mut inputs = Inputs::files(load, &given, repository);
        // A named file that is not there is an error of the run.
        for path in given {
            let named = inputs
                .load
                .paths
                .iter()
                .any(|p| base.join(p) == base.join(&path));
            if !named && inputs.load.files.kind(&base.join(&path)).is_none() {
                inputs.load.paths.push(path);
            }
        }
        inputs
    }

    /// Files given one by one, which need not exist (a deletion in a
    /// change-aware run): the configurations they belong to or feed are
    /// loaded whole (see `owners.rs` for who owns what), and only findings
    /// located in them or whose value was decided in them are reported.
    /// `repository` is the folder searched for roots that call a module.
    pub fn files(mut load: LoadOptions, given: &[PathBuf], repository: &Path) -> Inputs {
        let base = load.base_dir.clone();
        let given: Vec<PathBuf> = given.iter().map(|p| normalize(&base.join(p))).collect();
        let only = given.iter().map(|f| display_path(f, &base)).collect();
        owners::own(&mut load, &given, &normalize(&base.join(repository)));
        Inputs {
            load,
            only: Some(only),
        }
    }

    /// One file's text handed over in memory (an editor's buffer, stdin)
    /// and reported under `name`, which need not exist; its folder is
    /// loaded for context. `load.paths` is replaced.
    pub fn text(mut load: LoadOptions, name: &Path, bytes: Vec<u8>) -> Inputs {
        let only = HashSet::from([display_path(&load.base_dir.join(name), &load.base_dir)]);
        load.paths = vec![name.to_path_buf()];
        load.context_dirs = vec![folder_of(name)];
        load.overrides = vec![(name.to_path_buf(), bytes)];
        Inputs {
            load,
            only: Some(only),
        }
    }
}

/// A file's folder, `.` for a bare name.
pub(crate) fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Every rule id a setting may name: the registry's and
/// `invalid-suppression`.
pub fn known_rules(registry: &Registry) -> HashSet<&str> {
    registry
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .chain([INVALID_SUPPRESSION])
        .collect()
}

/// The built-in rules plus the `.toml` policy files of each of
/// `policy_dirs`, in path order, read through the parser's reader (its
/// size limit included). Paths in messages are relative to `base`.
pub fn registry(policy_dirs: &[PathBuf], base: &Path) -> Result<Registry, String> {
    let mut custom = Vec::new();
    for dir in policy_dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("policy_dirs: cannot read {}: {e}", display_path(dir, base)))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for file in files {
            let shown = display_path(&file, base);
            let text = read_text(&file).map_err(|e| format!("cannot read {shown}: {e}"))?;
            custom.push((shown, text));
        }
    }
    Registry::with_custom(&custom).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.join("\nphiguard: error: ")
    })
}

/// A settings file (config, baseline, policy, parameters) read as text
/// through [`phiguard_parser::limits::read_text`]. The error reads as
/// `std::fs::read_to_string`'s would, so messages name the same causes.
pub fn read_text(path: &Path) -> Result<String, String> {
    use phiguard_parser::limits::ReadError;
    phiguard_parser::limits::read_text(path).map_err(|e| match e {
        ReadError::Io(io) => io.to_string(),
        ReadError::NotUtf8 => "stream did not contain valid UTF-8".to_string(),
        other => other.to_string(),
    })
}

/// Lints `inputs` with `settings`: loads the files, runs the selected
/// rules, applies severity overrides, suppressions (reporting invalid ones
/// when `invalid-suppression` is selected), per-path ignores, the named
/// files filter and the minimum severity, and returns the report sorted
/// ([`Report::sort`]). Files that cannot be read or parsed are errors in
/// the report; the others are still linted.
pub fn lint(settings: &Settings, inputs: &Inputs) -> Report {
    let rules: Vec<&Rule> = settings
        .registry
        .rules()
        .iter()
        .filter(|r| settings.selects(&r.id))
        .collect();
    let mut report = Report {
        listed: ListedFiles::new(&inputs.load.base_dir, &settings.project_root),
        ..Report::default()
    };
    // A large run comes in parts of whole configurations, each checked and
    // reduced to what the report needs before the next is read (issue 20).
    phiguard_parser::load_each(
        &inputs.load,
        &|model| lint_part(settings, inputs, &rules, model),
        &mut |part| report.append(part),
    );
    if report.findings.iter().any(|f| f.fix.is_some()) {
        let roots = fix::writable_roots(settings, inputs);
        fix::keep_writable(&mut report, &roots);
    }
    report.sort();
    report
}

/// [`lint`] on one part of the run: its report, unsorted.
fn lint_part(settings: &Settings, inputs: &Inputs, rules: &[&Rule], mut model: Model) -> Report {
    for file in &mut model.files {
        file.project_path = display_path(&file.path, &settings.project_root);
    }

    let outcome = phiguard_policy::check_scoped(&model, rules, &settings.scope);
    let mut findings = outcome.findings;
    let mut undecided = outcome.undecided;
    for finding in &mut findings {
        if let Some((_, severity)) = settings
            .severity_overrides
            .iter()
            .find(|(id, _)| *id == finding.rule)
        {
            finding.severity = *severity;
        }
    }

    let known = known_rules(&settings.registry);
    let ran: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let invalid = phiguard_policy::apply_suppressions(
        &model,
        &SuppressionContext {
            known: &known,
            ran: &ran,
            today: &settings.today,
        },
        &mut findings,
        &mut undecided,
    );
    // What the rules read (resources, their views, the suppression
    // comments) is freed once findings are made, before they are
    // filtered, sorted and rendered: a large run would otherwise hold it
    // and every finding to the end (issue 14). Files stay: findings and
    // reports point into them.
    let resources = model.resources.len();
    drop(std::mem::take(&mut model.resources));
    drop(std::mem::take(&mut model.subjects));
    drop(std::mem::take(&mut model.suppressions));
    let mut metas: Vec<_> = rules.iter().map(|rule| rule.meta()).collect();
    if settings.selects(INVALID_SUPPRESSION) {
        if !invalid.is_empty() {
            metas.push(phiguard_policy::invalid_suppression_meta());
        }
        findings.extend(invalid.into_iter().map(Box::new));
    }

    let ignores = &settings.per_path_ignores;
    if !ignores.is_empty() {
        // Globs match paths relative to their base folder.
        let paths: Vec<String> = model
            .files
            .iter()
            .map(|file| display_path(&file.path, &ignores.base))
            .collect();
        let ignored = |rule: &str, span: Span| {
            let path = paths.get(span.file.0 as usize).map_or("", String::as_str);
            ignores.ignores(rule, path)
        };
        findings.retain(|f| !ignored(&f.rule, f.span));
        undecided.retain(|u| !ignored(&u.rule, u.span));
    }
    if let Some(only) = &inputs.only {
        let path_of = |span: Span| {
            model
                .files
                .get(span.file.0 as usize)
                .map_or("", |f| f.display_path.as_str())
        };
        // A named plan causes the findings in the `.tf` files it was
        // evaluated with.
        let mut only = only.clone();
        for (plan, sources) in &model.plan_sources {
            if only.contains(model.file(*plan).display_path.as_str()) {
                only.extend(sources.iter().map(|&f| model.file(f).display_path.clone()));
            }
        }
        let only = &only;
        findings.retain(|f| concerns(f, only, &path_of));
        undecided.retain(|u| only.contains(path_of(u.span)));
    }
    // Findings in a module that `include`/`exclude` leave out, read only
    // because a linted configuration calls it, are not reported, unless
    // their value was set in a file that is (a module argument).
    let context = |span: Span| {
        model
            .files
            .get(span.file.0 as usize)
            .is_some_and(|f| f.role == FileRole::Context)
    };
    if model.files.iter().any(|f| f.role == FileRole::Context) {
        findings.retain(|f| {
            !context(f.span)
                || f.origins
                    .iter()
                    .any(|o| o.span.is_some_and(|s| !context(s)))
        });
        undecided.retain(|u| !context(u.span));
    }
    if let Some(min) = settings.min_severity {
        findings.retain(|f| f.severity >= min);
    }

    Report {
        rules: metas,
        resources,
        files: model.files,
        findings,
        undecided,
        errors: model.errors,
        skipped: model.skipped,
        unavailable_modules: model.unavailable_modules,
        new: None,
        baseline: None,
        listed: ListedFiles::default(),
    }
}

/// Whether `finding` is caused by one of the `only` files (display paths):
/// located there, or its value set there (a tfvars line, a module
/// argument, a parameters file). `path_of` gives a span's display path.
pub(crate) fn concerns<'a>(
    finding: &phiguard_model::Finding,
    only: &HashSet<String>,
    path_of: &dyn Fn(Span) -> &'a str,
) -> bool {
    only.contains(path_of(finding.span))
        || finding
            .origins
            .iter()
            .filter_map(|o| o.span)
            .any(|span| only.contains(path_of(span)))
}

impl Settings {
    /// Whether rule `id` runs: selected (or nothing selected) and not
    /// ignored.
    pub fn selects(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s == id))
            && !self.ignore.iter().any(|s| s == id)
    }
}

#[cfg(test)]
mod tests;
