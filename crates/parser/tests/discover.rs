//! Finding files: walking, ignore rules, explicit paths, unreadable input.

mod common;

use common::Scratch;
use phiguard_parser::{load_sources, Source};

fn paths(model: &phiguard_model::Model) -> Vec<&str> {
    model
        .files
        .iter()
        .map(|f| f.display_path.as_str())
        .collect()
}

#[test]
fn walks_terraform_files_and_counts_left_out_folders() {
    let dir = Scratch::new();
    dir.write("main.tf", "")
        .write("vars.tf.json", "{}")
        .write("prod.tfvars", "x = 1")
        .write("README.md", "# hi")
        .write("template.yaml", "Resources: {}")
        .write("modules/s3/main.tf", "")
        .write(".terraform/modules/x/main.tf", "")
        .write("node_modules/pkg/main.tf", "")
        .write("sub/.git/hooks/main.tf", "");
    let model = dir.load(&["."]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    // Dependencies are left out and counted; git's and Terraform's own
    // folders, README.md and the tfvars are nothing to count.
    let skipped: Vec<&str> = model.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(skipped, ["node_modules/"]);
    assert_eq!(
        paths(&model),
        ["main.tf", "modules/s3/main.tf", "vars.tf.json"]
    );
}

#[test]
fn honours_gitignore_in_a_repository() {
    let dir = Scratch::new();
    std::fs::create_dir_all(dir.path(".git")).unwrap();
    dir.write(".gitignore", "generated/\n")
        .write("main.tf", "")
        .write("generated/main.tf", "");
    let model = dir.load(&["."]);
    assert_eq!(paths(&model), ["main.tf"]);
    // Naming an ignored file still lints it.
    let model = dir.load(&["generated/main.tf"]);
    assert_eq!(paths(&model), ["generated/main.tf"]);
}

#[test]
fn explicit_paths() {
    let dir = Scratch::new();
    dir.write("a.tf", "")
        .write("package.json", "{}")
        .write("prod.tfvars", "");
    let model = dir.load(&[
        "a.tf",
        "package.json",
        "prod.tfvars",
        "missing.tf",
        "a.tf",
        ".",
    ]);
    assert_eq!(paths(&model), ["a.tf"], "given twice, loaded once");
    assert_eq!(model.skipped.len(), 1);
    assert_eq!(model.skipped[0].path, "package.json");
    assert_eq!(
        model.skipped[0].reason,
        "not a Terraform file or a CloudFormation template"
    );
    assert_eq!(model.errors.len(), 1);
    assert_eq!(model.errors[0].path, "missing.tf");
    assert_eq!(model.errors[0].message, "no such file or directory");
    assert!(model.errors[0].span.is_none());
}

#[test]
fn absolute_paths_display_relative_to_the_base() {
    let dir = Scratch::new();
    dir.write("infra/s3.tf", "");
    let model = dir.load(&[dir.path("infra").to_str().unwrap()]);
    assert_eq!(paths(&model), ["infra/s3.tf"]);
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_and_others_load() {
    let dir = Scratch::new();
    dir.write(
        "bad.tf",
        b"resource \"a\" \"b\" {}\n# \xff\xfe\n".as_slice(),
    )
    .write("good.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
    let model = dir.load(&["."]);
    assert_eq!(model.errors.len(), 1);
    assert_eq!(model.errors[0].path, "bad.tf");
    assert_eq!(
        model.errors[0].message,
        "the file is not UTF-8 text (invalid byte on line 2)"
    );
    assert_eq!(paths(&model), ["good.tf"]);
    assert_eq!(model.subjects.buckets.len(), 1);
}

#[test]
fn sources_without_a_filesystem() {
    let model = load_sources(vec![
        Source {
            path: "main.tf".into(),
            display_path: "main.tf".into(),
            bytes: b"resource \"aws_s3_bucket\" \"b\" {}\n".to_vec(),
        },
        Source {
            path: "ci.yml".into(),
            display_path: "ci.yml".into(),
            bytes: b"on: push".to_vec(),
        },
    ]);
    assert_eq!(model.subjects.buckets.len(), 1);
    assert_eq!(model.skipped.len(), 1);
}
