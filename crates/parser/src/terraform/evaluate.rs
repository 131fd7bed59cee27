//! Evaluating the root module instances: each root on its own evaluator, in
//! parallel, then joined in root order so the result does not depend on the
//! thread count.
//!
//! Roots share nothing but the parsed configurations: each has its own
//! inputs, instances and memo. Only the files that `file()` and
//! `templatefile()` read are shared, and those get their ids at the join,
//! in root order (each evaluator numbers them provisionally).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use phiguard_model::{FileId, LintError, Model, SourceFile, Span, UnavailableModule};

use super::build::Built;
use super::config::ModuleConfig;
use super::eval::Evaluator;
use super::inputs::RootInputs;
use super::instances::Instance;
use super::modules::{Budget, Resolver};
use super::STACK;

/// What the evaluators share, read-only.
pub(crate) struct Shared<'a> {
    pub configs: &'a [ModuleConfig],
    /// The model's files before evaluation.
    pub files: &'a [SourceFile],
    pub resolver: &'a Resolver,
    pub base_dir: &'a Path,
    pub disk: bool,
    /// Where `file()` reads.
    pub fs: &'a crate::fs::Files,
}

/// One root's instances and resources.
struct RootOutcome {
    built: Built,
    /// Files read by `file()` and `templatefile()`, in the order first read;
    /// spans name them with provisional ids from `files.len()` on.
    read: Vec<SourceFile>,
    unavailable: Vec<UnavailableModule>,
    /// The configurations it instantiated.
    configs: HashSet<usize>,
    instances: usize,
    objects: u32,
    /// The plan this root was evaluated with, and the files of its
    /// resources.
    plan_sources: Option<(FileId, Vec<FileId>)>,
}

impl Shared<'_> {
    /// One root, on a big-stack thread of its own; `None` when it panicked.
    fn evaluate_alone(
        &self,
        config: usize,
        inputs: &RootInputs,
        budget: &Budget,
    ) -> Option<RootOutcome> {
        crate::parallel::per_item_on_big_stacks(&[()], STACK, |()| {
            self.evaluate_root(config, inputs, budget)
        })
        .into_iter()
        .next()
        .flatten()
    }

    fn evaluate_root(&self, config: usize, inputs: &RootInputs, budget: &Budget) -> RootOutcome {
        let mut ev = Evaluator::new(
            self.configs,
            self.files,
            self.resolver,
            self.base_dir,
            self.disk,
            self.fs,
            budget,
        );
        let mut built = Built::default();
        ev.instances
            .push(Instance::root(config, 0, Rc::new(inputs.clone())));
        ev.sweep(0, &mut built);
        let mut unavailable = std::mem::take(&mut ev.unavailable);
        let mut added = 0;
        let mut plan_sources = None;
        if let Some(plan) = &inputs.plan {
            added = built.apply_plan(plan, ev.instances.len());
            let mut files: Vec<FileId> = built.resources.iter().map(|(r, _, _)| r.file).collect();
            files.sort();
            files.dedup();
            files.retain(|&f| f != plan.file);
            plan_sources = Some((plan.file, files));
            // The plan has the resources of the modules whose code is not
            // here: their calls are no longer a gap.
            unavailable.retain(|u| !plan.has_module(&u.address));
        }
        RootOutcome {
            built,
            configs: ev.instances.iter().map(|i| i.config).collect(),
            instances: ev.instances.len() + added,
            objects: ev.objects(),
            read: ev.read.into_iter().map(|r| r.file).collect(),
            unavailable,
            plan_sources,
        }
    }
}

/// Each root's outcome (`None` when evaluating it failed), in order.
pub(crate) struct Outcomes {
    all: Vec<(usize, Option<RootOutcome>)>,
    /// `--var` names that no root declares, sorted.
    undeclared: Vec<String>,
}

/// Evaluates every root (`roots`, with their inputs) in parallel and then,
/// one at a time, each of the first `discovered` configurations that no
/// root instantiated (a cycle, or calls that never happen: `count = 0`), as
/// a root of its own without inputs.
///
/// When the run's module instances
/// ([`MAX_RUN_MODULE_INSTANCES`](super::modules::MAX_RUN_MODULE_INSTANCES),
/// or more for more code) run out, which calls were refused depends on how the roots were scheduled:
/// the roots are then evaluated again one after another, in order, so the
/// report is the same for any thread count. Both passes are bounded by the
/// budget.
pub(crate) fn evaluate_all(
    shared: &Shared,
    roots: Vec<(usize, RootInputs)>,
    discovered: usize,
) -> Outcomes {
    let undeclared = undeclared(shared.configs, &roots);
    let calls: usize = shared.configs.iter().map(|c| c.calls.items.len()).sum();
    let mut budget = Budget::for_calls(calls);
    let mut outcomes =
        crate::parallel::per_item_on_big_stacks(&roots, STACK, |(config, inputs)| {
            shared.evaluate_root(*config, inputs, &budget)
        });
    if budget.exceeded() {
        drop(outcomes);
        budget = Budget::for_calls(calls);
        outcomes = roots
            .iter()
            .map(|(config, inputs)| shared.evaluate_alone(*config, inputs, &budget))
            .collect();
    }
    let mut all: Vec<(usize, Option<RootOutcome>)> = roots
        .iter()
        .map(|(config, _)| *config)
        .zip(outcomes)
        .collect();
    let mut instantiated: HashSet<usize> = HashSet::new();
    for (config, outcome) in &all {
        instantiated.insert(*config);
        if let Some(outcome) = outcome {
            instantiated.extend(&outcome.configs);
        }
    }
    let none = RootInputs::default();
    for config in 0..discovered {
        if instantiated.contains(&config) {
            continue;
        }
        let outcome = shared.evaluate_alone(config, &none, &budget);
        instantiated.insert(config);
        if let Some(outcome) = &outcome {
            instantiated.extend(&outcome.configs);
        }
        all.push((config, outcome));
    }
    Outcomes { all, undeclared }
}

/// The variables given with `--var` that no root module declares. Terraform
/// refuses them ("Value for undeclared variable"): a misspelt name would
/// otherwise leave the variable it meant without its value, unnoticed. A
/// variable only some roots declare is theirs; the others ignore it.
fn undeclared(configs: &[ModuleConfig], roots: &[(usize, RootInputs)]) -> Vec<String> {
    let mut names: Vec<String> = roots
        .iter()
        .flat_map(|(_, inputs)| inputs.flagged())
        .filter(|name| {
            !roots
                .iter()
                .any(|(config, _)| configs[*config].variables.find(name, FileId(0)).is_some())
        })
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

impl Outcomes {
    /// Joins the outcomes in order: adds the files read and the modules
    /// not available to `model` (a failed root becomes an error naming its
    /// directory) and returns the resources of all. `configs` and `files`
    /// are those the evaluators read.
    pub fn join(self, model: &mut Model, configs: &[ModuleConfig], files: usize) -> Built {
        for name in self.undeclared {
            model.errors.push(LintError {
                path: "--var".into(),
                span: None,
                message: format!(
                    "a value is given for undeclared variable `{name}`: no root module linted \
                     declares `variable \"{name}\"`"
                ),
            });
        }
        let mut join = Join::default();
        for (config, outcome) in self.all {
            join.add(model, &configs[config].dir, files, outcome);
        }
        join.built
    }
}

/// The roots' outcomes joined in order.
#[derive(Default)]
struct Join {
    built: Built,
    instances: usize,
    objects: u32,
    /// Final ids of the files read, by path.
    read: HashMap<PathBuf, FileId>,
    unavailable: HashSet<(String, Span)>,
}

impl Join {
    fn add(&mut self, model: &mut Model, dir: &Path, base: usize, outcome: Option<RootOutcome>) {
        let Some(mut outcome) = outcome else {
            // A bug on one root must not lose the others' results.
            model.errors.push(LintError {
                path: dir.display().to_string(),
                span: None,
                message: "internal error while evaluating the Terraform configuration".into(),
            });
            return;
        };
        if !outcome.read.is_empty() {
            let ids: Vec<FileId> = outcome
                .read
                .into_iter()
                .map(|file| {
                    *self.read.entry(file.path.clone()).or_insert_with(|| {
                        model.add_value_file(&file.path, file.display_path, file.text)
                    })
                })
                .collect();
            let respan = |span: Span| match (span.file.0 as usize).checked_sub(base) {
                Some(i) => Span {
                    file: ids.get(i).copied().unwrap_or(span.file),
                    ..span
                },
                None => span,
            };
            outcome.built.map_spans(&respan);
        }
        model.plan_sources.extend(outcome.plan_sources);
        for u in outcome.unavailable {
            if self.unavailable.insert((u.address.clone(), u.span)) {
                model.unavailable_modules.push(u);
            }
        }
        self.built
            .append(outcome.built, self.instances, self.objects);
        self.instances += outcome.instances;
        self.objects += outcome.objects;
    }
}
