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
use crate::model::{Paged, Scope, Window};
use crate::time::Timestamp;

/// What a user may do in their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = StoredSession))]
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

/// A failed login, as login throttling counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginFailure {
    /// The email it named, trimmed and lower-case: an account's or not.
    pub email: String,
    /// Where it came from: the client address, as the throttle keys it.
    pub address: String,
    /// When.
    pub at: Timestamp,
}

/// Failed logins counted in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    /// How many (as the query counts them).
    pub count: u32,
    /// The oldest one's time (`None`: there were none).
    pub first: Option<Timestamp>,
    /// The latest one's time.
    pub last: Option<Timestamp>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What a one-time account link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LinkPurpose {
    /// An invitation: the new account's holder sets their first password.
    Invite,
    /// A password reset.
    Reset,
}

impl LinkPurpose {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invite => "invite",
            LinkPurpose::Reset => "reset",
        }
    }

    /// From its stored word.
    pub fn parse(word: &str) -> Option<LinkPurpose> {
        match word {
            "invite" => Some(LinkPurpose::Invite),
            "reset" => Some(LinkPurpose::Reset),
            _ => None,
        }
    }
}

/// A one-time link that lets an account's holder set its password (an
/// invitation or a reset). Only the SHA-256 of the link's token is kept,
/// as for sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// SHA-256 of the token, lower-case hex.
    pub token_hash: String,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// A login name as stored and compared: trimmed and lower-case, so
/// `Maria@Agency.example ` and `maria@agency.example` are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an organization's name; returns it trimmed.
pub fn check_organization_name(name: &str) -> Result<String, StoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "an organization's name must not be empty".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

/// The checks on a user to create that need no database (every backend runs
/// them first): a non-empty email, name and password hash, and a person
/// for a candidate. Returns the user as stored: email normalized, name
/// trimmed. The backend then checks the organization and the person.
pub fn check_new_user(user: &NewUser) -> Result<NewUser, StoreError> {
    let email = normalize_email(&user.email);
    let name = user.name.trim();
    if email.is_empty() {
        return Err(StoreError::Invalid(
            "a user's email must not be empty".to_owned(),
        ));
    }
    if name.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the name of user `{email}` must not be empty"
        )));
    }
    check_password_hash(&user.password_hash)?;
    if user.role == Role::Candidate && user.person.is_none() {
        return Err(StoreError::Invalid(format!(
            "candidate `{email}` needs their own record: add the person first and give their id"
        )));
    }
    Ok(NewUser {
        email,
        name: name.to_owned(),
        ..user.clone()
    })
}

/// A password hash must be there (the store never sees a password).
pub fn check_password_hash(hash: &str) -> Result<(), StoreError> {
    if hash.trim().is_empty() {
        return Err(StoreError::Invalid(
            "a password hash must not be empty".to_owned(),
        ));
    }
    Ok(())
}

/// Checks a session to start: a token hash and a CSRF token, and an end
/// after its start.
pub fn check_session(session: &Session) -> Result<(), StoreError> {
    if session.token_hash.is_empty() || session.csrf.is_empty() {
        return Err(StoreError::Invalid(
            "a session needs a token hash and a CSRF token".to_owned(),
        ));
    }
    if session.expires_at <= session.created_at {
        return Err(StoreError::Invalid(format!(
            "a session must end after it starts (it starts at {} and ends at {})",
            session.created_at, session.expires_at
        )));
    }
    Ok(())
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
    /// or a person of another organization; `NotFound` for an unknown org
    /// (or person).
    async fn create_user(&self, user: &NewUser) -> Result<User, StoreError>;

    /// A user; `NotFound` when there is none.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;

    /// A user by login name (any case), with the stored password hash.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;

    /// An organization's users, by id: the window asked for and how many
    /// there are in all.
    async fn users_in(&self, org: OrgId, window: Window) -> Result<Paged<User>, StoreError>;

    /// The accounts linked to a person (a candidate's own logins), by id.
    async fn users_of(&self, person: PersonId) -> Result<Vec<User>, StoreError>;

    /// Replaces a user's password hash (and ends their sessions).
    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError>;

    /// Creates a user (as `create_user`) with a link to set their
    /// password, in one transaction: both are kept or neither.
    async fn invite_user(&self, user: &NewUser, link: &NewLink) -> Result<User, StoreError>;

    /// Adds a link for a user; their earlier unused links stop working, so
    /// only the newest one sent works. `NotFound` for an unknown user.
    async fn create_link(&self, user: UserId, link: &NewLink) -> Result<(), StoreError>;

    /// What the link with this token hash is for and whose it is, when it
    /// is unused and has not expired at `now`.
    async fn link(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(LinkPurpose, User)>, StoreError>;

    /// Uses a link: in one transaction, marks it (and every other unused
    /// link of its user) used and sets the user's password hash, ending
    /// their sessions. `None` when the link is unknown, used or expired at
    /// `now`: of two uses at once, one wins.
    async fn redeem_link(
        &self,
        token_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> Result<Option<(LinkPurpose, User)>, StoreError>;

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

    /// Records a failed login at `at`: the email it named (trimmed and
    /// lower-case, an account's or not) and the client address it came
    /// from; and forgets every failure (of any email or address) before
    /// `forget_before`, so the table holds the longest throttling
    /// window's worth.
    async fn record_login_failure(
        &self,
        failure: &LoginFailure,
        forget_before: Timestamp,
    ) -> Result<(), StoreError>;

    /// The failed logins from `address` at or after `since`, whatever
    /// email they named.
    async fn login_failures_from(
        &self,
        address: &str,
        since: Timestamp,
    ) -> Result<LoginFailures, StoreError>;

    /// The failed logins naming `email` at or after `since`, each address
    /// counting for at most `per_address` of them (so one address alone
    /// cannot run up an account's count); `first` and `last` are over
    /// every one.
    async fn login_failures_of(
        &self,
        email: &str,
        since: Timestamp,
        per_address: u32,
    ) -> Result<LoginFailures, StoreError>;

    /// Forgets the failed logins naming `email` from `address` (the
    /// account's holder just logged in from there); those from other
    /// addresses stay counted.
    async fn forget_login_failures(&self, email: &str, address: &str) -> Result<(), StoreError>;

    /// Appends an audit line; returns it as stored.
    async fn audit(&self, entry: &NewAudit) -> Result<AuditEntry, StoreError>;

    /// An organization's audit lines (`None`: those with no organization),
    /// newest first, `limit` of them before the line `before` (`None`: the
    /// newest): `audit_in` for that organization's scope.
    async fn audit_log(
        &self,
        org: Option<OrgId>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let scope = org.map_or(Scope::Local, Scope::Org);
        let window = Window {
            offset: 0,
            limit: u64::from(limit),
        };
        let filter = AuditFilter {
            before,
            ..AuditFilter::default()
        };
        Ok(self.audit_in(scope, &filter, window).await?.items)
    }

    /// The audit lines of a scope that pass the filter, newest first: the
    /// window asked for and how many there are in all. An organization's
    /// scope reaches its lines, local mode's the lines of no organization;
    /// a candidate's reaches none.
    async fn audit_in(
        &self,
        scope: Scope,
        filter: &AuditFilter,
        window: Window,
    ) -> Result<Paged<AuditEntry>, StoreError>;
}

/// Which audit lines of a scope a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only lines older than this one (by id).
    pub before: Option<i64>,
    /// Only this user's.
    pub user: Option<UserId>,
    /// Only those whose action or target contains this text (any case).
    pub action: Option<String>,
    /// Only those at or after this instant.
    pub from: Option<Timestamp>,
    /// Only those before this instant.
    pub until: Option<Timestamp>,
}

/// The refusal of an email that already has an account. It says no more
/// than that the address cannot be used: not whether the account is in
/// another organization, nor how to recover it, which would tell staff of
/// one organization who has an account in another.
pub fn email_taken(email: &str) -> StoreError {
    StoreError::Conflict(format!(
        "the email `{email}` cannot be given to a new account: use another address"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user(email: &str, role: Role, person: Option<PersonId>) -> NewUser {
        NewUser {
            org: OrgId::from_raw(1),
            email: email.to_owned(),
            name: " Maria ".to_owned(),
            role,
            person,
            password_hash: "$argon2id$v=19$...".to_owned(),
        }
    }

    #[test]
    fn emails_are_stored_trimmed_and_lower_case() {
        assert_eq!(
            normalize_email(" Maria@Agency.EXAMPLE "),
            "maria@agency.example"
        );
        let checked = check_new_user(&new_user(" Jun@X.example", Role::Staff, None)).unwrap();
        assert_eq!(checked.email, "jun@x.example");
        assert_eq!(checked.name, "Maria");
    }

    #[test]
    fn a_candidate_needs_a_person_and_every_user_an_email() {
        let e = check_new_user(&new_user("c@x.example", Role::Candidate, None)).unwrap_err();
        assert!(e.to_string().contains("needs their own record"), "{e}");
        let ok = new_user("c@x.example", Role::Candidate, Some(PersonId::from_raw(2)));
        assert!(check_new_user(&ok).is_ok());
        let e = check_new_user(&new_user("  ", Role::Admin, None)).unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
        assert!(check_organization_name(" \t").is_err());
        assert_eq!(check_organization_name(" Lab ").unwrap(), "Lab");
    }
}
