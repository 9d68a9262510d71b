//! Starting the server: opening the database, refusing unsafe setups,
//! the router with its layers, the background reminder worker, and a clean
//! stop on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_notify::{Mailer, MailerConfig, Recipients};
use labpath_store::ids::PersonId;
use labpath_store::model::Window;
use labpath_store::{JobQueue, StoreError};
use labpath_store_postgres::{PgConfig, PgStore};
use labpath_store_sqlite::SqliteStore;
use tokio::sync::watch;

use crate::auth::random_token;
use crate::error::ApiError;
use crate::extract::SMALL_BODY_LIMIT;
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
    /// The address people reach the server at, which account links
    /// (invitations, password resets) are built on; without it they are
    /// not mailed, only shown to whoever made them.
    pub public_url: Option<String>,
}

/// A `--public-url`: `http://` or `https://`, a host, an optional port and
/// nothing after (a trailing `/` is dropped).
pub fn check_public_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{text}` must start with https:// (or http://)"))?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if rest.is_empty() || !rest.chars().all(plain) {
        return Err(format!(
            "`{text}` must be the server's address only, e.g. https://labpath.agency.example"
        ));
    }
    Ok(url.to_owned())
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
    /// The proxies whose `X-Forwarded-For` names the client (server mode).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Reminder emails (server mode).
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

/// An open database and its job queue.
pub struct Opened {
    /// Tracker and accounts.
    pub db: Arc<dyn Db>,
    /// The job queue in the same database.
    pub jobs: Arc<dyn JobQueue>,
}

/// Opens the database.
pub async fn open(database: &Database) -> Result<Opened, StoreError> {
    match database {
        Database::Local(dir) | Database::Sqlite(dir) => {
            let store = SqliteStore::open(dir).await?;
            let jobs = Arc::new(store.jobs());
            Ok(Opened {
                db: Arc::new(store),
                jobs,
            })
        }
        Database::Postgres(url) => {
            let store = PgStore::connect(&PgConfig::from_url(url)?).await?;
            let jobs = Arc::new(store.jobs());
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
    let routes = Router::new()
        .merge(crate::api::routes().split_for_parts().0)
        .merge(crate::pages::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::audit::layer,
        ))
        // After the routes: it applies to those already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(crate::pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::pages::framed_errors,
        ))
        .layer(crate::extract::body_limit(SMALL_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            loopback_host,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hardening,
        ));
    with_request_ids(routes).with_state(state)
}

/// The next request's id, counted from the start of the process.
#[derive(Clone, Default)]
struct Counted(Arc<std::sync::atomic::AtomicU64>);

impl tower_http::request_id::MakeRequestId for Counted {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        axum::http::HeaderValue::from_str(&n.to_string())
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}

/// The span every log line written while answering a request carries: its
/// id, method and path.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
}

/// Gives every request an id (the client's `x-request-id`, or the next
/// number), echoed in the answer, and its span.
fn with_request_ids(router: Router<AppState>) -> Router<AppState> {
    use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
    let header = axum::http::HeaderName::from_static("x-request-id");
    // Layers run outside in: the id is set before the span reads it.
    router
        .layer(PropagateRequestIdLayer::new(header.clone()))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(header, Counted::default()))
}

/// The server's log on standard error: warnings and errors by default,
/// more with `RUST_LOG` (`RUST_LOG=info` adds a line per request).
pub fn init_log() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second call (tests start many servers) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// What every answer says about how a browser may use it: no script and no
/// framing (the pages have neither), styles only from the server, forms
/// only to it; no type sniffing, no referrer to another site (an address
/// with a link's token must not leave), nothing kept in a cache unless the
/// answer says so (the style sheet); HSTS behind TLS. The referrer policy
/// is `same-origin` rather than `no-referrer`: under `no-referrer` a
/// browser sends `Origin: null` with the pages' own forms, and the login
/// refuses a null origin, which is what another site's page can send
/// (`auth::same_origin`). A script
/// can run in no page, so `connect-src 'self'` lets nothing of the page's
/// own fetch anything; it lets a browser's tools (and the browser tests)
/// read a link from the page's origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'none'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

async fn hardening(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    use axum::http::header;
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Local mode answers only requests addressed to the loopback host
/// (`127.0.0.1`, `localhost`, `[::1]`). It has no login, so a web page
/// whose own name was made to point at 127.0.0.1 (DNS rebinding) must not
/// be able to read it: such a request names that page's host and gets 421.
async fn loopback_host(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if state.mode == crate::state::Mode::Local {
        let header = req
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        // A request line in absolute form names its host too.
        let named = req.uri().authority().map(|a| a.as_str());
        let bad = std::iter::once(header)
            .chain(named)
            .find(|h| !is_loopback_host(h));
        if let Some(host) = bad {
            let e = ApiError::misdirected(format!(
                "local mode answers only requests to 127.0.0.1, localhost or [::1], not `{host}`"
            ));
            return crate::pages::error_for(&state, req.uri().path(), e);
        }
    }
    next.run(req).await
}

/// Whether a `Host` header names the loopback host, with or without a
/// port.
fn is_loopback_host(host: &str) -> bool {
    // The port follows the last colon, unless that colon is inside an
    // IPv6 address's brackets.
    let (name, port) = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && matches!(
            name.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "localhost" | "[::1]"
        )
}

/// A path that exists asked with a method it does not answer: the API's
/// error shape under `/api` (axum's own 405 has an empty body), the error
/// page elsewhere. axum adds the `Allow` header.
async fn method_not_allowed(
    axum::extract::State(state): axum::extract::State<AppState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let e = ApiError::method_not_allowed(format!(
        "`{}` does not answer `{method}`: the `Allow` header lists the methods it does",
        uri.path()
    ));
    crate::pages::error_for(&state, uri.path(), e)
}

/// How a server answers besides its database and catalog: what `labpath
/// serve`'s flags set.
#[derive(Default)]
pub struct Settings {
    /// Mark cookies `Secure`.
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: crate::client::TrustedProxies,
    /// How account links are mailed (`None`: they are only shown).
    pub link_mail: Option<crate::mail::LinkMail>,
}

/// The shared state for a database.
pub fn state(
    db: Arc<dyn Db>,
    catalog: Catalog,
    mode: Mode,
    settings: Settings,
) -> Result<AppState, ApiError> {
    let templates = Templates::new(&catalog).map_err(|why| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            why,
        )
    })?;
    let table = labpath_app::eligibility::CatalogTable::of(&catalog).map_err(ApiError::internal)?;
    Ok(AppState(Arc::new(Shared {
        db,
        table,
        catalog,
        mode,
        secure_cookies: settings.secure_cookies,
        trusted_proxies: settings.trusted_proxies,
        local_csrf: random_token()?,
        templates,
        link_mail: settings.link_mail,
        heavy: Arc::new(tokio::sync::Semaphore::new(crate::state::heavy_turns())),
    })))
}

/// Reminder recipients: the candidate accounts linked to the person.
pub struct AccountRecipients(pub Arc<dyn Db>);

#[async_trait]
impl Recipients for AccountRecipients {
    async fn recipients(&self, person: PersonId) -> Result<Vec<String>, StoreError> {
        let p = self.0.person(person).await?;
        let Some(org) = p.organization else {
            return Ok(Vec::new());
        };
        Ok(self
            .0
            .users_of(person)
            .await?
            .into_iter()
            .filter(|u| u.org == org)
            .map(|u| u.email)
            .collect())
    }
}

/// The longest pause between two rounds of the reminder worker after
/// rounds that failed (the database or the queue is down): it doubles from
/// `--mail-every` up to this, so an outage is retried without flooding the
/// log, and resumes the usual pace after the first good round.
const MAX_FAILURE_PAUSE: Duration = Duration::from_secs(300);

/// Beyond the longest send, how long a stopping server waits for the
/// worker to record its last email as sent.
const STOP_MARGIN: Duration = Duration::from_secs(10);

/// What the reminder worker needs.
struct ReminderWorker {
    db: Arc<dyn Db>,
    jobs: Arc<dyn JobQueue>,
    catalog: Catalog,
    mailer: Mailer,
    every: Duration,
    worker: String,
}

impl ReminderWorker {
    /// Schedules due reminder emails and sends them, every `every`, until
    /// `stop` says so (or its sender is gone). Replicas share the job queue,
    /// so each email goes out once. A stop is seen between two emails, never
    /// during one: the email on its way is sent and recorded as sent, so no
    /// other replica sends it again when its lease runs out.
    async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut failures: u32 = 0;
        loop {
            failures = match self.round(&stop).await {
                true => 0,
                false => failures.saturating_add(1),
            };
            if stopping(&stop) {
                return;
            }
            tokio::select! {
                _ = stop.wait_for(|s| *s) => return,
                () = tokio::time::sleep(pause(self.every, failures)) => {}
            }
        }
    }

    /// One round: schedule what is due today, then send due emails one at a
    /// time until none is left or a stop is asked. Whether all went well.
    async fn round(&self, stop: &watch::Receiver<bool>) -> bool {
        let recipients = AccountRecipients(self.db.clone());
        let today = Date::today();
        let scheduled =
            labpath_notify::schedule(&*self.db, &*self.jobs, &self.catalog, today, &recipients)
                .await;
        if let Err(e) = &scheduled {
            tracing::error!("scheduling reminder emails failed: {e}");
        }
        while !stopping(stop) {
            match labpath_notify::work(&*self.jobs, &self.mailer, &self.worker, 1).await {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!("sending reminder emails failed: {e}");
                    return false;
                }
            }
        }
        scheduled.is_ok()
    }
}

/// Whether the worker was asked to stop, or nobody can ask it any more.
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// The pause after a round: `every`, doubled for each failed round in a
/// row, at most `MAX_FAILURE_PAUSE` (or `every`, when that is longer).
fn pause(every: Duration, failures: u32) -> Duration {
    let backoff = every.saturating_mul(1 << failures.min(16));
    backoff.min(MAX_FAILURE_PAUSE.max(every))
}

/// Runs the server until Ctrl-C or SIGTERM, then stops cleanly: the
/// server finishes the requests under way, and the reminder worker the
/// email it is sending (at most `Mailer::send_limit`).
pub async fn run(config: Config) -> Result<(), StartError> {
    init_log();
    let mode = config.database.mode();
    if mode == Mode::Local && !config.bind.ip().is_loopback() {
        return Err(StartError::Refused(format!(
            "local mode has no login, so it listens only on a loopback address (127.0.0.1 or ::1), not {}: for a team, run server mode with --database-url and accounts",
            config.bind.ip()
        )));
    }
    if mode == Mode::Local && !config.trusted_proxies.is_empty() {
        return Err(StartError::Refused(
            "local mode answers this machine only, with no proxy between: --trusted-proxy is for server mode (--database-url)".to_owned(),
        ));
    }
    let opened = open(&config.database).await?;
    // The dashboard's kept lines were worked out under the catalog of the
    // process that wrote them; this one may answer differently.
    opened.db.clear_board().await?;
    if mode == Mode::Server && !config.bind.ip().is_loopback() && !any_user(&*opened.db).await? {
        return Err(StartError::Refused(format!(
            "server mode will not listen on {} without authentication configured: create an organization and its admin first (`labpath org add NAME --admin-email EMAIL`)",
            config.bind.ip()
        )));
    }
    let worker = reminder_worker(&config, &opened)?;
    let link_mail = config
        .mail
        .as_ref()
        .and_then(|m| m.public_url.clone())
        .map(|public_url| crate::mail::LinkMail {
            public_url,
            jobs: opened.jobs.clone(),
        });
    let settings = Settings {
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies,
        link_mail,
    };
    let state = state(opened.db.clone(), config.catalog, mode, settings)
        .map_err(|e| StartError::Refused(e.message))?;
    let listen_error = |error| StartError::Listen {
        addr: config.bind,
        error,
    };
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    println!(
        "labpath serve: {}: http://{addr}/",
        describe(&config.database)
    );
    // The worker starts once the server can (a process that fails to
    // start sends nothing), and is told to stop with the server: on the
    // signal, or when `stop` is dropped because serving ended otherwise.
    let (stop, stopping) = watch::channel(false);
    let worker = worker.map(|(w, limit)| (tokio::spawn(w.run(stopping)), limit));
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stopped().await;
        stop.send_replace(true);
    })
    .await;
    if let Some((task, limit)) = worker {
        if tokio::time::timeout(limit, task).await.is_err() {
            tracing::warn!(
                "the reminder worker did not finish its email within {} s; its job is sent again when its lease ends",
                limit.as_secs()
            );
        }
    }
    served.map_err(listen_error)
}

/// Whether any organization has a user (server mode listens beyond
/// loopback only then).
async fn any_user(db: &dyn Db) -> Result<bool, StoreError> {
    let first = Window {
        offset: 0,
        limit: 1,
    };
    for org in db.organizations().await? {
        if db.users_in(org.id, first).await?.total > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The reminder worker `config` asks for, not yet started, with how long
/// to wait for it to stop (the longest send and time to record it); `None`
/// without `--smtp`.
fn reminder_worker(
    config: &Config,
    opened: &Opened,
) -> Result<Option<(ReminderWorker, Duration)>, StartError> {
    let Some(mail) = &config.mail else {
        return Ok(None);
    };
    if config.database.mode() == Mode::Local {
        return Err(StartError::Refused(
            "reminder emails go to the accounts linked to a person, and local mode has none: run server mode (--database-url sqlite:DIR or postgres://...) to send them".to_owned(),
        ));
    }
    let mailer =
        Mailer::new(&mail.smtp).map_err(|e| StartError::Refused(format!("--smtp: {e}")))?;
    let limit = mailer.send_limit() + STOP_MARGIN;
    Ok(Some((
        ReminderWorker {
            db: opened.db.clone(),
            jobs: opened.jobs.clone(),
            catalog: config.catalog.clone(),
            mailer,
            every: mail.every,
            worker: config.worker.clone(),
        },
        limit,
    )))
}

/// What the server runs on, for its first line.
fn describe(database: &Database) -> String {
    match database {
        Database::Local(dir) => format!("local mode, data in {}", dir.display()),
        Database::Sqlite(dir) => format!("server mode, SQLite data in {}", dir.display()),
        Database::Postgres(_) => "server mode, PostgreSQL".to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_from_others() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8765",
            "localhost",
            "LocalHost:80",
            "[::1]",
            "[::1]:8765",
        ] {
            assert!(super::is_loopback_host(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil.example:8765",
            "[::1]x",
            "[::1]:",
            "[::1]:80x",
            "localhost:",
            "localhost:80:80",
            "127.0.0.2",
            "[::2]:8765",
        ] {
            assert!(!super::is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn a_failing_reminder_worker_backs_off_to_five_minutes() {
        let every = Duration::from_secs(1);
        assert_eq!(pause(every, 0), every);
        assert_eq!(pause(every, 1), Duration::from_secs(2));
        assert_eq!(pause(every, 3), Duration::from_secs(8));
        assert_eq!(pause(every, 20), MAX_FAILURE_PAUSE);
        assert_eq!(pause(every, u32::MAX), MAX_FAILURE_PAUSE);
    }

    #[test]
    fn a_slow_reminder_worker_keeps_its_pace_when_failing() {
        let hourly = Duration::from_secs(3600);
        assert_eq!(pause(hourly, 0), hourly);
        assert_eq!(pause(hourly, 4), hourly);
    }
}
