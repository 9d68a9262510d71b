//! Accounts (`labpath_store::accounts`), once for both backends:
//! organizations, users, sessions, failed logins and the audit log. The
//! checks that need no database are `labpath_store::accounts`'s, those that
//! read it `labpath_store::port`'s; this module reads and writes the rows.
//! The times the store stamps come from the connection's clock (`Conn::now`).
//! A backend runs `create_user` and `set_password` in a transaction (on
//! SQLite, one that takes the write lock first).

use labpath_store::StoreError;
use labpath_store::accounts::{
    self, AuditEntry, AuditFilter, LinkPurpose, LoginFailure, LoginFailures, NewAudit, NewLink,
    NewUser, Organization, Session, User, email_taken,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::model::{Paged, Scope, Window};
use labpath_store::port::check_user_links;
use labpath_store::time::Timestamp;

use crate::conn::{Conn, Sql, fetch_one, fetch_row, fetch_rows};
use crate::query;
use crate::read::Tables;
use crate::rows::{AuditRow, FailuresRow, LinkUserRow, OrganizationRow, SessionUserRow, UserRow};

/// Creates an organization.
pub async fn create_organization<C: Conn + ?Sized>(
    conn: &mut C,
    name: &str,
) -> Result<Organization, StoreError> {
    let name = accounts::check_organization_name(name)?;
    let now = conn.now().await?;
    let sql = Sql::new(query::INSERT_ORGANIZATION, "creating an organization")
        .bind(name.as_str())
        .bind(now);
    let row: Option<OrganizationRow> = fetch_row(conn, sql).await?;
    row.map(OrganizationRow::into_organization)
        .ok_or_else(|| StoreError::Other("the new organization was not returned".to_owned()))
}

/// An organization, if there is one.
pub async fn organization<C: Conn + ?Sized>(
    conn: &mut C,
    id: OrgId,
) -> Result<Option<Organization>, StoreError> {
    let sql = Sql::new(query::ORGANIZATION, "reading an organization").bind(id.get());
    let row: Option<OrganizationRow> = fetch_row(conn, sql).await?;
    Ok(row.map(OrganizationRow::into_organization))
}

/// Every organization, by id.
pub async fn organizations<C: Conn + ?Sized>(
    conn: &mut C,
) -> Result<Vec<Organization>, StoreError> {
    let sql = Sql::new(query::ORGANIZATIONS, "reading organizations");
    let rows: Vec<OrganizationRow> = fetch_rows(conn, sql).await?;
    Ok(rows
        .into_iter()
        .map(OrganizationRow::into_organization)
        .collect())
}

/// Creates a user, inside the caller's transaction.
pub async fn create_user<C: Conn + ?Sized>(
    conn: &mut C,
    user: &NewUser,
) -> Result<User, StoreError> {
    let user = accounts::check_new_user(user)?;
    check_user_links(&mut Tables(&mut *conn), &user).await?;
    let now = conn.now().await?;
    let sql = Sql::new(query::INSERT_USER, "creating a user")
        .bind(user.org.get())
        .bind(&user.email)
        .bind(&user.name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(user.person.map(PersonId::get))
        .bind(now);
    // The email's unique index decides races between two new accounts.
    let row = fetch_one(conn, sql).await.map_err(|e| match e {
        StoreError::Conflict(_) => email_taken(&user.email),
        e => e,
    })?;
    crate::conn::decode::<UserRow, _>(&row, "creating a user")?
        .into_user()
        .map(|(u, _)| u)
}

/// A user; `NotFound` when there is none.
pub async fn user<C: Conn + ?Sized>(conn: &mut C, id: UserId) -> Result<User, StoreError> {
    let sql = Sql::new(query::USER, "reading a user").bind(id.get());
    let row: Option<UserRow> = fetch_row(conn, sql).await?;
    match row {
        Some(r) => r.into_user().map(|(u, _)| u),
        None => Err(StoreError::not_found("user", id)),
    }
}

/// A user by login name (any case), with the stored password hash.
pub async fn user_by_email<C: Conn + ?Sized>(
    conn: &mut C,
    email: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let sql = Sql::new(query::USER_BY_EMAIL, "finding a user")
        .bind(accounts::normalize_email(email).as_str());
    let row: Option<UserRow> = fetch_row(conn, sql).await?;
    row.map(UserRow::into_user).transpose()
}

/// An organization's users, by id: one window of them and how many there
/// are.
pub async fn users_in<C: Conn + ?Sized>(
    conn: &mut C,
    org: OrgId,
    window: Window,
) -> Result<Paged<User>, StoreError> {
    let count = Sql::new(query::COUNT_USERS, "counting users").bind(org.get());
    let list = Sql::new(query::USERS, "reading users").bind(org.get());
    crate::read::paged(conn, true, count, list, window, |r: UserRow| {
        r.into_user().map(|(u, _)| u)
    })
    .await
}

/// The accounts linked to a person, by id.
pub async fn users_of<C: Conn + ?Sized>(
    conn: &mut C,
    person: PersonId,
) -> Result<Vec<User>, StoreError> {
    let sql = Sql::new(query::USERS_OF_PERSON, "reading a person's accounts").bind(person.get());
    let rows: Vec<UserRow> = fetch_rows(conn, sql).await?;
    rows.into_iter()
        .map(|r| r.into_user().map(|(u, _)| u))
        .collect()
}

/// Replaces a user's password hash and ends their sessions, inside the
/// caller's transaction.
pub async fn set_password<C: Conn + ?Sized>(
    conn: &mut C,
    user: UserId,
    password_hash: &str,
) -> Result<(), StoreError> {
    accounts::check_password_hash(password_hash)?;
    let sql = Sql::new(query::SET_PASSWORD, "changing a password")
        .bind(password_hash)
        .bind(user.get());
    if conn.execute(sql).await? == 0 {
        return Err(StoreError::not_found("user", user));
    }
    // Whoever held a session under the old password holds it no longer.
    let sql = Sql::new(query::DELETE_USER_SESSIONS, "ending a user's sessions").bind(user.get());
    conn.execute(sql).await.map(drop)
}

/// Starts a session, and removes the sessions that have run out by now.
pub async fn create_session<C: Conn + ?Sized>(
    conn: &mut C,
    session: &Session,
) -> Result<(), StoreError> {
    accounts::check_session(session)?;
    let sql = Sql::new(query::DELETE_EXPIRED_SESSIONS, "removing expired sessions")
        .bind(session.created_at);
    conn.execute(sql).await?;
    let sql = Sql::new(query::INSERT_SESSION, "starting a session")
        .bind(&session.token_hash)
        .bind(session.user.get())
        .bind(&session.csrf)
        .bind(session.created_at)
        .bind(session.expires_at);
    match conn.execute(sql).await {
        Ok(_) => Ok(()),
        Err(StoreError::Invalid(_)) => Err(StoreError::not_found("user", session.user)),
        Err(StoreError::Conflict(_)) => Err(StoreError::Conflict(
            "a session with this token already exists: make a new token".to_owned(),
        )),
        Err(e) => Err(e),
    }
}

/// The session with this token hash and its user, if it has not expired.
pub async fn session<C: Conn + ?Sized>(
    conn: &mut C,
    token_hash: &str,
    now: Timestamp,
) -> Result<Option<(Session, User)>, StoreError> {
    let sql = Sql::new(query::SESSION, "reading a session")
        .bind(token_hash)
        .bind(now);
    let row: Option<SessionUserRow> = fetch_row(conn, sql).await?;
    row.map(SessionUserRow::into_session).transpose()
}

/// Adds a link for a user, retiring their earlier unused ones, inside the
/// caller's transaction.
pub async fn create_link<C: Conn + ?Sized>(
    conn: &mut C,
    user: UserId,
    link: &NewLink,
) -> Result<(), StoreError> {
    // The user must exist (a clear `NotFound`, not a foreign-key error).
    self::user(&mut *conn, user).await?;
    let retire = Sql::new(query::RETIRE_LINKS, "retiring older links")
        .bind(user.get())
        .bind(link.created_at);
    conn.execute(retire).await?;
    let sql = Sql::new(query::INSERT_LINK, "adding an account link")
        .bind(link.token_hash.as_str())
        .bind(user.get())
        .bind(link.purpose.as_str())
        .bind(link.created_at)
        .bind(link.expires_at);
    conn.execute(sql).await.map(drop)
}

/// An unused, unexpired link's purpose and user.
pub async fn link<C: Conn + ?Sized>(
    conn: &mut C,
    token_hash: &str,
    now: Timestamp,
) -> Result<Option<(LinkPurpose, User)>, StoreError> {
    let sql = Sql::new(query::LINK, "reading an account link")
        .bind(token_hash)
        .bind(now);
    let row: Option<LinkUserRow> = fetch_row(conn, sql).await?;
    row.map(LinkUserRow::into_link).transpose()
}

/// Uses a link, inside the caller's transaction: marks it and its user's
/// other links used and sets the password; `None` when it no longer works.
pub async fn redeem_link<C: Conn + ?Sized>(
    conn: &mut C,
    token_hash: &str,
    now: Timestamp,
    password_hash: &str,
) -> Result<Option<(LinkPurpose, User)>, StoreError> {
    accounts::check_password_hash(password_hash)?;
    let Some((purpose, user)) = link(&mut *conn, token_hash, now).await? else {
        return Ok(None);
    };
    let used = Sql::new(query::USE_LINK, "using an account link")
        .bind(token_hash)
        .bind(now);
    if conn.execute(used).await? == 0 {
        // Used by another request in the meantime.
        return Ok(None);
    }
    let retire = Sql::new(query::RETIRE_LINKS, "retiring older links")
        .bind(user.id.get())
        .bind(now);
    conn.execute(retire).await?;
    set_password(conn, user.id, password_hash).await?;
    Ok(Some((purpose, user)))
}

/// Ends a session (a no-op when it is gone).
pub async fn delete_session<C: Conn + ?Sized>(
    conn: &mut C,
    token_hash: &str,
) -> Result<(), StoreError> {
    let sql = Sql::new(query::DELETE_SESSION, "ending a session").bind(token_hash);
    conn.execute(sql).await.map(drop)
}

/// Records a failed login, and forgets those before `forget_before`.
pub async fn record_login_failure<C: Conn + ?Sized>(
    conn: &mut C,
    failure: &LoginFailure,
    forget_before: Timestamp,
) -> Result<(), StoreError> {
    let sql =
        Sql::new(query::FORGET_LOGIN_FAILURES, "forgetting old failed logins").bind(forget_before);
    conn.execute(sql).await?;
    let sql = Sql::new(query::INSERT_LOGIN_FAILURE, "recording a failed login")
        .bind(&failure.email)
        .bind(&failure.address)
        .bind(failure.at);
    conn.execute(sql).await.map(drop)
}

/// The failed logins from `address` at or after `since`.
pub async fn login_failures_from<C: Conn + ?Sized>(
    conn: &mut C,
    address: &str,
    since: Timestamp,
) -> Result<LoginFailures, StoreError> {
    let sql = Sql::new(
        query::LOGIN_FAILURES_FROM,
        "counting an address's failed logins",
    )
    .bind(address)
    .bind(since);
    failures(conn, sql).await
}

/// The failed logins naming `email` at or after `since`, each address
/// counting for at most `per_address`.
pub async fn login_failures_of<C: Conn + ?Sized>(
    conn: &mut C,
    email: &str,
    since: Timestamp,
    per_address: u32,
) -> Result<LoginFailures, StoreError> {
    let sql = Sql::new(
        query::LOGIN_FAILURES_OF,
        "counting an account's failed logins",
    )
    .bind(email)
    .bind(since)
    .bind(i64::from(per_address));
    failures(conn, sql).await
}

/// Reads a count of failed logins (an aggregate: one row, always).
async fn failures<C: Conn + ?Sized>(conn: &mut C, sql: Sql) -> Result<LoginFailures, StoreError> {
    let row: Option<FailuresRow> = fetch_row(conn, sql).await?;
    row.map_or(Ok(LoginFailures::default()), FailuresRow::into_failures)
}

/// Forgets the failed logins naming `email` from `address`.
pub async fn forget_login_failures<C: Conn + ?Sized>(
    conn: &mut C,
    email: &str,
    address: &str,
) -> Result<(), StoreError> {
    let sql = Sql::new(
        query::FORGET_LOGIN_FAILURES_OF,
        "forgetting an account's failed logins",
    )
    .bind(email)
    .bind(address);
    conn.execute(sql).await.map(drop)
}

/// Appends an audit line; returns it as stored.
pub async fn audit<C: Conn + ?Sized>(
    conn: &mut C,
    entry: &NewAudit,
) -> Result<AuditEntry, StoreError> {
    let now = conn.now().await?;
    let sql = Sql::new(query::INSERT_AUDIT, "writing the audit log")
        .bind(now)
        .bind(entry.org.map(OrgId::get))
        .bind(entry.user.map(UserId::get))
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.from)
        .bind(crate::conn::Param::Small(Some(i32::from(entry.status))));
    let row: Option<AuditRow> = fetch_row(conn, sql).await?;
    row.map(AuditRow::into_entry)
        .ok_or_else(|| StoreError::Other("the audit line was not returned".to_owned()))?
}

/// The audit lines of a scope that pass the filter, newest first: one
/// window of them and how many there are. An organization's scope reaches
/// its lines, local mode's those of no organization, a candidate's none.
pub async fn audit_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &AuditFilter,
    window: Window,
) -> Result<Paged<AuditEntry>, StoreError> {
    // `= $1` or `IS NULL`, not `IS NOT DISTINCT FROM`, which no index serves.
    let condition = |sql: &mut Sql| -> bool {
        match scope {
            Scope::Local => {
                sql.push(" WHERE org_id IS NULL");
            }
            Scope::Org(org) => {
                sql.push(" WHERE org_id = ").push_bind(org.get());
            }
            Scope::Own(..) => return false,
        }
        if let Some(before) = filter.before {
            sql.push(" AND id < ").push_bind(before);
        }
        if let Some(user) = filter.user {
            sql.push(" AND user_id = ").push_bind(user.get());
        }
        if let Some(text) = filter.action.as_deref().filter(|t| !t.is_empty()) {
            // What was asked and what it concerned (`login-failed EMAIL`,
            // `person 7`), as the log's reader sees one line.
            crate::read::push_contains(sql, "action || ' ' || COALESCE(target, '')", text);
        }
        if let Some(from) = filter.from {
            sql.push(" AND at >= ").push_bind(from);
        }
        if let Some(until) = filter.until {
            sql.push(" AND at < ").push_bind(until);
        }
        true
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM audit_log", "counting audit lines");
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT * FROM audit_log", "reading the audit log");
    condition(&mut list);
    list.push(" ORDER BY id DESC");
    crate::read::paged(conn, reaches, count, list, window, AuditRow::into_entry).await
}
