//! Between the store's types and PostgreSQL's: days are `date`, instants
//! `timestamptz`, and driver errors become `StoreError`s that name what was
//! being done. A stored value labpath cannot read means the database was
//! changed by something else: `Corrupt`.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::time::Timestamp;

/// Maps a driver error to a store error, naming what was being done.
pub(crate) fn db_error(doing: &str, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        match db.code().as_deref() {
            // serialization_failure, deadlock_detected: another writer won.
            Some("40001" | "40P01") => {
                return StoreError::Conflict(format!(
                    "another change was recorded at the same time while {doing}: nothing was changed; try again"
                ));
            }
            // unique_violation: the record is already there.
            Some("23505") => {
                return StoreError::Conflict(format!(
                    "the record already exists while {doing}: nothing was changed ({})",
                    db.message()
                ));
            }
            // data_corrupted, index_corrupted.
            Some("XX001" | "XX002") => {
                return StoreError::Corrupt(format!(
                    "the database is damaged ({}) while {doing}: nothing was changed; restore it from a backup",
                    db.message()
                ));
            }
            _ => {}
        }
    }
    StoreError::Other(format!("database error while {doing}: {e}"))
}

/// A stored value labpath cannot read.
pub(crate) fn bad(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "the database holds `{value}` in `{column}`, which labpath cannot read: it may have been changed by another program"
    ))
}

/// A day as PostgreSQL's `date`.
pub(crate) fn pg_date(d: Date) -> NaiveDate {
    // `Date` is a real calendar day and prints as YYYY-MM-DD, so this parses.
    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// An optional day as PostgreSQL's `date`.
pub(crate) fn pg_opt_date(d: Option<Date>) -> Option<NaiveDate> {
    d.map(pg_date)
}

/// A `date` read back.
pub(crate) fn date(column: &str, d: NaiveDate) -> Result<Date, StoreError> {
    Date::from_ymd(d.year(), d.month(), d.day()).ok_or_else(|| bad(column, &d.to_string()))
}

/// An optional `date` read back.
pub(crate) fn opt_date(column: &str, d: Option<NaiveDate>) -> Result<Option<Date>, StoreError> {
    d.map(|d| date(column, d)).transpose()
}

/// An instant as PostgreSQL's `timestamptz`.
pub(crate) fn pg_time(t: Timestamp) -> DateTime<Utc> {
    // `Timestamp` prints as RFC 3339, so this parses.
    DateTime::parse_from_rfc3339(&t.to_string())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A `timestamptz` read back (to the millisecond, as it was written).
pub(crate) fn time(column: &str, t: DateTime<Utc>) -> Result<Timestamp, StoreError> {
    let text = t.to_rfc3339_opts(SecondsFormat::Millis, true);
    Timestamp::parse(&text).map_err(|_| bad(column, &text))
}

/// A count that must fit a `u32`.
pub(crate) fn count(column: &str, n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| bad(column, &n.to_string()))
}

/// A `u32` as PostgreSQL's `integer`, which it always fits in practice
/// (profile versions, checklist positions, contact counts).
pub(crate) fn int(column: &str, n: u32) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(|_| StoreError::Invalid(format!("{column} {n} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_instants_survive_the_conversion() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(date("d", pg_date(d)).unwrap(), d);
        let t = Timestamp::parse("2026-11-21T14:03:07.123Z").unwrap();
        assert_eq!(time("t", pg_time(t)).unwrap(), t);
    }
}
