//! What only the SQLite backend has: its file on disk. A damaged or foreign
//! file is refused and left as it was; a backup is a consistent copy that
//! never overwrites; the log cannot be edited even with SQL. The machine's
//! refusals (a full disk, a data directory that cannot be made, a database
//! that may not be written) are told apart from failures of labpath.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_store::ops;
use labpath_store::{Store, StoreError};
use labpath_store_sqlite::{DB_FILE, SqliteStore};

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let garbage = b"this is my thesis, not a database\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let e = SqliteStore::open(dir.path()).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    assert!(e.to_string().contains("is not a labpath database"), "{e}");
    assert!(e.to_string().contains("left untouched"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists());
}

#[tokio::test]
async fn a_damaged_database_is_reported_and_not_written_to() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    for i in 0..200 {
        ops::add_person(
            &store,
            "t",
            &format!("person {i} with a long enough name to fill pages"),
            None,
        )
        .await
        .unwrap();
    }
    store.close().await;
    let path = dir.path().join(DB_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    // Keep the header, wreck every page after the first two.
    for b in bytes.iter_mut().skip(8192) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let result = async {
        let store = SqliteStore::open(dir.path()).await?;
        store.people(None).await?;
        store.integrity_check().await
    }
    .await;
    let e = result.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file was changed");
}

#[tokio::test]
async fn another_programs_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let other = SqliteStore::open(dir.path()).await.unwrap();
    other.close().await;
    // Make a database of "another program" next to it, then point at it.
    let foreign = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join(DB_FILE), foreign.path().join(DB_FILE)).unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}",
        foreign.path().join(DB_FILE).display()
    ))
    .await
    .unwrap();
    sqlx::query("DROP TABLE _sqlx_migrations")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let e = SqliteStore::open(foreign.path()).await.unwrap_err();
    assert!(e.to_string().contains("not labpath's"), "{e}");
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    ops::add_person(&store, "t", "Maria", None).await.unwrap();
    let target = dir.path().join("copy.db");
    store.backup(&target).await.unwrap();
    let e = store.backup(&target).await.unwrap_err();
    assert!(e.to_string().contains("never overwrites"), "{e}");
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&target, restored.path().join(DB_FILE)).unwrap();
    let copy = SqliteStore::open(restored.path()).await.unwrap();
    copy.integrity_check().await.unwrap();
    assert_eq!(
        copy.people(None).await.unwrap(),
        store.people(None).await.unwrap()
    );
}

#[tokio::test]
async fn the_log_cannot_be_edited_even_with_sql() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    ops::add_person(&store, "t", "Maria", None).await.unwrap();
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.path().join(DB_FILE).display()))
        .await
        .unwrap();
    for sql in ["UPDATE events SET actor = 'mallory'", "DELETE FROM events"] {
        let e = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
}

/// A connection of its own to the database of a fresh store in `dir`.
async fn raw_connection(dir: &std::path::Path, read_only: bool) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    SqliteStore::open(dir).await.unwrap().close().await;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.join(DB_FILE))
        .read_only(read_only);
    sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_full_disk_is_the_machines_refusal_and_says_to_free_space() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = raw_connection(dir.path(), false).await;
    // SQLite answers SQLITE_FULL, as on a full disk, once a database
    // reaches its page limit.
    sqlx::query("PRAGMA max_page_count = 1")
        .execute(&mut conn)
        .await
        .unwrap();
    let full = sqlx::query("CREATE TABLE filler (x BLOB)")
        .execute(&mut conn)
        .await
        .unwrap_err();
    let e = labpath_store_sql::db_error("adding a person", full);
    assert!(matches!(e, StoreError::Environment(_)), "{e}");
    assert!(e.to_string().contains("the disk is full"), "{e}");
    assert!(e.to_string().contains("free some space"), "{e}");
    assert!(!e.is_bad_input());
}

#[tokio::test]
async fn a_database_that_may_not_be_written_is_the_machines_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = raw_connection(dir.path(), true).await;
    let refused = sqlx::query("CREATE TABLE filler (x BLOB)")
        .execute(&mut conn)
        .await
        .unwrap_err();
    let e = labpath_store_sql::db_error("adding a person", refused);
    assert!(matches!(e, StoreError::Environment(_)), "{e}");
    assert!(e.to_string().contains("writable by this user"), "{e}");
}

#[tokio::test]
async fn a_data_directory_below_a_file_is_the_machines_refusal() {
    // No user can create a folder inside a file, root included.
    let file = tempfile::NamedTempFile::new().unwrap();
    let e = SqliteStore::open(&file.path().join("data"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Environment(_)), "{e}");
    assert!(
        e.to_string().contains("cannot create the data directory"),
        "{e}"
    );
    assert!(
        e.to_string().contains("choose another data directory"),
        "{e}"
    );
}

#[tokio::test]
async fn a_folder_where_the_database_file_goes_is_the_machines_refusal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(DB_FILE)).unwrap();
    let e = SqliteStore::open(dir.path()).await.unwrap_err();
    assert!(matches!(e, StoreError::Environment(_)), "{e}");
    assert!(
        e.to_string()
            .contains("a folder stands where a file is needed"),
        "{e}"
    );
}
