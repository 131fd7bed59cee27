//! Whatever bytes arrive, loading returns a model (with errors), never a
//! panic: arbitrary input, and real files cut, spliced and corrupted.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use phiguard_model::{Model, Value, ValueKind};
use phiguard_parser::{load_sources, Source};
use proptest::prelude::*;

fn collect(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "tf" || e == "json") {
            if let Ok(bytes) = std::fs::read(&path) {
                out.push(bytes);
            }
        }
    }
}

/// Real files to mutate: the project's fixtures and the shared corpus.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in [
            manifest.join("../../fixtures"),
            manifest.join("../../../shared/corpus/terraform"),
        ] {
            if dir.is_dir() {
                collect(&dir, &mut out);
            } else {
                println!("skipped seeds from {}: not present", dir.display());
            }
        }
        if out.is_empty() {
            out.push(b"resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n".to_vec());
        }
        out
    })
}

fn load_one(name: &str, bytes: Vec<u8>) -> Model {
    load_sources(vec![Source {
        path: name.into(),
        display_path: name.into(),
        bytes,
    }])
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
    for b in &model.buckets {
        if let Some(policy) = &b.policy {
            if let Some(doc) = policy.document.document() {
                assert!(doc.span.end as usize <= model.file(doc.span.file).text.len());
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            any::<usize>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                proptest::sample::select(vec![
                    b"{".to_vec(),
                    b"}".to_vec(),
                    b"\"".to_vec(),
                    b"${".to_vec(),
                    b"<<EOF\n".to_vec(),
                    b"\n".to_vec(),
                    b"\xef\xbb\xbf".to_vec(),
                    b"=".to_vec(),
                    b"[".to_vec(),
                ]),
            ]
        )
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), 0usize..256).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
    let len = bytes.len();
    match edit {
        Edit::Delete(i, n) => {
            let start = at(*i, len);
            let end = (start + n).min(len);
            bytes.drain(start..end);
        }
        Edit::Insert(i, new) => {
            let start = at(*i, len);
            bytes.splice(start..start, new.iter().copied());
        }
        Edit::Replace(i, b) => {
            if len > 0 {
                bytes[i % len] = *b;
            }
        }
        Edit::Duplicate(i, n) => {
            let start = at(*i, len);
            let end = (start + n).min(len);
            let copy = bytes[start..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Edit::Truncate(i) => bytes.truncate(at(*i, len)),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(96)
}

proptest! {
    // Few cases by default to keep the suite fast; PROPTEST_CASES runs more.
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
