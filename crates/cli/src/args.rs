use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "phiguard",
    version,
    about = "Lints Terraform and CloudFormation for S3 and OpenSearch settings that would expose protected health information",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory)
    Lint(LintArgs),
    /// List the rules
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Explain a rule: what it finds, why it matters for PHI, HIPAA sections, how to fix it
    Explain {
        /// The rule id, e.g. s3-public-acl
        rule_id: String,
        /// Print the page's Markdown as it is, not rendered for the terminal
        #[arg(long)]
        raw: bool,
        /// Where the rules' pages are, to make the page's relative links absolute (as `lint --docs-url`)
        #[arg(long, value_name = "URL")]
        docs_url: Option<String>,
        /// When to use colours
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Record the current findings' fingerprints, so that `lint --baseline FILE` hides them
    Baseline(BaselineArgs),
    /// Serve findings, fixes and rule pages to an editor over the Language Server Protocol (stdio)
    Server,
}

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Where to write the baseline
    #[arg(long, value_name = "FILE", default_value = ".phiguard-baseline.json")]
    pub output: PathBuf,

    #[command(flatten)]
    pub lint: AnalysisArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Lowest severity that makes the exit code 1 [default: low]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,

    /// Hide findings recorded in this baseline file (`phiguard baseline`)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// List the checks that unknown values left undecided
    #[arg(long)]
    pub show_undecided: bool,

    /// List the files and folders left out of the run, and why (the
    /// summary counts them)
    #[arg(long)]
    pub show_skipped: bool,

    /// Count the findings per rule and severity: a table instead of the findings in human output, `summary.statistics` in JSON
    #[arg(long)]
    pub statistics: bool,

    /// List the notices (module calls not checked) in human output; the
    /// summary counts them either way, SARIF and JSON always list them
    #[arg(long)]
    pub show_notices: bool,

    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print findings and errors only: no skipped files, no summary, no progress
    #[arg(long, short)]
    pub quiet: bool,

    /// Lint what the index changes against HEAD (pre-commit): the changed files' configurations, before and after
    #[arg(long, conflicts_with_all = ["changed_since", "stdin_filename"])]
    pub staged: bool,

    /// Lint what the working tree changes against REF (a branch, tag or commit)
    #[arg(long, value_name = "REF", conflicts_with = "stdin_filename")]
    pub changed_since: Option<String>,

    /// With --staged or --changed-since: report only the findings that are new against the base (a pull request's check)
    #[arg(long)]
    pub only_new: bool,

    /// Where the rules' pages are: a URL or a path (a local copy of docs/rules), either the folder holding `<id>.md` or a template with `{id}` [default: phiguard's repository]
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,

    /// Exit 0 when the paths hold no Terraform file or CloudFormation template (by default that is an error, exit 2)
    #[arg(long)]
    pub allow_empty: bool,

    /// Apply the safe fixes (each verified by linting again), then report what is left
    #[arg(long, conflicts_with_all = ["staged", "changed_since", "stdin_filename"])]
    pub fix: bool,

    /// With --fix or --diff: apply the unsafe fixes too (they add text, change a value other settings read, or make AWS replace the resource)
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff and write nothing (exit 1 when there is a diff)
    #[arg(long, conflicts_with_all = ["staged", "changed_since", "stdin_filename", "output", "format"])]
    pub diff: bool,
}

/// What to lint and with which rules: shared by `lint` and `baseline`.
#[derive(Debug, Default, clap::Args)]
pub struct AnalysisArgs {
    /// Files or directories to lint
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Hide findings below this severity
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<Level>,

    /// Run only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub ignore: Vec<String>,

    /// The config file (default: the nearest .phiguard.yaml from the linted path upward)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A Terraform var file, read after terraform.tfvars and *.auto.tfvars (repeatable)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// A Terraform input value (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = name_value)]
    pub vars: Vec<(String, String)>,

    /// The folder of the .tf files that Terraform plan JSON was made from (default: the plan's folder)
    #[arg(long = "source-dir", value_name = "DIR")]
    pub source_dir: Option<PathBuf>,

    /// A CloudFormation parameter value (repeatable)
    #[arg(long = "cfn-param", value_name = "NAME=VALUE", value_parser = name_value)]
    pub cfn_params: Vec<(String, String)>,

    /// CloudFormation parameter values: the JSON `aws cloudformation` takes, or a plain object
    #[arg(long = "cfn-params", value_name = "FILE")]
    pub cfn_params_file: Option<PathBuf>,

    /// Lint only files matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Do not lint files matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Check every bucket and domain, or only those whose tags match the config's phi_tags
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub phi_scope: Option<PhiScope>,

    /// Read one file's text from stdin and report it under NAME (for editors)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhiScope {
    All,
    Tagged,
}

fn name_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{text}`")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// miette diagnostics grouped by resource (a snippet with every finding's label), then a summary; above 50 findings one line a finding
    Human,
    /// `human` grouped by resource however many findings there are
    Grouped,
    /// `human` with a snippet a finding
    Full,
    /// One line a finding: `path:line:col: severity [rule-id] message`
    Compact,
    /// The versioned JSON document of docs/json-output.md
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML, for CI test reports
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl From<Level> for phiguard_model::Severity {
    fn from(level: Level) -> Self {
        match level {
            Level::Critical => Self::Critical,
            Level::High => Self::High,
            Level::Medium => Self::Medium,
            Level::Low => Self::Low,
        }
    }
}

impl FailOn {
    pub fn threshold(self) -> Option<phiguard_model::Severity> {
        match self {
            FailOn::Critical => Some(Level::Critical.into()),
            FailOn::High => Some(Level::High.into()),
            FailOn::Medium => Some(Level::Medium.into()),
            FailOn::Low => Some(Level::Low.into()),
            FailOn::Never => None,
        }
    }
}
