//! The S3 bucket view: an `aws_s3_bucket`'s inline settings (AWS provider
//! v3) merged with its v4 satellite resources and the account-wide public
//! access block.

use phiguard_model::{
    Acl, Cors, CorsRule, Encryption, EncryptionRule, Grant, Logging, Model, Origin, Ownership,
    PublicAccessBlock, Resource, ResourceId, ResourcePolicy, S3Bucket, SourceFile, Versioning,
};

use super::eval::References;
use super::link::{Link, Targets, Unlinked};
use super::node::{Node, Part};
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
const LINK: Link = Link {
    types: &[BUCKET],
    attributes: &["id", "bucket", "arn"],
};

/// Builds every bucket of every module (`modules`: each module's resources).
pub(crate) fn build(
    model: &Model,
    modules: &[Vec<ResourceId>],
    refs: &References,
) -> Vec<S3Bucket> {
    let mut buckets = Vec::new();
    let mut module_of = Vec::new();
    let mut module_targets = Vec::new();
    for (module, ids) in modules.iter().enumerate() {
        let first = buckets.len();
        let resources: Vec<&Resource> = ids.iter().map(|&id| model.resource(id)).collect();
        let mut targets = Targets::default();
        for r in resources.iter().filter(|r| r.resource_type == BUCKET) {
            let bucket = inline(r, &model.files);
            targets.add(&r.address, bucket.name.as_ref(), r.file, buckets.len());
            buckets.push(bucket);
        }
        let mut unlinked = Unlinked::default();
        for r in resources
            .iter()
            .filter(|r| SATELLITES.contains(&r.resource_type.as_str()))
        {
            let target = Node::Body(&r.body).attr("bucket");
            let index = match target.and_then(|t| targets.resolve(t, refs, &LINK)) {
                Some(index) => index,
                None => unlinked.view(target, refs, &mut buckets, || {
                    let mut bucket = S3Bucket::new(r.id);
                    bucket.name = target.cloned();
                    bucket
                }),
            };
            apply_satellite(&mut buckets[index], r, &model.files);
        }
        if let Some(account) = resources.iter().find(|r| r.resource_type == ACCOUNT_BLOCK) {
            let block = public_access_block(header(account), Node::Body(&account.body));
            for bucket in &mut buckets[first..] {
                bucket.account_public_access_block = Some(block.clone());
            }
        }
        module_of.resize(buckets.len(), module);
        module_targets.push(targets);
    }
    link_log_targets(&mut buckets, &module_of, &module_targets, refs);
    buckets
}

/// Records each bucket that delivers its access logs to another bucket on
/// that bucket: by reference within the module, or by name anywhere.
fn link_log_targets(
    buckets: &mut [S3Bucket],
    module_of: &[usize],
    module_targets: &[Targets],
    refs: &References,
) {
    let mut names = Targets::default();
    for (i, bucket) in buckets.iter().enumerate() {
        if let Some(name) = &bucket.name {
            names.add_name(Some(name), name.span.file, i);
        }
    }
    let mut edges = Vec::new();
    for (i, bucket) in buckets.iter().enumerate() {
        let Some(target) = bucket
            .logging
            .as_ref()
            .and_then(|l| l.target_bucket.as_ref())
        else {
            continue;
        };
        let local = module_of
            .get(i)
            .and_then(|&m| module_targets.get(m))
            .and_then(|t| t.resolve(target, refs, &LINK));
        if let Some(j) = local.or_else(|| names.resolve_name(target)) {
            if j != i {
                edges.push((j, bucket.resource));
            }
        }
    }
    for (j, source) in edges {
        if !buckets[j].log_sources.contains(&source) {
            buckets[j].log_sources.push(source);
        }
    }
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

/// A v4 satellite's settings; they replace inline ones, as they do in AWS.
fn apply_satellite(bucket: &mut S3Bucket, r: &Resource, files: &[SourceFile]) {
    let node = Node::Body(&r.body);
    let origin = header(r);
    match r.resource_type.as_str() {
        "aws_s3_bucket_acl" => {
            let grants = node
                .block("access_control_policy")
                .map(|p| p.node.blocks("grant").iter().map(v4_grant).collect())
                .unwrap_or_default();
            bucket.acl = Some(Acl {
                origin,
                canned: node.value("acl"),
                grants,
            });
        }
        "aws_s3_bucket_policy" => {
            if let Some(policy) = node.attr("policy") {
                bucket.policy = Some(ResourcePolicy {
                    origin,
                    document: policy_source(policy, files),
                });
            }
        }
        "aws_s3_bucket_public_access_block" => {
            bucket.public_access_block = Some(public_access_block(origin, node));
        }
        "aws_s3_bucket_server_side_encryption_configuration" => {
            bucket.encryption = Some(encryption(origin, node));
        }
        "aws_s3_bucket_versioning" => {
            bucket.versioning = Some(Versioning {
                origin,
                status: node.nested("versioning_configuration", "status"),
            });
        }
        "aws_s3_bucket_logging" => bucket.logging = Some(logging(origin, node)),
        "aws_s3_bucket_replication_configuration" => bucket.replication = Some(origin),
        "aws_s3_bucket_ownership_controls" => {
            bucket.ownership = Some(Ownership {
                origin,
                object_ownership: node.nested("rule", "object_ownership"),
            });
        }
        "aws_s3_bucket_website_configuration" => bucket.website = Some(origin),
        "aws_s3_bucket_cors_configuration" => {
            bucket.cors = Some(Cors {
                origin,
                rules: node.blocks("cors_rule").iter().map(cors_rule).collect(),
            });
        }
        _ => {}
    }
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
