//! labpath's use cases, each one function: it takes who is asking (a
//! [`Principal`], whose [`Scope`] says whose records they may reach), typed
//! input, and returns a typed view or an [`AppError`] that says what and
//! where. The command line, the JSON API and the pages are adapters over
//! these functions: they read their input, call one use case and render
//! what it returns. Local mode (the CLI, the local web server) is a
//! principal too, so both take the same paths.

pub mod accounts;
pub mod agenda;
pub mod applications;
pub mod attachments;
pub mod calendar;
pub mod catalog;
pub mod catalog_diff;
pub mod ce;
pub mod ce_csv;
pub mod contacts;
mod csv_table;
pub mod dashboard;
pub mod data;
pub mod deadlines;
pub mod documents;
pub mod eligibility;
mod error;
pub mod impact;
pub mod once;
pub mod people;
pub mod people_csv;
pub mod plan;
pub mod reminders;
mod scope;

pub use error::{AppError, Kind, Problem};
pub use scope::{Principal, Scope};

use labpath_engine::catalog::Catalog;
use labpath_engine::profile::Profile;
use labpath_store::StoreError;
use labpath_store::accounts::Accounts;
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{ApplicationState, Person, Reminder};
use labpath_store::store::Store;

/// What every use case reads: the catalog and the store, and in server
/// mode the accounts.
#[derive(Clone, Copy)]
pub struct App<'a> {
    /// The catalog facts are read from.
    pub catalog: &'a Catalog,
    /// Where records are kept.
    pub store: &'a dyn Store,
    /// Organizations, users and the audit log (`None` on a local data
    /// directory's command line, which has none).
    pub accounts: Option<&'a dyn Accounts>,
}

impl<'a> App<'a> {
    /// The application over `catalog` and `store`, without accounts.
    pub fn new(catalog: &'a Catalog, store: &'a dyn Store) -> Self {
        App {
            catalog,
            store,
            accounts: None,
        }
    }

    /// The same, with the accounts kept beside the store.
    #[must_use]
    pub fn with_accounts(mut self, accounts: &'a dyn Accounts) -> Self {
        self.accounts = Some(accounts);
        self
    }

    /// Person `id`, when `who` may see them. A person outside the scope is
    /// "not found", like one that does not exist, so ids of other
    /// organizations cannot be probed.
    pub async fn person(&self, who: &Principal, id: PersonId) -> Result<Person, AppError> {
        let missing = || AppError::not_found("person", id);
        let person = match self.store.person(id).await {
            Ok(p) => p,
            Err(StoreError::NotFound { .. }) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        if who.scope.can_see(&person) {
            Ok(person)
        } else {
            Err(missing())
        }
    }

    /// Application `id` with its checklist, when `who` may see its person;
    /// "not found" otherwise, as for a person.
    pub async fn application(
        &self,
        who: &Principal,
        id: ApplicationId,
    ) -> Result<ApplicationState, AppError> {
        let read = self.store.application(id).await;
        let missing = || AppError::not_found("application", id);
        self.reach(who, read, |a| a.application.person, missing)
            .await
    }

    /// Reminder `id`, when `who` may see its person; "not found" otherwise.
    pub async fn reminder(&self, who: &Principal, id: EventId) -> Result<Reminder, AppError> {
        let read = self.store.reminder(id).await;
        self.reach(
            who,
            read,
            |r| r.person,
            || AppError::not_found("reminder", id),
        )
        .await
    }

    /// A record read by id, kept when `who` may see its person: one that
    /// does not exist and one outside the scope are the same `missing`.
    async fn reach<T>(
        &self,
        who: &Principal,
        read: Result<T, StoreError>,
        person_of: impl Fn(&T) -> PersonId,
        missing: impl Fn() -> AppError,
    ) -> Result<T, AppError> {
        let record = match read {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(missing()),
            Err(e) => return Err(e.into()),
        };
        // A person is never removed, so a record's person exists.
        let person = self.store.person(person_of(&record)).await?;
        if who.scope.can_see(&person) {
            Ok(record)
        } else {
            Err(missing())
        }
    }

    /// The person's latest profile read against the catalog; `None` when
    /// none was recorded. A stored profile the catalog no longer reads is
    /// refused with every problem.
    pub async fn profile(&self, person: PersonId) -> Result<Option<Profile>, AppError> {
        let Some(version) = self.store.profile(person, None).await? else {
            return Ok(None);
        };
        labpath_catalog::profile::from_document(
            &format!("person {person}, profile version {}", version.version),
            &version.profile,
            self.catalog,
        )
        .map(Some)
        .map_err(|d| {
            AppError::invalid(format!(
                "the stored profile no longer reads against the catalog: {d}; record a corrected one"
            ))
        })
    }

    /// The person's latest profile, or a refusal saying one must be
    /// recorded first.
    pub async fn require_profile(&self, person: PersonId) -> Result<Profile, AppError> {
        self.profile(person).await?.ok_or_else(|| AppError {
            kind: Kind::NoProfile,
            message: format!(
                "person {person} has no profile yet: record one with the credentials they hold"
            ),
            field: None,
            problems: Vec::new(),
        })
    }
}
