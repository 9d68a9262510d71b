//! Continuing education through the API: logging activities against a held
//! credential's cycle, the compliance it gives, and the inputs refused with
//! the field at fault (nothing stored).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::{Value, json};

fn profile(name: &str) -> Value {
    let path = format!(
        "{}/../../examples/profiles/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_value(value).unwrap()
}

#[tokio::test]
async fn activities_count_toward_the_held_credential_and_bad_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let http = reqwest::Client::new();
    let session: Value = http
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf"].as_str().unwrap().to_owned();
    // MLT(ASCP) earned 2019-07-02, expiring 2028-07-31: the current cycle
    // runs to 2028-07-31.
    let person: Value = http
        .post(server.url("/api/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "Luis", "profile": profile("mlt-ascp-bachelor.toml") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = person["id"].as_i64().unwrap();
    let post = |body: Value| {
        http.post(server.url(&format!("/api/people/{id}/ce")))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    let added = post(json!({
        "title": "Hemostasis update", "date": "2026-03-02",
        "credit": { "unit": "contact_hours", "amount": 2.0 }, "categories": ["hematology"]
    }))
    .await
    .unwrap();
    assert_eq!(added.status(), 201, "{}", added.text().await.unwrap());

    for (body, field, status) in [
        (
            json!({ "title": "Old", "date": "2001-01-01", "credit": { "unit": "contact_hours", "amount": 1.0 } }),
            "date",
            422,
        ),
        (
            json!({ "title": "Negative", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": -1.0 } }),
            "credit",
            422,
        ),
        (
            json!({ "title": "Typo", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "categories": ["hematolgy"] }),
            "categories[0]",
            422,
        ),
        (
            json!({ "title": "Named file", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "certificate": "abc" }),
            "certificate",
            422,
        ),
        (
            json!({ "title": "No date", "credit": { "unit": "contact_hours", "amount": 1.0 } }),
            "",
            422,
        ),
    ] {
        let r = post(body.clone()).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["status"], status);
        if !field.is_empty() {
            assert_eq!(e["error"]["field"], field, "{e}");
        }
        assert!(e["error"]["message"].as_str().unwrap().len() > 10);
    }
    let hint: Value = post(json!({ "title": "Typo", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "categories": ["hematolgy"] }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        hint["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `hematology`"),
        "{hint}"
    );

    let log: Value = http
        .get(server.url(&format!("/api/people/{id}/ce")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1, "refused activities are not stored: {log}");

    let status: Value = http
        .get(server.url(&format!("/api/people/{id}/ce/status?as_of=2026-06-01")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mlt = status["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["credential"]["id"] == "ascp-mlt" && c["rules"]["unit"].is_string())
        .unwrap_or_else(|| panic!("MLT(ASCP) compliance: {status}"));
    let a = &mlt["assessment"];
    assert_eq!(a["end"], "2028-07-31", "{a}");
    assert_eq!(a["earned"], 2.0, "{a}");
    assert_eq!(a["met"], false);

    // The CE page shows the same cycle.
    let page = http
        .get(server.url(&format!("/people/{id}/ce")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Hemostasis update") && html.contains("2028-07-31"),
        "{html}"
    );
}
