//! Continuing education through the API: logging activities against a held
//! credential's cycle, the compliance it gives, and the inputs refused with
//! the field at fault (nothing stored).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::{Client, Part, multipart, pdf};
use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::{Value, json};

#[tokio::test]
async fn activities_count_toward_the_held_credential_and_bad_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    // MLT(ASCP) earned 2019-07-02, expiring 2028-07-31: the current cycle
    // runs to 2028-07-31.
    let person = client
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Luis", "profile": common::profile() }),
            201,
        )
        .await;
    let id = person["id"].as_i64().unwrap();
    let log_path = format!("/api/people/{id}/ce");
    client
        .ok(
            "POST",
            &log_path,
            json!({
                "title": "Hemostasis update", "date": "2026-03-02",
                "credit": { "unit": "contact_hours", "amount": 2.0 }, "categories": ["hematology"]
            }),
            201,
        )
        .await;

    for (body, field) in [
        (
            json!({ "title": "Old", "date": "2001-01-01", "credit": { "unit": "contact_hours", "amount": 1.0 } }),
            Some("date"),
        ),
        (
            json!({ "title": "Negative", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": -1.0 } }),
            Some("credit"),
        ),
        (
            json!({ "title": "Typo", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "categories": ["hematolgy"] }),
            Some("categories[0]"),
        ),
        (
            json!({ "title": "Named file", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "certificate": "abc" }),
            Some("certificate"),
        ),
        (
            json!({ "title": "No date", "credit": { "unit": "contact_hours", "amount": 1.0 } }),
            None,
        ),
    ] {
        let refused = client.send("POST", &log_path, Some(&body)).await;
        let e = common::assert_error(&refused, 422, "invalid", &body.to_string());
        if let Some(field) = field {
            assert_eq!(e["field"], field, "{e}");
        }
        assert!(e["message"].as_str().unwrap().len() > 10);
    }
    let hint = client
        .send(
            "POST",
            &log_path,
            Some(&json!({ "title": "Typo", "date": "2026-03-02", "credit": { "unit": "contact_hours", "amount": 1.0 }, "categories": ["hematolgy"] })),
        )
        .await
        .json();
    assert!(
        hint["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `hematology`"),
        "{hint}"
    );

    let log = client.get(&log_path).await;
    assert_eq!(log["total"], 1, "refused activities are not stored: {log}");

    let status = client
        .get(&format!("/api/people/{id}/ce/status?as_of=2026-06-01"))
        .await;
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
    let page = client.send("GET", &format!("/people/{id}/ce"), None).await;
    page.expect(200, "the CE page");
    assert!(
        page.text.contains("Hemostasis update") && page.text.contains("2028-07-31"),
        "{}",
        page.text
    );
}

/// The CE page's forms: an activity logged with its certificate (the file
/// kept and served back as stored), a plain-text "certificate" refused with
/// the typed text kept, and an activity withdrawn with a reason, after
/// which it no longer counts.
#[tokio::test]
async fn the_ce_page_keeps_a_certificate_with_its_activity_and_withdraws_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Luis", "profile": common::profile() }),
            201,
        )
        .await;
    let id = person["id"].as_i64().unwrap();
    let page = format!("/people/{id}/ce");
    let form = |title: &str, certificate: Part| {
        let csrf = client.csrf.clone();
        let parts = vec![
            Part::text("csrf", &csrf),
            Part::text("title", title),
            Part::text("provider", "ASCP"),
            Part::text("date", "2026-03-02"),
            Part::text("amount", "2"),
            Part::text("unit", "contact_hours"),
            Part::text("categories", "hematology"),
            certificate,
        ];
        let (content_type, body) = multipart(&parts);
        client
            .request("POST", &page)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
    };

    let certificate = pdf("Hemostasis update, 2.0 contact hours");
    let sent = common::answer(
        form(
            "Hemostasis update",
            Part::file("certificate", "hemostasis.pdf", &certificate),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    sent.expect(200, "the CE page after logging");
    let log = client.get(&format!("/api/people/{id}/ce")).await;
    assert_eq!(log["total"], 1, "{log}");
    let activity = log["items"][0]["id"].as_i64().unwrap();
    let link = format!("/api/people/{id}/ce/{activity}/certificate");
    assert!(
        sent.text.contains(&format!("href=\"{link}\"")),
        "the page links the certificate: {}",
        sent.text
    );
    let file = client.send("GET", &link, None).await;
    file.expect(200, "the certificate");
    assert_eq!(file.media_type(), "application/pdf");
    assert_eq!(file.bytes, certificate, "the stored bytes");
    let disposition = file.headers[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".pdf"),
        "{disposition}"
    );
    assert_eq!(file.headers["x-content-type-options"], "nosniff");

    // The audit pack: the summary names the activity and its certificate,
    // which is in the zip as stored.
    assert!(
        sent.text.contains(&format!(
            "/api/people/{id}/ce/audit-pack?credential=ascp-mlt"
        )),
        "the page links the audit pack"
    );
    let pack = client
        .send(
            "GET",
            &format!("/api/people/{id}/ce/audit-pack?credential=ascp-mlt&as_of=2026-06-01"),
            None,
        )
        .await;
    pack.expect(200, "the audit pack");
    assert_eq!(pack.media_type(), "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(pack.bytes.clone())).unwrap();
    let mut summary = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("summary.txt").unwrap(), &mut summary).unwrap();
    let named = format!("certificates/{activity}-");
    assert!(
        summary.contains("Hemostasis update") && summary.contains(&named),
        "{summary}"
    );
    let entry = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .find(|n| n.starts_with(&named))
        .unwrap();
    assert!(entry.ends_with(".pdf"), "{entry}");
    let mut stored = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&entry).unwrap(), &mut stored).unwrap();
    assert_eq!(stored, certificate);

    // A note is no certificate: refused, the typed title kept, nothing stored.
    let refused = common::answer(
        form(
            "Typed title",
            Part::file("certificate", "note.txt", b"I attended the course"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.text.contains("is plain text")
            && refused.text.contains("choose the certificate file again"),
        "{}",
        refused.text
    );
    assert!(
        refused.text.contains("value=\"Typed title\""),
        "the typed title is kept: {}",
        refused.text
    );
    assert_eq!(
        client.get(&format!("/api/people/{id}/ce")).await["total"],
        1
    );

    // Withdrawing needs a reason; then the activity no longer counts.
    let withdraw = |reason: &str| {
        client
            .request("POST", &format!("/people/{id}/ce/{activity}/withdraw"))
            .form(&[("csrf", client.csrf.as_str()), ("reason", reason)])
            .send()
    };
    let no_reason = common::answer(withdraw(" ").await.unwrap()).await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.text);
    assert!(no_reason.text.contains("say why"), "{}", no_reason.text);
    let done = common::answer(withdraw("logged for the wrong person").await.unwrap()).await;
    done.expect(200, "the CE page after withdrawing");
    assert!(done.text.contains("No activity logged."), "{}", done.text);
    let status = client
        .get(&format!("/api/people/{id}/ce/status?as_of=2026-06-01"))
        .await;
    let earned: Vec<&Value> = status["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["assessment"].get("earned"))
        .collect();
    assert!(
        !earned.is_empty() && earned.iter().all(|e| e.as_f64() == Some(0.0)),
        "a withdrawn activity counts for nothing: {status}"
    );
}

/// A CSV of activities with their certificates: all logged, each with the
/// certificate its line names; a CSV with problems lists each with its
/// line, through the API and on the CE page, and logs nothing.
#[tokio::test]
async fn a_csv_of_activities_is_logged_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Luis", "profile": common::profile() }),
            201,
        )
        .await;
    let id = person["id"].as_i64().unwrap();
    let head = "title,provider,accreditation,date,unit,amount,categories,certificate\n";
    let good = format!(
        "{head}\"Hemostasis, an update\",ASCP,P.A.C.E.,2026-03-02,contact_hours,2,hematology,hemo.pdf\nLab safety,,,2026-04-01,contact_hours,1,,\n"
    );
    let certificate = pdf("Hemostasis, an update");
    let imported = client
        .upload(
            "POST",
            &format!("/api/people/{id}/ce/import"),
            &[
                Part::file("activities", "ce.csv", good.as_bytes()),
                Part::file("certificates", "hemo.pdf", &certificate),
            ],
        )
        .await;
    imported.expect(201, "the import");
    let logged = imported.json()["logged"].as_array().unwrap().clone();
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0]["activity"]["title"], "Hemostasis, an update");
    assert!(logged[0]["activity"]["certificate"].is_string());
    assert!(logged[1]["activity"]["certificate"].is_null());
    let file = client
        .send(
            "GET",
            &format!("/api/people/{id}/ce/{}/certificate", logged[0]["id"]),
            None,
        )
        .await;
    assert_eq!(file.bytes, certificate);

    // The same certificate again on one line, two problems on the next:
    // all listed at once, in the file's order, and nothing logged.
    let bad = format!(
        "{head}Again,,,2026-05-01,contact_hours,1,,hemo.pdf\nWrong,,,2026-02-30,contact_hours,x,hematolgy,\n"
    );
    let parts = [
        Part::file("activities", "bad.csv", bad.as_bytes()),
        Part::file("certificates", "hemo.pdf", &certificate),
    ];
    let refused = client
        .upload("POST", &format!("/api/people/{id}/ce/import"), &parts)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let details = refused.json()["error"]["details"]
        .as_array()
        .unwrap()
        .clone();
    let lines: Vec<(i64, &str)> = details
        .iter()
        .map(|d| (d["line"].as_i64().unwrap(), d["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [(2, "certificate"), (3, "date"), (3, "amount")],
        "every problem of the file, in its order: {details:#?}"
    );
    let bad_categories = format!("{head}Wrong,,,2026-05-01,contact_hours,1,hematolgy,hemo.pdf\n");
    let refused = client
        .upload(
            "POST",
            &format!("/api/people/{id}/ce/import"),
            &[
                Part::file("activities", "bad.csv", bad_categories.as_bytes()),
                Part::file("certificates", "hemo.pdf", &certificate),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let messages: Vec<String> = refused.json()["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].contains("did you mean `hematology`"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("already proves activity"),
        "{messages:?}"
    );
    assert_eq!(
        client.get(&format!("/api/people/{id}/ce")).await["total"],
        2
    );

    // The page lists the problems the same way.
    let (content_type, body) = multipart(&[
        Part::text("csrf", &client.csrf.clone()),
        Part::file("activities", "bad.csv", bad_categories.as_bytes()),
        Part::file("certificates", "hemo.pdf", &certificate),
    ]);
    let page = common::answer(
        client
            .request("POST", &format!("/people/{id}/ce/import"))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, 422, "{}", page.text);
    // Each problem once: its column and line beside the message, not
    // said again inside it.
    assert!(
        page.text.contains("<code>categories</code> (line 2): ")
            && !page.text.contains("line 2: field")
            && page
                .text
                .contains("choose the CSV and its certificates again"),
        "{}",
        page.text
    );
    assert_eq!(
        client.get(&format!("/api/people/{id}/ce")).await["total"],
        2
    );
}
