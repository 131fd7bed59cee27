//! What the CLI tests share: scratch folders with files in them.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A folder under the target directory with the given files, removed on
/// drop. `prefix` names the test file that made it.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(prefix: &str, files: &[(&str, &str)]) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "{prefix}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        for (name, text) in files {
            let file = path.join(name);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        }
        Scratch(path)
    }

    /// The same, as the top of a repository (it holds `.git`), so that the
    /// search for a config file stops there.
    pub fn repository(prefix: &str, files: &[(&str, &str)]) -> Scratch {
        let scratch = Scratch::new(prefix, files);
        fs::create_dir_all(scratch.0.join(".git")).unwrap();
        scratch
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
