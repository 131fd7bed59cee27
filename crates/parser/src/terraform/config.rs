//! A module directory's declarations: variables, locals, resources, data
//! sources, module calls and outputs, gathered from all its files.

use std::collections::HashMap;
use std::path::PathBuf;

use phiguard_model::{FileId, Span, Spanned};

use super::ir::{AttrIr, BlockIr, BodyIr, Expr, ExprKind, ObjKey, Op};
use super::types::Ty;

/// Declarations by name. Terraform rejects two with one name in a module,
/// but a folder of examples or fixtures often repeats them across files:
/// a reference prefers the declaration in its own file, then the first.
#[derive(Debug)]
pub(crate) struct Decls<T> {
    pub items: Vec<(String, FileId, T)>,
    by_name: HashMap<String, Vec<usize>>,
}

impl<T> Default for Decls<T> {
    fn default() -> Self {
        Decls {
            items: Vec::new(),
            by_name: HashMap::new(),
        }
    }
}

impl<T> Decls<T> {
    fn add(&mut self, name: String, file: FileId, item: T) {
        self.by_name
            .entry(name.clone())
            .or_default()
            .push(self.items.len());
        self.items.push((name, file, item));
    }

    pub fn find(&self, name: &str, from: FileId) -> Option<usize> {
        let candidates = self.by_name.get(name)?;
        candidates
            .iter()
            .find(|&&i| self.items[i].1 == from)
            .or(candidates.first())
            .copied()
    }

    pub fn get(&self, index: usize) -> &T {
        &self.items[index].2
    }
}

#[derive(Debug)]
pub(crate) struct Variable {
    pub ty: Ty,
    pub default: Option<Expr>,
    pub nullable: bool,
}

/// A `resource` or `data` block.
#[derive(Debug)]
pub(crate) struct ResourceDecl {
    pub resource_type: String,
    pub name: String,
    pub file: FileId,
    pub span: Span,
    pub header: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// The AWS provider configuration it uses (`provider = aws.west`):
    /// `None` for the default one.
    pub provider: Option<String>,
    /// Without the meta-arguments.
    pub body: BodyIr,
}

#[derive(Debug)]
pub(crate) struct ModuleCall {
    pub name: String,
    pub header: Span,
    pub source: Option<Spanned<String>>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// `providers = { aws = aws.west }`: the child's AWS provider
    /// configuration (`None` default) and the caller's it is given.
    pub providers: Vec<(Option<String>, Option<String>)>,
    /// The input variables it sets.
    pub args: Vec<AttrIr>,
}

#[derive(Debug, Default)]
pub(crate) struct ModuleConfig {
    /// The directory, as read (lexically normalised).
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub variables: Decls<Variable>,
    pub locals: Decls<Expr>,
    pub resources: Decls<ResourceDecl>,
    pub data: Decls<ResourceDecl>,
    pub calls: Decls<ModuleCall>,
    pub outputs: Decls<Expr>,
    /// `provider "aws"` configurations: their alias and `default_tags`.
    pub providers: Vec<Provider>,
}

/// An AWS provider configuration, for the tags it adds to every resource
/// (rules.md: `phi_scope: tagged` reads a resource's effective tags).
#[derive(Debug)]
pub(crate) struct Provider {
    /// `None` for the default configuration.
    pub alias: Option<String>,
    /// `default_tags { tags = ... }`.
    pub default_tags: Option<Expr>,
}

/// `aws` or `aws.ALIAS` as a provider reference: `Some(None)` for the
/// default configuration, `Some(Some(alias))` for an alias.
pub(crate) fn provider_ref(expr: &Expr) -> Option<Option<String>> {
    match &expr.kind {
        ExprKind::Var(name) if name == "aws" => Some(None),
        ExprKind::String(text) => match text.split_once('.') {
            Some(("aws", alias)) => Some(Some(alias.to_string())),
            None if text == "aws" => Some(None),
            _ => None,
        },
        ExprKind::Traversal(t) => match (&t.root.kind, t.steps.as_slice()) {
            (ExprKind::Var(name), [step]) if name == "aws" => match &step.op {
                Op::Attr(alias) => Some(Some(alias.clone())),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// Arguments that configure how Terraform handles a resource, not the
/// resource itself.
const META_ATTRS: [&str; 4] = ["count", "for_each", "depends_on", "provider"];
const META_BLOCKS: [&str; 3] = ["lifecycle", "provisioner", "connection"];
const CALL_META: [&str; 7] = [
    "source",
    "version",
    "count",
    "for_each",
    "depends_on",
    "providers",
    "provider",
];

impl ModuleConfig {
    pub fn new(dir: PathBuf) -> Self {
        ModuleConfig {
            dir,
            ..ModuleConfig::default()
        }
    }

    /// Adds one file's declarations ([`declarations`]).
    pub fn add_file(&mut self, file: FileId, decls: Vec<Decl>) {
        self.files.push(file);
        for decl in decls {
            match decl {
                Decl::Variable(name, v) => self.variables.add(name, file, v),
                Decl::Local(name, e) => self.locals.add(name, file, e),
                Decl::Output(name, e) => self.outputs.add(name, file, e),
                Decl::Resource(key, r) => self.resources.add(key, file, r),
                Decl::Data(key, r) => self.data.add(key, file, r),
                Decl::Call(name, c) => self.calls.add(name, file, c),
                Decl::Provider(p) => self.providers.push(p),
            }
        }
    }
}

/// One top-level declaration of a file.
pub(crate) enum Decl {
    Variable(String, Variable),
    Local(String, Expr),
    Output(String, Expr),
    /// Keyed `type.name`.
    Resource(String, ResourceDecl),
    Data(String, ResourceDecl),
    Call(String, ModuleCall),
    Provider(Provider),
}

/// A file's top-level blocks as declarations, keeping only what
/// evaluation reads: descriptions, validations, `terraform` and `provider`
/// blocks are dropped here, on the thread that parsed the file, so that no
/// more than a few files' whole trees are ever held at once.
pub(crate) fn declarations(file: FileId, body: BodyIr) -> Vec<Decl> {
    let mut out = Vec::new();
    for block in body.blocks {
        declare(file, block, &mut out);
    }
    out.shrink_to_fit();
    out
}

fn declare(file: FileId, block: BlockIr, out: &mut Vec<Decl>) {
    let header = block
        .labels
        .last()
        .map_or(block.ident.span, |l| block.ident.span.cover(l.span));
    match (block.ident.value.as_str(), block.labels.as_slice()) {
        ("variable", [name]) => {
            let body = block.body;
            let nullable = !matches!(
                body.attr("nullable").map(|e| &e.kind),
                Some(ExprKind::Bool(false))
            );
            let variable = Variable {
                ty: body.attr("type").map_or(Ty::Any, Ty::parse),
                default: body.attr("default").cloned(),
                nullable,
            };
            out.push(Decl::Variable(name.value.clone(), variable));
        }
        ("locals", []) => {
            for attr in block.body.attrs {
                out.push(Decl::Local(attr.key.value, attr.expr));
            }
        }
        ("output", [name]) => {
            if let Some(value) = block.body.attr("value") {
                out.push(Decl::Output(name.value.clone(), value.clone()));
            }
        }
        ("resource" | "data", [resource_type, name]) => {
            let data = block.ident.value == "data";
            let mut body = block.body;
            let count = take_attr(&mut body, "count");
            let for_each = take_attr(&mut body, "for_each");
            let provider = body
                .attr("provider")
                .and_then(provider_ref)
                .unwrap_or_default();
            body.attrs
                .retain(|a| !META_ATTRS.contains(&a.key.value.as_str()));
            body.blocks
                .retain(|b| !META_BLOCKS.contains(&b.ident.value.as_str()));
            body.attrs.shrink_to_fit();
            body.blocks.shrink_to_fit();
            let decl = ResourceDecl {
                resource_type: resource_type.value.clone(),
                name: name.value.clone(),
                file,
                span: block.span,
                header,
                count,
                for_each,
                provider,
                body,
            };
            let key = format!("{}.{}", resource_type.value, name.value);
            out.push(if data {
                Decl::Data(key, decl)
            } else {
                Decl::Resource(key, decl)
            });
        }
        ("module", [name]) => {
            let mut body = block.body;
            let source = body.attr("source").and_then(|e| {
                e.as_literal_str()
                    .map(|s| Spanned::new(s.to_string(), e.span))
            });
            let count = take_attr(&mut body, "count");
            let for_each = take_attr(&mut body, "for_each");
            let providers = match body.attr("providers").map(|e| &e.kind) {
                Some(ExprKind::Object(entries)) => entries
                    .iter()
                    .filter_map(|(key, value)| {
                        let child = match key {
                            ObjKey::Name(name) => provider_ref(&Expr {
                                kind: ExprKind::String(name.value.clone()),
                                span: name.span,
                            }),
                            ObjKey::Expr(e) => provider_ref(e),
                        }?;
                        Some((child, provider_ref(value)?))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            body.attrs
                .retain(|a| !CALL_META.contains(&a.key.value.as_str()));
            body.attrs.shrink_to_fit();
            let call = ModuleCall {
                name: name.value.clone(),
                header,
                source,
                count,
                for_each,
                providers,
                args: body.attrs,
            };
            out.push(Decl::Call(name.value.clone(), call));
        }
        ("provider", [name]) if name.value == "aws" => {
            let body = block.body;
            let alias = body
                .attr("alias")
                .and_then(|e| e.as_literal_str().map(str::to_string));
            let default_tags = body
                .blocks
                .iter()
                .find(|b| b.ident.value == "default_tags")
                .and_then(|b| b.body.attr("tags").cloned());
            out.push(Decl::Provider(Provider {
                alias,
                default_tags,
            }));
        }
        _ => {}
    }
}

fn take_attr(body: &mut BodyIr, name: &str) -> Option<Expr> {
    let at = body.attrs.iter().position(|a| a.key.value == name)?;
    Some(body.attrs.remove(at).expr)
}
