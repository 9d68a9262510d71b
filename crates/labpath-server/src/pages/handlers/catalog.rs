//! The catalog: credentials, one credential, and the catalog's health.

use axum::extract::State;
use axum::response::Response;
use labpath_engine::units::Date;
use serde_json::json;

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
        let c = crate::api::catalog::find_credential(catalog, &id, "credential")?;
        html(
            &state,
            "credential.html",
            json!({
                "frame": Frame::of(&state, &me),
                "explained": labpath_views::explain::credential(catalog, c),
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// The catalog's credentials, and a form that reads a credential string
/// (`MT(ASCP), NYS CLT`) into them.
/// `GET /catalog/health`: the catalog's health report, for the people who
/// keep its rules.
pub async fn catalog_health(State(state): State<AppState>, Caller(me): Caller) -> Response {
    let health = labpath_views::health::report(&state.catalog, Date::today());
    let result = html(
        &state,
        "health.html",
        json!({
            "frame": Frame::of(&state, &me),
            "h": health,
            "stale_years": labpath_views::health::STALE_AFTER_YEARS,
        }),
    );
    respond(&state, result)
}

pub async fn credentials(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        let catalog = &state.catalog;
        let text = q(&query, "text");
        // What a `CM` suffix means is a catalog fact, kept in its glossary.
        let cm = catalog
            .glossary()
            .iter()
            .find(|t| {
                t.term.eq_ignore_ascii_case("CM")
                    || t.aliases.iter().any(|a| a.eq_ignore_ascii_case("CM"))
            })
            .map_or("a maintenance suffix (the catalog's glossary has no entry for it)", |t| {
                t.meaning.as_str()
            });
        let parts: Option<Vec<serde_json::Value>> = text.map(|t| {
            labpath_engine::aliases::parse(catalog, t)
                .iter()
                .map(|p| {
                    let matches: Vec<serde_json::Value> = p
                        .matches
                        .iter()
                        .map(|m| json!({ "id": m.credential.id.as_str(), "abbreviation": m.credential.abbreviation, "name": m.credential.name, "how": m.how, "note": m.note }))
                        .collect();
                    json!({ "input": p.input, "matches": matches, "suffix": p.maintenance_suffix.then_some(cm) })
                })
                .collect()
        });
        let list: Vec<serde_json::Value> = catalog
            .credentials()
            .iter()
            .map(|c| json!({ "id": c.id.as_str(), "abbreviation": c.abbreviation, "name": c.name, "jurisdiction": c.jurisdiction.map(|j| j.to_string()) }))
            .collect();
        html(
            &state,
            "credentials.html",
            json!({
                "frame": Frame::of(&state, &me),
                "credentials": list,
                "text": text.unwrap_or(""),
                "parts": parts,
            }),
        )
    }
    .await;
    respond(&state, result)
}
