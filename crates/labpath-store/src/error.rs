//! What a store operation can fail with. The variants are what a caller
//! acts on: a missing record, a change that raced another, a move the
//! state machine forbids, input refused, a damaged database, a machine
//! that refuses the store what it needs (a full disk, a folder that cannot
//! be opened), or a backend failure. Messages are lower-case, user input in
//! backticks.

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
    /// The machine refused what the store needs: the disk is full, the
    /// data directory cannot be created or opened, permission is denied, a
    /// file system is read-only. Nothing was changed; the message says what
    /// to do (free space, fix the permissions, choose another directory).
    #[error("{0}")]
    Environment(String),
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

    /// Whether the caller's input is at fault (as opposed to the backend
    /// or the machine).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, StoreError::Other(_) | StoreError::Environment(_))
    }

    /// The error for a file system operation on `path` that failed: the
    /// machine's refusals (no space, no permission, a read-only file
    /// system, a path through a file) as [`StoreError::Environment`], with
    /// what to do; anything else as [`StoreError::Other`].
    pub fn from_io(doing: &str, path: &std::path::Path, e: &std::io::Error) -> Self {
        let what = format!("cannot {doing} `{}`: {e}", path.display());
        match environment_advice(e.kind()) {
            Some(advice) => StoreError::Environment(format!("{what}: {advice}")),
            None => StoreError::Other(what),
        }
    }
}

/// What to do about an I/O error the machine is at fault for; `None` for
/// the others.
fn environment_advice(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    match kind {
        K::StorageFull | K::QuotaExceeded => {
            Some("the disk is full: free some space, then run the command again")
        }
        K::PermissionDenied | K::ReadOnlyFilesystem => Some(
            "make the data directory writable by this user, or choose another with --data-dir or LABPATH_DATA_DIR",
        ),
        K::NotADirectory | K::AlreadyExists => Some(
            "a file stands where a folder is needed: choose another data directory with --data-dir or LABPATH_DATA_DIR",
        ),
        K::IsADirectory => Some(
            "a folder stands where a file is needed: move it away, or choose another data directory with --data-dir or LABPATH_DATA_DIR",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_the_machine_with_what_to_do() {
        let e = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let got = StoreError::from_io("write", std::path::Path::new("/d/x"), &e);
        assert!(matches!(got, StoreError::Environment(_)), "{got}");
        assert!(got.to_string().contains("free some space"), "{got}");
        assert!(!got.is_bad_input());
    }

    #[test]
    fn an_unexpected_io_error_is_a_backend_failure() {
        let e = std::io::Error::from(std::io::ErrorKind::Interrupted);
        let got = StoreError::from_io("write", std::path::Path::new("/d/x"), &e);
        assert!(matches!(got, StoreError::Other(_)), "{got}");
    }
}
