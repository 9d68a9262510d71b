//! `labpath plan` reads what the person already did: a passed exam is not
//! sat again, and failed attempts count against the retake rule.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::labpath;

/// The Philippine example with `exams` (TOML tables) added.
fn profile_with(dir: &tempfile::TempDir, exams: &str) -> String {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/ph-medtech-graduate.toml"
    ))
    .unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, format!("{example}\n{exams}")).unwrap();
    path.to_str().unwrap().to_owned()
}

fn attempt(date: &str, passed: bool) -> String {
    format!("[[exam]]\nexam = \"ascp-mls-exam\"\ndate = {date}\npassed = {passed}\n")
}

#[test]
fn failed_attempts_count_against_the_retake_rule() {
    let dir = tempfile::tempdir().unwrap();
    let exams = attempt("2025-03-01", false) + &attempt("2025-07-01", false);
    let path = profile_with(&dir, &exams);
    let args = [
        "plan",
        path.as_str(),
        "--goal",
        "ascp-mls",
        "--from",
        "2026-12-02",
    ];
    let out = labpath(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("attempts: 2 not passed on record; 3 of 5 left"),
        "{text}"
    );
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&labpath(&json_args).stdout).unwrap();
    let chosen = &json["plans"][json["chosen"].as_u64().unwrap() as usize];
    let sit = chosen["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ascp-mls-sit")
        .expect("the plan sits the MLS exam");
    assert_eq!(sit["attempts"]["failed"], 2);
    assert_eq!(sit["attempts"]["left"], 3);
    assert_eq!(sit["attempts"]["allowed"], 5);
}

#[test]
fn a_passed_exam_is_said_and_not_sat_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = profile_with(&dir, &attempt("2025-03-01", true));
    let out = labpath(&[
        "plan",
        path.as_str(),
        "--goal",
        "ascp-mls",
        "--from",
        "2026-12-02",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("ASCP MLS examination passed on 2025-03-01: counted as holding MLS(ASCP)"),
        "{text}"
    );
    assert!(text.contains("The goal already holds"), "{text}");
}

/// A route that closes before the plan is likely done opens the plan as a
/// warning with the last day to start; one that closes after it does not.
#[test]
fn a_route_closing_inside_the_plan_is_a_warning_with_its_last_day() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/us-naacls-mls-graduate.toml"
    );
    // Her NAACLS program ended on 2025-05-15: Route 1 takes it for 5 years.
    let late = labpath(&[
        "plan",
        example,
        "--goal",
        "ascp-mls",
        "--from",
        "2030-03-01",
    ]);
    let text = String::from_utf8(late.stdout).unwrap();
    assert!(
        text.contains(
            "warning: start step 1 (Apply to the ASCP BOC and sit the MLS(ASCP) exam) by 2030-05-15"
        ),
        "{text}"
    );
    let json = labpath(&[
        "plan",
        example,
        "--goal",
        "ascp-mls",
        "--from",
        "2030-03-01",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let chosen = &json["plans"][json["chosen"].as_u64().unwrap() as usize];
    assert_eq!(chosen["closing"][0]["start_by"], "2030-05-15");

    let early = labpath(&[
        "plan",
        example,
        "--goal",
        "ascp-mls",
        "--from",
        "2029-05-01",
    ]);
    let text = String::from_utf8(early.stdout).unwrap();
    assert!(!text.contains("warning:"), "{text}");
}

/// The documents of every step a plan lists.
fn documents(json: &serde_json::Value) -> Vec<String> {
    let chosen = &json["plans"][json["chosen"].as_u64().unwrap() as usize];
    chosen["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["documents"].as_array().unwrap().clone())
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A plan's checklists are the person's: a US graduate is not asked for a
/// foreign evaluation, translations or another state's verification; a
/// graduate from abroad is. Each step says what it is (New York evaluates
/// foreign education itself).
#[test]
fn a_plan_lists_only_the_documents_the_person_needs() {
    let example = |name: &str| {
        format!(
            "{}/../../examples/profiles/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let plan = |name: &str, format: &str| {
        let path = example(name);
        labpath(&[
            "plan",
            &path,
            "--goal",
            "work-mls-ny",
            "--from",
            "2026-12-02",
            "--format",
            format,
        ])
    };
    let us: serde_json::Value =
        serde_json::from_slice(&plan("us-naacls-mls-graduate", "json").stdout).unwrap();
    let us_docs = documents(&us);
    assert!(!us_docs.is_empty(), "no documents at all");
    for d in &us_docs {
        let d_l = d.to_lowercase();
        assert!(
            !d_l.contains("evaluation of")
                && !d_l.contains("translation")
                && !d_l.contains("form 3"),
            "a US graduate is asked for `{d}`"
        );
    }
    let abroad: serde_json::Value =
        serde_json::from_slice(&plan("ph-medtech-graduate", "json").stdout).unwrap();
    assert!(
        documents(&abroad)
            .iter()
            .any(|d| d.contains("translations")),
        "the foreign graduate's plan lost its translations"
    );
    let text = String::from_utf8(plan("ph-medtech-graduate", "human").stdout).unwrap();
    assert!(
        text.contains("NYSED evaluates foreign education itself"),
        "{text}"
    );
}

/// Records `n` decided New York license applications in a fresh data
/// directory, each taking `days` (so they differ by a few days apiece).
fn data_dir_with_decided(n: usize, days: i64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let ok = |args: &[&str]| {
        let out = labpath(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&["person", "add", "Recorded applicant", "--data-dir", &data]);
    let start = labpath_engine::units::Date::parse("2024-03-01").unwrap();
    for i in 0..n {
        let id = (i + 1).to_string();
        ok(&[
            "app",
            "new",
            "--data-dir",
            &data,
            "--person",
            "1",
            "--step",
            "ny-clt-apply",
        ]);
        let submitted = start.add_days(30 * i as i64);
        let decided = submitted.add_days(days + i as i64);
        ok(&[
            "app",
            "update",
            &id,
            "--data-dir",
            &data,
            "--status",
            "submitted",
            "--on",
            &submitted.to_string(),
        ]);
        ok(&[
            "app",
            "update",
            &id,
            "--data-dir",
            &data,
            "--status",
            "approved",
            "--on",
            &decided.to_string(),
        ]);
    }
    dir
}

/// The plan's JSON for the Philippine example to New York, with the data
/// directory `data`.
fn plan_json(data: &tempfile::TempDir) -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/ph-medtech-graduate.toml"
    );
    let out = labpath(&[
        "plan",
        path,
        "--goal",
        "work-mls-ny",
        "--from",
        "2026-12-02",
        "--format",
        "json",
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn license_step(plan: &serde_json::Value) -> serde_json::Value {
    let chosen = &plan["plans"][plan["chosen"].as_u64().unwrap() as usize];
    chosen["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ny-clt-apply")
        .expect("the plan applies for the New York license")
        .clone()
}

/// Twelve decided applications of a step recorded here (about 200 days
/// each, against the catalog's 2 to 4 months) move the step and the plan's
/// percentiles to their distribution, and the plan says where its figure
/// comes from; three are too few and change nothing.
#[test]
fn recorded_applications_lend_their_durations_once_there_are_enough() {
    let none = tempfile::tempdir().unwrap();
    let catalog_only = plan_json(&none);
    let three = plan_json(&data_dir_with_decided(3, 200));
    assert_eq!(
        three["plans"], catalog_only["plans"],
        "3 applications are too few to count"
    );
    assert!(license_step(&catalog_only).get("recorded").is_none());

    let twelve = plan_json(&data_dir_with_decided(12, 200));
    let step = license_step(&twelve);
    assert_eq!(step["recorded"]["count"], 12);
    assert_eq!(
        step["recorded"]["label"],
        "from 12 applications recorded here, 2024 to 2025"
    );
    let median = step["recorded"]["median_days"].as_f64().unwrap();
    assert!((200.0..=211.0).contains(&median), "{median}");
    assert_eq!(step["days"].as_f64().unwrap(), median.round());
    assert!(
        step["duration"]["max_days"].as_f64().unwrap() < 200.0,
        "the catalog's own figure stays beside the recorded one"
    );
    let p50 = |plan: &serde_json::Value| {
        let chosen = &plan["plans"][plan["chosen"].as_u64().unwrap() as usize];
        labpath_engine::units::Date::parse(chosen["p50"].as_str().unwrap()).unwrap()
    };
    assert!(
        p50(&twelve) > p50(&catalog_only).add_days(60),
        "slower recorded decisions move the finish: {} vs {}",
        p50(&twelve),
        p50(&catalog_only)
    );
    let human = String::from_utf8(
        labpath(&[
            "plan",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/profiles/ph-medtech-graduate.toml"
            ),
            "--goal",
            "work-mls-ny",
            "--from",
            "2026-12-02",
            "--data-dir",
            data_dir_with_decided(12, 200).path().to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(human.contains("recorded here (12)"), "{human}");
    assert!(
        human.contains("from 12 applications recorded here, 2024 to 2025: median"),
        "{human}"
    );
}
