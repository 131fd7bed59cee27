//! `--format compact`: one line a finding, for editors' problem matchers
//! and `grep`:
//!
//! ```text
//! infra/s3.tf:3:12: critical [s3-public-acl] bucket ACL "public-read" lets anyone ...
//! infra/broken.tf:3:1: error: invalid HCL: expected an expression
//! ```
//!
//! Suppressed findings are not printed; an error without a place in the file
//! (a file that cannot be read) is put at `1:1`. No summary: every line has
//! the same shape.

use std::fmt::Write as _;

use phiguard_model::{Position, Report};

use crate::text::{error_positions, one_line};

const FILE_START: Position = Position { line: 1, column: 1 };

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let (start, _) = report.positions(f.span);
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            report.path(f.span.file),
            start.line,
            start.column,
            f.severity,
            f.rule,
            one_line(&f.message)
        );
    }
    for e in &report.errors {
        let start = error_positions(report, e).map_or(FILE_START, |(start, _)| start);
        let _ = writeln!(
            out,
            "{}:{}:{}: error: {}",
            e.path,
            start.line,
            start.column,
            one_line(&e.message)
        );
    }
    out
}
