//! CloudFormation as the linker sees it ([`crate::link`]): each template a
//! configuration, the resources its `Ref`s and `Fn::GetAtt`s name,
//! properties as evaluated and as written, and policies read from maps,
//! JSON strings and `Fn::Sub`.

use std::collections::HashMap;

use phiguard_model::kinds::cloudformation::property;
use phiguard_model::kinds::PolicyReader;
use phiguard_model::{Dialect, Model, PolicySource, Resource, ResourceId, Value, ValueKind};

use super::trace::Trace;
use super::view::{document, policy};
use super::Template;
use crate::link::{build as link, FrontEnd, Member, References};

struct CloudFormation<'a> {
    model: &'a Model,
    trace: &'a Trace,
    /// Each resource's template, and its properties as written.
    written: HashMap<ResourceId, (usize, Option<&'a Value>)>,
    /// Each template's resources by logical id.
    logical_ids: Vec<HashMap<&'a str, ResourceId>>,
}

impl References for CloudFormation<'_> {
    fn target(&self, holder: ResourceId, value: &Value) -> Option<ResourceId> {
        let reference = self.trace.reference(value)?;
        let &(template, _) = self.written.get(&holder)?;
        self.logical_ids
            .get(template)?
            .get(reference.logical_id.as_str())
            .copied()
    }
}

impl PolicyReader for CloudFormation<'_> {
    fn policy(&self, value: &Value) -> PolicySource {
        policy(value, &self.model.files, self.trace)
    }

    fn document(&self, value: &Value) -> Result<Value, Box<PolicySource>> {
        document(value, &self.model.files, self.trace)
    }
}

impl FrontEnd for CloudFormation<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::CloudFormation
    }

    fn argument(&self, resource: &Resource, name: &str) -> Option<Value> {
        property(resource, name)
    }

    fn written_names(&self, resource: ResourceId, name: &str) -> Vec<String> {
        let raw = self.written.get(&resource).and_then(|(_, raw)| *raw);
        raw.and_then(|properties| properties.get(name))
            .map(expression_key)
            .into_iter()
            .collect()
    }
}

/// Builds every kind's subjects, one configuration per template.
pub(crate) fn build(model: &mut Model, templates: &[Template], trace: &Trace) {
    let mut written = HashMap::new();
    let mut logical_ids = Vec::with_capacity(templates.len());
    for (t, template) in templates.iter().enumerate() {
        let mut ids = HashMap::new();
        for (id, raw) in &template.resources {
            written.insert(*id, (t, raw.as_ref()));
            ids.insert(model.resource(*id).address.as_str(), *id);
        }
        logical_ids.push(ids);
    }
    let configurations: Vec<Vec<Member>> = templates
        .iter()
        .map(|template| {
            template
                .resources
                .iter()
                .map(|(id, _)| Member {
                    id: *id,
                    instance: 0,
                })
                .collect()
        })
        .collect();
    let front = CloudFormation {
        model,
        trace,
        written,
        logical_ids,
    };
    let built = link(model, &configurations, &front);
    model.subjects.append(built);
}

/// A key for a name expression as written (`!Sub "${AWS::StackName}-logs"`):
/// a satellite naming its subject by the same expression as the subject's
/// name property names that subject.
fn expression_key(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match &value.kind {
            ValueKind::List(items) => {
                out.push('[');
                for item in items {
                    write(item, out);
                    out.push(',');
                }
                out.push(']');
            }
            ValueKind::Map(entries) => {
                out.push('{');
                for (key, item) in entries {
                    out.push_str(&format!("{:?}:", key.value));
                    write(item, out);
                    out.push(',');
                }
                out.push('}');
            }
            _ => out.push_str(&value.display()),
        }
    }
    let mut out = String::from("expression ");
    write(value, &mut out);
    out
}
