//! The agency dashboard's pieces: the stages a candidate moves through and
//! one candidate's line.

use labpath_engine::units::Date;
use labpath_store::agenda::Alert;
use labpath_store::model::Person;
use labpath_store::status::AppStatus;
use serde::Serialize;

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
#[derive(Debug, Clone, Serialize)]
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
    /// The next deadline.
    pub next_deadline: Option<Date>,
}

/// An alert with the name of the person it is about, for a list of
/// several people's.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedAlert<'a> {
    /// The person's name.
    pub person_name: String,
    /// The alert.
    #[serde(flatten)]
    pub alert: Alert<'a>,
}
