//! The full findings of each fixture folder, as text, in snapshots
//! (`tests/snapshots/rendered__<folder>.snap`): what `expected` locates,
//! with the message, label, fix, resource and notes a user reads, so a
//! change to any of them shows in review as a diff.
//!
//! A rule's folder is checked with its rule only, as fixtures.rs does;
//! `terraform-evaluation/` with every built-in rule. Run with
//! `INSTA_UPDATE=always` (or `cargo insta review`) to accept changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use common::{dir_name, fixture_dirs, is_cross_rule, load};
use phiguard_model::{Finding, Model, Report, Span, Undecided};
use phiguard_policy::{Registry, Rule};

/// At most this many characters of the underlined text are shown.
const SPAN_TEXT: usize = 60;

/// The first line of what a span underlines, shortened.
fn span_text(model: &Model, span: Span) -> String {
    let text = model.file(span.file).slice(span).unwrap_or_default();
    let first = text.lines().next().unwrap_or_default();
    let mut shown: String = first.chars().take(SPAN_TEXT).collect();
    if shown.len() < text.len() {
        shown.push_str(" …");
    }
    shown
}

fn resource(r: &phiguard_model::ResourceRef) -> String {
    if r.address.starts_with(&format!("{}.", r.resource_type)) {
        r.address.to_string()
    } else {
        format!("{} ({})", r.address, r.resource_type)
    }
}

fn render_finding(out: &mut String, report: &Report, model: &Model, f: &Finding) {
    let (start, _) = report.positions(f.span);
    let path = report.path(f.span.file);
    writeln!(
        out,
        "{path}:{}:{} {} {}",
        start.line, start.column, f.rule, f.severity
    )
    .unwrap();
    writeln!(out, "  message:  {}", f.message).unwrap();
    writeln!(out, "  label:    {}", f.label).unwrap();
    writeln!(out, "  at:       {}", span_text(model, f.span)).unwrap();
    match &f.help {
        Some(fix) => writeln!(out, "  fix:      {fix}").unwrap(),
        None => writeln!(out, "  fix:      (none)").unwrap(),
    }
    writeln!(out, "  resource: {}", resource(&f.resource)).unwrap();
    for note in &f.notes {
        writeln!(out, "  note:     {note}").unwrap();
    }
}

fn render_undecided(out: &mut String, report: &Report, u: &Undecided) {
    let (start, _) = report.positions(u.span);
    let path = report.path(u.span.file);
    writeln!(
        out,
        "{path}:{}:{} {} undecided",
        start.line, start.column, u.rule
    )
    .unwrap();
    writeln!(out, "  reason:   {}", u.reason).unwrap();
    writeln!(out, "  resource: {}", resource(&u.resource)).unwrap();
}

/// Every finding, then every undecided check, of `rules` over `dir`, in
/// the report's order, one block each.
fn rendered(dir: &Path, rules: &[&Rule]) -> String {
    let model = load(dir);
    let outcome = phiguard_policy::check(&model, rules);
    let mut report = Report {
        files: model.files.clone(),
        findings: outcome.findings,
        undecided: outcome.undecided,
        ..Report::default()
    };
    report.sort();
    let mut out = String::new();
    writeln!(
        out,
        "{} findings, {} undecided",
        report.findings.len(),
        report.undecided.len()
    )
    .unwrap();
    for f in &report.findings {
        out.push('\n');
        render_finding(&mut out, &report, &model, f);
    }
    for u in &report.undecided {
        out.push('\n');
        render_undecided(&mut out, &report, u);
    }
    out
}

#[test]
fn findings_of_every_fixture_folder() {
    let registry = Registry::builtin().unwrap();
    let mut failed = Vec::new();
    for dir in fixture_dirs() {
        let name = dir_name(&dir);
        let rules: Vec<&Rule> = if is_cross_rule(&dir) {
            registry.rules().iter().collect()
        } else {
            vec![registry
                .get(&name)
                .unwrap_or_else(|| panic!("fixtures/{name} names no rule"))]
        };
        let text = rendered(&dir, &rules);
        let mut settings = insta::Settings::clone_current();
        settings.set_description(if is_cross_rule(&dir) {
            format!("fixtures/{name}, every built-in rule")
        } else {
            format!("fixtures/{name}, rule {name}")
        });
        settings.set_omit_expression(true);
        // Every folder is compared, and every difference shown, before the
        // test fails.
        let result = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text));
        }));
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ for fixtures/{{{}}}",
        failed.join(",")
    );
}
