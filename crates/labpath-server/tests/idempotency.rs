//! The `Idempotency-Key` header of the creating API writes: a repeated
//! request gets the first answer (same status, same body) with
//! `Idempotent-Replayed: true` and records nothing; the same key with
//! another request is a 422 naming the header; a malformed key is a 400;
//! each user's keys are their own.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::{Answer, Client, Part, assert_error, multipart};
use labpath_server::serve::Database;
use labpath_server::testing::{Running, start};
use serde_json::{Value, json};

const KEY: &str = "Idempotency-Key";

/// Sends a JSON request with a key.
async fn keyed(client: &Client, path: &str, key: &str, body: &Value) -> Answer {
    let r = client
        .request("POST", path)
        .header("x-csrf-token", &client.csrf)
        .header(KEY, key)
        .json(body);
    common::answer(r.send().await.unwrap()).await
}

/// Sends a multipart form with a key.
async fn keyed_form(client: &Client, path: &str, key: &str, parts: &[Part]) -> Answer {
    let (content_type, body) = multipart(parts);
    let r = client
        .request("POST", path)
        .header("x-csrf-token", &client.csrf)
        .header(KEY, key)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body);
    common::answer(r.send().await.unwrap()).await
}

fn replayed(a: &Answer) -> Option<&str> {
    a.headers
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
}

/// How many people the caller sees.
async fn people(client: &Client) -> Value {
    client.get("/api/people").await["total"].clone()
}

/// Sends the request twice with one key: the first answer is a new
/// record (201, no replay header), the second the same bytes marked
/// replayed. Returns the first answer.
async fn twice(send: impl AsyncFn() -> Answer, what: &str) -> Answer {
    let first = send().await;
    first.expect(201, what);
    assert_eq!(
        replayed(&first),
        None,
        "{what}: a first answer is no replay"
    );
    let again = send().await;
    again.expect(201, &format!("{what}, again"));
    assert_eq!(replayed(&again), Some("true"), "{what}");
    assert_eq!(
        again.bytes, first.bytes,
        "{what}: the first answer, as sent"
    );
    assert_eq!(again.media_type(), "application/json", "{what}");
    first
}

async fn local() -> (tempfile::TempDir, Running, Client) {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    (dir, server, client)
}

#[tokio::test]
async fn a_repeated_creating_request_gets_the_first_answer_and_records_nothing() {
    let (_dir, _server, client) = local().await;
    let new_person = json!({ "name": "Ana", "profile": common::profile() });
    let person = twice(
        async || keyed(&client, "/api/people", "person-1", &new_person).await,
        "POST /api/people",
    )
    .await
    .json();
    assert_eq!(person["profile_version"], 1, "{person}");
    let id = person["id"].as_i64().unwrap();
    assert_eq!(client.get("/api/people").await["total"], 1, "one person");

    let path = format!("/api/people/{id}/applications");
    let opened = json!({ "step": common::STEP, "reference": "CLT-123" });
    let app = twice(
        async || keyed(&client, &path, "app-1", &opened).await,
        "POST applications",
    )
    .await
    .json();
    assert_eq!(app["application"]["reference"], "CLT-123", "{app}");
    assert_eq!(client.get(&path).await["total"], 1, "one application");

    let path = format!("/api/people/{id}/reminders");
    let reminder = json!({ "due": "2030-01-01", "what": "call the board" });
    twice(
        async || keyed(&client, &path, "reminder-1", &reminder).await,
        "POST reminders",
    )
    .await;
    assert_eq!(client.get(&path).await["total"], 1, "one reminder");

    let path = format!("/api/people/{id}/ce");
    let activity = common::activity("Hematology update");
    twice(
        async || keyed(&client, &path, "ce-1", &activity).await,
        "POST ce (JSON)",
    )
    .await;
    let form = [
        Part::text("activity", &common::activity("Coagulation").to_string()),
        Part::file("certificate", "coag.pdf", &common::pdf("Coagulation")),
    ];
    twice(
        async || keyed_form(&client, &path, "ce-2", &form).await,
        "POST ce (a form with a certificate)",
    )
    .await;
    assert_eq!(client.get(&path).await["total"], 2, "two activities");
}

#[tokio::test]
async fn a_key_sent_again_with_another_request_is_refused_naming_the_header() {
    let (_dir, _server, client) = local().await;
    keyed(&client, "/api/people", "k", &json!({ "name": "Ana" }))
        .await
        .expect(201, "first");
    let before = people(&client).await;
    let other = keyed(&client, "/api/people", "k", &json!({ "name": "Ben" })).await;
    let error = assert_error(&other, 422, "invalid", "another body");
    assert!(error["message"].as_str().unwrap().contains(KEY), "{error}");
    assert_eq!(error["field"], KEY, "{error}");
    assert_eq!(people(&client).await, before, "a refused key recorded");
    // Another path with the key is another request too.
    let id = client.get("/api/people").await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/people/{id}/reminders");
    let reminder = json!({ "due": "2030-01-01", "what": "call" });
    assert_error(
        &keyed(&client, &path, "k", &reminder).await,
        422,
        "invalid",
        "another path",
    );
    assert_eq!(client.get(&path).await["total"], 0);
}

#[tokio::test]
async fn a_malformed_key_is_a_bad_request_and_a_refused_write_keeps_no_key() {
    let (_dir, _server, client) = local().await;
    let long = "k".repeat(256);
    for (key, what) in [
        ("", "an empty key"),
        (long.as_str(), "a key of 256 characters"),
        ("two words", "a key with a space"),
    ] {
        let a = keyed(&client, "/api/people", key, &json!({ "name": "Ana" })).await;
        let error = assert_error(&a, 400, "bad_request", what);
        assert!(error["message"].as_str().unwrap().contains(KEY), "{error}");
    }
    let r = client
        .request("POST", "/api/people")
        .header("x-csrf-token", &client.csrf)
        .header(
            KEY,
            reqwest::header::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        )
        .json(&json!({ "name": "Ana" }));
    let a = common::answer(r.send().await.unwrap()).await;
    assert_error(&a, 400, "bad_request", "a key that is not ASCII");
    assert!(
        keyed(
            &client,
            "/api/people",
            &"k".repeat(255),
            &json!({ "name": "Ana" })
        )
        .await
        .status
            == 201
    );

    // A refused request keeps no key: corrected, it goes through with it.
    let refused = keyed(&client, "/api/people", "fix-me", &json!({ "name": "  " })).await;
    assert_error(&refused, 422, "invalid", "an empty name");
    keyed(&client, "/api/people", "fix-me", &json!({ "name": "  " }))
        .await
        .expect(
            422,
            "the same refused request is refused again, not replayed",
        );
    keyed(&client, "/api/people", "fix-me", &json!({ "name": "Ana" }))
        .await
        .expect(201, "the corrected request");
}

#[tokio::test]
async fn each_users_keys_are_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = common::organization(&server, "Keys", "Other").await;
    let before = org.admin.get("/api/people").await["total"]
        .as_i64()
        .unwrap();
    let body = json!({ "name": "Dana" });
    let by_admin = keyed(&org.admin, "/api/people", "same-key", &body).await;
    by_admin.expect(201, "the admin's");
    let by_staff = keyed(&org.staff, "/api/people", "same-key", &body).await;
    by_staff.expect(201, "the staff member's");
    assert_eq!(replayed(&by_staff), None, "another user's key replayed");
    assert_ne!(by_admin.json()["id"], by_staff.json()["id"]);
    assert_eq!(
        org.admin.get("/api/people").await["total"]
            .as_i64()
            .unwrap(),
        before + 2
    );
}

#[tokio::test]
async fn the_api_document_declares_the_key_on_every_creating_write() {
    let (_dir, _server, client) = local().await;
    let doc = client.get("/api/openapi.json").await;
    let mut keyed_ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            if params
                .iter()
                .any(|p| p["name"] == KEY && p["in"] == "header")
            {
                keyed_ops.push(format!("{method} {path}"));
                let created = &op["responses"]["201"]["headers"]["Idempotent-Replayed"];
                assert!(created.is_object(), "{method} {path}: {op}");
                for status in ["400", "422"] {
                    assert!(op["responses"][status].is_object(), "{method} {path}");
                }
            }
        }
    }
    keyed_ops.sort();
    assert_eq!(
        keyed_ops,
        [
            "post /api/people",
            "post /api/people/{person}/applications",
            "post /api/people/{person}/ce",
            "post /api/people/{person}/reminders",
        ]
    );
}
