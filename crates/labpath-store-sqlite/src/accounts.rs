//! Accounts (`labpath_store::accounts`) in SQLite: organizations, users,
//! sessions, failed logins and the audit log, in the tables of migration
//! 0002. The checks that need no database are `labpath_store::accounts`'s;
//! this module reads and writes the rows. Times the store stamps (when an
//! organization or user was created, an audit line's time) come from this
//! machine's clock, as events' do. A write that checks rows before it
//! inserts takes the write lock first (`BEGIN IMMEDIATE`), as `append` does.

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::accounts::{
    self, Accounts, AuditEntry, NewAudit, NewUser, Organization, Role, Session, User,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::time::Timestamp;
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Row, Sqlite, Transaction};

use crate::read::{bad, int, opt_text, person_in, text, time};
use crate::{SqliteStore, db_error};

fn organization_row(row: &SqliteRow) -> Result<Organization, StoreError> {
    Ok(Organization {
        id: OrgId::from_raw(int(row, "id")?),
        name: text(row, "name")?,
        created_at: time(row, "created_at")?,
    })
}

fn opt_int(row: &SqliteRow, column: &str) -> Result<Option<i64>, StoreError> {
    row.try_get::<Option<i64>, _>(column)
        .map_err(|e| db_error(&format!("reading `{column}`"), e))
}

fn user_row(row: &SqliteRow) -> Result<User, StoreError> {
    let role = text(row, "role")?;
    Ok(User {
        id: UserId::from_raw(int(row, "id")?),
        org: OrgId::from_raw(int(row, "org_id")?),
        email: text(row, "email")?,
        name: text(row, "name")?,
        role: Role::parse(&role).ok_or_else(|| bad("role", &role))?,
        person: opt_int(row, "person_id")?.map(PersonId::from_raw),
        created_at: time(row, "created_at")?,
    })
}

/// A session row; its columns are prefixed `session_` where they meet a
/// user's in a join.
fn session_row(row: &SqliteRow) -> Result<Session, StoreError> {
    Ok(Session {
        token_hash: text(row, "token_hash")?,
        user: UserId::from_raw(int(row, "user_id")?),
        csrf: text(row, "csrf")?,
        created_at: time(row, "session_created_at")?,
        expires_at: time(row, "expires_at")?,
    })
}

fn audit_row(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let status = int(row, "status")?;
    Ok(AuditEntry {
        id: int(row, "id")?,
        at: time(row, "at")?,
        org: opt_int(row, "org_id")?.map(OrgId::from_raw),
        user: opt_int(row, "user_id")?.map(UserId::from_raw),
        action: text(row, "action")?,
        target: opt_text(row, "target")?,
        from: text(row, "from_addr")?,
        status: u16::try_from(status).map_err(|_| bad("status", &status.to_string()))?,
    })
}

/// An organization, read inside a write (or anywhere).
pub(crate) async fn organization_in(
    conn: &mut SqliteConnection,
    id: OrgId,
) -> Result<Option<Organization>, StoreError> {
    let row = sqlx::query("SELECT * FROM organizations WHERE id = ?")
        .bind(id.get())
        .fetch_optional(conn)
        .await
        .map_err(|e| db_error("reading an organization", e))?;
    row.as_ref().map(organization_row).transpose()
}

/// An organization that must exist (`NotFound` otherwise).
pub(crate) async fn existing_organization(
    conn: &mut SqliteConnection,
    id: OrgId,
) -> Result<Organization, StoreError> {
    organization_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found("organization", id))
}

async fn begin_write(
    pool: &SqlitePool,
    doing: &str,
) -> Result<Transaction<'static, Sqlite>, StoreError> {
    pool.begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| db_error(doing, e))
}

/// A user's record must be one of their own organization's people.
async fn check_own_person(
    conn: &mut SqliteConnection,
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

async fn insert_user(tx: &mut SqliteConnection, user: &NewUser) -> Result<User, StoreError> {
    let row = sqlx::query(
        "INSERT INTO users (org_id, email, name, password_hash, role, person_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
    )
    .bind(user.org.get())
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(user.person.map(PersonId::get))
    .bind(Timestamp::now().to_string())
    .fetch_one(tx)
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
impl Accounts for SqliteStore {
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError> {
        let name = accounts::check_organization_name(name)?;
        let row =
            sqlx::query("INSERT INTO organizations (name, created_at) VALUES (?, ?) RETURNING *")
                .bind(&name)
                .bind(Timestamp::now().to_string())
                .fetch_one(&self.pool)
                .await
                .map_err(|e| db_error("creating an organization", e))?;
        organization_row(&row)
    }

    async fn organization(&self, id: OrgId) -> Result<Organization, StoreError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| db_error("reading an organization", e))?;
        existing_organization(&mut conn, id).await
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
        let mut tx = begin_write(&self.pool, "creating a user").await?;
        existing_organization(&mut tx, user.org).await?;
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
        let row = sqlx::query("SELECT * FROM users WHERE id = ?")
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
        let row = sqlx::query("SELECT * FROM users WHERE email = ?")
            .bind(accounts::normalize_email(email))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| db_error("finding a user", e))?;
        row.as_ref()
            .map(|r| Ok((user_row(r)?, text(r, "password_hash")?)))
            .transpose()
    }

    async fn users(&self, org: OrgId) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query("SELECT * FROM users WHERE org_id = ? ORDER BY id")
            .bind(org.get())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| db_error("reading users", e))?;
        rows.iter().map(user_row).collect()
    }

    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError> {
        accounts::check_password_hash(password_hash)?;
        let mut tx = begin_write(&self.pool, "changing a password").await?;
        let changed = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(user.get())
            .execute(&mut *tx)
            .await
            .map_err(|e| db_error("changing a password", e))?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::not_found("user", user));
        }
        // Whoever held a session under the old password holds it no longer.
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
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
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(session.created_at.to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("removing expired sessions", e))?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(session.user.get())
        .bind(&session.csrf)
        .bind(session.created_at.to_string())
        .bind(session.expires_at.to_string())
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
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(now.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_error("reading a session", e))?;
        row.as_ref()
            .map(|r| Ok((session_row(r)?, user_row(r)?)))
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
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
        sqlx::query("DELETE FROM login_failures WHERE at < ?")
            .bind(forget_before.to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("forgetting old failed logins", e))?;
        sqlx::query("INSERT INTO login_failures (key, at) VALUES (?, ?)")
            .bind(key)
            .bind(at.to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| db_error("recording a failed login", e))?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<u32, StoreError> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?")
                .bind(key)
                .bind(since.to_string())
                .fetch_one(&self.pool)
                .await
                .map_err(|e| db_error("counting failed logins", e))?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn audit(&self, entry: &NewAudit) -> Result<AuditEntry, StoreError> {
        let row = sqlx::query(
            "INSERT INTO audit_log (at, org_id, user_id, action, target, from_addr, status) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
        )
        .bind(Timestamp::now().to_string())
        .bind(entry.org.map(OrgId::get))
        .bind(entry.user.map(UserId::get))
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.from)
        .bind(i64::from(entry.status))
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
        // `IS`, not `=`: the lines with no organization are asked for as NULL.
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE org_id IS ? AND id < ? ORDER BY id DESC LIMIT ?",
        )
        .bind(org.map(OrgId::get))
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_error("reading the audit log", e))?;
        rows.iter().map(audit_row).collect()
    }
}
