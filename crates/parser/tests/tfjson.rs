//! `.tf.json` files: the same resources and views as HCL, strict JSON.

mod common;

use common::{bucket, domain_summary, in_dir, load_files, pos, summary, text};

const HCL: &str = r#"
variable "acl" {}

resource "aws_s3_bucket" "b" {
  bucket = "phi-records"
  acl    = var.acl

  versioning {
    enabled = true
  }
  logging {
    target_bucket = aws_s3_bucket.logs.id
    target_prefix = "log/"
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.k.arn
      }
      bucket_key_enabled = true
    }
  }
  website {
    index_document = "index.html"
  }
  cors_rule {
    allowed_origins = ["*"]
  }
  cors_rule {
    allowed_origins = ["https://example.com"]
  }
  policy = "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\"}]}"
  tags   = { phi = "true" }
}

resource "aws_s3_bucket" "logs" {
  bucket = "phi-logs"
}

resource "aws_s3_bucket_public_access_block" "b" {
  bucket              = aws_s3_bucket.b.id
  block_public_policy = false
}

resource "aws_opensearch_domain" "os" {
  domain_name = "notes"
  encrypt_at_rest {
    enabled = false
  }
  log_publishing_options {
    log_type = "AUDIT_LOGS"
  }
}

resource "aws_opensearch_domain_policy" "os" {
  domain_name     = aws_opensearch_domain.os.domain_name
  access_policies = "{\"Statement\": []}"
}
"#;

const JSON: &str = r#"{
  "//": "the same configuration as main.tf",
  "variable": {"acl": {"type": "string"}},
  "resource": [{
    "aws_s3_bucket": {
      "b": {
        "bucket": "phi-records",
        "acl": "${var.acl}",
        "versioning": {"enabled": true},
        "logging": [{"target_bucket": "${aws_s3_bucket.logs.id}", "target_prefix": "log/"}],
        "server_side_encryption_configuration": {
          "rule": {
            "apply_server_side_encryption_by_default": {
              "sse_algorithm": "aws:kms",
              "kms_master_key_id": "${aws_kms_key.k.arn}"
            },
            "bucket_key_enabled": true
          }
        },
        "website": {"index_document": "index.html"},
        "cors_rule": [{"allowed_origins": ["*"]}, {"allowed_origins": ["https://example.com"]}],
        "policy": "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\"}]}",
        "tags": {"phi": "true"}
      },
      "logs": {"bucket": "phi-logs"}
    },
    "aws_s3_bucket_public_access_block": {
      "b": {"bucket": "${aws_s3_bucket.b.id}", "block_public_policy": false}
    }
  }, {
    "aws_opensearch_domain": {
      "os": {
        "domain_name": "notes",
        "encrypt_at_rest": {"enabled": false},
        "log_publishing_options": [{"log_type": "AUDIT_LOGS"}]
      }
    },
    "aws_opensearch_domain_policy": {
      "os": {
        "domain_name": "${aws_opensearch_domain.os.domain_name}",
        "access_policies": "{\"Statement\": []}"
      }
    }
  }]
}
"#;

#[test]
fn json_and_hcl_give_the_same_views() {
    let (_dir, model) = load_files(&[("hcl/main.tf", HCL), ("json/main.tf.json", JSON)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    for address in ["aws_s3_bucket.b", "aws_s3_bucket.logs"] {
        assert_eq!(
            summary(in_dir(&model, "hcl/", address)),
            summary(in_dir(&model, "json/", address))
        );
    }
    assert_eq!(model.subjects.buckets.len(), 4);
    let json_bucket = in_dir(&model, "json/", "aws_s3_bucket.b");
    assert_eq!(
        json_bucket
            .acl
            .as_ref()
            .unwrap()
            .canned
            .as_ref()
            .unwrap()
            .unknown_reason(),
        Some("var.acl has no value")
    );
    let header = model.resource(json_bucket.resource).header;
    assert_eq!(text(&model, header), "\"b\"");
    assert_eq!(pos(&model, header), (6, 7));
    let principal = json_bucket
        .policy
        .as_ref()
        .unwrap()
        .document
        .document()
        .unwrap()
        .statements[0]
        .principal
        .clone()
        .unwrap();
    assert_eq!(text(&model, principal.span), "\\\"*\\\"");

    let domains: Vec<_> = model.subjects.domains.iter().map(domain_summary).collect();
    assert_eq!(domains.len(), 2);
    assert_eq!(domains[0], domains[1]);
}

#[test]
fn a_json_satellite_links_to_an_hcl_bucket() {
    let sat = r#"{"resource": {"aws_s3_bucket_versioning": {"v": {
  "bucket": "${aws_s3_bucket.b.id}",
  "versioning_configuration": {"status": "Enabled"}
}}}}"#;
    let (_dir, model) = load_files(&[
        ("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
        ("versioning.tf.json", sat),
    ]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(model.subjects.buckets.len(), 1);
    let status = bucket(&model, "aws_s3_bucket.b")
        .versioning
        .as_ref()
        .unwrap();
    assert_eq!(status.status.as_ref().unwrap().as_str(), Some("Enabled"));
    assert_eq!(text(&model, status.origin.span), "\"v\"");
}

#[test]
fn duplicate_keys_name_both_lines() {
    let json = "{\n  \"resource\": {},\n  \"variable\": {},\n  \"resource\": {}\n}\n";
    let (_dir, model) = load_files(&[("main.tf.json", json)]);
    assert_eq!(model.errors.len(), 1);
    let err = &model.errors[0];
    assert_eq!(
        err.message,
        "invalid JSON: duplicate key `resource` (first defined on line 2, again on line 4)"
    );
    assert_eq!(pos(&model, err.span.unwrap()), (4, 3));
}

#[test]
fn strict_json_only() {
    for (text, line) in [
        ("{\"resource\": {},}", 1),
        ("// comment\n{}", 1),
        ("{\n  resource: {}\n}", 2),
        ("[1]", 1),
    ] {
        let (_dir, model) = load_files(&[("main.tf.json", text), ("ok.tf", "")]);
        assert_eq!(model.errors.len(), 1, "{text}");
        let err = &model.errors[0];
        assert_eq!(err.path, "main.tf.json");
        assert_eq!(
            pos(&model, err.span.unwrap()).0,
            line,
            "{text}: {}",
            err.message
        );
        assert_eq!(model.files.len(), 2);
    }
}

#[test]
fn a_json_file_with_a_byte_order_mark() {
    let text_with_bom =
        "\u{feff}{\"resource\": {\"aws_s3_bucket\": {\"b\": {\"acl\": \"public-read\"}}}}";
    let (_dir, model) = load_files(&[("main.tf.json", text_with_bom)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let acl = bucket(&model, "aws_s3_bucket.b").acl.as_ref().unwrap();
    let canned = acl.canned.as_ref().unwrap();
    assert_eq!(text(&model, canned.span), "\"public-read\"");
    assert_eq!(pos(&model, canned.span), (1, 46));
}

#[test]
fn json_syntax_is_evaluated_like_hcl() {
    let main = r#"{
  "variable": {"names": {"type": "set(string)", "default": ["b", "a", "b"]}},
  "locals": {"prefix": "phi"},
  "resource": {
    "aws_s3_bucket": {"this": {"for_each": "${var.names}", "bucket": "${local.prefix}-${each.key}"}},
    "aws_s3_bucket_cors_configuration": {
      "this": {
        "for_each": "${aws_s3_bucket.this}",
        "bucket": "${each.value.id}",
        "dynamic": {"cors_rule": {"for_each": "${[\"*\", \"https://x\"]}", "content": {"allowed_origins": ["${cors_rule.value}"]}}}
      }
    },
    "aws_s3_bucket_policy": {"this": {"bucket": "${aws_s3_bucket.this[\"a\"].id}", "policy": "${data.aws_iam_policy_document.p.json}"}}
  },
  "data": {
    "aws_iam_policy_document": {
      "p": {"statement": [{"actions": ["s3:GetObject"], "principals": [{"type": "*", "identifiers": ["*"]}]}]}
    }
  },
  "module": {"m": {"source": "./m", "name": "${local.prefix}-module"}}
}"#;
    let module = r#"{
  "variable": {"name": {}},
  "resource": {"aws_s3_bucket": {"this": {"bucket": "${var.name}"}}}
}"#;
    let (_dir, model) = load_files(&[("main.tf.json", main), ("m/main.tf.json", module)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let names: Vec<_> = model
        .subjects
        .buckets
        .iter()
        .map(|b| {
            b.name
                .as_ref()
                .and_then(|n| n.as_str())
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    assert_eq!(names, ["phi-a", "phi-b", "phi-module"]);
    let a = bucket(&model, "aws_s3_bucket.this[\"a\"]");
    assert_eq!(a.cors.as_ref().unwrap().rules.len(), 2);
    let policy = a
        .policy
        .as_ref()
        .unwrap()
        .document
        .document()
        .unwrap()
        .clone();
    assert_eq!(
        policy.statements[0].principal.as_ref().unwrap().as_str(),
        Some("*")
    );
    assert!(bucket(&model, "module.m.aws_s3_bucket.this").acl.is_none());
}
