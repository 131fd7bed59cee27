//! `phiguard server` at the protocol level: the binary on pipes, spoken
//! to as an editor would (initialize, didOpen, diagnostics, didChange,
//! code action, hover, pull diagnostics, shutdown, exit).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::Scratch;
use serde_json::{json, Value};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start(root: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_phiguard"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response's result.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait(|m| m["id"] == id);
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// The next message `wanted` accepts, skipping others.
    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "no such message");
            let message = self.read();
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

const BUCKET: &str = "resource \"aws_s3_bucket\" \"records\" {\n  bucket = \"patient-records\"\n  acl    = \"public-read\"\n}\n";

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", std::fs::canonicalize(path).unwrap().display())
}

#[test]
fn an_editor_session() {
    let dir = Scratch::repository("server", &[("main.tf", BUCKET)]);
    let root = uri(&dir.0);
    let main = uri(&dir.0.join("main.tf"));
    let mut server = Server::start(&dir.0);
    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {},
               "initializationOptions": {"undecided": false}}),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert!(init["capabilities"]["diagnosticProvider"].is_object());
    server.notify("initialized", json!({}));

    // Opened: the public ACL is a diagnostic at its value, with the rule
    // id as code and a link to its page.
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "terraform", "version": 1, "text": BUCKET}}),
    );
    let diagnostics = server.diagnostics(&main);
    let acl = diagnostics
        .iter()
        .find(|d| d["code"] == "s3-public-acl")
        .expect("the public ACL");
    assert_eq!(
        acl["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 24}})
    );
    assert_eq!(acl["severity"], 1);
    assert!(acl["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("s3-public-acl.md"));

    // Changed in the buffer only (not saved): the finding goes.
    let private = BUCKET.replace("public-read", "private");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": private}]}),
    );
    let diagnostics = server.diagnostics(&main);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "s3-public-acl"),
        "{diagnostics:?}"
    );
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 3}, "contentChanges": [{"text": BUCKET}]}),
    );
    let diagnostics = server.diagnostics(&main);
    assert!(diagnostics.iter().any(|d| d["code"] == "s3-public-acl"));

    // The fix as a preferred quick fix, and a suppression.
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main},
               "range": {"start": {"line": 2, "character": 14}, "end": {"line": 2, "character": 14}},
               "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .expect("a preferred fix");
    assert_eq!(
        fix["edit"]["changes"][&main],
        json!([{"range": {"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 24}},
                "newText": "\"private\""}])
    );
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Suppress s3-public-acl")
        })
        .expect("a suppression");
    assert_eq!(
        suppress["edit"]["changes"][&main][0]["newText"],
        "  # phiguard:ignore s3-public-acl -- the reason this is acceptable\n"
    );

    // Hover over the finding: the rule's page.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main}, "position": {"line": 2, "character": 15}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("S3 bucket ACL grants access to everyone"),
        "{text}"
    );
    assert!(text.contains("164.312(a)(1)"));

    // Pull diagnostics give the same.
    let pulled = server.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": main}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert!(pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "s3-public-acl"));

    // A baseline recorded and named in the config: once the config is
    // saved, what it records is hidden, as `lint` hides it.
    let recorded = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(["baseline", "--select", "s3-public-acl"])
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert!(recorded.status.success(), "{recorded:?}");
    let config = dir.0.join(".phiguard.yaml");
    std::fs::write(&config, "baseline: .phiguard-baseline.json\n").unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    let diagnostics = server.diagnostics(&main);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "s3-public-acl"),
        "{diagnostics:?}"
    );
    assert!(!diagnostics.is_empty(), "other rules still report");

    // A config that ignores another rule: read again on save, the
    // baseline gone.
    std::fs::write(&config, "rules:\n  ignore: [s3-acls-enabled]\n").unwrap();
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    let diagnostics = server.diagnostics(&main);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "s3-acls-enabled"),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics.iter().any(|d| d["code"] == "s3-public-acl"),
        "{diagnostics:?}"
    );

    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    let status = server.child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn origins_are_related_information_and_unknowns_hints() {
    let main_tf = "variable \"acl\" {}\nvariable \"other\" {}\n\nresource \"aws_s3_bucket\" \"records\" {\n  bucket = \"records\"\n  acl    = var.acl\n}\n\nresource \"aws_s3_bucket\" \"scans\" {\n  bucket = \"scans\"\n  acl    = var.other\n}\n";
    let dir = Scratch::repository(
        "server",
        &[
            ("main.tf", main_tf),
            ("terraform.tfvars", "acl = \"public-read\"\n"),
        ],
    );
    let main = uri(&dir.0.join("main.tf"));
    let mut server = started(&dir.0, json!({}), true);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "terraform", "version": 1, "text": main_tf}}),
    );
    let diagnostics = server.diagnostics(&main);
    let acl = diagnostics
        .iter()
        .find(|d| d["code"] == "s3-public-acl" && d["severity"] == 1)
        .expect("the public ACL");
    let related = &acl["relatedInformation"][0];
    assert_eq!(
        related["location"]["uri"],
        uri(&dir.0.join("terraform.tfvars"))
    );
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 0, "character": 6})
    );
    let hint = diagnostics
        .iter()
        .find(|d| d["severity"] == 4)
        .expect("an undecided check as a hint");
    assert!(
        hint["message"].as_str().unwrap().contains("var.other"),
        "{hint}"
    );
    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert!(server.child.wait().unwrap().success());
}

#[test]
fn a_json_template_is_suppressed_in_metadata() {
    let template = "{\n  \"Resources\": {\n    \"Records\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": {\"AccessControl\": \"PublicRead\"}\n    }\n  }\n}\n";
    let dir = Scratch::repository("server", &[("template.json", template)]);
    let doc = uri(&dir.0.join("template.json"));
    let mut server = started(&dir.0, json!({}), true);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "json", "version": 1, "text": template}}),
    );
    let diagnostics = server.diagnostics(&doc);
    let acl = diagnostics
        .iter()
        .find(|d| d["code"] == "s3-public-acl")
        .expect("the public ACL");
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": acl["range"], "context": {"diagnostics": []}}),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Suppress s3-public-acl")
        })
        .expect("a suppression");
    assert_eq!(
        suppress["edit"]["changes"][&doc],
        json!([{"range": {"start": {"line": 2, "character": 16}, "end": {"line": 2, "character": 16}},
                "newText": "\n      \"Metadata\": {\"phiguard\": {\"ignore\": [{\"id\": \"s3-public-acl\", \"reason\": \"the reason this is acceptable\"}]}},"}])
    );
    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert!(server.child.wait().unwrap().success());
}

/// Starts a server on `dir` with `capabilities`, initialized.
fn started(dir: &std::path::Path, capabilities: Value, undecided: bool) -> Server {
    let mut server = Server::start(dir);
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir), "capabilities": capabilities,
               "initializationOptions": {"undecided": undecided}}),
    );
    server.notify("initialized", json!({}));
    server
}

fn open(server: &mut Server, uri: &str, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_module_and_its_caller_open_in_two_folders_stay_in_step() {
    let module = "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = \"records\"\n  acl    = var.acl\n}\n";
    let caller = "module \"records\" {\n  source = \"../../modules/bucket\"\n  acl    = \"public-read\"\n}\n";
    let dir = Scratch::repository(
        "server",
        &[
            ("modules/bucket/main.tf", module),
            ("envs/prod/main.tf", caller),
        ],
    );
    let module_uri = uri(&dir.0.join("modules/bucket/main.tf"));
    let caller_uri = uri(&dir.0.join("envs/prod/main.tf"));
    let mut server = started(&dir.0, json!({}), false);
    open(&mut server, &module_uri, module);
    open(&mut server, &caller_uri, caller);
    // Whichever order the publications come in, both documents show the
    // finding: in the module where it is, in the caller where it is set.
    let mut seen = std::collections::HashMap::new();
    while seen.len() < 2
        || !seen
            .values()
            .all(|c: &Vec<String>| c.contains(&"s3-public-acl".to_string()))
    {
        let m = server.wait(|m| m["method"] == "textDocument/publishDiagnostics");
        let diagnostics = m["params"]["diagnostics"].as_array().unwrap().clone();
        seen.insert(
            m["params"]["uri"].as_str().unwrap().to_string(),
            codes(&diagnostics),
        );
    }
    // Drain what is still on its way: a request's answer comes after.
    server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": caller_uri}, "position": {"line": 0, "character": 0}}),
    );
    // The caller changed, unsaved: the module's finding goes too.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": caller_uri, "version": 2},
               "contentChanges": [{"text": caller.replace("public-read", "private")}]}),
    );
    let mut updated = std::collections::HashMap::new();
    while updated.len() < 2 {
        let m = server.wait(|m| m["method"] == "textDocument/publishDiagnostics");
        let diagnostics = m["params"]["diagnostics"].as_array().unwrap().clone();
        updated.insert(
            m["params"]["uri"].as_str().unwrap().to_string(),
            codes(&diagnostics),
        );
    }
    assert!(
        !updated[&module_uri].contains(&"s3-public-acl".to_string()),
        "{updated:?}"
    );
    assert!(
        !updated[&caller_uri].contains(&"s3-public-acl".to_string()),
        "{updated:?}"
    );
    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
}

#[test]
fn a_client_that_pulls_is_not_pushed_to_and_new_files_are_linted() {
    let dir = Scratch::repository("server", &[]);
    // A file the editor has not saved yet.
    let new = uri(&dir.0).to_string() + "/new.tf";
    let mut server = started(&dir.0, json!({"textDocument": {"diagnostic": {}}}), false);
    open(&mut server, &new, BUCKET);
    let pulled = server.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": new}}),
    );
    assert!(
        codes(pulled["items"].as_array().unwrap()).contains(&"s3-public-acl".to_string()),
        "{pulled}"
    );
    // Nothing was pushed before the answer: the shutdown's response is
    // the next message.
    server.send(json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown", "params": null}));
    let next = server.read();
    assert_eq!(next["id"], 99, "pushed to a pulling client: {next}");
    server.notify("exit", Value::Null);
    assert!(server.child.wait().unwrap().success());
}

#[test]
fn a_suppression_goes_above_the_heredoc_it_would_break() {
    let policy = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n\nresource \"aws_s3_bucket_policy\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  policy = <<POLICY\n{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]\n}\nPOLICY\n}\n";
    let dir = Scratch::repository("server", &[("main.tf", policy)]);
    let main = uri(&dir.0.join("main.tf"));
    let mut server = started(&dir.0, json!({}), false);
    open(&mut server, &main, policy);
    let diagnostics = server.diagnostics(&main);
    let public = diagnostics
        .iter()
        .find(|d| d["code"] == "s3-public-policy")
        .expect("the public statement");
    assert_eq!(public["range"]["start"]["line"], 8);
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": public["range"], "context": {"diagnostics": []}}),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Suppress s3-public-policy")
        })
        .expect("a suppression");
    let edit = &suppress["edit"]["changes"][&main][0];
    assert_eq!(
        edit["range"]["start"]["line"], 6,
        "above `policy = <<POLICY`: {edit}"
    );
    assert_eq!(
        edit["newText"],
        "  # phiguard:ignore s3-public-policy -- the reason this is acceptable\n"
    );
    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
}
