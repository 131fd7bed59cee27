//! The CloudFormation front end: YAML and JSON templates into resources,
//! then the S3 bucket and search domain views.
//!
//! Each template is its own scope: its parameters, mappings and
//! conditions are evaluated on their own, and a `AWS::S3::BucketPolicy`
//! links to a bucket of its own template. Only bucket names (which are
//! global) link access-log targets across templates.

mod alias;
mod beside;
pub(crate) mod cdk;
mod conditions;
mod eval;
mod functions;
mod indentation;
mod params;
mod resources;
mod scalar;
mod sub;
mod subjects;
mod template;
mod trace;
mod view;
mod yaml;

use phiguard_model::{FileId, LintError, Model, ResourceId, SourceFile, Value};

pub use beside::{is_parameters_name, parameter_files_beside, template_beside};
pub(crate) use params::Parameters;
pub use params::{parse_cfn_parameters, CfnParamsError};
pub(crate) use template::{detect, Detected};
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
#[derive(Default)]
pub(crate) struct Evaluated {
    /// Per template, in file order: its resources, or `None` when
    /// evaluating it failed.
    templates: Vec<(FileId, Option<Vec<resources::Built>>)>,
    trace: trace::Trace,
}

/// A file that looked like a template, parsed and (when it parsed)
/// evaluated on its own, before it has a file id.
pub(crate) enum Candidate {
    Template {
        /// `None` when evaluating it failed.
        built: Option<Vec<resources::Built>>,
        trace: trace::Trace,
    },
    Broken(SyntaxError),
}

/// Evaluates a detected template right away, with the given parameter
/// values (`overrides`), so that its tree, several times the size of its
/// text, is dropped before the next file is parsed; `None` when it is no
/// template. Templates are independent scopes: this runs on the thread
/// pool, and the result does not depend on the thread count.
pub(crate) fn evaluate(
    detected: Detected,
    file: FileId,
    text: &str,
    overrides: &params::Overrides,
) -> Option<Candidate> {
    match detected {
        Detected::NotTemplate => None,
        Detected::Broken(err) => Some(Candidate::Broken(err)),
        Detected::Template(root) => {
            let mut trace = trace::Trace::default();
            // A bug on one template must not lose the others' results.
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                resources::build(&root, file, text, overrides, &mut trace)
            }));
            Some(Candidate::Template {
                built: built.ok(),
                trace,
            })
        }
    }
}

/// Adds a candidate evaluated with a placeholder file id to the file `id`
/// just added to the model: a template joins `evaluated`, a broken one
/// becomes an error.
pub(crate) fn add_candidate(
    model: &mut Model,
    id: FileId,
    candidate: Candidate,
    evaluated: &mut Evaluated,
) {
    let respan = |span: phiguard_model::Span| phiguard_model::Span { file: id, ..span };
    match candidate {
        Candidate::Template { built, trace } => {
            let built = built.map(|mut built| {
                for b in &mut built {
                    b.move_to(id);
                }
                built
            });
            // Keys are spans, which name their file: no two templates collide.
            if built.is_some() {
                evaluated.trace.extend(trace.respan(&respan));
            }
            evaluated.templates.push((id, built));
        }
        Candidate::Broken(mut err) => {
            err.span = respan(err.span);
            err.first = err.first.map(respan);
            let error = syntax_error(model.file(id), &err);
            model.errors.push(error);
        }
    }
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
    subjects::build(model, &loaded, &evaluated.trace);
}

/// A template's syntax error as a lint error.
pub(crate) fn syntax_error(file: &SourceFile, err: &SyntaxError) -> LintError {
    LintError {
        path: file.display_path.clone(),
        span: Some(err.span),
        message: err.describe(Some(file)),
    }
}
