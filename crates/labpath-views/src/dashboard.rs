//! The agency dashboard's pieces: the stages a candidate moves through and
//! one candidate's line.

use labpath_engine::units::Date;
use labpath_store::agenda::Alert;
use labpath_store::ids::{ApplicationId, PersonId};
use labpath_store::model::Person;
use labpath_store::status::AppStatus;
use serde::{Deserialize, Serialize};

use crate::deadlines::{Deadline as Lapse, Severity};

/// The stages in the order a candidate moves through them.
pub const STAGES: [&str; 6] = [
    "no_profile",
    "planning",
    "draft",
    "submitted",
    "under_review",
    "done",
];

/// Where an application's status falls among the stages (past the last
/// for a decided one).
pub fn stage_rank(s: AppStatus) -> usize {
    STAGES
        .iter()
        .position(|x| *x == s.as_str())
        .unwrap_or(STAGES.len())
}

/// The stage a text names, if it names one.
pub fn stage(text: &str) -> Option<&'static str> {
    STAGES.iter().copied().find(|s| *s == text)
}

/// One candidate's line on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateLine {
    /// The person.
    pub person: Person,
    /// Where they are: `no_profile`, `planning` (no application yet),
    /// an open application's status (the least advanced), or `done`.
    pub stage: String,
    /// Open applications.
    pub open_applications: usize,
    /// Overdue alerts.
    pub overdue: usize,
    /// Due-soon alerts.
    pub due_soon: usize,
    /// The most urgent alert's text.
    pub top_alert: Option<String>,
    /// The next deadline (of the deadline model: renewals, expiries,
    /// application limits, promises, reminders).
    pub next_deadline: Option<Date>,
    /// The state they mean to work in (`NY`), from their profile.
    pub work_state: Option<String>,
    /// The severity of their worst lapsing deadline, if one is lapsing.
    pub severity: Option<Severity>,
    /// That deadline's title.
    pub worst: Option<String>,
}

/// Everything the dashboard keeps of one candidate for a day: their line,
/// their lapsing deadlines (most severe first) and their overdue alerts.
#[derive(Debug, Clone, Serialize)]
pub struct LineData {
    /// The line.
    pub line: CandidateLine,
    /// Their lapsing deadlines.
    pub lapsing: Vec<Lapse>,
    /// Their overdue alerts.
    pub overdue: Vec<OverdueAlert>,
}

/// An overdue alert with the name of the person it is about, for a list
/// of several people's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueAlert {
    /// Whose.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// The application, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationId>,
    /// What it is about.
    pub subject: String,
    /// What is the matter, with the numbers.
    pub what: String,
    /// The day it became due.
    pub due: Date,
    /// What to do next, if the catalog says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl OverdueAlert {
    /// The alert, with the name of the person.
    pub fn of(alert: &Alert<'_>, person_name: &str) -> Self {
        OverdueAlert {
            person: alert.person,
            person_name: person_name.to_owned(),
            application: alert.application,
            subject: alert.subject.clone(),
            what: alert.what.clone(),
            due: alert.due,
            next: alert.next.as_ref().map(|n| n.action.to_string()),
        }
    }
}
