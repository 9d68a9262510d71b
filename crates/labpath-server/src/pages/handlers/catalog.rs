//! The catalog: credentials, one credential, and the catalog's health.

use axum::extract::State;
use axum::response::Response;
use labpath_engine::aliases::MatchKind;
use labpath_engine::units::Date;
use labpath_views::catalog::CredentialEntry;
use serde::Serialize;

use crate::extract::PathParams;
use crate::pages::{Caller, Frame, html, respond};
use crate::state::AppState;

use super::{Q, q};

/// A credential explained: what it is, each route's requirements in plain
/// language, fees, renewal and keeping it, with sources; and, given a
/// credential string (`?text=MT(ASCP), NYS CLT`), which credentials it
/// names.
pub async fn credential(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let catalog = &state.catalog;
        let c = labpath_app::catalog::credential(catalog, &id)?;
        html(
            &state,
            "credential.html",
            CredentialPage {
                frame: Frame::of(&state, &me),
                explained: labpath_views::explain::credential(catalog, c),
            },
        )
    }
    .await;
    respond(&state, result)
}

/// What a credential's page shows.
#[derive(Serialize)]
struct CredentialPage<'c> {
    frame: Frame,
    explained: labpath_views::explain::CredentialView<'c>,
}

/// `GET /catalog/health`: the catalog's health report, for the people who
/// keep its rules.
pub async fn catalog_health(State(state): State<AppState>, Caller(me): Caller) -> Response {
    let health = labpath_views::health::report(&state.catalog, Date::today());
    let result = html(
        &state,
        "health.html",
        HealthPage {
            frame: Frame::of(&state, &me),
            h: health,
            stale_years: labpath_views::health::STALE_AFTER_YEARS,
        },
    );
    respond(&state, result)
}

/// What the catalog's health page shows.
#[derive(Serialize)]
struct HealthPage {
    frame: Frame,
    h: labpath_views::health::Health,
    /// After how many years a fact's as-of counts as old.
    stale_years: u32,
}

/// The catalog's credentials, and a form that reads a credential string
/// (`MT(ASCP), NYS CLT`) into them.
pub async fn credentials(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let catalog = &state.catalog;
    let text = q(&query, "text").unwrap_or("");
    let (parsed, error) = match text.trim() {
        "" => (None, None),
        _ => match labpath_app::catalog::parse(catalog, text) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.message)),
        },
    };
    let parts = parsed.as_ref().map(|p| {
        p.parts
            .iter()
            .map(|part| PartShown {
                input: &part.input,
                suffix: part.maintenance_suffix,
                matches: part
                    .matches
                    .iter()
                    .map(|m| MatchShown {
                        id: m.credential.id.as_str(),
                        abbreviation: &m.credential.abbreviation,
                        name: &m.credential.name,
                        how: &m.how,
                        note: m.note.as_deref(),
                    })
                    .collect(),
            })
            .collect()
    });
    let page = CredentialsPage {
        frame: Frame::of(&state, &me),
        credentials: catalog
            .credentials()
            .iter()
            .map(|c| CredentialEntry::of(c, catalog))
            .collect(),
        text,
        parts,
        suffix_meaning: parsed.as_ref().and_then(|p| p.suffix_meaning),
        error,
    };
    respond(&state, html(&state, "credentials.html", page))
}

/// What the credentials page shows.
#[derive(Serialize)]
struct CredentialsPage<'a> {
    frame: Frame,
    credentials: Vec<CredentialEntry<'a>>,
    /// The credential string asked about, as typed.
    text: &'a str,
    /// What it names, part by part.
    parts: Option<Vec<PartShown<'a>>>,
    /// What a `CM` suffix means, when a part carries one.
    suffix_meaning: Option<&'a str>,
    /// Why the string could not be read.
    error: Option<String>,
}

/// A part of a credential string, as the page lists it.
#[derive(Serialize)]
struct PartShown<'a> {
    input: &'a str,
    suffix: bool,
    matches: Vec<MatchShown<'a>>,
}

/// A credential a part names, with what the page links and says.
#[derive(Serialize)]
struct MatchShown<'a> {
    id: &'a str,
    abbreviation: &'a str,
    name: &'a str,
    how: &'a MatchKind,
    note: Option<&'a str>,
}
