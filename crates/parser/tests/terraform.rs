//! The HCL front end: resources, spans, encodings and syntax errors.

mod common;

use common::{bucket, load_files, pos, text};
use phiguard_model::{Dialect, PolicySource, ValueKind};

const BUCKET: &str = r#"variable "acl" {
  type = string
}

resource "aws_s3_bucket" "b" {
  bucket = "records"
  acl    = "public-read"

  versioning {
    enabled = true
  }
}
"#;

#[test]
fn resources_and_spans_land_exactly() {
    let (_dir, model) = load_files(&[("main.tf", BUCKET)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let r = &model.resources[0];
    assert_eq!(r.dialect, Dialect::Terraform);
    assert_eq!(r.address, "aws_s3_bucket.b");
    assert_eq!(r.resource_type, "aws_s3_bucket");
    assert_eq!(text(&model, r.header), r#"resource "aws_s3_bucket" "b""#);
    assert!(text(&model, r.span).starts_with("resource") && text(&model, r.span).ends_with('}'));
    assert_eq!(pos(&model, r.header), (5, 1));

    let acl = r.body.attribute("acl").unwrap();
    assert_eq!(text(&model, acl.span), "\"public-read\"");
    assert_eq!(pos(&model, acl.span), (7, 12));
    let key = &r.body.attributes[1].key;
    assert_eq!((key.value.as_str(), text(&model, key.span)), ("acl", "acl"));

    let block = r.body.block("versioning").unwrap();
    assert!(text(&model, block.span).starts_with("versioning {"));
    assert_eq!(
        block.body.attribute("enabled").unwrap().as_bool(),
        Some(true)
    );

    let view = bucket(&model, "aws_s3_bucket.b");
    let canned = view.acl.as_ref().unwrap().canned.as_ref().unwrap();
    assert_eq!(canned.as_str(), Some("public-read"));
    assert_eq!(pos(&model, canned.span), (7, 12));
}

#[test]
fn a_byte_order_mark_shifts_nothing() {
    let with_bom = format!("\u{feff}{BUCKET}");
    let (_dir, model) = load_files(&[("main.tf", &with_bom)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let acl = model.resources[0].body.attribute("acl").unwrap();
    assert_eq!(text(&model, acl.span), "\"public-read\"");
    assert_eq!(pos(&model, acl.span), (7, 12));
    assert_eq!(pos(&model, model.resources[0].header), (5, 1));
}

#[test]
fn crlf_line_endings() {
    let crlf = BUCKET.replace('\n', "\r\n");
    let policy = "resource \"aws_s3_bucket_policy\" \"p\" {\r\n  bucket = aws_s3_bucket.b.id\r\n  policy = <<EOF\r\n{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}\r\nEOF\r\n}\r\n";
    let (_dir, model) = load_files(&[("main.tf", &crlf), ("policy.tf", policy)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let acl = model.resources[0].body.attribute("acl").unwrap();
    assert_eq!(pos(&model, acl.span), (7, 12));
    let doc = bucket(&model, "aws_s3_bucket.b").policy.as_ref().unwrap();
    let principal = doc.document.document().unwrap().statements[0]
        .principal
        .as_ref()
        .unwrap();
    assert_eq!(text(&model, principal.span), "\"*\"");
    assert_eq!(pos(&model, principal.span), (4, 49));
}

#[test]
fn a_syntax_error_is_one_error_and_other_files_still_load() {
    let broken = "resource \"aws_s3_bucket\" \"x\" {\n  acl = \n}\n";
    let (_dir, model) = load_files(&[("broken.tf", broken), ("main.tf", BUCKET)]);
    assert_eq!(model.errors.len(), 1, "{:?}", model.errors);
    let err = &model.errors[0];
    assert_eq!(err.path, "broken.tf");
    assert!(err.message.starts_with("invalid HCL: "), "{}", err.message);
    assert!(!err.message.contains('\n'), "{}", err.message);
    assert_eq!(pos(&model, err.span.unwrap()), (2, 9));
    assert_eq!(model.files.len(), 2);
    assert_eq!(model.resources.len(), 1);
    assert_eq!(model.subjects.buckets.len(), 1);
}

#[test]
fn a_duplicate_attribute_names_the_key() {
    let dup =
        "resource \"aws_s3_bucket\" \"x\" {\n  acl = \"private\"\n  acl = \"public-read\"\n}\n";
    let (_dir, model) = load_files(&[("main.tf", dup)]);
    assert_eq!(model.errors.len(), 1);
    assert_eq!(
        model.errors[0].message,
        "invalid HCL: attribute `acl` is defined twice in this block"
    );
    assert_eq!(pos(&model, model.errors[0].span.unwrap()), (3, 3));
}

#[test]
fn unknown_values_say_why() {
    let src = r#"variable "acl" {}
variable "prefix" {
  default = "logs/"
}
resource "aws_s3_bucket" "b" {
  acl           = var.acl
  bucket        = "${var.prefix}-records"
  bucket_prefix = var.missing
  policy        = data.aws_iam_policy_document.p.json
  tags          = local.tags
  object_lock_enabled = aws_kms_key.k.arn
  list          = ["a", var.acl]
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let body = &model.resources[0].body;
    let reason = |name: &str| {
        body.attribute(name)
            .unwrap()
            .unknown_reason()
            .unwrap()
            .to_string()
    };
    assert_eq!(reason("acl"), "var.acl has no value");
    assert_eq!(reason("bucket_prefix"), "var.missing is not declared");
    assert_eq!(
        reason("policy"),
        "`data.aws_iam_policy_document.p` is not declared"
    );
    assert_eq!(reason("tags"), "local.tags is not declared");
    assert_eq!(
        reason("object_lock_enabled"),
        "`aws_kms_key.k.arn` is not known offline"
    );
    // A variable with a default is evaluated, and the template with it.
    let name = body.attribute("bucket").unwrap();
    assert_eq!(name.as_str(), Some("logs/-records"));
    assert_eq!(text(&model, name.span), "\"${var.prefix}-records\"");
    let list = body.attribute("list").unwrap().as_list().unwrap();
    assert_eq!(list[0].as_str(), Some("a"));
    assert!(list[1].is_unknown());
    assert_eq!(text(&model, body.attribute("acl").unwrap().span), "var.acl");

    let view = bucket(&model, "aws_s3_bucket.b");
    assert!(matches!(
        view.policy.as_ref().unwrap().document,
        PolicySource::Unknown(_)
    ));
}

#[test]
fn heredocs_and_literals() {
    let src = "resource \"aws_s3_bucket\" \"y\" {\n  a = <<-EOT\n    hello\n  EOT\n  b = 1.5\n  c = null\n  d = { k = \"v\", \"q\" = [true] }\n}\n";
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let body = &model.resources[0].body;
    assert_eq!(body.attribute("a").unwrap().as_str(), Some("hello\n"));
    assert_eq!(body.attribute("b").unwrap().kind, ValueKind::Number(1.5));
    assert_eq!(body.attribute("c").unwrap().kind, ValueKind::Null);
    let d = body.attribute("d").unwrap();
    assert_eq!(d.get("k").unwrap().as_str(), Some("v"));
    assert_eq!(
        d.get("q").unwrap().as_list().unwrap()[0].as_bool(),
        Some(true)
    );
}

#[test]
fn bodies_no_view_reads_are_not_kept() {
    // Only S3 and search domain resources are read by the views; keeping
    // every other resource's body would hold a monorepo's whole
    // configuration in memory for nothing.
    let src = "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n";
    let (_dir, model) = load_files(&[("main.tf", src)]);
    assert_eq!(model.resources.len(), 2, "both resources are counted");
    let lambda = model
        .resources
        .iter()
        .find(|r| r.resource_type == "aws_lambda_function")
        .unwrap();
    assert!(lambda.body.attributes.is_empty() && lambda.body.blocks.is_empty());
    let bucket = model
        .resources
        .iter()
        .find(|r| r.resource_type == "aws_s3_bucket")
        .unwrap();
    assert_eq!(bucket.body.attribute("bucket").unwrap().as_str(), Some("b"));
}

#[test]
fn files_are_numbered_in_path_order() {
    let (_dir, model) = load_files(&[
        ("b.tf", ""),
        ("a/z.tf", ""),
        ("a.tf", ""),
        ("a/b.tf.json", "{}"),
    ]);
    let paths: Vec<_> = model
        .files
        .iter()
        .map(|f| f.display_path.as_str())
        .collect();
    assert_eq!(paths, ["a/b.tf.json", "a/z.tf", "a.tf", "b.tf"]);
    for (i, f) in model.files.iter().enumerate() {
        assert_eq!(f.id.0 as usize, i);
    }
}
