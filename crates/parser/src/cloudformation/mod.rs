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
use std::sync::Arc;

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

/// The templates evaluated, each on its own, before their resources join
/// the model.
pub(crate) struct Evaluated {
    /// Per template, in the order given: its resources, or `None` when
    /// evaluating it failed.
    templates: Vec<(FileId, Option<Vec<resources::Built>>)>,
    trace: trace::Trace,
}

/// Evaluates the templates (already added to the model and parsed; `text`
/// is each one's file text) with the given parameter values, a later value
/// for a name winning. Templates are independent scopes, so they are
/// evaluated in parallel; the result does not depend on the thread count.
pub(crate) fn evaluate(
    templates: Vec<(FileId, Arc<str>, Value)>,
    parameters: &[(String, String)],
) -> Evaluated {
    let overrides: HashMap<String, String> = parameters.iter().cloned().collect();
    let each = crate::per_file(templates, |(file, text, root)| {
        let mut trace = trace::Trace::default();
        // A bug on one template must not lose the others' results.
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            resources::build(&root, file, &text, &overrides, &mut trace)
        }));
        (file, built.ok(), trace)
    });
    let mut trace = trace::Trace::default();
    let mut templates = Vec::with_capacity(each.len());
    for (file, built, part) in each {
        // Keys are spans, which name their file: no two templates collide.
        if built.is_some() {
            trace.references.extend(part.references);
            trace.placements.extend(part.placements);
            trace.partials.extend(part.partials);
        }
        templates.push((file, built));
    }
    Evaluated { templates, trace }
}

/// Adds the evaluated templates' resources to the model, in template order,
/// and builds the S3 bucket and search domain views.
pub(crate) fn finish(model: &mut Model, evaluated: Evaluated) {
    let mut loaded = Vec::with_capacity(evaluated.templates.len());
    for (file, built) in evaluated.templates {
        let Some(built) = built else {
            let path = model.file(file).display_path.clone();
            model.errors.push(LintError {
                path,
                span: None,
                message: "internal error while evaluating this template".into(),
            });
            continue;
        };
        let resources = built
            .into_iter()
            .map(|b| (model.add_resource(b.resource), b.raw))
            .collect();
        loaded.push(Template { resources });
    }
    let buckets = s3::build(model, &loaded, &evaluated.trace);
    let domains = search_domain::build(model, &loaded, &evaluated.trace);
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

/// The template in file `id` (just added to `model`, and detected with
/// another file id), with its spans moved onto `id`; a broken template
/// becomes an error.
pub(crate) fn add_detected(
    model: &mut Model,
    id: FileId,
    detected: Detected,
) -> Option<(FileId, Value)> {
    let respan = |span: phiguard_model::Span| phiguard_model::Span { file: id, ..span };
    match detected {
        Detected::Template(mut root) => {
            crate::json::map_spans(&mut root, &respan);
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
