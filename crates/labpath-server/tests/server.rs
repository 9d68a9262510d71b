//! Server mode on SQLite: a login is required, a candidate sees only their
//! own record, every change is in the audit log with who and from where,
//! the calendar feed needs only its secret token, and the server refuses to
//! listen beyond loopback without accounts.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_server::serve::{Config, Database, StartError, run};
use labpath_server::testing::start;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

async fn login(
    server: &labpath_server::testing::Running,
    email: &str,
) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = http
        .post(server.url("/api/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session: Value = r.json().await.unwrap();
    (http, session["csrf"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_login_is_required_and_a_candidate_sees_only_their_record() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;

    let anonymous = reqwest::Client::new();
    let r = anonymous
        .get(server.url("/api/people"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "unauthorized");

    let (admin, csrf) = login(&server, "ADMIN@acme.example").await;
    let mut ids = Vec::new();
    for name in ["Ana", "Ben"] {
        let p: Value = admin
            .post(server.url("/api/people"))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(p["id"].as_i64().unwrap());
    }
    let r = admin
        .post(server.url("/api/users"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "email": "ana@example.org", "name": "Ana", "role": "candidate", "password": PASSWORD, "person": ids[0].to_string() }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let (ana, _) = login(&server, "ana@example.org").await;
    let people: Value = ana
        .get(server.url("/api/people"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(people["total"], 1);
    assert_eq!(people["items"][0]["id"], ids[0]);
    let other = ana
        .get(server.url(&format!("/api/people/{}", ids[1])))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let dashboard = ana.get(server.url("/api/dashboard")).send().await.unwrap();
    assert_eq!(dashboard.status(), 403);

    // Every change is in the audit log: who, what, from where, the answer.
    let audit: Value = admin
        .get(server.url("/api/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lines = audit.as_array().unwrap();
    let created = lines
        .iter()
        .find(|l| l["action"] == "POST /api/people")
        .unwrap_or_else(|| panic!("{audit}"));
    assert_eq!(created["status"], 201);
    assert_eq!(created["from"], "127.0.0.1");
    assert!(created["user"].is_number());
    assert!(
        lines
            .iter()
            .any(|l| l["action"] == "POST /api/users" && l["status"] == 201)
    );
    assert!(lines.iter().any(|l| l["action"] == "POST /api/login"));
    let forbidden = ana.get(server.url("/api/audit")).send().await.unwrap();
    assert_eq!(forbidden.status(), 403);
}

#[tokio::test]
async fn the_calendar_feed_needs_only_its_secret_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, csrf) = login(&server, "admin@acme.example").await;
    let p: Value = admin
        .post(server.url("/api/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "Ana" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    let r = admin
        .post(server.url(&format!("/api/people/{id}/reminders")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "due": "2030-01-15", "what": "call NYSED about the license" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let feed: Value = admin
        .get(server.url("/api/calendar-feed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = feed["path"].as_str().unwrap();

    let calendar = reqwest::get(server.url(path)).await.unwrap();
    assert_eq!(calendar.status(), 200);
    assert!(
        calendar.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = calendar.text().await.unwrap();
    let parsed: Vec<_> = ical::IcalParser::new(text.as_bytes()).collect();
    assert_eq!(parsed.len(), 1);
    let events = &parsed[0].as_ref().unwrap().events;
    assert!(
        events.iter().any(|e| e
            .properties
            .iter()
            .any(|p| p.value.as_deref() == Some("20300115"))),
        "{text}"
    );

    // One character changed (never to itself: a token ending in 0 once
    // made this the real path).
    let last = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    let refused = reqwest::get(server.url(&forged)).await.unwrap();
    assert_eq!(refused.status(), 404);
}

#[tokio::test]
async fn no_listening_beyond_loopback_without_authentication() {
    let catalog = labpath_shipped::catalog().unwrap();
    let local = tempfile::tempdir().unwrap();
    let refused = run(Config {
        bind: "0.0.0.0:0".parse().unwrap(),
        database: Database::Local(local.path().to_path_buf()),
        catalog: catalog.clone(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
        mail: None,
        worker: "test".to_owned(),
    })
    .await
    .unwrap_err();
    assert!(
        matches!(&refused, StartError::Refused(m) if m.contains("loopback")),
        "{refused}"
    );

    let team = tempfile::tempdir().unwrap();
    let refused = run(Config {
        bind: "0.0.0.0:0".parse().unwrap(),
        database: Database::Sqlite(team.path().to_path_buf()),
        catalog,
        secure_cookies: false,
        trusted_proxies: Default::default(),
        mail: None,
        worker: "test".to_owned(),
    })
    .await
    .unwrap_err();
    assert!(
        matches!(&refused, StartError::Refused(m) if m.contains("without authentication")),
        "{refused}"
    );
}

/// A page asked for without a session sends to the login with the whole
/// address (query included), and the login sends back there; a `next`
/// that leads to another site sends to `/` instead.
#[tokio::test]
async fn the_login_page_sends_back_to_the_page_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let location = |r: &reqwest::Response| {
        r.headers()[reqwest::header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let asked = "/dashboard?stage=draft&overdue=true&page=2";
    let r = http.get(server.url(asked)).send().await.unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let to_login = location(&r);
    assert_eq!(
        to_login,
        "/login?next=/dashboard%3Fstage%3Ddraft%26overdue%3Dtrue%26page%3D2"
    );
    let form = http.get(server.url(&to_login)).send().await.unwrap();
    let html = form.text().await.unwrap();
    assert!(
        // (minijinja writes the leading `/` as `&#x2f;`)
        html.contains("dashboard?stage=draft&amp;overdue=true&amp;page=2\">"),
        "the login form carries the address: {html}"
    );
    for (next, expected) in [
        (asked, asked),
        ("//elsewhere.example/x", "/"),
        ("/\\elsewhere.example/x", "/"),
        ("/\t/elsewhere.example/x", "/"),
        ("/\n/elsewhere.example/x", "/"),
        ("/\t\\elsewhere.example/x", "/"),
        ("/people/\\..\\/elsewhere.example", "/"),
        ("/ /elsewhere.example", "/"),
        ("https://elsewhere.example/", "/"),
        ("elsewhere.example", "/"),
    ] {
        let r = http
            .post(server.url("/login"))
            .form(&[
                ("email", "admin@acme.example"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{next}: {}", r.status());
        assert_eq!(location(&r), expected, "next = {next}");
    }
}

/// A change made through a page's form is in the audit log with who made
/// it and for which organization, as one made through the API is; a form
/// sent without a session goes to the login, which sends back to the page
/// the form was on.
#[tokio::test]
async fn a_change_made_in_a_page_is_audited_with_its_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let (org, _) = server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, csrf) = login(&server, "admin@acme.example").await;
    let me: Value = admin
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = admin
        .post(server.url("/people"))
        .form(&[("csrf", csrf.as_str()), ("name", "Eve Santos")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the new person's page");
    let audit: Value = admin
        .get(server.url("/api/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let line = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"] == "POST /people")
        .unwrap_or_else(|| panic!("no line for the page's form: {audit}"));
    assert_eq!(line["user"], me["user"]["id"], "{line}");
    assert_eq!(line["org"], org.id.get(), "{line}");
    assert!(line["status"].as_u64().unwrap() < 400, "{line}");

    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anonymous
        .post(server.url("/people"))
        .header(reqwest::header::REFERER, server.url("/people?q=eve&page=1"))
        .form(&[("csrf", "x"), ("name", "Nobody")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        "/login?next=/people%3Fq%3Deve%26page%3D1"
    );
}

/// An error page keeps the header of whoever is logged in (their name,
/// the log-out button, the dashboard link), whichever step failed: a
/// record that does not exist, a form refused for its CSRF token. Without
/// a session, the header is the anonymous one.
#[tokio::test]
async fn an_error_page_keeps_the_logged_in_header() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, _) = login(&server, "admin@acme.example").await;
    let missing = admin
        .get(server.url("/people/424242"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let html = missing.text().await.unwrap();
    assert!(html.contains("person `424242` does not exist"), "{html}");
    for header in ["Admin (admin)", "Log out", "href=\"/dashboard\""] {
        assert!(
            html.contains(header),
            "the 404 page shows `{header}`: {html}"
        );
    }
    let refused = admin
        .post(server.url("/people"))
        .form(&[("name", "Ana"), ("csrf", "not the token")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Admin (admin)"), "{html}");

    let anonymous = reqwest::Client::new()
        .get(server.url("/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 404);
    let html = anonymous.text().await.unwrap();
    assert!(!html.contains("Log out"), "{html}");
}
