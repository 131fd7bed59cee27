//! CDK cloud assemblies (`cdk.out`): each stack template is linted as the
//! CloudFormation it is; the assembly's manifest and metadata say which
//! construct made each resource, and where the app's code created it.
//!
//! - A template is an assembly's when the `manifest.json` beside it names
//!   it as a stack's `templateFile` (a stage's nested assembly is a folder
//!   with a manifest of its own, so each template finds its own).
//! - The stack's metadata (`additionalMetadataFile`, or `metadata` inline
//!   in older manifests) maps construct paths to entries: a resource's
//!   construct path is the one whose `aws:cdk:logicalId` is its logical
//!   id, else its template `Metadata` `aws:cdk:path`.
//! - The line that created it is the first frame of the construct's
//!   `aws:cdk:creationStack` (or an entry's `trace`), or of its nearest
//!   ancestor's, that is in a file of the project (JavaScript and
//!   TypeScript apps; Python apps from jsii's host stack traces); frames of
//!   `node_modules`, `site-packages`, Node's internals and jsii's runtime
//!   are not the app's.
//! - A `phiguard` metadata entry (`node.addMetadata("phiguard", {ignore:
//!   [{id, reason}]})`) suppresses as a CloudFormation `Metadata` entry
//!   does, for the construct's resources.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiguard_model::{
    display_path, Construct, Dialect, FileId, Model, Span, Spanned, SuppressionDirective,
    SuppressionForm, Value,
};

use crate::fs::Files;
use crate::json;

/// Gives the resources of every template of a cloud assembly their
/// construct, and adds the suppressions written on constructs.
pub(crate) fn enrich(model: &mut Model, files: &Files, base_dir: &Path) {
    let mut templates: Vec<(FileId, Vec<usize>)> = Vec::new();
    for (index, resource) in model.resources.iter().enumerate() {
        if resource.dialect != Dialect::CloudFormation {
            continue;
        }
        match templates.last_mut() {
            Some((file, indexes)) if *file == resource.file => indexes.push(index),
            _ => templates.push((resource.file, vec![index])),
        }
    }
    let mut sources: HashMap<PathBuf, Option<FileId>> = HashMap::new();
    for (template, indexes) in templates {
        let path = model.file(template).path.clone();
        let Some(stack) = Stack::read(files, &path) else {
            continue;
        };
        model.files[template.0 as usize].generated = true;
        let mut paths = Vec::with_capacity(indexes.len());
        for &index in &indexes {
            let resource = &model.resources[index];
            let written = resource
                .body
                .block("Metadata")
                .and_then(|m| m.body.attribute("aws:cdk:path"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let path = stack
                .logical
                .get(resource.address.as_str())
                .cloned()
                .or(written);
            paths.push(path);
        }
        for (&index, path) in indexes.iter().zip(&paths) {
            let Some(path) = path else { continue };
            let created = stack.created(path).and_then(|(file, line, column)| {
                source_line(model, files, base_dir, &mut sources, &file, line, column)
            });
            model.resources[index].construct = Some(Box::new(Construct {
                path: path.clone(),
                created,
            }));
        }
        // Suppressions on a construct cover the resources under it.
        if stack.ignores.is_empty() {
            continue;
        }
        let file = stack.add_file(model, base_dir);
        for (construct, entries) in &stack.ignores {
            // Each resource on its own: one span from the first to the
            // last would cover other constructs' resources between them.
            let mut covered = indexes
                .iter()
                .zip(&paths)
                .filter(|(_, path)| path.as_deref().is_some_and(|p| under(p, construct)))
                .map(|(&index, _)| {
                    let r = &model.resources[index];
                    r.span.cover(r.header)
                });
            let Some(target) = covered.next() else {
                continue;
            };
            let also: Vec<Span> = covered.collect();
            for entry in entries {
                let mut entry = entry.clone();
                entry.map_spans(&|s| Span { file, ..s });
                let text = |key: &str| {
                    entry
                        .get(key)
                        .and_then(|v| Some(Spanned::new(v.as_str()?.trim().to_string(), v.span)))
                };
                model.suppressions.push(SuppressionDirective {
                    span: entry.span,
                    target,
                    also: also.clone(),
                    rules: text("id").into_iter().collect(),
                    reason: text("reason").map(|r| r.value).filter(|r| !r.is_empty()),
                    until: text("until"),
                    form: SuppressionForm::Metadata,
                });
            }
        }
    }
}

/// Whether construct path `path` is `construct` or under it.
fn under(path: &str, construct: &str) -> bool {
    path.strip_prefix(construct)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What an assembly records of one stack.
struct Stack {
    /// Logical id -> construct path (no leading `/`).
    logical: HashMap<String, String>,
    /// Construct path -> the frames recorded for it.
    traces: HashMap<String, Vec<String>>,
    /// Construct path -> its `phiguard` ignore entries (spans in `text`).
    ignores: Vec<(String, Vec<Value>)>,
    /// The file holding the metadata, for the suppressions' spans.
    metadata_path: PathBuf,
    metadata_text: Arc<str>,
}

/// Spans of files read here before they are given an id.
const PENDING: FileId = FileId(u32::MAX);

impl Stack {
    /// The stack whose template is `template`, when a `manifest.json`
    /// beside it names it.
    fn read(files: &Files, template: &Path) -> Option<Stack> {
        let dir = template.parent()?;
        let name = template.file_name()?.to_str()?;
        let manifest_path = dir.join("manifest.json");
        let manifest_text = files.read_text(&manifest_path).ok()?;
        let manifest = json::parse(&manifest_text, PENDING, 0).ok()?;
        let artifact = manifest
            .get("artifacts")?
            .as_map()?
            .iter()
            .map(|(_, artifact)| artifact)
            .find(|a| {
                a.get("type").and_then(Value::as_str) == Some("aws:cloudformation:stack")
                    && a.get("properties")
                        .and_then(|p| p.get("templateFile"))
                        .and_then(Value::as_str)
                        == Some(name)
            })?;
        let (metadata_path, metadata_text, metadata) = match artifact
            .get("additionalMetadataFile")
            .and_then(Value::as_str)
        {
            Some(file) => {
                let path = dir.join(file);
                let text = files.read_text(&path).ok()?;
                let value = json::parse(&text, PENDING, 0).ok()?;
                (path, text, value)
            }
            None => {
                let value = artifact.get("metadata")?.clone();
                (manifest_path, manifest_text, value)
            }
        };
        let mut stack = Stack {
            logical: HashMap::new(),
            traces: HashMap::new(),
            ignores: Vec::new(),
            metadata_path,
            metadata_text: Arc::from(metadata_text),
        };
        for (key, entries) in metadata.as_map()? {
            let path = key.value.trim_start_matches('/').to_string();
            // Creation stacks first: another entry's `trace` (an
            // `addMetadata` call's) is where that entry was added.
            let mut frames = Vec::new();
            let mut traces = Vec::new();
            for entry in entries.items() {
                let data = entry.get("data");
                match entry.get("type").and_then(Value::as_str) {
                    Some("aws:cdk:logicalId") => {
                        if let Some(id) = data.and_then(Value::as_str) {
                            stack.logical.insert(id.to_string(), path.clone());
                        }
                    }
                    Some("aws:cdk:creationStack") => {
                        frames.extend(
                            data.map(Value::items)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(|f| f.as_str().map(str::to_string)),
                        );
                    }
                    Some("phiguard") => {
                        let ignore = data.and_then(|d| d.get("ignore"));
                        let items = ignore.map(Value::items).unwrap_or_default().to_vec();
                        if !items.is_empty() {
                            stack.ignores.push((path.clone(), items));
                        }
                    }
                    _ => {}
                }
                traces.extend(
                    entry
                        .get("trace")
                        .map(Value::items)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|f| f.as_str().map(str::to_string)),
                );
            }
            frames.extend(traces);
            if !frames.is_empty() {
                stack.traces.entry(path).or_default().extend(frames);
            }
        }
        Some(stack)
    }

    /// The first frame of the app's code that created `path`, or else its
    /// nearest ancestor (or the ancestor's default child, `Resource`, which
    /// CDK creates in the same call): (file, line, column).
    fn created(&self, path: &str) -> Option<(PathBuf, usize, Option<usize>)> {
        let frame_of = |p: &str| {
            self.traces
                .get(p)
                .into_iter()
                .flatten()
                .find_map(|f| user_frame(f))
        };
        if let Some(frame) = frame_of(path) {
            return Some(frame);
        }
        let mut at = path.rfind('/').map(|i| &path[..i]);
        while let Some(p) = at {
            if let Some(frame) = frame_of(&format!("{p}/Resource")).or_else(|| frame_of(p)) {
                return Some(frame);
            }
            at = p.rfind('/').map(|i| &p[..i]);
        }
        None
    }

    /// Adds the metadata file to the model (once) for the suppressions'
    /// spans.
    fn add_file(&self, model: &mut Model, base_dir: &Path) -> FileId {
        if let Some(file) = model.files.iter().find(|f| f.path == self.metadata_path) {
            return file.id;
        }
        let shown = display_path(&self.metadata_path, base_dir);
        model.add_value_file(&self.metadata_path, shown, Arc::clone(&self.metadata_text))
    }
}

/// `new PhiStack (/app/app.js:17:26)`, `__init__ (/app/app.py:25)`,
/// `/app/app.js:17:26`: the file, line and column of a frame in the app's
/// own code, if it is one.
fn user_frame(frame: &str) -> Option<(PathBuf, usize, Option<usize>)> {
    let location = match frame.trim().strip_suffix(')') {
        Some(inner) => &inner[inner.rfind('(')? + 1..],
        None => frame.trim(),
    };
    let (rest, last) = location.rsplit_once(':')?;
    let last: usize = last.parse().ok()?;
    let (file, line, column) = match rest.rsplit_once(':') {
        Some((file, line)) if line.parse::<usize>().is_ok() => {
            (file, line.parse().ok()?, Some(last))
        }
        _ => (rest, last, None),
    };
    let foreign = [
        "/node_modules/",
        "/site-packages/",
        "\\node_modules\\",
        "\\site-packages\\",
    ];
    let is_absolute = Path::new(file).is_absolute();
    if !is_absolute || file.starts_with("node:") || foreign.iter().any(|f| file.contains(f)) {
        return None;
    }
    Some((PathBuf::from(file), line, column))
}

/// The span of `line` (1-based; from `column` when given) of an app's
/// source file, read once into the model; `None` when the file cannot be
/// read (outside the project, gone).
fn source_line(
    model: &mut Model,
    files: &Files,
    base_dir: &Path,
    sources: &mut HashMap<PathBuf, Option<FileId>>,
    path: &Path,
    line: usize,
    column: Option<usize>,
) -> Option<Span> {
    let id = *sources.entry(path.to_path_buf()).or_insert_with(|| {
        if let Some(file) = model.files.iter().find(|f| f.path == path) {
            return Some(file.id);
        }
        let text = files.read_text(path).ok()?;
        let shown = display_path(path, base_dir);
        Some(model.add_value_file(path, shown, Arc::from(text)))
    });
    let file = model.file(id?);
    let start = file.line_index().line_start(line.checked_sub(1)?)?;
    let end = file
        .line_index()
        .line_start(line)
        .unwrap_or(file.text.len())
        .min(file.text.len());
    let text = file.text.get(start..end)?;
    let trimmed = text.trim_end();
    let from = match column {
        Some(c) => trimmed
            .char_indices()
            .nth(c.saturating_sub(1))
            .map_or(0, |(i, _)| i),
        None => trimmed.len() - trimmed.trim_start().len(),
    };
    Some(Span::new(file.id, start + from..start + trimmed.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_the_app_and_of_others() {
        assert_eq!(
            user_frame("new PhiStack (/app/app.js:17:26)"),
            Some((PathBuf::from("/app/app.js"), 17, Some(26)))
        );
        assert_eq!(
            user_frame("__init__ (/app/app.py:25)"),
            Some((PathBuf::from("/app/app.py"), 25, None))
        );
        assert_eq!(
            user_frame("/app/lib/stack.ts:3:1"),
            Some((PathBuf::from("/app/lib/stack.ts"), 3, Some(1)))
        );
        for foreign in [
            "...new Bucket2 in aws-cdk-lib...",
            "(no user code in 10 frames, use --stack-trace-limit to capture more)",
            "Module._compile (node:internal/modules/cjs/loader:1521:14)",
            "new Bucket (/app/node_modules/aws-cdk-lib/aws-s3/lib/bucket.js:1:2)",
            "x (relative/app.js:1:2)",
        ] {
            assert_eq!(user_frame(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn construct_paths_cover_their_children() {
        assert!(under("PhiStack/Bucket/Resource", "PhiStack/Bucket"));
        assert!(under("PhiStack/Bucket", "PhiStack/Bucket"));
        assert!(!under("PhiStack/BucketTwo", "PhiStack/Bucket"));
    }
}
