//! The search domain kind (Elasticsearch and OpenSearch): its view, its
//! satellites and field maps for each dialect, and its facts.

mod cloudformation;
mod facts;
mod terraform;
mod view;

pub use view::*;

use crate::kinds::dialect::DialectMap;
use crate::kinds::{FactDef, ResourceKind, Subject, Subjects};
use crate::{Resource, Value};

impl Subject for SearchDomain {
    common_subject_fields!();
    const KIND: ResourceKind = ResourceKind::SearchDomain;
    const RESOURCES: &'static str = "Search domains: Terraform `aws_opensearch_domain`, `aws_elasticsearch_domain` and their `*_domain_policy`, CloudFormation `AWS::OpenSearchService::Domain`, `AWS::Elasticsearch::Domain`";
    const TERRAFORM: DialectMap<Self> = terraform::TERRAFORM;
    const CLOUDFORMATION: DialectMap<Self> = cloudformation::CLOUDFORMATION;
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
    fn carries(&self, part: &str) -> bool {
        part == DomainPartKind::AccessPolicy.name() && self.access_policy.is_some()
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
    fn facts() -> &'static [FactDef<Self>] {
        &facts::FACTS
    }
}
