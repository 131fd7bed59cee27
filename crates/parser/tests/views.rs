//! The typed views: buckets from inline settings and satellites, account
//! public access blocks, search domains and their policies.

mod common;

use common::{bucket, domain, domain_summary, in_dir, load_files, pos, summary, text};
use phiguard_model::{PolicySource, S3Bucket};

const V3: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "phi-records"
  acl    = "private"

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
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }

  replication_configuration {
    role = "arn:aws:iam::123456789012:role/r"
  }

  policy = <<-EOF
    {
      "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]
    }
  EOF

  tags = { phi = "true" }
}

resource "aws_s3_bucket" "logs" {
  bucket = "phi-logs"
}
"#;

const V4: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "phi-records"
  tags   = { phi = "true" }
}

resource "aws_s3_bucket_acl" "b" {
  bucket = aws_s3_bucket.b.id
  acl    = "private"
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "b" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "log/"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_website_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  index_document {
    suffix = "index.html"
  }
}

resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "aws_s3_bucket_replication_configuration" "b" {
  bucket = aws_s3_bucket.b.arn
  role   = "arn:aws:iam::123456789012:role/r"
}

resource "aws_s3_bucket_policy" "b" {
  bucket = "phi-records"
  policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\"}]}"
}

resource "aws_s3_bucket" "logs" {
  bucket = "phi-logs"
}
"#;

fn without_versioning(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .filter(|l| !l.starts_with("versioning"))
        .collect()
}

#[test]
fn inline_and_split_buckets_give_the_same_view() {
    let (_dir, model) = load_files(&[("v3/main.tf", V3), ("v4/main.tf", V4)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(
        model.subjects.buckets.len(),
        4,
        "satellites must not become buckets"
    );
    let v3 = in_dir(&model, "v3/", "aws_s3_bucket.b");
    let v4 = in_dir(&model, "v4/", "aws_s3_bucket.b");
    assert_eq!(
        without_versioning(summary(v3)),
        without_versioning(summary(v4))
    );
    assert!(summary(v3).contains(&"policy \"Allow\"/\"*\"/\"s3:GetObject\"".to_string()));
    let status = |b: &S3Bucket| b.versioning.as_ref().unwrap().status.clone().unwrap();
    assert_eq!(status(v3).as_bool(), Some(true));
    assert_eq!(status(v4).as_str(), Some("Enabled"));

    // Inline parts point at their block; satellite parts at the satellite.
    let inline_logging = v3.logging.as_ref().unwrap().origin;
    assert_eq!(inline_logging.resource, v3.resource);
    assert!(text(&model, inline_logging.span).starts_with("logging {"));
    let split_logging = v4.logging.as_ref().unwrap().origin;
    assert_eq!(
        text(&model, split_logging.span),
        r#"resource "aws_s3_bucket_logging" "b""#
    );
    assert_eq!(
        model.resource(split_logging.resource).address,
        "aws_s3_bucket_logging.b"
    );

    // Both policies' principals point into the file, escapes or indentation aside.
    let principal = |b: &S3Bucket| {
        let doc = b
            .policy
            .as_ref()
            .unwrap()
            .document
            .document()
            .unwrap()
            .clone();
        doc.statements[0].principal.clone().unwrap()
    };
    assert_eq!(text(&model, principal(v3).span), "\"*\"");
    assert_eq!(pos(&model, principal(v3).span), (40, 54));
    assert_eq!(text(&model, principal(v4).span), "\\\"*\\\"");
}

#[test]
fn log_targets_know_their_sources() {
    let (_dir, model) = load_files(&[("v3/main.tf", V3), ("v4/main.tf", V4)]);
    for dir in ["v3/", "v4/"] {
        let logs = in_dir(&model, dir, "aws_s3_bucket.logs");
        let source = in_dir(&model, dir, "aws_s3_bucket.b");
        assert_eq!(logs.log_sources, vec![source.resource]);
        assert!(source.log_sources.is_empty());
    }
}

#[test]
fn grants_inline_and_in_the_acl_resource() {
    let src = r#"
resource "aws_s3_bucket" "v3" {
  grant {
    type        = "Group"
    uri         = "http://acs.amazonaws.com/groups/global/AllUsers"
    permissions = ["READ"]
  }
}

resource "aws_s3_bucket" "v4" {}

resource "aws_s3_bucket_acl" "v4" {
  bucket = aws_s3_bucket.v4.id
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
    owner {
      id = "abc"
    }
  }
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let v3 = &bucket(&model, "aws_s3_bucket.v3")
        .acl
        .as_ref()
        .unwrap()
        .grants[0];
    let v4 = &bucket(&model, "aws_s3_bucket.v4")
        .acl
        .as_ref()
        .unwrap()
        .grants[0];
    for g in [v3, v4] {
        assert_eq!(g.grantee_type.as_ref().unwrap().as_str(), Some("Group"));
        assert!(g
            .uri
            .as_ref()
            .unwrap()
            .as_str()
            .unwrap()
            .ends_with("AllUsers"));
        assert!(text(&model, g.span).starts_with("grant {"));
    }
    assert_eq!(v4.permission.as_ref().unwrap().as_str(), Some("READ"));
    assert_eq!(
        v3.permission.as_ref().unwrap().as_list().unwrap()[0].as_str(),
        Some("READ")
    );
}

#[test]
fn satellites_that_cannot_be_linked_are_checked_on_their_own() {
    let src = r#"
variable "bucket" {}

resource "aws_s3_bucket_versioning" "external" {
  bucket = "someone-elses-bucket"
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_acl" "a" {
  bucket = var.bucket
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "a" {
  bucket            = var.bucket
  block_public_acls = false
}

resource "aws_s3_bucket" "named" {
  bucket = "named-bucket"
}

resource "aws_s3_bucket_ownership_controls" "named" {
  bucket = "named-bucket"
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    assert_eq!(model.subjects.buckets.len(), 3);
    let external = bucket(&model, "aws_s3_bucket_versioning.external");
    assert_eq!(
        external.name.as_ref().unwrap().as_str(),
        Some("someone-elses-bucket")
    );
    let status = external
        .versioning
        .as_ref()
        .unwrap()
        .status
        .as_ref()
        .unwrap();
    assert_eq!(text(&model, status.span), "\"Suspended\"");
    assert_eq!(
        text(&model, model.resource(external.resource).header),
        r#"resource "aws_s3_bucket_versioning" "external""#
    );

    // Two satellites naming the same unknown bucket are one bucket.
    let shared = bucket(&model, "aws_s3_bucket_acl.a");
    assert!(shared.acl.is_some() && shared.public_access_block.is_some());
    assert_eq!(
        shared.name.as_ref().unwrap().unknown_reason(),
        Some("var.bucket has no value")
    );

    // A literal name links like a reference.
    let named = bucket(&model, "aws_s3_bucket.named");
    let ownership = named.ownership.as_ref().unwrap();
    assert_eq!(
        ownership.object_ownership.as_ref().unwrap().as_str(),
        Some("BucketOwnerEnforced")
    );
}

#[test]
fn the_account_public_access_block_applies_to_every_bucket_of_the_module() {
    let src = r#"
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = false
}

resource "aws_s3_bucket" "a" {}
resource "aws_s3_bucket" "b" {}
resource "aws_s3_bucket_policy" "unlinked" {
  bucket = "elsewhere"
  policy = "{}"
}
"#;
    let other = "resource \"aws_s3_bucket\" \"c\" {}\n";
    let (_dir, model) = load_files(&[("main.tf", src), ("other/main.tf", other)]);
    for address in [
        "aws_s3_bucket.a",
        "aws_s3_bucket.b",
        "aws_s3_bucket_policy.unlinked",
    ] {
        let b = bucket(&model, address);
        let account = b.account_public_access_block.as_ref().unwrap();
        assert_eq!(
            model.resource(account.origin.resource).address,
            "aws_s3_account_public_access_block.account"
        );
        let restrict = account.restrict_public_buckets.as_ref().unwrap();
        assert_eq!(text(&model, restrict.span), "false");
        assert!(b.public_access_block.is_none());
    }
    let c = bucket(&model, "aws_s3_bucket.c");
    assert!(c.account_public_access_block.is_none());
}

#[test]
fn dynamic_blocks_count_as_present() {
    let src = r#"
variable "sse" {}
resource "aws_s3_bucket" "b" {
  dynamic "server_side_encryption_configuration" {
    for_each = var.sse
    content {
      rule {
        apply_server_side_encryption_by_default {
          sse_algorithm = server_side_encryption_configuration.value.algorithm
        }
      }
    }
  }
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let encryption = bucket(&model, "aws_s3_bucket.b")
        .encryption
        .as_ref()
        .unwrap();
    assert!(text(&model, encryption.origin.span)
        .starts_with("dynamic \"server_side_encryption_configuration\""));
    assert!(encryption.rules[0].algorithm.as_ref().unwrap().is_unknown());
}

#[test]
fn null_arguments_are_absent() {
    let src = "resource \"aws_s3_bucket\" \"b\" {\n  acl    = null\n  policy = null\n}\n";
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let b = bucket(&model, "aws_s3_bucket.b");
    assert!(b.acl.is_none() && b.policy.is_none());
}

#[test]
fn policies_invalid_or_unknown() {
    let src = r#"
resource "aws_s3_bucket" "bad" {
  policy = "{\"Statement\": [}"
}
resource "aws_s3_bucket" "encoded" {
  policy = jsonencode({ Statement = [] })
}
resource "aws_s3_bucket" "number" {
  policy = 3
}
"#;
    let (_dir, model) = load_files(&[("main.tf", src)]);
    let policy = |a: &str| bucket(&model, a).policy.as_ref().unwrap().document.clone();
    let PolicySource::Invalid { message, span } = policy("aws_s3_bucket.bad") else {
        panic!("not invalid");
    };
    assert!(
        message.starts_with("the policy is not valid JSON"),
        "{message}"
    );
    assert_eq!(text(&model, span), "}");
    // jsonencode is evaluated: the document is known, with spans.
    let PolicySource::Document(encoded) = policy("aws_s3_bucket.encoded") else {
        panic!("jsonencode was not evaluated");
    };
    assert!(encoded.statements.is_empty());
    assert_eq!(text(&model, encoded.span), "jsonencode({ Statement = [] })");
    assert!(matches!(
        policy("aws_s3_bucket.number"),
        PolicySource::Invalid { .. }
    ));
}

pub const DOMAINS: &str = r#"
resource "aws_elasticsearch_domain" "es" {
  domain_name           = "phi-search"
  elasticsearch_version = "7.10"

  cluster_config {
    instance_count           = 3
    zone_awareness_enabled   = true
    dedicated_master_enabled = false
  }
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.k.arn
  }
  node_to_node_encryption {
    enabled = true
  }
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
  advanced_security_options {
    enabled                        = true
    anonymous_auth_enabled         = false
    internal_user_database_enabled = true
    master_user_options {
      master_user_name     = "admin"
      master_user_password = "hunter2"
    }
  }
  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.audit.arn
  }
  log_publishing_options {
    log_type = "INDEX_SLOW_LOGS"
    enabled  = false
  }
  tags = { phi = "true" }
}

resource "aws_elasticsearch_domain_policy" "es" {
  domain_name     = aws_elasticsearch_domain.es.domain_name
  access_policies = <<POLICY
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*"}]}
POLICY
}

resource "aws_opensearch_domain" "os" {
  domain_name     = "notes"
  engine_version  = "OpenSearch_2.11"
  access_policies = "{\"Statement\": []}"
}

resource "aws_opensearch_domain_policy" "by_name" {
  domain_name     = "notes"
  access_policies = "{\"Statement\": [{\"Effect\": \"Deny\"}]}"
}

resource "aws_opensearch_domain_policy" "lonely" {
  domain_name     = "not-here"
  access_policies = "{}"
}
"#;

#[test]
fn domains_and_their_policies() {
    let (_dir, model) = load_files(&[("main.tf", DOMAINS)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert_eq!(model.subjects.domains.len(), 3);
    let es = domain(&model, "aws_elasticsearch_domain.es");
    let lines = domain_summary(es);
    for expected in [
        "version \"7.10\"",
        "vpc [\"subnet-1\"]",
        "cluster true 3 false",
        "at rest true (unknown: `aws_kms_key.k.arn` is not known offline)",
        "n2n true",
        "endpoint true \"Policy-Min-TLS-1-2-2019-07\"",
        "advanced true false true \"admin\" \"hunter2\"",
        "log \"AUDIT_LOGS\" - (unknown: `aws_cloudwatch_log_group.audit.arn` is not known offline)",
        "log \"INDEX_SLOW_LOGS\" false -",
        "policy \"Allow\"/{...}/\"es:*\"",
        "tags {...}",
    ] {
        assert!(
            lines.contains(&expected.to_string()),
            "{expected} not in {lines:#?}"
        );
    }
    let policy = es.access_policy.as_ref().unwrap();
    assert_eq!(
        model.resource(policy.origin.resource).address,
        "aws_elasticsearch_domain_policy.es"
    );
    let document = policy.document.document().unwrap();
    let principal = document.statements[0].principal.clone().unwrap();
    assert_eq!(text(&model, principal.span), "{\"AWS\": \"*\"}");

    // The inline policy and the satellite's both count: AWS applies them in
    // an order nobody controls (rules.md, "Every satellite counts").
    let os = domain(&model, "aws_opensearch_domain.os");
    let inline = os.access_policy.as_ref().unwrap();
    assert_eq!(
        model.resource(inline.origin.resource).address,
        "aws_opensearch_domain.os"
    );
    let [phiguard_model::DomainPart::AccessPolicy(satellite)] = os.further_sources.as_slice()
    else {
        panic!("{:?}", os.further_sources)
    };
    assert_eq!(
        model.resource(satellite.origin.resource).address,
        "aws_opensearch_domain_policy.by_name"
    );
    let effect = satellite.document.document().unwrap().statements[0]
        .effect
        .clone();
    assert_eq!(effect.unwrap().as_str(), Some("Deny"));
    let lonely = domain(&model, "aws_opensearch_domain_policy.lonely");
    assert_eq!(lonely.name.as_ref().unwrap().as_str(), Some("not-here"));
    assert!(lonely.access_policy.is_some());
}
