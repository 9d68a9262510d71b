//! The job queue (`labpath_store::jobs`), once for both backends: the
//! statements and the reads and writes over `Conn`. SQLite and PostgreSQL
//! agree on all of it but one thing, how a claim keeps others off the rows
//! it takes (`RowLock`): PostgreSQL locks the rows it selects and skips
//! those another claim holds (`FOR UPDATE SKIP LOCKED`), so claims in many
//! replicas run side by side; SQLite has one writer at a time, so a claim
//! runs in a transaction that took the database's write lock first
//! (`BEGIN IMMEDIATE`). The backend opens that transaction and commits it.
//!
//! Every time written or compared is the connection's clock (`Conn::now`),
//! bound as a parameter: the database server's on PostgreSQL, this
//! machine's on SQLite (every process on one file shares it).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use labpath_store::StoreError;
use labpath_store::jobs::{Backoff, Enqueued, Failed, Job, JobId, JobRecord, NewJob};
use labpath_store::time::Timestamp;
use sqlx::types::Json;

use crate::conn::{Conn, Decodes, Param, Sql, fetch_row, fetch_rows};
use crate::rows::count;

/// Adds a job. A taken dedupe key adds nothing and returns no row.
pub const INSERT_JOB: &str = "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id";
/// The job holding a dedupe key.
pub const JOB_BY_KEY: &str = "SELECT id FROM jobs WHERE dedupe_key = $1";
/// A job by id.
pub const JOB: &str = "SELECT * FROM jobs WHERE id = $1";
/// Gives up the jobs whose lease ran out (`$1`: now) on their last allowed
/// attempt; the backend's row lock follows the inner selection.
pub const GIVE_UP_EXPIRED: &str = "UPDATE jobs SET failed_at = $1, locked_until = NULL, \
         last_error = 'the lease of `' || locked_by || '` expired on the last attempt' \
     WHERE id IN (SELECT id FROM jobs \
         WHERE done_at IS NULL AND failed_at IS NULL AND attempts >= max_attempts \
           AND locked_until <= $1";
/// The due jobs a claim takes (`$1`: now, `$2`: the kind or NULL for any,
/// `$3`: how many), oldest due first; the backend's row lock follows.
pub const DUE_JOBS: &str = "SELECT id FROM jobs \
     WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 \
       AND attempts < max_attempts \
       AND (locked_until IS NULL OR locked_until <= $1) \
       AND ($2 IS NULL OR kind = $2) \
     ORDER BY run_at, id LIMIT $3";
/// Leases the chosen jobs to `$1` until `$2`, counting the attempt; the ids
/// follow as a list.
pub const LEASE_JOBS: &str =
    "UPDATE jobs SET locked_by = $1, attempts = attempts + 1, locked_until = $2 WHERE id IN (";
/// Completes a claim (`$1` id, `$2` worker, `$3` attempt, `$4` now) while
/// it is the job's latest.
pub const COMPLETE_JOB: &str = "UPDATE jobs SET done_at = $4, locked_until = NULL \
     WHERE id = $1 AND locked_by = $2 AND attempts = $3 \
       AND done_at IS NULL AND failed_at IS NULL";
/// Fails a claim (`$1` id, `$2` worker, `$3` attempt) while it is the
/// job's latest: with `$4` as its error, given up at `$5` after its last
/// attempt, else due again from `$6`.
pub const FAIL_JOB: &str = "UPDATE jobs SET last_error = $4, locked_by = NULL, locked_until = NULL, \
         failed_at = CASE WHEN attempts >= max_attempts THEN $5 END, \
         run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE $6 END \
     WHERE id = $1 AND locked_by = $2 AND attempts = $3 \
       AND done_at IS NULL AND failed_at IS NULL \
     RETURNING *";

/// How a claim keeps every other claim off the jobs it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLock {
    /// PostgreSQL: the claim's transaction locks the rows it selects and
    /// skips rows another claim has locked, so claims never wait for or
    /// take each other's jobs.
    SkipLocked,
    /// SQLite: the claim's transaction holds the database's write lock from
    /// its start (`BEGIN IMMEDIATE`), so claims run one after another.
    WriteLock,
}

impl RowLock {
    /// What follows a selection of jobs to take.
    fn clause(self) -> &'static str {
        match self {
            RowLock::SkipLocked => " FOR UPDATE SKIP LOCKED",
            RowLock::WriteLock => "",
        }
    }
}

/// A row of `jobs`.
#[derive(Debug, sqlx::FromRow)]
pub struct JobRow {
    id: i64,
    kind: String,
    payload: Json<serde_json::Value>,
    dedupe_key: Option<String>,
    run_at: DateTime<Utc>,
    attempts: i32,
    max_attempts: i32,
    locked_by: Option<String>,
    locked_until: Option<DateTime<Utc>>,
    done_at: Option<DateTime<Utc>>,
    failed_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

fn instant(t: Option<DateTime<Utc>>) -> Option<Timestamp> {
    t.map(Timestamp::from_utc)
}

impl JobRow {
    /// The job as stored.
    pub fn into_record(self) -> Result<JobRecord, StoreError> {
        Ok(JobRecord {
            id: self.id,
            kind: self.kind,
            payload: self.payload.0,
            dedupe_key: self.dedupe_key,
            run_at: Timestamp::from_utc(self.run_at),
            attempts: count("attempts", self.attempts)?,
            max_attempts: count("max_attempts", self.max_attempts)?,
            locked_by: self.locked_by,
            locked_until: instant(self.locked_until),
            done_at: instant(self.done_at),
            failed_at: instant(self.failed_at),
            last_error: self.last_error,
        })
    }

    /// The job as just claimed (leased to a worker).
    fn into_claimed(self) -> Result<Job, StoreError> {
        let missing = |column: &str| {
            StoreError::Other(format!(
                "job {} was claimed but its `{column}` is empty",
                self.id
            ))
        };
        Ok(Job {
            id: self.id,
            worker: self.locked_by.clone().ok_or_else(|| missing("locked_by"))?,
            locked_until: instant(self.locked_until).ok_or_else(|| missing("locked_until"))?,
            attempt: count("attempts", self.attempts)?,
            max_attempts: count("max_attempts", self.max_attempts)?,
            kind: self.kind,
            payload: self.payload.0,
        })
    }
}

/// `t` moved `d` later (to the millisecond, saturating).
fn later(t: Timestamp, d: Duration) -> Timestamp {
    TimeDelta::from_std(d)
        .ok()
        .and_then(|d| t.to_utc().checked_add_signed(d))
        .map_or(t, Timestamp::from_utc)
}

/// Adds a job, unless one with its dedupe key exists.
pub async fn enqueue<C>(conn: &mut C, job: &NewJob) -> Result<Enqueued, StoreError>
where
    C: Conn + ?Sized,
{
    if job.kind.trim().is_empty() {
        return Err(StoreError::Invalid("a job needs a kind".to_owned()));
    }
    let now = conn.now().await?;
    let sql = Sql::new(INSERT_JOB, "adding a job")
        .bind(job.kind.as_str())
        .bind(Param::json(&job.payload)?)
        .bind(&job.dedupe_key)
        .bind(job.run_at.unwrap_or(now))
        .bind(Param::small(
            "a job's max attempts",
            job.max_attempts.max(1),
        )?)
        .bind(now);
    if let Some((id,)) = fetch_row::<(i64,), C>(conn, sql).await? {
        return Ok(Enqueued { id, created: true });
    }
    // The key was taken, by a committed job: PostgreSQL's ON CONFLICT waits
    // for a concurrent insert of the same key to finish, and SQLite's
    // writers take turns.
    let sql = Sql::new(JOB_BY_KEY, "finding a job by its dedupe key").bind(&job.dedupe_key);
    let existing = fetch_row::<(i64,), C>(conn, sql).await?;
    let (id,) = existing.ok_or_else(|| {
        StoreError::Other("a job's dedupe key was taken, but by no job".to_owned())
    })?;
    Ok(Enqueued { id, created: false })
}

/// Claims up to `limit` due jobs (of `kind`, or any) for `worker` under a
/// lease of `lease`, inside the caller's transaction, which keeps other
/// claims off them as `lock` says. Returns them oldest due first.
pub async fn claim<C>(
    conn: &mut C,
    lock: RowLock,
    kind: Option<&str>,
    worker: &str,
    limit: u32,
    lease: Duration,
) -> Result<Vec<Job>, StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<JobRow>,
{
    if worker.trim().is_empty() {
        return Err(StoreError::Invalid("a worker needs a name".to_owned()));
    }
    let now = conn.now().await?;
    let mut give_up = Sql::new(GIVE_UP_EXPIRED, "giving up expired jobs").bind(now);
    give_up.push(lock.clause()).push(")");
    conn.execute(give_up).await?;
    let mut due = Sql::new(DUE_JOBS, "claiming jobs")
        .bind(now)
        .bind(Param::Text(kind.map(str::to_owned)))
        .bind(i64::from(limit));
    due.push(lock.clause());
    let ids = fetch_rows::<(i64,), C>(conn, due).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut lease_them = Sql::new(LEASE_JOBS, "claiming jobs")
        .bind(worker)
        .bind(later(now, lease));
    for (i, (id,)) in ids.iter().enumerate() {
        if i > 0 {
            lease_them.push(", ");
        }
        lease_them.push_bind(*id);
    }
    lease_them.push(") RETURNING *");
    let rows: Vec<JobRow> = fetch_rows(conn, lease_them).await?;
    let mut jobs = rows
        .into_iter()
        .map(|row| Ok((row.run_at, row.into_claimed()?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    // RETURNING promises no order.
    jobs.sort_by_key(|(run_at, job)| (*run_at, job.id));
    Ok(jobs.into_iter().map(|(_, job)| job).collect())
}

/// Records that a claimed job was done.
pub async fn complete<C>(conn: &mut C, job: &Job) -> Result<(), StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<JobRow>,
{
    let now = conn.now().await?;
    let sql = Sql::new(COMPLETE_JOB, "completing a job")
        .bind(job.id)
        .bind(job.worker.as_str())
        .bind(Param::small("a job's attempt", job.attempt)?)
        .bind(now);
    if conn.execute(sql).await? == 1 {
        return Ok(());
    }
    Err(lost(conn, job, "completed").await)
}

/// Records that a claimed job failed: retried after `backoff`, or given up
/// when that was its last attempt.
pub async fn fail<C>(
    conn: &mut C,
    job: &Job,
    error: &str,
    backoff: Backoff,
) -> Result<Failed, StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<JobRow>,
{
    let now = conn.now().await?;
    let sql = Sql::new(FAIL_JOB, "recording a job's failure")
        .bind(job.id)
        .bind(job.worker.as_str())
        .bind(Param::small("a job's attempt", job.attempt)?)
        .bind(error)
        .bind(now)
        .bind(later(now, backoff.after(job.attempt)));
    let row: Option<JobRow> = fetch_row(conn, sql).await?;
    match row {
        Some(row) if row.failed_at.is_some() => Ok(Failed::GaveUp),
        Some(row) => Ok(Failed::Retry {
            at: Timestamp::from_utc(row.run_at),
        }),
        None => Err(lost(conn, job, "failed").await),
    }
}

/// A job as stored.
pub async fn job<C>(conn: &mut C, id: JobId) -> Result<JobRecord, StoreError>
where
    C: Conn + ?Sized,
    C::Row: Decodes<JobRow>,
{
    let sql = Sql::new(JOB, "reading a job").bind(id);
    let row: Option<JobRow> = fetch_row(conn, sql).await?;
    row.ok_or_else(|| StoreError::not_found("job", id))?
        .into_record()
}

/// Why a claim could not be finished.
async fn lost<C>(conn: &mut C, claim: &Job, doing: &str) -> StoreError
where
    C: Conn + ?Sized,
    C::Row: Decodes<JobRow>,
{
    match job(conn, claim.id).await {
        Err(e) => e,
        Ok(now) if now.done_at.is_some() => StoreError::Conflict(format!(
            "job {} was already completed: this claim cannot be {doing}",
            claim.id
        )),
        Ok(now) if now.failed_at.is_some() => StoreError::Conflict(format!(
            "job {} was given up: this claim cannot be {doing}",
            claim.id
        )),
        Ok(_) => StoreError::Conflict(format!(
            "the lease of `{}` on job {} (attempt {}) expired and the job was claimed again: this claim cannot be {doing}",
            claim.worker, claim.id, claim.attempt
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_ends_its_duration_later_to_the_millisecond() {
        let t = Timestamp::parse("2026-05-01T10:00:00.000Z").unwrap();
        let end = later(t, Duration::from_millis(1500));
        assert_eq!(end.to_string(), "2026-05-01T10:00:01.500Z");
        assert_eq!(later(t, Duration::MAX), t, "saturates, never panics");
    }
}
