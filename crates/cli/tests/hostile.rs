//! Hostile and broken inputs: each gives an error or a skip naming the file
//! and why, within 5 seconds and 1 GB, and a good file linted in the same
//! run is still reported.
//!
//! Big inputs are generated here, under the target directory, and removed
//! afterwards; none is committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Wall time allowed for one run (the debug binary, on a 2-core machine).
const TIME_LIMIT: Duration = Duration::from_secs(5);
/// Peak resident memory allowed for one run.
const MEMORY_LIMIT_KB: i64 = 1 << 20;

/// A bucket with a public ACL: a finding whatever else is in the run.
const GOOD: &str = r#"resource "aws_s3_bucket" "good" {
  bucket = "patient-records"
  acl    = "public-read"
}
"#;

/// A fresh folder for one case, with `good/main.tf` in it; removed on drop.
struct Case {
    dir: PathBuf,
}

impl Case {
    fn new(name: &str) -> Case {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("hostile")
            .join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("good")).unwrap();
        fs::create_dir_all(dir.join("bad")).unwrap();
        fs::write(dir.join("good/main.tf"), GOOD).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        path
    }

    /// `phiguard lint ARGS --format json` in the case folder, within the
    /// time and memory limits; the report and the exit code.
    fn lint(&self, args: &[&str]) -> Report {
        let (code, text) = self.run(args, "json");
        let json: Value = serde_json::from_str(&text).unwrap();
        Report { code, json }
    }

    /// `phiguard lint ARGS` with human output (no colour), within the same
    /// limits: the exit code and the text.
    fn lint_human(&self, args: &[&str]) -> (i32, String) {
        self.run(args, "human")
    }

    fn run(&self, args: &[&str], format: &str) -> (i32, String) {
        let out = self.path("report.out");
        let err = self.path("stderr.txt");
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_phiguard"))
            .current_dir(&self.dir)
            .arg("lint")
            .args(args)
            .args([
                "--format",
                format,
                "--color",
                "never",
                "--output",
                "report.out",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&err).unwrap())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > TIME_LIMIT * 2 {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "phiguard lint {args:?} still running after {:?}",
                    start.elapsed()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let elapsed = start.elapsed();
        // The largest peak of any child of this test process so far: a bound
        // for this one too.
        let peak_kb = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
            .unwrap()
            .max_rss();
        let stderr = fs::read_to_string(&err).unwrap_or_default();
        assert!(
            elapsed < TIME_LIMIT,
            "phiguard lint {args:?} took {elapsed:?}"
        );
        assert!(
            peak_kb < MEMORY_LIMIT_KB,
            "phiguard lint {args:?}: peak RSS {peak_kb} KB"
        );
        let code = status.code().unwrap_or_else(|| {
            panic!("phiguard lint {args:?} was killed ({status:?}); stderr:\n{stderr}")
        });
        assert!(
            (0..=2).contains(&code),
            "exit code {code}; stderr:\n{stderr}"
        );
        let text = fs::read_to_string(&out)
            .unwrap_or_else(|e| panic!("no report ({e}); stderr:\n{stderr}"));
        eprintln!(
            "phiguard lint {args:?} ({format}): exit {code}, {elapsed:?}, peak RSS of children so far {} MB",
            peak_kb / 1024
        );
        (code, text)
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

struct Report {
    code: i32,
    json: Value,
}

impl Report {
    /// The good file was linted and reported.
    fn good_file_reported(&self) -> &Self {
        let findings = self.json["findings"].as_array().unwrap();
        assert!(
            findings.iter().any(|f| f["file"] == "good/main.tf"),
            "no finding in good/main.tf: {:#}",
            self.json
        );
        self
    }

    /// An error for `file` whose message contains `text`; a run with an
    /// error exits 2.
    fn error(&self, file: &str, text: &str) -> &Self {
        let errors = self.json["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["file"] == file && e["message"].as_str().unwrap().contains(text)),
            "no error for {file} containing {text:?}: {:#}",
            self.json["errors"]
        );
        assert_eq!(self.code, 2);
        self
    }

    /// A skipped entry for `file` whose reason contains `text`.
    fn skipped(&self, file: &str, text: &str) -> &Self {
        let skipped = self.json["skipped"].as_array().unwrap();
        assert!(
            skipped
                .iter()
                .any(|s| s["file"] == file && s["reason"].as_str().unwrap().contains(text)),
            "no skip of {file} containing {text:?}: {:#}",
            self.json["skipped"]
        );
        self
    }

    /// An undecided check on a resource of `file` whose reason contains
    /// `text` (the run needs `--show-undecided`).
    fn undecided(&self, file: &str, text: &str) -> &Self {
        let undecided = self.json["undecided"].as_array().unwrap();
        assert!(
            undecided
                .iter()
                .any(|u| u["file"] == file && u["reason"].as_str().unwrap().contains(text)),
            "no undecided check in {file} containing {text:?}: {:#}",
            self.json["undecided"]
        );
        self
    }

    /// Nothing about `file`: neither an error nor a skip.
    fn clean(&self, file: &str) -> &Self {
        for key in ["errors", "skipped"] {
            let entries = self.json[key].as_array().unwrap();
            assert!(
                !entries.iter().any(|e| e["file"] == file),
                "{key} mention {file}: {:#}",
                self.json[key]
            );
        }
        self
    }
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    let mut text = open.repeat(depth);
    text.push_str(inner);
    text.push_str(&close.repeat(depth));
    text
}

const TEMPLATE_HEAD: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";

#[test]
fn hcl_nested_100000_levels() {
    let case = Case::new("hcl-nesting");
    for (name, open, close) in [
        ("list", "[", "]"),
        ("call", "f(", ")"),
        ("template", "\"${", "}\""),
    ] {
        let text = format!(
            "locals {{\n  a = {}\n}}\n",
            nested(open, "1", close, 100_000)
        );
        case.write(&format!("bad/{name}.tf"), text);
    }
    let blocks = format!(
        "resource \"aws_s3_bucket\" \"b\" {{\n{}{}}}\n",
        "x {\n".repeat(100_000),
        "}\n".repeat(100_000)
    );
    case.write("bad/blocks.tf", blocks);
    let report = case.lint(&["."]);
    report.good_file_reported();
    for name in ["list", "call", "template", "blocks"] {
        report.error(
            &format!("bad/{name}.tf"),
            "invalid HCL: nested more than 128 levels deep",
        );
    }
}

#[test]
fn an_object_literal_with_100000_keys() {
    let case = Case::new("wide-object");
    let mut text = String::from("locals {\n  tags = {\n");
    for i in 0..100_000 {
        text.push_str(&format!("    key{i} = \"value{i}\"\n"));
    }
    text.push_str("  }\n}\n");
    case.write("bad/wide.tf", text);
    // A key given twice is still refused, wherever it is.
    case.write(
        "bad/twice.tf",
        "locals {\n  m = {\n    a = 1\n    b = 2\n    a = 3\n  }\n}\n",
    );
    let report = case.lint(&["."]);
    report.good_file_reported().clean("bad/wide.tf");
    report.error("bad/twice.tf", "redefined object key");
}

#[test]
fn yaml_nested_100000_levels() {
    let case = Case::new("yaml-nesting");
    let flow = format!(
        "{TEMPLATE_HEAD}  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: {}\n",
        nested("[", "1", "]", 100_000)
    );
    case.write("bad/flow.yaml", flow);
    let maps = format!(
        "{TEMPLATE_HEAD}  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: {}\n",
        nested("{a: ", "1", "}", 100_000)
    );
    case.write("bad/maps.yaml", maps);
    // Compact block sequences: `- - - 1` nests one level per dash.
    let block = format!(
        "{TEMPLATE_HEAD}  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n        {}1\n",
        "- ".repeat(100_000)
    );
    case.write("bad/block.yaml", block);
    let report = case.lint(&["."]);
    report.good_file_reported();
    report.error("bad/flow.yaml", "YAML");
    report.error("bad/maps.yaml", "nests more than 128 levels deep");
    report.error("bad/block.yaml", "nests more than 128 levels deep");
}

#[test]
fn json_nested_100000_levels() {
    let case = Case::new("json-nesting");
    let template = format!(
        r#"{{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {{"B": {{"Type": "AWS::S3::Bucket", "Properties": {{"Tags": {}}}}}}}}}"#,
        nested("[", "1", "]", 100_000)
    );
    case.write("bad/template.json", template);
    let tf_json = format!(
        r#"{{"locals": {{"a": {}}}}}"#,
        nested(r#"{"a": "#, "1", "}", 100_000)
    );
    case.write("bad/main.tf.json", tf_json);
    let report = case.lint(&["."]);
    report.good_file_reported();
    report.error(
        "bad/template.json",
        "invalid JSON: nested more than 128 levels deep",
    );
    report.error(
        "bad/main.tf.json",
        "invalid JSON: nested more than 128 levels deep",
    );
}

#[test]
fn a_100_mb_file() {
    let case = Case::new("big-file");
    // Real Terraform, so that only the limit keeps this run short.
    let path = case.path("bad/main.tf");
    let mut out = BufWriter::new(fs::File::create(&path).unwrap());
    let mut written = 0usize;
    let mut n = 0;
    while written < 100_000_000 {
        let block = format!(
            "resource \"aws_s3_bucket\" \"b{n}\" {{\n  bucket = \"bucket-{n}\"\n  acl    = \"public-read\"\n}}\n\n"
        );
        out.write_all(block.as_bytes()).unwrap();
        written += block.len();
        n += 1;
    }
    out.flush().unwrap();
    drop(out);
    // A JSON file that big is no template (CloudFormation takes 1 MB).
    let json = fs::File::create(case.path("bad/data.json")).unwrap();
    json.set_len(100_000_000).unwrap();
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .error("bad/main.tf", "over phiguard's limit of 16 MiB")
        .skipped("bad/data.json", "over phiguard's limit of 16 MiB");
    // Named on the command line.
    let report = case.lint(&["good/main.tf", "bad/main.tf", "bad/data.json"]);
    report
        .good_file_reported()
        .error("bad/main.tf", "over phiguard's limit of 16 MiB")
        .skipped("bad/data.json", "over phiguard's limit of 16 MiB");
}

#[test]
fn a_yaml_alias_bomb() {
    let case = Case::new("alias-bomb");
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\n");
    text.push_str("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*l{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{items}]\n"));
    }
    text.push_str(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *l9\n",
    );
    case.write("bad/bomb.yaml", text);
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .error("bad/bomb.yaml", "aliases expand to more than 100000 nodes");
}

#[test]
fn a_yaml_file_that_needs_padding_on_every_line() {
    let case = Case::new("yaml-padding");
    // Each flow mapping closes left of its key's column, which the reader
    // pads and parses again: a million of them must hit its budget, not
    // take a million parses.
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\n");
    let mut n = 0;
    while text.len() < 15 << 20 {
        text.push_str(&format!("k{n}: {{\n}}\n"));
        n += 1;
    }
    case.write("bad/padding.yaml", text);
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .error("bad/padding.yaml", "invalid indentation");
}

#[test]
fn invalid_utf8_and_binary_data() {
    let case = Case::new("binary");
    case.write(
        "bad/latin1.tf",
        b"resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"caf\xe9\"\n}\n",
    );
    // Pseudo-random bytes (a fixed generator: the same every run).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..256 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    case.write("bad/noise.tf", &noise);
    // Binary that happens to be valid UTF-8: control characters and NULs.
    let control: Vec<u8> = (0..64 * 1024).map(|i| (i % 32) as u8).collect();
    case.write("bad/control.tf", &control);
    case.write("bad/noise.yaml", &noise);
    let report = case.lint(&[".", "bad/noise.yaml"]);
    report
        .good_file_reported()
        .error("bad/latin1.tf", "not UTF-8 text (invalid byte on line 2)")
        .error("bad/noise.tf", "not UTF-8 text")
        .error("bad/control.tf", "invalid HCL")
        .error("bad/noise.yaml", "not UTF-8 text");
}

#[test]
fn empty_files() {
    let case = Case::new("empty");
    case.write("bad/empty.tf", "");
    case.write("bad/empty.tf.json", "");
    case.write("bad/empty.yaml", "");
    case.write("bad/empty.json", "");
    let report = case.lint(&[".", "bad/empty.yaml", "bad/empty.json"]);
    // An empty .tf is valid Terraform with nothing in it; an empty .tf.json
    // is not JSON; empty YAML and JSON are no templates.
    report
        .good_file_reported()
        .clean("bad/empty.tf")
        .error("bad/empty.tf.json", "invalid JSON")
        .skipped(
            "bad/empty.yaml",
            "not a Terraform file or a CloudFormation template",
        )
        .skipped(
            "bad/empty.json",
            "not a Terraform file or a CloudFormation template",
        );
}

#[test]
fn one_10_mb_line() {
    let case = Case::new("long-line");
    let blob = "a".repeat(10_000_000);
    // One line, no newline at the end.
    case.write("bad/main.tf", format!("locals {{ blob = \"{blob}\" }}"));
    // And one line that does not parse, so the error has to point into it.
    case.write("bad/broken.tf", format!("locals {{ blob = \"{blob} }}"));
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .clean("bad/main.tf")
        .error("bad/broken.tf", "invalid HCL");
    let start = &report.json["errors"][0]["start"];
    assert_eq!(start["line"], 1, "{:#}", report.json["errors"]);
}

#[test]
fn human_output_shows_only_part_of_a_10_mb_line() {
    let case = Case::new("long-line-human");
    let blob = "a".repeat(10_000_000);
    // A finding and an error, each far into a line miette cannot draw whole.
    let policy = format!(
        "  policy = jsonencode({{ Statement = [{{ Sid = \"{blob}\", Effect = \"Allow\", Principal = \"*\", Action = \"s3:GetObject\", Resource = \"*\" }}] }})"
    );
    case.write(
        "bad/public.tf",
        format!("resource \"aws_s3_bucket\" \"p\" {{\n{policy}\n}}\n"),
    );
    let broken = format!("locals {{ blob = \"{blob}\" }} @ }}");
    case.write("bad/broken.tf", &broken);
    let (code, text) = case.lint_human(&["."]);
    assert_eq!(code, 2, "{}", &text[..text.len().min(4000)]);
    assert!(text.len() < 100_000, "{} bytes of output", text.len());
    let at = broken.find('@').unwrap() + 1;
    assert!(text.contains(&format!("bad/broken.tf:1:{at}]")), "{text}");
    assert!(text.contains("invalid HCL"), "{text}");
    let principal = policy.find("Principal = ").unwrap() + "Principal = ".len() + 1;
    assert!(
        text.contains(&format!("bad/public.tf:2:{principal}]")),
        "{text}"
    );
    assert!(text.contains("Principal = \"*\""), "{text}");
    assert!(text.contains("good/main.tf"), "{text}");
}

#[cfg(unix)]
#[test]
fn many_roots_that_each_stay_under_the_module_budget() {
    // Forty tiny roots, each asking for 5,000 instances of one module: under
    // a root's budget, 200,000 in all. The run's budget stops them, the
    // refused calls are listed, and the output does not depend on which
    // root ran out first.
    let case = Case::new("many-roots");
    case.write(
        "bad/m/main.tf",
        // Not a bucket: 25,000 buckets take 2.3 s and 340 MB in a debug
        // build (0.5 s in release), most of it in the policies, and this
        // case is about the instances.
        "variable \"n\" { default = \"x\" }\nresource \"aws_sqs_queue\" \"q\" { name = \"q-${var.n}\" }\n",
    );
    let calls: String = ["a", "b", "c", "d", "e"]
        .map(|name| format!("module \"{name}\" {{\n  source = \"../m\"\n  count  = 1000\n}}\n"))
        .concat();
    for root in 0..40 {
        case.write(&format!("bad/r{root:02}/main.tf"), &calls);
    }
    let report = case.lint(&["."]);
    report.good_file_reported().clean("bad/r00/main.tf");
    let unavailable = report.json["unavailable_modules"].as_array().unwrap();
    assert!(
        unavailable.iter().any(|u| u["reason"]
            .as_str()
            .unwrap()
            .contains("module instances in all")),
        "{unavailable:#?}"
    );
    assert!(report.json["summary"]["resources"].as_u64().unwrap() <= 25_001);
    let again = case.lint(&["."]);
    assert_eq!(again.json, report.json, "the same report on a second run");
}

#[test]
fn terraform_locals_that_double_a_string_26_times() {
    // 68 bytes doubled 26 times would be 4.5 GB.
    let case = Case::new("string-doubling");
    let mut text = format!("locals {{\n  s0 = \"{}\"\n", "x".repeat(68));
    for i in 1..=26 {
        text.push_str(&format!(
            "  s{i} = \"${{local.s{0}}}${{local.s{0}}}\"\n",
            i - 1
        ));
    }
    text.push_str("}\nresource \"aws_s3_bucket\" \"b\" {\n  acl = local.s26\n}\n");
    case.write("bad/main.tf", text);
    let report = case.lint(&[".", "--show-undecided"]);
    report.good_file_reported().clean("bad/main.tf").undecided(
        "bad/main.tf",
        "longer than 1 MiB (phiguard's limit for one value)",
    );
}

#[test]
fn a_1_mb_template_that_joins_a_large_anchor_a_hundred_times() {
    let case = Case::new("join-anchor");
    let aliases = vec!["*big"; 100].join(", ");
    let mut text = format!(
        "{TEMPLATE_HEAD}  Joined:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: !Join ['', [{aliases}]]\n"
    );
    text.push_str(
        "  Late:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: *big\n",
    );
    text.push_str(
        "  Open:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
    );
    text.push_str("Metadata:\n  Big: &big ");
    text.push_str(&"x".repeat(1_000_000 - text.len() - 1));
    text.push('\n');
    // The anchor must come before its aliases: it goes first.
    let (head, anchor) = text.split_at(text.find("Metadata:").unwrap());
    let text = format!("{anchor}{head}");
    assert_eq!(text.len(), 1_000_000);
    case.write("bad/template.yaml", text);
    let report = case.lint(&[".", "--show-undecided"]);
    report
        .good_file_reported()
        .clean("bad/template.yaml")
        // The join is too long with the first 16 copies; the aliases after
        // them are not copied.
        .undecided(
            "bad/template.yaml",
            "longer than 1 MiB (phiguard's limit for one value)",
        )
        .undecided(
            "bad/template.yaml",
            "YAML aliases in the file copy more than 16 MiB",
        );
    let findings = report.json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "s3-public-acl" && f["resource"]["address"] == "Open"),
        "the template's other bucket is checked"
    );
}

#[test]
fn a_module_with_count_1000_holding_a_bucket_with_count_1000() {
    // A million instances. Only the public-ACL rule runs: ten thousand
    // buckets' worth of every rule's findings would be the time of the
    // report, not of the instances.
    let case = Case::new("count-times-count");
    case.write(
        "bad/main.tf",
        "module \"m\" {\n  source = \"./m\"\n  count  = 1000\n}\n",
    );
    case.write(
        "bad/m/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  count  = 1000\n  bucket = \"b-${count.index}\"\n  acl    = \"private-${count.index}\"\n}\n",
    );
    let report = case.lint(&[".", "--show-undecided", "--select", "s3-public-acl"]);
    report
        .good_file_reported()
        .clean("bad/main.tf")
        .undecided(
            "bad/m/main.tf",
            "the configuration would make more than 10000 resource instances (phiguard's limit per configuration)",
        );
    let resources = report.json["summary"]["resources"].as_u64().unwrap();
    // Ten module instances' buckets, and one for each of the 990 others.
    assert_eq!(resources, 1 + 10_000 + 990);
}

#[test]
fn distinct_over_a_quarter_million_strings() {
    // Four lines; comparing every item with every other took hours.
    let case = Case::new("distinct");
    case.write(
        "bad/main.tf",
        "locals {\n  all = flatten([for a in range(490) : [for b in range(500) : \"${a}-${b}\"]])\n}\n\
         resource \"aws_s3_bucket\" \"b\" {\n  acl = \"n${length(distinct(local.all))}\"\n}\n",
    );
    let report = case.lint(&[".", "--show-undecided", "--select", "s3-public-acl"]);
    report.good_file_reported().clean("bad/main.tf");
    assert_eq!(report.json["summary"]["undecided"], 0, "{:#}", report.json);
}

#[test]
fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let case = Case::new("symlink-loop");
    symlink("loop-b.tf", case.path("bad/loop-a.tf")).unwrap();
    symlink("loop-a.tf", case.path("bad/loop-b.tf")).unwrap();
    symlink("loop.yaml", case.path("bad/loop.yaml")).unwrap();
    // A directory that contains itself: not followed, so no endless walk.
    symlink("..", case.path("bad/up")).unwrap();
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .skipped("bad/loop-a.tf", "too many levels of symbolic links")
        .skipped("bad/loop-b.tf", "too many levels of symbolic links")
        .skipped("bad/loop.yaml", "too many levels of symbolic links");
    let report = case.lint(&["good/main.tf", "bad/loop-a.tf"]);
    report
        .good_file_reported()
        .error("bad/loop-a.tf", "too many levels of symbolic links");
}

#[cfg(unix)]
#[test]
fn unreadable_files() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let case = Case::new("unreadable");
    symlink("missing.tf", case.path("bad/dangling.tf")).unwrap();
    // Reading /proc/self/mem from its start fails even for root.
    symlink("/proc/self/mem", case.path("bad/mem.tf")).unwrap();
    let report = case.lint(&["good/main.tf", "bad/dangling.tf", "bad/mem.tf"]);
    report
        .good_file_reported()
        .error("bad/dangling.tf", "no such file or directory")
        .error("bad/mem.tf", "cannot read the file");
    // Found by walking, the dangling link is skipped with its reason;
    // /proc is outside the project root, so the link is not followed.
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .skipped("bad/dangling.tf", "no such file or directory")
        .error("bad/mem.tf", "outside the project root");

    let locked = case.write("bad/locked.tf", GOOD);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        eprintln!(
            "skipping the chmod 000 case: this user (root?) can read a file without read permission"
        );
        return;
    }
    let report = case.lint(&["good/main.tf", "bad/locked.tf"]);
    report
        .good_file_reported()
        .error("bad/locked.tf", "cannot read the file: permission denied");
}

#[test]
fn a_directory_named_like_a_file() {
    let case = Case::new("directory-x-tf");
    case.write("bad/x.tf/main.tf", GOOD.replace("\"good\"", "\"inside\""));
    fs::create_dir_all(case.path("bad/empty.tf")).unwrap();
    fs::create_dir_all(case.path("bad/t.yaml")).unwrap();
    // A directory is walked, whatever its name.
    for args in [
        &["."][..],
        &["good/main.tf", "bad/x.tf", "bad/empty.tf", "bad/t.yaml"],
    ] {
        let report = case.lint(args);
        report
            .good_file_reported()
            .clean("bad/x.tf")
            .clean("bad/empty.tf")
            .clean("bad/t.yaml");
        let findings = report.json["findings"].as_array().unwrap();
        assert!(findings.iter().any(|f| f["file"] == "bad/x.tf/main.tf"));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_file() {
    let case = Case::new("fifo");
    let made = Command::new("mkfifo")
        .arg(case.path("bad/pipe.tf"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    // Opening a FIFO for reading would wait for a writer forever.
    let report = case.lint(&["good/main.tf", "bad/pipe.tf"]);
    report
        .good_file_reported()
        .error("bad/pipe.tf", "not a regular file");
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .skipped("bad/pipe.tf", "not a regular file");
}

/// A folder outside the repository (and outside the project root of any
/// checkout), holding a secret; removed on drop.
struct Outside {
    dir: PathBuf,
}

const SECRET: &str = "SECRET-FROM-OUTSIDE-THE-ROOT";

impl Outside {
    fn new(name: &str) -> Outside {
        let dir = std::env::temp_dir().join(format!(
            "phiguard-hostile-outside-{}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("secret.txt"), SECRET).unwrap();
        fs::write(
            dir.join("main.tf"),
            format!("resource \"aws_s3_bucket\" \"outside\" {{\n  acl = \"{SECRET}\"\n}}\n"),
        )
        .unwrap();
        Outside { dir }
    }
}

impl Drop for Outside {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// No output of any format mentions what is outside the root.
fn nothing_leaks(case: &Case, args: &[&str]) {
    for format in ["json", "human", "sarif", "compact", "github", "junit"] {
        let (_, text) = case.run(
            &[args, &["--show-undecided", "--show-skipped"]].concat(),
            format,
        );
        assert!(!text.contains(SECRET), "{format} output leaks: {text}");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_repository() {
    use std::os::unix::fs::symlink;
    let outside = Outside::new("links");
    let case = Case::new("symlink-escape");
    // A file, a folder, a Terraform file and a module folder, each a link
    // out of the repository.
    symlink(outside.dir.join("secret.txt"), case.path("bad/name.txt")).unwrap();
    symlink(&outside.dir, case.path("bad/etc")).unwrap();
    symlink(outside.dir.join("main.tf"), case.path("bad/escaped.tf")).unwrap();
    // An auto-loaded var file, and an editor's settings found by walking.
    symlink(
        outside.dir.join("secret.txt"),
        case.path("bad/terraform.tfvars"),
    )
    .unwrap();
    fs::create_dir_all(case.path(".vscode")).unwrap();
    symlink(
        outside.dir.join("secret.txt"),
        case.path(".vscode/settings.json"),
    )
    .unwrap();
    case.write(
        "bad/main.tf",
        "resource \"aws_s3_bucket\" \"file\" {\n  acl = file(\"name.txt\")\n}\n\
         resource \"aws_s3_bucket\" \"folder\" {\n  acl = file(\"etc/secret.txt\")\n}\n\
         resource \"aws_s3_bucket\" \"template\" {\n  acl = templatefile(\"etc/secret.txt\", {})\n}\n\
         module \"linked\" {\n  source = \"./etc\"\n}\n",
    );
    let report = case.lint(&[".", "--show-undecided"]);
    report
        .good_file_reported()
        .error("bad/escaped.tf", "outside the project root")
        .error(
            "bad/terraform.tfvars",
            "cannot read the var file: its real path is outside the project root",
        )
        .skipped(".vscode/settings.json", "outside the project root")
        .skipped("bad/etc/", "a symbolic link to a folder is not followed")
        .undecided("bad/main.tf", "outside the project root, so it is not read");
    let unavailable = report.json["unavailable_modules"].as_array().unwrap();
    assert!(
        unavailable.iter().any(|m| m["source"] == "./etc"
            && m["reason"]
                .as_str()
                .unwrap()
                .contains("outside the project root")),
        "{unavailable:#?}"
    );
    nothing_leaks(&case, &["."]);
    fs::remove_file(case.path("bad/terraform.tfvars")).unwrap();
    // A local module source that leaves the root is not read either.
    let depth = case
        .path("bad")
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    let relative = vec![".."; depth].join("/");
    case.write(
        "bad/main.tf",
        format!(
            "module \"up\" {{\n  source = \"./{relative}{}\"\n}}\n",
            outside.dir.display()
        ),
    );
    let report = case.lint(&["."]);
    let unavailable = report.json["unavailable_modules"].as_array().unwrap();
    assert!(
        unavailable.iter().any(|m| m["reason"]
            .as_str()
            .unwrap()
            .contains("outside the project root")),
        "{unavailable:#?}"
    );
    nothing_leaks(&case, &["."]);
    // Named on the command line, a file is read wherever it leads.
    let report = case.lint(&["good/main.tf", "bad/escaped.tf"]);
    let findings = report.json["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["file"] == "bad/escaped.tf"));
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_behind_file_calls() {
    use std::os::unix::fs::symlink;
    let case = Case::new("devices");
    symlink("/dev/zero", case.path("bad/zero.txt")).unwrap();
    symlink("/dev/stdin", case.path("bad/stdin.txt")).unwrap();
    symlink("/dev/zero", case.path("bad/zero.tf")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(case.path("bad/fifo.txt"))
        .status()
        .is_ok_and(|s| s.success());
    let mut text = String::new();
    for name in ["zero", "stdin", "fifo"] {
        text.push_str(&format!(
            "resource \"aws_s3_bucket\" \"{name}\" {{\n  acl = file(\"{name}.txt\")\n}}\n"
        ));
    }
    case.write("bad/main.tf", text);
    let report = case.lint(&[".", "--show-undecided"]);
    report
        .good_file_reported()
        .skipped("bad/zero.tf", "not a regular file")
        .undecided("bad/main.tf", "outside the project root");
    if fifo {
        report.undecided("bad/main.tf", "not a regular file");
    }
    // Named, the device is allowed but still not read.
    let report = case.lint(&["good/main.tf", "bad/zero.tf"]);
    report
        .good_file_reported()
        .error("bad/zero.tf", "not a regular file");
}

#[test]
fn hidden_folders_are_linted_and_left_out_folders_counted() {
    let case = Case::new("hidden");
    case.write(".infra/main.tf", GOOD.replace("\"good\"", "\"hidden\""));
    // ripgrep's `.ignore` is not git's: it hides nothing.
    case.write(".ignore", "*.tf\n");
    case.write("web/node_modules/pkg/main.tf", GOOD);
    case.write(".terragrunt-cache/x/main.tf", GOOD);
    // Git's own folder and Terraform's cache are left out silently.
    case.write(".terraform/modules/m/main.tf", GOOD);
    let report = case.lint(&["."]);
    report
        .good_file_reported()
        .skipped("web/node_modules/", "node_modules")
        .skipped(".terragrunt-cache/", "Terragrunt")
        .clean(".terraform/");
    let findings = report.json["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["file"] == ".infra/main.tf"));
    assert!(!findings
        .iter()
        .any(|f| f["file"].as_str().unwrap().contains("node_modules")));
    assert_eq!(report.json["summary"]["skipped"], 2, "{:#}", report.json);
    // The summary counts them and says how to list them.
    let (_, human) = case.lint_human(&["."]);
    assert!(
        human.contains("2 folders skipped (`--show-skipped` lists them)."),
        "{human}"
    );
    assert!(!human.contains("skipped web/node_modules/"), "{human}");
    let (_, listed) = case.lint_human(&[".", "--show-skipped"]);
    assert!(
        listed.contains("skipped web/node_modules/: JavaScript dependencies"),
        "{listed}"
    );
    // Files an --exclude glob leaves out are counted too.
    let report = case.lint(&[".", "--exclude", "good/**"]);
    report.skipped("good/main.tf", "--exclude");
}

#[test]
fn a_monorepo_of_many_plain_calls_loses_no_module() {
    // 26,000 module instances, each written as a `module` block: more than
    // the run's 25,000 floor, within its budget of ten per block.
    let case = Case::new("many-calls");
    case.write(
        "bad/m/main.tf",
        "resource \"aws_sqs_queue\" \"q\" { name = \"q\" }\n",
    );
    let calls: String = (0..130)
        .map(|i| format!("module \"m{i}\" {{\n  source = \"../../m\"\n}}\n"))
        .collect();
    for root in 0..200 {
        case.write(&format!("bad/stacks/s{root:03}/main.tf"), &calls);
    }
    let report = case.lint(&["."]);
    report.good_file_reported();
    let unavailable = report.json["unavailable_modules"].as_array().unwrap();
    assert!(unavailable.is_empty(), "{unavailable:#?}");
    assert_eq!(report.json["summary"]["resources"], 1 + 26_000);
}
