//! How much of the bucket and domain settings evaluation resolves.
//!
//! ```text
//! cargo run --release -p phiguard-parser --example evaluation_stats -- PATH...
//! ```
//!
//! Loads each PATH on its own (a directory is linted as `phiguard lint`
//! would) and prints, per path, the buckets and domains found and how many
//! of their written settings are known values and how many are unknown,
//! then the most common reasons for unknown values.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use phiguard_model::{PolicySource, ResourcePolicy, S3Bucket, SearchDomain, Value};
use phiguard_parser::{load, LoadOptions};

#[derive(Default)]
struct Count {
    buckets: usize,
    domains: usize,
    known: usize,
    unknown: usize,
    reasons: BTreeMap<String, usize>,
}

impl Count {
    fn value(&mut self, value: Option<&Value>) {
        let Some(value) = value else { return };
        match value.first_unknown() {
            None => self.known += 1,
            Some(unknown) => {
                self.unknown += 1;
                let reason = unknown.unknown_reason().unwrap_or_default();
                *self.reasons.entry(general(reason)).or_default() += 1;
            }
        }
    }

    fn policy(&mut self, policy: Option<&ResourcePolicy>) {
        match policy.map(|p| &p.document) {
            None => {}
            Some(PolicySource::Document(doc)) => {
                for s in &doc.statements {
                    for part in [
                        &s.effect,
                        &s.principal,
                        &s.not_principal,
                        &s.action,
                        &s.not_action,
                        &s.resource,
                        &s.not_resource,
                    ] {
                        self.value(part.as_ref());
                    }
                    for c in &s.conditions {
                        self.value(Some(&c.values));
                    }
                }
            }
            Some(PolicySource::Unknown(v)) => self.value(Some(v)),
            Some(PolicySource::Invalid { .. }) => self.known += 1,
        }
    }

    fn bucket(&mut self, b: &S3Bucket) {
        self.buckets += 1;
        self.value(b.name.as_ref());
        if let Some(acl) = &b.acl {
            self.value(acl.canned.as_ref());
            for g in &acl.grants {
                for v in [&g.grantee_type, &g.uri, &g.id, &g.permission] {
                    self.value(v.as_ref());
                }
            }
        }
        for pab in [&b.public_access_block, &b.account_public_access_block]
            .into_iter()
            .flatten()
        {
            for v in [
                &pab.block_public_acls,
                &pab.block_public_policy,
                &pab.ignore_public_acls,
                &pab.restrict_public_buckets,
            ] {
                self.value(v.as_ref());
            }
        }
        if let Some(o) = &b.ownership {
            self.value(o.object_ownership.as_ref());
        }
        if let Some(e) = &b.encryption {
            for r in &e.rules {
                for v in [&r.algorithm, &r.kms_key_id, &r.bucket_key_enabled] {
                    self.value(v.as_ref());
                }
            }
        }
        if let Some(v) = &b.versioning {
            self.value(v.status.as_ref());
        }
        if let Some(l) = &b.logging {
            self.value(l.target_bucket.as_ref());
            self.value(l.target_prefix.as_ref());
        }
        if let Some(c) = &b.cors {
            for r in &c.rules {
                self.value(r.allowed_origins.as_ref());
            }
        }
        self.value(b.tags.as_ref());
        self.policy(b.policy.as_deref());
    }

    fn domain(&mut self, d: &SearchDomain) {
        self.domains += 1;
        self.value(d.name.as_ref());
        self.value(d.engine_version.as_ref());
        if let Some(v) = &d.vpc_options {
            self.value(v.subnet_ids.as_ref());
            self.value(v.security_group_ids.as_ref());
        }
        if let Some(e) = &d.encryption_at_rest {
            self.value(e.enabled.as_ref());
            self.value(e.kms_key_id.as_ref());
        }
        if let Some(n) = &d.node_to_node_encryption {
            self.value(n.enabled.as_ref());
        }
        if let Some(e) = &d.endpoint_options {
            self.value(e.enforce_https.as_ref());
            self.value(e.tls_security_policy.as_ref());
        }
        if let Some(a) = &d.advanced_security {
            for v in [
                &a.enabled,
                &a.anonymous_auth_enabled,
                &a.internal_user_database_enabled,
                &a.master_user_name,
                &a.master_user_password,
            ] {
                self.value(v.as_ref());
            }
        }
        for l in &d.log_publishing {
            for v in [&l.log_type, &l.enabled, &l.destination] {
                self.value(v.as_ref());
            }
        }
        if let Some(c) = &d.cluster_config {
            for v in [
                &c.zone_awareness_enabled,
                &c.instance_count,
                &c.dedicated_master_enabled,
            ] {
                self.value(v.as_ref());
            }
        }
        self.value(d.tags.as_ref());
        self.policy(d.access_policy.as_deref());
    }

    fn add(&mut self, other: &Count) {
        self.buckets += other.buckets;
        self.domains += other.domains;
        self.known += other.known;
        self.unknown += other.unknown;
        for (reason, n) in &other.reasons {
            *self.reasons.entry(reason.clone()).or_default() += n;
        }
    }
}

/// A reason with only the kind of thing it names (`random_pet`,
/// `data.aws_region`, `var`), so that alike reasons count together.
fn general(reason: &str) -> String {
    let mut out = String::new();
    let mut parts = reason.split('`');
    out.push_str(parts.next().unwrap_or_default());
    while let Some(code) = parts.next() {
        // `module.a["k"].aws_kms_key.k.arn`: the kind is the resource's.
        let mut code = code;
        while let Some(rest) = code.strip_prefix("module.") {
            let after = rest.find(['.', '[']).map_or(rest.len(), |i| i);
            let rest = &rest[after..];
            let rest = match rest.strip_prefix('[') {
                Some(r) => r.split_once("].").map_or("", |(_, tail)| tail),
                None => rest.strip_prefix('.').unwrap_or(""),
            };
            if rest.is_empty() {
                break;
            }
            code = rest;
        }
        let mut names = code.split(['.', '[', '(', ' ']);
        let head = names.next().unwrap_or_default();
        let kind = match head {
            "data" => format!("data.{}", names.next().unwrap_or_default()),
            _ => head.to_string(),
        };
        out.push_str(&format!("`{kind}...`"));
        out.push_str(parts.next().unwrap_or_default());
    }
    out.split_whitespace()
        .map(|w| match w.split_once('.') {
            Some((head @ ("var" | "module" | "local"), _)) => format!("{head}.X"),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: evaluation_stats PATH...");
        std::process::exit(2);
    }
    let base_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut total = Count::default();
    let mut errors = 0;
    let started = Instant::now();
    println!("| path | buckets | domains | known settings | unknown settings | errors |");
    println!("|---|---:|---:|---:|---:|---:|");
    for path in &paths {
        let model = load(&LoadOptions {
            paths: vec![path.clone()],
            base_dir: base_dir.clone(),
            ..LoadOptions::default()
        });
        let mut count = Count::default();
        model.subjects.buckets.iter().for_each(|b| count.bucket(b));
        model.subjects.domains.iter().for_each(|d| count.domain(d));
        errors += model.errors.len();
        for e in &model.errors {
            eprintln!("error: {}: {}", e.path, e.message);
        }
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            path.display(),
            count.buckets,
            count.domains,
            count.known,
            count.unknown,
            model.errors.len()
        );
        total.add(&count);
    }
    let share = if total.known + total.unknown == 0 {
        0.0
    } else {
        100.0 * total.known as f64 / (total.known + total.unknown) as f64
    };
    println!(
        "| **total** | {} | {} | {} ({share:.1}%) | {} | {errors} |",
        total.buckets, total.domains, total.known, total.unknown
    );
    println!();
    println!("Unknown values by reason:");
    println!();
    let mut reasons: Vec<_> = total.reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (reason, n) in reasons.iter().take(15) {
        println!("- {n}: {reason}");
    }
    eprintln!(
        "loaded in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
