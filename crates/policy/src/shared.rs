//! What the findings of one run repeat, made once and shared: each rule's
//! id, HIPAA sections and checks' labels, paths, messages and fixes, and
//! each resource's address and type. A finding clones these (a reference
//! count) instead of copying the text, which for hundreds of thousands of
//! findings was most of a run's memory (issue 14).

use std::sync::{Arc, OnceLock};

use phiguard_model::{Dialect, Model, ResourceId, ResourceKind, ResourceRef, SharedStr};

use crate::policy_file::Rule;

/// One rule's text, shared by its findings and undecided checks.
pub(crate) struct RuleText {
    pub id: SharedStr,
    pub hipaa: Arc<[String]>,
    /// One for each of the rule's checks, in their order.
    pub checks: Vec<CheckText>,
    /// The path of a finding about something missing.
    pub no_path: SharedStr,
}

/// One check's text: its label, and its `at` paths, message and fixes as
/// written, shared by the findings where nothing was filled in.
pub(crate) struct CheckText {
    pub label: SharedStr,
    pub at: Vec<SharedStr>,
    pub message: SharedStr,
    pub fixes: Vec<(Dialect, SharedStr)>,
}

impl RuleText {
    pub fn new(rule: &Rule) -> RuleText {
        let title = SharedStr::from(&rule.title);
        RuleText {
            id: SharedStr::from(&rule.id),
            hipaa: rule.hipaa.as_slice().into(),
            checks: rule
                .checks
                .iter()
                .map(|check| CheckText {
                    label: check
                        .label
                        .as_ref()
                        .map_or_else(|| title.clone(), SharedStr::from),
                    at: check.at.iter().map(SharedStr::from).collect(),
                    message: SharedStr::from(&check.message),
                    fixes: check
                        .fix
                        .iter()
                        .flat_map(|fix| &fix.by_dialect)
                        .map(|(dialect, text)| (*dialect, SharedStr::from(text)))
                        .collect(),
                })
                .collect(),
            no_path: SharedStr::default(),
        }
    }
}

impl CheckText {
    /// The fix as written for `dialect`.
    pub fn fix(&self, dialect: Dialect) -> Option<&SharedStr> {
        self.fixes
            .iter()
            .find(|(d, _)| *d == dialect)
            .map(|(_, text)| text)
    }
}

/// `rendered` as shared text: the written one's when nothing was filled in
/// (a message or fix without placeholders), else its own.
pub(crate) fn share(rendered: String, written: &SharedStr) -> SharedStr {
    if rendered == **written {
        written.clone()
    } else {
        SharedStr::from(rendered)
    }
}

/// Each resource's address and type, made on the first finding or
/// undecided check about it and shared by the others (rules run in
/// parallel, hence the locks).
pub(crate) struct ResourceNames {
    names: Vec<OnceLock<Names>>,
}

/// A resource's address, type and construct path, shared.
type Names = (SharedStr, SharedStr, Option<SharedStr>);

impl ResourceNames {
    pub fn new(model: &Model) -> ResourceNames {
        ResourceNames {
            names: model.resources.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    pub fn get(&self, model: &Model, id: ResourceId, kind: ResourceKind) -> ResourceRef {
        let made = || {
            let resource = model.resource(id);
            (
                SharedStr::from(&resource.address),
                SharedStr::from(&resource.resource_type),
                resource
                    .construct
                    .as_ref()
                    .map(|c| SharedStr::from(c.path.as_str())),
            )
        };
        let (address, resource_type, construct_path) = match self.names.get(id.0 as usize) {
            Some(once) => once.get_or_init(made).clone(),
            None => made(),
        };
        ResourceRef {
            address,
            resource_type,
            kind,
            construct_path,
        }
    }
}
