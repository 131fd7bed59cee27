use std::sync::LazyLock;

use crate::{
    Dialect, Encryption, EncryptionRule, Model, PublicAccessBlock, ResourceId, S3Bucket, Span,
    Value, ValueKind,
};

use crate::kinds::facts::{
    bool_from, item, truthy, Alias, EnumDef, Fact, FactDef, FactType, ItemDef, Spelling, STATEMENTS,
};
use crate::kinds::s3::logs::{self, Delivery, Routes};
use crate::kinds::{iam, kms};

const GROUP_URI_PREFIX: &str = "acs.amazonaws.com/groups/";

const fn cloudformation(written: &'static str, value: &'static str) -> Alias {
    Alias {
        written: Spelling::Str(written),
        value,
        whose: "CloudFormation's spelling",
    }
}

/// A canned ACL, spelled as Terraform and the S3 API do.
const CANNED_ACL: EnumDef = EnumDef {
    name: "canned_acl",
    values: &[
        "private",
        "public-read",
        "public-read-write",
        "authenticated-read",
        "log-delivery-write",
        "bucket-owner-read",
        "bucket-owner-full-control",
        "aws-exec-read",
    ],
    aliases: &[
        cloudformation("Private", "private"),
        cloudformation("PublicRead", "public-read"),
        cloudformation("PublicReadWrite", "public-read-write"),
        cloudformation("AuthenticatedRead", "authenticated-read"),
        cloudformation("LogDeliveryWrite", "log-delivery-write"),
        cloudformation("BucketOwnerRead", "bucket-owner-read"),
        cloudformation("BucketOwnerFullControl", "bucket-owner-full-control"),
        cloudformation("AwsExecRead", "aws-exec-read"),
    ],
};

/// A versioning status; Terraform's older `versioning { enabled = ... }`
/// reads as `Enabled` or, as the provider sends it, `Suspended`.
const VERSIONING_STATUS: EnumDef = EnumDef {
    name: "versioning_status",
    values: &["Enabled", "Suspended", "Disabled"],
    aliases: &[
        Alias {
            written: Spelling::Bool(true),
            value: "Enabled",
            whose: "the spelling of Terraform's older `versioning { enabled = true }`",
        },
        Alias {
            written: Spelling::Bool(false),
            value: "Suspended",
            whose: "the spelling of Terraform's older `versioning { enabled = false }`",
        },
    ],
};

/// How a bucket receives logs (rules.md "Log buckets").
const LOG_ROUTE: EnumDef = EnumDef {
    name: "log_route",
    values: &[
        "access-log-target",
        "logs-to-itself",
        "log-delivery-acl",
        "log-delivery-policy",
    ],
    aliases: &[],
};

/// Whether `b` receives any of `deliveries`, as a fact on the bucket.
fn receives(m: &Model, b: &S3Bucket, deliveries: &[Delivery]) -> Fact {
    let routes = logs::routes(m, b);
    let header = m.resource(b.resource).header;
    Fact::computed(routes.receives(deliveries).value(header), b.resource)
}

/// A fact about the routes found (`route`, `reason`): absent when the
/// bucket is known to receive no logs, unknown when that is not known.
fn about_routes(m: &Model, b: &S3Bucket, read: fn(&Routes) -> Value) -> Fact {
    let routes = logs::routes(m, b);
    match routes.receives(logs::every_delivery()) {
        logs::Answer::Yes(_) => Fact::computed(read(&routes), b.resource),
        logs::Answer::Unknown(u) => Fact::computed(u.clone(), b.resource),
        logs::Answer::No => Fact::absent(),
    }
}

const OBJECT_OWNERSHIP: EnumDef = EnumDef {
    name: "object_ownership",
    values: &[
        "BucketOwnerEnforced",
        "BucketOwnerPreferred",
        "ObjectWriter",
    ],
    aliases: &[],
};

const SSE_ALGORITHM: EnumDef = EnumDef {
    name: "sse_algorithm",
    values: &["AES256", "aws:kms", "aws:kms:dsse"],
    aliases: &[],
};

const GRANTEE_TYPE: EnumDef = EnumDef {
    name: "grantee_type",
    values: &["CanonicalUser", "Group", "AmazonCustomerByEmail"],
    aliases: &[],
};

const PERMISSION: EnumDef = EnumDef {
    name: "permission",
    values: &["FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP"],
    aliases: &[],
};

/// The predefined group of a grantee URI (`.../groups/global/AllUsers`).
const ACL_GROUP: EnumDef = EnumDef {
    name: "acl_group",
    values: &["AllUsers", "AuthenticatedUsers", "LogDelivery"],
    aliases: &[],
};

/// A public access block setting, spelled as Terraform does.
const PAB_FLAG: EnumDef = EnumDef {
    name: "public_access_block_flag",
    values: &[
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ],
    aliases: &[
        cloudformation("BlockPublicAcls", "block_public_acls"),
        cloudformation("BlockPublicPolicy", "block_public_policy"),
        cloudformation("IgnorePublicAcls", "ignore_public_acls"),
        cloudformation("RestrictPublicBuckets", "restrict_public_buckets"),
    ],
};

const GRANT: ItemDef = ItemDef {
    name: "grant",
    keys: &[
        ("grantee_type", FactType::Enum(&GRANTEE_TYPE)),
        ("uri", FactType::String),
        ("id", FactType::String),
        ("permission", FactType::Enum(&PERMISSION)),
        ("group", FactType::Enum(&ACL_GROUP)),
    ],
};

const ALLOWED_ORIGIN: ItemDef = ItemDef {
    name: "allowed_origin",
    keys: &[("origin", FactType::String)],
};

/// A flag of a public access block; `name` is shown as the file's language
/// spells it and compared as `PAB_FLAG` spells it.
const FLAG: ItemDef = ItemDef {
    name: "flag",
    keys: &[
        ("name", FactType::Enum(&PAB_FLAG)),
        ("value", FactType::Bool),
    ],
};

/// A public access block flag's name as the resource's language writes it.
fn flag_name(dialect: Dialect, flag: &str) -> &'static str {
    let names: [(&str, &'static str, &'static str); 4] = [
        ("block_public_acls", "block_public_acls", "BlockPublicAcls"),
        (
            "block_public_policy",
            "block_public_policy",
            "BlockPublicPolicy",
        ),
        (
            "ignore_public_acls",
            "ignore_public_acls",
            "IgnorePublicAcls",
        ),
        (
            "restrict_public_buckets",
            "restrict_public_buckets",
            "RestrictPublicBuckets",
        ),
    ];
    names
        .iter()
        .find(|(key, _, _)| *key == flag)
        .map_or("", |(_, tf, cfn)| match dialect {
            Dialect::Terraform => tf,
            Dialect::CloudFormation => cfn,
        })
}

fn flags(block: &PublicAccessBlock) -> [(&'static str, Option<&Value>); 4] {
    [
        ("block_public_acls", block.block_public_acls.as_ref()),
        ("block_public_policy", block.block_public_policy.as_ref()),
        ("ignore_public_acls", block.ignore_public_acls.as_ref()),
        (
            "restrict_public_buckets",
            block.restrict_public_buckets.as_ref(),
        ),
    ]
}

/// Every flag written in a block, as items with its name and value.
fn flag_items(m: &Model, block: Option<&PublicAccessBlock>) -> Fact {
    let Some(block) = block else {
        return Fact::absent();
    };
    let dialect = m.resource(block.origin.resource).dialect;
    let items = flags(block)
        .into_iter()
        .filter_map(|(flag, value)| {
            let value = value?;
            let name = Value::string(flag_name(dialect, flag), value.span);
            Some(item(
                value.span,
                vec![("name", Some(&name)), ("value", Some(value))],
            ))
        })
        .collect();
    Fact::computed(
        Value::new(ValueKind::List(items), block.origin.span),
        block.origin.resource,
    )
}

/// The flags a block leaves out (which means false), named, at the block.
fn omitted_flags(m: &Model, block: Option<&PublicAccessBlock>) -> Fact {
    let Some(block) = block else {
        return Fact::absent();
    };
    let dialect = m.resource(block.origin.resource).dialect;
    let omitted: Vec<&str> = flags(block)
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(flag, _)| flag_name(dialect, flag))
        .collect();
    if omitted.is_empty() {
        return Fact::absent();
    }
    Fact::computed(
        Value::string(omitted.join(", "), block.origin.span),
        block.origin.resource,
    )
}

/// The first of `wanted` flags, on the bucket's block and then the
/// account's, that is known to be true, described for messages. Unknown
/// settings never lower a severity.
fn neutralised_by(m: &Model, b: &S3Bucket, wanted: &[&str]) -> Option<(Value, ResourceId)> {
    for (block, scope) in [
        (
            b.public_access_block.as_ref(),
            "the bucket's public access block",
        ),
        (
            b.account_public_access_block.as_ref(),
            "the account's public access block",
        ),
    ] {
        let Some(block) = block else { continue };
        let dialect = m.resource(block.origin.resource).dialect;
        for (flag, value) in flags(block) {
            if !wanted.contains(&flag) {
                continue;
            }
            if let Some(value) = value.filter(|v| truthy(v) == Some(true)) {
                let name = flag_name(dialect, flag);
                let text = match dialect {
                    Dialect::Terraform => format!("{name} = true in {scope}"),
                    Dialect::CloudFormation => format!("{name}: true in {scope}"),
                };
                return Some((Value::string(text, value.span), block.origin.resource));
            }
        }
    }
    None
}

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
                ty: FactType::Presence,
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
                ty: FactType::Bool,
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_deref(), |p| p.block_public_acls.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".block_public_policy"),
                doc: concat!(
                    "`block_public_policy` of the ",
                    $scope,
                    " public access block, as written"
                ),
                ty: FactType::Bool,
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_deref(), |p| p.block_public_policy.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".ignore_public_acls"),
                doc: concat!(
                    "`ignore_public_acls` of the ",
                    $scope,
                    " public access block, as written"
                ),
                ty: FactType::Bool,
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_deref(), |p| p.ignore_public_acls.as_ref())
                },
            },
            FactDef {
                name: concat!($prefix, ".restrict_public_buckets"),
                doc: concat!(
                    "`restrict_public_buckets` of the ",
                    $scope,
                    " public access block, as written"
                ),
                ty: FactType::Bool,
                get: |_, b: &S3Bucket| {
                    pab_flag(b.$field.as_deref(), |p| p.restrict_public_buckets.as_ref())
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

/// The encryption configuration and its first rule that sets default
/// encryption (an algorithm, known or not); `None` when there is no
/// configuration or its rules set none (rules.md, `s3-encryption-missing`).
fn default_encryption(b: &S3Bucket) -> Option<(&Encryption, &EncryptionRule)> {
    let e = b.encryption.as_ref()?;
    let rule = e.rules.iter().find(|r| r.algorithm.is_some())?;
    Some((e, rule))
}

const BASE: &[FactDef<S3Bucket>] = &[
    FactDef {
        name: "name",
        doc: "the bucket name (`bucket`, `BucketName`), when written",
        ty: FactType::String,
        get: |_, b| Fact {
            value: b.name.clone(),
            resource: Some(b.resource),
        },
    },
    FactDef {
        name: "tags",
        doc: "the bucket's tags, as a map",
        ty: FactType::Map,
        get: |_, b| Fact {
            value: b.tags.clone(),
            resource: Some(b.resource),
        },
    },
    FactDef {
        name: "acl",
        doc: "present when the bucket has an ACL (inline, `aws_s3_bucket_acl`, `AccessControl`)",
        ty: FactType::Presence,
        get: |_, b| b.acl.as_ref().map_or_else(Fact::absent, |a| Fact::present(&a.origin)),
    },
    FactDef {
        name: "acl.canned",
        doc: "the canned ACL, spelled as Terraform does: CloudFormation's `PublicRead` is `public-read` in conditions (messages show it as written)",
        ty: FactType::Enum(&CANNED_ACL),
        get: |_, b| b.acl.as_ref().map_or_else(Fact::absent, |a| Fact::setting(&a.origin, a.canned.as_ref())),
    },
    FactDef {
        name: "acl.grants",
        doc: "the ACL's grants; each item has `grantee_type`, `uri`, `id`, `permission` and `group` (`AllUsers`, `AuthenticatedUsers`, ... taken from a group URI)",
        ty: FactType::List(&FactType::Item(&GRANT)),
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
        name: "acl.in_use",
        doc: "whether the bucket uses ACLs: a canned ACL other than `private`, or grants; located at the first grant, else at the canned ACL. Absent without an ACL, and for satellites whose bucket is not in the configuration (whether that bucket enforces ownership cannot be seen)",
        ty: FactType::Bool,
        get: |_, b| {
            let Some(acl) = b.acl.as_ref().filter(|_| b.orphan.is_none()) else { return Fact::absent() };
            let value = match (acl.grants.first(), &acl.canned) {
                (Some(grant), _) => Value::bool(true, grant.span),
                (None, Some(canned)) if canned.is_unknown() => canned.clone(),
                (None, Some(canned)) => Value::bool(!matches!(canned.as_str(), Some("private" | "Private")), canned.span),
                (None, None) => Value::bool(false, acl.origin.span),
            };
            Fact::computed(value, acl.origin.resource)
        },
    },
    FactDef {
        name: "ownership",
        doc: "present when object ownership controls exist",
        ty: FactType::Presence,
        get: |_, b| b.ownership.as_ref().map_or_else(Fact::absent, |o| Fact::present(&o.origin)),
    },
    FactDef {
        name: "ownership.object_ownership",
        doc: "the object ownership setting (`object_ownership`, `ObjectOwnership`)",
        ty: FactType::Enum(&OBJECT_OWNERSHIP),
        get: |_, b| b.ownership.as_ref().map_or_else(Fact::absent, |o| Fact::setting(&o.origin, o.object_ownership.as_ref())),
    },
    FactDef {
        name: "versioning",
        doc: "present when a versioning configuration exists",
        ty: FactType::Presence,
        get: |_, b| b.versioning.as_ref().map_or_else(Fact::absent, |v| Fact::present(&v.origin)),
    },
    FactDef {
        name: "versioning.status",
        doc: "the versioning status; Terraform's older `enabled = true` and `enabled = false` read as `Enabled` and `Suspended`",
        ty: FactType::Enum(&VERSIONING_STATUS),
        get: |_, b| b.versioning.as_ref().map_or_else(Fact::absent, |v| Fact::setting(&v.origin, v.status.as_ref())),
    },
    FactDef {
        name: "versioning.enabled",
        doc: "whether versioning is on: `true` for `Enabled`/`true`, `false` for `Suspended`, `Disabled`, `false` or an empty configuration",
        ty: FactType::Bool,
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
        doc: "present when a default server-side encryption configuration exists and one of its rules sets default encryption (`apply_server_side_encryption_by_default` / `ServerSideEncryptionByDefault` with an algorithm): a configuration whose rules set none (`rule {}`) is no configuration",
        ty: FactType::Presence,
        get: |_, b| match default_encryption(b) {
            Some((e, _)) => Fact::present(&e.origin),
            None => Fact::absent(),
        },
    },
    FactDef {
        name: "encryption.algorithm",
        doc: "the `sse_algorithm` / `SSEAlgorithm` of the first rule that sets default encryption",
        ty: FactType::Enum(&SSE_ALGORITHM),
        get: |_, b| default_encryption(b).map_or_else(Fact::absent, |(e, r)| Fact::setting(&e.origin, r.algorithm.as_ref())),
    },
    FactDef {
        name: "encryption.kms_key_id",
        doc: "the KMS key (`kms_master_key_id`, `KMSMasterKeyID`) of the first rule that sets default encryption",
        ty: FactType::String,
        get: |_, b| default_encryption(b).map_or_else(Fact::absent, |(e, r)| Fact::setting(&e.origin, r.kms_key_id.as_ref())),
    },
    FactDef {
        name: "logging",
        doc: "present when server access logging is configured",
        ty: FactType::Presence,
        get: |_, b| b.logging.as_ref().map_or_else(Fact::absent, |l| Fact::present(&l.origin)),
    },
    FactDef {
        name: "logging.target_bucket",
        doc: "the bucket that receives the access logs",
        ty: FactType::String,
        get: |_, b| b.logging.as_ref().map_or_else(Fact::absent, |l| Fact::setting(&l.origin, l.target_bucket.as_ref())),
    },
    FactDef {
        name: "is_log_target",
        doc: "`true` when another bucket in the configuration delivers its access logs to this one (one route of `receives_logs`)",
        ty: FactType::Bool,
        get: |m, b| {
            let resource = m.resource(b.resource);
            Fact::computed(Value::bool(!b.log_sources.is_empty(), resource.header), b.resource)
        },
    },
    FactDef {
        name: "receives_logs",
        doc: "whether the bucket receives logs (rules.md \"Log buckets\"): another bucket's server access logging targets it (in any module instance of the configuration), its CloudFormation `LoggingConfiguration` names no `DestinationBucketName` (it logs to itself), its canned ACL is `log-delivery-write` or it grants `WRITE` to the `LogDelivery` group, or its policy allows `s3:PutObject` to `logging.s3.amazonaws.com`, `delivery.logs.amazonaws.com`, `logdelivery.elasticloadbalancing.amazonaws.com` or an Elastic Load Balancing account (AWS's per-region list, or `data \"aws_elb_service_account\"`). Unknown when a value that could open a route is",
        ty: FactType::Bool,
        get: |m, b| receives(m, b, logs::every_delivery()),
    },
    FactDef {
        name: "receives_logs.route",
        doc: "the first route by which the bucket receives logs: `access-log-target`, `logs-to-itself`, `log-delivery-acl` or `log-delivery-policy`; absent for a bucket that receives none",
        ty: FactType::Enum(&LOG_ROUTE),
        get: |m, b| about_routes(m, b, |r| match r.found.first() {
            Some(route) => Value::string(route.kind.name(), route.span),
            None => Value::string("", Span::default()),
        }),
    },
    FactDef {
        name: "receives_logs.reason",
        doc: "why the bucket receives logs, in words for messages (`its canned ACL is log-delivery-write`, `its policy lets logging.s3.amazonaws.com put objects in it`, ...), every route found joined with semicolons; absent for a bucket that receives none",
        ty: FactType::String,
        get: |m, b| about_routes(m, b, |r| {
            let span = r.found.first().map(|route| route.span).unwrap_or_default();
            Value::string(r.reasons(), span)
        }),
    },
    FactDef {
        name: "receives_server_access_logs",
        doc: "whether the bucket receives S3 server access logs, which S3 delivers only to buckets encrypted with SSE-S3: by another bucket's logging, by logging to itself, by the log delivery ACL, or by a policy for `logging.s3.amazonaws.com`",
        ty: FactType::Bool,
        get: |m, b| receives(m, b, &[Delivery::ServerAccess]),
    },
    FactDef {
        name: "receives_load_balancer_logs",
        doc: "whether the bucket receives Application or Classic Load Balancer access logs, which Elastic Load Balancing delivers only to buckets encrypted with SSE-S3: its policy allows `s3:PutObject` to `logdelivery.elasticloadbalancing.amazonaws.com` or an Elastic Load Balancing account",
        ty: FactType::Bool,
        get: |m, b| receives(m, b, &[Delivery::LoadBalancer]),
    },
    FactDef {
        name: "replication",
        doc: "present when a replication configuration exists",
        ty: FactType::Presence,
        get: |_, b| b.replication.as_ref().map_or_else(Fact::absent, |r| Fact::present(&r.origin)),
    },
    FactDef {
        name: "replication.enabled",
        doc: "whether the replication configuration replicates anything: some rule's `status` / `Status` is `Enabled`; `false` when every rule is `Disabled` (or it has none)",
        ty: FactType::Bool,
        get: |_, b| {
            let Some(r) = &b.replication else { return Fact::absent() };
            let mut value = Value::bool(false, r.origin.span);
            for rule in &r.rules {
                match &rule.status {
                    Some(status) if status.is_unknown() => value = status.clone(),
                    Some(status) if status.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Enabled")) => {
                        value = Value::bool(true, status.span);
                        break;
                    }
                    _ => {}
                }
            }
            Fact::computed(value, r.origin.resource)
        },
    },
    FactDef {
        name: "backed_up",
        doc: "whether an AWS Backup selection of the configuration (`aws_backup_selection` `resources`, `AWS::Backup::BackupSelection` `BackupSelection.Resources`) names the bucket: a reference to it, its ARN, or a pattern covering it (`arn:aws:s3:::*`, `*`), and its `not_resources` do not take it out. Unknown when a selection's resource list is, or a pattern meets a bucket name that is",
        ty: FactType::Bool,
        get: |m, b| Fact::computed(logs::backed_up(b, m.resource(b.resource).header), b.resource),
    },
    FactDef {
        name: "website",
        doc: "present when static website hosting is configured",
        ty: FactType::Presence,
        get: |_, b| b.website.as_ref().map_or_else(Fact::absent, Fact::present),
    },
    FactDef {
        name: "cors",
        doc: "present when a CORS configuration exists",
        ty: FactType::Presence,
        get: |_, b| b.cors.as_ref().map_or_else(Fact::absent, |c| Fact::present(&c.origin)),
    },
    FactDef {
        name: "cors.allowed_origins",
        doc: "every allowed origin of every CORS rule; each item has `origin`",
        ty: FactType::List(&FactType::Item(&ALLOWED_ORIGIN)),
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
        ty: FactType::Presence,
        get: |_, b| b.policy.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
    },
    FactDef {
        name: "policy.statements",
        doc: "the bucket policy's statements; each item has `sid`, `effect`, `principal`, `action`, `public` (an `Allow` for every principal that no condition pins to fixed callers, located at the principal), `broad` (an `Allow` with action `*` or `s3:*`, `NotAction` or `NotPrincipal`), `broad_at` (the value that makes it broad: the `s3:*` element, the `NotAction` or `NotPrincipal` value) and `broad_reason` (`every action`, `every action except those NotAction names`, ...). Unknown when the policy text is",
        ty: STATEMENTS,
        get: |_, b| {
            let Some(policy) = &b.policy else { return Fact::absent() };
            Fact {
                value: iam::statement_items(&policy.document, policy.origin.span),
                resource: Some(policy.origin.resource),
            }
        },
    },
    FactDef {
        name: "policy.denies_insecure_transport",
        doc: "whether a bucket policy statement denies every principal's requests when `aws:SecureTransport` is false, for every S3 action (`s3:*`, `*`, or a `NotAction` that names no S3 action) on the bucket's objects (`*`, the bucket's ARN with `/*`, or a pattern covering it; a Resource written from the bucket's own unknown ARN, `\"${aws_s3_bucket.b.arn}/*\"` or `!Sub \"${B.Arn}/*\"`, counts). `NotResource` does not count; an unknown Resource, or a pattern compared with an unknown bucket name, is unknown. `false` without a policy",
        ty: FactType::Bool,
        get: |m, b| {
            let bucket = iam::OwnBucket { name: b.name.as_ref(), address: &m.resource(b.resource).address };
            match &b.policy {
                Some(p) => Fact::computed(iam::insecure_transport_denied(Some(&p.document), &bucket, p.origin.span), p.origin.resource),
                None => Fact::computed(iam::insecure_transport_denied(None, &bucket, m.resource(b.resource).header), b.resource),
            }
        },
    },
    FactDef {
        name: "policy.neutralised_by",
        doc: "the setting that makes a public bucket policy ineffective or undeployable (`restrict_public_buckets` or `block_public_policy` known to be true, on the bucket or the account), located at it; absent when none is",
        ty: FactType::String,
        get: |m, b| match neutralised_by(m, b, &["restrict_public_buckets", "block_public_policy"]) {
            Some((value, resource)) => Fact::computed(value, resource),
            None => Fact::absent(),
        },
    },
    FactDef {
        name: "acl.neutralised_by",
        doc: "the setting that makes a public ACL ineffective or undeployable (`ignore_public_acls` or `block_public_acls` known to be true on the bucket or the account, or object ownership `BucketOwnerEnforced`), located at it; absent when none is",
        ty: FactType::String,
        get: |m, b| {
            if let Some((value, resource)) = neutralised_by(m, b, &["ignore_public_acls", "block_public_acls"]) {
                return Fact::computed(value, resource);
            }
            let Some(ownership) = &b.ownership else { return Fact::absent() };
            match ownership.object_ownership.as_ref().filter(|v| v.as_str() == Some("BucketOwnerEnforced")) {
                Some(v) => Fact::computed(
                    Value::string("object ownership BucketOwnerEnforced (ACLs disabled)", v.span),
                    ownership.origin.resource,
                ),
                None => Fact::absent(),
            }
        },
    },
    FactDef {
        name: "public_access_block.flags",
        doc: "every flag written in the bucket's public access block; each item has `name` (as the file's language spells it) and `value`",
        ty: FactType::List(&FactType::Item(&FLAG)),
        get: |m, b| flag_items(m, b.public_access_block.as_deref()),
    },
    FactDef {
        name: "public_access_block.omitted_flags",
        doc: "the flags the bucket's public access block leaves out (an omitted flag is false), joined with commas and located at the block; absent when it sets all four",
        ty: FactType::String,
        get: |m, b| omitted_flags(m, b.public_access_block.as_deref()),
    },
    FactDef {
        name: "account_public_access_block.flags",
        doc: "every flag written in the account-wide public access block; items as for `public_access_block.flags`",
        ty: FactType::List(&FactType::Item(&FLAG)),
        get: |m, b| flag_items(m, b.account_public_access_block.as_deref()),
    },
    FactDef {
        name: "account_public_access_block.omitted_flags",
        doc: "the flags the account-wide public access block leaves out, as for `public_access_block.omitted_flags`",
        ty: FactType::String,
        get: |m, b| omitted_flags(m, b.account_public_access_block.as_deref()),
    },
    FactDef {
        name: "encryption.uses_cmk",
        doc: "whether default encryption is SSE-KMS (`aws:kms`, `aws:kms:dsse`) with a customer-managed key: a key id is given and is not an AWS-managed key (`alias/aws/...` or its ARN, written directly, through `!Sub`/`!Join` or a `data \"aws_kms_alias\"` / `data \"aws_kms_key\"` read for such an alias). A key created in the same configuration (`aws_kms_key.k.arn`, `!GetAtt Key.Arn`) is customer-managed; a key id from an input with no value is unknown",
        ty: FactType::Bool,
        get: |_, b| {
            let Some((e, rule)) = default_encryption(b) else { return Fact::absent() };
            let value = match &rule.algorithm {
                None => Value::bool(false, e.origin.span),
                Some(algorithm) if algorithm.is_unknown() => algorithm.clone(),
                Some(algorithm) => {
                    let kms = matches!(algorithm.as_str(), Some("aws:kms" | "aws:kms:dsse"));
                    match rule.kms_key_id.as_ref().filter(|_| kms) {
                        None => Value::bool(false, algorithm.span),
                        Some(k) => match kms::key(k) {
                            kms::Key::Customer => Value::bool(true, algorithm.span),
                            kms::Key::AwsManaged => Value::bool(false, algorithm.span),
                            // An input nobody gave could be the AWS-managed key.
                            kms::Key::Unknown => k.clone(),
                        },
                    }
                }
            };
            Fact::computed(value, e.origin.resource)
        },
    },
];

pub(crate) static FACTS: LazyLock<Vec<FactDef<S3Bucket>>> = LazyLock::new(|| {
    BASE.iter()
        .copied()
        .chain(BUCKET_PAB)
        .chain(ACCOUNT_PAB)
        .collect()
});
