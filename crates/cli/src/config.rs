//! `.phiguard.yaml`: found from the linted path upward to the repository
//! root, read with positions, and validated strictly: an unknown key, a
//! wrong type or an unknown rule id is an error naming the file, line and key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{FileId, Severity, SourceFile, Span, Spanned, Value, ValueKind};

pub const FILE_NAME: &str = ".phiguard.yaml";

#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, and its text (for positions).
    pub source: Option<SourceFile>,
    pub fail_on: Option<Spanned<String>>,
    pub min_severity: Option<Severity>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub select: Vec<Spanned<String>>,
    pub ignore: Vec<Spanned<String>>,
    pub severity: Vec<(Spanned<String>, Severity)>,
    pub per_path_ignores: Vec<(String, Vec<Spanned<String>>)>,
    pub phi_scope: Option<Spanned<String>>,
    pub phi_tags: Vec<(String, Vec<String>)>,
    /// Relative to the config file's folder.
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    pub cfn_parameters: Vec<(String, String)>,
    /// `terraform.root_var_files`: var files and the root folder each
    /// applies to, relative to the config file's folder.
    pub root_var_files: Vec<(PathBuf, PathBuf)>,
    /// `terraform.source_dir`: the folder of the `.tf` files plan JSON was
    /// made from, relative to the config file's folder.
    pub source_dir: Option<PathBuf>,
    /// `cloudformation.parameter_files`: parameters files and the template
    /// each applies to, relative to the config file's folder.
    pub parameter_files: Vec<(PathBuf, PathBuf)>,
    pub policy_dirs: Vec<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// Where the rules' pages are, as written: a URL or a path (relative to
    /// the config file's folder), a template with `{id}` or a folder.
    pub docs_url: Option<String>,
}

/// The nearest `.phiguard.yaml` from `start` (absolute) upward, stopping at
/// the repository root (the folder holding `.git`).
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in ancestors(start) {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The nearest folder from `start` (absolute) upward that holds `.git`.
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    ancestors(start).find(|dir| dir.join(".git").exists())
}

/// `start`'s folder (itself when it is one, else its parent, which need not
/// exist yet: a file given with `--stdin-filename`) and the folders above,
/// taken lexically: symbolic links are not resolved, so the folders found
/// are prefixes of the paths of the files linted.
fn ancestors(start: &Path) -> impl Iterator<Item = PathBuf> {
    let start = phiguard_model::normalize(start);
    let first = if start.is_dir() {
        Some(start)
    } else {
        start.parent().map(Path::to_path_buf)
    };
    std::iter::successors(first, |dir| dir.parent().map(Path::to_path_buf))
}

/// Reads and validates a config file.
pub fn load(path: &Path, display: String) -> Result<Config, String> {
    let text =
        phiguard_linter::read_text(path).map_err(|e| format!("cannot read {display}: {e}"))?;
    let file = SourceFile::new(FileId(0), path, display, Arc::from(text.as_str()));
    let documents = phiguard_parser::yaml::parse(&text, FileId(0))
        .map_err(|e| at(&file, e.span, &e.describe(Some(&file))))?;
    let mut config = Config::default();
    let root = match documents.into_iter().next() {
        None => {
            config.source = Some(file);
            return Ok(config);
        }
        Some(v) if matches!(v.kind, ValueKind::Null) => {
            config.source = Some(file);
            return Ok(config);
        }
        Some(v) => v,
    };
    let reader = Reader { file: &file };
    reader.fill(&root, &mut config)?;
    let base = path.parent().unwrap_or(Path::new("."));
    config.var_files = config.var_files.iter().map(|p| base.join(p)).collect();
    let both = |(a, b): &(PathBuf, PathBuf)| (base.join(a), base.join(b));
    config.root_var_files = config.root_var_files.iter().map(both).collect();
    config.parameter_files = config.parameter_files.iter().map(both).collect();
    config.policy_dirs = config.policy_dirs.iter().map(|p| base.join(p)).collect();
    config.baseline = config.baseline.as_ref().map(|p| base.join(p));
    config.source_dir = config.source_dir.as_ref().map(|p| base.join(p));
    config.source = Some(file);
    Ok(config)
}

/// `file:line:col: message`.
pub fn at(file: &SourceFile, span: Span, message: &str) -> String {
    let p = file.position(span.start as usize);
    format!("{}:{}:{}: {message}", file.display_path, p.line, p.column)
}

struct Reader<'a> {
    file: &'a SourceFile,
}

const KEYS: &[&str] = &[
    "fail_on",
    "min_severity",
    "include",
    "exclude",
    "rules",
    "per_path_ignores",
    "phi_scope",
    "phi_tags",
    "terraform",
    "cloudformation",
    "policy_dirs",
    "baseline",
    "docs_url",
];

impl Reader<'_> {
    fn error(&self, span: Span, message: String) -> String {
        at(self.file, span, &message)
    }

    fn map<'v>(
        &self,
        value: &'v Value,
        what: &str,
    ) -> Result<&'v [(Spanned<String>, Value)], String> {
        value
            .as_map()
            .ok_or_else(|| self.error(value.span, format!("`{what}` must be a mapping")))
    }

    fn string(&self, value: &Value, key: &str) -> Result<String, String> {
        match &value.kind {
            ValueKind::String(s) => Ok(s.clone()),
            ValueKind::Number(n) => Ok(phiguard_model::format_number(*n)),
            ValueKind::Bool(b) => Ok(b.to_string()),
            _ => Err(self.error(value.span, format!("`{key}` must be a string"))),
        }
    }

    /// A file the config names, relative to its folder, which must exist:
    /// a missing one is reported at its line, not when it is read.
    fn existing_file(&self, file: &Spanned<String>, key: &str) -> Result<PathBuf, String> {
        let base = self.file.path.parent().unwrap_or(Path::new("."));
        if base.join(&file.value).is_file() {
            Ok(PathBuf::from(&file.value))
        } else {
            Err(self.error(
                file.span,
                format!("`{key}`: no file `{}` beside the config file", file.value),
            ))
        }
    }

    /// A list of globs, each checked here so that a bad one is reported at
    /// its line in the config.
    fn globs(&self, value: &Value, key: &str) -> Result<Vec<String>, String> {
        let mut globs = Vec::new();
        for glob in self.strings(value, key)? {
            if let Err(message) =
                phiguard_parser::check_filters(std::slice::from_ref(&glob.value), &[])
            {
                let message = message.trim_start_matches("--include: ");
                return Err(self.error(glob.span, format!("`{key}`: {message}")));
            }
            globs.push(glob.value);
        }
        Ok(globs)
    }

    fn strings(&self, value: &Value, key: &str) -> Result<Vec<Spanned<String>>, String> {
        let items = value
            .as_list()
            .ok_or_else(|| self.error(value.span, format!("`{key}` must be a list of strings")))?;
        items
            .iter()
            .map(|item| Ok(Spanned::new(self.string(item, key)?, item.span)))
            .collect()
    }

    fn one_of(
        &self,
        value: &Value,
        key: &str,
        allowed: &[&str],
    ) -> Result<Spanned<String>, String> {
        let text = self.string(value, key)?;
        if allowed.contains(&text.as_str()) {
            Ok(Spanned::new(text, value.span))
        } else {
            Err(self.error(
                value.span,
                format!(
                    "`{key}` must be one of {}, not `{text}`",
                    allowed.join(", ")
                ),
            ))
        }
    }

    fn severity(&self, value: &Value, key: &str) -> Result<Severity, String> {
        let text = self.one_of(value, key, &["critical", "high", "medium", "low"])?;
        text.value
            .parse()
            .map_err(|e: String| self.error(value.span, e))
    }

    fn unknown_key(&self, key: &Spanned<String>, section: &str, allowed: &[&str]) -> String {
        self.error(
            key.span,
            format!(
                "unknown key `{}`{section} (expected one of: {})",
                key.value,
                allowed.join(", ")
            ),
        )
    }

    fn fill(&self, root: &Value, config: &mut Config) -> Result<(), String> {
        for (key, value) in self.map(root, "the config file")? {
            match key.value.as_str() {
                "fail_on" => {
                    config.fail_on = Some(self.one_of(
                        value,
                        "fail_on",
                        &["critical", "high", "medium", "low", "never"],
                    )?)
                }
                "min_severity" => config.min_severity = Some(self.severity(value, "min_severity")?),
                "include" => config.include = self.globs(value, "include")?,
                "exclude" => config.exclude = self.globs(value, "exclude")?,
                "rules" => self.rules(value, config)?,
                "per_path_ignores" => {
                    for (glob, ids) in self.map(value, "per_path_ignores")? {
                        config
                            .per_path_ignores
                            .push((glob.value.clone(), self.strings(ids, "per_path_ignores")?));
                    }
                }
                "phi_scope" => {
                    config.phi_scope = Some(self.one_of(value, "phi_scope", &["all", "tagged"])?)
                }
                "phi_tags" => {
                    for (tag, values) in self.map(value, "phi_tags")? {
                        let values = match &values.kind {
                            ValueKind::List(_) => self
                                .strings(values, "phi_tags")?
                                .into_iter()
                                .map(|s| s.value)
                                .collect(),
                            _ => vec![self.string(values, "phi_tags")?],
                        };
                        config.phi_tags.push((tag.value.clone(), values));
                    }
                }
                "terraform" => {
                    const ALLOWED: &[&str] = &["var_files", "vars", "root_var_files", "source_dir"];
                    for (k, v) in self.map(value, "terraform")? {
                        match k.value.as_str() {
                            "var_files" => {
                                for file in self.strings(v, "terraform.var_files")? {
                                    config
                                        .var_files
                                        .push(self.existing_file(&file, "terraform.var_files")?);
                                }
                            }
                            "vars" => {
                                for (name, val) in self.map(v, "terraform.vars")? {
                                    config.vars.push((
                                        name.value.clone(),
                                        self.string(val, "terraform.vars")?,
                                    ));
                                }
                            }
                            "root_var_files" => {
                                for (file, root) in self.map(v, "terraform.root_var_files")? {
                                    config.root_var_files.push((
                                        self.existing_file(file, "terraform.root_var_files")?,
                                        PathBuf::from(
                                            self.string(root, "terraform.root_var_files")?,
                                        ),
                                    ));
                                }
                            }
                            "source_dir" => {
                                let dir = self.string(v, "terraform.source_dir")?;
                                let base = self.file.path.parent().unwrap_or(Path::new("."));
                                if !base.join(&dir).is_dir() {
                                    return Err(self.error(
                                        v.span,
                                        format!(
                                            "`terraform.source_dir`: no folder `{dir}` beside the \
                                             config file"
                                        ),
                                    ));
                                }
                                config.source_dir = Some(PathBuf::from(dir));
                            }
                            _ => return Err(self.unknown_key(k, " in `terraform`", ALLOWED)),
                        }
                    }
                }
                "cloudformation" => {
                    const ALLOWED: &[&str] = &["parameters", "parameter_files"];
                    for (k, v) in self.map(value, "cloudformation")? {
                        match k.value.as_str() {
                            "parameters" => {
                                for (name, val) in self.map(v, "cloudformation.parameters")? {
                                    config.cfn_parameters.push((
                                        name.value.clone(),
                                        self.string(val, "cloudformation.parameters")?,
                                    ));
                                }
                            }
                            "parameter_files" => {
                                for (file, template) in
                                    self.map(v, "cloudformation.parameter_files")?
                                {
                                    config.parameter_files.push((
                                        self.existing_file(file, "cloudformation.parameter_files")?,
                                        PathBuf::from(
                                            self.string(
                                                template,
                                                "cloudformation.parameter_files",
                                            )?,
                                        ),
                                    ));
                                }
                            }
                            _ => return Err(self.unknown_key(k, " in `cloudformation`", ALLOWED)),
                        }
                    }
                }
                "policy_dirs" => {
                    // Checked here, so that a missing folder is reported
                    // at its line rather than when policies are loaded.
                    let base = self.file.path.parent().unwrap_or(Path::new("."));
                    let mut dirs = Vec::new();
                    for dir in self.strings(value, "policy_dirs")? {
                        if !base.join(&dir.value).is_dir() {
                            return Err(self.error(
                                dir.span,
                                format!(
                                    "`policy_dirs`: no folder `{}` beside the config file",
                                    dir.value
                                ),
                            ));
                        }
                        dirs.push(PathBuf::from(dir.value));
                    }
                    config.policy_dirs = dirs;
                }
                "baseline" => {
                    config.baseline = Some(PathBuf::from(self.string(value, "baseline")?))
                }
                "docs_url" => config.docs_url = Some(self.string(value, "docs_url")?),
                _ => return Err(self.unknown_key(key, "", KEYS)),
            }
        }
        Ok(())
    }

    fn rules(&self, value: &Value, config: &mut Config) -> Result<(), String> {
        const ALLOWED: &[&str] = &["select", "ignore", "severity"];
        for (key, v) in self.map(value, "rules")? {
            match key.value.as_str() {
                "select" => config.select = self.strings(v, "rules.select")?,
                "ignore" => config.ignore = self.strings(v, "rules.ignore")?,
                "severity" => {
                    for (id, level) in self.map(v, "rules.severity")? {
                        config
                            .severity
                            .push((id.clone(), self.severity(level, "rules.severity")?));
                    }
                }
                _ => return Err(self.unknown_key(key, " in `rules`", ALLOWED)),
            }
        }
        Ok(())
    }
}

impl Config {
    /// Every rule id the file names, with where, for validation against the
    /// rules that exist.
    pub fn rule_ids(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(id, _)| id))
            .chain(self.per_path_ignores.iter().flat_map(|(_, ids)| ids))
    }

    /// `file:line:col: message` at a span of this file.
    pub fn error_at(&self, span: Span, message: &str) -> String {
        match &self.source {
            Some(file) => at(file, span, message),
            None => message.to_string(),
        }
    }
}
