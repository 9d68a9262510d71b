//! Units that cross the engine's edge: calendar dates, academic hours, money
//! and country codes. Each is parsed once, at the edge, and is valid from then
//! on (a `Hours` is never negative, a `Date` is a real calendar day).

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day (no time, no zone): the unit every rule in the catalog uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Builds a date from year, month and day; `None` when it is no calendar day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// Parses `YYYY-MM-DD`. The year is four digits: chrono's `%Y` also
    /// reads signed years of any length (`-5000-01-01`, `+200000-01-01`),
    /// which no record needs and which PostgreSQL's `date` cannot hold.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let text = text.trim();
        let error = || DateError {
            input: crate::limits::quote(text).into_owned(),
        };
        // The usual shape, digit by digit: the compiled catalog reads
        // thousands of dates at every start, and chrono's parser reads its
        // pattern each time. Anything else takes chrono's reading.
        if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text.as_bytes() {
            let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
            if digits.iter().all(u8::is_ascii_digit) {
                let n = |d: &[u8]| d.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
                let year = i32::try_from(n(&digits[..4])).map_err(|_| error())?;
                return Date::from_ymd(year, n(&digits[4..6]), n(&digits[6..])).ok_or_else(error);
            }
        }
        let year = text.split('-').next().unwrap_or("");
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error());
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| error())
    }

    /// The same day `years` later (29 February falls back to 28 February).
    pub fn add_years(self, years: u32) -> Self {
        self.add_months(years.saturating_mul(12))
    }

    /// The same day `months` later, clamped to the month's last day.
    pub fn add_months(self, months: u32) -> Self {
        Date(
            self.0
                .checked_add_months(Months::new(months))
                .unwrap_or(NaiveDate::MAX),
        )
    }

    /// The same day `years` earlier.
    pub fn sub_years(self, years: u32) -> Self {
        Date(
            self.0
                .checked_sub_months(Months::new(years.saturating_mul(12)))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// The day after this one.
    pub fn succ(self) -> Self {
        Date(self.0.succ_opt().unwrap_or(NaiveDate::MAX))
    }

    /// The day `days` later (earlier when negative).
    pub fn add_days(self, days: i64) -> Self {
        Date(
            self.0
                .checked_add_signed(chrono::TimeDelta::days(days))
                .unwrap_or(if days < 0 {
                    NaiveDate::MIN
                } else {
                    NaiveDate::MAX
                }),
        )
    }

    /// The day before this one.
    pub fn pred(self) -> Self {
        Date(self.0.pred_opt().unwrap_or(NaiveDate::MIN))
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// The day's number, counting from 1 January of year 1: later days
    /// have greater numbers.
    pub fn day_number(self) -> i32 {
        self.0.num_days_from_ce()
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        self.0.day()
    }

    /// How many days this day's month has, 28 to 31.
    pub fn days_in_month(self) -> u32 {
        month_days(self.0.leap_year(), self.month())
    }

    /// How many days the month before this day's month has, 28 to 31.
    pub fn month_before_days(self) -> u32 {
        match self.month() {
            1 => 31,
            m => month_days(self.0.leap_year(), m - 1),
        }
    }

    /// Today's date from the system clock (UTC). Only interfaces call this;
    /// the engine itself is always given its as-of date.
    pub fn today() -> Self {
        Date(chrono::Utc::now().date_naive())
    }
}

/// The days of a month (1 to 12) in a leap or common year.
fn month_days(leap: bool, month: u32) -> u32 {
    match month {
        2 => 28 + u32::from(leap),
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The English short name of an ISO 3166 alpha-2 code ("Philippines" for
/// `PH`), or the code itself when it names no country.
pub fn country_name(code: &str) -> String {
    // Kosovo has no ISO 3166 code; `XK` is the user-assigned code the US
    // government (and the catalog's visa restrictions) use for it.
    if code.eq_ignore_ascii_case("XK") {
        return "Kosovo".to_owned();
    }
    isocountry::CountryCode::for_alpha2_caseless(code)
        .map(|c| short_country_name(c.name()).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// ISO's "Philippines (the)" as "Philippines".
pub fn short_country_name(name: &str) -> &str {
    name.strip_suffix(" (the)").unwrap_or(name)
}

/// Average days in a month (365.25 / 12), used to turn day counts into months.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// A text that is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a date: expected YYYY-MM-DD, for example 2022-05-31")]
pub struct DateError {
    input: String,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        // Four-digit years are written digit by digit: a tracker's overdue
        // scan writes hundreds of thousands of days, and chrono's formatter
        // parses its pattern every time. It keeps the other years (signed).
        let Ok(year) = u32::try_from(year) else {
            return write!(f, "{}", self.0.format("%Y-%m-%d"));
        };
        if year > 9999 {
            return write!(f, "{}", self.0.format("%Y-%m-%d"));
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let text = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date as YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Date::parse(v).map_err(E::custom)
    }

    // TOML hands its native dates (`completed = 2022-05-31`) to serde as a
    // one-entry map holding the text; accept that as well as a plain string.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        let Some((_, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("expected a date as YYYY-MM-DD"));
        };
        if text.len() != 10 {
            return Err(de::Error::custom(format!(
                "`{}` is not a date: expected a day as YYYY-MM-DD, without a time",
                crate::limits::quote(&text)
            )));
        }
        Date::parse(&text).map_err(de::Error::custom)
    }
}

/// Academic credit in US semester hours, never negative. Quarter hours are
/// converted at entry (1 quarter hour = 2/3 semester hour).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hours(f64);

impl Hours {
    /// Zero hours.
    pub const ZERO: Hours = Hours(0.0);

    /// Semester hours; refuses negative, infinite and NaN values.
    pub fn semester(value: f64) -> Result<Self, HoursError> {
        if value.is_finite() && value >= 0.0 {
            Ok(Hours(value))
        } else {
            Err(HoursError { value })
        }
    }

    /// Quarter hours converted to semester hours.
    pub fn quarter(value: f64) -> Result<Self, HoursError> {
        Self::semester(value).map(|h| Hours(h.0 * 2.0 / 3.0))
    }

    /// The value in semester hours.
    pub fn value(self) -> f64 {
        self.0
    }

    /// Whether `self` reaches `need`, with a tolerance for the 2/3 conversion.
    pub fn reaches(self, need: Hours) -> bool {
        self.0 + 1e-9 >= need.0
    }
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, rhs: Hours) -> Hours {
        Hours(self.0 + rhs.0)
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_number(f, self.0)
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Hours::semester(value).map_err(de::Error::custom)
    }
}

/// A negative or non-finite number of hours.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("hours must be zero or more, got `{value}`")]
pub struct HoursError {
    value: f64,
}

/// Writes a number without a trailing `.0`, and with at most one decimal.
pub fn write_number(f: &mut fmt::Formatter<'_>, value: f64) -> fmt::Result {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        write!(f, "{}", rounded as i64)
    } else {
        write!(f, "{rounded:.1}")
    }
}

/// An amount of US dollars, kept in whole cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// Whole dollars.
    pub fn dollars(dollars: i64) -> Self {
        Money {
            cents: dollars.saturating_mul(100),
        }
    }

    /// An amount in cents.
    pub fn from_cents(cents: i64) -> Self {
        Money { cents }
    }

    /// The amount in cents.
    pub fn cents(self) -> i64 {
        self.cents
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cents % 100 == 0 {
            write!(f, "${}", self.cents / 100)
        } else {
            write!(f, "${}.{:02}", self.cents / 100, self.cents % 100)
        }
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.cents as f64 / 100.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !value.is_finite() || value < 0.0 {
            return Err(de::Error::custom(format!(
                "an amount must be zero or more US dollars, got `{value}`"
            )));
        }
        Ok(Money {
            cents: (value * 100.0).round() as i64,
        })
    }
}

/// An ISO 3166-1 alpha-2 country code (`US`, `PH`), or a US state or
/// territory code where a rule names a jurisdiction (`CA`, `NY`, `PR`).
/// Always two upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code([u8; 2]);

impl Code {
    /// Parses two ASCII letters, upper-casing them.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let bytes = text.trim().as_bytes();
        match bytes {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Code([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(CodeError {
                input: crate::limits::quote(text).into_owned(),
            }),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // INVARIANT: both bytes are ASCII letters, checked in `parse`.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The United States.
    pub const US: Code = Code(*b"US");
    /// Canada (also California as a state code; context tells which).
    pub const CA: Code = Code(*b"CA");
    /// The Philippines, where many foreign-trained applicants studied.
    pub const PH: Code = Code(*b"PH");
}

/// A text that is not a two-letter code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a two-letter code such as US, PH or NY")]
pub struct CodeError {
    input: String,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Code::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_named_kosovo_included() {
        assert_eq!(country_name("PH"), "Philippines");
        assert_eq!(country_name("xk"), "Kosovo");
        assert_eq!(
            country_name("ZZ"),
            "ZZ",
            "an unknown code is shown as given"
        );
    }

    #[test]
    fn a_date_prints_as_chrono_formats_it() {
        for (y, m, d) in [
            (2026, 3, 1),
            (1999, 12, 31),
            (5, 1, 9),
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ] {
            let date = Date::from_ymd(y, m, d).unwrap();
            assert_eq!(date.to_string(), date.0.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn a_date_is_read_as_chrono_reads_it() {
        // Every month 00 to 13 and day 00 to 32 of years around the edges
        // (year 0, leap and common years, the last four-digit year).
        for year in ["0000", "0001", "1900", "2000", "2023", "2024", "9999"] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year}-{month:02}-{day:02}");
                    let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
                    assert_eq!(Date::parse(&text).ok().map(|d| d.0), chrono, "{text}");
                }
            }
        }
        for text in [
            "2024-1-05",
            " 2024-01-05 ",
            "2024-01-5",
            "2024/01/05",
            "02024-01-05",
        ] {
            let chrono = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
            assert_eq!(Date::parse(text).ok().map(|d| d.0), chrono, "{text}");
        }
    }

    #[test]
    fn five_years_after_a_leap_day_is_the_28th() {
        let d = Date::parse("2020-02-29").unwrap();
        assert_eq!(d.add_years(5).to_string(), "2025-02-28");
    }

    #[test]
    fn a_day_is_written_as_chrono_writes_it_in_every_year() {
        let mut day = Date::from_ymd(-3, 12, 25).unwrap();
        let last = Date::from_ymd(10_002, 1, 10).unwrap();
        while day <= last {
            assert_eq!(day.to_string(), day.0.format("%Y-%m-%d").to_string());
            day = day.add_days(17);
        }
    }

    #[test]
    fn quarter_hours_convert_to_two_thirds() {
        assert!(
            Hours::quarter(24.0)
                .unwrap()
                .reaches(Hours::semester(16.0).unwrap())
        );
        assert!(
            !Hours::quarter(23.0)
                .unwrap()
                .reaches(Hours::semester(16.0).unwrap())
        );
        assert_eq!(Hours::quarter(4.5).unwrap().to_string(), "3");
    }

    #[test]
    fn negative_hours_are_refused() {
        assert!(Hours::semester(-1.0).is_err());
        assert!(Hours::semester(f64::NAN).is_err());
    }

    #[test]
    fn dates_reject_impossible_days() {
        assert!(Date::parse("2023-02-30").is_err());
        assert!(Date::parse("31/05/2022").is_err());
    }

    #[test]
    fn dates_have_four_digit_years() {
        assert!(Date::parse("-5000-01-01").is_err());
        assert!(Date::parse("+200000-01-01").is_err());
        assert!(Date::parse("20250-01-01").is_err());
        assert!(Date::parse("225-01-01").is_err());
        assert_eq!(
            Date::parse(" 0001-01-01 ").unwrap().to_string(),
            "0001-01-01"
        );
        assert_eq!(Date::parse("9999-12-31").unwrap().to_string(), "9999-12-31");
    }

    #[test]
    fn money_prints_dollars() {
        assert_eq!(Money::dollars(230).to_string(), "$230");
    }
}
