//! What the robustness tests share: real files to start from, edits that
//! cut, splice and corrupt them, and loading one file from bytes.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use phiguard_model::{Model, PolicySource, Value, ValueKind};
use phiguard_parser::{load_sources, Source};
use proptest::prelude::*;

/// Files under the project's fixtures and `../shared/corpus/CORPUS` whose
/// extension is one of `extensions`, each with its extension, in path
/// order. Either folder may be absent (said on stdout).
pub fn seed_files(corpus: &str, extensions: &[&str]) -> Vec<(String, Vec<u8>)> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        manifest.join("../../fixtures"),
        manifest.join("../../../shared/corpus").join(corpus),
    ] {
        if dir.is_dir() {
            collect(&dir, extensions, &mut out);
        } else {
            println!("skipped seeds from {}: not present", dir.display());
        }
    }
    out
}

fn collect(dir: &Path, extensions: &[&str], out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, extensions, out);
        } else if let Some(ext) = path
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| extensions.contains(e))
        {
            if let Ok(bytes) = std::fs::read(&path) {
                out.push((ext.to_string(), bytes));
            }
        }
    }
}

pub fn load_one(name: &str, bytes: Vec<u8>) -> Model {
    load_sources(vec![Source {
        path: name.into(),
        display_path: name.into(),
        bytes,
    }])
}

#[derive(Debug, Clone)]
pub enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Duplicate(usize, usize),
    Truncate(usize),
}

/// Edits that insert random bytes or one of `snippets` (the syntax most
/// likely to confuse a parser), delete, replace, duplicate or truncate.
pub fn edit(snippets: Vec<Vec<u8>>) -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..64).prop_map(|(at, n)| Edit::Delete(at, n)),
        (
            any::<usize>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                proptest::sample::select(snippets),
            ]
        )
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), 0usize..256).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

pub fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
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

/// Few cases by default to keep the suite fast; PROPTEST_CASES runs more.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(96)
}

/// Every span must index its file's text, so reporters can slice it.
pub fn check_value(model: &Model, value: &Value) {
    let text = &model.file(value.span.file).text;
    assert!(text.get(value.span.range()).is_some(), "{value:?}");
    for origin in value.origins.iter().flat_map(|o| o.iter()) {
        if let Some(span) = origin.span {
            assert!(model.file(span.file).text.get(span.range()).is_some());
        }
    }
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|v| check_value(model, v)),
        ValueKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            assert!(text.get(k.span.range()).is_some());
            check_value(model, v)
        }),
        _ => {}
    }
}

/// A model any input gives: at most one error, and every span of its
/// errors, resources, values, origins and policy principals indexes its file.
pub fn check(model: &Model) {
    assert!(model.errors.len() <= 1, "{:?}", model.errors);
    for err in &model.errors {
        if let Some(span) = err.span {
            assert!(model.file(span.file).text.get(span.range()).is_some());
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
    let policies = model
        .subjects
        .buckets
        .iter()
        .filter_map(|b| b.policy.as_deref())
        .chain(
            model
                .subjects
                .domains
                .iter()
                .filter_map(|d| d.access_policy.as_deref()),
        );
    for policy in policies {
        if let PolicySource::Document(doc) = &policy.document {
            for st in &doc.statements {
                st.principal.iter().for_each(|p| check_value(model, p));
            }
        }
    }
}
