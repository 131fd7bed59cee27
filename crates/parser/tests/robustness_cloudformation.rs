//! Whatever a template holds, loading returns a model (with errors), never
//! a panic: arbitrary bytes, real templates cut and corrupted, and random
//! nests of intrinsic functions.

mod mutation;

use std::sync::OnceLock;

use mutation::{apply, cases, check, load_one, seed_files, Edit};
use phiguard_model::{Model, Value, ValueKind};
use proptest::prelude::*;

/// Real templates to mutate: the project's fixtures and the shared corpus.
fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out: Vec<(String, Vec<u8>)> =
            seed_files("cloudformation", &["yaml", "yml", "json", "template"])
                .into_iter()
                .map(|(ext, bytes)| (format!("seed.{ext}"), bytes))
                .collect();
        if out.is_empty() {
            out.push((
                "seed.yaml".into(),
                b"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: !Ref A}\n".to_vec(),
            ));
        }
        out
    })
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippets: Vec<Vec<u8>> = [
        "!Ref ",
        "!If [",
        "!Sub ",
        "${",
        "}",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        ": ",
        "\n  ",
        "\n",
        "- ",
        "&a ",
        "*a",
        "<<: ",
        "---\n",
        "\t",
        "# ",
        "|\n",
        "\u{feff}",
        "é",
        "😀",
        "AWS::NoValue",
        "Fn::If",
        "{{resolve:",
        ",",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    mutation::edit(snippets)
}

/// A YAML flow value: scalars, references and nests of intrinsics.
fn value() -> impl Strategy<Value = String> {
    let leaf = proptest::sample::select(vec![
        "a",
        "1",
        "-2.5",
        "true",
        "No",
        "012",
        "\"\"",
        "''",
        "~",
        "[]",
        "{}",
        "!Ref P",
        "!Ref L",
        "!Ref AWS::NoValue",
        "!Ref AWS::Region",
        "!Ref B",
        "!Ref Missing",
        "!GetAtt B.Arn",
        "!GetAtt [B, Arn]",
        "\"${P}-${B}\"",
        "!Sub '${P}-${B.Arn}-${!x}'",
        "!Sub '${'",
        "!Condition C",
        "!ImportValue x",
        "!GetAZs ''",
        "'{{resolve:ssm:/x}}'",
        "'{{resolve:secretsmanager:s}}'",
        "!Sub '{\"Statement\": [{\"Principal\": \"${P}\"}]}'",
        "'{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}'",
        "!Unknown x",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 32, 3, |inner| {
        let two = (inner.clone(), inner.clone());
        prop_oneof![
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("!If [{c}, {a}, {b}]")),
            two.clone().prop_map(|(a, b)| format!("!If [C, {a}, {b}]")),
            two.clone()
                .prop_map(|(a, b)| format!("!Join [{a}, [{b}, x]]")),
            two.clone().prop_map(|(a, b)| format!("!Select [{a}, {b}]")),
            two.clone().prop_map(|(a, b)| format!("!Split [{a}, {b}]")),
            two.clone()
                .prop_map(|(a, b)| format!("!Sub [{a}, {{V: {b}}}]")),
            two.clone()
                .prop_map(|(a, b)| format!("!FindInMap [M, {a}, {b}]")),
            two.clone().prop_map(|(a, b)| format!("!Equals [{a}, {b}]")),
            two.clone().prop_map(|(a, b)| format!("!And [{a}, {b}]")),
            two.clone().prop_map(|(a, b)| format!("!Or [{a}, {b}]")),
            inner.clone().prop_map(|a| format!("!Not [{a}]")),
            inner
                .clone()
                .prop_map(|a| format!("{{\"Fn::Base64\": {a}}}")),
            inner
                .clone()
                .prop_map(|a| format!("{{\"Fn::Length\": {a}}}")),
            two.clone().prop_map(|(a, b)| format!("[{a}, {b}]")),
            two.clone()
                .prop_map(|(a, b)| format!("{{Enabled: {a}, Status: {b}}}")),
            two.prop_map(|(a, b)| format!("{{\"Fn::GetAtt\": [{a}, {b}]}}")),
        ]
    })
}

fn template(values: &[String]) -> String {
    let v = |i: usize| values.get(i).map_or("x", String::as_str);
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  P: {{Type: String, Default: {p}}}
  L: {{Type: CommaDelimitedList}}
Mappings:
  M: {{a: {{b: {m}}}}}
Conditions:
  C: {c}
  D: !Not [!Condition C]
Resources:
  B:
    Type: AWS::S3::Bucket
    Condition: D
    Properties:
      BucketName: {v0}
      AccessControl: {v1}
      VersioningConfiguration: {v2}
      Tags: {v3}
      LoggingConfiguration: {{DestinationBucketName: {v4}}}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: {v5}
      PolicyDocument: {v6}
  Domain:
    Type: AWS::OpenSearchService::Domain
    Properties:
      VPCOptions: {v7}
      LogPublishingOptions: {v8}
      AccessPolicies: {v9}
",
        p = v(10),
        m = v(11),
        c = v(12),
        v0 = v(0),
        v1 = v(1),
        v2 = v(2),
        v3 = v(3),
        v4 = v(4),
        v5 = v(5),
        v6 = v(6),
        v7 = v(7),
        v8 = v(8),
        v9 = v(9),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let mut bytes = bytes;
        // Past the cheap pre-check, so the parsers see the bytes.
        bytes.splice(0..0, b"AWSTemplateFormatVersion\n".iter().copied());
        check(&load_one(if json { "t.json" } else { "t.yaml" }, bytes));
    }

    #[test]
    fn arbitrary_text(text in "[a-zA-Z!&*\"'{}\\[\\]$:,\n #|>-]{0,300}") {
        let text = format!("AWSTemplateFormatVersion: x\n{text}");
        check(&load_one("t.yaml", text.clone().into_bytes()));
        check(&load_one("t.json", text.into_bytes()));
    }

    #[test]
    fn mutated_real_templates(seed in any::<prop::sample::Index>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let (name, bytes) = seed.get(seeds());
        let mut bytes = bytes.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        check(&load_one(name, bytes.clone()));
        check(&load_one("t.template", bytes));
    }

    #[test]
    fn random_intrinsics(values in proptest::collection::vec(value(), 13)) {
        let text = template(&values);
        let model = load_one("t.yaml", text.clone().into_bytes());
        check(&model);
        prop_assert!(model.errors.is_empty(), "{:?}\n{text}", model.errors);
        // The same template as JSON is not needed: both go through one evaluator.
    }
}

/// As deep as the parsers allow, in a test thread's small stack.
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    for depth in [100, 127, 128, 200, 255, 500, 511, 600] {
        let mut json = String::from("\"x\"");
        for i in 0..depth {
            json = match i % 3 {
                0 => format!("{{\"Fn::Join\": [\"\", [{json}]]}}"),
                1 => format!("[{json}]"),
                _ => format!("{{\"Fn::If\": [\"C\", {json}, 1]}}"),
            };
        }
        let text = format!(
            "{{\"Conditions\": {{\"C\": {{\"Fn::Equals\": [1, 1]}}}}, \"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"Tags\": {json}}}}}}}}}"
        );
        check(&load_one("t.json", text.into_bytes()));
        let mut yaml = String::from("x");
        for i in 0..depth {
            yaml = match i % 2 {
                0 => format!("!If [C, {yaml}, 1]"),
                _ => format!("[{yaml}]"),
            };
        }
        let text = format!(
            "Conditions: {{C: !Equals [1, 1]}}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: {yaml}\n"
        );
        check(&load_one("t.yaml", text.into_bytes()));
    }
}

#[test]
fn long_chains_of_conditions_are_cut_off() {
    let mut text = String::from("Conditions:\n  C0: !Equals [a, a]\n");
    for i in 1..5000 {
        text.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i - 1));
    }
    text.push_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: !If [C4999, a, b]\n");
    let model = load_one("t.yaml", text.into_bytes());
    check(&model);
    let acl = model.resources[0].body.attribute("AccessControl").unwrap();
    assert!(
        acl.unknown_reason().unwrap().contains("too deeply"),
        "{acl:?}"
    );
}

fn reason<'a>(model: &'a Model, resource: usize, name: &str) -> &'a str {
    let value = model.resources[resource].body.attribute(name);
    value
        .and_then(Value::unknown_reason)
        .unwrap_or_else(|| panic!("{name} is known or absent: {value:?}"))
}

#[test]
fn built_strings_stop_at_the_string_budget() {
    // A hundred aliases of 100 kB: 10 MB copied, under the alias budget;
    // joined, or substituted twice into a string, over the string budget.
    let big = "x".repeat(100_000);
    let aliases = |n| vec!["*big"; n].join(", ");
    let text = format!(
        concat!(
            "Metadata:\n  Big: &big {}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
            "    Properties:\n",
            "      AccessControl: !Join ['', [{}]]\n",
            "      BucketName: !Sub ['${{A}}${{A}}', {{A: !Join ['', [{}]]}}]\n",
            "      Tags: [{{Key: a, Value: !Join ['', [{}]]}}]\n",
            "  C:\n    Type: AWS::S3::Bucket\n    Properties:\n",
            "      AccessControl: !Join ['', [{}, !Ref AWS::Region]]\n",
        ),
        big,
        aliases(100),
        aliases(6),
        aliases(10),
        aliases(11),
    );
    let model = load_one("t.yaml", text.into_bytes());
    check(&model);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    for name in ["AccessControl", "BucketName"] {
        assert!(
            reason(&model, 0, name).contains("longer than 1 MiB"),
            "{name}"
        );
    }
    // A megabyte exactly is still a value.
    let tags = model.resources[0].body.attribute("Tags").unwrap();
    assert!(!tags.first_unknown().is_some_and(Value::is_unknown));
    // With an unknown part, the known text around it is not kept either.
    assert!(reason(&model, 1, "AccessControl").contains("longer than 1 MiB"));
    let acl = model.resources[1].body.attribute("AccessControl");
    assert!(
        matches!(acl.map(|v| &v.kind), Some(ValueKind::Unknown(u)) if u.known_text.is_none()),
        "{acl:?}"
    );
}

#[test]
fn aliases_past_the_text_budget_are_unknown() {
    // 170 aliases of 100 kB: the first 167 are copied (16 MiB), the rest
    // are unknown, and the template's other resources are still read.
    let big = "x".repeat(100_000);
    let mut text = format!("Metadata:\n  Big: &big {big}\nResources:\n");
    for i in 0..170 {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: *big\n"
        ));
    }
    text.push_str(
        "  Last:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n",
    );
    let model = load_one("t.yaml", text.into_bytes());
    check(&model);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(model.resources.len(), 171);
    assert!(model.resources[0]
        .body
        .attribute("AccessControl")
        .unwrap()
        .as_str()
        .is_some());
    assert!(reason(&model, 169, "AccessControl").contains("copy more than 16 MiB"));
    let last = model.resources[170]
        .body
        .attribute("AccessControl")
        .unwrap();
    assert_eq!(last.as_str(), Some("Private"));
}

#[test]
fn templates_that_copy_a_long_parameter_stop_at_the_evaluation_budget() {
    // Each `Ref` copies 900 kB: three hundred of them are 270 MB.
    let mut text = format!(
        "Parameters:\n  P:\n    Type: String\n    Default: {}\nResources:\n",
        "x".repeat(900_000)
    );
    for i in 0..300 {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: !Ref P\n"
        ));
    }
    let model = load_one("t.yaml", text.into_bytes());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(model.resources.len(), 300);
    assert!(model.resources[0]
        .body
        .attribute("AccessControl")
        .unwrap()
        .as_str()
        .is_some());
    // Its properties as a whole, once nothing more is evaluated.
    let last = &model.resources[299].body.attributes[0].value;
    assert!(
        last.unknown_reason().is_some_and(|r| r.contains(
            "the template builds more than 256 MiB of values (phiguard's evaluation budget)"
        )),
        "{last:?}"
    );
}
