//! The S3 bucket as rules see it, whether its settings were written inline,
//! in Terraform satellite resources (`aws_s3_bucket_acl`, ...) or in a
//! CloudFormation `AWS::S3::BucketPolicy`.

use crate::kinds::View;
use crate::{Origin, ResourceId, ResourcePolicy, Span, Value};

#[derive(Debug, Clone)]
pub struct S3Bucket {
    /// The bucket resource, or a satellite that could not be linked to one.
    pub resource: ResourceId,
    /// The bucket name, when written (`bucket`, `BucketName`).
    pub name: Option<Value>,
    // The larger parts are boxed: most buckets state few of them, and a
    // run holds every view until its rules ran (50,000 buckets took 79 MB
    // of views at 1,576 bytes each, 28 MB at 552).
    pub acl: Option<Box<Acl>>,
    pub public_access_block: Option<Box<PublicAccessBlock>>,
    /// `aws_s3_account_public_access_block`, which applies to every bucket.
    pub account_public_access_block: Option<Box<PublicAccessBlock>>,
    pub ownership: Option<Box<Ownership>>,
    pub encryption: Option<Encryption>,
    pub versioning: Option<Box<Versioning>>,
    pub logging: Option<Box<Logging>>,
    pub replication: Option<Replication>,
    pub website: Option<Origin>,
    pub cors: Option<Cors>,
    pub tags: Option<Value>,
    pub policy: Option<Box<ResourcePolicy>>,
    /// Buckets whose server access logs are delivered to this one.
    pub log_sources: Vec<ResourceId>,
    /// The AWS Backup selections of the configuration (configuration-wide
    /// resources: each may name this bucket, or not).
    pub backup_selections: Vec<BackupSelection>,
    /// Set when the resource's properties as a whole are not known offline
    /// (a CloudFormation `Properties` under an undecidable condition): parts
    /// this view lacks are then unknown, not absent. The value says why.
    pub unlinked: Option<Value>,
    /// Parts (`versioning`, ...) that the resource itself may set under a
    /// condition that cannot be decided, with that unknown value.
    pub maybe_set_elsewhere: Vec<(String, Value)>,
    /// Set when the view stands for satellites whose bucket is not in the
    /// configuration (an orphan): the bucket expression they write
    /// (`var.bucket_id`, `"phi-exports"`). Such a view is judged only on the
    /// parts its satellites carry.
    pub orphan: Option<Value>,
    /// Sources of parts beyond the first (see [`crate::kinds::variants`]).
    pub further_sources: Vec<S3Part>,
}

/// One part of a bucket's settings, as one source states it.
#[derive(Debug, Clone)]
pub enum S3Part {
    Acl(Acl),
    PublicAccessBlock(PublicAccessBlock),
    Ownership(Ownership),
    Encryption(Encryption),
    Versioning(Versioning),
    Logging(Logging),
    Replication(Replication),
    Website(Origin),
    Cors(Cors),
    Policy(ResourcePolicy),
}

/// Which part of a bucket: what a satellite sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum S3PartKind {
    Acl,
    PublicAccessBlock,
    Ownership,
    Encryption,
    Versioning,
    Logging,
    Replication,
    Website,
    Cors,
    Policy,
}

impl S3PartKind {
    pub const ALL: [S3PartKind; 10] = [
        S3PartKind::Acl,
        S3PartKind::PublicAccessBlock,
        S3PartKind::Ownership,
        S3PartKind::Encryption,
        S3PartKind::Versioning,
        S3PartKind::Logging,
        S3PartKind::Replication,
        S3PartKind::Website,
        S3PartKind::Cors,
        S3PartKind::Policy,
    ];

    /// The part's name, the first segment of its facts (`acl.canned`).
    pub fn name(self) -> &'static str {
        match self {
            S3PartKind::Acl => "acl",
            S3PartKind::PublicAccessBlock => "public_access_block",
            S3PartKind::Ownership => "ownership",
            S3PartKind::Encryption => "encryption",
            S3PartKind::Versioning => "versioning",
            S3PartKind::Logging => "logging",
            S3PartKind::Replication => "replication",
            S3PartKind::Website => "website",
            S3PartKind::Cors => "cors",
            S3PartKind::Policy => "policy",
        }
    }
}

impl S3Part {
    pub fn kind(&self) -> S3PartKind {
        match self {
            S3Part::Acl(_) => S3PartKind::Acl,
            S3Part::PublicAccessBlock(_) => S3PartKind::PublicAccessBlock,
            S3Part::Ownership(_) => S3PartKind::Ownership,
            S3Part::Encryption(_) => S3PartKind::Encryption,
            S3Part::Versioning(_) => S3PartKind::Versioning,
            S3Part::Logging(_) => S3PartKind::Logging,
            S3Part::Replication(_) => S3PartKind::Replication,
            S3Part::Website(_) => S3PartKind::Website,
            S3Part::Cors(_) => S3PartKind::Cors,
            S3Part::Policy(_) => S3PartKind::Policy,
        }
    }
}

impl View for S3Bucket {
    type Part = S3Part;
    type PartKind = S3PartKind;

    fn kind_of(part: &S3Part) -> S3PartKind {
        part.kind()
    }

    fn part(&self, kind: S3PartKind) -> Option<S3Part> {
        match kind {
            S3PartKind::Acl => self.acl.as_deref().cloned().map(S3Part::Acl),
            S3PartKind::PublicAccessBlock => self
                .public_access_block
                .as_deref()
                .cloned()
                .map(S3Part::PublicAccessBlock),
            S3PartKind::Ownership => self.ownership.as_deref().cloned().map(S3Part::Ownership),
            S3PartKind::Encryption => self.encryption.clone().map(S3Part::Encryption),
            S3PartKind::Versioning => self.versioning.as_deref().cloned().map(S3Part::Versioning),
            S3PartKind::Logging => self.logging.as_deref().cloned().map(S3Part::Logging),
            S3PartKind::Replication => self.replication.clone().map(S3Part::Replication),
            S3PartKind::Website => self.website.map(S3Part::Website),
            S3PartKind::Cors => self.cors.clone().map(S3Part::Cors),
            S3PartKind::Policy => self.policy.as_deref().cloned().map(S3Part::Policy),
        }
    }

    fn put(&mut self, part: S3Part) {
        match part {
            S3Part::Acl(p) => self.acl = Some(Box::new(p)),
            S3Part::PublicAccessBlock(p) => self.public_access_block = Some(Box::new(p)),
            S3Part::Ownership(p) => self.ownership = Some(Box::new(p)),
            S3Part::Encryption(p) => self.encryption = Some(p),
            S3Part::Versioning(p) => self.versioning = Some(Box::new(p)),
            S3Part::Logging(p) => self.logging = Some(Box::new(p)),
            S3Part::Replication(p) => self.replication = Some(p),
            S3Part::Website(p) => self.website = Some(p),
            S3Part::Cors(p) => self.cors = Some(p),
            S3Part::Policy(p) => self.policy = Some(Box::new(p)),
        }
    }

    fn further_sources(&mut self) -> &mut Vec<S3Part> {
        &mut self.further_sources
    }
}

impl S3Bucket {
    /// Whether the view holds this part (from any source).
    pub fn has(&self, kind: S3PartKind) -> bool {
        self.part(kind).is_some()
    }
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
            backup_selections: Vec::new(),
            unlinked: None,
            maybe_set_elsewhere: Vec::new(),
            orphan: None,
            further_sources: Vec::new(),
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
    /// The bucket that receives the logs. CloudFormation's
    /// `LoggingConfiguration` without `DestinationBucketName` logs to the
    /// bucket itself (`to_itself`).
    pub target_bucket: Option<Value>,
    pub to_itself: bool,
    pub target_prefix: Option<Value>,
}

/// A replication configuration: where it is written and the status of
/// each of its rules (`rule { status }`, `rules { status }`,
/// `Rules[].Status`). Rules that are all `Disabled` replicate nothing.
#[derive(Debug, Clone)]
pub struct Replication {
    pub origin: Origin,
    pub rules: Vec<ReplicationRule>,
}

#[derive(Debug, Clone)]
pub struct ReplicationRule {
    pub span: Span,
    /// `Enabled` or `Disabled`, as written.
    pub status: Option<Value>,
}

/// An AWS Backup selection (`aws_backup_selection`,
/// `AWS::Backup::BackupSelection`): the resources it backs up.
#[derive(Debug, Clone)]
pub struct BackupSelection {
    pub origin: Origin,
    /// `resources` / `Resources`: ARNs or ARN patterns, as written.
    pub resources: Option<Value>,
    /// `not_resources` / `NotResources`: ARNs or patterns left out.
    pub not_resources: Option<Value>,
    /// The resources that items of both lists reference, by the span of
    /// the item (`aws_s3_bucket.b.arn`, `!GetAtt B.Arn`), as the front end
    /// resolved them ([`crate::kinds::Subject::resolve_references`]).
    pub references: Vec<(Span, ResourceId)>,
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
