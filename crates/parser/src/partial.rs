//! Strings built from known and unknown parts (a Terraform template with an
//! interpolation nobody gave a value, a CloudFormation `Fn::Sub` with an
//! unknown parameter). Both front ends render them with a marker for each
//! unknown part, so that a JSON policy written that way is still parsed,
//! its unknown parts unknown inside the document.

use phiguard_model::{StandsFor, Value, ValueKind, HOLE};

const OPEN: char = '\u{27ea}';
const CLOSE: char = '\u{27eb}';

/// Stands for unknown part `n` in a rendered string: JSON-safe, and
/// nothing a template would write.
pub(crate) fn marker(n: usize) -> String {
    format!("{OPEN}?{n}{CLOSE}")
}

/// The number of the first marker in `s`.
pub(crate) fn find_marker(s: &str) -> Option<usize> {
    let start = s.find(OPEN)? + OPEN.len_utf8();
    let rest = s.get(start..)?.strip_prefix('?')?;
    let end = rest.find(CLOSE)?;
    rest[..end].parse().ok()
}

/// `s` with each marker as [`HOLE`]: where its unknown parts are.
pub(crate) fn shape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            OPEN => {
                inside = true;
                out.push(HOLE);
            }
            CLOSE if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The text of `s` without its markers: what is known of it.
pub(crate) fn known_text(s: &str) -> String {
    shape(s).replace(HOLE, "")
}

/// What a string made of `parts` stands for: what its first part stands
/// for, when that is a resource's ARN and the only unknown part (so the
/// string is that ARN followed by its known text).
pub(crate) fn arn_prefix(
    first_unknown: Option<&StandsFor>,
    unknown_parts: usize,
    starts_with_it: bool,
) -> Option<StandsFor> {
    match first_unknown {
        Some(arn @ StandsFor::ArnOf(_)) if unknown_parts == 1 && starts_with_it => {
            Some(arn.clone())
        }
        _ => None,
    }
}

/// Strings that hold an unknown part's marker become unknown (with
/// `reasons[n]`), keeping the text around the markers as known text; a
/// string that is marker `n` followed by known text stands for what
/// `stands_for[n]` does, when that is a resource's ARN.
pub(crate) fn fill_unknowns(
    value: &mut Value,
    reasons: &[String],
    stands_for: &[Option<StandsFor>],
) {
    match &mut value.kind {
        ValueKind::String(s) => {
            if let Some(n) = find_marker(s) {
                let reason = reasons.get(n).map_or("", String::as_str);
                let known = known_text(s);
                let first = marker(n);
                let alone = s
                    .strip_prefix(&first)
                    .map(|rest| find_marker(rest).is_none());
                let stands = arn_prefix(
                    stands_for.get(n).and_then(Option::as_ref),
                    1,
                    alone == Some(true),
                );
                *value = if known.is_empty() {
                    Value::unknown(reason, value.span)
                } else {
                    Value::partly_known(reason, known, value.span).with_shape(shape(s))
                };
                if let Some(stands) = stands {
                    *value = std::mem::replace(value, Value::unknown("", value.span))
                        .standing_for(stands);
                }
            }
        }
        ValueKind::List(items) => items
            .iter_mut()
            .for_each(|i| fill_unknowns(i, reasons, stands_for)),
        ValueKind::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, v)| fill_unknowns(v, reasons, stands_for)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::Span;

    #[test]
    fn markers_stand_for_unknown_parts() {
        let text = format!("arn:aws:iam::{}:root", marker(3));
        assert_eq!(find_marker(&text), Some(3));
        assert_eq!(known_text(&text), "arn:aws:iam:::root");
        let mut value = Value::string(text, Span::default());
        let reasons = ["", "", "", "var.account has no value"].map(String::from);
        fill_unknowns(&mut value, &reasons, &[]);
        assert_eq!(value.unknown_reason(), Some("var.account has no value"));
        let ValueKind::Unknown(u) = &value.kind else {
            panic!("{value:?}")
        };
        assert_eq!(u.known_text.as_deref(), Some("arn:aws:iam:::root"));
        let mut alone = Value::string(marker(0), Span::default());
        fill_unknowns(&mut alone, &["why".into()], &[]);
        assert!(matches!(&alone.kind, ValueKind::Unknown(u) if u.known_text.is_none()));
    }
}
