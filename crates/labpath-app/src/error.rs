//! What a use case can end with besides its answer: which kind of refusal
//! (each front end has its own way to say it: an HTTP status, an exit
//! code), what is wrong, the input at fault and, when one input has several
//! problems, each of them.

use labpath_engine::units::Date;
use labpath_store::StoreError;

/// The kind of a refusal or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input is not acceptable.
    Invalid,
    /// No such record, or none the principal may see; the word names what
    /// ("person", "application", "activity").
    NotFound(&'static str),
    /// The person has no profile to work from yet.
    NoProfile,
    /// No plan reaches the goal asked for.
    Unreachable,
    /// The change conflicts with what is stored (a duplicate, a race).
    Conflict,
    /// The principal's role does not allow it.
    Forbidden,
    /// A login with a wrong email or password (which one, is not said).
    WrongLogin,
    /// Too many failed logins: try again after this many seconds.
    Throttled(u64),
    /// The database is damaged; nothing was changed.
    Corrupt,
    /// The machine refused the store what it needs (a full disk, a data
    /// directory that cannot be opened, permission denied); the message
    /// says what to do.
    Environment,
    /// The store failed (I/O, the driver).
    Backend,
}

/// One problem of an input that has several (a CSV's lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field or column at fault.
    pub field: Option<String>,
    /// The line of the input, when it has lines.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A use case's refusal or failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// Which kind.
    pub kind: Kind,
    /// What went wrong and, where it helps, what to do.
    pub message: String,
    /// The input at fault.
    pub field: Option<String>,
    /// Every problem, when the input has several.
    pub problems: Vec<Problem>,
}

impl AppError {
    /// Refused input.
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError {
            kind: Kind::Invalid,
            message: message.into(),
            field: None,
            problems: Vec::new(),
        }
    }

    /// A record that does not exist or that the principal may not see.
    pub fn not_found(what: &'static str, id: impl std::fmt::Display) -> Self {
        AppError {
            kind: Kind::NotFound(what),
            message: format!("{what} `{id}` does not exist"),
            field: None,
            problems: Vec::new(),
        }
    }

    /// Refused for the principal's role.
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError {
            kind: Kind::Forbidden,
            message: message.into(),
            field: None,
            problems: Vec::new(),
        }
    }

    /// The store or the machine failed; nothing the caller can fix.
    pub fn backend(message: impl Into<String>) -> Self {
        AppError {
            kind: Kind::Backend,
            message: message.into(),
            field: None,
            problems: Vec::new(),
        }
    }

    /// A record that is not there, in the caller's words (`application 3
    /// has no attachment `9``); `what` names the kind of record.
    pub fn missing(what: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind: Kind::NotFound(what),
            message: message.into(),
            field: None,
            problems: Vec::new(),
        }
    }

    /// The same, with the input at fault.
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The same, naming `field` unless it already names the input at
    /// fault (a store refusal of one field of a change).
    #[must_use]
    pub fn or_at(self, field: impl Into<String>) -> Self {
        if self.field.is_some() {
            self
        } else {
            self.at(field)
        }
    }

    /// Whether the caller's input is at fault (rather than the backend or
    /// the machine): as `StoreError::is_bad_input`, a damaged database
    /// counts, since restoring it is the user's to do.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self.kind, Kind::Backend | Kind::Environment)
    }
}

impl From<labpath_engine::limits::OverLimit> for AppError {
    fn from(e: labpath_engine::limits::OverLimit) -> Self {
        AppError::invalid(e.message).at(e.field)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let kind = match &e {
            StoreError::NotFound { what, .. } => Kind::NotFound(what),
            StoreError::Conflict(_) => Kind::Conflict,
            StoreError::InvalidTransition(_)
            | StoreError::Invalid(_)
            | StoreError::InvalidAt { .. } => Kind::Invalid,
            StoreError::Corrupt(_) => Kind::Corrupt,
            StoreError::Environment(_) => Kind::Environment,
            StoreError::Other(_) => Kind::Backend,
        };
        let field = match &e {
            StoreError::InvalidAt { field, .. } => Some(field.clone()),
            _ => None,
        };
        AppError {
            kind,
            message: e.to_string(),
            field,
            problems: Vec::new(),
        }
    }
}

/// Checks that `on`, the day a change says something happened, is not
/// later than the store will take (see
/// `labpath_store::state::check_not_future`), refused at `field`: the
/// store's own refusal comes after the other checks and names no field.
pub(crate) fn happened_on(on: Date, field: &str, what: &str) -> Result<(), AppError> {
    labpath_store::state::check_not_future(on, Date::today(), what)
        .map_err(|e| AppError::from(e).at(field))
}

/// The first of several problems, with how many more there are.
pub fn first_of(problems: &[Problem]) -> Option<String> {
    match problems {
        [] => None,
        [one] => Some(one.to_string()),
        [first, rest @ ..] => Some(format!(
            "{first} (and {} more problems: see `details`)",
            rest.len()
        )),
    }
}
