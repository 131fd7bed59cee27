//! Arrays serialised from an iterator when the serialiser reaches them:
//! JSON and SARIF go to the writer one element at a time, and the report
//! is never held a second time as a `Vec` of borrowed records or as text.

use serde::{Serialize, Serializer};

/// A JSON array of what the closure's iterator yields. The output is the
/// same as a `Vec`'s: serde serialises both through `collect_seq`.
pub(crate) struct Seq<F>(pub F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}
