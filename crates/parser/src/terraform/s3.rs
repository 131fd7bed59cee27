//! The S3 bucket view: an `aws_s3_bucket`'s inline settings (AWS provider
//! v3) merged with its v4 satellite resources and the account-wide public
//! access block.

use phiguard_model::{
    Acl, Cors, CorsRule, Encryption, EncryptionRule, Grant, Logging, Model, Origin, Ownership,
    PublicAccessBlock, Resource, ResourcePolicy, S3Bucket, S3Part, SourceFile, Value, Versioning,
    View,
};

use super::build::Placed;
use super::link::{targets, Links};
use super::node::{Node, Part};
use crate::link::{Configuration, Target};
use crate::policy::policy_source;

const BUCKET: &str = "aws_s3_bucket";
const ACCOUNT_BLOCK: &str = "aws_s3_account_public_access_block";
const SATELLITES: [&str; 10] = [
    "aws_s3_bucket_acl",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_cors_configuration",
];

/// A bucket name as a satellite may write it: the name or the bucket's ARN.
fn bucket_name(value: &phiguard_model::Value) -> Option<&str> {
    let text = value.as_str()?;
    Some(text.strip_prefix("arn:aws:s3:::").unwrap_or(text))
}

/// Builds every bucket of every configuration (a root module and the
/// modules it calls): satellites link within their configuration, and an
/// account-wide public access block applies to all of its buckets.
pub(crate) fn build(model: &Model, placed: &[Placed], links: &Links) -> Vec<S3Bucket> {
    let mut buckets = Vec::new();
    for group in super::configurations(placed) {
        let resources: Vec<(&Resource, &Placed)> =
            group.iter().map(|p| (model.resource(p.id), p)).collect();
        let mut config = Configuration::default();
        for &(r, _) in resources.iter().filter(|(r, _)| r.resource_type == BUCKET) {
            let bucket = inline(r, &model.files);
            let names: Vec<String> = bucket
                .name
                .as_ref()
                .and_then(bucket_name)
                .map(str::to_string)
                .into_iter()
                .collect();
            config.add_subject(r.id, &names, bucket);
        }
        for &(r, p) in resources
            .iter()
            .filter(|(r, _)| SATELLITES.contains(&r.resource_type.as_str()))
        {
            let written = Node::Body(&r.body).attr("bucket");
            let targets = written.map_or_else(
                || vec![Target::Elsewhere],
                |t| targets(links, r.id, t, bucket_name),
            );
            config.attach(
                p.instance,
                &targets,
                written,
                || {
                    let mut bucket = S3Bucket::new(r.id);
                    bucket.name = written.cloned();
                    bucket.orphan = Some(
                        written
                            .cloned()
                            .unwrap_or_else(|| Value::unknown("no `bucket`", r.header)),
                    );
                    bucket
                },
                |bucket| apply_satellite(bucket, r, &model.files),
            );
        }
        config.link_log_targets(|holder, value| targets(links, holder, value, bucket_name));
        let mut views = config.into_views();
        if let Some((account, _)) = resources
            .iter()
            .find(|(r, _)| r.resource_type == ACCOUNT_BLOCK)
        {
            let block = public_access_block(header(account), Node::Body(&account.body));
            for bucket in &mut views {
                bucket.account_public_access_block = Some(block.clone());
            }
        }
        buckets.extend(views);
    }
    buckets
}

fn header(r: &Resource) -> Origin {
    Origin {
        resource: r.id,
        span: r.header,
    }
}

/// The settings written in the bucket resource itself.
fn inline(r: &Resource, files: &[SourceFile]) -> S3Bucket {
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
        bucket.acl = Some(Acl {
            origin: at(span),
            canned,
            grants: grant_parts.iter().map(inline_grant).collect(),
        });
    }
    bucket.versioning = node.block("versioning").map(|p| Versioning {
        origin: at(p.span),
        status: p.node.value("enabled"),
    });
    bucket.logging = node.block("logging").map(|p| logging(at(p.span), p.node));
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
    bucket.replication = node.block("replication_configuration").map(|p| at(p.span));
    bucket.policy = node.attr("policy").map(|v| ResourcePolicy {
        origin: at(v.span),
        document: policy_source(v, files),
    });
    bucket.tags = node.value("tags");
    bucket
}

/// A v4 satellite's settings, beside any the bucket states inline: AWS
/// applies both in an order nobody controls, so both are judged.
fn apply_satellite(bucket: &mut S3Bucket, r: &Resource, files: &[SourceFile]) {
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
                document: policy_source(policy, files),
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
        "aws_s3_bucket_replication_configuration" => S3Part::Replication(origin),
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

fn logging(origin: Origin, node: Node) -> Logging {
    Logging {
        origin,
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
