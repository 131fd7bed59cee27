//! A hand-built report: three findings of different severities and one
//! suppressed, an undecided check, a parse error with a span, a read error
//! without one, a skipped file, and the metadata of the rules that ran; and
//! a report whose texts and paths need escaping in every format; and a
//! report whose values come from elsewhere (origins).

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::path::Path;

use phiguard_model::{
    pascal_case, stable_hash, FileId, Finding, LintError, OriginRole, Report, ResourceKind,
    ResourceRef, RuleMeta, RuleRemediation, Severity, Skipped, SourceFile, Span, Suppression,
    Undecided, ValueOrigin,
};
use phiguard_reporter::{DocsLinks, RenderOptions};

/// Where the tests' rule pages are.
pub const DOCS: &str = "https://docs.example.invalid/rules/{id}.md";

pub const S3_TF: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "logs" {
  # phiguard:ignore s3-access-logging-disabled -- this is the log bucket
  acl = var.logs_acl
}
"#;

pub const BROKEN_TF: &str = "resource \"aws_s3_bucket\" \"x\" {\n  acl = \n}\n";

pub fn options(show_undecided: bool) -> RenderOptions {
    RenderOptions {
        color: false,
        ascii: false,
        show_undecided,
        show_skipped: true,
        show_notices: true,
        statistics: false,
        docs: DocsLinks::new(DOCS.to_string(), None),
        quiet: false,
        fail_on: Some(Severity::Low),
        tool_version: "0.1.0",
    }
}

pub fn file(id: u32, path: &str, text: &str) -> SourceFile {
    SourceFile::new(FileId(id), Path::new(path), path.to_string(), text.into())
}

/// The span of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn span_of(file: FileId, text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{needle:?} not in the fixture"));
    Span::new(file, start..start + needle.len())
}

pub fn bucket(address: &str, resource_type: &str) -> ResourceRef {
    ResourceRef {
        construct_path: None,
        address: address.into(),
        resource_type: resource_type.into(),
        kind: ResourceKind::S3Bucket,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn finding(
    rule: &str,
    severity: Severity,
    message: &str,
    span: Span,
    resource: ResourceRef,
    path: &str,
    hipaa: &[&str],
    fix: Option<&str>,
) -> Box<Finding> {
    let fingerprint = stable_hash(&[rule, "infra/s3.tf", &resource.address, path]);
    Box::new(Finding {
        rule: rule.into(),
        check: 0,
        severity,
        message: message.into(),
        // Any text will do here; the policies give real labels.
        label: path.into(),
        span,
        resource,
        path: path.into(),
        hipaa: hipaa.iter().map(|s| s.to_string()).collect(),
        help: fix.map(Into::into),
        fix: None,
        fingerprint,
        suppressed: None,
        notes: Vec::new(),
        origins: Vec::new(),
    })
}

pub fn rule(id: &str, title: &str, severity: Severity, hipaa: &[&str]) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        name: pascal_case(id),
        title: title.to_string(),
        description: format!(
            "What `{id}` finds.\n\nWhy it matters when the bucket holds protected health information."
        ),
        severity,
        hipaa: hipaa.iter().map(|s| s.to_string()).collect(),
        remediation: RuleRemediation {
            terraform: format!("resource \"aws_s3_bucket\" \"fixed\" {{\n  # {id}\n}}"),
            cloudformation: format!("Fixed:\n  Type: AWS::S3::Bucket  # {id}"),
        },
        references: vec![format!("https://docs.example.invalid/{id}")],
    }
}

/// The rules of [`report`], as `phiguard lint` fills them: sorted by id,
/// and one (`s3-replication-disabled`) that ran without a finding.
pub fn rules() -> Vec<RuleMeta> {
    vec![
        rule(
            "s3-access-logging-disabled",
            "S3 bucket does not log access requests",
            Severity::Low,
            &["164.312(b)"],
        ),
        rule(
            "s3-encryption-missing",
            "S3 bucket has no default encryption",
            Severity::High,
            &["164.312(a)(2)(iv)"],
        ),
        rule(
            "s3-public-acl",
            "S3 bucket ACL grants access to everyone",
            Severity::Critical,
            &["164.312(a)(1)", "164.312(e)(1)"],
        ),
        rule(
            "s3-replication-disabled",
            "S3 bucket is not replicated",
            Severity::Low,
            &["164.308(a)(7)(ii)(B)"],
        ),
        rule(
            "s3-versioning-disabled",
            "S3 bucket versioning is not enabled",
            Severity::Medium,
            &["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
        ),
    ]
}

pub fn report() -> Report {
    let s3 = FileId(0);
    let broken = FileId(1);
    let records = bucket("aws_s3_bucket.records", "aws_s3_bucket");
    let logs = bucket("aws_s3_bucket.logs", "aws_s3_bucket");
    let mut suppressed = finding(
        "s3-access-logging-disabled",
        Severity::Low,
        "bucket does not log access requests",
        span_of(s3, S3_TF, "resource \"aws_s3_bucket\" \"logs\"", 0),
        logs.clone(),
        "logging",
        &["164.312(b)"],
        None,
    );
    suppressed.suppressed = Some(Suppression {
        reason: "this is the log bucket".to_string(),
    });
    let mut public_acl = finding(
        "s3-public-acl",
        Severity::Critical,
        "bucket ACL \"public-read\" lets anyone on the internet list and read every object",
        span_of(s3, S3_TF, "\"public-read\"", 0),
        records.clone(),
        "acl",
        &["164.312(a)(1)", "164.312(e)(1)"],
        Some("acl = \"private\""),
    );
    public_acl.notes = vec!["through `module \"records\"` at infra/main.tf:3:1".to_string()];
    // One safe fix (a replaced literal) and one unsafe (an insertion),
    // so that every format shows both kinds.
    public_acl.fix = Some(Box::new(phiguard_model::Fix {
        applicability: phiguard_model::Applicability::Safe,
        description: "change \"public-read\" to \"private\"".to_string(),
        edits: vec![phiguard_model::Edit {
            span: span_of(s3, S3_TF, "\"public-read\"", 0),
            replacement: "\"private\"".to_string(),
        }],
    }));
    let mut report = Report {
        rules: rules(),
        files: vec![
            file(0, "infra/s3.tf", S3_TF),
            file(1, "infra/broken.tf", BROKEN_TF),
        ],
        resources: 3,
        findings: vec![
            suppressed,
            finding(
                "s3-versioning-disabled",
                Severity::Medium,
                "versioning is \"Suspended\": overwritten or deleted objects cannot be recovered",
                span_of(s3, S3_TF, "\"Suspended\"", 0),
                bucket(
                    "aws_s3_bucket_versioning.records",
                    "aws_s3_bucket_versioning",
                ),
                "versioning_configuration.status",
                &["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
                Some("versioning_configuration {\n  status = \"Enabled\"\n}"),
            ),
            public_acl,
            finding(
                "s3-encryption-missing",
                Severity::High,
                "bucket has no default encryption configuration",
                span_of(s3, S3_TF, "resource \"aws_s3_bucket\" \"records\"", 0),
                records,
                "server_side_encryption_configuration",
                &["164.312(a)(2)(iv)"],
                None,
            ),
        ],
        undecided: vec![Undecided {
            rule: "s3-public-acl".into(),
            span: span_of(s3, S3_TF, "var.logs_acl", 0),
            resource: logs,
            reason: "var.logs_acl has no value".to_string(),
        }],
        errors: vec![
            LintError {
                path: "infra/secret.tf".to_string(),
                span: None,
                message: "cannot read the file: permission denied (os error 13)".to_string(),
            },
            LintError {
                path: "infra/broken.tf".to_string(),
                span: Some(span_of(broken, BROKEN_TF, "}", 0)),
                message: "expected an expression after `=`".to_string(),
            },
        ],
        skipped: vec![Skipped {
            path: "k8s/deploy.yaml".to_string(),
            reason: "not Terraform or CloudFormation".to_string(),
        }],
        unavailable_modules: vec![phiguard_model::UnavailableModule {
            address: "module.vpc".to_string(),
            source: "terraform-aws-modules/vpc/aws".to_string(),
            span: span_of(s3, S3_TF, "resource", 0),
            reason:
                "not available offline: run `terraform init` so that .terraform/modules holds it"
                    .to_string(),
        }],
        new: None,
        baseline: None,
        listed: Default::default(),
    };
    let encryption = report
        .findings
        .iter_mut()
        .find(|f| &*f.rule == "s3-encryption-missing");
    if let Some(f) = encryption {
        let end = S3_TF.find("\n}").map_or(0, |i| i as u32 + 2);
        f.fix = Some(Box::new(phiguard_model::Fix {
            applicability: phiguard_model::Applicability::Unsafe,
            description: "add `aws_s3_bucket_server_side_encryption_configuration`; unsafe: it adds settings, review them".to_string(),
            edits: vec![phiguard_model::Edit {
                span: Span::new(s3, end as usize..end as usize),
                replacement: "\nresource \"aws_s3_bucket_server_side_encryption_configuration\" \"records\" {\n  bucket = aws_s3_bucket.records.id\n}\n".to_string(),
            }],
        }));
    }
    report.sort();
    report
}

pub fn empty_report() -> Report {
    Report {
        rules: vec![rules().remove(2)],
        files: vec![file(
            0,
            "infra/s3.tf",
            "resource \"aws_s3_bucket\" \"b\" {}\n",
        )],
        resources: 1,
        ..Report::default()
    }
}

pub const ODD_PATH: &str = "infra/odd, name%.tf";

pub const ODD_TF: &str = "resource \"aws_s3_bucket\" \"odd\" {\n  acl = \"public-read\"\n}\n";

/// Texts and a path with the characters each format must escape: `%`, `:`,
/// `,`, line breaks, `<`, `&`, quotes; a finding of a rule without metadata.
pub fn tricky_report() -> Report {
    let odd = FileId(0);
    let resource = bucket("aws_s3_bucket.odd", "aws_s3_bucket");
    let mut suppressed = finding(
        "s3-versioning-disabled",
        Severity::Medium,
        "versioning: off",
        span_of(odd, ODD_TF, "resource \"aws_s3_bucket\" \"odd\"", 0),
        resource.clone(),
        "versioning",
        &[],
        None,
    );
    suppressed.suppressed = Some(Suppression {
        reason: "ticket <OPS-12> & \"later\", 100%: see\nthe wiki".to_string(),
    });
    let mut report = Report {
        rules: vec![rule(
            "s3-public-acl",
            "ACL: <public> & open, 100%",
            Severity::Critical,
            &["164.312(a)(1)"],
        )],
        files: vec![file(0, ODD_PATH, ODD_TF)],
        resources: 1,
        findings: vec![
            finding(
                "s3-public-acl",
                Severity::Critical,
                "100% public: a, b & <c>\nsecond line \"quoted\"",
                span_of(odd, ODD_TF, "\"public-read\"", 0),
                resource.clone(),
                "acl",
                &["164.312(a)(1)"],
                Some("acl = \"private\" # <b>&</b>"),
            ),
            finding(
                "custom-rule",
                Severity::Low,
                "a rule from a policy directory, without metadata",
                span_of(odd, ODD_TF, "acl", 0),
                resource,
                "acl",
                &["164.312(b)"],
                None,
            ),
            suppressed,
        ],
        errors: vec![LintError {
            path: "infra/bad:name,1%.tf".to_string(),
            span: None,
            message: "cannot read the file:\n<permission> & \"denied\", 50%".to_string(),
        }],
        skipped: vec![Skipped {
            path: "k8s/a&b <c>.yaml".to_string(),
            reason: "not Terraform or CloudFormation".to_string(),
        }],
        ..Report::default()
    };
    report.sort();
    report
}

pub const MODULE_PATH: &str = "infra/modules/bucket/main.tf";

pub const MODULE_TF: &str = r#"variable "acl" {}
variable "versioning" {}

resource "aws_s3_bucket" "this" {
  bucket = "patient-records"
  acl    = var.acl
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning
  }
}
"#;

pub const ROOT_PATH: &str = "infra/main.tf";

pub const ROOT_TF: &str = r#"module "records" {
  source     = "./modules/bucket"
  acl        = var.bucket_acl
  versioning = var.versioning_status
}
"#;

pub const TFVARS_PATH: &str = "infra/terraform.tfvars";

pub const TFVARS: &str = "versioning_status = \"Suspended\"\n";

pub fn origin(role: OriginRole, span: Option<Span>, name: &str) -> ValueOrigin {
    ValueOrigin {
        role,
        span,
        name: name.to_string(),
    }
}

/// Findings in a module whose values the root decides: the ACL comes from
/// `--var bucket_acl` through the module call's argument (two origins, one
/// in another file, one outside any file), the versioning status from
/// `terraform.tfvars` through the call (both in other files); the missing
/// encryption has no origin.
pub fn origins_report() -> Report {
    let module = FileId(0);
    let root = FileId(1);
    let tfvars = FileId(2);
    let bucket_ref = bucket("module.records.aws_s3_bucket.this", "aws_s3_bucket");
    let mut acl = finding(
        "s3-public-acl",
        Severity::Critical,
        "bucket ACL \"public-read\" lets anyone on the internet list and read every object",
        span_of(module, MODULE_TF, "var.acl", 0),
        bucket_ref.clone(),
        "acl",
        &["164.312(a)(1)", "164.312(e)(1)"],
        Some("acl = \"private\""),
    );
    acl.origins = vec![
        origin(OriginRole::VarFlag, None, "--var bucket_acl"),
        origin(
            OriginRole::ModuleArgument,
            Some(span_of(root, ROOT_TF, "var.bucket_acl", 0)),
            "acl",
        ),
    ];
    let mut versioning = finding(
        "s3-versioning-disabled",
        Severity::Medium,
        "versioning is \"Suspended\": overwritten or deleted objects cannot be recovered",
        span_of(module, MODULE_TF, "var.versioning", 0),
        bucket(
            "module.records.aws_s3_bucket_versioning.this",
            "aws_s3_bucket_versioning",
        ),
        "versioning_configuration.status",
        &["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
        None,
    );
    versioning.origins = vec![
        origin(
            OriginRole::Tfvars,
            Some(span_of(tfvars, TFVARS, "\"Suspended\"", 0)),
            "versioning_status",
        ),
        origin(
            OriginRole::ModuleArgument,
            Some(span_of(root, ROOT_TF, "var.versioning_status", 0)),
            "versioning",
        ),
    ];
    let mut report = Report {
        rules: rules(),
        files: vec![
            file(0, MODULE_PATH, MODULE_TF),
            file(1, ROOT_PATH, ROOT_TF),
            file(2, TFVARS_PATH, TFVARS),
        ],
        resources: 2,
        findings: vec![
            versioning,
            acl,
            finding(
                "s3-encryption-missing",
                Severity::High,
                "bucket has no default encryption configuration",
                span_of(module, MODULE_TF, "resource \"aws_s3_bucket\" \"this\"", 0),
                bucket_ref,
                "server_side_encryption_configuration",
                &["164.312(a)(2)(iv)"],
                None,
            ),
        ],
        ..Report::default()
    };
    report.sort();
    report
}

/// A file whose name holds a line break and a terminal escape, with an
/// escape and a bell in its text (and in the finding's message), and a
/// file whose lines end with a CR alone (old Mac).
pub const CONTROL_PATH: &str = "in\nfra/\u{1b}[31mred.tf";
pub const CONTROL_TF: &str =
    "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"\u{1b}[31mred\u{7}\"\n  acl    = \"public-read\"\n}\n";
pub const CR_PATH: &str = "mac.tf";
pub const CR_TF: &str =
    "resource \"aws_s3_bucket\" \"m\" {\r  bucket = \"m\"\r  acl    = \"public-read\"\r}\r";

pub fn control_report() -> Report {
    let odd = FileId(0);
    let mac = FileId(1);
    let mut report = Report {
        rules: rules(),
        files: vec![file(0, CONTROL_PATH, CONTROL_TF), file(1, CR_PATH, CR_TF)],
        resources: 2,
        findings: vec![
            finding(
                "s3-public-acl",
                Severity::Critical,
                "bucket \"\u{1b}[31mred\u{7}\" has ACL \"public-read\"",
                span_of(odd, CONTROL_TF, "\"\u{1b}[31mred\u{7}\"", 0),
                bucket("aws_s3_bucket.b", "aws_s3_bucket"),
                "bucket",
                &["164.312(a)(1)"],
                Some("acl = \"private\""),
            ),
            finding(
                "s3-public-acl",
                Severity::Critical,
                "bucket \"m\" has ACL \"public-read\"",
                span_of(mac, CR_TF, "\"public-read\"", 0),
                bucket("aws_s3_bucket.m", "aws_s3_bucket"),
                "acl",
                &["164.312(a)(1)"],
                None,
            ),
        ],
        errors: vec![LintError {
            path: "bad\r\n\u{9b}2J.tf".to_string(),
            span: None,
            message: "cannot read\u{1b}]0;title\u{7}".to_string(),
        }],
        ..Report::default()
    };
    report.sort();
    report
}

/// Three module calls whose code is not available offline (one of them
/// without a literal source), and one finding.
pub fn notices_report() -> Report {
    let root = FileId(0);
    let module = |address: &str, source: &str, nth: usize| phiguard_model::UnavailableModule {
        address: address.to_string(),
        source: source.to_string(),
        span: span_of(root, NOTICES_TF, "module \"", nth),
        reason: if source.is_empty() {
            "its source is not a literal".to_string()
        } else {
            "not available offline: run `terraform init` so that .terraform/modules holds it"
                .to_string()
        },
    };
    let mut report = Report {
        rules: rules(),
        files: vec![file(0, "infra/main.tf", NOTICES_TF)],
        resources: 1,
        findings: vec![finding(
            "s3-public-acl",
            Severity::Critical,
            "bucket ACL \"public-read\" lets anyone on the internet list and read every object",
            span_of(root, NOTICES_TF, "\"public-read\"", 0),
            bucket("aws_s3_bucket.records", "aws_s3_bucket"),
            "acl",
            &["164.312(a)(1)"],
            Some("acl = \"private\""),
        )],
        unavailable_modules: vec![
            module("module.vpc", "terraform-aws-modules/vpc/aws", 0),
            module("module.logs", "git::https://example.invalid/logs.git", 1),
            module("module.dynamic", "", 2),
        ],
        ..Report::default()
    };
    report.sort();
    report
}

pub const NOTICES_TF: &str = r#"module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

module "logs" {
  source = "git::https://example.invalid/logs.git"
}

module "dynamic" {
  source = local.module_source
}

resource "aws_s3_bucket" "records" {
  acl = "public-read"
}
"#;
