//! Source files and the line index that turns byte offsets into lines and columns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{FileId, Span};

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

const BOM: &str = "\u{feff}";

/// Start offsets of every line, computed once per file.
///
/// Columns count Unicode scalar values, as editors and SARIF viewers do; a
/// leading byte-order mark is not part of the first line's columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![if text.starts_with(BOM) {
            BOM.len() as u32
        } else {
            0
        }];
        // A line ends at LF, CRLF, or a CR alone (old Mac files), as
        // editors count lines: a CR-only file is not one long line.
        let bytes = text.as_bytes();
        for (i, &byte) in bytes.iter().enumerate() {
            let ends = byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends {
                line_starts.push(i as u32 + 1);
            }
        }
        // Every file's index is kept until the report is written.
        line_starts.shrink_to_fit();
        LineIndex {
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where the 0-based `line` starts (after a BOM on the first line).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    /// 0-based line number that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Position of `offset` in `text`; offsets past the end or inside a
    /// character are clamped to the nearest valid place before them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = (self.line_starts[line] as usize).min(offset);
        let column = if self.ascii {
            offset - start
        } else {
            text[start..offset].chars().count()
        };
        Position {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// Byte offset of a 1-based position, if it lies in `text`.
    pub fn offset(&self, text: &str, position: Position) -> Option<usize> {
        let line = (position.line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(line)? as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |&s| s as usize);
        let mut column = position.column.checked_sub(1)? as usize;
        for (i, _) in text[start..end].char_indices() {
            if column == 0 {
                return Some(start + i);
            }
            column -= 1;
        }
        (column == 0).then_some(end)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One file's text, its display path and its line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as reported to users: relative to the working directory, with `/`.
    pub display_path: String,
    /// Where the file was read from (or the name given with `--stdin-filename`).
    pub path: PathBuf,
    /// The path fingerprints use: relative to the repository's top folder
    /// (else the config file's folder), with `/`, so that they depend
    /// neither on the working directory nor on where the repository is
    /// checked out. The display path until the caller sets it.
    pub project_path: String,
    pub text: Arc<str>,
    /// Where each line starts, made when first asked for
    /// ([`SourceFile::line_index`]): most files of a large run are never
    /// shown (issue 20).
    pub lines: std::sync::OnceLock<LineIndex>,
    /// Why the file was read: what "Checked N files" counts, and whether
    /// findings located in it are reported.
    pub role: FileRole,
    /// Another tool's output (a Terraform plan JSON, a CDK template): linted,
    /// never edited; its findings are fixed where it was made from.
    pub generated: bool,
}

/// Why a file is in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// Linted: a Terraform file or a template. Counted as checked.
    Linted,
    /// Read for the values it holds: a var file, a parameters file, a
    /// file read by `file()` (a JSON policy there still locates findings).
    Values,
    /// Terraform code an `--exclude` or `include` glob leaves out, read
    /// only because a linted configuration calls it as a module (or it sits
    /// beside a named file): evaluated, but findings located in it are not
    /// reported (unless their value was set in a linted file).
    Context,
}

impl SourceFile {
    /// Counted as checked.
    pub fn linted(&self) -> bool {
        self.role == FileRole::Linted
    }
}

impl SourceFile {
    pub fn new(id: FileId, path: &Path, display_path: String, text: Arc<str>) -> Self {
        SourceFile {
            id,
            project_path: display_path.clone(),
            display_path,
            path: path.to_path_buf(),
            text,
            lines: std::sync::OnceLock::new(),
            role: FileRole::Linted,
            generated: false,
        }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn position(&self, offset: usize) -> Position {
        self.line_index().position(&self.text, offset)
    }

    /// The source text a span covers, if the span is valid for this file.
    pub fn slice(&self, span: Span) -> Option<&str> {
        self.text.get(span.start as usize..span.end as usize)
    }

    /// Length of the leading byte-order mark, which front ends skip.
    pub fn bom_len(&self) -> usize {
        if self.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }
}

/// Turns a path into the form reports use: relative to `base`, with `/`,
/// and `..` for a file outside it (a module called from `../modules`), so
/// reports, fingerprints and SARIF never depend on where the checkout is.
///
/// The path is rebuilt from its components, so `a//b`, `./a/b` and `a/./b`
/// all read `a/b` and a file named twice is recognised as one.
pub fn display_path(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    let base = normalize(base);
    let relative: Vec<String> = if path.has_root() == base.has_root() && path.has_root() {
        let common = path
            .iter()
            .zip(base.iter())
            .take_while(|(a, b)| a == b)
            .count();
        let up = base.iter().count() - common;
        std::iter::repeat_n("..".to_string(), up)
            .chain(
                path.iter()
                    .skip(common)
                    .map(|c| c.to_string_lossy().into_owned()),
            )
            .collect()
    } else {
        match path.strip_prefix(&base) {
            Ok(rest) => rest
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect(),
            Err(_) => {
                return path.to_string_lossy().replace('\\', "/");
            }
        }
    };
    let text = relative.join("/").replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system.
/// `.` and `..` folded away lexically, without resolving symbolic links
/// (so a path and the folders above it stay comparable however the user
/// reached them).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                let last_is_normal = matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                );
                if last_is_normal {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    #[test]
    fn positions_are_one_based() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), pos(1, 1));
        assert_eq!(index.position(text, 1), pos(1, 2));
        assert_eq!(index.position(text, 3), pos(2, 1));
        assert_eq!(index.position(text, 6), pos(3, 1));
    }

    #[test]
    fn columns_count_unicode_scalar_values() {
        let text = "é = \"ü\"\n";
        let index = LineIndex::new(text);
        let quote = text.find('"').unwrap();
        assert_eq!(index.position(text, quote), pos(1, 5));
        assert_eq!(index.offset(text, pos(1, 5)), Some(quote));
    }

    #[test]
    fn bom_is_not_a_column() {
        let text = "\u{feff}acl = 1\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), pos(1, 1));
        assert_eq!(index.position(text, 9), pos(1, 7));
        assert_eq!(index.position(text, 11), pos(2, 1));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "ü";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), pos(1, 1));
        assert_eq!(index.position(text, 99), pos(1, 2));
    }

    #[test]
    fn crlf_lines() {
        let text = "a\r\nb";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), pos(2, 1));
        assert_eq!(index.line_count(), 2);
    }

    #[test]
    fn cr_only_lines() {
        let text = "a\rbb\r\rcc";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, 3), pos(2, 2));
        assert_eq!(index.position(text, 7), pos(4, 2));
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        assert_eq!(
            display_path(Path::new("/w/infra/s3.tf"), Path::new("/w")),
            "infra/s3.tf"
        );
        assert_eq!(
            display_path(Path::new("./infra/s3.tf"), Path::new("/w")),
            "infra/s3.tf"
        );
        assert_eq!(
            display_path(Path::new("/w/infra//./s3.tf"), Path::new("/w")),
            "infra/s3.tf"
        );
        assert_eq!(
            display_path(Path::new("/etc/x.tf"), Path::new("/w")),
            "../etc/x.tf"
        );
        assert_eq!(
            display_path(
                Path::new("/r/envs/prod/../../modules/b/main.tf"),
                Path::new("/r/envs/prod")
            ),
            "../../modules/b/main.tf"
        );
        assert_eq!(display_path(Path::new("/w"), Path::new("/w")), ".");
    }

    proptest::proptest! {
        #[test]
        fn position_and_offset_round_trip(text in "\\PC{0,40}(\n\\PC{0,20}){0,4}", at in 0usize..200) {
            let index = LineIndex::new(&text);
            let at = floor_char_boundary(&text, at.min(text.len()));
            let p = index.position(&text, at);
            let back = index.offset(&text, p).unwrap();
            // Offsets inside a BOM map to the first column.
            proptest::prop_assert!(back == at || (at < 3 && text.starts_with(BOM)));
        }
    }
}
