//! Where a person stands: every credential's status, routes and clauses
//! for a profile given or stored, and the questions whose answers would
//! change a status.

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{Evaluation, evaluate_only};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_views::json::{EvaluationCompactView, EvaluationSummaryView, EvaluationView};
use labpath_views::questions::QuestionsView;

use crate::{App, AppError, Principal};

/// A profile evaluated on a day.
pub struct Eligibility<'c> {
    /// The profile evaluated.
    pub profile: Profile,
    /// Each credential's outcome.
    pub evaluation: Evaluation<'c>,
}

impl Eligibility<'_> {
    /// Every route's clauses with have/need and sources.
    pub fn view<'a>(&'a self, catalog: &'a Catalog) -> EvaluationView<'a> {
        labpath_views::json::evaluation(catalog, &self.profile, &self.evaluation)
    }

    /// Every credential's status, every route's outcome and every clause's
    /// outcome and finding, read with the catalog's clause `table`.
    pub fn compact<'a>(&'a self, table: &'a CatalogTable) -> EvaluationCompactView<'a> {
        labpath_views::json::evaluation_compact(&table.version, &self.profile, &self.evaluation)
    }

    /// Each credential's status and its routes' outcomes only.
    pub fn summary(&self) -> EvaluationSummaryView<'_> {
        labpath_views::json::evaluation_summary(&self.profile, &self.evaluation)
    }
}

pub use crate::catalog::credential;

/// The catalog's side of every compact answer
/// ([`labpath_views::json::catalog_table`]), written once: its JSON and its
/// version, the first 16 hex digits of the SHA-256 of the table written
/// without one (the same catalog gives the same version on every server
/// and every start; any change to what the table says gives another).
#[derive(Debug, Clone)]
pub struct CatalogTable {
    /// The version compact answers name in `catalog`.
    pub version: String,
    /// The table as JSON, its `catalog` field the version (shared: every
    /// answer of it lends these bytes).
    pub json: std::sync::Arc<[u8]>,
}

impl CatalogTable {
    /// Writes the catalog's clause table.
    pub fn of(catalog: &Catalog) -> Result<Self, serde_json::Error> {
        let unversioned = serde_json::to_vec(&labpath_views::json::catalog_table(catalog, ""))?;
        let mut version = labpath_store::attachment::hash(&unversioned);
        version.truncate(16);
        let json = serde_json::to_vec(&labpath_views::json::catalog_table(catalog, &version))?;
        Ok(CatalogTable {
            version,
            json: json.into(),
        })
    }
}

/// Evaluates a given profile on `as_of` against `only` these credentials,
/// or every one when `only` is empty.
pub fn check<'c>(
    catalog: &'c Catalog,
    profile: Profile,
    as_of: Date,
    only: &[&'c Credential],
) -> Eligibility<'c> {
    let evaluation = if only.is_empty() {
        evaluate_only(catalog, &profile, as_of, catalog.credentials())
    } else {
        evaluate_only(catalog, &profile, as_of, only.iter().copied())
    };
    Eligibility {
        profile,
        evaluation,
    }
}

/// Evaluates the person's stored profile, as [`check`] does a given one.
pub async fn of_person<'c>(
    app: &App<'c>,
    who: &Principal,
    person: PersonId,
    as_of: Date,
    only: &[&'c Credential],
) -> Result<Eligibility<'c>, AppError> {
    app.person(who, person).await?;
    let profile = app.require_profile(person).await?;
    Ok(check(app.catalog, profile, as_of, only))
}

/// The facts a given profile leaves open that would change an answer for
/// the goal (a named goal or credential ids; every credential without
/// one), most decisive first. An unknown goal is refused at `goal`.
pub fn questions(
    catalog: &Catalog,
    profile: &Profile,
    goal: Option<&str>,
    as_of: Date,
) -> Result<QuestionsView, AppError> {
    labpath_views::questions::view(catalog, profile, goal, as_of)
        .map_err(|why| AppError::invalid(why).at("goal"))
}

/// The same questions for the person's stored profile.
pub async fn person_questions(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    goal: Option<&str>,
    as_of: Date,
) -> Result<QuestionsView, AppError> {
    app.person(who, person).await?;
    let profile = app.require_profile(person).await?;
    questions(app.catalog, &profile, goal, as_of)
}
