//! Tells the tests whether the shared corpus and test data are beside the
//! checkout (they are not shipped): without them, the tests that read them
//! are ignored, with the reason, rather than reported as passing.

fn main() {
    let manifest =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let shared = manifest.join("../../../shared");
    for (cfg, dir) in [
        ("shared_corpus", "corpus"),
        ("shared_yaml_test_suite", "testdata/yaml-test-suite"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        let path = shared.join(dir);
        println!("cargo::rerun-if-changed={}", path.display());
        if path.is_dir() {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
