//! When something was recorded: a UTC instant with millisecond precision,
//! written as RFC 3339 text (`2026-11-21T14:03:07.123Z`) so it sorts as text
//! and reads the same in SQLite, PostgreSQL and an export.

use std::fmt;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use labpath_engine::units::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A UTC instant, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A text that is not an RFC 3339 instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time: expected RFC 3339, for example 2026-11-21T14:03:07.123Z")]
pub struct TimestampError(String);

impl Timestamp {
    /// Now, from the system clock.
    pub fn now() -> Self {
        Self::from_chrono(Utc::now())
    }

    /// An instant a database driver read, to the millisecond.
    pub fn from_utc(t: DateTime<Utc>) -> Self {
        Self::from_chrono(t)
    }

    /// The instant as chrono's UTC time, for a driver to write.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
    }

    fn from_chrono(t: DateTime<Utc>) -> Self {
        // Keep milliseconds only, so a stored and re-read value is equal.
        let millis = t.timestamp_millis();
        Timestamp(DateTime::from_timestamp_millis(millis).unwrap_or(t))
    }

    /// Parses RFC 3339 text.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| Self::from_chrono(t.with_timezone(&Utc)))
            .map_err(|_| TimestampError(text.to_owned()))
    }

    /// This instant moved by whole seconds (back when negative); saturates
    /// at the ends of the representable range.
    pub fn plus_seconds(self, seconds: i64) -> Self {
        match chrono::TimeDelta::try_seconds(seconds).and_then(|d| self.0.checked_add_signed(d)) {
            Some(t) => Timestamp(t),
            None => self,
        }
    }

    /// The milliseconds from this instant to `later` (negative when `later`
    /// is before it).
    pub fn millis_to(self, later: Timestamp) -> i64 {
        (later.0 - self.0).num_milliseconds()
    }

    /// The UTC calendar day.
    pub fn date(self) -> Date {
        let d = self.0.date_naive();
        Date::from_ymd(d.year(), d.month(), d.day()).unwrap_or_else(Date::today)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some("An instant in UTC, RFC 3339 with milliseconds."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Timestamp {}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn a_timestamp_survives_text() {
        let t = Timestamp::now();
        assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
        let fixed = Timestamp::parse("2026-11-21T14:03:07.123456+02:00").unwrap();
        assert_eq!(fixed.to_string(), "2026-11-21T12:03:07.123Z");
        assert_eq!(fixed.date().to_string(), "2026-11-21");
    }
}
