//! Signing in and out, the home page, the organization dashboard and its
//! users.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use labpath_app::accounts;
use labpath_store::accounts::Role;
use labpath_store::model::Window;
use serde::Serialize;
use serde_json::json;

use crate::api::account::NewUserBody;
use crate::api::people::visible_people;
use crate::api::tracker::{DashboardQuery, STAGES, dashboard_of};
use crate::audit::{Audited, ClientAddr};
use crate::auth;
use crate::error::ApiError;
use crate::extract::FormBody;
use crate::pages::{
    Caller, Frame, PageError, Posted, encode, html, html_status, respond, see_other,
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

/// Logs in from the form. (The login form has no session yet, so no CSRF
/// token; SameSite cookies and the throttle guard it.)
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    audited: Audited,
    form: FormBody,
) -> Response {
    let email = form.get("email").unwrap_or("").to_owned();
    let password = form.raw("password").to_owned();
    let next = safe_next(form.get("next"));
    let login = accounts::login(state.accounts(), &email, &password, &from).await;
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
            audited.note(
                None,
                None,
                format!("login-failed {}", accounts::audited_email(&email)),
            );
            let e = ApiError::from(e);
            html_status(
                &state,
                e.status,
                "login.html",
                LoginPage {
                    frame: Frame::anonymous(&state),
                    next: &next,
                    email: &email,
                    error: Some(e.message),
                },
            )
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

/// The agency dashboard.
pub async fn dashboard(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        me.require_staff()?;
        let dq = DashboardQuery {
            page: crate::api::PageQuery {
                page: q(&query, "page").map(str::to_owned),
                per_page: q(&query, "per_page").map(str::to_owned),
            },
            stage: q(&query, "stage").map(str::to_owned),
            q: q(&query, "q").map(str::to_owned),
            overdue: q(&query, "overdue").map(str::to_owned),
        };
        let board = dashboard_of(&state, &me, &dq).await?;
        // Admins see the accounts (an organization's staff and candidates
        // are a short list; the store pages it all the same).
        let users = match me.require_admin() {
            Ok(()) => {
                accounts::users(&state.app(), &me.app(), Window::ALL)
                    .await?
                    .items
            }
            Err(_) => Vec::new(),
        };
        let filter = format!(
            "stage={}&q={}&overdue={}",
            encode(q(&query, "stage").unwrap_or("")),
            encode(q(&query, "q").unwrap_or("")),
            encode(q(&query, "overdue").unwrap_or(""))
        );
        html(
            &state,
            "dashboard.html",
            json!({
                "frame": Frame::of(&state, &me),
                "board": board,
                "stages": STAGES,
                "stage": q(&query, "stage").unwrap_or(""),
                "q": q(&query, "q").unwrap_or(""),
                "overdue": q(&query, "overdue") == Some("true"),
                "filter": filter,
                "users": users,
                "admin": me.require_admin().is_ok(),
                "user_error": null,
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// Creates a user (admins; staff may invite candidates).
pub async fn add_user(
    State(state): State<AppState>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let role: Role = serde_json::from_value(json!(form.get("role").unwrap_or("")))
            .map_err(|_| ApiError::invalid("choose a role").at("role"))?;
        let body = NewUserBody {
            email: form.get("email").unwrap_or("").to_owned(),
            name: form.get("name").unwrap_or("").to_owned(),
            role,
            password: form.raw("password").to_owned(),
            person: form.get("person").map(str::to_owned),
        };
        accounts::create_user(&state.app(), &me.app(), body.account()?).await?;
        see_other("/dashboard")
    }
    .await;
    respond(&state, result)
}
