//! phiguard's common resource model. Front ends fill it from Terraform or
//! CloudFormation; policies read it and never see HCL or YAML.

pub mod kinds;
mod listed;
mod policy_document;
mod report;
mod resource;
mod shared;
mod source;
mod span;
mod value;

pub use kinds::s3::{
    Acl, BackupSelection, Cors, CorsRule, Encryption, EncryptionRule, Grant, Logging, Ownership,
    PublicAccessBlock, Replication, ReplicationRule, S3Bucket, S3Part, S3PartKind, Versioning,
};
pub use kinds::search_domain::{
    AdvancedSecurity, ClusterConfig, DomainPart, DomainPartKind, EncryptionAtRest, EndpointOptions,
    LogPublishing, NodeToNodeEncryption, SearchDomain, VpcOptions,
};
pub use kinds::{variants, Subject, Subjects, View, MAX_VARIANTS};
pub use listed::{ListedFiles, ReadFile};
pub use policy_document::{Condition, PolicyDocument, PolicySource, Statement};
pub use report::{
    pascal_case, stable_hash, Applicability, BaselineUse, Edit, Finding, Fix, LintError, Report,
    ResourceKind, ResourceRef, RuleMeta, RuleRemediation, Severity, Skipped, Suppression,
    Undecided,
};
pub use resource::{Attribute, Block, Body, Construct, Dialect, Origin, Resource, ResourceId};
pub use shared::{Fingerprint, SharedStr};
pub use source::{display_path, normalize, FileRole, LineIndex, Position, SourceFile};
pub use span::{FileId, Span, Spanned};
pub use value::{
    format_number, OriginRole, Origins, StandsFor, Unknown, Value, ValueKind, ValueOrigin, HOLE,
};

/// A policy attached to a bucket or a domain: a bucket policy, a domain's
/// access policy, inline or in its own resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePolicy {
    pub origin: Origin,
    pub document: PolicySource,
}

/// Everything the front ends read from one run's inputs.
#[derive(Debug, Default)]
pub struct Model {
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    /// Buckets, domains, ...: the views policies check, by kind.
    pub subjects: Subjects,
    pub errors: Vec<LintError>,
    pub skipped: Vec<Skipped>,
    /// `phiguard:ignore` comments and CloudFormation `Metadata` suppressions.
    pub suppressions: Vec<SuppressionDirective>,
    /// Terraform module calls whose code could not be read offline (or would
    /// not be instantiated: a cycle); their outputs are unknown.
    pub unavailable_modules: Vec<UnavailableModule>,
    /// Each Terraform plan evaluated with the `.tf` files it came from,
    /// with those files: a finding located in them is caused by the plan
    /// (a run that names the plan reports it).
    pub plan_sources: Vec<(FileId, Vec<FileId>)>,
}

/// A Terraform `module` block whose code phiguard did not evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnavailableModule {
    /// The call's address: `module.vpc`, `module.app["a"].module.logs`.
    pub address: String,
    /// The `source` as written (empty when it is not a literal).
    pub source: String,
    /// The `module "NAME"` header.
    pub span: Span,
    /// Why, e.g. "not available offline: run `terraform init` so that
    /// .terraform/modules holds it".
    pub reason: String,
}

/// One suppression as written: which rules, why, until when, and what part of
/// the file it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionDirective {
    /// The comment or metadata entry itself.
    pub span: Span,
    /// What it covers: the block, resource or attribute it stands above or
    /// beside.
    pub target: Span,
    /// Further places it covers, apart from `target`: the resources of a
    /// CDK construct after its first, which need not be next to each
    /// other in the template.
    pub also: Vec<Span>,
    pub rules: Vec<Spanned<String>>,
    /// The text after `--`; a suppression needs one.
    pub reason: Option<String>,
    /// `until=YYYY-MM-DD` as written.
    pub until: Option<Spanned<String>>,
    /// Written as a comment or as a CloudFormation `Metadata` entry: what
    /// a fix looks like differs.
    pub form: SuppressionForm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionForm {
    /// `# phiguard:ignore RULE-ID -- reason`.
    Comment,
    /// `Metadata: {phiguard: {ignore: [{id, reason, until}]}}`.
    Metadata,
}

impl SuppressionDirective {
    /// The places it covers.
    pub fn targets(&self) -> impl Iterator<Item = Span> + '_ {
        std::iter::once(self.target).chain(self.also.iter().copied())
    }
}

impl Model {
    /// A model of nothing but `error`: a run that could not start.
    pub fn with_error(error: LintError) -> Model {
        Model {
            errors: vec![error],
            ..Model::default()
        }
    }
    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0 as usize]
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Adds a file and returns its id.
    pub fn add_file(
        &mut self,
        path: &std::path::Path,
        display_path: String,
        text: std::sync::Arc<str>,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files
            .push(SourceFile::new(id, path, display_path, text));
        id
    }

    /// [`Model::add_file`] for a file read only for the values it holds
    /// (not linted): a var file, a parameters file, a `file()`.
    pub fn add_value_file(
        &mut self,
        path: &std::path::Path,
        display_path: String,
        text: std::sync::Arc<str>,
    ) -> FileId {
        let id = self.add_file(path, display_path, text);
        self.files[id.0 as usize].role = FileRole::Values;
        id
    }

    /// Adds a resource, giving it the next id.
    pub fn add_resource(&mut self, mut resource: Resource) -> ResourceId {
        let id = ResourceId(self.resources.len() as u32);
        resource.id = id;
        self.resources.push(resource);
        id
    }
}
