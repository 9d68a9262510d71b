//! `labpath person import FILE.csv` on a local data directory: the example
//! of 50 candidates with three bad lines is refused whole, each problem on
//! its own line as `FILE:LINE: field ...`, and adds no one; the good file
//! adds the 50 with their profiles.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::process::{Command, Output, Stdio};

fn labpath(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labpath"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("labpath runs")
}

fn people(data: &std::path::Path) -> Vec<serde_json::Value> {
    let out = labpath(data, &["person", "list", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_csv_with_three_bad_lines_adds_no_one_and_the_good_one_adds_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = "../../examples/people/candidates-3-bad.csv";
    let out = labpath(&data, &["person", "import", bad]);
    assert_eq!(out.status.code(), Some(2), "bad input");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("error: {bad}:8: field `email`: `paolo.bautista@`")),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "error: {bad}:24: field `credentials`: `MLS(ASPC)`"
        )),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with(&format!("error: {bad}:42: field `work_state`: `NYC`")),
        "{stderr}"
    );
    assert_eq!(lines[3], "no one was added");
    assert!(out.stdout.is_empty());
    assert!(people(&data).is_empty(), "no one was added");

    let good = "../../examples/people/candidates.csv";
    let out = labpath(&data, &["person", "import", good]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "added 50 people from {good}, each with a profile:\nID"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("41  Omar Haddad\n"), "{stdout}");
    let listed = people(&data);
    assert_eq!(listed.len(), 50);
    assert!(
        listed.iter().all(|p| p["profile_version"] == 1),
        "{listed:?}"
    );
    let out = labpath(&data, &["person", "show", "2", "--format", "json"]);
    let jun: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        jun["profile"]["profile"]["credential"],
        serde_json::json!([{ "id": "ascp-mls" }, { "id": "ny-clt-license" }]),
        "`MLS(ASCP)CM, NYS licensed`, as `labpath parse` reads it"
    );

    // The same file again: everyone is in the list already.
    let out = labpath(&data, &["person", "import", good]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "error: {good}:2: field `name`: `Maria Santos` is already in the list (person 1)"
        )),
        "{stderr}"
    );
    assert_eq!(people(&data).len(), 50);
}

#[test]
fn a_file_that_cannot_be_read_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let missing = dir.path().join("nowhere.csv");
    let out = labpath(&data, &["person", "import", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("nowhere.csv: cannot read"), "{stderr}");
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"name\nJos\xe9 Rizal\n").unwrap();
    let out = labpath(&data, &["person", "import", latin1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("latin1.csv:2: the file is not UTF-8 text from this line on"),
        "{stderr}"
    );
}
