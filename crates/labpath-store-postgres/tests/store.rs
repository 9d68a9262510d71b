//! What only the PostgreSQL backend has: a server shared by replicas. The
//! log cannot be edited even with SQL; a database of another program is
//! refused and left as it was, and one written by a newer labpath too;
//! replicas starting at once migrate once; writers on separate pools are
//! serialized, so event ids are gapless and in commit order; a file changed
//! in the database is reported. (The behaviours every backend shares are the
//! contract suite, `crates/tests-store/tests/postgres.rs`.)

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_store::attachment;
use labpath_store::event::{Change, Channel, ContactEntry, NewApplicationData, Pending};
use labpath_store::ids::PersonId;
use labpath_store::model::EventQuery;
use labpath_store::ops;
use labpath_store::{Store, StoreError};
use labpath_store_postgres::PgStore;
use labpath_store_postgres::testing::TestDatabase;

async fn empty_database() -> Option<TestDatabase> {
    TestDatabase::create()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn execute(store: &PgStore, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(store.pool()).await.map(|_| ())
}

#[tokio::test]
async fn the_log_cannot_be_edited_even_with_sql() {
    let Some(db) = empty_database().await else {
        return;
    };
    let store = db.store().await.unwrap();
    ops::add_person(&store, "t", "Maria", None).await.unwrap();
    for sql in [
        "UPDATE events SET actor = 'mallory'",
        "DELETE FROM events",
        "TRUNCATE events CASCADE",
    ] {
        let e = execute(&store, sql).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let events = store.events(&EventQuery::default()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "t");
}

#[tokio::test]
async fn a_database_of_another_program_is_refused_and_left_untouched() {
    let Some(db) = empty_database().await else {
        return;
    };
    let pool = db.config().connect().await.unwrap();
    sqlx::query("CREATE TABLE invoices (id integer)")
        .execute(&pool)
        .await
        .unwrap();
    let e = PgStore::connect(db.config()).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    assert!(e.to_string().contains("not labpath's"), "{e}");
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(tables, [("invoices".to_owned(),)]);
}

#[tokio::test]
async fn a_database_written_by_a_newer_labpath_is_refused() {
    let Some(db) = empty_database().await else {
        return;
    };
    let store = db.store().await.unwrap();
    execute(
        &store,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, '\\x00', 0)",
    )
    .await
    .unwrap();
    let e = PgStore::connect(db.config()).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("newer labpath"), "{e}");
}

#[tokio::test]
async fn replicas_starting_at_once_migrate_once() {
    let Some(db) = empty_database().await else {
        return;
    };
    let (a, b, c) = tokio::join!(
        PgStore::connect(db.config()),
        PgStore::connect(db.config()),
        PgStore::connect(db.config())
    );
    let (a, b, _c) = (a.unwrap(), b.unwrap(), c.unwrap());
    let p = ops::add_person(&a, "replica-a", "Maria", None)
        .await
        .unwrap();
    assert_eq!(b.person(p.id).await.unwrap().name, "Maria");
    let applied: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(a.pool())
        .await
        .unwrap();
    // Each migration once: as many rows as files in `migrations/`.
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .count();
    assert_eq!(applied.0, i64::try_from(files).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_on_two_replicas_get_gapless_ids_in_commit_order() {
    let Some(db) = empty_database().await else {
        return;
    };
    let a = db.store().await.unwrap();
    let b = PgStore::connect(db.config()).await.unwrap();
    let maria = ops::add_person(&a, "t", "Maria", None).await.unwrap().id;
    let created = Pending {
        actor: "t".to_owned(),
        person: Some(maria),
        application: None,
        change: Change::ApplicationCreated(NewApplicationData {
            step: "ny-clt-apply".to_owned(),
            title: "Apply for the New York CLT license".to_owned(),
            body: Some("nysed-op".to_owned()),
            checklist: Vec::new(),
            reference: None,
        }),
    };
    let app = a.append(created).await.unwrap().application.unwrap();
    let writer = |store: PgStore, name: &'static str| {
        tokio::spawn(async move {
            for i in 0..15 {
                // Half the writes add people, half log contacts on one
                // application: ids of both kinds come from the same lock.
                if i % 2 == 0 {
                    ops::add_person(&store, name, &format!("{name} {i}"), None)
                        .await
                        .unwrap();
                } else {
                    let entry = ContactEntry {
                        on: labpath_engine::units::Date::parse("2025-02-01").unwrap(),
                        channel: Channel::Email,
                        with: None,
                        summary: format!("{name} {i}"),
                        promised: None,
                    };
                    ops::add_contact(&store, name, app, entry).await.unwrap();
                }
            }
        })
    };
    let (x, y) = (
        writer(a.clone(), "replica-a"),
        writer(b.clone(), "replica-b"),
    );
    x.await.unwrap();
    y.await.unwrap();
    let events = b.events(&EventQuery::default()).await.unwrap();
    let ids: Vec<i64> = events.iter().map(|e| e.id.get()).collect();
    assert_eq!(ids, (1..=32).collect::<Vec<i64>>());
    // Commit order is id order, and the times (the server's clock) follow it.
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
    let people: Vec<PersonId> = a.people(None).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(people.len(), 1 + 16);
    assert_eq!(a.contacts(app).await.unwrap().len(), 14);
}

#[tokio::test]
async fn a_file_changed_in_the_database_is_reported() {
    let Some(db) = empty_database().await else {
        return;
    };
    let store = db.store().await.unwrap();
    let file = attachment::check("receipt.pdf", b"%PDF-1.4 receipt".to_vec()).unwrap();
    store.put_file(&file).await.unwrap();
    store.put_file(&file).await.unwrap(); // stored once
    assert_eq!(store.counts().await.unwrap().files, 1);
    execute(&store, "UPDATE files SET content = '\\x00'")
        .await
        .unwrap();
    let e = store.file(&file.hash).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    let e = store.file("../etc/passwd").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
}
