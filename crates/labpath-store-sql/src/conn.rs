//! The one thing each backend writes for the shared code: a connection
//! (`Conn`) that runs a statement (`Sql`: text with `$1`-style placeholders
//! and its parameters) and hands back the driver's rows. A parameter says
//! what it is (`Param`: a day, an instant, a JSON document...), and each
//! backend binds it in its own column type: SQLite writes days and instants
//! as text, PostgreSQL as `date` and `timestamptz`. Rows come back as the
//! driver's own and are decoded by the row structs of `rows`, which both
//! drivers decode (`TableRow`).

use async_trait::async_trait;
use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::time::Timestamp;

use crate::error::db_error;
use crate::rows::FailuresRow;
use crate::rows::{
    ApplicationRow, AttachmentRow, AuditRow, BoardRow, ContactRow, EventRow, ItemRow, LinkUserRow,
    OrganizationRow, PersonProfileRow, PersonRow, ProfileRow, ReminderRow, RequestKeyRow,
    SessionUserRow, UserRow,
};

/// A statement's parameter, as the store means it.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// An id or a size (`bigint`).
    Int(Option<i64>),
    /// A version, a position or a status code (`integer`).
    Small(Option<i32>),
    /// Text.
    Text(Option<String>),
    /// A calendar day.
    Day(Option<Date>),
    /// An instant.
    Instant(Timestamp),
    /// A JSON document, already written as text.
    Json(String),
}

impl Param {
    /// A count or version for an `integer` column; `Invalid` past its range.
    pub fn small(what: &str, n: u32) -> Result<Param, StoreError> {
        i32::try_from(n)
            .map(|n| Param::Small(Some(n)))
            .map_err(|_| StoreError::Invalid(format!("{what} {n} is too large")))
    }

    /// A value as JSON text.
    pub fn json(value: &impl serde::Serialize) -> Result<Param, StoreError> {
        serde_json::to_string(value)
            .map(Param::Json)
            .map_err(|e| StoreError::Other(format!("cannot encode a record: {e}")))
    }
}

impl From<i64> for Param {
    fn from(n: i64) -> Self {
        Param::Int(Some(n))
    }
}

impl From<Option<i64>> for Param {
    fn from(n: Option<i64>) -> Self {
        Param::Int(n)
    }
}

impl From<&str> for Param {
    fn from(t: &str) -> Self {
        Param::Text(Some(t.to_owned()))
    }
}

impl From<&String> for Param {
    fn from(t: &String) -> Self {
        Param::Text(Some(t.clone()))
    }
}

impl From<&Option<String>> for Param {
    fn from(t: &Option<String>) -> Self {
        Param::Text(t.clone())
    }
}

impl From<Date> for Param {
    fn from(d: Date) -> Self {
        Param::Day(Some(d))
    }
}

impl From<Option<Date>> for Param {
    fn from(d: Option<Date>) -> Self {
        Param::Day(d)
    }
}

impl From<Timestamp> for Param {
    fn from(t: Timestamp) -> Self {
        Param::Instant(t)
    }
}

/// A statement: its text, with `$1`, `$2`... for the parameters in order
/// (both drivers read them), and what the store was doing, for errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    text: String,
    params: Vec<Param>,
    doing: &'static str,
}

impl Sql {
    /// A statement of fixed text (one of `query`'s constants).
    pub fn new(text: &str, doing: &'static str) -> Self {
        Sql {
            text: text.to_owned(),
            params: Vec::new(),
            doing,
        }
    }

    /// Adds the next parameter of a fixed text.
    pub fn bind(mut self, param: impl Into<Param>) -> Self {
        self.params.push(param.into());
        self
    }

    /// Adds text to a statement built in pieces.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds a parameter to a statement built in pieces, with its placeholder.
    pub fn push_bind(&mut self, param: impl Into<Param>) -> &mut Self {
        self.params.push(param.into());
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parameters, in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// What the store was doing.
    pub fn doing(&self) -> &'static str {
        self.doing
    }

    /// A driver error of this statement as a store error.
    pub fn error(&self, e: sqlx::Error) -> StoreError {
        db_error(self.doing, e)
    }
}

/// A row type that decodes into `T` (any row does, for every `T` that
/// derives `sqlx::FromRow` over its driver's types).
pub trait Decodes<T> {
    /// The row as a `T`.
    fn decode(&self) -> Result<T, sqlx::Error>;
}

impl<R: sqlx::Row, T: for<'r> sqlx::FromRow<'r, R>> Decodes<T> for R {
    fn decode(&self) -> Result<T, sqlx::Error> {
        T::from_row(self)
    }
}

/// A driver's row that every row struct of labpath's tables decodes from:
/// what the shared code needs of a backend's rows, said once.
pub trait TableRow:
    sqlx::Row
    + Send
    + Decodes<PersonRow>
    + Decodes<BoardRow>
    + Decodes<(String, i64)>
    + Decodes<(i64, i64)>
    + Decodes<ProfileRow>
    + Decodes<PersonProfileRow>
    + Decodes<ApplicationRow>
    + Decodes<ItemRow>
    + Decodes<EventRow>
    + Decodes<ReminderRow>
    + Decodes<ContactRow>
    + Decodes<AttachmentRow>
    + Decodes<OrganizationRow>
    + Decodes<UserRow>
    + Decodes<SessionUserRow>
    + Decodes<LinkUserRow>
    + Decodes<AuditRow>
    + Decodes<FailuresRow>
    + Decodes<RequestKeyRow>
    + Decodes<(i64,)>
    + Decodes<(Option<i64>,)>
    + Decodes<(i64, i64, i64, i64)>
{
}

impl<R> TableRow for R where
    R: sqlx::Row
        + Send
        + Decodes<PersonRow>
        + Decodes<BoardRow>
        + Decodes<(String, i64)>
        + Decodes<(i64, i64)>
        + Decodes<ProfileRow>
        + Decodes<PersonProfileRow>
        + Decodes<ApplicationRow>
        + Decodes<ItemRow>
        + Decodes<EventRow>
        + Decodes<ReminderRow>
        + Decodes<ContactRow>
        + Decodes<AttachmentRow>
        + Decodes<OrganizationRow>
        + Decodes<UserRow>
        + Decodes<SessionUserRow>
        + Decodes<LinkUserRow>
        + Decodes<AuditRow>
        + Decodes<FailuresRow>
        + Decodes<RequestKeyRow>
        + Decodes<(i64,)>
        + Decodes<(Option<i64>,)>
        + Decodes<(i64, i64, i64, i64)>
{
}

/// Decodes a row into `T`, naming what was being done if it does not.
pub fn decode<T, R: Decodes<T>>(row: &R, doing: &str) -> Result<T, StoreError> {
    row.decode().map_err(|e| db_error(doing, e))
}

/// A connection (or a transaction) of one backend.
#[async_trait]
pub trait Conn: Send {
    /// The driver's row.
    type Row: TableRow;

    /// Runs a statement; the number of rows it changed.
    async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError>;

    /// Runs a query; every row.
    async fn fetch_all(&mut self, sql: Sql) -> Result<Vec<Self::Row>, StoreError>;

    /// Runs a query; its first row, if any. (The shared statements that
    /// ask for one row find it by key, or say `LIMIT 1`.)
    async fn fetch_optional(&mut self, sql: Sql) -> Result<Option<Self::Row>, StoreError> {
        Ok(self.fetch_all(sql).await?.into_iter().next())
    }

    /// The time the store stamps on what it creates now (an organization,
    /// a user, an audit line): this machine's clock on SQLite, the
    /// database server's on PostgreSQL (one clock for every replica).
    async fn now(&mut self) -> Result<Timestamp, StoreError>;
}

/// Runs a query that returns one row.
pub async fn fetch_one<C: Conn + ?Sized>(conn: &mut C, sql: Sql) -> Result<C::Row, StoreError> {
    let doing = sql.doing();
    conn.fetch_optional(sql)
        .await?
        .ok_or_else(|| StoreError::Other(format!("the database returned no row while {doing}")))
}

/// Runs a query and decodes each row.
pub async fn fetch_rows<T, C>(conn: &mut C, sql: Sql) -> Result<Vec<T>, StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<T>,
{
    let doing = sql.doing();
    let rows = conn.fetch_all(sql).await?;
    rows.iter().map(|r| decode(r, doing)).collect()
}

/// Runs a query and decodes its first row, if any.
pub async fn fetch_row<T, C>(conn: &mut C, sql: Sql) -> Result<Option<T>, StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<T>,
{
    let doing = sql.doing();
    let row = conn.fetch_optional(sql).await?;
    row.as_ref().map(|r| decode(r, doing)).transpose()
}
