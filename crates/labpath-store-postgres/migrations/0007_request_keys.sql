-- 0007: request keys, so a creating request sent twice records once.
--
-- A client that lost the answer to a creating request (a cut connection,
-- a timeout) sends it again with the same `Idempotency-Key`. The key is
-- written in the transaction of the write it came with, together with a
-- fingerprint of the request and the answer it got, so the repeat finds it
-- and gets that answer back (`labpath_store::once`). Keys belong to one
-- principal (`user 3`, or `local`) and are kept a day: older rows are
-- deleted as new keys are written, so the table holds a day of them.
--
-- Never edit this file once committed: add a new numbered migration instead.

CREATE TABLE request_keys (
    principal   text        NOT NULL,                     -- `user 3`, or `local`
    key         text        NOT NULL,                     -- as sent: 1 to 255 visible ASCII characters
    fingerprint text        NOT NULL,                     -- SHA-256 (hex) of the method, path and body
    created_at  timestamptz NOT NULL,
    status      integer     NOT NULL,                     -- the first answer's status
    answer      text        NOT NULL,                     -- the first answer's body
    PRIMARY KEY (principal, key)
);
CREATE INDEX request_keys_by_time ON request_keys (created_at);
