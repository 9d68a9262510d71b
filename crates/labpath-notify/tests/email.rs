//! Reminder emails end to end, on each backend: a real SQLite data
//! directory and a real PostgreSQL database (a fresh one per test,
//! `labpath_store_postgres::testing`), the store's job queue, lettre, and
//! the SMTP sink. Replicas that schedule and send at once deliver each
//! email once; what is not due, done, or has nobody to go to is not sent; a
//! refused email is retried and sent once accepted; an unreachable server is
//! a clear error. Without PostgreSQL its half of each test skips with a
//! notice, except in CI (`CI=true`), where it fails.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_notify::mailer::{Email, MailError, Mailer, MailerConfig};
use labpath_notify::testing::{self, Received};
use labpath_notify::{KIND, schedule, work};
use labpath_store::ids::PersonId;
use labpath_store::jobs::{Backoff, JobQueue, NewJob};
use labpath_store::model::Reminder;
use labpath_store::status::AppStatus;
use labpath_store::{Store, ops};
use labpath_store_postgres::PgStore;
use labpath_store_postgres::testing::TestDatabase;
use labpath_store_sqlite::SqliteStore;
use serde_json::json;
use tokio::sync::Barrier;

const ACTOR: &str = "test";

/// Where a test's records are: a fresh data directory or database.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(Box<TestDatabase>),
}

/// A store and its job queue, on connections of their own.
type Opened = (Box<dyn Store>, Box<dyn JobQueue>);

impl Backend {
    /// SQLite, and PostgreSQL unless it is away outside CI.
    async fn all() -> Vec<Arc<Backend>> {
        let mut all = vec![Arc::new(Backend::Sqlite(tempfile::tempdir().unwrap()))];
        let db = TestDatabase::create().await;
        if let Some(db) = db.unwrap_or_else(|e| panic!("{e}")) {
            all.push(Arc::new(Backend::Postgres(Box::new(db))));
        }
        all
    }

    /// Opens the store and its queue (retrying with `backoff`), as a
    /// replica or a process of its own would.
    async fn open(&self, backoff: Backoff) -> Opened {
        match self {
            Backend::Sqlite(dir) => {
                let store = SqliteStore::open(dir.path()).await.unwrap();
                let queue = store.jobs().with_backoff(backoff);
                (Box::new(store), Box::new(queue))
            }
            Backend::Postgres(db) => {
                let store = PgStore::connect(db.config()).await.unwrap();
                let queue = store.jobs().with_backoff(backoff);
                (Box::new(store), Box::new(queue))
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| labpath_shipped::catalog().expect("the shipped catalog"))
}

fn today() -> Date {
    Date::parse("2026-05-01").unwrap()
}

fn mailer(addr: SocketAddr) -> Mailer {
    let config = MailerConfig::new(
        "127.0.0.1",
        addr.port(),
        "labpath <reminders@agency.example>",
    )
    .timeout(Duration::from_secs(5));
    Mailer::new(&config).unwrap()
}

async fn person(store: &dyn Store, name: &str) -> PersonId {
    ops::add_person(store, ACTOR, name, None).await.unwrap().id
}

/// A reminder due `days` from today (negative: in the past).
async fn reminder(store: &dyn Store, p: PersonId, days: i64, what: &str) -> Reminder {
    ops::add_reminder(store, ACTOR, p, None, today().add_days(days), what)
        .await
        .unwrap()
}

/// The messages whose text holds `what`.
fn about<'m>(messages: &'m [Received], what: &str) -> Vec<&'m Received> {
    messages
        .iter()
        .filter(|m| m.text().contains(what))
        .collect()
}

/// One replica: its own pool and store, scheduling and sending in rounds
/// (starting with the others, at the barrier), then sending what is left.
/// Returns (jobs created, emails sent).
async fn replica(
    backend: Arc<Backend>,
    name: &'static str,
    smtp: SocketAddr,
    recipients: Arc<HashMap<PersonId, Vec<String>>>,
    start: Arc<Barrier>,
) -> (u32, u32) {
    let (store, queue) = backend.open(Backoff::default()).await;
    let mailer = mailer(smtp);
    start.wait().await;
    let (mut created, mut sent) = (0, 0);
    for _ in 0..5 {
        created += schedule(&*store, &*queue, catalog(), today(), recipients.as_ref())
            .await
            .unwrap();
        sent += work(&*queue, &mailer, name, 3).await.unwrap();
        tokio::task::yield_now().await;
    }
    loop {
        let n = work(&*queue, &mailer, name, 100).await.unwrap();
        if n == 0 {
            break;
        }
        sent += n;
    }
    (created, sent)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_email_each_due_reminder_exactly_once() {
    for backend in Backend::all().await {
        two_replicas_email_each_due_reminder_exactly_once_on(backend).await;
    }
}

async fn two_replicas_email_each_due_reminder_exactly_once_on(backend: Arc<Backend>) {
    let (store, queue) = backend.open(Backoff::default()).await;
    let (smtp, sink) = testing::start().await.unwrap();
    let (ana, ben, cy, dee) = (
        person(&*store, "Ana").await,
        person(&*store, "Ben").await,
        person(&*store, "Cy").await,
        person(&*store, "Dee").await,
    );
    let mut due = Vec::new();
    for i in 0..12_i64 {
        let who = [ana, ben, cy][usize::try_from(i % 3).unwrap()];
        due.push(reminder(&*store, who, -(i % 4), &format!("due task {i:02}")).await);
    }
    reminder(&*store, ana, 1, "not yet due").await;
    let done = reminder(&*store, ana, -2, "already done").await;
    ops::complete_reminder(&*store, ACTOR, done.id, today())
        .await
        .unwrap();
    reminder(&*store, dee, 0, "nobody to tell").await;
    let recipients = Arc::new(HashMap::from([
        (
            ana,
            vec![
                "ana@example.org".to_owned(),
                "ana.boss@example.org".to_owned(),
            ],
        ),
        (ben, vec!["ben@example.org".to_owned()]),
        (cy, vec!["cy@example.org".to_owned()]),
        (dee, vec![]),
    ]));

    let start = Arc::new(Barrier::new(2));
    let run = |name| {
        let (backend, recipients) = (Arc::clone(&backend), Arc::clone(&recipients));
        tokio::spawn(replica(backend, name, smtp, recipients, Arc::clone(&start)))
    };
    let (a, b) = (run("a"), run("b"));
    let ((created_a, sent_a), (created_b, sent_b)) = (a.await.unwrap(), b.await.unwrap());

    let on = backend.name();
    assert_eq!(created_a + created_b, 12, "{on}: one job per due reminder");
    assert_eq!(sent_a + sent_b, 12, "{on}: a: {sent_a}, b: {sent_b}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 12);
    for r in &due {
        let got = about(&messages, &r.what);
        assert_eq!(got.len(), 1, "{on}: `{}` sent {} times", r.what, got.len());
        let mut expected = recipients[&r.person].clone();
        expected.sort();
        assert_eq!(got[0].to, expected, "`{}`", r.what);
        assert_eq!(got[0].from, "reminders@agency.example");
        assert!(
            got[0]
                .subject()
                .unwrap()
                .starts_with("labpath reminder: due task")
        );
    }
    for what in ["not yet due", "already done", "nobody to tell"] {
        assert!(about(&messages, what).is_empty(), "`{what}` was sent");
    }
    let ids: BTreeSet<String> = messages
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), 12, "every email has its own Message-ID");

    // Scheduling again adds nothing, and there is nothing left to send.
    let again = schedule(&*store, &*queue, catalog(), today(), recipients.as_ref());
    assert_eq!(again.await.unwrap(), 0);
    assert_eq!(work(&*queue, &mailer(smtp), "c", 100).await.unwrap(), 0);
    assert_eq!(sink.messages().len(), 12);
}

#[tokio::test]
async fn lapsing_deadlines_are_emailed_once_per_severity_with_their_source() {
    for backend in Backend::all().await {
        lapsing_deadlines_are_emailed_once_per_severity_on(&backend).await;
    }
}

/// The subjects of the messages, for failure messages.
fn subjects(messages: &[Received]) -> Vec<String> {
    messages.iter().map(|m| m.subject().unwrap()).collect()
}

/// The one message whose subject holds `what`.
fn titled<'m>(messages: &'m [Received], what: &str) -> &'m Received {
    let found: Vec<&Received> = messages
        .iter()
        .filter(|m| m.subject().unwrap().contains(what))
        .collect();
    assert_eq!(found.len(), 1, "`{what}` in {:?}", subjects(messages));
    found[0]
}

async fn lapsing_deadlines_are_emailed_once_per_severity_on(backend: &Backend) {
    let on = backend.name();
    let (store, queue) = backend.open(Backoff::default()).await;
    let (smtp, sink) = testing::start().await.unwrap();
    let jun = person(&*store, "Jun").await;
    let step = catalog().step("ca-cls-apply").unwrap();
    // LFS abandons an application 150 days after it was submitted: one
    // submitted 140 days ago is red (10 days left), one 100 days ago amber
    // (50 days left).
    let mut apps = Vec::new();
    for days in [140, 100] {
        let app = ops::new_application(&*store, ACTOR, jun, step)
            .await
            .unwrap()
            .application
            .id;
        let on = today().add_days(-days);
        ops::change_status(&*store, ACTOR, app, AppStatus::Submitted, on, None)
            .await
            .unwrap();
        apps.push(app);
    }
    // MLT(ASCP), 36 points short, expiring in 40 days: its declaration
    // window closes in 10.
    let expires = today().add_days(40).to_string();
    let profile = json!({
        "person": { "name": "Jun" },
        "credential": [{ "id": "ascp-mlt", "earned": "2020-07-02", "expires": expires }],
    });
    ops::record_profile(&*store, ACTOR, jun, profile)
        .await
        .unwrap();
    let recipients = HashMap::from([(jun, vec!["jun@example.org".to_owned()])]);

    let created = schedule(&*store, &*queue, catalog(), today(), &recipients);
    assert_eq!(created.await.unwrap(), 3, "{on}");
    assert_eq!(work(&*queue, &mailer(smtp), "w", 10).await.unwrap(), 3);
    let messages = sink.messages();
    let soon = titled(&messages, &format!("(application {})", apps[0]));
    let subject = soon.subject().unwrap();
    assert!(
        subject.starts_with("labpath, urgent: Complete the application"),
        "{subject}"
    );
    let text = soon.text();
    assert!(text.contains("For Jun: "), "{text}");
    assert!(
        text.contains("LFS abandons an incomplete application"),
        "{text}"
    );
    assert!(text.contains("in 10 days, on 2026-05-11"), "{text}");
    assert!(
        text.contains("sources (") && text.contains("<https://"),
        "{text}"
    );
    let later = titled(&messages, &format!("(application {})", apps[1]));
    assert!(later.subject().unwrap().starts_with("labpath, coming up:"));
    let renewal = titled(&messages, "Declare CMP for MLT(ASCP) by 2026-05-11");
    assert!(
        renewal.text().contains("Not compliant: 36 points short"),
        "{}",
        renewal.text()
    );
    assert!(
        renewal
            .text()
            .contains("What to do: log 36 more CMP points and declare by 2026-05-11")
    );

    // Scheduling again, that day or the next, sends nothing new.
    for day in [today(), today().add_days(1)] {
        let again = schedule(&*store, &*queue, catalog(), day, &recipients);
        assert_eq!(again.await.unwrap(), 0, "{on}: on {day}");
    }
    assert_eq!(work(&*queue, &mailer(smtp), "w", 10).await.unwrap(), 0);
    assert_eq!(sink.messages().len(), 3);

    // 21 days on, the amber limit turns red: one more email. The renewal,
    // red already, stays the same deadline though its window has closed.
    let later_day = today().add_days(21);
    let created = schedule(&*store, &*queue, catalog(), later_day, &recipients);
    assert_eq!(created.await.unwrap(), 1, "{on}");
    assert_eq!(work(&*queue, &mailer(smtp), "w", 10).await.unwrap(), 1);
    let messages = sink.messages();
    let red: Vec<String> = subjects(&messages)
        .into_iter()
        .filter(|s| s.contains(&format!("(application {})", apps[1])))
        .collect();
    assert_eq!(red.len(), 2, "{red:?}");
    assert!(red[1].starts_with("labpath, urgent:"), "{red:?}");
}

#[tokio::test]
async fn a_refused_email_is_retried_after_the_backoff_and_sent_once_accepted() {
    for backend in Backend::all().await {
        a_refused_email_is_retried_on(&backend).await;
    }
}

async fn a_refused_email_is_retried_on(backend: &Backend) {
    let backoff = Backoff {
        base: Duration::from_millis(300),
        max: Duration::from_millis(300),
    };
    let (store, queue) = backend.open(backoff).await;
    let (smtp, sink) = testing::start().await.unwrap();
    let mailer = mailer(smtp);
    let eve = person(&*store, "Eve").await;
    let r = reminder(&*store, eve, 0, "send form 2").await;
    let recipients = HashMap::from([(eve, vec!["eve@example.org".to_owned()])]);
    assert_eq!(
        schedule(&*store, &*queue, catalog(), today(), &recipients)
            .await
            .unwrap(),
        1
    );
    let key = format!("{KIND}:person{eve}-reminder{}:{}:red", r.id, r.due);
    let job = queue
        .enqueue(&NewJob::new(KIND, json!({})).dedupe(&key))
        .await
        .unwrap();
    assert!(!job.created, "the job's key is `{key}`");

    sink.refuse_with(554, "5.7.1 message refused");
    assert_eq!(work(&*queue, &mailer, "w", 10).await.unwrap(), 0);
    assert_eq!(sink.refused(), 1);
    let record = queue.job(job.id).await.unwrap();
    assert_eq!(record.attempts, 1);
    assert!(record.done_at.is_none() && record.failed_at.is_none());
    let error = record.last_error.unwrap();
    assert!(error.contains("refused the email with 554"), "{error}");
    assert!(error.contains("5.7.1 message refused"), "{error}");
    // Not again before the backoff has passed.
    assert_eq!(work(&*queue, &mailer, "w", 10).await.unwrap(), 0);
    assert_eq!(sink.refused(), 1);

    sink.accept();
    let mut sent = 0;
    for _ in 0..50 {
        sent += work(&*queue, &mailer, "w", 10).await.unwrap();
        if sent > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, 1);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].text().contains("send form 2"));
    // Both tries of the notice carry one Message-ID, by which a mail system
    // can tell a second copy for what it is.
    let refused = sink.refused_messages();
    let id = messages[0].header("Message-ID").expect("a Message-ID");
    assert_eq!(refused[0].header("Message-ID"), Some(id.clone()));
    assert!(id.ends_with(".reminder@agency.example>"), "{id}");
    let record = queue.job(job.id).await.unwrap();
    assert_eq!(record.attempts, 2);
    assert!(record.done_at.is_some());
    assert_eq!(work(&*queue, &mailer, "w", 10).await.unwrap(), 0);
    assert_eq!(sink.messages().len(), 1);
}

fn email(text: &str) -> Email {
    Email {
        to: vec!["maria@example.org".to_owned()],
        subject: "labpath reminder".to_owned(),
        body: text.to_owned(),
        message_id: None,
    }
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_a_clear_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = MailerConfig::new("127.0.0.1", port, "reminders@agency.example");
    let error = Mailer::new(&config)
        .unwrap()
        .send(&email("hello"))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Unreachable { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("cannot reach the SMTP server at 127.0.0.1:{port}")),
        "{text}"
    );
    assert!(text.contains("check the host and port"), "{text}");
}

#[tokio::test]
async fn the_sink_keeps_the_envelope_and_the_text_as_sent() {
    let (smtp, sink) = testing::start().await.unwrap();
    let text = ".a line that starts with a dot\n..and two\nnon-ASCII: café\n".to_owned()
        + &"a long line ".repeat(20);
    let mut two = email(&text);
    two.to.push("jun@example.org".to_owned());
    mailer(smtp).send(&two).await.unwrap();
    let got = sink.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].from, "reminders@agency.example");
    assert_eq!(got[0].to, ["maria@example.org", "jun@example.org"]);
    assert_eq!(
        got[0].text().replace("\r\n", "\n").trim_end(),
        text.trim_end()
    );
}
