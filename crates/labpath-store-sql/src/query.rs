//! The statements both backends run, written once: SQLite and PostgreSQL
//! agree on all of these, and both drivers read `$1`-style placeholders
//! (one number may stand in two places). Where a column is a day or an
//! instant, the parameter is a `Param::Day` or `Param::Instant`, which each
//! backend binds in its own column type. Statements only one dialect can
//! say (SQLite's bulk reads, PostgreSQL's advisory lock) stay in their
//! backend.

// Reads of the tracker.

/// A person by id.
pub const PERSON: &str = "SELECT * FROM people WHERE id = $1";
/// Every person, by id.
pub const PEOPLE: &str = "SELECT * FROM people ORDER BY id";
/// An organization's people, by id (through its index).
pub const PEOPLE_OF_ORGANIZATION: &str =
    "SELECT * FROM people WHERE organization_id = $1 ORDER BY id";
/// A person's latest profile version (`$2` NULL), or the one asked for.
pub const PROFILE: &str = "SELECT * FROM profiles WHERE person_id = $1 \
     AND ($2 IS NULL OR version = $2) ORDER BY version DESC LIMIT 1";
/// An application by id.
pub const APPLICATION: &str = "SELECT * FROM applications WHERE id = $1";
/// An application's checklist, in order.
pub const CHECKLIST: &str = "SELECT * FROM checklist WHERE application_id = $1 ORDER BY position";
/// An application's contacts, oldest first.
pub const CONTACTS: &str = "SELECT * FROM contacts WHERE application_id = $1 ORDER BY event_id";
/// An application's attachments, oldest first.
pub const ATTACHMENTS: &str =
    "SELECT * FROM attachments WHERE application_id = $1 ORDER BY event_id";
/// A person's reminders (`$1` NULL: everyone's), by due day.
pub const REMINDERS: &str =
    "SELECT * FROM reminders WHERE ($1 IS NULL OR person_id = $1) ORDER BY due, event_id";
/// A reminder by id.
pub const REMINDER: &str = "SELECT * FROM reminders WHERE event_id = $1";
/// Whether a file is stored.
pub const FILE_STORED: &str = "SELECT COUNT(*) FROM files WHERE hash = $1";
/// Whether a contact was logged on an application.
pub const HAS_CONTACT: &str =
    "SELECT COUNT(*) FROM contacts WHERE event_id = $1 AND application_id = $2";
/// A person's CE log events before an event, oldest first.
pub const CE_CERTIFICATE: &str = "SELECT e.id, e.at, e.actor, e.person_id, e.application_id, e.kind, e.data \
     FROM ce_index c JOIN events e ON e.id = c.activity \
     WHERE c.person_id = $1 AND c.certificate = $2 AND (c.import_id IS NULL OR c.import_id = $3) \
     ORDER BY c.activity LIMIT 1";
/// How many activities of the log (not of an open import) have this id
/// and person: 0 or 1.
pub const CE_IN_LOG: &str =
    "SELECT COUNT(*) FROM ce_index WHERE activity = $1 AND person_id = $2 AND import_id IS NULL";
/// Whether an import of the person is open: 0 or 1.
pub const CE_IMPORT_OPEN: &str =
    "SELECT COUNT(*) FROM ce_imports WHERE import_id = $1 AND person_id = $2";
/// The activity of the log whose certificate an activity of the open
/// import repeats, if any.
pub const CE_IMPORT_CLASH: &str = "SELECT e.id, e.at, e.actor, e.person_id, e.application_id, e.kind, e.data \
     FROM ce_index n \
     JOIN ce_index o ON o.person_id = n.person_id AND o.certificate = n.certificate \
     JOIN events e ON e.id = o.activity \
     WHERE n.import_id = $1 AND n.certificate IS NOT NULL AND o.import_id IS NULL \
     ORDER BY o.activity LIMIT 1";
/// An activity enters the index: the log (no import) or an open import.
pub const CE_INDEX_ADD: &str =
    "INSERT INTO ce_index (activity, person_id, certificate, import_id) VALUES ($1, $2, $3, $4)";
/// A withdrawn activity leaves the index.
pub const CE_INDEX_WITHDRAW: &str = "DELETE FROM ce_index WHERE activity = $1";
/// An import opens.
pub const CE_IMPORT_START: &str = "INSERT INTO ce_imports (import_id, person_id) VALUES ($1, $2)";
/// An import's activities join the log.
pub const CE_IMPORT_COMPLETE: &str = "UPDATE ce_index SET import_id = NULL WHERE import_id = $1";
/// An abandoned import's activities leave the index.
pub const CE_IMPORT_DROP: &str = "DELETE FROM ce_index WHERE import_id = $1";
/// An import closes (completed or abandoned).
pub const CE_IMPORT_CLOSE: &str = "DELETE FROM ce_imports WHERE import_id = $1";
/// The newest event's id.
pub const LAST_EVENT: &str = "SELECT MAX(id) FROM events";
/// How many events the log holds.
pub const EVENT_COUNT: &str = "SELECT COUNT(*) FROM events";
/// How many people, applications, events and files the store holds.
pub const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM people), \
     (SELECT COUNT(*) FROM applications), (SELECT COUNT(*) FROM events), \
     (SELECT COUNT(*) FROM files)";

// Writes of the tracker.

/// The next person id (the store assigns MAX + 1 while writers wait).
pub const NEXT_PERSON_ID: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM people";
/// The next application id.
pub const NEXT_APPLICATION_ID: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM applications";
/// The next event id.
pub const NEXT_EVENT_ID: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM events";
/// Appends an event.
pub const INSERT_EVENT: &str = "INSERT INTO events \
     (id, at, actor, person_id, application_id, kind, data) VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Adds a person.
pub const INSERT_PERSON: &str = "INSERT INTO people \
     (id, name, created_at, profile_version, organization_id) VALUES ($1, $2, $3, $4, $5)";
/// Writes back a person's name and profile version.
pub const UPDATE_PERSON: &str =
    "UPDATE people SET name = $1, profile_version = $2, owner_id = $4 WHERE id = $3";
/// Drops a person's dashboard line: an event about them makes it stale.
pub const DROP_BOARD_LINE: &str = "DELETE FROM board_lines WHERE person_id = $1";
/// Records a profile version.
pub const INSERT_PROFILE: &str = "INSERT INTO profiles \
     (person_id, version, event_id, recorded_at, profile) VALUES ($1, $2, $3, $4, $5)";
/// Creates an application.
pub const INSERT_APPLICATION: &str = "INSERT INTO applications \
     (id, person_id, step, title, body, status, status_on, created_at, last_event, reference) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
/// Adds a checklist document.
pub const INSERT_ITEM: &str = "INSERT INTO checklist \
     (application_id, position, key, name, sender, status) VALUES ($1, $2, $3, $4, $5, $6)";
/// Writes back an application.
pub const UPDATE_APPLICATION: &str = "UPDATE applications SET reference = $1, status = $2, \
     status_on = $3, waiting_since = $4, submitted_on = $5, approved_on = $6, \
     contacts_since_waiting = $7, last_contact_on = $8, promised = $9, last_event = $10 \
     WHERE id = $11";
/// Writes back a checklist document.
pub const UPDATE_ITEM: &str = "UPDATE checklist SET status = $1, status_on = $2, \
     requested_from = $3, method = $4, tracking = $5, reason = $6, note = $7 \
     WHERE application_id = $8 AND key = $9";
/// Logs a contact.
pub const INSERT_CONTACT: &str = "INSERT INTO contacts \
     (event_id, application_id, recorded_at, entry) VALUES ($1, $2, $3, $4)";
/// Attaches a stored file.
pub const INSERT_ATTACHMENT: &str = "INSERT INTO attachments \
     (event_id, application_id, hash, recorded_at, file) VALUES ($1, $2, $3, $4, $5)";
/// Sets a reminder.
pub const INSERT_REMINDER: &str = "INSERT INTO reminders \
     (event_id, person_id, application_id, due, what) VALUES ($1, $2, $3, $4, $5)";
/// Marks a reminder done.
pub const COMPLETE_REMINDER: &str = "UPDATE reminders SET done_on = $1 WHERE event_id = $2";

// Accounts.

/// Creates an organization.
pub const INSERT_ORGANIZATION: &str =
    "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING *";
/// An organization by id.
pub const ORGANIZATION: &str = "SELECT * FROM organizations WHERE id = $1";
/// Every organization, by id.
pub const ORGANIZATIONS: &str = "SELECT * FROM organizations ORDER BY id";
/// Creates a user.
pub const INSERT_USER: &str = "INSERT INTO users \
     (org_id, email, name, password_hash, role, person_id, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *";
/// A user by id.
pub const USER: &str = "SELECT * FROM users WHERE id = $1";
/// A user by (normalized) email.
pub const USER_BY_EMAIL: &str = "SELECT * FROM users WHERE email = $1";
/// An organization's users, by id (the window is appended).
pub const USERS: &str = "SELECT * FROM users WHERE org_id = $1 ORDER BY id";
/// How many users an organization has.
pub const COUNT_USERS: &str = "SELECT COUNT(*) FROM users WHERE org_id = $1";
/// The accounts linked to a person, by id.
pub const USERS_OF_PERSON: &str = "SELECT * FROM users WHERE person_id = $1 ORDER BY id";
/// Replaces a password hash.
pub const SET_PASSWORD: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";
/// Ends a user's sessions.
pub const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";
/// Removes the sessions that have run out (through the index on `expires_at`).
pub const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
/// Adds a one-time account link.
pub const INSERT_LINK: &str = "INSERT INTO account_links \
     (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
/// An unused, unexpired link with its user.
pub const LINK: &str = "SELECT l.purpose, u.* \
     FROM account_links l JOIN users u ON u.id = l.user_id \
     WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2";
/// Marks one link used, if it still works: the row lock decides between
/// two uses at once.
pub const USE_LINK: &str = "UPDATE account_links SET used_at = $2 \
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
/// Marks every unused link of a user used.
pub const RETIRE_LINKS: &str =
    "UPDATE account_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL";
/// Starts a session.
pub const INSERT_SESSION: &str = "INSERT INTO sessions \
     (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
/// A session that has not expired, with its user.
pub const SESSION: &str = "SELECT s.token_hash, s.user_id, s.csrf, \
     s.created_at AS session_created_at, s.expires_at, u.* \
     FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.token_hash = $1 AND s.expires_at > $2";
/// Ends a session.
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";
/// Forgets failed logins older than the longest throttling window.
pub const FORGET_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";
/// Records a failed login.
pub const INSERT_LOGIN_FAILURE: &str =
    "INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3)";
/// An address's failed logins since an instant: how many, the first and
/// the last.
pub const LOGIN_FAILURES_FROM: &str = "SELECT COUNT(*) AS count, MIN(at) AS first, \
     MAX(at) AS last FROM login_failures WHERE address = $1 AND at >= $2";
/// An email's failed logins since an instant, each address counting for
/// at most `$3` of them; the first and the last of all. (`SUM` of
/// `bigint` is `numeric` on PostgreSQL, hence the cast.)
pub const LOGIN_FAILURES_OF: &str = "SELECT \
     CAST(COALESCE(SUM(CASE WHEN n > $3 THEN $3 ELSE n END), 0) AS BIGINT) AS count, \
     MIN(first) AS first, MAX(last) AS last \
     FROM (SELECT COUNT(*) AS n, MIN(at) AS first, MAX(at) AS last FROM login_failures \
     WHERE email = $1 AND at >= $2 GROUP BY address) per_address";
/// Forgets an email's failed logins from an address.
pub const FORGET_LOGIN_FAILURES_OF: &str =
    "DELETE FROM login_failures WHERE email = $1 AND address = $2";
/// Appends an audit line.
pub const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (at, org_id, user_id, action, target, from_addr, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *";

// Request keys (`labpath_store::once`).

/// Forgets request keys recorded before an instant.
pub const FORGET_REQUEST_KEYS: &str = "DELETE FROM request_keys WHERE created_at < $1";
/// A principal's request key, with its fingerprint and answer.
pub const REQUEST_KEY: &str = "SELECT fingerprint, status, answer FROM request_keys \
     WHERE principal = $1 AND key = $2";
/// Records a request key with its answer.
pub const INSERT_REQUEST_KEY: &str = "INSERT INTO request_keys \
     (principal, key, fingerprint, created_at, status, answer) VALUES ($1, $2, $3, $4, $5, $6)";
