//! Driver errors become store errors here, once for both backends. What a
//! caller acts on is decided by the kind sqlx gives every driver's error
//! (`DatabaseError::kind`): a duplicate is a `Conflict` on SQLite as on
//! PostgreSQL, a broken reference or a refused value is `Invalid`. Only
//! what sqlx does not classify is read from each driver's own codes: a
//! damaged database (`Corrupt`), a machine that refuses (a full disk, a
//! file that cannot be opened or written: `Environment`) and, on
//! PostgreSQL, a writer that lost a race (`Conflict`, try again). A stored
//! value that does not decode means the database was damaged or changed by
//! another program: `Corrupt`.

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

/// SQLite's codes that sqlx leaves as `Other`, with their extended codes:
/// SQLITE_CORRUPT (11) and SQLITE_NOTADB (26) are a damaged database; the
/// machine's refusals are `Environment`: SQLITE_PERM (3), SQLITE_READONLY
/// (8), SQLITE_IOERR (10), SQLITE_FULL (13) and SQLITE_CANTOPEN (14).
fn sqlite_error(doing: &str, db: &SqliteError) -> Option<StoreError> {
    let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
    let message = db.message();
    let environment = |what: &str, advice: &str| {
        Some(StoreError::Environment(format!(
            "{what} while {doing} ({message}): nothing was changed; {advice}"
        )))
    };
    match code & 0xff {
        11 | 26 => Some(StoreError::Corrupt(format!(
            "the database is damaged ({message}) while {doing}: nothing was changed; restore it from a backup (`labpath backup` makes one) or an export"
        ))),
        13 => environment("the disk is full", "free some space, then try again"),
        3 | 8 => environment(
            "the database may not be written by this user",
            "make the data directory and its files writable by this user, or choose another data directory (--data-dir or LABPATH_DATA_DIR)",
        ),
        14 => environment(
            "the database file cannot be opened",
            "check that the data directory exists and this user may write in it, or choose another data directory (--data-dir or LABPATH_DATA_DIR)",
        ),
        10 => environment(
            "the disk refused a read or a write",
            "check the disk (full, removed or failing), then try again",
        ),
        _ => None,
    }
}

/// PostgreSQL's SQLSTATEs that sqlx leaves as `Other`.
fn postgres_error(doing: &str, db: &dyn DatabaseError) -> Option<StoreError> {
    match db.code().as_deref() {
        // serialization_failure, deadlock_detected: another writer won.
        Some("40001" | "40P01") => Some(StoreError::Conflict(format!(
            "another change was recorded at the same time while {doing}: nothing was changed; try again"
        ))),
        // Class 53, insufficient resources: disk_full, out_of_memory,
        // too_many_connections.
        Some(c) if c.starts_with("53") => Some(StoreError::Environment(format!(
            "the database server is out of resources ({}) while {doing}: nothing was changed; free disk space or memory on it, or allow it more connections, then try again",
            db.message()
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
