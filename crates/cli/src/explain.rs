//! `phiguard explain RULE_ID`: a rule's page, rendered for the terminal.

use std::fmt::Write as _;
use std::io::IsTerminal;

use phiguard_policy::INVALID_SUPPRESSION;

use crate::args::ColorChoice;
use crate::rules::registry;
use crate::{output, ExitStatus};

/// A rule's page: rendered for the terminal (headings, tables, lists,
/// code; no comments; relative links made absolute against the docs URL,
/// or left out), or with `--raw` the Markdown of docs/rules/ as it is.
pub fn explain(
    rule_id: &str,
    raw: bool,
    docs_url: Option<&str>,
    color: ColorChoice,
) -> Result<ExitStatus, String> {
    let registry = registry()?;
    let markdown = match registry.get(rule_id) {
        Some(rule) => rule.markdown(),
        None if rule_id == INVALID_SUPPRESSION => phiguard_policy::invalid_suppression_page(),
        None => {
            let known = phiguard_linter::known_rules(&registry);
            let hint = phiguard_policy::similar::hint(rule_id, known.iter().copied());
            return Err(format!("unknown rule id `{rule_id}` ({hint})"));
        }
    };
    if raw {
        output::write(None, &markdown)?;
        return Ok(ExitStatus::Success);
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    // The docs URL of the config file this folder would lint with, unless
    // given: a config with a mistake elsewhere then does not stop `explain`.
    let config = match crate::config::discover(&cwd).filter(|_| docs_url.is_none()) {
        Some(path) => {
            let display = phiguard_model::display_path(&path, &cwd);
            crate::config::load(&path, display)?
        }
        None => crate::config::Config::default(),
    };
    let links = crate::docs::links(docs_url, &config, &cwd)?;
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let mut text = phiguard_reporter::terminal_markdown(
        &markdown,
        &phiguard_reporter::MarkdownOptions {
            color,
            ascii: !crate::terminal::unicode_here(),
            links: &links,
            rule: rule_id,
        },
    );
    if let Some(url) = links.url(rule_id) {
        let _ = write!(text, "\ndocs: {url}\n");
    }
    output::write(None, &text)?;
    Ok(ExitStatus::Success)
}
