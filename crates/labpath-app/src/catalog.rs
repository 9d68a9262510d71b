//! The catalog's answers that read no record: its credentials (by body and
//! state), one credential, a jurisdiction, the named goals, and a
//! credential string read into credentials. They take the catalog alone,
//! so the command line answers them without opening a data directory.

use labpath_catalog::diag::suggest;
use labpath_engine::catalog::{Catalog, Credential, Jurisdiction};
use labpath_engine::limits;
use labpath_engine::units::Code;
use labpath_views::catalog::Parsed;

use crate::AppError;

/// Which credentials to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct CredentialFilter<'a> {
    /// Only those of this issuing body (its id).
    pub body: Option<&'a str>,
    /// Only those of this state or territory (a two-letter code, any case).
    pub state: Option<&'a str>,
}

/// The credentials a filter selects, with the jurisdiction it named.
#[derive(Debug)]
pub struct Credentials<'c> {
    /// The jurisdiction asked for: whether it licenses, and what it says.
    pub jurisdiction: Option<&'c Jurisdiction>,
    /// The credentials, in catalog order.
    pub credentials: Vec<&'c Credential>,
}

/// The catalog's credentials that pass the filter. An unknown body is
/// refused at `body` with the nearest known id; a code that is not a state
/// or territory of the catalog, at `state`.
pub fn credentials<'c>(
    catalog: &'c Catalog,
    filter: &CredentialFilter<'_>,
) -> Result<Credentials<'c>, AppError> {
    let body = filter.body.map(str::trim).filter(|b| !b.is_empty());
    if let Some(body) = body {
        limits::id("body", body)?;
    }
    if let Some(body) = body
        && catalog.body(body).is_none()
    {
        let hint = suggest(body, catalog.bodies().iter().map(|b| b.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(AppError::invalid(format!("unknown body `{body}`{hint}")).at("body"));
    }
    let jurisdiction = match filter.state.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        // A filter naming no jurisdiction is refused input, not a missing
        // record.
        Some(text) => Some(
            jurisdiction(catalog, text).map_err(|e| AppError::invalid(e.message).at("state"))?,
        ),
    };
    let credentials = catalog
        .credentials()
        .iter()
        .filter(|c| body.is_none_or(|b| c.body.as_str() == b))
        .filter(|c| jurisdiction.is_none_or(|j| c.jurisdiction == Some(j.code)))
        .collect();
    Ok(Credentials {
        jurisdiction,
        credentials,
    })
}

/// The catalog's credential `id` (trimmed), or "not found" with the
/// nearest known id; an id over [`limits::MAX_ID`] characters is not
/// found without a lookup.
pub fn credential<'c>(catalog: &'c Catalog, id: &str) -> Result<&'c Credential, AppError> {
    let id = id.trim();
    if let Err(over) = limits::id("credential", id) {
        return Err(AppError::missing("credential", over.message));
    }
    catalog.credential(id).ok_or_else(|| {
        let hint = suggest(id, catalog.credentials().iter().map(|c| c.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        AppError {
            message: format!("unknown credential `{id}`{hint}"),
            ..AppError::not_found("credential", id)
        }
    })
}

/// The jurisdiction of a two-letter code (any case), or "not found"
/// listing the catalog's codes.
pub fn jurisdiction<'c>(catalog: &'c Catalog, code: &str) -> Result<&'c Jurisdiction, AppError> {
    let code = code.trim();
    Code::parse(&code.to_uppercase())
        .ok()
        .and_then(|c| catalog.jurisdiction(c))
        .ok_or_else(|| {
            let known: Vec<String> = catalog
                .jurisdictions()
                .iter()
                .map(|j| j.code.to_string())
                .collect();
            let code = limits::quote(code);
            AppError {
                message: format!(
                    "the catalog has no jurisdiction `{code}` (it has: {})",
                    known.join(", ")
                ),
                ..AppError::not_found("jurisdiction", code)
            }
        })
}

/// Reads a credential string (`MLS (ASCP)CM, NYS licensed`) into the
/// catalog credentials each part names; an empty string is refused at
/// `text`. What a maintenance suffix means comes from the glossary.
pub fn parse<'c>(catalog: &'c Catalog, text: &str) -> Result<Parsed<'c>, AppError> {
    let text = text.trim();
    limits::text("text", text, limits::MAX_TEXT)?;
    let parts = labpath_engine::aliases::parse(catalog, text);
    if parts.is_empty() {
        return Err(AppError::invalid(
            "the credential string is empty: give one such as `MLS (ASCP)CM, NYS licensed`",
        )
        .at("text"));
    }
    let suffix_meaning = parts.iter().any(|p| p.maintenance_suffix).then(|| {
        catalog
            .glossary()
            .iter()
            .find(|t| {
                t.term.eq_ignore_ascii_case("CM")
                    || t.aliases.iter().any(|a| a.eq_ignore_ascii_case("CM"))
            })
            .map_or(
                "a maintenance suffix (the catalog's glossary has no entry for it)",
                |t| t.meaning.as_str(),
            )
    });
    Ok(Parsed {
        text: text.to_owned(),
        parts,
        suffix_meaning,
    })
}
