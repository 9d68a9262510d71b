//! Throwaway databases for tests, here so that every crate testing against
//! PostgreSQL (the contract suite, the job queue, a server) does it the same
//! way. Each test creates its own `labpath_test_<time>_<random>` through the
//! server's `postgres` maintenance database and drops it when the guard is
//! dropped, so tests run in parallel without seeing each other's rows.
//!
//! The server is `$LABPATH_TEST_POSTGRES_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/test`. When it cannot be reached, a
//! test skips with a notice, except in CI (`CI=true`), where it fails: CI
//! must never pass by testing nothing.

use std::io::Write;
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use labpath_store::StoreError;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Executor};

use crate::{PgConfig, PgStore};

/// The variable naming the test server.
pub const URL_VAR: &str = "LABPATH_TEST_POSTGRES_URL";

/// The test server when the variable is not set.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Every test database's name starts with this.
const PREFIX: &str = "labpath_test_";

/// A test database older than this was left by a run that was killed, and
/// is dropped by the next one.
const STALE_AFTER: Duration = Duration::from_secs(6 * 3600);

/// How long to wait for the server before calling it unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether this is a CI run, where PostgreSQL must be there.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The test server's URL.
pub fn server_url() -> String {
    std::env::var(URL_VAR).unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// A database that exists for one test and is dropped with this guard.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    config: PgConfig,
    admin: PgConfig,
}

impl TestDatabase {
    /// Creates an empty database. `Ok(None)` when the server cannot be
    /// reached outside CI (a notice says so); in CI that is an error.
    pub async fn create() -> Result<Option<Self>, StoreError> {
        let server = PgConfig::from_url(&server_url())?;
        let admin = server.clone().database("postgres");
        let mut conn = match connect(&admin).await {
            Ok(c) => c,
            Err(e) if in_ci() => {
                return Err(StoreError::Other(format!(
                    "CI=true and PostgreSQL is unreachable at {admin} ({e}): tests that need it fail rather than skip; start it, or set {URL_VAR}"
                )));
            }
            Err(e) => {
                // Straight to stderr: the test harness captures `eprintln!`,
                // and a skip nobody sees is a silent one.
                static NOTICE: Once = Once::new();
                NOTICE.call_once(|| {
                    let _ = writeln!(
                        std::io::stderr(),
                        "notice: skipping the PostgreSQL tests: cannot reach {admin} ({e}); start PostgreSQL or set {URL_VAR} (in CI they fail instead)"
                    );
                });
                return Ok(None);
            }
        };
        drop_stale(&mut conn).await;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = format!("{PREFIX}{now}_{:016x}", fastrand::u64(..));
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .map_err(|e| StoreError::Other(format!("cannot create the test database: {e}")))?;
        let _ = conn.close().await;
        // The contract is about what is recorded, not about surviving a
        // power cut (PostgreSQL's own business): commits need not wait for
        // the disk, which makes a test's writes ten times faster.
        let config = server
            .database(&name)
            .max_connections(5)
            .without_commit_wait();
        Ok(Some(TestDatabase {
            name,
            config,
            admin,
        }))
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How to connect to it.
    pub fn config(&self) -> &PgConfig {
        &self.config
    }

    /// A store on it (the first one creates the tables).
    pub async fn store(&self) -> Result<PgStore, StoreError> {
        PgStore::connect(&self.config).await
    }
}

impl Drop for TestDatabase {
    /// Drops the database, closing any connection still open to it. `Drop`
    /// cannot wait for async work, so this runs on a thread of its own.
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = std::mem::take(&mut self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = connect(&admin).await.map_err(|e| e.to_string())?;
                drop_database(&mut conn, &name).await?;
                let _ = conn.close().await;
                Ok::<_, String>(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: a test database was not dropped: {e}"),
            Err(_) => eprintln!("warning: a test database was not dropped: its thread panicked"),
        }
    }
}

async fn connect(config: &PgConfig) -> Result<PgConnection, String> {
    let attempt = PgConnection::connect_with(config.options());
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer in {} s", CONNECT_TIMEOUT.as_secs())),
    }
}

/// Drops a test database. Only names this module made get here, and a name
/// cannot be a bound parameter, hence the check and the quoting.
async fn drop_database(conn: &mut PgConnection, name: &str) -> Result<(), String> {
    let ours = name.strip_prefix(PREFIX).is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_')
    });
    if !ours {
        return Err(format!("`{name}` is not a test database"));
    }
    conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
        .await
        .map_err(|e| format!("cannot drop `{name}`: {e}"))?;
    Ok(())
}

/// Drops the test databases that runs killed before their guards could
/// (their names carry their creation time).
async fn drop_stale(conn: &mut PgConnection) {
    let Ok(names) = sqlx::query_as::<_, (String,)>(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
    )
    .bind(PREFIX)
    .fetch_all(&mut *conn)
    .await
    else {
        return;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for (name,) in names {
        let created = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|t| now.saturating_sub(t) > STALE_AFTER.as_secs()) {
            let _ = drop_database(conn, &name).await;
        }
    }
}
