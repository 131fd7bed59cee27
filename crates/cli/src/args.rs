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
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files or directories to lint
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE instead of stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Lowest severity that makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Low, value_name = "LEVEL")]
    pub fail_on: FailOn,

    /// Hide findings below this severity
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<Level>,

    /// Run only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub ignore: Vec<String>,

    /// List the checks that unknown values left undecided
    #[arg(long)]
    pub show_undecided: bool,

    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print findings and errors only: no summary, no progress
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
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
