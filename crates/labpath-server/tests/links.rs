//! Invitations and password resets over HTTP on a server-mode SQLite
//! server: a link opens the set-password form once, a weak password comes
//! back beside its field, a used, expired or superseded link is refused,
//! and the new password logs in while the old sessions end.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_server::serve::Database;
use labpath_server::testing::{Running, start};
use labpath_store::accounts::{LinkPurpose, NewLink};
use labpath_store::time::Timestamp;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";
const CHOSEN: &str = "violet tugboat marmalade";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn login(server: &Running, email: &str, password: &str) -> reqwest::Response {
    client()
        .post(server.url("/api/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn admin(server: &Running) -> (reqwest::Client, String) {
    let http = client();
    let r = http
        .post(server.url("/api/login"))
        .json(&json!({ "email": "admin@acme.example", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let session: Value = r.json().await.unwrap();
    (http, session["csrf"].as_str().unwrap().to_owned())
}

async fn set_password(server: &Running, path: &str, password: &str) -> reqwest::Response {
    client()
        .post(server.url(path))
        .form(&[("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invitation_link_sets_the_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, csrf) = admin(&server).await;
    let r = admin
        .post(server.url("/api/invitations"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "email": "Jun@Acme.example", "name": "Jun Cruz", "role": "staff" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let link: Value = r.json().await.unwrap();
    assert_eq!(link["purpose"], "invite");
    assert_eq!(link["emailed"], false, "this server sends no email");
    let path = link["path"].as_str().unwrap().to_owned();
    assert!(path.starts_with("/set-password/"), "{path}");

    // No one can log in before the link is used.
    assert_eq!(
        login(&server, "jun@acme.example", CHOSEN).await.status(),
        401
    );
    let page = client().get(server.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Welcome, Jun Cruz"), "{html}");
    assert!(html.contains("jun@acme.example"), "{html}");

    // A weak password comes back beside its field; the link still works.
    let weak = set_password(&server, &path, "password12").await;
    assert_eq!(weak.status(), 422);
    let html = weak.text().await.unwrap();
    assert!(
        html.contains(r#"aria-describedby="password-error""#),
        "{html}"
    );
    assert!(html.contains("too easy to guess"), "{html}");

    let done = set_password(&server, &path, CHOSEN).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/");
    assert!(
        done.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("labpath_session=")
    );
    assert_eq!(
        login(&server, "jun@acme.example", CHOSEN).await.status(),
        200
    );

    // Used once: the link is refused, and the password stays.
    let again = client().get(server.url(&path)).send().await.unwrap();
    assert_eq!(again.status(), 404);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("expired or was already used")
    );
    let reuse = set_password(&server, &path, "another long passphrase here").await;
    assert_eq!(reuse.status(), 404);
    assert_eq!(
        login(&server, "jun@acme.example", CHOSEN).await.status(),
        200
    );

    // Staff may invite candidates only.
    let (staff, staff_csrf) = {
        let http = client();
        let r = http
            .post(server.url("/api/login"))
            .json(&json!({ "email": "jun@acme.example", "password": CHOSEN }))
            .send()
            .await
            .unwrap();
        let s: Value = r.json().await.unwrap();
        (http, s["csrf"].as_str().unwrap().to_owned())
    };
    let r = staff
        .post(server.url("/api/invitations"))
        .header("x-csrf-token", &staff_csrf)
        .json(&json!({ "email": "boss@acme.example", "name": "Boss", "role": "admin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_reset_link_ends_the_old_sessions_and_only_the_newest_works() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let (_, user) = server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, csrf) = admin(&server).await;
    let reset = |id: i64| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let url = server.url(&format!("/api/users/{id}/reset-link"));
        async move {
            let r = admin
                .post(url)
                .header("x-csrf-token", &csrf)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["purpose"], "reset");
            v["path"].as_str().unwrap().to_owned()
        }
    };
    let first = reset(user.id.get()).await;
    let second = reset(user.id.get()).await;
    // The older link stopped working when the newer was made.
    assert_eq!(set_password(&server, &first, CHOSEN).await.status(), 404);
    assert_eq!(set_password(&server, &second, CHOSEN).await.status(), 303);
    // The admin's own session (made with the old password) has ended.
    let r = admin.get(server.url("/api/session")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        login(&server, "admin@acme.example", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        login(&server, "admin@acme.example", CHOSEN).await.status(),
        200
    );

    // A user of no organization of the admin's is not found.
    let (admin, csrf) = {
        let http = client();
        let r = http
            .post(server.url("/api/login"))
            .json(&json!({ "email": "admin@acme.example", "password": CHOSEN }))
            .send()
            .await
            .unwrap();
        let s: Value = r.json().await.unwrap();
        (http, s["csrf"].as_str().unwrap().to_owned())
    };
    let (_, other) = server
        .organization("Other Lab", "admin@other.example", PASSWORD)
        .await;
    let r = admin
        .post(server.url(&format!("/api/users/{}/reset-link", other.id)))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // An expired link is refused with what to do.
    let now = Timestamp::now();
    let expired = NewLink {
        token_hash: labpath_app::accounts::token_hash("an-expired-token"),
        purpose: LinkPurpose::Reset,
        created_at: now.plus_seconds(-7200),
        expires_at: now.plus_seconds(-3600),
    };
    server.db.create_link(user.id, &expired).await.unwrap();
    let r = client()
        .get(server.url("/set-password/an-expired-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("ask for a new one"));
}

#[tokio::test]
async fn a_forgotten_password_answers_the_same_for_any_email() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let mut answers = Vec::new();
    for email in ["admin@acme.example", "nobody@acme.example"] {
        let r = client()
            .post(server.url("/forgot"))
            .form(&[("email", email)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        let start = html.find(r#"id="forgot-sent""#).expect("an answer");
        answers.push(html[start..start + 200].to_owned());
    }
    assert_eq!(answers[0], answers[1]);
}

/// With mail on, an invitation is mailed through the queue on the
/// configured address, whatever `Host` the request carried, and the
/// mailed link is the one that works.
#[tokio::test]
async fn an_invitation_is_mailed_on_the_public_address_not_the_requests_host() {
    use labpath_notify::{Mailer, MailerConfig, testing};
    let dir = tempfile::tempdir().unwrap();
    let database = Database::Sqlite(dir.path().to_path_buf());
    let server =
        labpath_server::testing::start_with(database.clone(), Some("https://labpath.acme.example"))
            .await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (admin, csrf) = admin(&server).await;
    let r = admin
        .post(server.url("/api/invitations"))
        .header("x-csrf-token", &csrf)
        .header("host", "evil.example")
        .json(&json!({ "email": "jun@acme.example", "name": "Jun Cruz", "role": "staff" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let link: Value = r.json().await.unwrap();
    assert_eq!(link["emailed"], true);
    let path = link["path"].as_str().unwrap();

    let (smtp, sink) = testing::start().await.unwrap();
    let mailer = Mailer::new(&MailerConfig::new(
        "127.0.0.1",
        smtp.port(),
        "labpath <accounts@acme.example>",
    ))
    .unwrap();
    let queue = labpath_server::serve::open(&database).await.unwrap().jobs;
    let sent = labpath_notify::work(&*queue, &mailer, "test", 10)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["jun@acme.example"]);
    assert_eq!(
        messages[0].subject().unwrap(),
        "Your labpath account: choose your password"
    );
    let text = messages[0].text();
    assert!(
        text.contains(&format!("https://labpath.acme.example{path}")),
        "{text}"
    );
    assert!(!text.contains("evil.example"), "{text}");
    // The mailed link works.
    assert_eq!(set_password(&server, path, CHOSEN).await.status(), 303);
}
