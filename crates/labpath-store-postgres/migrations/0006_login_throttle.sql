-- 0006: login throttling by account and by client address, apart.
--
-- 0003 kept each failed login under one key, the email and the client
-- address together. Behind a proxy every client had the proxy's address,
-- so anyone's wrong guesses locked the real user out, while guesses from
-- many addresses were never counted together, and an email no account has
-- was not counted at all. Each failure now keeps the email it named (an
-- account's or not) and the address apart, and the throttle counts both:
-- an address's failures over every email, an email's failures with each
-- address counting for a few at most (`labpath_app::accounts::throttle`).
--
-- The table holds the longest throttling window's worth of failures (older
-- ones are deleted as new ones are written), so dropping 0003's table
-- forgets an hour of them at most.
--
-- Never edit this file once committed: add a new numbered migration instead.

DROP TABLE login_failures;

CREATE TABLE login_failures (
    email   text        NOT NULL,                     -- trimmed, lower-case, at most 254 characters
    address text        NOT NULL,                     -- the client address; an IPv6 client's /64
    at      timestamptz NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
