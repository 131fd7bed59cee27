//! Every shell example of README.md and docs/ runs as written.
//!
//! Each command of a `sh` block (and of an untagged block that starts with
//! `phiguard` or `cargo`) runs with bash in a scratch git repository made
//! like the one the docs talk about: the shipped `fixtures/`, an `infra/`
//! folder with a public bucket, a `prod.tfvars`, a `main` branch and a
//! staged change. Its exit code must be the one [`EXPECTED`] gives, and
//! when the doc shows output (`# ` lines right after the command, or a
//! block after an output marker, below), the output must hold those lines
//! in order (`...` stands for any text, a line of it for any lines). A
//! command this file does not know fails the test: add it to [`EXPECTED`],
//! or, when no test machine can run it (it builds phiguard itself, needs
//! Terraform, the network or the shared corpus), to [`NOT_RUN`], and mark
//! it in the doc with "not run by the doc tests".
//!
//! Output markers. A fenced block right after the line
//! `<!-- output of: COMMAND -->` (an HTML comment: the rendered doc does
//! not show it) is what COMMAND prints at the top of the scratch
//! repository; after `<!-- output of: COMMAND (in DIR) -->`, what it
//! prints in DIR, a folder of the scratch repository. Several markers in
//! a row: the block is what their commands print, one after the other.
//! [`EXPECTED`] names a marker's command as the marker writes it, with its
//! `(in DIR)`. The inputs of such examples are [`EXAMPLE_FILES`], in
//! `examples/NAME/`: each a git repository of its own that the scratch
//! repository ignores, so that the paths, positions and fingerprints a
//! doc shows are the example's, and the other examples do not see them.

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
    ("phiguard lint infra/ --diff", 1),
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
    // Output markers: the command, and the folder it runs in.
    // docs/output-formats.md
    (
        "phiguard lint infra --var bucket_acl=public-read --select s3-public-acl (in examples/origins)",
        1,
    ),
    (
        "phiguard lint infra --var bucket_acl=public-read --select s3-public-acl,s3-versioning-disabled --format compact (in examples/origins)",
        1,
    ),
    (
        "phiguard lint infra --fail-on high --select s3-public-acl,s3-encryption-missing,s3-versioning-disabled,s3-access-logging-disabled (in examples/grouped)",
        1,
    ),
    (
        "phiguard lint infra --statistics --select s3-public-acl,s3-encryption-missing,s3-versioning-disabled,s3-access-logging-disabled (in examples/grouped)",
        1,
    ),
    // A file that does not parse: exit 2.
    (
        "phiguard lint infra --format compact --select s3-public-acl (in examples/compact)",
        2,
    ),
    (
        "phiguard lint infra --format github --select s3-public-acl (in examples/json)",
        1,
    ),
    // docs/usage.md, Fixing: the diff first, as it writes nothing.
    (
        "phiguard lint infra --diff --select s3-public-acl,es-https-not-enforced,s3-versioning-disabled (in examples/fix)",
        1,
    ),
    (
        "phiguard lint infra --fix --unsafe-fixes --select s3-public-acl,es-https-not-enforced,s3-versioning-disabled (in examples/fix)",
        0,
    ),
    // docs/json-output.md
    (
        "phiguard lint infra --select s3-public-acl --format json (in examples/json)",
        1,
    ),
    (
        "phiguard lint infra --var bucket_acl=public-read --select s3-public-acl --format json (in examples/origins)",
        1,
    ),
    (
        "phiguard lint infra --select s3-public-acl --format json --statistics (in examples/json)",
        1,
    ),
    // docs/configuration.md and docs/policies.md: a mistake stops the run.
    ("phiguard lint (in examples/config-errors/key)", 2),
    ("phiguard lint (in examples/config-errors/value)", 2),
    ("phiguard lint (in examples/config-errors/rule)", 2),
    ("phiguard lint (in examples/policy-error)", 2),
];

/// Commands no test machine runs here, with why; the doc says so next to
/// each ("not run by the doc tests").
const NOT_RUN: &[(&str, &str)] = &[
    (
        "phiguard lint infra/ --fix",
        "it rewrites the scratch repository's infra/, which later examples lint; docs/usage.md's Fixing example runs --fix in a folder of its own",
    ),
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

/// The inputs of the docs' output examples, by path in the scratch
/// repository; each folder of `examples/` is a git repository of its own
/// (see the top comment), so the `.phiguard.yaml` found is the example's.
const EXAMPLE_FILES: &[(&str, &str)] = &[
    // output-formats.md (human, compact: "Where the value came from") and
    // json-output.md (origin): a bucket module whose ACL is set by `--var`
    // and whose versioning by terraform.tfvars, both passed by the call.
    (
        "examples/origins/infra/main.tf",
        r#"module "records" {
  source     = "./modules/bucket"
  acl        = var.bucket_acl
  versioning = var.versioning_status
}
"#,
    ),
    (
        "examples/origins/infra/variables.tf",
        "variable \"bucket_acl\" {}\nvariable \"versioning_status\" {}\n",
    ),
    (
        "examples/origins/infra/terraform.tfvars",
        "versioning_status = \"Suspended\"\n",
    ),
    (
        "examples/origins/infra/modules/bucket/main.tf",
        r#"variable "acl" {}
variable "versioning" {}

resource "aws_s3_bucket" "this" {
  bucket = "patient-records"
  acl    = var.acl
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning
  }
}
"#,
    ),
    // output-formats.md (human, --statistics): one resource with three
    // findings, another with one.
    (
        "examples/grouped/infra/s3.tf",
        r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}

resource "aws_s3_bucket_versioning" "records" {
  bucket = aws_s3_bucket.records.id
  versioning_configuration {
    status = "Suspended"
  }
}
"#,
    ),
    // output-formats.md (compact): a public bucket and a file that does
    // not parse.
    ("examples/compact/infra/s3.tf", JSON_EXAMPLE_TF),
    (
        "examples/compact/infra/broken.tf",
        "resource \"aws_s3_bucket\" \"scans\" {\n  acl = # to do\n}\n",
    ),
    // usage.md, Fixing: a value set in a var file, a setting written
    // false, one missing.
    ("examples/fix/infra/main.tf", FIX_EXAMPLE_TF),
    (
        "examples/fix/infra/variables.tf",
        "variable \"records_acl\" {\n  type = string\n}\n",
    ),
    (
        "examples/fix/infra/terraform.tfvars",
        "records_acl = \"public-read\"\n",
    ),
    // json-output.md (the example, statistics) and output-formats.md
    // (github): the file json-output.md shows.
    ("examples/json/infra/s3.tf", JSON_EXAMPLE_TF),
    // configuration.md: one mistake a file, as phiguard stops at the first.
    (
        "examples/config-errors/key/.phiguard.yaml",
        "fail_on: high\nrules:\n  ignored: [s3-replication-disabled]\n",
    ),
    (
        "examples/config-errors/value/.phiguard.yaml",
        "min_severity: low\nfail_on: hi\n",
    ),
    (
        "examples/config-errors/rule/.phiguard.yaml",
        "fail_on: high\nrules:\n  select: []\n  ignore: [s3-publc-acl]\n",
    ),
    // policies.md: a custom policy whose `when` misspells a value.
    (
        "examples/policy-error/.phiguard.yaml",
        "policy_dirs: [policies]\n",
    ),
    (
        "examples/policy-error/policies/x.toml",
        r#"id = "x-public-read"
title = "S3 bucket is readable by everyone"
severity = "critical"
kind = "s3_bucket"
hipaa = ["164.312(a)(1)"]
description = "A public-read bucket lets anyone read every object."
references = []
remediation = {terraform = 'acl = "private"', cloudformation = "AccessControl: Private"}

[[check]]
when = 'acl.canned == "public-reed"'
message = "bucket {name} is readable by everyone"
"#,
    ),
];

/// The file json-output.md shows (its public bucket at 5:12).
const JSON_EXAMPLE_TF: &str = r#"variable "logs_acl" {}

resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = "public-read"
}

resource "aws_s3_bucket" "logs" {
  acl = var.logs_acl
}
"#;

const FIX_EXAMPLE_TF: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
  acl    = var.records_acl # set per environment
}

resource "aws_opensearch_domain" "search" {
  domain_name = "clinical-search"

  domain_endpoint_options {
    enforce_https       = false
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}
"#;

/// A shell example, or a block of output and the commands that print it.
struct Example {
    doc: PathBuf,
    /// One, or for a block of output one a marker.
    runs: Vec<Run>,
    /// `# ` lines after the command, or the block after the markers: what
    /// the commands print.
    shown: Vec<String>,
}

/// A command of an example.
struct Run {
    /// Where it is written (a marker's line).
    line: usize,
    /// As [`EXPECTED`] and [`NOT_RUN`] name it: as written, for a marker
    /// with its `(in DIR)`.
    command: String,
    /// What runs.
    shell: String,
    /// Where, in the scratch repository ("": at its top).
    dir: String,
}

impl Run {
    fn new(line: usize, command: String) -> Self {
        Run {
            line,
            shell: command.clone(),
            command,
            dir: String::new(),
        }
    }

    /// `COMMAND` or `COMMAND (in DIR)`, from an output marker.
    fn marker(line: usize, text: &str) -> Self {
        let (shell, dir) = text
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once(" (in "))
            .unwrap_or((text, ""));
        Run {
            line,
            command: text.to_string(),
            shell: shell.to_string(),
            dir: dir.to_string(),
        }
    }
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
    // `<!-- output of: COMMAND -->` lines before a fenced block: the
    // block is what the COMMANDs print.
    let mut output_of: Vec<Run> = Vec::new();
    let mut collecting: Option<Example> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if let Some(command) = line
            .strip_prefix("<!-- output of: ")
            .and_then(|l| l.strip_suffix(" -->"))
        {
            output_of.push(Run::marker(number, command));
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
        if line.starts_with("```") && block.is_none() && !output_of.is_empty() {
            collecting = Some(Example {
                doc: doc.to_path_buf(),
                runs: std::mem::take(&mut output_of),
                shown: Vec::new(),
            });
            continue;
        }
        assert!(
            output_of.is_empty(),
            "{}:{}: an output marker is not followed by a fenced block",
            doc.display(),
            output_of[0].line
        );
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
            runs: vec![Run::new(number, std::mem::take(&mut pending))],
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
/// `modules/`, `prod.tfvars`; and `examples/`, which it ignores.
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
    let git_in = |at: &Path, args: &[&str]| {
        let out = Command::new("git")
            .current_dir(at)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?} in {}", at.display());
    };
    let git = |args: &[&str]| git_in(&dir, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.name", "doc tests"]);
    git(&["config", "user.email", "docs@phiguard.invalid"]);
    git(&["config", "commit.gpgsign", "false"]);
    fs::write(dir.join(".git/info/exclude"), "/examples/\n").unwrap();
    for (path, text) in EXAMPLE_FILES {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    for entry in fs::read_dir(dir.join("examples")).unwrap() {
        git_in(&entry.unwrap().path(), &["init", "-q"]);
    }
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
    assert!(dir.is_dir(), "no folder {}", dir.display());
    let out = Command::new("bash")
        .current_dir(dir)
        .args(["-c", &command])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("PRE_COMMIT_FROM_REF")
        .env_remove("PRE_COMMIT_TO_REF")
        .output()
        .unwrap();
    let mut text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `run` in its folder of the scratch repository `top`.
fn run_in(top: &Path, call: &Run) -> (i32, String) {
    run(&top.join(&call.dir), &call.shell)
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
fn the_docs_show_the_inputs_of_their_examples() {
    let json = fs::read_to_string(workspace().join("docs/json-output.md")).unwrap();
    assert!(
        json.contains(&format!("```hcl\n{JSON_EXAMPLE_TF}```")),
        "docs/json-output.md does not show JSON_EXAMPLE_TF, the file its example lints"
    );
    let usage = fs::read_to_string(workspace().join("docs/usage.md")).unwrap();
    assert!(
        usage.contains(&format!("```hcl\n{FIX_EXAMPLE_TF}```")),
        "docs/usage.md does not show FIX_EXAMPLE_TF, the file its Fixing example fixes"
    );
    let policies = fs::read_to_string(workspace().join("docs/policies.md")).unwrap();
    let (_, policy) = EXAMPLE_FILES
        .iter()
        .find(|(path, _)| path.ends_with("/x.toml"))
        .unwrap();
    let line = policy.lines().nth(10).unwrap();
    assert!(
        policies.contains(&format!("`{line}`")),
        "docs/policies.md does not show line 11 of its example policy, `{line}`"
    );
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
        let doc = example
            .doc
            .strip_prefix(workspace())
            .unwrap_or(&example.doc)
            .display()
            .to_string();
        // What the example's commands print, one after the other.
        let mut printed = String::new();
        let mut ran = true;
        for call in &example.runs {
            let place = format!("{doc}:{}", call.line);
            if let Some((_, why)) = NOT_RUN.iter().find(|(c, _)| *c == call.command) {
                let text = fs::read_to_string(&example.doc).unwrap();
                if !text.contains("not run by the doc tests") {
                    failures.push(format!(
                        "{place}: `{}` is not run ({why}) but the doc does not say \"not run by the doc tests\"",
                        call.command
                    ));
                }
                ran = false;
                continue;
            }
            let Some(&(_, expected)) = EXPECTED.iter().find(|(c, _)| *c == call.command) else {
                failures.push(format!(
                    "{place}: `{}` is not in EXPECTED (or NOT_RUN) of crates/cli/tests/doc_examples.rs",
                    call.command
                ));
                ran = false;
                continue;
            };
            let (code, output) = run_in(&dir, call);
            if code != expected {
                failures.push(format!(
                    "{place}: `{}` exited {code}, expected {expected}:\n{}",
                    call.command,
                    output.lines().take(20).collect::<Vec<_>>().join("\n")
                ));
                ran = false;
            }
            printed.push_str(&output);
        }
        if !ran {
            continue;
        }
        if let Err(line) = shows(&printed, &example.shown) {
            let commands: Vec<&str> = example.runs.iter().map(|r| r.command.as_str()).collect();
            failures.push(format!(
                "{doc}:{}: `{}` does not print `{line}`:\n{}",
                example.runs[0].line,
                commands.join("`, then `"),
                printed.lines().take(20).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    let _ = fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
