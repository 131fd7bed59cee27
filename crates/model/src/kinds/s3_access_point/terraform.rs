//! The S3 access point in Terraform: `aws_s3_access_point` with its
//! `public_access_block_configuration`, `vpc_configuration` and `policy`,
//! the `aws_s3control_access_point_policy` that names it by ARN, and the
//! account-wide public access block.

use super::view::{AccessPointPart, S3AccessPoint, VpcConfiguration};
use crate::kinds::dialect::DialectMap;
use crate::kinds::terraform::{Node, Part};
use crate::kinds::{PolicyReader, View};
use crate::{Origin, PublicAccessBlock, Resource, ResourcePolicy, Value};

pub(super) const TERRAFORM: DialectMap<S3AccessPoint> = DialectMap {
    subjects: &["aws_s3_access_point"],
    satellites: &[("aws_s3control_access_point_policy", "access_point_arn")],
    configuration_wide: &["aws_s3_account_public_access_block"],
    name_argument: "name",
    id_is_name: false,
    arn_of_name: None,
    link_name: access_point_name,
    subject,
    satellite,
    configuration,
};

/// The access point an ARN names
/// (`arn:aws:s3:us-east-1:111122223333:accesspoint/phi-reader`).
pub(super) fn access_point_name(value: &Value) -> Option<&str> {
    let text = value.as_str()?;
    let at = text.find(":accesspoint/")?;
    text.get(at + ":accesspoint/".len()..)
        .filter(|name| !name.is_empty() && !name.contains('/'))
}

fn origin(r: &Resource, span: crate::Span) -> Origin {
    Origin {
        resource: r.id,
        span,
    }
}

/// `aws_s3_account_public_access_block` applies with every access point's.
fn configuration(ap: &mut S3AccessPoint, r: &Resource) {
    if r.resource_type == "aws_s3_account_public_access_block"
        && ap.account_public_access_block.is_none()
    {
        let block = public_access_block(origin(r, r.header), Node::Body(&r.body));
        ap.account_public_access_block = Some(Box::new(block));
    }
}

/// `aws_s3control_access_point_policy`: a policy beside any the access
/// point states inline.
fn satellite(ap: &mut S3AccessPoint, r: &Resource, policies: &dyn PolicyReader) {
    if let Some(policy) = Node::Body(&r.body).attr("policy") {
        ap.set(AccessPointPart::Policy(ResourcePolicy {
            origin: origin(r, r.header),
            document: policies.policy(policy),
        }));
    }
}

fn subject(r: &Resource, policies: &dyn PolicyReader) -> S3AccessPoint {
    let node = Node::Body(&r.body);
    let mut ap = S3AccessPoint::new(r.id);
    ap.name = node.value("name");
    ap.bucket = node.value("bucket");
    ap.public_access_block = block(&mut ap, node, "public_access_block_configuration")
        .map(|p| Box::new(public_access_block(origin(r, p.span), p.node)));
    ap.vpc_configuration = block(&mut ap, node, "vpc_configuration").map(|p| {
        Box::new(VpcConfiguration {
            origin: origin(r, p.span),
            vpc_id: p.node.value("vpc_id"),
        })
    });
    ap.policy = node
        .attr("policy")
        .map(|v| ResourcePolicy {
            origin: origin(r, v.span),
            document: policies.policy(v),
        })
        .map(Box::new);
    ap
}

/// A nested block; a `dynamic` one whose existence is unknown is recorded
/// as a part that may be set, not read as present.
fn block<'a>(ap: &mut S3AccessPoint, node: Node<'a>, name: &str) -> Option<Part<'a>> {
    let part = node.block(name)?;
    if let Some(existence) = part.existence {
        ap.maybe_set_elsewhere
            .push((part_name(name).to_string(), existence.clone()));
        return None;
    }
    Some(part)
}

/// The view part a Terraform block fills.
fn part_name(block: &str) -> &'static str {
    match block {
        "vpc_configuration" => "vpc_configuration",
        _ => "public_access_block",
    }
}

pub(super) fn public_access_block(origin: Origin, node: Node) -> PublicAccessBlock {
    PublicAccessBlock {
        origin,
        block_public_acls: node.value("block_public_acls"),
        block_public_policy: node.value("block_public_policy"),
        ignore_public_acls: node.value("ignore_public_acls"),
        restrict_public_buckets: node.value("restrict_public_buckets"),
    }
}
