//! The OpenSearch Serverless collection kind: its view, the security and
//! data access policies that cover it (by name or `collection/prefix*`
//! pattern, written inside their JSON documents), field maps for each
//! dialect, and its facts.

mod cloudformation;
mod facts;
mod rules;
mod terraform;
mod view;

pub use view::*;

use crate::kinds::dialect::DialectMap;
use crate::kinds::{FactDef, PolicyReader, ResourceKind, Subject, Subjects, View};
use crate::{Dialect, Origin, PolicySource, Resource, Value};

impl Subject for SearchCollection {
    common_subject_fields!();
    const KIND: ResourceKind = ResourceKind::SearchCollection;
    const SHARED_SATELLITES: bool = true;
    const RESOURCES: &'static str = "OpenSearch Serverless collections: Terraform `aws_opensearchserverless_collection` with the `aws_opensearchserverless_security_policy` (network, encryption) and `aws_opensearchserverless_access_policy` resources whose rules name it, CloudFormation `AWS::OpenSearchServerless::Collection`, `::SecurityPolicy`, `::AccessPolicy`";
    const TERRAFORM: DialectMap<Self> = terraform::TERRAFORM;
    const CLOUDFORMATION: DialectMap<Self> = cloudformation::CLOUDFORMATION;
    fn orphan_view(satellite: &Resource, written: Value) -> Self {
        let mut collection = SearchCollection::new(satellite.id);
        collection.name = Some(written.clone());
        collection.orphan = Some(written);
        collection
    }
    fn link_names(&self) -> Vec<String> {
        let name = self.name.as_ref().and_then(Value::as_str);
        name.map(str::to_string).into_iter().collect()
    }
    fn subject_patterns(satellite: &Resource, policies: &dyn PolicyReader) -> Option<Vec<Value>> {
        let document = match policy_value(satellite) {
            Some(value) => document(value, policies),
            None => return Some(Vec::new()),
        };
        Some(match document.is_unknown() {
            true => vec![document],
            false => rules::patterns(&document),
        })
    }
    fn may_match(&self, pattern: &Value) -> bool {
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| Value::unknown("the collection has no name", pattern.span));
        !matches!(rules::covers(pattern, Some(&name)), rules::Tri::False)
    }
    fn all(subjects: &Subjects) -> &Vec<Self> {
        &subjects.collections
    }
    fn all_mut(subjects: &mut Subjects) -> &mut Vec<Self> {
        &mut subjects.collections
    }
    fn carries(&self, part: &str) -> bool {
        match part {
            "network_policy" => self.network_policy.is_some(),
            "encryption_policy" => self.encryption_policy.is_some(),
            "access_policy" => self.access_policy.is_some(),
            _ => false,
        }
    }
    const PARTS: &'static [&'static str] =
        &["network_policy", "encryption_policy", "access_policy"];
    fn facts() -> &'static [FactDef<Self>] {
        &facts::FACTS
    }
}

/// The policy document of a security or access policy, as written.
fn policy_value(r: &Resource) -> Option<&Value> {
    match r.dialect {
        Dialect::Terraform => crate::kinds::terraform::Node::Body(&r.body).attr("policy"),
        Dialect::CloudFormation => crate::kinds::cloudformation::part(r, "Policy").map(|p| p.value),
    }
}

/// A policy document as a value tree; unknown when it is not known
/// offline or is not JSON (the reason says which).
fn document(value: &Value, policies: &dyn PolicyReader) -> Value {
    match policies.document(value) {
        Ok(document) => document,
        Err(source) => match *source {
            PolicySource::Unknown(unknown) => unknown,
            PolicySource::Invalid { message, span } => Value::unknown(message, span),
            PolicySource::Document(d) => {
                Value::unknown("the policy is not a list of rules", d.span)
            }
        },
    }
}

/// Adds a security policy (`type` network or encryption) or a data access
/// policy to the collection's view. A security policy whose type is not
/// known offline may be either: it is a source of both, whose document is
/// unknown.
fn add_policy(
    collection: &mut SearchCollection,
    r: &Resource,
    policy_type: Option<Value>,
    policies: &dyn PolicyReader,
) {
    let document = match policy_value(r) {
        Some(value) => document(value, policies),
        None => Value::unknown("the policy has no document", r.header),
    };
    let name = match r.dialect {
        Dialect::Terraform => crate::kinds::terraform::Node::Body(&r.body).value("name"),
        Dialect::CloudFormation => crate::kinds::cloudformation::property(r, "Name"),
    };
    let policy = CollectionPolicy {
        origin: Origin {
            resource: r.id,
            span: r.header,
        },
        name,
        document,
    };
    let is_access =
        r.resource_type.ends_with("access_policy") || r.resource_type.ends_with("::AccessPolicy");
    if is_access {
        return collection.set(CollectionPart::Access(policy));
    }
    match policy_type.as_ref().and_then(Value::as_str) {
        Some("network") => collection.set(CollectionPart::Network(policy)),
        Some("encryption") => collection.set(CollectionPart::Encryption(policy)),
        _ => {
            // A type not known offline: the policy may be either, and what
            // it states is judged as neither (the checks are undecided).
            let Some(unknown) = policy_type.filter(Value::is_unknown) else {
                return;
            };
            let reason = unknown.unknown_reason().unwrap_or("unknown");
            let undecided = CollectionPolicy {
                document: Value::unknown(
                    format!("the policy's type is not known offline: {reason}"),
                    unknown.span,
                ),
                ..policy
            };
            collection.set(CollectionPart::Network(undecided.clone()));
            collection.set(CollectionPart::Encryption(undecided));
        }
    }
}
