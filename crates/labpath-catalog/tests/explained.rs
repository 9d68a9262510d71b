//! The explained evaluation keeps each route's clauses in one flat buffer
//! (`eval::ClauseTree`); read back, and written as JSON, every tree has
//! its requirement tree's shape and leaves, and every combinator's finding
//! counts the children it holds.

#![allow(clippy::expect_used, reason = "a test stops at a broken fixture")]

use std::path::Path;

use labpath_engine::eval::{self, Clause, Finding, Outcome};
use labpath_engine::requirement::Requirement;
use labpath_engine::units::Date;

/// Walks a clause beside its requirement and its JSON, checking they agree.
fn same_shape(clause: Clause<'_, '_>, requirement: &Requirement, json: &serde_json::Value) {
    assert!(
        std::ptr::eq(clause.requirement, requirement),
        "{requirement:?}"
    );
    assert_eq!(
        json["outcome"],
        serde_json::to_value(clause.outcome).expect("an outcome writes")
    );
    let children: Vec<Clause<'_, '_>> = clause.children().collect();
    assert_eq!(
        children.len(),
        requirement.children().len(),
        "{requirement:?}"
    );
    assert_eq!(clause.is_leaf(), requirement.children().is_empty());
    if let Finding::Combined { met, of, .. } = clause.finding {
        let passed = children
            .iter()
            .filter(|c| c.outcome == Outcome::Pass)
            .count();
        assert_eq!((*met as usize, *of as usize), (passed, children.len()));
    }
    let written = json["children"].as_array().map_or(&[][..], Vec::as_slice);
    assert_eq!(written.len(), children.len(), "{json}");
    for ((child, req), written) in children.iter().zip(requirement.children()).zip(written) {
        same_shape(*child, req, written);
    }
}

#[test]
fn every_routes_clause_tree_reads_back_and_writes_in_its_requirements_shape() {
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles");
    let mut trees = 0;
    for name in ["ph-medtech-graduate.toml", "mlt-ascp-bachelor.toml"] {
        let profile = labpath_catalog::profile::load(&examples.join(name), &catalog)
            .expect("the example loads");
        let day = Date::from_ymd(2026, 12, 1).expect("a calendar day");
        let evaluation = eval::evaluate(&catalog, &profile, day);
        for route in evaluation.credentials.iter().flat_map(|c| &c.routes) {
            let Some(clause) = route.clause() else {
                assert!(!route.in_force);
                continue;
            };
            assert_eq!(clause.outcome, route.outcome);
            let json = serde_json::to_value(route).expect("a route writes");
            same_shape(clause, &route.route.requires, &json["clause"]);
            let mut leaves = Vec::new();
            route.route.requires.walk(&mut |r| {
                if r.children().is_empty() {
                    leaves.push(r);
                }
            });
            let read: Vec<&Requirement> = clause.leaves().map(|c| c.requirement).collect();
            assert_eq!(read.len(), leaves.len());
            assert!(read.iter().zip(&leaves).all(|(a, b)| std::ptr::eq(*a, *b)));
            trees += 1;
        }
    }
    assert!(trees > 300, "only {trees} trees were read");
}
