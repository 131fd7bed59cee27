//! One expression and body form for both Terraform syntaxes.
//!
//! `.tf` files (hcl-edit trees) and `.tf.json` files (JSON values whose
//! strings are templates) are lowered once into these types, with every span
//! already placed in its file, so the evaluator handles one language.

use hcl_edit::expr::BinaryOperator;
use phiguard_model::{Span, Spanned};

#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Tuple(Vec<Expr>),
    Object(Vec<(ObjKey, Expr)>),
    /// A template with at least one interpolation or directive.
    Template(Vec<Part>),
    /// A bare name: `var`, `aws_s3_bucket`, a `for` variable.
    Var(String),
    Traversal(Box<Traversal>),
    Call(Box<Call>),
    Cond(Box<[Expr; 3]>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinaryOperator, Box<[Expr; 2]>),
    For(Box<ForExpr>),
    /// Something that could not be lowered (a template that does not parse).
    Invalid(String),
}

/// `root.step.step...`; each step's span runs from the root's start to the
/// step's end, so a partial traversal has its own span.
#[derive(Debug, Clone)]
pub(crate) struct Traversal {
    pub root: Expr,
    pub steps: Vec<Step>,
    /// The source text when spans cannot give it (a `.tf.json` string).
    pub text: Option<Box<str>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub op: Op,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Attr(String),
    /// Boxed: steps are many, and most are attributes.
    Index(Box<Expr>),
    /// `[*]` (full) or `.*` (attributes only).
    Splat {
        full: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum ObjKey {
    Name(Spanned<String>),
    /// Boxed: most keys are names.
    Expr(Box<Expr>),
}

#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// With its namespace (`provider::aws::arn_parse`).
    pub name: String,
    pub args: Vec<Expr>,
    /// `f(list...)`: the last argument's items are the arguments.
    pub expand: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for `{ for ... : k => v }`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    pub group: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Lit(String),
    Interp(Expr),
    /// Directives are boxed: most parts are literals and interpolations.
    If(Box<(Expr, Vec<Part>, Vec<Part>)>),
    For(Box<TemplateFor>),
}

/// `%{ for key_var, value_var in collection }body%{ endfor }`.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFor {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    pub body: Vec<Part>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct BodyIr {
    pub attrs: Vec<AttrIr>,
    pub blocks: Vec<BlockIr>,
}

#[derive(Debug, Clone)]
pub(crate) struct AttrIr {
    pub key: Spanned<String>,
    pub expr: Expr,
}

#[derive(Debug, Clone)]
pub(crate) struct BlockIr {
    pub ident: Spanned<String>,
    pub labels: Vec<Spanned<String>>,
    pub span: Span,
    pub body: BodyIr,
}

impl BodyIr {
    pub fn attr(&self, name: &str) -> Option<&Expr> {
        self.attrs
            .iter()
            .find(|a| a.key.value == name)
            .map(|a| &a.expr)
    }
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// The literal string this expression is, if it is one (`source = "./m"`).
    pub fn as_literal_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            _ => None,
        }
    }
}
