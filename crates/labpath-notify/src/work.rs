//! Sending: a worker claims one due email job at a time (an
//! `account-email` first, since someone is waiting for its link, then a
//! `reminder-email`), sends
//! it, and records the outcome at once: `complete` right after the server
//! accepted the email, `fail` (retried after the queue's backoff) when it
//! did not.
//!
//! Each job is claimed alone, under a lease longer than the longest a send
//! may take (`Mailer::send_limit`, after which the send is abandoned), so a
//! lease never runs out while its email is on the way and no other worker
//! can claim a job that is being sent.
//!
//! What is left is the window every queue-then-send design has: the server
//! has accepted the email but `complete` is not recorded (the process dies,
//! or the database cannot be reached for the few retries below, in the
//! milliseconds between the two), or the server's "250 OK" is lost on the
//! way back. Then the lease runs out and the email is sent again. Both send
//! the same `Message-ID` (made from the job's key), by which a mail system
//! can tell the second copy for what it is.

use std::time::Duration;

use labpath_store::StoreError;
use labpath_store::jobs::{Job, JobQueue};
use sha2::{Digest, Sha256};

use crate::account::AccountEmail;
use crate::mailer::Mailer;
use crate::schedule::ReminderEmail;

/// What a lease holds beyond the longest send: time to record the outcome.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// How long to wait before each new try to record that an email was sent
/// (the database may be failing over).
const COMPLETE_RETRIES: [Duration; 3] = [
    Duration::from_millis(200),
    Duration::from_secs(1),
    Duration::from_secs(3),
];

/// Sends up to `limit` due reminder emails as `worker` (a name unique to
/// this process, e.g. `web-2/mailer`), one at a time. Returns how many were
/// sent; a refused or failed send is recorded on its job (`last_error`) and
/// retried later, and does not stop the others. Errs only when the queue
/// itself fails.
pub async fn work(
    queue: &dyn JobQueue,
    mailer: &Mailer,
    worker: &str,
    limit: u32,
) -> Result<u32, StoreError> {
    let lease = mailer.send_limit() + LEASE_MARGIN;
    let mut sent = 0;
    for _ in 0..limit {
        let mut claimed = queue
            .claim_kind(crate::ACCOUNT_KIND, worker, 1, lease)
            .await?;
        if claimed.is_empty() {
            claimed = queue.claim_kind(crate::KIND, worker, 1, lease).await?;
        }
        let Some(job) = claimed.into_iter().next() else {
            break;
        };
        match send(mailer, &job).await {
            Ok(()) => {
                complete(queue, &job).await?;
                sent += 1;
            }
            Err(error) => {
                queue.fail(&job, &error).await?;
            }
        }
    }
    Ok(sent)
}

/// Sends a job's email; the error is what the job records.
async fn send(mailer: &Mailer, job: &Job) -> Result<(), String> {
    let (key, mut email) = if job.kind == crate::ACCOUNT_KIND {
        let payload: AccountEmail = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("job {} is not an account email: {e}", job.id))?;
        (payload.key, payload.email)
    } else {
        let payload: ReminderEmail = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("job {} is not a reminder email: {e}", job.id))?;
        (payload.key, payload.email)
    };
    email.message_id = Some(message_id(&key, &mailer.from_address()));
    mailer.send(&email).await.map_err(|e| e.to_string())
}

/// The same for every try of one notice: `<3f2a…@agency.example>`.
fn message_id(key: &str, from: &str) -> String {
    let domain = from.rsplit_once('@').map_or("labpath.invalid", |(_, d)| d);
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}.reminder@{domain}>")
}

/// Records that a job's email was sent, trying again for a few seconds if
/// the database fails: every try not made is an email sent twice.
async fn complete(queue: &dyn JobQueue, job: &Job) -> Result<(), StoreError> {
    let mut waits = COMPLETE_RETRIES.iter();
    loop {
        match queue.complete(job).await {
            Err(e @ (StoreError::Other(_) | StoreError::Environment(_))) => match waits.next() {
                Some(wait) => tokio::time::sleep(*wait).await,
                None => return Err(e),
            },
            done => return done,
        }
    }
}
