//! Where each rule's documentation page is: SARIF's `helpUri`, the `docs:`
//! line of human output, compact output's suffix, and the base `explain`
//! resolves a page's relative links against.
//!
//! A setting (`docs_url`, `--docs-url`) is a URL or a path, either a
//! template with `{id}` or the folder holding `<id>.md`; a path becomes a
//! `file://` URL, for a local copy of docs/rules/ read offline.

use std::collections::BTreeSet;
use std::path::Path;

use crate::text::percent_encode;

/// What stands for the rule id in a template.
const ID: &str = "{id}";

/// The default: phiguard's own pages, in the repository of its Cargo.toml.
pub const DEFAULT_TEMPLATE: &str = concat!(
    env!("CARGO_PKG_REPOSITORY"),
    "/blob/main/docs/rules/{id}.md"
);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocsLinks {
    /// A URL with `{id}` where the rule id goes; `None`: no links.
    template: Option<String>,
    /// The rules that have a page there; `None`: every rule (a docs URL
    /// the user set may well document their own policies' rules).
    only: Option<BTreeSet<String>>,
}

impl DocsLinks {
    /// No links at all.
    pub fn none() -> Self {
        DocsLinks::default()
    }

    /// Links from `template` (as [`template`] makes it) for the rules in
    /// `only`, or for every rule.
    pub fn new(template: String, only: Option<BTreeSet<String>>) -> Self {
        DocsLinks {
            template: Some(template),
            only,
        }
    }

    /// The page of a rule, when it has one.
    pub fn url(&self, rule: &str) -> Option<String> {
        let template = self.template.as_ref()?;
        if self.only.as_ref().is_some_and(|only| !only.contains(rule)) {
            return None;
        }
        Some(template.replace(ID, &percent_encode(rule)))
    }

    /// A link of a rule's page made absolute: `../policies.md#facts`
    /// against the page's URL. Only when the pages are a copy of
    /// docs/rules/ (`.../{id}.md`), where the page's neighbours are what
    /// the link means; `None` otherwise, and for a link that is already
    /// absolute or leaves the site's root.
    pub fn resolve(&self, rule: &str, link: &str) -> Option<String> {
        let template = self.template.as_ref()?;
        if !template.ends_with("/{id}.md") || has_scheme(link) || link.starts_with('/') {
            return None;
        }
        let page = self.url(rule)?;
        if let Some(anchor) = link.strip_prefix('#') {
            return Some(format!("{page}#{anchor}"));
        }
        let (scheme, rest) = page.split_once("://")?;
        let mut segments: Vec<&str> = rest.split('/').collect();
        // The page's own name gives way to the link.
        segments.pop();
        // The authority (empty for `file:///`) is never popped.
        for part in link.split('/') {
            match part {
                "." => {}
                ".." if segments.len() > 1 => {
                    segments.pop();
                }
                ".." => return None,
                part => segments.push(part),
            }
        }
        Some(format!("{scheme}://{}", segments.join("/")))
    }
}

/// A `docs_url` setting as a template: `{id}` where the rule id goes (a
/// setting without one is the folder holding `<id>.md`); a path, relative
/// to `base` (the working directory, or the config file's folder), as a
/// `file://` URL.
pub fn template(setting: &str, base: &Path) -> String {
    let setting = setting.trim();
    let with_id = if setting.contains(ID) {
        setting.to_string()
    } else {
        format!("{}/{ID}.md", setting.trim_end_matches('/'))
    };
    if has_scheme(setting) {
        return with_id;
    }
    let path = phiguard_model::normalize(&base.join(&with_id));
    let path = path.to_string_lossy().replace('\\', "/");
    // `{id}` survives the encoding, which would make it `%7Bid%7D`.
    let encoded: Vec<String> = path.split(ID).map(percent_encode).collect();
    let path = encoded.join(ID);
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        // A Windows path: `C:/docs`.
        format!("file:///{path}")
    }
}

/// Whether `text` starts with a URL scheme (`https:`, `file:`); one
/// letter before the colon is a Windows drive, not a scheme.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_become_templates() {
        let base = Path::new("/work/repo");
        assert_eq!(
            template("https://docs.example/rules/", base),
            "https://docs.example/rules/{id}.md"
        );
        assert_eq!(
            template("https://docs.example/{id}.html", base),
            "https://docs.example/{id}.html"
        );
        assert_eq!(
            template("docs/rules", base),
            "file:///work/repo/docs/rules/{id}.md"
        );
        assert_eq!(
            template("../my docs/{id}.md", base),
            "file:///work/my%20docs/{id}.md"
        );
        assert_eq!(template("/srv/d", base), "file:///srv/d/{id}.md");
        assert_eq!(template("file:///srv/d", base), "file:///srv/d/{id}.md");
    }

    #[test]
    fn urls_only_for_rules_with_a_page() {
        let links = DocsLinks::new(
            DEFAULT_TEMPLATE.to_string(),
            Some(BTreeSet::from(["s3-public-acl".to_string()])),
        );
        assert_eq!(
            links.url("s3-public-acl").as_deref(),
            Some(concat!(
                env!("CARGO_PKG_REPOSITORY"),
                "/blob/main/docs/rules/s3-public-acl.md"
            ))
        );
        assert_eq!(links.url("custom-rule"), None);
        assert_eq!(DocsLinks::none().url("s3-public-acl"), None);
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let links = DocsLinks::new(
            "https://h.example/r/blob/main/docs/rules/{id}.md".into(),
            None,
        );
        assert_eq!(
            links
                .resolve("s3-public-acl", "../policies.md#facts")
                .as_deref(),
            Some("https://h.example/r/blob/main/docs/policies.md#facts")
        );
        assert_eq!(
            links
                .resolve("s3-public-acl", "s3-public-policy.md")
                .as_deref(),
            Some("https://h.example/r/blob/main/docs/rules/s3-public-policy.md")
        );
        assert_eq!(
            links.resolve("s3-public-acl", "#how-to-fix").as_deref(),
            Some("https://h.example/r/blob/main/docs/rules/s3-public-acl.md#how-to-fix")
        );
        assert_eq!(links.resolve("a", "../../../../../../x.md"), None);
        assert_eq!(links.resolve("a", "https://other.example/"), None);
        let local = DocsLinks::new("file:///d/docs/rules/{id}.md".into(), None);
        assert_eq!(
            local.resolve("a", "../policies.md").as_deref(),
            Some("file:///d/docs/policies.md")
        );
        // Pages laid out otherwise: the neighbours are unknown.
        let site = DocsLinks::new("https://h.example/{id}.html".into(), None);
        assert_eq!(site.resolve("a", "../policies.md"), None);
    }
}
