//! What every request handler shares: the database (tracker and accounts),
//! the catalog, the page templates and the mode. None of it is per-user
//! state: sessions and throttling live in the database, so any number of
//! replicas can serve one organization.

use std::sync::Arc;

use crate::error::{ApiError, ApiResult};

use labpath_engine::catalog::Catalog;
use labpath_store::{Accounts, Store};

use crate::pages::Templates;

/// A database holding both the tracker and the accounts.
pub trait Db: Store + Accounts {}

impl<T: Store + Accounts> Db for T {}

/// How the server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One person on their own machine: loopback only, no login, the
    /// records of people who belong to no organization.
    Local,
    /// An organization's server: every request but the login needs a
    /// session; each user sees their organization's records (a candidate,
    /// only their own).
    Server,
}

impl Mode {
    /// `local` or `server`, as the session and the pages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Local => "local",
            Mode::Server => "server",
        }
    }
}

/// The shared state (cheap to clone).
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

/// What `AppState` points to.
pub struct Shared {
    /// Tracker and accounts.
    pub db: Arc<dyn Db>,
    /// The catalog every answer comes from.
    pub catalog: Catalog,
    /// Its clause table, which compact answers are read with (`GET
    /// /api/catalog/clauses`), written once.
    pub table: labpath_app::eligibility::CatalogTable,
    /// Local or server.
    pub mode: Mode,
    /// Whether cookies carry `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` names the client
    /// (`--trusted-proxy`; none by default).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Local mode's CSRF token: random per process (local mode is one
    /// process by construction). Server mode keeps each session's token in
    /// the database instead.
    pub local_csrf: String,
    /// The page templates.
    pub templates: Templates,
    /// How account links are mailed (`None`: they are only shown).
    pub link_mail: Option<crate::mail::LinkMail>,
    /// Turns for the work that keeps a core busy for a while (plans, CE
    /// and people imports, audit packs): as many at once as the machine
    /// has cores; more requests wait their turn, so the async workers and
    /// every other request keep going.
    pub heavy: Arc<tokio::sync::Semaphore>,
}

/// How many heavy requests run at once: the machine's cores.
pub fn heavy_turns() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// A turn for heavy work, held until dropped (see `Shared::heavy`).
    pub async fn heavy_turn(&self) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.heavy)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)
    }

    /// The tracker.
    pub fn store(&self) -> &dyn Store {
        &*self.0.db
    }

    /// The use cases over this server's catalog and store.
    pub fn app(&self) -> labpath_app::App<'_> {
        labpath_app::App::new(&self.0.catalog, self.store()).with_accounts(self.accounts())
    }

    /// The accounts.
    pub fn accounts(&self) -> &dyn Accounts {
        &*self.0.db
    }

    /// The client address of a request (`crate::client`).
    pub fn client_of(
        &self,
        extensions: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
    ) -> String {
        self.trusted_proxies.client_of(extensions, headers)
    }
}
