//! Facts about IAM policy documents: which statements are public by AWS's
//! definition for S3 Block Public Access, which are overly broad, and whether
//! a policy denies requests that do not use TLS.

use crate::{Condition, PolicySource, Span, Spanned, StandsFor, Statement, Value, ValueKind};

/// Three-valued answer that remembers which unknown value made it unknown.
#[derive(Debug, Clone)]
enum Answer {
    Yes,
    No,
    Unknown(Value),
}

use Answer::{No, Unknown, Yes};

impl Answer {
    fn and(self, other: impl FnOnce() -> Answer) -> Answer {
        match self {
            No => No,
            Yes => other(),
            Unknown(u) => match other() {
                No => No,
                _ => Unknown(u),
            },
        }
    }

    fn not(self) -> Answer {
        match self {
            Yes => No,
            No => Yes,
            u => u,
        }
    }

    /// Yes if any is yes; otherwise unknown if any is unknown.
    fn any(answers: impl IntoIterator<Item = Answer>) -> Answer {
        let mut result = No;
        for answer in answers {
            match answer {
                Yes => return Yes,
                Unknown(u) => result = Unknown(u),
                No => {}
            }
        }
        result
    }

    fn into_value(self, span: Span) -> Value {
        match self {
            Yes => Value::bool(true, span),
            No => Value::bool(false, span),
            Unknown(u) => u,
        }
    }
}

/// Condition keys that pin a statement to known callers (rules.md).
const PINNING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

const PINNING_OPERATORS: &[&str] = &[
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "ipaddress",
];

fn string_answer(value: &Value, test: impl Fn(&str) -> bool) -> Answer {
    match &value.kind {
        ValueKind::Unknown(_) => Unknown(value.clone()),
        ValueKind::String(s) => {
            if test(s) {
                Yes
            } else {
                No
            }
        }
        _ => No,
    }
}

fn effect_is(statement: &Statement, effect: &str) -> Answer {
    match &statement.effect {
        None => No,
        Some(v) => string_answer(v, |s| s.eq_ignore_ascii_case(effect)),
    }
}

/// `"*"`, `{"AWS": "*"}`, or a list holding `"*"`.
///
/// An unknown principal written as a string with known text around its
/// unknown parts (`"arn:aws:iam::${var.account}:root"`) is a named
/// principal whatever the unknown parts turn out to be: it is not
/// everyone (rules.md, "Unknowns are scoped").
fn principal_is_everyone(principal: &Value) -> Answer {
    // An attribute of a resource this configuration creates (a role's
    // ARN) names that resource, never everyone.
    let one = |v: &Value| match &v.kind {
        // So does a value known to stand for something (a data source's
        // ARN, an AWS-managed key).
        ValueKind::Unknown(u) if u.computed || u.stands_for.is_some() || names_someone(v) => No,
        _ => string_answer(v, |s| s == "*"),
    };
    match &principal.kind {
        ValueKind::List(items) => Answer::any(items.iter().map(principal_is_everyone)),
        ValueKind::Map(entries) => Answer::any(
            entries
                .iter()
                .filter(|(k, _)| k.value.eq_ignore_ascii_case("AWS"))
                .flat_map(|(_, v)| v.items())
                .map(one),
        ),
        ValueKind::String(_) | ValueKind::Unknown(_) => one(principal),
        _ => No,
    }
}

/// Whether an unknown value is a string whose known text rules out `*`:
/// what is known of it is neither empty nor `*` (a template or `Fn::Sub`
/// with known text around its unknown parts).
fn names_someone(value: &Value) -> bool {
    matches!(&value.kind, ValueKind::Unknown(u)
        if u.known_text.as_deref().is_some_and(|t| !t.is_empty() && t != "*"))
}

/// Whether one condition pins the statement to fixed callers.
fn pins(condition: &Condition) -> Answer {
    let operator = condition.operator.value.to_ascii_lowercase();
    let operator = operator
        .strip_prefix("foranyvalue:")
        .or_else(|| operator.strip_prefix("forallvalues:"))
        .unwrap_or(&operator);
    // `...IfExists` lets requests without the key through.
    if !PINNING_OPERATORS.contains(&operator)
        || !PINNING_KEYS.contains(&condition.key.value.to_ascii_lowercase().as_str())
    {
        return No;
    }
    let like = operator.ends_with("like");
    let source_ip = condition.key.value.eq_ignore_ascii_case("aws:SourceIp");
    let values = condition.values.items();
    if values.is_empty() {
        return No;
    }
    let mut result = Yes;
    for value in values {
        match &value.kind {
            ValueKind::Unknown(_) => result = Unknown(value.clone()),
            ValueKind::String(s) => {
                let open = s == "*"
                    || (like && (s.contains('*') || s.contains('?')))
                    || (source_ip && (s == "0.0.0.0/0" || s == "::/0"));
                if open {
                    return No;
                }
            }
            _ => {}
        }
    }
    result
}

fn pinned(statement: &Statement) -> Answer {
    let unknown = statement
        .unknown_condition
        .iter()
        .map(|v| Unknown(v.clone()));
    Answer::any(statement.conditions.iter().map(pins).chain(unknown))
}

fn public(statement: &Statement) -> Answer {
    let Some(principal) = &statement.principal else {
        return No;
    };
    effect_is(statement, "Allow")
        .and(|| principal_is_everyone(principal))
        .and(|| pinned(statement).not())
}

/// `Allow` with action `*`/`s3:*`, with `NotAction`, or with `NotPrincipal`:
/// whether it is, the value that makes it so, and why in words.
fn broad(statement: &Statement) -> (Answer, Option<Value>, &'static str) {
    let allow = effect_is(statement, "Allow");
    if let Some(not_principal) = &statement.not_principal {
        return (
            allow,
            Some(not_principal.clone()),
            "every principal except those NotPrincipal names",
        );
    }
    if let Some(not_action) = &statement.not_action {
        return (
            allow,
            Some(not_action.clone()),
            "every action except those NotAction names",
        );
    }
    let Some(action) = &statement.action else {
        return (No, None, "");
    };
    let mut answer = No;
    let mut at = Some(action.clone());
    for item in action.items() {
        match string_answer(item, |s| s == "*" || s.eq_ignore_ascii_case("s3:*")) {
            Yes => {
                answer = Yes;
                at = Some(item.clone());
                break;
            }
            Unknown(u) => answer = Unknown(u),
            No => {}
        }
    }
    (allow.and(|| answer), at, "every action")
}

/// IAM's wildcard match: `*` is any run of characters, `?` any one. Also
/// OpenSearch Serverless's resource patterns (`collection/phi-*`).
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether a pattern covers every string that starts with `prefix`: it
/// ends with `*` and matches `prefix` itself (the final `*` then takes
/// whatever follows).
fn covers_all_after(pattern: &str, prefix: &str) -> bool {
    pattern.ends_with('*') && glob(pattern, prefix)
}

/// The bucket a policy is attached to, as far as it is known: its name
/// (absent when AWS chooses it) and its address, which a Resource written
/// from its unknown ARN names (`"${aws_s3_bucket.b.arn}/*"`).
pub(crate) struct OwnBucket<'a> {
    pub name: Option<&'a Value>,
    pub address: &'a str,
}

/// Whether a statement's `Resource` covers every object of the bucket:
/// `*`, the bucket's ARN with `/*`, or a pattern covering it. Another
/// bucket's objects, or the bucket's ARN alone, do not.
fn covers_objects(statement: &Statement, bucket: &OwnBucket) -> Answer {
    let Some(resource) = &statement.resource else {
        // `NotResource` (or nothing): not a deny of the bucket's objects.
        return No;
    };
    let name = bucket.name.map(|n| match &n.kind {
        ValueKind::String(s) => Ok(s.strip_prefix("arn:aws:s3:::").unwrap_or(s).to_string()),
        _ => Err(n.clone()),
    });
    let one = |item: &Value| -> Answer {
        match &item.kind {
            ValueKind::String(pattern) if pattern == "*" => Yes,
            ValueKind::String(pattern) => match &name {
                Some(Ok(name)) => {
                    if covers_all_after(pattern, &format!("arn:aws:s3:::{name}/")) {
                        Yes
                    } else {
                        No
                    }
                }
                // The name is unknown: a pattern covers the objects only
                // if it covers any bucket's; one that cannot cover all of
                // some bucket's objects never does.
                _ if !pattern.ends_with('*') => No,
                _ if ["\u{0}", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}"]
                    .iter()
                    .all(|n| covers_all_after(pattern, &format!("arn:aws:s3:::{n}/"))) =>
                {
                    Yes
                }
                Some(Err(unknown)) => Unknown(unknown.clone()),
                None => Unknown(Value::computed(
                    format!("the name of {} is chosen by AWS when it is created, so whether {pattern:?} covers its objects is not known offline", bucket.address),
                    item.span,
                )),
            },
            ValueKind::Unknown(u) => match u.stands_for.as_deref() {
                // The bucket's own ARN followed by known text.
                Some(StandsFor::ArnOf(address)) if address == bucket.address => {
                    let rest = u.known_text.as_deref().unwrap_or_default();
                    if covers_all_after(rest, "/") {
                        Yes
                    } else {
                        No
                    }
                }
                // Another resource's ARN: another bucket's objects.
                Some(StandsFor::ArnOf(_)) => No,
                _ => match u.shape.as_deref().and_then(|s| own_objects(s)) {
                    Some(true) => Yes,
                    Some(false) => No,
                    None => Unknown(item.clone()),
                },
            },
            _ => No,
        }
    };
    Answer::any(resource.items().iter().map(one))
}

/// Whether an S3 object ARN whose unknown parts are holes
/// (`arn:${AWS::Partition}:s3:::${AppName}-logs/*`) covers every object of
/// the policy's bucket. A bucket policy may only name its own bucket (AWS
/// rejects any other, rules.md "Unknowns are scoped"), and a bucket name
/// holds no `/`, so unknown parts before the first `/` are the bucket's
/// own name: what decides is the key part, `*` for every object. `None`
/// when the key part has unknown parts or the text is no S3 ARN.
fn own_objects(shape: &str) -> Option<bool> {
    let mut fields = shape.splitn(6, ':');
    let (arn, _partition, service) = (fields.next()?, fields.next()?, fields.next()?);
    let (_region, _account, resource) = (fields.next()?, fields.next()?, fields.next()?);
    if arn != "arn" || service != "s3" {
        return None;
    }
    let Some((_bucket, key)) = resource.split_once('/') else {
        // The bucket's ARN alone: not its objects.
        return (!resource.is_empty()).then_some(false);
    };
    if key.contains(crate::HOLE) {
        return None;
    }
    Some(covers_all_after(key, ""))
}

/// Whether a statement's actions include every S3 action: `Action` holds
/// `*`, `s3:*` or a pattern covering them, or `NotAction` names nothing
/// an S3 request could be (every item is a known action of another
/// service): a `NotAction` that spares some S3 action, or any `*`,
/// leaves those requests undenied.
fn covers_s3_actions(statement: &Statement) -> Answer {
    if let Some(action) = &statement.action {
        return Answer::any(action.items().iter().map(|item| {
            string_answer(item, |s| covers_all_after(&s.to_ascii_lowercase(), "s3:"))
        }));
    }
    let Some(not_action) = &statement.not_action else {
        return No;
    };
    let spares_s3 = Answer::any(not_action.items().iter().map(|item| {
        string_answer(item, |s| {
            let service = s.split_once(':').map_or(s, |(service, _)| service);
            glob(&service.to_ascii_lowercase(), "s3")
        })
    }));
    spares_s3.not()
}

/// A `Deny` for every principal when `aws:SecureTransport` is false, of
/// every S3 action on the bucket's objects (rules.md, v1.1).
fn denies_insecure_transport(statement: &Statement, bucket: &OwnBucket) -> Answer {
    let Some(principal) = &statement.principal else {
        return No;
    };
    let secure_transport_false = Answer::any(statement.conditions.iter().map(|c| {
        let operator = c.operator.value.to_ascii_lowercase();
        if !(operator == "bool" || operator == "boolifexists")
            || !c.key.value.eq_ignore_ascii_case("aws:SecureTransport")
        {
            return No;
        }
        Answer::any(c.values.items().iter().map(|v| match &v.kind {
            ValueKind::Bool(b) => {
                if *b {
                    No
                } else {
                    Yes
                }
            }
            _ => string_answer(v, |s| s.eq_ignore_ascii_case("false")),
        }))
    }));
    effect_is(statement, "Deny")
        .and(|| principal_is_everyone(principal))
        .and(|| secure_transport_false)
        .and(|| covers_s3_actions(statement))
        .and(|| covers_objects(statement, bucket))
}

/// One item a statement: `sid`, `effect`, `principal`, `action`, `public`,
/// `broad`, `broad_at` (the value that makes it broad) and `broad_reason`.
pub(crate) const STATEMENT_KEYS: &[&str] = &[
    "sid",
    "effect",
    "principal",
    "action",
    "public",
    "broad",
    "broad_at",
    "broad_reason",
];

/// The statements of a policy as items; unknown when the policy is.
pub(crate) fn statement_items(source: &PolicySource, span: Span) -> Option<Value> {
    let document = match source {
        PolicySource::Document(d) => d,
        PolicySource::Unknown(v) => return Some(v.clone()),
        PolicySource::Invalid { .. } => return None,
    };
    let items = document
        .statements
        .iter()
        .map(|st| {
            let principal_span = st.principal.as_ref().map_or(st.span, |p| p.span);
            let (broad, broad_at, reason) = broad(st);
            let broad_span = broad_at.as_ref().map_or(st.span, |v| v.span);
            let broad_reason = (!reason.is_empty())
                .then(|| judging(Value::string(reason, broad_span), broad_at.as_ref()));
            let entries: Vec<(&str, Option<Value>)> = vec![
                ("sid", st.sid.clone()),
                ("effect", st.effect.clone()),
                (
                    "principal",
                    st.principal.clone().or_else(|| st.not_principal.clone()),
                ),
                (
                    "action",
                    st.action.clone().or_else(|| st.not_action.clone()),
                ),
                (
                    "public",
                    Some(judging(
                        public(st).into_value(principal_span),
                        st.principal.as_ref(),
                    )),
                ),
                (
                    "broad",
                    Some(judging(broad.into_value(broad_span), broad_at.as_ref())),
                ),
                ("broad_at", broad_at),
                ("broad_reason", broad_reason),
            ];
            let entries = entries
                .into_iter()
                .filter_map(|(k, v)| Some((Spanned::new(k.to_string(), st.span), v?)))
                .collect();
            Value::new(ValueKind::Map(entries), st.span)
        })
        .collect();
    Some(Value::new(ValueKind::List(items), span))
}

/// A fact about `judged` (the principal a statement's publicness is read
/// from), located where it is: it was decided where `judged` was, so it
/// takes `judged`'s origins (a principal a YAML alias copied, or a var
/// file set), unless it has its own (an unknown value's).
fn judging(mut fact: Value, judged: Option<&Value>) -> Value {
    if fact.origins.is_none() {
        fact.origins = judged.and_then(|j| j.origins.clone());
    }
    fact
}

/// Whether any statement denies non-TLS requests to the bucket's objects;
/// false without a policy.
pub(crate) fn insecure_transport_denied(
    source: Option<&PolicySource>,
    bucket: &OwnBucket,
    span: Span,
) -> Value {
    let answer = match source {
        None | Some(PolicySource::Invalid { .. }) => No,
        Some(PolicySource::Unknown(v)) => Unknown(v.clone()),
        Some(PolicySource::Document(d)) => Answer::any(
            d.statements
                .iter()
                .map(|st| denies_insecure_transport(st, bucket)),
        ),
    };
    answer.into_value(span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileId, PolicyDocument};

    fn s(text: &str) -> Value {
        Value::string(text, Span::default())
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::new(
            ValueKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Spanned::new(k.to_string(), Span::default()), v))
                    .collect(),
            ),
            Span::default(),
        )
    }

    fn list(items: Vec<Value>) -> Value {
        Value::new(ValueKind::List(items), Span::default())
    }

    fn statement(entries: Vec<(&str, Value)>) -> Statement {
        let doc = map(vec![("Statement", map(entries))]);
        PolicyDocument::from_value(&doc)
            .unwrap()
            .statements
            .remove(0)
    }

    fn cond(op: &str, key: &str, value: Value) -> (&'static str, Value) {
        ("Condition", map(vec![(op, map(vec![(key, value)]))]))
    }

    fn is_public(entries: Vec<(&str, Value)>) -> Option<bool> {
        match public(&statement(entries)) {
            Yes => Some(true),
            No => Some(false),
            Unknown(_) => None,
        }
    }

    fn allow_all(extra: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
        let mut e = vec![
            ("Effect", s("Allow")),
            ("Principal", s("*")),
            ("Action", s("s3:GetObject")),
        ];
        e.extend(extra);
        e
    }

    #[test]
    fn principal_forms() {
        assert_eq!(is_public(allow_all(vec![])), Some(true));
        let mut e = allow_all(vec![]);
        e[1] = ("Principal", map(vec![("AWS", s("*"))]));
        assert_eq!(is_public(e), Some(true));
        let mut e = allow_all(vec![]);
        e[1] = (
            "Principal",
            map(vec![(
                "AWS",
                list(vec![s("arn:aws:iam::111122223333:root"), s("*")]),
            )]),
        );
        assert_eq!(is_public(e), Some(true));
        let mut e = allow_all(vec![]);
        e[1] = (
            "Principal",
            map(vec![("AWS", s("arn:aws:iam::111122223333:root"))]),
        );
        assert_eq!(is_public(e), Some(false));
        let mut e = allow_all(vec![]);
        e[1] = (
            "Principal",
            map(vec![("Service", s("logging.s3.amazonaws.com"))]),
        );
        assert_eq!(is_public(e), Some(false));
    }

    #[test]
    fn deny_is_never_public() {
        let mut e = allow_all(vec![]);
        e[0] = ("Effect", s("Deny"));
        assert_eq!(is_public(e), Some(false));
    }

    #[test]
    fn pinning_conditions() {
        let vpce = cond("StringEquals", "aws:SourceVpce", s("vpce-1a2b3c4d"));
        assert_eq!(is_public(allow_all(vec![vpce])), Some(false));
        let like_wild = cond("StringLike", "aws:SourceVpce", s("vpce-*"));
        assert_eq!(is_public(allow_all(vec![like_wild])), Some(true));
        let like_fixed = cond("StringLike", "aws:PrincipalOrgID", s("o-abc123"));
        assert_eq!(is_public(allow_all(vec![like_fixed])), Some(false));
        let open_ip = cond("IpAddress", "aws:SourceIp", s("0.0.0.0/0"));
        assert_eq!(is_public(allow_all(vec![open_ip])), Some(true));
        let ip = cond(
            "IpAddress",
            "aws:SourceIp",
            list(vec![s("10.0.0.0/8"), s("192.0.2.0/24")]),
        );
        assert_eq!(is_public(allow_all(vec![ip])), Some(false));
        let negated = cond("StringNotEquals", "aws:SourceVpce", s("vpce-1a2b3c4d"));
        assert_eq!(is_public(allow_all(vec![negated])), Some(true));
        let if_exists = cond("StringEqualsIfExists", "aws:SourceVpce", s("vpce-1a2b3c4d"));
        assert_eq!(is_public(allow_all(vec![if_exists])), Some(true));
        let other_key = cond("StringEquals", "s3:x-amz-acl", s("private"));
        assert_eq!(is_public(allow_all(vec![other_key])), Some(true));
        let vpce_account = cond("StringEquals", "aws:VpceAccount", s("111122223333"));
        assert_eq!(is_public(allow_all(vec![vpce_account])), Some(false));
    }

    #[test]
    fn unknowns_stay_unknown() {
        let unknown = Value::unknown("var.vpce has no value", Span::new(FileId(0), 1..2));
        let c = cond("StringEquals", "aws:SourceVpce", unknown.clone());
        assert_eq!(is_public(allow_all(vec![c])), None);
        let mut e = allow_all(vec![]);
        e[1] = ("Principal", unknown.clone());
        assert_eq!(is_public(e), None);
        // A Deny is decided whatever the principal.
        let e = vec![("Effect", s("Deny")), ("Principal", unknown)];
        assert_eq!(is_public(e), Some(false));
    }

    /// rules.md, "Unknowns are scoped": an attribute of a resource this
    /// configuration creates, or a string with known text around its
    /// unknown part, names someone, never everyone.
    #[test]
    fn named_principals_with_unknown_parts_are_not_public() {
        let computed =
            Value::computed("`aws_iam_role.r.arn` is not known offline", Span::default());
        let mut e = allow_all(vec![]);
        e[1] = ("Principal", map(vec![("AWS", list(vec![computed]))]));
        assert_eq!(is_public(e), Some(false));

        let arn = Value::partly_known(
            "var.account has no value",
            "arn:aws:iam:::root".into(),
            Span::default(),
        );
        assert!(names_someone(&arn));
        let mut e = allow_all(vec![]);
        e[1] = ("Principal", map(vec![("AWS", arn)]));
        assert_eq!(is_public(e), Some(false));
        // `"${var.p}*"` may still be `*`.
        let star = Value::partly_known("var.p has no value", "*".into(), Span::default());
        assert!(!names_someone(&star));
        assert!(!names_someone(&Value::unknown(
            "var.p has no value",
            Span::default()
        )));
    }

    #[test]
    fn statement_facts_come_from_where_their_principal_and_action_did() {
        let origin = |name: &str| {
            Some(std::sync::Arc::from([crate::ValueOrigin {
                role: crate::OriginRole::Tfvars,
                span: None,
                name: name.into(),
            }]))
        };
        let mut principal = s("*");
        principal.origins = origin("who");
        let mut action = s("s3:*");
        action.origins = origin("what");
        let doc = map(vec![(
            "Statement",
            map(vec![
                ("Effect", s("Allow")),
                ("Principal", principal),
                ("Action", action),
            ]),
        )]);
        let source = PolicySource::from_value(&doc);
        let items = statement_items(&source, Span::default()).unwrap();
        let st = &items.as_list().unwrap()[0];
        let named = |fact: &str| {
            st.get(fact).unwrap().origins.as_deref().unwrap()[0]
                .name
                .clone()
        };
        assert_eq!(named("public"), "who");
        assert_eq!(named("broad"), "what");
    }

    #[test]
    fn broad_statements() {
        let answer = |entries| match broad(&statement(entries)).0 {
            Yes => Some(true),
            No => Some(false),
            Unknown(_) => None,
        };
        assert_eq!(
            answer(vec![
                ("Effect", s("Allow")),
                ("Action", list(vec![s("s3:GetObject"), s("s3:*")]))
            ]),
            Some(true)
        );
        assert_eq!(
            answer(vec![("Effect", s("Allow")), ("Action", s("*"))]),
            Some(true)
        );
        assert_eq!(
            answer(vec![
                ("Effect", s("Allow")),
                ("NotAction", s("s3:DeleteObject"))
            ]),
            Some(true)
        );
        assert_eq!(
            answer(vec![
                ("Effect", s("Allow")),
                ("NotPrincipal", map(vec![("AWS", s("arn:aws:iam::1:root"))])),
                ("Action", s("s3:GetObject"))
            ]),
            Some(true)
        );
        assert_eq!(
            answer(vec![("Effect", s("Deny")), ("Action", s("s3:*"))]),
            Some(false)
        );
        assert_eq!(
            answer(vec![("Effect", s("Allow")), ("Action", s("s3:GetObject"))]),
            Some(false)
        );
    }

    #[test]
    fn secure_transport_deny() {
        let bucket = OwnBucket {
            name: None,
            address: "aws_s3_bucket.b",
        };
        let deny = |value: Value, effect: &str| {
            let st = statement(vec![
                ("Effect", s(effect)),
                ("Principal", s("*")),
                ("Action", s("s3:*")),
                ("Resource", s("*")),
                cond("Bool", "aws:SecureTransport", value),
            ]);
            matches!(denies_insecure_transport(&st, &bucket), Yes)
        };
        assert!(deny(s("false"), "Deny"));
        assert!(deny(Value::bool(false, Span::default()), "Deny"));
        assert!(!deny(s("true"), "Deny"));
        assert!(!deny(s("false"), "Allow"));
    }

    /// rules.md, `s3-insecure-transport` (v1.1): every S3 action on the
    /// bucket's objects.
    #[test]
    fn secure_transport_deny_covers_actions_and_objects() {
        let name = s("phi-records");
        let named = OwnBucket {
            name: Some(&name),
            address: "aws_s3_bucket.b",
        };
        let unnamed = OwnBucket {
            name: None,
            address: "aws_s3_bucket.b",
        };
        let answer = |action: (&'static str, Value), resource: Value, bucket: &OwnBucket| {
            let st = statement(vec![
                ("Effect", s("Deny")),
                ("Principal", s("*")),
                action,
                ("Resource", resource),
                cond("Bool", "aws:SecureTransport", s("false")),
            ]);
            match denies_insecure_transport(&st, bucket) {
                Yes => Some(true),
                No => Some(false),
                Unknown(_) => None,
            }
        };
        let all = || ("Action", s("s3:*"));
        let objects = || s("arn:aws:s3:::phi-records/*");
        assert_eq!(answer(all(), objects(), &named), Some(true));
        assert_eq!(answer(("Action", s("*")), objects(), &named), Some(true));
        assert_eq!(answer(("Action", s("S3:*")), objects(), &named), Some(true));
        assert_eq!(
            answer(("Action", s("s3:DeleteBucket")), objects(), &named),
            Some(false)
        );
        assert_eq!(
            answer(("Action", s("s3:Get*")), objects(), &named),
            Some(false)
        );
        assert_eq!(
            answer(("NotAction", s("iam:PassRole")), objects(), &named),
            Some(true)
        );
        assert_eq!(
            answer(("NotAction", s("s3:GetObject")), objects(), &named),
            Some(false)
        );
        assert_eq!(
            answer(("NotAction", s("*")), objects(), &named),
            Some(false)
        );
        // The bucket's ARN alone, another bucket, a prefix of the objects.
        assert_eq!(
            answer(all(), s("arn:aws:s3:::phi-records"), &named),
            Some(false)
        );
        assert_eq!(
            answer(all(), s("arn:aws:s3:::other/*"), &named),
            Some(false)
        );
        assert_eq!(
            answer(all(), s("arn:aws:s3:::phi-records/public/*"), &named),
            Some(false)
        );
        assert_eq!(answer(all(), s("arn:aws:s3:::phi-*"), &named), Some(true));
        assert_eq!(answer(all(), s("arn:aws:s3:::*/*"), &named), Some(true));
        let both = list(vec![s("arn:aws:s3:::phi-records"), objects()]);
        assert_eq!(answer(all(), both, &named), Some(true));
        // An unknown name decides only patterns that cover every bucket,
        // or none.
        assert_eq!(answer(all(), s("arn:aws:s3:::*/*"), &unnamed), Some(true));
        assert_eq!(answer(all(), s("arn:aws:s3:::x"), &unnamed), Some(false));
        assert_eq!(answer(all(), s("arn:aws:s3:::x/*"), &unnamed), None);
        // The bucket's own unknown ARN, followed by `/*` or by nothing.
        let own = |rest: &str, address: &str| {
            Value::partly_known("computed", rest.into(), Span::default())
                .standing_for(StandsFor::ArnOf(address.into()))
        };
        assert_eq!(
            answer(all(), own("/*", "aws_s3_bucket.b"), &unnamed),
            Some(true)
        );
        assert_eq!(
            answer(all(), own("/*", "aws_s3_bucket.b"), &named),
            Some(true)
        );
        assert_eq!(
            answer(all(), own("/*", "aws_s3_bucket.other"), &unnamed),
            Some(false)
        );
        let bare = Value::computed("computed", Span::default())
            .standing_for(StandsFor::ArnOf("aws_s3_bucket.b".into()));
        assert_eq!(answer(all(), bare, &unnamed), Some(false));
        let unknown = Value::unknown("var.resource has no value", Span::default());
        assert_eq!(answer(all(), unknown, &named), None);
    }

    #[test]
    fn wildcards() {
        assert!(glob("arn:aws:s3:::a*/*", "arn:aws:s3:::abc/*"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*", ""));
        assert!(covers_all_after("arn:aws:s3:::b/*", "arn:aws:s3:::b/"));
        assert!(!covers_all_after("arn:aws:s3:::b/x*", "arn:aws:s3:::b/"));
    }

    #[test]
    fn object_arns_with_unknown_bucket_parts() {
        let h = crate::HOLE;
        assert_eq!(
            own_objects(&format!("arn:{h}:s3:::{h}-logs-{h}/*")),
            Some(true)
        );
        assert_eq!(
            own_objects(&format!("arn:aws:s3:::{h}/exports/*")),
            Some(false)
        );
        assert_eq!(own_objects(&format!("arn:aws:s3:::{h}")), Some(false));
        assert_eq!(own_objects(&format!("arn:aws:s3:::{h}/{h}")), None);
        assert_eq!(own_objects(&format!("arn:aws:es:::{h}/*")), None);
        assert_eq!(own_objects(&format!("{h}/*")), None);
    }
}
