//! Notices: what the run could not look at, which is neither a finding nor
//! an error (a module call whose code is not available offline). A large
//! repository has a hundred of them; human output counts them in one
//! summary line (`--show-notices` lists them), SARIF makes each a note
//! notification, JSON lists them in their own arrays.

use phiguard_model::{Report, Span};

/// What a notice is about: the summary counts each kind on a line of its
/// own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum NoticeKind {
    ModuleNotChecked,
}

impl NoticeKind {
    /// The summary's words for `n` notices of this kind.
    pub fn counted(self, n: usize) -> String {
        match (self, n) {
            (NoticeKind::ModuleNotChecked, 1) => "1 module call not checked".to_string(),
            (NoticeKind::ModuleNotChecked, n) => format!("{n} module calls not checked"),
        }
    }
}

pub(crate) struct Notice {
    pub kind: NoticeKind,
    /// Raw text from the input: each format escapes it its own way.
    pub message: String,
    pub span: Option<Span>,
}

/// Every notice of the report, in the report's order.
pub(crate) fn notices(report: &Report) -> Vec<Notice> {
    report
        .unavailable_modules
        .iter()
        .map(|m| Notice {
            kind: NoticeKind::ModuleNotChecked,
            // An empty source is one that is not a literal: the reason
            // says so.
            message: if m.source.is_empty() {
                format!("module {} not checked: {}", m.address, m.reason)
            } else {
                format!(
                    "module {} (source {:?}) not checked: {}",
                    m.address, m.source, m.reason
                )
            },
            span: Some(m.span),
        })
        .collect()
}

/// How many notices of each kind, in the kinds' order.
pub(crate) fn counts(notices: &[Notice]) -> Vec<(NoticeKind, usize)> {
    let mut counts: Vec<(NoticeKind, usize)> = Vec::new();
    for notice in notices {
        match counts.iter_mut().find(|(kind, _)| *kind == notice.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((notice.kind, 1)),
        }
    }
    counts.sort();
    counts
}
