//! Log buckets (rules.md "Log buckets"): the routes by which a bucket
//! receives logs, and whether an AWS Backup selection covers a bucket.
//!
//! Every answer is three-valued: a route is found (with the place that
//! shows it and why, in words), ruled out, or left open by an unknown value
//! that could decide it (an ACL from an input nobody gave, a principal that
//! could be a log delivery service). Open routes make the facts that
//! depend on them unknown, never guessed.

use crate::kinds::s3::view::{BackupSelection, S3Bucket};
use crate::{Model, PolicySource, Span, Statement, Value, ValueKind};

/// What a log delivery brings, which decides what the bucket must accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// S3 server access logs (another bucket's logging, a bucket logging to
    /// itself, the log delivery ACL, `logging.s3.amazonaws.com`): the
    /// target must use SSE-S3.
    ServerAccess,
    /// Application and Classic Load Balancer access logs
    /// (`logdelivery.elasticloadbalancing.amazonaws.com`, an Elastic Load
    /// Balancing account): SSE-S3 only as well.
    LoadBalancer,
    /// Vended logs through `delivery.logs.amazonaws.com` (VPC Flow Logs,
    /// Network Load Balancer, WAF): customer-managed keys are accepted.
    Vended,
}

const EVERY_DELIVERY: &[Delivery] = &[
    Delivery::ServerAccess,
    Delivery::LoadBalancer,
    Delivery::Vended,
];

/// How a bucket receives logs, as `receives_logs.route` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteKind {
    /// Another bucket's server access logging targets it.
    AccessLogTarget,
    /// CloudFormation `LoggingConfiguration` without a destination.
    LogsToItself,
    /// Canned ACL `log-delivery-write`, or `WRITE` for the `LogDelivery` group.
    LogDeliveryAcl,
    /// Its policy lets a log delivery service or account put objects.
    LogDeliveryPolicy,
}

impl RouteKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            RouteKind::AccessLogTarget => "access-log-target",
            RouteKind::LogsToItself => "logs-to-itself",
            RouteKind::LogDeliveryAcl => "log-delivery-acl",
            RouteKind::LogDeliveryPolicy => "log-delivery-policy",
        }
    }
}

/// A route found: how, what it delivers, why (in words, for messages) and
/// where the file shows it.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub kind: RouteKind,
    pub delivery: Delivery,
    pub reason: String,
    pub span: Span,
}

/// Every route of a bucket that is known, and the unknown values that could
/// each open a route bringing some deliveries.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    pub found: Vec<Route>,
    pub open: Vec<(&'static [Delivery], Value)>,
}

impl Routes {
    /// Whether the bucket receives any of `deliveries`: `Some(true)` with
    /// the route, `None` with the unknown value that could decide it.
    pub(crate) fn receives(&self, deliveries: &[Delivery]) -> Answer<'_> {
        if let Some(route) = self.found.iter().find(|r| deliveries.contains(&r.delivery)) {
            return Answer::Yes(route);
        }
        match self
            .open
            .iter()
            .find(|(could, _)| could.iter().any(|d| deliveries.contains(d)))
        {
            Some((_, unknown)) => Answer::Unknown(unknown),
            None => Answer::No,
        }
    }

    /// Every route found, in words, for messages.
    pub(crate) fn reasons(&self) -> String {
        let mut reasons: Vec<&str> = Vec::new();
        for route in &self.found {
            if !reasons.contains(&route.reason.as_str()) {
                reasons.push(&route.reason);
            }
        }
        reasons.join("; ")
    }
}

pub(crate) enum Answer<'a> {
    Yes(&'a Route),
    No,
    Unknown(&'a Value),
}

impl Answer<'_> {
    /// The answer as a fact value: `true` at the route, `false` at `span`,
    /// or the unknown value.
    pub(crate) fn value(&self, span: Span) -> Value {
        match self {
            Answer::Yes(route) => Value::bool(true, route.span),
            Answer::No => Value::bool(false, span),
            Answer::Unknown(u) => (*u).clone(),
        }
    }
}

pub(crate) fn every_delivery() -> &'static [Delivery] {
    EVERY_DELIVERY
}

/// The routes by which `b` receives logs (rules.md "Log buckets").
pub(crate) fn routes(m: &Model, b: &S3Bucket) -> Routes {
    let mut routes = Routes::default();
    // Another bucket's server access logging targets it (linked in any
    // module instance of the configuration; orphans never count).
    if !b.log_sources.is_empty() {
        let span = m.resource(b.resource).header;
        let names: Vec<String> = b
            .log_sources
            .iter()
            .map(|s| format!("`{}`", m.resource(*s).address))
            .collect();
        routes.found.push(Route {
            kind: RouteKind::AccessLogTarget,
            delivery: Delivery::ServerAccess,
            reason: format!(
                "the server access logging of {} delivers to it",
                names.join(", ")
            ),
            span,
        });
    }
    // A CloudFormation LoggingConfiguration without a destination.
    if let Some(logging) = b.logging.as_ref().filter(|l| l.to_itself) {
        routes.found.push(Route {
            kind: RouteKind::LogsToItself,
            delivery: Delivery::ServerAccess,
            reason: "its LoggingConfiguration names no DestinationBucketName, so it receives its own access logs".into(),
            span: logging.origin.span,
        });
    }
    acl_routes(b, &mut routes);
    if let Some(policy) = &b.policy {
        policy_routes(&policy.document, &mut routes);
    }
    routes
}

const LOG_DELIVERY_GROUP: &str = "acs.amazonaws.com/groups/s3/LogDelivery";

fn acl_routes(b: &S3Bucket, routes: &mut Routes) {
    let Some(acl) = &b.acl else { return };
    const SERVER_ACCESS: &[Delivery] = &[Delivery::ServerAccess];
    if let Some(canned) = &acl.canned {
        match &canned.kind {
            ValueKind::Unknown(_) => routes.open.push((SERVER_ACCESS, canned.clone())),
            ValueKind::String(s) if s == "log-delivery-write" || s == "LogDeliveryWrite" => {
                routes.found.push(Route {
                    kind: RouteKind::LogDeliveryAcl,
                    delivery: Delivery::ServerAccess,
                    reason: format!("its canned ACL is {s}"),
                    span: canned.span,
                })
            }
            _ => {}
        }
    }
    for grant in &acl.grants {
        let to_log_delivery = match &grant.uri {
            Some(uri) if uri.is_unknown() => {
                routes.open.push((SERVER_ACCESS, uri.clone()));
                continue;
            }
            Some(uri) => uri
                .as_str()
                .is_some_and(|s| s.ends_with(LOG_DELIVERY_GROUP)),
            None => false,
        };
        if !to_log_delivery {
            continue;
        }
        let Some(permission) = &grant.permission else {
            continue;
        };
        // Terraform's inline `permissions` is a list; the others a string.
        for p in permission.items() {
            match &p.kind {
                ValueKind::Unknown(_) => routes.open.push((SERVER_ACCESS, p.clone())),
                ValueKind::String(s) if s == "WRITE" => routes.found.push(Route {
                    kind: RouteKind::LogDeliveryAcl,
                    delivery: Delivery::ServerAccess,
                    reason: "its ACL grants WRITE to the LogDelivery group".into(),
                    span: grant.span,
                }),
                _ => {}
            }
        }
    }
}

/// The service principals that deliver logs, and what each brings.
const LOG_SERVICES: &[(&str, Delivery)] = &[
    ("logging.s3.amazonaws.com", Delivery::ServerAccess),
    (
        "logdelivery.elasticloadbalancing.amazonaws.com",
        Delivery::LoadBalancer,
    ),
    ("delivery.logs.amazonaws.com", Delivery::Vended),
];

/// The Elastic Load Balancing accounts that write Classic and Application
/// Load Balancer access logs, one a region, as AWS publishes them: "Enable
/// access logs for your Application Load Balancer", section "Regions
/// available before August 2022"
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>),
/// and the same list for Classic Load Balancers
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html>).
/// Newer regions use `logdelivery.elasticloadbalancing.amazonaws.com`.
pub(crate) const ELB_ACCOUNTS: &[(&str, &str)] = &[
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-southeast-3", "589379963580"),
    ("ap-south-1", "718504428378"),
    ("ap-northeast-3", "383597477331"),
    ("ap-northeast-2", "600734575887"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-northeast-1", "582318560864"),
    ("ca-central-1", "985666609251"),
    ("eu-central-1", "054676820928"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-south-1", "635631232127"),
    ("eu-west-3", "009996457667"),
    ("eu-north-1", "897822967062"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-gov-west-1", "048591011584"),
    ("us-gov-east-1", "190560391635"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
];

/// The region of an Elastic Load Balancing account principal: the account
/// id, or its root ARN (`arn:aws:iam::127311923021:root`, any partition).
fn elb_account_region(principal: &str) -> Option<&'static str> {
    let account = match principal.strip_prefix("arn:") {
        Some(rest) => {
            let mut parts = rest.splitn(5, ':');
            let (_, service, _, account, resource) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            if service != "iam" || resource != "root" {
                return None;
            }
            account
        }
        None => principal,
    };
    ELB_ACCOUNTS
        .iter()
        .find(|(_, id)| *id == account)
        .map(|(region, _)| *region)
}

/// `data "aws_elb_service_account"`'s `arn` (or `id`): the Elastic Load
/// Balancing account of the provider's region, which is not known offline
/// but is always one of [`ELB_ACCOUNTS`].
fn is_elb_service_account(value: &Value) -> bool {
    value
        .unknown_reason()
        .is_some_and(|r| r.starts_with("`data.aws_elb_service_account."))
}

/// An unknown AWS principal could be an Elastic Load Balancing account,
/// unless its known text rules that out (a role or user: `...:role/x`).
fn could_be_elb_account(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Unknown(u) => !u.known_text.as_deref().is_some_and(|t| t.contains('/')),
        _ => false,
    }
}

/// Three-valued, remembering the unknown value.
enum Tri {
    Yes,
    No,
    Unknown(Value),
}

fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Whether a list of actions (as written) holds one matching `s3:PutObject`.
fn any_matches(actions: &Value, action: &str) -> Tri {
    let mut result = Tri::No;
    for a in actions.items() {
        match &a.kind {
            ValueKind::String(s) if glob(s, action) => return Tri::Yes,
            ValueKind::Unknown(_) => result = Tri::Unknown(a.clone()),
            _ => {}
        }
    }
    result
}

/// Whether an `Allow` statement allows `s3:PutObject`.
fn allows_put_object(st: &Statement) -> Tri {
    let effect = match &st.effect {
        Some(e) if e.is_unknown() => Tri::Unknown(e.clone()),
        Some(e) if e.as_str().is_some_and(|s| s.eq_ignore_ascii_case("Allow")) => Tri::Yes,
        _ => return Tri::No,
    };
    let action = match (&st.action, &st.not_action) {
        (Some(action), _) => any_matches(action, "s3:PutObject"),
        (None, Some(not_action)) => match any_matches(not_action, "s3:PutObject") {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            u => u,
        },
        (None, None) => Tri::No,
    };
    match (effect, action) {
        (_, Tri::No) => Tri::No,
        (Tri::Unknown(u), _) | (Tri::Yes, Tri::Unknown(u)) => Tri::Unknown(u),
        _ => Tri::Yes,
    }
}

/// The log routes a bucket policy opens.
fn policy_routes(document: &PolicySource, routes: &mut Routes) {
    let document = match document {
        PolicySource::Document(d) => d,
        PolicySource::Unknown(u) => {
            routes.open.push((EVERY_DELIVERY, u.clone()));
            return;
        }
        PolicySource::Invalid { .. } => return,
    };
    for st in &document.statements {
        let allowed = allows_put_object(st);
        if matches!(allowed, Tri::No) {
            continue;
        }
        let Some(principal) = &st.principal else {
            continue;
        };
        for (delivery, reason, at) in principal_routes(principal, routes) {
            match &allowed {
                Tri::Yes => routes.found.push(Route {
                    kind: RouteKind::LogDeliveryPolicy,
                    delivery,
                    reason,
                    span: at,
                }),
                Tri::Unknown(u) => routes.open.push((one(delivery), u.clone())),
                Tri::No => {}
            }
        }
    }
}

fn one(delivery: Delivery) -> &'static [Delivery] {
    match delivery {
        Delivery::ServerAccess => &[Delivery::ServerAccess],
        Delivery::LoadBalancer => &[Delivery::LoadBalancer],
        Delivery::Vended => &[Delivery::Vended],
    }
}

/// The log deliveries a principal names (with the reason and where), and
/// the unknown parts that could name one (added to `routes.open`).
fn principal_routes(principal: &Value, routes: &mut Routes) -> Vec<(Delivery, String, Span)> {
    let mut found = Vec::new();
    let entries = match &principal.kind {
        ValueKind::Map(entries) => entries,
        ValueKind::Unknown(_) => {
            routes.open.push((EVERY_DELIVERY, principal.clone()));
            return found;
        }
        // `"*"` is everyone, not a log delivery.
        _ => return found,
    };
    for (key, value) in entries {
        let service = key.value.eq_ignore_ascii_case("Service");
        let aws = key.value.eq_ignore_ascii_case("AWS");
        if !service && !aws {
            continue;
        }
        if value.is_unknown() && !is_elb_service_account(value) {
            let could = if service {
                EVERY_DELIVERY
            } else {
                one(Delivery::LoadBalancer)
            };
            routes.open.push((could, value.clone()));
            continue;
        }
        for item in value.items() {
            if service {
                match &item.kind {
                    ValueKind::String(s) => {
                        if let Some((name, delivery)) =
                            LOG_SERVICES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s))
                        {
                            found.push((
                                *delivery,
                                format!("its policy lets {name} put objects in it"),
                                item.span,
                            ));
                        }
                    }
                    ValueKind::Unknown(_) => routes.open.push((EVERY_DELIVERY, item.clone())),
                    _ => {}
                }
            } else if is_elb_service_account(item) {
                found.push((
                    Delivery::LoadBalancer,
                    "its policy lets the Elastic Load Balancing account (data aws_elb_service_account) put objects in it".into(),
                    item.span,
                ));
            } else if let Some(region) = item.as_str().and_then(elb_account_region) {
                found.push((
                    Delivery::LoadBalancer,
                    format!("its policy lets the Elastic Load Balancing account of {region} put objects in it"),
                    item.span,
                ));
            } else if could_be_elb_account(item) {
                routes
                    .open
                    .push((one(Delivery::LoadBalancer), item.clone()));
            }
        }
    }
    found
}

/// Whether an AWS Backup selection of the configuration covers the bucket:
/// `Some(true)` at the selection, or the unknown value that could decide.
pub(crate) fn backed_up(b: &S3Bucket, header: Span) -> Value {
    let mut unknown = None;
    for selection in &b.backup_selections {
        match covers(selection, b) {
            Tri::Yes => return Value::bool(true, selection.origin.span),
            Tri::Unknown(u) => unknown = unknown.or(Some(u)),
            Tri::No => {}
        }
    }
    unknown.unwrap_or_else(|| Value::bool(false, header))
}

/// Whether a selection's resources cover the bucket and its not-resources
/// leave it in.
fn covers(selection: &BackupSelection, b: &S3Bucket) -> Tri {
    let Some(resources) = &selection.resources else {
        return Tri::No;
    };
    match names_bucket(resources, selection, b) {
        Tri::Yes => {}
        other => return other,
    }
    match selection.not_resources.as_ref() {
        None => Tri::Yes,
        Some(not) => match names_bucket(not, selection, b) {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            u => u,
        },
    }
}

/// Whether a list of ARNs or ARN patterns names the bucket.
fn names_bucket(list: &Value, selection: &BackupSelection, b: &S3Bucket) -> Tri {
    if list.is_unknown() {
        return Tri::Unknown(list.clone());
    }
    // The bucket's name: known, unknown (an input nobody gave), or chosen
    // by AWS when none is written (then no literal can name it).
    let name = b.name.as_ref();
    let mut result = Tri::No;
    for item in list.items() {
        // A reference names exactly the resource it references.
        if let Some((_, id)) = selection
            .references
            .iter()
            .find(|(span, _)| *span == item.span)
        {
            if *id == b.resource {
                return Tri::Yes;
            }
            continue;
        }
        match &item.kind {
            ValueKind::String(pattern) => {
                if pattern == "*" || pattern == "arn:aws:s3:::*" {
                    return Tri::Yes;
                }
                let Some(rest) = pattern.strip_prefix("arn:aws:s3:::") else {
                    continue;
                };
                match name.map(|n| (&n.kind, n)) {
                    Some((ValueKind::String(n), _)) if glob(rest, n) => return Tri::Yes,
                    Some((ValueKind::Unknown(_), n)) => result = Tri::Unknown(n.clone()),
                    _ => {}
                }
            }
            // An attribute of another resource of this configuration is not
            // this bucket's ARN; an input nobody gave could be.
            ValueKind::Unknown(u) if u.computed => {}
            ValueKind::Unknown(_) => result = Tri::Unknown(item.clone()),
            _ => {}
        }
    }
    result
}
