//! Continuing-education compliance as every front end shows it: each held
//! credential with renewal rules, its rules spelled out (names, unit, fees,
//! what a lapse means, sources) and the current cycle's assessment, beside
//! the activities logged.

use labpath_engine::catalog::{Catalog, Fee};
use labpath_engine::compliance::{Assessment, CredentialCompliance};
use labpath_engine::units::Date;
use labpath_store::ce::LoggedActivity;
use serde::Serialize;

use crate::json::{ProvenanceView, provenance};

/// A person's compliance on a day.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceView<'a> {
    /// The day assessed.
    pub as_of: Date,
    /// Every activity logged (withdrawn ones left out).
    pub activities: &'a [LoggedActivity],
    /// Each held credential with renewal rules.
    pub credentials: Vec<CredentialView<'a>>,
}

/// One credential's compliance.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ComplianceCredential))]
pub struct CredentialView<'a> {
    /// The credential.
    pub credential: CredentialName<'a>,
    /// Its renewal rules.
    pub rules: RulesView<'a>,
    /// The current cycle's assessment; absent when the cycle cannot be
    /// placed.
    pub assessment: Option<&'a Assessment>,
    /// Why the cycle could not be placed.
    pub unknown: Option<&'static str>,
}

/// A credential by id and name.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialName<'a> {
    /// Catalog id.
    pub id: &'a str,
    /// Abbreviation (`MLS(ASCP)`).
    pub abbreviation: &'a str,
    /// Full name.
    pub name: &'a str,
}

/// Renewal rules, with their sources.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesView<'a> {
    /// Catalog id.
    pub id: &'a str,
    /// Plain name.
    pub name: &'a str,
    /// Years in a cycle.
    pub cycle_years: u32,
    /// Points a cycle needs in total, when the rules set one.
    pub total: Option<f64>,
    /// What a point is called (`CMP points`, `contact hours`).
    pub unit: &'a str,
    /// Renewal fees.
    pub fees: &'a [Fee],
    /// What happens when the credential lapses.
    pub lapse: Option<&'a str>,
    /// Notes.
    pub notes: &'a [String],
    /// Sources, as-of date and confidence.
    pub provenance: ProvenanceView<'a>,
}

/// The view of `result` (the engine's compliance of each credential) and
/// the log it was assessed from.
pub fn view<'a>(
    catalog: &'a Catalog,
    as_of: Date,
    log: &'a [LoggedActivity],
    result: &'a [CredentialCompliance<'a>],
) -> ComplianceView<'a> {
    ComplianceView {
        as_of,
        activities: log,
        credentials: result
            .iter()
            .map(|c| CredentialView {
                credential: CredentialName {
                    id: c.credential.id.as_str(),
                    abbreviation: &c.credential.abbreviation,
                    name: &c.credential.name,
                },
                rules: RulesView {
                    id: c.rules.id.as_str(),
                    name: &c.rules.name,
                    cycle_years: c.rules.cycle_years,
                    total: c.rules.total,
                    unit: &c.rules.unit,
                    fees: &c.rules.fees,
                    lapse: c.rules.lapse.as_deref(),
                    notes: &c.rules.notes,
                    provenance: provenance(&c.rules.provenance, catalog),
                },
                assessment: c.assessment.as_ref(),
                unknown: c.unknown,
            })
            .collect(),
    }
}
