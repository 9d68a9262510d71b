//! Snapshots of what people and programs see, one case per file under
//! `tests/cases/`: for each example profile, the human overview of every
//! credential and the human and JSON detail of the credentials the case is
//! about (`check/`), plans told and in JSON (`plan/`), and any other
//! command line (`run/`). A new file is a new case. Review a changed
//! snapshot against the sources it cites before accepting it.

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

/// `check` for each case in `tests/cases/check/`, a profile at an as-of
/// day: the human overview of every credential, then the human and JSON
/// detail of the credentials the case is about. The snapshots are named
/// after the file (`ph-medtech-graduate@2026-11-21.overview`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckCase {
    profile: String,
    as_of: toml::value::Datetime,
    credentials: Vec<String>,
}

/// A plan for each case in `tests/cases/plan/`, told and in JSON, named
/// `plan-{file}` and `plan-{file}.json`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanCase {
    profile: String,
    goal: String,
    from: toml::value::Datetime,
    seed: u64,
    samples: u32,
}

/// Any command line, for each case in `tests/cases/run/`, named after the
/// file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunCase {
    args: Vec<String>,
}

/// Reads a case file; its stem names the snapshots.
fn case<T: serde::de::DeserializeOwned>(file: &Path) -> (String, T) {
    let text = std::fs::read_to_string(file).unwrap();
    let case = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let stem = file.file_stem().unwrap().to_str().unwrap().to_owned();
    (stem, case)
}

/// Runs `assert` under `glob!`'s settings without its per-file suffix: a
/// case names its snapshots itself, so adding a file adds snapshots named
/// after it.
fn named_by_case(assert: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.remove_snapshot_suffix();
    settings.bind(assert);
}

#[test]
fn example_profiles() {
    insta::glob!("cases/check/*.toml", |file| {
        let (name, c): (_, CheckCase) = case(file);
        let path = profile(&c.profile);
        let day = c.as_of.to_string();
        named_by_case(|| {
            insta::assert_snapshot!(
                format!("{name}.overview"),
                run(&["check", &path, "--as-of", &day])
            );
            let mut args = vec!["check", path.as_str(), "--as-of", &day];
            for credential in &c.credentials {
                args.extend(["--credential", credential]);
            }
            insta::assert_snapshot!(format!("{name}.detail"), run(&args));
            args.extend(["--format", "json"]);
            insta::assert_snapshot!(format!("{name}.json"), run(&args));
        });
    });
}

/// Explanations, lists and parsed credential strings
/// (`tests/cases/run/`).
#[test]
fn explain_and_list() {
    insta::glob!("cases/run/*.toml", |file| {
        let (name, c): (_, RunCase) = case(file);
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        named_by_case(|| insta::assert_snapshot!(name, run(&args)));
    });
}

/// Plans a reader can check against the sources (`tests/cases/plan/`): the
/// Philippine graduate to "work as MLS in New York" (with no offer yet,
/// with a cap-subject employer's offer: the March registration, its draw
/// and an October 1 start; with a cap-exempt employer's: none of that) and
/// to a green card in a state without licensure (the Philippine
/// priority-date wait), the Nigerian graduate to the same green card (the
/// 2026 immigrant-visa restrictions first), the California applicant
/// missing physics to the California CLS license, the MLT(ASCP) holder to
/// MLS(ASCP), the Canadian diploma holder to TN.
#[test]
fn example_plans() {
    insta::glob!("cases/plan/*.toml", |file| {
        let (name, c): (_, PlanCase) = case(file);
        let path = profile(&c.profile);
        let from = c.from.to_string();
        let (seed, samples) = (c.seed.to_string(), c.samples.to_string());
        let args = [
            "plan",
            &path,
            "--goal",
            &c.goal,
            "--from",
            &from,
            "--seed",
            &seed,
            "--samples",
            &samples,
        ];
        named_by_case(|| {
            insta::assert_snapshot!(format!("plan-{name}"), run(&args));
            let mut json = args.to_vec();
            json.extend(["--format", "json"]);
            insta::assert_snapshot!(format!("plan-{name}.json"), run(&json));
        });
    });
}

/// The value of the first `name="..."` in `tag`.
fn attribute<'t>(tag: &'t str, name: &str) -> &'t str {
    let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

#[test]
fn the_svg_chart_is_well_formed() {
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
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `labpath explain` of everything the catalog describes (each credential,
/// step, state and country) fits a 100-column terminal: no line is wider,
/// except a source's address that cannot be cut, alone on its line.
#[test]
fn every_explanation_fits_a_100_column_terminal() {
    let catalog = labpath_shipped::catalog().expect("the built-in catalog");
    let mut ids: Vec<String> = Vec::new();
    ids.extend(catalog.credentials().iter().map(|c| c.id.to_string()));
    ids.extend(catalog.steps().iter().map(|s| s.id.to_string()));
    ids.extend(catalog.jurisdictions().iter().map(|j| j.code.to_string()));
    ids.extend(
        catalog
            .countries()
            .iter()
            .map(|c| format!("country:{}", c.code)),
    );
    let mut wide = Vec::new();
    for id in &ids {
        let text = run(&["explain", id]);
        assert!(text.contains("[exit 0]"), "explain {id}: {text}");
        for line in text.lines() {
            let lone_address = line.trim().starts_with('<') && !line.trim().contains(' ');
            if line.chars().count() > 100 && !lone_address {
                wide.push(format!("explain {id}: {line}"));
            }
        }
    }
    assert!(ids.len() > 200, "{} ids explained", ids.len());
    assert!(
        wide.is_empty(),
        "{} lines wider than 100 columns:\n{}",
        wide.len(),
        wide.join("\n")
    );
}
