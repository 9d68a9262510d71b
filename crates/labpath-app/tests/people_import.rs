//! Importing people from a CSV over a real SQLite store and the shipped
//! catalog: the example file of 50 candidates adds 50 people with their
//! profiles, the same file with three bad lines adds no one and says the
//! three problems, each at its line and column.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_app::{App, Kind, Principal, Scope};
use labpath_engine::catalog::Catalog;
use labpath_store::accounts::Role;
use labpath_store::ids::OrgId;
use labpath_store::model::{PeopleFilter, Window};
use labpath_store::{Accounts, Store};
use labpath_store_sqlite::SqliteStore;

const ACTOR: &str = "import-test";

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the shipped catalog reads")
}

fn example(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../examples/people/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("the example CSV")
}

fn staff(org: OrgId) -> Principal {
    Principal {
        scope: Scope::Org(org),
        role: Some(Role::Staff),
        actor: ACTOR.to_owned(),
    }
}

/// The example's lines as a CSV reader gives them: (name, credentials).
fn lines(bytes: &[u8]) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(bytes);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[2].to_owned())
        })
        .collect()
}

#[tokio::test]
async fn fifty_good_lines_add_fifty_people_whose_credentials_are_what_the_parser_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let org = store.create_organization("Agency A").await.unwrap().id;
    let file = example("candidates.csv");

    let added = labpath_app::people::import(&app, &staff(org), &file)
        .await
        .unwrap();
    assert_eq!(added.len(), 50);
    let listed = store
        .people_in(Scope::Org(org), &PeopleFilter::default(), Window::ALL)
        .await
        .unwrap();
    assert_eq!(listed.items, added, "the people added are the list");
    for ((name, credentials), person) in lines(&file).into_iter().zip(&added) {
        assert_eq!(person.name, name);
        assert_eq!(person.organization, Some(org));
        assert_eq!(person.profile_version, 1, "{name} has a profile");
        let profile = app.require_profile(person.id).await.unwrap();
        assert_eq!(profile.person.name, name);
        let held: Vec<&str> = profile.credentials.iter().map(|c| c.id.as_str()).collect();
        let read: Vec<String> = if credentials.is_empty() {
            Vec::new()
        } else {
            let parsed = labpath_app::catalog::parse(&catalog, &credentials).unwrap();
            assert!(parsed.unknown().is_empty(), "{credentials}");
            parsed
                .parts
                .iter()
                .map(|p| p.matches[0].credential.id.to_string())
                .collect()
        };
        assert_eq!(held, read, "{name}: `{credentials}`");
    }
    // Line 3's string names two credentials; the profile holds both.
    let jun = app.require_profile(added[1].id).await.unwrap();
    assert_eq!(jun.credentials.len(), 2, "{jun:?}");
    assert!(jun.person.email.as_deref() == Some("jun.reyes@candidates.example"));
    assert_eq!(jun.education[0].title, "BSc Medical Laboratory Science");
    assert_eq!(
        jun.person.work_state.map(|c| c.to_string()).as_deref(),
        Some("CA")
    );

    // Sent again, the file adds no one: everyone is in the list already.
    let again = labpath_app::people::import(&app, &staff(org), &file)
        .await
        .unwrap_err();
    assert_eq!(again.problems.len(), 50);
    assert!(
        again.problems[0].message.contains("is already in the list"),
        "{again:?}"
    );
    let count = store.people(Some(org)).await.unwrap().len();
    assert_eq!(count, 50);
    // Another organization's list is its own: the same file adds 50 there.
    let other = store.create_organization("Agency B").await.unwrap().id;
    let theirs = labpath_app::people::import(&app, &staff(other), &file)
        .await
        .unwrap();
    assert_eq!(theirs.len(), 50);
}

#[tokio::test]
async fn three_bad_lines_of_fifty_add_no_one_and_each_is_said_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let before = store.counts().await.unwrap();

    let e = labpath_app::people::import(
        &app,
        &Principal::local(ACTOR),
        &example("candidates-3-bad.csv"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    let at: Vec<(Option<usize>, Option<&str>)> = e
        .problems
        .iter()
        .map(|p| (p.line, p.field.as_deref()))
        .collect();
    assert_eq!(
        at,
        [
            (Some(8), Some("email")),
            (Some(24), Some("credentials")),
            (Some(42), Some("work_state")),
        ],
        "{:#?}",
        e.problems
    );
    assert!(
        e.problems[0]
            .message
            .contains("`paolo.bautista@` is not an email address"),
        "{}",
        e.problems[0]
    );
    assert!(
        e.problems[1]
            .message
            .contains("`MLS(ASPC)` names no credential"),
        "{}",
        e.problems[1]
    );
    assert!(
        e.problems[2]
            .message
            .contains("`NYC` is not a US state or territory code"),
        "{}",
        e.problems[2]
    );
    assert!(
        e.message.starts_with("line 8: field `email`:") && e.message.ends_with("no one was added"),
        "{}",
        e.message
    );
    assert_eq!(store.counts().await.unwrap(), before, "nothing was written");
    assert!(store.people(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_candidate_may_not_import_people() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let org = store.create_organization("Agency A").await.unwrap().id;
    let me = labpath_store::ops::add_person(&store, ACTOR, "Maria", Some(org))
        .await
        .unwrap();
    let candidate = Principal {
        scope: Scope::Own(org, Some(me.id)),
        role: Some(Role::Candidate),
        actor: ACTOR.to_owned(),
    };
    let e = labpath_app::people::import(&app, &candidate, &example("candidates.csv"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert_eq!(store.people(None).await.unwrap().len(), 1);
}
