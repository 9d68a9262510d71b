//! Who is asking, and whose records they may reach.

pub use labpath_store::model::Scope;

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
