//! The job queue (`labpath_store::JobQueue`) in PostgreSQL, for any number
//! of workers in any number of replicas. The statements are the shared ones
//! (`labpath_store_sql::jobs`); what is PostgreSQL's own is how a claim
//! keeps the others off its jobs: in one transaction it selects them
//! `FOR UPDATE SKIP LOCKED` (two workers never wait for or take the same
//! row) and leases them to its worker. Times are the database server's
//! clock, so replicas with skewed clocks agree on what is due and which
//! leases have expired. The table is migration 0002's.

use std::time::Duration;

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::jobs::{Backoff, Enqueued, Failed, Job, JobId, JobQueue, JobRecord, NewJob};
use labpath_store_sql::jobs::{self as shared, RowLock};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, Postgres};

use crate::conn::Pg;
use crate::convert::db_error;

/// The job queue in the database a pool reaches.
#[derive(Debug, Clone)]
pub struct PgJobQueue {
    pool: PgPool,
    backoff: Backoff,
}

impl PgJobQueue {
    /// The queue in the database `pool` reaches (migrated by `PgStore`).
    pub fn new(pool: PgPool) -> Self {
        PgJobQueue {
            pool,
            backoff: Backoff::default(),
        }
    }

    /// With another retry backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    async fn conn(&self) -> Result<Pg<PoolConnection<Postgres>>, StoreError> {
        let conn = self.pool.acquire().await;
        conn.map(Pg)
            .map_err(|e| db_error("opening a connection", e))
    }
}

#[async_trait]
impl JobQueue for PgJobQueue {
    async fn enqueue(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        shared::enqueue(&mut self.conn().await?, job).await
    }

    async fn claim_due(
        &self,
        kind: Option<&str>,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        let tx = self.pool.begin().await;
        let mut tx = Pg(tx.map_err(|e| db_error("claiming jobs", e))?);
        let jobs = shared::claim(&mut tx, RowLock::SkipLocked, kind, worker, limit, lease).await?;
        tx.0.commit()
            .await
            .map_err(|e| db_error("claiming jobs", e))?;
        Ok(jobs)
    }

    async fn complete(&self, job: &Job) -> Result<(), StoreError> {
        shared::complete(&mut self.conn().await?, job).await
    }

    async fn fail(&self, job: &Job, error: &str) -> Result<Failed, StoreError> {
        shared::fail(&mut self.conn().await?, job, error, self.backoff).await
    }

    async fn job(&self, id: JobId) -> Result<JobRecord, StoreError> {
        shared::job(&mut self.conn().await?, id).await
    }
}
