//! Changed paths and snapshots, against scratch repositories made here.

// A failure here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use phiguard_git::{Change, GitError, Repository, Tree};
use phiguard_parser::fs::{EntryKind, FileSystem};
use phiguard_parser::limits::ReadError;

/// A git repository under the temp folder, removed on drop.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("phiguard-git-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let scratch = Scratch { root };
        scratch.git(&["init", "-q", "-b", "main"]);
        scratch.git(&["config", "user.name", "phiguard tests"]);
        scratch.git(&["config", "user.email", "tests@phiguard.invalid"]);
        scratch.git(&["config", "commit.gpgsign", "false"]);
        scratch
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn write(&self, path: &str, text: &str) -> &Self {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    fn repo(&self) -> Repository {
        Repository::discover(&self.root).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn read(fs: &dyn FileSystem, path: &Path) -> String {
    String::from_utf8(fs.read(path).unwrap()).unwrap()
}

#[test]
fn staged_additions_changes_deletions_and_renames() {
    let s = Scratch::new();
    s.write("a.tf", "a\n")
        .write("b.tf", "b\n")
        .write("dir/c.tf", "resource \"x\" \"y\" {\n  c = 1\n}\n")
        .write("keep.tf", "keep\n");
    s.commit("one");
    s.write("a.tf", "a changed\n").write("new.tf", "new\n");
    std::fs::remove_file(s.path("b.tf")).unwrap();
    s.git(&["add", "-A"]);
    s.git(&["mv", "dir/c.tf", "dir/renamed.tf"]);
    // Not staged: not part of `--staged`.
    s.write("keep.tf", "changed on disk only\n");

    let changes = s.repo().staged().unwrap();
    assert_eq!(
        changes.changes,
        [
            Change::Added(s.path("new.tf")),
            Change::Modified(s.path("a.tf")),
            Change::Deleted(s.path("b.tf")),
            Change::Renamed {
                from: s.path("dir/c.tf"),
                to: s.path("dir/renamed.tf"),
            },
        ]
    );
}

#[test]
fn changed_since_a_commit_includes_the_working_tree_and_new_files() {
    let s = Scratch::new();
    s.write("a.tf", "a\n").write(".gitignore", "ignored.tf\n");
    let first = s.commit("one");
    s.write("b.tf", "b\n");
    s.commit("two");
    s.write("a.tf", "changed, not staged\n")
        .write("untracked.tf", "u\n")
        .write("ignored.tf", "i\n");
    let repo = s.repo();
    let base = repo.resolve("HEAD~1").unwrap();
    assert_eq!(base, first);
    let changes = repo.changed_since(&base).unwrap();
    assert_eq!(
        changes.changes,
        [
            Change::Added(s.path("b.tf")),
            Change::Added(s.path("untracked.tf")),
            Change::Modified(s.path("a.tf")),
        ]
    );
    let between = repo.between(&first, "HEAD").unwrap();
    assert_eq!(between.changes, [Change::Added(s.path("b.tf"))]);
}

#[test]
fn an_unborn_head_is_an_empty_base() {
    let s = Scratch::new();
    s.write("main.tf", "m\n");
    s.git(&["add", "main.tf"]);
    let repo = s.repo();
    assert_eq!(repo.head().unwrap(), None);
    assert_eq!(
        repo.staged().unwrap().changes,
        [Change::Added(s.path("main.tf"))]
    );
    let base = repo.snapshot(Tree::Empty);
    assert_eq!(base.kind(&s.path("main.tf")), None);
    assert_eq!(base.kind(&s.root), Some(EntryKind::Dir));
    let index = repo.snapshot(Tree::Index);
    assert_eq!(read(&index, &s.path("main.tf")), "m\n");
}

#[test]
fn a_bad_revision_and_a_folder_outside_git_are_errors() {
    let s = Scratch::new();
    s.write("a.tf", "a\n");
    s.commit("one");
    assert_eq!(
        s.repo().resolve("no-such-branch"),
        Err(GitError::BadRevision("no-such-branch".into()))
    );
    assert!(s.repo().resolve("--output=x").is_err());
    let outside = std::env::temp_dir().join(format!("phiguard-git-outside-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let err = Repository::discover(&outside);
    let _ = std::fs::remove_dir_all(&outside);
    // The temp folder may itself be inside a repository on some machines.
    if let Err(err) = err {
        assert!(matches!(err, GitError::NotARepository { .. }), "{err}");
        assert!(err.to_string().contains("not in a git repository"), "{err}");
    }
}

#[test]
fn the_top_folder_from_a_subfolder() {
    let s = Scratch::new();
    s.write("infra/deep/a.tf", "a\n");
    s.commit("one");
    let repo = Repository::discover(&s.path("infra/deep")).unwrap();
    assert_eq!(repo.top(), s.root);
}

#[test]
fn snapshots_of_a_commit_and_of_the_index_list_and_read() {
    let s = Scratch::new();
    s.write("main.tf", "old\n")
        .write("modules/m/main.tf", "module\n")
        .write("modules/m/vars.tf", "vars\n");
    let first = s.commit("one");
    s.write("main.tf", "staged\n");
    s.git(&["add", "main.tf"]);
    s.git(&["rm", "-q", "modules/m/vars.tf"]);
    s.write("main.tf", "on disk\n");

    let repo = s.repo();
    let commit = repo.snapshot(Tree::Commit(first));
    let index = repo.snapshot(Tree::Index);
    assert_eq!(read(&commit, &s.path("main.tf")), "old\n");
    assert_eq!(read(&index, &s.path("main.tf")), "staged\n");
    let names = |fs: &dyn FileSystem, dir: &str| -> Vec<(String, EntryKind)> {
        let mut entries: Vec<_> = fs
            .list(&s.path(dir))
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    };
    assert_eq!(
        names(&commit, "modules/m"),
        [
            ("main.tf".to_string(), EntryKind::File),
            ("vars.tf".to_string(), EntryKind::File)
        ]
    );
    assert_eq!(
        names(&index, "modules/m"),
        [("main.tf".to_string(), EntryKind::File)]
    );
    assert_eq!(
        names(&commit, "."),
        [
            ("main.tf".to_string(), EntryKind::File),
            ("modules".to_string(), EntryKind::Dir)
        ]
    );
    assert_eq!(commit.kind(&s.path("modules")), Some(EntryKind::Dir));
    assert_eq!(index.kind(&s.path("modules/m/vars.tf")), None);
    assert_eq!(commit.kind(&s.path(".git")), Some(EntryKind::Dir));
    assert!(matches!(
        commit.read(&s.path("modules")),
        Err(ReadError::NotRegular)
    ));
    assert!(matches!(
        commit.read(&s.path("nothing.tf")),
        Err(ReadError::Io(_))
    ));
    // Reads from several threads share the one reader.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..20 {
                    assert_eq!(read(&commit, &s.path("modules/m/main.tf")), "module\n");
                }
            });
        }
    });
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_a_snapshot_are_followed_within_the_tree() {
    let s = Scratch::new();
    s.write("real.tf", "real\n");
    std::os::unix::fs::symlink("real.tf", s.path("link.tf")).unwrap();
    std::os::unix::fs::symlink("link.tf", s.path("chain.tf")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", s.path("out.tf")).unwrap();
    std::os::unix::fs::symlink("../../x.tf", s.path("up.tf")).unwrap();
    let head = s.commit("one");
    let commit = s.repo().snapshot(Tree::Commit(head));
    assert_eq!(commit.kind(&s.path("real.tf")), Some(EntryKind::File));
    // Read as a checkout reads them, chains included.
    assert_eq!(read(&commit, &s.path("link.tf")), "real\n");
    assert_eq!(read(&commit, &s.path("chain.tf")), "real\n");
    // Links that leave the tree are not followed.
    assert_eq!(commit.kind(&s.path("out.tf")), None);
    assert!(commit.read(&s.path("out.tf")).is_err());
    assert_eq!(commit.kind(&s.path("up.tf")), None);
}

#[test]
fn lines_containing_asks_git_grep_for_the_lines() {
    let s = Scratch::new();
    s.write("a.tf", "module \"x\" {\n  source = \"./m\"\n}\n")
        .write("b.tf", "nothing here\n")
        .write("m/c.tf", "locals {\n  p = \"../up\"\n}\n");
    let head = s.commit("one");
    s.write("b.tf", "module \"z\" {\n  source = \"../z\"\n}\n");
    s.git(&["add", "b.tf"]);
    let repo = s.repo();
    let all = [s.path("a.tf"), s.path("b.tf"), s.path("m/c.tf")];
    let needles = ["\"./", "\"../"];
    let mut at_commit = repo
        .snapshot(Tree::Commit(head))
        .lines_containing(&all, &needles);
    at_commit.sort();
    assert_eq!(
        at_commit,
        [
            (s.path("a.tf"), "  source = \"./m\"".to_string()),
            (s.path("m/c.tf"), "  p = \"../up\"".to_string()),
        ]
    );
    let mut in_index = repo
        .snapshot(Tree::Index)
        .lines_containing(&all[1..2], &needles);
    in_index.sort();
    assert_eq!(
        in_index,
        [(s.path("b.tf"), "  source = \"../z\"".to_string())]
    );
}
