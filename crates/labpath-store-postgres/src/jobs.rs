//! A job queue in PostgreSQL for background work: reminder emails, overdue
//! scans. Any number of workers, in any number of replicas, share it.
//!
//! - `enqueue` adds a job, due now or later. A job with a dedupe key is
//!   added once: two replicas scheduling the same reminder create one job.
//! - `claim` takes up to `limit` due jobs for a worker, under a lease: in one
//!   transaction it selects them `FOR UPDATE SKIP LOCKED` (two workers never
//!   wait for or take the same row) and marks them locked by the worker
//!   until the lease ends. A worker that dies lets its lease run out, and
//!   the job is claimed again. `claim_kind` claims jobs of one kind only,
//!   so each kind of worker takes only the work it knows how to do.
//! - `complete` and `fail` finish a claim. A failed job is retried after an
//!   exponential backoff until `max_attempts` claims have been made, then
//!   given up (`failed_at`, with the last error). Both refuse (`Conflict`)
//!   a claim whose lease expired and was taken over by another claim.
//!
//! Delivery is at least once: a worker that did the work but died before
//! `complete` leaves the job to be done again, so handlers make their effect
//! idempotent (the job id is a good key). What the queue guarantees is that
//! two live leases never cover one job, and that one completion is recorded.
//!
//! Every time is the database's `now()`, so replicas with skewed clocks
//! agree on what is due and which leases have expired.

use std::time::Duration;

use chrono::{DateTime, Utc};
use labpath_store::StoreError;
use labpath_store::time::Timestamp;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;
use sqlx::{Postgres, Row, Transaction};

use crate::convert::{db_error, pg_time, time};

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

/// The job queue.
#[derive(Debug, Clone)]
pub struct JobQueue {
    pool: PgPool,
    backoff: Backoff,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn small(column: &str, n: i32) -> Result<u32, StoreError> {
    crate::convert::count(column, n)
}

fn opt_time(column: &str, t: Option<DateTime<Utc>>) -> Result<Option<Timestamp>, StoreError> {
    t.map(|t| time(column, t)).transpose()
}

fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    row.try_get::<T, _>(column)
        .map_err(|e| db_error(&format!("reading the job's `{column}`"), e))
}

impl JobQueue {
    /// The queue in the database `pool` reaches (migrated by `PgStore`).
    pub fn new(pool: PgPool) -> Self {
        JobQueue {
            pool,
            backoff: Backoff::default(),
        }
    }

    /// With another retry backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Adds a job, unless one with its dedupe key exists.
    pub async fn enqueue(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        if job.kind.trim().is_empty() {
            return Err(StoreError::Invalid("a job needs a kind".to_owned()));
        }
        let max_attempts = i32::try_from(job.max_attempts.max(1)).unwrap_or(i32::MAX);
        let inserted: Option<(JobId,)> = sqlx::query_as(
            "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts) \
             VALUES ($1, $2, $3, COALESCE($4, now()), $5) \
             ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        )
        .bind(&job.kind)
        .bind(Json(&job.payload))
        .bind(&job.dedupe_key)
        .bind(job.run_at.map(pg_time))
        .bind(max_attempts)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error("adding a job", e))?;
        if let Some((id,)) = inserted {
            return Ok(Enqueued { id, created: true });
        }
        // The key was taken; by a committed job, since ON CONFLICT waits
        // for a concurrent insert of the same key to finish.
        let existing: (JobId,) = sqlx::query_as("SELECT id FROM jobs WHERE dedupe_key = $1")
            .bind(&job.dedupe_key)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| db_error("finding a job by its dedupe key", e))?;
        Ok(Enqueued {
            id: existing.0,
            created: false,
        })
    }

    /// Claims up to `limit` due jobs for `worker`, each under a lease of
    /// `lease`, oldest due first. Jobs whose lease expired on their last
    /// allowed attempt are given up on the way.
    pub async fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        self.claim_where(None, worker, limit, lease).await
    }

    /// Like `claim`, of one kind only: a worker that knows how to send
    /// reminder emails leaves the other kinds to their own workers.
    pub async fn claim_kind(
        &self,
        kind: &str,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        self.claim_where(Some(kind), worker, limit, lease).await
    }

    async fn claim_where(
        &self,
        kind: Option<&str>,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        if worker.trim().is_empty() {
            return Err(StoreError::Invalid("a worker needs a name".to_owned()));
        }
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_error("claiming jobs", e))?;
        give_up_expired(&mut tx).await?;
        let ids: Vec<(JobId,)> = sqlx::query_as(
            "SELECT id FROM jobs \
             WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now() \
               AND attempts < max_attempts \
               AND (locked_until IS NULL OR locked_until <= now()) \
               AND ($2::text IS NULL OR kind = $2) \
             ORDER BY run_at, id LIMIT $1 \
             FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::from(limit))
        .bind(kind)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| db_error("claiming jobs", e))?;
        let ids: Vec<JobId> = ids.into_iter().map(|(id,)| id).collect();
        let rows = sqlx::query(
            "UPDATE jobs SET locked_by = $2, attempts = attempts + 1, \
                 locked_until = now() + $3 * interval '1 millisecond' \
             WHERE id = ANY($1) \
             RETURNING id, kind, payload, attempts, max_attempts, locked_by, locked_until, run_at",
        )
        .bind(&ids)
        .bind(worker)
        .bind(millis(lease))
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| db_error("claiming jobs", e))?;
        tx.commit()
            .await
            .map_err(|e| db_error("claiming jobs", e))?;
        let mut jobs = rows
            .iter()
            .map(|row| {
                let run_at: DateTime<Utc> = get(row, "run_at")?;
                Ok((run_at, claimed(row)?))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        jobs.sort_by_key(|(run_at, job)| (*run_at, job.id));
        Ok(jobs.into_iter().map(|(_, job)| job).collect())
    }

    /// Records that a claimed job was done.
    pub async fn complete(&self, job: &Job) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET done_at = now(), locked_until = NULL \
             WHERE id = $1 AND locked_by = $2 AND attempts = $3 \
               AND done_at IS NULL AND failed_at IS NULL",
        )
        .bind(job.id)
        .bind(&job.worker)
        .bind(attempt(job))
        .execute(&self.pool)
        .await
        .map_err(|e| db_error("completing a job", e))?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        Err(self.lost(job, "completed").await)
    }

    /// Records that a claimed job failed: it is retried after the backoff,
    /// or given up when that was its last attempt.
    pub async fn fail(&self, job: &Job, error: &str) -> Result<Failed, StoreError> {
        let wait = millis(self.backoff.after(job.attempt));
        let row: Option<(bool, DateTime<Utc>)> = sqlx::query_as(
            "UPDATE jobs SET last_error = $4, locked_by = NULL, locked_until = NULL, \
                 failed_at = CASE WHEN attempts >= max_attempts THEN now() END, \
                 run_at = CASE WHEN attempts >= max_attempts THEN run_at \
                               ELSE now() + $5 * interval '1 millisecond' END \
             WHERE id = $1 AND locked_by = $2 AND attempts = $3 \
               AND done_at IS NULL AND failed_at IS NULL \
             RETURNING failed_at IS NOT NULL, run_at",
        )
        .bind(job.id)
        .bind(&job.worker)
        .bind(attempt(job))
        .bind(error)
        .bind(wait)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error("recording a job's failure", e))?;
        match row {
            Some((true, _)) => Ok(Failed::GaveUp),
            Some((false, run_at)) => Ok(Failed::Retry {
                at: time("run_at", run_at)?,
            }),
            None => Err(self.lost(job, "failed").await),
        }
    }

    /// A job as stored.
    pub async fn job(&self, id: JobId) -> Result<JobRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error("reading a job", e))?
            .ok_or_else(|| StoreError::not_found("job", id))?;
        Ok(JobRecord {
            id,
            kind: get(&row, "kind")?,
            payload: get(&row, "payload")?,
            dedupe_key: get(&row, "dedupe_key")?,
            run_at: time("run_at", get(&row, "run_at")?)?,
            attempts: small("attempts", get(&row, "attempts")?)?,
            max_attempts: small("max_attempts", get(&row, "max_attempts")?)?,
            locked_by: get(&row, "locked_by")?,
            locked_until: opt_time("locked_until", get(&row, "locked_until")?)?,
            done_at: opt_time("done_at", get(&row, "done_at")?)?,
            failed_at: opt_time("failed_at", get(&row, "failed_at")?)?,
            last_error: get(&row, "last_error")?,
        })
    }

    /// Why a claim could not be finished.
    async fn lost(&self, job: &Job, doing: &str) -> StoreError {
        match self.job(job.id).await {
            Err(e) => e,
            Ok(now) if now.done_at.is_some() => StoreError::Conflict(format!(
                "job {} was already completed: this claim cannot be {doing}",
                job.id
            )),
            Ok(now) if now.failed_at.is_some() => StoreError::Conflict(format!(
                "job {} was given up: this claim cannot be {doing}",
                job.id
            )),
            Ok(_) => StoreError::Conflict(format!(
                "the lease of `{}` on job {} (attempt {}) expired and the job was claimed again: this claim cannot be {doing}",
                job.worker, job.id, job.attempt
            )),
        }
    }
}

/// A claim's attempt number as stored.
fn attempt(job: &Job) -> i32 {
    i32::try_from(job.attempt).unwrap_or(i32::MAX)
}

fn claimed(row: &PgRow) -> Result<Job, StoreError> {
    Ok(Job {
        id: get(row, "id")?,
        kind: get(row, "kind")?,
        payload: get(row, "payload")?,
        attempt: small("attempts", get(row, "attempts")?)?,
        max_attempts: small("max_attempts", get(row, "max_attempts")?)?,
        worker: get(row, "locked_by")?,
        locked_until: time("locked_until", get(row, "locked_until")?)?,
    })
}

/// Gives up the jobs whose lease expired on their last allowed attempt: the
/// worker died (or hung) every time, and no claim may follow.
async fn give_up_expired(tx: &mut Transaction<'_, Postgres>) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE jobs SET failed_at = now(), locked_until = NULL, \
             last_error = 'the lease of `' || locked_by || '` expired on the last attempt' \
         WHERE id IN (SELECT id FROM jobs \
             WHERE done_at IS NULL AND failed_at IS NULL AND attempts >= max_attempts \
               AND locked_until <= now() \
             FOR UPDATE SKIP LOCKED)",
    )
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("giving up expired jobs", e))?;
    Ok(())
}
