//! `count` and `for_each`: expanding a resource or data source into its
//! instances, each evaluated once and remembered.

use std::collections::HashSet;
use std::rc::Rc;

use super::operators::{iterate, want_number};
use super::{Ctx, Evaluator};
use crate::limits::{self, MAX_RESOURCE_INSTANCES};
use crate::terraform::bodies::{resource_object, EvBody};
use crate::terraform::config::ResourceDecl;
use crate::terraform::expand::{Expansion, Form, Key, Obj, Plan, MAX_INSTANCES};
use crate::terraform::instances::Slot;
use crate::terraform::ir::Expr;
use crate::terraform::value::{fail, Fail, Meta, K, V};
use phiguard_model::{Spanned, StandsFor};

impl<'a> Evaluator<'a> {
    /// A resource's expansion if something already needed it.
    pub fn expanded(&self, inst: usize, index: usize) -> Option<Rc<Expansion>> {
        match self.instances[inst].resources.get(&index) {
            Some(Slot::Done(e)) => Some(Rc::clone(e)),
            _ => None,
        }
    }

    /// The instances of a resource no view reads, without evaluating its
    /// body (nothing reads it: the model keeps no body for such types).
    pub fn unevaluated(&mut self, inst: usize, decl: &'a ResourceDecl) -> Expansion {
        let plan = self.instance_plan(inst, decl);
        let objects = plan
            .items
            .into_iter()
            .map(|(key, _, _)| Obj {
                key,
                id: 0,
                value: V::null(decl.span),
                body: Some(EvBody::default()),
            })
            .collect();
        Expansion {
            form: plan.form,
            objects,
        }
    }

    pub fn resource_expansion(&mut self, inst: usize, index: usize) -> Result<Rc<Expansion>, Fail> {
        let decl: &'a ResourceDecl = self.config(inst).resources.get(index);
        let busy = Rc::new(Expansion {
            form: Form::Unknown(String::new()),
            objects: Vec::new(),
        });
        let expansion = self.memo(
            inst,
            |i| &mut i.resources,
            index,
            || Rc::clone(&busy),
            |ev| Rc::new(ev.expand_resource(inst, decl, false)),
        );
        if Rc::ptr_eq(&expansion, &busy) {
            return fail(format!(
                "{}.{} refers to itself",
                decl.resource_type, decl.name
            ));
        }
        Ok(expansion)
    }

    pub fn data_expansion(&mut self, inst: usize, index: usize) -> Result<Rc<Expansion>, Fail> {
        let decl: &'a ResourceDecl = self.config(inst).data.get(index);
        let busy = Rc::new(Expansion {
            form: Form::Unknown(String::new()),
            objects: Vec::new(),
        });
        let expansion = self.memo(
            inst,
            |i| &mut i.data,
            index,
            || Rc::clone(&busy),
            |ev| Rc::new(ev.expand_resource(inst, decl, true)),
        );
        if Rc::ptr_eq(&expansion, &busy) {
            return fail(format!(
                "data.{}.{} refers to itself",
                decl.resource_type, decl.name
            ));
        }
        Ok(expansion)
    }

    fn expand_resource(&mut self, inst: usize, decl: &'a ResourceDecl, data: bool) -> Expansion {
        // Only policy documents among data sources can be known offline;
        // the others are read from AWS at plan time, except what a KMS
        // alias or key lookup is given (docs/evaluation.md).
        let evaluated = !data
            || matches!(
                decl.resource_type.as_str(),
                "aws_iam_policy_document" | "aws_kms_alias" | "aws_kms_key"
            );
        if !evaluated {
            let object = V::map(Vec::new(), decl.span).with_meta(Meta {
                open: true,
                ..Meta::default()
            });
            return Expansion {
                form: Form::Single,
                objects: vec![Obj {
                    key: Key::None,
                    id: 0,
                    value: object,
                    body: None,
                }],
            };
        }
        let plan = self.instance_plan(inst, decl);
        let mut objects = Vec::with_capacity(plan.items.len());
        for (key, each, count) in plan.items {
            let mut cx = Ctx::new(inst);
            cx.each = each;
            cx.count = count;
            let mut body = self.eval_body(&mut cx, &decl.body);
            if !data {
                self.add_default_tags(inst, decl, &mut body);
            }
            let id = self.object_id();
            let value = if data && decl.resource_type != "aws_iam_policy_document" {
                kms_lookup_object(decl, &body)
            } else if data {
                self.policy_document_object(decl, &body)
            } else {
                let address = self.instances[inst].address_of(&format!(
                    "{}.{}{}",
                    decl.resource_type,
                    decl.name,
                    key.suffix()
                ));
                resource_object(decl, &body, id, &address)
            };
            objects.push(Obj {
                key,
                id,
                value,
                body: (!data).then_some(body),
            });
        }
        Expansion {
            form: plan.form,
            objects,
        }
    }

    /// Merges the `default_tags` of the AWS provider configuration a subject
    /// uses under its own `tags` (its own win), as Terraform's `tags_all`
    /// does: `phi_scope: tagged` reads a resource's effective tags.
    fn add_default_tags(&mut self, inst: usize, decl: &'a ResourceDecl, body: &mut EvBody) {
        let is_subject = matches!(
            phiguard_model::kinds::terraform_role(&decl.resource_type),
            Some(phiguard_model::kinds::TerraformRole::Subject { .. })
        );
        if !is_subject {
            return;
        }
        let Some((declared_in, expr)) = self.default_tags(inst, decl.provider.clone(), 0) else {
            return;
        };
        let defaults = self.value(&mut Ctx::new(declared_in), expr);
        let at = body.attrs.iter().position(|(k, _)| k.value == "tags");
        let own = at.map(|i| body.attrs[i].1.clone());
        let merged = match (&defaults.kind, own.as_ref().map(|v| &v.kind)) {
            (K::Map(_), None | Some(K::Null)) => defaults,
            (K::Map(base), Some(K::Map(own_entries))) => {
                let mut entries: Vec<_> = base
                    .iter()
                    .filter(|(k, _)| !own_entries.iter().any(|(o, _)| o.value == k.value))
                    .cloned()
                    .collect();
                entries.extend(own_entries.iter().cloned());
                let span = own.as_ref().map_or(defaults.span, |v| v.span);
                V::map(entries, span)
            }
            // Unknown defaults make the effective tags unknown; unknown own
            // tags stay unknown.
            (K::Unknown(_), None | Some(K::Null)) => defaults,
            _ => return,
        };
        match at {
            Some(i) => body.attrs[i].1 = merged,
            None => body
                .attrs
                .push((Spanned::new("tags".to_string(), decl.header), merged)),
        }
    }

    /// The `default_tags` expression of the AWS provider configuration
    /// `alias` (`None`: the default one) as instance `inst` sees it, and the
    /// instance that declares it: declared there, or passed down by the
    /// module call (`providers = { aws = aws.west }`), or the caller's
    /// default one inherited.
    fn default_tags(
        &self,
        inst: usize,
        alias: Option<String>,
        depth: usize,
    ) -> Option<(usize, &'a Expr)> {
        if depth > 32 {
            return None;
        }
        let config = self.config(inst);
        if let Some(provider) = config.providers.iter().find(|p| p.alias == alias) {
            return provider.default_tags.as_ref().map(|tags| (inst, tags));
        }
        let parent = self.instances[inst].parent.as_ref()?;
        let call = self.config(parent.inst).calls.get(parent.call);
        let passed = call
            .providers
            .iter()
            .find(|(child, _)| *child == alias)
            .map(|(_, given)| given.clone());
        match (passed, alias) {
            (Some(given), _) => self.default_tags(parent.inst, given, depth + 1),
            (None, None) => self.default_tags(parent.inst, None, depth + 1),
            (None, Some(_)) => None,
        }
    }

    /// The instances of a resource or data source to make, within the
    /// configuration's budget: past it, the resource is checked as one
    /// instance whose number is not known, as when `count` is unknown.
    fn instance_plan(&mut self, inst: usize, decl: &'a ResourceDecl) -> Plan {
        let plan = self.expand(inst, decl.count.as_ref(), decl.for_each.as_ref());
        if self.resource_instances + plan.items.len() <= MAX_RESOURCE_INSTANCES {
            self.resource_instances += plan.items.len();
            return plan;
        }
        // The stand-ins are bounded by the module instances.
        self.resource_instances += 1;
        let note = limits::instances_over();
        let span = decl.header;
        let (each, count) = match plan.form {
            Form::ForEach => {
                let v = V::unknown(format!("each is not known: {note}"), span);
                (Some(Rc::new((v.clone(), v))), None)
            }
            _ => {
                let index = V::unknown(format!("count.index is not known: {note}"), span);
                (None, Some(index))
            }
        };
        Plan {
            form: Form::Unknown(note),
            items: vec![(Key::None, each, count)],
        }
    }

    /// Evaluates `count` or `for_each` into the instances to make.
    pub fn expand(
        &mut self,
        inst: usize,
        count: Option<&'a Expr>,
        for_each: Option<&'a Expr>,
    ) -> Plan {
        let mut cx = Ctx::new(inst);
        let unknown = |note: String, each: Option<Rc<(V, V)>>, count: Option<V>| Plan {
            form: Form::Unknown(note),
            items: vec![(Key::None, each, count)],
        };
        if let Some(expr) = count {
            let value = self.value(&mut cx, expr);
            return match want_number(&value) {
                Ok(Ok(n)) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => Plan {
                    form: Form::Count,
                    items: (0..n as usize)
                        .map(|i| (Key::Index(i), None, Some(V::number(i as f64, expr.span))))
                        .collect(),
                },
                Ok(Ok(n)) => {
                    let index = V::unknown("count.index is not known", expr.span);
                    unknown(
                        format!("count is not a usable number: {n}"),
                        None,
                        Some(index),
                    )
                }
                Ok(Err(reason)) => {
                    let index =
                        V::unknown(format!("count.index is not known: {reason}"), expr.span);
                    unknown(format!("count is unknown: {reason}"), None, Some(index))
                }
                Err(Fail(message)) => {
                    let index = V::unknown("count.index is not known", expr.span);
                    unknown(format!("count is not valid: {message}"), None, Some(index))
                }
            };
        }
        let Some(expr) = for_each else {
            return Plan {
                form: Form::Single,
                items: vec![(Key::None, None, None)],
            };
        };
        let value = self.value(&mut cx, expr);
        let each_unknown = |reason: &str| {
            let v = V::unknown(format!("each is not known: {reason}"), expr.span);
            Some(Rc::new((v.clone(), v)))
        };
        let pairs = match value.kind {
            K::Map(entries) => match iterate(V::new(K::Map(entries), value.span)) {
                Ok(Ok(pairs)) => pairs,
                _ => Vec::new(),
            },
            K::List(items) => {
                let mut pairs: Vec<(V, V)> = Vec::new();
                let mut seen: HashSet<String> = HashSet::new();
                for item in Rc::unwrap_or_clone(items) {
                    if let Some(reason) = item.unknown_reason() {
                        let reason = reason.to_string();
                        return unknown(
                            format!("for_each is unknown: {reason}"),
                            each_unknown(&reason),
                            None,
                        );
                    }
                    if item.as_str().is_none() {
                        return unknown(
                            "for_each is not valid: a set of strings is required".into(),
                            each_unknown("for_each is not valid"),
                            None,
                        );
                    }
                    if seen.insert(item.as_str().unwrap_or_default().to_string()) {
                        pairs.push((item.clone(), item));
                    }
                }
                pairs.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
                pairs
            }
            K::Unknown(reason) => {
                // Over the instances of a resource whose number is not
                // known: each.value is the one instance checked.
                let each = match value.meta.as_ref().and_then(|m| m.stand_in.clone()) {
                    Some(instance) => {
                        let key = V::unknown(format!("each.key is not known: {reason}"), expr.span);
                        Some(Rc::new((key, instance)))
                    }
                    None => each_unknown(&reason),
                };
                return unknown(format!("for_each is unknown: {reason}"), each, None);
            }
            _ => {
                let note = format!(
                    "for_each is not valid: a map or a set is required, not {}",
                    value.type_name()
                );
                return unknown(note, each_unknown("for_each is not valid"), None);
            }
        };
        if pairs.len() > MAX_INSTANCES {
            return unknown(
                "for_each has too many items to check each".into(),
                each_unknown("too many items"),
                None,
            );
        }
        Plan {
            form: Form::ForEach,
            items: pairs
                .into_iter()
                .map(|(k, v)| {
                    let name = k.as_str().unwrap_or_default().to_string();
                    (Key::Name(name), Some(Rc::new((k, v))), None)
                })
                .collect(),
        }
    }
}

/// `data "aws_kms_alias"` (by `name`) and `data "aws_kms_key"` (by
/// `key_id`): what was given is known, as written; every other attribute
/// is read from AWS. For an AWS-managed alias (`alias/aws/s3` or its ARN)
/// those attributes (the alias's `arn` and `id`, its `target_key_arn` and
/// `target_key_id`; the key's `arn` and `id`) stay unknown but are known
/// to name the AWS-managed key (rules.md, "AWS-managed keys").
fn kms_lookup_object(decl: &ResourceDecl, body: &EvBody) -> V {
    let (input, derived): (&str, &[&str]) = match decl.resource_type.as_str() {
        "aws_kms_alias" => ("name", &["arn", "id", "target_key_arn", "target_key_id"]),
        _ => ("key_id", &["arn", "id"]),
    };
    let given = body.attrs.iter().find(|(k, _)| k.value == input);
    let mut entries = Vec::new();
    if let Some((key, value)) = given {
        entries.push((key.clone(), value.clone()));
        if let Some(alias) = value
            .as_str()
            .filter(|s| phiguard_model::kinds::kms::is_aws_managed_alias(s))
        {
            for attr in derived {
                let reason = format!(
                    "`{attr}` of the KMS lookup for {alias:?} is read from AWS (it names the AWS-managed key)"
                );
                let value = V::unknown(reason, value.span)
                    .standing_for(StandsFor::AwsManagedKey(alias.to_string()));
                entries.push((Spanned::new(attr.to_string(), key.span), value));
            }
        }
    }
    V::map(entries, decl.span).with_meta(Meta {
        open: true,
        ..Meta::default()
    })
}
