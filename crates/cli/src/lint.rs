//! `phiguard lint`: load, check, render, and the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use phiguard_model::{Report, Severity};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Registry, Rule};
use phiguard_reporter::{render, Format, RenderOptions};

use crate::args::{ColorChoice, LintArgs, OutputFormat};
use crate::ExitStatus;

pub fn run(args: &LintArgs) -> Result<ExitStatus, String> {
    let registry = Registry::builtin().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("built-in policies failed to load:\n{}", lines.join("\n"))
    })?;
    let rules = select_rules(&registry, &args.select, &args.ignore)?;
    let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));

    let model = phiguard_parser::load(&LoadOptions {
        paths: args.paths.clone(),
        base_dir,
    });
    let outcome = phiguard_policy::check(&model, &rules);

    let mut findings = outcome.findings;
    if let Some(min) = args.min_severity {
        let min = Severity::from(min);
        findings.retain(|f| f.severity >= min);
    }
    let mut report = Report {
        resources: model.resources.len(),
        files: model.files,
        findings,
        undecided: outcome.undecided,
        errors: model.errors,
        skipped: model.skipped,
    };
    report.sort();

    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
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
            tool_version: env!("CARGO_PKG_VERSION"),
        },
    );
    write_output(args.output.as_ref(), &text)?;

    Ok(if !report.errors.is_empty() {
        ExitStatus::Error
    } else if args
        .fail_on
        .threshold()
        .is_some_and(|t| report.count_at_or_above(t) > 0)
    {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// The rules to run after `--select` and `--ignore`; an unknown id is an error.
fn select_rules<'a>(
    registry: &'a Registry,
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'a Rule>, String> {
    for id in select.iter().chain(ignore) {
        if registry.get(id).is_none() {
            return Err(format!(
                "unknown rule id `{id}` (`phiguard rules` lists them)"
            ));
        }
    }
    Ok(registry
        .rules()
        .iter()
        .filter(|r| select.is_empty() || select.contains(&r.id))
        .filter(|r| !ignore.contains(&r.id))
        .collect())
}

fn write_output(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`phiguard lint | head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write to stdout: {e}"))
                }
                _ => Ok(()),
            }
        }
    }
}
