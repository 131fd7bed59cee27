//! The S3 access point kind: its view (`view.rs`), its policy satellite and
//! the field maps that fill the view from each dialect (`terraform.rs`,
//! `cloudformation.rs`), and the facts policies read (`facts.rs`). An
//! access point belongs to a bucket ([`Subject::OWNER`]): the linker gives
//! it its bucket's public access blocks and tags.

mod cloudformation;
mod facts;
mod terraform;
mod view;

pub use view::*;

use crate::kinds::dialect::DialectMap;
use crate::kinds::{FactDef, Owner, ResourceKind, Subject, Subjects, View};
use crate::{Resource, S3Bucket, S3Part, Value};

impl Subject for S3AccessPoint {
    common_subject_fields!();
    const KIND: ResourceKind = ResourceKind::S3AccessPoint;
    const RESOURCES: &'static str = "S3 access points: Terraform `aws_s3_access_point` and `aws_s3control_access_point_policy`, CloudFormation `AWS::S3::AccessPoint`; each read with its bucket's and the account's public access blocks";
    const TERRAFORM: DialectMap<Self> = terraform::TERRAFORM;
    const CLOUDFORMATION: DialectMap<Self> = cloudformation::CLOUDFORMATION;
    const OWNER: Option<Owner> = Some(Owner {
        kind: ResourceKind::S3Bucket,
        terraform: "bucket",
        cloudformation: "Bucket",
    });
    fn orphan_view(satellite: &Resource, written: Value) -> Self {
        let mut ap = S3AccessPoint::new(satellite.id);
        ap.name = Some(written.clone());
        ap.orphan = Some(written);
        ap
    }
    fn link_names(&self) -> Vec<String> {
        let name = self.name.as_ref().and_then(Value::as_str);
        name.map(str::to_string).into_iter().collect()
    }
    /// The bucket's public access block (every source of it) and tags.
    fn set_owner(&mut self, owner: &dyn std::any::Any) {
        let Some(bucket) = owner.downcast_ref::<S3Bucket>() else {
            return;
        };
        let further = bucket.further_sources.iter().filter_map(|p| match p {
            S3Part::PublicAccessBlock(b) => Some(b),
            _ => None,
        });
        self.bucket_public_access_blocks = bucket
            .public_access_block
            .as_deref()
            .into_iter()
            .chain(further)
            .cloned()
            .collect();
        self.tags.clone_from(&bucket.tags);
    }
    fn all(subjects: &Subjects) -> &Vec<Self> {
        &subjects.access_points
    }
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self> {
        &mut subjects.access_points
    }
    fn carries(&self, part: &str) -> bool {
        self.part(AccessPointPartKind::Policy).is_some()
            && part == AccessPointPartKind::Policy.name()
    }
    const PARTS: &'static [&'static str] = &["public_access_block", "vpc_configuration", "policy"];
    fn facts() -> &'static [FactDef<Self>] {
        facts::FACTS
    }
}
