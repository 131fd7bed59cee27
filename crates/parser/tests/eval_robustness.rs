//! Evaluation never panics, never errors and always ends: random
//! expressions over locals that may refer to each other (cycles included),
//! functions with wrong arguments, deep chains and values that would grow
//! without bound.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use phiguard_model::{Model, Value, ValueKind};
use phiguard_parser::{load_sources, Source};
use proptest::prelude::*;

fn load(text: &str) -> Model {
    load_sources(vec![Source {
        path: "main.tf".into(),
        display_path: "main.tf".into(),
        bytes: text.as_bytes().to_vec(),
    }])
}

fn spans_are_valid(model: &Model, value: &Value) {
    let len = model.file(value.span.file).text.len() as u32;
    assert!(value.span.start <= value.span.end && value.span.end <= len);
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|v| spans_are_valid(model, v)),
        ValueKind::Map(entries) => entries.iter().for_each(|(_, v)| spans_are_valid(model, v)),
        _ => {}
    }
}

fn check(text: &str) {
    let model = load(text);
    for r in &model.resources {
        for a in &r.body.attributes {
            spans_are_valid(&model, &a.value);
        }
    }
}

const FUNCTIONS: [&str; 24] = [
    "jsonencode",
    "jsondecode",
    "merge",
    "concat",
    "lookup",
    "try",
    "can",
    "coalesce",
    "flatten",
    "format",
    "join",
    "split",
    "replace",
    "length",
    "keys",
    "values",
    "contains",
    "element",
    "one",
    "toset",
    "tomap",
    "zipmap",
    "range",
    "templatefile",
];

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        (-3i32..5).prop_map(|n| n.to_string()),
        "[a-z*/-]{0,4}".prop_map(|s| format!("\"{s}\"")),
        (0usize..4).prop_map(|i| format!("local.l{i}")),
        Just("var.v".to_string()),
        Just("var.m".to_string()),
        Just("count.index".to_string()),
        Just("each.value".to_string()),
        Just("aws_s3_bucket.b.id".to_string()),
        Just("aws_s3_bucket.b[0].arn".to_string()),
        Just("data.aws_iam_policy_document.p.json".to_string()),
        Just("module.m.out".to_string()),
        Just("path.module".to_string()),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} == {b} || {a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ k = {a}, \"x\" = {b} }}")),
            (
                prop::sample::select(FUNCTIONS.to_vec()),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            inner.clone().prop_map(|a| format!("[for x in {a} : x]")),
            inner
                .clone()
                .prop_map(|a| format!("{{ for k, v in {a} : k => v... }}")),
            inner.clone().prop_map(|a| format!("{a}[*].id")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            inner
                .clone()
                .prop_map(|a| format!("\"x${{{a}}}%{{ if {a} }}y%{{ endif }}\"")),
        ]
    })
}

fn config(locals: &[String], attr: &str) -> String {
    let locals: String = locals
        .iter()
        .enumerate()
        .map(|(i, e)| format!("  l{i} = {e}\n"))
        .collect();
    format!(
        r#"variable "v" {{}}
variable "m" {{
  default = {{ a = [1, 2], b = "x" }}
}}
locals {{
{locals}}}
data "aws_iam_policy_document" "p" {{
  statement {{
    actions   = [local.l0]
    resources = [local.l1]
  }}
}}
module "m" {{
  source = "./"
  v      = local.l2
}}
resource "aws_s3_bucket" "b" {{
  count  = 2
  bucket = local.l3
  policy = {attr}
}}
resource "aws_s3_bucket_acl" "b" {{
  for_each = local.l1
  bucket   = aws_s3_bucket.b[0].id
  acl      = {attr}
  dynamic "grant" {{
    for_each = local.l0
    content {{
      permission = grant.value
    }}
  }}
}}
"#
    )
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

proptest! {
    // Few cases by default to keep the suite fast; PROPTEST_CASES runs more.
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_evaluate(locals in prop::collection::vec(expr(), 4), attr in expr()) {
        check(&config(&locals, &attr));
    }
}

#[test]
fn long_reference_chains_end() {
    let chain: String = (0..2_000)
        .map(|i| format!("  l{i} = local.l{}\n", i + 1))
        .collect();
    let text = format!(
        "locals {{\n{chain}  l2000 = \"x\"\n}}\nresource \"aws_s3_bucket\" \"b\" {{\n  acl = local.l0\n}}\n"
    );
    let model = load(&text);
    assert!(model.errors.is_empty());
    assert!(model.resources[0].body.attributes[0].value.is_unknown());
}

#[test]
fn values_that_double_at_each_step_stay_bounded() {
    let locals: String = (0..64)
        .map(|i| {
            format!(
                "  l{i} = [local.l{0}, local.l{0}, {{ a = local.l{0} }}]\n",
                i + 1
            )
        })
        .collect();
    let text = format!(
        "locals {{\n{locals}  l64 = \"leaf\"\n}}\nresource \"aws_s3_bucket\" \"b\" {{\n  policy = jsonencode(local.l0)\n  tags   = {{ all = local.l0, n = length(flatten(local.l0)) }}\n}}\n"
    );
    let started = Instant::now();
    let model = load(&text);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(model.errors.is_empty());
    // Somewhere down, the value became too large and is unknown.
    let tags = model.resources[0].body.attribute("tags").unwrap();
    let unknown = tags.first_unknown().and_then(Value::unknown_reason);
    assert_eq!(unknown, Some("the value is too large to evaluate"));
}

#[test]
fn self_referencing_resources_and_modules_end() {
    check(
        r#"
module "loop" {
  source = "./"
  x      = module.loop.y
}
output "y" {
  value = module.loop.y
}
resource "aws_s3_bucket" "b" {
  count  = length(aws_s3_bucket.b)
  bucket = aws_s3_bucket.b[0].id
}
resource "aws_s3_bucket_versioning" "v" {
  for_each = aws_s3_bucket_versioning.v
  bucket   = each.value.bucket
}
"#,
    );
}
