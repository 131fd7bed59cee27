//! `phiguard server`: the Language Server Protocol over stdio, on
//! `lsp-server` (rust-analyzer's transport: a synchronous message loop,
//! no async runtime) with `lsp-types` for the messages.
//!
//! A door onto the library like `lint`: a document's folder is linted
//! through [`crate::analysis::prepare`] and [`phiguard_linter::lint`], with
//! the text of every open buffer laid over the disk (`fs::Overlay`), so the
//! editor and the command line never disagree. Findings in open documents
//! are pushed as diagnostics (and answered to `textDocument/diagnostic`);
//! their fixes and a suppression are code actions; hovering a finding
//! shows its rule's page.

mod convert;
mod state;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;

use state::State;

/// Serves one client on stdin and stdout until it says `exit`.
pub fn run() -> Result<crate::ExitStatus, String> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities =
        serde_json::to_value(capabilities()).map_err(|e| format!("server capabilities: {e}"))?;
    let init = connection
        .initialize(capabilities)
        .map_err(|e| format!("initialize: {e}"))?;
    let params: lsp_types::InitializeParams =
        serde_json::from_value(init).map_err(|e| format!("initialize params: {e}"))?;
    let mut state = State::new(&params);
    watch_settings(&connection, &params)?;
    let status = serve(&connection, &mut state)?;
    drop(connection);
    io_threads.join().map_err(|e| format!("stdio: {e}"))?;
    Ok(status)
}

/// Asks the client to tell of changes to `.phiguard.yaml` and baselines
/// made outside the editor (`phiguard baseline` in a terminal), when it
/// can watch files for a server.
fn watch_settings(
    connection: &Connection,
    params: &lsp_types::InitializeParams,
) -> Result<(), String> {
    use lsp_types::request::RegisterCapability;
    let dynamic = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    if !dynamic {
        return Ok(());
    }
    let watchers: Vec<lsp_types::FileSystemWatcher> = ["**/.phiguard.yaml", "**/*baseline*.json"]
        .iter()
        .map(|glob| lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String((*glob).to_string()),
            kind: None,
        })
        .collect();
    let registration = lsp_types::Registration {
        id: "phiguard-settings".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(
            lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers },
        )
        .ok(),
    };
    let request = Request::new(
        "phiguard/watch-settings".to_string().into(),
        RegisterCapability::METHOD.to_string(),
        lsp_types::RegistrationParams {
            registrations: vec![registration],
        },
    );
    send(connection, Message::Request(request))
}

fn capabilities() -> lsp_types::ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("phiguard".into()),
            inter_file_dependencies: true,
            workspace_diagnostics: false,
            ..DiagnosticOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// Answers until `exit`. Messages waiting together are taken together:
/// a burst of changes is one lint. After `shutdown` every request is
/// answered as the protocol says (a second `shutdown` again with null:
/// Neovim sends one when it stops the client and one when it quits) and
/// notifications but `exit` are dropped. `exit` before `shutdown` is an
/// error, as the protocol says (exit code 1).
fn serve(connection: &Connection, state: &mut State) -> Result<crate::ExitStatus, String> {
    use lsp_types::notification::Exit;
    use lsp_types::request::Shutdown;
    let mut shut_down = false;
    while let Ok(first) = connection.receiver.recv() {
        let mut batch = vec![first];
        while let Ok(next) = connection.receiver.try_recv() {
            batch.push(next);
        }
        let mut requests = Vec::new();
        let mut exit = false;
        for message in batch {
            match message {
                Message::Notification(n) if n.method == Exit::METHOD => {
                    exit = true;
                    break;
                }
                Message::Notification(_) if shut_down => {}
                Message::Notification(n) => handle_notification(state, n),
                Message::Request(r) => requests.push(r),
                Message::Response(_) => {}
            }
        }
        if !shut_down {
            for out in state.flush() {
                send(connection, Message::Notification(out))?;
            }
        }
        for request in requests {
            let response = if request.method == Shutdown::METHOD {
                shut_down = true;
                Response::new_ok(request.id, ())
            } else if shut_down {
                Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".to_string(),
                )
            } else {
                handle_request(state, request)
            };
            send(connection, Message::Response(response))?;
        }
        if exit {
            return Ok(if shut_down {
                crate::ExitStatus::Success
            } else {
                crate::ExitStatus::Findings
            });
        }
    }
    Ok(crate::ExitStatus::Success)
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|e| format!("cannot send to the client: {e}"))
}

fn handle_request(state: &mut State, request: Request) -> Response {
    use lsp_types::request::{CodeActionRequest, DocumentDiagnosticRequest, HoverRequest};
    let id = request.id.clone();
    let result = match request.method.as_str() {
        DocumentDiagnosticRequest::METHOD => parse::<lsp_types::DocumentDiagnosticParams>(request)
            .map(|p| serde_json::to_value(state.pull_diagnostics(&p.text_document.uri))),
        CodeActionRequest::METHOD => parse::<lsp_types::CodeActionParams>(request)
            .map(|p| serde_json::to_value(state.code_actions(&p))),
        HoverRequest::METHOD => {
            parse::<lsp_types::HoverParams>(request).map(|p| serde_json::to_value(state.hover(&p)))
        }
        _ => {
            return Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("phiguard does not handle {}", request.method),
            )
        }
    };
    match result {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err(e)) => Response::new_err(
            id,
            lsp_server::ErrorCode::InternalError as i32,
            e.to_string(),
        ),
        Err(e) => Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, e),
    }
}

fn parse<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, String> {
    serde_json::from_value(request.params).map_err(|e| format!("{}: {e}", request.method))
}

fn handle_notification(state: &mut State, notification: Notification) {
    use lsp_types::notification::{
        DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
        DidSaveTextDocument,
    };
    let params = notification.params;
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params) {
                state.open(p.text_document.uri, p.text_document.text);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
            {
                // Full sync: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    state.change(p.text_document.uri, change.text);
                }
            }
        }
        DidSaveTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params) {
                state.saved(&p.text_document.uri);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params) {
                state.close(&p.text_document.uri);
            }
        }
        DidChangeWatchedFiles::METHOD => state.reload_all(),
        _ => {}
    }
}
