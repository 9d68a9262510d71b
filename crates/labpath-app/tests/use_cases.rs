//! The use cases of eligibility, plans, status, the calendar, the
//! dashboard and the export, over a real SQLite store and the shipped
//! catalog: what each principal reaches, and what each answers.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_app::{App, AppError, Kind, Principal, Scope};
use labpath_engine::catalog::Catalog;
use labpath_engine::plan::{Optimize, Options};
use labpath_engine::units::Date;
use labpath_store::accounts::Role;
use labpath_store::ids::{OrgId, PersonId};
use labpath_store::model::Window;
use labpath_store::ops;
use labpath_store::status::AppStatus;
use labpath_store::{Accounts, Store};
use labpath_store_sqlite::SqliteStore;

const ACTOR: &str = "use-case-test";

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the shipped catalog reads")
}

fn day(text: &str) -> Date {
    Date::parse(text).expect("a day")
}

fn org(id: OrgId) -> Principal {
    Principal {
        scope: Scope::Org(id),
        role: Some(Role::Staff),
        actor: ACTOR.to_owned(),
    }
}

/// A profile from the examples, as the store keeps it.
fn example(name: &str, catalog: &Catalog) -> serde_json::Value {
    let path = format!(
        "{}/../../examples/profiles/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let profile = labpath_catalog::profile::load(std::path::Path::new(&path), catalog)
        .expect("the example reads");
    serde_json::to_value(&profile).expect("a profile serializes")
}

/// A person of `org` (none: local) with an example profile.
async fn someone(store: &SqliteStore, catalog: &Catalog, org: Option<OrgId>) -> PersonId {
    let p = ops::add_person(store, ACTOR, "Maria", org)
        .await
        .unwrap()
        .id;
    ops::record_profile(store, ACTOR, p, example("mlt-ascp-bachelor", catalog))
        .await
        .unwrap();
    p
}

/// Five decided applications of `step` for `person`, each 40 days from
/// submission to approval.
async fn decided(store: &SqliteStore, catalog: &Catalog, person: PersonId, step: &str) {
    let step = catalog.step(step).expect("the step exists");
    for i in 0..5 {
        let app = ops::new_application(store, ACTOR, person, step)
            .await
            .unwrap()
            .application
            .id;
        let submitted = day("2025-01-01").add_days(i);
        ops::change_status(store, ACTOR, app, AppStatus::Submitted, submitted, None)
            .await
            .unwrap();
        ops::change_status(
            store,
            ACTOR,
            app,
            AppStatus::Approved,
            submitted.add_days(40),
            None,
        )
        .await
        .unwrap();
    }
}

fn not_found(e: &AppError) -> bool {
    e.kind == Kind::NotFound("person")
}

#[tokio::test]
async fn a_plan_learns_only_from_the_durations_its_principal_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let a = store.create_organization("Agency A").await.unwrap().id;
    let b = store.create_organization("Agency B").await.unwrap().id;
    let maria = someone(&store, &catalog, Some(a)).await;
    decided(&store, &catalog, maria, "ascp-mls-sit").await;

    let of_a = labpath_app::plan::history(&app, &org(a)).await.unwrap();
    assert_eq!(of_a["ascp-mls-sit"].days.len(), 5, "{of_a:?}");
    let of_b = labpath_app::plan::history(&app, &org(b)).await.unwrap();
    assert!(
        of_b.is_empty(),
        "agency B sees agency A's durations: {of_b:?}"
    );
    // Local mode lends the whole data directory's.
    let local = labpath_app::plan::history(&app, &Principal::local(ACTOR))
        .await
        .unwrap();
    assert_eq!(local, of_a);

    // A plan for agency A's person uses them; agency B cannot plan for her.
    let options = Options {
        from: day("2026-01-05"),
        optimize: Optimize::Time,
        samples: 200,
        seed: 7,
    };
    let request = labpath_app::plan::for_person(&app, &org(a), maria, "ascp-mls", options)
        .await
        .unwrap();
    assert_eq!(request.history, of_a);
    let report = request.plan(&catalog).expect("a plan reaches MLS(ASCP)");
    let chosen = &report.kept[report.chosen].schedule;
    assert!(
        chosen.steps.iter().any(|s| s.recorded.is_some()),
        "the recorded durations replace the catalog's"
    );
    let e = labpath_app::plan::for_person(&app, &org(b), maria, "ascp-mls", options)
        .await
        .err()
        .expect("agency B cannot plan for agency A's person");
    assert!(not_found(&e), "{e:?}");
    store.close().await;
}

#[tokio::test]
async fn a_plan_refuses_an_unknown_goal_and_says_why_none_reaches_a_goal() {
    let catalog = catalog();
    let profile: labpath_engine::profile::Profile =
        serde_json::from_value(example("mlt-ascp-bachelor", &catalog)).unwrap();
    let options = Options {
        from: day("2026-01-05"),
        optimize: Optimize::Time,
        samples: 100,
        seed: 1,
    };
    let e = labpath_app::plan::request(&catalog, profile.clone(), "no-such-goal", options)
        .err()
        .expect("an unknown goal is refused");
    assert_eq!((e.kind, e.field.as_deref()), (Kind::Invalid, Some("goal")));
    // The goal's work state fills a profile that names none.
    let request = labpath_app::plan::request(&catalog, profile, "work-mls-ny", options).unwrap();
    assert!(request.profile.person.work_state.is_some());
}

#[tokio::test]
async fn eligibility_and_questions_read_the_stored_profile_within_the_scope() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let a = store.create_organization("Agency A").await.unwrap().id;
    let b = store.create_organization("Agency B").await.unwrap().id;
    let maria = someone(&store, &catalog, Some(a)).await;
    let mls = labpath_app::eligibility::credential(&catalog, " ascp-mls ").unwrap();
    let as_of = day("2026-11-21");

    let mine = labpath_app::eligibility::of_person(&app, &org(a), maria, as_of, &[mls])
        .await
        .unwrap();
    assert_eq!(mine.evaluation.credentials.len(), 1);
    let e = labpath_app::eligibility::of_person(&app, &org(b), maria, as_of, &[])
        .await
        .err()
        .expect("another organization's person is not found");
    assert!(not_found(&e), "{e:?}");

    let e = labpath_app::eligibility::credential(&catalog, "ascp-mlss").unwrap_err();
    assert_eq!(e.kind, Kind::NotFound("credential"));
    assert!(
        e.message.contains("did you mean `ascp-mls`"),
        "{}",
        e.message
    );

    let e =
        labpath_app::eligibility::person_questions(&app, &org(a), maria, Some("nowhere"), as_of)
            .await
            .unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (Kind::Invalid, Some("goal")));

    let nobody = ops::add_person(&store, ACTOR, "Ana", Some(a))
        .await
        .unwrap()
        .id;
    let e = labpath_app::eligibility::of_person(&app, &org(a), nobody, as_of, &[])
        .await
        .err()
        .expect("a person without a profile has no eligibility");
    assert_eq!(e.kind, Kind::NoProfile);
    store.close().await;
}

#[tokio::test]
async fn status_calendar_and_dashboard_keep_to_the_scope_and_page_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let catalog = catalog();
    let app = App::new(&catalog, &store);
    let a = store.create_organization("Agency A").await.unwrap().id;
    let b = store.create_organization("Agency B").await.unwrap().id;
    let today = day("2026-03-01");
    let mut ours = Vec::new();
    for name in ["Ana", "Ben", "Cy"] {
        let p = ops::add_person(&store, ACTOR, name, Some(a))
            .await
            .unwrap()
            .id;
        ops::add_reminder(&store, ACTOR, p, None, day("2026-02-01"), "call the board")
            .await
            .unwrap();
        ours.push(p);
    }
    let theirs = ops::add_person(&store, ACTOR, "Dee", Some(b))
        .await
        .unwrap()
        .id;
    ops::add_reminder(&store, ACTOR, theirs, None, day("2026-03-10"), "send it")
        .await
        .unwrap();

    let agenda = labpath_app::agenda::status(&app, &org(a), None, today)
        .await
        .unwrap();
    assert_eq!(agenda.people.len(), 3);
    assert!(agenda.alerts.iter().all(|x| ours.contains(&x.person)));
    assert!(agenda.deadlines.iter().all(|d| ours.contains(&d.person)));
    let e = labpath_app::agenda::status(&app, &org(a), Some(theirs), today)
        .await
        .err()
        .expect("another organization's person is not found");
    assert!(not_found(&e), "{e:?}");

    let entries = labpath_app::calendar::calendar(&app, &org(b), None, today)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].uid.starts_with(&format!("person{theirs}-")));

    let filter = labpath_app::dashboard::Filter {
        overdue_only: true,
        ..Default::default()
    };
    let window = Window {
        offset: 1,
        limit: 1,
    };
    let board = labpath_app::dashboard::dashboard(&app, &org(a), &filter, window, today)
        .await
        .unwrap();
    assert_eq!(board.candidates.total, 3);
    assert_eq!(board.candidates.items.len(), 1);
    assert_eq!(board.candidates.items[0].person.id, ours[1]);
    let counts: Vec<(&str, u64)> = board.columns.iter().map(|c| (c.stage, c.count)).collect();
    assert_eq!(
        counts,
        [
            ("no_profile", 3),
            ("planning", 0),
            ("draft", 0),
            ("submitted", 0),
            ("under_review", 0),
            ("done", 0)
        ],
        "every stage is a column, the empty ones too"
    );
    assert_eq!(board.overdue.len(), 3);
    // The reminders whose day has passed are lapsing, by name.
    let names: Vec<&str> = board
        .lapsing
        .iter()
        .map(|d| d["person_name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Ana", "Ben", "Cy"]);
    let board = labpath_app::dashboard::dashboard(&app, &org(b), &filter, Window::ALL, today)
        .await
        .unwrap();
    assert_eq!(
        board.candidates.total, 0,
        "Dee's reminder is not overdue yet"
    );
    assert!(board.lapsing.is_empty(), "a reminder lapses from its day");
    store.close().await;
}

#[tokio::test]
async fn an_export_takes_the_scope_and_only_local_mode_imports() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let a = store.create_organization("Agency A").await.unwrap().id;
    let b = store.create_organization("Agency B").await.unwrap().id;
    let ana = ops::add_person(&store, ACTOR, "Ana", Some(a))
        .await
        .unwrap()
        .id;
    ops::add_person(&store, ACTOR, "Dee", Some(b))
        .await
        .unwrap();
    ops::add_person(&store, ACTOR, "Lee", None).await.unwrap();

    let taken = labpath_app::data::take(&store, &org(a)).await.unwrap();
    assert!(!taken.events.is_empty());
    assert!(taken.events.iter().all(|e| e.person == ana));
    let whole = labpath_app::data::export(&store, &Principal::local(ACTOR))
        .await
        .unwrap();
    let people: std::collections::BTreeSet<_> = whole.events.iter().map(|e| e.person).collect();
    assert_eq!(people.len(), 3, "local mode takes the whole directory");

    let other = tempfile::tempdir().unwrap();
    let empty = SqliteStore::open(other.path()).await.unwrap();
    let e = labpath_app::data::import(&empty, &org(a), &whole)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    assert!(empty.counts().await.unwrap().is_empty());
    let mut damaged = whole.clone();
    damaged.format = "something else".to_owned();
    let e = labpath_app::data::import(&empty, &Principal::local(ACTOR), &damaged)
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("file"));
    store.close().await;
    empty.close().await;
}
