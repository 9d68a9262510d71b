//! The audit log page: an admin filters by what, who and when and reads
//! names, not ids; staff are refused; the JSON takes the same filters.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

async fn login(url: &str, email: &str, password: &str) -> (reqwest::Client, String, u16) {
    let http = client();
    let r = http
        .post(format!("{url}/api/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let csrf = match r.json::<Value>().await {
        Ok(v) => v["csrf"].as_str().unwrap_or("").to_owned(),
        Err(_) => String::new(),
    };
    (http, csrf, status)
}

#[tokio::test]
async fn an_admin_filters_the_audit_log_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server
        .organization("Acme Staffing", "admin@acme.example", PASSWORD)
        .await;
    let url = server.url("");
    let (admin, csrf, _) = login(&url, "admin@acme.example", PASSWORD).await;
    let r = admin
        .post(server.url("/api/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "Ana" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, _, wrong) = login(&url, "admin@acme.example", "not the password").await;
    assert_eq!(wrong, 401);
    let (_, _, unknown) = login(&url, "nobody@acme.example", "not the password").await;
    assert_eq!(unknown, 401);

    let page = |query: &str| {
        let admin = admin.clone();
        let url = server.url(&format!("/audit{query}"));
        async move {
            let r = admin.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            // The pages write `/` as `&#x2f;`.
            let text = r.text().await.unwrap().replace("&#x2f;", "/");
            (status, text)
        }
    };
    let (status, all) = page("").await;
    assert_eq!(status, 200);
    assert!(all.contains("POST /api/people"), "{all}");
    // The line of the admin's request names them.
    assert!(all.contains("<td>Admin</td>"), "{all}");

    // A failed login against the organization's account is in its log;
    // one with an email no account has is in no organization's.
    let (_, failed) = page("?action=LOGIN-FAILED").await;
    assert!(
        failed.contains("login-failed admin@acme.example"),
        "{failed}"
    );
    assert!(!failed.contains("nobody@acme.example"), "{failed}");
    assert!(!failed.contains("POST /api/people"), "{failed}");
    assert!(
        failed.contains(r#"value="LOGIN-FAILED""#),
        "the filter is kept: {failed}"
    );

    let (_, tomorrow) = page("?from=2099-01-01").await;
    assert!(tomorrow.contains("0 lines match"), "{tomorrow}");
    let (status, bad) = page("?from=yesterday").await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad.contains("`from` must be a day as YYYY-MM-DD"), "{bad}");

    // The JSON takes the same filters.
    let lines: Value = admin
        .get(server.url("/api/audit?action=login-failed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["POST /api/login"], "{lines}");
    assert_eq!(lines[0]["target"], "login-failed admin@acme.example");
}
