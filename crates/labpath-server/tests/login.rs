//! Logins on a server-mode SQLite server over HTTP, from several client
//! addresses (loopback addresses, 127.0.0.x, each its own TCP peer): the
//! throttle's waits and limits as `labpath_app::accounts::throttle` sets
//! them, with the real user at another address; the client address behind
//! a proxy, trusted or not; logins sent by a page of another site; and
//! CSRF refusals in the organization's audit log.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use std::time::Duration;

use common::{Answer, Client, PASSWORD, answer, assert_error};
use labpath_app::accounts::throttle::{
    ACCOUNT_FAILURES, ADDRESS_FAILURES, ADDRESS_WINDOW_SECONDS, FIRST_WAIT_SECONDS,
};
use labpath_server::client::TrustedProxies;
use labpath_server::serve::Database;
use labpath_server::testing::{Running, start_behind};
use serde_json::{Value, json};

const ADMIN: &str = "admin@acme.example";

/// A server-mode server on a new SQLite directory with one organization
/// and its admin, believing the `X-Forwarded-For` of `trusted`.
async fn server(dir: &tempfile::TempDir, trusted: &[&str]) -> Running {
    let trusted = TrustedProxies::parse(trusted.iter().copied()).unwrap();
    let server = start_behind(Database::Sqlite(dir.path().to_path_buf()), None, trusted).await;
    server.organization("Acme", ADMIN, PASSWORD).await;
    server
}

/// `POST /api/login` with these headers besides the body.
async fn login_with(
    client: &Client,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut r = client
        .request("POST", "/api/login")
        .json(&json!({ "email": email, "password": password }));
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    answer(r.send().await.unwrap()).await
}

async fn login(client: &Client, email: &str, password: &str) -> Answer {
    login_with(client, email, password, &[]).await
}

/// The wrong password: 401 and no cookie.
fn wrong(a: &Answer, what: &str) {
    assert_error(a, 401, "unauthorized", what);
    assert!(a.headers.get("set-cookie").is_none(), "{what}");
}

/// A throttled login: 429, no cookie, a message saying `says`; the
/// seconds of its `Retry-After`.
fn throttled(a: &Answer, says: &str, what: &str) -> u64 {
    let error = assert_error(a, 429, "rate_limited", what);
    assert!(
        error["message"].as_str().unwrap().contains(says),
        "{what}: {error}"
    );
    assert!(a.headers.get("set-cookie").is_none(), "{what}");
    retry_after(a, what)
}

fn retry_after(a: &Answer, what: &str) -> u64 {
    a.headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("{what}: no Retry-After"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// A login that went through: 200 and the session cookie.
fn logged_in(a: &Answer, what: &str) {
    a.expect(200, what);
    let cookie = a.headers.get("set-cookie").map(|v| v.to_str().unwrap());
    assert!(
        cookie.is_some_and(|c| c.starts_with("labpath_session=")),
        "{what}: {cookie:?}"
    );
}

/// A browser-like client that shows redirects rather than following them.
fn forms() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Waits `seconds` and a little more.
async fn wait(seconds: u64) {
    tokio::time::sleep(Duration::from_millis(seconds * 1000 + 300)).await;
}

/// Failures from one address make the real user, at another, wait the
/// first wait at most: five seconds after each, however many that address
/// makes; then the address itself is stopped.
#[tokio::test]
async fn one_address_cannot_lock_another_user_out_beyond_the_first_wait() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &[]).await;
    let guesser = Client::anonymous_from(&server, "127.0.0.2");
    let holder = Client::anonymous_from(&server, "127.0.0.3");
    for i in 1..=ACCOUNT_FAILURES {
        wrong(
            &login(&guesser, ADMIN, "a wrong guess").await,
            &format!("guess {i}"),
        );
    }
    // The account waits: the guesser's next guess is not even read, and
    // the holder waits too, the first wait at most.
    let seconds = throttled(
        &login(&guesser, ADMIN, "another guess").await,
        "too many failed logins for this account: try again in",
        "a guess during the wait",
    );
    assert!((1..=FIRST_WAIT_SECONDS).contains(&seconds), "{seconds}");
    let seconds = throttled(
        &login(&holder, ADMIN, PASSWORD).await,
        "for this account",
        "the holder during the wait",
    );
    assert!((1..=FIRST_WAIT_SECONDS).contains(&seconds), "{seconds}");
    wait(seconds).await;

    // A sixth failure from the same address: the wait is the first one
    // again (one address counts for five), not twice it.
    wrong(&login(&guesser, ADMIN, "guess six").await, "guess 6");
    let seconds = throttled(
        &login(&holder, ADMIN, PASSWORD).await,
        "for this account",
        "the holder after a sixth failure",
    );
    assert!((1..=FIRST_WAIT_SECONDS).contains(&seconds), "{seconds}");
    wait(seconds).await;
    logged_in(
        &login(&holder, ADMIN, PASSWORD).await,
        "the holder, after the wait",
    );

    // The guesser is stopped after ten failures, whatever emails: even the
    // right password is refused from its address for the address window.
    for i in ACCOUNT_FAILURES + 1..ADDRESS_FAILURES {
        let email = format!("nobody{i}@acme.example");
        wrong(&login(&guesser, &email, "a guess").await, &email);
    }
    let seconds = throttled(
        &login(&guesser, ADMIN, PASSWORD).await,
        "too many failed logins from your address: try again in",
        "the guesser's address, stopped",
    );
    assert!(seconds <= ADDRESS_WINDOW_SECONDS as u64, "{seconds}");
    assert!(seconds > ADDRESS_WINDOW_SECONDS as u64 - 60, "{seconds}");
    logged_in(
        &login(&holder, ADMIN, PASSWORD).await,
        "the holder, while the guesser is stopped",
    );
}

/// While the account waits, the right password is refused too, through
/// the API and the login page alike, and goes through after the wait.
#[tokio::test]
async fn the_right_password_during_the_wait_is_refused_with_429() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &[]).await;
    let client = Client::anonymous(&server);
    for i in 1..=ACCOUNT_FAILURES {
        wrong(
            &login(&client, ADMIN, "wrong").await,
            &format!("failure {i}"),
        );
    }
    let seconds = throttled(
        &login(&client, ADMIN, PASSWORD).await,
        "for this account",
        "the right password, through the API",
    );
    assert!((1..=FIRST_WAIT_SECONDS).contains(&seconds), "{seconds}");

    let http = forms();
    let form = |password: &'static str| {
        http.post(server.url("/login")).form(&[
            ("email", ADMIN),
            ("password", password),
            ("next", "/people"),
        ])
    };
    let page = answer(form(PASSWORD).send().await.unwrap()).await;
    assert_eq!(page.status, 429, "{}", page.text);
    assert!(page.headers.get("set-cookie").is_none());
    assert!((1..=FIRST_WAIT_SECONDS).contains(&retry_after(&page, "the login page")));
    assert!(
        page.text
            .contains("too many failed logins for this account"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(r#"value="admin@acme.example""#),
        "the email is kept"
    );

    wait(retry_after(&page, "the login page")).await;
    let page = answer(form(PASSWORD).send().await.unwrap()).await;
    assert_eq!(page.status, 303, "{}", page.text);
    assert_eq!(page.headers["location"], "/people");
    assert!(page.headers.get("set-cookie").is_some());
}

/// Logins with emails no account has count toward the address's limit.
#[tokio::test]
async fn unknown_emails_count_toward_the_address_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &[]).await;
    let sprayer = Client::anonymous_from(&server, "127.0.0.2");
    for i in 0..ADDRESS_FAILURES {
        let email = format!("someone{i}@elsewhere.example");
        wrong(&login(&sprayer, &email, "Spring2026!").await, &email);
    }
    let seconds = throttled(
        &login(&sprayer, ADMIN, PASSWORD).await,
        "from your address",
        "an account's right password from the spraying address",
    );
    assert!(seconds > ADDRESS_WINDOW_SECONDS as u64 - 60, "{seconds}");
    throttled(
        &login(&sprayer, "someone-else@elsewhere.example", "x").await,
        "from your address",
        "another unknown email",
    );
    let admin = Client::anonymous_from(&server, "127.0.0.3")
        .logged_in(ADMIN, PASSWORD)
        .await;
    let lines = admin.get("/api/audit?action=login-failed").await;
    let lines = lines.as_array().unwrap();
    assert_eq!(
        lines.len(),
        1,
        "only the line naming the admin's account is theirs: {lines:?}"
    );
    assert_eq!(lines[0]["status"], 429);
    assert_eq!(lines[0]["from"], "127.0.0.2");
}

/// A login sent by a page of another site is refused (403) through the
/// API, the login page and a password link, and audited; the same site's
/// page, or a client that is no browser, logs in.
#[tokio::test]
async fn a_login_sent_by_another_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &[]).await;
    let client = Client::anonymous(&server);
    let here = server.url("");
    let here = here.trim_end_matches('/');
    let port = server.addr.port();
    let lookalike = format!("http://127.0.0.1.evil.example:{port}");
    let other_host = format!("http://localhost:{port}");
    let page = format!("{here}/login?next=/");
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("origin", lookalike.as_str()),
        ("origin", other_host.as_str()),
        ("referer", "https://evil.example/win-a-prize"),
    ] {
        let what = format!("{header}: {value}");
        let a = login_with(&client, ADMIN, PASSWORD, &[(header, value)]).await;
        let error = assert_error(&a, 403, "csrf", &what);
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("sent from a page of another site") && message.contains(value),
            "{what}: {message}"
        );
        assert!(a.headers.get("set-cookie").is_none(), "{what}");
    }
    for headers in [
        vec![("origin", here)],
        vec![("referer", page.as_str())],
        vec![("origin", here), ("referer", "https://evil.example/")],
        vec![],
    ] {
        logged_in(
            &login_with(&client, ADMIN, PASSWORD, &headers).await,
            &format!("{headers:?}"),
        );
    }

    // The login page's form.
    let http = forms();
    let form = |origin: &str| {
        http.post(server.url("/login"))
            .header("origin", origin)
            .form(&[("email", ADMIN), ("password", PASSWORD), ("next", "/")])
    };
    let refused = answer(form("https://evil.example").send().await.unwrap()).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.headers.get("set-cookie").is_none());
    assert!(
        refused.text.contains("sent from a page of another site"),
        "{}",
        refused.text
    );
    assert!(
        refused.text.contains(r#"action="/login""#),
        "the form is shown again"
    );
    let done = answer(form(here).send().await.unwrap()).await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert!(done.headers.get("set-cookie").is_some());

    // A password link logs in too: another site cannot use one it holds.
    let admin = Client::login(&server, ADMIN, PASSWORD).await;
    let link = admin
        .ok(
            "POST",
            &format!("/api/users/{}/reset-link", admin.id()),
            Value::Null,
            201,
        )
        .await;
    let path = link["path"].as_str().unwrap();
    let set = |origin: &str| {
        http.post(server.url(path))
            .header("origin", origin)
            .form(&[("password", "violet tugboat marmalade")])
    };
    let refused = answer(set("https://evil.example").send().await.unwrap()).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.headers.get("set-cookie").is_none());
    assert!(
        refused
            .text
            .contains("this password form was sent from a page of another site")
    );
    let done = answer(set(here).send().await.unwrap()).await;
    assert_eq!(done.status, 303, "the link still works: {}", done.text);

    let admin = Client::login(&server, ADMIN, "violet tugboat marmalade").await;
    let lines = admin.get("/api/audit?action=cross-site").await;
    let refused: Vec<(&str, i64)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["action"].as_str().unwrap(), l["status"].as_i64().unwrap()))
        .collect();
    assert_eq!(refused.len(), 6, "{lines}");
    assert!(refused.contains(&("POST /login", 403)), "{lines}");
    assert!(refused.iter().all(|(_, status)| *status == 403), "{lines}");
}

/// `X-Forwarded-For` is anyone's to write: without `--trusted-proxy` it is
/// ignored and the client is the peer; with it, the proxy's entry names
/// the client, and what a client wrote to its left is not read.
#[tokio::test]
async fn a_proxy_header_names_the_client_only_from_a_trusted_proxy() {
    let forwarded = |client: &'static str| [("x-forwarded-for", client)];

    // Not trusted: ten clients that say they differ are one address.
    let dir = tempfile::tempdir().unwrap();
    let direct = server(&dir, &[]).await;
    let client = Client::anonymous(&direct);
    let spoofed: Vec<String> = (0..ADDRESS_FAILURES)
        .map(|i| format!("203.0.113.{i}"))
        .collect();
    for (i, from) in spoofed.iter().enumerate() {
        let email = format!("nobody{i}@acme.example");
        wrong(
            &login_with(&client, &email, "guess", &[("x-forwarded-for", from)]).await,
            from,
        );
    }
    throttled(
        &login_with(&client, ADMIN, PASSWORD, &forwarded("198.51.100.1")).await,
        "from your address",
        "another header from the same peer",
    );
    let admin = Client::anonymous_from(&direct, "127.0.0.2")
        .logged_in(ADMIN, PASSWORD)
        .await;
    let lines = admin.get("/api/audit?action=login").await;
    let from: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["from"].as_str().unwrap())
        .collect();
    assert_eq!(from, ["127.0.0.2", "127.0.0.1"], "{lines}");

    // Trusted: the client behind the proxy is counted, and recorded.
    let dir = tempfile::tempdir().unwrap();
    let proxied = server(&dir, &["127.0.0.1"]).await;
    let proxy = Client::anonymous(&proxied);
    for i in 0..ADDRESS_FAILURES {
        let email = format!("nobody{i}@acme.example");
        wrong(
            &login_with(&proxy, &email, "guess", &forwarded("203.0.113.7")).await,
            &email,
        );
    }
    for (header, what) in [
        ("203.0.113.7", "the guessing client"),
        (
            "192.0.2.55, 203.0.113.7",
            "the guessing client, naming another",
        ),
        ("203.0.113.7:4711", "the guessing client, with a port"),
    ] {
        throttled(
            &login_with(&proxy, ADMIN, PASSWORD, &forwarded(header)).await,
            "from your address",
            what,
        );
    }
    logged_in(
        &login_with(&proxy, ADMIN, PASSWORD, &forwarded("203.0.113.8")).await,
        "another client behind the proxy",
    );
    logged_in(
        &login_with(
            &proxy,
            ADMIN,
            PASSWORD,
            &forwarded("203.0.113.9, 127.0.0.1"),
        )
        .await,
        "another client, through two proxies",
    );
    // An untrusted peer's header is not read: its own address is used.
    let outsider = Client::anonymous_from(&proxied, "127.0.0.2");
    let admin = outsider.logged_in(ADMIN, PASSWORD).await;
    let lines = admin.get("/api/audit?action=login").await;
    let from: Vec<(&str, i64)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["from"].as_str().unwrap(), l["status"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        from,
        [
            ("127.0.0.2", 200),
            ("203.0.113.9", 200),
            ("203.0.113.8", 200),
            ("203.0.113.7", 429),
            ("203.0.113.7", 429),
            ("203.0.113.7", 429),
        ],
        "{lines}"
    );
}

/// An unsafe request refused for its missing CSRF token, with a valid
/// session, is in the audit log of the session's organization, with its
/// user and the 403 answered: through the API and through a page.
#[tokio::test]
async fn a_request_refused_for_its_csrf_token_is_in_the_organizations_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &[]).await;
    let admin = Client::login(&server, ADMIN, PASSWORD).await;
    let api = admin
        .request("POST", "/api/people")
        .json(&json!({ "name": "Refused Person" }))
        .send()
        .await
        .unwrap();
    assert_error(&answer(api).await, 403, "csrf", "the API without its token");
    let page = admin
        .request("POST", "/people")
        .form(&[("name", "Refused Person"), ("csrf", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);

    let lines = admin.get("/api/audit?action=people").await;
    let refused: Vec<(&str, &Value, i64)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["action"].as_str().unwrap(),
                &l["user"],
                l["status"].as_i64().unwrap(),
            )
        })
        .collect();
    let me = json!(admin.id());
    assert_eq!(
        refused,
        [("POST /people", &me, 403), ("POST /api/people", &me, 403)],
        "{lines}"
    );
    let people = admin.get("/api/people").await;
    assert_eq!(people["total"], 0, "nothing was added: {people}");
}
