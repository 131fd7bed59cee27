//! The `phiguard` command line.

mod analysis;
mod args;
mod baseline;
mod changes;
mod config;
mod docs;
mod explain;
mod fix;
mod lint;
mod output;
mod progress;
mod rules;
mod server;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: parsing and evaluation make
/// millions of small allocations, and with glibc's malloc they took about
/// 40% of a run (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit codes of interfaces.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on`, no error.
    Success = 0,
    /// At least one finding at or above `--fail-on`.
    Findings = 1,
    /// A bad option or config, or a file that cannot be read or parsed.
    Error = 2,
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match &cli.command {
        args::Command::Lint(lint_args) => lint::run(lint_args),
        args::Command::Rules { format } => rules::list(*format),
        args::Command::Explain {
            rule_id,
            raw,
            docs_url,
            color,
        } => explain::explain(rule_id, *raw, docs_url.as_deref(), *color),
        args::Command::Baseline(baseline_args) => baseline::run(baseline_args),
        args::Command::Server => server::run(),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(message) => {
            eprintln!("phiguard: error: {message}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
