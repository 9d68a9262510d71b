-- 0002: the job queue for background work (reminder emails, overdue scans).
--
-- A job is due from `run_at`. A worker claims due jobs with
-- `SELECT ... FOR UPDATE SKIP LOCKED` (so two workers never wait for or take
-- the same row) and holds each under a lease: `locked_by` and
-- `locked_until`. A worker that dies lets its lease run out: once
-- `locked_until` has passed, another worker claims the job again.
-- `attempts` counts claims and is the lease's fencing token: a worker whose
-- lease expired and was taken over cannot complete or fail the job.
--
-- Finished jobs stay: `done_at` for success, `failed_at` once `max_attempts`
-- claims all failed (with `last_error`). `dedupe_key` makes scheduling
-- idempotent: two replicas enqueueing the same reminder email create one job.
--
-- Times are the database's `now()`, never a replica's clock, so replicas
-- with skewed clocks agree on which leases have expired.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE jobs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text        NOT NULL,                  -- e.g. `reminder-email`
    payload      jsonb       NOT NULL,
    dedupe_key   text        UNIQUE,                    -- NULL: never deduplicated
    run_at       timestamptz NOT NULL DEFAULT now(),    -- due from
    attempts     integer     NOT NULL DEFAULT 0,        -- claims so far
    max_attempts integer     NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    locked_by    text,                                  -- the worker holding the lease
    locked_until timestamptz,                           -- when the lease expires
    done_at      timestamptz,
    failed_at    timestamptz,                           -- gave up after max_attempts
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (done_at IS NULL OR failed_at IS NULL)
);

-- What `claim` scans: unfinished jobs in the order they fall due.
CREATE INDEX jobs_unfinished ON jobs (run_at, id) WHERE done_at IS NULL AND failed_at IS NULL;
