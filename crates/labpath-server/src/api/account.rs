//! Sessions, users, the audit log and the calendar feed.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_store::accounts::{AuditEntry, NewUser, Role, User};
use labpath_store::ids::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tracker::{calendar_text, ics_response, records};
use super::{Page, PageQuery, visible_person};
use crate::audit::{Audited, ClientAddr};
use crate::auth::{self, Api, Principal, authenticate, same_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, JsonBody, PathParams, QueryParams};
use crate::state::{AppState, Mode};

/// `GET /api/health`: the server answers and reaches its database. It needs
/// no session, so in server mode it tells no count of records (the number
/// of people would be every organization's, to anyone who asks); local
/// mode's one owner gets theirs.
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let counts = state.store().counts().await?;
    let mut answer = serde_json::json!({
        "status": "ok",
        "catalog": {
            "credentials": state.catalog.credentials().len(),
            "steps": state.catalog.steps().len(),
        },
    });
    if state.mode == Mode::Local {
        answer["people"] = counts.people.into();
    }
    Ok(Json(answer))
}

/// Who is logged in.
#[derive(Debug, Serialize)]
pub struct SessionView {
    /// `local` or `server`.
    pub mode: &'static str,
    /// The user (`null` in local mode).
    pub user: Option<User>,
    /// The token unsafe requests must send as `x-csrf-token`.
    pub csrf: String,
}

fn mode_word(state: &AppState) -> &'static str {
    match state.mode {
        Mode::Local => "local",
        Mode::Server => "server",
    }
}

/// `GET /api/session`: the mode, the user and the CSRF token.
pub async fn session(State(state): State<AppState>, Api(me): Api) -> Json<SessionView> {
    Json(SessionView {
        mode: mode_word(&state),
        user: me.user,
        csrf: me.csrf,
    })
}

/// A login.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /api/login`: starts a session (cookie) and returns the CSRF token.
/// Failures are throttled per account and address.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    audited: Audited,
    JsonBody(body): JsonBody<Login>,
) -> ApiResult<Response> {
    if state.mode == Mode::Local {
        return Err(ApiError::invalid(
            "local mode has no accounts: there is nothing to log in to",
        ));
    }
    let user = match auth::login(&state, &body.email, &body.password, &from).await {
        Ok(user) => user,
        Err(e) => {
            audited.note(
                None,
                None,
                format!("login-failed {}", auth::audited_email(&body.email)),
            );
            return Err(e.api_error());
        }
    };
    let (token, session) = auth::start_session(&state, &user).await?;
    audited.note(Some(user.org), Some(user.id), format!("user {}", user.id));
    let view = SessionView {
        mode: "server",
        user: Some(user),
        csrf: session.csrf,
    };
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&state, &token))],
        Json(view),
    )
        .into_response())
}

/// `POST /api/logout`: ends the session.
pub async fn logout(
    State(state): State<AppState>,
    Api(_): Api,
    headers: HeaderMap,
) -> ApiResult<Response> {
    auth::end_session(&state, &headers).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
    )
        .into_response())
}

/// `GET /api/users`: the organization's users (staff and admins).
pub async fn users(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<User>>> {
    me.require_staff()?;
    let Some(org) = me.org() else {
        return Err(ApiError::invalid("local mode has no accounts"));
    };
    Ok(Json(q.cut(state.accounts().users(org).await?)?))
}

/// A user to create.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `admin`, `staff` or `candidate`.
    pub role: Role,
    /// At least 10 characters.
    pub password: String,
    /// For a candidate: their person id in this organization.
    pub person: Option<String>,
}

/// Creates a user in the principal's organization: admins create any
/// role, staff invite candidates.
pub async fn create_user_for(
    state: &AppState,
    me: &Principal,
    body: NewUserBody,
) -> ApiResult<User> {
    me.require_staff()?;
    let Some(org) = me.org() else {
        return Err(ApiError::invalid("local mode has no accounts"));
    };
    if body.role != Role::Candidate {
        me.require_admin()?;
    }
    let email = auth::check_email(&body.email)?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("a user needs a name").at("name"));
    }
    auth::check_new_password(&body.password, &email, &body.name)?;
    let person: Option<PersonId> = match (body.role, body.person.as_deref()) {
        (Role::Candidate, None) => {
            return Err(
                ApiError::invalid("a candidate's account needs their person id").at("person"),
            );
        }
        (_, Some(text)) => Some(
            visible_person(state, me, text)
                .await
                .map_err(|e| e.at("person"))?
                .id,
        ),
        (_, None) => None,
    };
    let password_hash = auth::hash_password(body.password).await?;
    let user = state
        .accounts()
        .create_user(&NewUser {
            org,
            email,
            name: body.name,
            role: body.role,
            person,
            password_hash,
        })
        .await
        .map_err(|e| {
            let conflict = matches!(e, labpath_store::StoreError::Conflict(_));
            let error = ApiError::from(e);
            if conflict { error.at("email") } else { error }
        })?;
    Ok(user)
}

/// `POST /api/users`: creates a user (admins: any role; staff: candidates).
pub async fn create_user(
    State(state): State<AppState>,
    Api(me): Api,
    JsonBody(body): JsonBody<NewUserBody>,
) -> ApiResult<Response> {
    let user = create_user_for(&state, &me, body).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// `GET /api/audit` query.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// Only lines older than this id.
    before: Option<String>,
    /// How many (1 to 500; default 100).
    limit: Option<String>,
}

/// `GET /api/audit`: the organization's audit log, newest first (admins).
pub async fn audit(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let org = me.org();
    if state.mode == Mode::Server {
        me.require_admin()?;
    }
    let before = match q.before.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(t.trim().parse::<i64>().map_err(|_| {
            ApiError::bad_request(format!("query: `before` must be a line id, got `{t}`"))
                .at("before")
        })?),
        None => None,
    };
    let limit = u32::try_from(super::whole_number(q.limit.as_deref(), "limit", 100, 500)?)
        .map_err(ApiError::internal)?;
    Ok(Json(state.accounts().audit_log(org, before, limit).await?))
}

/// The feed token of a user: derived from their password hash, so it is
/// secret, needs no storage (every replica computes the same), and changes
/// when the password does.
pub fn feed_token(user: UserId, password_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"labpath calendar feed\0");
    h.update(user.get().to_string().as_bytes());
    h.update(b"\0");
    h.update(password_hash.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `GET /api/calendar-feed`: the caller's calendar feed address (server
/// mode): a URL with a secret token that calendar programs subscribe to.
pub async fn calendar_feed(
    State(state): State<AppState>,
    Api(me): Api,
) -> ApiResult<Json<serde_json::Value>> {
    let Some(user) = &me.user else {
        return Err(ApiError::invalid(
            "local mode has no feed: use /api/people/{person}/calendar.ics",
        ));
    };
    let Some((_, hash)) = state.accounts().user_by_email(&user.email).await? else {
        return Err(ApiError::unauthorized("your account no longer exists"));
    };
    Ok(Json(serde_json::json!({
        "path": format!("/feed/{}/{}", user.id, feed_token(user.id, &hash)),
        "note": "subscribe to this address in a calendar program; changing your password changes it",
    })))
}

/// `GET /feed/{user}/{token}`: the user's calendar, without a session.
pub async fn feed(
    State(state): State<AppState>,
    PathParams((user, token)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("no calendar feed at this address");
    let id: UserId = extract::id(&user).map_err(|_| not_found())?;
    let user = state.accounts().user(id).await.map_err(|_| not_found())?;
    let Some((user, hash)) = state.accounts().user_by_email(&user.email).await? else {
        return Err(not_found());
    };
    let token = token.trim_end_matches(".ics");
    if !same_token(token, &feed_token(user.id, &hash)) {
        return Err(not_found());
    }
    let me = Principal {
        user: Some(user),
        csrf: String::new(),
    };
    let (people, records) = records(&state, &me, None).await?;
    Ok(ics_response(
        calendar_text(&state, &people, &records).await?,
    ))
}

/// Whether the request has a live session (pages use it to choose between
/// the page and the login form).
pub async fn has_session(state: &AppState, headers: &HeaderMap) -> ApiResult<bool> {
    Ok(authenticate(state, headers).await?.is_ok())
}
