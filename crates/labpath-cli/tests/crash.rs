//! `labpath person add NAME --profile FILE` killed with SIGKILL at random
//! moments: the person and their profile are one write, so after every
//! kill the data directory holds either no new person or the person with
//! the profile, never a person without one, and never the same person
//! twice. The kills are spread over the command's whole run, half of them
//! over its last part, where the store is written.
//! `LABPATH_CRASH_TRIALS` sets the number of trials (100 by default).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use labpath_store::Store;
use labpath_store_sqlite::SqliteStore;

fn profile() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles/mlt-ascp-bachelor.toml")
}

fn add(dir: &Path, name: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_labpath"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(["person", "add", name, "--profile"])
        .arg(profile())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env("RUST_BACKTRACE", "0");
    command
}

/// Checks the store after a kill; returns whether `name` was added.
async fn check(dir: &Path, name: &str, trial: usize) -> bool {
    let store = SqliteStore::open(dir)
        .await
        .expect("the store opens after a kill");
    store
        .integrity_check()
        .await
        .expect("the database is intact");
    let people = store.people(None).await.unwrap();
    store.close().await;
    for p in &people {
        assert_eq!(
            p.profile_version, 1,
            "trial {trial}: person {} ({}) was left without their profile",
            p.id, p.name
        );
    }
    let named = people.iter().filter(|p| p.name == name).count();
    assert!(
        named <= 1,
        "trial {trial}: `{name}` was added {named} times"
    );
    named == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_person_added_with_a_profile_survives_kill_9_whole_or_not_at_all() {
    let trials: usize = std::env::var("LABPATH_CRASH_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    // A run to its end creates the store and says how long a run takes.
    let started = Instant::now();
    let status = add(dir.path(), "First").status().unwrap();
    assert!(status.success(), "labpath person add runs");
    let run = started.elapsed();
    assert!(check(dir.path(), "First", 0).await);

    let mut rng = fastrand::Rng::with_seed(16);
    let (mut added, mut not_added) = (0, 0);
    for trial in 1..=trials {
        let name = format!("Trial {trial}");
        // Half the kills anywhere in a run, half in its last 40%, where
        // the store is opened and written.
        let (from, span) = if trial % 2 == 0 {
            (0.0, 1.1)
        } else {
            (0.6, 0.5)
        };
        let delay = run.mul_f64(from + span * rng.f64());
        let mut child = add(dir.path(), &name).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().ok();
        child.wait().unwrap();
        if check(dir.path(), &name, trial).await {
            added += 1;
        } else {
            not_added += 1;
        }
    }
    eprintln!(
        "{trials} kills over runs of {run:?}: {added} people added whole, {not_added} not at all"
    );
    assert!(
        added > 0 && not_added > 0,
        "the kills should fall both before and after the write ({added} added, {not_added} not)"
    );
}

/// A kill leaves no half-written person for the next command either: the
/// data directory works on as before.
#[test]
fn the_data_directory_works_on_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    assert!(add(dir.path(), "Ana").status().unwrap().success());
    let mut child = add(dir.path(), "Ben").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(30));
    child.kill().ok();
    child.wait().unwrap();
    assert!(add(dir.path(), "Cruz").status().unwrap().success());
}
