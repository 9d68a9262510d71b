-- 0001: the tracker's first schema on PostgreSQL.
--
-- The same tables as the SQLite backend's 0001, in PostgreSQL's own types:
-- `date` for days, `timestamptz` for instants (labpath writes UTC to the
-- millisecond), `jsonb` for payloads, `bigint` ids.
--
-- `events` is the append-only log: every change anyone makes, with who and
-- when; triggers refuse to update, delete or truncate it. Every other table
-- is derived from the log, written in the same transaction as the event
-- that changes it, so reading the current state needs no replay.
--
-- Ids are not taken from sequences: the store assigns MAX(id) + 1 while it
-- holds the write lock (a transaction-level advisory lock, see src/write.rs).
-- Writes are serialized, so event ids grow in commit order (a reader paging
-- with "events after N" never misses one that commits late) and a refused
-- change leaves no gap.
--
-- Attached files live in `files.content`: a server's replicas share the
-- database, not a disk.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE events (
    id             bigint      PRIMARY KEY,
    at             timestamptz NOT NULL,                -- when it was recorded
    actor          text        NOT NULL,                -- who recorded it
    person_id      bigint      NOT NULL,
    application_id bigint,
    kind           text        NOT NULL,                -- the change's `type`
    data           jsonb       NOT NULL                 -- the change
);
CREATE INDEX events_by_person ON events (person_id, id);
CREATE INDEX events_by_application ON events (application_id, id) WHERE application_id IS NOT NULL;

CREATE FUNCTION labpath_events_are_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only';
END;
$$;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION labpath_events_are_append_only();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION labpath_events_are_append_only();

CREATE TABLE people (
    id              bigint      PRIMARY KEY,
    name            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    profile_version integer     NOT NULL DEFAULT 0      -- 0: no profile yet
);

-- Every version of every profile (the events hold them too; this is the index).
CREATE TABLE profiles (
    person_id   bigint      NOT NULL REFERENCES people (id),
    version     integer     NOT NULL,
    event_id    bigint      NOT NULL REFERENCES events (id),
    recorded_at timestamptz NOT NULL,
    profile     jsonb       NOT NULL,
    PRIMARY KEY (person_id, version)
);

CREATE TABLE applications (
    id                     bigint      PRIMARY KEY,
    person_id              bigint      NOT NULL REFERENCES people (id),
    step                   text        NOT NULL,        -- catalog step id
    title                  text        NOT NULL,
    body                   text,
    reference              text,                        -- the body's reference number
    status                 text        NOT NULL,
    status_on              date        NOT NULL,
    waiting_since          date,                        -- the stall clock's start
    submitted_on           date,
    approved_on            date,
    contacts_since_waiting integer     NOT NULL DEFAULT 0,
    last_contact_on        date,
    promised               date,
    created_at             timestamptz NOT NULL,
    last_event             bigint      NOT NULL REFERENCES events (id)
);
CREATE INDEX applications_by_person ON applications (person_id, id);
CREATE INDEX applications_by_status ON applications (status, id);

CREATE TABLE checklist (
    application_id bigint  NOT NULL REFERENCES applications (id),
    position       integer NOT NULL,
    key            text    NOT NULL,
    name           text    NOT NULL,
    sender         text    NOT NULL,
    status         text    NOT NULL,
    status_on      date,
    requested_from text,
    method         text,
    tracking       text,
    reason         text,
    note           text,
    PRIMARY KEY (application_id, key)
);

CREATE TABLE contacts (
    event_id       bigint      PRIMARY KEY REFERENCES events (id),
    application_id bigint      NOT NULL REFERENCES applications (id),
    recorded_at    timestamptz NOT NULL,
    entry          jsonb       NOT NULL
);
CREATE INDEX contacts_by_application ON contacts (application_id, event_id);

-- Attached files, stored once by content hash.
CREATE TABLE files (
    hash      text        PRIMARY KEY,                  -- SHA-256, lower-case hex
    size      bigint      NOT NULL,
    stored_at timestamptz NOT NULL,
    content   bytea       NOT NULL
);

CREATE TABLE attachments (
    event_id       bigint      PRIMARY KEY REFERENCES events (id),
    application_id bigint      NOT NULL REFERENCES applications (id),
    hash           text        NOT NULL REFERENCES files (hash),
    recorded_at    timestamptz NOT NULL,
    file           jsonb       NOT NULL                 -- name, type, size, links
);
CREATE INDEX attachments_by_application ON attachments (application_id, event_id);

CREATE TABLE reminders (
    event_id       bigint PRIMARY KEY REFERENCES events (id),
    person_id      bigint NOT NULL REFERENCES people (id),
    application_id bigint REFERENCES applications (id),
    due            date   NOT NULL,
    what           text   NOT NULL,
    done_on        date
);
CREATE INDEX reminders_by_person ON reminders (person_id, due);
