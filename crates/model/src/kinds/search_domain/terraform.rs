//! The search domain in Terraform: `aws_elasticsearch_domain` and
//! `aws_opensearch_domain`, with access policies from their
//! `*_domain_policy` satellites.

use crate::kinds::dialect::DialectMap;
use crate::kinds::terraform::Node;
use crate::kinds::{PolicyReader, View};
use crate::{
    AdvancedSecurity, ClusterConfig, DomainPart, EncryptionAtRest, EndpointOptions, LogPublishing,
    NodeToNodeEncryption, Origin, Resource, ResourcePolicy, SearchDomain, Value, VpcOptions,
};

pub(super) const TERRAFORM: DialectMap<SearchDomain> = DialectMap {
    subjects: &["aws_elasticsearch_domain", "aws_opensearch_domain"],
    satellites: &[
        ("aws_elasticsearch_domain_policy", "domain_name"),
        ("aws_opensearch_domain_policy", "domain_name"),
    ],
    name_argument: "domain_name",
    id_is_name: false,
    arn_of_name: None,
    configuration_wide: &[],
    subject,
    satellite,
    configuration: |_, _| {},
    link_name: Value::as_str,
};

/// `aws_*_domain_policy`: an access policy beside any the domain states.
fn satellite(domain: &mut SearchDomain, r: &Resource, policies: &dyn PolicyReader) {
    if let Some(policy) = Node::Body(&r.body).attr("access_policies") {
        domain.set(DomainPart::AccessPolicy(ResourcePolicy {
            origin: Origin {
                resource: r.id,
                span: r.header,
            },
            document: policies.policy(policy),
        }));
    }
}

fn subject(r: &Resource, policies: &dyn PolicyReader) -> SearchDomain {
    let node = Node::Body(&r.body);
    let at = |span| Origin {
        resource: r.id,
        span,
    };
    let mut domain = SearchDomain::new(r.id);
    domain.name = node.value("domain_name");
    domain.engine_version = node
        .value("engine_version")
        .or_else(|| node.value("elasticsearch_version"));
    let vpc = node.block("vpc_options");
    // The presence of VPC options decides where the endpoint lives: when a
    // `dynamic` block leaves it unknown, so is the answer.
    if let Some(existence) = vpc.and_then(|p| p.existence) {
        domain
            .maybe_set_elsewhere
            .push(("vpc_options".into(), existence.clone()));
    }
    domain.vpc_options = vpc
        .filter(|p| p.existence.is_none())
        .map(|p| VpcOptions {
            origin: at(p.span),
            subnet_ids: p.node.value("subnet_ids"),
            security_group_ids: p.node.value("security_group_ids"),
        })
        .map(Box::new);
    domain.encryption_at_rest = node
        .block("encrypt_at_rest")
        .map(|p| EncryptionAtRest {
            origin: at(p.span),
            enabled: p.node.value("enabled"),
            kms_key_id: p.node.value("kms_key_id"),
        })
        .map(Box::new);
    domain.node_to_node_encryption = node
        .block("node_to_node_encryption")
        .map(|p| NodeToNodeEncryption {
            origin: at(p.span),
            enabled: p.node.value("enabled"),
        })
        .map(Box::new);
    domain.endpoint_options = node
        .block("domain_endpoint_options")
        .map(|p| EndpointOptions {
            origin: at(p.span),
            enforce_https: p.node.value("enforce_https"),
            tls_security_policy: p.node.value("tls_security_policy"),
        })
        .map(Box::new);
    domain.advanced_security = node
        .block("advanced_security_options")
        .map(|p| AdvancedSecurity {
            origin: at(p.span),
            enabled: p.node.value("enabled"),
            anonymous_auth_enabled: p.node.value("anonymous_auth_enabled"),
            internal_user_database_enabled: p.node.value("internal_user_database_enabled"),
            master_user_name: p.node.nested("master_user_options", "master_user_name"),
            master_user_password: p.node.nested("master_user_options", "master_user_password"),
        })
        .map(Box::new);
    domain.log_publishing = node
        .blocks("log_publishing_options")
        .iter()
        .map(|p| LogPublishing {
            origin: at(p.span),
            log_type: p.node.value("log_type"),
            enabled: p.node.value("enabled"),
            destination: p.node.value("cloudwatch_log_group_arn"),
        })
        .collect();
    domain.access_policy = node
        .attr("access_policies")
        .map(|v| ResourcePolicy {
            origin: at(v.span),
            document: policies.policy(v),
        })
        .map(Box::new);
    domain.cluster_config = node
        .block("cluster_config")
        .map(|p| ClusterConfig {
            origin: at(p.span),
            zone_awareness_enabled: p.node.value("zone_awareness_enabled"),
            instance_count: p.node.value("instance_count"),
            dedicated_master_enabled: p.node.value("dedicated_master_enabled"),
        })
        .map(Box::new);
    domain.tags = node.value("tags");
    domain
}
