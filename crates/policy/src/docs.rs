//! A rule's documentation page, generated from its policy file: the pages
//! under docs/rules/ and the text of `phiguard explain`.

use std::fmt::Write;

use phiguard_model::ResourceKind;

use crate::{Registry, Rule};

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

/// The index page of docs/rules/.
pub fn rules_index(registry: &Registry) -> String {
    let mut out = String::from("# Rules\n\n| id | severity | title |\n|---|---|---|\n");
    for rule in registry.rules() {
        let _ = writeln!(
            out,
            "| [`{id}`]({id}.md) | {} | {} |",
            rule.severity,
            rule.title.trim(),
            id = rule.id
        );
    }
    out.push_str(
        "\n<!-- Generated from policies/ by `UPDATE_DOCS=1 cargo test -p phiguard-policy`. Do not edit. -->\n",
    );
    out
}

fn resources(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::S3Bucket => {
            "S3 buckets: Terraform `aws_s3_bucket` and its satellites (`aws_s3_bucket_acl`, `aws_s3_bucket_policy`, ...), CloudFormation `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`"
        }
        ResourceKind::SearchDomain => {
            "Search domains: Terraform `aws_opensearch_domain`, `aws_elasticsearch_domain` and their `*_domain_policy`, CloudFormation `AWS::OpenSearchService::Domain`, `AWS::Elasticsearch::Domain`"
        }
        ResourceKind::Other => "any resource",
    }
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
