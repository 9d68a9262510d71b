//! The impact report over more people than one page of profiles
//! (`labpath_app::impact::PAGE`): every person of the organization is
//! weighed once, across the pages, exactly as asking about each of them
//! alone does; the people of another organization, whose ids sit between
//! theirs, and the people without a profile neither appear nor move a
//! page's edge.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use labpath_app::impact::{PAGE, report};
use labpath_app::{App, Principal, Scope};
use labpath_store::Accounts;
use labpath_store::Store;
use labpath_store::accounts::Role;
use labpath_store::ids::OrgId;
use labpath_store::model::NewPerson;
use labpath_store_sqlite::SqliteStore;
use labpath_views::impact::ImpactView;

const ACTOR: &str = "impact-test";

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

#[tokio::test]
async fn more_people_than_one_page_are_each_weighed_once_as_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).await.unwrap();
    let now = common::current();
    let new = common::edited(&dir.path().join("catalog"), 48);
    let agency = store.create_organization("Agency").await.unwrap().id;
    let other = store.create_organization("Other agency").await.unwrap().id;
    let examples = common::examples(&now);
    // Two full pages and one more; every 50th person has no profile, and
    // every 10th is followed by another agency's person with a profile.
    let profiled = 2 * usize::try_from(PAGE).unwrap() + 1;
    let mut people = Vec::new();
    for i in 0..profiled {
        let person = |name: String, organization, profile| NewPerson {
            name,
            organization: Some(organization),
            profile,
        };
        let profile = common::varied(&examples, i);
        people.push(person(
            format!("Candidate {i}"),
            agency,
            Some(profile.clone()),
        ));
        if i % 50 == 0 {
            people.push(person(format!("No profile {i}"), agency, None));
        }
        if i % 10 == 0 {
            people.push(person(format!("Other {i}"), other, Some(profile)));
        }
    }
    let added = store.add_people(ACTOR, people).await.unwrap();
    let app = App::new(&now, &store);
    let as_of = common::as_of();

    let view = report(&app, &new, &staff(agency), None, as_of)
        .await
        .unwrap();
    let mut alone = ImpactView {
        as_of,
        evaluated: 0,
        without_profile: 0,
        unreadable: Vec::new(),
        affected: Vec::new(),
    };
    for p in added.iter().filter(|p| p.organization == Some(agency)) {
        let one = report(&app, &new, &staff(agency), Some(p.id), as_of)
            .await
            .unwrap();
        alone.evaluated += one.evaluated;
        alone.without_profile += one.without_profile;
        alone.unreadable.extend(one.unreadable);
        alone.affected.extend(one.affected);
    }
    assert_eq!(
        (view.evaluated, view.without_profile, view.unreadable.len()),
        (profiled, profiled.div_ceil(50), 0)
    );
    assert_eq!(names(&view), names(&alone));
    assert!(
        view == alone,
        "the same changes as each person's own report"
    );
    // The change moves people on both full pages, so a page read twice or
    // not at all shows.
    let page = |p: &&labpath_views::impact::PersonImpact| {
        let i: usize = p.name.trim_start_matches("Candidate ").parse().unwrap();
        i / usize::try_from(PAGE).unwrap()
    };
    let pages: std::collections::BTreeSet<usize> = view.affected.iter().map(|p| page(&p)).collect();
    assert!(pages.contains(&0) && pages.contains(&1), "{pages:?}");
}
