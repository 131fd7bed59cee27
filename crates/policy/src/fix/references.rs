//! What else reads the place a value was set, and what constrains it:
//! a variable default or a tfvars line is read wherever `var.name` is
//! written (an interpolation, a `count`, a module call phiguard could not
//! load), a CloudFormation parameter wherever its name is (`!Ref`, `!Sub`,
//! `Conditions`). Counted in the text, not the model, so that uses the
//! model does not keep still count; a name written more than once makes
//! the fix unsafe. A variable or local is counted in the module folders
//! the value passed through (its origins' and its own), where `var.name`
//! names that variable: the same name in another module is another
//! variable, and counting the whole repository would cost each fix a
//! pass over every file. A parameter's `AllowedValues` and a variable's
//! `validation` can refuse the new value: no fix then.

use phiguard_model::{Model, OriginRole, SourceFile, Value, ValueOrigin};

use super::index::FixIndex;
use super::insert::matching_brace;

/// How a fix at `origin` is constrained.
pub(super) enum Use {
    /// Read by this value alone.
    Alone,
    /// Read in `n` places (the finding's among them).
    Shared(usize),
    /// The new value may be refused (not in `AllowedValues`, a
    /// `validation` block): no fix.
    Constrained,
}

/// The uses of the place `origin` names, for a fix writing `new` there;
/// `value` is the finding's value (its span is in the template or module
/// that reads the origin).
pub(super) fn uses(
    model: &Model,
    index: &FixIndex,
    origin: &ValueOrigin,
    value: &Value,
    new: &str,
) -> Use {
    let name = origin.name.as_str();
    match origin.role {
        OriginRole::VariableDefault | OriginRole::Tfvars | OriginRole::ModuleArgument => {
            if index.reading(model, value).any(|f| validated(f, name)) {
                return Use::Constrained;
            }
            count(index.reading(model, value), &format!("var.{name}"))
        }
        OriginRole::Local => count(index.reading(model, value), &format!("local.{name}")),
        OriginRole::ParameterDefault | OriginRole::ParameterFile => {
            let Some(template) = model.files.get(value.span.file.0 as usize) else {
                return Use::Constrained;
            };
            if !allows(template, name, new) {
                return Use::Constrained;
            }
            // The declaration is one of the occurrences.
            match count(std::iter::once(template), name) {
                Use::Shared(n) if n > 2 => Use::Shared(n - 1),
                _ => Use::Alone,
            }
        }
        _ => Use::Alone,
    }
}

/// `needle` as a whole word (not `var.acl_x` for `var.acl`) in `files`.
fn count<'a>(files: impl Iterator<Item = &'a SourceFile>, needle: &str) -> Use {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut n = 0;
    for file in files {
        for (at, _) in file.text.match_indices(needle) {
            let before = file.text[..at].chars().next_back();
            let after = file.text[at + needle.len()..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                n += 1;
            }
        }
    }
    if n <= 1 {
        Use::Alone
    } else {
        Use::Shared(n)
    }
}

/// Whether `variable "name"` in `file` has a `validation` block.
fn validated(file: &SourceFile, name: &str) -> bool {
    let header = format!("variable \"{name}\"");
    file.text.match_indices(&header).any(|(at, _)| {
        let Some(open) = file.text[at..].find('{').map(|i| at + i) else {
            return false;
        };
        // A block phiguard cannot follow may hold one.
        matching_brace(&file.text, open)
            .is_none_or(|close| file.text[open..close].contains("validation"))
    })
}

/// Whether parameter `name` of `template` may take `new`: no
/// `AllowedPattern`, and `AllowedValues` absent or naming it.
fn allows(template: &SourceFile, name: &str, new: &str) -> bool {
    let Some(block) = parameter_block(&template.text, name) else {
        return false;
    };
    if block.contains("AllowedPattern") {
        return false;
    }
    match block.find("AllowedValues") {
        None => true,
        Some(at) => {
            let bare = new.trim_matches(['"', '\'']);
            block[at..].contains(bare)
        }
    }
}

/// The text of parameter `name`'s declaration: its YAML lines or JSON
/// object, after the `Parameters` key.
fn parameter_block<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let parameters = text.find("Parameters")?;
    let rest = &text[parameters..];
    let quoted = format!("\"{name}\"");
    if let Some(at) = rest.find(&quoted) {
        let open = at + rest[at..].find('{')?;
        let close = open + rest[open..].find('}')?;
        return rest.get(open..close);
    }
    let key = format!("{name}:");
    let at = rest
        .match_indices(&key)
        .find(|(i, _)| rest[..*i].ends_with(' ') || rest[..*i].ends_with('\n'))?
        .0;
    let line_start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = at - line_start;
    // The key's line and the lines indented under it.
    let after_key = at + rest[at..].find('\n').map_or(rest.len() - at, |i| i + 1);
    let mut end = after_key;
    for line in rest[after_key..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.trim().is_empty() && line.len() - trimmed.len() <= indent {
            break;
        }
        end += line.len();
    }
    rest.get(at..end)
}
