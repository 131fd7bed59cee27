//! Loads the shared corpus of real-world CloudFormation (when present):
//! cfn-lint's valid templates must load without a single error, and in
//! AWS's sample templates every template must parse while every other
//! JSON or YAML file is skipped.

use std::path::{Path, PathBuf};

use phiguard_model::Model;
use phiguard_parser::{load, LoadOptions};

fn corpus() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/cloudformation");
    dir.is_dir().then_some(dir)
}

fn load_dir(dir: &Path) -> Model {
    load(&LoadOptions {
        paths: vec![dir.to_path_buf()],
        base_dir: dir.to_path_buf(),
        ..LoadOptions::default()
    })
}

fn errors(model: &Model) -> Vec<String> {
    model
        .errors
        .iter()
        .map(|e| {
            let at = e
                .span
                .map(|s| model.file(s.file).position(s.start as usize))
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            format!("{}{at}: {}", e.path, e.message)
        })
        .collect()
}

/// Every `.json`, `.yaml`, `.yml` and `.template` file under `dir`.
fn candidates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            candidates(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml" | "template"))
        {
            out.push(path);
        }
    }
}

/// One repository of the corpus, loaded, asserting that no file gave an
/// error; `None` (said on stdout) without the corpus.
fn load_repository(name: &str) -> Option<(PathBuf, Model)> {
    let Some(corpus) = corpus() else {
        println!("skipped: no corpus at ../shared/corpus/cloudformation");
        return None;
    };
    let dir = corpus.join(name);
    let model = load_dir(&dir);
    let errors = errors(&model);
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    Some((dir, model))
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the checkout"
)]
fn cfn_lint_templates_load_without_error() {
    let Some((dir, model)) = load_repository("aws-cloudformation__cfn-lint") else {
        return;
    };
    let mut all = Vec::new();
    candidates(&dir, &mut all);
    println!(
        "cfn-lint: {} of {} files are templates",
        model.files.len(),
        all.len()
    );
    assert!(
        model.files.len() * 10 >= all.len() * 9,
        "too few templates detected"
    );
    assert!(model.skipped.is_empty(), "{:?}", model.skipped);
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the checkout"
)]
fn aws_sample_templates_parse_and_other_files_are_skipped() {
    let Some((dir, model)) = load_repository("aws-cloudformation__aws-cloudformation-templates")
    else {
        return;
    };
    assert!(
        model.skipped.is_empty(),
        "walked files are skipped silently"
    );
    let mut all = Vec::new();
    candidates(&dir, &mut all);
    let loaded: Vec<&str> = model
        .files
        .iter()
        .map(|f| f.display_path.as_str())
        .collect();
    let others: Vec<String> = all
        .iter()
        .map(|p| phiguard_parser::display_path_for(p, &dir))
        .filter(|p| !loaded.contains(&p.as_str()))
        .collect();
    println!(
        "aws-cloudformation-templates: {} templates, {} other files skipped: {others:?}",
        loaded.len(),
        others.len()
    );
    // Named one by one, the other files are reported as skipped, not as errors.
    let named = load(&LoadOptions {
        paths: others.iter().map(PathBuf::from).collect(),
        base_dir: dir.clone(),
        ..LoadOptions::default()
    });
    assert!(named.errors.is_empty(), "{:?}", named.errors);
    assert_eq!(named.skipped.len(), others.len());
    assert!(
        model.subjects.buckets.len() > 40,
        "only {} buckets",
        model.subjects.buckets.len()
    );
}
