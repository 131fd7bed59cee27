//! How a kind is written in one dialect: which resource types are its
//! subjects and satellites, which argument names what, and how each fills
//! the view. Each kind gives one map per dialect (`kinds/s3/terraform.rs`,
//! `kinds/s3/cloudformation.rs`); the linker and the front ends read them.

use crate::kinds::PolicyReader;
use crate::{Resource, Value};

pub struct DialectMap<K> {
    /// `aws_s3_bucket`, `AWS::S3::Bucket`.
    pub subjects: &'static [&'static str],
    /// Each satellite type and the argument or property that names its
    /// subject: `(aws_s3_bucket_acl, bucket)`, `(AWS::S3::BucketPolicy, Bucket)`.
    pub satellites: &'static [(&'static str, &'static str)],
    /// Resources that apply to every subject of their configuration
    /// (`aws_s3_account_public_access_block`).
    pub configuration_wide: &'static [&'static str],
    /// The subject's own name (`bucket`, `BucketName`): references to the
    /// subject read it, and a satellite naming the subject by the same
    /// expression links to it.
    pub name_argument: &'static str,
    /// Whether the subject's `id` is its name (a bucket's is).
    pub id_is_name: bool,
    /// The subject's ARN made from its name, when AWS fixes it.
    pub arn_of_name: Option<fn(&str) -> String>,
    /// The name a subject argument links by (a bucket ARN names its bucket).
    pub link_name: fn(&Value) -> Option<&str>,
    /// A subject's view from its own body or properties.
    pub subject: fn(&Resource, &dyn PolicyReader) -> K,
    /// Adds what a satellite states to its subject's view.
    pub satellite: fn(&mut K, &Resource, &dyn PolicyReader),
    /// Adds what a configuration-wide resource states.
    pub configuration: fn(&mut K, &Resource),
}

impl<K> DialectMap<K> {
    /// The argument a satellite of `resource_type` names its subject with.
    pub fn satellite_argument(&self, resource_type: &str) -> Option<&'static str> {
        self.satellites
            .iter()
            .find(|(ty, _)| *ty == resource_type)
            .map(|(_, argument)| *argument)
    }

    /// Whether this kind reads resources of this type.
    pub fn reads(&self, resource_type: &str) -> bool {
        self.subjects.contains(&resource_type)
            || self.satellite_argument(resource_type).is_some()
            || self.configuration_wide.contains(&resource_type)
    }
}
