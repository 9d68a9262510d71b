//! Snapshots of what people and programs see: for each example profile, the
//! human overview of every credential, and the human and JSON detail of the
//! credentials that profile is about. Review a changed snapshot against the
//! sources it cites before accepting it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;

fn run(args: &[&str]) -> String {
    let mut out = Vec::new();
    let mut argv = vec!["labpath"];
    argv.extend_from_slice(args);
    let result = labpath_cli::run(argv, &mut out);
    let mut text = String::from_utf8(out).expect("utf-8 output");
    match result {
        Ok(exit) => text.push_str(&format!("\n[exit {}]\n", exit as i32)),
        Err(e) => text.push_str(&format!("\n[exit {}] {e}\n", e.exit_code())),
    }
    text
}

fn profile(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles")
        .join(name)
        .display()
        .to_string()
}

/// (profile file, as-of day, credentials it is about)
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "ph-medtech-graduate.toml",
        "2026-11-21",
        &["ascpi-mls", "ny-clt-license", "visascreen-mt"],
    ),
    (
        "us-naacls-mls-graduate.toml",
        "2026-11-21",
        &["ascp-mls", "ca-cls-license"],
    ),
    ("mlt-ascp-bachelor.toml", "2026-11-21", &["ascp-mls"]),
    (
        "ca-applicant-missing-physics.toml",
        "2024-06-01",
        &["ca-cls-license"],
    ),
    (
        "ca-applicant-missing-physics.toml",
        "2026-11-21",
        &["ca-cls-license"],
    ),
    (
        "biology-graduate-abroad.toml",
        "2026-11-21",
        &["ascpi-mls", "ascp-mls"],
    ),
    (
        "canadian-mlt-diploma.toml",
        "2026-11-21",
        &["tn-medical-technologist", "ascp-mlt"],
    ),
];

#[test]
fn example_profiles() {
    for (file, day, credentials) in CASES {
        let path = profile(file);
        let stem = file.trim_end_matches(".toml");
        let name = format!("{stem}@{day}");
        insta::assert_snapshot!(
            format!("{name}.overview"),
            run(&["check", &path, "--as-of", day])
        );
        let mut args = vec!["check", path.as_str(), "--as-of", day];
        for c in *credentials {
            args.push("--credential");
            args.push(c);
        }
        insta::assert_snapshot!(format!("{name}.detail"), run(&args));
        args.extend(["--format", "json"]);
        insta::assert_snapshot!(format!("{name}.json"), run(&args));
    }
}

#[test]
fn explain_and_list() {
    insta::assert_snapshot!("explain-ascp-mls", run(&["explain", "ascp-mls"]));
    insta::assert_snapshot!("explain-texas", run(&["explain", "TX"]));
    insta::assert_snapshot!(
        "credentials-state-tx",
        run(&["credentials", "--state", "TX"])
    );
    insta::assert_snapshot!(
        "credentials-state-ny",
        run(&["credentials", "--state", "NY"])
    );
    insta::assert_snapshot!(
        "parse-mls-cm-nys",
        run(&["parse", "MLS (ASCP)CM, NYS licensed"])
    );
    insta::assert_snapshot!("parse-mt-ascp", run(&["parse", "MT(ASCP)"]));
}
