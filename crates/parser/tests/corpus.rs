//! Loads the shared corpus of real-world Terraform (when present) and
//! requires every file to parse.

use std::path::PathBuf;

use phiguard_parser::{load, LoadOptions};

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/terraform");
    dir.is_dir().then_some(dir)
}

#[test]
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
    assert!(!model.buckets.is_empty() && !model.domains.is_empty());
}
