mod common;

use phiguard_reporter::{render, Format};

fn github(report: &phiguard_model::Report) -> String {
    render(report, Format::Github, &common::options(true))
}

#[test]
fn full_report() {
    insta::assert_snapshot!(github(&common::report()));
}

#[test]
fn empty_report() {
    assert_eq!(github(&common::empty_report()), "");
}

#[test]
fn escaping() {
    insta::assert_snapshot!(github(&common::tricky_report()));
}

#[test]
fn severities_map_to_annotation_levels() {
    let out = github(&common::report());
    let commands: Vec<&str> = out
        .lines()
        .map(|l| l.split(' ').next().unwrap_or_default())
        .collect();
    // high, critical, medium (the low one is suppressed), the undecided
    // check as a notice, then two errors.
    assert_eq!(
        commands,
        [
            "::error",
            "::error",
            "::warning",
            "::notice",
            "::error",
            "::error"
        ],
        "{out}"
    );
    let hidden = render(&common::report(), Format::Github, &common::options(false));
    assert!(!hidden.contains("::notice"), "{hidden}");
    let low = common::tricky_report();
    assert!(github(&low).contains("::notice file="));
}

/// Properties cannot hold a raw `:` or `,`, and no command spans two lines.
#[test]
fn properties_and_messages_are_escaped() {
    let out = github(&common::tricky_report());
    assert_eq!(out.lines().count(), 3, "{out}");
    for line in out.lines() {
        let rest = line.strip_prefix("::").expect("a workflow command");
        let (properties, message) = rest.split_once("::").expect("`::` before the message");
        let (_, properties) = properties.split_once(' ').expect("a command name");
        for property in properties.split(',') {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "{line}"
            );
            assert!(!value.contains(':'), "{line}");
        }
        assert!(!message.contains('\r'), "{line}");
    }
    assert!(out.contains("file=infra/odd%2C name%25.tf,"), "{out}");
    assert!(
        out.contains("::100%25 public: a, b & <c>%0Asecond line"),
        "{out}"
    );
}

#[test]
fn origins() {
    insta::assert_snapshot!(github(&common::origins_report()));
}

/// The annotation stays on the use; the message names where the value was
/// set, before the fix.
#[test]
fn the_first_origin_follows_the_message() {
    let out = github(&common::origins_report());
    assert!(
        out.contains("::bucket ACL \"public-read\" lets anyone on the internet list and read every object (set by --var bucket_acl)%0A%0AFix:%0Aacl = \"private\"%0A%0AHIPAA: "),
        "{out}"
    );
    assert!(
        out.contains("file=infra/modules/bucket/main.tf,line=12,col=14,"),
        "{out}"
    );
    assert!(
        out.contains("cannot be recovered (set in infra/terraform.tfvars:1:21)%0A%0AHIPAA: "),
        "{out}"
    );
    assert!(
        out.contains(
            "::bucket has no default encryption configuration%0A%0AHIPAA: 164.312(a)(2)(iv)\n"
        ),
        "{out}"
    );
}
