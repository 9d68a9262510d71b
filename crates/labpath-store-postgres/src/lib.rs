//! The PostgreSQL implementation of labpath's tracker store, for server
//! mode: an agency's replicas share one database.
//!
//! It keeps the same records with the same semantics as the SQLite store
//! (the contract suite in `crates/tests-store` runs on both): every write is
//! one transaction that checks the change with `labpath_store::state`,
//! appends the event and updates the derived tables. Writers take one
//! advisory lock, so they run one at a time across replicas, and event ids
//! and times (the database server's clock) grow in commit order (see
//! `write`). Attached files are kept in the database, where every replica
//! finds them.
//!
//! Connecting applies the embedded migrations (`migrations/`, in order,
//! never edited), and refuses a database that holds another program's
//! tables. The same database holds server mode's accounts (`Accounts`:
//! organizations, users, sessions, login throttling, the audit log) and the
//! job queue (`jobs`) for background work.
//!
//! ```no_run
//! # async fn demo() -> Result<(), labpath_store::StoreError> {
//! use labpath_store_postgres::{PgConfig, PgStore};
//!
//! let config = PgConfig::from_url("postgres://labpath@127.0.0.1:5432/labpath")?;
//! let store = PgStore::connect(&config).await?;
//! let person = labpath_store::ops::add_person(&store, "me", "Maria Santos", None).await?;
//! assert_eq!(person.name, "Maria Santos");
//! # Ok(()) }
//! ```

mod accounts;
mod config;
mod convert;
pub mod jobs;
mod read;
pub mod testing;
mod write;

use async_trait::async_trait;
use labpath_store::attachment::{CheckedFile, hash, is_hash};
use labpath_store::event::{Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, Attachment, ChecklistItem, Contact, Counts,
    EventQuery, Person, ProfileVersion, Reminder,
};
use labpath_store::store::{Store, StoredFile};
use labpath_store::time::Timestamp;
use labpath_store::{StoreError, state};
use sqlx::postgres::{PgPool, Postgres};
use sqlx::{Executor, Transaction};

pub use config::PgConfig;
pub use jobs::JobQueue;

use convert::{db_error, pg_time};

/// The embedded migrations (`migrations/`, applied in order, never edited).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A tracker store in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects, and prepares the database (creating or upgrading its tables).
    pub async fn connect(config: &PgConfig) -> Result<Self, StoreError> {
        let pool = config.connect().await?;
        Self::from_pool(pool).await
    }

    /// Uses an open pool, and prepares the database.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        check_is_labpath(&pool).await?;
        migrate(&pool).await?;
        Ok(PgStore { pool })
    }

    /// The connection pool (shared with the job queue, for instance).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The job queue in the same database.
    pub fn jobs(&self) -> JobQueue {
        JobQueue::new(self.pool.clone())
    }

    /// Closes the pool's connections.
    pub async fn close(self) {
        self.pool.close().await;
    }

    async fn begin_write(&self, doing: &str) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| db_error(doing, e))?;
        write::lock(&mut tx).await?;
        Ok(tx)
    }
}

/// A database whose schema holds tables but no migration history belongs to
/// something else: it is refused and left untouched.
async fn check_is_labpath(pool: &PgPool) -> Result<(), StoreError> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema()",
    )
    .fetch_all(pool)
    .await
    .map_err(|e| db_error("reading the database's tables", e))?;
    if names.is_empty() || names.iter().any(|(n,)| n == "_sqlx_migrations") {
        return Ok(());
    }
    let database: (String,) = sqlx::query_as("SELECT current_database()::text")
        .fetch_one(pool)
        .await
        .map_err(|e| db_error("reading the database's name", e))?;
    Err(StoreError::Corrupt(format!(
        "the PostgreSQL database `{}` holds tables that are not labpath's: it was left untouched; give labpath a database of its own",
        database.0
    )))
}

/// Applies the embedded migrations. sqlx holds an advisory lock while it
/// does, so replicas starting at once apply each migration once.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    match MIGRATOR.run(pool).await {
        Ok(()) => Ok(()),
        Err(sqlx::migrate::MigrateError::VersionMissing(v)) => Err(StoreError::Invalid(format!(
            "the database was written by a newer labpath (migration {v} is unknown to this one): upgrade labpath"
        ))),
        Err(sqlx::migrate::MigrateError::VersionMismatch(v)) => Err(StoreError::Corrupt(format!(
            "migration {v} in the database differs from labpath's own: the schema was changed by hand; restore it from a backup"
        ))),
        Err(e) => Err(StoreError::Other(format!(
            "cannot prepare the database: {e}"
        ))),
    }
}

/// Records a file's content under its hash (nothing when it is there).
async fn insert_file<'e>(
    ex: impl Executor<'e, Database = Postgres>,
    expected: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    if !is_hash(expected) || hash(bytes) != expected {
        return Err(StoreError::Invalid(format!(
            "file `{expected}` does not match its hash"
        )));
    }
    sqlx::query(
        "INSERT INTO files (hash, size, stored_at, content) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (hash) DO NOTHING",
    )
    .bind(expected)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(pg_time(Timestamp::now()))
    .bind(bytes)
    .execute(ex)
    .await
    .map_err(|e| db_error("storing a file", e))?;
    Ok(())
}

#[async_trait]
impl Store for PgStore {
    async fn append(&self, pending: Pending) -> Result<Event, StoreError> {
        let mut tx = self.begin_write("starting a write").await?;
        let now = write::now(&mut tx).await?;
        let event = write::append(&mut tx, pending, now).await?;
        tx.commit()
            .await
            .map_err(|e| db_error("committing a write", e))?;
        Ok(event)
    }

    async fn append_all(&self, pending: Vec<Pending>) -> Result<Vec<Event>, StoreError> {
        let mut tx = self.begin_write("starting a write").await?;
        let now = write::now(&mut tx).await?;
        let mut events = Vec::with_capacity(pending.len());
        for p in pending {
            // A refusal drops the transaction: nothing is recorded.
            events.push(write::append(&mut tx, p, now).await?);
        }
        tx.commit()
            .await
            .map_err(|e| db_error("committing a write", e))?;
        Ok(events)
    }

    async fn put_file(&self, file: &CheckedFile) -> Result<(), StoreError> {
        insert_file(&self.pool, &file.hash, &file.bytes).await
    }

    async fn file(&self, wanted: &str) -> Result<Vec<u8>, StoreError> {
        if !is_hash(wanted) {
            return Err(StoreError::Invalid(format!(
                "`{wanted}` is not a file hash"
            )));
        }
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT content FROM files WHERE hash = $1")
            .bind(wanted)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error("reading a file", e))?;
        let Some((bytes,)) = row else {
            return Err(StoreError::not_found("file", wanted));
        };
        if hash(&bytes) != wanted {
            return Err(StoreError::Corrupt(format!(
                "the stored file `{wanted}` no longer matches its hash: it was changed in the database"
            )));
        }
        Ok(bytes)
    }

    async fn import(&self, events: &[Event], stored: &[StoredFile]) -> Result<Counts, StoreError> {
        state::replay(events)?;
        labpath_store::export::check_complete(events, stored)?;
        let mut tx = self.begin_write("starting the import").await?;
        let held: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events")
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| db_error("counting events", e))?;
        if held.0 > 0 {
            return Err(StoreError::Invalid(format!(
                "the store already holds {} events: import only into an empty store (nothing was changed)",
                held.0
            )));
        }
        for org in state::organizations(events) {
            if accounts::organization(&mut *tx, org).await?.is_none() {
                return Err(state::missing_organization(org));
            }
        }
        for f in stored {
            insert_file(&mut *tx, &f.hash, &f.bytes).await?;
        }
        for event in events {
            write::record(&mut tx, event).await?;
        }
        tx.commit()
            .await
            .map_err(|e| db_error("committing the import", e))?;
        self.counts().await
    }

    async fn person(&self, id: PersonId) -> Result<Person, StoreError> {
        read::person(&self.pool, id)
            .await?
            .ok_or_else(|| StoreError::not_found("person", id))
    }

    async fn people(&self, org: Option<OrgId>) -> Result<Vec<Person>, StoreError> {
        read::people(&self.pool, org).await
    }

    async fn profile(
        &self,
        person: PersonId,
        version: Option<u32>,
    ) -> Result<Option<ProfileVersion>, StoreError> {
        self.person(person).await?;
        read::profile(&self.pool, person, version).await
    }

    async fn application(&self, id: ApplicationId) -> Result<ApplicationState, StoreError> {
        // One transaction, so the row and its checklist are of one moment.
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_error("reading an application", e))?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("reading an application", e))?;
        let state = read::application_state(&mut tx, id).await?;
        tx.commit()
            .await
            .map_err(|e| db_error("reading an application", e))?;
        state.ok_or_else(|| StoreError::not_found("application", id))
    }

    async fn applications(&self, filter: &AppFilter) -> Result<Vec<Application>, StoreError> {
        read::applications(&self.pool, filter).await
    }

    async fn checklists(&self, filter: &AppFilter) -> Result<Vec<ChecklistItem>, StoreError> {
        read::checklists(&self.pool, filter).await
    }

    async fn contacts(&self, application: ApplicationId) -> Result<Vec<Contact>, StoreError> {
        self.application(application).await?;
        read::contacts(&self.pool, application).await
    }

    async fn attachments(&self, application: ApplicationId) -> Result<Vec<Attachment>, StoreError> {
        self.application(application).await?;
        read::attachments(&self.pool, application).await
    }

    async fn reminders(&self, person: Option<PersonId>) -> Result<Vec<Reminder>, StoreError> {
        read::reminders(&self.pool, person).await
    }

    async fn events(&self, query: &EventQuery) -> Result<Vec<Event>, StoreError> {
        read::events(&self.pool, query).await
    }

    async fn last_event(&self) -> Result<Option<EventId>, StoreError> {
        let row: (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM events")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| db_error("reading the log", e))?;
        Ok(row.0.map(EventId::from_raw))
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        let row: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM applications), \
             (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM files)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_error("counting", e))?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(Counts {
            people: n(row.0),
            applications: n(row.1),
            events: n(row.2),
            files: n(row.3),
        })
    }
}
