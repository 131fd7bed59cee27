//! Change-aware runs (`--staged`, `--changed-since`) in scratch git
//! repositories made under the temp folder (outside this repository, so
//! that "outside git" is outside git).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command as Process;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

const BUCKET: &str = r#"resource "aws_s3_bucket" "records" {
  bucket = "patient-records"
}
"#;

/// The bucket's only `aws:SecureTransport` deny, in a file of its own.
const TLS_POLICY: &str = r#"resource "aws_s3_bucket_policy" "tls" {
  bucket = aws_s3_bucket.records.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::patient-records", "arn:aws:s3:::patient-records/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
"#;

struct Repo(PathBuf);

impl Repo {
    /// An empty folder under the temp folder; a repository when `git`.
    fn new(git: bool) -> Repo {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "phiguard-changes-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        let repo = Repo(path);
        if git {
            repo.git(&["init", "-q", "-b", "main"]);
            repo.git(&["config", "user.name", "phiguard tests"]);
            repo.git(&["config", "user.email", "tests@phiguard.invalid"]);
            repo.git(&["config", "commit.gpgsign", "false"]);
        }
        repo
    }

    fn git(&self, args: &[&str]) -> &Self {
        let out = Process::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self
    }

    fn write(&self, name: &str, text: &str) -> &Self {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn commit(&self) -> &Self {
        self.git(&["add", "-A"])
            .git(&["commit", "-q", "-m", "state"])
    }

    fn phiguard(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("phiguard").unwrap();
        cmd.current_dir(&self.0)
            .args([
                "lint",
                "--color",
                "never",
                "--select",
                "s3-insecure-transport",
            ])
            .args(args)
            .env_remove("PRE_COMMIT_FROM_REF")
            .env_remove("PRE_COMMIT_TO_REF");
        cmd
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Deleting the file that holds a bucket's only TLS deny leaves the
/// bucket, in a file nobody touched, open to plain HTTP: the change is
/// answerable for that finding.
#[test]
fn a_staged_deletion_of_a_tls_policy_reports_the_finding_it_causes() {
    let repo = Repo::new(true);
    repo.write("infra/main.tf", BUCKET)
        .write("infra/tls.tf", TLS_POLICY)
        .commit();
    repo.phiguard(&["--staged"]).assert().code(0);
    repo.git(&["rm", "-q", "infra/tls.tf"]);

    let out = repo.phiguard(&["--staged"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("s3-insecure-transport"), "{stdout}");
    assert!(stdout.contains("infra/main.tf"), "{stdout}");
    assert!(stdout.contains("(1 new)"), "{stdout}");

    let out = repo
        .phiguard(&["--staged", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["new"], 1, "{json}");
    assert_eq!(json["summary"]["findings"], 1, "{json}");

    // The index, not the working tree, is what is checked: with the file
    // back in the index and gone from disk only, nothing is new.
    repo.git(&["reset", "-q", "HEAD", "infra/tls.tf"]);
    assert!(!repo.0.join("infra/tls.tf").exists());
    repo.write("infra/other.tf", "")
        .git(&["add", "infra/other.tf"]);
    repo.phiguard(&["--staged"]).assert().code(0);
}

#[test]
fn changed_since_compares_the_working_tree_with_a_commit() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET)
        .write("tls.tf", TLS_POLICY)
        .commit();
    repo.write("README.md", "docs\n").commit();
    std::fs::remove_file(repo.0.join("tls.tf")).unwrap();
    let out = repo
        .phiguard(&["--changed-since", "HEAD~1"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("(1 new)"), "{stdout}");
}

#[test]
fn a_change_to_a_readme_only_passes_with_a_note() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET).commit();
    repo.write("README.md", "# docs\n")
        .git(&["add", "README.md"]);
    let out = repo.phiguard(&["--staged"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("phiguard: no Terraform or CloudFormation file changed"),
        "{}",
        text(&out.stderr)
    );
}

/// The config decides what every configuration reports: a commit that
/// only changes it (here, un-ignoring a rule) is checked with the new
/// config over everything in scope.
#[test]
fn a_change_to_the_config_lints_everything_with_the_new_config() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET)
        .write(
            ".phiguard.yaml",
            "rules:\n  ignore: [s3-insecure-transport]\n",
        )
        .commit();
    repo.write(".phiguard.yaml", "rules:\n  ignore: []\n")
        .git(&["add", ".phiguard.yaml"]);
    let out = repo.phiguard(&["--staged"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("s3-insecure-transport"));
    assert!(
        text(&out.stderr).contains("the config file changed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn with_nothing_staged_everything_is_linted() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET).commit();
    let out = repo.phiguard(&["--staged"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("s3-insecure-transport"), "{stdout}");
    assert!(!stdout.contains(" new)"), "{stdout}");
}

#[test]
fn the_first_commit_has_an_empty_base() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET).git(&["add", "main.tf"]);
    let out = repo.phiguard(&["--staged"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("(1 new)"), "{stdout}");
}

#[test]
fn pre_push_compares_the_pushed_commits() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET)
        .write("tls.tf", TLS_POLICY)
        .commit();
    repo.git(&["rm", "-q", "tls.tf"]).commit();
    let out = repo
        .phiguard(&["--staged"])
        .env("PRE_COMMIT_FROM_REF", "HEAD~1")
        .env("PRE_COMMIT_TO_REF", "HEAD")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("(1 new)"), "{stdout}");
}

#[test]
fn paths_narrow_the_change() {
    let repo = Repo::new(true);
    repo.write("a/main.tf", BUCKET)
        .write("a/tls.tf", TLS_POLICY)
        .write("b/main.tf", "")
        .commit();
    repo.git(&["rm", "-q", "a/tls.tf"]);
    repo.phiguard(&["--staged", "b"]).assert().code(0);
    repo.phiguard(&["--staged", "a"]).assert().code(1);
}

#[test]
fn outside_a_repository_is_an_error() {
    let folder = Repo::new(false);
    folder.write("main.tf", BUCKET);
    // The temp folder may itself be in a repository on some machine.
    if Process::new("git")
        .arg("-C")
        .arg(&folder.0)
        .args(["rev-parse", "--git-dir"])
        .output()
        .unwrap()
        .status
        .success()
    {
        return;
    }
    for flag in [&["--staged"][..], &["--changed-since", "main"][..]] {
        let out = folder.phiguard(flag).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("needs a git repository"), "{stderr}");
    }
}

#[test]
fn a_bad_ref_is_an_error_naming_it() {
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET).commit();
    let out = repo
        .phiguard(&["--changed-since", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("`no-such-branch`"), "{stderr}");
}

#[test]
fn staged_and_changed_since_exclude_each_other() {
    let repo = Repo::new(true);
    repo.phiguard(&["--staged", "--changed-since", "HEAD"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn a_staged_run_reads_symbolic_links_within_the_tree() {
    // The TLS-only policy lives behind a link, as a checkout would read it:
    // the bucket has it, so the staged change reports nothing.
    let repo = Repo::new(true);
    repo.write("main.tf", BUCKET)
        .write("shared/tls.tf.txt", TLS_POLICY);
    std::os::unix::fs::symlink("shared/tls.tf.txt", repo.0.join("tls.tf")).unwrap();
    // A link out of the tree is not followed (nor read on disk).
    std::os::unix::fs::symlink("/etc/hostname", repo.0.join("host.tf")).unwrap();
    repo.commit();
    repo.write("main.tf", &format!("# a change\n{BUCKET}"))
        .git(&["add", "main.tf"]);
    let out = repo.phiguard(&["--staged"]).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("No findings"), "{stdout}");
}
