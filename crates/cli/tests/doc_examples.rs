//! Every shell example of README.md and docs/ runs as written.
//!
//! Each command of a `sh` block (and of an untagged block that starts with
//! `phiguard` or `cargo`) runs with bash in a scratch git repository made
//! like the one the docs talk about: the shipped `fixtures/`, an `infra/`
//! folder with a public bucket, a `prod.tfvars`, a `main` branch and a
//! staged change. Its exit code must be the one [`EXPECTED`] gives, and
//! when the doc shows output (`# ` lines right after the command, or a
//! block after `<!-- output of: COMMAND -->`), the output must hold those
//! lines in order (`...` stands for any text, a line of it for any lines). A command this file does not know fails the test: add it to
//! [`EXPECTED`], or, when no test machine can run it (it builds phiguard
//! itself, needs Terraform, the network or the shared corpus), to
//! [`NOT_RUN`], and mark it in the doc with "not run by the doc tests".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Command (as written, without its comment) and its exit code in the
/// scratch repository.
const EXPECTED: &[(&str, i32)] = &[
    // README.md, with `cargo run --release --` standing for phiguard.
    ("cargo run --release -- lint fixtures/", 1),
    ("phiguard lint fixtures/", 1),
    (
        "phiguard lint fixtures/s3-public-acl/fail.tf --select s3-public-acl",
        1,
    ),
    ("phiguard lint infra/ modules/", 1),
    ("phiguard lint infra/ --format json", 1),
    ("phiguard lint --statistics", 1),
    ("phiguard lint --select s3-public-acl", 1),
    ("phiguard lint --fail-on high", 1),
    ("phiguard lint --var-file prod.tfvars", 1),
    ("phiguard lint --show-undecided", 1),
    ("phiguard lint --staged", 1),
    ("phiguard lint --changed-since main", 1),
    ("phiguard rules", 0),
    (
        "phiguard baseline infra/ --output .phiguard-baseline.json",
        0,
    ),
    // docs/editors.md
    (
        "phiguard lint --format compact --stdin-filename infra/s3.tf < infra/s3.tf",
        1,
    ),
    // docs/installation.md: the binary under test stands for the installed one.
    ("phiguard --version", 0),
    // docs/usage.md
    ("phiguard lint infra/ --baseline .phiguard-baseline.json", 0),
    ("phiguard lint --staged infra/", 1),
];

/// Commands no test machine runs here, with why; the doc says so next to
/// each ("not run by the doc tests").
const NOT_RUN: &[(&str, &str)] = &[
    (
        "cargo test --workspace",
        "it is the command that runs this test",
    ),
    (
        "cargo install --locked --path .",
        "it builds and installs phiguard itself (minutes)",
    ),
    (
        "cargo run --release -p phiguard-parser --example evaluation_stats -- ../shared/corpus/terraform/terraform-aws-modules__terraform-aws-s3-bucket/examples/* ../shared/corpus/terraform/terraform-aws-modules__terraform-aws-opensearch/examples/*",
        "it needs the shared corpus and a release build",
    ),
];

/// A public bucket: the finding editors.md shows is at 12:9.
const S3_TF: &str = r#"# Patient records: every setting the rules look at is written out.

variable "env" {
  type    = string
  default = "dev"
}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"

  # Public on purpose in this example.
  acl = "public-read"
}
"#;

struct Example {
    doc: PathBuf,
    line: usize,
    command: String,
    /// `# ` lines after the command: what it prints.
    shown: Vec<String>,
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> Vec<PathBuf> {
    let mut docs = vec![workspace().join("README.md")];
    let mut stack = vec![workspace().join("docs")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                docs.push(path);
            }
        }
    }
    docs.sort();
    docs
}

/// The shell examples of one Markdown file.
fn examples(doc: &Path) -> Vec<Example> {
    let text = fs::read_to_string(doc).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut block: Option<bool> = None; // Some(shell?) inside a fence
    let mut pending = String::new();
    let mut first = false;
    // `<!-- output of: COMMAND -->` before a fenced block: the block is
    // what COMMAND prints.
    let mut output_of: Option<(usize, String)> = None;
    let mut collecting: Option<Example> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(command) = line
            .strip_prefix("<!-- output of: ")
            .and_then(|l| l.strip_suffix(" -->"))
        {
            output_of = Some((number, command.to_string()));
            continue;
        }
        if let Some(example) = collecting.as_mut() {
            if line.starts_with("```") {
                out.extend(collecting.take());
            } else {
                example.shown.push(line.to_string());
            }
            continue;
        }
        if line.starts_with("```") && block.is_none() {
            if let Some((line, command)) = output_of.take() {
                collecting = Some(Example {
                    doc: doc.to_path_buf(),
                    line,
                    command,
                    shown: Vec::new(),
                });
                continue;
            }
        }
        if let Some(info) = line.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => {
                    first = true;
                    Some(matches!(info.trim(), "sh" | "bash" | "shell" | ""))
                }
            };
            // An untagged block is a shell example only if it starts with a
            // command (checked on its first line).
            continue;
        }
        let Some(shell) = block else { continue };
        if !shell {
            continue;
        }
        if first {
            first = false;
            let is_command = line.starts_with("phiguard ") || line.starts_with("cargo ");
            if !is_command && !line.starts_with('#') {
                block = Some(false);
                continue;
            }
        }
        if let Some(shown) = line.strip_prefix("# ") {
            if let Some(last) = out.last_mut().filter(|e| e.doc == doc) {
                last.shown.push(shown.to_string());
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        // A continued line (`\`) joins the next.
        let code = strip_comment(line);
        if let Some(start) = code.strip_suffix('\\') {
            pending.push_str(start.trim());
            pending.push(' ');
            continue;
        }
        pending.push_str(code.trim());
        out.push(Example {
            doc: doc.to_path_buf(),
            line: number,
            command: std::mem::take(&mut pending),
            shown: Vec::new(),
        });
    }
    out
}

/// The command without its `# comment` (a `#` after two spaces).
fn strip_comment(line: &str) -> &str {
    match line.find("  #") {
        Some(at) => line[..at].trim_end(),
        None => line.trim_end(),
    }
}

/// A scratch repository shaped as the docs assume: `fixtures/`, `infra/`,
/// `modules/`, `prod.tfvars`.
fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-examples");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("infra")).unwrap();
    copy_tree(&workspace().join("fixtures"), &dir.join("fixtures"));
    fs::write(dir.join("infra/s3.tf"), S3_TF).unwrap();
    fs::write(dir.join("prod.tfvars"), "env = \"prod\"\n").unwrap();
    fs::create_dir_all(dir.join("modules/bucket")).unwrap();
    fs::write(
        dir.join("modules/bucket/main.tf"),
        "resource \"aws_s3_bucket\" \"this\" {\n  bucket = \"claims\"\n}\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "doc tests"]);
    git(&["config", "user.email", "docs@phiguard.invalid"]);
    git(&["config", "commit.gpgsign", "false"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "the docs' repository"]);
    // A staged change to infra/: `--staged` and `--changed-since main`
    // have something to look at.
    fs::write(
        dir.join("infra/s3.tf"),
        format!("{S3_TF}\n# a staged change\n"),
    )
    .unwrap();
    git(&["add", "infra/s3.tf"]);
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs `command` with bash in `dir`, `phiguard` being the binary under
/// test and `cargo run --release --` standing for it.
fn run(dir: &Path, command: &str) -> (i32, String) {
    let command = command.replace("cargo run --release -- ", "phiguard ");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_phiguard"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .current_dir(dir)
        .args(["-c", &command])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("PRE_COMMIT_FROM_REF")
        .env_remove("PRE_COMMIT_TO_REF")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// The shown lines appear in the output in order; `...` in a line stands
/// for any text.
fn shows(output: &str, shown: &[String]) -> Result<(), String> {
    let mut lines = output.lines();
    for expected in shown {
        if !lines.any(|l| matches_elided(l, expected)) {
            return Err(expected.clone());
        }
    }
    Ok(())
}

/// `line` is `pattern` with each `...` standing for any text.
fn matches_elided(line: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").map(str::trim).collect();
    if parts.len() == 1 {
        return line == pattern;
    }
    let mut rest = line;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

#[test]
fn elision_matches_any_text() {
    assert!(matches_elided("a: b c <u>", "a: ... <u>"));
    assert!(matches_elided("a: b c", "a: ..."));
    assert!(!matches_elided("a: b c", "a: ... <u>"));
    assert!(!matches_elided("x: b", "a: ..."));
    assert!(matches_elided("same", "same"));
}

#[test]
fn every_shell_example_in_the_docs_runs_as_written() {
    let examples: Vec<Example> = docs().iter().flat_map(|d| examples(d)).collect();
    assert!(
        examples.len() >= EXPECTED.len(),
        "found only {} examples",
        examples.len()
    );
    let dir = scratch();
    let mut failures = Vec::new();
    for example in &examples {
        let place = format!(
            "{}:{}",
            example
                .doc
                .strip_prefix(workspace())
                .unwrap_or(&example.doc)
                .display(),
            example.line
        );
        if let Some((_, why)) = NOT_RUN.iter().find(|(c, _)| *c == example.command) {
            let doc = fs::read_to_string(&example.doc).unwrap();
            if !doc.contains("not run by the doc tests") {
                failures.push(format!(
                    "{place}: `{}` is not run ({why}) but the doc does not say \"not run by the doc tests\"",
                    example.command
                ));
            }
            continue;
        }
        let Some(&(_, expected)) = EXPECTED.iter().find(|(c, _)| *c == example.command) else {
            failures.push(format!(
                "{place}: `{}` is not in EXPECTED (or NOT_RUN) of crates/cli/tests/doc_examples.rs",
                example.command
            ));
            continue;
        };
        let (code, output) = run(&dir, &example.command);
        if code != expected {
            failures.push(format!(
                "{place}: `{}` exited {code}, expected {expected}:\n{}",
                example.command,
                output.lines().take(20).collect::<Vec<_>>().join("\n")
            ));
        } else if let Err(line) = shows(&output, &example.shown) {
            failures.push(format!(
                "{place}: `{}` does not print `{line}`:\n{}",
                example.command,
                output.lines().take(20).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    let _ = fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
