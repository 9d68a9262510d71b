//! Writing: every change appends one event and updates the derived tables,
//! inside the caller's transaction, with the shared code of
//! `labpath_store_sql::write`. What is PostgreSQL's own is how writers
//! take turns, and whose clock dates an event.
//!
//! Every write transaction starts by taking one transaction-level advisory
//! lock (`lock`), held until it commits or rolls back. Writers, from any
//! replica, therefore run one at a time, as SQLite's `BEGIN IMMEDIATE`
//! makes them: a change is checked against a state no one else is changing
//! (READ COMMITTED needs nothing more), ids are MAX + 1 with no gaps, and
//! event ids grow in commit order. Readers never wait for it. Writes are a
//! few small statements, so one at a time is far above what an agency
//! records.

use chrono::{DateTime, Utc};
use labpath_store::StoreError;
use labpath_store::time::Timestamp;
use sqlx::{Postgres, Transaction};

use crate::convert::{db_error, time};

type Tx<'c> = Transaction<'c, Postgres>;

/// The advisory lock every writer holds: "labpath" in ASCII, then 1 (the
/// tracker's writes). Another program using the same number on this
/// database would only make labpath's writers wait.
const WRITE_LOCK: i64 = 0x6c61_6270_6174_6801;

/// Takes the write lock for the rest of the transaction.
pub(crate) async fn lock(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut **tx)
        .await
        .map_err(|e| db_error("waiting for the write lock", e))?;
    Ok(())
}

/// The database server's clock, read once the lock is held: the time an
/// event is recorded at. One clock for every replica, so event times grow
/// with event ids whichever replica records a change.
pub(crate) async fn now(tx: &mut Tx<'_>) -> Result<Timestamp, StoreError> {
    let row: (DateTime<Utc>,) = sqlx::query_as("SELECT clock_timestamp()")
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| db_error("reading the time", e))?;
    time("clock_timestamp", row.0)
}
