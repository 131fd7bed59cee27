//! The S3 bucket view: an `aws_s3_bucket`'s inline settings (AWS provider
//! v3) merged with its v4 satellite resources and the account-wide public
//! access block.

use phiguard_model::{
    Acl, Cors, CorsRule, Encryption, EncryptionRule, Grant, Logging, Model, Origin, Ownership,
    PublicAccessBlock, Resource, ResourcePolicy, S3Bucket, SourceFile, Versioning,
};

use super::build::Placed;
use super::link::{From, Links, Targets, Unlinked};
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

/// The part of the bucket view a satellite sets.
fn part(satellite: &str) -> &'static str {
    match satellite {
        "aws_s3_bucket_acl" => "acl",
        "aws_s3_bucket_policy" => "policy",
        "aws_s3_bucket_public_access_block" => "public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration" => "encryption",
        "aws_s3_bucket_versioning" => "versioning",
        "aws_s3_bucket_logging" => "logging",
        "aws_s3_bucket_replication_configuration" => "replication",
        "aws_s3_bucket_ownership_controls" => "ownership",
        "aws_s3_bucket_website_configuration" => "website",
        _ => "cors",
    }
}

/// A bucket name as a satellite may write it: the name or the bucket's ARN.
fn bucket_name(value: &phiguard_model::Value) -> Option<&str> {
    let text = value.as_str()?;
    Some(text.strip_prefix("arn:aws:s3:::").unwrap_or(text))
}

fn from(r: &Resource, p: &Placed) -> From {
    From {
        resource: r.id,
        instance: p.instance,
        file: r.file,
    }
}

/// Builds every bucket of every configuration (a root module and the
/// modules it calls): satellites link within their configuration, and an
/// account-wide public access block applies to all of its buckets.
pub(crate) fn build(model: &Model, placed: &[Placed], links: &Links) -> Vec<S3Bucket> {
    let mut buckets = Vec::new();
    let mut places = Vec::new();
    for group in super::configurations(placed) {
        let first = buckets.len();
        let resources: Vec<(&Resource, &Placed)> =
            group.iter().map(|p| (model.resource(p.id), p)).collect();
        let mut targets = Targets::default();
        for &(r, p) in resources.iter().filter(|(r, _)| r.resource_type == BUCKET) {
            let bucket = inline(r, &model.files);
            let name = bucket.name.as_ref().and_then(bucket_name);
            targets.add(r.id, name, from(r, p), buckets.len());
            buckets.push(bucket);
            places.push(*p);
        }
        let declared = first..buckets.len();
        let mut unlinked = Unlinked::default();
        for &(r, p) in resources
            .iter()
            .filter(|(r, _)| SATELLITES.contains(&r.resource_type.as_str()))
        {
            let target = Node::Body(&r.body).attr("bucket");
            let linked = target.and_then(|t| targets.resolve(from(r, p), t, bucket_name(t), links));
            let index = match linked {
                Some(index) => index,
                None => {
                    // A satellite naming an unknown bucket may configure any
                    // of them: that part of each is unknown, not absent.
                    let names_other = target.is_some_and(|t| links.target(r.id, t).is_some());
                    if let Some(t) = target.filter(|t| t.is_unknown() && !names_other) {
                        for bucket in &mut buckets[declared.clone()] {
                            bucket
                                .maybe_set_elsewhere
                                .push((part(&r.resource_type).into(), t.clone()));
                        }
                    }
                    let before = buckets.len();
                    let index =
                        unlinked.view(p.instance, target, links, r.id, &mut buckets, || {
                            // The bucket is declared elsewhere: its other
                            // settings are unknown, not absent.
                            let mut bucket = S3Bucket::new(r.id);
                            bucket.name = target.cloned();
                            bucket.unlinked = target.cloned();
                            bucket
                        });
                    if buckets.len() > before {
                        places.push(*p);
                    }
                    index
                }
            };
            apply_satellite(&mut buckets[index], r, &model.files);
        }
        if let Some((account, _)) = resources
            .iter()
            .find(|(r, _)| r.resource_type == ACCOUNT_BLOCK)
        {
            let block = public_access_block(header(account), Node::Body(&account.body));
            for bucket in &mut buckets[first..] {
                bucket.account_public_access_block = Some(block.clone());
            }
        }
    }
    link_log_targets(&mut buckets, &places, model, links);
    buckets
}

/// Records each bucket that delivers its access logs to another bucket on
/// that bucket: by reference, or by name anywhere.
fn link_log_targets(buckets: &mut [S3Bucket], places: &[Placed], model: &Model, links: &Links) {
    let mut names = Targets::default();
    for (i, (bucket, p)) in buckets.iter().zip(places).enumerate() {
        let r = model.resource(bucket.resource);
        if r.resource_type == BUCKET {
            let name = bucket.name.as_ref().and_then(bucket_name);
            names.add(r.id, name, from(r, p), i);
        }
    }
    let mut edges = Vec::new();
    for (i, (bucket, p)) in buckets.iter().zip(places).enumerate() {
        let Some(logging) = &bucket.logging else {
            continue;
        };
        let Some(target) = &logging.target_bucket else {
            continue;
        };
        let holder = model.resource(logging.origin.resource);
        if let Some(j) = names.resolve(from(holder, p), target, bucket_name(target), links) {
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
