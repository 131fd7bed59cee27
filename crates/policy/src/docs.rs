//! A rule's documentation page, generated from its policy file: the pages
//! under docs/rules/ and the text of `phiguard explain`.

use std::fmt::Write;

use phiguard_model::ResourceKind;

use crate::{Registry, Rule};
use phiguard_model::kinds::{types_used, Spelling};

impl Rule {
    /// The rule's page in Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}: {}\n", self.id, self.title.trim());
        let _ = writeln!(out, "| | |\n|---|---|");
        let _ = writeln!(out, "| Severity | {} |", self.severity);
        let _ = writeln!(out, "| Resources | {} |", resources(self.kind));
        let _ = writeln!(out, "| HIPAA Security Rule | {} |", self.hipaa.join(", "));
        let _ = writeln!(out, "\n## What it means\n\n{}\n", self.description.trim());
        let _ = writeln!(out, "## When it fires\n");
        for check in &self.checks {
            let severity = check.severity.unwrap_or(self.severity);
            let _ = write!(out, "- {severity}: `{}`", check.when_text);
            if let Some((list, binding)) = &check.each {
                let _ = write!(out, " for each `{binding}` of `{list}`");
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(
            out,
            "\nThe conditions read facts described in [the policy format](../policies.md#facts). \
             A condition that depends on a value phiguard cannot know offline gives an \
             undecided check, not a finding."
        );
        let _ = writeln!(out, "\n## How to fix\n\nTerraform:\n");
        let _ = writeln!(
            out,
            "```hcl\n{}\n```\n",
            trim_block(&self.remediation.terraform)
        );
        let _ = writeln!(out, "CloudFormation:\n");
        let _ = writeln!(
            out,
            "```yaml\n{}\n```\n",
            trim_block(&self.remediation.cloudformation)
        );
        let _ = writeln!(out, "## Automatic fixes\n");
        let fixes = self.fix_lines();
        if fixes.is_empty() {
            let _ = writeln!(
                out,
                "None: every case needs a decision only its author can make.\n"
            );
        } else {
            let _ = writeln!(
                out,
                "`phiguard lint --fix` applies the safe ones, `--unsafe-fixes` the others too; \
                 each is verified by linting again before it is written ([Fixing](../usage.md#fixing)).\n"
            );
            for line in fixes {
                let _ = writeln!(out, "- {line}");
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "## Suppressing it\n");
        let _ = writeln!(
            out,
            "```hcl\n# phiguard:ignore {} -- the reason, for the auditors\n```\n",
            self.id
        );
        if !self.references.is_empty() {
            let _ = writeln!(out, "## References\n");
            for reference in &self.references {
                let _ = writeln!(out, "- <{reference}>");
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(
            out,
            "<!-- Generated from policies/{} by `UPDATE_DOCS=1 cargo test -p phiguard-policy`. Do not edit. -->",
            self.source
        );
        out
    }
}

impl Rule {
    /// Which fixes the rule has: `safe` (a value replaced in place),
    /// `unsafe` (added text, or a replacement AWS applies by replacing the
    /// resource), both, or `none`.
    pub fn fix_kind(&self) -> &'static str {
        let edits: Vec<_> = self.checks.iter().filter_map(|c| c.edit.as_ref()).collect();
        let safe = |e: &&crate::policy_file::EditSpec| {
            !e.set.is_empty() && e.unsafe_reason.is_none() && e.also.is_empty()
        };
        let unsafe_too = |e: &&crate::policy_file::EditSpec| !safe(e) || !e.add.is_empty();
        match (edits.iter().any(safe), edits.iter().any(unsafe_too)) {
            (true, true) => "safe, unsafe",
            (true, false) => "safe",
            (false, true) => "unsafe",
            (false, false) => "none",
        }
    }

    /// One line a check with a fix: when it fires, what the fix does, and
    /// whether `--fix` applies it.
    fn fix_lines(&self) -> Vec<String> {
        use crate::policy_file::{Addition, Literal};
        use phiguard_model::Dialect;
        let literal = |l: &Literal| match l {
            Literal::Bool(b) => b.to_string(),
            Literal::String(s) => format!("{s:?}"),
        };
        let added = |entries: &[(String, Addition)]| -> String {
            entries
                .iter()
                .map(|(place, addition)| match addition {
                    Addition::Mapping(table) if place == "statement" => format!(
                        "a `{}` statement to the bucket policy there is",
                        table
                            .get("Sid")
                            .and_then(toml::Value::as_str)
                            .unwrap_or("new")
                    ),
                    Addition::Hcl(text) => {
                        let first = text.lines().next().unwrap_or("");
                        match first.strip_prefix("resource \"") {
                            Some(rest) => {
                                format!("a new `{}` resource", rest.split('"').next().unwrap_or(""))
                            }
                            None => {
                                format!("`{}`", first.split([' ', '=']).next().unwrap_or(first))
                            }
                        }
                    }
                    Addition::Mapping(table) => table
                        .iter()
                        .map(|(k, v)| match v.get("Type").and_then(toml::Value::as_str) {
                            Some(kind) => format!("a new `{kind}` resource"),
                            None => format!("`{k}`"),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect::<Vec<_>>()
                // A statement goes into the policy there is, a new policy
                // where there is none: one or the other.
                .join(if entries.iter().any(|(place, _)| place == "statement") {
                    " (where there is none) or "
                } else {
                    " and "
                })
        };
        let mut lines = Vec::new();
        for check in &self.checks {
            let Some(edit) = &check.edit else { continue };
            let mut parts = Vec::new();
            for (dialect, name) in [
                (Dialect::Terraform, "Terraform"),
                (Dialect::CloudFormation, "CloudFormation"),
            ] {
                let mut what = Vec::new();
                if let Some(value) = edit.set.get(&dialect) {
                    let replaced = match &edit.target {
                        Some(target) => format!("`{target}`"),
                        None => "the value".to_string(),
                    };
                    what.push(format!(
                        "sets {replaced} to {} where it is written",
                        literal(value)
                    ));
                }
                if let Some(also) = edit.also.get(&dialect) {
                    what.push(format!("adds {}", added(also)));
                }
                if let Some(add) = edit.add.get(&dialect) {
                    what.push(format!("adds {}", added(add)));
                }
                if !what.is_empty() {
                    parts.push(format!("{name}: {}", what.join(", ")));
                }
            }
            let safety = if !edit.set.is_empty()
                && edit.unsafe_reason.is_none()
                && edit.also.is_empty()
            {
                "safe (unsafe where the value is also read by other settings; additions are unsafe)"
            } else {
                "unsafe"
            };
            let mut line = format!("`{}`: {safety}. {}.", check.when_text, parts.join("; "));
            if let Some(reason) = &edit.unsafe_reason {
                let reason = reason.trim_start_matches("unsafe: ");
                let mut chars = reason.chars();
                let capital: String = chars
                    .next()
                    .into_iter()
                    .flat_map(char::to_uppercase)
                    .chain(chars)
                    .collect();
                line.push_str(&format!(" {capital}."));
            }
            lines.push(line);
        }
        lines
    }
}

/// The index page of docs/rules/.
pub fn rules_index(registry: &Registry) -> String {
    let mut out = String::from("# Rules\n\n| id | severity | title | fixes |\n|---|---|---|---|\n");
    for rule in registry.rules() {
        let _ = writeln!(
            out,
            "| [`{id}`]({id}.md) | {} | {} | {} |",
            rule.severity,
            rule.title.trim(),
            rule.fix_kind(),
            id = rule.id
        );
    }
    // The rule about suppressions, which has no policy file, last: it
    // checks comments, not resources.
    let meta = crate::invalid_suppression_meta();
    let _ = writeln!(
        out,
        "| [`{id}`]({id}.md) | {} | {} | none |",
        meta.severity,
        meta.title.trim(),
        id = meta.id
    );
    out.push_str(
        "\n<!-- Generated from policies/ by `UPDATE_DOCS=1 cargo test -p phiguard-policy`. Do not edit. -->\n",
    );
    out
}

/// The page of `invalid-suppression`, which has no policy file: it is
/// about suppression comments, not resources. `phiguard explain` prints
/// it, docs/rules/ holds it, so that every rule's docs link has a page.
pub fn invalid_suppression_page() -> String {
    let meta = crate::invalid_suppression_meta();
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", meta.id, meta.title.trim());
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Severity | {} |", meta.severity);
    let _ = writeln!(
        out,
        "| Resources | `phiguard:ignore` comments and CloudFormation `Metadata` suppressions |"
    );
    let _ = writeln!(out, "| HIPAA Security Rule | {} |", meta.hipaa.join(", "));
    let _ = writeln!(out, "\n## What it means\n\n{}\n", meta.description.trim());
    let _ = writeln!(
        out,
        "## How to fix\n\nGive the suppression a reason after `--`, name a rule that exists \
         (`phiguard rules` lists them), renew or remove a past `until=` date, and remove a \
         suppression that no longer suppresses anything:\n"
    );
    let _ = writeln!(
        out,
        "```hcl\n{}\n```\n",
        trim_block(&meta.remediation.terraform)
    );
    let _ = writeln!(
        out,
        "<!-- Generated from crates/policy/src/suppress.rs by `UPDATE_DOCS=1 cargo test -p phiguard-policy`. Do not edit. -->"
    );
    out
}

/// The enums and list items that facts use, with their values and keys:
/// the part of docs/policies.md between `<!-- types:start -->` and
/// `<!-- types:end -->`.
pub fn types_markdown() -> String {
    let mut enums = Vec::new();
    let mut items = Vec::new();
    for kind in phiguard_model::kinds::kinds() {
        let (e, i) = types_used(kind);
        for e in e {
            if !enums
                .iter()
                .any(|x: &&phiguard_model::kinds::EnumDef| x.name == e.name)
            {
                enums.push(e);
            }
        }
        for i in i {
            if !items
                .iter()
                .any(|x: &&phiguard_model::kinds::ItemDef| x.name == i.name)
            {
                items.push(i);
            }
        }
    }
    enums.sort_by_key(|e| e.name);
    items.sort_by_key(|i| i.name);
    let code = |s: &str| format!("`{s}`");
    let mut out = String::from("<!-- types:start -->\n\n### Enums\n\n");
    out.push_str("| enum | values | other spellings, read as the value |\n|---|---|---|\n");
    for e in enums {
        let values: Vec<String> = e.values.iter().map(|v| code(v)).collect();
        let aliases: Vec<String> = e
            .aliases
            .iter()
            .map(|a| {
                let written = match a.written {
                    Spelling::Str(s) => code(s),
                    Spelling::Bool(b) => format!("`{b}` (Terraform's older `enabled`)"),
                };
                format!("{written} → {}", code(a.value))
            })
            .collect();
        let aliases = if aliases.is_empty() {
            "none: both languages spell them alike".to_string()
        } else {
            aliases.join(", ")
        };
        let _ = writeln!(out, "| `{}` | {} | {aliases} |", e.name, values.join(", "));
    }
    out.push_str("\n### List items\n\n| item | keys |\n|---|---|\n");
    for item in items {
        let keys: Vec<String> = item
            .keys
            .iter()
            .map(|(k, t)| format!("`{k}` (*{}*)", t.name()))
            .collect();
        let _ = writeln!(out, "| `{}` | {} |", item.name, keys.join(", "));
    }
    out.push_str("\n<!-- types:end -->");
    out
}

fn resources(kind: ResourceKind) -> &'static str {
    phiguard_model::kinds::resources_of(kind)
}

fn trim_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |l| l + 1);
    lines.get(first..last).unwrap_or_default().join("\n")
}
