//! Who is asking, and whose records they may reach.

use labpath_store::accounts::{Role, User};
use labpath_store::ids::OrgId;

pub use labpath_store::model::Scope;

use crate::AppError;

/// Who is asking: what they may reach, what their role lets them do and
/// the name their changes are recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Whose records they reach.
    pub scope: Scope,
    /// Their role in their organization; `None` for the owner of a local
    /// data directory, who may do everything there.
    pub role: Option<Role>,
    /// The name recorded on events (`user 3 (ana@example.org)`, `local`,
    /// or the local user's name).
    pub actor: String,
}

impl Principal {
    /// The owner of a local data directory, recorded as `actor`.
    pub fn local(actor: impl Into<String>) -> Self {
        Principal {
            scope: Scope::Local,
            role: None,
            actor: actor.into(),
        }
    }

    /// A logged-in user: admins and staff reach their organization's
    /// people, a candidate their own record.
    pub fn user(user: &User) -> Self {
        let scope = match user.role {
            Role::Candidate => Scope::Own(user.org, user.person),
            Role::Admin | Role::Staff => Scope::Org(user.org),
        };
        Principal {
            scope,
            role: Some(user.role),
            actor: format!("user {} ({})", user.id, user.email),
        }
    }

    /// The organization, if any (none in local mode).
    pub fn org(&self) -> Option<OrgId> {
        match self.scope {
            Scope::Local => None,
            Scope::Org(org) | Scope::Own(org, _) => Some(org),
        }
    }

    /// Refuses unless the principal is staff or admin (or local).
    pub fn require_staff(&self) -> Result<(), AppError> {
        match self.role {
            None | Some(Role::Admin) | Some(Role::Staff) => Ok(()),
            Some(Role::Candidate) => Err(AppError::forbidden(
                "only an organization's staff or admin may do this",
            )),
        }
    }

    /// Refuses unless the principal is an organization admin.
    pub fn require_admin(&self) -> Result<(), AppError> {
        match self.role {
            Some(Role::Admin) => Ok(()),
            _ => Err(AppError::forbidden(
                "only an organization admin may do this",
            )),
        }
    }
}
