//! The job queue under concurrency and failure: workers on separate pools,
//! tasks and OS threads never hold the same job and together finish every
//! job exactly once; a dead worker's lease runs out and another worker takes
//! the job; failures are retried after a backoff, then given up; scheduling
//! is idempotent by dedupe key. Each test has a database of its own.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::collections::BTreeSet;
use std::time::Duration;

use labpath_store::StoreError;
use labpath_store_postgres::jobs::{Backoff, Failed, JobId, NewJob};
use labpath_store_postgres::testing::TestDatabase;
use labpath_store_postgres::{JobQueue, PgStore};
use serde_json::json;

const JOBS: usize = 200;
const LEASE: Duration = Duration::from_secs(60);

/// A migrated database, or `None` when PostgreSQL is away outside CI.
async fn database() -> Option<(TestDatabase, PgStore)> {
    let db = TestDatabase::create()
        .await
        .unwrap_or_else(|e| panic!("{e}"))?;
    let store = db.store().await.expect("a new store");
    Some((db, store))
}

/// A queue on a pool of its own, as another replica would have.
async fn replica(db: &TestDatabase) -> JobQueue {
    JobQueue::new(db.config().connect().await.expect("a second pool"))
}

async fn enqueue_many(queue: &JobQueue, n: usize) -> BTreeSet<JobId> {
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let job = NewJob::new("reminder-email", json!({ "reminder": i }));
        ids.insert(queue.enqueue(&job).await.unwrap().id);
    }
    ids
}

/// Claims and completes until nothing is left; returns what it completed.
async fn work(queue: JobQueue, worker: &str) -> Vec<JobId> {
    let mut done = Vec::new();
    loop {
        let batch = queue.claim(worker, random_batch(), LEASE).await.unwrap();
        if batch.is_empty() {
            return done;
        }
        for job in batch {
            assert_eq!(job.worker, worker);
            assert_eq!(job.attempt, 1, "job {} was claimed twice", job.id);
            tokio::task::yield_now().await;
            queue.complete(&job).await.unwrap();
            done.push(job.id);
        }
    }
}

/// Batches of 1 to 8, so the workers' claims interleave in many ways.
fn random_batch() -> u32 {
    fastrand::u32(1..=8)
}

/// Two workers' completions: disjoint, and together every job once.
async fn check_exactly_once(queue: &JobQueue, all: &BTreeSet<JobId>, a: &[JobId], b: &[JobId]) {
    let set_a: BTreeSet<JobId> = a.iter().copied().collect();
    let set_b: BTreeSet<JobId> = b.iter().copied().collect();
    assert_eq!(set_a.len(), a.len(), "worker a completed a job twice");
    assert_eq!(set_b.len(), b.len(), "worker b completed a job twice");
    assert!(
        set_a.is_disjoint(&set_b),
        "a job was completed by both workers"
    );
    assert_eq!(&(&set_a | &set_b), all, "a job was never completed");
    assert!(!a.is_empty() && !b.is_empty(), "one worker did everything");
    for id in all {
        let record = queue.job(*id).await.unwrap();
        assert!(record.done_at.is_some(), "job {id} is not done");
        assert_eq!(record.attempts, 1, "job {id} was claimed more than once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pools_claiming_at_once_finish_every_job_exactly_once() {
    let Some((db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let all = enqueue_many(&queue, JOBS).await;
    let a = tokio::spawn(work(replica(&db).await, "replica-a"));
    let b = tokio::spawn(work(replica(&db).await, "replica-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    check_exactly_once(&queue, &all, &a, &b).await;
}

#[tokio::test]
async fn two_os_threads_claiming_at_once_finish_every_job_exactly_once() {
    let Some((db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let all = enqueue_many(&queue, JOBS).await;
    let config = db.config().clone();
    let thread = |worker: &'static str| {
        let config = config.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let queue = JobQueue::new(config.connect().await.unwrap());
                work(queue, worker).await
            })
        })
    };
    let (a, b) = (thread("thread-a"), thread("thread-b"));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    check_exactly_once(&queue, &all, &a, &b).await;
}

#[tokio::test]
async fn a_dead_workers_lease_runs_out_and_another_worker_takes_the_job() {
    let Some((db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let id = queue
        .enqueue(&NewJob::new("overdue-scan", json!({})))
        .await
        .unwrap()
        .id;
    let lease = Duration::from_millis(300);
    let dead = replica(&db).await;
    let claimed = dead.claim("worker-a", 10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    drop(dead); // worker-a dies holding the lease

    let other = replica(&db).await;
    assert!(other.claim("worker-b", 10, lease).await.unwrap().is_empty());
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    let taken = other.claim("worker-b", 10, LEASE).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].id, taken[0].attempt), (id, 2));

    // worker-a's claim, finished late, is refused: one completion counts.
    let e = queue.complete(&claimed[0]).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("claimed again"), "{e}");
    other.complete(&taken[0]).await.unwrap();
    let e = other.complete(&taken[0]).await.unwrap_err();
    assert!(e.to_string().contains("already completed"), "{e}");
    let record = queue.job(id).await.unwrap();
    assert!(record.done_at.is_some());
    assert_eq!(record.locked_by.as_deref(), Some("worker-b"));
    assert_eq!(record.attempts, 2);
}

#[tokio::test]
async fn a_lease_that_runs_out_on_the_last_attempt_gives_the_job_up() {
    let Some((_db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let job = NewJob::new("reminder-email", json!({})).max_attempts(1);
    let id = queue.enqueue(&job).await.unwrap().id;
    let lease = Duration::from_millis(200);
    assert_eq!(queue.claim("worker-a", 1, lease).await.unwrap().len(), 1);
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    assert!(queue.claim("worker-b", 1, LEASE).await.unwrap().is_empty());
    let record = queue.job(id).await.unwrap();
    assert!(record.failed_at.is_some());
    assert!(
        record
            .last_error
            .as_deref()
            .unwrap()
            .contains("`worker-a` expired on the last attempt")
    );
}

#[tokio::test]
async fn a_failed_job_is_retried_after_a_backoff_then_given_up() {
    let Some((_db, store)) = database().await else {
        return;
    };
    let backoff = Backoff {
        base: Duration::from_millis(300),
        max: Duration::from_secs(1),
    };
    let queue = store.jobs().with_backoff(backoff);
    let job = NewJob::new("reminder-email", json!({ "to": "maria@example.org" })).max_attempts(2);
    let id = queue.enqueue(&job).await.unwrap().id;

    let first = queue.claim("w", 1, LEASE).await.unwrap().remove(0);
    let Failed::Retry { at } = queue.fail(&first, "smtp: 421 try later").await.unwrap() else {
        panic!("the first failure gives up");
    };
    let record = queue.job(id).await.unwrap();
    assert_eq!(record.run_at, at);
    assert_eq!(record.last_error.as_deref(), Some("smtp: 421 try later"));
    assert_eq!(record.locked_by, None);
    assert!(
        queue.claim("w", 1, LEASE).await.unwrap().is_empty(),
        "retried before the backoff"
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = queue.claim("w", 1, LEASE).await.unwrap().remove(0);
    assert_eq!(second.attempt, 2);
    assert_eq!(
        queue.fail(&second, "smtp: 550 no such user").await.unwrap(),
        Failed::GaveUp
    );
    let record = queue.job(id).await.unwrap();
    assert!(record.failed_at.is_some() && record.done_at.is_none());
    assert_eq!(record.last_error.as_deref(), Some("smtp: 550 no such user"));
    assert!(queue.claim("w", 1, LEASE).await.unwrap().is_empty());
}

#[test]
fn the_backoff_doubles_up_to_its_limit() {
    let b = Backoff::default();
    let secs: Vec<u64> = (1..=9).map(|n| b.after(n).as_secs()).collect();
    assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    assert_eq!(b.after(u32::MAX).as_secs(), 3600);
}

#[tokio::test]
async fn two_replicas_scheduling_the_same_reminder_create_one_job() {
    let Some((db, store)) = database().await else {
        return;
    };
    let (a, b) = (replica(&db).await, replica(&db).await);
    let job = NewJob::new("reminder-email", json!({ "reminder": 42 }))
        .dedupe("reminder-email:42:2026-05-01");
    let (x, y) = tokio::join!(a.enqueue(&job), b.enqueue(&job));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.id, y.id);
    assert!(
        x.created != y.created,
        "exactly one call creates it: {x:?} {y:?}"
    );
    // Done or not, the key stays taken: the email is never sent twice.
    let claimed = a.claim("w", 10, LEASE).await.unwrap();
    assert_eq!(claimed.len(), 1);
    a.complete(&claimed[0]).await.unwrap();
    assert!(!store.jobs().enqueue(&job).await.unwrap().created);
    // Without a key, every call adds a job.
    let plain = NewJob::new("overdue-scan", json!({}));
    assert_ne!(
        a.enqueue(&plain).await.unwrap().id,
        a.enqueue(&plain).await.unwrap().id
    );
}

#[tokio::test]
async fn a_job_is_not_claimed_before_it_is_due() {
    let Some((_db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let tomorrow = labpath_store::time::Timestamp::parse("2999-01-01T00:00:00Z").unwrap();
    let later = NewJob::new("reminder-email", json!({})).at(tomorrow);
    queue.enqueue(&later).await.unwrap();
    let now = queue
        .enqueue(&NewJob::new("overdue-scan", json!({})))
        .await
        .unwrap();
    let claimed = queue.claim("w", 10, LEASE).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [now.id]);
    assert_eq!(claimed[0].kind, "overdue-scan");
}

#[tokio::test]
async fn a_worker_of_one_kind_leaves_the_other_kinds_alone() {
    let Some((_db, store)) = database().await else {
        return;
    };
    let queue = store.jobs();
    let scan = queue
        .enqueue(&NewJob::new("overdue-scan", json!({})))
        .await
        .unwrap();
    let email = queue
        .enqueue(&NewJob::new("reminder-email", json!({})))
        .await
        .unwrap();
    let claimed = queue
        .claim_kind("reminder-email", "mailer", 10, LEASE)
        .await
        .unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [email.id]);
    assert!(
        queue
            .claim_kind("reminder-email", "mailer", 10, LEASE)
            .await
            .unwrap()
            .is_empty()
    );
    let rest = queue.claim("any", 10, LEASE).await.unwrap();
    assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), [scan.id]);
}
