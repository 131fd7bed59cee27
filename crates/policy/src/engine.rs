//! Runs rules over the model and turns true conditions into findings and
//! unknown ones into undecided checks.

use rayon::prelude::*;

use phiguard_model::{
    stable_hash, Finding, Model, ResourceId, Span, Undecided, Value, ValueKind, ValueOrigin,
};

use crate::eval::{Env, Tri};
use crate::policy_file::{placeholders, Check, Rule};
use crate::shared::{share, CheckText, ResourceNames, RuleText};
use phiguard_model::kinds::{walk, KindVisitor, Subject};

#[derive(Debug, Default)]
pub struct Outcome {
    /// Boxed, as in [`phiguard_model::Report::findings`].
    #[allow(clippy::vec_box)]
    pub findings: Vec<Box<Finding>>,
    pub undecided: Vec<Undecided>,
}

/// Which buckets and domains to check: all, or those whose tags mark them
/// as holding PHI (`phi_scope: tagged`).
#[derive(Debug, Clone, Default)]
pub enum Scope {
    #[default]
    All,
    /// Tag names with the values that mark PHI.
    Tagged(Vec<(String, Vec<String>)>),
}

impl Scope {
    /// A resource whose tags cannot be known is checked: leaving it out
    /// would be a guess.
    fn includes(&self, tags: Option<&Value>) -> bool {
        let Scope::Tagged(wanted) = self else {
            return true;
        };
        let Some(tags) = tags else { return false };
        if tags.is_unknown() {
            return true;
        }
        let lookup = |name: &str| -> Option<&Value> {
            if let Some(v) = tags.get(name) {
                return Some(v);
            }
            // CloudFormation writes tags as a list of {Key, Value}.
            tags.as_list()?.iter().find_map(|t| {
                (t.get("Key")?.as_str()? == name)
                    .then(|| t.get("Value"))
                    .flatten()
            })
        };
        wanted.iter().any(|(name, values)| match lookup(name) {
            Some(v) if v.is_unknown() => true,
            Some(v) => v.as_str().is_some_and(|s| values.iter().any(|w| w == s)),
            None => false,
        })
    }
}

/// Evaluates `rules` over every bucket and domain of the model.
pub fn check(model: &Model, rules: &[&Rule]) -> Outcome {
    check_scoped(model, rules, &Scope::All)
}

/// Evaluates `rules` over the buckets and domains `scope` includes.
///
/// Rules are evaluated in parallel, each over every subject; the parts are
/// joined in rule order, so the outcome is the same, in the same order, as
/// one thread would give.
pub fn check_scoped(model: &Model, rules: &[&Rule], scope: &Scope) -> Outcome {
    init_pool();
    let names = ResourceNames::new(model);
    let index = crate::fix::FixIndex::default();
    let parts: Vec<Outcome> = rules
        .par_iter()
        .map(|rule| {
            let shared = Shared {
                model,
                text: RuleText::new(rule),
                names: &names,
                index: &index,
            };
            check_rule(&shared, rule, scope)
        })
        .collect();
    let mut outcome = Outcome::default();
    for part in parts {
        outcome.findings.extend(part.findings);
        outcome.undecided.extend(part.undecided);
    }
    let (mut fixes, spans): (Vec<_>, Vec<_>) = outcome
        .findings
        .iter_mut()
        .filter_map(|f| {
            let span = f.span;
            f.fix.as_deref_mut().map(|fix| (fix, span))
        })
        .unzip();
    crate::fix::mark_shared(model, &mut fixes, &spans);
    outcome
}

/// The model, and the text a rule's findings share.
struct Shared<'a> {
    model: &'a Model,
    text: RuleText,
    names: &'a ResourceNames,
    index: &'a crate::fix::FixIndex,
}

/// One rule over every subject of its kind that `scope` includes.
fn check_rule(shared: &Shared<'_>, rule: &Rule, scope: &Scope) -> Outcome {
    struct Run<'a> {
        shared: &'a Shared<'a>,
        rule: &'a Rule,
        scope: &'a Scope,
        outcome: Outcome,
    }
    impl KindVisitor for Run<'_> {
        fn visit<K: Subject>(&mut self) {
            if K::KIND != self.rule.kind {
                return;
            }
            for subject in K::all(&self.shared.model.subjects)
                .iter()
                .filter(|s| self.scope.includes(s.tags()))
            {
                run(self.shared, self.rule, subject, &mut self.outcome);
            }
        }
    }
    let mut visit = Run {
        shared,
        rule,
        scope,
        outcome: Outcome::default(),
    };
    walk(&mut visit);
    visit.outcome
}

/// Sets up rayon's global pool once, as the parser does (`RAYON_NUM_THREADS`
/// threads, else one per CPU), with stacks larger than a main thread's, so
/// that evaluation that fits on the main thread fits on the pool; if the
/// pool already exists, it is used as it is.
fn init_pool() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(16 << 20)
            .thread_name(|i| format!("phiguard-{i}"))
            .build_global();
    });
}

/// One rule over one subject: over each combination of its parts' sources
/// when a part has several, keeping each finding once, at the worst
/// severity any combination gives it (a protection counts only when every
/// source provides it).
fn run<T: Subject>(shared: &Shared<'_>, rule: &Rule, subject: &T, outcome: &mut Outcome) {
    if !subject.has_further_sources() {
        return run_view(shared, rule, subject, outcome);
    }
    let mut all = Outcome::default();
    for variant in subject.variants() {
        run_view(shared, rule, &variant, &mut all);
    }
    let mut findings = Vec::<Box<Finding>>::with_capacity(all.findings.len());
    for finding in all.findings {
        let same = findings.iter_mut().find(|f| {
            f.rule == finding.rule
                && f.span == finding.span
                && f.path == finding.path
                && f.resource.address == finding.resource.address
        });
        match same {
            Some(kept) if finding.severity > kept.severity => *kept = finding,
            Some(_) => {}
            None => findings.push(finding),
        }
    }
    outcome.findings.extend(findings);
    // The same undecided check from several combinations is one record
    // once the report is sorted (`Report::sort`).
    outcome.undecided.extend(all.undecided);
}

/// Whether a check is about a part an orphan view carries: it points at
/// one (`at`), directly or through the list it iterates. Checks about
/// something missing, or about parts the orphan's satellites do not state,
/// are not reported for it at all (rules.md, "Orphan satellites").
fn applies_to_orphan<T: Subject>(check: &Check, subject: &T) -> bool {
    check.at.iter().any(|path| {
        let path = match &check.each {
            Some((list, binding))
                if path == binding || path.starts_with(&format!("{binding}.")) =>
            {
                list.as_str()
            }
            _ => path.as_str(),
        };
        subject.carries(path.split('.').next().unwrap_or(path))
    })
}

fn run_view<T: Subject>(shared: &Shared<'_>, rule: &Rule, subject: &T, outcome: &mut Outcome) {
    let model = shared.model;
    let checks = rule.checks.iter().zip(&shared.text.checks).enumerate();
    for (index, (check, text)) in checks {
        if subject.orphan().is_some() && !applies_to_orphan(check, subject) {
            continue;
        }
        let base = Env {
            model,
            subject,
            item: None,
        };
        let check = Checked {
            rule,
            check,
            index,
            text,
        };
        match &check.check.each {
            None => evaluate(shared, &check, &base, None, outcome),
            Some((list, binding)) => {
                let fact = base.lookup(list);
                let Some(value) = fact.value else { continue };
                if let ValueKind::Unknown(u) = &value.kind {
                    let resource = fact.resource.unwrap_or(subject.resource());
                    outcome
                        .undecided
                        .push(undecided::<T>(shared, resource, &u.reason, value.span));
                    continue;
                }
                for (index, item) in value.items().iter().enumerate() {
                    let env = Env {
                        model,
                        subject,
                        item: Some((binding.as_str(), item, fact.resource)),
                    };
                    let path = format!("{list}[{index}]");
                    evaluate(shared, &check, &env, Some((binding, &path)), outcome);
                }
            }
        }
    }
}

/// A check of a rule, with its place among the rule's checks and its
/// shared text.
struct Checked<'a> {
    rule: &'a Rule,
    check: &'a Check,
    index: usize,
    text: &'a CheckText,
}

fn evaluate<T: Subject>(
    shared: &Shared<'_>,
    check: &Checked<'_>,
    env: &Env<'_, T>,
    item_path: Option<(&String, &String)>,
    outcome: &mut Outcome,
) {
    match env.eval(&check.check.when) {
        Tri::False => {}
        Tri::Unknown(u) => {
            let resource = u.resource.unwrap_or(env.subject.resource());
            outcome
                .undecided
                .push(undecided::<T>(shared, resource, &u.reason, u.span));
        }
        Tri::True => outcome
            .findings
            .push(Box::new(finding(shared, check, env, item_path))),
    }
}

fn finding<T: Subject>(
    shared: &Shared<'_>,
    checked: &Checked<'_>,
    env: &Env<'_, T>,
    item_path: Option<(&String, &String)>,
) -> Finding {
    let (model, rule, check, text) = (shared.model, checked.rule, checked.check, checked.text);
    let anchor = env.subject.resource();
    // The first `at` fact that is present locates the finding; with none,
    // something is missing and the finding points at the resource header.
    let located = check
        .at
        .iter()
        .zip(&text.at)
        .enumerate()
        .find_map(|(index, (path, at))| {
            let fact = env.lookup(path);
            fact.value
                .map(|v| (index, path.as_str(), at, v, fact.resource.unwrap_or(anchor)))
        });
    let (located_index, path, shared_path, value, resource_id) = match located {
        Some((index, path, at, value, resource)) => (Some(index), path, at, Some(value), resource),
        None => (None, "", &shared.text.no_path, None, anchor),
    };
    let resource = model.resource(resource_id);
    let span = value.as_ref().map_or(resource.header, |v| v.span);
    let path = match item_path {
        Some((binding, list_path)) => path.replacen(binding.as_str(), list_path, 1).into(),
        None => shared_path.clone(),
    };
    let file = &model.file(resource.file).project_path;
    let mut origins: Vec<ValueOrigin> = value
        .as_ref()
        .and_then(|v| v.origins.as_deref())
        .map(<[_]>::to_vec)
        .unwrap_or_default();
    // A CDK resource is changed in the app's code, where the construct was
    // made: that line is the place to change, and the generated template
    // is never edited.
    let construct = resource
        .construct
        .as_deref()
        .or(model.resource(anchor).construct.as_deref());
    if let Some(created) = construct.and_then(|c| c.created) {
        origins.insert(
            0,
            ValueOrigin {
                role: phiguard_model::OriginRole::Construct,
                span: Some(created),
                name: construct.map(|c| c.path.clone()).unwrap_or_default(),
            },
        );
    }
    let fix = check
        .edit
        .as_ref()
        .filter(|_| !model.file(resource.file).generated)
        .and_then(|spec| {
            if let Some(condition) = &spec.when {
                if !matches!(env.eval(condition), Tri::True) {
                    return None;
                }
            }
            let values: Vec<Option<Value>> = check.at.iter().map(|p| env.lookup(p).value).collect();
            let target = spec.target.as_ref().and_then(|p| env.lookup(p).value);
            let site = crate::fix::Site {
                at: check
                    .at
                    .iter()
                    .map(String::as_str)
                    .zip(values.iter().map(Option::as_ref))
                    .collect(),
                located: located_index,
                target: target.as_ref(),
                orphan: env.subject.orphan().is_some(),
                index: shared.index,
            };
            crate::fix::build(model, spec, &site, resource, model.resource(anchor)).map(Box::new)
        });
    let help = text.fix(resource.dialect).map(|template| {
        let fix = render_message(template, env, value.as_ref());
        let fix = match origins.first() {
            Some(origin) => {
                crate::origin_fix::name_origin(model, fix, resource.dialect, origin, value.as_ref())
            }
            None => fix,
        };
        share(fix, template)
    });
    // Evaluated with a plan: the plan's resource is a secondary location
    // of every finding on it, after the origins that decided the value
    // (which name the place to change).
    let planned = [resource, model.resource(anchor)]
        .into_iter()
        .find_map(|r| r.planned.map(|span| (span, &r.address)));
    if let Some((span, address)) = planned {
        if !origins
            .iter()
            .any(|o| o.role == phiguard_model::OriginRole::Plan)
        {
            origins.push(ValueOrigin {
                role: phiguard_model::OriginRole::PlannedResource,
                span: Some(span),
                name: address.clone(),
            });
        }
    }
    Finding {
        check: checked.index,
        rule: shared.text.id.clone(),
        severity: check.severity.unwrap_or(rule.severity),
        message: match construct {
            Some(c) => format!(
                "{} (construct {})",
                render_message(&check.message, env, value.as_ref()),
                c.path
            )
            .into(),
            None => share(
                render_message(&check.message, env, value.as_ref()),
                &text.message,
            ),
        },
        label: text.label.clone(),
        span,
        resource: shared.names.get(model, resource_id, T::KIND),
        fingerprint: if T::SHARED_SATELLITES && resource_id != anchor {
            let subject = &model.resource(anchor).address;
            stable_hash(&[&rule.id, file, &resource.address, &path, subject])
        } else {
            stable_hash(&[&rule.id, file, &resource.address, &path])
        },
        path,
        hipaa: shared.text.hipaa.clone(),
        help,
        fix,
        suppressed: None,
        notes: notes(model, resource),
        origins,
    }
}

/// The module calls a resource comes through, and the unknown count or
/// for_each its instance stands for.
fn notes(model: &Model, resource: &phiguard_model::Resource) -> Vec<String> {
    let mut notes: Vec<String> = resource
        .module_calls
        .iter()
        .filter_map(|call| {
            let file = model.files.get(call.file.0 as usize)?;
            let at = file.position(call.start as usize);
            let text = file.slice(*call).unwrap_or("module");
            Some(format!(
                "through `{}` at {}:{}:{}",
                text.trim_end_matches('{').trim(),
                file.display_path,
                at.line,
                at.column
            ))
        })
        .collect();
    if let Some(note) = &resource.instance_note {
        notes.push(format!("this instance stands for every instance: {note}"));
    }
    notes
}

fn undecided<T: Subject>(
    shared: &Shared<'_>,
    resource: ResourceId,
    reason: &str,
    span: Span,
) -> Undecided {
    Undecided {
        rule: shared.text.id.clone(),
        span,
        resource: shared.names.get(shared.model, resource, T::KIND),
        reason: reason.to_string(),
    }
}

/// Fills `{name}`, `{value}`, `{resource}` and `{fact.path}` placeholders.
fn render_message<T: Subject>(template: &str, env: &Env<'_, T>, value: Option<&Value>) -> String {
    let mut out = template.to_string();
    let names: Vec<&str> = placeholders(template).collect();
    for name in names {
        let text = match name {
            "name" => subject_name(env),
            "resource" => env.model.resource(env.subject.resource()).address.clone(),
            "value" => value.map_or_else(String::new, plain),
            path => env
                .lookup(path)
                .value
                .as_ref()
                .map_or_else(String::new, plain),
        };
        out = out.replace(&format!("{{{name}}}"), &text);
    }
    out
}

/// The subject's name in quotes when known, otherwise its address; an
/// orphan's, the bucket or domain expression its satellites write.
fn subject_name<T: Subject>(env: &Env<'_, T>) -> String {
    if let Some(written) = env.subject.orphan() {
        if let Some(name) = written.as_str() {
            return format!("{name:?}");
        }
        let file = env.model.files.get(written.span.file.0 as usize);
        if let Some(text) = file.and_then(|f| f.slice(written.span)) {
            return text.trim().to_string();
        }
        return written.display();
    }
    match env.subject.name().and_then(Value::as_str) {
        Some(name) => format!("{name:?}"),
        None => env.model.resource(env.subject.resource()).address.clone(),
    }
}

/// A value as a message shows it: strings bare, lists joined.
fn plain(value: &Value) -> String {
    match &value.kind {
        ValueKind::String(s) => s.clone(),
        ValueKind::List(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        ValueKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| format!("{}: {}", k.value, plain(v)))
            .collect::<Vec<_>>()
            .join(", "),
        _ => value.display(),
    }
}
