//! Elasticsearch and OpenSearch domains as rules see them.

use crate::{Origin, ResourceId, ResourcePolicy, Value};

#[derive(Debug, Clone)]
pub struct SearchDomain {
    pub resource: ResourceId,
    pub name: Option<Value>,
    pub engine_version: Option<Value>,
    pub vpc_options: Option<VpcOptions>,
    pub encryption_at_rest: Option<EncryptionAtRest>,
    pub node_to_node_encryption: Option<NodeToNodeEncryption>,
    pub endpoint_options: Option<EndpointOptions>,
    pub advanced_security: Option<AdvancedSecurity>,
    pub log_publishing: Vec<LogPublishing>,
    /// Inline or from `aws_*_domain_policy`.
    pub access_policy: Option<ResourcePolicy>,
    pub cluster_config: Option<ClusterConfig>,
    pub tags: Option<Value>,
    /// Set when the view cannot see all of the resource's settings: it was
    /// made from a satellite whose target phiguard cannot find, or the
    /// resource's properties as a whole are not known offline. Parts this
    /// view lacks are then unknown, not absent. The value says why.
    pub unlinked: Option<Value>,
    /// Parts (`versioning`, `policy`, ...) that a satellite whose target is
    /// unknown may set on this resource, with that unknown target.
    pub maybe_set_elsewhere: Vec<(String, Value)>,
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
