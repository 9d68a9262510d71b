//! Accounts (`labpath_store::accounts`) in PostgreSQL: organizations,
//! users, sessions, failed logins and the audit log, in the tables of
//! migration 0003. The checks that need no database are
//! `labpath_store::accounts`'s; this module reads and writes the rows.
//!
//! Times the store stamps (when an organization or user was created, an
//! audit line's time) are the database server's clock, as events' are, to
//! the millisecond: one clock for every replica. Accounts are written
//! without the tracker's write lock: a write that checks rows before it
//! inserts does so in one transaction, and organizations and people are
//! never removed nor moved, so what it checked still holds when it commits.

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::accounts::{
    self, Accounts, AuditEntry, NewAudit, NewUser, Organization, Role, Session, User,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::time::Timestamp;
use sqlx::postgres::{PgConnection, PgExecutor, PgRow};
use sqlx::{Postgres, QueryBuilder};

use crate::PgStore;
use crate::convert::{bad, db_error, pg_time};
use crate::read::{get, instant, person as person_in};

fn organization_row(row: &PgRow) -> Result<Organization, StoreError> {
    Ok(Organization {
        id: OrgId::from_raw(get(row, "id")?),
        name: get(row, "name")?,
        created_at: instant(row, "created_at")?,
    })
}

fn user_row(row: &PgRow) -> Result<User, StoreError> {
    let role: String = get(row, "role")?;
    Ok(User {
        id: UserId::from_raw(get(row, "id")?),
        org: OrgId::from_raw(get(row, "org_id")?),
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        person: get::<Option<i64>>(row, "person_id")?.map(PersonId::from_raw),
        created_at: instant(row, "created_at")?,
    })
}

/// A session row; its columns are prefixed `session_` where they meet a
/// user's in a join.
fn session_row(row: &PgRow) -> Result<Session, StoreError> {
    Ok(Session {
        token_hash: get(row, "token_hash")?,
        user: UserId::from_raw(get(row, "user_id")?),
        csrf: get(row, "csrf")?,
        created_at: instant(row, "session_created_at")?,
        expires_at: instant(row, "expires_at")?,
    })
}

fn audit_row(row: &PgRow) -> Result<AuditEntry, StoreError> {
    let status: i32 = get(row, "status")?;
    Ok(AuditEntry {
        id: get(row, "id")?,
        at: instant(row, "at")?,
        org: get::<Option<i64>>(row, "org_id")?.map(OrgId::from_raw),
        user: get::<Option<i64>>(row, "user_id")?.map(UserId::from_raw),
        action: get(row, "action")?,
        target: get(row, "target")?,
        from: get(row, "from_addr")?,
        status: u16::try_from(status).map_err(|_| bad("status", &status.to_string()))?,
    })
}

/// An organization, read inside a write (or anywhere).
pub(crate) async fn organization<'e>(
    ex: impl PgExecutor<'e>,
    id: OrgId,
) -> Result<Option<Organization>, StoreError> {
    let row = sqlx::query("SELECT * FROM organizations WHERE id = $1")
        .bind(id.get())
        .fetch_optional(ex)
        .await
        .map_err(|e| db_error("reading an organization", e))?;
    row.as_ref().map(organization_row).transpose()
}

/// An organization that must exist (`NotFound` otherwise).
pub(crate) async fn existing_organization<'e>(
    ex: impl PgExecutor<'e>,
    id: OrgId,
) -> Result<Organization, StoreError> {
    organization(ex, id)
        .await?
        .ok_or_else(|| StoreError::not_found("organization", id))
}

/// A user's record must be one of their own organization's people.
async fn check_own_person(
    conn: &mut PgConnection,
    user: &NewUser,
    person: PersonId,
) -> Result<(), StoreError> {
    let found = person_in(conn, person)
        .await?
        .ok_or_else(|| StoreError::not_found("person", person))?;
    if found.organization != Some(user.org) {
        return Err(StoreError::Invalid(format!(
            "person {person} is not in organization {}: user `{}` can only be linked to their own organization's people",
            user.org, user.email
        )));
    }
    Ok(())
}

async fn insert_user(conn: &mut PgConnection, user: &NewUser) -> Result<User, StoreError> {
    let row = sqlx::query(
        "INSERT INTO users (org_id, email, name, password_hash, role, person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, date_trunc('milliseconds', clock_timestamp())) \
         RETURNING *",
    )
    .bind(user.org.get())
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(user.person.map(PersonId::get))
    .fetch_one(conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            labpath_store::accounts::email_taken(&user.email)
        }
        _ => db_error("creating a user", e),
    })?;
    user_row(&row)
}

#[async_trait]
impl Accounts for PgStore {
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError> {
        let name = accounts::check_organization_name(name)?;
        let row = sqlx::query(
            "INSERT INTO organizations (name, created_at) \
             VALUES ($1, date_trunc('milliseconds', clock_timestamp())) RETURNING *",
        )
        .bind(&name)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_error("creating an organization", e))?;
        organization_row(&row)
    }

    async fn organization(&self, id: OrgId) -> Result<Organization, StoreError> {
        existing_organization(&self.pool, id).await
    }

    async fn organizations(&self) -> Result<Vec<Organization>, StoreError> {
        let rows = sqlx::query("SELECT * FROM organizations ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error("reading organizations", e))?;
        rows.iter().map(organization_row).collect()
    }

    async fn create_user(&self, user: &NewUser) -> Result<User, StoreError> {
        let user = accounts::check_new_user(user)?;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_error("creating a user", e))?;
        existing_organization(&mut *tx, user.org).await?;
        if let Some(person) = user.person {
            check_own_person(&mut tx, &user, person).await?;
        }
        let created = insert_user(&mut tx, &user).await?;
        tx.commit()
            .await
            .map_err(|e| db_error("committing a new user", e))?;
        Ok(created)
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error("reading a user", e))?;
        row.as_ref()
            .map(user_row)
            .transpose()?
            .ok_or_else(|| StoreError::not_found("user", id))
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE email = $1")
            .bind(accounts::normalize_email(email))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error("finding a user", e))?;
        row.as_ref()
            .map(|r| Ok((user_row(r)?, get::<String>(r, "password_hash")?)))
            .transpose()
    }

    async fn users(&self, org: OrgId) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query("SELECT * FROM users WHERE org_id = $1 ORDER BY id")
            .bind(org.get())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error("reading users", e))?;
        rows.iter().map(user_row).collect()
    }

    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError> {
        accounts::check_password_hash(password_hash)?;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| db_error("changing a password", e))?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.get())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("changing a password", e))?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::not_found("user", user));
        }
        // Whoever held a session under the old password holds it no longer.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.get())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("ending a user's sessions", e))?;
        tx.commit()
            .await
            .map_err(|e| db_error("committing a password change", e))
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        accounts::check_session(session)?;
        // Sessions that have run out by now are of no use to anyone: this
        // is where they go, through the index on `expires_at`.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(pg_time(session.created_at))
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("removing expired sessions", e))?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user.get())
        .bind(&session.csrf)
        .bind(pg_time(session.created_at))
        .bind(pg_time(session.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::not_found("user", session.user)
            }
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
                "a session with this token already exists: make a new token".to_owned(),
            ),
            _ => db_error("starting a session", e),
        })?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(Session, User)>, StoreError> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.csrf, s.created_at AS session_created_at, \
             s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(pg_time(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error("reading a session", e))?;
        row.as_ref()
            .map(|r| Ok((session_row(r)?, user_row(r)?)))
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("ending a session", e))?;
        Ok(())
    }

    async fn record_login_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "WITH forgotten AS (DELETE FROM login_failures WHERE at < $3) \
             INSERT INTO login_failures (key, at) VALUES ($1, $2)",
        )
        .bind(key)
        .bind(pg_time(at))
        .bind(pg_time(forget_before))
        .execute(&self.pool)
        .await
        .map_err(|e| db_error("recording a failed login", e))?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<u32, StoreError> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(pg_time(since))
                .fetch_one(&self.pool)
                .await
                .map_err(|e| db_error("counting failed logins", e))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn audit(&self, entry: &NewAudit) -> Result<AuditEntry, StoreError> {
        let row = sqlx::query(
            "INSERT INTO audit_log (at, org_id, user_id, action, target, from_addr, status) \
             VALUES (date_trunc('milliseconds', clock_timestamp()), $1, $2, $3, $4, $5, $6) \
             RETURNING *",
        )
        .bind(entry.org.map(OrgId::get))
        .bind(entry.user.map(UserId::get))
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.from)
        .bind(i32::from(entry.status))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_error("writing the audit log", e))?;
        audit_row(&row)
    }

    async fn audit_log(
        &self,
        org: Option<OrgId>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        // `= $1` or `IS NULL`, not `IS NOT DISTINCT FROM`, which no index serves.
        let mut q = QueryBuilder::<Postgres>::new("SELECT * FROM audit_log WHERE ");
        match org {
            Some(o) => q.push("org_id = ").push_bind(o.get()),
            None => q.push("org_id IS NULL"),
        };
        q.push(" AND id < ")
            .push_bind(before.unwrap_or(i64::MAX))
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error("reading the audit log", e))?;
        rows.iter().map(audit_row).collect()
    }
}
