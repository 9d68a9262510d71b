//! The job queue on PostgreSQL beyond the contract (`crates/tests-store`,
//! `contract_jobs`, which runs on both backends): workers on OS threads of
//! their own, each with its own runtime and pool, as separate processes
//! would be, never hold the same job and together finish every job exactly
//! once. Each test has a database of its own.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::collections::BTreeSet;
use std::time::Duration;

use labpath_store::jobs::{JobId, JobQueue, NewJob};
use labpath_store_postgres::PgJobQueue;
use labpath_store_postgres::testing::TestDatabase;
use serde_json::json;

const JOBS: usize = 200;
const LEASE: Duration = Duration::from_secs(60);

/// Claims and completes until nothing is left; returns what it completed.
async fn work(queue: PgJobQueue, worker: &str) -> Vec<JobId> {
    let mut done = Vec::new();
    loop {
        let batch = queue
            .claim(worker, fastrand::u32(1..=8), LEASE)
            .await
            .unwrap();
        if batch.is_empty() {
            return done;
        }
        for job in batch {
            assert_eq!(job.attempt, 1, "job {} was claimed twice", job.id);
            queue.complete(&job).await.unwrap();
            done.push(job.id);
        }
    }
}

#[tokio::test]
async fn two_os_threads_claiming_at_once_finish_every_job_exactly_once() {
    let Some(db) = TestDatabase::create()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    else {
        return;
    };
    let queue = db.store().await.expect("a new store").jobs();
    let mut all = BTreeSet::new();
    for i in 0..JOBS {
        let job = NewJob::new("reminder-email", json!({ "reminder": i }));
        all.insert(queue.enqueue(&job).await.unwrap().id);
    }
    let config = db.config().clone();
    let thread = |worker: &'static str| {
        let config = config.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let queue = PgJobQueue::new(config.connect().await.unwrap());
                work(queue, worker).await
            })
        })
    };
    let (a, b) = (thread("thread-a"), thread("thread-b"));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    let set_a: BTreeSet<JobId> = a.iter().copied().collect();
    let set_b: BTreeSet<JobId> = b.iter().copied().collect();
    assert_eq!(
        set_a.len() + set_b.len(),
        a.len() + b.len(),
        "completed twice"
    );
    assert!(set_a.is_disjoint(&set_b), "a job was completed by both");
    assert_eq!(&set_a | &set_b, all, "a job was never completed");
    assert!(!a.is_empty() && !b.is_empty(), "one thread did everything");
}
