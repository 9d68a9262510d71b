//! The limits of `labpath_engine::limits` and the body limit of each route,
//! against a real server in server mode (SQLite): a value over its limit
//! is refused with the documented error naming its field, an id of a
//! megabyte is refused in under 50 ms (in a debug build too: the refusal
//! comes before any lookup or "did you mean"), and a body one byte over
//! its route's limit gets 413 while one at the limit is read.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use std::time::{Duration, Instant};

use common::{
    Answer, Client, MULTIPART, Org, activity, answer, assert_error, organization, profile,
};
use labpath_engine::limits::{MAX_CATEGORIES, MAX_IDS, MAX_LIST, MAX_NOTE, MAX_TEXT};
use labpath_server::serve::Database;
use labpath_server::testing::{Running, start};
use serde_json::{Value, json};

/// An id of a megabyte.
const MEGABYTE: usize = 1_000_000;

/// About the longest path a URI carries.
const URI_MOST: usize = 60_000;

/// The most a refusal of a megabyte id may take.
const FAST: Duration = Duration::from_millis(50);

async fn world() -> (tempfile::TempDir, Running, Org) {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = organization(&server, "Alfa", "Bravo").await;
    (dir, server, org)
}

/// Sends a request and says how long the answer took to come whole, from
/// the moment the body, written beforehand, is sent.
async fn timed(
    client: &Client,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (Answer, Duration) {
    let mut request = client
        .request(method, path)
        .header("x-csrf-token", &client.csrf);
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(body).unwrap());
    }
    let started = Instant::now();
    let a = answer(request.send().await.unwrap()).await;
    (a, started.elapsed())
}

/// A request to refuse: method, path, body, status and field.
type Refusal = (
    &'static str,
    String,
    Option<Value>,
    u16,
    Option<&'static str>,
);

#[tokio::test]
async fn an_id_of_a_megabyte_is_refused_in_under_50_ms() {
    let (_dir, _server, org) = world().await;
    let admin = &org.admin;
    let person = org.mine.person;
    let letters = "x".repeat(MEGABYTE);
    // A URI holds at most 64 KiB (`http::Uri`, which clients and the
    // server share): a path id comes as long as that at most, a megabyte
    // only in a body.
    let digits = "7".repeat(URI_MOST);
    let long_path_id = "x".repeat(URI_MOST);
    let mut with_credential = profile();
    with_credential["credential"] = json!([{ "id": letters }]);
    let cases: Vec<Refusal> = vec![
        // Ids in a path: no record can have them (404, the paths' answer
        // for an id that names nothing).
        ("GET", format!("/api/people/{digits}"), None, 404, None),
        (
            "GET",
            format!("/api/credentials/{long_path_id}"),
            None,
            404,
            Some("credential"),
        ),
        (
            "GET",
            format!("/api/applications/{long_path_id}"),
            None,
            404,
            None,
        ),
        // Catalog ids in a query, and in a body as long as the route's
        // limit lets through.
        (
            "GET",
            format!("/api/people/{person}/plan?goal={long_path_id}"),
            None,
            422,
            Some("goal"),
        ),
        (
            "GET",
            format!("/api/credentials?body={long_path_id}"),
            None,
            422,
            Some("body"),
        ),
        (
            "POST",
            format!("/api/people/{person}/applications"),
            Some(json!({ "step": "x".repeat(labpath_server::extract::SMALL_BODY_LIMIT - 100) })),
            422,
            Some("step"),
        ),
        // Catalog ids of a megabyte in a body.
        (
            "POST",
            "/api/plan".to_owned(),
            Some(json!({ "profile": profile(), "goal": letters })),
            422,
            Some("goal"),
        ),
        (
            "PUT",
            format!("/api/people/{person}/profile"),
            Some(with_credential.clone()),
            422,
            Some("credential[0].id"),
        ),
        (
            "POST",
            "/api/eligibility".to_owned(),
            Some(with_credential),
            422,
            Some("credential[0].id"),
        ),
    ];
    for (method, path, body, status, field) in cases {
        let what = format!("{method} {}…", &path[..path.len().min(40)]);
        // The first request warms the connection; the next three are
        // timed and the quickest counts: the server's work is the same
        // each time, and the slower ones measure what else the machine
        // was doing (a refusal that scans the megabyte is slow every time).
        timed(admin, method, &path, body.as_ref()).await;
        let mut tries = Vec::with_capacity(3);
        for _ in 0..3 {
            tries.push(timed(admin, method, &path, body.as_ref()).await);
        }
        let took = tries.iter().map(|(_, took)| *took).min().unwrap();
        let (a, _) = tries.swap_remove(0);
        let code = if status == 404 {
            "not_found"
        } else {
            "invalid"
        };
        let error = assert_error(&a, status, code, &what);
        assert_eq!(error["field"].as_str(), field, "{what}: {error}");
        assert!(
            a.text.len() < 2_000,
            "{what}: the id is not answered back whole: {} bytes",
            a.text.len()
        );
        eprintln!("{what}: {status} in {took:?} (the quickest of 3)");
        assert!(took < FAST, "{what}: refused in {took:?}");
    }
}

/// A string of `n` characters.
fn chars(n: usize) -> String {
    "é".repeat(n)
}

#[tokio::test]
async fn a_text_over_its_limit_is_refused_naming_its_field_and_one_at_it_is_kept() {
    let (_dir, _server, org) = world().await;
    let admin = &org.admin;
    let person = org.mine.person;
    let app = org.mine.app;
    let key = &org.mine.key;
    let activity_id = org.mine.activity;
    // (what, method, path, body with the text at `n` characters, field)
    type Write = (
        &'static str,
        &'static str,
        String,
        Box<dyn Fn(usize) -> Value>,
        &'static str,
        usize,
    );
    let writes: Vec<Write> = vec![
        (
            "a person's name",
            "POST",
            "/api/people".to_owned(),
            Box::new(|n| json!({ "name": chars(n) })),
            "name",
            MAX_TEXT,
        ),
        (
            "a rename",
            "PATCH",
            format!("/api/people/{person}"),
            Box::new(|n| json!({ "name": chars(n) })),
            "name",
            MAX_TEXT,
        ),
        (
            "a reminder's text",
            "POST",
            format!("/api/people/{person}/reminders"),
            Box::new(|n| json!({ "due": "2030-01-01", "what": chars(n) })),
            "what",
            MAX_TEXT,
        ),
        (
            "a CE activity's title",
            "POST",
            format!("/api/people/{person}/ce"),
            Box::new(|n| activity(&chars(n))),
            "title",
            MAX_TEXT,
        ),
        (
            "a CE activity's provider",
            "POST",
            format!("/api/people/{person}/ce"),
            Box::new(|n| {
                let mut a = activity("Course");
                a["provider"] = json!(chars(n));
                a
            }),
            "provider",
            MAX_TEXT,
        ),
        (
            "a contact's summary",
            "POST",
            format!("/api/applications/{app}/contacts"),
            Box::new(|n| json!({ "channel": "call", "summary": chars(n) })),
            "summary",
            MAX_NOTE,
        ),
        (
            "whom a contact reached",
            "POST",
            format!("/api/applications/{app}/contacts"),
            Box::new(|n| json!({ "channel": "call", "summary": "Called", "with": chars(n) })),
            "with",
            MAX_TEXT,
        ),
        (
            "an application's reference",
            "POST",
            format!("/api/people/{person}/applications"),
            Box::new(|n| json!({ "step": common::STEP, "reference": chars(n) })),
            "reference",
            MAX_TEXT,
        ),
        (
            "a new reference",
            "PATCH",
            format!("/api/applications/{app}"),
            Box::new(|n| json!({ "reference": chars(n) })),
            "reference",
            MAX_TEXT,
        ),
        (
            "whom a document is asked of",
            "PATCH",
            format!("/api/applications/{app}/documents/{key}"),
            Box::new(|n| json!({ "status": "requested", "requested_from": chars(n) })),
            "requested_from",
            MAX_TEXT,
        ),
        (
            "a document's note",
            "PATCH",
            format!("/api/applications/{app}/documents/{key}"),
            Box::new(|n| json!({ "status": "sent", "note": chars(n) })),
            "note",
            MAX_NOTE,
        ),
        (
            "a status change's note",
            "PATCH",
            format!("/api/applications/{app}"),
            Box::new(|n| json!({ "status": "submitted", "note": chars(n) })),
            "note",
            MAX_NOTE,
        ),
        (
            "a profile's school",
            "PUT",
            format!("/api/people/{person}/profile"),
            Box::new(|n| {
                let mut p = profile();
                p["education"][0]["institution"] = json!(chars(n));
                p
            }),
            "education[0].institution",
            MAX_TEXT,
        ),
        (
            "a withdrawal's reason",
            "POST",
            format!("/api/people/{person}/ce/{activity_id}/withdraw"),
            Box::new(|n| json!({ "reason": chars(n) })),
            "reason",
            MAX_NOTE,
        ),
    ];
    for (what, method, path, body, field, most) in writes {
        let a = admin.send(method, &path, Some(&body(most + 1))).await;
        let error = assert_error(&a, 422, "invalid", what);
        assert_eq!(error["field"], field, "{what}: {error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("at most {most}")),
            "{what}: the message says the limit: {message}"
        );
        let a = admin.send(method, &path, Some(&body(most))).await;
        assert!(
            a.status < 300,
            "{what}: a text of {most} characters is kept: {} {}",
            a.status,
            a.text
        );
    }
}

/// A list to refuse: what, method, path, body and field.
type ListCase = (
    &'static str,
    &'static str,
    String,
    Option<Value>,
    &'static str,
);

#[tokio::test]
async fn a_list_over_its_limit_is_refused_naming_it() {
    let (_dir, _server, org) = world().await;
    let admin = &org.admin;
    let person = org.mine.person;
    let mut long_profile = profile();
    let degree = long_profile["education"][0].clone();
    long_profile["education"] = Value::Array(vec![degree; MAX_LIST + 1]);
    let mut many_categories = activity("Course");
    many_categories["categories"] = json!(
        (0..=MAX_CATEGORIES)
            .map(|i| format!("category-{i}"))
            .collect::<Vec<_>>()
    );
    let ids = vec!["ascp-mls"; MAX_IDS + 1].join(",");
    let cases: Vec<ListCase> = vec![
        (
            "a profile's degrees",
            "PUT",
            format!("/api/people/{person}/profile"),
            Some(long_profile.clone()),
            "education",
        ),
        (
            "a profile's degrees, to plan",
            "POST",
            "/api/plan".to_owned(),
            Some(json!({ "profile": long_profile, "goal": "ascp-mls" })),
            "profile.education",
        ),
        (
            "an activity's categories",
            "POST",
            format!("/api/people/{person}/ce"),
            Some(many_categories),
            "categories",
        ),
        (
            "a goal's credentials",
            "POST",
            "/api/plan".to_owned(),
            Some(json!({ "profile": profile(), "goal": ids })),
            "goal",
        ),
        (
            "the credentials of an eligibility",
            "GET",
            format!("/api/people/{person}/eligibility?credential={ids}"),
            None,
            "credential",
        ),
    ];
    for (what, method, path, body, field) in cases {
        let a = admin.send(method, &path, body.as_ref()).await;
        let error = assert_error(&a, 422, "invalid", what);
        assert_eq!(error["field"], field, "{what}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains("at most"),
            "{what}: {error}"
        );
    }
}

/// A body of exactly `bytes` bytes of the media type an operation reads.
fn body_of(media_type: &str, bytes: usize) -> (String, Vec<u8>) {
    match media_type {
        "application/json" => {
            let mut body = br#"{"name":""#.to_vec();
            body.resize(bytes.saturating_sub(2), b'x');
            body.extend_from_slice(br#""}"#);
            (media_type.to_owned(), body)
        }
        "multipart/form-data" => (MULTIPART.to_owned(), vec![b'x'; bytes]),
        other => (other.to_owned(), vec![b'x'; bytes]),
    }
}

#[tokio::test]
async fn a_body_one_byte_over_its_routes_limit_gets_413_and_one_at_it_is_read() {
    let (_dir, server, org) = world().await;
    let admin = &org.admin;
    let doc = labpath_server::openapi::build();
    let ids = [
        ("{person}", org.mine.person.to_string()),
        ("{app}", org.mine.app.to_string()),
        ("{key}", org.mine.key.clone()),
        ("{activity}", org.mine.activity.to_string()),
        ("{reminder}", "1".to_owned()),
        ("{user}", admin.id().to_string()),
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(body) = op.get("requestBody") else {
                continue;
            };
            let limit = body["x-body-limit"]
                .as_u64()
                .unwrap_or_else(|| panic!("{method} {path}: no x-body-limit"));
            let limit = usize::try_from(limit).unwrap();
            assert_eq!(
                limit,
                labpath_server::api::body_limit(path),
                "{method} {path}"
            );
            let url = ids
                .iter()
                .fold(path.clone(), |p, (name, id)| p.replace(name, id));
            // The media type with the route's whole limit: files when the
            // operation takes them (a JSON body there has a limit of its
            // own, `extract::BODY_LIMIT`).
            let types = body["content"].as_object().unwrap();
            let media_type = if types.contains_key("multipart/form-data") {
                "multipart/form-data".to_owned()
            } else {
                types.keys().next().unwrap().clone()
            };
            for (bytes, over) in [(limit + 1, true), (limit, false)] {
                let (content_type, content) = body_of(&media_type, bytes);
                let a = answer(
                    admin
                        .request(method, &url)
                        .header("x-csrf-token", &admin.csrf)
                        .header(reqwest::header::CONTENT_TYPE, content_type)
                        .body(content)
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                let what = format!("{} {path} with {bytes} bytes", method.to_uppercase());
                if over {
                    let error = assert_error(&a, 413, "payload_too_large", &what);
                    assert!(
                        error["message"]
                            .as_str()
                            .unwrap()
                            .contains(&limit.to_string())
                            || path.ends_with("/import"),
                        "{what}: the message says the limit: {error}"
                    );
                } else {
                    assert_ne!(a.status, 413, "{what}: {}", a.text);
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations take a body");
    drop(server);
}

/// A number as the docs write it (`1,048,576`).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_limits_table_of_the_server_docs_says_the_numbers_the_code_checks() {
    use labpath_engine::limits::*;
    use labpath_server::extract::{BODY_LIMIT, SMALL_BODY_LIMIT};
    let path = format!("{}/../../docs/server.md", env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(path).unwrap();
    let section = docs
        .split("\n## ")
        .find(|s| s.starts_with("Limits\n"))
        .expect("docs/server.md has a section `Limits`");
    let row = |starts: &str| {
        section
            .lines()
            .find(|l| l.starts_with(&format!("| {starts}")))
            .unwrap_or_else(|| panic!("no row `{starts}` in docs/server.md's Limits"))
    };
    let rows = [
        ("a record's id", MAX_RECORD_ID),
        ("a catalog id", MAX_ID),
        ("a goal", MAX_ID_LIST),
        ("a goal", MAX_IDS),
        ("a short text", MAX_TEXT),
        ("a note", MAX_NOTE),
        ("a day", MAX_DAY),
        ("an email address", MAX_EMAIL),
        ("a password", MAX_PASSWORD),
        ("a password", MIN_PASSWORD),
        ("a user's or an organization's name", MAX_NAME),
        (
            "any query parameter",
            labpath_server::extract::MAX_QUERY_VALUE,
        ),
        ("each list of a profile", MAX_LIST),
        ("the categories of one CE activity", MAX_CATEGORIES),
        ("a page of a list", MAX_PER_PAGE),
        ("an `Idempotency-Key`", MAX_KEY),
        ("a file", MAX_FILE_BYTES / 1_048_576),
        ("a people CSV", MAX_PEOPLE_CSV_BYTES / 1_048_576),
        ("a people CSV", MAX_PEOPLE),
        ("a CE CSV", MAX_ACTIVITIES),
        ("a request body, by default", SMALL_BODY_LIMIT),
    ];
    for (starts, n) in rows {
        let line = row(starts);
        assert!(
            line.contains(&thousands(n)),
            "`{starts}`: {n} is not in: {line}"
        );
    }
    for (path, bytes) in labpath_server::api::BODY_LIMITS {
        let line = section
            .lines()
            .find(|l| l.starts_with("| the body of") && l.contains(&path_of(path)))
            .unwrap_or_else(|| panic!("no row for `{path}` in docs/server.md's Limits"));
        assert!(
            line.contains(&thousands(bytes)),
            "`{path}`: {bytes} is not in: {line}"
        );
    }
    assert!(row("the body of `POST /api/people`,").contains(&thousands(BODY_LIMIT)));
}

/// The documented path of a route as the docs name it: after its method.
fn path_of(path: &str) -> String {
    let method = if path.ends_with("/profile") {
        "PUT"
    } else {
        "POST"
    };
    format!("{method} {path}`")
}

#[tokio::test]
async fn a_pages_form_has_the_body_limit_of_what_it_takes() {
    let (_dir, _server, org) = world().await;
    let admin = &org.admin;
    let person = org.mine.person;
    let form = |bytes: usize| {
        let head = format!("csrf={}&profile=", admin.csrf);
        let mut body = head.into_bytes();
        body.resize(bytes, b'x');
        body
    };
    let post = |path: String, body: Vec<u8>| {
        admin
            .request("POST", &path)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
    };
    let small = labpath_server::extract::SMALL_BODY_LIMIT;
    let profile_limit = labpath_server::extract::BODY_LIMIT;
    // A form of a name, a reminder, a note: 64 KiB.
    let a = answer(post("/people".to_owned(), form(small + 1)).await.unwrap()).await;
    assert_eq!(a.status, 413, "{}", a.text);
    // The profile form takes a profile: 1 MiB.
    let path = format!("/people/{person}/profile");
    let a = answer(post(path.clone(), form(small + 1)).await.unwrap()).await;
    assert_ne!(a.status, 413, "{}", a.text);
    let a = answer(post(path, form(profile_limit + 1)).await.unwrap()).await;
    assert_eq!(a.status, 413, "{}", a.text);
}
