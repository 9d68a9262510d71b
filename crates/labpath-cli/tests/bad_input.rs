//! Bad input, through the real binary: each case gets a message naming the
//! file, the line and the field and what was expected, exit code 2, and no
//! panic.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

mod common;

use common::labpath;

use std::path::{Path, PathBuf};
use std::process::Output;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("labpath-bad-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Asserts exit code 2, no panic, and that stderr names each of `needles`.
fn assert_bad_input(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2, stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks `{needle}`:\n{stderr}"
        );
    }
}

fn check(path: &Path) -> Output {
    labpath(&[
        "check",
        path.to_str().expect("utf-8 path"),
        "--as-of",
        "2026-11-21",
    ])
}

const PERSON: &str = "[person]\nname = \"test\"\n";

#[test]
fn malformed_toml_names_file_and_line() {
    let s = Scratch::new("toml");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[education]]\ntitle = \"BS\nlevel = \"bachelor\"\n"),
    );
    assert_bad_input(&check(&p), &["p.toml:5", "string"]);
}

#[test]
fn malformed_json_names_file_and_line() {
    let s = Scratch::new("json");
    let p = s.file(
        "p.json",
        "{\n  \"person\": { \"name\": \"x\" },\n  \"education\": [ { \"title\": \"BS\", }\n]\n}\n",
    );
    assert_bad_input(&check(&p), &["p.json:3"]);
}

#[test]
fn unknown_field_is_named_with_the_expected_ones() {
    let s = Scratch::new("unknown-field");
    let p = s.file("p.toml", &format!("{PERSON}\n[[experience]]\nstart = 2020-01-01\nsetting = \"hospital\"\ncountry = \"US\"\ndisciplnes = [\"chemistry\"]\n"));
    assert_bad_input(
        &check(&p),
        &[
            "p.toml:8",
            "experience[0]",
            "unknown field `disciplnes`",
            "disciplines",
        ],
    );
}

#[test]
fn negative_hours_are_refused() {
    let s = Scratch::new("negative");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[coursework]]\nsubject = \"biology\"\nhours = -4\n"),
    );
    assert_bad_input(
        &check(&p),
        &[
            "p.toml:4",
            "coursework[0]",
            "hours must be zero or more, got `-4`",
        ],
    );
}

#[test]
fn negative_hours_in_json_are_refused() {
    let s = Scratch::new("negative-json");
    let p = s.file("p.json", "{\n \"person\": {\"name\": \"x\"},\n \"coursework\": [\n  {\"subject\": \"biology\", \"hours\": -4}\n ]\n}\n");
    assert_bad_input(
        &check(&p),
        &[
            "p.json:",
            "coursework[0]",
            "field `coursework[0].hours`",
            "hours must be zero or more",
        ],
    );
}

#[test]
fn an_end_date_before_its_start_is_refused() {
    let s = Scratch::new("end-before-start");
    let p = s.file("p.toml", &format!("{PERSON}\n[[experience]]\nstart = 2022-01-01\nend = 2021-06-30\nsetting = \"hospital\"\ncountry = \"US\"\n"));
    assert_bad_input(
        &check(&p),
        &[
            "p.toml:4",
            "experience[0]",
            "ends on 2021-06-30, before it starts on 2022-01-01",
        ],
    );
}

#[test]
fn an_impossible_date_is_refused() {
    let s = Scratch::new("bad-date");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[program]]\nkind = \"naacls_mls\"\ncompleted = \"2023-02-30\"\n"),
    );
    assert_bad_input(
        &check(&p),
        &["p.toml:6", "program[0].completed", "expected YYYY-MM-DD"],
    );
}

#[test]
fn an_unknown_word_lists_the_accepted_ones() {
    let s = Scratch::new("bad-enum");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[coursework]]\nsubject = \"biologie\"\nhours = 3\n"),
    );
    assert_bad_input(
        &check(&p),
        &[
            "p.toml:5",
            "coursework[0]",
            "unknown variant `biologie`",
            "`biology`",
        ],
    );
}

#[test]
fn an_unknown_credential_in_a_profile_gets_a_suggestion() {
    let s = Scratch::new("unknown-credential");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[credential]]\nid = \"ascp-msl\"\n"),
    );
    assert_bad_input(
        &check(&p),
        &[
            "p.toml:5",
            "credential[0].id",
            "unknown credential `ascp-msl`",
            "did you mean `ascp-mls`?",
        ],
    );
}

#[test]
fn an_unknown_credential_flag_gets_a_suggestion() {
    let s = Scratch::new("unknown-flag");
    let p = s.file("p.toml", PERSON);
    let out = labpath(&[
        "check",
        p.to_str().unwrap_or_default(),
        "--credential",
        "ascp-msl",
    ]);
    assert_bad_input(
        &out,
        &[
            "--credential",
            "unknown credential `ascp-msl`",
            "did you mean `ascp-mls`?",
        ],
    );
    assert_bad_input(
        &labpath(&["explain", "ascp-msl"]),
        &["unknown credential `ascp-msl`"],
    );
}

#[test]
fn a_bad_as_of_date_is_refused() {
    let s = Scratch::new("as-of");
    let p = s.file("p.toml", PERSON);
    let out = labpath(&[
        "check",
        p.to_str().unwrap_or_default(),
        "--as-of",
        "21/11/2026",
    ]);
    assert_bad_input(&out, &["--as-of", "`21/11/2026` is not a date"]);
}

#[test]
fn a_missing_profile_file_is_named() {
    assert_bad_input(
        &labpath(&["check", "/nonexistent/profile.toml"]),
        &["/nonexistent/profile.toml", "cannot read: "],
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    assert_bad_input(&labpath(&["check", "--bogus"]), &["--bogus"]);
}

#[test]
fn a_catalog_with_a_dangling_reference_is_refused() {
    let s = Scratch::new("dangling");
    s.file(
        "catalog/one.toml",
        r#"[[source]]
id = "s1"
url = "https://example.org/rules"
title = "rules"
read_on = 2026-11-21

[[body]]
id = "board"
name = "A board"
provenance = { sources = ["s1"], as_of = 2026-11-21, confidence = "official" }

[[credential]]
id = "lic"
name = "A license"
abbreviation = "LIC"
body = "board"
kind = "state_license"
level = "technologist"
summary = "test"
provenance = { sources = ["s1"], as_of = 2026-11-21, confidence = "official" }

[[credential.route]]
id = "route-1"
name = "Route 1"
summary = "needs another credential"
requires = { credential = { any_of = ["lic-2"] } }
provenance = { sources = ["s2"], as_of = 2026-11-21, confidence = "official" }
"#,
    );
    let dir = s.0.join("catalog");
    let out = labpath(&["catalog", "check", dir.to_str().unwrap_or_default()]);
    assert_bad_input(
        &out,
        &[
            "one.toml:26",
            "credential[0].route[0].requires.credential.any_of[0]",
            "unknown credential `lic-2` (did you mean `lic`?)",
            "one.toml:27",
            "unknown source `s2` (did you mean `s1`?)",
        ],
    );
}

#[test]
fn a_catalog_fact_without_provenance_is_refused() {
    let s = Scratch::new("no-provenance");
    s.file(
        "catalog/one.toml",
        "[[source]]\nid = \"s1\"\nurl = \"https://example.org\"\ntitle = \"t\"\nread_on = 2026-11-21\n\n[[body]]\nid = \"board\"\nname = \"A board\"\n",
    );
    let out = labpath(&[
        "catalog",
        "check",
        s.0.join("catalog").to_str().unwrap_or_default(),
    ]);
    assert_bad_input(
        &out,
        &["one.toml:7", "body[0]", "missing field `provenance`"],
    );
}

#[test]
fn an_unknown_goal_gets_did_you_mean() {
    let out = labpath(&[
        "plan",
        "../../examples/profiles/ph-medtech-graduate.toml",
        "--goal",
        "work-mls-nyc",
    ]);
    assert_bad_input(
        &out,
        &[
            "--goal",
            "unknown goal or credential `work-mls-nyc`",
            "did you mean `work-mls-ny`?",
        ],
    );
}

#[test]
fn an_unreachable_goal_names_the_requirement_no_step_can_meet() {
    // A Philippine citizen cannot hold TN status: it needs Canadian or Mexican citizenship.
    let out = labpath(&[
        "plan",
        "../../examples/profiles/ph-medtech-graduate.toml",
        "--goal",
        "tn-medical-technologist",
        "--from",
        "2026-11-21",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no plan reaches"), "{stderr}");
    assert!(
        stderr.contains("citizen of CA or MX: it needs a citizenship you do not have"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_goal_lists_each_blocker_once_under_its_route() {
    // The Californian's degree is outside what VisaScreen reviews: the
    // cap-subject and the cap-exempt H-1B both stop there, and the answer
    // says so once, under VisaScreen, not once per chain of steps.
    let out = labpath(&[
        "plan",
        "../../examples/profiles/ca-applicant-missing-physics.toml",
        "--goal",
        "work-mls-ca-h1b",
        "--from",
        "2026-11-21",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let visascreen: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("a degree is not something a plan of steps can give"))
        .collect();
    assert_eq!(visascreen.len(), 1, "{stderr}");
    assert!(
        visascreen[0].starts_with("  - VisaScreen (MT/CLS) "),
        "{stderr}"
    );
    assert!(
        !stderr.contains(" > "),
        "a chain of steps is shown: {stderr}"
    );
}

#[test]
fn plan_flags_are_checked() {
    let profile = "../../examples/profiles/ph-medtech-graduate.toml";
    assert_bad_input(
        &labpath(&[
            "plan",
            profile,
            "--goal",
            "work-mls-ny",
            "--from",
            "2026-13-01",
        ]),
        &["--from", "not a date"],
    );
    assert_bad_input(
        &labpath(&["plan", profile, "--goal", "work-mls-ny", "--samples", "0"]),
        &["--samples"],
    );
    assert_bad_input(
        &labpath(&[
            "plan",
            profile,
            "--goal",
            "work-mls-ny",
            "--optimize",
            "speed",
        ]),
        &["--optimize", "speed"],
    );
    assert_bad_input(&labpath(&["plan", profile, "--goal", ""]), &["--goal"]);
}

#[test]
fn a_passed_exam_scored_below_its_pass_mark_is_refused() {
    let s = Scratch::new("score-below-pass");
    let p = s.file(
        "p.toml",
        &format!("{PERSON}\n[[exam]]\nexam = \"ascp-mls-exam\"\ndate = 2025-03-01\npassed = true\nscore = 350\n"),
    );
    assert_bad_input(
        &check(&p),
        &[
            "field `exam[0].score`",
            "a score of 350 is below the pass mark of 400 for the ASCP MLS examination",
        ],
    );
    // The same score recorded as not passed is what happened.
    let p = s.file(
        "q.toml",
        &format!("{PERSON}\n[[exam]]\nexam = \"ascp-mls-exam\"\ndate = 2025-03-01\npassed = false\nscore = 350\n"),
    );
    let out = check(&p);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
