//! The agency dashboard in server mode: a staff member made responsible
//! for a candidate through the API, the dashboard filtered by owner,
//! state and severity, the CSV export of what a filter keeps (formulas
//! defused), and what is refused: an owner of another organization, a
//! candidate's export, a filter value that is no owner or state.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_engine::units::Date;
use labpath_server::serve::Database;
use labpath_server::testing::start;
use labpath_store::ops;
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
    let session: Value = r.json().await.unwrap();
    (http, session["csrf"].as_str().unwrap().to_owned())
}

async fn get(http: &reqwest::Client, url: String) -> (u16, String) {
    let r = http.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn owners_filters_and_the_csv_export_keep_to_the_organization() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let (acme, admin) = server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let (_, stranger) = server
        .organization("Other Lab", "admin@other.example", PASSWORD)
        .await;
    let store = &*server.db;
    let today = Date::today();
    let mut ids = Vec::new();
    for (name, expires) in [
        ("Ana Reyes", Some(20)),
        ("=HYPERLINK(\"http://x.example\")", None),
        ("Ben Cruz", Some(100)),
    ] {
        let id = ops::add_person(store, "test", name, Some(acme.id))
            .await
            .unwrap()
            .id;
        let mut profile = json!({ "person": { "name": name, "work_state": "NY" } });
        if let Some(days) = expires {
            profile["credential"] = json!([{ "id": "ascp-mls", "earned": "2015-06-30", "expires": today.add_days(days).to_string() }]);
        }
        ops::record_profile(store, "test", id, profile)
            .await
            .unwrap();
        ids.push(id);
    }
    let (http, csrf) = login(&server, "admin@acme.example").await;

    // The dashboard is worked out once, then Ana gets an owner: her line
    // is worked out again with it.
    let (status, _) = get(&http, server.url("/api/dashboard")).await;
    assert_eq!(status, 200);
    let put = |person: i64, owner: Value| {
        http.put(server.url(&format!("/api/people/{person}/owner")))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "owner": owner }))
            .send()
    };
    let r = put(ids[0].get(), json!(admin.id.get())).await.unwrap();
    assert_eq!(r.status(), 200);
    let person: Value = r.json().await.unwrap();
    assert_eq!(person["owner"], admin.id.get());
    let r = put(ids[2].get(), json!(stranger.id.get())).await.unwrap();
    assert_eq!(
        r.status(),
        422,
        "another organization's admin owns no one here"
    );
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "owner", "{e}");

    let (status, text) = get(
        &http,
        server.url(&format!("/api/dashboard?owner={}", admin.id)),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let board: Value = serde_json::from_str(&text).unwrap();
    let names: Vec<&str> = board["candidates"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana Reyes"]);
    let columns: Vec<(&str, u64)> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["stage"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(columns.len(), 6, "every stage, the empty ones too");
    assert!(columns.contains(&("planning", 1)), "{columns:?}");

    let (_, text) = get(&http, server.url("/api/dashboard?severity=red")).await;
    let board: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(board["candidates"]["total"], 1, "only Ana is red: {text}");
    assert_eq!(board["candidates"]["items"][0]["severity"], "red");
    let (_, text) = get(&http, server.url("/api/dashboard?severity=amber&state=ny")).await;
    let board: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        board["candidates"]["total"], 2,
        "red or amber, in NY: {text}"
    );
    for (query, field) in [
        ("owner=ana", "owner"),
        ("state=New%20York", "state"),
        ("severity=pink", "severity"),
    ] {
        let r = http
            .get(server.url(&format!("/api/dashboard?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["field"], field, "{e}");
    }

    let r = http.get(server.url("/dashboard.csv")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], labpath_app::dashboard::CSV_COLUMNS.join(","));
    assert_eq!(lines.len(), 4, "a header and every candidate: {csv}");
    let ana = lines.iter().find(|l| l.contains("Ana Reyes")).unwrap();
    assert!(
        ana.contains(",Admin,NY,"),
        "the owner by name and the state: {ana}"
    );
    assert!(ana.contains(",red,"), "{ana}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""),
        "a formula is defused: {csv}"
    );
    let r = http
        .get(server.url(&format!("/dashboard.csv?owner={}", admin.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap().lines().count(),
        2,
        "the filter holds"
    );

    // A candidate has no dashboard and no export.
    let r = http
        .post(server.url("/api/users"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "email": "ana@example.org", "name": "Ana", "role": "candidate", "password": PASSWORD, "person": ids[0].to_string() }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (candidate, _) = login(&server, "ana@example.org").await;
    let (status, _) = get(&candidate, server.url("/api/dashboard")).await;
    assert_eq!(status, 403);
    let (status, text) = get(&candidate, server.url("/dashboard.csv")).await;
    assert_eq!(status, 403);
    assert!(!text.contains("Ben Cruz"));
}
