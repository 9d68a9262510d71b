//! Accounts (`labpath_store::accounts`) in SQLite, in the tables of
//! migrations 0002 and 0006 (failed logins). The reads and writes are the
//! shared ones (`labpath_store_sql::accounts`); what is SQLite's own is
//! the locking: a write that checks rows before it inserts takes the
//! write lock first (`BEGIN IMMEDIATE`), as `append` does. Times the store stamps (when an
//! organization or user was created, an audit line's time) come from this
//! machine's clock, as events' do.

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::accounts::{
    Accounts, AuditEntry, AuditFilter, LinkPurpose, LoginFailure, LoginFailures, NewAudit, NewLink,
    NewUser, Organization, Session, User,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::model::{Paged, Scope, Window};
use labpath_store::time::Timestamp;
use labpath_store_sql::accounts as shared;

use crate::SqliteStore;

#[async_trait]
impl Accounts for SqliteStore {
    async fn create_organization(&self, name: &str) -> Result<Organization, StoreError> {
        shared::create_organization(&mut self.writing().await?, name).await
    }

    async fn organization(&self, id: OrgId) -> Result<Organization, StoreError> {
        shared::organization(&mut self.conn().await?, id)
            .await?
            .ok_or_else(|| StoreError::not_found("organization", id))
    }

    async fn organizations(&self) -> Result<Vec<Organization>, StoreError> {
        shared::organizations(&mut self.conn().await?).await
    }

    async fn create_user(&self, user: &NewUser) -> Result<User, StoreError> {
        let mut tx = self.writer("creating a user").await?;
        let created = shared::create_user(&mut tx, user).await?;
        crate::commit(tx, "committing a new user").await?;
        Ok(created)
    }

    async fn user(&self, id: UserId) -> Result<User, StoreError> {
        shared::user(&mut self.conn().await?, id).await
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        shared::user_by_email(&mut self.conn().await?, email).await
    }

    async fn users_in(&self, org: OrgId, window: Window) -> Result<Paged<User>, StoreError> {
        shared::users_in(&mut self.conn().await?, org, window).await
    }

    async fn users_of(&self, person: PersonId) -> Result<Vec<User>, StoreError> {
        shared::users_of(&mut self.conn().await?, person).await
    }

    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.writer("changing a password").await?;
        shared::set_password(&mut tx, user, password_hash).await?;
        crate::commit(tx, "committing a password change").await
    }

    async fn invite_user(&self, user: &NewUser, link: &NewLink) -> Result<User, StoreError> {
        let mut tx = self.writer("inviting a user").await?;
        let created = shared::create_user(&mut tx, user).await?;
        shared::create_link(&mut tx, created.id, link).await?;
        crate::commit(tx, "committing an invitation").await?;
        Ok(created)
    }

    async fn create_link(&self, user: UserId, link: &NewLink) -> Result<(), StoreError> {
        let mut tx = self.writer("adding an account link").await?;
        shared::create_link(&mut tx, user, link).await?;
        crate::commit(tx, "committing an account link").await
    }

    async fn link(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(LinkPurpose, User)>, StoreError> {
        shared::link(&mut self.conn().await?, token_hash, now).await
    }

    async fn redeem_link(
        &self,
        token_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> Result<Option<(LinkPurpose, User)>, StoreError> {
        let mut tx = self.writer("using an account link").await?;
        let used = shared::redeem_link(&mut tx, token_hash, now, password_hash).await?;
        crate::commit(tx, "committing a new password").await?;
        Ok(used)
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        shared::create_session(&mut self.writing().await?, session).await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(Session, User)>, StoreError> {
        shared::session(&mut self.conn().await?, token_hash, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        shared::delete_session(&mut self.writing().await?, token_hash).await
    }

    async fn record_login_failure(
        &self,
        failure: &LoginFailure,
        forget_before: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = self.writing().await?;
        shared::record_login_failure(&mut conn, failure, forget_before).await
    }

    async fn login_failures_from(
        &self,
        address: &str,
        since: Timestamp,
    ) -> Result<LoginFailures, StoreError> {
        shared::login_failures_from(&mut self.conn().await?, address, since).await
    }

    async fn login_failures_of(
        &self,
        email: &str,
        since: Timestamp,
        per_address: u32,
    ) -> Result<LoginFailures, StoreError> {
        shared::login_failures_of(&mut self.conn().await?, email, since, per_address).await
    }

    async fn forget_login_failures(&self, email: &str, address: &str) -> Result<(), StoreError> {
        shared::forget_login_failures(&mut self.writing().await?, email, address).await
    }

    async fn audit(&self, entry: &NewAudit) -> Result<AuditEntry, StoreError> {
        shared::audit(&mut self.writing().await?, entry).await
    }

    async fn audit_in(
        &self,
        scope: Scope,
        filter: &AuditFilter,
        window: Window,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        shared::audit_in(&mut self.conn().await?, scope, filter, window).await
    }
}
