//! Scheduling: what is lapsing today (the deadline model's red and amber
//! deadlines, `notice`) becomes `reminder-email` jobs in the queue, one per
//! notice, keyed by the notice's key, so any number of replicas may
//! schedule at once and as often as they like: the key is taken once, and
//! the job carries the addresses and text it will send.

use std::collections::HashMap;

use async_trait::async_trait;
use labpath_app::{App, AppError};
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_store::jobs::{JobQueue, NewJob};
use labpath_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::mailer::Email;
use crate::notice::{Notice, notices};

/// How many times a reminder email is tried before it is given up. With the
/// queue's default backoff (30 s, doubling, at most an hour) the last try
/// comes about five hours after the first: a mail server down for an
/// afternoon loses nothing.
pub const MAX_ATTEMPTS: u32 = 12;

/// Who receives a person's reminders: the server answers from its accounts
/// (the users linked to the person).
#[async_trait]
pub trait Recipients: Send + Sync {
    /// The email addresses to write to about `person`; empty: nobody, and
    /// no email is scheduled (one is, once somebody is there). An address
    /// that is not one (`lettre` cannot parse it) is left out.
    async fn recipients(&self, person: PersonId) -> Result<Vec<String>, StoreError>;
}

/// A fixed list, for tests and for a single-agency setup.
#[async_trait]
impl Recipients for HashMap<PersonId, Vec<String>> {
    async fn recipients(&self, person: PersonId) -> Result<Vec<String>, StoreError> {
        Ok(self.get(&person).cloned().unwrap_or_default())
    }
}

/// A `reminder-email` job's payload: everything the worker needs, so
/// sending reads nothing but the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderEmail {
    /// Whose reminder.
    pub person: PersonId,
    /// The notice's key (also the job's dedupe key).
    pub key: String,
    /// The day of the thing reminded of.
    pub due: Date,
    /// The email (its `message_id` is set when it is sent).
    pub email: Email,
}

/// Schedules an email for everything lapsing on `today` (see `notice`)
/// whose person has recipients. Returns how many jobs this call created;
/// the others were already scheduled, by an earlier run or another replica.
pub async fn schedule(
    store: &dyn Store,
    queue: &dyn JobQueue,
    catalog: &Catalog,
    today: Date,
    recipients: &dyn Recipients,
) -> Result<u32, AppError> {
    let app = App::new(catalog, store);
    let deadlines = labpath_app::deadlines::everyone(&app, today).await?;
    let mut addresses: HashMap<PersonId, Vec<String>> = HashMap::new();
    let mut created = 0;
    for notice in notices(catalog, &deadlines) {
        let to = match addresses.get(&notice.person) {
            Some(to) => to.clone(),
            None => {
                let to = valid(recipients.recipients(notice.person).await?);
                addresses.insert(notice.person, to.clone());
                to
            }
        };
        if to.is_empty() {
            continue;
        }
        if queue.enqueue(&job(notice, to)?).await?.created {
            created += 1;
        }
    }
    Ok(created)
}

/// The addresses that are addresses, each once.
fn valid(mut to: Vec<String>) -> Vec<String> {
    to.retain(|a| a.trim().parse::<lettre::Address>().is_ok());
    for a in &mut to {
        *a = a.trim().to_owned();
    }
    to.sort();
    to.dedup();
    to
}

fn job(notice: Notice, to: Vec<String>) -> Result<NewJob, StoreError> {
    let payload = ReminderEmail {
        person: notice.person,
        key: notice.key.clone(),
        due: notice.due,
        email: Email {
            to,
            subject: notice.subject,
            body: notice.body,
            message_id: None,
        },
    };
    let payload = serde_json::to_value(&payload)
        .map_err(|e| StoreError::Other(format!("cannot write a reminder email's job: {e}")))?;
    Ok(NewJob::new(crate::KIND, payload)
        .dedupe(&notice.key)
        .max_attempts(MAX_ATTEMPTS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_are_kept_once_each() {
        let to = valid(vec![
            " b@x.example ".to_owned(),
            "not an address".to_owned(),
            "a@x.example".to_owned(),
            "b@x.example".to_owned(),
        ]);
        assert_eq!(to, ["a@x.example", "b@x.example"]);
    }
}
