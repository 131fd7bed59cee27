//! `--format full`: a diagnostic a finding, with its own snippet, and a
//! snippet of each place its value came from in a file ("set here:
//! bucket_acl") after it; each given outside any file is a line
//! (`= set by --var x`).

use std::fmt::Write as _;

use phiguard_model::Finding;

use super::diagnostic::{Diag, Snippet, Snippets};
use super::renderer::{miette_severity, Renderer};
use super::shown;
use crate::text::{origin_line, visible};

impl<'a> Renderer<'a> {
    pub fn finding(&self, out: &mut String, f: &'a Finding) {
        let label = if f.label.is_empty() {
            &f.rule
        } else {
            &f.label
        };
        let mut snippets: Vec<Snippet<'a>> = self
            .snippet(self.report.path(f.span.file), f.span, Some(label))
            .into_iter()
            .collect();
        // Origins in a file are snippets of their own after the finding's;
        // the others (`--var`, or a file the report lacks) are lines.
        let mut origin_lines = Vec::new();
        for origin in &f.origins {
            let label = format!("{}: {}", origin.role.label(), origin.name);
            let snippet = origin
                .span
                .and_then(|span| self.snippet(self.report.path(span.file), span, Some(&label)));
            match snippet {
                Some(mut snippet) => {
                    for l in &mut snippet.labels {
                        l.primary = false;
                    }
                    snippets.push(snippet)
                }
                None => origin_lines.push(origin_line(self.report, origin)),
            }
        }
        let diag = Diag {
            heading: shown(&format!("{}[{}]: {}", f.severity, f.rule, f.message)).into_owned(),
            severity: miette_severity(f.severity),
            help: f.help.as_deref().map(shown),
            snippets: Snippets::new(snippets),
        };
        // A finding on no resource (an invalid suppression) names none.
        let mut place = Vec::new();
        if !f.resource.address.is_empty() {
            place.push(format!("resource {}", shown(&f.resource.address)));
        }
        if !diag.snippets.has_primary() {
            let start = self.report.positions(f.span).0;
            place.push(format!(
                "at {}:{}:{}",
                visible(self.report.path(f.span.file), &[]),
                start.line,
                start.column
            ));
        }
        let mut parts = vec![place.join(" ")];
        parts.retain(|p| !p.is_empty());
        if !f.hipaa.is_empty() {
            parts.push(format!("HIPAA {}", f.hipaa.join(", ")));
        }
        let note = parts.join("; ");
        self.emit(out, &diag);
        for line in &origin_lines {
            let _ = writeln!(out, "  = {}", shown(line));
        }
        if !note.is_empty() {
            let _ = writeln!(out, "  note: {note}");
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "  fix: {}", super::fix_line(fix));
        }
        for extra in &f.notes {
            let _ = writeln!(out, "  note: {}", shown(extra));
        }
        if let Some(url) = self.docs.url(&f.rule) {
            let _ = writeln!(out, "  docs: {}", shown(&url));
        }
        out.push('\n');
    }
}
