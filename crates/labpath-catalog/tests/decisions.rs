//! The decisions-only evaluation (the catalog compiled for decisions,
//! `eval::Program`) gives the statuses the explained evaluation gives, where
//! the compiled form takes shortcuts: credentials that ask for each other
//! (an `eligible` clause decided once and remembered, and the depth guard
//! that stops a loop), and clauses several routes share.
//! `labpath-bench`'s agreement test compares the two over the whole
//! shipped catalog and random profiles.

#![allow(clippy::expect_used, reason = "a test stops at a broken fixture")]

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{self, Status};
use labpath_engine::ids::CredentialId;
use labpath_engine::profile::Profile;
use labpath_engine::requirement::{DeclaredReq, EligibleReq, Requirement};
use labpath_engine::units::Date;

fn day() -> Date {
    Date::from_ymd(2026, 12, 1).expect("a calendar day")
}

fn declared(key: &str) -> Requirement {
    Requirement::Declared(DeclaredReq {
        key: key.to_owned(),
        ask: format!("Can you say {key}?"),
        assumable: false,
    })
}

fn eligible(id: &str) -> Requirement {
    Requirement::Eligible(EligibleReq {
        credential: CredentialId::new(id).expect("an id"),
    })
}

/// The shipped catalog with credentials added, each with one route (made
/// from the first shipped credential, so that every other field is real).
fn with(extra: &[(&str, Requirement)]) -> Catalog {
    let mut parts = labpath_shipped::catalog()
        .expect("the shipped catalog loads")
        .into_parts();
    let template: Credential = parts.credentials[0].clone();
    for (id, requires) in extra {
        let mut c = template.clone();
        c.id = CredentialId::new(id).expect("an id");
        c.routes.truncate(1);
        c.routes[0].requires = requires.clone();
        c.routes[0].in_force = Default::default();
        parts.credentials.push(c);
    }
    labpath_catalog::catalog::from_parts(parts)
        .expect("the changed catalog passes the loader's checks")
}

fn statuses(catalog: &Catalog, profile: &Profile, ids: &[&str]) -> (Vec<Status>, Vec<Status>) {
    let wanted: Vec<&Credential> = ids
        .iter()
        .map(|id| catalog.credential(id).expect("added"))
        .collect();
    let explained = eval::evaluate_only(catalog, profile, day(), wanted.iter().copied())
        .credentials
        .iter()
        .map(|c| c.status)
        .collect();
    let mut decided = eval::Decisions::default();
    eval::decide_into(catalog, profile, day(), wanted, &mut decided);
    (explained, decided.statuses().to_vec())
}

#[test]
fn credentials_that_ask_for_each_other_end_unknown_or_settled_as_explained() {
    let catalog = with(&[
        (
            "loop-a",
            Requirement::Any(vec![eligible("loop-b"), declared("loop-key")]),
        ),
        ("loop-b", Requirement::All(vec![eligible("loop-a")])),
        ("after-b", Requirement::All(vec![eligible("loop-b")])),
    ]);
    let ids = ["after-b", "loop-a", "loop-b"];
    let mut profile = Profile::default();
    let (explained, decided) = statuses(&catalog, &profile, &ids);
    assert_eq!(explained, [Status::Unknown; 3], "the loop never settles");
    assert_eq!(decided, explained);

    profile.declarations.push("loop-key".to_owned());
    let (explained, decided) = statuses(&catalog, &profile, &ids);
    assert_eq!(
        explained,
        [Status::Eligible; 3],
        "the declaration settles it"
    );
    assert_eq!(decided, explained);

    profile.declarations.clear();
    profile.declined.push("loop-key".to_owned());
    let (explained, decided) = statuses(&catalog, &profile, &ids);
    assert_eq!(explained, [Status::Unknown; 3], "a refusal leaves the loop");
    assert_eq!(decided, explained);
}

#[test]
fn a_credential_decided_past_the_depth_guard_is_decided_again_nearer_the_top() {
    // chain-1 asks for chain-2, ..., chain-5 for chain-6, which a
    // declaration settles. From chain-1 the guard stops the walk before
    // chain-6 (unknown); from chain-2 on it reaches it. In either order:
    // deciding chain-1 first must not leave chain-5's guarded answer for
    // the others, and deciding chain-2 first must not lend chain-3's answer
    // (reached near the top) to chain-1's deeper walk.
    let mut extra: Vec<(String, Requirement)> = (1..=5)
        .map(|i| {
            let next = format!("chain-{}", i + 1);
            (
                format!("chain-{i}"),
                Requirement::All(vec![eligible(&next)]),
            )
        })
        .collect();
    extra.push((
        "chain-6".to_owned(),
        Requirement::All(vec![declared("chain-key")]),
    ));
    let named: Vec<(&str, Requirement)> = extra
        .iter()
        .map(|(id, r)| (id.as_str(), r.clone()))
        .collect();
    let catalog = with(&named);
    let ids: Vec<&str> = named.iter().map(|(id, _)| *id).collect();
    let profile = Profile {
        declarations: vec!["chain-key".to_owned()],
        ..Profile::default()
    };
    let (explained, decided) = statuses(&catalog, &profile, &ids);
    let mut want = [Status::Eligible; 6];
    want[0] = Status::Unknown;
    assert_eq!(explained, want);
    assert_eq!(decided, explained);

    let reversed: Vec<&str> = ids.iter().rev().copied().collect();
    let (explained, decided) = statuses(&catalog, &profile, &reversed);
    want.reverse();
    assert_eq!(explained, want, "{reversed:?}");
    assert_eq!(decided, explained, "{reversed:?}");
}

#[test]
fn a_credential_from_outside_the_catalog_is_decided_by_its_own_routes() {
    // A copy of a shipped credential with its only route replaced: deciding
    // it must not take the shipped credential's routes for its id.
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let mut edited = catalog.credentials()[0].clone();
    edited.routes.truncate(1);
    edited.routes[0].requires = Requirement::All(vec![declared("edited-key")]);
    edited.routes[0].in_force = Default::default();
    let profile = Profile {
        declarations: vec!["edited-key".to_owned()],
        ..Profile::default()
    };
    let explained = eval::evaluate_only(&catalog, &profile, day(), [&edited]);
    assert_eq!(explained.credentials[0].status, Status::Eligible);
    let mut decided = eval::Decisions::default();
    eval::decide_into(&catalog, &profile, day(), [&edited], &mut decided);
    let (status, routes) = decided.credential(0).expect("one credential");
    assert_eq!(status, Status::Eligible);
    assert_eq!(routes.len(), 1);
}

#[test]
fn a_clause_shared_by_routes_is_decided_alike_in_each() {
    // The same declaration in two credentials, and in one beside an
    // `eligible` clause for the other: declared passes everywhere, declined
    // fails everywhere, and a key both declared and declined reads declared.
    let catalog = with(&[
        ("twin-a", Requirement::All(vec![declared("twin-key")])),
        (
            "twin-b",
            Requirement::AtLeast(labpath_engine::requirement::AtLeast {
                n: 2,
                of: vec![declared("twin-key"), eligible("twin-a"), declared("other")],
            }),
        ),
    ]);
    let ids = ["twin-a", "twin-b"];
    let cases: [(&[&str], &[&str], [Status; 2]); 4] = [
        (&[], &[], [Status::Unknown, Status::Unknown]),
        (&["twin-key"], &[], [Status::Eligible, Status::Eligible]),
        (&[], &["twin-key"], [Status::NotYet, Status::NotYet]),
        (
            &["twin-key"],
            &["twin-key"],
            [Status::Eligible, Status::Eligible],
        ),
    ];
    for (said, declined, want) in cases {
        let profile = Profile {
            declarations: said.iter().map(|s| (*s).to_owned()).collect(),
            declined: declined.iter().map(|s| (*s).to_owned()).collect(),
            ..Profile::default()
        };
        let (explained, decided) = statuses(&catalog, &profile, &ids);
        assert_eq!(explained, want, "declared {said:?}, declined {declined:?}");
        assert_eq!(
            decided, explained,
            "declared {said:?}, declined {declined:?}"
        );
    }
}

#[test]
fn a_route_is_in_force_from_its_first_day_until_the_day_before_its_end() {
    let on = |y, m, d| Date::from_ymd(y, m, d).expect("a calendar day");
    let mut parts = labpath_shipped::catalog()
        .expect("the shipped catalog loads")
        .into_parts();
    let mut dated = parts.credentials[0].clone();
    dated.id = CredentialId::new("dated").expect("an id");
    dated.routes.truncate(1);
    dated.routes[0].requires = Requirement::All(vec![declared("dated-key")]);
    dated.routes[0].in_force = labpath_engine::catalog::InForce {
        from: Some(on(2026, 3, 1)),
        until: Some(on(2026, 9, 1)),
    };
    parts.credentials.push(dated);
    let catalog = labpath_catalog::catalog::from_parts(parts)
        .expect("the changed catalog passes the loader's checks");
    let dated = catalog.credential("dated").expect("added");
    let profile = Profile {
        declarations: vec!["dated-key".to_owned()],
        ..Profile::default()
    };
    let days = [
        (on(2026, 2, 28), Status::NoRoute),
        (on(2026, 3, 1), Status::Eligible),
        (on(2026, 8, 31), Status::Eligible),
        (on(2026, 9, 1), Status::NoRoute),
    ];
    for (day, want) in days {
        let explained = eval::evaluate_only(&catalog, &profile, day, [dated]);
        let mut decided = eval::Decisions::default();
        eval::decide_into(&catalog, &profile, day, [dated], &mut decided);
        let (status, routes) = decided.credential(0).expect("one credential");
        assert_eq!(explained.credentials[0].status, want, "{day}");
        assert_eq!(status, want, "{day}");
        let in_force = want == Status::Eligible;
        assert_eq!(
            explained.credentials[0].routes[0].in_force, in_force,
            "{day}"
        );
        assert_eq!(
            routes[0] != eval::RouteDecision::NotInForce,
            in_force,
            "{day}"
        );
    }
}
