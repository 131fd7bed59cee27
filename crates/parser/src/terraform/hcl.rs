//! `.tf` files (and `.tfvars`, the same syntax): parsing with hcl-edit, and
//! syntax errors at their place.

use hcl_edit::structure;
use phiguard_model::{LintError, SourceFile, Span};

const BOM: &str = "\u{feff}";

/// A parsed `.tf` file.
pub(crate) struct HclFile {
    /// Where the parsed text starts in the file (3 after a byte-order mark).
    pub base: usize,
    pub body: structure::Body,
}

/// Parses one file; a syntax error becomes one [`LintError`] at its place.
pub(crate) fn parse(file: &SourceFile) -> Result<HclFile, LintError> {
    let base = if file.text.starts_with(BOM) {
        BOM.len()
    } else {
        0
    };
    let text = &file.text[base..];
    // hcl-edit has internal assertions; a bug there must not end the run.
    let parsed = std::panic::catch_unwind(|| hcl_edit::parser::parse_body(text));
    match parsed {
        Ok(Ok(body)) => Ok(HclFile { base, body }),
        Ok(Err(err)) => Err(syntax_error(file, base, &err)),
        Err(_) => Err(LintError {
            path: file.display_path.clone(),
            span: Some(Span::new(file.id, base..base)),
            message: "the HCL parser failed on this file".into(),
        }),
    }
}

fn syntax_error(file: &SourceFile, base: usize, err: &hcl_edit::parser::Error) -> LintError {
    // hcl-edit clamps an error at the end of input to the last byte, which
    // may be inside a character.
    let mut offset = (base + err.location().offset()).min(file.text.len());
    while !file.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let rest = &file.text[offset..];
    // One character wide, so a label shows where; none at a line end.
    let width = rest
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    let mut message = err.message().to_string();
    if message.contains("redefined attribute") {
        let key: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        message = format!("attribute `{key}` is defined twice in this block");
    }
    LintError {
        path: file.display_path.clone(),
        span: Some(Span::new(file.id, offset..offset + width)),
        message: format!("invalid HCL: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_model::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "main.tf".as_ref(), "main.tf".into(), text.into())
    }

    #[test]
    fn an_error_at_the_end_after_a_wide_character() {
        let f = file("a = [é");
        let err = parse(&f).err().unwrap();
        let span = err.span.unwrap();
        assert!(f.slice(span).is_some());
        assert_eq!(f.position(span.start as usize).line, 1);
    }

    #[test]
    fn errors_after_a_bom_point_into_the_file() {
        let f = file("\u{feff}a = \n");
        let span = parse(&f).err().unwrap().span.unwrap();
        assert_eq!(span.start, 7);
        assert_eq!(f.position(7).column, 5);
    }
}
