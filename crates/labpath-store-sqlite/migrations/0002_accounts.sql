-- 0002: accounts for server mode (labpath_store::accounts).
--
-- Organizations (an agency, a lab), their users with a role, login
-- sessions, failed logins and the audit log. These live beside the tracker
-- but outside its event log: the log says what happened to applications,
-- the audit log says who asked for every change, when and from where.
--
-- A person belongs to at most one organization, recorded by the event that
-- adds them (`person_added` carries it) and copied to
-- `people.organization_id`; NULL in local mode.
--
-- Times are RFC 3339 UTC text with milliseconds, as in 0001, so expiry and
-- throttling windows compare as text.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (name <> ''),
    created_at TEXT    NOT NULL
);

-- NULL default, so SQLite can add the reference to existing rows.
ALTER TABLE people ADD COLUMN organization_id INTEGER REFERENCES organizations (id);
CREATE INDEX people_by_organization ON people (organization_id, id);

-- The store writes emails trimmed and lower-case; the checks keep anything
-- else out, so the unique index is case-insensitive in effect.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    email         TEXT    NOT NULL UNIQUE
                  CHECK (email <> '' AND email = lower(email) AND email = trim(email)),
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,                   -- argon2id, PHC string
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'candidate')),
    person_id     INTEGER REFERENCES people (id),     -- a candidate's own record
    created_at    TEXT    NOT NULL,
    CHECK (role <> 'candidate' OR person_id IS NOT NULL)
);
CREATE INDEX users_by_organization ON users (org_id, id);

-- Only the SHA-256 of a session's cookie token is kept: a copy of the
-- database does not let anyone log in.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,                   -- SHA-256, lower-case hex
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT    NOT NULL,                      -- echoed by every unsafe request
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per failed login; throttling counts a key's rows in a window.
CREATE TABLE login_failures (
    key TEXT NOT NULL,                                -- the email and the client address
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- The audit log is append-only, like `events`. `org_id` and `user_id` are
-- not references: the log keeps what was asked even of a record that is
-- gone, and a failed login names no user.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,      -- never reused
    at        TEXT    NOT NULL,
    org_id    INTEGER,                                -- NULL: before login, or local mode
    user_id   INTEGER,                                -- NULL: nobody logged in
    action    TEXT    NOT NULL,                       -- `POST /api/people/7/applications`, `login`
    target    TEXT,                                   -- `person 7`
    from_addr TEXT    NOT NULL,                       -- the client's address
    status    INTEGER NOT NULL                        -- the HTTP status answered
);
CREATE INDEX audit_log_by_organization ON audit_log (org_id, id);

CREATE TRIGGER audit_log_is_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
