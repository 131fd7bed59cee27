//! The default human layout: findings grouped by resource. A resource with
//! several findings is one diagnostic: its snippet carries every finding's
//! label (`s3-public-acl: acl`), then each place a value came from in a
//! file is a snippet labelled with the rules it decides; after it, each
//! finding, most severe first, has its heading (`critical[rule]: message`),
//! its position, help, HIPAA sections, notes and docs link. A resource
//! with one finding is shown as `--format full` shows it.

use std::fmt::Write as _;

use phiguard_model::{Finding, Span};

use super::diagnostic::{Diag, Snippet, Snippets};
use super::renderer::{miette_severity, Renderer, Wanted};
use super::{fix_line, shown};
use crate::text::{origin_line, visible};

/// The findings of one resource (one address in one file), most severe
/// first, in the report's order within a severity.
pub(super) struct Group<'a> {
    findings: Vec<&'a Finding>,
}

/// The unsuppressed findings grouped by resource, in the order each
/// resource's first finding comes in the report (by file and position). A
/// finding on no resource (an invalid suppression) is a group of its own.
pub(super) fn groups<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    // Key to index; a linear scan would be quadratic on large reports.
    let mut index: std::collections::HashMap<(u32, &str), usize> = Default::default();
    for f in findings {
        if f.resource.address.is_empty() {
            groups.push(Group { findings: vec![f] });
            continue;
        }
        let key = (f.span.file.0, f.resource.address.as_str());
        match index.get(&key) {
            Some(&i) => groups[i].findings.push(f),
            None => {
                index.insert(key, groups.len());
                groups.push(Group { findings: vec![f] });
            }
        }
    }
    for group in &mut groups {
        // Stable: the report's order stays within a severity.
        group
            .findings
            .sort_by_key(|f| std::cmp::Reverse(f.severity));
    }
    groups
}

impl<'a> Renderer<'a> {
    pub fn group(&self, out: &mut String, group: &Group<'a>) {
        let [first, ..] = group.findings.as_slice() else {
            return;
        };
        if group.findings.len() == 1 {
            return self.finding(out, first);
        }
        let path = self.report.path(first.span.file);
        // Findings at one span (a resource header, for everything that is
        // missing) share one label, a line each: miette would draw a
        // connector each, side by side.
        let mut wanted: Vec<Wanted> = Vec::new();
        for f in &group.findings {
            let text = if f.label.is_empty() {
                f.rule.to_string()
            } else {
                format!("{}: {}", f.rule, f.label)
            };
            match wanted.iter_mut().find(|w| w.span == f.span) {
                Some(w) => {
                    if let Some(t) = &mut w.text {
                        t.push('\n');
                        t.push_str(&text);
                    }
                }
                None => wanted.push(Wanted {
                    span: f.span,
                    text: Some(text),
                    primary: true,
                }),
            }
        }
        let (mut snippets, _) = self.snippets(path, wanted);
        snippets.extend(self.origin_snippets(&group.findings));
        let diag = Diag {
            heading: shown(&format!(
                "resource {}: {} findings",
                first.resource.address,
                group.findings.len()
            ))
            .into_owned(),
            severity: miette_severity(first.severity),
            help: None,
            snippets: Snippets::new(snippets),
        };
        self.emit(out, &diag);
        for f in &group.findings {
            self.entry(out, f);
        }
        out.push('\n');
    }

    /// One finding under its resource's snippet: what `--format full`
    /// says of it but the snippet. Its position is on the note line, so
    /// that each finding can be found without reading the snippet.
    fn entry(&self, out: &mut String, f: &Finding) {
        let heading = format!("{}[{}]: {}", f.severity, f.rule, f.message);
        let _ = writeln!(out, "  {}", self.heading(f.severity, &heading));
        if let Some(fix) = &f.help {
            // Continuation lines line up under the fix's first line, as
            // miette indents a help.
            let help = shown(fix).replace('\n', "\n          ");
            let _ = writeln!(out, "    {} {help}", self.help_label());
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "    fix: {}", fix_line(fix));
        }
        for origin in f
            .origins
            .iter()
            .filter(|o| o.span.is_none() || !self.in_report(o.span))
        {
            let _ = writeln!(out, "    = {}", shown(&origin_line(self.report, origin)));
        }
        let start = self.report.positions(f.span).0;
        let mut note = format!(
            "at {}:{}:{}",
            visible(self.report.path(f.span.file), &[]),
            start.line,
            start.column
        );
        if !f.hipaa.is_empty() {
            let _ = write!(note, "; HIPAA {}", f.hipaa.join(", "));
        }
        let _ = writeln!(out, "    note: {note}");
        for extra in &f.notes {
            let _ = writeln!(out, "    note: {}", shown(extra));
        }
        if let Some(url) = self.docs.url(&f.rule) {
            let _ = writeln!(out, "    docs: {}", shown(&url));
        }
    }

    /// A snippet for each place a value came from in a file, once however
    /// many findings it decides, labelled with its role and name and the
    /// rules it decides (`set here: acl (s3-public-acl)`), in the order the
    /// findings are listed.
    fn origin_snippets(&self, findings: &[&'a Finding]) -> Vec<Snippet<'a>> {
        let mut places: Vec<(Span, String, Vec<&str>)> = Vec::new();
        for f in findings {
            for origin in &f.origins {
                let Some(span) = origin.span.filter(|&s| self.in_report(Some(s))) else {
                    continue;
                };
                let label = format!("{}: {}", origin.role.label(), origin.name);
                match places
                    .iter_mut()
                    .find(|(s, l, _)| *s == span && *l == label)
                {
                    Some((_, _, rules)) if !rules.contains(&f.rule.as_str()) => rules.push(&f.rule),
                    Some(_) => {}
                    None => places.push((span, label, vec![&f.rule])),
                }
            }
        }
        places
            .into_iter()
            .flat_map(|(span, label, rules)| {
                let wanted = Wanted {
                    span,
                    text: Some(format!("{label} ({})", rules.join(", "))),
                    primary: false,
                };
                self.snippets(self.report.path(span.file), vec![wanted]).0
            })
            .collect()
    }

    /// Whether a span lies in one of the report's files, so a snippet can
    /// show it.
    fn in_report(&self, span: Option<Span>) -> bool {
        span.is_some_and(|span| {
            self.report
                .file(span.file)
                .is_some_and(|file| file.text.get(span.range()).is_some())
        })
    }
}
