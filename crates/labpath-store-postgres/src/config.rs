//! Where the PostgreSQL server is and how to reach it, from a URL
//! (`postgres://user:password@host:5432/labpath?sslmode=...`) or from fields.
//! The password is kept for the driver and never shown: `Debug` and
//! `Display` mask it, so a config can be logged as it is.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use labpath_store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The `application_name` a connection reports (`pg_stat_activity`),
/// unless the URL sets another.
const APPLICATION_NAME: &str = "labpath";

/// How to connect to a PostgreSQL database.
#[derive(Clone)]
pub struct PgConfig {
    options: PgConnectOptions,
    has_password: bool,
    /// Connections the pool keeps at most (default 10).
    pub max_connections: u32,
    /// How long to wait for a free connection, or for the server to answer
    /// when connecting (default 10 s).
    pub acquire_timeout: Duration,
}

impl PgConfig {
    /// From fields. Unset details (the password, TLS) come from the usual
    /// `PG*` environment variables, as with `psql`.
    pub fn new(host: &str, port: u16, user: &str, database: &str) -> Self {
        let options = PgConnectOptions::new_without_pgpass()
            .host(host)
            .port(port)
            .username(user)
            .database(database)
            .application_name(APPLICATION_NAME);
        PgConfig {
            options,
            has_password: std::env::var_os("PGPASSWORD").is_some(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        }
    }

    /// From a URL: `postgres://user:password@host:port/database`, with any
    /// of libpq's query parameters (`sslmode`, `options`, ...). The error
    /// never repeats the URL, which may hold the password.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::Invalid(format!(
                "the PostgreSQL URL is not valid ({e}): expected postgres://user:password@host:5432/database"
            ))
        })?;
        let options = match options.get_application_name() {
            Some(_) => options,
            None => options.application_name(APPLICATION_NAME),
        };
        Ok(PgConfig {
            options,
            has_password: url_has_password(url) || std::env::var_os("PGPASSWORD").is_some(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(10),
        })
    }

    /// With this password.
    pub fn password(mut self, password: &str) -> Self {
        self.options = self.options.password(password);
        self.has_password = true;
        self
    }

    /// The same server and credentials, another database.
    pub fn database(mut self, database: &str) -> Self {
        self.options = self.options.database(database);
        self
    }

    /// With at most this many connections.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// The database's name (the user's name when none is given, as libpq does).
    pub fn database_name(&self) -> &str {
        self.options
            .get_database()
            .unwrap_or_else(|| self.options.get_username())
    }

    /// Commits without waiting for the WAL to reach the disk
    /// (`synchronous_commit = off`): for throwaway test databases only,
    /// where a crash of the server loses nothing anyone needs.
    pub(crate) fn without_commit_wait(mut self) -> Self {
        self.options = self.options.options([("synchronous_commit", "off")]);
        self
    }

    /// The driver's options (which hold the password: never print them).
    pub(crate) fn options(&self) -> &PgConnectOptions {
        &self.options
    }

    /// Opens a pool (and one connection, to check that the server answers).
    pub async fn connect(&self) -> Result<PgPool, StoreError> {
        PgPoolOptions::new()
            .max_connections(self.max_connections)
            .acquire_timeout(self.acquire_timeout)
            .connect_with(self.options.clone())
            .await
            .map_err(|e| StoreError::Other(format!("cannot connect to PostgreSQL at {self}: {e}")))
    }
}

/// Whether a URL's user part carries a password (`user:secret@`).
fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(user, _)| user.contains(':'))
}

/// `postgres://user@host:port/database`: never the password.
impl fmt::Display for PgConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        let host = match o.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => o.get_host().to_owned(),
        };
        write!(
            f,
            "postgres://{}@{host}:{}/{}",
            o.get_username(),
            o.get_port(),
            self.database_name()
        )
    }
}

/// Like the derived `Debug`, with the password masked (the driver's own
/// options print it in clear, so they are not shown).
impl fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.options;
        f.debug_struct("PgConfig")
            .field("host", &o.get_host())
            .field("port", &o.get_port())
            .field("user", &o.get_username())
            .field("password", &self.has_password.then_some("***"))
            .field("database", &self.database_name())
            .field("ssl_mode", &o.get_ssl_mode())
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let c = PgConfig::from_url("postgres://agency:s3cr%2Ft@db.example:6432/labpath").unwrap();
        let shown = format!("{c:?} {c}");
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(shown.contains(r#"password: Some("***")"#), "{shown}");
        assert_eq!(c.to_string(), "postgres://agency@db.example:6432/labpath");
        let c = PgConfig::new("127.0.0.1", 5432, "postgres", "test").password("hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(c.database("postgres").database_name(), "postgres");
    }

    #[test]
    fn a_bad_url_is_refused_without_repeating_it() {
        let e = PgConfig::from_url("postgres://u:topsecret@host:notaport/db").unwrap_err();
        assert!(!e.to_string().contains("topsecret"), "{e}");
        assert!(e.to_string().contains("not valid"), "{e}");
    }

    #[test]
    fn a_password_is_seen_in_the_user_part_only() {
        assert!(url_has_password("postgres://u:p@h/db"));
        assert!(!url_has_password("postgres://u@h:5432/db"));
        assert!(!url_has_password("postgres://h:5432/db?options=a:b@c"));
    }
}
