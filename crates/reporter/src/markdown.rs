//! A rule's page for the terminal (`phiguard explain`): the Markdown of
//! docs/rules/ read line by line, for the few constructs those pages use
//! (headings, tables, lists, fenced code, inline code, links, comments).
//! Not a general Markdown renderer: the pages are generated, so their
//! shapes are known.

use std::fmt::Write as _;

use crate::text::visible;
use crate::DocsLinks;

/// How to draw: colours (bold headings, coloured code), ASCII glyphs, and
/// where the page's relative links point.
pub struct MarkdownOptions<'a> {
    pub color: bool,
    pub ascii: bool,
    pub links: &'a DocsLinks,
    /// The rule whose page this is: relative links resolve against it.
    pub rule: &'a str,
}

const BOLD: &str = "\u{1b}[1m";
const CODE: &str = "\u{1b}[36m";
const RESET: &str = "\u{1b}[0m";

/// The page as text for a terminal: headings underlined, a table's rows
/// as aligned columns, list items with bullets, code blocks indented
/// without their fences, HTML comments left out, links as `text (URL)`
/// with relative ones made absolute against the rule's page (or left out
/// when they cannot be).
pub fn terminal_markdown(markdown: &str, options: &MarkdownOptions<'_>) -> String {
    let markdown = strip_comments(markdown);
    let mut out = String::new();
    let mut lines = markdown.lines().peekable();
    while let Some(line) = lines.next() {
        let line = visible(line, &['\t']);
        if let Some(fence) = fence(&line) {
            // Everything up to the closing fence, as it is.
            for code in lines.by_ref() {
                if code.trim_start().starts_with(&fence) {
                    break;
                }
                let code = visible(code, &['\t']);
                if options.color {
                    let _ = writeln!(out, "    {CODE}{code}{RESET}");
                } else {
                    let _ = writeln!(out, "    {code}");
                }
            }
            continue;
        }
        if line.starts_with('|') {
            let mut rows = vec![cells(&line)];
            while let Some(next) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(cells(&visible(next, &['\t'])));
            }
            table(&mut out, &rows, options);
            continue;
        }
        if let Some((level, title)) = heading(&line) {
            let title = inline(title, options);
            let width = width(&title);
            let rule = match (level, options.ascii) {
                (1, false) => "═",
                (1, true) => "=",
                (_, false) => "─",
                (_, true) => "-",
            };
            if options.color {
                let _ = writeln!(out, "{BOLD}{title}{RESET}");
            } else {
                let _ = writeln!(out, "{title}");
            }
            let _ = writeln!(out, "{}", rule.repeat(width));
            continue;
        }
        if let Some(item) = line.strip_prefix("- ") {
            let bullet = if options.ascii { "-" } else { "•" };
            let _ = writeln!(out, "  {bullet} {}", inline(item, options));
            continue;
        }
        if line.trim().is_empty() && out.ends_with("\n\n") {
            // Comments leave blank lines behind: one is enough.
            continue;
        }
        let _ = writeln!(out, "{}", inline(&line, options));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The text without `<!-- ... -->` comments (a page's "generated, do not
/// edit" line is for its editors, not its readers).
fn strip_comments(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find("-->") {
            Some(end) => &rest[start + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The fence a code block opens with (three or more backticks).
fn fence(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let ticks = trimmed.chars().take_while(|&c| c == '`').count();
    (ticks >= 3).then(|| "`".repeat(ticks))
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let title = line.get(level..)?.strip_prefix(' ')?;
    (level >= 1).then_some((level, title.trim()))
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// Rows as aligned columns; the separator row (`|---|`) and an empty
/// header row are left out.
fn table(out: &mut String, rows: &[Vec<String>], options: &MarkdownOptions<'_>) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .filter(|row| {
            !row.iter()
                .all(|c| c.is_empty() || c.chars().all(|ch| matches!(ch, '-' | ':')))
        })
        .map(|row| row.iter().map(|c| inline(c, options)).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths.get(i).map_or(0, |w| w.saturating_sub(width(cell)));
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Inline Markdown: `code` (coloured without its backticks when colours
/// are on), links as `text (URL)`, `<URL>` as the URL.
fn inline(text: &str, options: &MarkdownOptions<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '`' => {
                if let Some(end) = rest[1..].find('`') {
                    let code = &rest[1..1 + end];
                    if options.color {
                        let _ = write!(out, "{CODE}{code}{RESET}");
                    } else {
                        let _ = write!(out, "`{code}`");
                    }
                    rest = &rest[end + 2..];
                    continue;
                }
            }
            '[' => {
                if let Some((label, target, len)) = link(rest) {
                    let label = inline(label, options);
                    match absolute(target, options) {
                        Some(url) => {
                            let _ = write!(out, "{label} ({url})");
                        }
                        None => out.push_str(&label),
                    }
                    rest = &rest[len..];
                    continue;
                }
            }
            '<' => {
                if let Some(end) = rest.find('>') {
                    let url = &rest[1..end];
                    if url.contains("://") && !url.contains(' ') {
                        out.push_str(url);
                        rest = &rest[end + 1..];
                        continue;
                    }
                }
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `[label](target)` at the start of `text`: the label, the target and
/// the bytes it takes.
fn link(text: &str) -> Option<(&str, &str, usize)> {
    let close = text.find("](")?;
    let end = text[close + 2..].find(')')? + close + 2;
    Some((&text[1..close], &text[close + 2..end], end + 1))
}

/// A link's target as a URL a reader can open: as written when absolute,
/// resolved against the rule's page when relative (or left out).
fn absolute(target: &str, options: &MarkdownOptions<'_>) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return Some(target.to_string());
    }
    options.links.resolve(options.rule, target)
}

/// How many columns the text takes: its characters but colour escapes.
fn width(text: &str) -> usize {
    plain(text).chars().count()
}

/// The text without colour escapes.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // `ESC [ ... m`
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
