//! A scalar written the way the text it replaces is written: HCL and JSON
//! strings in double quotes, YAML keeping its quoting style.

use phiguard_model::{SourceFile, Value, ValueKind};

use super::Syntax;
use crate::policy_file::Literal;

/// Whether `literal` can take the place of `value`: a bool for a bool,
/// a string for a string (YAML and CloudFormation read `"true"` as a
/// bool where one is expected, so a bool may replace such a string).
pub(super) fn fits(literal: &Literal, value: &Value) -> bool {
    match (literal, &value.kind) {
        (Literal::Bool(_), ValueKind::Bool(_)) => true,
        (Literal::Bool(_), ValueKind::String(s)) => s == "true" || s == "false",
        (Literal::String(_), ValueKind::String(_)) => true,
        _ => false,
    }
}

/// `literal` as it replaces `written` in `file`; `None` where the written
/// form is not one this knows how to keep (an HCL heredoc, a YAML block
/// scalar).
pub(super) fn render(literal: &Literal, written: &str, file: &SourceFile) -> Option<String> {
    let text = match literal {
        Literal::Bool(b) => b.to_string(),
        Literal::String(s) => s.clone(),
    };
    let syntax = super::syntax(file, None);
    let first = written.trim_start().chars().next()?;
    Some(match first {
        '"' => serde_json::to_string(&text).ok()?,
        '\'' if syntax == Syntax::Yaml => format!("'{}'", text.replace('\'', "''")),
        // A bare bool, in any syntax.
        _ if matches!(literal, Literal::Bool(_)) => text,
        _ if syntax == Syntax::Yaml && is_plain(&text) => text,
        _ if syntax == Syntax::Yaml => serde_json::to_string(&text).ok()?,
        _ => return None,
    })
}

/// Whether YAML reads `text` unquoted as this same string: no indicator
/// first, no `: ` or ` #` inside, and not a word YAML reads as a bool,
/// null or number.
pub(super) fn is_plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let special = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    // A leading digit may read as a number, a date or a time.
    (first.is_ascii_alphabetic() || first == '/')
        && !special
        && text.parse::<f64>().is_err()
        && text == text.trim()
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains([
            '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '\n', '\t',
        ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::{FileId, LineIndex};

    fn file(path: &str) -> SourceFile {
        let text = "x";
        SourceFile {
            id: FileId(0),
            display_path: path.into(),
            path: path.into(),
            project_path: path.into(),
            text: text.into(),
            lines: LineIndex::new(text).into(),
            role: phiguard_model::FileRole::Linted,
            generated: false,
        }
    }

    #[test]
    fn quoting_follows_the_written_text() {
        let private = Literal::String("private".into());
        assert_eq!(
            render(&private, "\"public-read\"", &file("a.tf")).as_deref(),
            Some("\"private\"")
        );
        assert_eq!(
            render(&private, "PublicRead", &file("t.yaml")).as_deref(),
            Some("private")
        );
        assert_eq!(
            render(&private, "'PublicRead'", &file("t.yaml")).as_deref(),
            Some("'private'")
        );
        let on = Literal::Bool(true);
        assert_eq!(render(&on, "false", &file("a.tf")).as_deref(), Some("true"));
        assert_eq!(
            render(&on, "\"false\"", &file("t.json")).as_deref(),
            Some("\"true\"")
        );
        assert_eq!(render(&private, "<<EOT", &file("a.tf")), None);
        assert_eq!(
            render(&Literal::String("a: b".into()), "x", &file("t.yaml")).as_deref(),
            Some("\"a: b\"")
        );
    }
}
