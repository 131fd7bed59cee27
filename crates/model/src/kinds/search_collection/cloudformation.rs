//! The collection in CloudFormation: `AWS::OpenSearchServerless::Collection`,
//! covered by `::SecurityPolicy` (`Type` network or encryption) and
//! `::AccessPolicy`, whose rules name it by name or pattern.

use super::SearchCollection;
use crate::kinds::cloudformation::{property, tags, unknown_properties};
use crate::kinds::dialect::DialectMap;
use crate::kinds::PolicyReader;
use crate::{Resource, Value};

pub(super) const CLOUDFORMATION: DialectMap<SearchCollection> = DialectMap {
    subjects: &["AWS::OpenSearchServerless::Collection"],
    satellites: &[
        ("AWS::OpenSearchServerless::SecurityPolicy", "Name"),
        ("AWS::OpenSearchServerless::AccessPolicy", "Name"),
    ],
    configuration_wide: &[],
    name_argument: "Name",
    id_is_name: false,
    arn_of_name: None,
    link_name: Value::as_str,
    subject,
    satellite,
    configuration: |_, _| {},
};

fn satellite(collection: &mut SearchCollection, r: &Resource, policies: &dyn PolicyReader) {
    super::add_policy(collection, r, property(r, "Type"), policies);
}

fn subject(r: &Resource, _: &dyn PolicyReader) -> SearchCollection {
    let mut c = SearchCollection::new(r.id);
    c.unlinked = unknown_properties(r);
    c.name = property(r, "Name");
    c.collection_type = property(r, "Type");
    c.tags = property(r, "Tags").map(|t| tags(&t));
    c
}
