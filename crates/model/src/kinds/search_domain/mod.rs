//! The search domain kind (Elasticsearch and OpenSearch): its view, its
//! satellites and field maps for each dialect, and its facts.

mod facts;
mod view;

pub use view::*;

use crate::kinds::{FactDef, ResourceKind, Subject, Subjects};
use crate::{ResourceId, Value};

impl Subject for SearchDomain {
    const KIND: ResourceKind = ResourceKind::SearchDomain;
    fn all(subjects: &Subjects) -> &Vec<Self> {
        &subjects.domains
    }
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self> {
        &mut subjects.domains
    }
    fn orphan(&self) -> Option<&Value> {
        self.orphan.as_ref()
    }
    fn carries(&self, part: &str) -> bool {
        part == DomainPartKind::AccessPolicy.name() && self.access_policy.is_some()
    }
    fn variants(&self) -> Vec<Self> {
        crate::kinds::variants(self)
    }
    fn has_further_sources(&self) -> bool {
        !self.further_sources.is_empty()
    }
    const PARTS: &'static [&'static str] = &[
        "vpc_options",
        "encryption_at_rest",
        "node_to_node_encryption",
        "endpoint_options",
        "advanced_security",
        "cluster_config",
        "access_policy",
    ];
    fn unlinked(&self) -> Option<&Value> {
        self.unlinked.as_ref()
    }
    fn maybe_set_elsewhere(&self) -> &[(String, Value)] {
        &self.maybe_set_elsewhere
    }
    fn resource(&self) -> ResourceId {
        self.resource
    }
    fn name(&self) -> Option<&Value> {
        self.name.as_ref()
    }
    fn tags(&self) -> Option<&Value> {
        self.tags.as_ref()
    }
    fn facts() -> &'static [FactDef<Self>] {
        &facts::FACTS
    }
}
