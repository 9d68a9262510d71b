//! What changed between two catalogs, as `labpath catalog diff` shows it:
//! what was added or removed (credentials, routes, steps and the other
//! parts), the requirement clauses that changed with their old and new
//! values, fees, step durations, sources and as-of dates, and every other
//! field that changed. `labpath_app::catalog_diff` fills it.

use labpath_engine::units::Money;
use serde::Serialize;

/// Every change from one catalog to another, in catalog order within each
/// kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CatalogDiff {
    /// Credentials, steps, exams, bodies, jurisdictions, goals, rule sets,
    /// restrictions, glossary terms and sources added or removed.
    pub items: Vec<ItemChange>,
    /// Routes added to or removed from a credential both catalogs have.
    pub routes: Vec<RouteChange>,
    /// Routes whose rules changed: the clauses, or the days in force.
    pub rules: Vec<RuleChange>,
    /// Fees added, removed, or whose amount changed.
    pub fees: Vec<FeeChange>,
    /// Step durations that changed.
    pub durations: Vec<DurationChange>,
    /// Sources, as-of dates and confidences that changed, on any fact and
    /// on the source list itself.
    pub sources: Vec<FieldChange>,
    /// Every other field that changed (names, summaries, notes...).
    pub other: Vec<FieldChange>,
}

impl CatalogDiff {
    /// Whether the two catalogs say the same.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.routes.is_empty()
            && self.rules.is_empty()
            && self.fees.is_empty()
            && self.durations.is_empty()
            && self.sources.is_empty()
            && self.other.is_empty()
    }
}

/// Whether something is new or gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Only the new catalog has it.
    Added,
    /// Only the old catalog has it.
    Removed,
}

impl Presence {
    /// The word shown.
    pub fn label(self) -> &'static str {
        match self {
            Presence::Added => "added",
            Presence::Removed => "removed",
        }
    }
}

/// A part of the catalog added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    /// Which part (`credential`, `step`, `exam`, `body`, `jurisdiction`,
    /// `goal`, `maintenance`, `restriction`, `term`, `source`).
    pub area: &'static str,
    /// Its id (a code for a jurisdiction, the term for a glossary entry).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Added or removed.
    pub change: Presence,
}

/// A route added to or removed from a credential.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteChange {
    /// The credential's id.
    pub credential: String,
    /// How holders write it.
    pub abbreviation: String,
    /// The route's id.
    pub route: String,
    /// Its name.
    pub name: String,
    /// Added or removed.
    pub change: Presence,
}

/// A route whose rules changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleChange {
    /// The credential's id.
    pub credential: String,
    /// How holders write it.
    pub abbreviation: String,
    /// The route's id.
    pub route: String,
    /// Its name (the new one).
    pub name: String,
    /// Each clause that changed.
    pub clauses: Vec<ClauseChange>,
}

/// One clause of a route's requirement tree that changed, was added or
/// was removed; or the days the route is in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseChange {
    /// Where it is in the route's tree, as the catalog nests it
    /// (`all[1]`; empty for the route's top clause), or `in_force`.
    pub at: String,
    /// The clause's kind as the catalog spells it (`experience`); `old →
    /// new` when the kind itself changed.
    pub kind: String,
    /// The fields whose values changed (`months`: 24 → 36); empty when the
    /// clause was added, removed or changed kind.
    pub fields: Vec<FieldChange>,
    /// What it asked, in labpath's words; `None` when added.
    pub old: Option<String>,
    /// What it asks now; `None` when removed.
    pub new: Option<String>,
}

/// A fee added, removed, or whose amount changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeeChange {
    /// What it is a fee of: `credential`, `step` or `maintenance`.
    pub area: &'static str,
    /// That part's id.
    pub id: String,
    /// That part's name.
    pub name: String,
    /// The fee's label.
    pub fee: String,
    /// Added, removed, or (`None`) its amount changed.
    pub change: Option<Presence>,
    /// The amount before (`None`: no amount, or no fee).
    pub old: Option<Money>,
    /// The amount now.
    pub new: Option<Money>,
}

/// A step whose duration changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationChange {
    /// The step's id.
    pub step: String,
    /// Its name.
    pub name: String,
    /// The duration before.
    pub old: Days,
    /// The duration now.
    pub new: Days,
}

/// A duration in days, with where the figures come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Days {
    /// Shortest.
    pub min: f64,
    /// Most likely.
    pub likely: f64,
    /// Longest.
    pub max: f64,
    /// Where the figures come from (`agency-published`, `3 applicant
    /// reports`, `estimate`...).
    pub basis: String,
}

/// One value that changed, at a place in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Where: the part and the field's path in it (`credential ascp-mls:
    /// route[route-1].provenance.as_of`), or a clause's field (`months`).
    pub at: String,
    /// The value before; `(none)` when it was not there.
    pub old: String,
    /// The value now; `(none)` when it is gone.
    pub new: String,
}
