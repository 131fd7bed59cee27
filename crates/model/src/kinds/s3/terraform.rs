//! The S3 bucket in Terraform: an `aws_s3_bucket`'s inline settings (AWS
//! provider v3), its v4 satellite resources, and the account-wide public
//! access block.

use crate::kinds::dialect::DialectMap;
use crate::kinds::terraform::{Node, Part};
use crate::kinds::{PolicyReader, View};
use crate::{
    Acl, BackupSelection, Cors, CorsRule, Encryption, EncryptionRule, Grant, Logging, Origin,
    Ownership, PublicAccessBlock, Replication, ReplicationRule, Resource, ResourcePolicy, S3Bucket,
    S3Part, Value, Versioning,
};

pub(super) const TERRAFORM: DialectMap<S3Bucket> = DialectMap {
    subjects: &["aws_s3_bucket"],
    satellites: &[
        ("aws_s3_bucket_acl", "bucket"),
        ("aws_s3_bucket_policy", "bucket"),
        ("aws_s3_bucket_public_access_block", "bucket"),
        (
            "aws_s3_bucket_server_side_encryption_configuration",
            "bucket",
        ),
        ("aws_s3_bucket_versioning", "bucket"),
        ("aws_s3_bucket_logging", "bucket"),
        ("aws_s3_bucket_replication_configuration", "bucket"),
        ("aws_s3_bucket_ownership_controls", "bucket"),
        ("aws_s3_bucket_website_configuration", "bucket"),
        ("aws_s3_bucket_cors_configuration", "bucket"),
    ],
    name_argument: "bucket",
    id_is_name: true,
    arn_of_name: Some(|name| format!("arn:aws:s3:::{name}")),
    configuration_wide: &["aws_s3_account_public_access_block", "aws_backup_selection"],
    subject,
    satellite,
    configuration,
    link_name: bucket_name,
};

/// A bucket name as a satellite may write it: the name or the bucket's ARN.
pub(super) fn bucket_name(value: &Value) -> Option<&str> {
    let text = value.as_str()?;
    Some(text.strip_prefix("arn:aws:s3:::").unwrap_or(text))
}

/// `aws_s3_account_public_access_block` applies to every bucket;
/// `aws_backup_selection` may back any bucket up (its `resources` say which).
fn configuration(bucket: &mut S3Bucket, r: &Resource) {
    let node = Node::Body(&r.body);
    match r.resource_type.as_str() {
        "aws_s3_account_public_access_block" if bucket.account_public_access_block.is_none() => {
            bucket.account_public_access_block =
                Some(Box::new(public_access_block(header(r), node)));
        }
        "aws_backup_selection" => bucket.backup_selections.push(BackupSelection {
            origin: header(r),
            resources: node.value("resources"),
            not_resources: node.value("not_resources"),
            references: Vec::new(),
        }),
        _ => {}
    }
}

fn header(r: &Resource) -> Origin {
    Origin {
        resource: r.id,
        span: r.header,
    }
}

/// The settings written in the bucket resource itself.
fn subject(r: &Resource, policies: &dyn PolicyReader) -> S3Bucket {
    let node = Node::Body(&r.body);
    let at = |span| Origin {
        resource: r.id,
        span,
    };
    let mut bucket = S3Bucket::new(r.id);
    bucket.name = node.value("bucket");
    let canned = node.value("acl");
    let grant_parts = node.blocks("grant");
    if canned.is_some() || !grant_parts.is_empty() {
        let span = canned
            .as_ref()
            .map(|v| v.span)
            .or(grant_parts.first().map(|p| p.span))
            .unwrap_or(r.header);
        bucket.acl = Some(Box::new(Acl {
            origin: at(span),
            canned,
            grants: grant_parts.iter().map(inline_grant).collect(),
        }));
    }
    bucket.versioning = node
        .block("versioning")
        .map(|p| Versioning {
            origin: at(p.span),
            status: p.node.value("enabled"),
        })
        .map(Box::new);
    bucket.logging = node
        .block("logging")
        .map(|p| Box::new(logging(at(p.span), p.node)));
    bucket.encryption = node
        .block("server_side_encryption_configuration")
        .map(|p| encryption(at(p.span), p.node));
    bucket.website = node.block("website").map(|p| at(p.span));
    let cors_rules = node.blocks("cors_rule");
    if let Some(first) = cors_rules.first() {
        bucket.cors = Some(Cors {
            origin: at(first.span),
            rules: cors_rules.iter().map(cors_rule).collect(),
        });
    }
    bucket.replication = node
        .block("replication_configuration")
        .map(|p| replication(at(p.span), p.node, "rules"));
    bucket.policy = node
        .attr("policy")
        .map(|v| ResourcePolicy {
            origin: at(v.span),
            document: policies.policy(v),
        })
        .map(Box::new);
    bucket.tags = node.value("tags");
    bucket
}

/// A v4 satellite's settings, beside any the bucket states inline: AWS
/// applies both in an order nobody controls, so both are judged.
fn satellite(bucket: &mut S3Bucket, r: &Resource, policies: &dyn PolicyReader) {
    let node = Node::Body(&r.body);
    let origin = header(r);
    let part = match r.resource_type.as_str() {
        "aws_s3_bucket_acl" => {
            let grants = node
                .block("access_control_policy")
                .map(|p| p.node.blocks("grant").iter().map(v4_grant).collect())
                .unwrap_or_default();
            S3Part::Acl(Acl {
                origin,
                canned: node.value("acl"),
                grants,
            })
        }
        "aws_s3_bucket_policy" => match node.attr("policy") {
            Some(policy) => S3Part::Policy(ResourcePolicy {
                origin,
                document: policies.policy(policy),
            }),
            None => return,
        },
        "aws_s3_bucket_public_access_block" => {
            S3Part::PublicAccessBlock(public_access_block(origin, node))
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            S3Part::Encryption(encryption(origin, node))
        }
        "aws_s3_bucket_versioning" => S3Part::Versioning(Versioning {
            origin,
            status: node.nested("versioning_configuration", "status"),
        }),
        "aws_s3_bucket_logging" => S3Part::Logging(logging(origin, node)),
        "aws_s3_bucket_replication_configuration" => {
            S3Part::Replication(replication(origin, node, "rule"))
        }
        "aws_s3_bucket_ownership_controls" => S3Part::Ownership(Ownership {
            origin,
            object_ownership: node.nested("rule", "object_ownership"),
        }),
        "aws_s3_bucket_website_configuration" => S3Part::Website(origin),
        "aws_s3_bucket_cors_configuration" => S3Part::Cors(Cors {
            origin,
            rules: node.blocks("cors_rule").iter().map(cors_rule).collect(),
        }),
        _ => return,
    };
    bucket.set(part);
}

fn public_access_block(origin: Origin, node: Node) -> PublicAccessBlock {
    PublicAccessBlock {
        origin,
        block_public_acls: node.value("block_public_acls"),
        block_public_policy: node.value("block_public_policy"),
        ignore_public_acls: node.value("ignore_public_acls"),
        restrict_public_buckets: node.value("restrict_public_buckets"),
    }
}

/// `rule { apply_server_side_encryption_by_default { ... } bucket_key_enabled }`,
/// the same inline and in the satellite.
fn encryption(origin: Origin, node: Node) -> Encryption {
    let rules = node
        .blocks("rule")
        .iter()
        .map(|rule| {
            let default = "apply_server_side_encryption_by_default";
            EncryptionRule {
                span: rule.span,
                algorithm: rule.node.nested(default, "sse_algorithm"),
                kms_key_id: rule.node.nested(default, "kms_master_key_id"),
                bucket_key_enabled: rule.node.value("bucket_key_enabled"),
            }
        })
        .collect();
    Encryption { origin, rules }
}

/// The rules of a replication configuration: `rules { status }` inline
/// (provider v3), `rule { status }` in the v4 satellite.
fn replication(origin: Origin, node: Node, rule: &str) -> Replication {
    let rules = node
        .blocks(rule)
        .iter()
        .map(|p| ReplicationRule {
            span: p.span,
            status: p.node.value("status"),
        })
        .collect();
    Replication { origin, rules }
}

fn logging(origin: Origin, node: Node) -> Logging {
    Logging {
        origin,
        to_itself: false,
        target_bucket: node.value("target_bucket"),
        target_prefix: node.value("target_prefix"),
    }
}

fn cors_rule(part: &Part) -> CorsRule {
    CorsRule {
        span: part.span,
        allowed_origins: part.node.value("allowed_origins"),
    }
}

/// v3: `grant { type uri id permissions }`.
fn inline_grant(part: &Part) -> Grant {
    Grant {
        span: part.span,
        grantee_type: part.node.value("type"),
        uri: part.node.value("uri"),
        id: part.node.value("id"),
        permission: part.node.value("permissions"),
    }
}

/// v4: `grant { grantee { type uri id } permission }`.
fn v4_grant(part: &Part) -> Grant {
    let grantee = part.node.block("grantee").map(|g| g.node);
    Grant {
        span: part.span,
        grantee_type: grantee.and_then(|g| g.value("type")),
        uri: grantee.and_then(|g| g.value("uri")),
        id: grantee.and_then(|g| g.value("id")),
        permission: part.node.value("permission"),
    }
}
