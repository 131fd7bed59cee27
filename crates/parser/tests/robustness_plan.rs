//! Whatever a Terraform plan JSON holds, loading returns a model (with at
//! most one error), never a panic, and every span indexes its file: the
//! fixture's plan (and the real plans, when the test data is there) cut
//! and corrupted, in UTF-8 and UTF-16.

mod mutation;

use std::sync::OnceLock;

use mutation::{apply, cases, check, load_one, Edit};
use proptest::prelude::*;

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
