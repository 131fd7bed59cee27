//! CloudFormation's subjects: for every kind of the registry, each
//! template's subjects and satellites, read through the kind's
//! [`CloudFormationMap`] and linked by the one linker ([`crate::link`]).

use std::collections::HashMap;

use phiguard_model::kinds::cloudformation::property;
use phiguard_model::kinds::{walk, KindVisitor, PolicyReader};
use phiguard_model::{Model, PolicySource, ResourceId, Subject, Subjects, Value, ValueKind};

use super::trace::Trace;
use super::view::policy;
use super::Template;
use crate::link::{targets, Configuration, References, Target};

/// Policies as templates write them: maps, JSON strings, `Fn::Sub`.
struct Policies<'a> {
    model: &'a Model,
    trace: &'a Trace,
}

impl PolicyReader for Policies<'_> {
    fn policy(&self, value: &Value) -> PolicySource {
        policy(value, &self.model.files, self.trace)
    }
}

/// The resources a template's `Ref`s and `Fn::GetAtt`s name.
struct TemplateReferences<'a> {
    trace: &'a Trace,
    logical_ids: HashMap<&'a str, ResourceId>,
}

impl References for TemplateReferences<'_> {
    fn target(&self, _: ResourceId, value: &Value) -> Option<ResourceId> {
        let reference = self.trace.reference(value)?;
        self.logical_ids.get(reference.logical_id.as_str()).copied()
    }
}

/// Builds the subjects of every kind and adds them to the model.
pub(crate) fn build(model: &mut Model, templates: &[Template], trace: &Trace) {
    struct Build<'a> {
        model: &'a Model,
        templates: &'a [Template],
        trace: &'a Trace,
        built: Subjects,
    }
    impl KindVisitor for Build<'_> {
        fn visit<K: Subject>(&mut self) {
            let views = build_kind::<K>(self.model, self.templates, self.trace);
            K::all_mut(&mut self.built).extend(views);
        }
    }
    let mut build = Build {
        model,
        templates,
        trace,
        built: Subjects::default(),
    };
    walk(&mut build);
    let built = build.built;
    model.subjects.append(built);
}

/// One kind's subjects in every template, each a configuration of its own.
fn build_kind<K: Subject>(model: &Model, templates: &[Template], trace: &Trace) -> Vec<K> {
    let map = K::CLOUDFORMATION;
    let policies = Policies { model, trace };
    let mut out = Vec::new();
    for template in templates {
        let mut config = Configuration::default();
        let references = TemplateReferences {
            trace,
            logical_ids: template
                .resources
                .iter()
                .map(|(id, _)| (model.resource(*id).address.as_str(), *id))
                .collect(),
        };
        // What a subject property names: the resource it references, the
        // literal name, and the name expression as written.
        let targets = |holder, value: &Value, raw: Option<&Value>| {
            let mut targets = targets(&references, holder, value, Value::as_str);
            if let Some(raw) = raw {
                targets.retain(|t| *t != Target::Elsewhere);
                targets.push(Target::Name(expression_key(raw)));
            }
            targets
        };
        for (id, raw) in &template.resources {
            let r = model.resource(*id);
            if !map.subjects.contains(&r.resource_type.as_str()) {
                continue;
            }
            let view = (map.subject)(r, &policies);
            let mut names = view.link_names();
            if let Some(expr) = raw.as_ref().and_then(|p| p.get(map.name_property)) {
                names.push(expression_key(expr));
            }
            config.add_subject(r.id, &names, view);
        }
        for (id, raw) in &template.resources {
            let r = model.resource(*id);
            let Some(&(_, key)) = map.satellites.iter().find(|(ty, _)| *ty == r.resource_type)
            else {
                continue;
            };
            let written = property(r, key);
            let raw_target = raw.as_ref().and_then(|p| p.get(key));
            let targets = written
                .as_ref()
                .map_or_else(|| vec![Target::Elsewhere], |t| targets(r.id, t, raw_target));
            config.attach(
                0,
                &targets,
                written.as_ref(),
                || {
                    let written = written
                        .clone()
                        .unwrap_or_else(|| Value::unknown(format!("no `{key}`"), r.header));
                    K::orphan_view(r, written)
                },
                |view| (map.satellite)(view, r, &policies),
            );
        }
        config.link_subjects(|holder, value| targets(holder, value, None));
        out.extend(config.into_views());
    }
    out
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
