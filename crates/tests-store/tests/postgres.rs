//! The contract suite on PostgreSQL: a new database for every store, dropped
//! when the test ends. Skips with a notice when the server is unreachable,
//! except in CI (`CI=true`), where that fails (`labpath_store_postgres::testing`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_store_postgres::PgStore;
use labpath_store_postgres::testing::TestDatabase;

async fn fresh() -> Option<(TestDatabase, PgStore)> {
    let db = TestDatabase::create()
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    let store = db.store().await.expect("a new store");
    Some((db, store))
}

tests_store::contract_suite!(optional fresh);
