//! The collection in Terraform: `aws_opensearchserverless_collection`,
//! covered by `aws_opensearchserverless_security_policy` (type `network`
//! or `encryption`) and `aws_opensearchserverless_access_policy`, whose
//! rules name it by name or pattern.

use super::SearchCollection;
use crate::kinds::dialect::DialectMap;
use crate::kinds::terraform::Node;
use crate::kinds::PolicyReader;
use crate::{Resource, Value};

pub(super) const TERRAFORM: DialectMap<SearchCollection> = DialectMap {
    subjects: &["aws_opensearchserverless_collection"],
    // Policies cover collections by the patterns inside their documents
    // (`Subject::subject_patterns`); the argument is their own name.
    satellites: &[
        ("aws_opensearchserverless_security_policy", "name"),
        ("aws_opensearchserverless_access_policy", "name"),
    ],
    name_argument: "name",
    id_is_name: false,
    arn_of_name: None,
    configuration_wide: &[],
    subject,
    satellite,
    configuration: |_, _| {},
    link_name: Value::as_str,
};

fn satellite(collection: &mut SearchCollection, r: &Resource, policies: &dyn PolicyReader) {
    let policy_type = Node::Body(&r.body).value("type");
    super::add_policy(collection, r, policy_type, policies);
}

fn subject(r: &Resource, _: &dyn PolicyReader) -> SearchCollection {
    let node = Node::Body(&r.body);
    let mut collection = SearchCollection::new(r.id);
    collection.name = node.value("name");
    collection.collection_type = node.value("type");
    collection.tags = node.value("tags");
    collection
}
