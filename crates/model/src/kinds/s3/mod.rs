//! The S3 bucket kind: its view (`view.rs`), its satellites and the field
//! maps that fill the view from each dialect (`terraform.rs`,
//! `cloudformation.rs`), and the facts policies read (`facts.rs`).

mod cloudformation;
mod facts;
mod logs;
mod terraform;
mod view;

pub use view::*;

use crate::kinds::dialect::DialectMap;
use crate::kinds::{FactDef, ResourceKind, Subject, Subjects};
use crate::{Resource, ResourceId, Value};

impl Subject for S3Bucket {
    common_subject_fields!();
    const KIND: ResourceKind = ResourceKind::S3Bucket;
    const RESOURCES: &'static str = "S3 buckets: Terraform `aws_s3_bucket` and its satellites (`aws_s3_bucket_acl`, `aws_s3_bucket_policy`, ...), CloudFormation `AWS::S3::Bucket` and `AWS::S3::BucketPolicy`";
    const TERRAFORM: DialectMap<Self> = terraform::TERRAFORM;
    const CLOUDFORMATION: DialectMap<Self> = cloudformation::CLOUDFORMATION;
    fn orphan_view(satellite: &Resource, written: Value) -> Self {
        let mut bucket = S3Bucket::new(satellite.id);
        bucket.name = Some(written.clone());
        bucket.orphan = Some(written);
        bucket
    }
    fn link_names(&self) -> Vec<String> {
        let name = self.name.as_ref().and_then(terraform::bucket_name);
        name.map(str::to_string).into_iter().collect()
    }
    /// Server access logging: each source of the logging part names the
    /// bucket that receives the logs.
    fn sends_to(&self) -> Vec<(ResourceId, &Value)> {
        let further = self.further_sources.iter().filter_map(|p| match p {
            S3Part::Logging(l) => Some(l),
            _ => None,
        });
        self.logging
            .as_deref()
            .into_iter()
            .chain(further)
            .filter_map(|l| Some((l.origin.resource, l.target_bucket.as_ref()?)))
            .collect()
    }
    fn receives_from(&mut self, source: ResourceId) {
        if !self.log_sources.contains(&source) {
            self.log_sources.push(source);
        }
    }
    /// The items of AWS Backup selections that reference a resource
    /// (`aws_s3_bucket.b.arn`, `!GetAtt B.Arn`): a bucket whose name is not
    /// known is still recognised when a selection names it so.
    fn resolve_references(&mut self, refers: &dyn Fn(ResourceId, &Value) -> Option<ResourceId>) {
        for selection in &mut self.backup_selections {
            let holder = selection.origin.resource;
            let lists = [&selection.resources, &selection.not_resources];
            selection.references = lists
                .into_iter()
                .flatten()
                .flat_map(|list| list.items())
                .filter_map(|item| Some((item.span, refers(holder, item)?)))
                .collect();
        }
    }
    fn all(subjects: &Subjects) -> &Vec<Self> {
        &subjects.buckets
    }
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self> {
        &mut subjects.buckets
    }
    fn carries(&self, part: &str) -> bool {
        S3PartKind::ALL
            .iter()
            .any(|k| k.name() == part && self.has(*k))
    }
    const PARTS: &'static [&'static str] = &[
        "acl",
        "public_access_block",
        "ownership",
        "encryption",
        "versioning",
        "logging",
        "replication",
        "website",
        "cors",
        "policy",
    ];
    fn facts() -> &'static [FactDef<Self>] {
        &facts::FACTS
    }
}
