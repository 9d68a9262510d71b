//! The job queue (`labpath_store::JobQueue`) in SQLite, in the table of
//! migration 0003, so server mode on SQLite sends reminder emails as
//! PostgreSQL's does. The statements are the shared ones
//! (`labpath_store_sql::jobs`); what is SQLite's own is the locking: a claim
//! runs in a transaction that takes the write lock first (`BEGIN
//! IMMEDIATE`, as every write of the store does), so claims from any number
//! of workers, in this process or another on the same file, run one after
//! another and never take the same job. A claim is a few small statements,
//! so the wait is short. Times are this machine's clock, which every
//! process on the file shares.

use std::time::Duration;

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::jobs::{Backoff, Enqueued, Failed, Job, JobId, JobQueue, JobRecord, NewJob};
use labpath_store_sql::jobs::{self as shared, RowLock};

use crate::SqliteStore;

/// The job queue in a store's database.
#[derive(Debug, Clone)]
pub struct SqliteJobQueue {
    store: SqliteStore,
    backoff: Backoff,
}

impl SqliteJobQueue {
    /// The queue in `store`'s database.
    pub fn new(store: SqliteStore) -> Self {
        SqliteJobQueue {
            store,
            backoff: Backoff::default(),
        }
    }

    /// With another retry backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
}

#[async_trait]
impl JobQueue for SqliteJobQueue {
    async fn enqueue(&self, job: &NewJob) -> Result<Enqueued, StoreError> {
        // The insert and, when the key was taken, the read of its job: one
        // write transaction, so nothing comes between.
        let mut tx = self.store.writer("adding a job").await?;
        let enqueued = shared::enqueue(&mut tx, job).await?;
        crate::commit(tx, "adding a job").await?;
        Ok(enqueued)
    }

    async fn claim_due(
        &self,
        kind: Option<&str>,
        worker: &str,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        let mut tx = self.store.writer("claiming jobs").await?;
        let jobs = shared::claim(&mut tx, RowLock::WriteLock, kind, worker, limit, lease).await?;
        crate::commit(tx, "claiming jobs").await?;
        Ok(jobs)
    }

    async fn complete(&self, job: &Job) -> Result<(), StoreError> {
        shared::complete(&mut self.store.writing().await?, job).await
    }

    async fn fail(&self, job: &Job, error: &str) -> Result<Failed, StoreError> {
        shared::fail(&mut self.store.writing().await?, job, error, self.backoff).await
    }

    async fn job(&self, id: JobId) -> Result<JobRecord, StoreError> {
        shared::job(&mut self.store.conn().await?, id).await
    }
}
