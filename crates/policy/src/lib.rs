//! phiguard's policy engine. Rules are declarative files in `policies/`
//! (see docs/policies.md), embedded at build time; conditions read named
//! facts that Rust computes from the model.

mod docs;
mod engine;
mod eval;
mod expr;
mod fix;
mod meta;
mod origin_fix;
mod policy_file;
mod shared;
pub mod similar;
mod suppress;

pub use docs::{invalid_suppression_page, rules_index, types_markdown};
pub use engine::{check, check_scoped, Outcome, Scope};
pub use phiguard_model::kinds::{
    fact_names, fact_types, Alias, EnumDef, FactType, ItemDef, Spelling,
};
pub use policy_file::{
    load_rule, Addition, Check, EditSpec, Help, Literal, PolicyError, Remediation, Rule,
};
pub use suppress::{
    apply as apply_suppressions, invalid_suppression_meta, today, SuppressionContext,
    INVALID_SUPPRESSION,
};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));
}

/// Every rule phiguard knows, sorted by id.
#[derive(Debug, Clone)]
pub struct Registry {
    rules: Vec<Rule>,
}

impl Registry {
    /// The rules embedded in the binary.
    pub fn builtin() -> Result<Registry, Vec<PolicyError>> {
        Registry::from_sources(builtin::BUILTIN.iter().copied())
    }

    /// The built-in rules and custom policies given as `(file, text)`
    /// (`policy_dirs`); a custom rule may not reuse a built-in id.
    pub fn with_custom(custom: &[(String, String)]) -> Result<Registry, Vec<PolicyError>> {
        Registry::from_sources(
            builtin::BUILTIN.iter().copied().chain(
                custom
                    .iter()
                    .map(|(file, text)| (file.as_str(), text.as_str())),
            ),
        )
    }

    /// Loads rules from `(file name, text)` pairs, reporting every bad file
    /// and every id defined twice.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Registry, Vec<PolicyError>> {
        let mut rules: Vec<Rule> = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in sources {
            match load_rule(file, text) {
                Ok(rule) => {
                    if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                        errors.push(PolicyError {
                            file: file.to_string(),
                            line: 1,
                            column: 1,
                            message: format!(
                                "rule `{}` is already defined in {}",
                                rule.id, first.source
                            ),
                        });
                    } else {
                        rules.push(rule);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Registry { rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let registry = Registry::builtin().unwrap_or_else(|errors| {
            panic!(
                "{}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(registry.rules().windows(2).all(|w| w[0].id < w[1].id));
        // Loading type-checks every condition: the check marks enum facts,
        // so `acl.canned == "public-read"` also matches `PublicRead`.
        let acl = registry.get("s3-public-acl").map(|r| &r.checks[0].when);
        let Some(expr::Expr::And(first, _)) = acl else {
            panic!("{acl:?}")
        };
        let expr::Expr::Eq(canned, _) = first.as_ref() else {
            panic!("{first:?}")
        };
        assert_eq!(canned.normalise.map(|e| e.name), Some("canned_acl"));
    }

    /// The enums and items of docs/policies.md are generated from the code
    /// (`UPDATE_DOCS=1 cargo test -p phiguard-policy` rewrites them).
    #[test]
    fn policy_docs_list_every_type() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policies.md");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (start, end) = ("<!-- types:start -->", "<!-- types:end -->");
        let (Some(from), Some(to)) = (text.find(start), text.find(end)) else {
            panic!("docs/policies.md has no {start} ... {end} block");
        };
        let updated = format!(
            "{}{}{}",
            &text[..from],
            types_markdown(),
            &text[to + end.len()..]
        );
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &updated).unwrap_or_else(|e| panic!("{e}"));
        } else {
            assert!(
                text == updated,
                "docs/policies.md lists stale types: run `UPDATE_DOCS=1 cargo test -p phiguard-policy`"
            );
        }
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let text = builtin::BUILTIN[0].1;
        let errors = Registry::from_sources([("a.toml", text), ("b.toml", text)]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("already defined in a.toml"));
    }
}
