//! Fixes as text edits: the policy file says what to write (`edit.*`),
//! this module finds where and writes it in the file's own syntax. A fix
//! is only offered where the text is what the model read (the literal at
//! its origin, a block whose braces close it, a mapping whose keys start
//! their lines); anything else gets no fix, and `--fix` verifies every
//! edit by linting again before it writes.

mod index;
mod insert;
mod literal;
mod references;
pub(crate) use index::FixIndex;

use std::collections::HashSet;

use phiguard_model::{
    Applicability, Dialect, Edit, Fix, Model, OriginRole, Resource, SourceFile, Span, Value,
    ValueKind,
};

use crate::policy_file::{Addition, EditSpec, Literal};

/// The values of a check's `at` paths for one finding, in order, and
/// which of them located it (the first present one).
pub(crate) struct Site<'a> {
    pub at: Vec<(&'a str, Option<&'a Value>)>,
    pub located: Option<usize>,
    /// The value of the policy's `edit.target`, when it names one.
    pub target: Option<&'a Value>,
    /// The subject is an orphan's view (a satellite whose bucket or domain
    /// is not in the configuration): `{name}` and `{address}` would name
    /// the satellite, not the subject, so additions that use them are not
    /// made.
    pub orphan: bool,
    /// The model's files and resources by folder and file, for what a fix
    /// looks up beyond the finding.
    pub index: &'a FixIndex,
}

impl Site<'_> {
    fn located(&self) -> Option<(&str, &Value)> {
        let (path, value) = self.at.get(self.located?)?;
        Some((path, (*value)?))
    }
}

/// The fix for one finding, if the check declares one that fits where
/// the finding is.
pub(crate) fn build(
    model: &Model,
    spec: &EditSpec,
    site: &Site<'_>,
    resource: &Resource,
    anchor: &Resource,
) -> Option<Fix> {
    let mut fix = build_fix(model, spec, site, resource, anchor)?;
    // Text added to a file with CRLF line ends gets them too.
    for edit in &mut fix.edits {
        let crlf = model
            .files
            .get(edit.span.file.0 as usize)
            .is_some_and(|f| f.text.contains("\r\n"));
        if crlf && edit.replacement.contains('\n') {
            edit.replacement = edit.replacement.replace("\r\n", "\n").replace('\n', "\r\n");
        }
    }
    Some(fix)
}

fn build_fix(
    model: &Model,
    spec: &EditSpec,
    site: &Site<'_>,
    resource: &Resource,
    anchor: &Resource,
) -> Option<Fix> {
    let dialect = resource.dialect;
    let located = site.located();
    // What `set` replaces: the target when the policy names one, else the
    // value the first `at` path located.
    let replaced = match (&spec.target, located, site.located) {
        (Some(_), _, _) => site.target,
        (None, Some((_, value)), Some(0)) => Some(value),
        _ => None,
    };
    if let (Some(value), Some(literal)) = (replaced, spec.set.get(&dialect)) {
        let mut fix = set(model, spec, value, literal, site.index)?;
        if let Some(also) = spec.also.get(&dialect) {
            let (edits, described) = additions(model, also, None, site, resource, anchor)?;
            fix.edits.extend(edits);
            fix.edits
                .sort_by_key(|e| (e.span.file, e.span.start, e.span.end));
            let overlap = fix
                .edits
                .windows(2)
                .any(|w| w[0].span.file == w[1].span.file && w[1].span.start < w[0].span.end);
            if overlap {
                return None;
            }
            fix.description = format!("{} and {}", fix.description, described);
            fix.applicability = Applicability::Unsafe;
        }
        match &spec.unsafe_reason {
            Some(reason) => fix.description = format!("{}; {reason}", fix.description),
            None if fix.applicability == Applicability::Unsafe
                && spec.also.contains_key(&dialect) =>
            {
                fix.description
                    .push_str("; unsafe: it adds settings, review them");
            }
            None => {}
        }
        return Some(fix);
    }
    let place = located.map_or("resource", |(path, _)| path);
    let (edits, description) = additions(
        model,
        spec.add.get(&dialect)?,
        Some(place),
        site,
        resource,
        anchor,
    )?;
    Some(Fix {
        applicability: Applicability::Unsafe,
        description: match &spec.unsafe_reason {
            Some(reason) => format!("{description}; {reason}"),
            None => format!("{description}; unsafe: it adds settings, review them"),
        },
        edits,
    })
}

/// The edits of `entries` and what they do: with `place`, the entries
/// for that place (and `after`, which goes with them); without, all of
/// them, each `at` path's entry into that path's value. `None` when one
/// of them cannot be made: a fix is whole or nothing.
fn additions(
    model: &Model,
    entries: &[(String, Addition)],
    place: Option<&str>,
    site: &Site<'_>,
    resource: &Resource,
    anchor: &Resource,
) -> Option<(Vec<Edit>, String)> {
    // `statement` goes into the policy document of the located resource,
    // whichever `at` path located it.
    let located_somewhere = place.is_some_and(|p| p != "resource");
    let matches = |at: &str| {
        if at == "statement" {
            place.is_none() || located_somewhere
        } else {
            place.is_none_or(|p| p == at)
        }
    };
    if !entries.iter().any(|(at, _)| at != "after" && matches(at))
        && place.is_some_and(|p| p != "resource")
    {
        return None;
    }
    // A new resource goes with what is missing altogether, or with what
    // goes into a located block (the key encryption turned on names); not
    // with a statement added to a policy that is there.
    let with_after = !located_somewhere
        || entries.iter().any(|(at, _)| {
            !matches!(at.as_str(), "after" | "resource" | "statement") && matches(at)
        });
    let mut edits = Vec::new();
    let mut described = Vec::new();
    for (at, addition) in entries {
        let wanted = if at == "after" {
            with_after
        } else {
            matches(at)
        };
        if !wanted {
            continue;
        }
        if site.orphan && names_the_subject(addition) {
            return None;
        }
        // Where a block or mapping addition goes: the resource, or the
        // value its `at` path names.
        let target = match at.as_str() {
            "after" | "resource" | "statement" => None,
            path => Some(site.at.iter().find(|(p, _)| *p == path)?.1?),
        };
        let (made, what) = match (at.as_str(), addition) {
            ("after", Addition::Hcl(text)) => {
                let (edit, what) =
                    insert::resource_after(model, site.index, anchor, &fill(text, anchor))?;
                (vec![edit], format!("add {what}"))
            }
            ("after", Addition::Mapping(table)) => {
                let table = fill_table(table, anchor);
                let edit = insert::resource_after_template(model, site.index, anchor, &table)?;
                let names: Vec<&str> = table.keys().map(String::as_str).collect();
                (vec![edit], format!("add resource `{}`", names.join("`, `")))
            }
            ("statement", Addition::Mapping(table)) => {
                let table = fill_table(table, anchor);
                let file = model.file(resource.file);
                let made = match insert::into_statements(file, resource.span, &table) {
                    Some(edit) => vec![edit],
                    None if resource.dialect == Dialect::Terraform => {
                        insert::into_policy_document(file, resource.span, &table)?
                    }
                    None => return None,
                };
                let sid = table
                    .get("Sid")
                    .and_then(toml::Value::as_str)
                    .unwrap_or("a");
                (made, format!("add the `{sid}` statement to the policy"))
            }
            (_, Addition::Hcl(text)) => {
                let span = target.map_or(resource.span, |v| v.span);
                let text = fill(text, anchor);
                let made = insert::into_block(model.file(span.file), span, &text)?;
                (made, format!("add `{}`", first_line(&text)))
            }
            (_, Addition::Mapping(table)) => {
                let table = fill_table(table, anchor);
                let edit = match target {
                    Some(value) => insert::into_mapping(model.file(value.span.file), value, &table),
                    None => insert::into_properties(model.file(resource.file), resource, &table),
                }?;
                let keys: Vec<&str> = table.keys().map(String::as_str).collect();
                (vec![edit], format!("add `{}`", keys.join("`, `")))
            }
        };
        for edit in made {
            if !editable(model.files.get(edit.span.file.0 as usize)?) {
                return None;
            }
            edits.push(edit);
        }
        described.push(what);
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| (e.span.file, e.span.start));
    Some((edits, described.join(" and ")))
}

/// Whether an addition refers to the subject's resource by name.
fn names_the_subject(addition: &Addition) -> bool {
    let placeholder = |s: &str| s.contains("{name}") || s.contains("{address}");
    match addition {
        Addition::Hcl(text) => placeholder(text),
        Addition::Mapping(table) => placeholder(&table.to_string()),
    }
}

/// The local name of the subject's resource (`records` in
/// `module.a.aws_s3_bucket.records`, the logical id in a template).
fn local_name(anchor: &Resource) -> &str {
    match anchor.dialect {
        Dialect::CloudFormation => &anchor.address,
        Dialect::Terraform => anchor
            .address
            .rsplit_once(&format!("{}.", anchor.resource_type))
            .map_or(&anchor.address, |(_, name)| name),
    }
}

/// `{name}` (the resource's local name) and `{address}` (`type.name`)
/// filled in.
fn fill(text: &str, anchor: &Resource) -> String {
    let name = local_name(anchor);
    text.replace("{name}", name)
        .replace("{address}", &format!("{}.{name}", anchor.resource_type))
}

fn fill_table(table: &toml::Table, anchor: &Resource) -> toml::Table {
    fn value(v: &toml::Value, anchor: &Resource) -> toml::Value {
        match v {
            toml::Value::String(s) => toml::Value::String(fill(s, anchor)),
            toml::Value::Array(items) => {
                toml::Value::Array(items.iter().map(|i| value(i, anchor)).collect())
            }
            toml::Value::Table(t) => toml::Value::Table(fill_table(t, anchor)),
            other => other.clone(),
        }
    }
    table
        .iter()
        .map(|(k, v)| (fill(k, anchor), value(v, anchor)))
        .collect()
}

/// Replaces the scalar where it is written: in place, or at the first of
/// its origins (the var file line, the variable default, the parameter
/// default) when another place decided it.
fn set(
    model: &Model,
    spec: &EditSpec,
    value: &Value,
    literal: &Literal,
    index: &FixIndex,
) -> Option<Fix> {
    let origin = value.origins.as_deref().and_then(<[_]>::first);
    let span = match origin {
        // A value given on the command line or in the environment is not
        // in a file phiguard could edit; a plan is Terraform's output, made
        // again from the configuration.
        Some(origin) if origin.role == OriginRole::Plan => return None,
        Some(origin) => origin.span?,
        None => value.span,
    };
    let file = model.files.get(span.file.0 as usize)?;
    if !editable(file) {
        return None;
    }
    let written = file.slice(span)?;
    // The text must be the value as written (not a condition that chose
    // it, not an interpolation), and the new value of its type.
    if !crate::origin_fix::same_scalar(written, value) || !literal::fits(literal, value) {
        return None;
    }
    let replacement = literal::render(literal, written, file)?;
    if replacement == written {
        return None;
    }
    let place = match origin {
        Some(origin) => {
            let at = crate::origin_fix::place(model, origin)?;
            match origin.role {
                OriginRole::YamlAnchor => format!(" at {at}, which every alias of it shares"),
                _ => format!(" at {at}"),
            }
        }
        None => String::new(),
    };
    let mut description = format!("change {} to {}{place}", written.trim(), replacement);
    let mut applicability = match (&spec.unsafe_reason, origin.map(|o| o.role)) {
        (Some(_), _) | (None, Some(OriginRole::YamlAnchor)) => Applicability::Unsafe,
        (None, _) => Applicability::Safe,
    };
    if let Some(origin) = origin {
        match references::uses(model, index, origin, value, &replacement) {
            references::Use::Alone => {}
            references::Use::Shared(n) => {
                applicability = Applicability::Unsafe;
                description = format!(
                    "{description}; unsafe: `{}` is read in {n} places, which change with it",
                    origin.name
                );
            }
            references::Use::Constrained => return None,
        }
    }
    Some(Fix {
        applicability,
        description,
        edits: vec![Edit { span, replacement }],
    })
}

/// Files a fix may change: not a module Terraform downloaded
/// (`.terraform/`), which `init` would overwrite.
fn editable(file: &SourceFile) -> bool {
    !file.generated
        && !file
            .path
            .components()
            .any(|c| c.as_os_str() == ".terraform")
}

fn first_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("").trim();
    line.strip_suffix('{').map_or(line, str::trim_end)
}

/// Safe fixes that change a value other settings also read (a variable
/// default used by two buckets) become unsafe, saying so: the fix would
/// change those too.
pub(crate) fn mark_shared(model: &Model, fixes: &mut [&mut Fix], spans: &[Span]) {
    if fixes.is_empty() {
        return;
    }
    // Origin → the places in the source that read it: instances of one
    // `count` resource read it at one place, and count once.
    let mut uses = Uses::new();
    for resource in &model.resources {
        count_body(&resource.body, &mut uses);
    }
    for (fix, written_at) in fixes.iter_mut().zip(spans) {
        let Some(edit) = fix.edits.first() else {
            continue;
        };
        // The values that read the edited text through an origin, this
        // finding's own value aside (it reads it in place, or through
        // that origin).
        let read_through = uses.get(&edit.span).map_or(0, HashSet::len);
        let others = if edit.span == *written_at {
            read_through
        } else {
            read_through.saturating_sub(1)
        };
        if fix.applicability == Applicability::Safe && others > 0 {
            fix.applicability = Applicability::Unsafe;
            fix.description = format!(
                "{}; unsafe: {others} other setting(s) read the same value and would change too",
                fix.description
            );
        }
    }
}

type Uses = std::collections::HashMap<Span, HashSet<Span>>;

fn count_body(body: &phiguard_model::Body, uses: &mut Uses) {
    for attribute in &body.attributes {
        count_value(&attribute.value, uses);
    }
    for block in &body.blocks {
        count_body(&block.body, uses);
    }
}

fn count_value(value: &Value, uses: &mut Uses) {
    if let Some(span) = value
        .origins
        .as_deref()
        .and_then(<[_]>::first)
        .and_then(|o| o.span)
    {
        uses.entry(span).or_default().insert(value.span);
    }
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|v| count_value(v, uses)),
        ValueKind::Map(entries) => entries.iter().for_each(|(_, v)| count_value(v, uses)),
        _ => {}
    }
}

/// The syntax of the text a fix edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Hcl,
    Json,
    Yaml,
}

pub(crate) fn syntax(file: &SourceFile, dialect_hint: Option<Dialect>) -> Syntax {
    let path = file.path.to_string_lossy();
    if path.ends_with(".json") {
        Syntax::Json
    } else if path.ends_with(".tf") || path.ends_with(".tfvars") || path.ends_with(".hcl") {
        Syntax::Hcl
    } else if file.text.trim_start().starts_with('{') {
        Syntax::Json
    } else if dialect_hint == Some(Dialect::Terraform) {
        Syntax::Hcl
    } else {
        Syntax::Yaml
    }
}
