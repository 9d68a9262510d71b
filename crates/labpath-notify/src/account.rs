//! Account emails (an invitation's or a password reset's one-time link):
//! written by the web server when a link is made, queued as
//! `account-email` jobs and sent by the same worker as reminders.

use labpath_store::StoreError;
use labpath_store::jobs::NewJob;
use serde::{Deserialize, Serialize};

use crate::mailer::Email;

/// The kind of account email jobs.
pub const ACCOUNT_KIND: &str = "account-email";

/// Tries of an account email: its link works an hour (a reset) to a week
/// (an invitation), so a few tries over the first minutes are what helps.
pub const ACCOUNT_ATTEMPTS: u32 = 4;

/// An `account-email` job's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEmail {
    /// What makes the email one (its `Message-ID` is made from it).
    pub key: String,
    /// The email.
    pub email: Email,
}

/// The job that mails `body` to `to`.
pub fn account_email(to: &str, subject: String, body: String) -> Result<NewJob, StoreError> {
    use sha2::{Digest, Sha256};
    // The body holds the link's token, so the key is the email's own.
    let digest = Sha256::digest(format!("{to}\n{subject}\n{body}").as_bytes());
    let key: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let payload = AccountEmail {
        key: format!("{ACCOUNT_KIND}:{key}"),
        email: Email {
            to: vec![to.to_owned()],
            subject,
            body,
            message_id: None,
        },
    };
    let payload = serde_json::to_value(&payload)
        .map_err(|e| StoreError::Other(format!("cannot write an account email's job: {e}")))?;
    Ok(NewJob::new(ACCOUNT_KIND, payload).max_attempts(ACCOUNT_ATTEMPTS))
}
