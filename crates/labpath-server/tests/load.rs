//! Bounded work under load, on loopback against the default store
//! (SQLite): a candidate importing a 50,000-line CE file does not hold up
//! another organization, whose writes keep a p99 under 200 ms while the
//! import runs; the import still logs every line, all at once.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

mod common;

use std::time::{Duration, Instant};

use common::{Part, organization};
use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::json;

/// A CE CSV of `lines` half-hour activities inside the example profile's
/// renewal cycle, as a provider's transcript would list them.
fn transcript(lines: usize) -> String {
    let mut csv = String::from("title,provider,date,unit,amount,categories\n");
    for n in 0..lines {
        let day = 1 + n % 28;
        let month = 1 + (n / 28) % 12;
        csv.push_str(&format!(
            "Webinar {n},Lab Learning,2026-{month:02}-{day:02},contact_hours,0.5,chemistry\n"
        ));
    }
    csv
}

/// The `q`-quantile of durations (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_ce_import_does_not_hold_up_another_organizations_writes() {
    const LINES: usize = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let importer = organization(&server, "Alder", "Birch").await;
    let other = organization(&server, "Cedar", "Dogwood").await;

    let csv = transcript(LINES);
    let candidate = importer.candidate.clone();
    let path = format!("/api/people/{}/ce/import", importer.mine.person);
    let started = Instant::now();
    let import = tokio::spawn(async move {
        let parts = [Part::file("activities", "transcript.csv", csv.as_bytes())];
        let answer = candidate.upload("POST", &path, &parts).await;
        (answer, started.elapsed())
    });

    // Another organization's staff keep writing while the import runs:
    // reminders and renames, one after the other, each timed.
    let mut writes = Vec::new();
    let person = other.other.person;
    while !import.is_finished() {
        let n = writes.len();
        let t = Instant::now();
        if n % 2 == 0 {
            other
                .staff
                .ok(
                    "POST",
                    &format!("/api/people/{person}/reminders"),
                    json!({ "due": "2030-01-15", "what": format!("call back {n}") }),
                    201,
                )
                .await;
        } else {
            other
                .staff
                .ok(
                    "PATCH",
                    &format!("/api/people/{person}"),
                    json!({ "name": format!("Dogwood Person {n}") }),
                    200,
                )
                .await;
        }
        writes.push(t.elapsed());
    }
    let (answer, took) = import.await.unwrap();
    answer.expect(201, "the 50,000-line import");
    let logged = answer.json()["logged"].as_array().unwrap().len();
    assert_eq!(logged, LINES);
    let log = importer
        .candidate
        .get(&format!("/api/people/{}/ce", importer.mine.person))
        .await;
    // The fixture's own activity, and every line of the file.
    assert_eq!(log["total"], json!(LINES + 1), "{log:.200}");

    writes.sort();
    let (p50, p99) = (quantile(&writes, 0.5), quantile(&writes, 0.99));
    eprintln!(
        "import of {LINES} lines: {took:?}; {} writes of another organization meanwhile: median {p50:?}, p99 {p99:?}, max {:?}",
        writes.len(),
        writes.last().unwrap()
    );
    assert!(
        writes.len() >= 20,
        "the other organization wrote only {} times while the import ran",
        writes.len()
    );
    assert!(
        p99 < Duration::from_millis(200),
        "another organization's writes waited: p99 {p99:?} over {} writes",
        writes.len()
    );
}
