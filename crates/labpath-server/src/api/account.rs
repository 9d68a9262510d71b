//! Sessions, users, the audit log and the calendar feed.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_app::accounts::{self, AccountLink, NewAccount, NewInvitation};
use labpath_engine::limits::schema::{
    AccountName, Email, NewPassword, Password, RecordIdText, ShortText,
};
use labpath_store::accounts::{AuditEntry, AuditFilter, LinkPurpose, Role, User};
use labpath_store::ids::UserId;
use labpath_store::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::tracker::{calendar_text, ics_response};
use super::{Page, PageQuery};
use crate::audit::{Audited, ClientAddr};
use crate::auth::{self, Api, Principal, authenticate, same_token};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, JsonBody, PathParams, QueryParams};
use crate::openapi::{
    BadRequest, Conflict, CrossSite, Forbidden, Invalid, NotFound, RateLimited, Unauthorized,
    Unsupported,
};
use crate::state::{AppState, Mode};

/// `GET /api/health`: the server answers and reaches its database. It needs
/// no session, so in server mode it tells no count of records (the number
/// of people would be every organization's, to anyone who asks); local
/// mode's one owner gets theirs.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "accounts",
    security(()),
    responses((status = 200, description = "The server answers and reaches its database.", body = Health))
)]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    let counts = state.store().counts().await?;
    Ok(Json(Health {
        status: "ok",
        catalog: CatalogSize {
            credentials: state.catalog.credentials().len(),
            steps: state.catalog.steps().len(),
        },
        people: (state.mode == Mode::Local).then_some(counts.people),
    }))
}

/// The health check's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` (a server that cannot reach its database answers 500).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The size of the catalog the server loaded.
    pub catalog: CatalogSize,
    /// How many people are stored: local mode only (in server mode the
    /// count would be every organization's, told to anyone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<u64>,
}

/// How much the loaded catalog holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogSize {
    /// Credentials.
    pub credentials: usize,
    /// Steps (exams, applications, courses...).
    pub steps: usize,
}

/// Who is logged in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionView {
    /// `local` or `server`.
    #[schema(value_type = String, pattern = "^(local|server)$")]
    pub mode: &'static str,
    /// The user (`null` in local mode).
    pub user: Option<User>,
    /// The token unsafe requests must send as `x-csrf-token`.
    pub csrf: String,
}

/// `GET /api/session`: the mode, the user and the CSRF token.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "accounts",
    responses(
        (status = 200, description = "The mode, the user and the CSRF token.", body = SessionView),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn session(State(state): State<AppState>, Api(me): Api) -> Json<SessionView> {
    Json(SessionView {
        mode: state.mode.as_str(),
        user: me.user,
        csrf: me.csrf,
    })
}

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Email (a longer one than the limit names no account: a wrong login).
    #[schema(value_type = Email)]
    pub email: String,
    /// Password (a longer one than the limit is no account's: a wrong login).
    #[schema(value_type = Password)]
    pub password: String,
}

/// `POST /api/login`: starts a session (cookie) and returns the CSRF token.
/// Failures are throttled by client address and by account
/// (`labpath_app::accounts::throttle`); a login a page of another site
/// sent is refused (`auth::same_origin`).
#[utoipa::path(
    post,
    path = "/api/login",
    tag = "accounts",
    security(()),
    request_body = Login,
    responses(
        (status = 200, description = "The session started: the cookie is set, the answer has the CSRF token.", body = SessionView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = CrossSite),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
        (status = 429, response = RateLimited),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    audited: Audited,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Login>,
) -> ApiResult<Response> {
    if state.mode == Mode::Local {
        return Err(ApiError::invalid(
            "local mode has no accounts: there is nothing to log in to",
        ));
    }
    let checked = auth::same_origin(&headers, "login");
    let login = match checked {
        Ok(()) => accounts::login(state.accounts(), &body.email, &body.password, &from)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let user = match login {
        Ok(user) => user,
        Err(e) => {
            let org = accounts::targeted_organization(state.accounts(), &body.email).await?;
            audited.note(org, None, refused_login(&e, &body.email));
            return Err(e);
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

/// The audit line's target for a refused login: `login-failed EMAIL`, or
/// `login-refused (cross-site) EMAIL` for one sent by another site.
pub fn refused_login(e: &ApiError, email: &str) -> String {
    let what = if e.code == "csrf" {
        "login-refused (cross-site)"
    } else {
        "login-failed"
    };
    format!("{what} {}", accounts::audited_email(email))
}

/// `POST /api/logout`: ends the session.
#[utoipa::path(
    post,
    path = "/api/logout",
    tag = "accounts",
    responses(
        (status = 204, description = "The session ended; the cookie is cleared."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/users",
    tag = "accounts",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the organization's users.", body = Page<User>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Invalid),
    )
)]
pub async fn users(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<User>>> {
    let users = accounts::users(&state.app(), &me.app(), q.window()?).await?;
    Ok(Json(q.of(users)?))
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewUser)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// Login email.
    #[schema(value_type = Email)]
    pub email: String,
    /// Display name.
    #[schema(value_type = AccountName)]
    pub name: String,
    /// `admin`, `staff` or `candidate`.
    pub role: Role,
    /// The password.
    #[schema(value_type = NewPassword)]
    pub password: String,
    /// For a candidate: their person id in this organization.
    #[schema(value_type = Option<RecordIdText>)]
    pub person: Option<String>,
}

impl NewUserBody {
    /// The account to create: the person id read from its text (the
    /// use case checks that the caller sees them).
    pub fn account(self) -> Result<NewAccount, ApiError> {
        let person = match self.person.as_deref() {
            Some(text) => Some(extract::id(text).map_err(|e| e.at("person"))?),
            None => None,
        };
        Ok(NewAccount {
            email: self.email,
            name: self.name,
            role: self.role,
            password: self.password,
            person,
        })
    }
}

/// `POST /api/users`: creates a user (admins: any role; staff: candidates).
#[utoipa::path(
    post,
    path = "/api/users",
    tag = "accounts",
    request_body = NewUserBody,
    responses(
        (status = 201, description = "The user, created.", body = User),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    Api(me): Api,
    JsonBody(body): JsonBody<NewUserBody>,
) -> ApiResult<Response> {
    let user = accounts::create_user(&state.app(), &me.app(), body.account()?).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

/// Someone to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewInvitation)]
#[serde(deny_unknown_fields)]
pub struct NewInvitationBody {
    /// Login email.
    #[schema(value_type = Email)]
    pub email: String,
    /// Display name.
    #[schema(value_type = AccountName)]
    pub name: String,
    /// `admin`, `staff` or `candidate`.
    pub role: Role,
    /// For a candidate: their person id in this organization.
    #[schema(value_type = Option<RecordIdText>)]
    pub person: Option<String>,
}

impl NewInvitationBody {
    /// The invitation to make: the person id read from its text.
    pub fn invitation(self) -> Result<NewInvitation, ApiError> {
        let person = match self.person.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => Some(extract::id(text).map_err(|e| e.at("person"))?),
            _ => None,
        };
        Ok(NewInvitation {
            email: self.email,
            name: self.name,
            role: self.role,
            person,
        })
    }
}

/// A one-time link made for an account (an invitation or a reset).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    /// Whose account.
    pub user: User,
    /// `invite` or `reset`.
    pub purpose: LinkPurpose,
    /// The link's path on this server (`/set-password/{token}`): it works
    /// once, until `expires_at`. Send it to the account's holder only.
    pub path: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Whether this server emailed it to the account's holder.
    pub emailed: bool,
}

impl LinkView {
    /// The link as answered, after trying to email it.
    pub async fn sent(state: &AppState, link: AccountLink) -> ApiResult<LinkView> {
        let emailed = crate::mail::send_link(state, &link).await?;
        Ok(LinkView {
            path: link.path(),
            user: link.user,
            purpose: link.purpose,
            expires_at: link.expires_at,
            emailed,
        })
    }
}

/// `POST /api/invitations`: makes an account whose holder chooses their
/// own password through a one-time link (admins: any role; staff:
/// candidates). The link is emailed when the server sends email, and is
/// in the answer either way.
#[utoipa::path(
    post,
    path = "/api/invitations",
    tag = "accounts",
    request_body = NewInvitationBody,
    responses(
        (status = 201, description = "The account, made, with its one-time link.", body = LinkView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    Api(me): Api,
    JsonBody(body): JsonBody<NewInvitationBody>,
) -> ApiResult<Response> {
    let link = accounts::invite(&state.app(), &me.app(), body.invitation()?).await?;
    let view = LinkView::sent(&state, link).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `POST /api/users/{user}/reset-link`: a one-time link, working for an
/// hour, with which the user chooses a new password (admins); the user's
/// earlier links stop working.
#[utoipa::path(
    post,
    path = "/api/users/{user}/reset-link",
    tag = "accounts",
    params(("user" = RecordIdText, Path, description = "The user's id.")),
    responses(
        (status = 201, description = "The link.", body = LinkView),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn reset_link(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(user): PathParams<String>,
) -> ApiResult<Response> {
    let user: UserId = extract::id(&user)?;
    let link = accounts::reset_link(&state.app(), &me.app(), user).await?;
    let view = LinkView::sent(&state, link).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `GET /api/audit` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only lines older than this id.
    #[param(pattern = r"^[1-9][0-9]{0,17}$")]
    pub before: Option<String>,
    /// How many (1 to 500; default 100).
    #[param(pattern = r"^[1-9][0-9]{0,2}$")]
    pub limit: Option<String>,
    /// Only this user's lines (a user id).
    #[param(pattern = r"^[1-9][0-9]{0,17}$")]
    pub user: Option<String>,
    /// Only lines whose action or target contains this text, any case
    /// (`login-failed`, `POST /api/people`, `person 7`).
    #[param(value_type = Option<ShortText>)]
    pub action: Option<String>,
    /// Only lines from this day on (UTC, `YYYY-MM-DD`).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Only lines up to this day, included (UTC, `YYYY-MM-DD`).
    #[param(format = Date)]
    pub until: Option<String>,
}

impl AuditQuery {
    /// The filter it asks for; 400 naming a parameter that does not read.
    pub fn filter(&self) -> ApiResult<AuditFilter> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let number = |name: &str, v: &Option<String>| -> ApiResult<Option<i64>> {
            match given(v) {
                Some(t) => t.parse::<i64>().map(Some).map_err(|_| {
                    ApiError::bad_request(format!("query: `{name}` must be an id, got `{t}`"))
                        .at(name)
                }),
                None => Ok(None),
            }
        };
        let day = |name: &str, v: &Option<String>, after: i64| -> ApiResult<Option<Timestamp>> {
            let Some(t) = given(v) else {
                return Ok(None);
            };
            let refuse = || {
                ApiError::bad_request(format!(
                    "query: `{name}` must be a day as YYYY-MM-DD, got `{t}`"
                ))
                .at(name)
            };
            let d = labpath_engine::units::Date::parse(&t).map_err(|_| refuse())?;
            let start = Timestamp::parse(&format!("{d}T00:00:00Z")).map_err(|_| refuse())?;
            Ok(Some(start.plus_seconds(after)))
        };
        let action = given(&self.action);
        if let Some(text) = &action {
            labpath_engine::limits::text("action", text, labpath_engine::limits::MAX_TEXT)?;
        }
        Ok(AuditFilter {
            before: number("before", &self.before)?,
            user: number("user", &self.user)?.map(UserId::from_raw),
            action,
            from: day("from", &self.from, 0)?,
            until: day("until", &self.until, 24 * 60 * 60)?,
        })
    }

    /// The window: the first `limit` lines (default 100, at most 500).
    pub fn window(&self) -> ApiResult<labpath_store::model::Window> {
        Ok(labpath_store::model::Window {
            offset: 0,
            limit: super::whole_number(self.limit.as_deref(), "limit", 100, 500)? as u64,
        })
    }
}

/// `GET /api/audit`: the organization's audit log, newest first (admins),
/// filtered by who, what and when.
#[utoipa::path(
    get,
    path = "/api/audit",
    tag = "accounts",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit lines, newest first.", body = Vec<AuditEntry>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
pub async fn audit(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let lines = accounts::audit(&state.app(), &me.app(), &q.filter()?, q.window()?).await?;
    Ok(Json(lines.items))
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
#[utoipa::path(
    get,
    path = "/api/calendar-feed",
    tag = "accounts",
    responses(
        (status = 200, description = "The feed's address.", body = FeedAddress),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
pub async fn calendar_feed(
    State(state): State<AppState>,
    Api(me): Api,
) -> ApiResult<Json<FeedAddress>> {
    let Some(user) = &me.user else {
        return Err(ApiError::invalid(
            "local mode has no feed: use /api/people/{person}/calendar.ics",
        ));
    };
    let Some((_, hash)) = state.accounts().user_by_email(&user.email).await? else {
        return Err(ApiError::unauthorized("your account no longer exists"));
    };
    Ok(Json(FeedAddress {
        path: format!("/feed/{}/{}", user.id, feed_token(user.id, &hash)),
        note: "subscribe to this address in a calendar program; changing your password changes it",
    }))
}

/// Where the caller's calendar feed is.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedAddress {
    /// The feed's path on this server (`/feed/{user}/{token}`).
    pub path: String,
    /// How to use it.
    pub note: &'static str,
}

/// `GET /feed/{user}/{token}`: the user's calendar, without a session.
#[utoipa::path(
    get,
    path = "/feed/{user}/{token}",
    tag = "accounts",
    security(()),
    params(
        ("user" = RecordIdText, Path, description = "The user's id."),
        ("token" = String, Path, pattern = r"^[0-9a-f]{64}(\.ics)?$", description = "The feed's secret token (an `.ics` ending is allowed)."),
    ),
    responses(
        (status = 200, description = "Deadlines, reminders, next steps and renewals as iCalendar.", content_type = "text/calendar", body = String),
        (status = 404, response = NotFound),
    )
)]
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
    Ok(ics_response(calendar_text(&state, &me, None).await?))
}

/// Whether the request has a live session (pages use it to choose between
/// the page and the login form).
pub async fn has_session(state: &AppState, headers: &HeaderMap) -> ApiResult<bool> {
    Ok(authenticate(state, headers).await?.is_ok())
}
