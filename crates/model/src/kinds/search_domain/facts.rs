use std::sync::LazyLock;

use crate::{SearchDomain, Value, ValueKind};

use crate::kinds::facts::{
    bool_from, item, truthy, EnumDef, Fact, FactDef, FactType, ItemDef, STATEMENTS,
};
use crate::kinds::{iam, kms};

/// A TLS security policy of a domain endpoint. Both languages spell them
/// alike; a policy AWS adds later reads as a value outside the enum.
const TLS_POLICY: EnumDef = EnumDef {
    name: "tls_security_policy",
    values: &[
        "Policy-Min-TLS-1-0-2019-07",
        "Policy-Min-TLS-1-2-2019-07",
        "Policy-Min-TLS-1-2-PFS-2023-10",
    ],
    aliases: &[],
};

/// The kind of log a log publishing option sends (Terraform's `log_type`,
/// the key of CloudFormation's `LogPublishingOptions`).
const LOG_TYPE: EnumDef = EnumDef {
    name: "log_type",
    values: &[
        "INDEX_SLOW_LOGS",
        "SEARCH_SLOW_LOGS",
        "ES_APPLICATION_LOGS",
        "AUDIT_LOGS",
    ],
    aliases: &[],
};

const LOG_OPTION: ItemDef = ItemDef {
    name: "log_publishing_option",
    keys: &[
        ("log_type", FactType::Enum(&LOG_TYPE)),
        ("enabled", FactType::Bool),
        ("destination", FactType::String),
    ],
};

/// Whether any log publishing option of `wanted` type (any type when `None`)
/// is on: an option counts unless `enabled` is explicitly false, and only
/// when it names a CloudWatch log group (known or unknown): an entry with no
/// log group publishes nothing (rules.md, `es-audit-logging-disabled`
/// (v1.1)). When none is on, the answer is located at the first option
/// turned off or without a log group, or at `span`.
fn publishes_logs(d: &SearchDomain, span: crate::Span, wanted: Option<&str>) -> Value {
    let mut unknown = None;
    let mut off = None;
    for option in &d.log_publishing {
        if let Some(wanted) = wanted {
            match &option.log_type {
                Some(t) if t.is_unknown() => {
                    unknown.get_or_insert_with(|| t.clone());
                    continue;
                }
                Some(t) if t.as_str() == Some(wanted) => {}
                _ => continue,
            }
        }
        let Some(destination) = &option.destination else {
            // No log group: the entry publishes nothing, whatever `enabled`.
            off.get_or_insert(option.origin.span);
            continue;
        };
        match &option.enabled {
            None => return Value::bool(true, destination.span),
            Some(e) if e.is_unknown() => {
                unknown.get_or_insert_with(|| e.clone());
            }
            Some(e) => {
                if truthy(e) != Some(false) {
                    return Value::bool(true, option.origin.span);
                }
                // An option turned off: that is where the finding belongs.
                off.get_or_insert(e.span);
            }
        }
    }
    unknown.unwrap_or_else(|| Value::bool(false, off.unwrap_or(span)))
}

/// An `enabled` flag of an optional part: off when the part or the flag is
/// absent, unknown when the flag is.
fn part_on(part: Option<(&crate::Origin, Option<&Value>)>) -> Fact {
    let Some((origin, enabled)) = part else {
        return Fact::absent();
    };
    let value = match enabled {
        Some(enabled) => bool_from(enabled, enabled.span),
        None => Value::bool(false, origin.span),
    };
    Fact::computed(value, origin.resource)
}

/// Facts for a part of the domain: its presence and its settings as written.
macro_rules! part {
    ($field:ident, $name:literal, $what:literal $(, $setting:ident : $ty:expr, $doc:literal)*) => {
        [
            FactDef {
                name: $name,
                doc: concat!("present when the domain has ", $what),
                ty: FactType::Presence,
                get: |_, d: &SearchDomain| d.$field.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
            },
            $(FactDef {
                name: concat!($name, ".", stringify!($setting)),
                doc: $doc,
                ty: $ty,
                get: |_, d: &SearchDomain| d.$field.as_ref().map_or_else(Fact::absent, |p| Fact::setting(&p.origin, p.$setting.as_ref())),
            },)*
        ]
    };
}

const STRINGS: FactType = FactType::List(&FactType::String);

const VPC: [FactDef<SearchDomain>; 3] = part!(vpc_options, "vpc_options", "VPC options",
    subnet_ids: STRINGS, "the subnets the domain's endpoint lives in",
    security_group_ids: STRINGS, "the security groups of the domain's endpoint");
const AT_REST: [FactDef<SearchDomain>; 3] = part!(encryption_at_rest, "encryption_at_rest", "encryption-at-rest options",
    enabled: FactType::Bool, "`enabled` / `Enabled` of the encryption-at-rest options, as written",
    kms_key_id: FactType::String, "the KMS key of encryption at rest");
const NODE_TO_NODE: [FactDef<SearchDomain>; 2] = part!(node_to_node_encryption, "node_to_node_encryption", "node-to-node encryption options",
    enabled: FactType::Bool, "`enabled` / `Enabled` of node-to-node encryption, as written");
const ENDPOINT: [FactDef<SearchDomain>; 3] = part!(endpoint_options, "endpoint_options", "domain endpoint options",
    enforce_https: FactType::Bool, "`enforce_https` / `EnforceHTTPS`, as written",
    tls_security_policy: FactType::Enum(&TLS_POLICY), "`tls_security_policy` / `TLSSecurityPolicy`");
const SECURITY: [FactDef<SearchDomain>; 6] = part!(advanced_security, "advanced_security", "advanced security options (fine-grained access control)",
    enabled: FactType::Bool, "whether fine-grained access control is enabled, as written",
    anonymous_auth_enabled: FactType::Bool, "`anonymous_auth_enabled` / `AnonymousAuthEnabled`, as written",
    internal_user_database_enabled: FactType::Bool, "whether the internal user database is enabled",
    master_user_name: FactType::String, "the master user's name",
    master_user_password: FactType::String, "the master user's password, as written");
const CLUSTER: [FactDef<SearchDomain>; 4] = part!(cluster_config, "cluster_config", "a cluster configuration",
    zone_awareness_enabled: FactType::Bool, "`zone_awareness_enabled` / `ZoneAwarenessEnabled`, as written",
    instance_count: FactType::Number, "the number of data nodes",
    dedicated_master_enabled: FactType::Bool, "whether dedicated master nodes are enabled");

const BASE: &[FactDef<SearchDomain>] = &[
    FactDef {
        name: "name",
        doc: "the domain name, when written",
        ty: FactType::String,
        get: |_, d| Fact {
            value: d.name.clone(),
            resource: Some(d.resource),
        },
    },
    FactDef {
        name: "engine_version",
        doc: "the engine version (`engine_version`, `elasticsearch_version`, `EngineVersion`)",
        ty: FactType::String,
        get: |_, d| Fact {
            value: d.engine_version.clone(),
            resource: Some(d.resource),
        },
    },
    FactDef {
        name: "tags",
        doc: "the domain's tags, as a map",
        ty: FactType::Map,
        get: |_, d| Fact {
            value: d.tags.clone(),
            resource: Some(d.resource),
        },
    },
    FactDef {
        name: "encryption_at_rest.on",
        doc: "whether encryption at rest is on: the options exist and `enabled` is true (an omitted `enabled` is off)",
        ty: FactType::Bool,
        get: |_, d| part_on(d.encryption_at_rest.as_ref().map(|e| (&e.origin, e.enabled.as_ref()))),
    },
    FactDef {
        name: "encryption_at_rest.uses_cmk",
        doc: "whether encryption at rest names a customer-managed KMS key: a key id is given and is not an AWS-managed key (`alias/aws/...` or its ARN, written directly, through `!Sub`/`!Join` or a `data \"aws_kms_alias\"` / `data \"aws_kms_key\"` read for such an alias). A key created in the same configuration counts as customer-managed; a key id from an input with no value is unknown",
        ty: FactType::Bool,
        get: |_, d| {
            let Some(e) = &d.encryption_at_rest else { return Fact::absent() };
            let value = match &e.kms_key_id {
                None => Value::bool(false, e.origin.span),
                // A key created here is customer-managed; an input nobody
                // gave could be the AWS-managed one.
                Some(k) => match kms::key(k) {
                    kms::Key::Customer => Value::bool(true, k.span),
                    kms::Key::AwsManaged => Value::bool(false, k.span),
                    kms::Key::Unknown => k.clone(),
                },
            };
            Fact::computed(value, e.origin.resource)
        },
    },
    FactDef {
        name: "node_to_node_encryption.on",
        doc: "whether node-to-node encryption is on (an omitted `enabled` is off)",
        ty: FactType::Bool,
        get: |_, d| part_on(d.node_to_node_encryption.as_ref().map(|e| (&e.origin, e.enabled.as_ref()))),
    },
    FactDef {
        name: "advanced_security.on",
        doc: "whether fine-grained access control is on (an omitted `enabled` is off)",
        ty: FactType::Bool,
        get: |_, d| part_on(d.advanced_security.as_ref().map(|e| (&e.origin, e.enabled.as_ref()))),
    },
    FactDef {
        name: "endpoint_options.https_enforced",
        doc: "whether the endpoint refuses plain HTTP: `enforce_https` / `EnforceHTTPS` as written; when left out of endpoint options that exist, Terraform's default (true) or CloudFormation's (false); false without endpoint options",
        ty: FactType::Bool,
        get: |m, d| {
            let Some(e) = &d.endpoint_options else {
                return Fact::computed(Value::bool(false, m.resource(d.resource).header), d.resource);
            };
            let value = match &e.enforce_https {
                Some(v) => bool_from(v, v.span),
                None => {
                    let default = m.resource(e.origin.resource).dialect == crate::Dialect::Terraform;
                    Value::bool(default, e.origin.span)
                }
            };
            Fact::computed(value, e.origin.resource)
        },
    },
    FactDef {
        name: "advanced_security.master_password_in_code",
        doc: "whether the master user's password is written in the source: a known string (a literal, or a variable default) that is not a CloudFormation dynamic reference (`{{resolve:...}}`); `false` when it comes from somewhere phiguard cannot see, such as a variable without default or another resource",
        ty: FactType::Bool,
        get: |_, d| {
            let Some(s) = &d.advanced_security else { return Fact::absent() };
            let Some(password) = &s.master_user_password else { return Fact::absent() };
            // An empty default is a placeholder, not a password.
            let literal = password
                .as_str()
                .is_some_and(|p| !p.trim().is_empty() && !p.trim_start().starts_with("{{resolve:"));
            Fact::computed(Value::bool(literal, password.span), s.origin.resource)
        },
    },
    FactDef {
        name: "access_policy.statements",
        doc: "the access policy's statements, as for the bucket fact `policy.statements`",
        ty: STATEMENTS,
        get: |_, d| {
            let Some(policy) = &d.access_policy else { return Fact::absent() };
            Fact {
                value: iam::statement_items(&policy.document, policy.origin.span),
                resource: Some(policy.origin.resource),
            }
        },
    },
    FactDef {
        name: "audit_logging",
        doc: "whether an `AUDIT_LOGS` log publishing option is on (unless `enabled` is explicitly false)",
        ty: FactType::Bool,
        get: |m, d| Fact::computed(publishes_logs(d, m.resource(d.resource).header, Some("AUDIT_LOGS")), d.resource),
    },
    FactDef {
        name: "log_publishing.any",
        doc: "whether any log publishing option (to CloudWatch Logs) is on",
        ty: FactType::Bool,
        get: |m, d| Fact::computed(publishes_logs(d, m.resource(d.resource).header, None), d.resource),
    },
    FactDef {
        name: "vpc_options.in_vpc",
        doc: "whether the domain's endpoint is in a VPC: VPC options with subnets. An empty subnet list is no VPC; a subnet list that is not known offline is a VPC (AWS rejects VPC options without subnets rather than creating a public domain). `false` without VPC options",
        ty: FactType::Bool,
        get: |m, d| {
            let Some(v) = &d.vpc_options else {
                return Fact::computed(Value::bool(false, m.resource(d.resource).header), d.resource);
            };
            let value = match &v.subnet_ids {
                None => Value::bool(false, v.origin.span),
                Some(ids) if ids.is_unknown() => Value::bool(true, ids.span),
                Some(ids) => match ids.as_list() {
                    Some(list) => Value::bool(!list.is_empty(), ids.span),
                    None => Value::bool(true, ids.span),
                },
            };
            Fact::computed(value, v.origin.resource)
        },
    },
    FactDef {
        name: "vpc_options.subnet_count",
        doc: "how many subnets the VPC options list (unknown when the list is)",
        ty: FactType::Number,
        get: |_, d| {
            let Some(v) = &d.vpc_options else { return Fact::absent() };
            let value = match &v.subnet_ids {
                None => Value::new(ValueKind::Number(0.0), v.origin.span),
                Some(ids) if ids.is_unknown() => ids.clone(),
                Some(ids) => match ids.as_list() {
                    Some(list) => match list.iter().find(|i| i.is_unknown()) {
                        Some(unknown) => unknown.clone(),
                        None => Value::new(ValueKind::Number(list.len() as f64), ids.span),
                    },
                    None => Value::new(ValueKind::Number(1.0), ids.span),
                },
            };
            Fact::computed(value, v.origin.resource)
        },
    },
    FactDef {
        name: "log_publishing",
        doc: "every log publishing option; each item has `log_type`, `enabled` and `destination`",
        ty: FactType::List(&FactType::Item(&LOG_OPTION)),
        get: |m, d| {
            let resource = m.resource(d.resource);
            let items = d
                .log_publishing
                .iter()
                .map(|l| {
                    item(
                        l.origin.span,
                        vec![
                            ("log_type", l.log_type.as_ref()),
                            ("enabled", l.enabled.as_ref()),
                            ("destination", l.destination.as_ref()),
                        ],
                    )
                })
                .collect();
            Fact::computed(Value::new(ValueKind::List(items), resource.header), d.resource)
        },
    },
    FactDef {
        name: "access_policy",
        doc: "present when the domain has an access policy (inline or `aws_*_domain_policy`)",
        ty: FactType::Presence,
        get: |_, d| d.access_policy.as_ref().map_or_else(Fact::absent, |p| Fact::present(&p.origin)),
    },
];

pub(crate) static FACTS: LazyLock<Vec<FactDef<SearchDomain>>> = LazyLock::new(|| {
    BASE.iter()
        .copied()
        .chain(VPC)
        .chain(AT_REST)
        .chain(NODE_TO_NODE)
        .chain(ENDPOINT)
        .chain(SECURITY)
        .chain(CLUSTER)
        .collect()
});
