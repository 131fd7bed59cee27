//! Terraform plan JSON (issue 18): a plan evaluated with the `.tf` files it
//! came from gives the findings linting those files gives, at the same
//! spans and with the same fingerprints, plus those the plan decides; the
//! real plans of `../shared/testdata/terraform-plans` (skipped with a
//! message when absent) are read, every bucket in them found, and their
//! findings located in the `.tf` beside them or exactly inside the plan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{fixtures, position, workspace};
use phiguard_model::{Model, OriginRole, Subject};
use phiguard_parser::LoadOptions;
use phiguard_policy::{Outcome, Registry};

fn lint(dir: &Path, paths: Vec<PathBuf>, exclude: Vec<String>) -> (Model, Outcome) {
    let model = phiguard_parser::load(&LoadOptions {
        paths,
        base_dir: dir.to_path_buf(),
        exclude,
        ..LoadOptions::default()
    });
    let registry = Registry::builtin().unwrap();
    let rules: Vec<_> = registry.rules().iter().collect();
    let outcome = phiguard_policy::check(&model, &rules);
    (model, outcome)
}

/// `FILE:LINE:COLUMN RULE ADDRESS FINGERPRINT` of every finding.
fn findings(model: &Model, outcome: &Outcome) -> BTreeSet<String> {
    outcome
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                position(model, f.span),
                f.rule,
                f.resource.address,
                f.fingerprint
            )
        })
        .collect()
}

#[test]
fn a_plan_gives_the_configurations_findings_and_decides_what_it_left_undecided() {
    let dir = fixtures().join("terraform-plan");
    let (alone, alone_outcome) = lint(&dir, vec![dir.clone()], vec!["tfplan.json".into()]);
    let (planned, planned_outcome) = lint(&dir, vec![dir.clone()], Vec::new());
    assert!(alone.errors.is_empty(), "{:?}", alone.errors);
    assert!(planned.errors.is_empty(), "{:?}", planned.errors);
    let before = findings(&alone, &alone_outcome);
    let after = findings(&planned, &planned_outcome);
    // Every finding of the `.tf` alone, at the same span, with the same
    // fingerprint (one baseline serves both).
    let lost: Vec<_> = before.difference(&after).collect();
    assert!(lost.is_empty(), "lost with the plan: {lost:#?}");
    // What the plan adds is exactly what the `.tf` alone left undecided
    // (the public ACL, its ACLs-enabled twin, the suspended versioning,
    // and the replication check that hung on the ACL), in the `.tf`.
    let undecided: BTreeSet<String> = alone_outcome
        .undecided
        .iter()
        .map(|u| format!("{} {}", u.rule, u.resource.address))
        .collect();
    let added: Vec<&String> = after.difference(&before).collect();
    assert_eq!(added.len(), 8, "{added:#?}");
    for finding in &added {
        let fields: Vec<&str> = finding.split(' ').collect();
        let rule_and_resource = format!("{} {}", fields[1], fields[2]);
        assert!(
            undecided.contains(&rule_and_resource),
            "{finding} was not undecided without the plan: {undecided:#?}"
        );
        assert!(finding.starts_with("main.tf:"), "{finding}");
    }
    // The plan decides every check (the replication check hung on the
    // ACL), and names itself as where the value was decided.
    assert!(
        planned_outcome.undecided.is_empty(),
        "{:?}",
        planned_outcome.undecided
    );
    let acl = planned_outcome
        .findings
        .iter()
        .find(|f| f.rule.as_ref() == "s3-public-acl")
        .unwrap();
    let origin = &acl.origins[0];
    assert_eq!(origin.role, OriginRole::Plan);
    assert_eq!(
        position(&planned, origin.span.unwrap()),
        "tfplan.json:6:16",
        "the plan's `variables.acl.value`"
    );
}

/// The rules with a finding on the resource at `address`.
fn rules_on<'o>(outcome: &'o Outcome, address: &str) -> BTreeSet<&'o str> {
    outcome
        .findings
        .iter()
        .filter(|f| f.resource.address == address)
        .map(|f| f.rule.as_ref())
        .collect()
}

/// A folder of its own for a test's hand-written configuration and plan.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The real plans, or `None` (with a message) when they are absent.
fn real_plans() -> Option<PathBuf> {
    let dir = workspace().join("../shared/testdata/terraform-plans");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: {} is absent (the real Terraform plans are test data, not shipped)",
            dir.display()
        );
        None
    }
}

/// The addresses of the managed resources of a type `wanted` accepts
/// that a plan will have: in its planned values (or a state's values),
/// and in its resource changes that do not delete them.
fn planned(plan: &Path, wanted: &dyn Fn(&str) -> bool) -> BTreeSet<String> {
    fn walk(module: &serde_json::Value, wanted: &dyn Fn(&str) -> bool, out: &mut BTreeSet<String>) {
        for r in module["resources"].as_array().into_iter().flatten() {
            if r["mode"] == "managed" && wanted(r["type"].as_str().unwrap_or("")) {
                out.insert(r["address"].as_str().unwrap().to_string());
            }
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            walk(child, wanted, out);
        }
    }
    let bytes = std::fs::read(plan).unwrap();
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => String::from_utf16(
            &rest
                .chunks(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        _ => String::from_utf8(bytes).unwrap(),
    };
    let value: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let mut out = BTreeSet::new();
    for top in ["planned_values", "values"] {
        walk(&value[top]["root_module"], wanted, &mut out);
    }
    for change in value["resource_changes"].as_array().into_iter().flatten() {
        let deleted = change["change"]["actions"] == serde_json::json!(["delete"]);
        if change["mode"] == "managed" && wanted(change["type"].as_str().unwrap_or("")) && !deleted
        {
            out.insert(change["address"].as_str().unwrap().to_string());
        }
    }
    out
}

/// Every `.json` file under `dir`, relative to it, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn bucket_addresses(model: &Model) -> BTreeSet<String> {
    model
        .subjects
        .buckets
        .iter()
        .map(|b| model.resources[b.resource().0 as usize].address.clone())
        .collect()
}

#[test]
fn every_bucket_of_the_real_plans_is_found_and_every_file_reads() {
    let Some(dir) = real_plans() else { return };
    let plans = json_files(&dir);
    assert!(plans.len() >= 11, "{plans:?}");
    let (mut buckets, mut s3) = (0, 0);
    for plan in &plans {
        let (model, _) = lint(&dir, vec![plan.clone()], Vec::new());
        let plan = plan.display();
        assert!(model.errors.is_empty(), "{plan}: {:?}", model.errors);
        assert!(
            model.skipped.is_empty(),
            "{plan} was not read: {:?}",
            model.skipped
        );
        let path = dir.join(plan.to_string());
        let expected = planned(&path, &|t| t == "aws_s3_bucket");
        let found = bucket_addresses(&model);
        let missing: Vec<_> = expected.difference(&found).collect();
        assert!(missing.is_empty(), "{plan}: buckets not found: {missing:?}");
        buckets += expected.len();
        // Every S3 resource some kind reads (the bucket's policy, ACL,
        // versioning, ...) is in the model too.
        let expected = planned(&path, &|t| {
            t.starts_with("aws_s3_") && phiguard_model::kinds::terraform_role(t).is_some()
        });
        let found: BTreeSet<String> = model.resources.iter().map(|r| r.address.clone()).collect();
        let missing: Vec<_> = expected.difference(&found).collect();
        assert!(
            missing.is_empty(),
            "{plan}: S3 resources not read: {missing:?}"
        );
        s3 += expected.len();
    }
    assert!(buckets >= 12, "{buckets} buckets in all");
    assert!(s3 > buckets, "{s3} S3 resources in all");
}

#[test]
fn the_windows_and_utf16_plans_give_the_findings_of_their_utf8_twin() {
    let Some(dir) = real_plans() else { return };
    let rules = |plan: &str| -> Vec<String> {
        let (_, outcome) = lint(&dir, vec![PathBuf::from(plan)], Vec::new());
        let mut rules: Vec<String> = outcome
            .findings
            .iter()
            .map(|f| f.rule.to_string())
            .collect();
        rules.sort();
        rules
    };
    let utf16 = rules("plan_encodings/tfplan_win_utf16.json");
    assert!(
        utf16.iter().any(|r| r == "s3-versioning-disabled"),
        "{utf16:?}"
    );
    assert_eq!(utf16, rules("plan_encodings/tfplan_win_utf8.json"));
}

#[test]
fn a_state_of_a_resource_no_rule_reads_gives_nothing() {
    let Some(dir) = real_plans() else { return };
    let (model, outcome) = lint(
        &dir,
        vec![PathBuf::from("plan/corrupted-tfplan.json")],
        Vec::new(),
    );
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    assert_eq!(model.files.len(), 1, "read as a plan, not skipped");
}

#[test]
fn findings_point_into_the_tf_beside_a_plan_or_exactly_into_the_plan() {
    let Some(dir) = real_plans() else { return };
    // Resources declared in the `.tf` files beside the plan: there.
    for case in ["plan_with_hcl_for_enrichment", "plan_with_iam_data_block"] {
        let (model, outcome) = lint(
            &dir,
            vec![PathBuf::from(case).join("tfplan.json")],
            Vec::new(),
        );
        assert!(!outcome.findings.is_empty(), "{case}");
        for f in &outcome.findings {
            let at = position(&model, f.span);
            assert!(
                at.starts_with(&format!("{case}/")) && at.contains(".tf:"),
                "{case}: {at} {}",
                f.rule
            );
        }
    }
    // A registry module that was never downloaded: inside the plan, at the
    // resource's address (something missing) or the value itself.
    let case = "plan_module_with_connected_resources";
    let (model, outcome) = lint(
        &dir,
        vec![PathBuf::from(case).join("tfplan.json")],
        Vec::new(),
    );
    assert!(!outcome.findings.is_empty());
    for f in &outcome.findings {
        let file = model.file(f.span.file);
        assert!(
            file.display_path.ends_with("tfplan.json"),
            "{}",
            file.display_path
        );
        let text = file.slice(f.span).unwrap();
        assert!(f.resource.address.starts_with("module.s3-bucket."));
        // Inside the resource's own object in the plan (the finding's
        // resource or, for a satellite's value, that satellite), at its
        // `address` string or at one value of it, never the whole object.
        let inside = model.resources.iter().find(|r| {
            r.file == f.span.file && r.span.start <= f.span.start && f.span.end <= r.span.end
        });
        let r = inside.unwrap_or_else(|| panic!("{} outside every resource", f.rule));
        assert_ne!(f.span, r.span, "{} points at the whole resource", f.rule);
        let header = format!("\"{}\"", r.address);
        if f.span == r.header {
            assert_eq!(text, header);
        } else {
            assert!(
                !text.contains('\n') && !text.contains("\"address\""),
                "{} points at {text:?}",
                f.rule
            );
        }
        assert!(file.position(f.span.start as usize).line > 1);
    }
    // A plan with no `.tf` beside it: every finding at its own value or
    // resource address, never the file's first line.
    let (model, outcome) = lint(&dir, vec![PathBuf::from("plan/tfplan.json")], Vec::new());
    let acl = outcome
        .findings
        .iter()
        .find(|f| f.rule.as_ref() == "s3-public-acl")
        .unwrap();
    assert_eq!(
        model.file(acl.span.file).slice(acl.span),
        Some("\"public-read\"")
    );
}

/// A plan read alone whose root satellites reach a registry module's
/// bucket only through the module's output (`module.s3.s3_bucket_id`):
/// the output's expression leads to the bucket, so the satellites are the
/// bucket's, not dangling ones that leave it "missing" its block and
/// encryption.
#[test]
fn a_satellite_reaches_a_registry_modules_bucket_through_its_output() {
    let dir = scratch("plan-module-output");
    let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.6.0",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_s3_bucket_public_access_block.records",
          "mode": "managed", "type": "aws_s3_bucket_public_access_block", "name": "records",
          "values": {
            "block_public_acls": true, "block_public_policy": true,
            "ignore_public_acls": true, "restrict_public_buckets": true
          }
        },
        {
          "address": "aws_s3_bucket_server_side_encryption_configuration.records",
          "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "records",
          "values": {
            "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:us-east-1:111122223333:key/abc"}], "bucket_key_enabled": true}]
          }
        }
      ],
      "child_modules": [
        {
          "address": "module.s3[\"records\"]",
          "resources": [
            {
              "address": "module.s3[\"records\"].aws_s3_bucket.this[0]",
              "mode": "managed", "type": "aws_s3_bucket", "name": "this", "index": 0,
              "values": {"bucket": "phi-records", "force_destroy": false}
            }
          ]
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "aws_s3_bucket_public_access_block.records",
      "change": {"actions": ["create"], "after_unknown": {"bucket": true}}
    },
    {
      "address": "aws_s3_bucket_server_side_encryption_configuration.records",
      "change": {"actions": ["create"], "after_unknown": {"bucket": true}}
    }
  ],
  "configuration": {
    "root_module": {
      "resources": [
        {
          "address": "aws_s3_bucket_public_access_block.records",
          "expressions": {
            "bucket": {"references": ["module.s3[\"records\"].s3_bucket_id", "module.s3[\"records\"]", "module.s3"]},
            "block_public_acls": {"constant_value": true}, "block_public_policy": {"constant_value": true},
            "ignore_public_acls": {"constant_value": true}, "restrict_public_buckets": {"constant_value": true}
          }
        },
        {
          "address": "aws_s3_bucket_server_side_encryption_configuration.records",
          "expressions": {
            "bucket": {"references": ["module.s3.s3_bucket_id", "module.s3"]}
          }
        }
      ],
      "module_calls": {
        "s3": {
          "source": "terraform-aws-modules/s3-bucket/aws",
          "module": {
            "outputs": {
              "s3_bucket_id": {"expression": {"references": ["module.inner.id", "module.inner", "aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}}
            },
            "resources": [
              {"address": "aws_s3_bucket.this", "expressions": {"bucket": {"constant_value": "phi-records"}}}
            ]
          }
        }
      }
    }
  }
}"#;
    std::fs::write(dir.join("tfplan.json"), plan).unwrap();
    let (model, outcome) = lint(&dir, vec![dir.join("tfplan.json")], Vec::new());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let bucket = "module.s3[\"records\"].aws_s3_bucket.this[0]";
    let rules = rules_on(&outcome, bucket);
    assert!(
        !rules.is_empty(),
        "the bucket is linted: {:?}",
        outcome.findings
    );
    for linked in ["s3-public-access-block", "s3-encryption-missing"] {
        assert!(!rules.contains(linked), "{linked} on {bucket}: {rules:?}");
    }
    let elsewhere: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.rule.as_ref(), f.resource.address.as_str()))
        .chain(
            outcome
                .undecided
                .iter()
                .map(|u| (u.rule.as_ref(), u.resource.address.as_str())),
        )
        .filter(|(_, address)| *address != bucket)
        .collect();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}

/// A resource whose `count` the `.tf` alone cannot know (a data source
/// decides it) is one stand-in there; the plan's instances of it decide
/// what they all agree on, at the stand-in's `.tf` span and address, and
/// leave what they differ on unknown.
#[test]
fn the_plan_decides_what_all_instances_of_an_unknown_count_agree_on() {
    let dir = scratch("plan-unknown-count");
    let tf = r#"data "external" "settings" {
  program = ["./settings.sh"]
}

resource "aws_s3_bucket" "logs" {
  count  = tonumber(data.external.settings.result.count)
  bucket = "phi-logs-${count.index}"
}

resource "aws_s3_bucket_acl" "logs" {
  count  = tonumber(data.external.settings.result.count)
  bucket = aws_s3_bucket.logs[count.index].id
  acl    = data.external.settings.result.acl
}

resource "aws_s3_bucket_versioning" "logs" {
  count  = tonumber(data.external.settings.result.count)
  bucket = aws_s3_bucket.logs[count.index].id
  versioning_configuration {
    status = data.external.settings.result[count.index]
  }
}
"#;
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    let mut changes = Vec::new();
    let mut planned = Vec::new();
    for (index, status) in [(0, "Enabled"), (1, "Suspended")] {
        for (kind, values) in [
            (
                "aws_s3_bucket",
                format!(r#"{{"bucket": "phi-logs-{index}"}}"#),
            ),
            ("aws_s3_bucket_acl", r#"{"acl": "public-read"}"#.to_string()),
            (
                "aws_s3_bucket_versioning",
                format!(r#"{{"versioning_configuration": [{{"status": "{status}"}}]}}"#),
            ),
        ] {
            let address = format!("{kind}.logs[{index}]");
            planned.push(format!(
                r#"{{"address": "{address}", "mode": "managed", "type": "{kind}", "name": "logs", "index": {index}, "values": {values}}}"#
            ));
            let unknown = if kind == "aws_s3_bucket" {
                "{}"
            } else {
                r#"{"bucket": true}"#
            };
            changes.push(format!(
                r#"{{"address": "{address}", "change": {{"actions": ["create"], "after_unknown": {unknown}}}}}"#
            ));
        }
    }
    let plan = format!(
        r#"{{"format_version": "1.2", "terraform_version": "1.6.0",
  "planned_values": {{"root_module": {{"resources": [{}]}}}},
  "resource_changes": [{}]}}"#,
        planned.join(",\n"),
        changes.join(",\n")
    );
    std::fs::write(dir.join("tfplan.json"), plan).unwrap();
    let (alone, alone_outcome) = lint(&dir, vec![dir.clone()], vec!["tfplan.json".into()]);
    let (with_plan, outcome) = lint(&dir, vec![dir.clone()], Vec::new());
    assert!(with_plan.errors.is_empty(), "{:?}", with_plan.errors);
    let undecided = |outcome: &Outcome| -> BTreeSet<String> {
        outcome
            .undecided
            .iter()
            .map(|u| format!("{} {}", u.rule, u.resource.address))
            .collect()
    };
    let acl = "s3-public-acl aws_s3_bucket_acl.logs";
    let versioning = "s3-versioning-disabled aws_s3_bucket_versioning.logs";
    assert!(undecided(&alone_outcome).contains(acl), "{alone_outcome:?}");
    assert!(undecided(&alone_outcome).contains(versioning));
    // Both instances' ACL is public: decided, at the `.tf` expression.
    let public = outcome
        .findings
        .iter()
        .find(|f| f.rule.as_ref() == "s3-public-acl")
        .unwrap_or_else(|| panic!("{:#?}", outcome.findings));
    assert_eq!(position(&with_plan, public.span), "main.tf:13:12");
    assert_eq!(public.origins[0].role, OriginRole::Plan);
    assert!(!undecided(&outcome).contains(acl));
    // One is enabled and one suspended: still undecided for the stand-in.
    assert!(
        undecided(&outcome).contains(versioning),
        "{:?}",
        undecided(&outcome)
    );
    // Every finding of the `.tf` alone is still there.
    let lost: Vec<_> = findings(&alone, &alone_outcome)
        .difference(&findings(&with_plan, &outcome))
        .cloned()
        .collect();
    assert!(lost.is_empty(), "{lost:#?}");
}

/// A `.tf` satellite beside its plan whose bucket is a registry module's
/// (`module.s3.s3_bucket_id`, the module never downloaded): the `.tf`
/// alone cannot follow the call, the module's bucket comes from the plan,
/// and the plan's configuration links the two, as it does for the plan
/// read alone. Unlinked, the bucket would be "unversioned".
#[test]
fn a_tf_satellite_reaches_a_registry_modules_bucket_from_the_plan() {
    let dir = scratch("plan-tf-module-output");
    let tf = r#"module "s3" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "phi-records"
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = module.s3.s3_bucket_id
  versioning_configuration {
    status = "Enabled"
  }
}
"#;
    let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.6.0",
  "planned_values": {"root_module": {
    "resources": [{
      "address": "aws_s3_bucket_versioning.records", "mode": "managed",
      "type": "aws_s3_bucket_versioning", "name": "records",
      "values": {"versioning_configuration": [{"status": "Enabled"}]}
    }],
    "child_modules": [{
      "address": "module.s3",
      "resources": [{
        "address": "module.s3.aws_s3_bucket.this[0]", "mode": "managed",
        "type": "aws_s3_bucket", "name": "this", "index": 0,
        "values": {"bucket": "phi-records"}
      }]
    }]
  }},
  "resource_changes": [{
    "address": "aws_s3_bucket_versioning.records",
    "change": {"actions": ["create"], "after_unknown": {"bucket": true}}
  }],
  "configuration": {"root_module": {
    "resources": [{
      "address": "aws_s3_bucket_versioning.records",
      "expressions": {"bucket": {"references": ["module.s3.s3_bucket_id", "module.s3"]}}
    }],
    "module_calls": {"s3": {
      "source": "terraform-aws-modules/s3-bucket/aws",
      "module": {
        "outputs": {"s3_bucket_id": {"expression": {"references": ["aws_s3_bucket.this[0].id", "aws_s3_bucket.this[0]", "aws_s3_bucket.this"]}}},
        "resources": [{"address": "aws_s3_bucket.this", "expressions": {"bucket": {"references": ["var.bucket"]}}}]
      }
    }}
  }}
}"#;
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    std::fs::write(dir.join("tfplan.json"), plan).unwrap();
    let (model, outcome) = lint(&dir, vec![dir.clone()], Vec::new());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let bucket = "module.s3.aws_s3_bucket.this[0]";
    let rules = rules_on(&outcome, bucket);
    assert!(rules.contains("s3-encryption-missing"), "{rules:?}");
    assert!(!rules.contains("s3-versioning-disabled"), "{rules:?}");
}
