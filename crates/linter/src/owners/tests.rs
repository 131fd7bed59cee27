use std::path::{Path, PathBuf};

use phiguard_parser::LoadOptions;

use crate::Inputs;

/// A scratch repository with `files` (path, text), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("phiguard-owners-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        }
        Scratch(dir)
    }

    fn inputs(&self, given: &[&str]) -> Inputs {
        let load = LoadOptions {
            base_dir: self.0.clone(),
            ..LoadOptions::default()
        };
        let given: Vec<PathBuf> = given.iter().map(PathBuf::from).collect();
        Inputs::files(load, &given, Path::new("."))
    }

    fn relative(&self, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                p.strip_prefix(&self.0)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CALL_BUCKET: &str = "module \"b\" {\n  source = \"../modules/bucket\"\n}\n";

#[test]
fn a_module_file_loads_every_root_that_calls_its_folder() {
    let repo = Scratch::new(
        "module",
        &[
            ("prod/main.tf", CALL_BUCKET),
            ("staging/main.tf", CALL_BUCKET),
            ("other/main.tf", "module \"x\" {\n  source = \"./x\"\n}\n"),
            (
                "wrapper/main.tf",
                "module \"w\" {\n  source = \"../prod\"\n}\n",
            ),
            (
                "modules/bucket/main.tf",
                "resource \"aws_s3_bucket\" \"b\" {}\n",
            ),
        ],
    );
    let inputs = repo.inputs(&["modules/bucket/main.tf"]);
    assert_eq!(
        repo.relative(&inputs.load.context_dirs),
        ["modules/bucket", "prod", "staging", "wrapper"]
    );
    assert_eq!(
        repo.relative(&inputs.load.paths),
        ["modules/bucket/main.tf"]
    );
    assert_eq!(
        inputs.only,
        Some(["modules/bucket/main.tf".to_string()].into())
    );
}

#[test]
fn var_files_belong_to_the_root_in_their_folder() {
    let repo = Scratch::new(
        "tfvars",
        &[
            ("live/main.tf", "variable \"acl\" {}\n"),
            ("live/terraform.tfvars", "acl = \"private\"\n"),
            ("live/prod.tfvars", "acl = \"public-read\"\n"),
        ],
    );
    let auto = repo.inputs(&["live/terraform.tfvars"]);
    assert_eq!(repo.relative(&auto.load.context_dirs), ["live"]);
    assert!(auto.load.paths.is_empty());
    assert!(auto.load.root_var_files.is_empty());

    let other = repo.inputs(&["live/prod.tfvars"]);
    assert_eq!(repo.relative(&other.load.context_dirs), ["live"]);
    let applied: Vec<(String, String)> = other
        .load
        .root_var_files
        .iter()
        .map(|(root, file)| {
            let both = repo.relative(&[root.clone(), file.clone()]);
            (both[0].clone(), both[1].clone())
        })
        .collect();
    assert_eq!(
        applied,
        [("live".to_string(), "live/prod.tfvars".to_string())]
    );
}

#[test]
fn a_parameters_file_belongs_to_the_template_with_its_base_name() {
    let repo = Scratch::new(
        "params",
        &[
            ("stacks/app.yaml", "Resources: {}\n"),
            ("stacks/app.params.json", "{}\n"),
            ("stacks/db-parameters.json", "{}\n"),
            ("stacks/db.template", "Resources: {}\n"),
            ("stacks/lonely.params.json", "{}\n"),
        ],
    );
    let inputs = repo.inputs(&[
        "stacks/app.params.json",
        "stacks/db-parameters.json",
        "stacks/lonely.params.json",
    ]);
    assert_eq!(
        repo.relative(&inputs.load.paths),
        [
            "stacks/app.yaml",
            "stacks/db.template",
            "stacks/lonely.params.json"
        ]
    );
    let applied: Vec<Vec<String>> = inputs
        .load
        .cfn_parameter_files
        .iter()
        .map(|(template, file)| {
            repo.relative(&[template.clone().unwrap_or_default(), file.clone()])
        })
        .collect();
    assert_eq!(
        applied,
        [
            ["stacks/app.yaml", "stacks/app.params.json"],
            ["stacks/db.template", "stacks/db-parameters.json"]
        ]
    );
}

#[test]
fn a_deleted_file_still_loads_its_folder() {
    let repo = Scratch::new(
        "deleted",
        &[("infra/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n")],
    );
    let inputs = repo.inputs(&["infra/tls.tf"]);
    assert_eq!(repo.relative(&inputs.load.context_dirs), ["infra"]);
    assert!(inputs.load.paths.is_empty());
}
