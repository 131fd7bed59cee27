//! The S3 bucket kind: its view (`view.rs`), its satellites and the field
//! maps that fill the view from each dialect (`terraform.rs`,
//! `cloudformation.rs`), and the facts policies read (`facts.rs`).

mod facts;
mod view;

pub use view::*;

use crate::kinds::{FactDef, ResourceKind, Subject, Subjects};
use crate::{ResourceId, Value};

impl Subject for S3Bucket {
    const KIND: ResourceKind = ResourceKind::S3Bucket;
    fn all(subjects: &Subjects) -> &Vec<Self> {
        &subjects.buckets
    }
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self> {
        &mut subjects.buckets
    }
    fn orphan(&self) -> Option<&Value> {
        self.orphan.as_ref()
    }
    fn carries(&self, part: &str) -> bool {
        S3PartKind::ALL
            .iter()
            .any(|k| k.name() == part && self.has(*k))
    }
    fn variants(&self) -> Vec<Self> {
        crate::kinds::variants(self)
    }
    fn has_further_sources(&self) -> bool {
        !self.further_sources.is_empty()
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
    fn unlinked(&self) -> Option<&Value> {
        self.unlinked.as_ref()
    }
    fn maybe_set_elsewhere(&self) -> &[(String, Value)] {
        &self.maybe_set_elsewhere
    }
    fn resource(&self) -> ResourceId {
        self.resource
    }
    fn name(&self) -> Option<&Value> {
        self.name.as_ref()
    }
    fn tags(&self) -> Option<&Value> {
        self.tags.as_ref()
    }
    fn facts() -> &'static [FactDef<Self>] {
        &facts::FACTS
    }
}
