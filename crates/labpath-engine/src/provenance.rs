//! Where a fact comes from: its sources, the date it was true as of, and how
//! far it can be trusted. Every rule, fee and duration in the catalog carries
//! one, and every answer shows it.

use serde::{Deserialize, Serialize};

use crate::ids::SourceId;
use crate::units::Date;

/// How far a fact can be trusted, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Read on the responsible body's own page, a statute or a regulation.
    Official,
    /// Read on a third-party page (law firm, school, study site, mirror).
    Secondary,
    /// Reported by applicants on public forums.
    ApplicantReport,
    /// Sources disagree, the only source is weak, or the text was cut off.
    Uncertain,
}

impl Confidence {
    /// The word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Official => "official",
            Confidence::Secondary => "secondary",
            Confidence::ApplicantReport => "applicant-report",
            Confidence::Uncertain => "uncertain",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The provenance of one fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The sources, by id in the catalog's source list; at least one.
    pub sources: Vec<SourceId>,
    /// The date the fact was true as of (the page's own date when it has
    /// one, otherwise the day it was read).
    pub as_of: Date,
    /// How far the fact can be trusted.
    pub confidence: Confidence,
    /// What is uncertain or disputed, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A public source the catalog cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short stable id, e.g. `CA-1`.
    pub id: SourceId,
    /// Where it can be read.
    pub url: String,
    /// What it is, in a few words.
    pub title: String,
    /// The date the page carries, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<String>,
    /// The day it was read for the catalog.
    pub read_on: Date,
}
