//! `phiguard explain`'s rendering of a rule's page for the terminal.

use phiguard_reporter::{terminal_markdown, DocsLinks, MarkdownOptions};

const TEMPLATE: &str = "https://example.invalid/phiguard/blob/main/docs/rules/{id}.md";

fn page(id: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/rules")
        .join(format!("{id}.md"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn render(markdown: &str, links: &DocsLinks, ascii: bool, color: bool) -> String {
    terminal_markdown(
        markdown,
        &MarkdownOptions {
            color,
            ascii,
            links,
            rule: "es-not-in-vpc",
        },
    )
}

/// A generated page: headings underlined, the table as columns, bullets,
/// code indented without fences, no comment, the relative link absolute.
#[test]
fn a_rule_page() {
    let links = DocsLinks::new(TEMPLATE.to_string(), None);
    let out = render(&page("es-not-in-vpc"), &links, false, false);
    assert!(
        !out.contains("<!--") && !out.contains("```") && !out.contains("|---"),
        "{out}"
    );
    assert!(
        out.contains(
            "the policy format (https://example.invalid/phiguard/blob/main/docs/policies.md#facts)"
        ),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// ASCII glyphs for a terminal without Unicode.
#[test]
fn a_rule_page_in_ascii() {
    let links = DocsLinks::new(TEMPLATE.to_string(), None);
    let out = render(&page("es-not-in-vpc"), &links, true, false);
    // The page's own text is ASCII; only the glyphs could not be.
    assert!(out.is_ascii(), "{out}");
    insta::assert_snapshot!(out);
}

/// Relative links that cannot be made absolute (the pages are not a copy
/// of docs/rules/, or there are no links) are left out, their text kept;
/// absolute ones stay; colours replace backticks and mark headings.
#[test]
fn links_comments_and_colours() {
    let markdown = "# t: Title\n\n<!-- a\ncomment -->\nSee [the format](../policies.md#facts), \
                    [AWS](https://aws.example/x) and <https://aws.example/y>.\n\n\
                    - `code` item\n\n<!-- end -->\n";
    let site = DocsLinks::new("https://site.example/{id}.html".to_string(), None);
    let out = render(markdown, &site, false, false);
    assert_eq!(
        out,
        "t: Title\n════════\n\nSee the format, AWS (https://aws.example/x) and https://aws.example/y.\n\n  • `code` item\n"
    );
    let out = render(markdown, &DocsLinks::none(), false, true);
    assert!(
        out.starts_with("\u{1b}[1mt: Title\u{1b}[0m\n════════\n"),
        "{out:?}"
    );
    assert!(out.contains("  • \u{1b}[36mcode\u{1b}[0m item"), "{out:?}");
}
