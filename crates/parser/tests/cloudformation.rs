//! CloudFormation templates: spans, YAML 1.1 scalars, duplicate keys,
//! intrinsic functions in short and long form, parameters, conditions,
//! mappings, and which files are templates at all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bucket, load_files, pos, text, Scratch};
use phiguard_model::{Dialect, Model, OriginRole, Value, ValueKind};
use phiguard_parser::{load, load_sources, LoadOptions, Source};

/// The evaluated property `name` of resource `address`.
fn prop<'a>(model: &'a Model, address: &str, name: &str) -> &'a Value {
    let r = model
        .resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"));
    r.body
        .attribute(name)
        .unwrap_or_else(|| panic!("{address} has no {name}"))
}

fn has_prop(model: &Model, address: &str, name: &str) -> bool {
    model
        .resources
        .iter()
        .any(|r| r.address == address && r.body.attribute(name).is_some())
}

fn one(name: &str, template: &str) -> (Scratch, Model) {
    let (dir, model) = load_files(&[(name, template)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    (dir, model)
}

/// A YAML template with one `AWS::S3::Bucket` `B` whose properties are `props`
/// (indented by six spaces), after `head` (parameters, conditions, ...).
fn yaml(head: &str, props: &str) -> String {
    format!("AWSTemplateFormatVersion: \"2010-09-09\"\n{head}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n{props}")
}

fn string(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

#[test]
fn resources_carry_logical_ids_and_header_spans() {
    let template = yaml("", "      BucketName: records\n");
    let (_dir, model) = one("t.yaml", &template);
    let r = &model.resources[0];
    assert_eq!(r.dialect, Dialect::CloudFormation);
    assert_eq!(
        (r.address.as_str(), r.resource_type.as_str()),
        ("B", "AWS::S3::Bucket")
    );
    assert_eq!(text(&model, r.header), "B");
    assert_eq!(pos(&model, r.header), (4, 3));
}

#[test]
fn yaml_value_spans_are_exact_after_multibyte_characters() {
    let template = yaml(
        "Description: Pätientenakten 😀 über alles",
        "      # Kommentar: Größe\n      BucketName: \"é-records\"  # ü\n      AccessControl: PublicRead\n",
    );
    let (_dir, model) = one("t.yaml", &template);
    let name = prop(&model, "B", "BucketName");
    assert_eq!(text(&model, name.span), "\"é-records\"");
    assert_eq!(pos(&model, name.span), (8, 19));
    let acl = prop(&model, "B", "AccessControl");
    assert_eq!(pos(&model, acl.span), (9, 22));
    assert_eq!(text(&model, acl.span), "PublicRead");
    let r = &model.resources[0];
    let key = &r.body.attributes[0].key;
    assert_eq!(
        (text(&model, key.span), pos(&model, key.span)),
        ("BucketName", (8, 7))
    );
}

#[test]
fn tagged_values_span_their_tag() {
    let template = yaml(
        "Parameters:\n  P: {Type: String}",
        "      BucketName: !Ref P\n      Tags:\n        - Key: k\n          Value: !Sub\n            - \"${X}-y\"\n            - X: !Ref P\n",
    );
    let (_dir, model) = one("t.yaml", &template);
    let name = prop(&model, "B", "BucketName");
    assert!(name.is_unknown());
    assert_eq!(text(&model, name.span), "!Ref P");
    let tags = prop(&model, "B", "Tags");
    let value = tags.as_list().unwrap()[0].get("Value").unwrap();
    assert_eq!(
        text(&model, value.span),
        "!Sub\n            - \"${X}-y\"\n            - X: !Ref P"
    );
}

#[test]
fn crlf_and_bom_keep_offsets() {
    let template = "\u{feff}AWSTemplateFormatVersion: '2010-09-09'\r\nResources:\r\n  B:\r\n    Type: AWS::S3::Bucket\r\n    Properties:\r\n      AccessControl: PublicRead\r\n";
    let (_dir, model) = one("t.yaml", template);
    let acl = prop(&model, "B", "AccessControl");
    assert_eq!(
        (text(&model, acl.span), pos(&model, acl.span)),
        ("PublicRead", (6, 22))
    );
    let json = "\u{feff}{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\",\r\n  \"Properties\": {\"AccessControl\": \"PublicRead\"}}}}";
    let (_dir, model) = one("t.json", json);
    let acl = prop(&model, "B", "AccessControl");
    assert_eq!(
        (text(&model, acl.span), pos(&model, acl.span)),
        ("\"PublicRead\"", (2, 35))
    );
}

#[test]
fn yaml_1_1_scalars_as_cloudformation_reads_them() {
    let template = yaml(
        "",
        "      A: 012345678901\n      B: \"012345678901\"\n      C: 123456789012\n      D: Yes\n      E: off\n      F: 'No'\n      G: ON\n      H: !!str true\n      I: 1.5\n      J: ~\n      K: 0777\n",
    );
    let (_dir, model) = one("t.yaml", &template);
    let kind = |n: &str| prop(&model, "B", n).kind.clone();
    assert_eq!(kind("A"), ValueKind::String("012345678901".into()));
    assert_eq!(kind("B"), ValueKind::String("012345678901".into()));
    assert_eq!(kind("C"), ValueKind::Number(123456789012.0));
    assert_eq!(kind("D"), ValueKind::Bool(true));
    assert_eq!(kind("E"), ValueKind::Bool(false));
    assert_eq!(kind("F"), ValueKind::String("No".into()));
    assert_eq!(kind("G"), ValueKind::Bool(true));
    assert_eq!(kind("H"), ValueKind::String("true".into()));
    assert_eq!(kind("I"), ValueKind::Number(1.5));
    assert_eq!(kind("J"), ValueKind::Null);
    assert_eq!(kind("K"), ValueKind::String("0777".into()));
}

#[test]
fn duplicate_keys_are_errors_naming_both_lines() {
    let yaml_text = yaml(
        "",
        "      BucketName: a\n      AccessControl: Private\n      BucketName: b\n",
    );
    let json_text = "{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"},\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}\n";
    let (_dir, model) = load_files(&[("t.yaml", &yaml_text), ("t.json", json_text)]);
    let messages: Vec<(&str, &str)> = model
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (
                "t.json",
                "duplicate key `B` (first defined on line 3, again on line 4)"
            ),
            (
                "t.yaml",
                "duplicate key `BucketName` (first defined on line 7, again on line 9)"
            ),
        ]
    );
    let span = model.errors[1].span.unwrap();
    assert_eq!(pos(&model, span), (9, 7));
    assert!(model.resources.is_empty());
}

#[test]
fn syntax_errors_have_a_position() {
    let (_dir, model) = load_files(&[
        (
            "bad.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B: [\n",
        ),
        (
            "bad.json",
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n \"Resources\": {,}}",
        ),
    ]);
    assert_eq!(model.errors.len(), 2, "{:?}", model.errors);
    for err in &model.errors {
        let span = err.span.expect("a position");
        assert!(pos(&model, span).0 >= 2, "{err:?}");
    }
    assert!(model.errors[0].message.starts_with("invalid JSON"));
    assert!(model.errors[1].message.starts_with("invalid YAML"));
}

#[test]
fn templates_are_detected_by_content() {
    let dir = Scratch::new();
    dir.write("t.yaml", yaml("", "      BucketName: a\n"))
        .write("sam.yml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n")
        .write("t.template", "{\"AWSTemplateFormatVersion\": \"2010-09-09\"}")
        .write("y.template", "AWSTemplateFormatVersion: '2010-09-09'\n")
        .write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
        .write("k8s.yaml", "apiVersion: v1\nkind: ConfigMap\n---\nkind: Service\n")
        .write("package.json", "{\"name\": \"x\", \"resources\": \"AWS::\"}")
        .write("notes.yaml", "Resources: [AWS::S3::Bucket\n")
        .write("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n")
        .write("main.tf.json", "{}")
        .write("latin1.yaml", b"Resources: \xe9AWS::\n");
    let model = dir.load(&["."]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert!(
        model.skipped.is_empty(),
        "walked files are skipped silently"
    );
    let files: Vec<&str> = model
        .files
        .iter()
        .map(|f| f.display_path.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "main.tf",
            "main.tf.json",
            "sam.yml",
            "t.template",
            "t.yaml",
            "y.template"
        ]
    );

    let named = dir.load(&["package.json", "k8s.yaml", "t.yaml", "notes.yaml"]);
    let skipped: Vec<(&str, &str)> = named
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    let reason = "not a Terraform file or a CloudFormation template";
    assert_eq!(
        skipped,
        [
            ("k8s.yaml", reason),
            ("notes.yaml", reason),
            ("package.json", reason)
        ]
    );
    assert_eq!(named.files.len(), 1);
}

#[test]
fn a_broken_template_is_an_error_even_when_walked() {
    let (_dir, model) = load_files(&[
        (
            "t.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {B: [}\n",
        ),
        (
            "u.yaml",
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {a: 1, a: 2}\n",
        ),
        ("ok.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n"),
    ]);
    let paths: Vec<&str> = model.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["t.yaml", "u.yaml"]);
    // The broken files are still in the model, so reporters can show the lines.
    assert_eq!(model.files.len(), 3);
}

#[test]
fn sources_from_stdin_are_detected_too() {
    let model = load_sources(vec![
        Source {
            path: "t.yaml".into(),
            display_path: "t.yaml".into(),
            bytes: yaml("", "      AccessControl: PublicRead\n").into_bytes(),
        },
        Source {
            path: "ci.yml".into(),
            display_path: "ci.yml".into(),
            bytes: b"on: push".to_vec(),
        },
    ]);
    assert_eq!(model.subjects.buckets.len(), 1);
    assert_eq!(model.skipped.len(), 1);
    assert_eq!(model.skipped[0].path, "ci.yml");
}

const PARAMS: &str = "Parameters:
  Env:
    Type: String
    Default: prod
  Acl:
    Type: String
  Ids:
    Type: CommaDelimitedList
    Default: a,b,c
Mappings:
  Settings:
    prod:
      Versioning: Enabled
    dev:
      Versioning: Suspended
  Regions:
    us-east-1: {Logs: central}
    eu-west-1: {Logs: central}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Acl, x]]
  Either: !Or [!Condition IsProd, !Equals [!Ref Acl, x]]
  Unknown: !Equals [!Ref Acl, Private]
  Loop: !Condition Loop";

#[test]
fn parameters_mappings_and_conditions() {
    let props = "      A: !Ref Env
      B: !Ref Acl
      C: !FindInMap [Settings, !Ref Env, Versioning]
      D: !FindInMap [Regions, !Ref AWS::Region, Logs]
      E: !If [IsProd, yes-prod, no-prod]
      F: !If [IsDev, dev, not-dev]
      G: !If [Both, x, y]
      H: !If [Either, x, y]
      I: !If [Unknown, x, y]
      J: !If [Loop, x, y]
      K: !Select [1, !Ref Ids]
      L: !Ref AWS::Region
      M: !FindInMap [Settings, staging, Versioning, {DefaultValue: Enabled}]
";
    let template = yaml(PARAMS, props);
    let (_dir, model) = one("t.yaml", &template);
    let get = |n: &str| prop(&model, "B", n);
    assert_eq!(string(get("A")), "prod");
    // A parameter's value is reported where it is used.
    assert_eq!(text(&model, get("A").span), "!Ref Env");
    assert_eq!(
        get("B").unknown_reason(),
        Some("parameter Acl has no value (set it with --cfn-param Acl=VALUE)")
    );
    assert_eq!(string(get("C")), "Enabled");
    assert_eq!(string(get("D")), "central", "every region agrees");
    assert_eq!(string(get("E")), "yes-prod");
    assert_eq!(text(&model, get("E").span), "yes-prod");
    assert_eq!(string(get("F")), "not-dev");
    assert!(get("G").is_unknown());
    assert_eq!(string(get("H")), "x", "Or with one true input is true");
    assert_eq!(
        get("I").unknown_reason(),
        Some("condition Unknown cannot be decided: parameter Acl has no value (set it with --cfn-param Acl=VALUE)")
    );
    assert!(get("J")
        .unknown_reason()
        .unwrap()
        .contains("depends on itself"));
    assert_eq!(string(get("K")), "b");
    assert!(get("L")
        .unknown_reason()
        .unwrap()
        .contains("--cfn-param AWS::Region="));
    assert_eq!(string(get("M")), "Enabled");
}

#[test]
fn parameter_overrides_win_over_defaults() {
    let dir = Scratch::new();
    dir.write("t.yaml", yaml(PARAMS, "      A: !Ref Env\n      B: !Ref Acl\n      E: !If [IsProd, p, d]\n      L: !Ref AWS::Region\n"));
    let model = load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir.root.clone(),
        cfn_parameters: vec![
            ("Env".into(), "staging".into()),
            ("Acl".into(), "Private".into()),
            ("Env".into(), "dev".into()),
            ("AWS::Region".into(), "eu-west-1".into()),
        ],
        ..LoadOptions::default()
    });
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(
        string(prop(&model, "B", "A")),
        "dev",
        "the later value wins"
    );
    assert_eq!(string(prop(&model, "B", "B")), "Private");
    assert_eq!(string(prop(&model, "B", "E")), "d");
    assert_eq!(string(prop(&model, "B", "L")), "eu-west-1");
}

/// Parameter files apply to their template (or every one), over defaults
/// and under `--cfn-param`; each value remembers where it was given, and a
/// broken file is an error pointing into it.
#[test]
fn parameter_files_layer_between_defaults_and_flags() {
    let dir = Scratch::new();
    let props = "      A: !Ref Env\n      B: !Ref Acl\n      C: !Ref Ids\n";
    dir.write("a.yaml", yaml(PARAMS, props));
    dir.write("b.yaml", yaml(PARAMS, props));
    dir.write("all.json", r#"{"Env": "staging", "Acl": "Private"}"#);
    dir.write(
        "a.params.json",
        r#"[{"ParameterKey": "Acl", "ParameterValue": "PublicRead"}]"#,
    );
    dir.write("broken.json", "[\n  {\"ParameterKey\": \"Env\"}\n]");
    let model = load(&LoadOptions {
        paths: vec!["a.yaml".into(), "b.yaml".into()],
        base_dir: dir.root.clone(),
        cfn_parameters: vec![("Env".into(), "dev".into())],
        cfn_parameter_files: vec![
            (None, "all.json".into()),
            (Some("a.yaml".into()), "a.params.json".into()),
            (None, "broken.json".into()),
        ],
        ..LoadOptions::default()
    });
    let [error] = model.errors.as_slice() else {
        panic!("{:?}", model.errors);
    };
    assert_eq!(error.path, "broken.json");
    assert_eq!(pos(&model, error.span.unwrap()), (2, 3));
    let resource = |file: &str| {
        model
            .resources
            .iter()
            .find(|r| model.file(r.file).display_path == file)
            .unwrap()
    };
    let (a, b) = (resource("a.yaml"), resource("b.yaml"));
    let acl = |r: &phiguard_model::Resource| r.body.attribute("B").unwrap().clone();
    assert_eq!(string(&acl(a)), "PublicRead");
    assert_eq!(string(&acl(b)), "Private");
    let origin = |v: &Value| v.origins.as_deref().unwrap()[0].clone();
    let from_file = origin(&acl(a));
    assert_eq!(from_file.role, OriginRole::ParameterFile);
    assert_eq!(from_file.name, "Acl");
    assert_eq!(text(&model, from_file.span.unwrap()), r#""PublicRead""#);
    let env = a.body.attribute("A").unwrap();
    assert_eq!(string(env), "dev", "flags win over files");
    assert_eq!(origin(env).role, OriginRole::ParameterFlag);
    assert_eq!(origin(env).name, "--cfn-param Env");
    assert_eq!(origin(env).span, None);
    let ids = a.body.attribute("C").unwrap();
    assert_eq!(origin(ids).role, OriginRole::ParameterDefault);
    assert_eq!(text(&model, origin(ids).span.unwrap()), "a,b,c");
    assert_eq!(
        model.file(origin(ids).span.unwrap().file).display_path,
        "a.yaml"
    );
}

/// A value reached through a YAML alias is at the alias, its origins
/// naming the anchor; a function written in an anchor is evaluated with
/// the anchor as a place the value passed through.
#[test]
fn aliases_are_evaluated_where_they_are_used() {
    let head = r#"Metadata:
  Shared:
    Acl: &acl PublicRead
    Ref: &ref !Ref Acl
    Pick: &pick !If [IsProd, PublicRead, Private]
Parameters:
  Acl:
    Type: String
    Default: PublicRead
  Other:
    Type: String
    Default: *acl
Conditions:
  IsProd: !Equals [a, a]"#;
    let props =
        "      A: *acl\n      B: *ref\n      C: !Ref Other\n      D: *pick\n      E: *acl\n";
    let (_dir, model) = one("t.yaml", &yaml(head, props));
    let origins = |name: &str| {
        let value = prop(&model, "B", name);
        let origins = value.origins.as_deref().unwrap_or_default();
        let chain: Vec<_> = origins
            .iter()
            .map(|o| (o.role, o.name.as_str(), text(&model, o.span.unwrap())))
            .collect();
        (string(value), text(&model, value.span), chain)
    };
    assert_eq!(
        origins("A"),
        (
            "PublicRead",
            "*acl",
            vec![(OriginRole::YamlAnchor, "acl", "PublicRead")]
        )
    );
    assert_eq!(
        origins("B"),
        (
            "PublicRead",
            "*ref",
            vec![
                (OriginRole::ParameterDefault, "Acl", "PublicRead"),
                (OriginRole::YamlAnchor, "ref", "!Ref Acl"),
            ]
        )
    );
    assert_eq!(
        origins("C"),
        (
            "PublicRead",
            "!Ref Other",
            vec![
                (OriginRole::YamlAnchor, "acl", "PublicRead"),
                (OriginRole::ParameterDefault, "Other", "*acl"),
            ]
        )
    );
    // The branch is anchored text itself: the `!If` around it adds nothing.
    assert_eq!(
        origins("D"),
        (
            "PublicRead",
            "*pick",
            vec![(OriginRole::YamlAnchor, "pick", "PublicRead")]
        )
    );
    let anchor = prop(&model, "B", "A").origins.as_deref().unwrap()[0].span;
    assert_eq!(pos(&model, anchor.unwrap()), (4, 15));
    // Two uses of one anchor share its origins, in the model too.
    let (a, e) = (prop(&model, "B", "A"), prop(&model, "B", "E"));
    assert!(std::sync::Arc::ptr_eq(
        a.origins.as_ref().unwrap(),
        e.origins.as_ref().unwrap()
    ));
}

/// Each intrinsic function in its short form, and the same in its long form.
const INTRINSICS: [(&str, &str); 21] = [
    ("!Ref Name", "{Ref: Name}"),
    ("!GetAtt Other.Arn", "{\"Fn::GetAtt\": [Other, Arn]}"),
    ("!GetAtt [Other, Arn]", "{\"Fn::GetAtt\": Other.Arn}"),
    (
        "!Sub \"${Name}-${AWS::Region}\"",
        "{\"Fn::Sub\": \"${Name}-${AWS::Region}\"}",
    ),
    (
        "!Sub [\"${A}-x\", {A: !Ref Name}]",
        "{\"Fn::Sub\": [\"${A}-x\", {A: {Ref: Name}}]}",
    ),
    (
        "!Join [\"-\", [a, !Ref Name]]",
        "{\"Fn::Join\": [\"-\", [a, {Ref: Name}]]}",
    ),
    ("!If [Always, a, b]", "{\"Fn::If\": [Always, a, b]}"),
    ("!Select [1, [a, b]]", "{\"Fn::Select\": [\"1\", [a, b]]}"),
    (
        "!Select [0, !Split [\",\", \"x,y\"]]",
        "{\"Fn::Select\": [0, {\"Fn::Split\": [\",\", \"x,y\"]}]}",
    ),
    ("!FindInMap [M, k, v]", "{\"Fn::FindInMap\": [M, k, v]}"),
    ("!ImportValue shared", "{\"Fn::ImportValue\": shared}"),
    ("!Base64 abc", "{\"Fn::Base64\": abc}"),
    (
        "!Cidr [10.0.0.0/16, 2, 8]",
        "{\"Fn::Cidr\": [10.0.0.0/16, 2, 8]}",
    ),
    ("!GetAZs \"\"", "{\"Fn::GetAZs\": \"\"}"),
    ("!If [Eq, a, b]", "{\"Fn::If\": [Eq, a, b]}"),
    ("!If [Combined, a, b]", "{\"Fn::If\": [Combined, a, b]}"),
    ("!Transform {Name: M}", "{\"Fn::Transform\": {Name: M}}"),
    (
        "!Equals [!Ref Name, n]",
        "{\"Fn::Equals\": [{Ref: Name}, n]}",
    ),
    (
        "!And [!Condition Always, !Equals [a, b]]",
        "{\"Fn::And\": [{Condition: Always}, {\"Fn::Equals\": [a, b]}]}",
    ),
    (
        "!Or [!Condition Eq, !Equals [a, b]]",
        "{\"Fn::Or\": [{Condition: Eq}, {\"Fn::Equals\": [a, b]}]}",
    ),
    (
        "!Not [!Condition Always]",
        "{\"Fn::Not\": [{Condition: Always}]}",
    ),
];

const INTRINSIC_HEAD: &str = "Parameters:
  Name: {Type: String, Default: n}
Mappings:
  M: {k: {v: found}}
Conditions:
  Always: !Equals [a, a]
  Eq: !Equals [!Ref Name, n]
  Combined: !And [!Condition Always, !Or [!Not [!Condition Eq], !Condition Always]]";

#[test]
fn every_intrinsic_in_short_and_long_form() {
    let short: String = INTRINSICS
        .iter()
        .enumerate()
        .map(|(i, (s, _))| format!("      S{i}: {s}\n"))
        .collect();
    let long: String = INTRINSICS
        .iter()
        .enumerate()
        .map(|(i, (_, l))| format!("      L{i}: {l}\n"))
        .collect();
    let other = "  Other:\n    Type: AWS::SNS::Topic\n";
    let template = format!("{}{other}", yaml(INTRINSIC_HEAD, &format!("{short}{long}")));
    let (_dir, model) = one("t.yaml", &template);
    let expected: [&str; 21] = [
        "\"n\"",
        "(unknown: Other.Arn is known only after deployment)",
        "(unknown: Other.Arn is known only after deployment)",
        "(unknown: AWS::Region is known only at deployment (set it with --cfn-param AWS::Region=VALUE))",
        "\"n-x\"",
        "\"a-n\"",
        "\"a\"",
        "\"b\"",
        "\"x\"",
        "\"found\"",
        "(unknown: `Fn::ImportValue` reads another stack's export at deployment)",
        "\"YWJj\"",
        "(unknown: `Fn::Cidr` is not evaluated offline)",
        "(unknown: `Fn::GetAZs` is known only at deployment)",
        "\"a\"",
        "\"a\"",
        "(unknown: a macro (`Fn::Transform`) computes this value at deployment)",
        "true",
        "false",
        "true",
        "false",
    ];
    for (i, want) in expected.iter().enumerate() {
        let s = prop(&model, "B", &format!("S{i}"));
        let l = prop(&model, "B", &format!("L{i}"));
        assert_eq!(&s.display(), want, "short form {}", INTRINSICS[i].0);
        assert_eq!(&l.display(), want, "long form {}", INTRINSICS[i].1);
    }
}

#[test]
fn no_value_removes_properties_and_list_items() {
    let template = yaml(
        "Conditions:\n  Never: !Equals [a, b]",
        "      A: !Ref AWS::NoValue\n      B: [x, !Ref AWS::NoValue, !If [Never, y, !Ref AWS::NoValue]]\n      C: {k: !Ref AWS::NoValue}\n",
    );
    let (_dir, model) = one("t.yaml", &template);
    assert!(!has_prop(&model, "B", "A"));
    assert_eq!(prop(&model, "B", "B").as_list().unwrap().len(), 1);
    assert_eq!(prop(&model, "B", "C").as_map().unwrap().len(), 0);
}

#[test]
fn dynamic_references() {
    let template = yaml(
        "",
        "      A: '{{resolve:secretsmanager:db:SecretString:password}}'\n      B: '{{resolve:ssm:/acl}}'\n      C: !Sub '{{resolve:ssm-secure:${AWS::StackName}}}'\n",
    );
    let (_dir, model) = one("t.yaml", &template);
    assert_eq!(
        prop(&model, "B", "A").as_str(),
        Some("{{resolve:secretsmanager:db:SecretString:password}}"),
        "a secret reference stays as written"
    );
    assert!(prop(&model, "B", "B")
        .unknown_reason()
        .unwrap()
        .contains("resolved at deployment"));
    assert!(prop(&model, "B", "C").is_unknown());
}

#[test]
fn resources_whose_condition_is_false_are_not_created() {
    let template = format!(
        "{}  Maybe:\n    Type: AWS::S3::Bucket\n    Condition: Unknown\n  Never:\n    Type: AWS::S3::Bucket\n    Condition: IsDev\n",
        yaml(PARAMS, "      BucketName: b\n")
    );
    let (_dir, model) = one("t.yaml", &template);
    let ids: Vec<&str> = model.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(ids, ["B", "Maybe"]);
    assert_eq!(model.subjects.buckets.len(), 2);
}

#[test]
fn json_templates_use_the_same_evaluation() {
    let template = r#"{
  "Parameters": {"Acl": {"Type": "String", "Default": "PublicRead"}},
  "Resources": {
    "B": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "AccessControl": {"Ref": "Acl"},
        "BucketName": {"Fn::Join": ["-", ["phi", {"Ref": "Acl"}]]}
      }
    }
  }
}"#;
    let (_dir, model) = one("t.json", template);
    let b = bucket(&model, "B");
    let acl = b.acl.as_ref().unwrap().canned.as_ref().unwrap();
    assert_eq!(
        (string(acl), text(&model, acl.span)),
        ("PublicRead", "{\"Ref\": \"Acl\"}")
    );
    assert_eq!(pos(&model, acl.span), (7, 26));
    assert_eq!(
        b.name.as_ref().and_then(Value::as_str),
        Some("phi-PublicRead")
    );
}

#[test]
fn language_extension_loops_and_odd_entries_are_ignored() {
    let template = "Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [a, b]
    - ${Name}Bucket:
        Type: AWS::S3::Bucket
  NotAResource: 3
  B:
    Type: AWS::S3::Bucket
";
    let (_dir, model) = one("t.yaml", template);
    assert_eq!(model.resources.len(), 1);
}

#[test]
fn properties_no_view_reads_are_not_kept_but_metadata_is() {
    let template = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Metadata:\n      phiguard:\n        ignore: []\n    Properties:\n      FunctionName: f\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n";
    let (_dir, model) = one("t.yaml", template);
    assert_eq!(model.resources.len(), 2, "both resources are counted");
    assert!(!has_prop(&model, "F", "FunctionName"));
    let f = model.resources.iter().find(|r| r.address == "F").unwrap();
    assert!(
        f.body.block("Metadata").is_some(),
        "suppressions live there"
    );
    assert_eq!(string(prop(&model, "B", "BucketName")), "b");
}
