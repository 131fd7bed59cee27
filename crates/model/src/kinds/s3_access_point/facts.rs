//! What policies can ask about an S3 access point (rules.md, "v1.1
//! additions: OpenSearch Serverless and S3 access points"): its policy's
//! statements, its own public access block (whose flags default to `true`),
//! its network origin, and the bucket or account settings that neutralise
//! an exposure.

use super::view::S3AccessPoint;
use crate::kinds::facts::{bool_from, item, truthy, Fact, FactDef, FactType, ItemDef, STATEMENTS};
use crate::kinds::iam;
use crate::{Dialect, Model, PublicAccessBlock, ResourceId, Value, ValueKind};

/// A flag written in the access point's public access block, with what
/// neutralises it when it is false.
const FLAG: ItemDef = ItemDef {
    name: "access_point_flag",
    keys: &[
        ("name", FactType::String),
        ("value", FactType::Bool),
        ("neutralised_by", FactType::String),
    ],
};

const FLAGS: [(&str, &str); 4] = [
    ("block_public_acls", "BlockPublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
];

/// A flag's name as the resource's language writes it.
fn flag_name(dialect: Dialect, flag: &str) -> &'static str {
    FLAGS
        .iter()
        .find(|(tf, _)| *tf == flag)
        .map_or("", |(tf, cfn)| match dialect {
            Dialect::Terraform => tf,
            Dialect::CloudFormation => cfn,
        })
}

fn flag<'a>(block: &'a PublicAccessBlock, name: &str) -> Option<&'a Value> {
    match name {
        "block_public_acls" => block.block_public_acls.as_ref(),
        "block_public_policy" => block.block_public_policy.as_ref(),
        "ignore_public_acls" => block.ignore_public_acls.as_ref(),
        "restrict_public_buckets" => block.restrict_public_buckets.as_ref(),
        _ => None,
    }
}

/// The first of `wanted` flags that is known to be true in every source of
/// the bucket's public access block, or in the account's, described for
/// messages and located at it. Unknown settings never lower a severity.
fn neutralised_by(m: &Model, ap: &S3AccessPoint, wanted: &[&str]) -> Option<(Value, ResourceId)> {
    let describe = |block: &PublicAccessBlock, flag_key: &str, value: &Value, scope: &str| {
        let dialect = m.resource(block.origin.resource).dialect;
        let name = flag_name(dialect, flag_key);
        let text = match dialect {
            Dialect::Terraform => format!("{name} = true in {scope}"),
            Dialect::CloudFormation => format!("{name}: true in {scope}"),
        };
        (Value::string(text, value.span), block.origin.resource)
    };
    let on = |block: &PublicAccessBlock, key: &str| {
        flag(block, key)
            .filter(|v| truthy(v) == Some(true))
            .is_some()
    };
    if let Some(first) = ap.bucket_public_access_blocks.first() {
        for key in wanted {
            if ap.bucket_public_access_blocks.iter().all(|b| on(b, key)) {
                if let Some(value) = flag(first, key) {
                    return Some(describe(
                        first,
                        key,
                        value,
                        "the bucket's public access block",
                    ));
                }
            }
        }
    }
    let account = ap.account_public_access_block.as_deref()?;
    wanted.iter().find_map(|key| {
        let value = flag(account, key).filter(|v| truthy(v) == Some(true))?;
        Some(describe(
            account,
            key,
            value,
            "the account's public access block",
        ))
    })
}

/// Whether the access point's own block restricts a public policy:
/// `restrict_public_buckets` or `block_public_policy` is true or left out
/// (an access point's flags default to true). False, at
/// `restrict_public_buckets`, only when both are written false.
fn restricts_public_policy(m: &Model, ap: &S3AccessPoint) -> Fact {
    let Some(block) = ap.public_access_block.as_deref() else {
        let header = m.resource(ap.resource).header;
        return Fact::computed(Value::bool(true, header), ap.resource);
    };
    let mut unknown = None;
    for key in ["restrict_public_buckets", "block_public_policy"] {
        let value = match flag(block, key) {
            None => {
                return Fact::computed(Value::bool(true, block.origin.span), block.origin.resource)
            }
            Some(v) => bool_from(v, v.span),
        };
        match value.kind {
            ValueKind::Bool(true) => return Fact::computed(value, block.origin.resource),
            ValueKind::Bool(false) => {}
            _ => {
                unknown.get_or_insert(value);
            }
        }
    }
    let value = unknown.unwrap_or_else(|| {
        let span = flag(block, "restrict_public_buckets").map_or(block.origin.span, |v| v.span);
        Value::bool(false, span)
    });
    Fact::computed(value, block.origin.resource)
}

/// Every flag written in the access point's block, with the setting of the
/// bucket or account that neutralises it (the same flag known true there).
fn flag_items(m: &Model, ap: &S3AccessPoint) -> Fact {
    let Some(block) = ap.public_access_block.as_deref() else {
        return Fact::absent();
    };
    let dialect = m.resource(block.origin.resource).dialect;
    let items = FLAGS
        .iter()
        .filter_map(|(key, _)| {
            let value = flag(block, key)?;
            let name = Value::string(flag_name(dialect, key), value.span);
            let neutralised = neutralised_by(m, ap, &[key]).map(|(v, _)| v);
            Some(item(
                value.span,
                vec![
                    ("name", Some(&name)),
                    ("value", Some(value)),
                    ("neutralised_by", neutralised.as_ref()),
                ],
            ))
        })
        .collect();
    Fact::computed(
        Value::new(ValueKind::List(items), block.origin.span),
        block.origin.resource,
    )
}

pub(super) const FACTS: &[FactDef<S3AccessPoint>] = &[
    FactDef {
        name: "name",
        doc: "the access point's name (`name`, `Name`), when written",
        ty: FactType::String,
        get: |_, a| Fact {
            value: a.name.clone(),
            resource: Some(a.resource),
        },
    },
    FactDef {
        name: "bucket",
        doc: "the bucket the access point serves, as written (`bucket`, `Bucket`)",
        ty: FactType::String,
        get: |_, a| Fact {
            value: a.bucket.clone(),
            resource: Some(a.resource),
        },
    },
    FactDef {
        name: "tags",
        doc: "the tags of the access point's bucket, when that bucket is in the configuration (an access point has none of its own)",
        ty: FactType::Map,
        get: |_, a| Fact {
            value: a.tags.clone(),
            resource: Some(a.resource),
        },
    },
    FactDef {
        name: "public_access_block",
        doc: "present when the access point states its own public access block (`public_access_block_configuration`, `PublicAccessBlockConfiguration`)",
        ty: FactType::Presence,
        get: |_, a| a.public_access_block.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
    },
    FactDef {
        name: "public_access_block.flags",
        doc: "every flag written in the access point's public access block; each item has `name` (as the file's language spells it), `value`, and `neutralised_by`: the same flag known to be true in every source of the bucket's public access block or in the account's, described for messages (absent when none is)",
        ty: FactType::List(&FactType::Item(&FLAG)),
        get: flag_items,
    },
    FactDef {
        name: "public_access_block.restricts_public_policy",
        doc: "whether the access point's own public access block restricts a public policy: `restrict_public_buckets` or `block_public_policy` is true or left out (an access point's flags default to true, and so does a block that is absent); `false`, at `restrict_public_buckets`, only when both are written false",
        ty: FactType::Bool,
        get: restricts_public_policy,
    },
    FactDef {
        name: "policy",
        doc: "present when the access point has a policy (inline `policy`, `aws_s3control_access_point_policy`, `Policy`)",
        ty: FactType::Presence,
        get: |_, a| a.policy.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
    },
    FactDef {
        name: "policy.statements",
        doc: "the access point policy's statements, with the keys of a bucket policy's (`public` is AWS's definition for S3 Block Public Access, located at the principal). Unknown when the policy text is",
        ty: STATEMENTS,
        get: |_, a| {
            let Some(policy) = &a.policy else { return Fact::absent() };
            Fact {
                value: iam::statement_items(&policy.document, policy.origin.span),
                resource: Some(policy.origin.resource),
            }
        },
    },
    FactDef {
        name: "policy.neutralised_by",
        doc: "the setting of the bucket or the account that makes a public access point policy ineffective or undeployable (`restrict_public_buckets` or `block_public_policy` known to be true in every source of the bucket's public access block, or in the account's), located at it; absent when none is",
        ty: FactType::String,
        get: |m, a| match neutralised_by(m, a, &["restrict_public_buckets", "block_public_policy"]) {
            Some((value, resource)) => Fact::computed(value, resource),
            None => Fact::absent(),
        },
    },
    FactDef {
        name: "vpc_configuration",
        doc: "present when the access point has a VPC configuration (network origin VPC); absent means network origin Internet",
        ty: FactType::Presence,
        get: |_, a| a.vpc_configuration.as_ref().map_or_else(Fact::absent, |v| Fact::present(&v.origin)),
    },
    FactDef {
        name: "vpc_configuration.vpc_id",
        doc: "the VPC the access point accepts requests from (`vpc_id`, `VpcId`)",
        ty: FactType::String,
        get: |_, a| a.vpc_configuration.as_ref().map_or_else(Fact::absent, |v| Fact::setting(&v.origin, v.vpc_id.as_ref())),
    },
];
