//! Whatever bytes arrive, loading returns a model (with errors), never a
//! panic: arbitrary input, and real files cut, spliced and corrupted.

mod mutation;

use std::sync::OnceLock;

use mutation::{apply, cases, load_one, seed_files, Edit};
use phiguard_model::{Model, Value, ValueKind};
use proptest::prelude::*;

/// Real files to mutate: the project's fixtures and the shared corpus.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out: Vec<Vec<u8>> = seed_files("terraform", &["tf", "json"])
            .into_iter()
            .map(|(_, bytes)| bytes)
            .collect();
        if out.is_empty() {
            out.push(b"resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n".to_vec());
        }
        out
    })
}

/// Every span must index its file's text, so reporters can slice it.
fn check_value(model: &Model, value: &Value) {
    let len = model.file(value.span.file).text.len() as u32;
    assert!(value.span.start <= value.span.end && value.span.end <= len);
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|v| check_value(model, v)),
        ValueKind::Map(entries) => entries.iter().for_each(|(_, v)| check_value(model, v)),
        _ => {}
    }
}

fn check(model: &Model) {
    assert!(model.errors.len() <= 1, "{:?}", model.errors);
    for err in &model.errors {
        if let Some(span) = err.span {
            assert!(span.end as usize <= model.file(span.file).text.len());
        }
    }
    for r in &model.resources {
        let text = &model.file(r.file).text;
        assert!(text.get(r.span.range()).is_some() && text.get(r.header.range()).is_some());
        r.body
            .attributes
            .iter()
            .for_each(|a| check_value(model, &a.value));
    }
    for b in &model.subjects.buckets {
        if let Some(policy) = &b.policy {
            if let Some(doc) = policy.document.document() {
                assert!(doc.span.end as usize <= model.file(doc.span.file).text.len());
            }
        }
    }
}

/// HCL's delimiters, heredocs and a byte-order mark.
fn edit() -> impl Strategy<Value = Edit> {
    mutation::edit(vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"\"".to_vec(),
        b"${".to_vec(),
        b"<<EOF\n".to_vec(),
        b"\n".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"=".to_vec(),
        b"[".to_vec(),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let name = if json { "main.tf.json" } else { "main.tf" };
        check(&load_one(name, bytes));
    }

    #[test]
    fn arbitrary_text(text in "[a-z_\"{}=\\[\\]$<>\n .,:0-9é😀-]{0,300}") {
        check(&load_one("main.tf", text.clone().into_bytes()));
        check(&load_one("main.tf.json", text.into_bytes()));
    }

    #[test]
    fn mutated_real_files(seed in any::<prop::sample::Index>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seed.get(seeds).clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        check(&load_one("main.tf", bytes.clone()));
        check(&load_one("main.tf.json", bytes));
    }
}
