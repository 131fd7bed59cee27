//! Applies `phiguard:ignore` suppressions to findings, and reports the ones
//! that are wrong: no reason, an unknown rule, past their date, or that
//! suppressed nothing (rule `invalid-suppression`).

use std::collections::HashSet;

use phiguard_model::{
    stable_hash, Finding, Model, ResourceKind, ResourceRef, RuleMeta, RuleRemediation, Severity,
    SharedStr, Span, Suppression, SuppressionDirective, SuppressionForm, Undecided,
};

pub const INVALID_SUPPRESSION: &str = "invalid-suppression";

/// Metadata of the `invalid-suppression` rule, which has no policy file: it
/// is about comments, not resources.
pub fn invalid_suppression_meta() -> RuleMeta {
    RuleMeta {
        id: INVALID_SUPPRESSION.into(),
        name: "InvalidSuppression".into(),
        title: "Suppression comment is invalid or unused".into(),
        description: "A `phiguard:ignore` comment (or CloudFormation `Metadata` entry) has no reason after `--`, names an unknown rule, is past its `until=` date, or suppressed nothing. Suppressions of PHI findings are audit evidence: each needs a reason, and stale ones hide nothing but should be removed.".into(),
        severity: Severity::Low,
        hipaa: vec!["164.308(a)(1)(ii)(D)".into()],
        remediation: RuleRemediation {
            terraform: "# phiguard:ignore s3-access-logging-disabled -- access is logged by CloudTrail data events".into(),
            cloudformation: "# phiguard:ignore s3-access-logging-disabled -- access is logged by CloudTrail data events".into(),
        },
        references: Vec::new(),
    }
}

/// What suppressions are checked against.
pub struct SuppressionContext<'a> {
    /// Every rule id that exists (built-in and custom).
    pub known: &'a HashSet<&'a str>,
    /// The rules that ran: only they can have suppressed something.
    pub ran: &'a HashSet<&'a str>,
    /// `YYYY-MM-DD`.
    pub today: &'a str,
}

/// Marks suppressed findings, drops the undecided checks a suppression
/// covers (a suppressed rule has nothing left to decide) and returns the
/// `invalid-suppression` findings.
pub fn apply(
    model: &Model,
    context: &SuppressionContext<'_>,
    findings: &mut [Box<Finding>],
    undecided: &mut Vec<Undecided>,
) -> Vec<Finding> {
    let mut invalid = Vec::new();
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let valid: Vec<bool> = model
        .suppressions
        .iter()
        .map(|d| d.reason.is_some() && date_ok(d, context.today) == DateStatus::Current)
        .collect();

    undecided.retain(|u| {
        let mut covered = false;
        for (index, directive) in model.suppressions.iter().enumerate() {
            if !valid[index] || !directive.targets().any(|t| covers(t, u.span)) {
                continue;
            }
            if let Some(rule) = directive.rules.iter().position(|r| r.value == u.rule) {
                used.insert((index, rule));
                covered = true;
            }
        }
        !covered
    });
    for finding in findings.iter_mut() {
        for (index, directive) in model.suppressions.iter().enumerate() {
            if !valid[index] || !directive.targets().any(|t| covers(t, finding.span)) {
                continue;
            }
            if let Some(rule) = directive.rules.iter().position(|r| r.value == finding.rule) {
                used.insert((index, rule));
                if finding.suppressed.is_none() {
                    finding.suppressed = Some(Suppression {
                        reason: directive.reason.clone().unwrap_or_default(),
                    });
                }
            }
        }
    }

    for (index, directive) in model.suppressions.iter().enumerate() {
        let mut report = |span: Span, message: String| {
            invalid.push(finding_at(model, span, message));
        };
        let ids = directive
            .rules
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let metadata = directive.form == SuppressionForm::Metadata;
        if directive.rules.is_empty() {
            let fix = if metadata {
                "give the entry an `id: RULE-ID` and a `reason`"
            } else {
                "write `phiguard:ignore RULE-ID -- reason`"
            };
            report(directive.span, format!("suppression names no rule: {fix}"));
            continue;
        }
        if directive.reason.is_none() {
            let fix = if metadata {
                "add `reason: why this is acceptable` to the entry".to_string()
            } else {
                format!(
                    "add one after `--`, e.g. `phiguard:ignore {ids} -- why this is acceptable`"
                )
            };
            report(
                directive.span,
                format!("suppression of {ids} has no reason: {fix}"),
            );
        }
        match (date_ok(directive, context.today), &directive.until) {
            (DateStatus::Invalid, Some(until)) => report(
                until.span,
                format!(
                    "`until={}` is not a date: write it as YYYY-MM-DD",
                    until.value
                ),
            ),
            (DateStatus::Expired, Some(until)) => report(
                until.span,
                format!(
                    "suppression of {ids} expired on {}: fix the finding or renew the date",
                    until.value
                ),
            ),
            _ => {}
        }
        for (rule_index, rule) in directive.rules.iter().enumerate() {
            if !context.known.contains(rule.value.as_str()) {
                report(
                    rule.span,
                    format!(
                        "suppression names unknown rule `{}` ({})",
                        rule.value,
                        crate::similar::hint(&rule.value, context.known.iter().copied())
                    ),
                );
            } else if valid[index]
                && context.ran.contains(rule.value.as_str())
                && !used.contains(&(index, rule_index))
            {
                report(
                    rule.span,
                    format!(
                        "suppression of `{}` suppressed nothing: remove it",
                        rule.value
                    ),
                );
            }
        }
    }
    invalid
}

fn covers(target: Span, span: Span) -> bool {
    target.file == span.file
        && target.start <= span.start
        && span.start < target.end.max(target.start + 1)
}

#[derive(Debug, PartialEq, Eq)]
enum DateStatus {
    Current,
    Expired,
    Invalid,
}

fn date_ok(directive: &SuppressionDirective, today: &str) -> DateStatus {
    let Some(until) = &directive.until else {
        return DateStatus::Current;
    };
    if !is_date(&until.value) {
        return DateStatus::Invalid;
    }
    // ISO dates compare as strings; the suppression holds through its day.
    if until.value.as_str() < today {
        DateStatus::Expired
    } else {
        DateStatus::Current
    }
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return false;
    };
    // Calendar-checked: `2099-02-30` would otherwise never expire as meant.
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn finding_at(model: &Model, span: Span, message: String) -> Finding {
    let resource = model
        .resources
        .iter()
        .filter(|r| {
            r.file == span.file
                && r.span.start <= span.start
                && span.start <= r.span.end.max(r.header.end)
        })
        .min_by_key(|r| r.span.len());
    let resource = match resource {
        Some(r) => ResourceRef {
            address: r.address.as_str().into(),
            resource_type: r.resource_type.as_str().into(),
            kind: kind_of(model, r.id),
            construct_path: r.construct.as_ref().map(|c| c.path.as_str().into()),
        },
        None => ResourceRef {
            address: SharedStr::default(),
            resource_type: SharedStr::default(),
            kind: ResourceKind::Other,
            construct_path: None,
        },
    };
    let path = model
        .files
        .get(span.file.0 as usize)
        .map_or("", |f| f.project_path.as_str());
    Finding {
        rule: INVALID_SUPPRESSION.into(),
        check: 0,
        severity: Severity::Low,
        fingerprint: stable_hash(&[INVALID_SUPPRESSION, path, &resource.address, &message]),
        message: message.into(),
        label: "invalid suppression".into(),
        span,
        resource,
        path: SharedStr::default(),
        hipaa: invalid_suppression_meta().hipaa.into(),
        help: None,
        fix: None,
        suppressed: None,
        notes: Vec::new(),
        origins: Vec::new(),
    }
}

/// The kind of the subject whose resource is `id`, through the registry.
fn kind_of(model: &Model, id: phiguard_model::ResourceId) -> ResourceKind {
    struct Find<'a> {
        model: &'a Model,
        id: phiguard_model::ResourceId,
        kind: ResourceKind,
    }
    impl phiguard_model::kinds::KindVisitor for Find<'_> {
        fn visit<K: phiguard_model::Subject>(&mut self) {
            if self.kind == ResourceKind::Other
                && K::all(&self.model.subjects)
                    .iter()
                    .any(|s| s.resource() == self.id)
            {
                self.kind = K::KIND;
            }
        }
    }
    let mut find = Find {
        model,
        id,
        kind: ResourceKind::Other,
    };
    phiguard_model::kinds::walk(&mut find);
    find.kind
}

/// Today's date in UTC as `YYYY-MM-DD`, from the system clock.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert!(is_date("2027-03-01"));
        assert!(!is_date("2027-3-1"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("tomorrow"));
        assert!(!is_date("2099-02-30"));
        assert!(!is_date("2027-04-31"));
        assert!(!is_date("2027-02-29"));
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2100-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(!is_date("2027-01-00"));
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn covers_is_half_open() {
        let file = phiguard_model::FileId(0);
        let target = Span::new(file, 10..20);
        assert!(covers(target, Span::new(file, 10..12)));
        assert!(covers(target, Span::new(file, 19..25)));
        assert!(!covers(target, Span::new(file, 20..21)));
        assert!(!covers(
            target,
            Span::new(phiguard_model::FileId(1), 12..13)
        ));
    }
}
