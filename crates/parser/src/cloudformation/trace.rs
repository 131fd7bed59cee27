//! What evaluation learns beside the values themselves.

use std::collections::HashMap;

use phiguard_model::{Span, Value};

/// A resource named by `Ref` or `Fn::GetAtt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub logical_id: String,
    pub attribute: Option<String>,
}

/// What evaluation learned beside the values: which unknown values stand
/// for a resource (by span, for linking), how strings built by `Fn::Sub`
/// map back onto the file (for spans inside JSON policies), and the text of
/// `Fn::Sub` results with unknown parts (a JSON policy naming its own
/// bucket is still a policy whose other parts are known).
#[derive(Debug, Default)]
pub(crate) struct Trace {
    pub references: HashMap<Span, Reference>,
    pub placements: HashMap<Span, Vec<(usize, usize)>>,
    pub partials: HashMap<Span, Partial>,
}

/// An `Fn::Sub` result with unknown parts, each written as [`marker`].
#[derive(Debug)]
pub(crate) struct Partial {
    /// The template string's span: its placement is keyed by it.
    pub literal: Span,
    pub text: String,
    /// Why each unknown part is unknown, by marker number.
    pub reasons: Vec<String>,
    /// What each unknown part stands for, by marker number.
    pub stands_for: Vec<Option<phiguard_model::StandsFor>>,
}

impl Trace {
    /// Moves every span through `f` (onto the file id the template got
    /// once it was added to the model).
    pub fn respan(self, f: &dyn Fn(Span) -> Span) -> Trace {
        Trace {
            references: self
                .references
                .into_iter()
                .map(|(k, v)| (f(k), v))
                .collect(),
            placements: self
                .placements
                .into_iter()
                .map(|(k, v)| (f(k), v))
                .collect(),
            partials: self
                .partials
                .into_iter()
                .map(|(k, mut v)| {
                    v.literal = f(v.literal);
                    (f(k), v)
                })
                .collect(),
        }
    }

    /// Adds another template's trace (spans name their file: no key of
    /// one template is a key of another).
    pub fn extend(&mut self, other: Trace) {
        self.references.extend(other.references);
        self.placements.extend(other.placements);
        self.partials.extend(other.partials);
    }

    pub fn reference(&self, value: &Value) -> Option<&Reference> {
        value
            .is_unknown()
            .then(|| self.references.get(&value.span))
            .flatten()
    }
}
