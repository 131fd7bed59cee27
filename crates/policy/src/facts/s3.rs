use std::sync::LazyLock;

use phiguard_model::{PublicAccessBlock, S3Bucket, Value, ValueKind};

use super::{bool_from, item, Fact, FactDef};

const GROUP_URI_PREFIX: &str = "acs.amazonaws.com/groups/";

pub(super) const ITEM_KEYS: &[(&str, &[&str])] = &[
    (
        "acl.grants",
        &["grantee_type", "uri", "id", "permission", "group"],
    ),
    ("cors.allowed_origins", &["origin"]),
];

fn pab_flag(
    block: Option<&PublicAccessBlock>,
    flag: fn(&PublicAccessBlock) -> Option<&Value>,
) -> Fact {
    block.map_or_else(Fact::absent, |b| Fact::setting(&b.origin, flag(b)))
}

macro_rules! pab_facts {
    ($field:ident, $prefix:literal, $scope:literal) => {
        [
            FactDef {
                name: $prefix,
                doc: concat!("present when the ", $scope, " public access block exists"),
                get: |_, b: &S3Bucket| {
                    b.$field
                        .as_ref()
                        .map_or_else(Fact::absent, |p| Fact::present(&p.origin))
                },
            },
            FactDef {
                name: concat!($prefix, ".block_public_acls"),
                doc: concat!(
                    "`block_public_acls` of the ",
                    $scope,
                    " public access block, as written"
                ),
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_ref(), |p| p.block_public_acls.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".block_public_policy"),
                doc: concat!(
                    "`block_public_policy` of the ",
                    $scope,
                    " public access block, as written"
                ),
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_ref(), |p| p.block_public_policy.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".ignore_public_acls"),
                doc: concat!(
                    "`ignore_public_acls` of the ",
                    $scope,
                    " public access block, as written"
                ),
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_ref(), |p| p.ignore_public_acls.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".restrict_public_buckets"),
                doc: concat!(
                    "`restrict_public_buckets` of the ",
                    $scope,
                    " public access block, as written"
                ),
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_ref(), |p| p.restrict_public_buckets.as_ref())
                },
            },
        ]
    };
}

const BUCKET_PAB: [FactDef<S3Bucket>; 5] =
    pab_facts!(public_access_block, "public_access_block", "bucket's");
const ACCOUNT_PAB: [FactDef<S3Bucket>; 5] = pab_facts!(
    account_public_access_block,
    "account_public_access_block",
    "account-wide"
);

const BASE: &[FactDef<S3Bucket>] = &[
    FactDef {
        name: "name",
        doc: "the bucket name (`bucket`, `BucketName`), when written",
        get: |_, b| Fact {
            value: b.name.clone(),
            resource: Some(b.resource),
        },
    },
    FactDef {
        name: "tags",
        doc: "the bucket's tags, as a map",
        get: |_, b| Fact {
            value: b.tags.clone(),
            resource: Some(b.resource),
        },
    },
    FactDef {
        name: "acl",
        doc: "present when the bucket has an ACL (inline, `aws_s3_bucket_acl`, `AccessControl`)",
        get: |_, b| b.acl.as_ref().map_or_else(Fact::absent, |a| Fact::present(&a.origin)),
    },
    FactDef {
        name: "acl.canned",
        doc: "the canned ACL as written: `public-read`, `PublicRead`, ...",
        get: |_, b| b.acl.as_ref().map_or_else(Fact::absent, |a| Fact::setting(&a.origin, a.canned.as_ref())),
    },
    FactDef {
        name: "acl.grants",
        doc: "the ACL's grants; each item has `grantee_type`, `uri`, `id`, `permission` and `group` (`AllUsers`, `AuthenticatedUsers`, ... taken from a group URI)",
        get: |_, b| {
            let Some(acl) = &b.acl else { return Fact::absent() };
            let items = acl
                .grants
                .iter()
                .map(|g| {
                    let group = g.uri.as_ref().and_then(|uri| match &uri.kind {
                        ValueKind::String(s) => s
                            .find(GROUP_URI_PREFIX)
                            .map(|at| Value::string(s[at + GROUP_URI_PREFIX.len()..].rsplit('/').next().unwrap_or_default(), uri.span)),
                        ValueKind::Unknown(_) => Some(uri.clone()),
                        _ => None,
                    });
                    item(
                        g.span,
                        vec![
                            ("grantee_type", g.grantee_type.as_ref()),
                            ("uri", g.uri.as_ref()),
                            ("id", g.id.as_ref()),
                            ("permission", g.permission.as_ref()),
                            ("group", group.as_ref()),
                        ],
                    )
                })
                .collect();
            Fact::computed(Value::new(ValueKind::List(items), acl.origin.span), acl.origin.resource)
        },
    },
    FactDef {
        name: "ownership",
        doc: "present when object ownership controls exist",
        get: |_, b| b.ownership.as_ref().map_or_else(Fact::absent, |o| Fact::present(&o.origin)),
    },
    FactDef {
        name: "ownership.object_ownership",
        doc: "`BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`, as written",
        get: |_, b| b.ownership.as_ref().map_or_else(Fact::absent, |o| Fact::setting(&o.origin, o.object_ownership.as_ref())),
    },
    FactDef {
        name: "versioning",
        doc: "present when a versioning configuration exists",
        get: |_, b| b.versioning.as_ref().map_or_else(Fact::absent, |v| Fact::present(&v.origin)),
    },
    FactDef {
        name: "versioning.status",
        doc: "the versioning status as written (`Enabled`, `Suspended`, or Terraform's older `enabled = true`)",
        get: |_, b| b.versioning.as_ref().map_or_else(Fact::absent, |v| Fact::setting(&v.origin, v.status.as_ref())),
    },
    FactDef {
        name: "versioning.enabled",
        doc: "whether versioning is on: `true` for `Enabled`/`true`, `false` for `Suspended`, `Disabled`, `false` or an empty configuration",
        get: |_, b| {
            let Some(v) = &b.versioning else { return Fact::absent() };
            let value = match &v.status {
                Some(status) => bool_from(status, status.span),
                None => Value::bool(false, v.origin.span),
            };
            Fact::computed(value, v.origin.resource)
        },
    },
    FactDef {
        name: "encryption",
        doc: "present when a default server-side encryption configuration exists",
        get: |_, b| b.encryption.as_ref().map_or_else(Fact::absent, |e| Fact::present(&e.origin)),
    },
    FactDef {
        name: "encryption.algorithm",
        doc: "the first rule's `sse_algorithm` / `SSEAlgorithm`",
        get: |_, b| b.encryption.as_ref().map_or_else(Fact::absent, |e| Fact::setting(&e.origin, e.rules.first().and_then(|r| r.algorithm.as_ref()))),
    },
    FactDef {
        name: "encryption.kms_key_id",
        doc: "the first rule's KMS key (`kms_master_key_id`, `KMSMasterKeyID`)",
        get: |_, b| b.encryption.as_ref().map_or_else(Fact::absent, |e| Fact::setting(&e.origin, e.rules.first().and_then(|r| r.kms_key_id.as_ref()))),
    },
    FactDef {
        name: "logging",
        doc: "present when server access logging is configured",
        get: |_, b| b.logging.as_ref().map_or_else(Fact::absent, |l| Fact::present(&l.origin)),
    },
    FactDef {
        name: "logging.target_bucket",
        doc: "the bucket that receives the access logs",
        get: |_, b| b.logging.as_ref().map_or_else(Fact::absent, |l| Fact::setting(&l.origin, l.target_bucket.as_ref())),
    },
    FactDef {
        name: "is_log_target",
        doc: "`true` when another bucket in the configuration delivers its access logs to this one",
        get: |m, b| {
            let resource = m.resource(b.resource);
            Fact::computed(Value::bool(!b.log_sources.is_empty(), resource.header), b.resource)
        },
    },
    FactDef {
        name: "replication",
        doc: "present when a replication configuration exists",
        get: |_, b| b.replication.as_ref().map_or_else(Fact::absent, Fact::present),
    },
    FactDef {
        name: "website",
        doc: "present when static website hosting is configured",
        get: |_, b| b.website.as_ref().map_or_else(Fact::absent, Fact::present),
    },
    FactDef {
        name: "cors.allowed_origins",
        doc: "every allowed origin of every CORS rule; each item has `origin`",
        get: |_, b| {
            let Some(cors) = &b.cors else { return Fact::absent() };
            let items = cors
                .rules
                .iter()
                .filter_map(|r| r.allowed_origins.as_ref())
                .flat_map(|origins| origins.items())
                .map(|o| item(o.span, vec![("origin", Some(o))]))
                .collect();
            Fact::computed(Value::new(ValueKind::List(items), cors.origin.span), cors.origin.resource)
        },
    },
    FactDef {
        name: "policy",
        doc: "present when the bucket has a bucket policy (inline, `aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`)",
        get: |_, b| b.policy.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
    },
];

pub(super) static FACTS: LazyLock<Vec<FactDef<S3Bucket>>> = LazyLock::new(|| {
    BASE.iter()
        .copied()
        .chain(BUCKET_PAB)
        .chain(ACCOUNT_PAB)
        .collect()
});
