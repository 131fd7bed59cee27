//! `.tf` files: hcl-edit's syntax tree into resources and variables.

use hcl_edit::structure::{self, Structure};
use hcl_edit::Span as _;
use phiguard_model::{
    Attribute, Block, Body, Dialect, FileId, LintError, Resource, ResourceId, SourceFile, Span,
    Spanned,
};

use super::eval::{Evaluator, References, Scope, SpanMode};

const BOM: &str = "\u{feff}";

/// A parsed `.tf` file.
pub(crate) struct HclFile {
    pub file: FileId,
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
        Ok(Ok(body)) => Ok(HclFile {
            file: file.id,
            base,
            body,
        }),
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

/// Records the module's `variable` blocks and whether each has a default.
pub(crate) fn declare_variables(file: &HclFile, scope: &mut Scope) {
    for block in file.body.blocks() {
        if block.ident.as_str() == "variable" {
            if let Some(name) = block.labels.first() {
                let has_default = block.body.get_attribute("default").is_some();
                scope
                    .variables
                    .insert(name.as_str().to_string(), has_default);
            }
        }
    }
}

/// Every `resource "TYPE" "NAME"` block of the file.
pub(crate) fn resources(
    hcl: &HclFile,
    source: &SourceFile,
    scope: &Scope,
    refs: &mut References,
) -> Vec<Resource> {
    let text = &source.text[hcl.base..];
    let mode = SpanMode::Offset {
        file: hcl.file,
        base: hcl.base,
    };
    let mut eval = Evaluator::new(scope, refs, text, mode);
    let mut out = Vec::new();
    for block in hcl.body.blocks() {
        if block.ident.as_str() != "resource" {
            continue;
        }
        // Terraform rejects other label counts; nothing to build from them.
        let [resource_type, name] = block.labels.as_slice() else {
            continue;
        };
        let span = eval.span(block.span());
        let ident = eval.span(block.ident.span());
        let header = ident.cover(eval.span(name.span()));
        out.push(Resource {
            id: ResourceId(0),
            dialect: Dialect::Terraform,
            resource_type: resource_type.as_str().to_string(),
            address: format!("{}.{}", resource_type.as_str(), name.as_str()),
            file: hcl.file,
            span,
            header,
            body: body(&mut eval, &block.body),
        });
    }
    out
}

fn body(eval: &mut Evaluator, hcl: &structure::Body) -> Body {
    let mut out = Body::default();
    for structure in hcl.iter() {
        match structure {
            Structure::Attribute(attr) => out.attributes.push(Attribute {
                key: Spanned::new(attr.key.as_str().to_string(), eval.span(attr.key.span())),
                value: eval.eval(&attr.value),
            }),
            Structure::Block(block) => out.blocks.push(Block {
                ident: Spanned::new(
                    block.ident.as_str().to_string(),
                    eval.span(block.ident.span()),
                ),
                labels: block
                    .labels
                    .iter()
                    .map(|l| Spanned::new(l.as_str().to_string(), eval.span(l.span())))
                    .collect(),
                span: eval.span(block.span()),
                body: body(eval, &block.body),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
