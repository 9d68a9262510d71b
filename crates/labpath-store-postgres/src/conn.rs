//! How PostgreSQL runs the shared statements (`labpath_store_sql::Conn`):
//! days are bound as `date`, instants as `timestamptz`, JSON as `jsonb`;
//! the store's clock is the database server's, one for every replica.

use std::ops::DerefMut;

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::time::Timestamp;
use labpath_store_sql::{Conn, Param, Sql};
use sqlx::postgres::{PgArguments, PgConnection, PgRow};
use sqlx::types::Json;
use sqlx::{Postgres, query::Query};

use crate::convert::{db_error, pg_date};

/// A connection or a transaction of the store's pool.
pub(crate) struct Pg<C>(pub C);

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

fn bind<'q>(q: PgQuery<'q>, param: &'q Param) -> Result<PgQuery<'q>, StoreError> {
    Ok(match param {
        Param::Int(n) => q.bind(*n),
        Param::Small(n) => q.bind(*n),
        Param::Text(t) => q.bind(t.as_deref()),
        Param::Day(d) => q.bind(d.map(pg_date)),
        Param::Instant(t) => q.bind(t.to_utc()),
        Param::Json(text) => {
            let value: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| StoreError::Other(format!("cannot encode a record: {e}")))?;
            q.bind(Json(value))
        }
    })
}

fn query(sql: &Sql) -> Result<PgQuery<'_>, StoreError> {
    sql.params().iter().try_fold(sqlx::query(sql.text()), bind)
}

#[async_trait]
impl<C: DerefMut<Target = PgConnection> + Send> Conn for Pg<C> {
    type Row = PgRow;

    async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        let done = query(&sql)?.execute(&mut *self.0).await;
        done.map(|d| d.rows_affected()).map_err(|e| sql.error(e))
    }

    async fn fetch_all(&mut self, sql: Sql) -> Result<Vec<PgRow>, StoreError> {
        let rows = query(&sql)?.fetch_all(&mut *self.0).await;
        rows.map_err(|e| sql.error(e))
    }

    async fn now(&mut self) -> Result<Timestamp, StoreError> {
        let row: (chrono::DateTime<chrono::Utc>,) =
            sqlx::query_as("SELECT date_trunc('milliseconds', clock_timestamp())")
                .fetch_one(&mut *self.0)
                .await
                .map_err(|e| db_error("reading the time", e))?;
        Ok(Timestamp::from_utc(row.0))
    }
}
