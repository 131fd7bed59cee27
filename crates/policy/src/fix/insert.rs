//! Where added text goes, written as its neighbours are: an HCL block's
//! last lines before its closing brace, a new resource after the bucket's,
//! a YAML key before the first key of its mapping at the same indentation,
//! a JSON member with the next member's indentation. Anything laid out
//! otherwise gets no fix rather than a guess.

use phiguard_model::{Dialect, Edit, Model, Resource, SourceFile, Span, Value};

use super::index::FixIndex;
use super::literal::is_plain;
use super::{syntax, Syntax};

/// `text` as the last lines of the HCL block at `span` (a resource or a
/// nested block), one indentation step in.
pub(super) fn into_block(file: &SourceFile, span: Span, text: &str) -> Option<Vec<Edit>> {
    if syntax(file, Some(Dialect::Terraform)) != Syntax::Hcl {
        return None;
    }
    let whole = file.slice(span)?;
    let body = whole.trim_end();
    if !body.ends_with('}') {
        return None;
    }
    // An argument the block already has is not added again (HCL forbids
    // an argument twice; blocks such as `statement` may repeat).
    let declares = |name: &str| {
        body.lines().skip(1).any(|l| {
            l.trim_start()
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
    };
    if text
        .lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(argument)
        .any(|(name, _)| declares(name))
    {
        return None;
    }
    let close = span.start as usize + body.len() - 1;
    let base = indentation(&file.text, span.start as usize);
    let inner = inner_indentation(body).unwrap_or_else(|| format!("{base}  "));
    let lines = indent(text, &inner);
    let line_start = file.text[..close].rfind('\n').map_or(0, |i| i + 1);
    if !file.text[line_start..close].trim().is_empty() {
        // `{}`: the new lines between the braces. `{ a = 1 }` on one line
        // cannot take a second line (HCL's one-line block), so no fix.
        if !file.text[line_start..close].trim_end().ends_with('{') {
            return None;
        }
        return Some(vec![insertion(file, close, format!("\n{lines}\n{base}"))]);
    }
    // A `dynamic` block of the same type decides whether there is one.
    let dynamic = text
        .lines()
        .next()
        .and_then(|l| l.split([' ', '{']).next())
        .is_some_and(|name| body.contains(&format!("dynamic \"{name}\"")));
    if dynamic {
        return None;
    }
    // Arguments join the arguments right above the brace, `=` aligned
    // as `terraform fmt` aligns them; a block is set off by a blank line.
    let added: Option<Vec<(&str, &str)>> = text.lines().map(argument).collect();
    match added {
        Some(added) => {
            // (where the space before `=` is, the name's length) of each
            // argument right above the brace.
            let mut group: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
            let mut cursor = line_start;
            while cursor > span.start as usize + 1 {
                let prev_start = file.text[..cursor - 1].rfind('\n').map_or(0, |i| i + 1);
                let line = &file.text[prev_start..cursor - 1];
                if indentation(&file.text, prev_start) != inner {
                    break;
                }
                let Some((name, _)) = argument(line.trim()) else {
                    break;
                };
                let name_end = prev_start + inner.len() + name.len();
                let equals = name_end + file.text[name_end..].find('=')?;
                group.insert(0, (name_end..equals, name.len()));
                cursor = prev_start;
            }
            let width = group
                .iter()
                .map(|(_, len)| *len)
                .chain(added.iter().map(|(k, _)| k.len()))
                .max()
                .unwrap_or(0);
            let mut edits: Vec<Edit> = group
                .into_iter()
                .filter(|(space, len)| space.len() != width - len + 1)
                .map(|(space, len)| Edit {
                    span: Span::new(file.id, space),
                    replacement: " ".repeat(width - len + 1),
                })
                .collect();
            let lines: String = added
                .iter()
                .map(|(k, v)| format!("{inner}{k:<width$} = {v}\n"))
                .collect();
            edits.push(insertion(file, line_start, lines));
            Some(edits)
        }
        None => {
            let previous = file.text[..line_start.saturating_sub(1)]
                .rsplit('\n')
                .next()
                .unwrap_or("");
            let opens = previous.trim_end().ends_with('{');
            let blank = if previous.trim().is_empty() || opens {
                ""
            } else {
                "\n"
            };
            Some(vec![insertion(
                file,
                line_start,
                format!("{blank}{lines}\n"),
            )])
        }
    }
}

/// `(name, value)` of a one-line HCL argument (`enabled = true`, a
/// trailing comment kept with the value); `None` for anything else (a
/// block, an expression that goes on over the next lines, a comment).
fn argument(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let code = value.split(" #").next().unwrap_or(value).trim_end();
    let goes_on =
        code.ends_with(['{', '[', '(']) || code.starts_with("<<") || value.starts_with('=');
    (is_name && !value.is_empty() && !goes_on).then_some((name, value))
}

/// A new resource after `anchor`'s block, its `{name}` and `{address}`
/// filled in from the anchor (`aws_s3_bucket.records`): with the
/// description "an `aws_s3_bucket_versioning` resource". `None` for an
/// instance of `count`/`for_each` (the new resource would need the same
/// expansion) or when a resource of that name already exists.
pub(super) fn resource_after(
    model: &Model,
    index: &FixIndex,
    anchor: &Resource,
    text: &str,
) -> Option<(Edit, String)> {
    let file = model.files.get(anchor.file.0 as usize)?;
    if anchor.dialect != Dialect::Terraform || syntax(file, None) != Syntax::Hcl {
        return None;
    }
    let local = anchor
        .address
        .rfind(&format!("{}.", anchor.resource_type))
        .map(|i| &anchor.address[i..])?;
    let name = local.strip_prefix(&format!("{}.", anchor.resource_type))?;
    if name.contains('[') || !anchor.address.ends_with(local) {
        return None;
    }
    let _ = name;
    let prefix = &anchor.address[..anchor.address.len() - local.len()];
    let rendered = text.to_string();
    // Every resource the text declares must be new.
    let mut new_types = Vec::new();
    for line in rendered.lines().filter(|l| l.starts_with("resource ")) {
        let mut header = line.split('"').skip(1).step_by(2);
        let (new_type, new_name) = (header.next()?, header.next()?);
        let new_address = format!("{prefix}{new_type}.{new_name}");
        // In the anchor's module: its folder's files (another
        // configuration's resource of that address is another resource).
        let folder = file.path.parent().unwrap_or(std::path::Path::new(""));
        let taken = index.resources_in_folder(model, folder).any(|r| {
            r.address == new_address
                || r.address
                    .strip_prefix(&new_address)
                    .is_some_and(|rest| rest.starts_with('['))
        }) || file
            .text
            .contains(&format!("\"{new_type}\" \"{new_name}\""));
        if taken {
            return None;
        }
        new_types.push(format!("`{new_type}`"));
    }
    let new_type = new_types.join(" and ");
    let block = file.slice(anchor.span)?;
    if !block.trim_end().ends_with('}') {
        return None;
    }
    // An expanded resource (`count`, `for_each`) needs the new one to
    // expand alike, which is the author's choice.
    let expands = block.lines().skip(1).any(|l| {
        let l = l.trim_start();
        ["count", "for_each"].iter().any(|m| {
            l.strip_prefix(m)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
    });
    if expands || anchor.instance_note.is_some() {
        return None;
    }
    let end = anchor.span.start as usize + block.trim_end().len();
    let base = indentation(&file.text, anchor.span.start as usize);
    let lines = indent(&rendered, &base);
    // After the line the block ends on, so that a comment after its `}`
    // stays with it.
    let (at, replacement) = match file.text[end..].find('\n') {
        Some(newline) => (end + newline + 1, format!("\n{lines}\n")),
        None => (file.text.len(), format!("\n\n{lines}\n")),
    };
    Some((insertion(file, at, replacement), new_type))
}

/// New CloudFormation resources (`table`: logical id → definition) after
/// `anchor`'s, at its indentation; `None` when a logical id is taken.
pub(super) fn resource_after_template(
    model: &Model,
    index: &FixIndex,
    anchor: &Resource,
    table: &toml::Table,
) -> Option<Edit> {
    let file = model.files.get(anchor.file.0 as usize)?;
    let taken = |id: &str| {
        index
            .resources_in(model, anchor.file)
            .any(|r| r.address == id)
            || file.text.contains(&format!("\"{id}\""))
            || file.text.contains(&format!(
                "\n{}{id}:",
                indentation(&file.text, anchor.span.start as usize)
            ))
    };
    if table.keys().any(|id| taken(id)) {
        return None;
    }
    let indent = indentation(&file.text, anchor.span.start as usize);
    let end = anchor.span.end as usize;
    match syntax(file, Some(Dialect::CloudFormation)) {
        Syntax::Json => {
            if !file.text[..end].ends_with('}') {
                return None;
            }
            let members = json_members(table, &indent, &step(&file.text))?;
            Some(insertion(file, end, format!(",\n{members}")))
        }
        Syntax::Yaml => {
            let line_end = end + file.text[end..].find('\n').unwrap_or(file.text.len() - end);
            // Resources set off by blank lines get one before the new one.
            let spaced = file.text[line_end..]
                .strip_prefix('\n')
                .and_then(|rest| rest.split('\n').next())
                .is_some_and(|line| line.trim().is_empty());
            let mut out = String::from(if spaced { "\n" } else { "" });
            for line in yaml_lines(table)? {
                out.push('\n');
                out.push_str(&indent);
                out.push_str(&line);
            }
            Some(insertion(file, line_end, out))
        }
        Syntax::Hcl => None,
    }
}

/// `table`'s keys added to the YAML or JSON mapping `value` (a
/// CloudFormation property that is there but lacks a setting).
pub(super) fn into_mapping(file: &SourceFile, value: &Value, table: &toml::Table) -> Option<Edit> {
    let mut start = value.span.start as usize;
    let mut text = file.slice(value.span)?;
    if has_any_key(text, table) {
        return None;
    }
    // A span that starts at the mapping's own key (`Options:` and the
    // lines under it): the mapping is what follows the colon.
    let first_line = text.lines().next().unwrap_or("");
    if let Some((key, rest)) = first_line.split_once(':') {
        let is_key = !key.contains(['{', '"', '\'', ' ']) || key.starts_with('"');
        if is_key && !key.is_empty() {
            let rest = rest.trim_start();
            let skip = if rest.starts_with('{') {
                first_line.len() - rest.len()
            } else if rest.trim().is_empty() || rest.trim_start().starts_with('#') {
                let after = &text[first_line.len()..];
                let next = after.len() - after.trim_start().len();
                first_line.len() + next
            } else {
                return None;
            };
            start += skip;
            text = &text[skip..];
        }
    }
    if let Some(inside) = text.strip_prefix('{') {
        // A JSON object or a YAML flow mapping: members on its first line.
        let members = table
            .iter()
            .map(|(k, v)| Some(format!("{}: {}", json_string(k), json(v)?)))
            .collect::<Option<Vec<_>>>()?
            .join(", ");
        let empty = inside.trim_start().starts_with('}');
        let replacement = if empty {
            members
        } else {
            format!("{members}, ")
        };
        return Some(insertion(file, start + 1, replacement));
    }
    before_key(file, start, table)
}

/// `table`'s keys added to a CloudFormation resource's `Properties`:
/// before its first property, or as a new `Properties` before `Type`.
pub(super) fn into_properties(
    file: &SourceFile,
    resource: &Resource,
    table: &toml::Table,
) -> Option<Edit> {
    let inside = |span: Span| span.start >= resource.span.start && span.end <= resource.span.end;
    let first = resource
        .body
        .attributes
        .iter()
        .map(|a| a.key.span)
        .filter(|span| inside(*span))
        .min_by_key(|span| span.start);
    if has_any_key(file.slice(resource.span)?, table) {
        return None;
    }
    if let Some(key) = first {
        let mut start = key.start as usize;
        if !file.text[start..].starts_with('"') && file.text[..start].ends_with('"') {
            start -= 1;
        }
        return before_key(file, start, table);
    }
    if !resource.body.attributes.is_empty() {
        return None;
    }
    let text = file.slice(resource.span)?;
    if text.contains("Properties") {
        // Written, but not read here (an alias, a merge): not a place to guess.
        return None;
    }
    match syntax(file, Some(Dialect::CloudFormation)) {
        Syntax::Json => {
            let type_at = resource.span.start as usize + text.find("\"Type\"")?;
            let indent = indentation(&file.text, type_at);
            if file.text[..type_at].rsplit('\n').next()?.trim() != "" {
                return None;
            }
            let unit = step(&file.text);
            let members = json_members(table, &format!("{indent}{unit}"), &unit)?;
            let replacement = format!("\"Properties\": {{\n{members}\n{indent}}},\n{indent}");
            Some(insertion(file, type_at, replacement))
        }
        _ => {
            // `Logical:` alone on its line, the body's keys on the next ones.
            let header_end = resource.header.end as usize;
            let rest = &file.text[header_end..];
            let line_end = header_end + rest.find('\n')?;
            let after_key = file.text[header_end..line_end].trim();
            if after_key != ":" {
                return None;
            }
            let body_line = line_end + 1;
            let indent = file.text[body_line..]
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| l[..l.len() - l.trim_start().len()].to_string())?;
            if indent.is_empty() || indent.contains('\t') {
                return None;
            }
            let lines = yaml_lines(table)?;
            let mut replacement = format!("{indent}Properties:\n");
            for line in lines {
                replacement.push_str(&format!("{indent}  {line}\n"));
            }
            Some(insertion(file, body_line, replacement))
        }
    }
}

/// `table`'s keys before the key at `start`, which must begin its line:
/// YAML block lines or JSON members at that key's indentation.
fn before_key(file: &SourceFile, start: usize, table: &toml::Table) -> Option<Edit> {
    let line_start = file.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &file.text[line_start..start];
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let replacement = match syntax(file, Some(Dialect::CloudFormation)) {
        Syntax::Json => {
            let members = json_members(table, indent, &step(&file.text))?;
            format!("{},\n{indent}", members.trim_start())
        }
        Syntax::Yaml => {
            let lines = yaml_lines(table)?;
            let mut out = String::new();
            for line in lines {
                out.push_str(&line);
                out.push('\n');
                out.push_str(indent);
            }
            out
        }
        Syntax::Hcl => return None,
    };
    Some(insertion(file, start, replacement))
}

/// Whether `text` already writes one of `table`'s keys (YAML or JSON).
fn has_any_key(text: &str, table: &toml::Table) -> bool {
    table
        .keys()
        .any(|k| text.contains(&format!("{k}:")) || text.contains(&format!("\"{k}\"")))
}

/// The file's indentation step: the indentation of its first indented
/// line (two spaces when none is).
fn step(text: &str) -> String {
    text.lines()
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .find(|indent| !indent.is_empty())
        .unwrap_or("  ")
        .to_string()
}

fn insertion(file: &SourceFile, at: usize, replacement: String) -> Edit {
    Edit {
        span: Span::new(file.id, at..at),
        replacement,
    }
}

/// The spaces and tabs that start the line holding `offset`.
fn indentation(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// The indentation of a block's first inner line, when it has one.
fn inner_indentation(block: &str) -> Option<String> {
    let mut lines = block.lines().skip(1);
    let line = lines.find(|l| !l.trim().is_empty() && l.trim() != "}")?;
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    (!indent.is_empty()).then_some(indent)
}

/// Every non-empty line of `text` after `indent`.
fn indent(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A table's entries as templates write them: `Type` before
/// `Properties`, the rest in the table's order.
fn entries(table: &toml::Table) -> Vec<(&String, &toml::Value)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.as_str() != "Type");
    entries
}

/// A table as YAML block lines, nested by two spaces.
fn yaml_lines(table: &toml::Table) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for (key, value) in entries(table) {
        match value {
            toml::Value::Table(inner) => {
                out.push(format!("{key}:"));
                out.extend(yaml_lines(inner)?.into_iter().map(|l| format!("  {l}")));
            }
            toml::Value::Array(items) => {
                out.push(format!("{key}:"));
                for item in items {
                    match item {
                        toml::Value::Table(inner) => {
                            let lines = yaml_lines(inner)?;
                            for (i, line) in lines.into_iter().enumerate() {
                                let lead = if i == 0 { "  - " } else { "    " };
                                out.push(format!("{lead}{line}"));
                            }
                        }
                        scalar => out.push(format!("  - {}", yaml_scalar(scalar)?)),
                    }
                }
            }
            scalar => out.push(format!("{key}: {}", yaml_scalar(scalar)?)),
        }
    }
    Some(out)
}

fn yaml_scalar(value: &toml::Value) -> Option<String> {
    Some(match value {
        toml::Value::String(s) if is_plain(s) && !matches!(s.as_str(), "true" | "false") => {
            s.clone()
        }
        toml::Value::String(s) => json_string(s),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        _ => return None,
    })
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

fn json(value: &toml::Value) -> Option<String> {
    serde_json::to_string(&serde_json::to_value(value).ok()?).ok()
}

/// A table's keys as pretty JSON members, each line after `indent`,
/// joined by commas, nested by `step` (the file's own indentation step).
fn json_members(table: &toml::Table, indent: &str, step: &str) -> Option<String> {
    let mut members = Vec::new();
    for (key, value) in entries(table) {
        let pretty = json_pretty(value, indent, step)?;
        members.push(format!("{indent}{}: {pretty}", json_string(key)));
    }
    Some(members.join(",\n"))
}

/// A value as pretty JSON whose first line follows a key at `indent`,
/// keys in the order [`entries`] gives (serde_json would sort them).
fn json_pretty(value: &toml::Value, indent: &str, step: &str) -> Option<String> {
    let inner = format!("{indent}{step}");
    Some(match value {
        toml::Value::Table(table) if table.is_empty() => "{}".to_string(),
        toml::Value::Table(table) => {
            format!("{{\n{}\n{indent}}}", json_members(table, &inner, step)?)
        }
        toml::Value::Array(items) if items.is_empty() => "[]".to_string(),
        toml::Value::Array(items) => {
            let items = items
                .iter()
                .map(|item| Some(format!("{inner}{}", json_pretty(item, &inner, step)?)))
                .collect::<Option<Vec<_>>>()?;
            format!("[\n{}\n{indent}]", items.join(",\n"))
        }
        other => json(other)?,
    })
}

/// `statement` as the first item of the one `Statement` list written in
/// the resource at `span`: an HCL object in a `jsonencode({...})`, a JSON
/// object in a heredoc or a JSON template, a YAML block sequence item in a
/// YAML template. `None` when the resource writes no such list, or more
/// than one (a policy read from a file, an `aws_iam_policy_document`).
pub(super) fn into_statements(
    file: &SourceFile,
    span: Span,
    statement: &toml::Table,
) -> Option<Edit> {
    let text = file.slice(span)?;
    // (where the key starts, where its `=` or `:` is) of every
    // `Statement` key, quoted or not.
    let mut found = Vec::new();
    for (at, key) in text.match_indices("Statement") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let mut i = at + key.len();
        if text[i..].starts_with('"') {
            i += 1;
        }
        i += text[i..].len() - text[i..].trim_start_matches([' ', '\t']).len();
        if text[i..].starts_with(['=', ':']) {
            found.push((at, i));
        }
    }
    let [(key_at, separator_at)] = found.as_slice() else {
        return None;
    };
    let base = span.start as usize;
    let unit = step(&file.text);
    let key_indent = indentation(&file.text, base + key_at);
    let separator = text[*separator_at..].chars().next()?;
    let value = text[separator_at + 1..].trim_start_matches([' ', '\t']);
    let value_at = base + text.len() - value.len();
    // In a YAML template a list in brackets is a flow sequence or, more
    // often, JSON in a string (`PolicyDocument: !Sub |`), where the
    // template's functions would be text: not a place to add to.
    let in_yaml = syntax(file, Some(Dialect::CloudFormation)) == Syntax::Yaml;
    if let Some(inside) = value.strip_prefix('[').filter(|_| !in_yaml) {
        // A list in brackets: HCL (after `=`) or JSON (after `:`).
        let hcl = separator == '=';
        let empty = inside.trim_start().starts_with(']');
        let on_next_line = inside
            .trim_start_matches([' ', '\t'])
            .starts_with(['\n', '\r']);
        let indent = match inside.lines().skip(1).find(|l| !l.trim().is_empty()) {
            Some(line) if on_next_line && !empty => {
                line[..line.len() - line.trim_start().len()].to_string()
            }
            _ => format!("{key_indent}{unit}"),
        };
        let item = if hcl {
            hcl_object(statement, &indent, &unit)?
        } else {
            let members = json_members(statement, &format!("{indent}{unit}"), &unit)?;
            format!("{{\n{members}\n{indent}}}")
        };
        // Last in the list, so that the statements there keep their
        // places (findings about them are fingerprinted by index).
        if empty {
            let replacement = format!("\n{indent}{item}\n{key_indent}");
            return Some(insertion(file, value_at + 1, replacement));
        }
        let close = matching(&file.text, value_at, b'[', b']')?;
        let last = file.text[..close].trim_end();
        if !on_next_line {
            // `[{...}]` on one line: JSON keeps it so; an HCL object on
            // one line would need commas the rendering does not write.
            if hcl {
                return None;
            }
            let item = item
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            return Some(insertion(file, last.len(), format!(", {item}")));
        }
        // After HCL's trailing comma the new item brings its own.
        let replacement = if last.ends_with(',') {
            format!("\n{indent}{item},")
        } else {
            format!(",\n{indent}{item}")
        };
        return Some(insertion(file, last.len(), replacement));
    }
    // YAML: `Statement:` alone on its line, then `- ` items.
    if separator != ':' || !value.starts_with(['\n', '\r']) {
        return None;
    }
    let after_line = value_at + value.find('\n')? + 1;
    let item_line = file.text[after_line..]
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let item_indent = &item_line[..item_line.len() - item_line.trim_start().len()];
    if !item_line.trim_start().starts_with("- ") || !item_indent.chars().all(|c| c == ' ') {
        return None;
    }
    // After the last item: the sequence ends at the first line indented
    // less than its items, or as much without `- ` (a sibling key).
    let mut end = after_line;
    let mut cursor = after_line;
    for line in file.text[after_line..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let indent = content.len() - trimmed.len();
            let in_sequence = indent > item_indent.len()
                || (indent == item_indent.len() && trimmed.starts_with("- "));
            if !in_sequence {
                break;
            }
            end = cursor + line.len();
        }
        cursor += line.len();
    }
    if !file.text[..end].ends_with('\n') {
        return None;
    }
    let lines = yaml_lines(statement)?;
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{item_indent}{lead}{line}\n"));
    }
    Some(insertion(file, end, out))
}

/// A table as an HCL object expression (`{ Key = value }`), one key a
/// line with `=` aligned, nested tables inline, items of lists inline.
fn hcl_object(table: &toml::Table, indent: &str, step: &str) -> Option<String> {
    let key = |k: &str| {
        if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            k.to_string()
        } else {
            json_string(k)
        }
    };
    let entries = entries(table);
    let width = entries.iter().map(|(k, _)| key(k).len()).max().unwrap_or(0);
    let mut out = String::from("{\n");
    for (k, v) in entries {
        out.push_str(&format!(
            "{indent}{step}{:<width$} = {}\n",
            key(k),
            hcl_value(v)?
        ));
    }
    out.push_str(indent);
    out.push('}');
    Some(out)
}

fn hcl_value(value: &toml::Value) -> Option<String> {
    Some(match value {
        toml::Value::String(s) => json_string(s),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(hcl_value)
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        ),
        toml::Value::Table(table) => {
            let inner: Option<Vec<String>> = table
                .iter()
                .map(|(k, v)| {
                    let k = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        k.clone()
                    } else {
                        json_string(k)
                    };
                    Some(format!("{k} = {}", hcl_value(v)?))
                })
                .collect();
            format!("{{ {} }}", inner?.join(", "))
        }
        _ => return None,
    })
}

/// `statement` as a `statement` block of the `aws_iam_policy_document`
/// data source the Terraform resource at `span` reads
/// (`policy = data.aws_iam_policy_document.<name>.json`), written in the
/// same file: the data source's schema (`effect`, `actions`, `resources`,
/// `principals`, `condition`) from the JSON statement's keys.
pub(super) fn into_policy_document(
    file: &SourceFile,
    span: Span,
    statement: &toml::Table,
) -> Option<Vec<Edit>> {
    let text = file.slice(span)?;
    let prefix = "data.aws_iam_policy_document.";
    let at = text.find(prefix)? + prefix.len();
    let name: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if text[at + name.len()..].starts_with('[') || text.matches(prefix).count() != 1 {
        return None;
    }
    let header = format!("data \"aws_iam_policy_document\" \"{name}\"");
    let start = file.text.find(&header)?;
    if file.text[start + 1..].contains(&header) {
        return None;
    }
    let open = start + file.text[start..].find('{')?;
    let close = matching_brace(&file.text, open)?;
    let block = Span::new(file.id, start..close + 1);
    into_block(file, block, &statement_block(statement)?)
}

/// The offset of the `}` that closes the `{` at `open`, skipping strings,
/// comments and heredocs; `None` for anything it cannot follow.
pub(super) fn matching_brace(text: &str, open: usize) -> Option<usize> {
    matching(text, open, b'{', b'}')
}

/// The offset of the `close` that closes the `open` at `at`.
fn matching(text: &str, at: usize, open: u8, close: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b if b == open => depth += 1,
            b if b == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'#' => i += text[i..].find('\n')?,
            b'/' if bytes.get(i + 1) == Some(&b'/') => i += text[i..].find('\n')?,
            b'/' if bytes.get(i + 1) == Some(&b'*') => i += text[i..].find("*/")? + 1,
            b'<' if text[i..].starts_with("<<") => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A JSON-shaped policy statement as an `aws_iam_policy_document`
/// `statement` block.
fn statement_block(statement: &toml::Table) -> Option<String> {
    let list = |v: &toml::Value| -> Option<String> {
        match v {
            toml::Value::Array(_) => hcl_value(v),
            other => Some(format!("[{}]", hcl_value(other)?)),
        }
    };
    let mut args: Vec<(&str, String)> = Vec::new();
    let mut blocks = Vec::new();
    for (key, value) in entries(statement) {
        match key.as_str() {
            "Sid" => args.push(("sid", hcl_value(value)?)),
            "Effect" => args.push(("effect", hcl_value(value)?)),
            "Action" => args.push(("actions", list(value)?)),
            "Resource" => args.push(("resources", list(value)?)),
            "Principal" if value.as_str() == Some("*") => blocks.push(
                "principals {\n  type        = \"*\"\n  identifiers = [\"*\"]\n}".to_string(),
            ),
            "Condition" => {
                for (test, variables) in value.as_table()? {
                    for (variable, values) in variables.as_table()? {
                        blocks.push(format!(
                            "condition {{\n  test     = {}\n  variable = {}\n  values   = {}\n}}",
                            json_string(test),
                            json_string(variable),
                            list(values)?
                        ));
                    }
                }
            }
            _ => return None,
        }
    }
    let width = args.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("statement {\n");
    for (k, v) in &args {
        out.push_str(&format!("  {k:<width$} = {v}\n"));
    }
    for block in blocks {
        out.push('\n');
        for line in block.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push('}');
    Some(out)
}
