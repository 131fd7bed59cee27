//! A "billion laughs" YAML document is refused quickly, without the memory
//! its expansion would take (10^10 nodes).

use std::time::{Duration, Instant};

use phiguard_parser::{load_sources, Source};

/// The process's peak resident memory in KiB (Linux), `None` elsewhere.
/// This binary holds this one test, so the peak is its own.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn laughs(levels: usize) -> String {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        text.push_str(&format!("  l{i}: &l{i} [{refs}]\n"));
    }
    text.push_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n");
    text
}

#[test]
fn billion_laughs_is_refused_quickly_with_bounded_memory() {
    let text = laughs(10);
    let started = Instant::now();
    let model = load_sources(vec![Source {
        path: "laughs.yaml".into(),
        display_path: "laughs.yaml".into(),
        bytes: text.into_bytes(),
    }]);
    let elapsed = started.elapsed();
    assert_eq!(model.errors.len(), 1, "{:?}", model.errors);
    assert!(
        model.errors[0].message.contains("billion laughs"),
        "{}",
        model.errors[0].message
    );
    assert!(model.resources.is_empty());
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    match peak_rss_kib() {
        Some(kib) => {
            println!("peak memory {} MiB in {elapsed:?}", kib / 1024);
            assert!(kib < 256 * 1024, "peak memory {} MiB", kib / 1024);
        }
        None => println!("peak memory not measured on this platform"),
    }
}
