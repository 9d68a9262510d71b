//! Between the store's types and PostgreSQL's: days are `date`, instants
//! `timestamptz`. Driver errors are classified by the shared
//! `labpath_store_sql::db_error`, as SQLite's are.

use chrono::{DateTime, NaiveDate, Utc};
use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::time::Timestamp;

pub(crate) use labpath_store_sql::db_error;

/// A day as PostgreSQL's `date`.
pub(crate) fn pg_date(d: Date) -> NaiveDate {
    // `Date` is a real calendar day and prints as YYYY-MM-DD, so this parses.
    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// An instant as PostgreSQL's `timestamptz`.
pub(crate) fn pg_time(t: Timestamp) -> DateTime<Utc> {
    t.to_utc()
}

/// A `timestamptz` read back (to the millisecond, as it was written).
pub(crate) fn time(_column: &str, t: DateTime<Utc>) -> Result<Timestamp, StoreError> {
    Ok(Timestamp::from_utc(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_instants_survive_the_conversion() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(labpath_store_sql::rows::day("d", pg_date(d)).unwrap(), d);
        let t = Timestamp::parse("2026-11-21T14:03:07.123Z").unwrap();
        assert_eq!(time("t", pg_time(t)).unwrap(), t);
    }
}
