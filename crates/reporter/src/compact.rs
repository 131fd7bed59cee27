//! `--format compact`: one line a finding, for editors' problem matchers
//! and `grep`:
//!
//! ```text
//! infra/s3.tf:3:12: critical [s3-public-acl] bucket ACL "public-read" lets anyone ...
//! infra/broken.tf:3:1: error: invalid HCL: expected an expression
//! ```
//!
//! Suppressed findings are not printed; an error without a place in the file
//! (a file that cannot be read) is put at `1:1`. With `--show-undecided`,
//! each undecided check is a line too:
//!
//! ```text
//! infra/s3.tf:15:9: undecided [s3-public-acl] aws_s3_bucket.logs: var.logs_acl has no value
//! ```
//!
//! A finding whose value was decided elsewhere names the first place it
//! came from, the one to change:
//!
//! ```text
//! infra/modules/bucket/main.tf:3:12: critical [s3-public-acl] bucket ACL ... (set in infra/terraform.tfvars:1:14)
//! ```
//!
//! The rule's page (`docs_url`) ends the line, in angle brackets:
//!
//! ```text
//! infra/s3.tf:3:12: critical [s3-public-acl] bucket ACL ... <https://.../docs/rules/s3-public-acl.md>
//! ```
//!
//! No summary: every line has the same shape. A control character in a
//! path, message or address is written as an escape (`\n`, `\x1b`), so a
//! line is always one finding and never drives the terminal.

use std::fmt::Write as _;

use phiguard_model::{Finding, Position, Report};

use crate::{DocsLinks, RenderOptions};

use crate::text::{error_positions, one_line, origin_place, visible};

const FILE_START: Position = Position { line: 1, column: 1 };

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        out.push_str(&finding_line(report, f, Some(&options.docs)));
    }
    for u in report.undecided.iter().filter(|_| options.show_undecided) {
        let (start, _) = report.positions(u.span);
        let _ = writeln!(
            out,
            "{}:{}:{}: undecided [{}] {}: {}",
            visible(report.path(u.span.file), &[]),
            start.line,
            start.column,
            u.rule,
            visible(&u.resource.address, &[]),
            one_line(&u.reason)
        );
    }
    for e in &report.errors {
        let start = error_positions(report, e).map_or(FILE_START, |(start, _)| start);
        let _ = writeln!(
            out,
            "{}:{}:{}: error: {}",
            visible(&e.path, &[]),
            start.line,
            start.column,
            one_line(&e.message)
        );
    }
    out
}

/// One finding's line, with its line break: also the human output's list
/// of findings when there are too many to show with their source, which
/// leaves out the links (`docs`): the same few URLs on hundreds of lines
/// would bury the messages.
pub(crate) fn finding_line(report: &Report, f: &Finding, docs: Option<&DocsLinks>) -> String {
    let (start, _) = report.positions(f.span);
    let mut line = format!(
        "{}:{}:{}: {} [{}] {}",
        visible(report.path(f.span.file), &[]),
        start.line,
        start.column,
        f.severity,
        f.rule,
        one_line(&f.message)
    );
    if let Some(origin) = f.origins.first() {
        let _ = write!(line, " ({})", one_line(&origin_place(report, origin)));
    }
    if let Some(url) = docs.and_then(|docs| docs.url(&f.rule)) {
        let _ = write!(line, " <{}>", visible(&url, &[]));
    }
    line.push('\n');
    line
}
