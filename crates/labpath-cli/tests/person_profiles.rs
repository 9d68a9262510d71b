//! `check` and `plan` read a profile from a file or from a person in the
//! tracker (`--person`), with the same answer; and `check`'s overview fits a
//! 100-column terminal for every example profile.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct World(PathBuf);

impl World {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("labpath-person-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        World(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_labpath"))
            .arg("--data-dir")
            .arg(self.0.join("data"))
            .args(args)
            .stdin(Stdio::null())
            .env("RUST_BACKTRACE", "0")
            .output()
            .expect("labpath runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An example profile as a user in this crate's folder would type it.
fn example(name: &str) -> String {
    let path = format!("../../examples/profiles/{name}");
    assert!(std::path::Path::new(&path).exists(), "missing {path}");
    path
}

#[test]
fn check_and_plan_of_a_stored_person_answer_as_the_file_does() {
    let w = World::new("same");
    let file = example("ph-medtech-graduate.toml");
    // Another person first, so that person 2 is not the only one there is.
    w.ok(&[
        "person",
        "add",
        "Someone else",
        "--profile",
        &example("mlt-ascp-bachelor.toml"),
    ]);
    w.ok(&["person", "add", "Maria", "--profile", &file]);
    let day = ["--as-of", "2026-11-21"];
    for extra in [
        &["--format", "json"][..],
        &["--credential", "ny-clt-license"][..],
    ] {
        let by_file = w.run(&[&["check", file.as_str()][..], &day, extra].concat());
        let by_person = w.run(&[&["check", "--person", "2"][..], &day, extra].concat());
        assert_eq!(by_file.status.code(), by_person.status.code(), "{extra:?}");
        assert!(!by_file.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&by_file.stdout),
            String::from_utf8_lossy(&by_person.stdout),
            "check {extra:?}"
        );
    }
    let plan = [
        "--goal",
        "work-mls-ny",
        "--from",
        "2026-11-21",
        "--seed",
        "7",
        "--samples",
        "500",
        "--format",
        "json",
    ];
    let by_file = w.ok(&[&["plan", file.as_str()][..], &plan].concat());
    let by_person = w.ok(&[&["plan", "--person", "2"][..], &plan].concat());
    assert!(by_file.contains("\"steps\""), "{by_file}");
    assert_eq!(by_file, by_person, "plan");
}

#[test]
fn check_takes_exactly_one_of_a_file_and_a_person() {
    let w = World::new("one-of");
    let file = example("ph-medtech-graduate.toml");
    for args in [
        vec!["check"],
        vec!["check", file.as_str(), "--person", "1"],
        vec!["plan", "--goal", "ascp-mls"],
        vec!["plan", file.as_str(), "--person", "1", "--goal", "ascp-mls"],
    ] {
        let out = w.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // A person without a profile is told how to record one.
    w.ok(&["person", "add", "Nobody yet"]);
    let out = w.run(&["check", "--person", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no profile yet"), "{stderr}");
}

#[test]
fn the_check_overview_fits_100_columns_for_every_example_profile() {
    let w = World::new("width");
    let mut seen = 0;
    for entry in std::fs::read_dir("../../examples/profiles").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let path = path.to_str().unwrap().to_owned();
        let text = w.ok(&["check", &path, "--as-of", "2026-11-21"]);
        // The overview is there: the summary, then a line per credential.
        assert!(text.contains(" eligible, "), "{path}:\n{text}");
        assert!(text.contains("\nSTATUS "), "{path}:\n{text}");
        assert!(text.contains("ascp-mls "), "{path}:\n{text}");
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{path}: a line of {} columns:\n{line}",
                line.chars().count()
            );
        }
        seen += 1;
    }
    assert!(seen >= 6, "only {seen} example profiles");
}
