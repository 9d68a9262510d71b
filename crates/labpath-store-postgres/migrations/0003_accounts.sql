-- 0003: accounts for server mode (labpath_store::accounts).
--
-- The same tables as the SQLite backend's 0002, in PostgreSQL's types:
-- organizations (an agency, a lab), their users with a role, login
-- sessions, failed logins and the audit log. These live beside the tracker
-- but outside its event log: the log says what happened to applications,
-- the audit log says who asked for every change, when and from where.
--
-- A person belongs to at most one organization, recorded by the event that
-- adds them (`person_added` carries it) and copied to
-- `people.organization_id`; NULL in local mode.
--
-- Instants are `timestamptz` (labpath writes UTC to the millisecond), taken
-- from the database's clock when the store stamps them, as for events.
-- Ids come from identity columns, not the tracker's write lock: an audit
-- line is written for every request and must not wait for tracker writes.
-- The price: an audit line that commits late can have a smaller id than
-- one already shown, and a viewer paging back sees it when it reloads.
--
-- Sessions, CSRF tokens and login throttling are rows, so any replica can
-- serve any request.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE organizations (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL
);

ALTER TABLE people ADD COLUMN organization_id bigint REFERENCES organizations (id);
CREATE INDEX people_by_organization ON people (organization_id, id);

-- The store writes emails trimmed and lower-case; the checks keep anything
-- else out, so the unique constraint is case-insensitive in effect. The
-- check folds ASCII only (collation "C"), as SQLite's lower() does, so it
-- never refuses a name labpath lower-cased by Unicode's rules.
CREATE TABLE users (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        bigint      NOT NULL REFERENCES organizations (id),
    email         text        NOT NULL UNIQUE
                  CHECK (email <> '' AND email = lower(email COLLATE "C") AND email = btrim(email)),
    name          text        NOT NULL,
    password_hash text        NOT NULL,                 -- argon2id, PHC string
    role          text        NOT NULL CHECK (role IN ('admin', 'staff', 'candidate')),
    person_id     bigint      REFERENCES people (id),   -- a candidate's own record
    created_at    timestamptz NOT NULL,
    CHECK (role <> 'candidate' OR person_id IS NOT NULL)
);
CREATE INDEX users_by_organization ON users (org_id, id);

-- Only the SHA-256 of a session's cookie token is kept: a copy of the
-- database does not let anyone log in.
CREATE TABLE sessions (
    token_hash text        PRIMARY KEY,                 -- SHA-256, lower-case hex
    user_id    bigint      NOT NULL REFERENCES users (id),
    csrf       text        NOT NULL,                    -- echoed by every unsafe request
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per failed login; throttling counts a key's rows in a window.
CREATE TABLE login_failures (
    key text        NOT NULL,                           -- the email and the client address
    at  timestamptz NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- The audit log is append-only, like `events`: triggers refuse to update,
-- delete or truncate it. `org_id` and `user_id` are not references: the
-- log keeps what was asked even of a record that is gone, and a failed
-- login names no user.
CREATE TABLE audit_log (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    org_id    bigint,                                   -- NULL: before login, or local mode
    user_id   bigint,                                   -- NULL: nobody logged in
    action    text        NOT NULL,                     -- `POST /api/people/7/applications`, `login`
    target    text,                                     -- `person 7`
    from_addr text        NOT NULL,                     -- the client's address
    status    integer     NOT NULL                      -- the HTTP status answered
);
CREATE INDEX audit_log_by_organization ON audit_log (org_id, id);

CREATE FUNCTION labpath_audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_is_never_updated BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION labpath_audit_log_is_append_only();
CREATE TRIGGER audit_log_is_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION labpath_audit_log_is_append_only();
