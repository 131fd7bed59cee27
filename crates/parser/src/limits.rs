//! Limits that keep hostile or broken input from exhausting time, memory or
//! the stack: the largest file read, the deepest nesting handed to a
//! recursive parser, checked by a cheap scan before parsing, and the
//! budgets of the Terraform and CloudFormation evaluators, all here.
//!
//! The parsers have limits of their own (hcl-edit refuses more than 64
//! nested levels and 128 chained binary operators, jsonc-parser more than
//! 512 levels, and the YAML reader more than [`MAX_NESTING`] levels and
//! aliases adding more than 100,000 nodes); the scans here do not depend on
//! those, give the same message in every format, and stop a file that nests
//! 100,000 levels deep before any parser sees it.

use std::io::Read;
use std::path::Path;

/// The largest file phiguard reads: 16 MiB. CloudFormation refuses
/// templates over 1 MB and real Terraform files are far smaller; a bigger
/// file is generated data or an attack, and would cost seconds and hundreds
/// of megabytes to parse.
pub const MAX_FILE_SIZE: u64 = 16 << 20;

/// The largest Terraform plan or state JSON phiguard reads: 256 MiB
/// (`terraform show -json` of a large workspace runs to tens of MiB). A
/// `.json` file is read up to this size, and linted beyond
/// [`MAX_FILE_SIZE`] only when it is a plan.
pub const MAX_PLAN_SIZE: u64 = 256 << 20;

/// The most of `path` a read takes: [`MAX_FILE_SIZE`] for Terraform, YAML
/// and `.template` files, [`MAX_PLAN_SIZE`] for any other (a `.json`, a
/// `.tfstate` or a named file may be a plan; past [`MAX_FILE_SIZE`] only a
/// file whose first bytes look like one is read).
pub fn size_limit(path: &Path) -> u64 {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let never_a_plan = [".tf", ".tfvars", ".yaml", ".yml", ".template"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars.json");
    if never_a_plan {
        MAX_FILE_SIZE
    } else {
        MAX_PLAN_SIZE
    }
}

/// The deepest nesting of brackets, braces, parentheses and template
/// interpolations phiguard parses (and the YAML reader's limit). Real
/// templates and modules nest about ten levels.
pub const MAX_NESTING: usize = 128;

// The evaluators' budgets. Past each, what it bounds is unknown, with a
// reason naming it, or refused where noted; docs/architecture.md, "Limits",
// lists them all.

/// Nested evaluations (sub-expressions, references followed, conditions
/// naming each other) before a value is unknown: bounds the stack on
/// pathological input. Both evaluators.
pub const MAX_EVAL_DEPTH: usize = 200;

/// Nesting of a Terraform expression turned into phiguard's form. hcl-edit
/// already refuses deeper nesting (64 levels, 128 operators); this only
/// guards the recursion should that change.
pub const MAX_LOWER_DEPTH: usize = 256;

/// Instances of one `count` or `for_each`: more are not checked one by one
/// (one instance whose number is not known is).
pub const MAX_COUNT: usize = 1_000;

/// Modules nested deeper than this are not instantiated.
pub const MAX_MODULE_NESTING: usize = 16;

/// Module instances in one root configuration (not counting the root
/// module): far more than real code makes, and a bound on what calls
/// nested with `count` can cost. Each root has its own budget, so a
/// monorepo's roots do not use up each other's.
pub const MAX_MODULE_INSTANCES: usize = 5_000;

/// Module instances of all roots together, at least: what keeps many
/// small roots that each stay under [`MAX_MODULE_INSTANCES`] (a few
/// kilobytes of hostile input asking for `count = 5000` each) from costing
/// gigabytes. The budget grows with the code ([`RUN_INSTANCES_PER_CALL`]),
/// so a monorepo of thousands of roots never runs out of it.
pub const MAX_RUN_MODULE_INSTANCES: usize = 25_000;

/// Module instances the run may make per `module` block written in the
/// linted code, when that is more than [`MAX_RUN_MODULE_INSTANCES`]: a
/// run's budget is proportional to its input, not to what `count` asks.
pub const RUN_INSTANCES_PER_CALL: usize = 10;

/// Nodes that YAML aliases may add in one file: a real template needs a
/// handful, a "billion laughs" document billions. Past it the document is
/// refused.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Characters that the YAML parses of one file may cost together before
/// the reader gives up on padding lines and reports the indentation error.
/// A failed parse costs the length of the text (padding it) plus the
/// characters read before the error: at least 32 re-parses of a large
/// (1 MB) template, two of a 16 MiB file.
pub const YAML_SCAN_BUDGET: usize = 64 << 20;

/// Lists or objects compared with each other in one Terraform set,
/// `distinct` or set function (primitives are found by hash): a million
/// comparisons at most. Past it the set is unknown.
pub const MAX_SET_COMPOSITES: usize = 1_000;

/// Nodes in one Terraform value, counting shared parts each time they
/// appear: a few lines can build billions through shared parts
/// (`l0 = [local.l1, local.l1]`, `l1 = [local.l2, local.l2]`, ...). Larger
/// is unknown.
pub const MAX_VALUE_PARTS: u32 = 250_000;

/// The longest string the Terraform and CloudFormation evaluators build
/// (a template, `join`, `format`, `replace`, `jsonencode`, `Fn::Join`,
/// `Fn::Sub`): 1 MiB. AWS refuses far less (a bucket policy holds 20 KB,
/// a template 1 MB), and a few lines that double a string would otherwise
/// build gigabytes. Longer is unknown ([`string_too_long`]).
pub const MAX_STRING: usize = 1 << 20;

/// Values one evaluator may build for one Terraform root configuration or
/// one CloudFormation template, counted in bytes: each string's length,
/// and [`STEP_COST`] for each expression evaluated and each list item or
/// map entry built. What bounds the time and memory of a configuration
/// that builds many values each under the other limits (a thousand
/// locals that each copy a long one, `for` expressions nested three
/// deep). Past it every value still to be evaluated is unknown
/// ([`WorkBudget::reason`]). Real configurations use a few megabytes.
pub const MAX_WORK: usize = 256 << 20;

/// What one expression evaluated, or one list item or map entry built,
/// costs against [`MAX_WORK`]: about the bytes a value takes.
pub const STEP_COST: usize = 64;

/// Resource and data source instances (every `count` and `for_each` of
/// every module instance) in one Terraform root configuration. A module
/// with `count = 1000` holding a resource with `count = 1000` is nine
/// lines and a million instances; past the budget a resource is checked as
/// one instance whose number of instances is not known
/// ([`instances_over`]).
pub const MAX_RESOURCE_INSTANCES: usize = 10_000;

/// Bytes of text that YAML aliases may copy in one file: as much as the
/// largest file. A 1 MB template can alias a 1 MB string a hundred times;
/// past the budget an alias is an unknown value ([`alias_text_over`])
/// rather than a copy, so only what reads it is undecided. (Aliases that
/// add more than [`MAX_ALIAS_NODES`] refuse the document.) An anchor's
/// name counts once for each of its nodes, at its first alias: every
/// node's origin names it (`cloudformation/alias.rs`).
pub const MAX_ALIAS_TEXT: usize = MAX_FILE_SIZE as usize;

/// The value of an alias past [`MAX_ALIAS_TEXT`].
pub(crate) fn alias_text_over() -> String {
    format!(
        "not expanded: YAML aliases in the file copy more than {} MiB of text \
         (phiguard's limit)",
        MAX_ALIAS_TEXT >> 20
    )
}

/// The reason a string longer than [`MAX_STRING`] is unknown.
pub(crate) fn string_too_long() -> String {
    format!(
        "the string would be longer than {} MiB (phiguard's limit for one value)",
        MAX_STRING >> 20
    )
}

/// The note of a resource whose instances would take its configuration
/// past [`MAX_RESOURCE_INSTANCES`].
pub(crate) fn instances_over() -> String {
    format!(
        "not expanded: the configuration would make more than {MAX_RESOURCE_INSTANCES} \
         resource instances (phiguard's limit per configuration)"
    )
}

/// The work of one evaluator against [`MAX_WORK`]: what one configuration
/// or template has built so far.
#[derive(Debug, Default)]
pub(crate) struct WorkBudget {
    used: usize,
}

impl WorkBudget {
    pub fn charge(&mut self, cost: usize) {
        self.used = self.used.saturating_add(cost);
    }

    /// Whether `cost` more still fits; charged when it does.
    pub fn take(&mut self, cost: usize) -> bool {
        if self.used.saturating_add(cost) > MAX_WORK {
            return false;
        }
        self.charge(cost);
        true
    }

    pub fn exhausted(&self) -> bool {
        self.used > MAX_WORK
    }

    /// The reason values are unknown once the budget is used up; `whole`
    /// names what it was for ("the configuration", "the template").
    pub fn reason(whole: &str) -> String {
        format!(
            "not evaluated: {whole} builds more than {} MiB of values \
             (phiguard's evaluation budget)",
            MAX_WORK >> 20
        )
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Larger than the limit ([`MAX_FILE_SIZE`], [`MAX_PLAN_SIZE`]): the
    /// size seen and the limit.
    TooLarge(u64, u64),
    /// A directory, a FIFO, a device or a socket: reading one could block
    /// or never end.
    NotRegular,
    Io(std::io::Error),
    /// Read whole, but not UTF-8 text ([`read_text`] only).
    NotUtf8,
    /// Its real path (symbolic links followed) leaves the project root and
    /// every path the user named ([`crate::fs::Confined`]).
    Outside,
}

impl ReadError {
    /// The reason a linted file was not linted, as reports show it.
    pub(crate) fn message(&self) -> String {
        match self {
            ReadError::Io(err) => format!("cannot read the file: {}", io_message(err)),
            _ => format!("{self}; not linted"),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge(size, limit) => write!(
                f,
                "the file is {} bytes, over phiguard's limit of {} MiB for one file",
                size,
                limit >> 20
            ),
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::Io(err) => f.write_str(&io_message(err)),
            ReadError::NotUtf8 => f.write_str("the file is not UTF-8 text"),
            ReadError::Outside => {
                f.write_str("its real path is outside the project root, so it is not read")
            }
        }
    }
}

/// `std::io::Error`'s text without the "(os error 2)" suffix users do not need.
pub fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_lowercase(),
                None => text,
            }
        }
    }
}

/// Reads a regular file of at most [`size_limit`] bytes. The size is
/// checked before reading and again while reading, so a file that grows
/// (or lies about its size) still cannot take more memory than the limit.
///
/// Every file phiguard reads goes through here (or [`read_text`]): linted
/// files, var files, module manifests, `file()`, policy files, the config
/// file, baselines and `--cfn-params` files.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    // A stat before opening: opening a device can have effects of its own.
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // And again on what was opened: the path may have been swapped for a
    // FIFO or a device in between (opened without blocking, so a FIFO
    // with no writer cannot hang the run here).
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut limit = size_limit(path);
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len(), limit));
    }
    // Past the usual limit only a plan is read: the first bytes tell.
    let mut file = file;
    if meta.len() > MAX_FILE_SIZE {
        let mut head = Vec::with_capacity(4096);
        (&mut file)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(ReadError::Io)?;
        if !may_be_plan(&head) {
            return Err(ReadError::TooLarge(meta.len(), MAX_FILE_SIZE));
        }
        std::io::Seek::rewind(&mut file).map_err(ReadError::Io)?;
    } else {
        limit = MAX_FILE_SIZE.min(limit);
    }
    // `len` is a hint only (files in /proc say 0).
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Whether a file's first bytes may be those of a Terraform plan JSON:
/// `format_version` near the top, in UTF-8 or UTF-16.
fn may_be_plan(head: &[u8]) -> bool {
    let needle = "\"format_version\"";
    let utf16 = |little: bool| -> Vec<u8> {
        needle
            .encode_utf16()
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    };
    [needle.as_bytes().to_vec(), utf16(true), utf16(false)]
        .iter()
        .any(|n| head.windows(n.len()).any(|w| w == n.as_slice()))
}

/// [`read_file`] for a file that must be UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    String::from_utf8(read_file(path)?).map_err(|_| ReadError::NotUtf8)
}

/// A stream (stdin) read up to one byte past [`MAX_FILE_SIZE`]: never more
/// memory than a file may take, and enough for the loader to tell that the
/// text is over the limit and report it as it reports a file.
pub fn read_stream(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The message for text nested deeper than [`MAX_NESTING`].
pub(crate) fn nesting_message() -> String {
    format!("nested more than {MAX_NESTING} levels deep (phiguard's limit)")
}

/// The byte offset of the first `[` or `{` of JSON `text` that opens a
/// level deeper than [`MAX_NESTING`], if any. Strings are skipped, so
/// brackets inside them do not count.
pub(crate) fn json_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// What an HCL scan is inside of.
enum Frame<'a> {
    /// `{`, `[` or `(`.
    Bracket,
    /// `${` or `%{` in a template: an expression up to its `}`.
    Interpolation,
    /// A `"` string.
    Quoted,
    /// A heredoc, up to the line that holds only its marker.
    Heredoc(&'a [u8]),
}

/// The byte offset of the first bracket, brace, parenthesis or template
/// interpolation of HCL `text` that opens a level deeper than
/// [`MAX_NESTING`], if any. Comments, strings and heredocs are followed as
/// HCL's lexer does, so what they hold counts only inside `${ }`.
pub(crate) fn hcl_too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Bytes that change nothing in the current frame are skipped at
        // once: most of a file (this scan runs on every `.tf` file).
        let changes: fn(&u8) -> bool = match stack.last() {
            Some(Frame::Quoted) => |b| matches!(b, b'\\' | b'$' | b'%' | b'"' | b'\n'),
            Some(Frame::Heredoc(_)) => |b| matches!(b, b'$' | b'%' | b'\n'),
            _ => |b| {
                matches!(
                    b,
                    b'"' | b'#' | b'/' | b'<' | b'{' | b'[' | b'(' | b'}' | b']' | b')'
                )
            },
        };
        match bytes[i..].iter().position(changes) {
            Some(skip) => i += skip,
            None => break,
        }
        // Each step opens at most one level, starting here.
        let at = i;
        let rest = &bytes[i..];
        match stack.last() {
            Some(Frame::Quoted) => match rest {
                [b'\\', ..] => i += 1,
                [b'$' | b'%', b'$' | b'%', b'{', ..] if rest[0] == rest[1] => i += 2,
                [b'$' | b'%', b'{', ..] => {
                    stack.push(Frame::Interpolation);
                    i += 1;
                }
                [b'"' | b'\n', ..] => {
                    stack.pop();
                }
                _ => {}
            },
            Some(Frame::Heredoc(marker)) => match rest {
                [b'\n', ..] => {
                    let line_end = rest[1..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |p| i + 1 + p);
                    if bytes[i + 1..line_end].trim_ascii() == *marker {
                        stack.pop();
                        // On the newline that ends the marker's line.
                        i = line_end - 1;
                    }
                }
                [b'$' | b'%', b'$' | b'%', b'{', ..] if rest[0] == rest[1] => i += 2,
                [b'$' | b'%', b'{', ..] => {
                    stack.push(Frame::Interpolation);
                    i += 1;
                }
                _ => {}
            },
            // Expressions and bodies.
            _ => match rest {
                [b'"', ..] => stack.push(Frame::Quoted),
                [b'#', ..] | [b'/', b'/', ..] => {
                    // Up to the newline, which is looked at next.
                    i += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len()) - 1;
                }
                [b'/', b'*', ..] => {
                    i += rest[2..]
                        .windows(2)
                        .position(|w| w == b"*/")
                        .map_or(rest.len(), |p| p + 4)
                        - 1;
                }
                [b'<', b'<', ..] => match heredoc_start(bytes, i) {
                    Some((marker, body_start)) => {
                        stack.push(Frame::Heredoc(marker));
                        // On the newline that ends the opening line, so the
                        // first body line is checked for the marker.
                        i = body_start - 2;
                    }
                    None => i += 1,
                },
                [b'{' | b'[' | b'(', ..] => stack.push(Frame::Bracket),
                [b'}' | b']' | b')', ..] => {
                    if matches!(stack.last(), Some(Frame::Bracket | Frame::Interpolation)) {
                        stack.pop();
                    }
                }
                _ => {}
            },
        }
        if stack.len() > MAX_NESTING {
            return Some(at);
        }
        i += 1;
    }
    None
}

/// `<<EOF` or `<<-EOF` at `at`, ending its line: the marker, and the offset
/// of the first body line.
fn heredoc_start(bytes: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut start = at + 2;
    if bytes.get(start) == Some(&b'-') {
        start += 1;
    }
    let len = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .count();
    if len == 0 {
        return None;
    }
    let marker = &bytes[start..start + len];
    let mut end = start + len;
    if bytes.get(end) == Some(&b'\r') {
        end += 1;
    }
    (bytes.get(end) == Some(&b'\n')).then_some((marker, end + 1))
}

/// The length of `text` with every `find` replaced by `with`, counted
/// before building it (Rust's `replace` with an empty `find` inserts
/// `with` around every character).
pub(crate) fn replaced_len(text: &str, find: &str, with: &str) -> usize {
    let matches = if find.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(find).count()
    };
    (text.len() - matches * find.len()).saturating_add(matches.saturating_mul(with.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_budget_refuses_what_does_not_fit_and_then_stays_spent() {
        let mut work = WorkBudget::default();
        assert!(work.take(MAX_WORK));
        assert!(!work.exhausted());
        assert!(!work.take(1));
        work.charge(1);
        assert!(work.exhausted());
        work.charge(usize::MAX);
        assert!(work.exhausted());
        assert!(WorkBudget::reason("the template").contains("256 MiB"));
    }

    #[test]
    fn io_messages_are_short() {
        let err = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(io_message(&err), "no such file or directory");
    }

    fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn json_depth_counts_brackets_outside_strings() {
        assert_eq!(json_too_deep(&nested("[", "1", "]", MAX_NESTING)), None);
        assert_eq!(
            json_too_deep(&nested("[", "1", "]", MAX_NESTING + 1)),
            Some(MAX_NESTING)
        );
        let text = format!("{{\"a\": \"{}\\\"{}\"}}", "[".repeat(500), "{".repeat(500));
        assert_eq!(json_too_deep(&text), None);
        assert_eq!(
            json_too_deep(&nested("{\"a\": ", "1", "}", 100_000)),
            Some(6 * 128)
        );
    }

    #[test]
    fn hcl_depth_counts_brackets_blocks_and_interpolations() {
        let ok = format!("a = {}\n", nested("[", "1", "]", MAX_NESTING));
        assert_eq!(hcl_too_deep(&ok), None);
        let deep = format!("a = {}\n", nested("[", "1", "]", MAX_NESTING + 1));
        assert_eq!(hcl_too_deep(&deep), Some(4 + MAX_NESTING));
        let blocks = format!("{}\n{}", "b {\n".repeat(200), "}\n".repeat(200));
        assert_eq!(hcl_too_deep(&blocks), Some(4 * MAX_NESTING + 2));
        // `"${` opens a string and an interpolation: two levels each.
        let templates = format!("a = {}\n", nested("\"${", "1", "}\"", 65));
        assert!(hcl_too_deep(&templates).is_some());
        let templates = format!("a = {}\n", nested("\"${", "1", "}\"", 60));
        assert_eq!(hcl_too_deep(&templates), None);
        assert!(hcl_too_deep(&format!("a = {}", "(".repeat(100_000))).is_some());
    }

    #[test]
    fn hcl_brackets_in_strings_comments_and_heredocs_do_not_count() {
        let many = "[".repeat(1000);
        let texts = [
            format!("a = \"{many}\"\n"),
            format!("a = \"\\\"{many}\"\n"),
            format!("a = \"$${{{many}\"\n"),
            format!("# {many}\na = 1\n"),
            format!("// {many}\na = 1\n"),
            format!("/* {many}\n{many} */ a = 1\n"),
            format!("a = <<EOF\n{many}\n  EOF\nb = 1\n"),
            format!("a = <<-EOT\r\n  {many}\r\n  EOT\r\nb = [1]\n"),
            format!("a = \"${{\"{many}\"}}\"\n"),
        ];
        for text in &texts {
            assert_eq!(hcl_too_deep(text), None, "{text}");
        }
        // After the heredoc ends, brackets count again.
        let after = format!("a = <<EOF\nx\nEOF\nb = {}\n", "[".repeat(200));
        assert!(hcl_too_deep(&after).is_some());
        // Inside an interpolation in a heredoc they count.
        let inside = format!("a = <<EOF\n${{{}}}\nEOF\n", "[".repeat(200));
        assert!(hcl_too_deep(&inside).is_some());
    }

    #[test]
    fn hcl_scan_survives_anything() {
        for text in [
            "\"", "<<", "<<EOF", "<<EOF\n", "/*", "\"${", "}}}]])", "${", "a = \"%%",
        ] {
            let _ = hcl_too_deep(text);
        }
    }

    #[test]
    fn replaced_lengths_are_counted_before_building() {
        for (text, find, with) in [
            ("abcabc", "b", "xyz"),
            ("abc", "", "--"),
            ("", "", "x"),
            ("aaaa", "aa", ""),
            ("héllo", "l", "ll"),
        ] {
            assert_eq!(
                replaced_len(text, find, with),
                text.replace(find, with).len()
            );
        }
    }
}
