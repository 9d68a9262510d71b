//! The contract suite on SQLite: a fresh database in a temporary data
//! directory for every test.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::PathBuf;

use labpath_store::jobs::{Backoff, JobQueue};
use labpath_store_sqlite::{DB_FILE, SqliteStore};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use tests_store::contract_accounts::RawSql;
use tests_store::contract_jobs::Replicas;

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path()).await.expect("a new store");
    (dir, store)
}

/// A second connection to the store's file, which the store does not lend.
struct Sql(SqlitePool);

#[async_trait::async_trait]
impl RawSql for Sql {
    async fn execute(&self, sql: &str) -> Result<u64, String> {
        sqlx::query(sql)
            .execute(&self.0)
            .await
            .map(|done| done.rows_affected())
            .map_err(|e| e.to_string())
    }
}

async fn sql(dir: &tempfile::TempDir, _store: &SqliteStore) -> Sql {
    let options = SqliteConnectOptions::new().filename(dir.path().join(DB_FILE));
    Sql(SqlitePool::connect_with(options)
        .await
        .expect("a second connection"))
}

tests_store::contract_suite!(fresh, sql);

/// Each queue on a store of its own opened on the same data directory, as
/// another process on the file would.
struct Dir(PathBuf);

#[async_trait::async_trait]
impl Replicas for Dir {
    async fn queue(&self, backoff: Backoff) -> Box<dyn JobQueue> {
        let store = SqliteStore::open(&self.0).await.expect("the store again");
        Box::new(store.jobs().with_backoff(backoff))
    }
}

async fn replicas(dir: &tempfile::TempDir, _store: &SqliteStore) -> Dir {
    Dir(dir.path().to_owned())
}

tests_store::queue_suite!(fresh, replicas);
