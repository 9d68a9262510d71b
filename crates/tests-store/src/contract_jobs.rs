//! The job queue's half of the contract (`labpath_store::JobQueue`): one
//! function per behaviour, each taking `Replicas`, which opens queues on
//! the same fresh database through connection pools of their own, as
//! replicas (or processes) of a server do. Workers never hold the same job
//! and together finish every job once; a dead worker's lease runs out and
//! another worker takes the job; a failure is retried after the backoff,
//! then given up; scheduling is idempotent by dedupe key.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::jobs::{Backoff, Enqueued, Failed, JobId, JobQueue, NewJob};
use labpath_store::time::Timestamp;
use serde_json::json;

/// Opens queues on one store's database.
#[async_trait]
pub trait Replicas: Send + Sync {
    /// A queue on a connection pool of its own, retrying failed jobs after
    /// `backoff`.
    async fn queue(&self, backoff: Backoff) -> Box<dyn JobQueue>;
}

/// How many jobs two workers race for.
const JOBS: usize = 100;
/// A lease no test outlives.
const LEASE: Duration = Duration::from_secs(60);

async fn queue(replicas: &dyn Replicas) -> Box<dyn JobQueue> {
    replicas.queue(Backoff::default()).await
}

async fn add(queue: &dyn JobQueue, job: NewJob) -> Enqueued {
    queue.enqueue(&job).await.unwrap()
}

async fn enqueue_many(queue: &dyn JobQueue, n: usize) -> BTreeSet<JobId> {
    let mut ids = BTreeSet::new();
    for i in 0..n {
        let job = NewJob::new("reminder-email", json!({ "reminder": i }));
        ids.insert(queue.enqueue(&job).await.unwrap().id);
    }
    ids
}

/// Claims and completes until nothing is left; returns what it completed.
async fn work(queue: Box<dyn JobQueue>, worker: &'static str) -> Vec<JobId> {
    let mut done = Vec::new();
    loop {
        let batch = queue.claim(worker, fastrand::u32(1..=8), LEASE).await;
        let batch = batch.unwrap();
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

/// Two workers on pools of their own, claiming batches of 1 to 8 at once,
/// never hold the same job and together complete every job once.
pub async fn two_workers_claiming_at_once_finish_every_job_exactly_once(replicas: &dyn Replicas) {
    let queue = queue(replicas).await;
    let all = enqueue_many(&*queue, JOBS).await;
    let a = tokio::spawn(work(self::queue(replicas).await, "replica-a"));
    let b = tokio::spawn(work(self::queue(replicas).await, "replica-b"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let set_a: BTreeSet<JobId> = a.iter().copied().collect();
    let set_b: BTreeSet<JobId> = b.iter().copied().collect();
    assert_eq!(set_a.len(), a.len(), "worker a completed a job twice");
    assert_eq!(set_b.len(), b.len(), "worker b completed a job twice");
    assert!(set_a.is_disjoint(&set_b), "a job was completed by both");
    assert_eq!(&(&set_a | &set_b), &all, "a job was never completed");
    for id in &all {
        let record = queue.job(*id).await.unwrap();
        assert!(record.done_at.is_some(), "job {id} is not done");
        assert_eq!(record.attempts, 1, "job {id} was claimed more than once");
    }
}

/// A worker that dies holding a lease keeps the job from others until the
/// lease runs out; then another worker takes it, and the dead worker's
/// claim, finished late, is refused: one completion counts.
pub async fn a_dead_workers_lease_runs_out_and_another_worker_takes_the_job(
    replicas: &dyn Replicas,
) {
    let queue = queue(replicas).await;
    let job = NewJob::new("overdue-scan", json!({}));
    let id = queue.enqueue(&job).await.unwrap().id;
    let lease = Duration::from_millis(300);
    let dead = self::queue(replicas).await;
    let claimed = dead.claim("worker-a", 10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id, claimed[0].attempt), (id, 1));
    drop(dead); // worker-a dies holding the lease

    let other = self::queue(replicas).await;
    let early = other.claim("worker-b", 10, lease).await.unwrap();
    assert!(early.is_empty(), "taken while its lease held: {early:?}");
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    let taken = other.claim("worker-b", 10, LEASE).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].id, taken[0].attempt), (id, 2));

    let e = queue.complete(&claimed[0]).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("claimed again"), "{e}");
    let e = queue.fail(&claimed[0], "late").await.unwrap_err();
    assert!(e.to_string().contains("claimed again"), "{e}");
    other.complete(&taken[0]).await.unwrap();
    let e = other.complete(&taken[0]).await.unwrap_err();
    assert!(e.to_string().contains("already completed"), "{e}");
    let record = queue.job(id).await.unwrap();
    assert!(record.done_at.is_some());
    assert_eq!(record.locked_by.as_deref(), Some("worker-b"));
    assert_eq!(record.attempts, 2);
}

/// A lease that runs out on the job's last allowed attempt gives it up:
/// the worker died every time, and no claim may follow.
pub async fn a_lease_that_runs_out_on_the_last_attempt_gives_the_job_up(replicas: &dyn Replicas) {
    let queue = queue(replicas).await;
    let job = NewJob::new("reminder-email", json!({})).max_attempts(1);
    let id = queue.enqueue(&job).await.unwrap().id;
    let lease = Duration::from_millis(200);
    assert_eq!(queue.claim("worker-a", 1, lease).await.unwrap().len(), 1);
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    assert!(queue.claim("worker-b", 1, LEASE).await.unwrap().is_empty());
    let record = queue.job(id).await.unwrap();
    assert!(record.failed_at.is_some() && record.done_at.is_none());
    let error = record.last_error.unwrap_or_default();
    assert!(
        error.contains("`worker-a` expired on the last attempt"),
        "{error}"
    );
}

/// A failed job is claimed again only after the backoff, then given up
/// after its last attempt, with the last error kept.
pub async fn a_failed_job_is_retried_after_a_backoff_then_given_up(replicas: &dyn Replicas) {
    let backoff = Backoff {
        base: Duration::from_millis(300),
        max: Duration::from_secs(1),
    };
    let queue = replicas.queue(backoff).await;
    let job = NewJob::new("reminder-email", json!({ "to": "maria@example.org" })).max_attempts(2);
    let id = queue.enqueue(&job).await.unwrap().id;

    let first = queue.claim("w", 1, LEASE).await.unwrap().remove(0);
    let failed = queue.fail(&first, "smtp: 421 try later").await.unwrap();
    let Failed::Retry { at } = failed else {
        panic!("the first failure gave the job up");
    };
    let record = queue.job(id).await.unwrap();
    assert_eq!(record.run_at, at);
    assert_eq!(record.last_error.as_deref(), Some("smtp: 421 try later"));
    assert_eq!(record.locked_by, None);
    assert!(record.failed_at.is_none());
    let early = queue.claim("w", 1, LEASE).await.unwrap();
    assert!(early.is_empty(), "retried before the backoff: {early:?}");

    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = queue.claim("w", 1, LEASE).await.unwrap().remove(0);
    assert_eq!((second.id, second.attempt), (id, 2));
    let failed = queue.fail(&second, "smtp: 550 no such user").await.unwrap();
    assert_eq!(failed, Failed::GaveUp);
    let record = queue.job(id).await.unwrap();
    assert!(record.failed_at.is_some() && record.done_at.is_none());
    assert_eq!(record.last_error.as_deref(), Some("smtp: 550 no such user"));
    assert!(queue.claim("w", 1, LEASE).await.unwrap().is_empty());
    let e = queue.fail(&second, "again").await.unwrap_err();
    assert!(e.to_string().contains("was given up"), "{e}");
}

/// Two replicas scheduling the same key at once create one job, and the
/// key stays taken once the job is done; a job without a key is added
/// every time.
pub async fn a_dedupe_key_is_enqueued_once_ever(replicas: &dyn Replicas) {
    let (a, b) = (queue(replicas).await, queue(replicas).await);
    let job = NewJob::new("reminder-email", json!({ "reminder": 42 }))
        .dedupe("reminder-email:42:2026-05-01");
    let (x, y) = tokio::join!(a.enqueue(&job), b.enqueue(&job));
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x.id, y.id);
    assert!(
        x.created != y.created,
        "exactly one creates it: {x:?} {y:?}"
    );
    let claimed = a.claim("w", 10, LEASE).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [x.id]);
    a.complete(&claimed[0]).await.unwrap();
    let again = b.enqueue(&job).await.unwrap();
    assert_eq!((again.id, again.created), (x.id, false));
    assert_eq!(
        a.job(x.id).await.unwrap().payload,
        json!({ "reminder": 42 })
    );
    let plain = NewJob::new("overdue-scan", json!({}));
    let (p, q) = (
        a.enqueue(&plain).await.unwrap(),
        a.enqueue(&plain).await.unwrap(),
    );
    assert!(p.created && q.created && p.id != q.id, "{p:?} {q:?}");
}

/// A job due later is left until then; a claim takes jobs oldest due
/// first.
pub async fn a_job_is_not_claimed_before_it_is_due(replicas: &dyn Replicas) {
    let queue = queue(replicas).await;
    let at = |t: &str| Timestamp::parse(t).unwrap();
    let later = NewJob::new("reminder-email", json!({})).at(at("2999-01-01T00:00:00Z"));
    queue.enqueue(&later).await.unwrap();
    let newer = add(&*queue, NewJob::new("overdue-scan", json!({ "n": 1 }))).await;
    let older = NewJob::new("overdue-scan", json!({ "n": 2 })).at(at("2020-01-01T00:00:00Z"));
    let older = queue.enqueue(&older).await.unwrap();
    let claimed = queue.claim("w", 10, LEASE).await.unwrap();
    let ids: Vec<JobId> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(ids, [older.id, newer.id]);
    assert_eq!(claimed[0].kind, "overdue-scan");
    assert_eq!(claimed[0].payload, json!({ "n": 2 }));
}

/// A worker of one kind takes only that kind.
pub async fn a_worker_of_one_kind_leaves_the_other_kinds_alone(replicas: &dyn Replicas) {
    let queue = queue(replicas).await;
    let scan = add(&*queue, NewJob::new("overdue-scan", json!({}))).await;
    let email = add(&*queue, NewJob::new("reminder-email", json!({}))).await;
    let mine = queue.claim_kind("reminder-email", "mailer", 10, LEASE);
    let mine: Vec<JobId> = mine.await.unwrap().iter().map(|j| j.id).collect();
    assert_eq!(mine, [email.id]);
    let more = queue.claim_kind("reminder-email", "mailer", 10, LEASE);
    assert!(more.await.unwrap().is_empty());
    let rest = queue.claim("any", 10, LEASE).await.unwrap();
    assert_eq!(rest.iter().map(|j| j.id).collect::<Vec<_>>(), [scan.id]);
}

/// A job without a kind, a worker without a name and an unknown job are
/// refused with what is wrong.
pub async fn a_nameless_job_or_worker_is_refused(replicas: &dyn Replicas) {
    let queue = queue(replicas).await;
    let e = queue
        .enqueue(&NewJob::new(" ", json!({})))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("a job needs a kind"), "{e}");
    let e = queue.claim("", 1, LEASE).await.unwrap_err();
    assert!(e.to_string().contains("a worker needs a name"), "{e}");
    let e = queue.job(999_999).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
}
