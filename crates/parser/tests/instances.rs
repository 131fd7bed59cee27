//! Resource instances: count and for_each, dynamic blocks, policy document
//! data sources, modules, and satellites linked across all of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bucket, load_files, pos, summary, text, Scratch};
use phiguard_model::{Model, PolicySource};

fn addresses(model: &Model) -> Vec<&str> {
    model.resources.iter().map(|r| r.address.as_str()).collect()
}

fn no_errors(model: &Model) {
    assert!(model.errors.is_empty(), "{:?}", model.errors);
}

const FOR_EACH: &str = r#"
variable "buckets" {
  default = {
    records = { versioning = "Enabled" }
    logs    = { versioning = "Suspended" }
  }
}

resource "aws_s3_bucket" "b" {
  for_each = var.buckets
  bucket   = "phi-${each.key}"
}

resource "aws_s3_bucket_versioning" "b" {
  for_each = aws_s3_bucket.b
  bucket   = each.value.id
  versioning_configuration {
    status = var.buckets[each.key].versioning
  }
}

resource "aws_s3_bucket_public_access_block" "b" {
  for_each          = var.buckets
  bucket            = aws_s3_bucket.b[each.key].id
  block_public_acls = each.key == "logs"
}

resource "aws_s3_bucket" "n" {
  count = 2
}

resource "aws_s3_bucket_acl" "n" {
  count  = length(aws_s3_bucket.n)
  bucket = aws_s3_bucket.n[count.index].id
  acl    = count.index == 0 ? "private" : "public-read"
}

resource "aws_s3_bucket" "none" {
  count = 0
}

resource "aws_s3_bucket" "empty" {
  for_each = toset([])
}
"#;

#[test]
fn count_and_for_each_expand_into_instances() {
    let (_dir, model) = load_files(&[("main.tf", FOR_EACH)]);
    no_errors(&model);
    assert_eq!(
        addresses(&model),
        [
            "aws_s3_bucket.b[\"logs\"]",
            "aws_s3_bucket.b[\"records\"]",
            "aws_s3_bucket_versioning.b[\"logs\"]",
            "aws_s3_bucket_versioning.b[\"records\"]",
            "aws_s3_bucket_public_access_block.b[\"logs\"]",
            "aws_s3_bucket_public_access_block.b[\"records\"]",
            "aws_s3_bucket.n[0]",
            "aws_s3_bucket.n[1]",
            "aws_s3_bucket_acl.n[0]",
            "aws_s3_bucket_acl.n[1]",
        ]
    );
    assert_eq!(
        model.subjects.buckets.len(),
        4,
        "satellites link to their instance"
    );
    let logs = bucket(&model, "aws_s3_bucket.b[\"logs\"]");
    assert_eq!(
        logs.name.as_ref().and_then(|n| n.as_str()),
        Some("phi-logs")
    );
    let status = logs.versioning.as_ref().unwrap().status.as_ref().unwrap();
    assert_eq!(status.as_str(), Some("Suspended"));
    // The value came from the variable's default; it points at the use.
    assert_eq!(
        text(&model, status.span),
        "var.buckets[each.key].versioning"
    );
    let pab = logs.public_access_block.as_ref().unwrap();
    assert_eq!(
        model.resource(pab.origin.resource).address,
        "aws_s3_bucket_public_access_block.b[\"logs\"]"
    );
    let records = bucket(&model, "aws_s3_bucket.b[\"records\"]");
    let flag = records
        .public_access_block
        .as_ref()
        .unwrap()
        .block_public_acls
        .as_ref()
        .unwrap();
    assert_eq!(flag.as_bool(), Some(false));

    let acl = |address: &str| {
        let b = bucket(&model, address);
        let canned = b.acl.as_ref().unwrap().canned.as_ref().unwrap();
        (
            canned.as_str().unwrap().to_string(),
            text(&model, canned.span).to_string(),
        )
    };
    assert_eq!(acl("aws_s3_bucket.n[0]").0, "private");
    assert_eq!(
        acl("aws_s3_bucket.n[1]"),
        ("public-read".into(), "\"public-read\"".into())
    );
    // An unnamed bucket is still linked, by reference.
    let unnamed = bucket(&model, "aws_s3_bucket.n[1]");
    assert!(unnamed.name.is_none());
}

#[test]
fn an_unknown_count_checks_one_marked_instance() {
    let src = r#"
variable "n" {}
variable "keys" {}
resource "aws_s3_bucket" "b" {
  count  = var.n
  bucket = "b-${count.index}"
}
resource "aws_s3_bucket_versioning" "b" {
  count  = var.n
  bucket = aws_s3_bucket.b[count.index].id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket" "k" {
  for_each = var.keys
  acl      = "private"
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    no_errors(&model);
    assert_eq!(
        addresses(&model),
        [
            "aws_s3_bucket.b",
            "aws_s3_bucket_versioning.b",
            "aws_s3_bucket.k"
        ]
    );
    let notes: Vec<_> = model
        .resources
        .iter()
        .map(|r| r.instance_note.as_deref())
        .collect();
    assert_eq!(
        notes,
        [
            Some("count is unknown: var.n has no value"),
            Some("count is unknown: var.n has no value"),
            Some("for_each is unknown: var.keys has no value"),
        ]
    );
    let b = bucket(&model, "aws_s3_bucket.b");
    assert!(b.name.as_ref().unwrap().is_unknown());
    assert!(b.versioning.is_some(), "the stand-in instances still link");
}

#[test]
fn dynamic_blocks_expand() {
    let src = r#"
locals {
  rules = [
    { origins = ["*"] },
    { origins = ["https://example.com"] },
  ]
}
resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = "phi"
  dynamic "cors_rule" {
    for_each = local.rules
    iterator = rule
    content {
      allowed_origins = rule.value.origins
      allowed_methods = ["GET"]
    }
  }
}
resource "aws_s3_bucket" "none" {
  dynamic "logging" {
    for_each = []
    content {
      target_bucket = "x"
    }
  }
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    no_errors(&model);
    let cors = bucket(&model, "aws_s3_bucket_cors_configuration.c");
    assert_eq!(
        summary(cors)
            .into_iter()
            .filter(|l| l.starts_with("cors"))
            .collect::<Vec<_>>(),
        ["cors [\"*\"]", "cors [\"https://example.com\"]"]
    );
    let none = bucket(&model, "aws_s3_bucket.none");
    assert!(none.logging.is_none(), "an empty for_each yields no block");
}

const POLICY_DOCUMENT: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "phi"
}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Deny"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "p" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid     = "Read"
    actions = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    not_principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.p.json
}
"#;

#[test]
fn policy_documents_are_evaluated_with_spans_in_the_data_block() {
    let (_dir, model) = load_files(&[("main.tf", POLICY_DOCUMENT)]);
    no_errors(&model);
    let b = bucket(&model, "aws_s3_bucket.b");
    let policy = b.policy.as_ref().unwrap();
    let PolicySource::Document(doc) = &policy.document else {
        panic!("not a document: {:?}", policy.document);
    };
    assert_eq!(doc.statements.len(), 2);
    let deny = &doc.statements[0];
    assert_eq!(deny.effect.as_ref().unwrap().as_str(), Some("Deny"));
    let principal = deny.principal.as_ref().unwrap();
    assert_eq!(principal.as_str(), Some("*"));
    assert!(text(&model, principal.span).starts_with("principals {"));
    assert_eq!(deny.conditions[0].operator.value, "Bool");
    assert_eq!(deny.conditions[0].key.value, "aws:SecureTransport");
    assert_eq!(text(&model, deny.conditions[0].values.span), "[\"false\"]");

    let read = &doc.statements[1];
    assert_eq!(read.effect.as_ref().unwrap().as_str(), Some("Allow"));
    assert!(text(&model, read.span).starts_with("statement {"));
    let aws = read.principal.as_ref().unwrap().get("AWS").unwrap();
    assert_eq!(
        text(&model, aws.span),
        "[\"arn:aws:iam::111122223333:root\"]"
    );
    assert!(read.not_principal.is_some());
    let resource = &read.resource.as_ref().unwrap().as_list().unwrap()[0];
    assert_eq!(resource.as_str(), Some("arn:aws:s3:::phi/*"));
    assert_eq!(pos(&model, resource.span), (29, 18));
    assert_eq!(text(&model, resource.span), "\"${aws_s3_bucket.b.arn}/*\"");
}

#[test]
fn override_documents_replace_statements_by_sid() {
    let src = r#"
data "aws_iam_policy_document" "o" {
  statement {
    sid     = "A"
    actions = ["s3:GetObject"]
  }
}
data "aws_iam_policy_document" "p" {
  override_policy_documents = [data.aws_iam_policy_document.o.json, jsonencode({
    Statement = [{ Sid = "B", Effect = "Deny", Action = "*" }]
  })]
  statement {
    sid     = "A"
    actions = ["s3:*"]
  }
}
resource "aws_s3_bucket" "b" {
  policy = data.aws_iam_policy_document.p.json
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    no_errors(&model);
    let doc = bucket(&model, "aws_s3_bucket.b")
        .policy
        .clone()
        .unwrap()
        .document;
    let doc = doc.document().unwrap();
    let actions: Vec<String> = doc
        .statements
        .iter()
        .map(|s| {
            let a = s.action.as_ref().unwrap();
            a.as_str().map_or_else(
                || a.as_list().unwrap()[0].as_str().unwrap().to_string(),
                String::from,
            )
        })
        .collect();
    assert_eq!(actions, ["s3:GetObject", "*"]);
}

const MODULE: &str = r#"
variable "name" {}
variable "acl" {
  default = "private"
}
variable "create_logs" {
  default = true
}
resource "aws_s3_bucket" "this" {
  bucket = var.name
}
resource "aws_s3_bucket_acl" "this" {
  bucket = aws_s3_bucket.this.id
  acl    = var.acl
}
resource "aws_s3_bucket" "logs" {
  count  = var.create_logs ? 1 : 0
  bucket = "${var.name}-logs"
}
output "id" {
  value = aws_s3_bucket.this.id
}
output "arn" {
  value = aws_s3_bucket.this.arn
}
"#;

const ROOT: &str = r#"
module "public" {
  source      = "./modules/bucket"
  name        = "phi-public"
  acl         = "public-read"
  create_logs = false
}

module "private" {
  source = "./modules/bucket"
  name   = "phi-private"
}

module "many" {
  source   = "./modules/bucket"
  for_each = toset(["a", "b"])
  name     = "phi-${each.key}"
}

resource "aws_s3_bucket_versioning" "public" {
  bucket = module.public.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_account_public_access_block" "account" {
  block_public_acls = true
}

output "arns" {
  value = [for m in module.many : m.arn]
}
"#;

#[test]
fn local_modules_are_instantiated_with_their_inputs() {
    let dir = Scratch::new();
    dir.write("root/main.tf", ROOT)
        .write("root/modules/bucket/main.tf", MODULE);
    let model = dir.load(&["root"]);
    no_errors(&model);
    assert_eq!(
        addresses(&model),
        [
            "aws_s3_bucket_versioning.public",
            "aws_s3_account_public_access_block.account",
            "module.public.aws_s3_bucket.this",
            "module.public.aws_s3_bucket_acl.this",
            "module.private.aws_s3_bucket.this",
            "module.private.aws_s3_bucket_acl.this",
            "module.private.aws_s3_bucket.logs[0]",
            "module.many[\"a\"].aws_s3_bucket.this",
            "module.many[\"a\"].aws_s3_bucket_acl.this",
            "module.many[\"a\"].aws_s3_bucket.logs[0]",
            "module.many[\"b\"].aws_s3_bucket.this",
            "module.many[\"b\"].aws_s3_bucket_acl.this",
            "module.many[\"b\"].aws_s3_bucket.logs[0]",
        ],
        "the module directory is not a root of its own"
    );
    let public = bucket(&model, "module.public.aws_s3_bucket.this");
    let canned = public.acl.as_ref().unwrap().canned.as_ref().unwrap();
    assert_eq!(canned.as_str(), Some("public-read"));
    // Findings inside a module point at the module's file...
    assert_eq!(
        model.file(canned.span.file).display_path,
        "root/modules/bucket/main.tf"
    );
    assert_eq!(text(&model, canned.span), "var.acl");
    // ...and the resource names the module block that made it.
    let acl = model.resource(public.acl.as_ref().unwrap().origin.resource);
    assert_eq!(acl.module_calls.len(), 1);
    assert_eq!(text(&model, acl.module_calls[0]), "module \"public\"");
    let private = bucket(&model, "module.private.aws_s3_bucket.this");
    let canned = private.acl.as_ref().unwrap().canned.as_ref().unwrap();
    assert_eq!(canned.as_str(), Some("private"));

    // A module output links a root satellite to the module's bucket.
    assert!(public.versioning.is_some());
    // The account-wide block covers the modules' buckets too.
    assert!(model
        .subjects
        .buckets
        .iter()
        .all(|b| b.account_public_access_block.is_some()));
    assert!(model.unavailable_modules.is_empty());
}

#[test]
fn modules_outside_the_linted_paths_are_read_once() {
    let dir = Scratch::new();
    dir.write("example/main.tf", "module \"b\" {\n  source = \"../\"\n  name = \"x\"\n}\nmodule \"c\" {\n  source = \"../\"\n  name = \"y\"\n}\n")
        .write("main.tf", MODULE);
    let model = dir.load(&["example"]);
    no_errors(&model);
    let paths: Vec<_> = model
        .files
        .iter()
        .map(|f| f.display_path.as_str())
        .collect();
    assert_eq!(paths, ["example/main.tf", "main.tf"]);
    assert_eq!(model.subjects.buckets.len(), 4);
}

#[test]
fn remote_modules_resolve_through_modules_json_or_are_named() {
    let dir = Scratch::new();
    let root = "module \"s3\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n  name = \"remote\"\n}\nmodule \"gone\" {\n  source = \"git::https://example.com/x.git\"\n}\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = module.gone.id\n}\n";
    dir.write("main.tf", root)
        .write(".terraform/modules/s3/main.tf", MODULE)
        .write(
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"s3","Source":"registry.terraform.io/terraform-aws-modules/s3-bucket/aws","Dir":".terraform/modules/s3"}]}"#,
        );
    let model = dir.load(&["."]);
    no_errors(&model);
    let remote = bucket(&model, "module.s3.aws_s3_bucket.this");
    assert_eq!(
        remote.name.as_ref().and_then(|n| n.as_str()),
        Some("remote")
    );
    assert_eq!(model.unavailable_modules.len(), 1);
    let gone = &model.unavailable_modules[0];
    assert_eq!(gone.address, "module.gone");
    assert_eq!(gone.source, "git::https://example.com/x.git");
    assert!(gone.reason.contains("terraform init"), "{}", gone.reason);
    let v = bucket(&model, "aws_s3_bucket_versioning.v");
    assert!(v
        .name
        .as_ref()
        .unwrap()
        .unknown_reason()
        .unwrap()
        .contains("module.gone"));
}

#[test]
fn module_cycles_are_bounded() {
    let dir = Scratch::new();
    dir.write(
        "a/main.tf",
        "module \"b\" {\n  source = \"../b\"\n}\nresource \"aws_s3_bucket\" \"a\" {}\n",
    )
    .write(
        "b/main.tf",
        "module \"a\" {\n  source = \"../a\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .write("self/main.tf", "module \"me\" {\n  source = \"./\"\n}\n");
    let model = dir.load(&["."]);
    no_errors(&model);
    assert!(model.resources.len() <= 4, "{:?}", addresses(&model));
    assert!(model
        .unavailable_modules
        .iter()
        .any(|u| u.reason.contains("calls itself")));
}

#[test]
fn a_configuration_may_make_exactly_its_module_instance_budget() {
    let dir = Scratch::new();
    let calls = |names: &[&str]| {
        names
            .iter()
            .map(|name| format!("module \"{name}\" {{\n  source = \"../m\"\n  count  = 1000\n}}\n"))
            .collect::<String>()
    };
    dir.write("m/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n")
        .write("five/main.tf", calls(&["a", "b", "c", "d", "e"]))
        .write(
            "over/main.tf",
            calls(&["a", "b", "c", "d", "e"]) + "module \"f\" {\n  source = \"../m\"\n}\n",
        );
    let model = dir.load(&["five"]);
    no_errors(&model);
    assert!(
        model.unavailable_modules.is_empty(),
        "{:?}",
        model.unavailable_modules
    );
    let model = dir.load(&["over"]);
    let refused: Vec<_> = model
        .unavailable_modules
        .iter()
        .map(|u| (u.address.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        refused,
        [(
            "module.f",
            "not instantiated: the configuration makes more than 5000 module instances"
        )]
    );
}

#[test]
fn resource_instances_have_a_budget_per_configuration() {
    // Twenty module instances of a thousand buckets each: the first ten
    // are expanded, each later one is checked as one instance saying why.
    let dir = Scratch::new();
    dir.write(
        "m/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  count  = 1000\n  bucket = \"b-${count.index}\"\n}\n",
    );
    for root in ["one", "two"] {
        dir.write(
            &format!("{root}/main.tf"),
            "module \"m\" {\n  source = \"../m\"\n  count  = 20\n}\n",
        );
    }
    let model = dir.load(&["one", "two"]);
    no_errors(&model);
    // Each root has its own budget.
    assert_eq!(model.resources.len(), 2 * (10_000 + 10));
    let stand_ins: Vec<_> = model
        .resources
        .iter()
        .filter_map(|r| r.instance_note.as_deref())
        .collect();
    assert_eq!(stand_ins.len(), 20);
    assert!(
        stand_ins[0].contains(
            "not expanded: the configuration would make more than 10000 resource instances"
        ),
        "{stand_ins:?}"
    );
    let last = model.resources.iter().rfind(|r| r.instance_note.is_some());
    let name = last.and_then(|r| r.body.attribute("bucket")).unwrap();
    assert!(name
        .unknown_reason()
        .is_some_and(|r| r.contains("10000 resource instances")));
}

#[test]
fn each_root_has_its_own_module_instance_budget() {
    // 3,000 module instances per root: under the 5,000 of one
    // configuration, over it for the two together. Neither root may use
    // up the other's budget, whatever the order they are evaluated in.
    let dir = Scratch::new();
    dir.write("m/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
    for root in ["one", "two"] {
        dir.write(
            &format!("{root}/main.tf"),
            ["a", "b", "c"]
                .map(|name| {
                    format!("module \"{name}\" {{\n  source = \"../m\"\n  count  = 1000\n}}\n")
                })
                .concat(),
        );
    }
    let model = dir.load(&["one", "two"]);
    no_errors(&model);
    assert!(
        model.unavailable_modules.is_empty(),
        "{:?}",
        model.unavailable_modules
    );
    assert_eq!(
        model.resources.len(),
        6_000,
        "{:?}",
        &addresses(&model)[..2]
    );
}

#[test]
fn domain_policies_link_through_module_outputs() {
    let dir = Scratch::new();
    dir.write(
        "m/main.tf",
        "variable \"name\" {}\nresource \"aws_opensearch_domain\" \"d\" {\n  domain_name = var.name\n}\noutput \"arn\" {\n  value = aws_opensearch_domain.d.arn\n}\noutput \"name\" {\n  value = aws_opensearch_domain.d.domain_name\n}\n",
    )
    .write(
        "main.tf",
        "module \"search\" {\n  source = \"./m\"\n}\nresource \"aws_opensearch_domain_policy\" \"p\" {\n  domain_name     = module.search.name\n  access_policies = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = \"*\", Resource = \"${module.search.arn}/*\" }] })\n}\n",
    );
    let model = dir.load(&["."]);
    no_errors(&model);
    assert_eq!(
        model.subjects.domains.len(),
        1,
        "the policy links to the module's domain"
    );
    let d = &model.subjects.domains[0];
    let doc = d
        .access_policy
        .as_ref()
        .unwrap()
        .document
        .document()
        .unwrap();
    let st = &doc.statements[0];
    assert_eq!(st.principal.as_ref().unwrap().as_str(), Some("*"));
    assert!(st.resource.as_ref().unwrap().is_unknown());
}

#[test]
fn in_memory_sources_read_nothing_else() {
    let model = phiguard_parser::load_sources(vec![phiguard_parser::Source {
        path: "main.tf".into(),
        display_path: "main.tf".into(),
        bytes: b"module \"m\" {\n  source = \"../../\"\n}\nresource \"aws_s3_bucket\" \"y\" {\n  bucket = file(\"Cargo.toml\")\n}\n".to_vec(),
    }]);
    no_errors(&model);
    assert_eq!(model.files.len(), 1);
    let v = model.resources[0].body.attribute("bucket").unwrap();
    assert!(v.is_unknown());
}

#[test]
fn policies_from_files_and_heredocs_keep_spans() {
    let dir = Scratch::new();
    dir.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"f\" {\n  policy = file(\"${path.module}/policy.json\")\n}\n",
    )
    .write(
        "policy.json",
        "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]\n}\n",
    );
    let model = dir.load(&["main.tf"]);
    no_errors(&model);
    let doc = bucket(&model, "aws_s3_bucket.f").policy.clone().unwrap();
    let doc = doc.document.document().unwrap().clone();
    let principal = doc.statements[0].principal.as_ref().unwrap();
    assert_eq!(model.file(principal.span.file).display_path, "policy.json");
    assert_eq!(pos(&model, principal.span), (2, 50));
    assert_eq!(text(&model, principal.span), "\"*\"");
}

#[test]
fn templatefile_sees_only_its_variables() {
    let dir = Scratch::new();
    dir.write(
        "main.tf",
        r#"
resource "aws_s3_bucket" "t" {
  bucket = "phi-t"
  policy = templatefile("${path.module}/policy.json.tpl", { bucket = "phi-t", readers = ["a", "b"] })
  tags   = { bad = try(templatefile("${path.module}/bad.tpl", {}), "caught") }
}
"#,
    )
    .write(
        "policy.json.tpl",
        "{\"Statement\": [%{ for r in readers ~}{\"Sid\": \"${r}\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Resource\": \"arn:aws:s3:::${bucket}/*\"}%{ if r != readers[length(readers) - 1] },%{ endif }%{ endfor ~}]}",
    )
    .write("bad.tpl", "${var.secret}");
    let model = dir.load(&["main.tf"]);
    no_errors(&model);
    let b = bucket(&model, "aws_s3_bucket.t");
    let doc = b.policy.clone().unwrap().document;
    let doc = doc.document().unwrap();
    let sids: Vec<_> = doc
        .statements
        .iter()
        .map(|s| s.sid.as_ref().unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(sids, ["a", "b"]);
    let tags = b.tags.as_ref().unwrap();
    assert_eq!(tags.get("bad").unwrap().as_str(), Some("caught"));
}

#[test]
fn an_unknown_module_count_marks_its_resources() {
    let dir = Scratch::new();
    dir.write(
        "main.tf",
        "variable \"n\" {}\nmodule \"m\" {\n  source = \"./m\"\n  count  = var.n\n}\n",
    )
    .write(
        "m/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  count = 1\n}\n",
    );
    let model = dir.load(&["."]);
    no_errors(&model);
    let r = &model.resources[0];
    assert_eq!(r.address, "module.m.aws_s3_bucket.b[0]");
    assert_eq!(
        r.instance_note.as_deref(),
        Some("module.m: count is unknown: var.n has no value")
    );
}
