//! One-time account links: accepting an invitation and resetting a
//! password (`/set-password/{token}`), and asking for a reset when the
//! password is forgotten (`/forgot`). No session is needed: the token in
//! the address is the secret, and it works once.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use labpath_app::accounts;
use labpath_store::accounts::LinkPurpose;
use serde::Serialize;

use crate::audit::Audited;
use crate::auth;
use crate::error::ApiError;
use crate::extract::FormBody;
use crate::pages::{Frame, PageError, Refill, html, html_status, respond};
use crate::state::{AppState, Mode};

/// What the set-password page shows.
#[derive(Serialize)]
struct SetPasswordPage {
    frame: Frame,
    /// `invite` or `reset`.
    purpose: LinkPurpose,
    /// The account's email and name.
    email: String,
    name: String,
    /// The form's own address (with its token).
    action: String,
    refill: Option<Refill>,
}

fn server_only(state: &AppState) -> Result<(), PageError> {
    if state.mode == Mode::Local {
        return Err(PageError::Api(ApiError::not_found(
            "local mode has no accounts: there is no password to set",
        )));
    }
    Ok(())
}

/// `GET /set-password/{token}`: the form to choose a password, while the
/// link works; the refusal page once it is used or expired.
pub async fn set_password_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    let result = async {
        server_only(&state)?;
        let (purpose, user) = accounts::open_link(state.accounts(), &token).await?;
        html(
            &state,
            "set_password.html",
            SetPasswordPage {
                frame: Frame::anonymous(&state),
                purpose,
                email: user.email,
                name: user.name,
                action: format!("/set-password/{token}"),
                refill: None,
            },
        )
    }
    .await;
    respond(&state, result)
}

/// `POST /set-password/{token}`: sets the password, ends the link, and
/// logs the holder in. A refused password comes back beside its field.
pub async fn set_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    audited: Audited,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let result = async {
        server_only(&state)?;
        // It logs in too: a page of another site must not log a browser
        // into an account whose link it holds.
        auth::same_origin(&headers, "password form")?;
        let password = form.raw("password").to_owned();
        match accounts::use_link(state.accounts(), &token, &password).await {
            Ok(user) => {
                audited.note(
                    Some(user.org),
                    Some(user.id),
                    format!("password set through a link by user {}", user.id),
                );
                let (session, _) = auth::start_session(&state, &user).await?;
                Ok((
                    [(header::SET_COOKIE, auth::session_cookie(&state, &session))],
                    Redirect::to("/"),
                )
                    .into_response())
            }
            Err(e) if e.field.as_deref() == Some("password") => {
                let (purpose, user) = accounts::open_link(state.accounts(), &token).await?;
                // The password is not sent back into the page.
                let mut refill = Refill::of("set-password", &form, "password", e.into())?;
                refill.values.remove("password");
                html_status(
                    &state,
                    refill.status,
                    "set_password.html",
                    SetPasswordPage {
                        frame: Frame::anonymous(&state),
                        purpose,
                        email: user.email,
                        name: user.name,
                        action: format!("/set-password/{token}"),
                        refill: Some(refill),
                    },
                )
            }
            Err(e) => Err(PageError::Api(e.into())),
        }
    }
    .await;
    respond(&state, result)
}

/// What the forgotten-password page shows.
#[derive(Serialize)]
struct ForgotPage {
    frame: Frame,
    /// After a request: the answer, the same whether or not the email has
    /// an account.
    sent: Option<String>,
}

/// `GET /forgot`: asks for the account's email.
pub async fn forgot_form(State(state): State<AppState>) -> Response {
    let result = async {
        server_only(&state)?;
        html(
            &state,
            "forgot.html",
            ForgotPage {
                frame: Frame::anonymous(&state),
                sent: None,
            },
        )
    }
    .await;
    respond(&state, result)
}

/// `POST /forgot`: mails a reset link when the email has an account; the
/// answer is the same either way.
pub async fn forgot(State(state): State<AppState>, form: FormBody) -> Response {
    let result = async {
        server_only(&state)?;
        let email = form.get("email").unwrap_or("");
        let sent = match accounts::forgotten_password(state.accounts(), email).await? {
            Some(link) => crate::mail::send_link(&state, &link).await?,
            None => crate::mail::can_send_links(&state),
        };
        let answer = if sent {
            "If an account has this email, a link to choose a new password is on its way. It works once, for an hour."
        } else {
            "This server sends no email, so it cannot send you a link: ask an admin of your organization for a password reset link."
        };
        html(
            &state,
            "forgot.html",
            ForgotPage {
                frame: Frame::anonymous(&state),
                sent: Some(answer.to_owned()),
            },
        )
    }
    .await;
    respond(&state, result)
}
