//! Telling templates from other JSON and YAML files, by content.

use std::path::Path;

use phiguard_model::{FileId, Value};

use super::{yaml, SyntaxError};
use crate::json;

const BOM: &str = "\u{feff}";

/// What a candidate file turned out to be.
pub(crate) enum Detected {
    Template(Value),
    NotTemplate,
    /// A file that looks like a template but does not parse.
    Broken(SyntaxError),
}

/// Parses `text` if it may be a template. The text must mention
/// `AWSTemplateFormatVersion`, or both `Resources` and `AWS::`, before it
/// is worth parsing.
pub(crate) fn detect(path: &Path, text: &str, file: FileId) -> Detected {
    let declared = text.contains("AWSTemplateFormatVersion");
    let lists_resources = text.contains("Resources") && text.contains("AWS::");
    if !(declared || lists_resources) {
        return Detected::NotTemplate;
    }
    let parsed = if is_json(path, text) {
        let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
        json::parse(&text[base..], file, base)
            .map(|v| vec![v])
            .map_err(|mut err| {
                if err.first.is_none() {
                    err.message = format!("invalid JSON: {}", err.message);
                }
                err
            })
    } else {
        yaml::parse(text, file)
    };
    match parsed {
        Ok(mut docs) => match docs.first() {
            Some(root) if is_template(root) => {
                if let Some(second) = docs.get(1) {
                    return Detected::Broken(SyntaxError {
                        message: format!(
                            "a template must be one YAML document, this file holds {}",
                            docs.len()
                        ),
                        span: phiguard_model::Span::new(file, second.span.range()),
                        first: None,
                    });
                }
                // Moved, not cloned: a template's tree is several times
                // the size of its text.
                Detected::Template(docs.swap_remove(0))
            }
            _ => Detected::NotTemplate,
        },
        // A file that says it is a template, or lists AWS resources under
        // `Resources`, is a broken template; anything else that merely
        // mentions those words is some other file.
        Err(err) if declared || has_resource_type_line(text) => Detected::Broken(err),
        Err(_) => Detected::NotTemplate,
    }
}

/// `.json` files are JSON; a `.template` file is JSON when it starts with
/// `{`. YAML would accept most JSON too, but not all of it (surrogate pair
/// escapes, tabs after a colon).
fn is_json(path: &Path, text: &str) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with(".json")
        || (name.ends_with(".template")
            && text.trim_start_matches(BOM).trim_start().starts_with('{'))
}

/// `AWSTemplateFormatVersion`, or `Resources` holding a resource whose
/// `Type` starts with `AWS::`.
pub(crate) fn is_template(root: &Value) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources")
        .and_then(Value::as_map)
        .is_some_and(|resources| {
            resources.iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// A line such as `Type: AWS::S3::Bucket` or `"Type": "AWS::S3::Bucket"`.
fn has_resource_type_line(text: &str) -> bool {
    text.lines().any(|line| {
        line.match_indices("Type").any(|(at, word)| {
            let rest = line[at + word.len()..].trim_start_matches('"').trim_start();
            rest.strip_prefix(':').is_some_and(|value| {
                value
                    .trim_start()
                    .trim_start_matches(['"', '\''])
                    .starts_with("AWS::")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_text(name: &str, text: &str) -> &'static str {
        match detect(Path::new(name), text, FileId(0)) {
            Detected::Template(_) => "template",
            Detected::NotTemplate => "other",
            Detected::Broken(_) => "broken",
        }
    }

    #[test]
    fn templates_by_content() {
        let bucket = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
        assert_eq!(detect_text("t.yaml", bucket), "template");
        assert_eq!(
            detect_text("t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n"),
            "template"
        );
        assert_eq!(
            detect_text(
                "t.json",
                r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#
            ),
            "template"
        );
        assert_eq!(
            detect_text(
                "t.template",
                "{\"AWSTemplateFormatVersion\": \"2010-09-09\"}"
            ),
            "template"
        );
        assert_eq!(detect_text("ci.yml", "on: push\njobs: {}\n"), "other");
        assert_eq!(
            detect_text("k.yaml", "Resources: {}\nkind: AWS::X\n"),
            "other"
        );
        assert_eq!(detect_text("package.json", "{\"name\": \"x\"}"), "other");
    }

    #[test]
    fn broken_templates_are_told_from_other_files() {
        assert_eq!(
            detect_text("t.yaml", "AWSTemplateFormatVersion: [\n"),
            "broken"
        );
        assert_eq!(
            detect_text(
                "t.yaml",
                "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  B: {}\n"
            ),
            "broken"
        );
        assert_eq!(detect_text("x.yaml", "Resources: [AWS::\n"), "other");
        assert_eq!(
            detect_text("t.yaml", "AWSTemplateFormatVersion: x\n---\na: 1\n"),
            "broken"
        );
    }
}
