//! The search domain in CloudFormation: `AWS::Elasticsearch::Domain` and
//! `AWS::OpenSearchService::Domain` (the same properties, but the cluster
//! configuration and engine version are named after the engine).

use crate::kinds::cloudformation::{
    block, field, part, property, tags, unknown_blocks, unknown_properties,
};
use crate::kinds::dialect::DialectMap;
use crate::kinds::PolicyReader;
use crate::{
    AdvancedSecurity, ClusterConfig, EncryptionAtRest, EndpointOptions, LogPublishing,
    NodeToNodeEncryption, Origin, Resource, ResourcePolicy, SearchDomain, Spanned, Value,
    ValueKind, VpcOptions,
};

pub(super) const CLOUDFORMATION: DialectMap<SearchDomain> = DialectMap {
    subjects: &[
        "AWS::Elasticsearch::Domain",
        "AWS::OpenSearchService::Domain",
    ],
    satellites: &[],
    configuration_wide: &[],
    name_argument: "DomainName",
    id_is_name: false,
    arn_of_name: None,
    link_name: Value::as_str,
    subject,
    satellite: |_, _, _| {},
    configuration: |_, _| {},
};

fn subject(r: &Resource, policies: &dyn PolicyReader) -> SearchDomain {
    let mut d = SearchDomain::new(r.id);
    d.unlinked = unknown_properties(r);
    d.maybe_set_elsewhere = unknown_blocks(
        r,
        &[
            ("VPCOptions", "vpc_options"),
            ("EncryptionAtRestOptions", "encryption_at_rest"),
            ("NodeToNodeEncryptionOptions", "node_to_node_encryption"),
            ("DomainEndpointOptions", "endpoint_options"),
            ("AdvancedSecurityOptions", "advanced_security"),
            ("ClusterConfig", "cluster_config"),
            ("ElasticsearchClusterConfig", "cluster_config"),
        ],
    );
    d.name = property(r, "DomainName");
    d.engine_version = property(r, "EngineVersion").or_else(|| property(r, "ElasticsearchVersion"));
    d.vpc_options = block(r, "VPCOptions")
        .map(|p| VpcOptions {
            origin: p.origin,
            subnet_ids: field(p.value, &["SubnetIds"]),
            security_group_ids: field(p.value, &["SecurityGroupIds"]),
        })
        .map(Box::new);
    d.encryption_at_rest = block(r, "EncryptionAtRestOptions")
        .map(|p| EncryptionAtRest {
            origin: p.origin,
            enabled: field(p.value, &["Enabled"]),
            kms_key_id: field(p.value, &["KmsKeyId"]),
        })
        .map(Box::new);
    d.node_to_node_encryption = block(r, "NodeToNodeEncryptionOptions")
        .map(|p| NodeToNodeEncryption {
            origin: p.origin,
            enabled: field(p.value, &["Enabled"]),
        })
        .map(Box::new);
    d.endpoint_options = block(r, "DomainEndpointOptions")
        .map(|p| EndpointOptions {
            origin: p.origin,
            enforce_https: field(p.value, &["EnforceHTTPS"]),
            tls_security_policy: field(p.value, &["TLSSecurityPolicy"]),
        })
        .map(Box::new);
    d.advanced_security = block(r, "AdvancedSecurityOptions")
        .map(|p| {
            let master = |name| field(p.value, &["MasterUserOptions", name]);
            AdvancedSecurity {
                origin: p.origin,
                enabled: field(p.value, &["Enabled"]),
                anonymous_auth_enabled: field(p.value, &["AnonymousAuthEnabled"]),
                internal_user_database_enabled: field(p.value, &["InternalUserDatabaseEnabled"]),
                master_user_name: master("MasterUserName"),
                master_user_password: master("MasterUserPassword"),
            }
        })
        .map(Box::new);
    d.log_publishing = part(r, "LogPublishingOptions")
        .map(|p| log_publishing(r, p.origin, p.value))
        .unwrap_or_default();
    d.access_policy = part(r, "AccessPolicies")
        .map(|p| ResourcePolicy {
            origin: p.origin,
            document: policies.policy(p.value),
        })
        .map(Box::new);
    d.cluster_config = block(r, "ClusterConfig")
        .or_else(|| block(r, "ElasticsearchClusterConfig"))
        .map(|p| ClusterConfig {
            origin: p.origin,
            zone_awareness_enabled: field(p.value, &["ZoneAwarenessEnabled"]),
            instance_count: field(p.value, &["InstanceCount"]),
            dedicated_master_enabled: field(p.value, &["DedicatedMasterEnabled"]),
        })
        .map(Box::new);
    d.tags = property(r, "Tags").map(|t| tags(&t));
    d
}

/// `LogPublishingOptions` is a map keyed by log type (`AUDIT_LOGS`, ...);
/// the key becomes the option's `log_type`. An unknown map is one option
/// whose every setting is unknown.
fn log_publishing(r: &Resource, origin: Origin, value: &Value) -> Vec<LogPublishing> {
    match &value.kind {
        ValueKind::Map(entries) => entries
            .iter()
            .map(|(key, option)| log_option(r, key, option))
            .collect(),
        ValueKind::Unknown(_) => vec![LogPublishing {
            origin,
            log_type: Some(value.clone()),
            enabled: Some(value.clone()),
            destination: Some(value.clone()),
        }],
        _ => Vec::new(),
    }
}

fn log_option(r: &Resource, key: &Spanned<String>, option: &Value) -> LogPublishing {
    LogPublishing {
        origin: Origin {
            resource: r.id,
            span: key.span.cover(option.span),
        },
        log_type: Some(Value::string(key.value.clone(), key.span)),
        enabled: field(option, &["Enabled"]),
        destination: field(option, &["CloudWatchLogsLogGroupArn"]),
    }
}
