//! Durability under crashes and concurrency, through real processes.
//!
//! The crash test starts `crash-writer`, reads its acknowledgments, kills it
//! with SIGKILL at a random moment (after a random number of acknowledged
//! writes, or at a random instant, sometimes before it has opened the
//! store), then opens the store again and checks that every acknowledged
//! write is there, that the derived tables equal a replay of the log and
//! that `PRAGMA integrity_check` answers ok. 200 trials by default;
//! `LABPATH_CRASH_TRIALS=1000` for the benchmark run.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use labpath_store::Store;
use labpath_store::model::EventQuery;
use labpath_store::state::replay;
use labpath_store_sqlite::SqliteStore;

const WRITER: &str = env!("CARGO_BIN_EXE_crash-writer");

fn spawn(dir: &Path, count: u32, label: &str) -> Child {
    Command::new(WRITER)
        .arg(dir)
        .arg(count.to_string())
        .arg(label)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crash-writer starts")
}

/// Reads `ack N` lines on a thread, so the test can stop listening at any moment.
fn acks(child: &mut Child) -> mpsc::Receiver<i64> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(id) = line.strip_prefix("ack ").and_then(|n| n.parse().ok()) {
                if tx.send(id).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

/// Opens the store, checks integrity, the acknowledged ids and the replay.
async fn verify(dir: &Path, acked: &BTreeSet<i64>) -> usize {
    let store = SqliteStore::open(dir)
        .await
        .expect("the store opens after a crash");
    store
        .integrity_check()
        .await
        .expect("integrity_check is ok");
    let events = store.events(&EventQuery::default()).await.unwrap();
    let present: BTreeSet<i64> = events.iter().map(|e| e.id.get()).collect();
    let lost: Vec<_> = acked.difference(&present).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    let derived = replay(&events).expect("the log replays");
    assert_eq!(
        store.people(None).await.unwrap().len(),
        derived.people.len()
    );
    assert_eq!(
        store.reminders(None).await.unwrap().len(),
        derived.reminders.len()
    );
    store.close().await;
    events.len()
}

fn trials() -> u32 {
    std::env::var("LABPATH_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    let trials = trials();
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let mut rng = fastrand::Rng::with_seed(0x1ab_9a7);
    let mut acked = BTreeSet::new();
    let mut killed_mid_stream = 0;
    for trial in 0..trials {
        let mut child = spawn(dir.path(), 10_000, &format!("t{trial}"));
        let rx = acks(&mut child);
        if rng.bool() {
            // Kill after a random number of acknowledged writes...
            let wait_for = rng.usize(0..25);
            for _ in 0..wait_for {
                match rx.recv_timeout(Duration::from_secs(20)) {
                    Ok(id) => {
                        acked.insert(id);
                    }
                    Err(_) => panic!("trial {trial}: the writer stopped acknowledging"),
                }
            }
        } else {
            // ...or at a random instant, maybe before the store is open.
            std::thread::sleep(Duration::from_micros(rng.u64(0..40_000)));
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        // Acknowledgments already printed count too.
        while let Ok(id) = rx.recv_timeout(Duration::from_millis(200)) {
            acked.insert(id);
            killed_mid_stream += 1;
        }
        let events = runtime.block_on(verify(dir.path(), &acked));
        assert!(events >= acked.len());
    }
    eprintln!(
        "{trials} trials, {} acknowledged writes, all present; {killed_mid_stream} acknowledgments read after the kill",
        acked.len()
    );
    assert!(!acked.is_empty());
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let count = 150;
    let mut a = spawn(dir.path(), count, "a");
    let mut b = spawn(dir.path(), count, "b");
    let (ra, rb) = (acks(&mut a), acks(&mut b));
    let status_a = a.wait().unwrap();
    let status_b = b.wait().unwrap();
    let mut err = String::new();
    for child in [&mut a, &mut b] {
        if let Some(mut e) = child.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).unwrap();
        }
    }
    assert!(status_a.success() && status_b.success(), "{err}");
    let acked: BTreeSet<i64> = ra.iter().chain(rb.iter()).collect();
    assert_eq!(acked.len(), 2 * count as usize);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let events = runtime.block_on(verify(dir.path(), &acked));
    assert_eq!(events, 2 * count as usize);
}
