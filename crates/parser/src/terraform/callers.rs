//! Which folders a Terraform file calls as local modules, read from its
//! lines without parsing: how a module file given on its own (pre-commit,
//! a change-aware run) finds the roots it belongs to, across a repository,
//! in a few milliseconds.
//!
//! Terraform requires a module's `source` to be a literal string, so a
//! line `source = "./x"` (or `"source": "../x"` in `.tf.json`) is where a
//! local call is written. A line that is not a module's (a comment, an
//! attribute of another block named `source`) can only add a folder that
//! is then loaded for nothing; no call is missed.

use std::path::{Path, PathBuf};

use super::modules::local_dir;

/// The text a local module source line gives for `source`: the
/// characters between the quotes after `source =` (HCL) or `"source":`
/// (JSON), when they start with `.`.
pub fn local_source(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let rest = if let Some(rest) = line.strip_prefix("\"source\"") {
        rest.trim_start().strip_prefix(':')?
    } else {
        let rest = line.strip_prefix("source")?;
        rest.trim_start().strip_prefix('=')?
    };
    let quoted = rest.trim_start().strip_prefix('"')?;
    let source = &quoted[..quoted.find('"')?];
    source.starts_with('.').then_some(source)
}

/// The folder a local module source line in a file of `caller_dir` calls.
pub fn local_module_call(caller_dir: &Path, line: &str) -> Option<PathBuf> {
    local_dir(caller_dir, local_source(line)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_local_sources_only() {
        let dir = Path::new("/r/envs/prod");
        let call = |line| local_module_call(dir, line);
        assert_eq!(
            call("  source = \"./modules/a\""),
            Some(PathBuf::from("/r/envs/prod/modules/a"))
        );
        assert_eq!(call("source=\"../..\""), Some(PathBuf::from("/r")));
        assert_eq!(
            call("  \"source\": \"../b\","),
            Some(PathBuf::from("/r/envs/b"))
        );
        assert_eq!(
            call("  source = \"terraform-aws-modules/s3-bucket/aws\""),
            None
        );
        assert_eq!(call("  source = \"git::https://example.com/x.git\""), None);
        assert_eq!(call("  source_dir = \"./lambda\""), None);
        assert_eq!(call("  source = \"./unterminated"), None);
        assert_eq!(call("  # module \"a\" { }"), None);
    }
}
