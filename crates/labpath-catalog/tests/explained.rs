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

/// The route shown first, by its definition: among the routes in force the
/// catalog can check (else among all in force), the first with the best
/// outcome and then the fewest failing leaves.
fn nearest_by_definition<'a, 'c>(
    credential: &'a eval::CredentialOutcome<'c>,
) -> Option<&'a eval::RouteOutcome<'c>> {
    let key = |r: &&eval::RouteOutcome<'_>| {
        let fails = r.clause().map_or(usize::MAX, Clause::failing_leaves);
        (r.outcome, fails)
    };
    let in_force = credential.routes.iter().filter(|r| r.in_force);
    let checkable = in_force
        .clone()
        .filter(|r| !r.route.requires.is_wholly_unconfirmed())
        .min_by_key(key);
    checkable.or_else(|| in_force.min_by_key(key))
}

#[test]
fn the_route_shown_first_is_the_nearest_by_its_definition() {
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles");
    let mut names: Vec<_> = std::fs::read_dir(&examples)
        .expect("the examples are listed")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    let (mut chosen, mut mixed) = (0, 0);
    for path in &names {
        let profile = labpath_catalog::profile::load(path, &catalog).expect("the example loads");
        for year in [2016, 2021, 2026, 2029] {
            let day = Date::from_ymd(year, 6, 1).expect("a calendar day");
            let evaluation = eval::evaluate(&catalog, &profile, day);
            for credential in &evaluation.credentials {
                let best = credential.best_route();
                let want = nearest_by_definition(credential);
                assert_eq!(
                    best.map(|r| r.route.id.as_str()),
                    want.map(|r| r.route.id.as_str()),
                    "{} on {day}: {}",
                    path.display(),
                    credential.credential.id
                );
                chosen += usize::from(best.is_some());
                let outcomes = credential.routes.iter().filter(|r| r.in_force);
                let first = outcomes.clone().map(|r| r.outcome).next();
                mixed += usize::from(outcomes.clone().any(|r| Some(r.outcome) != first));
            }
        }
    }
    // The examples reach credentials whose routes in force disagree, where
    // the order of the comparisons matters.
    assert!(
        chosen > 1000 && mixed > 50,
        "{chosen} chosen, {mixed} mixed"
    );
}
