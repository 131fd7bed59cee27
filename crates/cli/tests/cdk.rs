//! `phiguard lint cdk.out` on a small cloud assembly written by hand in
//! the layout `cdk synth` writes (a manifest naming the stack's template
//! and metadata files): construct paths, the app line that created a
//! construct, and a suppression written on a construct, which covers that
//! construct's resources and no other's. scripts/test-cdk runs real CDK
//! apps; this runs without Node.js or Python.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use assert_cmd::Command;
use common::Scratch;
use serde_json::Value;

const MANIFEST: &str = r#"{
  "version": "36.0.0",
  "artifacts": {
    "PhiStack": {
      "type": "aws:cloudformation:stack",
      "environment": "aws://unknown-account/unknown-region",
      "properties": {"templateFile": "PhiStack.template.json"},
      "additionalMetadataFile": "PhiStack.metadata.json",
      "displayName": "PhiStack"
    }
  }
}
"#;

// PlainBucket sits between PublicBucket and its policy: a suppression on
// PublicBucket must not reach it.
const TEMPLATE: &str = r#"{
  "Resources": {
    "PublicBucketA1B2C3D4": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true}
      }
    },
    "PlainBucketE5F6A7B8": {
      "Type": "AWS::S3::Bucket"
    },
    "PublicBucketPolicy11223344": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "PublicBucketA1B2C3D4"},
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public/*"}]
        }
      }
    }
  }
}
"#;

const METADATA: &str = r#"{
  "/PhiStack/PublicBucket": [
    {"type": "phiguard", "data": {"ignore": [{"id": "s3-versioning-disabled", "reason": "public assets are rebuilt from source"}]}}
  ],
  "/PhiStack/PublicBucket/Resource": [
    {"type": "aws:cdk:logicalId", "data": "PublicBucketA1B2C3D4"},
    {"type": "aws:cdk:creationStack", "data": ["new Bucket (/app/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js:1:1)", "new PhiStack (APP:6:26)"]}
  ],
  "/PhiStack/PublicBucket/Policy/Resource": [
    {"type": "aws:cdk:logicalId", "data": "PublicBucketPolicy11223344"}
  ],
  "/PhiStack/PlainBucket/Resource": [
    {"type": "aws:cdk:logicalId", "data": "PlainBucketE5F6A7B8"},
    {"type": "aws:cdk:creationStack", "data": ["new PhiStack (APP:11:25)"]}
  ]
}
"#;

const APP: &str = "'use strict';
const cdk = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
class PhiStack extends cdk.Stack {
  constructor(scope, id) { super(scope, id);
    const publicBucket = new s3.Bucket(this, 'PublicBucket', {
      publicReadAccess: true,
    });
    // An unencrypted, unversioned bucket that nothing suppresses.

    const plain = new s3.Bucket(this, 'PlainBucket');
  }
}
";

#[test]
fn a_cloud_assembly_names_constructs_app_lines_and_scopes_construct_suppressions() {
    let scratch = Scratch::repository("cdk", &[("app.js", APP)]);
    let app = scratch.0.join("app.js");
    let app = app.to_str().unwrap();
    let out = scratch.0.join("cdk.out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("manifest.json"), MANIFEST).unwrap();
    std::fs::write(out.join("PhiStack.template.json"), TEMPLATE).unwrap();
    std::fs::write(
        out.join("PhiStack.metadata.json"),
        METADATA.replace("APP", app),
    )
    .unwrap();
    let output = Command::cargo_bin("phiguard")
        .unwrap()
        .current_dir(&scratch.0)
        .args(["lint", "cdk.out", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let findings = report["findings"].as_array().unwrap();
    let of = |path: &str, rule: &str| {
        findings
            .iter()
            .find(|f| f["resource"]["construct_path"] == path && f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} on {path}: {report}"))
    };
    // Construct paths, in the message too, and the app's line.
    let policy = of("PhiStack/PublicBucket/Policy/Resource", "s3-public-policy");
    assert!(policy["message"]
        .as_str()
        .unwrap()
        .contains("(construct PhiStack/PublicBucket/Policy/Resource)"));
    let plain = of("PhiStack/PlainBucket/Resource", "s3-versioning-disabled");
    let origin = &plain["origins"][0];
    assert_eq!(origin["role"], "construct");
    assert_eq!(origin["file"], "app.js");
    assert_eq!(origin["start"]["line"], 11);
    // The construct's suppression covers its bucket, not the bucket
    // between its resources in the template.
    let public = of("PhiStack/PublicBucket/Resource", "s3-versioning-disabled");
    assert!(public["suppressed"].is_object(), "{public}");
    assert!(plain["suppressed"].is_null(), "{plain}");
    // A generated template is never edited.
    assert!(findings.iter().all(|f| f["fix"].is_null()));
}
