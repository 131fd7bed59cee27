//! The S3 bucket as rules see it, whether its settings were written inline,
//! in Terraform satellite resources (`aws_s3_bucket_acl`, ...) or in a
//! CloudFormation `AWS::S3::BucketPolicy`.

use crate::{ResourceId, ResourcePolicy, Span, Value};

/// Where a part of a resource is written: the resource that holds it (the
/// bucket itself or a satellite) and the block, map or resource header that
/// findings about it point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub resource: ResourceId,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct S3Bucket {
    /// The bucket resource, or a satellite that could not be linked to one.
    pub resource: ResourceId,
    /// The bucket name, when written (`bucket`, `BucketName`).
    pub name: Option<Value>,
    pub acl: Option<Acl>,
    pub public_access_block: Option<PublicAccessBlock>,
    /// `aws_s3_account_public_access_block`, which applies to every bucket.
    pub account_public_access_block: Option<PublicAccessBlock>,
    pub ownership: Option<Ownership>,
    pub encryption: Option<Encryption>,
    pub versioning: Option<Versioning>,
    pub logging: Option<Logging>,
    pub replication: Option<Origin>,
    pub website: Option<Origin>,
    pub cors: Option<Cors>,
    pub tags: Option<Value>,
    pub policy: Option<ResourcePolicy>,
    /// Buckets whose server access logs are delivered to this one.
    pub log_sources: Vec<ResourceId>,
    /// Set when the view cannot see all of the resource's settings: it was
    /// made from a satellite whose target phiguard cannot find, or the
    /// resource's properties as a whole are not known offline. Parts this
    /// view lacks are then unknown, not absent. The value says why.
    pub unlinked: Option<Value>,
    /// Parts (`versioning`, `policy`, ...) that a satellite whose target is
    /// unknown may set on this resource, with that unknown target.
    pub maybe_set_elsewhere: Vec<(String, Value)>,
}

impl S3Bucket {
    pub fn new(resource: ResourceId) -> Self {
        S3Bucket {
            resource,
            name: None,
            acl: None,
            public_access_block: None,
            account_public_access_block: None,
            ownership: None,
            encryption: None,
            versioning: None,
            logging: None,
            replication: None,
            website: None,
            cors: None,
            tags: None,
            policy: None,
            log_sources: Vec::new(),
            unlinked: None,
            maybe_set_elsewhere: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Acl {
    pub origin: Origin,
    /// `acl = "public-read"`, `AccessControl: PublicRead`.
    pub canned: Option<Value>,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub span: Span,
    /// `Group`, `CanonicalUser`, `AmazonCustomerByEmail`.
    pub grantee_type: Option<Value>,
    /// For groups: `http://acs.amazonaws.com/groups/global/AllUsers`, ...
    pub uri: Option<Value>,
    pub id: Option<Value>,
    pub permission: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct PublicAccessBlock {
    pub origin: Origin,
    pub block_public_acls: Option<Value>,
    pub block_public_policy: Option<Value>,
    pub ignore_public_acls: Option<Value>,
    pub restrict_public_buckets: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Ownership {
    pub origin: Origin,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred`, `ObjectWriter`.
    pub object_ownership: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Encryption {
    pub origin: Origin,
    pub rules: Vec<EncryptionRule>,
}

#[derive(Debug, Clone)]
pub struct EncryptionRule {
    pub span: Span,
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub algorithm: Option<Value>,
    pub kms_key_id: Option<Value>,
    pub bucket_key_enabled: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Versioning {
    pub origin: Origin,
    /// `"Enabled"`, `"Suspended"`, `"Disabled"`, or the boolean of Terraform's
    /// older inline `versioning { enabled = ... }`.
    pub status: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Logging {
    pub origin: Origin,
    pub target_bucket: Option<Value>,
    pub target_prefix: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Cors {
    pub origin: Origin,
    pub rules: Vec<CorsRule>,
}

#[derive(Debug, Clone)]
pub struct CorsRule {
    pub span: Span,
    pub allowed_origins: Option<Value>,
}
