//! The open documents, the last report of each, and what the client asks
//! of them. A change re-lints the configurations the changed document
//! belongs to or feeds (`Inputs::files`: its module folder and the roots
//! that call it), with every open buffer's text over the disk's, and
//! publishes the diagnostics of the open documents that run reported on.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::Notification;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport, Hover,
    HoverContents, HoverParams, MarkupContent, MarkupKind, PublishDiagnosticsParams,
    RelatedFullDocumentDiagnosticReport, TextEdit, Uri, WorkspaceEdit,
};
use phiguard_model::{Applicability, Finding, Report};
use phiguard_parser::fs::{Files, Overlay};
use phiguard_reporter::DocsLinks;

use super::convert;
use crate::args::AnalysisArgs;

/// An open document.
struct Document {
    path: PathBuf,
    text: String,
}

/// The last run that reported on a document, shared by the documents it
/// reported on.
struct Run {
    report: Report,
    registry: Option<Arc<phiguard_policy::Registry>>,
    /// Where rule pages are, as the config says (`docs_url`).
    docs: DocsLinks,
}

pub struct State {
    /// Where the config and repository are looked for: the workspace's
    /// folder, else the working directory.
    root: PathBuf,
    documents: BTreeMap<String, Document>,
    /// Each document's diagnostics and the run they came from.
    results: HashMap<String, (Vec<Diagnostic>, Arc<Run>)>,
    /// Undecided checks as hints (`initializationOptions.undecided`,
    /// default true).
    undecided: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): pushing
    /// them too would show each twice.
    pull: bool,
    /// Something changed since the last lint.
    dirty: bool,
    /// Documents closed since the last lint, whose diagnostics go.
    closed: Vec<Uri>,
}

impl State {
    pub fn new(params: &lsp_types::InitializeParams) -> State {
        let folder = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .and_then(|f| convert::path(&f.uri));
        #[allow(deprecated)]
        let root_uri = params.root_uri.as_ref().and_then(convert::path);
        let root = folder
            .or(root_uri)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let undecided = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("undecided"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true);
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        State {
            root,
            documents: BTreeMap::new(),
            results: HashMap::new(),
            undecided,
            pull,
            dirty: false,
            closed: Vec::new(),
        }
    }

    pub fn open(&mut self, uri: Uri, text: String) {
        let Some(path) = convert::path(&uri) else {
            return;
        };
        if !is_linted(&path) {
            return;
        }
        self.documents
            .insert(uri.as_str().to_string(), Document { path, text });
        self.dirty = true;
    }

    pub fn change(&mut self, uri: Uri, text: String) {
        match self.documents.get_mut(uri.as_str()) {
            Some(document) => {
                document.text = text;
                self.dirty = true;
            }
            None => self.open(uri, text),
        }
    }

    /// A saved config or baseline changes every document's settings; a
    /// saved document, what is on disk under the others.
    pub fn saved(&mut self, uri: &Uri) {
        let relevant = convert::path(uri).is_some_and(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(".phiguard") || name.contains("baseline") || is_linted(&p)
        });
        self.dirty |= relevant;
    }

    pub fn close(&mut self, uri: &Uri) {
        if self.documents.remove(uri.as_str()).is_some() {
            self.results.remove(uri.as_str());
            self.closed.push(uri.clone());
            self.dirty = true;
        }
    }

    pub fn reload_all(&mut self) {
        self.dirty = true;
    }

    /// Lints what changed since the last time, if anything did: one run
    /// over every open document (so that a module and its callers, open in
    /// different folders, are never out of step), and, for a client that
    /// does not pull, the diagnostics of each.
    pub fn flush(&mut self) -> Vec<Notification> {
        if !self.dirty {
            return Vec::new();
        }
        self.dirty = false;
        let open: Vec<(String, PathBuf)> = self
            .documents
            .iter()
            .map(|(u, d)| (u.clone(), d.path.clone()))
            .collect();
        let mut out: Vec<Notification> = Vec::new();
        if !self.pull {
            out.extend(self.closed.drain(..).map(|uri| publish(uri, Vec::new())));
        }
        self.closed.clear();
        if open.is_empty() {
            return out;
        }
        let paths: Vec<PathBuf> = open.iter().map(|(_, p)| p.clone()).collect();
        let results: Vec<(String, Vec<Diagnostic>, Arc<Run>)> = match self.run(&paths) {
            Ok(run) => {
                let run = Arc::new(run);
                open.iter()
                    .map(|(uri, path)| (uri.clone(), self.diagnostics(&run, path), run.clone()))
                    .collect()
            }
            Err(message) => {
                // A bad config or option: said on every document, at its
                // top, until it is mended.
                let diagnostic = Diagnostic {
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    source: Some("phiguard".into()),
                    message,
                    ..Diagnostic::default()
                };
                let run = Arc::new(Run {
                    report: Report::default(),
                    registry: None,
                    docs: DocsLinks::none(),
                });
                open.iter()
                    .map(|(uri, _)| (uri.clone(), vec![diagnostic.clone()], run.clone()))
                    .collect()
            }
        };
        for (uri, diagnostics, run) in results {
            if !self.pull {
                if let Ok(parsed) = uri.parse::<Uri>() {
                    out.push(publish(parsed, diagnostics.clone()));
                }
            }
            self.results.insert(uri, (diagnostics, run));
        }
        out
    }

    /// One run of the library over `paths`, the open buffers over the disk.
    /// A buffer not yet saved anywhere is handed over as `--stdin-filename`
    /// hands stdin over: named, read from memory.
    fn run(&self, paths: &[PathBuf]) -> Result<Run, String> {
        let (on_disk, unsaved): (Vec<PathBuf>, Vec<PathBuf>) =
            paths.iter().cloned().partition(|p| p.exists());
        let mut named = on_disk;
        if named.is_empty() {
            // Only new files: their folder (or the root) is the context.
            named.push(
                unsaved
                    .first()
                    .and_then(|p| p.parent())
                    .filter(|d| d.is_dir())
                    .map_or_else(|| self.root.clone(), Path::to_path_buf),
            );
        }
        let args = AnalysisArgs {
            paths: named,
            ..AnalysisArgs::default()
        };
        let prepared = crate::analysis::prepare(&args, &self.root)?;
        let mut inputs = prepared.inputs;
        for path in &unsaved {
            let Some(document) = self.documents.values().find(|d| &d.path == path) else {
                continue;
            };
            inputs
                .load
                .overrides
                .push((path.clone(), document.text.clone().into_bytes()));
            if let Some(only) = &mut inputs.only {
                only.insert(phiguard_model::display_path(path, &inputs.load.base_dir));
            }
        }
        let buffers = self.documents.values().map(|d| {
            let real = real_path(&d.path);
            (real, Arc::<[u8]>::from(d.text.as_bytes()))
        });
        inputs.load.files = Files(Arc::new(Overlay::new(inputs.load.files.clone(), buffers)));
        let mut report = phiguard_linter::lint(&prepared.settings, &inputs);
        // The config's baseline hides what it records, as in `lint`.
        if let Some(baseline) = &prepared.config.baseline {
            crate::baseline::apply(&mut report, &self.root.join(baseline))?;
        }
        let docs = crate::docs::links(None, &prepared.config, &self.root)
            .unwrap_or_else(|_| DocsLinks::none());
        Ok(Run {
            report,
            registry: Some(Arc::new(prepared.settings.registry)),
            docs,
        })
    }

    /// The open document's URI for a file, when one is open on it (a
    /// client matches edits to buffers by URI), else the file's own.
    fn uri_for(&self, path: &Path) -> Option<Uri> {
        let real = real_path(path);
        self.documents
            .iter()
            .find(|(_, d)| real_path(&d.path) == real)
            .and_then(|(u, _)| u.parse().ok())
            .or_else(|| convert::uri(path))
    }

    /// The document's diagnostics: the findings located in it, and those
    /// whose value it sets (a var file line, a module argument), there.
    fn diagnostics(&self, run: &Run, path: &Path) -> Vec<Diagnostic> {
        let real = real_path(path);
        let here = |span: phiguard_model::Span| {
            run.report
                .file(span.file)
                .is_some_and(|f| real_path(&f.path) == real)
        };
        let report = &run.report;
        let uri_for = |p: &Path| self.uri_for(p);
        let mut out: Vec<Diagnostic> = Vec::new();
        for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
            if here(f.span) {
                out.extend(convert::diagnostic(report, f, &run.docs, &uri_for));
            } else if let Some(span) = f
                .origins
                .iter()
                .rev()
                .filter_map(|o| o.span)
                .find(|s| here(*s))
            {
                out.extend(convert::diagnostic_at(report, f, span, &run.docs, &uri_for));
            }
        }
        if self.undecided {
            out.extend(
                report
                    .undecided
                    .iter()
                    .filter(|u| here(u.span))
                    .filter_map(|u| convert::hint(report, u, &run.docs)),
            );
        }
        out.extend(
            report
                .errors
                .iter()
                .filter(|e| e.span.is_some_and(here))
                .filter_map(|e| {
                    let span = e.span?;
                    Some(Diagnostic {
                        range: convert::range(report.file(span.file)?, span),
                        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                        source: Some("phiguard".into()),
                        message: e.message.clone(),
                        ..Diagnostic::default()
                    })
                }),
        );
        out
    }

    /// `textDocument/diagnostic`: an open document's diagnostics (linted
    /// now if something changed); a document not open is linted as it is
    /// on disk, and not kept.
    pub fn pull_diagnostics(&mut self, uri: &Uri) -> DocumentDiagnosticReportResult {
        let _ = self.flush();
        let items = match self.results.get(uri.as_str()) {
            Some((diagnostics, _)) => diagnostics.clone(),
            None => match convert::path(uri).filter(|p| is_linted(p) && p.exists()) {
                Some(path) => match self.run(std::slice::from_ref(&path)) {
                    Ok(run) => self.diagnostics(&run, &path),
                    Err(_) => Vec::new(),
                },
                None => Vec::new(),
            },
        };
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            },
        ))
    }

    /// The findings of the document whose ranges meet `range`.
    fn findings_at(&self, uri: &Uri, range: lsp_types::Range) -> Vec<(&Finding, &Run)> {
        let Some((_, run)) = self.results.get(uri.as_str()) else {
            return Vec::new();
        };
        let Some(path) = self.documents.get(uri.as_str()).map(|d| &d.path) else {
            return Vec::new();
        };
        let real = real_path(path);
        // Where a finding is shown in this document: where it is, or
        // where this document set its value.
        let meets = |span: phiguard_model::Span| {
            run.report.file(span.file).is_some_and(|file| {
                let same = real_path(&file.path) == real;
                let r = convert::range(file, span);
                same && r.start <= range.end && range.start <= r.end
            })
        };
        run.report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .filter(|f| meets(f.span) || f.origins.iter().filter_map(|o| o.span).any(meets))
            .map(|f| (&**f, &**run))
            .collect()
    }

    /// The fixes of the findings in `range` (the safe one preferred), and
    /// a suppression comment with a reason to fill in.
    // `WorkspaceEdit::changes` is keyed by `Uri`, whose interior
    // mutability (a parse cache) does not touch its hash.
    #[allow(clippy::mutable_key_type)]
    pub fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let mut actions = Vec::new();
        for (finding, run) in self.findings_at(uri, params.range) {
            let uri_for = |p: &Path| self.uri_for(p);
            let diagnostics =
                convert::diagnostic(&run.report, finding, &run.docs, &uri_for).map(|d| vec![d]);
            if let Some(fix) = &finding.fix {
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for edit in &fix.edits {
                    let Some(file) = run.report.file(edit.span.file) else {
                        continue;
                    };
                    let Some(target) = self.uri_for(&file.path) else {
                        continue;
                    };
                    changes.entry(target).or_default().push(convert::text_edit(
                        file,
                        edit.span,
                        &edit.replacement,
                    ));
                }
                let safe = fix.applicability == Applicability::Safe;
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "{}: {}{}",
                        finding.rule,
                        fix.description,
                        if safe { "" } else { " (unsafe)" }
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: diagnostics.clone(),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                }));
            }
            if let Some(edit) = self.suppression(uri, finding, run) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {} here, with a reason", finding.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics,
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                        ..WorkspaceEdit::default()
                    }),
                    ..CodeAction::default()
                }));
            }
        }
        actions
    }

    /// `# phiguard:ignore RULE -- reason` on its own line above the
    /// finding's line, at its indentation (Terraform and YAML); in a JSON
    /// template, which has no comments, a `Metadata` entry in the
    /// resource.
    fn suppression(&self, uri: &Uri, finding: &Finding, run: &Run) -> Option<TextEdit> {
        let document = self.documents.get(uri.as_str())?;
        let name = document.path.to_string_lossy();
        if name.ends_with(".tf.json") {
            return None;
        }
        if name.ends_with(".json") {
            return metadata_suppression(&document.text, finding);
        }
        let file = run.report.file(finding.span.file)?;
        let mut start = convert::position(&file.text, finding.span.start as usize);
        // A finding inside a heredoc (a policy's JSON) is suppressed above
        // the line the heredoc starts on: a comment inside would be text.
        if let Some(line) = heredoc_start(&document.text, start.line) {
            start.line = line;
        }
        let line_start = convert::offset(&document.text, lsp_types::Position::new(start.line, 0));
        let indent: String = document.text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        Some(TextEdit {
            range: lsp_types::Range::new(
                lsp_types::Position::new(start.line, 0),
                lsp_types::Position::new(start.line, 0),
            ),
            new_text: format!(
                "{indent}# phiguard:ignore {} -- the reason this is acceptable{}",
                finding.rule,
                if document.text.contains("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                }
            ),
        })
    }

    /// Over findings: each one's message, HIPAA sections and rule page.
    pub fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let uri = &params.text_document_position_params.text_document.uri;
        let at = params.text_document_position_params.position;
        let found = self.findings_at(uri, lsp_types::Range::new(at, at));
        if found.is_empty() {
            return None;
        }
        let sections: Vec<String> = found
            .into_iter()
            .map(|(finding, run)| {
                let page = match run.registry.as_ref().and_then(|r| r.get(&finding.rule)) {
                    Some(rule) => rule.markdown(),
                    None => format!("# {}\n", finding.rule),
                };
                let page: Vec<&str> = page.lines().filter(|l| !l.starts_with("<!--")).collect();
                format!(
                    "**{}**: {}\n\nHIPAA {}\n\n{}",
                    finding.rule,
                    finding.message,
                    finding.hipaa.join(", "),
                    page.join("\n")
                )
            })
            .collect();
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }
}

/// The line a heredoc holding line `line` starts on (`policy = <<EOT`),
/// if `line` is inside one.
fn heredoc_start(text: &str, line: u32) -> Option<u32> {
    let mut open: Option<(u32, String)> = None;
    for (n, content) in text.lines().enumerate().take(line as usize) {
        let n = n as u32;
        match &open {
            Some((_, end)) if content.trim() == end => open = None,
            Some(_) => {}
            None => {
                if let Some(at) = content.find("<<") {
                    let marker = content[at + 2..].trim_start_matches('-').trim();
                    let is_marker = !marker.is_empty()
                        && marker
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if is_marker {
                        open = Some((n, marker.to_string()));
                    }
                }
            }
        }
    }
    open.map(|(start, _)| start)
}

/// `"Metadata": {"phiguard": {"ignore": [...]}}` first in the JSON
/// resource the finding names (its logical id), when it has no `Metadata`
/// yet: a placeholder reason to replace.
fn metadata_suppression(text: &str, finding: &Finding) -> Option<TextEdit> {
    let key = format!("\"{}\"", finding.resource.address);
    let mut found = text.match_indices(&key).filter(|(at, _)| {
        text[at + key.len()..].trim_start().starts_with(':')
            && text[at + key.len()..].trim_start()[1..]
                .trim_start()
                .starts_with('{')
    });
    let (at, _) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let open = at + text[at..].find('{')?;
    let close = closing_brace(text, open)?;
    if text[open..close].contains("\"Metadata\"") {
        return None;
    }
    let next_line = &text[open + 1..];
    let next_line = next_line.strip_prefix('\n').unwrap_or(next_line);
    let indent: String = next_line.chars().take_while(|c| *c == ' ').collect();
    let position = convert::position(text, open + 1);
    Some(TextEdit {
        range: lsp_types::Range::new(position, position),
        new_text: format!(
            "\n{indent}\"Metadata\": {{\"phiguard\": {{\"ignore\": [{{\"id\": \"{}\", \"reason\": \"the reason this is acceptable\"}}]}}}},",
            finding.rule
        ),
    })
}

/// The `}` closing the JSON object opened at `open`, strings skipped.
fn closing_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn publish(uri: Uri, diagnostics: Vec<Diagnostic>) -> Notification {
    use lsp_types::notification::{Notification as _, PublishDiagnostics};
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

/// Files phiguard lints: Terraform, var files and templates.
fn is_linted(path: &Path) -> bool {
    let name = path.to_string_lossy();
    [
        ".tf",
        ".tfvars",
        ".tf.json",
        ".yaml",
        ".yml",
        ".json",
        ".template",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// Where `path` leads, symbolic links resolved; the path itself when it
/// does not exist (a buffer not saved yet).
fn real_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
