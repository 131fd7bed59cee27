//! `phiguard lint`: the run ([`crate::analysis`]), the baseline, rendering
//! and the exit code.

use std::io::IsTerminal;
use std::path::Path;

use phiguard_reporter::{Format, RenderOptions};

use crate::analysis::{analyse, Analysis};
use crate::args::{ColorChoice, FailOn, LintArgs, OutputFormat};
use crate::changes::Mode;
use crate::{baseline, output, ExitStatus};

pub fn run(args: &LintArgs) -> Result<ExitStatus, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    if let Some(out) = &args.output {
        output::refuse_inputs(
            out,
            named_inputs(args),
            &cwd,
            "an input named on the command line",
        )?;
    }
    // Counts have no place in the formats made for tools (a SARIF viewer
    // counts for itself): an error rather than a flag silently ignored.
    let counted = matches!(
        args.format,
        OutputFormat::Human | OutputFormat::Grouped | OutputFormat::Full | OutputFormat::Json
    );
    if args.statistics && !counted {
        return Err("--statistics works with --format human, grouped, full and json".into());
    }
    if args.only_new && !args.staged && args.changed_since.is_none() {
        return Err("--only-new needs --staged or --changed-since REF: new against what?".into());
    }
    let mode = match (&args.changed_since, args.staged) {
        (Some(rev), _) => Mode::ChangedSince(rev.clone()),
        (None, true) => Mode::Staged,
        (None, false) => Mode::Plain,
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err("--unsafe-fixes needs --fix or --diff".into());
    }
    let fix = (args.fix || args.diff).then_some(phiguard_linter::FixOptions {
        unsafe_fixes: args.unsafe_fixes,
    });
    let Analysis {
        mut report,
        config,
        note,
        fixed,
    } = analyse(
        &args.analysis,
        &mode,
        args.only_new,
        fix,
        crate::progress::wanted(args.quiet),
    )?;
    if let (Some(note), false) = (note, args.quiet) {
        eprintln!("phiguard: {note}");
    }
    // A file found in a linted folder is known only now; nothing is
    // written yet.
    if let Some(out) = &args.output {
        let read = report.read_files().map(|f| f.path());
        output::refuse_inputs(out, read, &cwd, "a file this run read")?;
    }
    if let Some(fixed) = &fixed {
        if args.diff {
            return crate::fix::show_diff(fixed, &report, args.quiet);
        }
        crate::fix::write(fixed, &report, args.quiet)?;
    }
    let baseline = args.baseline.clone().or_else(|| config.baseline.clone());
    if let Some(path) = &baseline {
        baseline::apply(&mut report, path)?;
    }

    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Grouped => Format::Grouped,
        OutputFormat::Full => Format::Full,
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
    let fail_on = match (args.fail_on, &config.fail_on) {
        (Some(level), _) => level,
        (None, Some(level)) => fail_on_from(&level.value),
        (None, None) => FailOn::Low,
    };
    let options = RenderOptions {
        color,
        ascii: !crate::terminal::unicode_here(),
        show_undecided: args.show_undecided,
        show_skipped: args.show_skipped,
        show_notices: args.show_notices,
        statistics: args.statistics,
        docs: crate::docs::links(args.docs_url.as_deref(), &config, &cwd)?,
        quiet: args.quiet,
        fail_on: fail_on.threshold(),
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    output::write_with(args.output.as_ref(), |out| {
        phiguard_reporter::write(&report, format, &options, out)
    })?;

    // A run that linted nothing at all is a mistake (a wrong folder, an
    // `include` that matches nothing), not a pass; a change-aware run
    // with nothing in scope has already said so in its note.
    let nothing_linted = matches!(mode, Mode::Plain)
        && args.analysis.stdin_filename.is_none()
        && report.linted_files().next().is_none()
        && report.errors.is_empty();
    if nothing_linted && !args.allow_empty {
        let paths: Vec<String> = args
            .analysis
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "phiguard: nothing was linted: {} hold{} no Terraform file or CloudFormation template{} \
             (--allow-empty makes this exit 0)",
            paths.join(", "),
            if paths.len() == 1 { "s" } else { "" },
            if report.skipped.is_empty() {
                String::new()
            } else {
                format!(" to lint ({} skipped)", report.skipped.len())
            },
        );
        return Ok(ExitStatus::Error);
    }
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

/// Every file the command line names as something to read: what
/// `--output` must never overwrite, refused before the run.
fn named_inputs(args: &LintArgs) -> impl Iterator<Item = &Path> {
    let a = &args.analysis;
    a.paths
        .iter()
        .chain(&a.var_files)
        .chain(&a.cfn_params_file)
        .chain(&a.config)
        .chain(&a.stdin_filename)
        .chain(&args.baseline)
        .map(|p| p.as_path())
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
