-- 0001: the tracker's first schema.
--
-- `events` is the append-only log: every change anyone makes, with who and
-- when; triggers refuse to update or delete it. Every other table is derived
-- from the log, written in the same transaction as the event that changes it,
-- so reading the current state needs no replay.
--
-- Dates are `YYYY-MM-DD` text, times RFC 3339 UTC text with milliseconds:
-- both sort as text, and read the same in an export.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
    at             TEXT    NOT NULL,                  -- when it was recorded
    actor          TEXT    NOT NULL,                  -- who recorded it
    person_id      INTEGER NOT NULL,
    application_id INTEGER,
    kind           TEXT    NOT NULL,                  -- the change's `type`
    data           TEXT    NOT NULL                   -- the change, as JSON
);
CREATE INDEX events_by_person ON events (person_id, id);
CREATE INDEX events_by_application ON events (application_id, id) WHERE application_id IS NOT NULL;

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    profile_version INTEGER NOT NULL DEFAULT 0        -- 0: no profile yet
);

-- Every version of every profile (the events hold them too; this is the index).
CREATE TABLE profiles (
    person_id   INTEGER NOT NULL REFERENCES people (id),
    version     INTEGER NOT NULL,
    event_id    INTEGER NOT NULL REFERENCES events (id),
    recorded_at TEXT    NOT NULL,
    profile     TEXT    NOT NULL,                     -- JSON
    PRIMARY KEY (person_id, version)
);

CREATE TABLE applications (
    id                     INTEGER PRIMARY KEY,
    person_id              INTEGER NOT NULL REFERENCES people (id),
    step                   TEXT    NOT NULL,          -- catalog step id
    title                  TEXT    NOT NULL,
    body                   TEXT,
    reference              TEXT,                      -- the body's reference number
    status                 TEXT    NOT NULL,
    status_on              TEXT    NOT NULL,
    waiting_since          TEXT,                      -- the stall clock's start
    submitted_on           TEXT,
    approved_on            TEXT,
    contacts_since_waiting INTEGER NOT NULL DEFAULT 0,
    last_contact_on        TEXT,
    promised               TEXT,
    created_at             TEXT    NOT NULL,
    last_event             INTEGER NOT NULL REFERENCES events (id)
);
CREATE INDEX applications_by_person ON applications (person_id, id);
CREATE INDEX applications_by_status ON applications (status, id);

CREATE TABLE checklist (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    position       INTEGER NOT NULL,
    key            TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    sender         TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    status_on      TEXT,
    requested_from TEXT,
    method         TEXT,
    tracking       TEXT,
    reason         TEXT,
    note           TEXT,
    PRIMARY KEY (application_id, key)
);

CREATE TABLE contacts (
    event_id       INTEGER PRIMARY KEY REFERENCES events (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    recorded_at    TEXT    NOT NULL,
    entry          TEXT    NOT NULL                   -- JSON
);
CREATE INDEX contacts_by_application ON contacts (application_id, event_id);

-- Attached files are kept in the data directory by content hash; this
-- table lists the ones stored.
CREATE TABLE files (
    hash      TEXT    PRIMARY KEY,                    -- SHA-256, hex
    size      INTEGER NOT NULL,
    stored_at TEXT    NOT NULL
);

CREATE TABLE attachments (
    event_id       INTEGER PRIMARY KEY REFERENCES events (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    hash           TEXT    NOT NULL REFERENCES files (hash),
    recorded_at    TEXT    NOT NULL,
    file           TEXT    NOT NULL                   -- JSON: name, type, size, links
);
CREATE INDEX attachments_by_application ON attachments (application_id, event_id);

CREATE TABLE reminders (
    event_id       INTEGER PRIMARY KEY REFERENCES events (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    application_id INTEGER REFERENCES applications (id),
    due            TEXT    NOT NULL,
    what           TEXT    NOT NULL,
    done_on        TEXT
);
CREATE INDEX reminders_by_person ON reminders (person_id, due);
