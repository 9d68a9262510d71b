//! Local mode end to end over HTTP: a person, a profile, eligibility, an
//! application and a document sent, through the JSON API of a real server
//! on a real SQLite data directory.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::Client;
use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::{Value, json};

/// The Philippine graduate's profile.
fn profile() -> Value {
    common::example("ph-medtech-graduate.toml")
}

#[tokio::test]
async fn local_mode_tracks_a_person_from_profile_to_a_sent_document() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Ana", "profile": profile() }),
            201,
        )
        .await;
    assert_eq!(person["profile_version"], 1);
    let id = person["id"].as_i64().unwrap();

    let eligibility = client
        .get(&format!(
            "/api/people/{id}/eligibility?credential=ascp-mls,ascpi-mls"
        ))
        .await;
    let credentials = eligibility["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 2);
    assert!(
        credentials
            .iter()
            .all(|c| !c["routes"].as_array().unwrap().is_empty())
    );

    let app = client
        .ok(
            "POST",
            &format!("/api/people/{id}/applications"),
            json!({ "step": "ny-clt-apply" }),
            201,
        )
        .await;
    let app_id = app["application"]["id"].as_i64().unwrap();
    let key = app["checklist"][0]["key"].as_str().unwrap().to_owned();
    let state = client
        .ok(
            "PATCH",
            &format!("/api/applications/{app_id}/documents/{key}"),
            json!({ "status": "sent", "tracking": "EE123" }),
            200,
        )
        .await;
    assert_eq!(state["checklist"][0]["status"], "sent");
    assert_eq!(state["checklist"][0]["tracking"], "EE123");

    let history = client
        .get(&format!("/api/applications/{app_id}/history"))
        .await;
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
}

/// Every page renders (templates are checked when rendered, so a page no
/// test opens could fail only in front of a user).
#[tokio::test]
async fn every_page_renders_for_a_person_with_a_plan_and_an_application() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session: Value = http
        .get(server.url("/api/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf"].as_str().unwrap().to_owned();
    let person: Value = http
        .post(server.url("/api/people"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "Ana", "profile": profile() }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = person["id"].as_i64().unwrap();
    let app: Value = http
        .post(server.url(&format!("/api/people/{id}/applications")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "step": "ny-clt-apply" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_id = app["application"]["id"].as_i64().unwrap();
    for path in [
        "/people".to_owned(),
        format!("/people/{id}"),
        format!("/people/{id}/profile"),
        format!("/people/{id}/eligibility"),
        format!("/people/{id}/eligibility?credential=ny-clt-license"),
        format!("/people/{id}/plan"),
        format!("/people/{id}/plan?goal=work-mls-ny"),
        format!("/people/{id}/plan?goal=work-mls-ny&optimize=cost"),
        format!("/people/{id}/ce"),
        format!("/applications/{app_id}"),
        "/dashboard".to_owned(),
        "/credentials".to_owned(),
        "/credentials?text=MT(ASCP)%2C%20MLS(ASCP)CM".to_owned(),
        "/static/style.css".to_owned(),
    ] {
        let response = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("the server failed"), "{path}");
    }
    let home = http.get(server.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], format!("/people/{id}"));
    let missing = http.get(server.url("/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_eligibility_summary_has_the_full_views_statuses_and_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let ask = async |query: &str| {
        let path = format!("/api/eligibility?as_of=2026-01-15{query}");
        client.ok("POST", &path, profile(), 200).await
    };
    let full = ask("&view=full").await;
    let summary = ask("&view=summary").await;
    assert_eq!(summary["view"], "summary");
    assert_eq!(summary["person"], full["person"]);
    assert_eq!(summary["as_of"], full["as_of"]);
    let (full, brief) = (
        full["credentials"].as_array().unwrap(),
        summary["credentials"].as_array().unwrap(),
    );
    assert_eq!(full.len(), brief.len());
    for (f, b) in full.iter().zip(brief) {
        for key in [
            "id",
            "abbreviation",
            "name",
            "kind",
            "level",
            "status",
            "best_route",
        ] {
            assert_eq!(f[key], b[key], "{key} of {}", f["id"]);
        }
        assert!(b.get("provenance").is_none());
        let routes = |c: &Value| {
            c["routes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["id"].clone(),
                        r["in_force"].clone(),
                        r["outcome"].clone(),
                        r["open_until"].clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(routes(f), routes(b), "routes of {}", f["id"]);
    }
    assert!(
        full.iter()
            .any(|c| c["status"] == "not_yet" || c["status"] == "eligible")
    );

    let bad = client
        .send(
            "POST",
            "/api/eligibility?as_of=2026-01-15&view=brief",
            Some(&profile()),
        )
        .await;
    let error = common::assert_error(&bad, 422, "invalid", "view=brief");
    assert_eq!(error["field"], "view", "{error}");
}

/// The compact answer (the default) is the full one's data: read with the
/// catalog's clause table, every credential, route and clause reads as in
/// the full view (names, provenance with sources, each clause's depth,
/// need text, rule and finding), all but the have texts rendered for the
/// person; and it is a small part of its size.
#[tokio::test]
async fn the_compact_eligibility_read_with_the_clause_table_is_the_full_answer() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let ask = async |query: &str| {
        let path = format!("/api/eligibility?as_of=2026-12-01{query}");
        client.ok("POST", &path, profile(), 200).await
    };
    let full = ask("&view=full").await;
    let compact = ask("").await;
    assert_eq!(compact["view"], "compact", "the default view");
    assert_eq!(ask("&view=compact").await, compact);
    assert_eq!(compact["as_of"], full["as_of"]);
    assert_eq!(compact["person"], full["person"]);
    let table = client.get("/api/catalog/clauses").await;
    assert_eq!(
        table["catalog"], compact["catalog"],
        "the answer names the table"
    );
    let sources = &table["sources"];
    let provenance = |p: &Value| {
        let ids = p["sources"].as_array().unwrap();
        let resolved: Vec<Value> = ids
            .iter()
            .map(|id| {
                let s = &sources[id.as_str().unwrap()];
                json!({ "id": id, "title": s["title"], "url": s["url"] })
            })
            .collect();
        json!({ "confidence": p["confidence"], "as_of": p["as_of"], "note": p.get("note"), "sources": resolved })
    };
    let full_provenance = |p: &Value| json!({ "confidence": p["confidence"], "as_of": p["as_of"], "note": p.get("note"), "sources": p["sources"] });
    let by_id = |list: &Value, id: &Value| -> Value {
        let list = list.as_array().unwrap();
        list.iter()
            .find(|c| c["id"] == *id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in the table"))
    };
    let (full_list, compact_list) = (
        full["credentials"].as_array().unwrap(),
        compact["credentials"].as_array().unwrap(),
    );
    assert_eq!(full_list.len(), compact_list.len());
    let mut clauses = 0;
    for (f, c) in full_list.iter().zip(compact_list) {
        for key in ["id", "status", "best_route"] {
            assert_eq!(f[key], c[key], "{key} of {}", f["id"]);
        }
        let t = by_id(&table["credentials"], &c["id"]);
        for key in [
            "abbreviation",
            "name",
            "kind",
            "level",
            "jurisdiction",
            "fees",
            "renewal",
            "notes",
        ] {
            assert_eq!(f[key], t[key], "{key} of {}", f["id"]);
        }
        assert_eq!(
            provenance(&t["provenance"]),
            full_provenance(&f["provenance"])
        );
        let (fr, cr) = (
            f["routes"].as_array().unwrap(),
            c["routes"].as_array().unwrap(),
        );
        assert_eq!(fr.len(), cr.len(), "routes of {}", f["id"]);
        for (fr, cr) in fr.iter().zip(cr) {
            for key in ["id", "in_force", "outcome", "open_until"] {
                assert_eq!(fr[key], cr[key], "{key} of route {}", fr["id"]);
            }
            let tr = by_id(&t["routes"], &cr["id"]);
            for key in ["name", "summary", "in_force_period"] {
                assert_eq!(fr[key], tr[key], "{key} of route {}", fr["id"]);
            }
            assert_eq!(
                provenance(&tr["provenance"]),
                full_provenance(&fr["provenance"])
            );
            let empty = Vec::new();
            let fc = fr["clauses"].as_array().unwrap();
            let cc = cr
                .get("clauses")
                .and_then(Value::as_array)
                .unwrap_or(&empty);
            assert_eq!(fc.len(), cc.len(), "clauses of route {}", fr["id"]);
            let tc = tr["clauses"].as_array().unwrap();
            if !fc.is_empty() {
                assert_eq!(fc.len(), tc.len(), "table clauses of route {}", fr["id"]);
            }
            for ((a, b), t) in fc.iter().zip(cc).zip(tc) {
                assert_eq!(a["outcome"], b["outcome"]);
                for key in ["depth", "need", "rule"] {
                    assert_eq!(a[key], t[key], "{key} in route {}", fr["id"]);
                }
                // A declared fact's question and an unencodable rule's text
                // are the need text, and only there (`said`).
                let finding = &a["finding"];
                match t.get("said") {
                    None => assert_eq!(finding, &b["finding"], "finding in route {}", fr["id"]),
                    Some(said) => {
                        assert!(b.get("finding").is_none(), "{b}");
                        assert_eq!(said["kind"], finding["finding"]);
                        let need = &t["need"];
                        if said["kind"] == "declared" {
                            assert_eq!(&finding["ask"], need);
                            assert_eq!(said["key"], finding["key"]);
                        } else {
                            let why = finding["text"].as_str().unwrap();
                            assert!(need.as_str().unwrap().ends_with(why), "{need}");
                        }
                    }
                }
                clauses += 1;
            }
        }
    }
    assert!(clauses > 500, "{clauses} clauses compared");
    let size = |v: &Value| serde_json::to_vec(v).unwrap().len();
    let (full_bytes, compact_bytes) = (size(&full), size(&compact));
    assert!(
        compact_bytes * 5 < full_bytes,
        "compact {compact_bytes} bytes, full {full_bytes}"
    );
}

/// The clause table carries its version as its `ETag` and is not sent
/// again to a client that holds it.
#[tokio::test]
async fn the_clause_table_answers_304_to_a_client_holding_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let first = client
        .request("GET", "/api/catalog/clauses")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let table: Value = first.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", table["catalog"].as_str().unwrap()));
    let again = |tag: String| {
        client
            .request("GET", "/api/catalog/clauses")
            .header("if-none-match", tag)
            .send()
    };
    let held = again(etag.clone()).await.unwrap();
    assert_eq!(held.status(), 304);
    assert!(held.bytes().await.unwrap().is_empty());
    let stale = again("\"0000000000000000\"".to_owned()).await.unwrap();
    assert_eq!(stale.status(), 200);
    let listed = again(format!("\"0000000000000000\", W/{etag}"))
        .await
        .unwrap();
    assert_eq!(listed.status(), 304);
}

#[tokio::test]
async fn computing_eligibility_is_not_an_audited_change_but_adding_a_person_is() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    client
        .ok("POST", "/api/eligibility?view=summary", profile(), 200)
        .await;
    client
        .ok("POST", "/api/people", json!({ "name": "Ana" }), 201)
        .await;
    let audit = client.get("/api/audit").await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["POST /api/people"], "{audit}");
}

/// Local mode has no login: it answers only requests addressed to the
/// loopback host, so a page whose name was pointed at 127.0.0.1 (DNS
/// rebinding) cannot read it. Server mode, which has logins, answers any
/// host.
#[tokio::test]
async fn local_mode_answers_only_requests_to_the_loopback_host() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let port = server
        .url("")
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    let http = reqwest::Client::new();
    let with_host = |host: String, path: &str| {
        http.get(server.url(path))
            .header(reqwest::header::HOST, host)
            .send()
    };
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_owned(),
    ] {
        let r = with_host(host.clone(), "/api/session").await.unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let r = with_host(host.clone(), "/api/people").await.unwrap();
        assert_eq!(r.status(), 421, "{host}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["code"], "misdirected", "{host}: {e}");
        let page = with_host(host.clone(), "/people").await.unwrap();
        assert_eq!(page.status(), 421, "{host}");
        assert!(
            !page.text().await.unwrap().contains("csrf"),
            "{host}: the error page carries no token"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let r = reqwest::Client::new()
        .get(server.url("/api/health"))
        .header(reqwest::header::HOST, "labpath.agency.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "server mode answers its own name");
}

/// Every credential of the catalog has a page that explains it: each route
/// with its requirements in plain language and its sources; a credential
/// string is read into the catalog's credentials.
#[tokio::test]
async fn every_credential_is_explained_on_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let http = reqwest::Client::new();
    let catalog = labpath_shipped::catalog().unwrap();
    for c in catalog.credentials() {
        let path = format!("/credentials/{}", c.id.as_str());
        let response = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        for route in &c.routes {
            let heading = format!("id=\"route-{}\"", route.id.as_str());
            assert!(
                html.contains(&heading),
                "{path}: route {}",
                route.id.as_str()
            );
        }
        match c.routes.first() {
            Some(route) => {
                let first =
                    labpath_engine::explain::describe_requirement(&route.requires, &catalog);
                // As the page escapes it (minijinja writes `/` as `&#x2f;`).
                let escaped = first
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#x27;")
                    .replace('/', "&#x2f;");
                assert!(
                    html.contains(&escaped),
                    "{path}: the first requirement in words ({first})"
                );
            }
            None => assert!(html.contains("records no route"), "{path}"),
        }
        assert!(html.contains("Sources ("), "{path}: sources");
    }
    let missing = http
        .get(server.url("/credentials/ascp-mlss"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("did you mean `ascp-mls`")
    );

    let read = http
        .get(server.url("/credentials?text=MT(ASCP)%2C%20Nowhere%20Cert"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(read.contains("href=\"/credentials/ascp-mls\""), "{read}");
    assert!(read.contains("not recognised"), "{read}");
}

/// The export link gives every record with its files, attachments and CE
/// certificates included, as one JSON document that imports whole into an
/// empty data directory.
#[tokio::test]
async fn the_export_download_imports_whole_into_an_empty_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let empty = client.send("GET", "/api/export", None).await;
    let empty: labpath_views::export::Export = serde_json::from_slice(&empty.bytes).unwrap();
    assert!(empty.events.is_empty() && empty.files.is_empty());
    let ana = client
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Ana", "profile": common::profile() }),
            201,
        )
        .await;
    let id = ana["id"].as_i64().unwrap();
    let app = client
        .ok(
            "POST",
            &format!("/api/people/{id}/applications"),
            json!({ "step": "ny-clt-apply" }),
            201,
        )
        .await;
    let app_id = app["application"]["id"].as_i64().unwrap();
    let receipt = common::pdf("receipt of the NYSED fee");
    client
        .upload(
            "POST",
            &format!("/api/applications/{app_id}/attachments"),
            &[common::Part::file("file", "receipt.pdf", &receipt)],
        )
        .await
        .expect(201, "the receipt");
    let certificate = common::pdf("certificate");
    client
        .upload(
            "POST",
            &format!("/api/people/{id}/ce"),
            &[
                common::Part::text("activity", &common::activity("A course").to_string()),
                common::Part::file("certificate", "course.pdf", &certificate),
            ],
        )
        .await
        .expect(201, "the activity");

    let people = client.send("GET", "/people", None).await;
    assert!(
        people.text.contains("href=\"/api/export\""),
        "the people page links the export"
    );
    let download = client.send("GET", "/api/export", None).await;
    download.expect(200, "the export");
    let disposition = download.headers[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(disposition.contains("labpath-export-"), "{disposition}");
    let exported: labpath_views::export::Export = serde_json::from_slice(&download.bytes).unwrap();
    let files = exported.files().unwrap();
    let mut contents: Vec<Vec<u8>> = files.iter().map(|f| f.bytes.clone()).collect();
    contents.sort();
    let mut expected = vec![receipt, certificate];
    expected.sort();
    assert_eq!(contents, expected, "the receipt and the certificate");

    let elsewhere = tempfile::tempdir().unwrap();
    let store = labpath_store_sqlite::SqliteStore::open(elsewhere.path())
        .await
        .unwrap();
    let counts = labpath_store::store::Store::import(&store, &exported.events, &files)
        .await
        .unwrap();
    assert_eq!(
        (counts.people, counts.applications, counts.files),
        (1, 1, 2)
    );
}

/// A step of the interview sent with bad answers is refused whole: every
/// problem at once, each next to its field (`id="FIELD-error"`), what was
/// typed shown again, and no new profile version. A body past the server's
/// limit (10 MB in a field) is refused before it is read, and stores
/// nothing either.
#[tokio::test]
async fn a_refused_interview_step_shows_every_problem_keeps_the_text_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok("POST", "/api/people", json!({ "name": "Ana Reyes" }), 201)
        .await;
    let id = person["id"].as_i64().unwrap();
    let profile_path = format!("/api/people/{id}/profile");
    client.ok("PUT", &profile_path, profile(), 200).await;
    let long = "x".repeat(5_000);
    // Each step: the fields sent, and those that must be refused.
    type Step<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let steps: [Step; 4] = [
        (
            "education",
            vec![
                ("education.0.title", long.as_str()),
                ("education.0.level", "bachelor"),
                ("education.0.field", "medical_laboratory_science"),
                ("education.0.country", "Atlantis"),
                ("education.0.completed", "2099-05-31"),
                ("education.0.semester_hours", "19O"),
            ],
            vec![
                "education.0.title",
                "education.0.country",
                "education.0.completed",
                "education.0.semester_hours",
            ],
        ),
        (
            "experience",
            vec![
                ("experience.0.start", "2024-07-01"),
                ("experience.0.end", "2023-06-30"),
                ("experience.0.setting", "hospital"),
                ("experience.0.country", "Philippines"),
            ],
            vec!["experience.0.end"],
        ),
        (
            "exams",
            vec![
                ("exams.0.exam", "ascp-mls-exam"),
                ("exams.0.date", "2025-03-01"),
                ("exams.0.result", "passed"),
                ("exams.0.score", "350"),
            ],
            vec!["exams.0.score"],
        ),
        (
            "english",
            vec![
                ("english.0.test", "ielts_academic"),
                ("english.0.date", "2024-02-10"),
                ("english.0.overall", "seven"),
            ],
            vec!["english.0.overall"],
        ),
    ];
    for (step, fields, wrong) in steps {
        let mut form = vec![("csrf", client.csrf.as_str())];
        form.extend(fields.iter().copied());
        let response = client
            .request("POST", &format!("/people/{id}/interview/{step}"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{step}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains(&format!("Nothing was saved: {} problem", wrong.len())),
            "{step}: the count of problems"
        );
        for field in wrong {
            assert!(
                page.contains(&format!("id=\"{field}-error\"")),
                "{step}: no problem next to {field}"
            );
        }
        for (name, typed) in fields {
            if name != "education.0.level"
                && name != "education.0.field"
                && !name.ends_with("setting")
                && !name.ends_with("test")
            {
                assert!(
                    page.contains(&format!("value=\"{typed}\"")),
                    "{step}: {name} does not show `{}` again",
                    &typed[..typed.len().min(20)]
                );
            }
        }
    }
    let huge = "x".repeat(10 * 1024 * 1024);
    let response = client
        .request("POST", &format!("/people/{id}/interview/about"))
        .form(&[
            ("csrf", client.csrf.as_str()),
            ("about.citizenship", huge.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let stored = client.get(&profile_path).await;
    assert_eq!(stored["version"], 1, "a refused step stored a version");
}

/// The credentials step reads credentials typed as people write them after
/// their names: each one read becomes a row (saved, the step shown again
/// for its dates); a part it cannot read is refused at the box, naming the
/// part, with the text kept and nothing stored.
#[tokio::test]
async fn credentials_typed_as_written_after_a_name_are_added_to_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok("POST", "/api/people", json!({ "name": "Lee Park" }), 201)
        .await;
    let id = person["id"].as_i64().unwrap();
    let profile_path = format!("/api/people/{id}/profile");
    client.ok("PUT", &profile_path, profile(), 200).await;
    let step = format!("/people/{id}/interview/credentials");
    let send = |find: &'static str| {
        client
            .request("POST", &step)
            .form(&[("csrf", client.csrf.as_str()), ("credentials.find", find)])
            .send()
    };

    let refused = send("MLS(ASCP)CM, XYZ(ABC)").await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"credentials.find-error\""),
        "no problem at the box"
    );
    assert!(
        page.contains("`XYZ(ABC)` is not a credential"),
        "the part is not named"
    );
    assert!(
        page.contains("value=\"MLS(ASCP)CM, XYZ(ABC)\""),
        "the typed text is lost"
    );
    assert_eq!(client.get(&profile_path).await["version"], 1);

    let added = send("MLS(ASCP)CM, NYS CLT").await.unwrap();
    // Back on the same step (the redirect followed), to add the dates.
    assert_eq!(added.status(), 200);
    assert_eq!(added.url().path(), step);
    let stored = client.get(&profile_path).await;
    assert_eq!(stored["version"], 2);
    let held: Vec<&str> = stored["profile"]["credential"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(held, ["ascp-mls", "ny-clt-license"]);
}

/// On the web a statement not yet made is a question to answer, linked,
/// never the profile file's instruction ("add `key` to declarations").
#[tokio::test]
async fn a_statement_not_yet_made_links_to_its_question_on_the_eligibility_page() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok("POST", "/api/people", json!({ "name": "Ana Reyes" }), 201)
        .await;
    let id = person["id"].as_i64().unwrap();
    client
        .ok("PUT", &format!("/api/people/{id}/profile"), profile(), 200)
        .await;
    let page = client
        .request(
            "GET",
            &format!("/people/{id}/eligibility?credential=amt-mls"),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("/people/{id}/interview/questions?goal=amt-mls")),
        "no link to the question"
    );
    assert!(
        !page.contains("to declarations"),
        "the file's instruction is shown"
    );
}

/// Every answer tells the browser what it may do with it: no script, no
/// framing, no sniffing, no referrer to other sites; personal answers are not cached (the
/// style sheet may be, revalidated).
#[tokio::test]
async fn every_answer_carries_the_hardening_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok("POST", "/api/people", json!({ "name": "Ana Reyes" }), 201)
        .await;
    let id = person["id"].as_i64().unwrap();
    client
        .ok("PUT", &format!("/api/people/{id}/profile"), profile(), 200)
        .await;
    for (path, cache) in [
        (format!("/people/{id}"), "no-store"),
        (
            format!("/people/{id}/eligibility?credential=amt-mls"),
            "no-store",
        ),
        (format!("/api/people/{id}/profile"), "no-store"),
        (format!("/api/people/{id}/calendar.ics"), "no-store"),
        ("/nowhere".to_owned(), "no-store"),
        ("/static/style.css".to_owned(), "no-cache"),
    ] {
        let response = client.request("GET", &path).send().await.unwrap();
        let expected = if path == "/nowhere" { 404 } else { 200 };
        assert_eq!(response.status(), expected, "{path}");
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["cache-control"], cache, "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "{path}: HSTS without TLS"
        );
        // The pages hold no inline style or script for the policy to block.
        let body = response.text().await.unwrap();
        assert!(!body.contains(" style=\""), "{path}: an inline style");
        assert!(!body.contains("<script"), "{path}: a script");
    }
}

/// The hardening headers every answer must carry, whatever it is: `path`
/// names it in a failure.
fn assert_hardened(path: &str, headers: &reqwest::header::HeaderMap) {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{path}: no {name}"))
    };
    let csp = header("content-security-policy");
    assert!(
        csp.contains("frame-ancestors 'none'") || csp == "sandbox",
        "{path}: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(header("x-frame-options"), "DENY", "{path}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
    assert!(header("referrer-policy").contains("origin"), "{path}");
    let cache = header("cache-control");
    assert!(
        cache.contains("no-store") || path.starts_with("/static/"),
        "{path}: {cache}"
    );
}

/// Every operation of the OpenAPI document, with every method it has, and
/// every page reachable by following links from the front page, answers
/// with the hardening headers: successes, refusals and errors alike.
#[tokio::test]
async fn every_operation_and_every_page_carries_the_hardening_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let records = common::person_with_records(&client, "Walk").await;
    let document = client.get("/api/openapi.json").await;
    let mut operations = 0;
    for (template, item) in document["paths"].as_object().unwrap() {
        let path = template
            .replace("{person}", &records.person.to_string())
            .replace("{app}", &records.app.to_string())
            .replace("{application}", &records.app.to_string())
            .replace("{activity}", &records.activity.to_string())
            .replace("{attachment}", &records.attachment.to_string())
            .replace("{reminder}", &records.reminder.to_string())
            .replace("{key}", &records.key)
            .replace("{id}", "1");
        let path = fill_unknown(&path);
        for method in item.as_object().unwrap().keys() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let response = client
                .request(method, &path)
                .header("x-csrf-token", &client.csrf)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert!(
                response.status().as_u16() < 500,
                "{method} {path}: {}",
                response.status()
            );
            assert_hardened(&format!("{method} {path}"), response.headers());
            operations += 1;
        }
    }
    assert!(operations > 40, "only {operations} operations walked");

    let mut seen = std::collections::BTreeSet::new();
    let mut queue = vec!["/".to_owned()];
    while let Some(path) = queue.pop() {
        if seen.len() >= 300 || !seen.insert(path.clone()) {
            continue;
        }
        let response = client.request("GET", &path).send().await.unwrap();
        assert!(
            response.status().as_u16() < 500,
            "GET {path}: {}",
            response.status()
        );
        assert_hardened(&path, response.headers());
        let html = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap().starts_with("text/html"));
        if !html {
            continue;
        }
        let body = response.text().await.unwrap();
        for link in body.split("href=\"").skip(1) {
            let Some(target) = link.split('"').next() else {
                continue;
            };
            let target = target.replace("&amp;", "&");
            let target = target.split('#').next().unwrap_or_default().to_owned();
            if target.starts_with('/') && !target.starts_with("//") {
                queue.push(target);
            }
        }
    }
    assert!(
        seen.len() > 20,
        "only {} pages reached: {seen:?}",
        seen.len()
    );
    eprintln!(
        "hardening headers on {operations} operations and {} pages",
        seen.len()
    );
}

/// A path template's parameters that the walk has no record for, filled
/// with `1` (a missing record answers too, and must carry the headers).
fn fill_unknown(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push('1');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Every answer carries its request's id: the one the client sent, or a
/// number of the server's, different for each request (the id the log
/// lines written while answering carry).
#[tokio::test]
async fn every_answer_names_its_request() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let id_of = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let first = client.request("GET", "/api/health").send().await.unwrap();
    let second = client.request("GET", "/nowhere").send().await.unwrap();
    let (a, b) = (id_of(&first).unwrap(), id_of(&second).unwrap());
    assert_ne!(a, b, "two requests with one id");
    let sent = client
        .request("GET", "/api/health")
        .header("x-request-id", "trace-from-the-proxy")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&sent).as_deref(), Some("trace-from-the-proxy"));
}

/// The plan page opens with what the person's history changes: a route
/// closing before the plan is likely done, with the last day to start.
#[tokio::test]
async fn the_plan_page_warns_of_a_route_that_closes_before_the_plan_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let person = client
        .ok("POST", "/api/people", json!({ "name": "Jo Kim" }), 201)
        .await;
    let id = person["id"].as_i64().unwrap();
    let profile = common::example("us-naacls-mls-graduate.toml");
    client
        .ok("PUT", &format!("/api/people/{id}/profile"), profile, 200)
        .await;
    let page = |from: &'static str| {
        client
            .request(
                "GET",
                &format!("/people/{id}/plan?goal=ascp-mls&from={from}"),
            )
            .send()
    };
    let late = page("2030-03-01").await.unwrap();
    assert_eq!(late.status(), 200);
    let late = late.text().await.unwrap();
    assert!(
        late.contains("by 2030-05-15, or its route closes"),
        "no closing warning on the plan page"
    );
    let early = page("2029-05-01").await.unwrap().text().await.unwrap();
    assert!(!early.contains("or its route closes"));
    // The goal came from the link as a credential id, not a named goal:
    // the form still shows it chosen.
    assert!(
        early.contains(r#"<option value="ascp-mls" selected>"#),
        "the plan's goal is not the chosen one in the form"
    );
}

/// An application's checklist is the person's: opened for a US graduate,
/// New York's has no translations and no other state's verification; for
/// a graduate from abroad it has the translations.
#[tokio::test]
async fn an_applications_checklist_holds_the_documents_its_person_needs() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let client = Client::local(&server).await;
    let mut keys = Vec::new();
    for (name, example) in [
        ("Jo Kim", "us-naacls-mls-graduate.toml"),
        ("Ana Reyes", "ph-medtech-graduate.toml"),
    ] {
        let person = client
            .ok("POST", "/api/people", json!({ "name": name }), 201)
            .await;
        let id = person["id"].as_i64().unwrap();
        client
            .ok(
                "PUT",
                &format!("/api/people/{id}/profile"),
                common::example(example),
                200,
            )
            .await;
        let app = client
            .ok(
                "POST",
                &format!("/api/people/{id}/applications"),
                json!({ "step": "ny-clt-apply" }),
                201,
            )
            .await;
        let checklist: Vec<String> = app["checklist"]
            .as_array()
            .unwrap_or_else(|| panic!("no checklist in {app}"))
            .iter()
            .map(|d| d["key"].as_str().unwrap().to_owned())
            .collect();
        keys.push(checklist);
    }
    assert_eq!(keys[0], ["form-1", "form-2", "exam-scores"]);
    assert_eq!(keys[1], ["form-1", "form-2", "exam-scores", "translations"]);
}
