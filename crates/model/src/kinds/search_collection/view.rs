//! OpenSearch Serverless collections as rules see them, with the security
//! and access policies that cover them.

use crate::kinds::View;
use crate::{Origin, ResourceId, Value};

#[derive(Debug, Clone)]
pub struct SearchCollection {
    pub resource: ResourceId,
    pub name: Option<Value>,
    /// `SEARCH`, `TIMESERIES`, `VECTORSEARCH`.
    pub collection_type: Option<Value>,
    /// The first network, encryption and data access policy covering the
    /// collection; the others are further sources.
    pub network_policy: Option<Box<CollectionPolicy>>,
    pub encryption_policy: Option<Box<CollectionPolicy>>,
    pub access_policy: Option<Box<CollectionPolicy>>,
    pub tags: Option<Value>,
    /// Set when the resource's properties as a whole are not known offline.
    pub unlinked: Option<Value>,
    pub maybe_set_elsewhere: Vec<(String, Value)>,
    /// Set when the view stands for policies that match no collection of
    /// the configuration: the first pattern they write.
    pub orphan: Option<Value>,
    /// Sources of parts beyond the first (see [`crate::kinds::variants`]).
    pub further_sources: Vec<CollectionPart>,
}

/// A security (network or encryption) or data access policy: its resource,
/// its name and its JSON document, read as written (a list of rule sets, or
/// one), an unknown value when it is not known offline.
#[derive(Debug, Clone)]
pub struct CollectionPolicy {
    pub origin: Origin,
    pub name: Option<Value>,
    pub document: Value,
}

/// One policy that covers the collection. AWS applies every policy that
/// covers a collection; each is judged in its own variant, a violation in
/// any of them is reported at its own span.
#[derive(Debug, Clone)]
pub enum CollectionPart {
    Network(CollectionPolicy),
    Encryption(CollectionPolicy),
    Access(CollectionPolicy),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectionPartKind {
    Network,
    Encryption,
    Access,
}

impl CollectionPartKind {
    pub fn name(self) -> &'static str {
        match self {
            CollectionPartKind::Network => "network_policy",
            CollectionPartKind::Encryption => "encryption_policy",
            CollectionPartKind::Access => "access_policy",
        }
    }
}

impl View for SearchCollection {
    type Part = CollectionPart;
    type PartKind = CollectionPartKind;

    fn kind_of(part: &CollectionPart) -> CollectionPartKind {
        match part {
            CollectionPart::Network(_) => CollectionPartKind::Network,
            CollectionPart::Encryption(_) => CollectionPartKind::Encryption,
            CollectionPart::Access(_) => CollectionPartKind::Access,
        }
    }

    fn part(&self, kind: CollectionPartKind) -> Option<CollectionPart> {
        match kind {
            CollectionPartKind::Network => self
                .network_policy
                .as_deref()
                .cloned()
                .map(CollectionPart::Network),
            CollectionPartKind::Encryption => self
                .encryption_policy
                .as_deref()
                .cloned()
                .map(CollectionPart::Encryption),
            CollectionPartKind::Access => self
                .access_policy
                .as_deref()
                .cloned()
                .map(CollectionPart::Access),
        }
    }

    fn put(&mut self, part: CollectionPart) {
        match part {
            CollectionPart::Network(p) => self.network_policy = Some(Box::new(p)),
            CollectionPart::Encryption(p) => self.encryption_policy = Some(Box::new(p)),
            CollectionPart::Access(p) => self.access_policy = Some(Box::new(p)),
        }
    }

    fn further_sources(&mut self) -> &mut Vec<CollectionPart> {
        &mut self.further_sources
    }
}

impl SearchCollection {
    pub fn new(resource: ResourceId) -> Self {
        SearchCollection {
            resource,
            name: None,
            collection_type: None,
            network_policy: None,
            encryption_policy: None,
            access_policy: None,
            tags: None,
            unlinked: None,
            maybe_set_elsewhere: Vec::new(),
            orphan: None,
            further_sources: Vec::new(),
        }
    }
}
