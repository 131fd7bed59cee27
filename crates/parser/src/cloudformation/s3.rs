//! The S3 bucket view: `AWS::S3::Bucket` properties, and the policy of the
//! `AWS::S3::BucketPolicy` that names the bucket.

use std::collections::HashMap;

use phiguard_model::{
    Acl, Cors, CorsRule, Encryption, EncryptionRule, Logging, Model, Origin, Ownership,
    PublicAccessBlock, Resource, ResourcePolicy, S3Bucket, Value, Versioning,
};

use super::functions::same;
use super::trace::Trace;
use super::view::{block, field, header, items, part, policy, property, tags, unknown_blocks};
use super::Template;

const BUCKET: &str = "AWS::S3::Bucket";
const POLICY: &str = "AWS::S3::BucketPolicy";

/// The buckets of one template, for linking: by logical id, by literal
/// name, and by the expression that names them.
#[derive(Default)]
struct Targets<'a> {
    by_id: HashMap<&'a str, usize>,
    by_name: HashMap<String, usize>,
    by_expr: Vec<(&'a Value, usize)>,
}

impl Targets<'_> {
    /// The bucket `value` names (`raw`: the same value as written).
    fn resolve(&self, value: &Value, raw: Option<&Value>, trace: &Trace) -> Option<usize> {
        if let Some(reference) = trace.reference(value) {
            return self.by_id.get(reference.logical_id.as_str()).copied();
        }
        if let Some(name) = value.as_str() {
            if let Some(&index) = self.by_name.get(name) {
                return Some(index);
            }
        }
        let raw = raw?;
        self.by_expr
            .iter()
            .find(|(expr, _)| same(expr, raw))
            .map(|&(_, index)| index)
    }
}

pub(crate) fn build(model: &Model, templates: &[Template], trace: &Trace) -> Vec<S3Bucket> {
    let mut buckets = Vec::new();
    let mut all_targets = Vec::with_capacity(templates.len());
    let mut template_of = Vec::new();
    for (t, template) in templates.iter().enumerate() {
        let first = buckets.len();
        let mut targets = Targets::default();
        for (id, raw) in &template.resources {
            let r = model.resource(*id);
            if r.resource_type != BUCKET {
                continue;
            }
            let bucket = inline(r);
            targets.by_id.insert(&r.address, buckets.len());
            if let Some(name) = bucket.name.as_ref().and_then(Value::as_str) {
                targets
                    .by_name
                    .entry(name.to_string())
                    .or_insert(buckets.len());
            }
            if let Some(expr) = raw.as_ref().and_then(|p| p.get("BucketName")) {
                targets.by_expr.push((expr, buckets.len()));
            }
            buckets.push(bucket);
        }
        let declared = buckets.len();
        attach_policies(
            model,
            template,
            &targets,
            trace,
            &mut buckets,
            first..declared,
        );
        template_of.resize(buckets.len(), t);
        all_targets.push(targets);
    }
    link_log_targets(&mut buckets, &template_of, &all_targets, trace);
    buckets
}

/// Gives each `AWS::S3::BucketPolicy` to the bucket it names. A policy
/// naming a bucket the template does not declare gets a view of its own;
/// one whose target is unknown may be any bucket's (`declared`: this
/// template's buckets), so their `policy` is unknown rather than absent.
fn attach_policies(
    model: &Model,
    template: &Template,
    targets: &Targets,
    trace: &Trace,
    buckets: &mut Vec<S3Bucket>,
    declared: std::ops::Range<usize>,
) {
    let mut unlinked: HashMap<String, usize> = HashMap::new();
    for (id, raw) in &template.resources {
        let r = model.resource(*id);
        if r.resource_type != POLICY {
            continue;
        }
        let target = property(r, "Bucket");
        let raw_target = raw.as_ref().and_then(|p| p.get("Bucket"));
        let linked = target
            .as_ref()
            .and_then(|t| targets.resolve(t, raw_target, trace));
        let index = match linked {
            Some(index) => index,
            None => {
                if let Some(t) = target
                    .as_ref()
                    .filter(|t| t.is_unknown() && trace.reference(t).is_none())
                {
                    for bucket in &mut buckets[declared.clone()] {
                        bucket
                            .maybe_set_elsewhere
                            .push(("policy".into(), t.clone()));
                    }
                }
                // Policies naming the same missing bucket share a view.
                let key = target.as_ref().map(|t| group_key(t, trace));
                match key.as_ref().and_then(|k| unlinked.get(k)) {
                    Some(&index) => index,
                    None => {
                        // The bucket is declared elsewhere: its other
                        // settings are unknown, not absent.
                        let mut bucket = S3Bucket::new(r.id);
                        bucket.name = target.clone();
                        bucket.unlinked = target.clone();
                        buckets.push(bucket);
                        if let Some(key) = key {
                            unlinked.insert(key, buckets.len() - 1);
                        }
                        buckets.len() - 1
                    }
                }
            }
        };
        if let Some(document) = property(r, "PolicyDocument") {
            buckets[index].policy = Some(ResourcePolicy {
                origin: header(r),
                document: policy(&document, &model.files, trace),
            });
        }
    }
}

fn group_key(target: &Value, trace: &Trace) -> String {
    match (trace.reference(target), target.as_str()) {
        (Some(reference), _) => format!("ref {}", reference.logical_id),
        (None, Some(name)) => format!("name {name}"),
        _ => format!("expr {}", target.display()),
    }
}

/// Records each bucket that delivers its access logs to another bucket on
/// that bucket: by reference within its template, or by name anywhere
/// (bucket names are global).
fn link_log_targets(
    buckets: &mut [S3Bucket],
    template_of: &[usize],
    targets: &[Targets],
    trace: &Trace,
) {
    let mut edges = Vec::new();
    for (i, bucket) in buckets.iter().enumerate() {
        let Some(target) = bucket
            .logging
            .as_ref()
            .and_then(|l| l.target_bucket.as_ref())
        else {
            continue;
        };
        let local = template_of
            .get(i)
            .and_then(|&t| targets.get(t))
            .and_then(|t| t.resolve(target, None, trace));
        let by_name = || {
            let name = target.as_str()?;
            targets.iter().find_map(|t| t.by_name.get(name).copied())
        };
        if let Some(j) = local.or_else(by_name) {
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
