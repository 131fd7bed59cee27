//! Resources as the front ends read them: a type, an address and a body of
//! attributes and nested blocks. CloudFormation properties arrive as
//! attributes whose values are maps and lists; Terraform blocks stay blocks.

use crate::value::OriginMover;
use crate::{FileId, Span, Spanned, Value};

/// Index of a resource in [`crate::Model::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Terraform,
    CloudFormation,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub id: ResourceId,
    pub dialect: Dialect,
    /// `aws_s3_bucket`, `AWS::S3::Bucket`.
    pub resource_type: String,
    /// Terraform's address (`module.logs.aws_s3_bucket.this[0]`) or the
    /// CloudFormation logical id.
    pub address: String,
    pub file: FileId,
    /// The whole resource, header and body.
    pub span: Span,
    /// Where findings about something missing point: `resource "aws_s3_bucket" "b"`
    /// or the logical id.
    pub header: Span,
    pub body: Body,
    /// Set when this Terraform instance stands in for a number of instances
    /// that is not known offline (`count = var.n` with no value): one is
    /// checked, and this says why its findings depend on it.
    pub instance_note: Option<String>,
    /// The `module` blocks that instantiated this resource, outermost (in the
    /// root module) first; empty for a root module's resources and for
    /// CloudFormation.
    pub module_calls: Vec<Span>,
    /// The CDK construct that made this CloudFormation resource, when the
    /// template is a cloud assembly's (`cdk.out`).
    pub construct: Option<Box<Construct>>,
    /// The resource's `address` in the Terraform plan its `.tf` instance
    /// was evaluated with: every finding on it names that place as a
    /// secondary location, whether or not the plan decided the value.
    pub planned: Option<Span>,
}

/// A CDK construct, as the cloud assembly records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Construct {
    /// `PhiStack/PublicBucket/Resource`.
    pub path: String,
    /// The line of the app's own code that created it (the first frame of
    /// `aws:cdk:creationStack` in a file of the project), when recorded.
    pub created: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub key: Spanned<String>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub ident: Spanned<String>,
    pub labels: Vec<Spanned<String>>,
    pub span: Span,
    pub body: Body,
    /// Set when whether this block exists at all is not known (the one
    /// block a Terraform `dynamic` over unknown items stands for): the
    /// unknown value that says why.
    pub existence: Option<Value>,
}

impl Body {
    /// Moves every span of the body (keys, values, blocks) through `f`.
    pub fn map_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        for attribute in &mut self.attributes {
            attribute.key.span = f(attribute.key.span);
            attribute.value.map_spans(f);
        }
        for block in &mut self.blocks {
            block.ident.span = f(block.ident.span);
            block.span = f(block.span);
            for label in &mut block.labels {
                label.span = f(label.span);
            }
            block.body.map_spans(f);
        }
    }

    /// Moves the spans of the values' origins through `f` (see
    /// [`Value::map_origin_spans`]).
    pub fn map_origin_spans(&mut self, f: &dyn Fn(Span) -> Span) {
        // One mover for the whole body: a chain its values share stays shared.
        self.move_origins(&mut OriginMover::new(f));
    }

    fn move_origins(&mut self, mover: &mut OriginMover<'_>) {
        for attribute in &mut self.attributes {
            attribute.value.move_origins(mover);
        }
        for block in &mut self.blocks {
            block.body.move_origins(mover);
        }
    }

    pub fn attribute(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.key.value == key)
            .map(|a| &a.value)
    }

    pub fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident.value == ident)
    }

    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident.value == ident)
    }
}

/// Where a part of a resource is written: the resource that holds it (the
/// bucket itself or a satellite) and the block, map or resource header that
/// findings about it point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub resource: ResourceId,
    pub span: Span,
}
