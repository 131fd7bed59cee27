//! Resource kinds. A kind is one folder (`s3/`, `search_domain/`) that owns
//! its typed view, its satellites and the field maps that fill the view
//! from each dialect, and the facts policies read. This file is the
//! registry: the kinds, the subjects of a run by kind, and [`walk`], which
//! the parser, the policy engine, the docs and the tests go through, so
//! that adding a kind is its folder, its lines here, its policies and its
//! fixtures (docs/architecture.md, "Adding a resource kind").

/// The [`Subject`] methods that read the fields every view has under the
/// same names (`resource`, `name`, `tags`, `unlinked`,
/// `maybe_set_elsewhere`, `orphan`, `further_sources`).
macro_rules! common_subject_fields {
    () => {
        fn resource(&self) -> crate::ResourceId {
            self.resource
        }
        fn name(&self) -> Option<&crate::Value> {
            self.name.as_ref()
        }
        fn tags(&self) -> Option<&crate::Value> {
            self.tags.as_ref()
        }
        fn unlinked(&self) -> Option<&crate::Value> {
            self.unlinked.as_ref()
        }
        fn maybe_set_elsewhere(&self) -> &[(String, crate::Value)] {
            &self.maybe_set_elsewhere
        }
        fn orphan(&self) -> Option<&crate::Value> {
            self.orphan.as_ref()
        }
        fn variants(&self) -> Vec<Self> {
            crate::kinds::variants(self)
        }
        fn has_further_sources(&self) -> bool {
            !self.further_sources.is_empty()
        }
    };
}

pub mod cloudformation;
pub mod dialect;
mod facts;
mod iam;
pub mod kms;
mod parts;
pub mod s3;
pub mod s3_access_point;
pub mod search_collection;
pub mod search_domain;
pub mod terraform;

use std::str::FromStr;

pub use facts::{
    fact_names, fact_type, fact_types, truthy, types_used, Alias, EnumDef, Fact, FactDef, FactType,
    ItemDef, Owner, Spelling, Subject,
};
pub use parts::{variants, View, MAX_VARIANTS};

use crate::{PolicySource, Value};
use s3::S3Bucket;
use s3_access_point::S3AccessPoint;
use search_collection::SearchCollection;
use search_domain::SearchDomain;

/// Reads a policy document as its front end wrote it (a map, a JSON
/// string, a heredoc, `Fn::Sub`), with spans in the file: the front ends
/// know their syntax, the kinds only where policies are.
pub trait PolicyReader {
    fn policy(&self, value: &Value) -> PolicySource;
    /// A JSON document that is not an IAM policy (a list, say), read the
    /// same way: the value tree with spans in the file, or what stands in
    /// for it (unknown, or not JSON).
    fn document(&self, value: &Value) -> Result<Value, Box<PolicySource>>;
}

/// The kinds of resource findings are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    S3Bucket,
    SearchDomain,
    S3AccessPoint,
    SearchCollection,
    /// Any other resource, for findings that are not about a bucket or a
    /// domain (an invalid suppression comment). No rule checks this kind.
    Other,
}

/// Each checked kind's name, as policies (`kind = "s3_bucket"`) and
/// reports write it.
const NAMES: [(ResourceKind, &str); 4] = [
    (ResourceKind::S3Bucket, "s3_bucket"),
    (ResourceKind::SearchDomain, "search_domain"),
    (ResourceKind::S3AccessPoint, "s3_access_point"),
    (ResourceKind::SearchCollection, "search_collection"),
];

/// The subjects of one run, by kind.
#[derive(Debug, Default)]
pub struct Subjects {
    pub buckets: Vec<S3Bucket>,
    pub domains: Vec<SearchDomain>,
    pub access_points: Vec<S3AccessPoint>,
    pub collections: Vec<SearchCollection>,
}

impl Subjects {
    /// Moves every subject of `other` to the end of this run's.
    pub fn append(&mut self, mut other: Subjects) {
        struct Append<'a>(&'a mut Subjects, &'a mut Subjects);
        impl KindVisitor for Append<'_> {
            fn visit<K: Subject>(&mut self) {
                let (into, from) = (K::all_mut(self.0), K::all_mut(self.1));
                // Into nothing yet (the first front end's): the vector
                // moves rather than being copied beside itself, as views
                // are large and a monorepo has tens of thousands.
                if into.is_empty() {
                    std::mem::swap(into, from);
                } else {
                    into.append(from);
                }
            }
        }
        walk(&mut Append(self, &mut other));
    }
}

/// Every kind of the registry, in its order.
pub fn kinds() -> Vec<ResourceKind> {
    struct Collect(Vec<ResourceKind>);
    impl KindVisitor for Collect {
        fn visit<K: Subject>(&mut self) {
            self.0.push(K::KIND);
        }
    }
    let mut collect = Collect(Vec::new());
    walk(&mut collect);
    collect.0
}

/// The resources a kind covers, in words, for its rules' documentation.
pub fn resources_of(kind: ResourceKind) -> &'static str {
    struct Find(ResourceKind, &'static str);
    impl KindVisitor for Find {
        fn visit<K: Subject>(&mut self) {
            if K::KIND == self.0 {
                self.1 = K::RESOURCES;
            }
        }
    }
    let mut find = Find(kind, "any resource");
    walk(&mut find);
    find.1
}

/// What a Terraform resource type is to the kinds of the registry.
#[derive(Debug, Clone, Copy)]
pub enum TerraformRole {
    /// A kind's subject (`aws_s3_bucket`): references to it read its name
    /// argument, and `id`/`arn` as the kind says.
    Subject {
        name_argument: &'static str,
        id_is_name: bool,
        arn_of_name: Option<fn(&str) -> String>,
    },
    /// A satellite: its `id` is the subject it names with this argument.
    Satellite { subject_argument: &'static str },
    /// A resource that applies to every subject of its configuration.
    ConfigurationWide,
}

/// The role of a Terraform resource type in some kind, if any: the types
/// whose bodies the kinds read.
pub fn terraform_role(resource_type: &str) -> Option<TerraformRole> {
    struct Find<'a>(&'a str, Option<TerraformRole>);
    impl KindVisitor for Find<'_> {
        fn visit<K: Subject>(&mut self) {
            let map = K::TERRAFORM;
            if self.1.is_some() {
                return;
            }
            self.1 = if map.subjects.contains(&self.0) {
                Some(TerraformRole::Subject {
                    name_argument: map.name_argument,
                    id_is_name: map.id_is_name,
                    arn_of_name: map.arn_of_name,
                })
            } else if let Some(subject_argument) = map.satellite_argument(self.0) {
                Some(TerraformRole::Satellite { subject_argument })
            } else if map.configuration_wide.contains(&self.0) {
                Some(TerraformRole::ConfigurationWide)
            } else {
                None
            };
        }
    }
    let mut find = Find(resource_type, None);
    walk(&mut find);
    find.1
}

/// Whether some kind reads CloudFormation resources of this type.
pub fn cloudformation_reads(resource_type: &str) -> bool {
    struct Find<'a>(&'a str, bool);
    impl KindVisitor for Find<'_> {
        fn visit<K: Subject>(&mut self) {
            self.1 |= K::CLOUDFORMATION.reads(self.0);
        }
    }
    let mut find = Find(resource_type, false);
    walk(&mut find);
    find.1
}

/// Something done once per kind: [`walk`] calls `visit` with each.
pub trait KindVisitor {
    fn visit<K: Subject>(&mut self);
}

/// Every kind, in a fixed order.
pub fn walk(visitor: &mut impl KindVisitor) {
    visitor.visit::<S3Bucket>();
    visitor.visit::<SearchDomain>();
    visitor.visit::<S3AccessPoint>();
    visitor.visit::<SearchCollection>();
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        NAMES
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("other", |(_, name)| name)
    }
}

impl FromStr for ResourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match NAMES.iter().find(|(_, name)| *name == s) {
            Some((kind, _)) => Ok(*kind),
            None => {
                let names: Vec<&str> = NAMES.iter().map(|(_, n)| *n).collect();
                Err(format!(
                    "unknown resource kind `{s}` (expected {})",
                    names.join(" or ")
                ))
            }
        }
    }
}
