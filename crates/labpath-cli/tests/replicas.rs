//! `labpath serve` processes sending reminder emails every second to one
//! SMTP sink: each due reminder arrives exactly once, to its person's
//! candidate accounts, and nothing else does (reminders not yet due,
//! reminders done, a person without an account).
//!
//! - Two servers on one PostgreSQL database; both then stop cleanly on
//!   SIGTERM. Skips when PostgreSQL is unreachable, except in CI
//!   (`CI=true`).
//! - A server on an SQLite data directory, stopped and started again: what
//!   was sent before the restart is not sent again, and a reminder that
//!   falls due in between is sent once, with a second server on the same
//!   file beside it.
//! - Local mode refuses `--smtp`: nobody there has an account to write to.

#![cfg(unix)]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use labpath_engine::units::Date;
use labpath_notify::testing::{Received, Sink};
use labpath_server::serve::{Database, open};
use labpath_server::state::Db;
use labpath_store::accounts::{NewUser, Role};
use labpath_store::ids::{OrgId, PersonId};
use labpath_store::ops;
use labpath_store_postgres::testing::TestDatabase;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// How many people have a candidate account and three due reminders each.
const CANDIDATES: usize = 8;

/// The actor recorded on the test's changes.
const ACTOR: &str = "replicas-test";

/// A `labpath serve` process, killed (SIGKILL) if the test ends without
/// stopping it, a panic included.
struct Replica {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Replica {
    /// Starts `labpath serve` on a free loopback port and waits until it
    /// listens (it prints its address once the listener is bound).
    async fn start(database_url: &str, smtp: &str) -> Replica {
        let mut child = Command::new(env!("CARGO_BIN_EXE_labpath"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url"])
            .arg(database_url)
            .args(["--smtp", smtp, "--smtp-from", "labpath@agency.example"])
            .args(["--mail-every", "1"])
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("labpath serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut text = String::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = err.read(&mut buf).await {
                text.push_str(&String::from_utf8_lossy(&buf[..n]));
                sink.lock().unwrap().clone_from(&text);
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("labpath serve says where it listens within 30 s")
            .unwrap()
            .unwrap_or_default();
        let Some((_, url)) = line.split_once("http://") else {
            panic!(
                "labpath serve printed {line:?}; stderr:\n{}",
                stderr.lock().unwrap()
            );
        };
        let addr = url.trim_end_matches('/').to_owned();
        Replica {
            child,
            addr,
            stderr,
        }
    }

    /// What the process wrote to stderr so far.
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// `GET /api/health` over a plain HTTP/1.1 connection: the status line
    /// and the body.
    async fn health(&self) -> String {
        let mut stream = tokio::net::TcpStream::connect(&self.addr).await.unwrap();
        let request = format!(
            "GET /api/health HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    /// Sends SIGTERM and waits for the process to exit by itself.
    async fn stop(mut self) {
        let pid = self.child.id().expect("the server is still running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
        let status = tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "labpath serve ({pid}) did not stop within 15 s of SIGTERM; stderr:\n{}",
                    self.stderr()
                )
            })
            .unwrap();
        assert!(
            status.success(),
            "labpath serve ({pid}) exited with {status} after SIGTERM; stderr:\n{}",
            self.stderr()
        );
    }
}

/// An email the test expects: to whom, about what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    to: Vec<String>,
    what: String,
}

/// The people and reminders; returns the emails due, and the reminders
/// that must not be emailed.
async fn records(db: &dyn Db, org: OrgId) -> (Vec<Expected>, Vec<String>) {
    let today = Date::today();
    let hash = labpath_app::accounts::hash_password("candidate-password".to_owned())
        .await
        .unwrap();
    let mut due = Vec::new();
    let mut silent = Vec::new();
    for i in 0..CANDIDATES {
        let person = ops::add_person(db, ACTOR, &format!("Candidate {i}"), Some(org))
            .await
            .unwrap()
            .id;
        let email = format!("candidate{i}@example.org");
        account(db, org, person, &email, &hash).await;
        for (tag, days) in [("a", -30), ("b", -3), ("c", 0)] {
            let what = format!("task {i}{tag}: send the transcript");
            reminder(db, person, today.add_days(days), &what).await;
            due.push(Expected {
                to: vec![email.clone()],
                what,
            });
        }
        let later = format!("task {i}-later: not yet");
        reminder(db, person, today.add_days(5), &later).await;
        let done = format!("task {i}-done: already done");
        let r = reminder(db, person, today.add_days(-2), &done).await;
        ops::complete_reminder(db, ACTOR, r, today.add_days(-1))
            .await
            .unwrap();
        silent.extend([later, done]);
    }
    // Two accounts on one person: one email, to both.
    let dee = ops::add_person(db, ACTOR, "Dee", Some(org))
        .await
        .unwrap()
        .id;
    account(db, org, dee, "dee@example.org", &hash).await;
    account(db, org, dee, "dee.guardian@example.org", &hash).await;
    let what = "task dee: renew the visa".to_owned();
    reminder(db, dee, today.add_days(-1), &what).await;
    due.push(Expected {
        to: vec![
            "dee.guardian@example.org".to_owned(),
            "dee@example.org".to_owned(),
        ],
        what,
    });
    // Nobody to write to.
    let noa = ops::add_person(db, ACTOR, "Noa", Some(org))
        .await
        .unwrap()
        .id;
    let what = "task noa: nobody reads this".to_owned();
    reminder(db, noa, today.add_days(-1), &what).await;
    silent.push(what);
    (due, silent)
}

async fn account(db: &dyn Db, org: OrgId, person: PersonId, email: &str, hash: &str) {
    db.create_user(&NewUser {
        org,
        email: email.to_owned(),
        name: email.to_owned(),
        role: Role::Candidate,
        person: Some(person),
        password_hash: hash.to_owned(),
    })
    .await
    .unwrap();
}

async fn reminder(
    db: &dyn Db,
    person: PersonId,
    due: Date,
    what: &str,
) -> labpath_store::ids::EventId {
    ops::add_reminder(db, ACTOR, person, None, due, what)
        .await
        .unwrap()
        .id
}

/// `labpath org add`, as an operator runs it.
fn add_organization(database_url: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args([
            "org",
            "add",
            "Agency",
            "--admin-email",
            "admin@agency.example",
        ])
        .args(["--database-url", database_url])
        .env("LABPATH_ADMIN_PASSWORD", "quartz meadow lantern 81")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "labpath org add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The reminder an email is about (its subject after `labpath reminder: `),
/// and its sorted recipients.
fn received(message: &Received) -> Expected {
    let subject = message.subject().unwrap_or_default();
    let what = subject
        .strip_prefix("labpath reminder: ")
        .unwrap_or(&subject)
        .to_owned();
    let mut to = message.to.clone();
    to.sort();
    Expected { to, what }
}

/// Checks what the sink got against what was due: each once, nothing else.
fn check(got: &[Received], due: &[Expected], silent: &[String], logs: &str) {
    let mut counts: BTreeMap<Expected, usize> = BTreeMap::new();
    for message in got {
        *counts.entry(received(message)).or_default() += 1;
        let what = received(message).what;
        assert!(
            message.text().contains(&what),
            "the body names the reminder `{what}`"
        );
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:#?}\n{logs}");
    let wanted: BTreeSet<&Expected> = due.iter().collect();
    let sent: BTreeSet<&Expected> = counts.keys().collect();
    let missing: Vec<_> = wanted.difference(&sent).collect();
    let extra: Vec<_> = sent.difference(&wanted).collect();
    assert!(missing.is_empty(), "never sent: {missing:#?}\n{logs}");
    assert!(extra.is_empty(), "sent but not due: {extra:#?}\n{logs}");
    for what in silent {
        assert!(!counts.keys().any(|e| &e.what == what), "sent `{what}`");
    }
    let ids: BTreeSet<_> = got.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), got.len(), "each email has its own Message-ID");
}

async fn replicas_and_sink(url: &str) -> (Sink, [Replica; 2]) {
    let (smtp, sink) = labpath_notify::testing::start().await.unwrap();
    let smtp = smtp.to_string();
    let a = Replica::start(url, &smtp).await;
    let b = Replica::start(url, &smtp).await;
    assert_ne!(a.addr, b.addr);
    (sink, [a, b])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_send_each_due_reminder_exactly_once() {
    let Some(test_db) = TestDatabase::create().await.unwrap() else {
        return;
    };
    let url = labpath_server::testing::postgres_url(&test_db);
    add_organization(&url);
    let opened = open(&Database::Postgres(url.clone())).await.unwrap();
    let org = opened.db.organizations().await.unwrap()[0].id;
    let (due, silent) = records(&*opened.db, org).await;

    let (sink, replicas) = replicas_and_sink(&url).await;
    // Both replicas answer on the same database (health shows no counts
    // in server mode: it needs no session).
    assert_eq!(
        opened.db.people(Some(org)).await.unwrap().len(),
        CANDIDATES + 2
    );
    for replica in &replicas {
        let health = replica.health().await;
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        assert!(health.contains("\"status\":\"ok\""), "{health}");
    }
    let [a, b] = &replicas;
    settle(&sink, due.len(), &due, &silent, &[a, b]).await;
    for replica in replicas {
        replica.stop().await;
    }
}

/// Waits until the sink holds `n` emails (at most 60 s), gives the
/// servers a few more rounds (they send every second) in which nothing new
/// may arrive, and checks what arrived and that no worker failed.
async fn settle(sink: &Sink, n: usize, due: &[Expected], silent: &[String], replicas: &[&Replica]) {
    let logs = || {
        replicas
            .iter()
            .map(|r| format!("--- {} stderr:\n{}", r.addr, r.stderr()))
            .collect::<String>()
    };
    let got = sink.wait_for(n, Duration::from_secs(60)).await;
    assert!(
        got.len() >= n,
        "{} of {n} emails arrived within 60 s\n{}",
        got.len(),
        logs()
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    check(&sink.messages(), due, silent, &logs());
    let logs = logs();
    assert!(
        !logs.contains("failed"),
        "a worker reported a failure:\n{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_mode_on_sqlite_sends_each_due_reminder_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().display());
    add_organization(&url);
    let opened = open(&Database::from_url(&url).unwrap()).await.unwrap();
    let org = opened.db.organizations().await.unwrap()[0].id;
    let (mut due, silent) = records(&*opened.db, org).await;
    let (smtp, sink) = labpath_notify::testing::start().await.unwrap();
    let smtp = smtp.to_string();

    let first = Replica::start(&url, &smtp).await;
    settle(&sink, due.len(), &due, &silent, &[&first]).await;
    first.stop().await;

    // While it is stopped, a reminder falls due (recorded, as a user
    // would, in the same file).
    let person = opened.db.people(Some(org)).await.unwrap()[0].id;
    let what = "task after the restart: call the board".to_owned();
    reminder(&*opened.db, person, Date::today(), &what).await;
    due.push(Expected {
        to: vec!["candidate0@example.org".to_owned()],
        what,
    });
    let again = Replica::start(&url, &smtp).await;
    let beside = Replica::start(&url, &smtp).await;
    settle(&sink, due.len(), &due, &silent, &[&again, &beside]).await;
    again.stop().await;
    beside.stop().await;
}

#[tokio::test]
async fn local_mode_refuses_reminder_emails_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_labpath"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--smtp", "127.0.0.1:25"])
        .env_remove("LABPATH_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("local mode has none")
            && stderr.contains("--database-url sqlite:DIR or postgres://"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "it must not start listening");
}
