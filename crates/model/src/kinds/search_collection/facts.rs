//! What policies can ask about an OpenSearch Serverless collection: the
//! rule sets of the network, encryption and data access policies covering
//! it, each with whether it covers the collection (unknown when the name or
//! a pattern is), and what it states.

use std::sync::LazyLock;

use super::rules::{self, Tri};
use super::{CollectionPolicy, SearchCollection};
use crate::kinds::facts::{bool_from, item, Fact, FactDef, FactType, ItemDef};
use crate::{Model, Span, Value, ValueKind};

const NETWORK_RULE_SET: ItemDef = ItemDef {
    name: "network_rule_set",
    keys: &[
        ("covers", FactType::Bool),
        ("public", FactType::Bool),
        ("pattern", FactType::String),
        ("policy", FactType::String),
    ],
};

const ENCRYPTION_RULE_SET: ItemDef = ItemDef {
    name: "encryption_rule_set",
    keys: &[
        ("covers", FactType::Bool),
        ("aws_owned_key", FactType::Bool),
        ("pattern", FactType::String),
        ("policy", FactType::String),
    ],
};

const ACCESS_RULE: ItemDef = ItemDef {
    name: "access_rule",
    keys: &[
        ("covers", FactType::Bool),
        ("broad", FactType::Bool),
        ("wildcard_principal", FactType::Bool),
        ("principal", FactType::String),
        ("permission", FactType::String),
        ("pattern", FactType::String),
        ("policy", FactType::String),
    ],
};

/// The name patterns are matched against: `None` for a view standing for
/// policies that match no collection (every pattern is theirs).
fn matched_name(c: &SearchCollection, header: Span) -> Option<Value> {
    if c.orphan.is_some() {
        return None;
    }
    Some(
        c.name
            .clone()
            .unwrap_or_else(|| Value::unknown("the collection has no name", header)),
    )
}

/// A boolean setting of a rule set: as written, `false` at the rule set
/// when left out.
fn flag(set: &Value, name: &str) -> Value {
    match rules::key(set, name) {
        Some(v) => bool_from(v, v.span),
        None => Value::bool(false, set.span),
    }
}

/// One item per rule set of `policy` that may cover the collection, made
/// by `fill` from the rule set; the document itself when it is unknown.
fn rule_set_items(
    m: &Model,
    c: &SearchCollection,
    policy: &CollectionPolicy,
    fill: impl Fn(&Value) -> Vec<(&'static str, Value)>,
) -> Fact {
    if policy.document.is_unknown() {
        return Fact::computed(policy.document.clone(), policy.origin.resource);
    }
    let header = m.resource(c.resource).header;
    let name = matched_name(c, header);
    let mut items = Vec::new();
    for set in rules::rule_sets(&policy.document) {
        let (covers, pattern) = rules::set_covers(set, name.as_ref());
        if matches!(covers, Tri::False) {
            continue;
        }
        let mut entries = vec![("covers", covers.value(set.span))];
        entries.extend(pattern.cloned().map(|p| ("pattern", p)));
        entries.extend(policy.name.clone().map(|p| ("policy", p)));
        entries.extend(fill(set));
        items.push(item(
            set.span,
            entries.iter().map(|(k, v)| (*k, Some(v))).collect(),
        ));
    }
    Fact::computed(
        Value::new(ValueKind::List(items), policy.document.span),
        policy.origin.resource,
    )
}

/// The principals of a rule set that are `*` or a wildcard ARN.
fn wildcard_principal(set: &Value) -> (Tri, Option<&Value>) {
    let Some(principal) = rules::key(set, "Principal") else {
        return (Tri::False, None);
    };
    let mut unknown = None;
    for p in principal.items() {
        match p.as_str() {
            Some(text) if text.contains('*') => return (Tri::True(p.span), Some(p)),
            Some(_) => {}
            // `arn:aws:iam::${AccountId}:role/*`: whatever the unknown
            // parts are, the text written holds a `*` (rules.md, "Unknowns
            // are scoped").
            None if written_wildcard(p) => return (Tri::True(p.span), Some(p)),
            None if p.is_unknown() => {
                unknown.get_or_insert(p.clone());
            }
            None => {}
        }
    }
    (unknown.map_or(Tri::False, Tri::Unknown), None)
}

/// An unknown principal whose known text (the parts written around the
/// unknown ones) holds a `*`.
fn written_wildcard(p: &Value) -> bool {
    match &p.kind {
        crate::ValueKind::Unknown(u) => u.known_text.as_deref().is_some_and(|t| t.contains('*')),
        _ => false,
    }
}

/// Whether a rule set grants to the principal `*` itself.
fn star_principal(set: &Value) -> Tri {
    let Some(principal) = rules::key(set, "Principal") else {
        return Tri::False;
    };
    Tri::any(principal.items().iter().map(|p| match p.as_str() {
        Some("*") => Tri::True(p.span),
        _ if p.is_unknown() => Tri::Unknown(p.clone()),
        _ => Tri::False,
    }))
}

/// Whether a data access rule grants everything (`aoss:*`) or reads every
/// document (`aoss:ReadDocument` on `index/<collection>/*`), and the
/// permission that does.
fn broad_permission<'a>(rule: &'a Value, patterns: &[&Value]) -> (Tri, Option<&'a Value>) {
    let Some(permission) = rules::key(rule, "Permission") else {
        return (Tri::False, None);
    };
    let every_index = Tri::any(patterns.iter().map(|p| match p.as_str() {
        Some(text) if rules::index_part(text) == Some("*") => Tri::True(p.span),
        Some(_) => Tri::False,
        None if p.is_unknown() => Tri::Unknown((*p).clone()),
        None => Tri::False,
    }));
    let mut unknown = None;
    for p in permission.items() {
        match p.as_str() {
            Some("aoss:*") => return (Tri::True(p.span), Some(p)),
            Some("aoss:ReadDocument") => match &every_index {
                Tri::True(_) => return (Tri::True(p.span), Some(p)),
                Tri::Unknown(u) => {
                    unknown.get_or_insert((u.clone(), p));
                }
                Tri::False => {}
            },
            Some(_) => {}
            None if p.is_unknown() => {
                unknown.get_or_insert((p.clone(), p));
            }
            None => {}
        }
    }
    match unknown {
        Some((u, p)) => (Tri::Unknown(u), Some(p)),
        None => (Tri::False, None),
    }
}

/// One item per rule of the data access policy that may cover the
/// collection.
fn access_rules(m: &Model, c: &SearchCollection) -> Fact {
    let Some(policy) = &c.access_policy else {
        return Fact::absent();
    };
    if policy.document.is_unknown() {
        return Fact::computed(policy.document.clone(), policy.origin.resource);
    }
    let header = m.resource(c.resource).header;
    let name = matched_name(c, header);
    let mut items = Vec::new();
    for set in rules::rule_sets(&policy.document) {
        let (wildcard, principal) = wildcard_principal(set);
        let rules_of_set: Vec<&Value> = if set.is_unknown() {
            vec![set]
        } else {
            match rules::key(set, "Rules").filter(|r| r.is_unknown()) {
                Some(unknown) => vec![unknown],
                None => rules::rules(set),
            }
        };
        for rule in rules_of_set {
            let patterns = if rule.is_unknown() {
                vec![rule]
            } else {
                rules::resources(rule)
            };
            let (covers, pattern) = rules::rule_covers(&patterns, name.as_ref());
            if matches!(covers, Tri::False) {
                continue;
            }
            let (broad, permission) = broad_permission(rule, &patterns);
            let at = principal.map_or(set.span, |p| p.span);
            let mut entries = vec![
                ("covers", covers.value(rule.span)),
                ("broad", broad.value(rule.span)),
                ("wildcard_principal", wildcard.clone().value(at)),
            ];
            entries.extend(principal.cloned().map(|p| ("principal", p)));
            entries.extend(permission.cloned().map(|p| ("permission", p)));
            entries.extend(pattern.cloned().map(|p| ("pattern", p)));
            entries.extend(policy.name.clone().map(|p| ("policy", p)));
            items.push(item(
                rule.span,
                entries.iter().map(|(k, v)| (*k, Some(v))).collect(),
            ));
        }
    }
    Fact::computed(
        Value::new(ValueKind::List(items), policy.document.span),
        policy.origin.resource,
    )
}

/// Whether a data access policy covering the collection grants access to
/// the principal `*`; `false` without one.
fn public_data_access(m: &Model, c: &SearchCollection) -> Fact {
    let header = m.resource(c.resource).header;
    let Some(policy) = &c.access_policy else {
        return Fact::computed(Value::bool(false, header), c.resource);
    };
    if policy.document.is_unknown() {
        return Fact::computed(policy.document.clone(), policy.origin.resource);
    }
    let name = matched_name(c, header);
    let answer = Tri::any(rules::rule_sets(&policy.document).into_iter().map(|set| {
        rules::set_covers(set, name.as_ref())
            .0
            .and(star_principal(set))
    }));
    Fact::computed(answer.value(policy.document.span), policy.origin.resource)
}

fn presence(policy: Option<&CollectionPolicy>) -> Fact {
    policy.map_or_else(Fact::absent, |p| Fact::present(&p.origin))
}

const BASE: &[FactDef<SearchCollection>] = &[
    FactDef {
        name: "name",
        doc: "the collection name, when written (for policies that match no collection, the first pattern they write)",
        ty: FactType::String,
        get: |_, c| Fact {
            value: c.name.clone(),
            resource: Some(c.resource),
        },
    },
    FactDef {
        name: "collection_type",
        doc: "the collection type (`SEARCH`, `TIMESERIES`, `VECTORSEARCH`), as written",
        ty: FactType::String,
        get: |_, c| Fact {
            value: c.collection_type.clone(),
            resource: Some(c.resource),
        },
    },
    FactDef {
        name: "tags",
        doc: "the collection's tags, as a map",
        ty: FactType::Map,
        get: |_, c| Fact {
            value: c.tags.clone(),
            resource: Some(c.resource),
        },
    },
    FactDef {
        name: "network_policy",
        doc: "present when a network security policy covers the collection (by name or pattern)",
        ty: FactType::Presence,
        get: |_, c| presence(c.network_policy.as_deref()),
    },
    FactDef {
        name: "encryption_policy",
        doc: "present when an encryption security policy covers the collection",
        ty: FactType::Presence,
        get: |_, c| presence(c.encryption_policy.as_deref()),
    },
    FactDef {
        name: "access_policy",
        doc: "present when a data access policy covers the collection",
        ty: FactType::Presence,
        get: |_, c| presence(c.access_policy.as_deref()),
    },
    FactDef {
        name: "network_policy.rules",
        doc: "the rule sets of the network policy that cover the collection (or its dashboards): `covers` (unknown when the collection's name or a pattern is not known offline), `public` (`AllowFromPublic`, false when left out, located at it), `pattern` (the `Resource` that matches) and `policy` (the policy's name)",
        ty: FactType::List(&FactType::Item(&NETWORK_RULE_SET)),
        get: |m, c| match &c.network_policy {
            Some(policy) => rule_set_items(m, c, policy, |set| vec![("public", flag(set, "AllowFromPublic"))]),
            None => Fact::absent(),
        },
    },
    FactDef {
        name: "encryption_policy.rules",
        doc: "the rule sets of the encryption policy that cover the collection: `covers`, `aws_owned_key` (`AWSOwnedKey`, false when left out, located at it), `pattern` and `policy`",
        ty: FactType::List(&FactType::Item(&ENCRYPTION_RULE_SET)),
        get: |m, c| match &c.encryption_policy {
            Some(policy) => rule_set_items(m, c, policy, |set| vec![("aws_owned_key", flag(set, "AWSOwnedKey"))]),
            None => Fact::absent(),
        },
    },
    FactDef {
        name: "access_policy.grants",
        doc: "the rules of the data access policy that cover the collection (`collection/...` or `index/<collection>/...`): `covers`; `broad`, whether the rule grants `aoss:*` or `aoss:ReadDocument` on every index (`index/<collection>/*`), located at that permission; `wildcard_principal`, whether a principal of its rule set is `*` or a wildcard ARN, located at it; `principal`, `permission`, `pattern` and `policy`",
        ty: FactType::List(&FactType::Item(&ACCESS_RULE)),
        get: access_rules,
    },
    FactDef {
        name: "public_data_access",
        doc: "whether a data access policy covering the collection grants access to the principal `*`, located at it; false when no data access policy covers it",
        ty: FactType::Bool,
        get: public_data_access,
    },
];

pub(crate) static FACTS: LazyLock<Vec<FactDef<SearchCollection>>> = LazyLock::new(|| BASE.to_vec());
