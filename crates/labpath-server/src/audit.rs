//! The audit log: every change anyone asks for (who, when, what, from
//! where, and the answer's status), written after the response is made.
//! Unsafe requests (POST, PUT, PATCH, DELETE) are logged, whether they
//! succeeded or not; reads are not, nor the POSTs that only compute an
//! answer from their body (`COMPUTATIONS`).

use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use labpath_store::accounts::NewAudit;
use labpath_store::ids::{OrgId, UserId};

use crate::auth::{Principal, is_unsafe};
use crate::error::ApiError;
use crate::state::AppState;

/// The routes that take POST only because their input (a profile) is too
/// large for a query string: they read no record and change none, so like
/// reads they are not logged (each would otherwise cost a database write,
/// the largest part of answering them).
const COMPUTATIONS: [&str; 2] = ["/api/eligibility", "/api/plan"];

/// What a request's handlers learned for its audit line.
#[derive(Debug, Clone, Default)]
struct Note {
    org: Option<OrgId>,
    user: Option<UserId>,
    target: Option<String>,
}

/// The request's audit slot: handlers and extractors note who asked.
#[derive(Debug, Clone, Default)]
pub struct Audited(Arc<Mutex<Note>>);

impl Audited {
    /// Notes the organization, user and target of the request.
    pub fn note(&self, org: Option<OrgId>, user: Option<UserId>, target: String) {
        if let Ok(mut n) = self.0.lock() {
            n.org = org.or(n.org);
            n.user = user.or(n.user);
            n.target = Some(target);
        }
    }

    /// Notes the principal.
    pub fn principal(&self, p: &Principal) {
        if let (Ok(mut n), Some(u)) = (self.0.lock(), &p.user) {
            n.org = Some(u.org);
            n.user = Some(u.id);
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Audited {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<Audited>()
            .cloned()
            .unwrap_or_default())
    }
}

/// The client's address (`crate::client`; `unknown` when the server was
/// not told it).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ClientAddr(
            state.client_of(&parts.extensions, &parts.headers),
        ))
    }
}

/// The middleware: gives each request an audit slot and, for unsafe
/// requests, appends the line once the response is made. A failure to
/// write the line is reported in the server log; the response stands.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let slot = Audited::default();
    req.extensions_mut().insert(slot.clone());
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| req.uri().path().to_owned());
    if !is_unsafe(req.method()) || COMPUTATIONS.contains(&path.as_str()) {
        return next.run(req).await;
    }
    let action = format!("{} {}", req.method(), path);
    let uri = req.uri().path().to_owned();
    let from = state.client_of(req.extensions(), req.headers());
    let response = next.run(req).await;
    let note = slot.0.lock().map(|n| n.clone()).unwrap_or_default();
    let line = NewAudit {
        org: note.org,
        user: note.user,
        action,
        target: note.target.or(Some(uri)),
        from,
        status: response.status().as_u16(),
    };
    if let Err(e) = state.accounts().audit(&line).await {
        tracing::error!("could not write the audit line {line:?}: {e}");
    }
    response
}
