//! The S3 access point as rules see it: its own public access block,
//! network origin and policy (inline or from an
//! `aws_s3control_access_point_policy`), and what it reads of its bucket
//! and account (their public access blocks, the bucket's tags).

use crate::kinds::View;
use crate::{Origin, PublicAccessBlock, ResourceId, ResourcePolicy, Value};

#[derive(Debug, Clone)]
pub struct S3AccessPoint {
    /// The access point, or a policy satellite that could not be linked to one.
    pub resource: ResourceId,
    /// The access point's name, when written (`name`, `Name`).
    pub name: Option<Value>,
    /// The bucket as the access point writes it (`bucket`, `Bucket`).
    pub bucket: Option<Value>,
    /// The access point's own public access block: a flag it leaves out
    /// (or a block that is absent) is `true`, unlike a bucket's.
    pub public_access_block: Option<Box<PublicAccessBlock>>,
    /// `vpc_configuration` / `VpcConfiguration`: the network origin is the
    /// VPC; without it, the internet.
    pub vpc_configuration: Option<Box<VpcConfiguration>>,
    pub policy: Option<Box<ResourcePolicy>>,
    /// Every source of the linked bucket's public access block (AWS applies
    /// them with the access point's own).
    pub bucket_public_access_blocks: Vec<PublicAccessBlock>,
    /// The account-wide public access block of the configuration.
    pub account_public_access_block: Option<Box<PublicAccessBlock>>,
    /// The linked bucket's tags, for `phi_scope: tagged` (an access point
    /// has none of its own).
    pub tags: Option<Value>,
    /// Set when the resource's properties as a whole are not known offline.
    pub unlinked: Option<Value>,
    /// Parts the resource may set under a condition that cannot be decided.
    pub maybe_set_elsewhere: Vec<(String, Value)>,
    /// Set when the view stands for access point policies whose access
    /// point is not in the configuration: the expression they write.
    pub orphan: Option<Value>,
    /// Sources of parts beyond the first (see [`crate::kinds::variants`]).
    pub further_sources: Vec<AccessPointPart>,
}

#[derive(Debug, Clone)]
pub struct VpcConfiguration {
    pub origin: Origin,
    pub vpc_id: Option<Value>,
}

/// One part of an access point that a second source can state: its policy
/// (inline `policy` and `aws_s3control_access_point_policy`).
#[derive(Debug, Clone)]
pub enum AccessPointPart {
    Policy(ResourcePolicy),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessPointPartKind {
    Policy,
}

impl AccessPointPartKind {
    pub fn name(self) -> &'static str {
        match self {
            AccessPointPartKind::Policy => "policy",
        }
    }
}

impl View for S3AccessPoint {
    type Part = AccessPointPart;
    type PartKind = AccessPointPartKind;

    fn kind_of(part: &AccessPointPart) -> AccessPointPartKind {
        match part {
            AccessPointPart::Policy(_) => AccessPointPartKind::Policy,
        }
    }

    fn part(&self, kind: AccessPointPartKind) -> Option<AccessPointPart> {
        match kind {
            AccessPointPartKind::Policy => {
                self.policy.as_deref().cloned().map(AccessPointPart::Policy)
            }
        }
    }

    fn put(&mut self, part: AccessPointPart) {
        match part {
            AccessPointPart::Policy(p) => self.policy = Some(Box::new(p)),
        }
    }

    fn further_sources(&mut self) -> &mut Vec<AccessPointPart> {
        &mut self.further_sources
    }
}

impl S3AccessPoint {
    pub fn new(resource: ResourceId) -> Self {
        S3AccessPoint {
            resource,
            name: None,
            bucket: None,
            public_access_block: None,
            vpc_configuration: None,
            policy: None,
            bucket_public_access_blocks: Vec::new(),
            account_public_access_block: None,
            tags: None,
            unlinked: None,
            maybe_set_elsewhere: Vec::new(),
            orphan: None,
            further_sources: Vec::new(),
        }
    }
}
