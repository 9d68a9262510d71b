//! Deadlines as every front end shows them: everything that can lapse or
//! close for a person (a held credential's renewal, with its continuing
//! education and declaration window; an expiry; a limit on an application
//! under way; a route that closes; a day the body promised; a reminder),
//! each with the days left, a severity and the action that clears it.
//!
//! The model that makes them, with the severity thresholds, is
//! `labpath_app::deadlines`; `labpath status`, the pages, the calendar and
//! the reminder emails show these values and compute nothing of their own.

use labpath_engine::catalog::Catalog;
use labpath_engine::provenance::Provenance;
use labpath_engine::units::Date;
use labpath_store::ids::{ApplicationId, PersonId};
use serde::Serialize;

/// How close a deadline is, most severe first. A deadline further away
/// than the amber threshold has none and is not listed as lapsing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Close (30 days or fewer), past, or a declaration window closed with
    /// requirements unmet.
    Red,
    /// Coming (90 days or fewer).
    Amber,
}

impl Severity {
    /// `red` or `amber`: the class pages style it with.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Red => "red",
            Severity::Amber => "amber",
        }
    }

    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Red => "urgent",
            Severity::Amber => "coming up",
        }
    }

    /// The severity `as_str` names (`red`, `amber`), as a page reads it
    /// back from the view to say it in words.
    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Red, Severity::Amber]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// What a deadline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A held credential with renewal rules: its continuing education, its
    /// declaration window (opens, closes) and its expiry, as one deadline.
    Renewal,
    /// A held credential without renewal rules that expires.
    Expiry,
    /// A limit the catalog sets on an application under way (California's
    /// abandonment, ASCP's examination period).
    Application,
    /// The last route a draft application's credential is met by closes.
    RouteCloses,
    /// A day the body promised something by.
    Promise,
    /// A reminder the user set.
    Reminder,
}

/// A credential by id and abbreviation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DeadlineCredential))]
pub struct CredentialRef {
    /// Catalog id (`ascp-mls`).
    pub id: String,
    /// Abbreviation (`MLS(ASCP)`).
    pub abbreviation: String,
}

/// One thing that can lapse or close.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Lapse))]
pub struct Deadline {
    /// Stable for the thing and its cycle (`person3-ce-ascp-mls-ascp-cmp-mls-2027-08-31`):
    /// calendar ids and email keys are made from it.
    pub key: String,
    /// Whose.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// What it is about.
    pub kind: DeadlineKind,
    /// The day that matters now: a declaration window's last day until it
    /// has passed, then the expiry.
    pub due: Date,
    /// Days from today to `due`; negative once past.
    pub days_left: i64,
    /// How close; `None`: not lapsing (further away than the amber
    /// threshold, or passed and nothing left to do).
    pub severity: Option<Severity>,
    /// A short title (`Declare CMP for MLS(ASCP) by 2027-08-01`).
    pub title: String,
    /// Where it stands, in a sentence (`Not compliant: 16 points short,
    /// declaration window closed on 2027-08-01, expires 2027-08-31`).
    pub what: String,
    /// What clears it (`log 16 more CMP points and declare by 2027-08-01`).
    pub action: String,
    /// Its days for a calendar, by day: a renewal's window opening and
    /// closing and its expiry; the one day of any other.
    pub milestones: Vec<Milestone>,
    /// The declaration window of a renewal: first and last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<(Date, Date)>,
    /// The day the credential expires, for a renewal or an expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// The credential, for a renewal, an expiry or a route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialRef>,
    /// The application, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationId>,
    /// What a lapse means, in the catalog's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lapse: Option<String>,
    /// Where the rule comes from; `None` for a date the user gave (a
    /// reminder, a promise, an expiry without renewal rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// A day of a deadline worth a calendar entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    /// The day.
    pub day: Date,
    /// What happens on it (`Declare CMP for MLS(ASCP): window closes`).
    pub title: String,
    /// Added to the deadline's key for the entry's id (`window-closes`);
    /// empty for the deadline's own day.
    pub id: &'static str,
}

impl Deadline {
    /// When, in words: `in 16 days, on 2027-08-31`, `today, 2027-08-31`,
    /// `14 days ago, on 2027-08-01`.
    pub fn when(&self) -> String {
        when(self.days_left, self.due)
    }

    /// Whether it is listed as lapsing.
    pub fn is_lapsing(&self) -> bool {
        self.severity.is_some()
    }
}

/// A day `days_left` days from today, in words.
pub fn when(days_left: i64, due: Date) -> String {
    match days_left {
        0 => format!("today, {due}"),
        1 => format!("tomorrow, {due}"),
        -1 => format!("yesterday, {due}"),
        n if n < 0 => format!("{} days ago, on {due}", -n),
        n => format!("in {n} days, on {due}"),
    }
}

/// Days left in words: `in 16 days`, `tomorrow`, `today`, `yesterday`,
/// `14 days ago`.
pub fn days(days_left: i64) -> String {
    match days_left {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        n if n < 0 => format!("{} days ago", -n),
        n => format!("in {n} days"),
    }
}

/// A number of points or hours as people write it: at most two decimals,
/// no trailing zeros, never `-0` (`16`, `1.5`, `0.25`).
pub fn amount(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    // Adding zero turns -0.0 into 0.0.
    let text = format!("{:.2}", rounded + 0.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `sources (official, as of 2025-05-01):`, one line per source with its
/// title and address, then the note, each line after `indent` and within
/// 100 columns: how the command line, an email and a calendar entry say
/// where a rule comes from.
pub fn provenance_lines(p: &Provenance, catalog: &Catalog, indent: &str) -> String {
    let mut text = format!("{indent}sources ({}, as of {}):\n", p.confidence, p.as_of);
    let (item, more) = (format!("{indent}  - "), format!("{indent}    "));
    for id in &p.sources {
        let line = match catalog.source(id.as_str()) {
            Some(s) => format!("{} <{}>", s.title, s.url),
            None => id.to_string(),
        };
        text.push_str(&crate::text::hang(&item, &more, &line));
    }
    if let Some(note) = &p.note {
        text.push_str(&crate::text::hang(
            &format!("{indent}  note: "),
            &more,
            note,
        ));
    }
    text
}

/// The most severe of some severities.
pub fn worst(severities: impl IntoIterator<Item = Option<Severity>>) -> Option<Severity> {
    severities.into_iter().flatten().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_no_trailing_zeros_and_no_negative_zero() {
        assert_eq!(amount(16.0), "16");
        assert_eq!(amount(1.5), "1.5");
        assert_eq!(amount(0.25), "0.25");
        assert_eq!(amount(-0.0), "0");
        assert_eq!(amount(-0.001), "0");
        assert_eq!(amount(2.0 - 2.000_000_000_1), "0");
    }

    #[test]
    fn when_says_the_day_in_words() {
        let day = Date::parse("2026-05-01").unwrap();
        assert_eq!(when(0, day), "today, 2026-05-01");
        assert_eq!(when(1, day), "tomorrow, 2026-05-01");
        assert_eq!(when(10, day), "in 10 days, on 2026-05-01");
        assert_eq!(when(-3, day), "3 days ago, on 2026-05-01");
    }

    #[test]
    fn red_is_worse_than_amber() {
        assert_eq!(
            worst([None, Some(Severity::Amber), Some(Severity::Red)]),
            Some(Severity::Red)
        );
        assert_eq!(worst([None, None]), None);
    }
}
