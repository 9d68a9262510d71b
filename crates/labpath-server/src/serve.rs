//! Starting the server: opening the database, refusing unsafe setups,
//! the router with its layers, the background reminder worker, and a clean
//! stop on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_notify::{Mailer, MailerConfig, Recipients};
use labpath_store::StoreError;
use labpath_store::accounts::{NewUser, Role};
use labpath_store::ids::PersonId;
use labpath_store_postgres::{PgConfig, PgStore};
use labpath_store_sqlite::SqliteStore;

use crate::auth::{check_new_password, hash_password, random_token};
use crate::error::ApiError;
use crate::extract::BODY_LIMIT;
use crate::pages::Templates;
use crate::state::{AppState, Db, Mode, Shared};

/// Where the records are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// Local mode: the SQLite store in this data directory.
    Local(PathBuf),
    /// Server mode on SQLite (a small team on one machine).
    Sqlite(PathBuf),
    /// Server mode on PostgreSQL (`postgres://...`).
    Postgres(String),
}

impl Database {
    /// Reads `--database-url`: `postgres://...`, `postgresql://...`, or
    /// `sqlite:DIR` (a data directory).
    pub fn from_url(url: &str) -> Result<Database, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Database::Postgres(url.to_owned()))
        } else if let Some(dir) = url.strip_prefix("sqlite:") {
            let dir = dir.trim_start_matches("//");
            if dir.is_empty() {
                return Err("`sqlite:` needs a data directory, e.g. sqlite:/srv/labpath".to_owned());
            }
            Ok(Database::Sqlite(PathBuf::from(dir)))
        } else {
            Err(format!(
                "`{url}` is not a database URL: use postgres://USER@HOST:PORT/DATABASE or sqlite:DIR"
            ))
        }
    }

    /// The mode this database implies.
    pub fn mode(&self) -> Mode {
        match self {
            Database::Local(_) => Mode::Local,
            _ => Mode::Server,
        }
    }
}

/// Reminder emails: the SMTP server and how often the worker looks.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server and sender.
    pub smtp: MailerConfig,
    /// How often to schedule and send (seconds).
    pub every: Duration,
}

/// Everything `labpath serve` needs.
pub struct Config {
    /// Where to listen.
    pub bind: SocketAddr,
    /// Where the records are.
    pub database: Database,
    /// The catalog.
    pub catalog: Catalog,
    /// Mark cookies `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Reminder emails (server mode on PostgreSQL).
    pub mail: Option<MailSettings>,
    /// A name for this replica in the job queue's leases.
    pub worker: String,
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The setup is refused (the message says why and what to do).
    #[error("{0}")]
    Refused(String),
    /// The database could not be opened.
    #[error("{0}")]
    Database(#[from] StoreError),
    /// Listening failed.
    #[error("cannot listen on {addr}: {error}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
}

/// An open database and, on PostgreSQL, its job queue.
pub struct Opened {
    /// Tracker and accounts.
    pub db: Arc<dyn Db>,
    /// The job queue (PostgreSQL only).
    pub jobs: Option<labpath_store_postgres::jobs::JobQueue>,
}

/// Opens the database.
pub async fn open(database: &Database) -> Result<Opened, StoreError> {
    match database {
        Database::Local(dir) | Database::Sqlite(dir) => Ok(Opened {
            db: Arc::new(SqliteStore::open(dir).await?),
            jobs: None,
        }),
        Database::Postgres(url) => {
            let store = PgStore::connect(&PgConfig::from_url(url)?).await?;
            let jobs = Some(store.jobs());
            Ok(Opened {
                db: Arc::new(store),
                jobs,
            })
        }
    }
}

/// The whole application: API, pages, static files, with the body limit
/// and the audit log.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::api::routes())
        .merge(crate::pages::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::audit::layer,
        ))
        // After the routes: it applies to those already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(crate::pages::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// A path that exists asked with a method it does not answer: the API's
/// error shape under `/api` (axum's own 405 has an empty body), the error
/// page elsewhere. axum adds the `Allow` header.
async fn method_not_allowed(
    axum::extract::State(state): axum::extract::State<AppState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let e = ApiError::method_not_allowed(format!(
        "`{}` does not answer `{method}`: the `Allow` header lists the methods it does",
        uri.path()
    ));
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        crate::pages::error_page(&state, &e)
    }
}

/// The shared state for a database.
pub fn state(
    db: Arc<dyn Db>,
    catalog: Catalog,
    mode: Mode,
    secure_cookies: bool,
) -> Result<AppState, ApiError> {
    let templates = Templates::new(&catalog);
    Ok(AppState(Arc::new(Shared {
        db,
        catalog,
        mode,
        secure_cookies,
        local_csrf: random_token()?,
        templates,
    })))
}

/// Creates an organization with its first admin (what an operator runs
/// before server mode accepts logins).
pub async fn add_organization(
    db: &dyn Db,
    org: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<
    (
        labpath_store::accounts::Organization,
        labpath_store::accounts::User,
    ),
    String,
> {
    check_new_password(password).map_err(|e| e.message)?;
    let hash = hash_password(password.to_owned())
        .await
        .map_err(|e| e.message)?;
    let organization = db
        .create_organization(org)
        .await
        .map_err(|e| e.to_string())?;
    let user = db
        .create_user(&NewUser {
            org: organization.id,
            email: email.to_owned(),
            name: name.to_owned(),
            role: Role::Admin,
            person: None,
            password_hash: hash,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok((organization, user))
}

/// Reminder recipients: the candidate accounts linked to the person.
struct AccountRecipients(Arc<dyn Db>);

#[async_trait]
impl Recipients for AccountRecipients {
    async fn recipients(&self, person: PersonId) -> Result<Vec<String>, StoreError> {
        let p = self.0.person(person).await?;
        let Some(org) = p.organization else {
            return Ok(Vec::new());
        };
        Ok(self
            .0
            .users(org)
            .await?
            .into_iter()
            .filter(|u| u.person == Some(person))
            .map(|u| u.email)
            .collect())
    }
}

/// The reminder worker: schedules due reminder emails and sends them, every
/// `every`, until the process stops. Replicas share the job queue, so each
/// email goes out once.
async fn reminder_worker(
    db: Arc<dyn Db>,
    jobs: labpath_store_postgres::jobs::JobQueue,
    catalog: Catalog,
    mailer: Mailer,
    every: Duration,
    worker: String,
) {
    let recipients = AccountRecipients(db.clone());
    loop {
        let today = Date::today();
        match labpath_notify::schedule(&*db, &jobs, &catalog, today, &recipients).await {
            Ok(_) => {}
            Err(e) => eprintln!("labpath serve: scheduling reminder emails failed: {e}"),
        }
        loop {
            match labpath_notify::work(&jobs, &mailer, &worker, 20).await {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("labpath serve: sending reminder emails failed: {e}");
                    break;
                }
            }
        }
        tokio::time::sleep(every).await;
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let mode = config.database.mode();
    let loopback = config.bind.ip().is_loopback();
    if mode == Mode::Local && !loopback {
        return Err(StartError::Refused(format!(
            "local mode has no login, so it listens only on a loopback address (127.0.0.1 or ::1), not {}: for a team, run server mode with --database-url and accounts",
            config.bind.ip()
        )));
    }
    let opened = open(&config.database).await?;
    if mode == Mode::Server && !loopback {
        let mut any_user = false;
        for org in opened.db.organizations().await? {
            if !opened.db.users(org.id).await?.is_empty() {
                any_user = true;
                break;
            }
        }
        if !any_user {
            return Err(StartError::Refused(format!(
                "server mode will not listen on {} without authentication configured: create an organization and its admin first (`labpath org add NAME --admin-email EMAIL`)",
                config.bind.ip()
            )));
        }
    }
    if let (Some(mail), Some(jobs)) = (&config.mail, &opened.jobs) {
        let mailer =
            Mailer::new(&mail.smtp).map_err(|e| StartError::Refused(format!("--smtp: {e}")))?;
        tokio::spawn(reminder_worker(
            opened.db.clone(),
            jobs.clone(),
            config.catalog.clone(),
            mailer,
            mail.every,
            config.worker.clone(),
        ));
    } else if config.mail.is_some() {
        return Err(StartError::Refused(
            "reminder emails need PostgreSQL (its job queue makes each email go out once across replicas): use --database-url postgres://...".to_owned(),
        ));
    }
    let state = state(opened.db, config.catalog, mode, config.secure_cookies)
        .map_err(|e| StartError::Refused(e.message))?;
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|error| StartError::Listen {
            addr: config.bind,
            error,
        })?;
    let addr = listener.local_addr().map_err(|error| StartError::Listen {
        addr: config.bind,
        error,
    })?;
    let what = match &config.database {
        Database::Local(dir) => format!("local mode, data in {}", dir.display()),
        Database::Sqlite(dir) => format!("server mode, SQLite data in {}", dir.display()),
        Database::Postgres(_) => "server mode, PostgreSQL".to_owned(),
    };
    println!("labpath serve: {what}: http://{addr}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopped())
    .await
    .map_err(|error| StartError::Listen {
        addr: config.bind,
        error,
    })?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
