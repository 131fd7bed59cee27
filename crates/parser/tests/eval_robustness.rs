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
    assert_eq!(
        unknown,
        Some(
            "the value has more than 250000 parts, counting shared parts each time and 64 bytes \
             of text as one (phiguard's limit for one value)"
        )
    );
}

/// `s0` is 68 bytes, `s{n}` is `s{n-1}` twice: `s14` is over 1 MiB.
fn doubling_locals(levels: usize) -> String {
    let mut text = format!("locals {{\n  s0 = \"{}\"\n", "x".repeat(68));
    for i in 1..=levels {
        text.push_str(&format!(
            "  s{i} = \"${{local.s{0}}}${{local.s{0}}}\"\n",
            i - 1
        ));
    }
    text.push_str("}\n");
    text
}

fn attribute_reason(model: &Model, name: &str) -> String {
    let value = model.resources[0].body.attribute(name).unwrap();
    value
        .first_unknown()
        .and_then(Value::unknown_reason)
        .unwrap_or_else(|| panic!("{name} is known: {value:?}"))
        .to_string()
}

#[test]
fn strings_that_double_stop_at_the_string_budget() {
    let text = format!(
        "{}resource \"aws_s3_bucket\" \"b\" {{\n  acl = local.s26\n  tags = {{ small = local.s13 }}\n}}\n",
        doubling_locals(26)
    );
    let started = Instant::now();
    let model = load(&text);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(model.errors.is_empty());
    assert!(attribute_reason(&model, "acl").contains("longer than 1 MiB"));
    // Half a megabyte is still a value.
    let tags = model.resources[0].body.attribute("tags").unwrap();
    assert_eq!(
        tags.get("small").and_then(Value::as_str).map(str::len),
        Some(68 << 13)
    );
}

#[test]
fn functions_that_multiply_a_string_stop_at_the_string_budget() {
    let calls = [
        "replace(local.s13, \"x\", local.s13)",
        "replace(local.s13, \"\", \"yy\")",
        "join(local.s13, [\"a\", \"b\", \"c\"])",
        "format(\"%999999999999s\", \"a\")",
        "format(\"%.999999999999f\", 1)",
        "format(\"%#v\", [local.s13, local.s13])",
        "\"%{ for i in range(3) }${local.s13}%{ endfor }\"",
        "format(\"%s%s\", local.s13, local.s13)",
    ];
    for call in calls {
        let text = format!(
            "{}resource \"aws_s3_bucket\" \"b\" {{\n  acl = {call}\n}}\n",
            doubling_locals(13)
        );
        let model = load(&text);
        assert!(model.errors.is_empty());
        let reason = attribute_reason(&model, "acl");
        assert!(reason.contains("longer than 1 MiB"), "{call}: {reason}");
    }
}

#[test]
fn loops_that_would_take_hours_stop_at_the_evaluation_budget() {
    // A thousand million steps, and each of a thousand locals copying half
    // a megabyte: the first stops on time, the second within memory.
    let locals: String = (0..1000)
        .map(|i| format!("  c{i} = \"${{local.s13}}{i}\"\n"))
        .collect();
    let all: Vec<String> = (0..1000).map(|i| format!("local.c{i}")).collect();
    let text = format!(
        "{}locals {{\n{locals}  n = sum([for a in range(1000) : sum([for b in range(1000) : length([for c in range(1000) : c])])])\n}}\n\
         resource \"aws_s3_bucket\" \"b\" {{\n  acl = \"x${{local.n}}\"\n}}\n\
         resource \"aws_s3_bucket\" \"c\" {{\n  acl = length([{}])\n}}\n",
        doubling_locals(13),
        all.join(", ")
    );
    let started = Instant::now();
    let model = load(&text);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(model.errors.is_empty());
    assert_eq!(model.resources.len(), 2);
    for resource in &model.resources {
        let acl = resource.body.attribute("acl").unwrap();
        let reason = acl.first_unknown().and_then(Value::unknown_reason);
        assert!(
            reason.is_some_and(|r| r.contains("256 MiB of values (phiguard's evaluation budget)")),
            "{acl:?}"
        );
    }
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

#[test]
fn shared_long_strings_copied_into_the_model_stop_at_the_evaluation_budget() {
    // `l4` shares one half-megabyte string sixteen times: 9 MB in the
    // model for each of a hundred buckets, unless the budget stops it.
    let text = format!(
        "{}locals {{\n  l0 = local.s13\n  l1 = [local.l0, local.l0]\n  l2 = [local.l1, local.l1]\n  l3 = [local.l2, local.l2]\n  l4 = [local.l3, local.l3]\n}}\n\
         resource \"aws_s3_bucket\" \"b\" {{\n  count = 100\n  tags  = {{ a = jsonencode(local.l4) }}\n}}\n",
        doubling_locals(13)
    );
    let model = load(&text);
    assert!(model.errors.is_empty());
    assert_eq!(model.resources.len(), 100);
    let reasons: Vec<_> = model
        .resources
        .iter()
        .map(|r| {
            r.body
                .attribute("tags")
                .unwrap()
                .first_unknown()
                .and_then(Value::unknown_reason)
        })
        .collect();
    assert_eq!(reasons[0], None);
    assert!(
        reasons[99].is_some_and(|r| r.contains("phiguard's evaluation budget")),
        "{:?}",
        reasons[99]
    );
}

#[test]
fn sets_and_maps_of_fifty_thousand_items_take_linear_time() {
    // Each of these compared every item with every other: more than a
    // billion comparisons, minutes, from a few lines (a quarter of a
    // million items took hours; evaluating them all now takes more than
    // the evaluation budget).
    let text = r#"
locals {
  all  = flatten([for a in range(100) : [for b in range(500) : "${a}-${b}"]])
  half = [for s in local.all : s if endswith(s, "0")]
  map  = { for s in local.all : s => 1 }
  more = { for s in local.half : "${s}x" => 2 }
}
resource "aws_s3_bucket" "b" {
  tags = {
    distinct     = length(distinct(concat(local.all, local.all)))
    toset        = length(toset(local.all))
    intersection = length(setintersection(local.all, local.half))
    subtract     = length(setsubtract(local.all, local.half))
    merge        = length(merge(local.map, local.more, local.map))
    grouped      = length({ for s in local.all : substr(s, 0, 2) => s... })
  }
}
"#;
    let started = Instant::now();
    let model = load(text);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(model.errors.is_empty());
    let tags = model.resources[0].body.attribute("tags").unwrap();
    let number = |key: &str| match tags.get(key).map(|v| &v.kind) {
        Some(ValueKind::Number(n)) => *n,
        other => panic!("{key}: {other:?} in {:?}", tags.unknown_reason()),
    };
    assert_eq!(number("distinct"), 50_000.0);
    assert_eq!(number("toset"), 50_000.0);
    assert_eq!(number("intersection"), 5_000.0);
    assert_eq!(number("subtract"), 45_000.0);
    assert_eq!(number("merge"), 55_000.0);
    assert_eq!(number("grouped"), 100.0);
}

#[test]
fn sets_of_many_lists_stop_at_the_comparison_budget() {
    // A failed conversion is a Terraform error: the attribute holding it is
    // unknown as a whole, so each set is an attribute of its own.
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl    = length(toset([for i in range(1000) : [i]]))\n  bucket = length(toset([for i in range(1001) : [i]]))\n}\n";
    let model = load(text);
    assert!(model.errors.is_empty());
    let body = &model.resources[0].body;
    let few = body.attribute("acl").map(|v| &v.kind);
    assert!(
        matches!(few, Some(ValueKind::Number(n)) if *n == 1000.0),
        "{few:?}"
    );
    let many = body.attribute("bucket").and_then(Value::unknown_reason);
    assert!(
        many.is_some_and(|r| r.contains("more than 1000 lists or objects")),
        "{many:?}"
    );
}
