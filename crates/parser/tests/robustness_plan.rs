//! Whatever a Terraform plan JSON holds, loading returns a model (with at
//! most one error), never a panic, and every span indexes its file: the
//! fixture's plan (and the real plans, when the test data is there) cut
//! and corrupted, in UTF-8 and UTF-16, read alone and with the `.tf`
//! configuration it was made from (where the plan decides what the `.tf`
//! leaves unknown).

mod mutation;

use std::sync::OnceLock;

use mutation::{apply, cases, check, load_one, Edit};
use phiguard_model::Model;
use phiguard_parser::{load_sources, Source};
use proptest::prelude::*;

/// The fixture's configuration (its root `main.tf`), read from memory.
fn configuration() -> &'static [u8] {
    static TF: OnceLock<Vec<u8>> = OnceLock::new();
    TF.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        std::fs::read(root.join("fixtures/terraform-plan/main.tf")).unwrap_or_default()
    })
}

/// A plan beside the configuration it was made from.
fn load_with_configuration(plan: Vec<u8>) -> Model {
    let source = |name: &str, bytes: Vec<u8>| Source {
        path: name.into(),
        display_path: name.into(),
        bytes,
    };
    load_sources(vec![
        source("main.tf", configuration().to_vec()),
        source("tfplan.json", plan),
    ])
}

fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = vec![
            std::fs::read(root.join("fixtures/terraform-plan/tfplan.json")).unwrap_or_default(),
        ];
        let real = root.join("../shared/testdata/terraform-plans");
        for plan in [
            "plan_with_iam_data_block/tfplan.json",
            "plan_with_hcl_for_enrichment/tfplan.json",
            "plan_encodings/tfplan_win_utf8.json",
        ] {
            if let Ok(bytes) = std::fs::read(real.join(plan)) {
                out.push(bytes);
            }
        }
        out
    })
}

fn utf16(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend(unit.to_le_bytes());
    }
    out
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippets: Vec<Vec<u8>> = [
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "true",
        "\"format_version\": \"9.0\"",
        "\"values\": {}",
        "\"address\": 1",
        "\"after_unknown\": true",
        "\\u0000",
        "é",
        "😀",
        "\u{feff}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    mutation::edit(snippets)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_plans(seed in any::<prop::sample::Index>(), edits in proptest::collection::vec(edit(), 1..6), wide in any::<bool>()) {
        let seeds = seeds();
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        if wide {
            bytes = utf16(&bytes);
        }
        check(&load_one("tfplan.json", bytes));
    }

    #[test]
    fn mutated_plans_beside_their_configuration(edits in proptest::collection::vec(edit(), 1..6), wide in any::<bool>()) {
        let mut bytes = seeds()[0].clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        if wide {
            bytes = utf16(&bytes);
        }
        check(&load_with_configuration(bytes));
    }
}

#[test]
fn the_fixture_plan_decides_values_of_its_configuration() {
    let model = load_with_configuration(seeds()[0].clone());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert!(
        model.resources.iter().any(|r| r.planned.is_some()),
        "no resource of main.tf was overlaid from the plan"
    );
}

#[test]
fn the_seeds_are_plans() {
    for seed in seeds() {
        let model = load_one("tfplan.json", seed.clone());
        assert!(model.errors.is_empty(), "{:?}", model.errors);
        assert!(!model.resources.is_empty());
        let model = load_one("tfplan.json", utf16(seed));
        assert!(model.errors.is_empty(), "{:?}", model.errors);
        assert!(!model.resources.is_empty());
    }
}
