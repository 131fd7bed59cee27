//! The Terraform evaluation fixtures (`fixtures/terraform-evaluation/`):
//! findings with their file, line and column, undecided checks, and the
//! linked bucket and domain views they come from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use phiguard_model::{Model, PolicySource, S3Bucket, Span};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Outcome, Registry};

/// The rules these fixtures are about; other rules fire on them too.
const RULES: [&str; 6] = [
    "s3-public-acl",
    "s3-versioning-disabled",
    "s3-public-policy",
    "s3-public-access-block",
    "es-encryption-at-rest-disabled",
    "es-not-in-vpc",
];

fn case_dir(case: &str) -> PathBuf {
    common::fixtures().join(common::EVALUATION).join(case)
}

struct Lint {
    model: Model,
    outcome: Outcome,
}

fn lint_with(case: &str, vars: &[(&str, &str)]) -> Lint {
    let dir = case_dir(case);
    let model = phiguard_parser::load(&LoadOptions {
        paths: vec![".".into()],
        base_dir: dir,
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..LoadOptions::default()
    });
    assert!(model.errors.is_empty(), "{case}: {:?}", model.errors);
    let registry = Registry::builtin().unwrap();
    let rules: Vec<_> = RULES.iter().map(|id| registry.get(id).unwrap()).collect();
    let outcome = phiguard_policy::check(&model, &rules);
    Lint { model, outcome }
}

fn lint(case: &str) -> Lint {
    lint_with(case, &[])
}

impl Lint {
    fn at(&self, span: Span) -> String {
        common::position(&self.model, span)
    }

    /// `FILE:LINE:COLUMN RULE SEVERITY ADDRESS`, sorted.
    fn findings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .outcome
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    self.at(f.span),
                    f.rule,
                    f.severity,
                    f.resource.address
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// `FILE:LINE:COLUMN RULE ADDRESS`, sorted.
    fn undecided(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .outcome
            .undecided
            .iter()
            .map(|u| format!("{} {} {}", self.at(u.span), u.rule, u.resource.address))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn bucket(&self, address: &str) -> &S3Bucket {
        self.model
            .subjects
            .buckets
            .iter()
            .find(|b| self.model.resource(b.resource).address == address)
            .unwrap_or_else(|| panic!("no bucket {address}"))
    }

    fn text(&self, span: Span) -> &str {
        self.model.file(span.file).slice(span).unwrap()
    }

    /// The address of the resource a part of a view was written in.
    fn holder(&self, origin: phiguard_model::Origin) -> &str {
        &self.model.resource(origin.resource).address
    }
}

#[test]
fn split_bucket_that_passes_has_every_satellite_linked() {
    let l = lint("split-bucket-pass");
    assert_eq!(l.findings(), Vec::<String>::new());
    assert_eq!(l.undecided(), Vec::<String>::new());
    assert_eq!(
        l.model.subjects.buckets.len(),
        2,
        "satellites are not buckets"
    );

    let b = l.bucket("aws_s3_bucket.records");
    let encryption = b.encryption.as_ref().unwrap();
    assert_eq!(
        l.holder(encryption.origin),
        "aws_s3_bucket_server_side_encryption_configuration.records"
    );
    let algorithm = encryption.rules[0].algorithm.as_ref().unwrap();
    assert_eq!(
        (l.at(algorithm.span), l.text(algorithm.span)),
        ("main.tf:15:27".into(), "\"aws:kms\"")
    );
    let status = b.versioning.as_ref().unwrap().status.as_ref().unwrap();
    assert_eq!(l.at(status.span), "main.tf:24:14");
    let logging = b.logging.as_ref().unwrap();
    assert_eq!(l.holder(logging.origin), "aws_s3_bucket_logging.records");
    let logs = l.bucket("aws_s3_bucket.logs");
    assert_eq!(logs.log_sources, vec![b.resource]);
    for bucket in [b, logs] {
        let account = bucket.account_public_access_block.as_ref().unwrap();
        assert_eq!(
            l.holder(account.origin),
            "aws_s3_account_public_access_block.account"
        );
    }
    let acl = b.acl.as_ref().unwrap();
    assert_eq!(l.holder(acl.origin), "aws_s3_bucket_acl.records");
    assert_eq!(acl.canned.as_ref().unwrap().as_str(), Some("private"));
    let pab = b.public_access_block.as_ref().unwrap();
    assert_eq!(
        l.holder(pab.origin),
        "aws_s3_bucket_public_access_block.records"
    );
    let restrict = pab.restrict_public_buckets.as_ref().unwrap();
    assert_eq!(l.at(restrict.span), "main.tf:44:29");

    let policy = b.policy.as_ref().unwrap();
    assert_eq!(l.holder(policy.origin), "aws_s3_bucket_policy.records");
    let PolicySource::Document(doc) = &policy.document else {
        panic!(
            "the jsonencode policy was not evaluated: {:?}",
            policy.document
        );
    };
    let statement = &doc.statements[0];
    assert_eq!(
        l.at(statement.effect.as_ref().unwrap().span),
        "main.tf:53:19"
    );
    let resources = statement.resource.as_ref().unwrap().as_list().unwrap();
    assert_eq!(resources[0].as_str(), Some("arn:aws:s3:::phi-records"));
    assert_eq!(resources[1].as_str(), Some("arn:aws:s3:::phi-records/*"));
    assert_eq!(statement.conditions[0].key.value, "aws:SecureTransport");
}

#[test]
fn split_bucket_that_fails_is_reported_in_its_satellites() {
    let l = lint("split-bucket-fail");
    assert_eq!(
        l.findings(),
        [
            "main.tf:20:14 s3-versioning-disabled medium aws_s3_bucket_versioning.exports",
            "main.tf:26:12 s3-public-acl critical aws_s3_bucket_acl.exports",
            "main.tf:31:29 s3-public-access-block high aws_s3_bucket_public_access_block.exports",
            "main.tf:32:29 s3-public-access-block high aws_s3_bucket_public_access_block.exports",
            "main.tf:33:29 s3-public-access-block high aws_s3_bucket_public_access_block.exports",
            "main.tf:34:29 s3-public-access-block high aws_s3_bucket_public_access_block.exports",
            "main.tf:44:19 s3-public-policy critical aws_s3_bucket_policy.exports",
        ]
    );
    assert_eq!(l.undecided(), Vec::<String>::new());
}

#[test]
fn for_each_instances_link_to_their_own_bucket() {
    let l = lint("for-each");
    assert_eq!(
        l.findings(),
        [
            "main.tf:23:14 s3-versioning-disabled medium aws_s3_bucket_versioning.this[\"exports\"]",
            "main.tf:30:14 s3-public-acl critical aws_s3_bucket_acl.this[\"exports\"]",
            // Neither bucket states a public access block.
            "main.tf:14:1 s3-public-access-block medium aws_s3_bucket.this[\"exports\"]",
            "main.tf:14:1 s3-public-access-block medium aws_s3_bucket.this[\"records\"]",
        ]
        .into_iter()
        .map(String::from)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let records = l.bucket("aws_s3_bucket.this[\"records\"]");
    let status = records
        .versioning
        .as_ref()
        .unwrap()
        .status
        .as_ref()
        .unwrap();
    // The optional attribute's default, read through the variable.
    assert_eq!(status.as_str(), Some("Enabled"));
    assert_eq!(l.text(status.span), "var.buckets[each.key].versioning");
    assert_eq!(
        l.holder(records.acl.as_ref().unwrap().origin),
        "aws_s3_bucket_acl.this[\"records\"]"
    );
}

#[test]
fn count_instances_link_by_index() {
    let l = lint("count");
    let findings: Vec<String> = l
        .findings()
        .into_iter()
        .filter(|f| !f.contains("s3-public-access-block"))
        .collect();
    assert_eq!(
        findings,
        [
            "main.tf:15:12 s3-public-acl critical aws_s3_bucket_acl.this[1]",
            "main.tf:22:45 s3-versioning-disabled medium aws_s3_bucket_versioning.this[1]",
        ]
    );
    assert_eq!(
        l.text(
            l.outcome
                .findings
                .iter()
                .find(|f| f.rule == "s3-public-acl")
                .unwrap()
                .span
        ),
        "local.acls[count.index]"
    );
    assert!(l
        .model
        .resources
        .iter()
        .all(|r| !r.address.contains("disabled")));
    assert_eq!(l.model.subjects.buckets.len(), 2);
}

#[test]
fn policies_in_every_form_are_read_with_their_spans() {
    for (case, at, text) in [
        ("policy-jsonencode", "main.tf:21:21", "\"*\""),
        ("policy-heredoc", "main.tf:15:24", "{\"AWS\": \"*\"}"),
        ("policy-file", "policy.json:7:20", "\"*\""),
        ("policy-document", "main.tf:32:5", ""),
    ] {
        let l = lint(case);
        let public: Vec<_> = l
            .outcome
            .findings
            .iter()
            .filter(|f| f.rule == "s3-public-policy")
            .collect();
        assert_eq!(public.len(), 1, "{case}: {:?}", l.findings());
        let finding = public[0];
        assert_eq!(l.at(finding.span), at, "{case}");
        assert_eq!(
            finding.resource.address, "aws_s3_bucket_policy.shared",
            "{case}"
        );
        if text.is_empty() {
            assert!(l.text(finding.span).starts_with("principals {"), "{case}");
        } else {
            assert_eq!(l.text(finding.span), text, "{case}");
        }
        // One bucket, its policy linked from the satellite.
        assert_eq!(l.model.subjects.buckets.len(), 1, "{case}");
    }
    // The document's other statements are there too, with their parts.
    let l = lint("policy-document");
    let doc = l.model.subjects.buckets[0].policy.clone().unwrap().document;
    let doc = doc.document().unwrap();
    assert_eq!(doc.statements.len(), 2);
    let deny = &doc.statements[0];
    assert_eq!(deny.effect.as_ref().unwrap().as_str(), Some("Deny"));
    assert_eq!(l.at(deny.conditions[0].values.span), "main.tf:20:18");
}

#[test]
fn values_from_terraform_tfvars() {
    let l = lint("tfvars");
    assert_eq!(
        l.findings(),
        [
            "main.tf:11:1 s3-public-access-block medium aws_s3_bucket.uploads",
            "main.tf:13:12 s3-public-acl critical aws_s3_bucket.uploads",
            "main.tf:16:15 s3-versioning-disabled medium aws_s3_bucket.uploads",
        ]
    );
    assert_eq!(l.undecided(), Vec::<String>::new());
}

#[test]
fn values_from_the_vars_option() {
    let without = lint("vars-option");
    assert!(without
        .findings()
        .iter()
        .all(|f| !f.contains("s3-versioning-disabled")));
    assert_eq!(
        without.undecided(),
        ["main.tf:14:14 s3-versioning-disabled aws_s3_bucket_versioning.scans"]
    );
    let with = lint_with("vars-option", &[("versioning_status", "Suspended")]);
    assert!(with.findings().contains(
        &"main.tf:14:14 s3-versioning-disabled medium aws_s3_bucket_versioning.scans".to_string()
    ));
    assert_eq!(with.undecided(), Vec::<String>::new());
}

#[test]
fn a_module_called_twice_fails_once() {
    let l = lint("module-twice");
    assert_eq!(
        l.findings(),
        [
            "modules/bucket/main.tf:10:1 s3-public-access-block medium module.public.aws_s3_bucket.this",
            "modules/bucket/main.tf:16:12 s3-public-acl critical module.public.aws_s3_bucket_acl.this",
        ]
    );
    let acl = l
        .outcome
        .findings
        .iter()
        .find(|f| f.rule == "s3-public-acl")
        .unwrap();
    let resource = l
        .model
        .resources
        .iter()
        .find(|r| r.address == acl.resource.address)
        .unwrap();
    assert_eq!(resource.module_calls.len(), 1);
    assert_eq!(l.at(resource.module_calls[0]), "main.tf:3:1");
    assert_eq!(l.text(resource.module_calls[0]), "module \"public\"");
    // The private instance passes, its public access block set by the
    // caller through the module's output.
    let private = l.bucket("module.private.aws_s3_bucket.this");
    assert_eq!(
        private
            .acl
            .as_ref()
            .unwrap()
            .canned
            .as_ref()
            .unwrap()
            .as_str(),
        Some("private")
    );
    assert_eq!(
        l.holder(private.public_access_block.as_ref().unwrap().origin),
        "aws_s3_bucket_public_access_block.private"
    );
}

#[test]
fn unknown_values_leave_checks_undecided_without_findings() {
    let l = lint("unresolvable");
    assert!(
        l.findings()
            .iter()
            .all(|f| !f.contains("s3-public-acl") && !f.contains("s3-versioning-disabled")),
        "{:?}",
        l.findings()
    );
    assert_eq!(
        l.undecided(),
        [
            "main.tf:13:12 s3-public-acl aws_s3_bucket.inbox",
            "main.tf:19:14 s3-versioning-disabled aws_s3_bucket_versioning.inbox",
        ]
    );
    let reasons: Vec<&str> = l
        .outcome
        .undecided
        .iter()
        .map(|u| u.reason.as_str())
        .collect();
    assert!(reasons.contains(&"var.acl has no value"));
    assert!(reasons.contains(&"`data.aws_ssm_parameter.versioning.value` is not known offline"));
}

#[test]
fn a_search_domain_in_a_counted_module() {
    let l = lint("search-domain-module");
    assert_eq!(
        l.findings(),
        [
            "modules/search/main.tf:10:1 es-not-in-vpc high module.search[0].aws_opensearch_domain.this",
            "modules/search/main.tf:15:15 es-encryption-at-rest-disabled high module.search[0].aws_opensearch_domain.this",
        ]
    );
    assert_eq!(
        l.model.subjects.domains.len(),
        1,
        "the policy links to the module's domain"
    );
    let domain = &l.model.subjects.domains[0];
    let policy = domain.access_policy.as_ref().unwrap();
    assert_eq!(
        l.holder(policy.origin),
        "aws_opensearch_domain_policy.search"
    );
    let enabled = domain
        .encryption_at_rest
        .as_ref()
        .unwrap()
        .enabled
        .as_ref()
        .unwrap();
    assert_eq!(l.text(enabled.span), "var.encrypt");
}
