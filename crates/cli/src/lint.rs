//! `phiguard lint`: load, check, render, and the exit code.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;

use phiguard_model::{Report, Severity};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Registry, Rule, SuppressionContext, INVALID_SUPPRESSION};
use phiguard_reporter::{render, Format, RenderOptions};

use crate::args::{AnalysisArgs, ColorChoice, FailOn, LintArgs, OutputFormat};
use crate::{baseline, output, ExitStatus};

pub fn run(args: &LintArgs) -> Result<ExitStatus, String> {
    let mut report = analyse(&args.analysis)?;
    if let Some(path) = &args.baseline {
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

    let fail_on = args.fail_on.unwrap_or(FailOn::Low);
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

/// Everything up to the report: load the inputs, run the selected rules,
/// apply suppressions and filters. `lint` renders the result; `baseline`
/// records it.
pub fn analyse(args: &AnalysisArgs) -> Result<Report, String> {
    let registry = Registry::builtin().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("built-in policies failed to load:\n{}", lines.join("\n"))
    })?;
    let rules = select_rules(&registry, &args.select, &args.ignore)?;
    let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));

    let model = phiguard_parser::load(&LoadOptions {
        paths: args.paths.clone(),
        base_dir,
        ..LoadOptions::default()
    });
    let outcome = phiguard_policy::check(&model, &rules);
    let mut findings = outcome.findings;
    let mut metas: Vec<_> = rules.iter().map(|rule| rule.meta()).collect();

    let known: HashSet<&str> = registry
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .chain([INVALID_SUPPRESSION])
        .collect();
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
    );
    if selected(INVALID_SUPPRESSION, &args.select, &args.ignore) {
        if !invalid.is_empty() {
            metas.push(phiguard_policy::invalid_suppression_meta());
        }
        findings.extend(invalid);
    }

    if let Some(min) = args.min_severity {
        let min = Severity::from(min);
        findings.retain(|f| f.severity >= min);
    }
    let mut report = Report {
        rules: metas,
        resources: model.resources.len(),
        files: model.files,
        findings,
        undecided: outcome.undecided,
        errors: model.errors,
        skipped: model.skipped,
    };
    report.sort();
    Ok(report)
}

fn selected(id: &str, select: &[String], ignore: &[String]) -> bool {
    (select.is_empty() || select.iter().any(|s| s == id)) && !ignore.iter().any(|s| s == id)
}

/// The rules to run after `--select` and `--ignore`; an unknown id is an error.
fn select_rules<'a>(
    registry: &'a Registry,
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'a Rule>, String> {
    for id in select.iter().chain(ignore) {
        if registry.get(id).is_none() && id != INVALID_SUPPRESSION {
            return Err(format!(
                "unknown rule id `{id}` (`phiguard rules` lists them)"
            ));
        }
    }
    Ok(registry
        .rules()
        .iter()
        .filter(|r| selected(&r.id, select, ignore))
        .collect())
}
