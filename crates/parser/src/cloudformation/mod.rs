//! The CloudFormation front end: YAML and JSON templates into resources,
//! then the S3 bucket and search domain views.
//!
//! Each template is its own scope: its parameters, mappings and
//! conditions are evaluated on their own, and a `AWS::S3::BucketPolicy`
//! links to a bucket of its own template. Only bucket names (which are
//! global) link access-log targets across templates.

mod conditions;
mod eval;
mod functions;
mod params;
mod resources;
mod s3;
mod scalar;
mod search_domain;
mod sub;
mod template;
mod trace;
mod view;
mod yaml;

use std::collections::HashMap;

use phiguard_model::{FileId, LintError, Model, ResourceId, SourceFile, Value};

pub use params::{parse_cfn_parameters, CfnParamsError};
pub(crate) use template::{detect, is_candidate, Detected};
pub(crate) use yaml::parse as parse_yaml;

/// A syntax error in a template, or a duplicate key with its first
/// definition: the same shape as JSON's.
pub(crate) type SyntaxError = crate::json::JsonError;

/// One loaded template's resources, each with its properties as written.
pub(crate) struct Template {
    pub resources: Vec<(ResourceId, Option<Value>)>,
}

/// Loads the templates (already added to `model` and parsed) with the
/// given parameter values; a later value for a name wins.
pub(crate) fn load(
    model: &mut Model,
    templates: Vec<(FileId, Value)>,
    parameters: &[(String, String)],
) {
    let overrides: HashMap<String, String> = parameters.iter().cloned().collect();
    let mut trace = trace::Trace::default();
    let mut loaded = Vec::with_capacity(templates.len());
    for (file, root) in templates {
        let text = model.file(file).text.clone();
        let built = resources::build(&root, file, &text, &overrides, &mut trace);
        let resources = built
            .into_iter()
            .map(|b| (model.add_resource(b.resource), b.raw))
            .collect();
        loaded.push(Template { resources });
    }
    let buckets = s3::build(model, &loaded, &trace);
    let domains = search_domain::build(model, &loaded, &trace);
    model.buckets.extend(buckets);
    model.domains.extend(domains);
}

/// A template's syntax error as a lint error.
pub(crate) fn syntax_error(file: &SourceFile, err: &SyntaxError) -> LintError {
    LintError {
        path: file.display_path.clone(),
        span: Some(err.span),
        message: err.describe(Some(file)),
    }
}

/// Adds a file that may be a template (by its name) to `model` when it is
/// one, and returns it parsed. A broken template is an error; a file named
/// on the command line (`named`) that is not a template is skipped with a
/// message, one found by walking is skipped silently.
pub(crate) fn add_candidate(
    model: &mut Model,
    path: &std::path::Path,
    display_path: String,
    text: String,
    named: bool,
) -> Option<(FileId, Value)> {
    let expected = FileId(model.files.len() as u32);
    let detected = detect(path, &text, expected);
    if let Detected::NotTemplate = detected {
        if named {
            model
                .skipped
                .push(crate::discover::not_linted(display_path));
        }
        return None;
    }
    let id = model.add_file(path, display_path, std::sync::Arc::from(text));
    // Spans were made with the id the file was expected to get.
    let respan = |span: phiguard_model::Span| phiguard_model::Span { file: id, ..span };
    match detected {
        Detected::Template(mut root) => {
            if id != expected {
                crate::json::map_spans(&mut root, &respan);
            }
            Some((id, root))
        }
        Detected::Broken(mut err) => {
            err.span = respan(err.span);
            err.first = err.first.map(respan);
            let error = syntax_error(model.file(id), &err);
            model.errors.push(error);
            None
        }
        Detected::NotTemplate => None,
    }
}
