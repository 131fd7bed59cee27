//! Terraform as the linker sees it ([`crate::link`]): each root's
//! resources with their module instances, what evaluation resolved their
//! references to, arguments read from bodies, and policies read from maps,
//! JSON strings and heredocs.

use phiguard_model::kinds::terraform::Node;
use phiguard_model::kinds::PolicyReader;
use phiguard_model::{Dialect, Model, PolicySource, Resource, ResourceId, SourceFile, Value};

use super::build::Placed;
use super::link::Links;
use crate::link::{build as link, FrontEnd, Member, References};
use crate::policy::{json_document, policy_source};

struct Terraform<'a> {
    files: &'a [SourceFile],
    links: &'a Links,
}

impl References for Terraform<'_> {
    fn target(&self, holder: ResourceId, value: &Value) -> Option<ResourceId> {
        self.links.target(holder, value)
    }
}

impl PolicyReader for Terraform<'_> {
    fn policy(&self, value: &Value) -> PolicySource {
        policy_source(value, self.files)
    }

    fn document(&self, value: &Value) -> Result<Value, Box<PolicySource>> {
        json_document(value, self.files)
    }
}

impl FrontEnd for Terraform<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Terraform
    }

    fn argument(&self, resource: &Resource, name: &str) -> Option<Value> {
        Node::Body(&resource.body).value(name)
    }
}

/// Builds every kind's subjects, one configuration per root module.
pub(crate) fn build(model: &mut Model, placed: &[Placed], links: &Links) {
    let configurations: Vec<Vec<Member>> = super::configurations(placed)
        .into_iter()
        .map(|group| {
            group
                .iter()
                .map(|p| Member {
                    id: p.id,
                    instance: p.instance,
                })
                .collect()
        })
        .collect();
    let front = Terraform {
        files: &model.files,
        links,
    };
    let built = link(model, &configurations, &front);
    model.subjects.append(built);
}
