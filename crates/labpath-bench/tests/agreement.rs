//! labpath's decisions-only and explained evaluations, the JSONLogic
//! translation run by datalogic-rs, and the
//! hand-written floor give the same decision for every route, on the
//! example profiles and a sample of random ones over as-of days from 2015
//! to 2030. A change to the engine or the catalog that breaks this fails
//! here, naming the profile, day, credential and route.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_bench::{agree, jsonlogic::JsonLogicCatalog, profiles};

#[test]
fn every_contender_decides_every_route_alike() {
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let logic = JsonLogicCatalog::compile(&catalog).expect("every credential compiles");
    let mut all = profiles::examples(&catalog).expect("the example profiles load");
    all.extend(profiles::random(&catalog, 17, 30));
    let days = profiles::days(1);
    match agree::check(&catalog, &logic, &all, &days) {
        Ok(checked) => {
            assert!(checked.routes > 10_000, "{checked:?}");
            assert_eq!(checked.explained_routes, checked.routes, "{checked:?}");
            assert!(checked.floor_routes > 1_000, "{checked:?}");
        }
        Err(m) => panic!("{m}"),
    }
}
