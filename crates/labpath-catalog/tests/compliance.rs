//! Compliance: case tables written from each rule set's sources
//! (`tests/compliance/*.toml`), and the optimal split checked against brute
//! force on small random cases.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::collections::BTreeMap;

use labpath_engine::compliance::assess;
use labpath_engine::maintenance::{
    Activity, CategoryId, CategoryMinimum, Credit, PointValues, RuleSet, RuleSetId,
};
use labpath_engine::provenance::{Confidence, Provenance};
use labpath_engine::units::Date;
use proptest::prelude::*;
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
    rule_set: String,
    cycle_start: Date,
    cycle_end: Date,
    #[serde(default)]
    expect_earned: Option<f64>,
    #[serde(default)]
    expect_missing: Option<f64>,
    #[serde(default)]
    expect_category_missing: BTreeMap<String, f64>,
    #[serde(default)]
    expect_excluded: Option<usize>,
    activities: Vec<Activity>,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn every_compliance_case_holds() {
    let catalog = labpath_shipped::catalog().unwrap_or_else(|d| panic!("{d}"));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compliance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let cases: CaseFile = match toml::from_str(&std::fs::read_to_string(path).unwrap()) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for case in cases.case {
            count += 1;
            let Some(rules) = catalog
                .maintenance()
                .iter()
                .find(|r| r.id.as_str() == case.rule_set)
            else {
                failures.push(format!(
                    "{name}: `{}`: unknown rule set `{}`",
                    case.name, case.rule_set
                ));
                continue;
            };
            let a = assess(rules, &case.activities, case.cycle_start, case.cycle_end);
            let mut wrong = Vec::new();
            if let Some(e) = case.expect_earned.filter(|e| !close(*e, a.earned)) {
                wrong.push(format!("earned {} (expected {e})", a.earned));
            }
            if let Some(e) = case.expect_missing.filter(|e| !close(*e, a.missing)) {
                wrong.push(format!("missing {} (expected {e})", a.missing));
            }
            if let Some(e) = case.expect_excluded.filter(|e| *e != a.excluded.len()) {
                wrong.push(format!("{} excluded (expected {e})", a.excluded.len()));
            }
            for (category, want) in &case.expect_category_missing {
                match a
                    .categories
                    .iter()
                    .find(|c| c.category.as_str() == category)
                {
                    Some(c) if close(c.missing, *want) => {}
                    Some(c) => wrong.push(format!(
                        "{category} missing {} (expected {want})",
                        c.missing
                    )),
                    None => wrong.push(format!("{category} is not a category of {}", rules.id)),
                }
            }
            if !wrong.is_empty() {
                failures.push(format!("{name}: `{}`: {}", case.name, wrong.join("; ")));
            }
        }
    }
    assert!(count > 0, "no cases in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn day(n: i64) -> Date {
    Date::from_ymd(2025, 1, 1).unwrap().add_days(n)
}

fn rules(mins: &[u32], total: u32) -> RuleSet {
    RuleSet {
        id: RuleSetId::new("r").unwrap(),
        name: "r".to_owned(),
        short_name: None,
        credentials: Vec::new(),
        cycle_years: 3,
        total: Some(f64::from(total)),
        unit: "points".to_owned(),
        categories: mins
            .iter()
            .enumerate()
            .map(|(i, m)| CategoryMinimum {
                category: CategoryId::new(&format!("c{i}")).unwrap(),
                name: format!("c{i}"),
                min: f64::from(*m),
                provenance: None,
            })
            .collect(),
        points: PointValues {
            contact_hour: Some(1.0),
            semester_hour: Some(15.0),
            quarter_hour: Some(10.0),
        },
        accepted_accreditations: Vec::new(),
        declaration_window: None,
        fees: Vec::new(),
        lapse: None,
        notes: Vec::new(),
        provenance: Provenance {
            sources: Vec::new(),
            as_of: day(0),
            confidence: Confidence::Official,
            note: None,
        },
    }
}

/// The least total shortfall over every integer split, by enumeration.
fn brute_shortfall(mins: &[u32], activities: &[(u32, Vec<usize>)]) -> u32 {
    fn go(
        i: usize,
        acts: &[(u32, Vec<usize>)],
        given: &mut Vec<u32>,
        mins: &[u32],
        best: &mut u32,
    ) {
        if i == acts.len() {
            let short: u32 = mins
                .iter()
                .zip(given.iter())
                .map(|(m, g)| m.saturating_sub(*g))
                .sum();
            *best = (*best).min(short);
            return;
        }
        let (points, cats) = &acts[i];
        if cats.is_empty() {
            go(i + 1, acts, given, mins, best);
            return;
        }
        // every way of spreading `points` over `cats`
        #[allow(
            clippy::too_many_arguments,
            reason = "a recursive enumeration in a test oracle, clearer with its state spelled out"
        )]
        fn spread(
            k: usize,
            left: u32,
            cats: &[usize],
            given: &mut Vec<u32>,
            i: usize,
            acts: &[(u32, Vec<usize>)],
            mins: &[u32],
            best: &mut u32,
        ) {
            if k + 1 == cats.len() {
                given[cats[k]] += left;
                go(i + 1, acts, given, mins, best);
                given[cats[k]] -= left;
                return;
            }
            for x in 0..=left {
                given[cats[k]] += x;
                spread(k + 1, left - x, cats, given, i, acts, mins, best);
                given[cats[k]] -= x;
            }
        }
        spread(0, *points, cats, given, i, acts, mins, best);
    }
    let mut best = u32::MAX;
    go(0, activities, &mut vec![0; mins.len()], mins, &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_split_leaves_the_least_missing(
        mins in prop::collection::vec(0u32..5, 1..4),
        acts in prop::collection::vec((0u32..5, prop::collection::vec(any::<bool>(), 4)), 0..5),
    ) {
        let m = mins.len();
        let activities: Vec<(u32, Vec<usize>)> = acts.iter().map(|(p, mask)| (*p, (0..m).filter(|&c| mask[c]).collect())).collect();
        let total: u32 = mins.iter().sum::<u32>() + 3;
        let r = rules(&mins, total);
        let input: Vec<Activity> = activities
            .iter()
            .enumerate()
            .map(|(i, (p, cats))| Activity {
                title: format!("a{i}"),
                provider: None,
                accreditation: None,
                date: day(10),
                credit: Credit::ContactHours(f64::from(*p)),
                categories: cats.iter().map(|c| CategoryId::new(&format!("c{c}")).unwrap()).collect(),
                certificate: None,
            })
            .collect();
        let a = assess(&r, &input, day(0), day(1000));
        let shortfall: f64 = a.categories.iter().map(|c| c.missing).sum();
        let oracle = brute_shortfall(&mins, &activities);
        prop_assert!((shortfall - f64::from(oracle)).abs() < 1e-6, "split leaves {shortfall}, best is {oracle}");
        // The split never gives an activity more than it earned.
        for (i, (p, _)) in activities.iter().enumerate() {
            let given: f64 = a.allocation.iter().filter(|x| x.activity == i).map(|x| x.points).sum();
            prop_assert!(given <= f64::from(*p) + 1e-9);
        }
        let earned: f64 = activities.iter().map(|(p, _)| f64::from(*p)).sum();
        prop_assert!((a.missing - (f64::from(total) - earned).max(0.0).max(shortfall)).abs() < 1e-6);
    }
}

#[test]
fn activities_outside_the_cycle_do_not_count() {
    let r = rules(&[2], 10);
    let act = |d: i64| Activity {
        title: "x".to_owned(),
        provider: None,
        accreditation: None,
        date: day(d),
        credit: Credit::ContactHours(2.0),
        categories: vec![CategoryId::new("c0").unwrap()],
        certificate: None,
    };
    let a = assess(&r, &[act(-1), act(0), act(100), act(101)], day(0), day(100));
    assert_eq!(a.earned, 4.0);
    assert_eq!(a.excluded.len(), 2);
    assert_eq!(a.missing, 6.0);
}
