//! Embeds every file of the workspace's `policies/` folder in the binary, so
//! phiguard needs nothing beside itself at run time.

use std::fmt::Write;
use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("../../policies");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    // A binary without rules would report "No findings" on anything.
    if files.is_empty() {
        panic!("no policy files (*.toml) found in {}", dir.display());
    }
    let mut out = String::from("pub static BUILTIN: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("builtin_policies.rs");
    if let Err(err) = fs::write(&target, out) {
        panic!("cannot write {}: {err}", target.display());
    }
}
