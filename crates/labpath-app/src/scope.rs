//! Who is asking, and whose records they may reach.

use labpath_store::ids::{OrgId, PersonId};
use labpath_store::model::Person;

/// Which people a principal sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Local mode: people of no organization.
    Local,
    /// An organization's people (its admins and staff).
    Org(OrgId),
    /// One person of an organization (a candidate; `None` before their
    /// account is linked to a record).
    Own(OrgId, Option<PersonId>),
}

impl Scope {
    /// Whether a principal with this scope may see (and edit) the person's
    /// records.
    pub fn can_see(self, person: &Person) -> bool {
        match self {
            Scope::Local => person.organization.is_none(),
            Scope::Org(org) => person.organization == Some(org),
            Scope::Own(org, own) => person.organization == Some(org) && own == Some(person.id),
        }
    }
}

/// Who is asking: what they may reach and the name their changes are
/// recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Whose records they reach.
    pub scope: Scope,
    /// The name recorded on events (`user 3 (ana@example.org)`, `local`,
    /// or the local user's name).
    pub actor: String,
}

impl Principal {
    /// The owner of a local data directory, recorded as `actor`.
    pub fn local(actor: impl Into<String>) -> Self {
        Principal {
            scope: Scope::Local,
            actor: actor.into(),
        }
    }
}
