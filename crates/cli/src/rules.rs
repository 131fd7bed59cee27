//! `phiguard rules`.

use std::fmt::Write as _;

use phiguard_policy::Registry;
use serde::Serialize;

use crate::args::ListFormat;
use crate::{output, ExitStatus};

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    name: String,
    title: &'a str,
    severity: &'a str,
    kind: &'a str,
    hipaa: &'a [String],
    description: &'a str,
    remediation: Remediation<'a>,
    references: &'a [String],
}

#[derive(Serialize)]
struct Remediation<'a> {
    terraform: &'a str,
    cloudformation: &'a str,
}

pub fn registry() -> Result<Registry, String> {
    Registry::builtin().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("built-in policies failed to load:\n{}", lines.join("\n"))
    })
}

/// Every rule `lint` can report, in the registry's order, with the kind of
/// resource it checks: the built-in and custom rules, then
/// `invalid-suppression`, which checks the suppression comments.
fn all_rules(registry: &Registry) -> Vec<(phiguard_model::RuleMeta, &str)> {
    registry
        .rules()
        .iter()
        .map(|r| (r.meta(), r.kind.as_str()))
        .chain(std::iter::once((
            phiguard_policy::invalid_suppression_meta(),
            "suppression",
        )))
        .collect()
}

pub fn list(format: ListFormat) -> Result<ExitStatus, String> {
    let registry = registry()?;
    let rules = all_rules(&registry);
    let text = match format {
        ListFormat::Human => {
            let width = rules.iter().map(|(m, _)| m.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for (meta, _) in &rules {
                let _ = writeln!(
                    out,
                    "{:width$}  {:8}  {}",
                    meta.id,
                    meta.severity.as_str(),
                    meta.title.trim()
                );
            }
            let _ = writeln!(
                out,
                "\n{} rules; `phiguard explain RULE_ID` describes one.",
                rules.len()
            );
            out
        }
        ListFormat::Json => {
            let entries: Vec<RuleEntry<'_>> = rules
                .iter()
                .map(|(meta, kind)| RuleEntry {
                    id: &meta.id,
                    name: meta.name.clone(),
                    title: &meta.title,
                    severity: meta.severity.as_str(),
                    kind,
                    hipaa: &meta.hipaa,
                    description: &meta.description,
                    remediation: Remediation {
                        terraform: &meta.remediation.terraform,
                        cloudformation: &meta.remediation.cloudformation,
                    },
                    references: &meta.references,
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&entries)
                .map_err(|e| format!("cannot write JSON: {e}"))?;
            text.push('\n');
            text
        }
    };
    output::write(None, &text)?;
    Ok(ExitStatus::Success)
}
