-- 0003: the job queue for background work (reminder emails), as
-- PostgreSQL's migration 0002 keeps it, so server mode on SQLite sends
-- reminder emails too (labpath_store::jobs says what the queue promises).
--
-- A job is due from `run_at`. A claim runs in a transaction that holds the
-- database's write lock from its start (BEGIN IMMEDIATE): claims, from any
-- process on this file, run one after another, so two never take the same
-- job. A claim leases each job to its worker: `locked_by` until
-- `locked_until`. A worker that dies lets its lease run out, and the job is
-- claimed again. `attempts` counts claims and is the lease's fencing token:
-- a worker whose lease expired and was taken over cannot complete or fail
-- the job.
--
-- Finished jobs stay: `done_at` for success, `failed_at` once
-- `max_attempts` claims all failed (with `last_error`). `dedupe_key` makes
-- scheduling idempotent: scheduling the same reminder email twice creates
-- one job, ever.
--
-- Times are RFC 3339 UTC text with milliseconds, as in 0001, so due times
-- and leases compare as text.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,    -- never reused
    kind         TEXT    NOT NULL CHECK (kind <> ''),  -- e.g. `reminder-email`
    payload      TEXT    NOT NULL CHECK (json_valid(payload)),
    dedupe_key   TEXT    UNIQUE,                       -- NULL: never deduplicated
    run_at       TEXT    NOT NULL,                     -- due from
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0), -- claims so far
    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    locked_by    TEXT,                                 -- the worker holding the lease
    locked_until TEXT,                                 -- when the lease expires
    done_at      TEXT,
    failed_at    TEXT,                                 -- gave up after max_attempts
    last_error   TEXT,
    created_at   TEXT    NOT NULL,
    CHECK (done_at IS NULL OR failed_at IS NULL)
);

-- What a claim scans: unfinished jobs in the order they fall due.
CREATE INDEX jobs_unfinished ON jobs (run_at, id) WHERE done_at IS NULL AND failed_at IS NULL;
