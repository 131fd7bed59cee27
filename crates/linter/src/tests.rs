use super::*;

const PUBLIC_BUCKET: &str = r#"resource "aws_s3_bucket" "intake" {
  bucket = "patient-intake-forms"
  acl    = "public-read"
}
"#;

/// A folder that does not exist: every input is handed over in memory.
fn base() -> PathBuf {
    std::env::temp_dir().join("phiguard-linter-tests-no-such-folder")
}

fn settings() -> Settings {
    Settings {
        registry: Registry::builtin().unwrap_or_else(|errors| panic!("{errors:?}")),
        select: vec!["s3-public-acl".into()],
        ignore: Vec::new(),
        severity_overrides: Vec::new(),
        per_path_ignores: PerPathIgnores::default(),
        min_severity: None,
        scope: Scope::All,
        today: "2024-01-01".into(),
        project_root: base(),
    }
}

/// `text` as the file `name`, reported on alone.
fn inputs(name: &str, text: &str) -> Inputs {
    let load = LoadOptions {
        base_dir: base(),
        ..LoadOptions::default()
    };
    Inputs::text(load, Path::new(name), text.as_bytes().to_vec())
}

/// (rule, severity, path) of each finding.
fn findings(report: &Report) -> Vec<(String, Severity, String)> {
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.severity,
                report.path(f.span.file).to_string(),
            )
        })
        .collect()
}

#[test]
fn finds_a_public_acl() {
    let report = lint(&settings(), &inputs("infra/main.tf", PUBLIC_BUCKET));
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "s3-public-acl");
    assert_eq!(found[0].2, "infra/main.tf");
    assert_eq!(report.rules.len(), 1);
    assert_eq!(report.resources, 1);
}

#[test]
fn applies_a_severity_override() {
    let default = findings(&lint(&settings(), &inputs("main.tf", PUBLIC_BUCKET)));
    assert_ne!(default[0].1, Severity::Low);
    let mut lowered = settings();
    lowered.severity_overrides = vec![
        ("s3-public-acl".into(), Severity::Low),
        // The first entry for a rule wins.
        ("s3-public-acl".into(), Severity::High),
    ];
    let found = findings(&lint(&lowered, &inputs("main.tf", PUBLIC_BUCKET)));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, Severity::Low);
}

#[test]
fn applies_a_per_path_ignore_relative_to_its_base() {
    let mut ignoring = settings();
    ignoring.per_path_ignores = PerPathIgnores::new(
        base(),
        &[("legacy/**".into(), vec!["s3-public-acl".into()])],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ignored = lint(&ignoring, &inputs("legacy/main.tf", PUBLIC_BUCKET));
    assert_eq!(findings(&ignored), []);
    let kept = lint(&ignoring, &inputs("infra/main.tf", PUBLIC_BUCKET));
    assert_eq!(findings(&kept).len(), 1);

    // The same glob under another base folder matches nothing here.
    ignoring.per_path_ignores = PerPathIgnores::new(
        base().join("elsewhere"),
        &[("legacy/**".into(), vec!["s3-public-acl".into()])],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let other_base = lint(&ignoring, &inputs("legacy/main.tf", PUBLIC_BUCKET));
    assert_eq!(findings(&other_base).len(), 1);
}

#[test]
fn a_bad_per_path_glob_is_an_error_naming_it() {
    let error = PerPathIgnores::new(base(), &[("a/[".into(), vec!["s3-public-acl".into()])])
        .err()
        .unwrap_or_default();
    assert!(error.contains("bad glob `a/[`"), "{error}");
}

#[test]
fn minimum_severity_and_selection_filter_findings() {
    let mut settings = settings();
    settings.severity_overrides = vec![("s3-public-acl".into(), Severity::Medium)];
    settings.min_severity = Some(Severity::High);
    assert_eq!(
        findings(&lint(&settings, &inputs("main.tf", PUBLIC_BUCKET))),
        []
    );

    let mut ignoring = self::settings();
    ignoring.ignore = vec!["s3-public-acl".into()];
    let report = lint(&ignoring, &inputs("main.tf", PUBLIC_BUCKET));
    assert_eq!(findings(&report), []);
    assert!(report.rules.is_empty());
}

#[test]
fn suppressions_apply_and_invalid_ones_are_reported() {
    let suppressed =
        format!("# phiguard:ignore s3-public-acl -- a public website\n{PUBLIC_BUCKET}");
    let mut settings = settings();
    settings.select.push(INVALID_SUPPRESSION.into());
    let report = lint(&settings, &inputs("main.tf", &suppressed));
    assert_eq!(report.findings.len(), 1);
    assert!(report.findings[0].suppressed.is_some());

    // No reason: the suppression is invalid and suppresses nothing.
    let bare = format!("# phiguard:ignore s3-public-acl\n{PUBLIC_BUCKET}");
    let report = lint(&settings, &inputs("main.tf", &bare));
    let mut rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    rules.sort();
    assert_eq!(rules, ["invalid-suppression", "s3-public-acl"]);
}

#[test]
fn only_the_named_file_is_reported() {
    let load = LoadOptions {
        base_dir: base(),
        overrides: vec![(PathBuf::from("infra/other.tf"), PUBLIC_BUCKET.into())],
        ..LoadOptions::default()
    };
    let inputs = Inputs {
        load: LoadOptions {
            paths: vec![PathBuf::from("infra/other.tf")],
            ..load
        },
        only: Some(HashSet::from(["infra/main.tf".to_string()])),
    };
    let report = lint(&settings(), &inputs);
    assert_eq!(findings(&report), []);
}

#[test]
fn fingerprints_are_relative_to_the_project_root() {
    let mut settings = settings();
    let at_base = lint(&settings, &inputs("infra/main.tf", PUBLIC_BUCKET));
    settings.project_root = base().join("infra");
    let at_infra = lint(&settings, &inputs("infra/main.tf", PUBLIC_BUCKET));
    assert_eq!(at_base.files[0].project_path, "infra/main.tf");
    assert_eq!(at_infra.files[0].project_path, "main.tf");
}

#[test]
fn named_files_are_reported_alone_with_their_folders_for_context() {
    let dir = std::env::temp_dir().join(format!("phiguard-linter-named-{}", std::process::id()));
    let module = dir.join("infra");
    std::fs::create_dir_all(&module).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(module.join("main.tf"), PUBLIC_BUCKET).unwrap_or_else(|e| panic!("{e}"));
    let load = |paths: &[&str]| LoadOptions {
        base_dir: dir.clone(),
        paths: paths.iter().map(PathBuf::from).collect(),
        ..LoadOptions::default()
    };

    let named = Inputs::paths(load(&["infra/main.tf"]), Path::new("."));
    assert_eq!(
        named.only,
        Some(HashSet::from(["infra/main.tf".to_string()]))
    );
    assert_eq!(named.load.context_dirs, [dir.join("infra")]);
    // A directory among the paths: everything is reported on.
    let mixed = Inputs::paths(load(&["infra/main.tf", "infra"]), Path::new("."));
    assert_eq!(mixed.only, None);
    assert!(mixed.load.context_dirs.is_empty());

    let report = lint(&settings(), &named);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(findings(&report).len(), 1);
}

/// What a report says, with paths in place of file ids: two runs that
/// number files differently compare equal when they report the same.
fn said(report: &Report) -> Vec<String> {
    let at = |span: Span| format!("{}:{}-{}", report.path(span.file), span.start, span.end);
    let mut said: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let origins: Vec<String> = f.origins.iter().filter_map(|o| o.span).map(at).collect();
            let edits: Vec<String> = (f.fix.iter().flat_map(|fix| &fix.edits))
                .map(|e| format!("{} {:?}", at(e.span), e.replacement))
                .collect();
            format!(
                "{} {} {} {} {} {origins:?} {edits:?} {:?}",
                at(f.span),
                f.rule,
                f.resource.address,
                f.fingerprint.as_str(),
                f.message,
                f.notes
            )
        })
        .collect();
    said.extend(
        report
            .undecided
            .iter()
            .map(|u| format!("undecided {} {} {}", at(u.span), u.rule, u.reason)),
    );
    said.extend(
        report
            .errors
            .iter()
            .map(|e| format!("error {} {}", e.path, e.message)),
    );
    said.extend(
        report
            .skipped
            .iter()
            .map(|s| format!("skipped {} {}", s.path, s.reason)),
    );
    let mut read: Vec<String> = report
        .read_files()
        .map(|f| {
            format!(
                "read {} {:?} {}",
                f.display_path(),
                f.role(),
                f.project_path()
            )
        })
        .collect();
    // A file two parts read (by `file()`) is read by each; every output
    // names read files by path.
    read.sort();
    read.dedup();
    said.extend(read);
    said.push(format!("resources {}", report.resources));
    said
}

/// Writes `text` to `path` under `dir`, making its folders.
fn write_file(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap_or(dir)).ok();
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

/// `paths` under `base` linted with every rule, its parts `part_files`
/// files each.
fn lint_in_parts(base: &Path, paths: &[&str], part_files: usize) -> Report {
    let settings = Settings {
        select: Vec::new(),
        project_root: base.to_path_buf(),
        ..settings()
    };
    let load = LoadOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        base_dir: base.to_path_buf(),
        part_files: Some(part_files),
        ..LoadOptions::default()
    };
    lint(&settings, &Inputs { load, only: None })
}

#[test]
fn a_run_in_parts_reports_what_a_whole_run_does_on_the_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let fixtures = normalize(&fixtures);
    let whole = lint_in_parts(&fixtures, &["."], usize::MAX);
    let parts = lint_in_parts(&fixtures, &["."], 1);
    // The run was split.
    let load = LoadOptions {
        paths: vec![PathBuf::from(".")],
        base_dir: fixtures.clone(),
        part_files: Some(1),
        ..LoadOptions::default()
    };
    let mut count = 0;
    phiguard_parser::load_each(&load, &|_| (), &mut |()| count += 1);
    assert!(count > 20, "{count} parts");
    assert!(whole.findings.len() > 100, "{}", whole.findings.len());
    assert_eq!(said(&whole), said(&parts));
    // Only the files something points into keep their text.
    assert!(parts.files.len() < parts.read_files().count());
}

#[test]
fn a_module_called_from_another_part_of_the_tree_is_not_linted_as_a_root() {
    let dir = std::env::temp_dir().join(format!("phiguard-linter-parts-{}", std::process::id()));
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    write("a/main.tf", "module \"y\" { source = \"../shared/y\" }\n");
    write("b/main.tf", PUBLIC_BUCKET);
    write(
        "c/main.tf",
        "module \"x\" {\n  source = \"../shared/x\"\n}\n",
    );
    write(
        "shared/y/main.tf",
        "module \"x\" {\n  source = \"../x\"\n}\n",
    );
    write("shared/x/main.tf", PUBLIC_BUCKET);
    let whole = lint_in_parts(&dir, &["a", "b", "c", "shared"], usize::MAX);
    let parts = lint_in_parts(&dir, &["a", "b", "c", "shared"], 1);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(said(&whole), said(&parts));
    let public: Vec<&str> = parts
        .findings
        .iter()
        .filter(|f| f.rule.as_str() == "s3-public-acl")
        .map(|f| f.resource.address.as_str())
        .collect();
    assert_eq!(
        public,
        [
            "aws_s3_bucket.intake",
            "module.x.aws_s3_bucket.intake",
            "module.y.module.x.aws_s3_bucket.intake"
        ]
    );
}

#[test]
fn a_file_two_parts_read_with_file_locates_one_finding() {
    let dir = std::env::temp_dir().join(format!("phiguard-linter-file-{}", std::process::id()));
    let write = |path: &str, text: &str| write_file(&dir, path, text);
    let root = r#"resource "aws_s3_bucket" "b" {
  bucket = "records"
}

resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = file("${path.module}/../shared/policy.json")
}
"#;
    write("a/main.tf", root);
    write("c/main.tf", root);
    write(
        "shared/policy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::records/*"}]}"#,
    );
    let whole = lint_in_parts(&dir, &["a", "c"], usize::MAX);
    let parts = lint_in_parts(&dir, &["a", "c"], 1);
    // a and c are parts of their own.
    let load = LoadOptions {
        paths: vec![PathBuf::from("a"), PathBuf::from("c")],
        base_dir: dir.clone(),
        part_files: Some(1),
        ..LoadOptions::default()
    };
    let mut count = 0;
    phiguard_parser::load_each(&load, &|_| (), &mut |()| count += 1);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(count, 2);
    let in_policy = |report: &Report| {
        (report.findings.iter())
            .filter(|f| report.path(f.span.file).ends_with("policy.json"))
            .count()
    };
    assert_eq!(in_policy(&whole), 1, "{:#?}", said(&whole));
    assert_eq!(in_policy(&parts), 1, "{:#?}", said(&parts));
    assert_eq!(said(&whole), said(&parts));
}
