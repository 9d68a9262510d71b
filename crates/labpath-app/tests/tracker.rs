//! The tracker's use cases on a real SQLite store with the shipped
//! catalog: what a principal reaches is what its scope allows, and lists
//! come a window at a time with the size of the whole.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_app::attachments::AttachTo;
use labpath_app::once::Made;
use labpath_app::{
    App, AppError, Kind, Principal, Scope, applications, attachments, contacts, documents,
    reminders,
};
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::Store;
use labpath_store::accounts::{Accounts, Role};
use labpath_store::event::Channel;
use labpath_store::ids::{ApplicationId, OrgId, PersonId};
use labpath_store::model::{ApplicationsFilter, Window};
use labpath_store::ops::{self, DocUpdate};
use labpath_store::status::{AppStatus, DocStatus};
use labpath_store_sqlite::SqliteStore;

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the shipped catalog")
}

fn day(text: &str) -> Date {
    Date::parse(text).expect("a day")
}

fn staff_of(org: OrgId) -> Principal {
    Principal {
        scope: Scope::Org(org),
        role: Some(Role::Staff),
        actor: format!("staff of {org}"),
    }
}

/// Two organizations, each with one person who has an application.
struct Agencies {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    a: OrgId,
    b: OrgId,
    in_a: PersonId,
    in_b: PersonId,
}

async fn agencies() -> Agencies {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path()).await.expect("a new store");
    let a = store.create_organization("Agency A").await.unwrap().id;
    let b = store.create_organization("Lab B").await.unwrap().id;
    let in_a = ops::add_person(&store, "t", "Maria", Some(a))
        .await
        .unwrap()
        .id;
    let in_b = ops::add_person(&store, "t", "Ana", Some(b))
        .await
        .unwrap()
        .id;
    Agencies {
        _dir: dir,
        store,
        a,
        b,
        in_a,
        in_b,
    }
}

async fn open(app: &App<'_>, who: &Principal, person: PersonId) -> ApplicationId {
    applications::open(app, who, person, "ny-clt-apply", None, None)
        .await
        .and_then(Made::new_only)
        .unwrap()
        .application
        .id
}

fn not_found<T: std::fmt::Debug>(result: Result<T, AppError>, what: &'static str) {
    match result {
        Err(e) => assert_eq!(e.kind, Kind::NotFound(what), "{e}"),
        Ok(v) => panic!("expected {what} not found, got {v:?}"),
    }
}

#[tokio::test]
async fn another_organizations_application_is_not_found_and_left_unchanged() {
    let t = agencies().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store);
    let (staff_a, staff_b) = (staff_of(t.a), staff_of(t.b));
    let theirs = open(&app, &staff_b, t.in_b).await;
    let reminder = reminders::add(
        &app,
        &staff_b,
        reminders::NewReminder {
            person: None,
            application: Some(theirs),
            due: day("2030-01-01"),
            what: "call the board".to_owned(),
        },
        None,
    )
    .await
    .and_then(Made::new_only)
    .unwrap();
    let before = t.store.counts().await.unwrap();

    not_found(
        applications::show(&app, &staff_a, theirs).await,
        "application",
    );
    not_found(
        applications::history(&app, &staff_a, theirs, None, Window::ALL).await,
        "application",
    );
    let change = applications::Change {
        status: Some(AppStatus::Submitted),
        on: day("2025-01-02"),
        note: None,
        reference: Some("R-1".to_owned()),
        attach: Vec::new(),
    };
    not_found(
        applications::update(&app, &staff_a, theirs, change).await,
        "application",
    );
    let document = DocUpdate {
        key: "form-1".to_owned(),
        to: DocStatus::Requested,
        on: day("2025-01-02"),
        requested_from: None,
        method: None,
        tracking: None,
        reason: None,
        note: None,
    };
    not_found(
        documents::update(&app, &staff_a, theirs, document, &[]).await,
        "application",
    );
    let contact = contacts::NewContact {
        on: day("2025-01-02"),
        channel: Channel::Call,
        with: None,
        summary: "asked".to_owned(),
        promised: None,
        attach: Vec::new(),
    };
    not_found(
        contacts::add(&app, &staff_a, theirs, contact).await,
        "application",
    );
    not_found(contacts::list(&app, &staff_a, theirs).await, "application");
    not_found(
        attachments::list(&app, &staff_a, theirs).await,
        "application",
    );
    let file = labpath_store::attachment::check("r.pdf", b"%PDF-1.4 receipt".to_vec()).unwrap();
    not_found(
        attachments::add(&app, &staff_a, theirs, file, AttachTo::default()).await,
        "application",
    );
    not_found(
        reminders::done(&app, &staff_a, reminder.id, day("2025-01-02")).await,
        "reminder",
    );
    // Naming their person, or their application for a reminder.
    let filter = ApplicationsFilter {
        person: Some(t.in_b),
        ..ApplicationsFilter::default()
    };
    not_found(
        applications::list(&app, &staff_a, &filter, Window::ALL).await,
        "person",
    );
    not_found(
        applications::open(&app, &staff_a, t.in_b, "ny-clt-apply", None, None).await,
        "person",
    );
    let theirs_too = reminders::NewReminder {
        person: None,
        application: Some(theirs),
        due: day("2030-01-01"),
        what: "x".to_owned(),
    };
    not_found(
        reminders::add(&app, &staff_a, theirs_too, None).await,
        "application",
    );
    assert_eq!(t.store.counts().await.unwrap(), before, "a refusal wrote");
    // The message is the one of an id that does not exist.
    let e = applications::show(&app, &staff_a, theirs)
        .await
        .unwrap_err();
    assert_eq!(e.message, format!("application `{theirs}` does not exist"));
    // Their own staff reach it.
    assert!(applications::show(&app, &staff_b, theirs).await.is_ok());
}

#[tokio::test]
async fn applications_come_a_window_at_a_time_with_the_count() {
    let t = agencies().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store);
    let staff_a = staff_of(t.a);
    let mut ours = Vec::new();
    for _ in 0..5 {
        ours.push(open(&app, &staff_a, t.in_a).await);
    }
    open(&app, &staff_of(t.b), t.in_b).await;
    let all = ApplicationsFilter::default();
    let page = |offset| Window { offset, limit: 2 };
    let second = applications::list(&app, &staff_a, &all, page(2))
        .await
        .unwrap();
    let ids: Vec<_> = second.items.iter().map(|a| a.id).collect();
    assert_eq!((ids, second.total), (ours[2..4].to_vec(), 5));
    // A candidate reaches their own record only.
    let candidate = Principal {
        scope: Scope::Own(t.a, Some(t.in_a)),
        role: Some(Role::Candidate),
        actor: "candidate".to_owned(),
    };
    let own = applications::list(&app, &candidate, &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(own.total, 5);
    let unlinked = Principal {
        scope: Scope::Own(t.a, None),
        role: Some(Role::Candidate),
        actor: "candidate".to_owned(),
    };
    let none = applications::list(&app, &unlinked, &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(none.total, 0);
    not_found(
        applications::show(&app, &unlinked, ours[0]).await,
        "application",
    );
}

#[tokio::test]
async fn history_is_read_after_an_event_a_window_at_a_time() {
    let t = agencies().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store);
    let staff = staff_of(t.a);
    let id = open(&app, &staff, t.in_a).await;
    let change = applications::Change {
        status: Some(AppStatus::Submitted),
        on: day("2025-01-02"),
        note: Some("mailed".to_owned()),
        reference: Some("R-7".to_owned()),
        attach: Vec::new(),
    };
    applications::update(&app, &staff, id, change)
        .await
        .unwrap();
    let all = applications::history(&app, &staff, id, None, Window::ALL)
        .await
        .unwrap();
    let kinds: Vec<&str> = all.items.iter().map(|e| e.change.kind()).collect();
    assert_eq!(
        kinds,
        ["application_created", "reference_set", "status_changed"]
    );
    let first = Window {
        offset: 0,
        limit: 1,
    };
    let after = applications::history(&app, &staff, id, Some(all.items[0].id), first)
        .await
        .unwrap();
    assert_eq!((after.items, after.total), (vec![all.items[1].clone()], 2));
}

#[tokio::test]
async fn a_reminder_for_another_persons_application_is_refused() {
    let t = agencies().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store);
    let staff = staff_of(t.a);
    let other = ops::add_person(&t.store, "t", "Jun", Some(t.a))
        .await
        .unwrap()
        .id;
    let jun_s = open(&app, &staff, other).await;
    let new = reminders::NewReminder {
        person: Some(t.in_a),
        application: Some(jun_s),
        due: day("2030-01-01"),
        what: "call".to_owned(),
    };
    let e = reminders::add(&app, &staff, new, None).await.unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (Kind::Invalid, Some("application"))
    );
    assert_eq!(
        e.message,
        format!("application {jun_s} is not person {}'s", t.in_a)
    );
    // Given the application alone, the reminder is its person's.
    let new = reminders::NewReminder {
        person: None,
        application: Some(jun_s),
        due: day("2030-01-01"),
        what: "call".to_owned(),
    };
    let set = reminders::add(&app, &staff, new, None)
        .await
        .and_then(Made::new_only)
        .unwrap();
    assert_eq!(set.person, other);
    let listed = reminders::list(&app, &staff, Some(other), Window::ALL)
        .await
        .unwrap();
    assert_eq!(listed.items, [set]);
}

#[tokio::test]
async fn an_unknown_step_or_document_says_what_there_is() {
    let t = agencies().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store);
    let staff = staff_of(t.a);
    let e = applications::open(&app, &staff, t.in_a, " ny-clt-aply ", None, None)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (Kind::Invalid, Some("step")));
    assert_eq!(
        e.message,
        "unknown step `ny-clt-aply` (did you mean `ny-clt-apply`?)"
    );
    let id = open(&app, &staff, t.in_a).await;
    let change = DocUpdate {
        key: "form-9".to_owned(),
        to: DocStatus::Requested,
        on: day("2025-01-02"),
        requested_from: None,
        method: None,
        tracking: None,
        reason: None,
        note: None,
    };
    let e = documents::update(&app, &staff, id, change, &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound("document"));
    assert!(
        e.message.starts_with(&format!(
            "application {id} has no document `form-9`: its checklist has "
        )),
        "{e}"
    );
}
