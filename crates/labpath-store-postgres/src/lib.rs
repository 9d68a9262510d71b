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
//! job queue for background work (`PgJobQueue`, the PostgreSQL
//! `labpath_store::JobQueue`).
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
mod conn;
mod convert;
mod jobs;
pub mod testing;
mod write;

use async_trait::async_trait;
use labpath_engine::units::Date;
use labpath_store::attachment::{CheckedFile, hash, is_hash};
use labpath_store::board::{BoardFilter, BoardLine, BoardRead, BoardSizes, Mark};
use labpath_store::event::{Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, ApplicationsFilter, Attachment, ChecklistItem,
    Contact, Counts, EventFilter, EventQuery, NewPerson, Paged, PeopleFilter, Person,
    ProfileVersion, ProfilesFilter, Reminder, ReminderFilter, Scope, Window,
};
use labpath_store::once::{Answering, RequestKey, Write, Written, people_added};
use labpath_store::store::{Store, StoredFile};
use labpath_store::time::Timestamp;
use labpath_store::{StoreError, state};
use labpath_store_sql::board;
use labpath_store_sql::{read as shared, write as shared_write};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, Postgres};
use sqlx::{Executor, Transaction};

pub use config::PgConfig;
pub use jobs::PgJobQueue;

use conn::Pg;
use convert::{db_error, pg_time};

type Writer = Pg<Transaction<'static, Postgres>>;

/// Commits a transaction.
async fn commit(tx: Writer, doing: &str) -> Result<(), StoreError> {
    tx.0.commit().await.map_err(|e| db_error(doing, e))
}

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
    pub fn jobs(&self) -> PgJobQueue {
        PgJobQueue::new(self.pool.clone())
    }

    /// Closes the pool's connections.
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// A connection of the pool, for reads and single statements.
    async fn conn(&self) -> Result<Pg<PoolConnection<Postgres>>, StoreError> {
        let conn = self.pool.acquire().await;
        conn.map(Pg)
            .map_err(|e| db_error("opening a connection", e))
    }

    /// A transaction, without the tracker's write lock.
    async fn transaction(&self, doing: &str) -> Result<Writer, StoreError> {
        let tx = self.pool.begin().await;
        tx.map(Pg).map_err(|e| db_error(doing, e))
    }

    /// A write transaction, holding the writers' lock.
    async fn begin_write(&self, doing: &str) -> Result<Writer, StoreError> {
        let mut tx = self.transaction(doing).await?;
        write::lock(&mut tx.0).await?;
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
        let now = write::now(&mut tx.0).await?;
        let event = shared_write::append(&mut tx, pending, now).await?;
        commit(tx, "committing a write").await?;
        Ok(event)
    }

    async fn append_all(&self, pending: Vec<Pending>) -> Result<Vec<Event>, StoreError> {
        self.write(Write::Append(pending), None).await?.recorded()
    }

    async fn add_people(
        &self,
        actor: &str,
        people: Vec<NewPerson>,
    ) -> Result<Vec<Person>, StoreError> {
        let write = Write::AddPeople {
            actor: actor.to_owned(),
            people,
        };
        let events = self.write(write, None).await?.recorded()?;
        Ok(people_added(&events))
    }

    async fn write(
        &self,
        write: Write,
        key: Option<(&RequestKey, Answering<'_>)>,
    ) -> Result<Written, StoreError> {
        let mut tx = self.begin_write("starting a write").await?;
        let now = write::now(&mut tx.0).await?;
        // A refusal drops the transaction: nothing is recorded, nor the key.
        let written = shared_write::write(&mut tx, write, key, now).await?;
        commit(tx, "committing a write").await?;
        Ok(written)
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
        labpath_store::store::check_complete(events, stored)?;
        let mut tx = self.begin_write("starting the import").await?;
        shared_write::check_import(&mut tx, events, "an empty store").await?;
        for f in stored {
            insert_file(&mut *tx.0, &f.hash, &f.bytes).await?;
        }
        for event in events {
            shared_write::record(&mut tx, event).await?;
        }
        commit(tx, "committing the import").await?;
        self.counts().await
    }

    async fn person(&self, id: PersonId) -> Result<Person, StoreError> {
        shared::existing_person(&mut self.conn().await?, id).await
    }

    async fn people(&self, org: Option<OrgId>) -> Result<Vec<Person>, StoreError> {
        shared::people(&mut self.conn().await?, org).await
    }

    async fn people_in(
        &self,
        scope: Scope,
        filter: &PeopleFilter,
        window: Window,
    ) -> Result<Paged<Person>, StoreError> {
        shared::people_in(&mut self.conn().await?, scope, filter, window).await
    }

    async fn profile(
        &self,
        person: PersonId,
        version: Option<u32>,
    ) -> Result<Option<ProfileVersion>, StoreError> {
        shared::profile(&mut self.conn().await?, person, version).await
    }

    async fn profiles_in(
        &self,
        scope: Scope,
        filter: &ProfilesFilter,
        window: Window,
    ) -> Result<Paged<(Person, ProfileVersion)>, StoreError> {
        shared::profiles_in(&mut self.conn().await?, scope, filter, window).await
    }

    async fn application(&self, id: ApplicationId) -> Result<ApplicationState, StoreError> {
        // One transaction, so the row and its checklist are of one moment.
        let mut tx = self.transaction("reading an application").await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx.0)
            .await
            .map_err(|e| db_error("reading an application", e))?;
        let state = shared::existing_application(&mut tx, id).await?;
        commit(tx, "reading an application").await?;
        Ok(state)
    }

    async fn applications(&self, filter: &AppFilter) -> Result<Vec<Application>, StoreError> {
        shared::applications(&mut self.conn().await?, filter).await
    }

    async fn applications_in(
        &self,
        scope: Scope,
        filter: &ApplicationsFilter,
        window: Window,
    ) -> Result<Paged<Application>, StoreError> {
        shared::applications_in(&mut self.conn().await?, scope, filter, window).await
    }

    async fn checklists(&self, filter: &AppFilter) -> Result<Vec<ChecklistItem>, StoreError> {
        shared::checklists(&mut self.conn().await?, filter).await
    }

    async fn contacts(&self, application: ApplicationId) -> Result<Vec<Contact>, StoreError> {
        shared::contacts(&mut self.conn().await?, application).await
    }

    async fn attachments(&self, application: ApplicationId) -> Result<Vec<Attachment>, StoreError> {
        shared::attachments(&mut self.conn().await?, application).await
    }

    async fn reminders(&self, person: Option<PersonId>) -> Result<Vec<Reminder>, StoreError> {
        shared::reminders(&mut self.conn().await?, person).await
    }

    async fn reminder(&self, id: EventId) -> Result<Reminder, StoreError> {
        shared::reminder(&mut self.conn().await?, id)
            .await?
            .ok_or_else(|| StoreError::not_found("reminder", id))
    }

    async fn reminders_in(
        &self,
        scope: Scope,
        filter: &ReminderFilter,
        window: Window,
    ) -> Result<Paged<Reminder>, StoreError> {
        shared::reminders_in(&mut self.conn().await?, scope, filter, window).await
    }

    async fn events_in(
        &self,
        scope: Scope,
        filter: &EventFilter,
        window: Window,
    ) -> Result<Paged<Event>, StoreError> {
        shared::events_in(&mut self.conn().await?, scope, filter, window).await
    }

    async fn events(&self, query: &EventQuery) -> Result<Vec<Event>, StoreError> {
        shared::events(&mut self.conn().await?, query).await
    }

    async fn last_event(&self) -> Result<Option<EventId>, StoreError> {
        shared::last_event(&mut self.conn().await?).await
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        shared::counts(&mut self.conn().await?).await
    }

    async fn board_stale(&self, scope: Scope, day: Date) -> Result<Vec<PersonId>, StoreError> {
        board::stale(&mut self.conn().await?, scope, day).await
    }

    async fn put_board(&self, lines: &[BoardLine], mark: Mark) -> Result<u64, StoreError> {
        let mut tx = self.begin_write("starting a write").await?;
        let kept = board::put(&mut tx, lines, mark).await?;
        commit(tx, "committing a write").await?;
        Ok(kept)
    }

    async fn board(
        &self,
        scope: Scope,
        day: Date,
        filter: &BoardFilter,
        sizes: BoardSizes,
        window: Window,
    ) -> Result<BoardRead, StoreError> {
        board::read(&mut self.conn().await?, scope, day, filter, sizes, window).await
    }

    async fn clear_board(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write("starting a write").await?;
        board::clear(&mut tx).await?;
        commit(tx, "committing a write").await
    }
}
