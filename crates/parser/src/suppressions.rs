//! `phiguard:ignore` comments: found in the text of Terraform and YAML files,
//! then tied to the block, resource or attribute they stand above or beside.

use phiguard_model::{
    FileId, Model, Resource, SourceFile, Span, Spanned, SuppressionDirective, SuppressionForm,
    Value, ValueKind,
};

const MARKER: &str = "phiguard:ignore";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// Terraform: `#`, `//` and `/* */`.
    Hcl,
    /// YAML: `#`.
    Yaml,
}

fn syntax(path: &str) -> Option<Syntax> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tf") || lower.ends_with(".tfvars") {
        Some(Syntax::Hcl)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".template") {
        Some(Syntax::Yaml)
    } else {
        None
    }
}

/// Every suppression comment of every file, with its target resolved
/// against the model's resources, and every CloudFormation `Metadata`
/// suppression.
pub fn collect(model: &Model) -> Vec<SuppressionDirective> {
    let mut out = metadata(model);
    for file in &model.files {
        let Some(syntax) = syntax(&file.display_path) else {
            continue;
        };
        if !file.text.contains(MARKER) {
            continue;
        }
        let constructs = constructs(model, file.id);
        for comment in comments(&file.text, syntax) {
            let Some(at) = comment.text.find(MARKER) else {
                continue;
            };
            let body_start = comment.start + at + MARKER.len();
            let body = &comment.text[at + MARKER.len()..];
            let span = Span::new(file.id, comment.start..comment.start + comment.text.len());
            let target_line = if comment.own_line {
                next_code_line(file, comment.start + comment.text.len())
            } else {
                Some(file.line_index().line_of(comment.start))
            };
            let target = target_line
                .map(|line| target_of(file, &constructs, line))
                .unwrap_or(span);
            out.push(parse_directive(file.id, span, target, body, body_start));
        }
    }
    out
}

/// `Metadata: {phiguard: {ignore: [{id, reason, until}]}}` on a
/// CloudFormation resource: covers the whole resource.
fn metadata(model: &Model) -> Vec<SuppressionDirective> {
    let mut out = Vec::new();
    for resource in &model.resources {
        let Some(ignore) = resource
            .body
            .block("Metadata")
            .and_then(|m| m.body.attribute("phiguard"))
            .and_then(|p| p.get("ignore"))
        else {
            continue;
        };
        for entry in ignore.items() {
            let text = |key: &str| {
                entry
                    .get(key)
                    .and_then(|v| Some(Spanned::new(v.as_str()?.trim().to_string(), v.span)))
            };
            out.push(SuppressionDirective {
                span: entry.span,
                target: resource.span.cover(resource.header),
                also: Vec::new(),
                rules: text("id").into_iter().collect(),
                reason: text("reason").map(|r| r.value).filter(|r| !r.is_empty()),
                until: text("until"),
                form: SuppressionForm::Metadata,
            });
        }
    }
    out
}

/// `ID[,ID...] [until=YYYY-MM-DD] [-- reason]`.
fn parse_directive(
    file: FileId,
    span: Span,
    target: Span,
    body: &str,
    body_start: usize,
) -> SuppressionDirective {
    let (head, reason) = match body.find("--") {
        Some(at) => (&body[..at], Some(body[at + 2..].trim())),
        None => (body, None),
    };
    let reason = reason
        .map(|r| r.trim_end_matches("*/").trim().to_string())
        .filter(|r| !r.is_empty());
    let mut rules = Vec::new();
    let mut until = None;
    let mut offset = 0;
    for token in head.split(|c: char| c.is_whitespace() || c == ',') {
        let start = head[offset..].find(token).map_or(offset, |i| offset + i);
        offset = start + token.len();
        if token.is_empty() || token == "*/" {
            continue;
        }
        let token_span = Span::new(file, body_start + start..body_start + start + token.len());
        match token.strip_prefix("until=") {
            Some(date) => until = Some(Spanned::new(date.to_string(), token_span)),
            None => rules.push(Spanned::new(token.to_string(), token_span)),
        }
    }
    SuppressionDirective {
        span,
        target,
        also: Vec::new(),
        rules,
        reason,
        until,
        form: SuppressionForm::Comment,
    }
}

struct Comment<'a> {
    start: usize,
    text: &'a str,
    /// Nothing but white space before it on its line.
    own_line: bool,
}

/// The comments of a file, skipping comment markers inside quoted strings.
fn comments(text: &str, syntax: Syntax) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            // Heredocs and block scalars hold text, not code: a `#` there
            // is no comment, and their lines are skipped whole.
            let line = &text[line_start..i];
            let next = i + 1;
            let skip = match syntax {
                Syntax::Hcl => heredoc_end(text, line, next),
                Syntax::Yaml if quote.is_none() => block_scalar_end(text, line, next),
                Syntax::Yaml => None,
            };
            line_start = skip.unwrap_or(next);
            i = line_start;
            // HCL strings end with their line; YAML quoted scalars may not.
            if syntax == Syntax::Hcl {
                quote = None;
            }
            continue;
        }
        if let Some(q) = quote {
            if b == b'\\' && syntax == Syntax::Hcl {
                i += 2;
                continue;
            }
            if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let own_line = text[line_start..i].trim().is_empty();
        let comment_end = if b == b'#' || (syntax == Syntax::Hcl && rest.starts_with("//")) {
            Some(rest.find('\n').map_or(text.len(), |n| i + n))
        } else if syntax == Syntax::Hcl && rest.starts_with("/*") {
            Some(rest[2..].find("*/").map_or(text.len(), |n| i + 2 + n + 2))
        } else {
            None
        };
        if let Some(end) = comment_end {
            out.push(Comment {
                start: i,
                text: &text[i..end],
                own_line,
            });
            i = end;
            continue;
        }
        // YAML single quotes are quotes only at the start of a scalar;
        // apostrophes inside plain text must not open a string.
        if (b == b'"' || b == b'\'')
            && (syntax == Syntax::Hcl || starts_scalar(text, line_start, i))
        {
            quote = Some(b);
        }
        i += 1;
    }
    out
}

/// For a line that opens a heredoc (`<<EOF`, `<<-EOF`), where its closing
/// marker line starts; the end of the text if it never closes.
fn heredoc_end(text: &str, line: &str, next: usize) -> Option<usize> {
    let at = line.rfind("<<")?;
    let marker = line[at + 2..].trim_start_matches('-').trim_end();
    let valid = !marker.is_empty()
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && marker.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if !valid {
        return None;
    }
    let mut start = next;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        if text[start..end].trim() == marker {
            return Some(start);
        }
        start = end + 1;
    }
    Some(text.len())
}

/// For a line that opens a YAML block scalar (`key: |`, `- >-`), where the
/// first line after its content starts: content lines are blank or more
/// indented than the opening line.
fn block_scalar_end(text: &str, line: &str, next: usize) -> Option<usize> {
    let code = line.find(" #").map_or(line, |at| &line[..at]).trim_end();
    let indicator = code.rsplit(char::is_whitespace).next()?;
    let is_indicator = indicator.starts_with(['|', '>'])
        && indicator[1..]
            .chars()
            .all(|c| c == '-' || c == '+' || c.is_ascii_digit());
    let before = code[..code.len() - indicator.len()].trim_end();
    if !is_indicator || !(before.ends_with(':') || before.ends_with('-') || before.is_empty()) {
        return None;
    }
    // Content is more indented than the node that holds the scalar: the
    // key (`  - Value: |` holds at column 4), or the dash of `- |`.
    let indent = if before.ends_with(':') {
        line.len() - line.trim_start_matches([' ', '-']).len()
    } else {
        line.len() - line.trim_start_matches(' ').len()
    };
    let mut start = next;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let content = &text[start..end];
        let blank = content.trim().is_empty();
        let deeper = content.len() - content.trim_start_matches(' ').len() > indent;
        if !(blank || deeper) {
            return Some(start);
        }
        start = end + 1;
    }
    Some(text.len())
}

fn starts_scalar(text: &str, line_start: usize, at: usize) -> bool {
    let before = text[line_start..at].trim_end();
    before.is_empty()
        || before.ends_with(':')
        || before.ends_with('-')
        || before.ends_with('[')
        || before.ends_with(',')
}

/// The 0-based line of the first line after `offset` that holds code.
fn next_code_line(file: &SourceFile, offset: usize) -> Option<usize> {
    let mut line = file.line_index().line_of(offset) + 1;
    while let Some(start) = file.line_index().line_start(line) {
        let end = file
            .line_index()
            .line_start(line + 1)
            .unwrap_or(file.text.len());
        let text = file.text.get(start..end).unwrap_or_default().trim();
        if !(text.is_empty()
            || text.starts_with('#')
            || text.starts_with("//")
            || text.starts_with("/*"))
        {
            return Some(line);
        }
        line += 1;
    }
    None
}

/// The outermost construct starting on `line`, or the line itself.
fn target_of(file: &SourceFile, constructs: &[Span], line: usize) -> Span {
    let start = file.line_index().line_start(line).unwrap_or(0);
    let end = file
        .line_index()
        .line_start(line + 1)
        .unwrap_or(file.text.len());
    constructs
        .iter()
        .filter(|c| (c.start as usize) >= start && (c.start as usize) < end)
        .max_by_key(|c| (c.end, std::cmp::Reverse(c.start)))
        .copied()
        .unwrap_or_else(|| Span::new(file.id, start..end))
}

/// Spans of the resources, blocks and attributes (key to end of value) of a file.
fn constructs(model: &Model, file: FileId) -> Vec<Span> {
    let mut out = Vec::new();
    for resource in model.resources.iter().filter(|r| r.file == file) {
        out.push(resource.span.cover(resource.header));
        add_body(resource, &resource.body, &mut out);
    }
    out
}

fn add_body(resource: &Resource, body: &phiguard_model::Body, out: &mut Vec<Span>) {
    for attribute in &body.attributes {
        if attribute.key.span.file == resource.file {
            out.push(attribute.key.span.cover(attribute.value.span));
        }
        add_value(&attribute.value, out);
    }
    for block in &body.blocks {
        out.push(block.span);
        add_body(resource, &block.body, out);
    }
}

fn add_value(value: &Value, out: &mut Vec<Span>) {
    match &value.kind {
        ValueKind::Map(entries) => {
            for (key, v) in entries {
                if key.span.file == v.span.file {
                    out.push(key.span.cover(v.span));
                }
                add_value(v, out);
            }
        }
        ValueKind::List(items) => items.iter().for_each(|v| add_value(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(body: &str) -> SuppressionDirective {
        let span = Span::default();
        parse_directive(FileId(0), span, span, body, 0)
    }

    #[test]
    fn parses_ids_until_and_reason() {
        let d = directive(" s3-versioning-disabled,s3-replication-disabled until=2027-03-01 -- migration ticket OPS-12");
        let ids: Vec<&str> = d.rules.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(ids, ["s3-versioning-disabled", "s3-replication-disabled"]);
        assert_eq!(d.until.map(|u| u.value), Some("2027-03-01".into()));
        assert_eq!(d.reason.as_deref(), Some("migration ticket OPS-12"));
        let first = &d.rules[0];
        assert_eq!(first.span.range(), 1..23);
    }

    #[test]
    fn missing_reason_is_none() {
        assert_eq!(directive(" s3-public-acl").reason, None);
        assert_eq!(directive(" s3-public-acl --  ").reason, None);
        assert_eq!(
            directive(" s3-public-acl -- why */").reason.as_deref(),
            Some("why")
        );
    }

    #[test]
    fn finds_comments_outside_strings() {
        let text = "a = \"# not\" # yes\n// two\n/* three */ b = 1\nc = 'x' # four\n";
        let found: Vec<&str> = comments(text, Syntax::Hcl).iter().map(|c| c.text).collect();
        assert_eq!(found, ["# yes", "// two", "/* three */", "# four"]);
        let yaml = "Description: it's # a comment\nName: 'a # b' # c\n";
        let found: Vec<&str> = comments(yaml, Syntax::Yaml)
            .iter()
            .map(|c| c.text)
            .collect();
        assert_eq!(found, ["# a comment", "# c"]);
    }

    #[test]
    fn text_blocks_hold_no_comments() {
        let hcl = "policy = <<-EOF\n  # phiguard:ignore x -- not a comment\n  rm -rf /tmp/*\n  EOF\n# real\n";
        let found: Vec<&str> = comments(hcl, Syntax::Hcl).iter().map(|c| c.text).collect();
        assert_eq!(found, ["# real"]);
        let yaml = "Tags:\n  - Value: |\n      # phiguard:ignore x -- not a comment\n\n      more\n    Key: k # real\nB: \"multi\n  # not a comment either\" # also real\n";
        let found: Vec<&str> = comments(yaml, Syntax::Yaml)
            .iter()
            .map(|c| c.text)
            .collect();
        assert_eq!(found, ["# real", "# also real"]);
    }
}
