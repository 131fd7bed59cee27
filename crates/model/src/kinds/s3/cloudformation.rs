//! The S3 bucket in CloudFormation: `AWS::S3::Bucket` properties, and the
//! policies of the `AWS::S3::BucketPolicy` resources that name it.

use crate::kinds::cloudformation::{
    block, each, field, header, items, part, property, tags, unknown_blocks, unknown_properties,
};
use crate::kinds::dialect::DialectMap;
use crate::kinds::{PolicyReader, View};
use crate::{
    Acl, BackupSelection, Cors, CorsRule, Encryption, EncryptionRule, Logging, Origin, Ownership,
    PublicAccessBlock, Replication, ReplicationRule, Resource, ResourcePolicy, S3Bucket, S3Part,
    Value, Versioning,
};

pub(super) const CLOUDFORMATION: DialectMap<S3Bucket> = DialectMap {
    subjects: &["AWS::S3::Bucket"],
    satellites: &[("AWS::S3::BucketPolicy", "Bucket")],
    configuration_wide: &["AWS::Backup::BackupSelection"],
    name_argument: "BucketName",
    id_is_name: true,
    arn_of_name: Some(|name| format!("arn:aws:s3:::{name}")),
    link_name: Value::as_str,
    subject,
    satellite,
    configuration,
};

/// `AWS::Backup::BackupSelection` may back any bucket of the template up:
/// `BackupSelection.Resources` says which.
fn configuration(bucket: &mut S3Bucket, r: &Resource) {
    if r.resource_type != "AWS::Backup::BackupSelection" {
        return;
    }
    // Properties unknown as a whole: the resources are unknown too.
    let selection = unknown_properties(r).or_else(|| property(r, "BackupSelection"));
    bucket.backup_selections.push(BackupSelection {
        origin: header(r),
        resources: selection.as_ref().and_then(|s| field(s, &["Resources"])),
        not_resources: selection.as_ref().and_then(|s| field(s, &["NotResources"])),
        references: Vec::new(),
    });
}

/// `AWS::S3::BucketPolicy`: a policy beside any other the bucket has.
fn satellite(bucket: &mut S3Bucket, r: &Resource, policies: &dyn PolicyReader) {
    if let Some(document) = property(r, "PolicyDocument") {
        bucket.set(S3Part::Policy(ResourcePolicy {
            origin: header(r),
            document: policies.policy(&document),
        }));
    }
}

/// An `AWS::S3::Bucket`'s properties.
fn subject(r: &Resource, _: &dyn PolicyReader) -> S3Bucket {
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
    bucket.acl = part(r, "AccessControl")
        .map(|p| Acl {
            origin: Origin {
                resource: r.id,
                span: p.value.span,
            },
            canned: Some(p.value.clone()),
            grants: Vec::new(),
        })
        .map(Box::new);
    bucket.public_access_block = block(r, "PublicAccessBlockConfiguration")
        .map(|p| PublicAccessBlock {
            origin: p.origin,
            block_public_acls: field(p.value, &["BlockPublicAcls"]),
            block_public_policy: field(p.value, &["BlockPublicPolicy"]),
            ignore_public_acls: field(p.value, &["IgnorePublicAcls"]),
            restrict_public_buckets: field(p.value, &["RestrictPublicBuckets"]),
        })
        .map(Box::new);
    bucket.ownership = block(r, "OwnershipControls")
        .map(|p| Ownership {
            origin: p.origin,
            object_ownership: field(p.value, &["Rules"]).and_then(|rules| {
                items(&rules)
                    .first()
                    .and_then(|rule| field(rule, &["ObjectOwnership"]))
            }),
        })
        .map(Box::new);
    bucket.encryption = block(r, "BucketEncryption").map(|p| Encryption {
        origin: p.origin,
        rules: each(p.value, "ServerSideEncryptionConfiguration", |rule| {
            let default = "ServerSideEncryptionByDefault";
            EncryptionRule {
                span: rule.span,
                algorithm: field(rule, &[default, "SSEAlgorithm"]),
                kms_key_id: field(rule, &[default, "KMSMasterKeyID"]),
                bucket_key_enabled: field(rule, &["BucketKeyEnabled"]),
            }
        }),
    });
    bucket.versioning = block(r, "VersioningConfiguration")
        .map(|p| Versioning {
            origin: p.origin,
            status: field(p.value, &["Status"]),
        })
        .map(Box::new);
    bucket.logging = block(r, "LoggingConfiguration")
        .map(|p| {
            let target_bucket = field(p.value, &["DestinationBucketName"]);
            Logging {
                origin: p.origin,
                // Without a destination, S3 delivers the logs to the bucket itself.
                to_itself: target_bucket.is_none(),
                target_bucket,
                target_prefix: field(p.value, &["LogFilePrefix"]),
            }
        })
        .map(Box::new);
    bucket.replication = block(r, "ReplicationConfiguration").map(|p| Replication {
        origin: p.origin,
        rules: each(p.value, "Rules", |rule| ReplicationRule {
            span: rule.span,
            status: field(rule, &["Status"]),
        }),
    });
    bucket.website = block(r, "WebsiteConfiguration").map(|p| p.origin);
    bucket.cors = block(r, "CorsConfiguration").map(|p| Cors {
        origin: p.origin,
        rules: each(p.value, "CorsRules", |rule| CorsRule {
            span: rule.span,
            allowed_origins: field(rule, &["AllowedOrigins"]),
        }),
    });
    bucket.tags = property(r, "Tags").map(|t| tags(&t));
    bucket
}
