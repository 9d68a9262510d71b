//! The operator's account commands on a server-mode SQLite database:
//! `labpath org add` makes an organization and its admin, and
//! `labpath user reset-password` sets a password (refusing a weak one
//! and an unknown email, each at its input) so the new one logs in and the
//! old one no longer does.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use std::process::{Output, Stdio};

use labpath_store_sqlite::SqliteStore;

const FIRST: &str = "quartz meadow lantern 81";
const SECOND: &str = "violet tugboat marmalade";

fn labpath(args: &[&str], env: (&str, &str)) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .env(env.0, env.1)
        .env_remove("LABPATH_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn an_operator_sets_a_forgotten_admin_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().display());
    let add = [
        "org",
        "add",
        "Agency",
        "--admin-email",
        "admin@agency.example",
        "--database-url",
        &url,
    ];
    let out = labpath(&add, ("LABPATH_ADMIN_PASSWORD", FIRST));
    assert!(out.status.success(), "{}", text(&out));

    let reset = |email: &'static str| {
        let url = url.clone();
        move |password: &str| {
            labpath(
                &["user", "reset-password", email, "--database-url", &url],
                ("LABPATH_NEW_PASSWORD", password),
            )
        }
    };
    let weak = reset("admin@agency.example")("password12");
    assert_eq!(weak.status.code(), Some(2), "{}", text(&weak));
    assert!(
        text(&weak)
            .contains("the password ($LABPATH_NEW_PASSWORD): this password is too easy to guess"),
        "{}",
        text(&weak)
    );
    let unknown = reset("nobody@agency.example")(SECOND);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(
        text(&unknown).contains("EMAIL: no account has the email `nobody@agency.example`"),
        "{}",
        text(&unknown)
    );

    let done = reset("Admin@Agency.example")(SECOND);
    assert!(done.status.success(), "{}", text(&done));
    assert!(
        text(&done).contains("<admin@agency.example>"),
        "{}",
        text(&done)
    );

    let store = SqliteStore::open(dir.path()).await.unwrap();
    let login = |password| {
        labpath_app::accounts::login(&store, "admin@agency.example", password, "127.0.0.1")
    };
    assert!(login(SECOND).await.is_ok());
    assert!(login(FIRST).await.is_err());
}

#[test]
fn account_commands_need_a_server_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(["user", "reset-password", "admin@agency.example"])
        .env("LABPATH_DATA_DIR", dir.path())
        .env_remove("LABPATH_DATABASE_URL")
        .env("LABPATH_NEW_PASSWORD", SECOND)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("accounts are for server mode: give --database-url"),
        "{}",
        text(&out)
    );
}

/// `--trusted-proxy` takes an address or a network, and only in server
/// mode; anything else stops `labpath serve` before it listens, saying why.
#[test]
fn serve_refuses_a_trusted_proxy_that_is_no_address_or_in_local_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().display());
    let data = dir.path().join("local");
    let data = data.to_str().unwrap();
    for (args, says) in [
        (
            vec![
                "serve",
                "--database-url",
                &url,
                "--trusted-proxy",
                "proxy.example",
            ],
            "error: --trusted-proxy: `proxy.example` is not an IP address or network",
        ),
        (
            vec![
                "serve",
                "--database-url",
                &url,
                "--trusted-proxy",
                "10.0.0.0/33",
            ],
            "error: --trusted-proxy: `10.0.0.0/33` is not an IP address or network",
        ),
        (
            vec!["--data-dir", data, "serve", "--trusted-proxy", "10.0.0.5"],
            "--trusted-proxy is for server mode",
        ),
    ] {
        let out = labpath(&args, ("LABPATH_UNUSED", ""));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(says), "{args:?}: {}", text(&out));
    }
}
