//! A rule's documentation as renderers see it.

use phiguard_model::{pascal_case, RuleMeta, RuleRemediation};

use crate::Rule;

impl Rule {
    /// The metadata reports carry for this rule (`Report::rules`): texts
    /// are trimmed of the surrounding blank lines TOML's multi-line strings
    /// leave.
    pub fn meta(&self) -> RuleMeta {
        RuleMeta {
            id: self.id.clone(),
            name: pascal_case(&self.id),
            title: self.title.trim().to_string(),
            description: self.description.trim().to_string(),
            severity: self.severity,
            hipaa: self.hipaa.clone(),
            remediation: RuleRemediation {
                terraform: trim_lines(&self.remediation.terraform),
                cloudformation: trim_lines(&self.remediation.cloudformation),
            },
            references: self.references.clone(),
        }
    }
}

/// Drops leading and trailing blank lines and trailing whitespace, but keeps
/// the indentation of code.
fn trim_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use phiguard_model::Severity;

    use crate::Registry;

    #[test]
    fn meta_of_a_builtin_rule() {
        let registry = Registry::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        let rule = registry
            .get("s3-public-acl")
            .unwrap_or_else(|| panic!("s3-public-acl is built in"));
        let meta = rule.meta();
        assert_eq!(meta.id, "s3-public-acl");
        assert_eq!(meta.name, "S3PublicAcl");
        assert_eq!(meta.severity, Severity::Critical);
        assert!(!meta.description.starts_with('\n'));
        assert!(!meta.description.ends_with('\n'));
        assert!(meta.remediation.terraform.starts_with("resource "));
        assert!(meta.remediation.cloudformation.starts_with("Records:"));
        assert!(meta.hipaa.iter().any(|s| s == "164.312(a)(1)"));
        assert!(!meta.references.is_empty());
    }

    #[test]
    fn trim_lines_keeps_indentation() {
        assert_eq!(super::trim_lines("\n\n  a  \n    b\n\n"), "  a\n    b");
        assert_eq!(super::trim_lines("\n \n"), "");
    }
}
