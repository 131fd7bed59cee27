//! The search domain kind (Elasticsearch and OpenSearch): its view, its
//! satellites and field maps for each dialect, and its facts.

mod cloudformation;
mod facts;
mod terraform;
mod view;

pub use view::*;

use crate::kinds::cloudformation::CloudFormationMap;
use crate::kinds::terraform::TerraformMap;
use crate::kinds::{FactDef, ResourceKind, Subject, Subjects};
use crate::{Resource, ResourceId, Value};

impl Subject for SearchDomain {
    const KIND: ResourceKind = ResourceKind::SearchDomain;
    const TERRAFORM: TerraformMap<Self> = terraform::TERRAFORM;
    const CLOUDFORMATION: CloudFormationMap<Self> = cloudformation::CLOUDFORMATION;
    fn orphan_view(satellite: &Resource, written: Value) -> Self {
        let mut domain = SearchDomain::new(satellite.id);
        domain.name = Some(written.clone());
        domain.orphan = Some(written);
        domain
    }
    fn link_names(&self) -> Vec<String> {
        let name = self.name.as_ref().and_then(Value::as_str);
        name.map(str::to_string).into_iter().collect()
    }
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
