//! A fix for a value decided elsewhere names that place: editing the
//! attribute where the value is used (`acl = var.acl` in a module) would
//! change nothing, the var file line or the module call would. The first
//! of a value's origins is where it was written, so it is the one named.

use phiguard_model::{Dialect, Model, OriginRole, Value, ValueKind, ValueOrigin};

/// `fix` (already rendered) made to name `origin`: a one-line assignment
/// (`acl = "private"`, `AccessControl: Private`) becomes the assignment to
/// write there, under the key written there ("set `bucket_acl =
/// "private"` in terraform.tfvars:3"); any other fix keeps its text and
/// says where the value is set. The assignment form needs the origin to
/// hold `value` as written, under a key, and the fix's value to be of the
/// value's type: an origin that only chose the value (a conditional's
/// condition), an item of a list, or a fix for another attribute
/// (`status = "Enabled"` for a bool `enabled`) is named, not rewritten.
pub(crate) fn name_origin(
    model: &Model,
    fix: String,
    dialect: Dialect,
    origin: &ValueOrigin,
    value: Option<&Value>,
) -> String {
    // A plan records what Terraform was given, not where: the fix names
    // it, to be made where the plan's inputs come from.
    if origin.role == OriginRole::Plan {
        return match place(model, origin) {
            Some(place) => format!(
                "{fix}; the value was decided when the plan was made ({place}): change \
                 what the plan is made from"
            ),
            None => fix,
        };
    }
    let holds_expressions = matches!(origin.role, OriginRole::ModuleArgument | OriginRole::Local);
    let wanted = assignment(&fix, dialect).filter(|(_, wanted)| {
        value.is_some_and(|value| fits(wanted, value, dialect))
            && (holds_expressions || is_literal(wanted, dialect))
    });
    let Some(place) = place(model, origin) else {
        return match wanted {
            Some((_, wanted)) => match origin.name.strip_prefix("terraform.vars.") {
                Some(var) => format!(
                    "set `{var}: {}` under `terraform.vars` in the config file",
                    bare(wanted)
                ),
                None => format!("set `{}`", flag(origin, wanted)),
            },
            None => fix,
        };
    };
    let written = origin
        .span
        .and_then(|span| Some((model.files.get(span.file.0 as usize)?, span)));
    let key = written.and_then(|(file, span)| {
        let holds_value =
            value.is_some_and(|v| file.slice(span).is_some_and(|w| same_scalar(w, v)));
        holds_value
            .then(|| key_before(&file.text, span.start as usize))
            .flatten()
    });
    let help = match (wanted, key, written) {
        (Some((_, wanted)), Some(key), Some((file, _))) => {
            let is_json = file.project_path.ends_with(".json");
            let assignment = if is_json {
                format!("\"{key}\": {}", json_value(wanted))
            } else if dialect == Dialect::CloudFormation {
                format!("{key}: {wanted}")
            } else {
                format!("{key} = {wanted}")
            };
            format!("set `{assignment}` in {place}")
        }
        _ => format!("{fix}; the value is set in {place}"),
    };
    match origin.role {
        // The anchor is the place to change, but not only for this use:
        // whoever edits it should know what else moves with it.
        OriginRole::YamlAnchor => {
            format!("{help} (this changes every `*{}` alias of it)", origin.name)
        }
        _ => help,
    }
}

/// `key = value` (HCL) or `Key: Value` (YAML) on one line, with one value:
/// a quoted string, a word, or a YAML tag and its word (`!Ref Key`).
fn assignment(fix: &str, dialect: Dialect) -> Option<(&str, &str)> {
    let separator = match dialect {
        Dialect::Terraform => " = ",
        Dialect::CloudFormation => ": ",
    };
    let (key, value) = fix.split_once(separator)?;
    let is_name = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let is_one_value = if let Some(inner) = value.strip_prefix('"') {
        inner.strip_suffix('"').is_some_and(|s| !s.contains('"'))
    } else if let Some(tagged) = value.strip_prefix('!') {
        tagged.split(' ').count() == 2
    } else {
        !value.is_empty() && !value.contains(char::is_whitespace)
    };
    (is_name && is_one_value && !fix.contains('\n')).then_some((key, value))
}

/// "the module call at main.tf:4", "terraform.tfvars:3": `None` for a
/// value given outside any file.
pub(crate) fn place(model: &Model, origin: &ValueOrigin) -> Option<String> {
    let span = origin.span?;
    let file = model.files.get(span.file.0 as usize)?;
    // The path as the rest of the output shows it (relative to the working
    // directory), so the help names a file the user can open from there.
    let at = format!(
        "{}:{}",
        file.display_path,
        file.position(span.start as usize).line
    );
    let name = &origin.name;
    Some(match origin.role {
        OriginRole::ModuleArgument => format!("the module call at {at}"),
        OriginRole::VariableDefault => format!("variable `{name}` at {at}"),
        OriginRole::Local => format!("local `{name}` at {at}"),
        OriginRole::ParameterDefault => format!("parameter `{name}` at {at}"),
        OriginRole::ParameterFile => format!("the parameters file {at}"),
        OriginRole::YamlAnchor => format!("anchor `&{name}` at {at}"),
        OriginRole::Plan => format!("the plan's `{name}` at {at}"),
        OriginRole::PlannedResource => format!("the plan's `{name}` at {at}"),
        OriginRole::Construct => format!("construct `{name}` at {at}"),
        OriginRole::Tfvars | OriginRole::VarFlag | OriginRole::Env | OriginRole::ParameterFlag => {
            at
        }
    })
}

/// `--var bucket_acl=private`, `TF_VAR_bucket_acl=private`,
/// `--cfn-param BucketAcl=Private`: the setting's name and the bare value.
fn flag(origin: &ValueOrigin, written: &str) -> String {
    format!("{}={}", origin.name, bare(written))
}

/// A written value without its quotes.
fn bare(written: &str) -> &str {
    written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(written)
}

/// The key written just before the value at `offset`: `acl` in
/// `acl = "public-read"`, `"ParameterValue"` in a parameters file,
/// `Default` in a template, `default` in a variable block. `None` for a
/// value under no key (a list item).
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?.trim_end();
    let before = without_anchor(before);
    let before = match before.strip_suffix('=') {
        Some(rest) if !rest.ends_with(['=', '!', '<', '>']) => rest,
        Some(_) => return None,
        None => before.strip_suffix(':')?,
    }
    .trim_end();
    let key = match before.strip_suffix('"') {
        Some(quoted) => quoted.get(quoted.rfind('"')? + 1..)?,
        None => {
            let start = before
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .map_or(0, |i| i + 1);
            before.get(start..)?
        }
    };
    (!key.is_empty()).then_some(key)
}

/// `Acl: &acl` without its YAML anchor (`&acl`), which names the value
/// after it, not a key: the key of `Acl: &acl PublicRead` is `Acl`.
fn without_anchor(before: &str) -> &str {
    let (head, word) = before
        .rsplit_once(char::is_whitespace)
        .unwrap_or(("", before));
    let is_anchor = word.len() > 1 && word.starts_with('&') && !word.starts_with("&&");
    if is_anchor {
        head.trim_end()
    } else {
        before
    }
}

/// Whether the fix's value is data that a var file, a default, a flag or
/// a parameters file can hold: not a reference (`aws_kms_key.<name>.arn`)
/// nor a YAML tag (`!Ref <Key>`).
fn is_literal(wanted: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Terraform => {
            wanted.starts_with('"')
                || wanted == "true"
                || wanted == "false"
                || wanted.parse::<f64>().is_ok()
        }
        Dialect::CloudFormation => !wanted.starts_with('!'),
    }
}

/// Whether the fix's value can be this value's: a string for a quoted
/// text or a reference, a bool for `true`/`false`, a number for digits.
/// YAML writes strings bare, so a bare word may also be a string there.
fn fits(wanted: &str, value: &Value, dialect: Dialect) -> bool {
    let is_bool = wanted == "true" || wanted == "false";
    let is_number = wanted.parse::<f64>().is_ok();
    if wanted.starts_with(['[', '{']) {
        return false;
    }
    match &value.kind {
        ValueKind::String(_) => dialect == Dialect::CloudFormation || !(is_bool || is_number),
        ValueKind::Bool(_) => is_bool,
        ValueKind::Number(_) => is_number,
        _ => false,
    }
}

/// A fix's value as JSON: strings quoted, `true` and numbers as they are.
fn json_value(written: &str) -> String {
    let is_literal = written.starts_with('"')
        || written == "true"
        || written == "false"
        || written.parse::<f64>().is_ok();
    if is_literal {
        written.to_string()
    } else {
        format!("{written:?}")
    }
}

/// Whether the text at an origin is `value` written as a scalar (quoted or
/// not).
pub(crate) fn same_scalar(written: &str, value: &Value) -> bool {
    let written = written.trim();
    let bare = written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .or_else(|| {
            written
                .strip_prefix('\'')
                .and_then(|w| w.strip_suffix('\''))
        })
        .unwrap_or(written);
    match &value.kind {
        ValueKind::String(s) => s == bare,
        // YAML writes booleans in more ways than `true` and `false`.
        ValueKind::Bool(b) => {
            let word = bare.to_ascii_lowercase();
            let truthy = matches!(word.as_str(), "true" | "yes" | "on" | "y");
            let falsy = matches!(word.as_str(), "false" | "no" | "off" | "n");
            (*b && truthy) || (!*b && falsy)
        }
        ValueKind::Number(n) => bare.parse::<f64>() == Ok(*n),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_one_key_and_one_value() {
        let hcl = Dialect::Terraform;
        let yaml = Dialect::CloudFormation;
        assert_eq!(
            assignment(r#"acl = "private""#, hcl),
            Some(("acl", r#""private""#))
        );
        assert_eq!(assignment("enabled = true", hcl), Some(("enabled", "true")));
        assert_eq!(
            assignment("AccessControl: Private", yaml),
            Some(("AccessControl", "Private"))
        );
        assert_eq!(
            assignment("KmsKeyId: !Ref <Key>", yaml),
            Some(("KmsKeyId", "!Ref <Key>"))
        );
        assert_eq!(
            assignment(r#"set status = "Enabled" on a replication rule"#, hcl),
            None
        );
        assert_eq!(
            assignment(
                r#"sse_algorithm = "aws:kms" with kms_master_key_id = k"#,
                hcl
            ),
            None
        );
        assert_eq!(assignment("add vpc_options { a = 1 }", hcl), None);
    }

    #[test]
    fn keys_are_read_before_values() {
        fn at<'t>(text: &'t str, value: &str) -> Option<&'t str> {
            key_before(text, text.find(value).unwrap())
        }
        assert_eq!(at("acl = \"x\"", "\"x\""), Some("acl"));
        assert_eq!(at("  default   = true", "true"), Some("default"));
        assert_eq!(
            at("{\"ParameterValue\": \"x\"}", "\"x\""),
            Some("ParameterValue")
        );
        assert_eq!(at("    Default: Private", "Private"), Some("Default"));
        assert_eq!(at("acls = [\"a\", \"x\"]", "\"x\""), None);
        assert_eq!(at("  Acl: &acl PublicRead", "PublicRead"), Some("Acl"));
        assert_eq!(at("- &acl PublicRead", "PublicRead"), None);
        assert_eq!(at("x = a && \"x\"", "\"x\""), None);
        assert_eq!(at("c = a == \"x\"", "\"x\""), None);
    }

    #[test]
    fn flags_take_the_bare_value() {
        let origin = ValueOrigin {
            role: OriginRole::VarFlag,
            span: None,
            name: "--var bucket_acl".into(),
        };
        assert_eq!(flag(&origin, r#""private""#), "--var bucket_acl=private");
    }

    #[test]
    fn json_values_are_quoted_unless_literal() {
        assert_eq!(json_value("Private"), r#""Private""#);
        assert_eq!(json_value(r#""private""#), r#""private""#);
        assert_eq!(json_value("true"), "true");
    }
}
