//! Account emails: the one-time links of invitations and password resets,
//! mailed through the job queue (the same queue and worker as reminder
//! emails) when the server sends email and knows the address people reach
//! it at (`--public-url`). A link is built on that configured address,
//! never on the request's `Host`, which anyone can set.

use std::sync::Arc;

use labpath_app::accounts::AccountLink;
use labpath_store::JobQueue;
use labpath_store::accounts::LinkPurpose;

use crate::error::ApiError;
use crate::state::AppState;

/// How this server mails account links.
#[derive(Clone)]
pub struct LinkMail {
    /// The address people reach the server at (`https://labpath.agency.example`),
    /// without a trailing slash.
    pub public_url: String,
    /// The queue the mail worker sends from.
    pub jobs: Arc<dyn JobQueue>,
}

/// Whether this server can mail a link.
pub fn can_send_links(state: &AppState) -> bool {
    state.link_mail.is_some()
}

/// Mails `link` to its account's holder; `false` when this server sends no
/// email (the link is then only shown to whoever made it).
pub async fn send_link(state: &AppState, link: &AccountLink) -> Result<bool, ApiError> {
    let Some(mail) = &state.link_mail else {
        return Ok(false);
    };
    let url = format!("{}{}", mail.public_url, link.path());
    let expires = link.expires_at.to_string();
    let (subject, body) = match link.purpose {
        LinkPurpose::Invite => (
            "Your labpath account: choose your password".to_owned(),
            format!(
                "Hello {name},\n\nAn account was made for you on labpath ({email}).\nChoose your password here (the link works once, until {expires}):\n\n{url}\n\nIf you did not expect this, ignore this email.\n",
                name = link.user.name,
                email = link.user.email,
            ),
        ),
        LinkPurpose::Reset => (
            "labpath: choose a new password".to_owned(),
            format!(
                "Hello {name},\n\nA new password was asked for your labpath account ({email}).\nChoose it here (the link works once, until {expires}):\n\n{url}\n\nIf you did not ask, ignore this email: your password stays as it is.\n",
                name = link.user.name,
                email = link.user.email,
            ),
        ),
    };
    let job =
        labpath_notify::account_email(&link.user.email, subject, body).map_err(ApiError::from)?;
    mail.jobs.enqueue(&job).await?;
    Ok(true)
}
