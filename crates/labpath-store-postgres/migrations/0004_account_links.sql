-- One-time links that let an account's holder set its password: an
-- invitation (the first password) or a reset. Only the SHA-256 of the
-- link's token is kept; a link works once, until it expires, and a newer
-- link of the same user retires the older ones.
CREATE TABLE account_links (
    token_hash text        PRIMARY KEY,                 -- SHA-256, lower-case hex
    user_id    bigint      NOT NULL REFERENCES users (id),
    purpose    text        NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz                              -- NULL until used or retired
);
CREATE INDEX account_links_by_user ON account_links (user_id);
