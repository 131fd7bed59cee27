//! CloudFormation resources in the typed views: every bucket and domain
//! property, bucket policies linked by `Ref`, `Fn::GetAtt` and name,
//! policies written as maps and as JSON strings, access-log targets, SAM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bucket, domain, domain_summary, load_files, pos, summary, text};
use phiguard_model::{Model, PolicySource, S3Bucket, Value};

fn one(name: &str, template: &str) -> (common::Scratch, Model) {
    let (dir, model) = load_files(&[(name, template)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    (dir, model)
}

fn principal(b: &S3Bucket) -> Value {
    let policy = b.policy.as_ref().expect("a policy");
    let doc = policy.document.document().expect("a document");
    doc.statements[0].principal.clone().expect("a principal")
}

const BUCKET: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: phi-records
      AccessControl: Private
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: false
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn
            BucketKeyEnabled: true
      VersioningConfiguration:
        Status: Enabled
      LoggingConfiguration:
        DestinationBucketName: !Ref Logs
        LogFilePrefix: log/
      ReplicationConfiguration:
        Role: arn:aws:iam::123456789012:role/r
        Rules: []
      WebsiteConfiguration:
        IndexDocument: index.html
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [GET]
            AllowedOrigins: ["*"]
      Tags:
        - Key: phi
          Value: "true"
  Logs:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Records
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Records.Arn}/*"
"#;

#[test]
fn every_bucket_property_reaches_the_view() {
    let (_dir, model) = one("t.yaml", BUCKET);
    assert_eq!(
        model.subjects.buckets.len(),
        2,
        "a bucket policy is not a bucket"
    );
    let b = bucket(&model, "Records");
    assert_eq!(
        summary(b),
        [
            "name \"phi-records\"",
            "acl \"Private\"",
            "pab true true false -",
            "ownership \"BucketOwnerEnforced\"",
            "encryption \"aws:kms\" (unknown: Key.Arn is known only after deployment) true",
            "versioning \"Enabled\"",
            "logging (unknown: the value of resource Logs is known only after deployment) \"log/\"",
            "replication true website true",
            "cors [\"*\"]",
            "policy \"Allow\"/\"*\"/\"s3:GetObject\"",
            "tags {...}",
            "log sources 0",
        ]
    );
    assert_eq!(
        b.tags
            .as_ref()
            .and_then(|t| t.get("phi"))
            .and_then(Value::as_str),
        Some("true")
    );
    // Parts point from their key to the end of their value.
    let versioning = b.versioning.as_ref().unwrap().origin;
    assert_eq!(
        text(&model, versioning.span),
        "VersioningConfiguration:\n        Status: Enabled"
    );
    let acl = b.acl.as_ref().unwrap();
    assert_eq!(text(&model, acl.origin.span), "Private");
    // The policy is located in the bucket policy resource.
    let policy = b.policy.as_ref().unwrap();
    assert_eq!(model.resource(policy.origin.resource).address, "Policy");
    assert_eq!(pos(&model, principal(b).span), (49, 24));
    // The log target knows who writes to it.
    let logs = bucket(&model, "Logs");
    assert_eq!(logs.log_sources, [b.resource]);
}

#[test]
fn bucket_policies_link_by_ref_get_att_name_and_expression() {
    let template = r#"
Parameters:
  Env: {Type: String}
Resources:
  ByRef: {Type: AWS::S3::Bucket}
  ByAtt: {Type: AWS::S3::Bucket}
  ByName:
    Type: AWS::S3::Bucket
    Properties: {BucketName: named-bucket}
  ByExpr:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Env}-data"
  P1:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: !Ref ByRef, PolicyDocument: {Statement: [{Effect: Deny, Principal: "1"}]}}
  P2:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: !GetAtt ByAtt.Arn, PolicyDocument: {Statement: [{Effect: Deny, Principal: "2"}]}}
  P3:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: named-bucket, PolicyDocument: {Statement: [{Effect: Deny, Principal: "3"}]}}
  P4:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: !Sub "${Env}-data", PolicyDocument: {Statement: [{Effect: Deny, Principal: "4"}]}}
  BySub: {Type: AWS::S3::Bucket}
  P6:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: !Sub ["${N}", {N: !Ref BySub}], PolicyDocument: {Statement: [{Effect: Deny, Principal: "6"}]}}
  P5:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: elsewhere, PolicyDocument: {Statement: [{Effect: Deny, Principal: "5"}]}}
"#;
    let (_dir, model) = one("t.yaml", template);
    for (address, want) in [
        ("ByRef", "1"),
        ("ByAtt", "2"),
        ("ByName", "3"),
        ("ByExpr", "4"),
    ] {
        assert_eq!(
            principal(bucket(&model, address)).as_str(),
            Some(want),
            "{address}"
        );
    }
    // A policy for a bucket the template does not declare is an orphan,
    // judged on its own and named by the bucket it writes.
    let lonely = bucket(&model, "P5");
    assert_eq!(
        lonely.name.as_ref().and_then(Value::as_str),
        Some("elsewhere")
    );
    assert_eq!(principal(lonely).as_str(), Some("5"));
    assert_eq!(
        lonely.orphan.as_ref().and_then(Value::as_str),
        Some("elsewhere")
    );
    assert!(lonely.unlinked.is_none(), "an orphan has no unknown parts");
    assert!(bucket(&model, "ByRef").orphan.is_none());
    assert_eq!(model.subjects.buckets.len(), 6);
}

#[test]
fn policies_in_json_strings_point_into_the_template() {
    let template = r#"Resources:
  B:
    Type: AWS::S3::Bucket
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument: !Sub |
        {
          "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Resource": "arn:${AWS::Partition}:s3:::${B}/*"
          }]
        }
"#;
    let (_dir, model) = one("t.yaml", template);
    let b = bucket(&model, "B");
    let p = principal(b);
    assert_eq!(
        (text(&model, p.span), pos(&model, p.span)),
        ("\"*\"", (12, 26))
    );
    let doc = b.policy.as_ref().unwrap().document.document().unwrap();
    assert!(doc.statements[0].resource.as_ref().unwrap().is_unknown());
}

/// A policy an alias copies, as a map or as a JSON string, is at the
/// alias; each principal comes from its own place in the anchor.
#[test]
fn aliased_policies_are_at_the_alias_with_their_parts_in_the_anchor() {
    let template = r#"AWSTemplateFormatVersion: "2010-09-09"
Metadata:
  Map: &map
    Statement:
      - Effect: Allow
        Principal: "*"
  Json: &json '{"Statement": [{"Effect": "Allow", "Principal": "*"}]}'
Resources:
  A:
    Type: AWS::S3::Bucket
  B:
    Type: AWS::S3::Bucket
  PA:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref A
      PolicyDocument: *map
  PB:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument: *json
"#;
    let (_dir, model) = one("t.yaml", template);
    for (address, alias, written) in [("A", "*map", (6, 20)), ("B", "*json", (7, 64))] {
        let p = principal(bucket(&model, address));
        assert_eq!(text(&model, p.span), alias);
        let origin = &p.origins.as_deref().unwrap()[0];
        assert_eq!(origin.role, phiguard_model::OriginRole::YamlAnchor);
        let at = origin.span.unwrap();
        assert_eq!((text(&model, at), pos(&model, at)), ("\"*\"", written));
    }
}

#[test]
fn json_policy_strings_in_json_templates() {
    let template = r#"{
  "Resources": {
    "B": {"Type": "AWS::S3::Bucket"},
    "P": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "B"},
        "PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}"
      }
    }
  }
}"#;
    let (_dir, model) = one("t.json", template);
    let p = principal(bucket(&model, "B"));
    assert_eq!(text(&model, p.span), "\\\"*\\\"");
    let sub = template.replace(
        r#""PolicyDocument": "{"#,
        r#""PolicyDocument": {"Fn::Sub": "{\"Id\": \"${AWS::StackName}\", "#,
    );
    let sub = sub.replace("}]}\"\n", "}]}\"}\n");
    // Built by `Fn::Sub` with an unknown part: the rest is still known.
    let (_dir, model) = one("t.json", &sub);
    let b = bucket(&model, "B");
    let p = principal(b);
    assert_eq!(text(&model, p.span), "\\\"*\\\"");
    let PolicySource::Document(doc) = &b.policy.as_ref().unwrap().document else {
        panic!("not a document");
    };
    assert_eq!(doc.statements.len(), 1);
    // Outside a JSON string, an unknown part leaves the policy unknown.
    let outside = template.replace(
        r#""PolicyDocument": "{"#,
        r#""PolicyDocument": {"Fn::Sub": "{\"Version\": ${AWS::StackName}, "#,
    );
    let outside = outside.replace("}]}\"\n", "}]}\"}\n");
    let (_dir, model) = one("t.json", &outside);
    let policy = &bucket(&model, "B").policy.as_ref().unwrap().document;
    assert!(matches!(policy, PolicySource::Unknown(_)), "{policy:?}");
}

#[test]
fn settings_inside_an_undecidable_if_are_unknown_not_absent() {
    let template = r#"Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: !If [IsProd, {Status: Enabled}, !Ref AWS::NoValue]
      PublicAccessBlockConfiguration: !If [IsProd, {BlockPublicAcls: true}, {BlockPublicAcls: false}]
      BucketEncryption:
        ServerSideEncryptionConfiguration: !If
          - IsProd
          - [{ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}}]
          - []
  D:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions: !If [IsProd, {Enabled: true, KmsKeyId: k}, {Enabled: true}]
"#;
    let (_dir, model) = one("t.yaml", template);
    let b = bucket(&model, "B");
    // A block or nothing: whether versioning is configured at all is unknown.
    assert!(b.versioning.is_none());
    let (part, status) = b
        .maybe_set_elsewhere
        .iter()
        .find(|(part, _)| part == "versioning")
        .unwrap();
    assert_eq!(part, "versioning");
    assert!(status
        .unknown_reason()
        .unwrap()
        .starts_with("condition IsProd cannot be decided"));
    assert_eq!(
        text(&model, status.span),
        "!If [IsProd, {Status: Enabled}, !Ref AWS::NoValue]"
    );
    let pab = b.public_access_block.as_ref().unwrap();
    assert!(pab.block_public_acls.as_ref().unwrap().is_unknown());
    assert!(
        pab.restrict_public_buckets.is_none(),
        "absent in both branches"
    );
    let rules = &b.encryption.as_ref().unwrap().rules;
    assert!(rules[0].algorithm.as_ref().unwrap().is_unknown());
    // What both branches agree on is known.
    let at_rest = domain(&model, "D").encryption_at_rest.as_ref().unwrap();
    let enabled = at_rest.enabled.as_ref().unwrap();
    assert_eq!(
        (enabled.as_bool(), text(&model, enabled.span)),
        (Some(true), "true")
    );
    assert!(at_rest.kms_key_id.as_ref().unwrap().is_unknown());
}

#[test]
fn access_logs_link_by_name_within_their_template_only() {
    let sources = r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: {DestinationBucketName: central-logs}
  Local:
    Type: AWS::S3::Bucket
    Properties: {BucketName: central-logs}
"#;
    let other = "Resources:\n  Central:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: central-logs}\n";
    let (_dir, model) = load_files(&[("a.yaml", sources), ("b.yaml", other)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let data = bucket(&model, "Data");
    assert_eq!(bucket(&model, "Local").log_sources, [data.resource]);
    // Links never cross configurations (rules.md, "Linking and scope").
    assert!(bucket(&model, "Central").log_sources.is_empty());
}

const DOMAINS: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  MasterPassword: {Type: String, NoEcho: true}
Resources:
  Es:
    Type: AWS::Elasticsearch::Domain
    Properties:
      DomainName: es
      ElasticsearchVersion: "7.10"
      ElasticsearchClusterConfig:
        ZoneAwarenessEnabled: true
        InstanceCount: 3
        DedicatedMasterEnabled: false
      VPCOptions:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      EncryptionAtRestOptions: {Enabled: true, KmsKeyId: !Ref Key}
      NodeToNodeEncryptionOptions: {Enabled: true}
      DomainEndpointOptions:
        EnforceHTTPS: true
        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
      AdvancedSecurityOptions:
        Enabled: true
        AnonymousAuthEnabled: false
        InternalUserDatabaseEnabled: true
        MasterUserOptions:
          MasterUserName: admin
          MasterUserPassword: '{{resolve:secretsmanager:es-master:SecretString:password}}'
      LogPublishingOptions:
        AUDIT_LOGS:
          CloudWatchLogsLogGroupArn: !GetAtt Audit.Arn
        INDEX_SLOW_LOGS:
          Enabled: false
      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: es:*
      Tags:
        - {Key: phi, Value: yes}
  Os:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.11
      ClusterConfig: {ZoneAwarenessEnabled: false}
      AdvancedSecurityOptions:
        Enabled: true
        MasterUserOptions: {MasterUserName: admin, MasterUserPassword: !Ref MasterPassword}
      AccessPolicies: '{"Statement": [{"Effect": "Deny"}]}'
  Key: {Type: AWS::KMS::Key}
  Audit: {Type: AWS::Logs::LogGroup}
"#;

#[test]
fn every_domain_property_reaches_the_view() {
    let (_dir, model) = one("t.yaml", DOMAINS);
    assert_eq!(model.subjects.domains.len(), 2);
    let lines = domain_summary(domain(&model, "Es"));
    assert_eq!(
        lines,
        [
            "name \"es\"",
            "version \"7.10\"",
            "vpc [\"subnet-1\"]",
            "at rest true (unknown: the value of resource Key is known only after deployment)",
            "n2n true",
            "endpoint true \"Policy-Min-TLS-1-2-2019-07\"",
            "advanced true false true \"admin\" \"{{resolve:secretsmanager:es-master:SecretString:password}}\"",
            "log \"AUDIT_LOGS\" - (unknown: Audit.Arn is known only after deployment)",
            "log \"INDEX_SLOW_LOGS\" false -",
            "cluster true 3 false",
            "policy \"Allow\"/{...}/\"es:*\"",
            "tags {...}",
        ]
    );
    let es = domain(&model, "Es");
    let audit = &es.log_publishing[0];
    assert_eq!(
        text(&model, audit.log_type.as_ref().unwrap().span),
        "AUDIT_LOGS"
    );
    assert_eq!(
        es.tags
            .as_ref()
            .and_then(|t| t.get("phi"))
            .and_then(Value::as_bool),
        Some(true),
        "YAML 1.1: an unquoted yes is a boolean"
    );

    let os = domain_summary(domain(&model, "Os"));
    assert!(
        os.contains(&"version \"OpenSearch_2.11\"".to_string()),
        "{os:#?}"
    );
    assert!(os.contains(&"cluster false - -".to_string()), "{os:#?}");
    assert!(os.contains(&"policy \"Deny\"/-/-".to_string()), "{os:#?}");
    assert!(os.iter().any(|l| l.starts_with(
        "advanced true - - \"admin\" (unknown: parameter MasterPassword has no value"
    )));
}

#[test]
fn sam_templates_lint_their_plain_resources() {
    let template = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
"#;
    let (_dir, model) = one("template.yaml", template);
    assert_eq!(model.resources.len(), 2);
    assert_eq!(model.subjects.buckets.len(), 1);
    let uploads = bucket(&model, "Uploads");
    let acl = uploads.acl.as_ref().unwrap().canned.as_ref().unwrap();
    assert_eq!(
        (acl.as_str(), pos(&model, acl.span)),
        (Some("PublicRead"), (20, 22))
    );
}

#[test]
fn a_policy_for_an_unknown_bucket_is_an_orphan_and_changes_no_other_bucket() {
    let template = r#"Parameters:
  Target: {Type: String}
Resources:
  A: {Type: AWS::S3::Bucket}
  B: {Type: AWS::S3::Bucket}
  P:
    Type: AWS::S3::BucketPolicy
    Properties: {Bucket: !Ref Target, PolicyDocument: {Statement: []}}
"#;
    let (_dir, model) = one("t.yaml", template);
    for address in ["A", "B"] {
        let b = bucket(&model, address);
        assert!(b.policy.is_none());
        assert!(b.maybe_set_elsewhere.is_empty());
    }
    let orphan = bucket(&model, "P").orphan.as_ref().unwrap();
    assert!(orphan
        .unknown_reason()
        .unwrap()
        .contains("parameter Target"));
}
