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
    serve(&connection, &mut state)?;
    drop(connection);
    io_threads.join().map_err(|e| format!("stdio: {e}"))?;
    Ok(crate::ExitStatus::Success)
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

/// Answers until `exit`. After `shutdown` every request is answered as
/// the protocol says (a second `shutdown` again with null: Neovim sends
/// one when it stops the client and one when it quits) and notifications
/// but `exit` are dropped.
fn serve(connection: &Connection, state: &mut State) -> Result<(), String> {
    use lsp_types::notification::Exit;
    use lsp_types::request::Shutdown;
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == Shutdown::METHOD => {
                shut_down = true;
                send(
                    connection,
                    Message::Response(Response::new_ok(request.id, ())),
                )?;
            }
            Message::Request(request) if shut_down => {
                let response = Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".to_string(),
                );
                send(connection, Message::Response(response))?;
            }
            Message::Request(request) => {
                let response = handle_request(state, request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return Ok(());
            }
            Message::Notification(_) if shut_down => {}
            Message::Notification(notification) => {
                for out in handle_notification(state, notification) {
                    send(connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
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

fn handle_notification(state: &mut State, notification: Notification) -> Vec<Notification> {
    use lsp_types::notification::{
        DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
        DidSaveTextDocument,
    };
    let params = notification.params;
    let changed = match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                .ok()
                .map(|p| state.open(p.text_document.uri, p.text_document.text))
        }
        DidChangeTextDocument::METHOD => {
            serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                .ok()
                .and_then(|p| {
                    // Full sync: the last change holds the whole text.
                    let text = p.content_changes.into_iter().last()?.text;
                    Some(state.change(p.text_document.uri, text))
                })
        }
        DidSaveTextDocument::METHOD => {
            serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params)
                .ok()
                .map(|p| state.saved(&p.text_document.uri))
        }
        DidCloseTextDocument::METHOD => {
            serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                .ok()
                .map(|p| state.close(&p.text_document.uri))
        }
        DidChangeWatchedFiles::METHOD => Some(state.reload_all()),
        _ => None,
    };
    changed.unwrap_or_default()
}
