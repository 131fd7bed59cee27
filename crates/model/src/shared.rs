//! Compact text for findings. A run may report hundreds of thousands of
//! findings, and each repeats what its check says (the rule id, the label,
//! the HIPAA sections, often the fix): held once and shared rather than
//! copied into every finding, and the fingerprint inline rather than on
//! the heap (issue 14: 350,000 findings took about 350 MiB as `String`s).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Immutable text, shared by cloning (a reference count, no copy). Reads
/// as a `str`, compares with `str` and `String`, and serialises and prints
/// as the text itself, as the `String` it replaces did.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<&String> for SharedStr {
    fn from(text: &String) -> Self {
        SharedStr(Arc::from(text.as_str()))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A finding's fingerprint: 16 lowercase hex digits of a 64-bit FNV-1a
/// hash ([`crate::stable_hash`]), held inline.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// The 16 hex digits of `hash`.
    pub fn of_hash(hash: u64) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 16];
        for (i, digit) in digits.iter_mut().enumerate() {
            let nibble = (hash >> (60 - 4 * i)) & 0xf;
            *digit = DIGITS[nibble as usize];
        }
        Fingerprint(digits)
    }

    pub fn as_str(&self) -> &str {
        // Hex digits only, by construction: always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Deref for Fingerprint {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Fingerprint {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_reads_compares_and_prints_as_the_text() {
        let text = SharedStr::from("s3-public-acl");
        assert_eq!(text, "s3-public-acl");
        assert_eq!("s3-public-acl", text);
        assert_eq!(text, "s3-public-acl".to_string());
        assert_eq!(text.len(), 13);
        assert_eq!(
            format!("{text} {text:?}"),
            "s3-public-acl \"s3-public-acl\""
        );
        let (a, b) = (SharedStr::from("a"), SharedStr::from("b"));
        assert_eq!(a.cmp(&b), std::cmp::Ordering::Less);
    }

    #[test]
    fn fingerprints_are_sixteen_hex_digits() {
        assert_eq!(
            Fingerprint::of_hash(0xcbf2_9ce4_8422_2325),
            "cbf29ce484222325"
        );
        assert_eq!(Fingerprint::of_hash(1).as_str(), "0000000000000001");
        assert_eq!(
            format!("{:?}", Fingerprint::of_hash(u64::MAX)),
            "\"ffffffffffffffff\""
        );
    }
}
