//! Reminder emails for server mode, sent once each however many replicas
//! run. Two steps meet in the store's job queue (`labpath_store::JobQueue`,
//! in the same database as the records: PostgreSQL's or SQLite's):
//!
//! 1. **`schedule`** reads what is lapsing on a day, everyone's, from the
//!    deadline model (`labpath_app::deadlines`: renewals and expiries of
//!    held credentials, application limits, routes that close, promises,
//!    reminders, each red or amber by the thresholds written there;
//!    `notice` says exactly which) and adds one `reminder-email` job per
//!    deadline and severity, addressed to the person's `Recipients`. The
//!    job's dedupe key names the deadline, its day and its severity, so
//!    replicas scheduling at once, or every few minutes, add it once: a
//!    deadline is emailed when it turns amber and when it turns red, and a
//!    reminder whose day moves is emailed again. The job carries the
//!    addresses and the finished text: sending reads nothing else.
//! 2. **`work`** claims due `reminder-email` jobs one at a time under a
//!    lease longer than a send can last, sends each through the `Mailer`,
//!    and records the outcome at once: `complete` right after the SMTP
//!    server accepted it, or `fail`, which the queue retries with backoff
//!    (`MAX_ATTEMPTS` tries over about five hours). Delivery is at least
//!    once; `work` explains the one window left for a second copy, and
//!    gives every copy the same `Message-ID`.
//!
//! A replica runs both in a loop (say every minute); nothing needs to be
//! elected or coordinated. `testing` (the `testing` feature) has an SMTP
//! sink for tests.
//!
//! ```no_run
//! # async fn demo(store: labpath_store_sqlite::SqliteStore, catalog: labpath_engine::catalog::Catalog)
//! # -> Result<(), Box<dyn std::error::Error>> {
//! use std::collections::HashMap;
//!
//! use labpath_engine::units::Date;
//! use labpath_notify::mailer::{Mailer, MailerConfig};
//! use labpath_store::ids::PersonId;
//!
//! let mailer = Mailer::new(&MailerConfig::new("mail.agency.example", 25, "labpath <reminders@agency.example>"))?;
//! let recipients = HashMap::from([(PersonId::from_raw(1), vec!["maria@example.org".to_owned()])]);
//! let queue = store.jobs();
//! labpath_notify::schedule(&store, &queue, &catalog, Date::today(), &recipients).await?;
//! labpath_notify::work(&queue, &mailer, "web-1/mailer", 50).await?;
//! # Ok(()) }
//! ```

pub mod account;
pub mod mailer;
pub mod notice;
pub mod schedule;
#[cfg(feature = "testing")]
pub mod testing;
pub mod work;

pub use account::{ACCOUNT_KIND, AccountEmail, account_email};
pub use mailer::{Email, MailError, Mailer, MailerConfig, Security};
pub use schedule::{MAX_ATTEMPTS, Recipients, ReminderEmail, schedule};
pub use work::work;

/// The kind of the jobs this crate schedules and sends.
pub const KIND: &str = "reminder-email";
