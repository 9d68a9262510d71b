//! The catalog as it is listed: its credentials, its named goals, a
//! jurisdiction and a credential string read into credentials, each with
//! the sources of what it says.

use labpath_engine::aliases::Part;
use labpath_engine::catalog::{Catalog, Credential, Jurisdiction};
use labpath_engine::step::Goal;
use labpath_engine::vocab::{CredentialKind, Level};
use serde::Serialize;

use crate::json::{ProvenanceView, provenance};

/// A credential of the catalog, in a list.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CatalogCredential))]
pub struct CredentialEntry<'c> {
    /// Its id (`ascp-mls`).
    pub id: &'c str,
    /// The letters after a name (`MLS(ASCP)`).
    pub abbreviation: &'c str,
    /// Its full name.
    pub name: &'c str,
    /// Certification or license.
    pub kind: CredentialKind,
    /// The level of practice.
    pub level: Level,
    /// The issuing body's id.
    pub body: &'c str,
    /// The state or territory that issues it, for a license (`null` otherwise).
    pub jurisdiction: Option<&'c str>,
    /// How many routes lead to it.
    pub routes: usize,
    /// Where the facts come from.
    pub provenance: ProvenanceView<'c>,
}

impl<'c> CredentialEntry<'c> {
    /// The entry of credential `c`.
    pub fn of(c: &'c Credential, catalog: &'c Catalog) -> Self {
        CredentialEntry {
            id: c.id.as_str(),
            abbreviation: &c.abbreviation,
            name: &c.name,
            kind: c.kind,
            level: c.level,
            body: c.body.as_str(),
            jurisdiction: c.jurisdiction.as_ref().map(|j| j.as_str()),
            routes: c.routes.len(),
            provenance: provenance(&c.provenance, catalog),
        }
    }
}

/// A named goal a plan can aim at.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalEntry<'c> {
    /// Its id (`work-mls-ny`).
    pub id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// Other words that name it.
    pub aliases: &'c [String],
    /// The state it is work in (`null` for none).
    pub work_state: Option<String>,
    /// Where the facts come from.
    pub provenance: ProvenanceView<'c>,
}

impl<'c> GoalEntry<'c> {
    /// The entry of goal `g`.
    pub fn of(g: &'c Goal, catalog: &'c Catalog) -> Self {
        GoalEntry {
            id: g.id.as_str(),
            name: &g.name,
            aliases: &g.aliases,
            work_state: g.work_state.map(|c| c.to_string()),
            provenance: provenance(&g.provenance, catalog),
        }
    }
}

/// A jurisdiction of the catalog with its sources.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = JurisdictionAnswer))]
pub struct JurisdictionView<'c> {
    /// The jurisdiction as the catalog has it.
    pub jurisdiction: &'c Jurisdiction,
    /// Where the facts come from.
    pub provenance: ProvenanceView<'c>,
}

impl<'c> JurisdictionView<'c> {
    /// The view of jurisdiction `j`.
    pub fn of(j: &'c Jurisdiction, catalog: &'c Catalog) -> Self {
        JurisdictionView {
            jurisdiction: j,
            provenance: provenance(&j.provenance, catalog),
        }
    }
}

/// A credential string read part by part.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parsed<'c> {
    /// The string, trimmed.
    pub text: String,
    /// Each part with the catalog credentials it names (none when it names
    /// none).
    pub parts: Vec<Part<'c>>,
    /// What a maintenance suffix (`CM`) means, from the catalog's glossary,
    /// when a part carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix_meaning: Option<&'c str>,
}

impl Parsed<'_> {
    /// The parts that name no credential of the catalog, as written.
    pub fn unknown(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter(|p| p.matches.is_empty())
            .map(|p| p.input.as_str())
            .collect()
    }
}
