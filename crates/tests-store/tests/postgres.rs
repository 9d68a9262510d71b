//! The contract suite on PostgreSQL: a new database for every store, dropped
//! when the test ends. Skips with a notice when the server is unreachable,
//! except in CI (`CI=true`), where that fails (`labpath_store_postgres::testing`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_store::jobs::{Backoff, JobQueue};
use labpath_store_postgres::testing::TestDatabase;
use labpath_store_postgres::{PgConfig, PgJobQueue, PgStore};
use sqlx::postgres::PgPool;
use tests_store::contract_accounts::RawSql;
use tests_store::contract_jobs::Replicas;

async fn fresh() -> Option<(TestDatabase, PgStore)> {
    let db = TestDatabase::create()
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    let store = db.store().await.expect("a new store");
    Some((db, store))
}

/// The store's own pool, used past the store.
struct Sql(PgPool);

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

async fn sql(_db: &TestDatabase, store: &PgStore) -> Sql {
    Sql(store.pool().clone())
}

tests_store::contract_suite!(optional fresh, sql);

/// Each queue on a pool of its own to the test's database, as another
/// replica has.
struct Pools(PgConfig);

#[async_trait::async_trait]
impl Replicas for Pools {
    async fn queue(&self, backoff: Backoff) -> Box<dyn JobQueue> {
        let pool = self.0.connect().await.expect("another pool");
        Box::new(PgJobQueue::new(pool).with_backoff(backoff))
    }
}

async fn replicas(db: &TestDatabase, _store: &PgStore) -> Pools {
    Pools(db.config().clone())
}

tests_store::queue_suite!(optional fresh, replicas);
