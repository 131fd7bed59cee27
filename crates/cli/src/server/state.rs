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
    registry: Arc<phiguard_policy::Registry>,
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
        State {
            root,
            documents: BTreeMap::new(),
            results: HashMap::new(),
            undecided,
        }
    }

    pub fn open(&mut self, uri: Uri, text: String) -> Vec<Notification> {
        let Some(path) = convert::path(&uri) else {
            return Vec::new();
        };
        if !is_linted(&path) {
            return Vec::new();
        }
        self.documents
            .insert(uri.as_str().to_string(), Document { path, text });
        self.lint(&uri)
    }

    pub fn change(&mut self, uri: Uri, text: String) -> Vec<Notification> {
        match self.documents.get_mut(uri.as_str()) {
            Some(document) => {
                document.text = text;
                self.lint(&uri)
            }
            None => self.open(uri, text),
        }
    }

    /// A saved config or baseline changes every document's settings.
    pub fn saved(&mut self, uri: &Uri) -> Vec<Notification> {
        let settings_file = convert::path(uri).is_some_and(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(".phiguard") || name.contains("baseline")
        });
        if settings_file {
            self.reload_all()
        } else if self.documents.contains_key(uri.as_str()) {
            self.lint(uri)
        } else {
            Vec::new()
        }
    }

    pub fn close(&mut self, uri: &Uri) -> Vec<Notification> {
        let Some(document) = self.documents.remove(uri.as_str()) else {
            return Vec::new();
        };
        self.results.remove(uri.as_str());
        // Its findings leave the editor; the others of its folder are
        // linted again against the file as saved.
        let mut out = vec![publish(uri.clone(), Vec::new())];
        let neighbour = self
            .documents
            .iter()
            .find(|(_, d)| d.path.parent() == document.path.parent())
            .and_then(|(u, _)| u.parse::<Uri>().ok());
        if let Some(neighbour) = neighbour {
            out.extend(self.lint(&neighbour));
        }
        out
    }

    pub fn reload_all(&mut self) -> Vec<Notification> {
        self.results.clear();
        let uris: Vec<Uri> = self
            .documents
            .keys()
            .filter_map(|u| u.parse().ok())
            .collect();
        let mut out = Vec::new();
        for uri in uris {
            if !self.results.contains_key(uri.as_str()) {
                out.extend(self.lint(&uri));
            }
        }
        out
    }

    /// Lints what `uri` belongs to, with every open document of its folder
    /// named (one run reports on them all), and publishes their
    /// diagnostics.
    fn lint(&mut self, uri: &Uri) -> Vec<Notification> {
        let Some(document) = self.documents.get(uri.as_str()) else {
            return Vec::new();
        };
        let folder = document.path.parent().map(Path::to_path_buf);
        let named: Vec<(String, PathBuf)> = self
            .documents
            .iter()
            .filter(|(_, d)| d.path.parent().map(Path::to_path_buf) == folder)
            .map(|(u, d)| (u.clone(), d.path.clone()))
            .collect();
        let run = match self.run(named.iter().map(|(_, p)| p.clone()).collect()) {
            Ok(run) => Arc::new(run),
            Err(message) => {
                // A bad config or option: said on the document, at its top.
                let diagnostic = Diagnostic {
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    source: Some("phiguard".into()),
                    message,
                    ..Diagnostic::default()
                };
                return named
                    .into_iter()
                    .filter_map(|(u, _)| u.parse().ok())
                    .map(|u| publish(u, vec![diagnostic.clone()]))
                    .collect();
            }
        };
        let mut out = Vec::new();
        for (uri, path) in named {
            let diagnostics = self.diagnostics(&run, &path);
            if let Ok(parsed) = uri.parse::<Uri>() {
                out.push(publish(parsed, diagnostics.clone()));
            }
            self.results.insert(uri, (diagnostics, run.clone()));
        }
        out
    }

    /// One run of the library over `paths`, the open buffers over the disk.
    fn run(&self, paths: Vec<PathBuf>) -> Result<Run, String> {
        let args = AnalysisArgs {
            paths,
            ..AnalysisArgs::default()
        };
        let prepared = crate::analysis::prepare(&args, &self.root)?;
        let mut inputs = prepared.inputs;
        let buffers = self.documents.values().map(|d| {
            let real = std::fs::canonicalize(&d.path).unwrap_or_else(|_| d.path.clone());
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
            registry: Arc::new(prepared.settings.registry),
            docs,
        })
    }

    fn diagnostics(&self, run: &Run, path: &Path) -> Vec<Diagnostic> {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let here = |span: phiguard_model::Span| {
            run.report.file(span.file).is_some_and(|f| {
                std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone()) == real
            })
        };
        let report = &run.report;
        let mut out: Vec<Diagnostic> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && here(f.span))
            .filter_map(|f| convert::diagnostic(report, f, &run.docs))
            .collect();
        if self.undecided {
            out.extend(
                report
                    .undecided
                    .iter()
                    .filter(|u| here(u.span))
                    .filter_map(|u| convert::hint(report, u)),
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

    /// `textDocument/diagnostic`: the last diagnostics of the document,
    /// linted now if it has none yet.
    pub fn pull_diagnostics(&mut self, uri: &Uri) -> DocumentDiagnosticReportResult {
        if !self.results.contains_key(uri.as_str()) {
            if !self.documents.contains_key(uri.as_str()) {
                if let Some(path) = convert::path(uri).filter(|p| is_linted(p)) {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        self.documents
                            .insert(uri.as_str().to_string(), Document { path, text });
                    }
                }
            }
            let _ = self.lint(uri);
        }
        let items = self
            .results
            .get(uri.as_str())
            .map(|(d, _)| d.clone())
            .unwrap_or_default();
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
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        run.report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .filter_map(|f| {
                let file = run.report.file(f.span.file)?;
                let same =
                    std::fs::canonicalize(&file.path).unwrap_or_else(|_| file.path.clone()) == real;
                let r = convert::range(file, f.span);
                let meets = r.start <= range.end && range.start <= r.end;
                (same && meets).then_some((&**f, &**run))
            })
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
            let diagnostics = convert::diagnostic(&run.report, finding, &run.docs).map(|d| vec![d]);
            if let Some(fix) = &finding.fix {
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for edit in &fix.edits {
                    let Some(file) = run.report.file(edit.span.file) else {
                        continue;
                    };
                    let Some(target) = convert::uri(&file.path) else {
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
        let start = convert::position(&file.text, finding.span.start as usize);
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
                "{indent}# phiguard:ignore {} -- the reason this is acceptable\n",
                finding.rule
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
                let page = match run.registry.get(&finding.rule) {
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
