//! Whatever bytes arrive, loading returns a model (with errors), never a
//! panic: arbitrary input, and real files cut, spliced and corrupted.

mod mutation;

use std::sync::OnceLock;

use mutation::{apply, cases, check, load_one, seed_files, Edit};
use proptest::prelude::*;

/// Real files to mutate: the project's fixtures and the shared corpus.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out: Vec<Vec<u8>> = seed_files("terraform", &["tf", "json"])
            .into_iter()
            .map(|(_, bytes)| bytes)
            .collect();
        if out.is_empty() {
            out.push(b"resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n".to_vec());
        }
        out
    })
}

/// HCL's delimiters, heredocs and a byte-order mark.
fn edit() -> impl Strategy<Value = Edit> {
    mutation::edit(vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"\"".to_vec(),
        b"${".to_vec(),
        b"<<EOF\n".to_vec(),
        b"\n".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"=".to_vec(),
        b"[".to_vec(),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let name = if json { "main.tf.json" } else { "main.tf" };
        check(&load_one(name, bytes));
    }

    #[test]
    fn arbitrary_text(text in "[a-z_\"{}=\\[\\]$<>\n .,:0-9é😀-]{0,300}") {
        check(&load_one("main.tf", text.clone().into_bytes()));
        check(&load_one("main.tf.json", text.into_bytes()));
    }

    #[test]
    fn mutated_real_files(seed in any::<prop::sample::Index>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seed.get(seeds).clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        check(&load_one("main.tf", bytes.clone()));
        check(&load_one("main.tf.json", bytes));
    }
}
