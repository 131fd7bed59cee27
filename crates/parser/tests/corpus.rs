//! Loads the shared corpus of real-world Terraform (when present) and
//! requires every file to parse.

use std::path::PathBuf;

use phiguard_parser::{load, LoadOptions};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/terraform");
    dir.is_dir().then_some(dir)
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the checkout"
)]
fn every_corpus_file_loads_without_error() {
    let Some(dir) = corpus() else {
        println!("skipped: no corpus at ../shared/corpus/terraform");
        return;
    };
    let model = load(&LoadOptions {
        paths: vec![dir.clone()],
        base_dir: dir,
        ..LoadOptions::default()
    });
    let errors: Vec<String> = model
        .errors
        .iter()
        .map(|e| {
            let at = e
                .span
                .map(|s| model.file(s.file).position(s.start as usize))
                .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
            format!("{}{at}: {}", e.path, e.message)
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(
        model.files.len() > 1_000,
        "only {} files",
        model.files.len()
    );
    assert!(model.skipped.is_empty(), "{:?}", model.skipped);
    assert!(!model.subjects.buckets.is_empty() && !model.subjects.domains.is_empty());
}

/// Every example of the S3 bucket and OpenSearch modules, each loaded as
/// its own root module (as `phiguard lint examples/complete` would), which
/// instantiates the module under test from `../../` with the example's
/// inputs, evaluates without error.
#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the checkout"
)]
fn module_examples_evaluate_without_error() {
    let Some(dir) = corpus() else {
        println!("skipped: no corpus at ../shared/corpus/terraform");
        return;
    };
    let mut examples = Vec::new();
    for repo in [
        "terraform-aws-modules__terraform-aws-s3-bucket",
        "terraform-aws-modules__terraform-aws-opensearch",
    ] {
        let Ok(entries) = std::fs::read_dir(dir.join(repo).join("examples")) else {
            println!("skipped {repo}: not in the corpus");
            continue;
        };
        examples.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
    }
    examples.sort();
    let (mut buckets, mut domains) = (0, 0);
    for example in &examples {
        let model = load(&LoadOptions {
            paths: vec![example.clone()],
            base_dir: dir.clone(),
            ..LoadOptions::default()
        });
        assert!(
            model.errors.is_empty(),
            "{}: {:?}",
            example.display(),
            model.errors
        );
        // Only registry modules that `terraform init` would download.
        for u in &model.unavailable_modules {
            assert!(
                !u.source.starts_with('.'),
                "{}: {} ({})",
                example.display(),
                u.address,
                u.reason
            );
        }
        buckets += model.subjects.buckets.len();
        domains += model.subjects.domains.len();
    }
    assert!(examples.len() >= 10, "only {} examples", examples.len());
    assert!(
        buckets >= 15 && domains >= 1,
        "{buckets} buckets, {domains} domains"
    );
}
