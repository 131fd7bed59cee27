//! Terraform evaluation: expressions, functions, input values and their
//! precedence, and what stays unknown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{load_files, pos, text, Scratch};
use phiguard_model::{Model, Value, ValueKind};
use phiguard_parser::{load, LoadOptions};

/// A value as compact text: strings quoted, unknowns as `?`.
fn show(v: &Value) -> String {
    match &v.kind {
        ValueKind::Null => "null".into(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Number(n) => phiguard_model::format_number(*n),
        ValueKind::String(s) => format!("{s:?}"),
        ValueKind::List(items) => {
            format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(","))
        }
        ValueKind::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}={}", k.value, show(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        ValueKind::Unknown(_) => "?".into(),
    }
}

/// Evaluates `expr` as attribute `v` of a resource, with `extra` declared
/// beside it.
fn eval_with(extra: &str, expr: &str) -> (Model, Value) {
    let src = format!("{extra}\nresource \"aws_s3_bucket\" \"y\" {{\n  v = {expr}\n}}\n");
    let (_dir, model) = load_files(&[("main.tf", &src)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let r = model
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_bucket.y")
        .expect("resource aws_s3_bucket.y");
    let v = r.body.attribute("v").expect("attribute v").clone();
    (model, v)
}

fn eval(expr: &str) -> String {
    show(&eval_with("", expr).1)
}

fn reason(extra: &str, expr: &str) -> String {
    let (_, v) = eval_with(extra, expr);
    v.unknown_reason()
        .unwrap_or_else(|| panic!("{expr} is known: {}", show(&v)))
        .to_string()
}

#[test]
fn operators_and_conditionals() {
    assert_eq!(eval("1 + 2 * 3"), "7");
    assert_eq!(eval("\"2\" * 3"), "6");
    assert_eq!(eval("7 % 4 - 10 / 4"), "0.5");
    assert_eq!(eval("-(3)"), "-3");
    assert_eq!(eval("1 < 2 && !(2 >= 3) || false"), "true");
    assert_eq!(eval("\"a\" == \"a\" && 1 != \"1\""), "true");
    assert_eq!(eval("[1, \"a\"] == [1, \"a\"]"), "true");
    assert_eq!(eval("true ? \"yes\" : \"no\""), "\"yes\"");
    assert_eq!(eval("\"false\" ? 1 : 2"), "2");
    // Kleene logic: a known false decides `&&` whatever the other side.
    let unknown = "variable \"u\" {}";
    assert_eq!(show(&eval_with(unknown, "false && var.u").1), "false");
    assert_eq!(show(&eval_with(unknown, "var.u || true").1), "true");
    assert_eq!(reason(unknown, "var.u ? 1 : 2"), "var.u has no value");
    assert_eq!(reason(unknown, "var.u + 1"), "var.u has no value");
}

#[test]
fn templates_with_interpolation_and_directives() {
    let extra = "locals {\n  names = [\"a\", \"b\"]\n  on = true\n}";
    let v = |e: &str| show(&eval_with(extra, e).1);
    assert_eq!(v("\"x-${local.names[1]}-${1 + 1}\""), "\"x-b-2\"");
    assert_eq!(v("\"%{ if local.on }on%{ else }off%{ endif }\""), "\"on\"");
    assert_eq!(
        v("\"%{ for n in local.names }<${n}>%{ endfor }\""),
        "\"<a><b>\""
    );
    assert_eq!(v("\"a ${~ \"b\" ~} c\""), "\"abc\"");
    assert_eq!(
        v("<<-EOT\n    %{~ for i, n in local.names ~}\n    ${i}=${n}\n    %{~ endfor ~}\n  EOT"),
        "\"0=a1=b\""
    );
    // One interpolation keeps the value's type.
    assert_eq!(v("\"${local.names}\""), "[\"a\",\"b\"]");
    assert_eq!(v("\"$${literal}\""), "\"${literal}\"");
}

#[test]
fn for_expressions_splats_and_indexing() {
    let extra = r#"locals {
  buckets = {
    logs    = { versioning = false }
    records = { versioning = true }
  }
  list = [{ n = 1, t = ["a"] }, { n = 2, t = ["b"] }]
}"#;
    let v = |e: &str| show(&eval_with(extra, e).1);
    assert_eq!(
        v("[for k, b in local.buckets : k if b.versioning]"),
        "[\"records\"]"
    );
    assert_eq!(
        v("{ for k, b in local.buckets : upper(k) => b.versioning }"),
        "{LOGS=false,RECORDS=true}"
    );
    assert_eq!(
        v("{ for x in [\"a\", \"b\", \"a\"] : x => 1... }"),
        "{a=[1,1],b=[1]}"
    );
    assert_eq!(v("local.list[*].n"), "[1,2]");
    assert_eq!(v("local.list.*.n"), "[1,2]");
    assert_eq!(v("local.list[*].t[0]"), "[\"a\",\"b\"]");
    assert_eq!(v("local.list[1][\"n\"]"), "2");
    assert_eq!(v("local.buckets[\"logs\"].versioning"), "false");
    assert_eq!(v("local.list[0].t.0"), "\"a\"");
    assert!(reason(extra, "local.list[5]").contains("out of range"));
}

#[test]
fn functions() {
    for (expr, expected) in [
        (
            "format(\"%s\", jsonencode({ b = [1, \"<\"], a = null }))",
            r#""{\"a\":null,\"b\":[1,\"\\u003c\"]}""#,
        ),
        // In a resource, a JSON string built by jsonencode is its value.
        (
            "jsonencode({ b = [1, true], a = null })",
            "{b=[1,true],a=null}",
        ),
        (
            "jsondecode(\"{\\\"a\\\": [1, \\\"x\\\"]}\")",
            "{a=[1,\"x\"]}",
        ),
        ("merge({ a = 1, b = 2 }, null, { b = 3 })", "{a=1,b=3}"),
        ("concat([1], [], [2, 3])", "[1,2,3]"),
        ("lookup({ a = 1 }, \"b\", 0)", "0"),
        ("try(lookup({}, \"b\"), \"fallback\")", "\"fallback\""),
        ("try({ a = 1 }.b, 2)", "2"),
        ("can({ a = 1 }.b)", "false"),
        ("can(1 + 1)", "true"),
        ("coalesce(null, \"\", \"x\")", "\"x\""),
        ("coalescelist([], [1])", "[1]"),
        ("compact([\"a\", \"\", null, \"b\"])", "[\"a\",\"b\"]"),
        ("distinct([1, 2, 1])", "[1,2]"),
        ("flatten([[1, [2]], 3])", "[1,2,3]"),
        (
            "format(\"%s-%03d-%v %q %%\", \"a\", 7, true, \"b\")",
            "\"a-  7-true \\\"b\\\" %\"",
        ),
        ("join(\",\", [\"a\", \"b\"])", "\"a,b\""),
        ("split(\",\", \"a,b\")", "[\"a\",\"b\"]"),
        ("replace(\"a-b-c\", \"-\", \"_\")", "\"a_b_c\""),
        ("lower(\"AbC\")", "\"abc\""),
        ("upper(\"abc\")", "\"ABC\""),
        ("trimspace(\"  a \")", "\"a\""),
        ("length(\"héllo\")", "5"),
        ("length({ a = 1 })", "1"),
        ("keys({ b = 1, a = 2 })", "[\"a\",\"b\"]"),
        ("values({ b = 1, a = 2 })", "[2,1]"),
        ("contains([\"a\"], \"a\")", "true"),
        ("element([\"a\", \"b\"], 3)", "\"b\""),
        ("one([])", "null"),
        ("one([\"x\"])", "\"x\""),
        ("tolist([\"a\"])", "[\"a\"]"),
        ("toset([\"b\", \"a\", \"b\"])", "[\"a\",\"b\"]"),
        ("tomap({ a = 1 })", "{a=1}"),
        ("tostring(5)", "\"5\""),
        ("tobool(\"true\")", "true"),
        ("tonumber(\"1.5\")", "1.5"),
        ("zipmap([\"a\", \"b\"], [1, 2])", "{a=1,b=2}"),
        ("range(3)", "[0,1,2]"),
        ("range(1, 7, 3)", "[1,4]"),
        ("concat(range(2)...)", "?"),
        ("max([1, 5]...)", "5"),
        ("sum([1, 2])", "3"),
        ("trimprefix(\"arn:x\", \"arn:\")", "\"x\""),
        ("alltrue([true, \"true\"])", "true"),
        ("setsubtract([\"a\", \"b\"], [\"b\"])", "[\"a\"]"),
    ] {
        assert_eq!(eval(expr), expected, "{expr}");
    }
}

#[test]
fn what_cannot_be_known_says_why() {
    assert_eq!(
        reason("", "cidrsubnet(\"10.0.0.0/16\", 8, 1)"),
        "function `cidrsubnet` is not evaluated offline"
    );
    assert_eq!(
        reason("", "provider::aws::arn_parse(\"x\")"),
        "function `provider::aws::arn_parse` is not evaluated offline"
    );
    assert_eq!(
        reason(
            "data \"aws_caller_identity\" \"me\" {}",
            "data.aws_caller_identity.me.account_id"
        ),
        "`data.aws_caller_identity.me.account_id` is not known offline"
    );
    assert_eq!(reason("", "local.nope"), "local.nope is not declared");
    assert_eq!(
        reason("variable \"v\" {}", "upper(var.v)"),
        "var.v has no value"
    );
    assert_eq!(reason("", "lookup({}, \"k\")"), "the map has no key \"k\"");
    assert_eq!(
        reason("locals {\n  a = local.b\n  b = local.a\n}", "local.a"),
        "local.a refers to itself"
    );
    assert_eq!(
        reason("", "replace(\"a\", \"/a/\", \"b\")"),
        "replace() with a regular expression is not evaluated offline"
    );
}

#[test]
fn derived_values_keep_the_span_of_their_expression() {
    let extra = "variable \"p\" {\n  default = \"logs\"\n}\nlocals {\n  acl = \"public-read\"\n}";
    let (model, v) = eval_with(extra, "\"${var.p}/x\"");
    assert_eq!(text(&model, v.span), "\"${var.p}/x\"");
    // A reference takes the span of the expression that names it.
    let (model, v) = eval_with(extra, "local.acl");
    assert_eq!(text(&model, v.span), "local.acl");
    // The parts of a referenced value keep theirs.
    let (model, v) = eval_with("locals {\n  m = { a = \"x\" }\n}", "local.m");
    let a = v.get("a").unwrap();
    assert_eq!(text(&model, a.span), "\"x\"");
    assert_eq!(pos(&model, a.span), (2, 13));
}

#[test]
fn deep_nesting_gives_unknown_not_a_crash() {
    let deep = format!("{}1{}", "(".repeat(60), ")".repeat(60));
    assert_eq!(eval(&deep), "1");
    let chain: String = (0..300)
        .map(|i| format!("  l{i} = local.l{}\n", i + 1))
        .collect();
    let extra = format!("locals {{\n{chain}  l300 = 1\n}}");
    let (_, v) = eval_with(&extra, "local.l0");
    assert!(v.is_unknown() || show(&v) == "1");
}

const VARS: &str = r#"
variable "from_default" {
  default = "default"
}
variable "from_env" {
  default = "default"
}
variable "from_tfvars" {
  default = "default"
}
variable "from_json" {}
variable "from_auto" {}
variable "from_file" {}
variable "from_var" {}
variable "count_n" {
  type = number
}
variable "flags" {
  type = list(bool)
}
variable "plain" {}
resource "aws_s3_bucket" "y" {
  from_default = var.from_default
  from_env     = var.from_env
  from_tfvars  = var.from_tfvars
  from_json    = var.from_json
  from_auto    = var.from_auto
  from_file    = var.from_file
  from_var     = var.from_var
  count_n      = var.count_n + 1
  flags        = var.flags
  plain        = var.plain
}
"#;

#[test]
fn input_values_follow_terraform_precedence() {
    let dir = Scratch::new();
    dir.write("main.tf", VARS)
        .write(
            "terraform.tfvars",
            "from_tfvars = \"tfvars\"\nfrom_json = \"tfvars\"\nfrom_auto = \"tfvars\"\nfrom_file = \"tfvars\"\nfrom_var = \"tfvars\"\n",
        )
        .write("terraform.tfvars.json", "{\"from_json\": \"json\", \"from_auto\": \"json\"}")
        .write("b.auto.tfvars", "from_auto = \"b\"\n")
        .write("a.auto.tfvars.json", "{\"from_auto\": \"a\", \"from_file\": \"auto\"}")
        .write("given.tfvars", "from_file = \"file\"\nfrom_var = \"file\"\n");
    let model = load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir.root.clone(),
        var_files: vec!["given.tfvars".into()],
        vars: vec![
            ("from_var".into(), "var".into()),
            ("count_n".into(), "2".into()),
            ("flags".into(), "[true, \"false\"]".into()),
            ("plain".into(), "[1]".into()),
        ],
        env_vars: vec![
            ("TF_VAR_from_env".into(), "env".into()),
            ("TF_VAR_from_tfvars".into(), "env".into()),
            ("HOME".into(), "/root".into()),
        ],
        ..LoadOptions::default()
    });
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let r = model
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_bucket.y")
        .unwrap();
    let get = |name: &str| show(r.body.attribute(name).unwrap());
    assert_eq!(get("from_default"), "\"default\"");
    assert_eq!(get("from_env"), "\"env\"");
    assert_eq!(get("from_tfvars"), "\"tfvars\"");
    assert_eq!(get("from_json"), "\"json\"");
    assert_eq!(
        get("from_auto"),
        "\"b\"",
        "auto files load in lexical order"
    );
    assert_eq!(get("from_file"), "\"file\"");
    assert_eq!(get("from_var"), "\"var\"");
    assert_eq!(get("count_n"), "3", "a number variable converts its text");
    assert_eq!(
        get("flags"),
        "[true,false]",
        "a list variable parses its text"
    );
    assert_eq!(
        get("plain"),
        "\"[1]\"",
        "an untyped variable takes text as is"
    );
    // Values from outside the configuration point at their use.
    let from_var = r.body.attribute("from_var").unwrap();
    assert_eq!(text(&model, from_var.span), "var.from_var");
}

#[test]
fn var_file_errors_have_a_place() {
    let dir = Scratch::new();
    dir.write("main.tf", "variable \"a\" {}\n")
        .write("bad.tfvars", "a = \"x\"\nb = = 1\n")
        .write("terraform.tfvars.json", "{\"a\": 1,}");
    let model = load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir.root.clone(),
        var_files: vec!["bad.tfvars".into(), "missing.tfvars".into()],
        ..LoadOptions::default()
    });
    let errors: Vec<String> = model
        .errors
        .iter()
        .map(|e| match e.span {
            Some(s) => {
                let (line, column) = pos(&model, s);
                format!("{}:{line}:{column}", e.path)
            }
            None => format!("{}: {}", e.path, e.message),
        })
        .collect();
    assert_eq!(
        errors,
        [
            "bad.tfvars:2:5",
            "missing.tfvars: cannot read the var file: no such file or directory",
            "terraform.tfvars.json:1:8"
        ]
    );
}
