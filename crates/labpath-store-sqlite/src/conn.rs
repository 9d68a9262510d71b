//! How SQLite runs the shared statements (`labpath_store_sql::Conn`): days
//! are bound as `YYYY-MM-DD` text and instants as RFC 3339 text with
//! milliseconds, so both sort and compare as text, as migration 0001 says.

use std::ops::DerefMut;

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::time::Timestamp;
use labpath_store_sql::{Conn, Param, Sql};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteRow};
use sqlx::{Sqlite, query::Query};

/// A connection or a transaction of the store's pool.
pub(crate) struct Lite<C>(pub C);

type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments<'q>>;

fn bind<'q>(q: SqliteQuery<'q>, param: &'q Param) -> SqliteQuery<'q> {
    match param {
        Param::Int(n) => q.bind(*n),
        Param::Small(n) => q.bind(*n),
        Param::Text(t) => q.bind(t.as_deref()),
        Param::Day(d) => q.bind(d.map(|d| d.to_string())),
        Param::Instant(t) => q.bind(t.to_string()),
        Param::Json(text) => q.bind(text.as_str()),
    }
}

fn query(sql: &Sql) -> SqliteQuery<'_> {
    sql.params().iter().fold(sqlx::query(sql.text()), bind)
}

#[async_trait]
impl<C: DerefMut<Target = SqliteConnection> + Send> Conn for Lite<C> {
    type Row = SqliteRow;

    async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        let done = query(&sql).execute(&mut *self.0).await;
        done.map(|d| d.rows_affected()).map_err(|e| sql.error(e))
    }

    async fn fetch_all(&mut self, sql: Sql) -> Result<Vec<SqliteRow>, StoreError> {
        let rows = query(&sql).fetch_all(&mut *self.0).await;
        rows.map_err(|e| sql.error(e))
    }

    async fn now(&mut self) -> Result<Timestamp, StoreError> {
        // This machine's clock, as every time SQLite records.
        Ok(Timestamp::now())
    }
}
