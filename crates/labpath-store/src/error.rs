//! What a store operation can fail with. The variants are what a caller
//! acts on: a missing record, a change that raced another, a move the
//! state machine forbids, input refused, a damaged database, or a backend
//! failure. Messages are lower-case, user input in backticks.

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record.
    #[error("{what} `{id}` does not exist")]
    NotFound {
        /// "person", "application", "reminder", "attachment", "profile version".
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The record changed since the caller read it (another process wrote
    /// first), or the write would duplicate a unique record; nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// A status change the state machine forbids; the text says which and why.
    #[error("{0}")]
    InvalidTransition(String),
    /// Input refused: a date out of order, an oversized or unknown file, an
    /// import into a store that already holds data.
    #[error("{0}")]
    Invalid(String),
    /// Input refused at one field, which the caller can point at: a text
    /// over its limit, an activity's credit out of bounds.
    #[error("{message}")]
    InvalidAt {
        /// The field, as the change names it (`summary`, `title`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The database is damaged or is not a labpath database; it was left untouched.
    #[error("{0}")]
    Corrupt(String),
    /// The backend failed (I/O, driver); the message names the operation.
    #[error("{0}")]
    Other(String),
}

impl From<labpath_engine::limits::OverLimit> for StoreError {
    fn from(e: labpath_engine::limits::OverLimit) -> Self {
        StoreError::InvalidAt {
            field: e.field,
            message: e.message,
        }
    }
}

impl StoreError {
    /// Input refused at `field`.
    pub fn invalid_at(field: &str, message: impl Into<String>) -> Self {
        StoreError::InvalidAt {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// A missing record.
    pub fn not_found(what: &'static str, id: impl std::fmt::Display) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    /// Whether the caller's input is at fault (as opposed to the backend).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, StoreError::Other(_))
    }
}
