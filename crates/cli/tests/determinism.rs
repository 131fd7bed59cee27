//! The output does not depend on the number of threads, and phiguard needs
//! no network: the JSON report is byte-for-byte the same with 1 and 4
//! threads, and inside a network namespace without interfaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `phiguard lint PATH --format json` in the workspace, through `wrapper`
/// (a command and its arguments that run the binary) if any.
fn lint(path: &Path, threads: Option<&str>, wrapper: &[&str]) -> Output {
    let binary = env!("CARGO_BIN_EXE_phiguard");
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(binary);
            command
        }
        None => Command::new(binary),
    };
    command
        .current_dir(workspace())
        .args(["lint"])
        .arg(path)
        .args(["--format", "json", "--fail-on", "never"]);
    match threads {
        Some(n) => command.env("RAYON_NUM_THREADS", n),
        None => command.env_remove("RAYON_NUM_THREADS"),
    };
    command.output().unwrap()
}

fn assert_same(what: &str, a: &Output, b: &Output) {
    assert_eq!(
        a.status.code(),
        b.status.code(),
        "{what}: exit codes differ"
    );
    assert!(
        a.stdout == b.stdout,
        "{what}: the JSON reports differ\n--- first\n{}\n--- second\n{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
}

fn findings(output: &Output) -> usize {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["findings"].as_array().unwrap().len()
}

#[test]
fn fixtures_give_the_same_report_on_1_and_4_threads() {
    let path = workspace().join("fixtures");
    let one = lint(&path, Some("1"), &[]);
    let four = lint(&path, Some("4"), &[]);
    assert!(findings(&one) > 0);
    assert_same("fixtures, 1 and 4 threads", &one, &four);
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the checkout"
)]
fn the_corpus_gives_the_same_report_on_1_and_4_threads() {
    let corpus = workspace().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipping: {} is not here", corpus.display());
        return;
    }
    let one = lint(&corpus, Some("1"), &[]);
    let four = lint(&corpus, Some("4"), &[]);
    assert!(findings(&one) > 0);
    assert_same("../shared/corpus, 1 and 4 threads", &one, &four);
}

#[test]
fn fixtures_give_the_same_report_without_a_network() {
    // `unshare -n` (root, or user namespaces) runs a command in a network
    // namespace of its own, with no interface but a loopback that is down.
    let probe = Command::new("unshare").args(["-n", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipping: `unshare -n` does not work here (it needs root or user namespaces)");
        return;
    }
    let path = workspace().join("fixtures");
    let offline = lint(&path, None, &["unshare", "-n"]);
    let normal = lint(&path, None, &[]);
    assert!(
        offline.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    assert!(findings(&normal) > 0);
    assert_same("fixtures, with and without a network", &offline, &normal);
}

#[test]
fn the_binary_imports_no_network_function() {
    // phiguard links no HTTP or socket crate; the binary does not even import
    // the C library's socket functions, so no code path can open a
    // connection.
    let binary = env!("CARGO_BIN_EXE_phiguard");
    let Ok(output) = Command::new("nm")
        .args(["--dynamic", "--undefined-only", binary])
        .output()
    else {
        eprintln!("skipping: `nm` (binutils) is not installed");
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let imports = String::from_utf8_lossy(&output.stdout);
    let network = [
        "socket",
        "connect",
        "getaddrinfo",
        "gethostbyname",
        "sendto",
        "sendmsg",
        "recvfrom",
        "bind",
    ];
    for line in imports.lines() {
        let symbol = line.split_whitespace().last().unwrap_or("");
        let name = symbol.split('@').next().unwrap_or("");
        assert!(!network.contains(&name), "the binary imports {symbol}");
    }
    assert!(imports.lines().count() > 10, "no imports listed: {imports}");
}
