//! Elasticsearch and OpenSearch domains as rules see them.

use crate::kinds::View;
use crate::{Origin, ResourceId, ResourcePolicy, Value};

#[derive(Debug, Clone)]
pub struct SearchDomain {
    pub resource: ResourceId,
    pub name: Option<Value>,
    pub engine_version: Option<Value>,
    // The parts are boxed, as a bucket's are (see `S3Bucket`): inline,
    // every domain of a run was the size of all of them.
    pub vpc_options: Option<Box<VpcOptions>>,
    pub encryption_at_rest: Option<Box<EncryptionAtRest>>,
    pub node_to_node_encryption: Option<Box<NodeToNodeEncryption>>,
    pub endpoint_options: Option<Box<EndpointOptions>>,
    pub advanced_security: Option<Box<AdvancedSecurity>>,
    pub log_publishing: Vec<LogPublishing>,
    /// Inline or from `aws_*_domain_policy`.
    pub access_policy: Option<Box<ResourcePolicy>>,
    pub cluster_config: Option<Box<ClusterConfig>>,
    pub tags: Option<Value>,
    /// Set when the resource's properties as a whole are not known offline:
    /// parts this view lacks are then unknown, not absent. The value says why.
    pub unlinked: Option<Value>,
    /// Parts that the resource itself may set under a condition that cannot
    /// be decided, with that unknown value.
    pub maybe_set_elsewhere: Vec<(String, Value)>,
    /// Set when the view stands for domain policies whose domain is not in
    /// the configuration: the domain expression they write.
    pub orphan: Option<Value>,
    /// Sources of parts beyond the first (see [`crate::kinds::variants`]).
    pub further_sources: Vec<DomainPart>,
}

/// One part of a domain's settings that a second source can state: the
/// access policy (inline `access_policies` and `aws_*_domain_policy`).
#[derive(Debug, Clone)]
pub enum DomainPart {
    AccessPolicy(ResourcePolicy),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainPartKind {
    AccessPolicy,
}

impl DomainPartKind {
    pub fn name(self) -> &'static str {
        match self {
            DomainPartKind::AccessPolicy => "access_policy",
        }
    }
}

impl View for SearchDomain {
    type Part = DomainPart;
    type PartKind = DomainPartKind;

    fn kind_of(part: &DomainPart) -> DomainPartKind {
        match part {
            DomainPart::AccessPolicy(_) => DomainPartKind::AccessPolicy,
        }
    }

    fn part(&self, kind: DomainPartKind) -> Option<DomainPart> {
        match kind {
            DomainPartKind::AccessPolicy => self
                .access_policy
                .as_deref()
                .cloned()
                .map(DomainPart::AccessPolicy),
        }
    }

    fn put(&mut self, part: DomainPart) {
        match part {
            DomainPart::AccessPolicy(p) => self.access_policy = Some(Box::new(p)),
        }
    }

    fn further_sources(&mut self) -> &mut Vec<DomainPart> {
        &mut self.further_sources
    }
}

impl SearchDomain {
    pub fn new(resource: ResourceId) -> Self {
        SearchDomain {
            resource,
            name: None,
            engine_version: None,
            vpc_options: None,
            encryption_at_rest: None,
            node_to_node_encryption: None,
            endpoint_options: None,
            advanced_security: None,
            log_publishing: Vec::new(),
            access_policy: None,
            cluster_config: None,
            tags: None,
            unlinked: None,
            maybe_set_elsewhere: Vec::new(),
            orphan: None,
            further_sources: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct VpcOptions {
    pub origin: Origin,
    pub subnet_ids: Option<Value>,
    pub security_group_ids: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct EncryptionAtRest {
    pub origin: Origin,
    pub enabled: Option<Value>,
    pub kms_key_id: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct NodeToNodeEncryption {
    pub origin: Origin,
    pub enabled: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct EndpointOptions {
    pub origin: Origin,
    pub enforce_https: Option<Value>,
    pub tls_security_policy: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct AdvancedSecurity {
    pub origin: Origin,
    pub enabled: Option<Value>,
    pub anonymous_auth_enabled: Option<Value>,
    pub internal_user_database_enabled: Option<Value>,
    pub master_user_name: Option<Value>,
    pub master_user_password: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct LogPublishing {
    pub origin: Origin,
    /// `AUDIT_LOGS`, `INDEX_SLOW_LOGS`, `SEARCH_SLOW_LOGS`, `ES_APPLICATION_LOGS`.
    pub log_type: Option<Value>,
    pub enabled: Option<Value>,
    pub destination: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ClusterConfig {
    pub origin: Origin,
    pub zone_awareness_enabled: Option<Value>,
    pub instance_count: Option<Value>,
    pub dedicated_master_enabled: Option<Value>,
}
