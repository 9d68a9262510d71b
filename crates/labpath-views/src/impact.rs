//! Who a catalog change affects, as `labpath catalog impact` shows it: for
//! each stored person whose answers differ under the new catalog, the
//! credentials whose status, missing requirements or closing day change,
//! each with the routes and the clauses that changed.
//! `labpath_app::impact` fills it.

use labpath_engine::eval::{Outcome, Status};
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use serde::Serialize;

/// The impact of a new catalog on the people a principal reaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactView {
    /// The day both catalogs are read as of.
    pub as_of: Date,
    /// People with a profile, evaluated under both catalogs.
    pub evaluated: usize,
    /// People without a profile (nothing to evaluate).
    pub without_profile: usize,
    /// People whose stored profile the current catalog no longer reads
    /// (their answers are already refused today; a new profile is needed
    /// whatever the change).
    pub unreadable: Vec<PersonRef>,
    /// The people affected, by id.
    pub affected: Vec<PersonImpact>,
}

/// A person, by id and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRef {
    /// Id.
    pub person: PersonId,
    /// Name.
    pub name: String,
}

/// What changes for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonImpact {
    /// Id.
    pub person: PersonId,
    /// Name.
    pub name: String,
    /// Set when the new catalog no longer reads the person's profile (it
    /// names a credential or an exam the new catalog lacks): every problem.
    /// Their answers under the new catalog are then unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The credentials whose answer changes, in the new catalog's order.
    pub credentials: Vec<CredentialImpact>,
}

/// What changes about one credential for one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CredentialImpact {
    /// The credential's id.
    pub credential: String,
    /// How holders write it.
    pub abbreviation: String,
    /// What sort of change.
    pub change: Change,
    /// The status under the current catalog (`None`: it has no such
    /// credential).
    pub old: Option<Status>,
    /// The status under the new catalog (`None`: it has no such credential).
    pub new: Option<Status>,
    /// For an eligible person, the last day a route stays open under the
    /// current catalog (`None`: one never closes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_open_until: Option<Date>,
    /// The same under the new catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_open_until: Option<Date>,
    /// The routes whose answer or missing requirements differ.
    pub routes: Vec<RouteImpact>,
}

/// The sort of change to a credential's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The status changes (eligible ↔ not yet, unknown, no route).
    Status,
    /// The status stays, but what is missing changes.
    Missing,
    /// The person stays eligible, but the last day a route is open changes.
    Deadline,
}

impl Change {
    /// The phrase shown.
    pub fn label(self) -> &'static str {
        match self {
            Change::Status => "status changes",
            Change::Missing => "what is missing changes",
            Change::Deadline => "closing day changes",
        }
    }
}

/// A route's answer for one person under one catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteState {
    /// That catalog has no such route.
    Absent,
    /// Its rules are not in force on the day.
    NotInForce,
    /// It passes.
    Pass,
    /// A fact the profile does not give decides it.
    Unknown,
    /// It fails.
    Fail,
}

impl RouteState {
    /// The phrase shown.
    pub fn label(self) -> &'static str {
        match self {
            RouteState::Absent => "no such route",
            RouteState::NotInForce => "not in force",
            RouteState::Pass => "passes",
            RouteState::Unknown => "unknown",
            RouteState::Fail => "fails",
        }
    }
}

impl From<Outcome> for RouteState {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Pass => RouteState::Pass,
            Outcome::Unknown => RouteState::Unknown,
            Outcome::Fail => RouteState::Fail,
        }
    }
}

/// A route whose answer or missing requirements differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteImpact {
    /// The route's id.
    pub route: String,
    /// Its name.
    pub name: String,
    /// Its answer under the current catalog.
    pub old: RouteState,
    /// Its answer under the new catalog.
    pub new: RouteState,
    /// The clauses whose rule or whose answer for the person changed.
    pub clauses: Vec<ClauseImpact>,
}

/// One clause, before and after: what it asks and what the person has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseImpact {
    /// What it asked (`None`: the clause is new).
    pub old_need: Option<String>,
    /// What it asks now (`None`: the clause is gone).
    pub new_need: Option<String>,
    /// Its answer before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_outcome: Option<Outcome>,
    /// Its answer now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_outcome: Option<Outcome>,
    /// What the person had against it, and what was missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_have: Option<String>,
    /// The same now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_have: Option<String>,
}
