//! Where the rules' pages are (`--docs-url`, the config's `docs_url`, or
//! phiguard's repository), for `lint`'s output and `explain`.

use std::collections::BTreeSet;
use std::path::Path;

use phiguard_reporter::{docs_template, DocsLinks, DEFAULT_DOCS_TEMPLATE};

use crate::analysis::config_dir;
use crate::config::Config;

/// The links for a run: `--docs-url` (a path relative to the working
/// directory), else the config's `docs_url` (relative to its folder),
/// both for every rule, since the user's pages may document their own
/// policies; else phiguard's repository, for the rules it has pages for.
pub fn links(flag: Option<&str>, config: &Config, cwd: &Path) -> Result<DocsLinks, String> {
    if let Some(setting) = flag {
        return Ok(DocsLinks::new(docs_template(setting, cwd), None));
    }
    if let Some(setting) = &config.docs_url {
        let base = config_dir(config, cwd).unwrap_or_else(|| cwd.to_path_buf());
        return Ok(DocsLinks::new(docs_template(setting, &base), None));
    }
    Ok(DocsLinks::new(
        DEFAULT_DOCS_TEMPLATE.to_string(),
        Some(documented()?),
    ))
}

/// The rules docs/rules/ has a page for: the built-in ones and
/// `invalid-suppression`.
fn documented() -> Result<BTreeSet<String>, String> {
    let registry = crate::rules::registry()?;
    Ok(registry
        .rules()
        .iter()
        .map(|r| r.id.clone())
        .chain(std::iter::once(
            phiguard_policy::INVALID_SUPPRESSION.to_string(),
        ))
        .collect())
}
