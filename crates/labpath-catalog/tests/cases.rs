//! Case tables for the catalog's rules, written from each rule's sources.
//!
//! Every `tests/cases/*.toml` file holds `[[case]]` entries: a profile, a
//! credential (and optionally one route), an as-of day, the expected outcome
//! and text the explanation must contain. Adding a case means adding data.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;

use labpath_engine::eval::{Outcome, Status, evaluate_only};
use labpath_engine::explain::clause_lines;
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    credential: String,
    #[serde(default)]
    route: Option<String>,
    as_of: Date,
    expect: String,
    #[serde(default)]
    expect_text: Vec<String>,
    profile: Profile,
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Unknown => "unknown",
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Held => "held",
        Status::Eligible => "eligible",
        Status::Unknown => "unknown",
        Status::NotYet => "not_yet",
        Status::NoRoute => "no_route",
    }
}

/// Runs one case; returns a failure message, or `None` when it holds.
fn run_case(catalog: &labpath_engine::catalog::Catalog, file: &str, case: &Case) -> Option<String> {
    let Some(credential) = catalog.credential(&case.credential) else {
        return Some(format!(
            "{file}: `{}`: unknown credential `{}`",
            case.name, case.credential
        ));
    };
    let eval = evaluate_only(catalog, &case.profile, case.as_of, [credential]);
    let result = &eval.credentials[0];
    let (got, text) = match &case.route {
        Some(route_id) => {
            let Some(route) = result
                .routes
                .iter()
                .find(|r| r.route.id.as_str() == route_id)
            else {
                return Some(format!(
                    "{file}: `{}`: `{}` has no route `{route_id}`",
                    case.name, case.credential
                ));
            };
            let text = route
                .clause()
                .map(|c| clause_lines(c, catalog))
                .unwrap_or_default()
                .iter()
                .map(|l| format!("{} | {}", l.need, l.have))
                .collect::<Vec<_>>()
                .join("\n");
            let word = if route.in_force {
                outcome_word(route.outcome)
            } else {
                "not_in_force"
            };
            let text = match route.open_until {
                Some(d) => format!("{text}\nopen until {d}"),
                None => text,
            };
            (word, text)
        }
        None => {
            let text = result
                .routes
                .iter()
                .filter_map(|r| r.clause())
                .flat_map(|c| clause_lines(c, catalog))
                .map(|l| format!("{} | {}", l.need, l.have))
                .collect::<Vec<_>>()
                .join("\n");
            (status_word(result.status), text)
        }
    };
    if got != case.expect {
        return Some(format!(
            "{file}: `{}`: expected `{}`, got `{got}`\n{text}",
            case.name, case.expect
        ));
    }
    for needle in &case.expect_text {
        if !text.contains(needle.as_str()) {
            return Some(format!(
                "{file}: `{}`: the explanation lacks `{needle}`:\n{text}",
                case.name
            ));
        }
    }
    None
}

#[test]
fn every_case_table_holds() {
    let catalog = labpath_shipped::catalog().unwrap_or_else(|d| panic!("catalog: {d}"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("readable case file");
        let cases: CaseFile = match toml::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for case in &cases.case {
            count += 1;
            failures.extend(run_case(&catalog, &name, case));
        }
    }
    assert!(count > 0, "no cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
