//! The helpers evaluation and the views share: values as strings, equality,
//! dynamic references, base64. The string and list functions themselves are
//! evaluated in `eval/list_functions.rs`.

use phiguard_model::{format_number, Span, Value, ValueKind};

use crate::limits::{string_too_long, MAX_STRING};

/// A scalar as the string functions see it.
pub(crate) fn text(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::String(s) => Some(s.clone()),
        ValueKind::Number(n) => Some(format_number(*n)),
        ValueKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A computed string, unless it holds a dynamic reference or is longer
/// than a value may be.
pub(super) fn finish_string(s: String, span: Span) -> Value {
    if s.len() > MAX_STRING {
        Value::unknown(string_too_long(), span)
    } else if s.contains("{{resolve:") {
        dynamic(&s, span)
    } else {
        Value::string(s, span)
    }
}

/// A dynamic reference. A secret reference (Secrets Manager, SSM
/// SecureString) alone is kept as written: it is how a template avoids a
/// literal secret, and rules need to see it. Any other dynamic reference is
/// resolved at deployment and unknown here.
pub(super) fn dynamic(s: &str, span: Span) -> Value {
    let whole = s.starts_with("{{resolve:") && s.ends_with("}}") && s.matches("{{").count() == 1;
    let secret =
        s.starts_with("{{resolve:secretsmanager:") || s.starts_with("{{resolve:ssm-secure:");
    if whole && secret {
        Value::string(s, span)
    } else {
        Value::unknown(
            format!("the dynamic reference in {s:?} is resolved at deployment"),
            span,
        )
    }
}

/// Whether two values are equal, ignoring spans.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (ValueKind::List(x), ValueKind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (ValueKind::Map(x), ValueKind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka.value == kb.value && same(a, b))
        }
        (x, y) => x == y,
    }
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn dynamic_references() {
        let span = Span::default();
        let secret = "{{resolve:secretsmanager:db:SecretString:password}}";
        assert_eq!(dynamic(secret, span).as_str(), Some(secret));
        assert!(dynamic("{{resolve:ssm:/acl}}", span).is_unknown());
        assert!(dynamic("x-{{resolve:secretsmanager:a}}", span).is_unknown());
    }
}
