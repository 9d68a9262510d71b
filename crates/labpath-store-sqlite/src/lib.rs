//! The SQLite implementation of labpath's tracker store.
//!
//! A data directory holds `labpath.db` (with its `-wal` and `-shm` files
//! while open) and `attachments/`, where files are kept by content hash. The
//! database runs in WAL mode with `synchronous = FULL`, so a write that
//! returned `Ok` survives a crash of the process and of the machine; writers
//! take the write lock up front (`BEGIN IMMEDIATE`) and wait for each other
//! (`busy_timeout`), so two processes can write at once without losing or
//! corrupting anything.
//!
//! Opening refuses, and leaves untouched, a file that is not an SQLite
//! database or is an SQLite database of another program.
//!
//! The same database holds server mode's accounts (`Accounts`:
//! organizations, users, sessions, login throttling, the audit log), with
//! the same behaviour as PostgreSQL's (the contract suite runs on both), and
//! the job queue for background work (`SqliteJobQueue`, the SQLite
//! `labpath_store::JobQueue`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), labpath_store::StoreError> {
//! let store = labpath_store_sqlite::SqliteStore::open(std::path::Path::new("/tmp/labpath-data")).await?;
//! let person = labpath_store::ops::add_person(&store, "me", "Maria Santos", None).await?;
//! assert_eq!(person.name, "Maria Santos");
//! # Ok(()) }
//! ```

mod accounts;
mod conn;
mod files;
mod jobs;
mod read;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use labpath_engine::units::Date;
use labpath_store::attachment::CheckedFile;
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
use labpath_store_sql::db_error;
use labpath_store_sql::{read as shared, write};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use conn::Lite;

pub use jobs::SqliteJobQueue;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "labpath.db";

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The embedded migrations (`migrations/`, applied in order, never edited).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A tracker store in a data directory.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    dir: PathBuf,
    /// This process's writers, one at a time in the order they came.
    turns: Arc<tokio::sync::Mutex<()>>,
}

/// A connection or write transaction, and this process's writers' turn
/// it holds until it is dropped.
struct Turn<C> {
    tx: C,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl<C: std::ops::Deref<Target = sqlx::SqliteConnection>> std::ops::Deref for Turn<C> {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl<C: std::ops::DerefMut<Target = sqlx::SqliteConnection>> std::ops::DerefMut for Turn<C> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

type Writer = Lite<Turn<Transaction<'static, Sqlite>>>;

/// Commits a write.
async fn commit(tx: Writer, doing: &str) -> Result<(), StoreError> {
    tx.0.tx.commit().await.map_err(|e| db_error(doing, e))
}

impl SqliteStore {
    /// Opens (creating when missing) the store in `dir`.
    pub async fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::from_io("create the data directory", dir, &e))?;
        let path = dir.join(DB_FILE);
        check_header(&path)?;
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| db_error("reading the connection options", e))?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: each commit syncs the WAL, so an acknowledged write also
            // survives a power cut. NORMAL would survive a process crash but
            // could lose the last commits on power loss, and nothing the
            // user records may be lost; writes are few and small.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // Reads of a large store (an agency's overdue scan) go through
            // memory-mapped pages and a 64 MiB cache rather than a system
            // call per page. Writes are unaffected: WAL still syncs them.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-65536");
        let pool = connect(options, &path).await?;
        check_is_labpath(&pool, &path).await?;
        migrate(&pool).await?;
        Ok(SqliteStore {
            pool,
            dir: dir.to_owned(),
            turns: Arc::default(),
        })
    }

    /// A connection of the pool, for reads and single statements.
    async fn conn(&self) -> Result<Lite<PoolConnection<Sqlite>>, StoreError> {
        let conn = self.pool.acquire().await;
        conn.map(Lite)
            .map_err(|e| db_error("opening a connection", e))
    }

    /// A write transaction, holding the write lock from its start: writers
    /// wait for each other (`busy_timeout`) rather than fail when one
    /// upgrades its read to a write.
    /// A write transaction, holding the database's write lock. This
    /// process's writers queue for it in turn, first come first served:
    /// SQLite's own wait (`busy_timeout`) polls, so a writer that writes
    /// again and again (an import's batches) would otherwise win the lock
    /// each time it comes free and keep the others waiting for seconds.
    /// Other processes still meet at the lock itself.
    async fn writer(&self, doing: &str) -> Result<Writer, StoreError> {
        let turn = Arc::clone(&self.turns).lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await;
        tx.map(|tx| Lite(Turn { tx, _turn: turn }))
            .map_err(|e| db_error(doing, e))
    }

    /// A connection for statements that write on their own (an audit
    /// line, a session, a stored file's row), in this process's writers'
    /// turn as `writer` takes it.
    async fn writing(&self) -> Result<Lite<Turn<PoolConnection<Sqlite>>>, StoreError> {
        let turn = Arc::clone(&self.turns).lock_owned().await;
        let Lite(tx) = self.conn().await?;
        Ok(Lite(Turn { tx, _turn: turn }))
    }

    /// The job queue in the same database.
    pub fn jobs(&self) -> SqliteJobQueue {
        SqliteJobQueue::new(self.clone())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    /// Runs SQLite's full integrity check; `Ok` when it answers `ok`.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error("checking integrity", e))?;
        match rows.as_slice() {
            [(ok,)] if ok == "ok" => Ok(()),
            _ => Err(StoreError::Corrupt(format!(
                "the integrity check found problems: {}",
                rows.iter()
                    .map(|r| r.0.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }

    /// Writes a consistent copy of the database to `target` (`VACUUM INTO`),
    /// refusing to overwrite an existing file.
    pub async fn backup(&self, target: &Path) -> Result<(), StoreError> {
        if target.exists() {
            return Err(StoreError::Invalid(format!(
                "`{}` already exists: a backup never overwrites a file; choose a new name",
                target.display()
            )));
        }
        let name = target.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("`{}` is not a UTF-8 path", target.display()))
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(|e| db_error(&format!("writing the backup `{name}`"), e))?;
        Ok(())
    }

    /// Closes the pool, checkpointing the WAL first so the database is one
    /// complete file at rest (a copy made by hand, or a test that reads the
    /// file, sees every commit). A failed checkpoint loses nothing: the WAL
    /// stays beside the file and SQLite replays it on the next open.
    pub async fn close(self) {
        let _checkpointed = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }
}

/// An existing, non-empty file must start with SQLite's header; anything
/// else is refused before SQLite touches it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::from_io("open", path, &e)),
    };
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(StoreError::from_io("read", path, &e)),
        }
    }
    if read == 0 || &header[..read] == b"SQLite format 3\0" {
        return Ok(());
    }
    Err(StoreError::Corrupt(format!(
        "`{}` is not a labpath database (it does not start with SQLite's header): it was left untouched; restore it from a backup, or use another data directory (--data-dir)",
        path.display()
    )))
}

/// A database with tables but no migration history belongs to something else.
async fn check_is_labpath(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(pool)
            .await
            .map_err(|e| db_error(&format!("reading `{}`", path.display()), e))?;
    if names.is_empty() || names.iter().any(|(n,)| n == "_sqlx_migrations") {
        return Ok(());
    }
    Err(StoreError::Corrupt(format!(
        "`{}` is an SQLite database but not labpath's: it was left untouched; use another data directory (--data-dir)",
        path.display()
    )))
}

/// Applies the embedded migrations. Two processes opening a new database at
/// once may race to apply the first one; the loser finds it applied when it
/// tries again.
/// Opens the pool. Two processes opening a new file at the same moment may
/// find it locked while the other switches it to WAL, a moment the busy
/// timeout does not cover: the open is tried again, briefly, as the
/// migrations are.
async fn connect(options: SqliteConnectOptions, path: &Path) -> Result<SqlitePool, StoreError> {
    let mut attempt = 0u64;
    loop {
        let opened = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await;
        match opened {
            Ok(pool) => return Ok(pool),
            Err(sqlx::Error::Database(db))
                if attempt < 5
                    && db
                        .code()
                        .and_then(|c| c.parse::<i32>().ok())
                        .is_some_and(|c| c & 0xff == 5) =>
            {
                attempt += 1;
                // Blocking, as in `migrate`: rare and brief.
                std::thread::sleep(Duration::from_millis(50 * attempt));
            }
            Err(e) => return Err(db_error(&format!("opening `{}`", path.display()), e)),
        }
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut last = None;
    for attempt in 0..5u64 {
        match MIGRATOR.run(pool).await {
            Ok(()) => return Ok(()),
            Err(sqlx::migrate::MigrateError::VersionMissing(v)) => {
                return Err(StoreError::Invalid(format!(
                    "the database was written by a newer labpath (migration {v} is unknown to this one): upgrade labpath"
                )));
            }
            // The machine's refusal (a full disk) will not pass by trying
            // again.
            Err(sqlx::migrate::MigrateError::Execute(e)) => {
                match db_error("preparing the database", e) {
                    StoreError::Environment(m) => return Err(StoreError::Environment(m)),
                    other => last = Some(other.to_string()),
                }
            }
            Err(e) => last = Some(e.to_string()),
        }
        // A blocking pause: this retry is rare and brief, and a runtime timer
        // would tie the store to one runtime's features.
        std::thread::sleep(Duration::from_millis(50 * (attempt + 1)));
    }
    Err(StoreError::Other(format!(
        "cannot prepare the database: {}",
        last.unwrap_or_default()
    )))
}

#[async_trait]
impl Store for SqliteStore {
    async fn append(&self, pending: Pending) -> Result<Event, StoreError> {
        let mut tx = self.writer("starting a write").await?;
        let event = write::append(&mut tx, pending, Timestamp::now()).await?;
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
        let mut tx = self.writer("starting a write").await?;
        let now = Timestamp::now();
        // A refusal drops the transaction: nothing is recorded, nor the key.
        let written = write::write(&mut tx, write, key, now).await?;
        commit(tx, "committing a write").await?;
        Ok(written)
    }

    async fn put_file(&self, file: &CheckedFile) -> Result<(), StoreError> {
        files::put(&self.dir, file)?;
        record_file(&mut self.writing().await?, &file.hash, file.bytes.len()).await
    }

    async fn file(&self, hash: &str) -> Result<Vec<u8>, StoreError> {
        files::get(&self.dir, hash)
    }

    async fn import(&self, events: &[Event], stored: &[StoredFile]) -> Result<Counts, StoreError> {
        state::replay(events)?;
        labpath_store::store::check_complete(events, stored)?;
        for f in stored {
            files::put_bytes(&self.dir, &f.hash, &f.bytes)?;
        }
        let mut tx = self.writer("starting the import").await?;
        write::check_import(&mut tx, events, "an empty data directory").await?;
        for f in stored {
            record_file(&mut tx, &f.hash, f.bytes.len()).await?;
        }
        for event in events {
            write::record(&mut tx, event).await?;
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
        shared::existing_application(&mut self.conn().await?, id).await
    }

    async fn applications(&self, filter: &AppFilter) -> Result<Vec<Application>, StoreError> {
        read::applications(&mut self.conn().await?, filter).await
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
        read::checklists(&mut self.conn().await?, filter).await
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
        let mut tx = self.writer("starting a write").await?;
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
        let mut tx = self.writer("starting a write").await?;
        board::clear(&mut tx).await?;
        commit(tx, "committing a write").await
    }
}

/// Lists a file stored in the data directory (nothing when it is listed).
async fn record_file(
    conn: &mut impl labpath_store_sql::Conn,
    hash: &str,
    size: usize,
) -> Result<(), StoreError> {
    let sql = labpath_store_sql::Sql::new(
        "INSERT OR IGNORE INTO files (hash, size, stored_at) VALUES ($1, $2, $3)",
        "recording a file",
    )
    .bind(hash)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .bind(Timestamp::now());
    conn.execute(sql).await.map(drop)
}
