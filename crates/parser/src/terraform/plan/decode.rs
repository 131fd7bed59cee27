//! A plan's bytes into text: `terraform show -json > plan.json` writes
//! UTF-8 on Linux and macOS, and under Windows PowerShell 5 UTF-16 with a
//! byte order mark (or UTF-8 with one).

/// The text of a UTF-16 file (little or big endian, by its byte order
/// mark, or little endian without one when the second byte is NUL, as
/// `{` is), without the mark; `None` for anything else, or UTF-16 that
/// does not decode. UTF-8, with or without its mark, is the caller's.
pub(crate) fn decode(bytes: &[u8]) -> Option<String> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        [b'{', 0, ..] => (true, bytes),
        _ => return None,
    };
    if body.len() % 2 != 0 {
        return None;
    }
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// A cheap look before parsing: the two keys every plan and state has.
/// Anywhere in the text, not only where `terraform show -json` writes
/// them (first): a plan re-serialized with sorted keys (`jq -S`) has a
/// whole `configuration` before them. A file that has both and is no plan
/// is handed on to template detection after parsing.
pub(crate) fn looks_like_plan(text: &str) -> bool {
    text.contains("\"format_version\"") && text.contains("\"terraform_version\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = if bom {
            std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .collect::<Vec<_>>()
        } else {
            text.encode_utf16().collect()
        };
        for unit in units {
            out.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_in_both_orders_with_and_without_a_mark() {
        let text = "{\"format_version\":\"1.0\",\"é\":\"😀\"}";
        assert_eq!(decode(&utf16(text, true, true)).as_deref(), Some(text));
        assert_eq!(decode(&utf16(text, false, true)).as_deref(), Some(text));
        assert_eq!(decode(&utf16(text, true, false)).as_deref(), Some(text));
        assert_eq!(decode(text.as_bytes()), None);
        // An odd number of bytes, a lone surrogate: not UTF-16.
        assert_eq!(decode(&[0xFF, 0xFE, b'{']), None);
        assert_eq!(decode(&[0xFF, 0xFE, 0x00, 0xD8]), None);
    }

    #[test]
    fn plans_are_told_by_their_keys() {
        assert!(looks_like_plan(
            "{\"format_version\":\"1.2\",\"terraform_version\":\"1.6.0\"}"
        ));
        // Sorted keys: `configuration` (of any size) first.
        let sorted = format!(
            "{{\"configuration\":{{\"x\":\"{}\"}},\"format_version\":\"1.2\",\"terraform_version\":\"1.6.0\"}}",
            "y".repeat(10_000)
        );
        assert!(looks_like_plan(&sorted));
        assert!(!looks_like_plan(
            "{\"AWSTemplateFormatVersion\":\"2010-09-09\"}"
        ));
        assert!(!looks_like_plan("{\"format_version\":\"1\"}"));
    }
}
