//! Helpers shared by the integration tests: a scratch directory and short
//! renderings of the views that ignore spans.

// Test helpers: a failure here is a failed test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use phiguard_model::{Model, PolicySource, Position, S3Bucket, SearchDomain, Span, Value};
use phiguard_parser::{load, LoadOptions};

/// A directory under the system's temp dir, removed on drop.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    pub fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("phiguard-parser-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Scratch { root }
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn load(&self, paths: &[&str]) -> Model {
        load(&LoadOptions {
            paths: paths.iter().map(PathBuf::from).collect(),
            base_dir: self.root.clone(),
            ..LoadOptions::default()
        })
    }

    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Loads one directory of files given as (name, text).
pub fn load_files(files: &[(&str, &str)]) -> (Scratch, Model) {
    let scratch = Scratch::new();
    for (name, text) in files {
        scratch.write(name, text);
    }
    let model = scratch.load(&["."]);
    (scratch, model)
}

pub fn text(model: &Model, span: Span) -> &str {
    model.file(span.file).slice(span).unwrap()
}

pub fn pos(model: &Model, span: Span) -> (u32, u32) {
    let Position { line, column } = model.file(span.file).position(span.start as usize);
    (line, column)
}

pub fn bucket<'a>(model: &'a Model, address: &str) -> &'a S3Bucket {
    model
        .subjects
        .buckets
        .iter()
        .find(|b| model.resource(b.resource).address == address)
        .unwrap_or_else(|| panic!("no bucket {address}"))
}

/// The bucket at `address` in a file under `dir`.
pub fn in_dir<'a>(model: &'a Model, dir: &str, address: &str) -> &'a S3Bucket {
    model
        .subjects
        .buckets
        .iter()
        .find(|b| {
            let r = model.resource(b.resource);
            r.address == address && model.file(r.file).display_path.starts_with(dir)
        })
        .unwrap_or_else(|| panic!("no bucket {address} in {dir}"))
}

pub fn domain<'a>(model: &'a Model, address: &str) -> &'a SearchDomain {
    model
        .subjects
        .domains
        .iter()
        .find(|d| model.resource(d.resource).address == address)
        .unwrap_or_else(|| panic!("no domain {address}"))
}

fn show(value: &Option<Value>) -> String {
    value.as_ref().map_or("-".into(), |v| match v.as_list() {
        Some(items) => format!(
            "[{}]",
            items
                .iter()
                .map(Value::display)
                .collect::<Vec<_>>()
                .join(",")
        ),
        None => v.display(),
    })
}

fn show_policy(policy: &PolicySource) -> String {
    match policy {
        PolicySource::Document(doc) => doc
            .statements
            .iter()
            .map(|s| {
                format!(
                    "{}/{}/{}",
                    show(&s.effect),
                    show(&s.principal),
                    show(&s.action)
                )
            })
            .collect::<Vec<_>>()
            .join(";"),
        PolicySource::Unknown(v) => format!("unknown: {}", v.display()),
        PolicySource::Invalid { message, .. } => format!("invalid: {message}"),
    }
}

/// Every setting of a bucket, without spans or origins.
pub fn summary(b: &S3Bucket) -> Vec<String> {
    let mut out = vec![format!("name {}", show(&b.name))];
    if let Some(acl) = &b.acl {
        out.push(format!("acl {}", show(&acl.canned)));
        for g in &acl.grants {
            out.push(format!(
                "grant {} {} {} {}",
                show(&g.grantee_type),
                show(&g.uri),
                show(&g.id),
                show(&g.permission)
            ));
        }
    }
    for (what, pab) in [
        ("pab", &b.public_access_block),
        ("account pab", &b.account_public_access_block),
    ] {
        if let Some(p) = pab {
            out.push(format!(
                "{what} {} {} {} {}",
                show(&p.block_public_acls),
                show(&p.block_public_policy),
                show(&p.ignore_public_acls),
                show(&p.restrict_public_buckets)
            ));
        }
    }
    if let Some(o) = &b.ownership {
        out.push(format!("ownership {}", show(&o.object_ownership)));
    }
    if let Some(e) = &b.encryption {
        for r in &e.rules {
            out.push(format!(
                "encryption {} {} {}",
                show(&r.algorithm),
                show(&r.kms_key_id),
                show(&r.bucket_key_enabled)
            ));
        }
    }
    if let Some(v) = &b.versioning {
        out.push(format!("versioning {}", show(&v.status)));
    }
    if let Some(l) = &b.logging {
        out.push(format!(
            "logging {} {}",
            show(&l.target_bucket),
            show(&l.target_prefix)
        ));
    }
    out.push(format!(
        "replication {} website {}",
        b.replication.is_some(),
        b.website.is_some()
    ));
    if let Some(c) = &b.cors {
        for r in &c.rules {
            out.push(format!("cors {}", show(&r.allowed_origins)));
        }
    }
    if let Some(p) = &b.policy {
        out.push(format!("policy {}", show_policy(&p.document)));
    }
    out.push(format!("tags {}", show(&b.tags)));
    out.push(format!("log sources {}", b.log_sources.len()));
    out
}

/// Every setting of a domain, without spans or origins.
pub fn domain_summary(d: &SearchDomain) -> Vec<String> {
    let mut out = vec![
        format!("name {}", show(&d.name)),
        format!("version {}", show(&d.engine_version)),
    ];
    if let Some(v) = &d.vpc_options {
        out.push(format!("vpc {}", show(&v.subnet_ids)));
    }
    if let Some(e) = &d.encryption_at_rest {
        out.push(format!(
            "at rest {} {}",
            show(&e.enabled),
            show(&e.kms_key_id)
        ));
    }
    if let Some(n) = &d.node_to_node_encryption {
        out.push(format!("n2n {}", show(&n.enabled)));
    }
    if let Some(e) = &d.endpoint_options {
        out.push(format!(
            "endpoint {} {}",
            show(&e.enforce_https),
            show(&e.tls_security_policy)
        ));
    }
    if let Some(a) = &d.advanced_security {
        out.push(format!(
            "advanced {} {} {} {} {}",
            show(&a.enabled),
            show(&a.anonymous_auth_enabled),
            show(&a.internal_user_database_enabled),
            show(&a.master_user_name),
            show(&a.master_user_password)
        ));
    }
    for l in &d.log_publishing {
        out.push(format!(
            "log {} {} {}",
            show(&l.log_type),
            show(&l.enabled),
            show(&l.destination)
        ));
    }
    if let Some(c) = &d.cluster_config {
        out.push(format!(
            "cluster {} {} {}",
            show(&c.zone_awareness_enabled),
            show(&c.instance_count),
            show(&c.dedicated_master_enabled)
        ));
    }
    if let Some(p) = &d.access_policy {
        out.push(format!("policy {}", show_policy(&p.document)));
    }
    out.push(format!("tags {}", show(&d.tags)));
    out
}
