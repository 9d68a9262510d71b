//! The impact of a catalog change, over a real SQLite store and a real
//! edited copy of the shipped catalog folder: exactly the people whose
//! answers change are listed, with the credential, the route and the
//! clause; the people of another organization are not; and the diff of the
//! two folders names the change.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_app::{App, Kind, Principal, Scope};
use labpath_engine::catalog::Catalog;
use labpath_engine::eval::Status;
use labpath_engine::units::Date;
use labpath_store::Accounts;
use labpath_store::accounts::Role;
use labpath_store::ids::{OrgId, PersonId};
use labpath_store::ops;
use labpath_store_sqlite::SqliteStore;
use labpath_views::impact::{Change, ImpactView, PersonImpact, RouteState};
use serde_json::{Value, json};

const ACTOR: &str = "impact-test";
mod common;

use common::{AS_OF, current, edited, shipped};

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// An example profile as the store keeps it.
fn example(name: &str, catalog: &Catalog) -> Value {
    let path = shipped().join(format!("../examples/profiles/{name}.toml"));
    let profile = labpath_catalog::profile::load(&path, catalog).expect("the example reads");
    serde_json::to_value(&profile).unwrap()
}

/// The Philippine MedTech graduate with `months` of hospital work from
/// 2022-07-01, with or without the clinical internship (which alone meets
/// MLS(ASCPi) Route 1).
fn medtech(catalog: &Catalog, months: u32, internship: bool) -> Value {
    let mut p = example("ph-medtech-graduate", catalog);
    let end = day("2022-07-01").add_months(months).pred();
    p["experience"][0]["end"] = json!(end.to_string());
    if !internship {
        p.as_object_mut().unwrap().remove("program");
    }
    p
}

async fn person(
    store: &SqliteStore,
    name: &str,
    org: Option<OrgId>,
    profile: Option<Value>,
) -> PersonId {
    let id = ops::add_person(store, ACTOR, name, org).await.unwrap().id;
    if let Some(profile) = profile {
        ops::record_profile(store, ACTOR, id, profile)
            .await
            .unwrap();
    }
    id
}

fn staff(org: OrgId) -> Principal {
    Principal {
        scope: Scope::Org(org),
        role: Some(Role::Staff),
        actor: ACTOR.to_owned(),
    }
}

fn names(view: &ImpactView) -> Vec<&str> {
    view.affected.iter().map(|p| p.name.as_str()).collect()
}

fn of<'v>(view: &'v ImpactView, name: &str) -> &'v PersonImpact {
    view.affected
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not in {view:#?}"))
}

#[tokio::test]
async fn a_longer_experience_rule_lists_exactly_the_people_it_moves_with_the_clause() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).await.unwrap();
    let now = current();
    let new = edited(&dir.path().join("catalog"), 48);
    let agency = store.create_organization("Agency").await.unwrap().id;
    let other = store.create_organization("Other agency").await.unwrap().id;

    // Route 1 (the internship) keeps Ana eligible whatever Route 2 asks.
    person(&store, "Ana", Some(agency), Some(medtech(&now, 40, true))).await;
    // Ben's 40 months meet 36, not 48: MLS(ASCPi) goes from eligible to
    // unknown (Route 3 has a rule the catalog cannot check).
    person(&store, "Ben", Some(agency), Some(medtech(&now, 40, false))).await;
    // Cruz's 30 months meet neither: still unknown, but now 18 months
    // short on Route 2, not 6.
    person(&store, "Cruz", Some(agency), Some(medtech(&now, 30, false))).await;
    // A US graduate: ASCPi's routes are for degrees earned abroad.
    person(
        &store,
        "Dana",
        Some(agency),
        Some(example("us-naacls-mls-graduate", &now)),
    )
    .await;
    person(&store, "Eve", Some(agency), None).await;
    // Another agency's Ben is out of this agency's reach.
    person(
        &store,
        "Other Ben",
        Some(other),
        Some(medtech(&now, 40, false)),
    )
    .await;

    let app = App::new(&now, &store);
    let view = labpath_app::impact::report(&app, &new, &staff(agency), None, day(AS_OF))
        .await
        .unwrap();
    assert_eq!(names(&view), ["Ben", "Cruz"], "{view:#?}");
    assert_eq!((view.evaluated, view.without_profile), (4, 1));

    let ben = of(&view, "Ben");
    let mls = ben
        .credentials
        .iter()
        .find(|c| c.credential == "ascpi-mls")
        .expect("MLS(ASCPi) changes for Ben");
    assert_eq!(
        (mls.change, mls.old, mls.new),
        (
            Change::Status,
            Some(Status::Eligible),
            Some(Status::Unknown)
        )
    );
    assert_eq!(mls.routes.len(), 1, "only Route 2 changes: {mls:#?}");
    let route = &mls.routes[0];
    assert_eq!(
        (route.route.as_str(), route.old, route.new),
        ("route-2", RouteState::Pass, RouteState::Fail)
    );
    assert_eq!(route.clauses.len(), 1, "{route:#?}");
    let clause = &route.clauses[0];
    assert!(
        clause
            .old_need
            .as_deref()
            .unwrap()
            .starts_with("36 months of full-time clinical"),
        "{clause:#?}"
    );
    assert!(
        clause
            .new_need
            .as_deref()
            .unwrap()
            .starts_with("48 months of full-time clinical"),
        "{clause:#?}"
    );
    assert_eq!(clause.old_have.as_deref(), Some("have 40 of 36 months"));
    assert_eq!(clause.new_have.as_deref(), Some("have 40 of 48 months"));
    // Every other credential that changes for Ben follows from MLS(ASCPi)
    // through an `eligible` clause naming it.
    for c in ben
        .credentials
        .iter()
        .filter(|c| c.credential != "ascpi-mls")
    {
        let through = c.routes.iter().flat_map(|r| &r.clauses).any(|cl| {
            cl.new_need
                .as_deref()
                .is_some_and(|n| n.contains("MLS(ASCPi)"))
                || cl
                    .new_have
                    .as_deref()
                    .is_some_and(|h| h.contains("MLS(ASCPi)"))
        });
        assert!(
            through,
            "{} changes for Ben without MLS(ASCPi): {c:#?}",
            c.credential
        );
    }

    let cruz = of(&view, "Cruz");
    assert_eq!(cruz.credentials.len(), 1, "{cruz:#?}");
    let mls = &cruz.credentials[0];
    assert_eq!(
        (mls.change, mls.old, mls.new),
        (
            Change::Missing,
            Some(Status::Unknown),
            Some(Status::Unknown)
        )
    );
    let clause = &mls.routes[0].clauses[0];
    assert_eq!(
        (clause.old_have.as_deref(), clause.new_have.as_deref()),
        (Some("have 30 of 36 months"), Some("have 30 of 48 months"))
    );
}

#[tokio::test]
async fn a_shorter_rule_moves_the_other_way_and_one_person_can_be_asked_about() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).await.unwrap();
    let now = current();
    let new = edited(&dir.path().join("catalog"), 24);
    let cruz = person(&store, "Cruz", None, Some(medtech(&now, 30, false))).await;
    person(&store, "Fay", None, Some(medtech(&now, 12, false))).await;
    let app = App::new(&now, &store);
    let local = Principal::local(ACTOR);

    let view = labpath_app::impact::report(&app, &new, &local, None, day(AS_OF))
        .await
        .unwrap();
    // Cruz's 30 months now meet Route 2; Fay's 12 stay short of 24, but
    // her gap there halves.
    assert_eq!(names(&view), ["Cruz", "Fay"], "{view:#?}");
    let fay = &of(&view, "Fay").credentials;
    assert_eq!(fay.len(), 1, "{fay:#?}");
    assert_eq!(
        (fay[0].change, fay[0].credential.as_str()),
        (Change::Missing, "ascpi-mls")
    );
    let clause = &fay[0].routes[0].clauses[0];
    assert_eq!(clause.new_have.as_deref(), Some("have 12 of 24 months"));
    let cruz_view = of(&view, "Cruz");
    let mls = cruz_view
        .credentials
        .iter()
        .find(|c| c.credential == "ascpi-mls")
        .unwrap();
    assert_eq!(
        (mls.old, mls.new),
        (Some(Status::Unknown), Some(Status::Eligible))
    );

    let one = labpath_app::impact::report(&app, &new, &local, Some(cruz), day(AS_OF))
        .await
        .unwrap();
    assert_eq!(names(&one), ["Cruz"]);
    assert_eq!(one.evaluated, 1);
}

#[tokio::test]
async fn the_same_catalog_affects_nobody_and_a_candidate_or_a_stranger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).await.unwrap();
    let now = current();
    let agency = store.create_organization("Agency").await.unwrap().id;
    let other = store.create_organization("Other").await.unwrap().id;
    let ben = person(&store, "Ben", Some(agency), Some(medtech(&now, 40, false))).await;
    let app = App::new(&now, &store);

    let same = current();
    let view = labpath_app::impact::report(&app, &same, &staff(agency), None, day(AS_OF))
        .await
        .unwrap();
    assert!(view.affected.is_empty(), "{view:#?}");
    assert_eq!(view.evaluated, 1);

    let candidate = Principal {
        scope: Scope::Own(agency, Some(ben)),
        role: Some(Role::Candidate),
        actor: ACTOR.to_owned(),
    };
    let refused = labpath_app::impact::report(&app, &same, &candidate, None, day(AS_OF))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, Kind::Forbidden, "{refused:?}");
    let stranger = labpath_app::impact::report(&app, &same, &staff(other), Some(ben), day(AS_OF))
        .await
        .unwrap_err();
    assert_eq!(stranger.kind, Kind::NotFound("person"), "{stranger:?}");
}

#[test]
fn the_diff_of_the_two_folders_names_the_route_and_the_months() {
    let dir = tempfile::tempdir().unwrap();
    let new = edited(dir.path(), 48);
    let diff = labpath_app::catalog_diff::diff(&current(), &new);
    assert_eq!(diff.rules.len(), 1, "{diff:#?}");
    let rule = &diff.rules[0];
    assert_eq!(
        (rule.credential.as_str(), rule.route.as_str()),
        ("ascpi-mls", "route-2")
    );
    let clause = &rule.clauses[0];
    assert_eq!(
        (clause.at.as_str(), clause.kind.as_str()),
        ("all[1]", "experience")
    );
    let months = &clause.fields[0];
    assert_eq!(
        (months.at.as_str(), months.old.as_str(), months.new.as_str()),
        ("months", "36", "48")
    );
    let rest = labpath_views::catalog_diff::CatalogDiff {
        rules: Vec::new(),
        ..diff.clone()
    };
    assert!(rest.is_empty(), "nothing else changed: {rest:#?}");
}
