//! `labpath catalog stats`: the health report of the built-in catalog, as
//! text within 100 columns and as JSON that agrees with it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::labpath;

#[test]
fn the_health_report_reads_in_100_columns_and_agrees_with_its_json() {
    let text = labpath(&["catalog", "stats", "--as-of", "2026-12-02"]);
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let text = String::from_utf8(text.stdout).unwrap();
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(
        long.is_empty(),
        "lines over 100 columns:\n{}",
        long.join("\n")
    );

    let json = labpath(&[
        "catalog",
        "stats",
        "--as-of",
        "2026-12-02",
        "--format",
        "json",
    ]);
    assert!(json.status.success());
    let h: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let never = h["never_eligible"].as_array().unwrap();
    let blocked = h["never_pass"].as_array().unwrap();
    assert!(text.contains(&format!(
        "{} routes in force can never pass; {} credentials can never be eligible",
        blocked.len(),
        never.len()
    )));
    // Each credential that can never be eligible is named, with why.
    for c in never {
        let id = c["credential"].as_str().unwrap();
        assert!(
            text.contains(&format!("({id}): ")),
            "{id} is not in the text"
        );
    }
    assert_eq!(h["as_of"], "2026-12-02");
}

#[test]
fn a_bad_day_is_refused_with_its_flag() {
    let out = labpath(&["catalog", "stats", "--as-of", "2026-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
}
