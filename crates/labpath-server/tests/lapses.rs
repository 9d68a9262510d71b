//! Nothing lapses silently: one lapse, seen wherever a person or their
//! agency looks, on a server over SQLite and over PostgreSQL (skipped
//! without PostgreSQL, except in CI). Maria holds MLS(ASCP), expiring in 16
//! days, with 20 of its 36 CMP points: 16 short, and its declaration window
//! closed 14 days ago. The API's status, the CE page, the person page, the
//! dashboard, her calendar and one reminder email (through the job queue,
//! to her candidate account, at the test's SMTP sink) all say so; a second
//! run of the scheduler sends no second email.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use common::{Client, PASSWORD, Part};
use labpath_engine::units::Date;
use labpath_notify::testing;
use labpath_notify::{Mailer, MailerConfig};
use labpath_server::serve::{AccountRecipients, Database, open};
use labpath_server::testing::{Running, postgres_url, start};
use serde_json::json;

/// What Maria's lapse reads as, from `today`.
struct Lapse {
    verdict: String,
    title: String,
}

impl Lapse {
    fn on(today: Date) -> Lapse {
        let expires = today.add_days(16);
        let closed = expires.add_days(-30);
        Lapse {
            verdict: format!(
                "Not compliant: 16 points short, declaration window closed on {closed}, expires {expires}"
            ),
            title: format!("MLS(ASCP) expires on {expires}"),
        }
    }
}

/// Maria, her profile, her 20 points and her candidate account, made by
/// the organization's admin through the API. Returns (admin, her id).
async fn maria(server: &Running) -> (Client, i64) {
    let (_, _) = server
        .organization("Lapse Agency", "admin@lapse.example", PASSWORD)
        .await;
    let admin = Client::login(server, "admin@lapse.example", PASSWORD).await;
    let today = Date::today();
    let profile = json!({
        "person": { "name": "Maria Santos" },
        "credential": [{ "id": "ascp-mls", "earned": "2015-06-30", "expires": today.add_days(16).to_string() }],
    });
    let id = admin
        .ok(
            "POST",
            "/api/people",
            json!({ "name": "Maria Santos", "profile": profile }),
            201,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    for (title, category, days) in [
        ("Chemistry update", "chemistry", 200),
        ("General topics", "general", 100),
    ] {
        let activity = json!({
            "title": title,
            "date": today.add_days(-days).to_string(),
            "credit": { "unit": "contact_hours", "amount": 10.0 },
            "categories": [category],
        });
        admin
            .upload(
                "POST",
                &format!("/api/people/{id}/ce"),
                &[Part::text("activity", &activity.to_string())],
            )
            .await
            .expect(201, "an activity");
    }
    admin
        .ok(
            "POST",
            "/api/users",
            json!({ "email": "maria@lapse.example", "name": "Maria Santos", "role": "candidate", "password": PASSWORD, "person": id.to_string() }),
            201,
        )
        .await;
    (admin, id)
}

/// A page's HTML, expecting 200.
async fn page(client: &Client, path: &str) -> String {
    let a = client.send("GET", path, None).await;
    a.expect(200, path);
    a.text
}

async fn the_same_lapse_everywhere_on(database: Database) {
    let server = start(database.clone()).await;
    let (admin, id) = maria(&server).await;
    let lapse = Lapse::on(Date::today());

    // The status a front end reads: lapsing, red, by name, what clears it.
    let status = admin.get(&format!("/api/people/{id}/status")).await;
    let first = &status["lapsing"][0];
    assert_eq!(first["what"], lapse.verdict.as_str(), "{status}");
    assert_eq!(first["severity"], "red");
    assert_eq!(first["person_name"], "Maria Santos");
    assert!(
        first["action"]
            .as_str()
            .unwrap()
            .starts_with("log 16 more CMP points before"),
        "{first}"
    );

    // The CE page: the verdict, marked urgent, with the bars.
    let ce = page(&admin, &format!("/people/{id}/ce")).await;
    assert!(
        ce.contains(&format!("<strong>{}.</strong>", lapse.verdict)),
        "{ce}"
    );
    assert!(ce.contains("<span class=\"badge\">urgent</span>"), "{ce}");
    assert!(
        ce.contains("20 of 36 CMP points count toward the total"),
        "{ce}"
    );
    for zero in ["-0.0", " -0 ", "(-0 "] {
        assert!(!ce.contains(zero), "`{zero}`: {ce}");
    }

    // The person page and the dashboard: by name, not "person N".
    let person = page(&admin, &format!("/people/{id}")).await;
    assert!(
        person.contains(&lapse.verdict) && person.contains(&lapse.title),
        "{person}"
    );
    let dashboard = page(&admin, "/dashboard").await;
    let deadlines = dashboard
        .split("id=\"lapsing\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no deadline list: {dashboard}"));
    assert!(
        deadlines.contains(">Maria Santos</a>: <strong>")
            && deadlines.contains(&lapse.title)
            && deadlines.contains(&lapse.verdict),
        "{deadlines}"
    );
    assert!(!dashboard.contains("person {id}"), "{dashboard}");

    // Her calendar: the window's closing and the expiry, titled.
    let ics = admin
        .send("GET", &format!("/api/people/{id}/calendar.ics"), None)
        .await;
    ics.expect(200, "the calendar");
    let ics = ics.text.replace("\r\n ", "");
    assert!(
        ics.contains("SUMMARY:Declare CMP for MLS(ASCP): window closes"),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:MLS(ASCP) expires"), "{ics}");
    assert!(
        ics.contains(&format!(
            "DESCRIPTION:{}",
            lapse.verdict.replace(',', "\\,")
        )),
        "{ics}"
    );

    // One email, to her account, through the queue of the same database;
    // a second run schedules and sends nothing.
    let (smtp, sink) = testing::start().await.unwrap();
    let mailer = Mailer::new(&MailerConfig::new(
        "127.0.0.1",
        smtp.port(),
        "labpath <reminders@lapse.example>",
    ))
    .unwrap();
    let queue = open(&database).await.unwrap().jobs;
    let catalog = labpath_shipped::catalog().unwrap();
    let recipients = AccountRecipients(server.db.clone());
    for run in 0..2 {
        let created =
            labpath_notify::schedule(&*server.db, &*queue, &catalog, Date::today(), &recipients)
                .await
                .unwrap();
        let sent = labpath_notify::work(&*queue, &mailer, "test", 10)
            .await
            .unwrap();
        assert_eq!(
            (created, sent),
            if run == 0 { (1, 1) } else { (0, 0) },
            "run {run}"
        );
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].to, ["maria@lapse.example"]);
    assert_eq!(
        messages[0].subject().unwrap(),
        format!("labpath, urgent: {}", lapse.title)
    );
    let text = messages[0].text();
    assert!(text.contains(&lapse.verdict), "{text}");
    assert!(
        text.contains("What to do: log 16 more CMP points before"),
        "{text}"
    );
}

#[tokio::test]
async fn the_same_lapse_everywhere_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    the_same_lapse_everywhere_on(Database::Sqlite(dir.path().to_path_buf())).await;
}

#[tokio::test]
async fn the_same_lapse_everywhere_on_postgres() {
    let Some(db) = labpath_store_postgres::testing::TestDatabase::create()
        .await
        .unwrap()
    else {
        return;
    };
    the_same_lapse_everywhere_on(Database::Postgres(postgres_url(&db))).await;
}
