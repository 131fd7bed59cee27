//! The S3 access point in CloudFormation: `AWS::S3::AccessPoint` with its
//! `PublicAccessBlockConfiguration`, `VpcConfiguration` and `Policy`.

use super::view::{S3AccessPoint, VpcConfiguration};
use crate::kinds::cloudformation::{
    block, field, part, property, unknown_blocks, unknown_properties,
};
use crate::kinds::dialect::DialectMap;
use crate::kinds::PolicyReader;
use crate::{PublicAccessBlock, Resource, ResourcePolicy, Value};

pub(super) const CLOUDFORMATION: DialectMap<S3AccessPoint> = DialectMap {
    subjects: &["AWS::S3::AccessPoint"],
    satellites: &[],
    configuration_wide: &[],
    name_argument: "Name",
    id_is_name: false,
    arn_of_name: None,
    link_name: Value::as_str,
    subject,
    satellite: |_, _, _| {},
    configuration: |_, _| {},
};

fn subject(r: &Resource, policies: &dyn PolicyReader) -> S3AccessPoint {
    let mut ap = S3AccessPoint::new(r.id);
    ap.unlinked = unknown_properties(r);
    ap.maybe_set_elsewhere = unknown_blocks(
        r,
        &[
            ("PublicAccessBlockConfiguration", "public_access_block"),
            ("VpcConfiguration", "vpc_configuration"),
        ],
    );
    ap.name = property(r, "Name");
    ap.bucket = property(r, "Bucket");
    ap.public_access_block = block(r, "PublicAccessBlockConfiguration")
        .map(|p| PublicAccessBlock {
            origin: p.origin,
            block_public_acls: field(p.value, &["BlockPublicAcls"]),
            block_public_policy: field(p.value, &["BlockPublicPolicy"]),
            ignore_public_acls: field(p.value, &["IgnorePublicAcls"]),
            restrict_public_buckets: field(p.value, &["RestrictPublicBuckets"]),
        })
        .map(Box::new);
    ap.vpc_configuration = block(r, "VpcConfiguration")
        .map(|p| VpcConfiguration {
            origin: p.origin,
            vpc_id: field(p.value, &["VpcId"]),
        })
        .map(Box::new);
    ap.policy = part(r, "Policy")
        .map(|p| ResourcePolicy {
            origin: p.origin,
            document: policies.policy(p.value),
        })
        .map(Box::new);
    ap
}
