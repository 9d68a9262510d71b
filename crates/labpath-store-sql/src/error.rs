//! Driver errors become store errors here, once for both backends. What a
//! caller acts on is decided by the kind sqlx gives every driver's error
//! (`DatabaseError::kind`): a duplicate is a `Conflict` on SQLite as on
//! PostgreSQL, a broken reference or a refused value is `Invalid`. Only
//! what sqlx does not classify is read from each driver's own codes: a
//! damaged database (`Corrupt`) and, on PostgreSQL, a writer that lost a
//! race (`Conflict`, try again). A stored value that does not decode means
//! the database was damaged or changed by another program: `Corrupt`.

use labpath_store::StoreError;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::sqlite::SqliteError;

/// Maps a driver error to a store error, naming what was being done.
pub fn db_error(doing: &str, e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) => database_error(doing, db.as_ref())
            .unwrap_or_else(|| StoreError::Other(format!("database error while {doing}: {e}"))),
        sqlx::Error::ColumnDecode { index, source } => StoreError::Corrupt(format!(
            "the database holds a value in `{}` that labpath cannot read ({source}) while {doing}: it may be damaged or changed by another program",
            index.trim_matches('"')
        )),
        _ => StoreError::Other(format!("database error while {doing}: {e}")),
    }
}

/// The store error for a database's refusal, when it is one a caller can
/// act on (`None`: a backend failure).
fn database_error(doing: &str, db: &dyn DatabaseError) -> Option<StoreError> {
    let message = db.message();
    match db.kind() {
        ErrorKind::UniqueViolation => Some(StoreError::Conflict(format!(
            "the record already exists while {doing}: nothing was changed ({message})"
        ))),
        ErrorKind::ForeignKeyViolation => Some(StoreError::Invalid(format!(
            "a record refers to one that does not exist while {doing}: nothing was changed ({message})"
        ))),
        ErrorKind::NotNullViolation | ErrorKind::CheckViolation => Some(StoreError::Invalid(
            format!("the database refused a value while {doing}: nothing was changed ({message})"),
        )),
        _ => match db.try_downcast_ref::<SqliteError>() {
            Some(sqlite) => sqlite_error(doing, sqlite),
            None => postgres_error(doing, db),
        },
    }
}

/// SQLite's codes that sqlx leaves as `Other`: SQLITE_CORRUPT (11) and
/// SQLITE_NOTADB (26), with their extended codes.
fn sqlite_error(doing: &str, db: &SqliteError) -> Option<StoreError> {
    let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
    matches!(code & 0xff, 11 | 26).then(|| {
        StoreError::Corrupt(format!(
            "the database is damaged ({}) while {doing}: nothing was changed; restore it from a backup (`labpath backup` makes one) or an export",
            db.message()
        ))
    })
}

/// PostgreSQL's SQLSTATEs that sqlx leaves as `Other`.
fn postgres_error(doing: &str, db: &dyn DatabaseError) -> Option<StoreError> {
    match db.code().as_deref() {
        // serialization_failure, deadlock_detected: another writer won.
        Some("40001" | "40P01") => Some(StoreError::Conflict(format!(
            "another change was recorded at the same time while {doing}: nothing was changed; try again"
        ))),
        // data_corrupted, index_corrupted.
        Some("XX001" | "XX002") => Some(StoreError::Corrupt(format!(
            "the database is damaged ({}) while {doing}: nothing was changed; restore it from a backup",
            db.message()
        ))),
        _ => None,
    }
}

/// A stored value labpath cannot read.
pub fn bad(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "the database holds `{value}` in `{column}`, which labpath cannot read: it may be damaged or changed by another program"
    ))
}
