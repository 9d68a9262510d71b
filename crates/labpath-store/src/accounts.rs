//! Accounts for server mode: organizations (a staffing agency, a lab),
//! their users with a role, login sessions, failed-login counts and the
//! audit log. A person (a candidate's tracker record) belongs to at most one
//! organization; local mode has none and every person is the user's own.
//!
//! Accounts live in the same database as the tracker but outside its event
//! log: the log records what happened to applications, the audit log records
//! who asked for every change, when and from where (including changes to
//! accounts themselves).
//!
//! Everything a replica needs is here, none of it in a server's memory:
//! sessions, CSRF tokens and login throttling are rows, so any replica can
//! serve any request.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::ids::{OrgId, PersonId, UserId};
use crate::time::Timestamp;

/// What a user may do in their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organization's users and sees every candidate.
    Admin,
    /// Sees and edits every candidate of the organization.
    Staff,
    /// Sees and edits only their own record (`User::person`).
    Candidate,
}

impl Role {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Candidate => "candidate",
        }
    }

    /// Reads a stored word.
    pub fn parse(word: &str) -> Option<Role> {
        match word {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            "candidate" => Some(Role::Candidate),
            _ => None,
        }
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Id.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A user of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// The organization.
    pub org: OrgId,
    /// Login name: an email address, stored lower-case and unique across
    /// organizations.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For a candidate: their own tracker record.
    pub person: Option<PersonId>,
    /// When the user was created.
    pub created_at: Timestamp,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The organization.
    pub org: OrgId,
    /// Login name (any case; stored lower-case).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For a candidate: their record, which must belong to `org`.
    pub person: Option<PersonId>,
    /// The argon2id hash of the password (PHC string).
    pub password_hash: String,
}

/// A login session. The cookie carries a random token; only its SHA-256
/// is stored, so a copy of the database does not let anyone log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// SHA-256 of the cookie's token, lower-case hex.
    pub token_hash: String,
    /// Whose.
    pub user: UserId,
    /// The token every form and unsafe API request must echo.
    pub csrf: String,
    /// When it started.
    pub created_at: Timestamp,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Id (increasing).
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// The organization it concerns (`None`: before login, or local mode).
    pub org: Option<OrgId>,
    /// Who (`None`: nobody logged in, e.g. a failed login).
    pub user: Option<UserId>,
    /// What: the request (`POST /api/people/7/applications`) or the
    /// account action (`login`, `login-failed`, `user-created`).
    pub action: String,
    /// The record it concerns (`person 7`, `user 3`), when known.
    pub target: Option<String>,
    /// From where: the client's address.
    pub from: String,
    /// The HTTP status answered.
    pub status: u16,
}

/// An audit line to append (the store sets `id` and `at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// The organization it concerns.
    pub org: Option<OrgId>,
    /// Who.
    pub user: Option<UserId>,
    /// What.
    pub action: String,
    /// The record it concerns.
    pub target: Option<String>,
    /// From where.
    pub from: String,
    /// The HTTP status answered.
    pub status: u16,
}

/// Accounts, sessions and the audit log. Implemented by both backends; the
/// contract suite (`crates/tests-store`) checks both.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates an organization. `Invalid` for an empty name.
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError>;

    /// An organization; `NotFound` when there is none.
    async fn organization(&self, id: OrgId) -> Result<Organization, StoreError>;

    /// Every organization, by id.
    async fn organizations(&self) -> Result<Vec<Organization>, StoreError>;

    /// Creates a user. `Conflict` when the email is taken (in any case);
    /// `Invalid` for an empty email or name, a candidate without a person,
    /// or a person of another organization; `NotFound` for an unknown org.
    async fn create_user(&self, user: &NewUser) -> Result<User, StoreError>;

    /// A user; `NotFound` when there is none.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;

    /// A user by login name (any case), with the stored password hash.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;

    /// An organization's users, by id.
    async fn users(&self, org: OrgId) -> Result<Vec<User>, StoreError>;

    /// Replaces a user's password hash (and ends their sessions).
    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError>;

    /// Starts a session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// The session with this token hash and its user, if it exists and has
    /// not expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(Session, User)>, StoreError>;

    /// Ends a session (a no-op when it is gone).
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Records a failed login for `key` (the email and the client address)
    /// at `at`.
    async fn record_login_failure(&self, key: &str, at: Timestamp) -> Result<(), StoreError>;

    /// How many failed logins `key` had at or after `since`.
    async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<u32, StoreError>;

    /// Appends an audit line; returns it as stored.
    async fn audit(&self, entry: &NewAudit) -> Result<AuditEntry, StoreError>;

    /// An organization's audit lines (`None`: those with no organization),
    /// newest first, `limit` of them before the line `before` (`None`: the
    /// newest).
    async fn audit_log(
        &self,
        org: Option<OrgId>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;
}
