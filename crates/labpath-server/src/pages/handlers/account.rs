//! Signing in and out, the home page, the organization dashboard and its
//! users.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use labpath_app::accounts::{self, AccountLink};
use labpath_store::accounts::{LinkPurpose, Role, User};
use labpath_store::ids::UserId;
use labpath_store::model::Window;
use serde::Serialize;

use crate::api::account::{NewInvitationBody, refused_login};
use crate::api::people::visible_people;
use crate::api::tracker::{Dashboard, DashboardQuery, STAGES, dashboard_of};
use crate::audit::{Audited, ClientAddr};
use crate::auth;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{FormBody, QueryParams};
use crate::pages::{
    Caller, Frame, PageError, PageResult, Posted, Refill, encode, html, html_status, respond,
    see_other,
};
use crate::state::{AppState, Mode};

use super::{Q, q};

/// `/`: local mode opens on the person's overview (or the people list);
/// server mode on the dashboard (staff) or the candidate's own page.
pub async fn home(State(state): State<AppState>, Caller(me): Caller) -> Response {
    let result = async {
        match me.user.as_ref().map(|u| (u.role, u.person)) {
            Some((Role::Candidate, Some(p))) => see_other(&format!("/people/{p}")),
            Some((Role::Candidate, None)) => Err(ApiError::forbidden(
                "your account is not linked to a record yet: ask your organization",
            )
            .into()),
            Some(_) => see_other("/dashboard"),
            None => {
                let people = visible_people(&state, me.scope()).await?;
                if people.len() == 1 {
                    see_other(&format!("/people/{}", people[0].id))
                } else {
                    see_other("/people")
                }
            }
        }
    }
    .await;
    respond(&state, result)
}

/// The login form.
pub async fn login_form(State(state): State<AppState>, query: Q) -> Response {
    let result = if state.mode == Mode::Local {
        see_other("/")
    } else {
        html(
            &state,
            "login.html",
            LoginPage {
                frame: Frame::anonymous(&state),
                next: q(&query, "next").unwrap_or("/"),
                email: "",
                error: None,
            },
        )
    };
    respond(&state, result)
}

/// What the login page shows: the address to go back to and, for a
/// refused login, the email as typed and why.
#[derive(Serialize)]
struct LoginPage<'a> {
    frame: Frame,
    next: &'a str,
    email: &'a str,
    error: Option<String>,
}

/// Where a login may send back to: a path of this site, or `/`. Browsers
/// drop tabs and line breaks from an address and read `\` as `/`, so
/// `/<tab>/host` or `/\host` would leave the site as `//host` does: only
/// visible ASCII without a backslash is kept, and the second character
/// must not start another slash.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with('/')
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Logs in from the form. The login form has no session yet, so no CSRF
/// token: a login sent by a page of another site is refused by its
/// `Origin` (`auth::same_origin`), and failures are throttled. A refused
/// login shows the form again with why (and, when throttled, the
/// `Retry-After` the API gives).
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    audited: Audited,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let email = form.get("email").unwrap_or("").to_owned();
    let password = form.raw("password").to_owned();
    let next = safe_next(form.get("next"));
    let login = match auth::same_origin(&headers, "login") {
        Ok(()) => accounts::login(state.accounts(), &email, &password, &from)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let result = match login {
        Ok(user) => match auth::start_session(&state, &user).await {
            Ok((token, _)) => {
                audited.note(Some(user.org), Some(user.id), format!("user {}", user.id));
                Ok((
                    [(header::SET_COOKIE, auth::session_cookie(&state, &token))],
                    Redirect::to(&next),
                )
                    .into_response())
            }
            Err(e) => Err(PageError::Api(e)),
        },
        Err(e) => {
            let org = match accounts::targeted_organization(state.accounts(), &email).await {
                Ok(org) => org,
                Err(e) => return respond(&state, Err(PageError::Api(e.into()))),
            };
            audited.note(org, None, refused_login(&e, &email));
            let page = LoginPage {
                frame: Frame::anonymous(&state),
                next: &next,
                email: &email,
                error: Some(e.message.clone()),
            };
            html_status(&state, e.status, "login.html", page).map(|mut r| {
                if let Some(seconds) = e.retry_after {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                r
            })
        }
    };
    respond(&state, result)
}

/// Logs out.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: Posted<FormBody>,
) -> Response {
    let result = async {
        auth::end_session(&state, &headers).await?;
        Ok((
            [(header::SET_COOKIE, auth::clear_cookie(&state))],
            Redirect::to("/login"),
        )
            .into_response())
    }
    .await;
    respond(&state, result)
}

/// What the dashboard shows.
#[derive(Serialize)]
struct DashboardPage {
    frame: Frame,
    board: Dashboard,
    stages: [&'static str; 6],
    /// The filter as asked (the form refills it).
    stage: String,
    q: String,
    overdue: bool,
    owner: String,
    state: String,
    severity: String,
    /// The filter as a query string (pages and the CSV keep it).
    filter: String,
    /// The same without the stage (the board's columns set their own).
    other_filters: String,
    /// Who may be made responsible for a candidate (server mode), and
    /// their names by id for the cards.
    owners: Vec<OwnerChoice>,
    owner_names: BTreeMap<String, String>,
    accounts: AccountsSection,
}

/// A staff member or admin a candidate may be given to.
#[derive(Serialize)]
pub struct OwnerChoice {
    /// The user id.
    pub id: UserId,
    /// Their name.
    pub name: String,
}

impl OwnerChoice {
    /// The choices of `who`'s organization.
    pub async fn of(state: &AppState, who: &Principal) -> Result<Vec<OwnerChoice>, ApiError> {
        let users = labpath_app::people::owners(&state.app(), &who.app()).await?;
        Ok(users
            .into_iter()
            .map(|u| OwnerChoice {
                id: u.id,
                name: u.name,
            })
            .collect())
    }
}

/// The dashboard's accounts: the list (staff read it, admins also make
/// reset links), the invitation form, and a link just made.
#[derive(Serialize)]
struct AccountsSection {
    users: Vec<User>,
    total: u64,
    admin: bool,
    /// The refused invitation, filled in.
    refill: Option<Refill>,
    /// The link just made, shown once.
    made: Option<MadeLink>,
}

/// A link just made, as the dashboard shows it to pass on.
#[derive(Serialize)]
struct MadeLink {
    name: String,
    email: String,
    purpose: LinkPurpose,
    /// The address to send (the configured public one when mail is on,
    /// else this server's path).
    url: String,
    expires_at: String,
    emailed: bool,
}

/// The most accounts the dashboard lists (the count says how many more).
const ACCOUNTS_SHOWN: u64 = 200;

/// The dashboard's filter parameters, as its links carry them.
const FILTERS: [&str; 6] = ["stage", "q", "overdue", "owner", "state", "severity"];

/// The dashboard query of a page's query string.
pub fn dashboard_query(query: &Q) -> DashboardQuery {
    let text = |name| q(query, name).map(str::to_owned);
    DashboardQuery {
        page: crate::api::PageQuery {
            page: text("page"),
            per_page: text("per_page"),
        },
        stage: text("stage"),
        q: text("q"),
        overdue: text("overdue"),
        owner: text("owner"),
        state: text("state"),
        severity: text("severity"),
    }
}

/// `/dashboard.csv`: the candidates the dashboard's filter keeps, every
/// one of them, as CSV (`labpath_app::dashboard::csv`); without a filter,
/// every candidate.
pub async fn dashboard_csv(
    State(state): State<AppState>,
    Caller(me): Caller,
    query: Q,
) -> Response {
    let result = async {
        let filter = crate::api::tracker::dashboard_filter(&dashboard_query(&query))?;
        let text = labpath_app::dashboard::csv(
            &state.app(),
            &me.app(),
            &filter,
            labpath_engine::units::Date::today(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"candidates.csv\"",
                ),
            ],
            text,
        )
            .into_response())
    }
    .await;
    respond(&state, result)
}

/// The agency dashboard.
pub async fn dashboard(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = dashboard_page(&state, &me, &query, None, None).await;
    respond(&state, result)
}

/// The dashboard page, with a refused invitation or a link just made.
async fn dashboard_page(
    state: &AppState,
    me: &Principal,
    query: &Q,
    refill: Option<Refill>,
    made: Option<MadeLink>,
) -> PageResult {
    me.require_staff()?;
    let text = |name| q(query, name).unwrap_or("").to_owned();
    let dq = dashboard_query(query);
    let board = dashboard_of(state, me, &dq).await?;
    let owners = OwnerChoice::of(state, me).await?;
    let owner_names = owners
        .iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let window = Window {
        offset: 0,
        limit: ACCOUNTS_SHOWN,
    };
    let users = match me.org() {
        Some(_) => accounts::users(&state.app(), &me.app(), window).await?,
        None => labpath_store::model::Paged {
            items: Vec::new(),
            total: 0,
        },
    };
    let query_of = |names: &[&'static str]| {
        names
            .iter()
            .map(|name| format!("{name}={}", encode(&text(name))))
            .collect::<Vec<_>>()
            .join("&")
    };
    let filter = query_of(&FILTERS);
    let other_filters = query_of(&FILTERS[1..]);
    let status = Refill::status(refill.as_ref());
    html_status(
        state,
        status,
        "dashboard.html",
        DashboardPage {
            frame: Frame::of(state, me),
            board,
            stages: STAGES,
            stage: text("stage"),
            q: text("q"),
            overdue: q(query, "overdue") == Some("true"),
            owner: text("owner"),
            state: text("state"),
            severity: text("severity"),
            filter,
            other_filters,
            owners,
            owner_names,
            accounts: AccountsSection {
                users: users.items,
                total: users.total,
                admin: me.require_admin().is_ok(),
                refill,
                made,
            },
        },
    )
}

/// The link as the dashboard shows it, after trying to email it. Its
/// address is the configured public one when there is one; otherwise the
/// one the staff member's own browser used (`Host`), which is only shown
/// to them, never mailed.
async fn made(
    state: &AppState,
    headers: &HeaderMap,
    link: AccountLink,
) -> Result<MadeLink, ApiError> {
    let emailed = crate::mail::send_link(state, &link).await?;
    let origin = match &state.link_mail {
        Some(mail) => mail.public_url.clone(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            let scheme = if state.secure_cookies {
                "https"
            } else {
                "http"
            };
            if host.is_empty() {
                String::new()
            } else {
                format!("{scheme}://{host}")
            }
        }
    };
    // `2026-12-09T21:39:18.852Z` as `2026-12-09 21:39 UTC`.
    let at = link.expires_at.to_string();
    let expires_at = match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => at,
    };
    Ok(MadeLink {
        url: format!("{origin}{}", link.path()),
        name: link.user.name,
        email: link.user.email,
        purpose: link.purpose,
        expires_at,
        emailed,
    })
}

/// Invites someone from the dashboard (admins: any role; staff:
/// candidates): the dashboard again, with the link to pass on, or with the
/// form refused and filled in.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let query = QueryParams(Default::default());
    let result = async {
        let invitation = async {
            let role = match form.get("role").and_then(Role::parse) {
                Some(role) => role,
                None => {
                    return Err(
                        ApiError::invalid("choose a role: candidate, staff or admin").at("role"),
                    );
                }
            };
            let body = NewInvitationBody {
                email: form.get("email").unwrap_or("").to_owned(),
                name: form.get("name").unwrap_or("").to_owned(),
                role,
                person: form.get("person").map(str::to_owned),
            };
            let link = accounts::invite(&state.app(), &me.app(), body.invitation()?).await?;
            made(&state, &headers, link).await
        }
        .await;
        match invitation {
            Ok(link) => dashboard_page(&state, &me, &query, None, Some(link)).await,
            Err(e) => {
                let refill = Refill::of("invite", &form, "email", e)?;
                dashboard_page(&state, &me, &query, Some(refill), None).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Makes a password reset link for a user (admins): the dashboard again,
/// with the link to pass on.
pub async fn reset_link(
    State(state): State<AppState>,
    Path(user): Path<String>,
    headers: HeaderMap,
    Posted { me, form: _ }: Posted<FormBody>,
) -> Response {
    let result = async {
        let user: UserId = crate::extract::id(&user)?;
        let link = accounts::reset_link(&state.app(), &me.app(), user).await?;
        let link = made(&state, &headers, link).await?;
        dashboard_page(
            &state,
            &me,
            &QueryParams(Default::default()),
            None,
            Some(link),
        )
        .await
    }
    .await;
    respond(&state, result)
}
