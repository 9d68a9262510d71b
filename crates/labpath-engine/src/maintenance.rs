//! Keeping credentials alive: the renewal rules of each credential (cycle,
//! points or hours, category minimums, the declaration window, fees, what a
//! lapse means), and the continuing-education activities a person logs.
//!
//! A rule set lists the credentials it governs. The compliance computation
//! (`compliance`) counts each activity toward every credential whose rules
//! accept it, and splits an activity's points among its categories where a
//! rule needs minimums, choosing the split that leaves the least missing.

use serde::{Deserialize, Serialize};

use crate::catalog::Fee;
use crate::ids::CredentialId;
use crate::provenance::Provenance;
use crate::units::Date;

crate::ids::id_type!(
    /// A maintenance rule set, e.g. `ascp-cmp-mls`.
    RuleSetId, "maintenance rule set", false
);
crate::ids::id_type!(
    /// A continuing-education category, e.g. `blood_banking`.
    CategoryId, "category", false
);

/// How academic credit turns into points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PointValues {
    /// Points per contact hour (50-60 minutes); absent when no source
    /// gives it (then contact hours are not counted, and the notes say why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_hour: Option<f64>,
    /// Points per academic semester hour, where academic credit counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semester_hour: Option<f64>,
    /// Points per academic quarter hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter_hour: Option<f64>,
}

/// A category minimum within a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryMinimum {
    /// The category.
    pub category: CategoryId,
    /// Plain words.
    pub name: String,
    /// Least points in it per cycle.
    pub min: f64,
    /// Where the minimum comes from, when it differs from the rule set's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// When the renewal is declared, relative to the expiry day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclarationWindow {
    /// The window opens this many days before expiry.
    pub opens_days_before: u32,
    /// It closes this many days before expiry.
    pub closes_days_before: u32,
}

/// The renewal rules for one or more credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Stable id.
    pub id: RuleSetId,
    /// Plain words ("ASCP Credential Maintenance Program, MLS").
    pub name: String,
    /// What the body calls the program in short (`CMP`), when it has a
    /// short name; said before the unit ("16 CMP points").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// The credentials these rules keep alive.
    pub credentials: Vec<CredentialId>,
    /// Cycle length in years.
    pub cycle_years: u32,
    /// Points (or contact hours) needed per cycle; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// What the total counts ("points", "contact hours").
    pub unit: String,
    /// Category minimums within the total.
    #[serde(default, rename = "category", skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryMinimum>,
    /// How hours turn into points.
    pub points: PointValues,
    /// Accreditations an activity needs to count (e.g. P.A.C.E.); empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_accreditations: Vec<String>,
    /// When the renewal is declared, if there is a window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration_window: Option<DeclarationWindow>,
    /// Fees of the renewal.
    #[serde(default, rename = "fee", skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// What a lapse means and costs, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapse: Option<String>,
    /// Open questions users should see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Sources.
    pub provenance: Provenance,
}

impl RuleSet {
    /// The unit with the program's short name: `CMP points`, or `contact
    /// hours` for rules without one.
    pub fn unit_label(&self) -> String {
        match &self.short_name {
            Some(short) => format!("{short} {}", self.unit),
            None => self.unit.clone(),
        }
    }
}

/// How an activity's credit was given.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "unit", content = "amount")]
pub enum Credit {
    /// Contact hours (50-60 minutes each).
    ContactHours(f64),
    /// Academic semester hours.
    SemesterHours(f64),
    /// Academic quarter hours.
    QuarterHours(f64),
}

impl Credit {
    /// The amount, whatever its unit.
    pub fn amount(self) -> f64 {
        match self {
            Credit::ContactHours(a) | Credit::SemesterHours(a) | Credit::QuarterHours(a) => a,
        }
    }
}

/// One continuing-education activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Title.
    pub title: String,
    /// Provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Accreditation of the activity (e.g. `P.A.C.E.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditation: Option<String>,
    /// Day completed.
    pub date: Date,
    /// Credit earned.
    pub credit: Credit,
    /// Categories it covers; its points may be split among them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryId>,
    /// Content hash of the certificate file, when stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}
