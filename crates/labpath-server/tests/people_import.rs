//! `POST /api/people/import` against a real server: a CSV of 50
//! candidates with three bad lines is refused whole (422, every problem with
//! its line and column) and adds no one; the corrected file adds all 50
//! (201) with the profiles their lines give, and the list shows them; sent
//! again, it adds no one twice. A candidate is refused (403); a body over
//! 2 MiB and a file of more people than one import adds are refused with a
//! message that says the limit and what to do. Local mode's owner imports
//! alike.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::{BAD_LINES, Client, Part, assert_error, candidates_csv, multipart, organization};
use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::Value;

/// How many people the caller's list holds.
async fn count(client: &Client) -> u64 {
    client.get("/api/people?per_page=1").await["total"]
        .as_u64()
        .unwrap()
}

/// The (line, field) of each detail of a refusal.
fn at(error: &Value) -> Vec<(u64, String)> {
    error["details"]
        .as_array()
        .unwrap_or_else(|| panic!("no details: {error}"))
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn bad_lines_add_no_one_and_the_corrected_file_adds_all_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = organization(&server, "Alfa", "Yankee").await;
    let staff = &org.staff;
    let before = count(staff).await;

    let refused = staff
        .send_csv("/api/people/import", candidates_csv(50, true).as_bytes())
        .await;
    let error = assert_error(&refused, 422, "invalid", "a file with three bad lines");
    let expected: Vec<(u64, String)> = BAD_LINES
        .iter()
        .map(|(line, column)| (*line as u64, (*column).to_owned()))
        .collect();
    assert_eq!(at(&error), expected, "every problem, in the file's order");
    let messages: Vec<&str> = error["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("@`"), "{messages:?}");
    assert!(
        messages[1].contains("`MLS(ASPC)` names no credential"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("`NYC` is not a US state"),
        "{messages:?}"
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 8: field `email`") && message.ends_with("no one was added"),
        "{message}"
    );
    assert_eq!(count(staff).await, before, "no one was added");

    let good = candidates_csv(50, false);
    let imported = staff.send_csv("/api/people/import", good.as_bytes()).await;
    imported.expect(201, "the corrected file");
    let added = imported.json()["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 50);
    let names: Vec<&str> = good
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let added_names: Vec<&str> = added.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(added_names, names, "in the order of the file");
    assert!(
        added
            .iter()
            .all(|p| p["organization"] == org.id && p["profile_version"] == 1),
        "each in the caller's organization, with a profile: {added:?}"
    );
    assert_eq!(count(staff).await, before + 50);
    let listed = staff.get("/api/people?q=Reyes&per_page=200").await;
    let reyes: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(reyes.len(), 10, "the ten Reyes of the file: {reyes:?}");
    // Line 3: `MLS(ASCP)CM, NYS licensed`, read as `labpath parse` reads it.
    let jun = added[1]["id"].as_i64().unwrap();
    let profile = staff.get(&format!("/api/people/{jun}/profile")).await;
    assert_eq!(
        profile["profile"]["credential"],
        serde_json::json!([{ "id": "ascp-mls" }, { "id": "ny-clt-license" }]),
        "{profile}"
    );
    assert_eq!(profile["profile"]["person"]["work_state"], "CA");
    assert_eq!(
        profile["profile"]["person"]["email"],
        "jun.santos@candidates.example"
    );

    // The same file again: everyone is in the list already.
    let again = staff.send_csv("/api/people/import", good.as_bytes()).await;
    let error = assert_error(&again, 422, "invalid", "the same file again");
    assert_eq!(error["details"].as_array().unwrap().len(), 50);
    assert!(
        error["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is already in the list"),
        "{error}"
    );
    assert_eq!(count(staff).await, before + 50);
}

#[tokio::test]
async fn a_candidate_may_not_import_and_the_limits_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = organization(&server, "Alfa", "Yankee").await;
    let before = count(&org.admin).await;
    let csv = candidates_csv(50, false);

    let refused = org
        .candidate
        .send_csv("/api/people/import", csv.as_bytes())
        .await;
    assert_error(&refused, 403, "forbidden", "a candidate's import");

    // One byte over 2 MiB: refused before it is read, with the limit.
    let mut big = b"name\n".to_vec();
    big.resize(labpath_app::people_csv::MAX_BYTES + 1, b'a');
    let over = org.admin.send_csv("/api/people/import", &big).await;
    let error = assert_error(&over, 413, "payload_too_large", "a body over 2 MiB");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("over 2 MiB")
            && message.contains("at most 5000 people")
            && message.contains("split it into smaller files"),
        "{message}"
    );

    // 5,001 people in under 2 MiB: refused at the first one too many.
    let mut many = String::from("name\n");
    for i in 1..=5_001 {
        many.push_str(&format!("Candidate {i}\n"));
    }
    let too_many = org
        .admin
        .send_csv("/api/people/import", many.as_bytes())
        .await;
    let error = assert_error(&too_many, 422, "invalid", "5,001 people");
    assert_eq!(at(&error), [(5_002, String::new())]);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("an import takes at most 5000 people"),
        "{error}"
    );

    // Not a CSV body.
    let a = org
        .admin
        .send("POST", "/api/people/import", Some(&serde_json::json!({})))
        .await;
    let error = assert_error(&a, 415, "unsupported_media_type", "JSON");
    assert!(
        error["message"].as_str().unwrap().contains("text/csv"),
        "{error}"
    );
    assert_eq!(count(&org.admin).await, before, "no one was added");
}

#[tokio::test]
async fn local_mode_imports_for_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let local = Client::local(&server).await;
    let a = local
        .send_csv("/api/people/import", candidates_csv(41, false).as_bytes())
        .await;
    a.expect(201, "local mode's import");
    let added = a.json()["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 41);
    assert!(
        added.iter().all(|p| p["organization"].is_null()),
        "{added:?}"
    );
    assert_eq!(count(&local).await, 41);
}

/// Sends the people page's import form with `file` as the CSV.
async fn page_import(client: &Client, file: &[u8]) -> common::Answer {
    let (content_type, body) = multipart(&[
        Part::text("csrf", &client.csrf),
        Part::file("people", "candidates.csv", file),
    ]);
    common::answer(
        client
            .request("POST", "/people/import")
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The page's form: a refused file is the people page again (422) listing
/// each problem with its line and column; a file just over 2 MiB is
/// refused there with the use case's words, and a body well over the
/// form's limit is an error page that says the import's limit (not the
/// attachments'); a candidate is refused. No one is added by any of them.
#[tokio::test]
async fn the_page_form_lists_the_problems_and_says_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = organization(&server, "Alfa", "Yankee").await;
    let before = count(&org.admin).await;

    let page = page_import(&org.staff, candidates_csv(50, true).as_bytes()).await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert!(
        page.text
            .contains("No one was added: the file has 3 problems")
            && page
                .text
                .contains("Line 24, column <code>credentials</code>: "),
        "{}",
        page.text
    );

    let mut big = b"name\n".to_vec();
    big.resize(labpath_app::people_csv::MAX_BYTES + 10, b'a');
    let page = page_import(&org.staff, &big).await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert!(page.text.contains("at most 2 MiB"), "{}", page.text);

    big.resize(labpath_server::extract::PEOPLE_FORM_LIMIT + 1, b'a');
    let page = page_import(&org.staff, &big).await;
    assert_eq!(page.status, 413, "{}", page.text);
    assert!(
        page.text.contains("over 2 MiB, the most one import reads"),
        "{}",
        page.text
    );

    let page = page_import(&org.candidate, candidates_csv(50, false).as_bytes()).await;
    assert_eq!(page.status, 403, "{}", page.text);
    assert_eq!(count(&org.admin).await, before, "no one was added");
}
