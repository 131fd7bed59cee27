//! Conformance of the YAML reader (`phiguard_parser::yaml::parse`, the one
//! templates go through) with the YAML test suite's data
//! (`../shared/testdata/yaml-test-suite`, the suite's `data` branch; absent
//! on a user's machine, where the test says so and passes).
//!
//! Every case must behave as the suite says, unless it is listed in
//! [`DEVIATIONS`] with a reason: a valid case (no `error` file) must parse,
//! to the data of its `in.json` where it has one; an invalid case must be an
//! error. A listed case that no longer deviates fails the test too, so the
//! list stays true.
//!
//! How data is compared: documents, sequences and mappings exactly (mapping
//! keys are strings in both, compared as sets). Scalars of the same kind
//! (string, number, boolean, null) must be equal. The suite's JSON follows
//! the YAML 1.2 core schema while phiguard reads plain scalars with the YAML
//! 1.1 rules CloudFormation applies (`yes` is true, `012` stays a string), so
//! a scalar whose kinds differ is accepted only when those rules explain it:
//! phiguard reads a JSON string's text as a plain scalar to the value it
//! gave, or the YAML 1.2 core schema reads phiguard's string as the JSON
//! value. Such scalars are counted and printed. A local tag (`!foo x`)
//! becomes a CloudFormation function (`{"Fn::foo": x}`, `!Ref`/`!Condition`
//! without `Fn::`) by design: the comparison looks through that wrapping,
//! and counts it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use phiguard_model::{FileId, Value, ValueKind};
use phiguard_parser::yaml;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Deviation {
    /// The suite says invalid; phiguard reads it, as PyYAML does.
    Accepts,
    /// The suite says valid; phiguard refuses it.
    Rejects,
    /// Valid and read, but to other data than the suite's `in.json`.
    Differs,
}
use Deviation::*;

/// Cases phiguard deliberately reads otherwise than the suite, each with
/// the reason. PyYAML (cfn-lint's reader) behaves as phiguard on every one.
const DEVIATIONS: &[(&str, Deviation, &str)] = &[
    (
        "9C9N",
        Accepts,
        "lines of a flow collection left of the key's indentation: PyYAML, cfn-lint and \
         CloudFormation ignore indentation inside flow collections, and AWS sample templates \
         close `EventPattern: {` at the key's column",
    ),
    (
        "QB6E",
        Accepts,
        "continuation lines of a quoted scalar at the key's indentation: PyYAML, cfn-lint \
         and CloudFormation accept them, and AWS sample templates write descriptions so",
    ),
    (
        "VJP3/00",
        Accepts,
        "the valid VJP3/01 with its flow mapping's lines moved to column 0: indentation inside \
         flow collections is not checked, as in 9C9N (PyYAML refuses both VJP3 cases for the \
         `:` on its own line)",
    ),
    (
        "2JQS",
        Rejects,
        "two empty (null) keys: keys are read as strings, so they are one key given twice, \
         and duplicate keys are refused as cfn-lint refuses them (PyYAML refuses this too)",
    ),
    ("4FJ6", Rejects, COLLECTION_KEY),
    ("6BFJ", Rejects, COLLECTION_KEY),
    ("6PBE", Rejects, COLLECTION_KEY),
    ("9MMW", Rejects, COLLECTION_KEY),
    ("KK5P", Rejects, COLLECTION_KEY),
    ("LX3P", Rejects, COLLECTION_KEY),
    ("M2N8/00", Rejects, COLLECTION_KEY),
    ("M2N8/01", Rejects, COLLECTION_KEY),
    ("M5DY", Rejects, COLLECTION_KEY),
    ("Q9WF", Rejects, COLLECTION_KEY),
    ("RZP5", Rejects, COLLECTION_KEY),
    ("SBG9", Rejects, COLLECTION_KEY),
    ("V9D5", Rejects, COLLECTION_KEY),
    ("X38W", Rejects, COLLECTION_KEY),
    ("XW4D", Rejects, COLLECTION_KEY),
];

/// Why a mapping with a sequence or mapping as a key is refused.
const COLLECTION_KEY: &str = "a sequence or mapping used as a mapping key: template keys are \
    strings (and JSON's are), so phiguard refuses it, as PyYAML's safe loader does";

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/yaml-test-suite")
}

/// Case folders: `ID` holding `in.yaml`, or `ID/NN` for suites of cases.
fn cases(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let id = entry.file_name().to_string_lossy().into_owned();
        if path.join("in.yaml").is_file() {
            out.push((id.clone(), path.clone()));
        }
        if let Ok(subs) = fs::read_dir(&path) {
            for sub in subs.flatten() {
                if sub.path().join("in.yaml").is_file() {
                    let name = format!("{id}/{}", sub.file_name().to_string_lossy());
                    out.push((name, sub.path()));
                }
            }
        }
    }
    out.sort();
    out
}

#[derive(Default)]
struct Counts {
    scalars: usize,
    resolution: Vec<String>,
    unwrapped_tags: usize,
}

/// Why `ours` is not `theirs`, or `None` when it is (see the module's doc).
fn compare(
    ours: &Value,
    theirs: &serde_json::Value,
    at: &str,
    counts: &mut Counts,
) -> Option<String> {
    use serde_json::Value as J;
    if let ValueKind::Map(entries) = &ours.kind {
        if let [(key, inner)] = entries.as_slice() {
            let function =
                key.value.starts_with("Fn::") || key.value == "Ref" || key.value == "Condition";
            let same_map = theirs
                .as_object()
                .is_some_and(|o| o.len() == 1 && o.contains_key(&key.value));
            if function && !same_map {
                counts.unwrapped_tags += 1;
                return compare(inner, theirs, at, counts);
            }
        }
    }
    match (&ours.kind, theirs) {
        (ValueKind::List(items), J::Array(expected)) => {
            if items.len() != expected.len() {
                return Some(format!(
                    "{at}: {} items, expected {}",
                    items.len(),
                    expected.len()
                ));
            }
            items
                .iter()
                .zip(expected)
                .enumerate()
                .find_map(|(i, (o, t))| compare(o, t, &format!("{at}[{i}]"), counts))
        }
        (ValueKind::Map(entries), J::Object(expected)) => {
            let ours: BTreeMap<&str, &Value> =
                entries.iter().map(|(k, v)| (k.value.as_str(), v)).collect();
            if ours.len() != expected.len() || ours.keys().any(|k| !expected.contains_key(*k)) {
                return Some(format!(
                    "{at}: keys {:?}, expected {:?}",
                    ours.keys().collect::<Vec<_>>(),
                    expected.keys().collect::<Vec<_>>()
                ));
            }
            expected.iter().find_map(|(k, t)| {
                ours.get(k.as_str())
                    .and_then(|o| compare(o, t, &format!("{at}.{k}"), counts))
            })
        }
        (ValueKind::List(_) | ValueKind::Map(_), _) | (_, J::Array(_) | J::Object(_)) => {
            Some(format!("{at}: {:?}, expected {theirs}", ours.kind))
        }
        (kind, _) => {
            counts.scalars += 1;
            let same = match (kind, theirs) {
                (ValueKind::String(a), J::String(b)) => a == b,
                (ValueKind::Number(a), J::Number(b)) => b.as_f64() == Some(*a),
                (ValueKind::Bool(a), J::Bool(b)) => a == b,
                (ValueKind::Null, J::Null) => true,
                _ => false,
            };
            if same {
                return None;
            }
            if explained(kind, theirs) {
                counts
                    .resolution
                    .push(format!("{at}: {kind:?} for {theirs}"));
                return None;
            }
            Some(format!("{at}: {kind:?}, expected {theirs}"))
        }
    }
}

/// Whether the plain-scalar rules alone make `ours` differ from `theirs`:
/// a word only YAML 1.1 reads as a boolean (`yes`, `off`), or a text only
/// YAML 1.2 reads as a number (`012`, `0x1F`, `1e5`, `.5`). Anything else
/// (a string that became a number, a tag or quote not honoured) is a
/// difference.
fn explained(ours: &ValueKind, theirs: &serde_json::Value) -> bool {
    let plain = |text: &str| {
        yaml::parse(text, FileId(0))
            .ok()
            .and_then(|docs| docs.into_iter().next())
            .map(|v| v.kind)
    };
    match (ours, theirs) {
        (ValueKind::Bool(_), serde_json::Value::String(text)) => {
            YAML_1_1_BOOLEANS.contains(&text.as_str()) && plain(text).as_ref() == Some(ours)
        }
        (ValueKind::String(text), serde_json::Value::Number(n)) => {
            let core = core_schema(text).and_then(|v| v.as_f64());
            core.is_some() && core == n.as_f64() && plain(text).as_ref() == Some(ours)
        }
        _ => false,
    }
}

const YAML_1_1_BOOLEANS: [&str; 12] = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
];

/// A plain scalar as the YAML 1.2 core schema resolves it to a number
/// (decimal, octal `0o`, hex `0x`, floats), else `None`.
fn core_schema(text: &str) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    let number = |n: f64| serde_json::Number::from_f64(n).map(J::Number);
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8)
            .ok()
            .and_then(|n| number(n as f64));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .and_then(|n| number(n as f64));
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let numeric = body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    if numeric {
        return text.parse::<f64>().ok().and_then(number);
    }
    None
}

fn deviation(id: &str) -> Option<(Deviation, &'static str)> {
    DEVIATIONS
        .iter()
        .find(|(case, _, _)| *case == id)
        .map(|&(_, kind, reason)| (kind, reason))
}

#[test]
#[cfg_attr(
    not(shared_yaml_test_suite),
    ignore = "needs ../shared/testdata/yaml-test-suite beside the checkout"
)]
fn yaml_test_suite() {
    let dir = suite_dir();
    if !dir.is_dir() {
        println!("skipped: no YAML test suite at ../shared/testdata/yaml-test-suite");
        return;
    }
    let cases = cases(&dir);
    assert!(!cases.is_empty(), "no cases under {}", dir.display());

    let mut counts = Counts::default();
    let (mut valid, mut compared, mut invalid) = (0, 0, 0);
    let mut seen_deviations = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    for (id, path) in &cases {
        let Ok(text) = fs::read_to_string(path.join("in.yaml")) else {
            skipped.push((id.clone(), "in.yaml is not UTF-8".into()));
            continue;
        };
        let parsed = yaml::parse(&text, FileId(0));
        let listed = deviation(id);
        let outcome = if path.join("error").exists() {
            match &parsed {
                Err(_) => Ok(None),
                Ok(_) => Err((
                    Accepts,
                    "parsed, but the suite says it is invalid".to_string(),
                )),
            }
        } else {
            match &parsed {
                Err(err) => Err((Rejects, format!("refused: {}", err.message))),
                Ok(docs) => match fs::read_to_string(path.join("in.json")) {
                    Err(_) => Ok(Some(false)),
                    Ok(json) => {
                        let expected: Result<Vec<serde_json::Value>, _> =
                            serde_json::Deserializer::from_str(&json)
                                .into_iter()
                                .collect();
                        match expected {
                            Err(err) => {
                                skipped
                                    .push((id.clone(), format!("in.json does not parse: {err}")));
                                continue;
                            }
                            Ok(expected) if expected.len() != docs.len() => Err((
                                Differs,
                                format!("{} documents, expected {}", docs.len(), expected.len()),
                            )),
                            Ok(expected) => {
                                let mut case_counts = Counts::default();
                                let diff = docs.iter().zip(&expected).enumerate().find_map(
                                    |(i, (o, t))| {
                                        compare(o, t, &format!("doc{i}"), &mut case_counts)
                                    },
                                );
                                match diff {
                                    Some(diff) => Err((Differs, diff)),
                                    None => {
                                        counts.scalars += case_counts.scalars;
                                        counts.unwrapped_tags += case_counts.unwrapped_tags;
                                        counts.resolution.extend(
                                            case_counts
                                                .resolution
                                                .iter()
                                                .map(|r| format!("{id} {r}")),
                                        );
                                        Ok(Some(true))
                                    }
                                }
                            }
                        }
                    }
                },
            }
        };
        match (outcome, listed) {
            (Ok(None), None) => invalid += 1,
            (Ok(Some(with_json)), None) => {
                valid += 1;
                compared += usize::from(with_json);
            }
            (Err((kind, why)), Some((listed, _))) if kind == listed => {
                seen_deviations.push((id.clone(), kind, why));
            }
            (Err((kind, why)), _) => failures.push(format!("{id} ({kind:?}): {why}")),
            (Ok(_), Some((listed, _))) => failures.push(format!(
                "{id}: listed as {listed:?} but behaves as the suite says; remove it from DEVIATIONS"
            )),
        }
    }
    for (id, _, _) in DEVIATIONS {
        assert!(
            cases.iter().any(|(case, _)| case == id),
            "DEVIATIONS names {id}, which is not in the suite"
        );
    }

    let count = |kind| {
        seen_deviations
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .count()
    };
    println!(
        "YAML test suite: {} cases; {valid} valid parsed ({compared} compared with in.json, {} \
         without in.json); {invalid} invalid rejected; {} deviations ({} invalid accepted, {} \
         valid refused, {} read to other data); {} skipped",
        cases.len(),
        valid - compared,
        seen_deviations.len(),
        count(Accepts),
        count(Rejects),
        count(Differs),
        skipped.len()
    );
    println!(
        "  compared {} scalars: {} differ only by YAML 1.1 plain-scalar rules; {} local tags read \
         as CloudFormation functions",
        counts.scalars,
        counts.resolution.len(),
        counts.unwrapped_tags
    );
    for line in &counts.resolution {
        println!("    {line}");
    }
    for (id, kind, why) in &seen_deviations {
        let reason = deviation(id).map_or("", |(_, reason)| reason);
        println!("  deviation {id} ({kind:?}, {why}): {reason}");
    }
    for (id, why) in &skipped {
        println!("  skipped {id}: {why}");
    }
    assert!(
        failures.is_empty(),
        "{} cases do not behave as the YAML test suite says:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
