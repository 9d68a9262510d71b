//! A rule's text is rendered once per catalog (`Catalog::rule_text`) and
//! lent to every answer: it must be the text the rule itself gives
//! (`describe_requirement`), for every requirement of every route, in the
//! catalog and in a copy of it, and for a requirement from elsewhere.

#![allow(clippy::expect_used, reason = "a test stops at a broken fixture")]

use std::borrow::Cow;

use labpath_engine::catalog::Catalog;
use labpath_engine::explain::describe_requirement;
use labpath_engine::requirement::{CreditsReq, Requirement};
use labpath_engine::units::Hours;

fn every_rule_reads_as_described(catalog: &Catalog) -> usize {
    let mut checked = 0;
    for credential in catalog.credentials() {
        for route in &credential.routes {
            route.requires.walk(&mut |r| {
                assert_eq!(
                    catalog.rule_text(r),
                    describe_requirement(r, catalog),
                    "{} {}",
                    credential.id,
                    route.id
                );
                checked += 1;
            });
        }
    }
    checked
}

#[test]
fn every_route_requirement_has_its_own_text_once_rendered() {
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let checked = every_rule_reads_as_described(&catalog);
    assert!(checked > 500, "{checked} requirements");
    // The catalog's own requirements are lent, not rendered again.
    let first = &catalog.credentials()[0].routes[0].requires;
    assert!(matches!(catalog.rule_text(first), Cow::Borrowed(_)));

    // A copy has its own requirements (and texts).
    let copy = catalog.clone();
    assert_eq!(every_rule_reads_as_described(&copy), checked);

    // A requirement from elsewhere is rendered on the spot.
    let other = Requirement::Credits(CreditsReq {
        min_semester_hours: Hours::semester(60.0).expect("hours"),
    });
    assert!(matches!(catalog.rule_text(&other), Cow::Owned(_)));
    assert_eq!(
        catalog.rule_text(&other),
        describe_requirement(&other, &catalog)
    );
}
