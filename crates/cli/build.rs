//! Tells the tests whether the shared corpus is beside the checkout (it is
//! not shipped): without it, the tests that read it are ignored, with the
//! reason, rather than reported as passing.

fn main() {
    let manifest =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let corpus = manifest.join("../shared/corpus");
    println!("cargo::rustc-check-cfg=cfg(shared_corpus)");
    println!("cargo::rerun-if-changed={}", corpus.display());
    if corpus.is_dir() {
        println!("cargo::rustc-cfg=shared_corpus");
    }
}
