//! Starting a real server for tests: the whole router on a loopback port,
//! on a real SQLite data directory or a real PostgreSQL database.
//! Compiled with the `testing` feature only.

#![allow(
    clippy::panic,
    reason = "test support: a setup that fails is a failed test, said at once"
)]

use std::net::SocketAddr;
use std::sync::Arc;

use labpath_store::accounts::{Organization, User};

use crate::client::TrustedProxies;
use crate::serve::{Database, Settings, open, router, state};
use crate::state::Db;

/// A running server.
pub struct Running {
    /// Its address.
    pub addr: SocketAddr,
    /// Its database (to set up records directly).
    pub db: Arc<dyn Db>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The URL of a path on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Creates an organization with an admin.
    pub async fn organization(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> (Organization, User) {
        let admin = labpath_app::accounts::FirstAdmin {
            email: email.to_owned(),
            name: "Admin".to_owned(),
            password: password.to_owned(),
        };
        match labpath_app::accounts::create_organization(&*self.db, name, admin).await {
            Ok(x) => x,
            Err(e) => panic!("creating organization {name}: {e}"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the server on 127.0.0.1 (a free port) over `database`, with the
/// embedded catalog; local mode for `Database::Local`, server mode
/// otherwise.
pub async fn start(database: Database) -> Running {
    start_with(database, None).await
}

/// The same, mailing account links built on `public_url` through the
/// database's job queue (as `labpath serve --smtp ... --public-url`; the
/// test runs the worker itself).
pub async fn start_with(database: Database, public_url: Option<&str>) -> Running {
    start_behind(database, public_url, TrustedProxies::default()).await
}

/// The same, believing the `X-Forwarded-For` of the `trusted` proxies (as
/// `labpath serve --trusted-proxy`).
pub async fn start_behind(
    database: Database,
    public_url: Option<&str>,
    trusted: TrustedProxies,
) -> Running {
    let opened = match open(&database).await {
        Ok(o) => o,
        Err(e) => panic!("opening {database:?}: {e}"),
    };
    let catalog = match labpath_shipped::catalog() {
        Ok(c) => c,
        Err(e) => panic!("the embedded catalog: {e}"),
    };
    let mode = database.mode();
    let link_mail = public_url.map(|url| crate::mail::LinkMail {
        public_url: url.to_owned(),
        jobs: opened.jobs.clone(),
    });
    let settings = Settings {
        secure_cookies: false,
        trusted_proxies: trusted,
        link_mail,
    };
    let shared = match state(opened.db.clone(), catalog, mode, settings) {
        Ok(s) => s,
        Err(e) => panic!("state: {}", e.message),
    };
    let app = router(shared);
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("bind: {e}"),
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => panic!("local_addr: {e}"),
    };
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    Running {
        addr,
        db: opened.db,
        task,
    }
}

/// The URL of a throwaway PostgreSQL test database (the test server's URL
/// with the database's name), for `Database::Postgres`.
pub fn postgres_url(db: &labpath_store_postgres::testing::TestDatabase) -> String {
    let server = labpath_store_postgres::testing::server_url();
    let base = match server.rfind('/') {
        Some(i) if i > "postgres://".len() => &server[..i],
        _ => server.as_str(),
    };
    format!("{base}/{}", db.name())
}
