//! The S3 bucket view: `AWS::S3::Bucket` properties, and the policy of the
//! `AWS::S3::BucketPolicy` that names the bucket.

use std::collections::HashMap;

use phiguard_model::{
    Acl, Cors, CorsRule, Encryption, EncryptionRule, Logging, Model, Origin, Ownership,
    PublicAccessBlock, Resource, ResourcePolicy, S3Bucket, S3Part, Value, ValueKind, Versioning,
    View,
};

use super::trace::Trace;
use super::view::{block, field, header, items, part, policy, property, tags, unknown_blocks};
use super::Template;
use crate::link::{Configuration, Target};

const BUCKET: &str = "AWS::S3::Bucket";
const POLICY: &str = "AWS::S3::BucketPolicy";

/// Builds the buckets of each template (a configuration of its own) and
/// gives each `AWS::S3::BucketPolicy` to the bucket it names.
pub(crate) fn build(model: &Model, templates: &[Template], trace: &Trace) -> Vec<S3Bucket> {
    let mut buckets = Vec::new();
    for template in templates {
        let mut config = Configuration::default();
        let mut logical_ids = HashMap::new();
        for (id, raw) in &template.resources {
            let r = model.resource(*id);
            logical_ids.insert(r.address.as_str(), *id);
            if r.resource_type != BUCKET {
                continue;
            }
            let bucket = inline(r);
            let mut names = Vec::new();
            if let Some(name) = bucket.name.as_ref().and_then(Value::as_str) {
                names.push(name.to_string());
            }
            if let Some(expr) = raw.as_ref().and_then(|p| p.get("BucketName")) {
                names.push(expression_key(expr));
            }
            config.add_subject(r.id, &names, bucket);
        }
        let targets = |value: &Value, raw: Option<&Value>| {
            let mut targets = Vec::new();
            if let Some(reference) = trace.reference(value) {
                match logical_ids.get(reference.logical_id.as_str()) {
                    Some(&id) => targets.push(Target::Resource(id)),
                    None => targets.push(Target::Elsewhere),
                }
                return targets;
            }
            if let Some(name) = value.as_str() {
                targets.push(Target::Name(name.to_string()));
            }
            if let Some(raw) = raw {
                targets.push(Target::Name(expression_key(raw)));
            }
            if targets.is_empty() {
                targets.push(Target::Elsewhere);
            }
            targets
        };
        for (id, raw) in &template.resources {
            let r = model.resource(*id);
            if r.resource_type != POLICY {
                continue;
            }
            let written = property(r, "Bucket");
            let raw_target = raw.as_ref().and_then(|p| p.get("Bucket"));
            let targets = written
                .as_ref()
                .map_or_else(|| vec![Target::Elsewhere], |t| targets(t, raw_target));
            config.attach(
                0,
                &targets,
                written.as_ref(),
                || {
                    let mut bucket = S3Bucket::new(r.id);
                    bucket.name = written.clone();
                    bucket.orphan = Some(
                        written
                            .clone()
                            .unwrap_or_else(|| Value::unknown("no `Bucket`", r.header)),
                    );
                    bucket
                },
                |bucket| {
                    if let Some(document) = property(r, "PolicyDocument") {
                        bucket.set(S3Part::Policy(ResourcePolicy {
                            origin: header(r),
                            document: policy(&document, &model.files, trace),
                        }));
                    }
                },
            );
        }
        config.link_log_targets(|_, value| targets(value, None));
        buckets.extend(config.into_views());
    }
    buckets
}

/// A key for a name expression as written (`!Sub "${AWS::StackName}-logs"`):
/// a bucket policy naming its bucket by the same expression as the
/// bucket's `BucketName` names that bucket.
fn expression_key(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match &value.kind {
            ValueKind::List(items) => {
                out.push('[');
                for item in items {
                    write(item, out);
                    out.push(',');
                }
                out.push(']');
            }
            ValueKind::Map(entries) => {
                out.push('{');
                for (key, item) in entries {
                    out.push_str(&format!("{:?}:", key.value));
                    write(item, out);
                    out.push(',');
                }
                out.push('}');
            }
            _ => out.push_str(&value.display()),
        }
    }
    let mut out = String::from("expression ");
    write(value, &mut out);
    out
}

/// An `AWS::S3::Bucket`'s properties.
fn inline(r: &Resource) -> S3Bucket {
    let mut bucket = S3Bucket::new(r.id);
    bucket.unlinked = unknown_properties(r);
    bucket.maybe_set_elsewhere = unknown_blocks(
        r,
        &[
            ("PublicAccessBlockConfiguration", "public_access_block"),
            ("OwnershipControls", "ownership"),
            ("BucketEncryption", "encryption"),
            ("VersioningConfiguration", "versioning"),
            ("LoggingConfiguration", "logging"),
            ("ReplicationConfiguration", "replication"),
            ("WebsiteConfiguration", "website"),
            ("CorsConfiguration", "cors"),
        ],
    );
    bucket.name = property(r, "BucketName");
    bucket.acl = part(r, "AccessControl").map(|p| Acl {
        origin: Origin {
            resource: r.id,
            span: p.value.span,
        },
        canned: Some(p.value.clone()),
        grants: Vec::new(),
    });
    bucket.public_access_block =
        block(r, "PublicAccessBlockConfiguration").map(|p| PublicAccessBlock {
            origin: p.origin,
            block_public_acls: field(p.value, &["BlockPublicAcls"]),
            block_public_policy: field(p.value, &["BlockPublicPolicy"]),
            ignore_public_acls: field(p.value, &["IgnorePublicAcls"]),
            restrict_public_buckets: field(p.value, &["RestrictPublicBuckets"]),
        });
    bucket.ownership = block(r, "OwnershipControls").map(|p| Ownership {
        origin: p.origin,
        object_ownership: field(p.value, &["Rules"]).and_then(|rules| {
            items(&rules)
                .first()
                .and_then(|rule| field(rule, &["ObjectOwnership"]))
        }),
    });
    bucket.encryption = block(r, "BucketEncryption").map(|p| {
        let rules = field(p.value, &["ServerSideEncryptionConfiguration"]);
        Encryption {
            origin: p.origin,
            rules: rules
                .as_ref()
                .map(items)
                .unwrap_or_default()
                .into_iter()
                .map(|rule| {
                    let default = ["ServerSideEncryptionByDefault"];
                    EncryptionRule {
                        span: rule.span,
                        algorithm: field(rule, &[default[0], "SSEAlgorithm"]),
                        kms_key_id: field(rule, &[default[0], "KMSMasterKeyID"]),
                        bucket_key_enabled: field(rule, &["BucketKeyEnabled"]),
                    }
                })
                .collect(),
        }
    });
    bucket.versioning = block(r, "VersioningConfiguration").map(|p| Versioning {
        origin: p.origin,
        status: field(p.value, &["Status"]),
    });
    bucket.logging = block(r, "LoggingConfiguration").map(|p| Logging {
        origin: p.origin,
        target_bucket: field(p.value, &["DestinationBucketName"]),
        target_prefix: field(p.value, &["LogFilePrefix"]),
    });
    bucket.replication = block(r, "ReplicationConfiguration").map(|p| p.origin);
    bucket.website = block(r, "WebsiteConfiguration").map(|p| p.origin);
    bucket.cors = block(r, "CorsConfiguration").map(|p| {
        let rules = field(p.value, &["CorsRules"]);
        Cors {
            origin: p.origin,
            rules: rules
                .as_ref()
                .map(items)
                .unwrap_or_default()
                .into_iter()
                .map(|rule| CorsRule {
                    span: rule.span,
                    allowed_origins: field(rule, &["AllowedOrigins"]),
                })
                .collect(),
        }
    });
    bucket.tags = property(r, "Tags").map(|t| tags(&t));
    bucket
}

/// `Properties` that could not be known as a whole: every setting of the
/// resource is then unknown, not absent.
pub(crate) fn unknown_properties(r: &Resource) -> Option<Value> {
    r.body
        .attribute("Properties")
        .filter(|v| v.is_unknown())
        .cloned()
}
