//! `phiguard rules` and `phiguard explain`.

use std::fmt::Write as _;

use phiguard_policy::{Registry, INVALID_SUPPRESSION};
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

fn registry() -> Result<Registry, String> {
    Registry::builtin().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("built-in policies failed to load:\n{}", lines.join("\n"))
    })
}

pub fn list(format: ListFormat) -> Result<ExitStatus, String> {
    let registry = registry()?;
    let text = match format {
        ListFormat::Human => {
            let width = registry
                .rules()
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(0);
            let mut out = String::new();
            for rule in registry.rules() {
                let _ = writeln!(
                    out,
                    "{:width$}  {:8}  {}",
                    rule.id,
                    rule.severity.as_str(),
                    rule.title.trim()
                );
            }
            let _ = writeln!(
                out,
                "\n{} rules; `phiguard explain RULE_ID` describes one.",
                registry.rules().len()
            );
            out
        }
        ListFormat::Json => {
            let metas: Vec<_> = registry.rules().iter().map(|r| (r, r.meta())).collect();
            let entries: Vec<RuleEntry<'_>> = metas
                .iter()
                .map(|(rule, meta)| RuleEntry {
                    id: &meta.id,
                    name: meta.name.clone(),
                    title: &meta.title,
                    severity: rule.severity.as_str(),
                    kind: rule.kind.as_str(),
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

pub fn explain(rule_id: &str) -> Result<ExitStatus, String> {
    let registry = registry()?;
    let text = match registry.get(rule_id) {
        Some(rule) => rule.markdown(),
        None if rule_id == INVALID_SUPPRESSION => {
            let meta = phiguard_policy::invalid_suppression_meta();
            format!(
                "# {}: {}\n\n{}\n\nFix:\n\n```\n{}\n```\n",
                meta.id, meta.title, meta.description, meta.remediation.terraform
            )
        }
        None => {
            let close: Vec<&str> = registry
                .rules()
                .iter()
                .map(|r| r.id.as_str())
                .filter(|id| {
                    id.contains(rule_id) || rule_id.contains(id.split('-').nth(1).unwrap_or(id))
                })
                .collect();
            let hint = if close.is_empty() {
                "`phiguard rules` lists them".to_string()
            } else {
                format!("did you mean {}?", close.join(", "))
            };
            return Err(format!("unknown rule id `{rule_id}` ({hint})"));
        }
    };
    output::write(None, &text)?;
    Ok(ExitStatus::Success)
}
