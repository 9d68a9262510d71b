//! The job queue for background work (reminder emails today): the
//! interface (`JobQueue`) and its records. Each backend implements it in its
//! own database (SQLite, PostgreSQL); the contract suite in
//! `crates/tests-store` runs the same behaviours on both.
//!
//! The queue is labpath's own, a table in the store's database, rather than
//! a message broker or a hosted queue: a job sits beside the records it was
//! made from, in the same database, so one backup holds both, a job can be
//! added in the same transaction as the records it follows from, and
//! nobody running labpath (a person with one SQLite file, or an agency's
//! replicas) runs or pays for an extra service. Reminders are a few jobs a
//! person a day, far below what a table serves.
//!
//! - `enqueue` adds a job, due now or later. A job with a dedupe key is
//!   added once, ever: two replicas scheduling the same reminder create one
//!   job, and a reminder already sent is not scheduled again.
//! - `claim` takes up to `limit` due jobs for a worker, under a lease: no
//!   other claim takes a job until its lease ends. A worker that dies lets
//!   its lease run out, and the job is claimed again; a lease that runs out
//!   on the last allowed attempt gives the job up. `claim_kind` claims jobs
//!   of one kind only, so each worker takes only the work it knows.
//! - `complete` and `fail` finish a claim. A failed job is retried after a
//!   `Backoff` until `max_attempts` claims were made, then given up
//!   (`failed_at`, with the last error). Both refuse (`Conflict`) a claim
//!   whose lease expired and was taken over by another claim: the attempt
//!   number is the lease's fencing token.
//!
//! Delivery is at least once: a worker that did the work but died before
//! `complete` leaves the job to be done again, so handlers make their effect
//! idempotent (the job id or its dedupe key is a good key). What the queue
//! guarantees is that two live leases never cover one job, and that one
//! completion is recorded. Every time is the store's clock (`Conn::now` in
//! `labpath-store-sql`): the database server's on PostgreSQL, so replicas
//! with skewed clocks agree on what is due.

use std::time::Duration;

use async_trait::async_trait;

use crate::error::StoreError;
use crate::time::Timestamp;

/// A job's id.
pub type JobId = i64;

/// A job to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do, e.g. `reminder-email`.
    pub kind: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// Due from (`None`: now).
    pub run_at: Option<Timestamp>,
    /// Scheduling the same key again adds nothing (`None`: never deduplicated).
    pub dedupe_key: Option<String>,
    /// Claims before it is given up (at least 1; default 5).
    pub max_attempts: u32,
}

impl NewJob {
    /// A job due now, tried up to 5 times.
    pub fn new(kind: &str, payload: serde_json::Value) -> Self {
        NewJob {
            kind: kind.to_owned(),
            payload,
            run_at: None,
            dedupe_key: None,
            max_attempts: 5,
        }
    }

    /// Due from `at`.
    pub fn at(mut self, at: Timestamp) -> Self {
        self.run_at = Some(at);
        self
    }

    /// Added once per `key`, ever (e.g. `reminder-email:42:2026-05-01`).
    pub fn dedupe(mut self, key: &str) -> Self {
        self.dedupe_key = Some(key.to_owned());
        self
    }

    /// Tried at most `n` times.
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }
}

/// What `enqueue` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    /// The job (the existing one, when the dedupe key was taken).
    pub id: JobId,
    /// Whether this call added it.
    pub created: bool,
}

/// A claimed job: what to do, and the lease that lets its worker finish it.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Id.
    pub id: JobId,
    /// What to do.
    pub kind: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// This claim's number: 1 for the first, 2 for the first retry, ...
    pub attempt: u32,
    /// Claims before it is given up.
    pub max_attempts: u32,
    /// The worker holding it.
    pub worker: String,
    /// When the lease ends; after that another worker may claim it.
    pub locked_until: Timestamp,
}

/// What `fail` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    /// The job will be claimed again from this time.
    Retry {
        /// Due again from.
        at: Timestamp,
    },
    /// That was the last attempt: the job is given up.
    GaveUp,
}

/// A job as stored, for inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Id.
    pub id: JobId,
    /// What to do.
    pub kind: String,
    /// Its data.
    pub payload: serde_json::Value,
    /// Dedupe key.
    pub dedupe_key: Option<String>,
    /// Due from.
    pub run_at: Timestamp,
    /// Claims so far.
    pub attempts: u32,
    /// Claims allowed.
    pub max_attempts: u32,
    /// The worker that holds it or last held it.
    pub locked_by: Option<String>,
    /// When its lease ends.
    pub locked_until: Option<Timestamp>,
    /// When it was completed.
    pub done_at: Option<Timestamp>,
    /// When it was given up.
    pub failed_at: Option<Timestamp>,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// How long to wait before retrying a failed job: `base` after the first
/// attempt, doubling with each attempt, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt.
    pub base: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    /// 30 seconds, then 1, 2, 4 minutes ..., at most an hour.
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.base.saturating_mul(1 << doublings).min(self.max)
    }
}

/// A job queue in a store's database. Implementations are cheap to clone
/// handles on the store's connections, each with its retry `Backoff`.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Adds a job, unless one with its dedupe key exists (then says which).
    async fn enqueue(&self, job: &NewJob) -> Result<Enqueued, StoreError>;

    /// Claims up to `limit` due jobs (of `kind`, or of any kind) for
    /// `worker`, each under a lease of `lease`, oldest due first, in one
    /// transaction no other claim can interleave with. Jobs whose lease ran
    /// out on their last allowed attempt are given up on the way.
    async fn claim_due(
        &self,
        kind: Option<&str>,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError>;

    /// Records that a claimed job was done.
    async fn complete(&self, job: &Job) -> Result<(), StoreError>;

    /// Records that a claimed job failed: it is retried after the backoff,
    /// or given up when that was its last attempt.
    async fn fail(&self, job: &Job, error: &str) -> Result<Failed, StoreError>;

    /// A job as stored.
    async fn job(&self, id: JobId) -> Result<JobRecord, StoreError>;

    /// Claims due jobs of any kind (see `claim_due`).
    async fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        self.claim_due(None, worker, limit, lease).await
    }

    /// Claims due jobs of one kind only: a worker that knows how to send
    /// reminder emails leaves the other kinds to their own workers.
    async fn claim_kind(
        &self,
        kind: &str,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        self.claim_due(Some(kind), worker, limit, lease).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_its_limit() {
        let b = Backoff::default();
        let secs: Vec<u64> = (1..=9).map(|n| b.after(n).as_secs()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(b.after(u32::MAX).as_secs(), 3600);
    }
}
