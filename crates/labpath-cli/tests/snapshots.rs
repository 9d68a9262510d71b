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
    // No data directory: a plan would take durations from the applications
    // recorded in one, and these outputs must not depend on the machine.
    let none = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("snapshots-no-data-dir");
    let mut argv = vec!["labpath", "--data-dir", none.to_str().expect("utf-8 path")];
    argv.extend_from_slice(args);
    let result = labpath_cli::run(argv, &mut out);
    let mut text = String::from_utf8(out).expect("utf-8 output");
    match result {
        Ok(exit) => text.push_str(&format!("\n[exit {}]\n", exit as i32)),
        Err(e) => text.push_str(&format!("\n[exit {}] {e}\n", e.exit_code())),
    }
    text
}

/// The path as a user in this crate's folder would type it (cargo runs
/// tests there), so no snapshot depends on where the checkout lives.
fn profile(name: &str) -> String {
    let relative = format!("../../examples/profiles/{name}");
    assert!(Path::new(&relative).exists(), "missing example {relative}");
    relative
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

/// Plans a reader can check against the sources: the Philippine graduate to
/// "work as MLS in New York" (with no offer yet, with a cap-subject
/// employer's offer: the March registration, its draw and an October 1
/// start; with a cap-exempt employer's: none of that) and to a green card
/// in a state without licensure (the Philippine priority-date wait), the
/// Nigerian graduate to the same green card (the 2026 immigrant-visa
/// restrictions first), the California applicant missing physics to the
/// California CLS license, the MLT(ASCP) holder to MLS(ASCP), the Canadian
/// diploma holder to TN.
#[test]
fn example_plans() {
    let cases = [
        ("ph-medtech-graduate.toml", "work-mls-ny"),
        ("ph-mls-cap-subject-offer.toml", "work-mls-ny"),
        ("ph-mls-cap-exempt-offer.toml", "work-mls-ny"),
        (
            "ph-medtech-graduate.toml",
            "green-card-mls-no-license-state",
        ),
        ("ng-bmls-graduate.toml", "green-card-mls-no-license-state"),
        ("ca-applicant-missing-physics.toml", "ca-cls-license"),
        ("mlt-ascp-bachelor.toml", "ascp-mls"),
        ("canadian-mlt-diploma.toml", "tn-medical-technologist"),
    ];
    for (file, goal) in cases {
        let path = profile(file);
        let stem = file.trim_end_matches(".toml");
        let args = [
            "plan",
            path.as_str(),
            "--goal",
            goal,
            "--from",
            "2026-11-21",
            "--seed",
            "7",
            "--samples",
            "2000",
        ];
        insta::assert_snapshot!(format!("plan-{stem}-{goal}"), run(&args));
        let mut json = args.to_vec();
        json.extend(["--format", "json"]);
        insta::assert_snapshot!(format!("plan-{stem}-{goal}.json"), run(&json));
    }
}

/// The value of the first `name="..."` in `tag`.
fn attribute<'t>(tag: &'t str, name: &str) -> &'t str {
    let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

#[test]
fn the_svg_chart_is_well_formed_and_escaped() {
    let dir = std::env::temp_dir().join(format!("labpath-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg_path = dir.join("plan.svg");
    let path = profile("ca-applicant-missing-physics.toml");
    let out = run(&[
        "plan",
        &path,
        "--goal",
        "ca-cls-license",
        "--from",
        "2026-11-21",
        "--svg",
        svg_path.to_str().unwrap(),
    ]);
    assert!(out.contains("[exit 0]"), "{out}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    // Every bar is a step of the plan, and the percentile lines are drawn.
    assert_eq!(
        svg.matches("<rect x=").count(),
        svg.matches(". ")
            .count()
            .min(svg.matches("<rect x=").count())
    );
    // The percentile labels each have a line of their own (the dates are
    // often weeks apart, too close to share one), inside the picture.
    let width: f64 = attribute(&svg, "width").parse().unwrap();
    let mut lines = Vec::new();
    for label in ["50% ", "80% ", "90% "] {
        let at = svg
            .find(&format!(">{label}"))
            .unwrap_or_else(|| panic!("missing {label}"));
        let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
        lines.push(attribute(tag, "y").to_owned());
        let x: f64 = attribute(tag, "x").parse().unwrap();
        assert!(x > 0.0 && x <= width, "{label} at x = {x}: {tag}");
    }
    lines.dedup();
    assert_eq!(lines.len(), 3, "labels share a line: {lines:?}");
    assert!(!svg.contains("& "), "unescaped ampersand");
    std::fs::remove_dir_all(&dir).unwrap();
}
