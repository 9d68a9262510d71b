//! The two state machines of the tracker: an application's status (draft,
//! submitted, under review, decided) and a checklist document's (needed,
//! requested, sent, received, accepted or rejected). Each says which moves
//! are allowed and, for the others, why not in words a person can act on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    /// Being prepared; nothing sent yet.
    Draft,
    /// Sent to the body.
    Submitted,
    /// The body is reviewing it (or reopened it).
    UnderReview,
    /// Decided: granted.
    Approved,
    /// Decided: refused.
    Denied,
    /// Decided: withdrawn by the applicant.
    Withdrawn,
    /// Decided: abandoned (by the body's rule, or left unfinished).
    Abandoned,
}

/// Every application status, in life order.
pub const APP_STATUSES: [AppStatus; 7] = [
    AppStatus::Draft,
    AppStatus::Submitted,
    AppStatus::UnderReview,
    AppStatus::Approved,
    AppStatus::Denied,
    AppStatus::Withdrawn,
    AppStatus::Abandoned,
];

impl AppStatus {
    /// The word stored and typed: `under_review`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Draft => "draft",
            AppStatus::Submitted => "submitted",
            AppStatus::UnderReview => "under_review",
            AppStatus::Approved => "approved",
            AppStatus::Denied => "denied",
            AppStatus::Withdrawn => "withdrawn",
            AppStatus::Abandoned => "abandoned",
        }
    }

    /// Whether the body has decided (or the applicant ended it).
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            AppStatus::Approved | AppStatus::Denied | AppStatus::Withdrawn | AppStatus::Abandoned
        )
    }

    /// Whether the application is with the body, waiting on it: the time the
    /// catalog's durations measure.
    pub fn is_waiting(self) -> bool {
        matches!(self, AppStatus::Submitted | AppStatus::UnderReview)
    }

    /// Whether moving from `self` to `to` is allowed; if not, why.
    pub fn check_move(self, to: AppStatus) -> Result<(), String> {
        use AppStatus::*;
        if self == to {
            return Err(format!("it already is {}", to.as_str()));
        }
        let allowed = match self {
            Draft => matches!(to, Submitted | Withdrawn),
            Submitted => to != Draft,
            UnderReview => to.is_decided(),
            Approved | Denied | Withdrawn | Abandoned => to == UnderReview,
        };
        if allowed {
            return Ok(());
        }
        Err(match self {
            Draft => "a draft is submitted first (or withdrawn)".to_owned(),
            Submitted => "a submitted application cannot go back to draft".to_owned(),
            UnderReview => format!(
                "an application under review can only be decided (approved, denied, withdrawn, abandoned), not moved back to {}",
                to.as_str()
            ),
            _ => "a decided application can only be reopened as under_review".to_owned(),
        })
    }
}

impl fmt::Display for AppStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not {what} status: use one of {choices}")]
pub struct StatusParseError {
    input: String,
    what: &'static str,
    choices: String,
}

fn parse_word<T: Copy>(
    text: &str,
    all: &[T],
    word: fn(T) -> &'static str,
    what: &'static str,
) -> Result<T, StatusParseError> {
    // The exact word first: the store reads statuses by the hundred thousand.
    if let Some(&exact) = all.iter().find(|s| word(**s) == text) {
        return Ok(exact);
    }
    let wanted = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    all.iter()
        .copied()
        .find(|s| word(*s) == wanted)
        .ok_or_else(|| StatusParseError {
            input: text.to_owned(),
            what,
            choices: all.iter().map(|s| word(*s)).collect::<Vec<_>>().join(", "),
        })
}

impl FromStr for AppStatus {
    type Err = StatusParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_word(text, &APP_STATUSES, AppStatus::as_str, "an application")
    }
}

/// Where one checklist document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Needed; nothing done yet.
    Needed,
    /// Does not apply to this applicant (an experience letter on a training route).
    NotNeeded,
    /// Asked of whoever sends it.
    Requested,
    /// Sent to the body (by you or the sender).
    Sent,
    /// The body confirms it arrived.
    Received,
    /// The body accepted it.
    Accepted,
    /// The body rejected it (the reason is kept).
    Rejected,
}

/// Every document status, in life order.
pub const DOC_STATUSES: [DocStatus; 7] = [
    DocStatus::Needed,
    DocStatus::NotNeeded,
    DocStatus::Requested,
    DocStatus::Sent,
    DocStatus::Received,
    DocStatus::Accepted,
    DocStatus::Rejected,
];

impl DocStatus {
    /// The word stored and typed: `not_needed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Needed => "needed",
            DocStatus::NotNeeded => "not_needed",
            DocStatus::Requested => "requested",
            DocStatus::Sent => "sent",
            DocStatus::Received => "received",
            DocStatus::Accepted => "accepted",
            DocStatus::Rejected => "rejected",
        }
    }

    /// Whether someone else holds the next move (the sender or the body).
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            DocStatus::Requested | DocStatus::Sent | DocStatus::Received
        )
    }

    /// Whether the applicant holds the next move.
    pub fn is_to_do(self) -> bool {
        matches!(self, DocStatus::Needed | DocStatus::Rejected)
    }

    fn rank(self) -> u8 {
        match self {
            DocStatus::Needed | DocStatus::NotNeeded => 0,
            DocStatus::Requested => 1,
            DocStatus::Sent => 2,
            DocStatus::Received => 3,
            DocStatus::Accepted | DocStatus::Rejected => 4,
        }
    }

    /// Whether moving from `self` to `to` is allowed; if not, why.
    ///
    /// A document moves forward (steps may be skipped: the body may confirm
    /// receipt of something you never tracked); `not_needed` and `needed`
    /// swap; a rejected document starts again from requested, sent or
    /// received; the body may still reject an accepted one.
    pub fn check_move(self, to: DocStatus) -> Result<(), String> {
        use DocStatus::*;
        if self == to {
            return Err(format!("it already is {}", to.as_str()));
        }
        let allowed = match (self, to) {
            (Needed, NotNeeded) | (NotNeeded, Needed) => true,
            (NotNeeded, _) | (_, NotNeeded) => false,
            (Rejected, Requested | Sent | Received) => true,
            (Accepted, Rejected) => true,
            (Accepted | Rejected, _) => false,
            (_, Rejected) => self == Sent || self == Received,
            _ => to.rank() > self.rank(),
        };
        if allowed {
            return Ok(());
        }
        Err(match (self, to) {
            (NotNeeded, _) => "mark it needed first".to_owned(),
            (_, NotNeeded) => "only a document still needed can be marked not needed".to_owned(),
            (_, Rejected) => "only a document sent to the body can be rejected".to_owned(),
            (Accepted, _) => {
                "an accepted document stays accepted unless the body rejects it".to_owned()
            }
            (Rejected, _) => {
                "a rejected document starts again as requested, sent or received".to_owned()
            }
            _ => format!(
                "a document moves forward (needed, requested, sent, received, then accepted or rejected), not back to {}",
                to.as_str()
            ),
        })
    }
}

impl fmt::Display for DocStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocStatus {
    type Err = StatusParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_word(text, &DOC_STATUSES, DocStatus::as_str, "a document")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_approved_application_cannot_go_back_to_draft() {
        let e = AppStatus::Approved
            .check_move(AppStatus::Draft)
            .unwrap_err();
        assert_eq!(
            e,
            "a decided application can only be reopened as under_review"
        );
        assert!(
            AppStatus::Approved
                .check_move(AppStatus::UnderReview)
                .is_ok()
        );
    }

    #[test]
    fn every_application_move_is_either_allowed_or_explained() {
        for from in APP_STATUSES {
            for to in APP_STATUSES {
                match from.check_move(to) {
                    Ok(()) => assert_ne!(from, to),
                    Err(why) => assert!(!why.is_empty()),
                }
            }
        }
        assert!(AppStatus::Draft.check_move(AppStatus::Submitted).is_ok());
        assert!(AppStatus::Submitted.check_move(AppStatus::Approved).is_ok());
        assert!(
            AppStatus::UnderReview
                .check_move(AppStatus::Submitted)
                .is_err()
        );
        assert!(AppStatus::Draft.check_move(AppStatus::Approved).is_err());
    }

    #[test]
    fn documents_move_forward_and_restart_after_rejection() {
        use DocStatus::*;
        assert!(Needed.check_move(Sent).is_ok());
        assert!(Sent.check_move(Received).is_ok());
        assert!(Received.check_move(Requested).is_err());
        assert!(Received.check_move(Rejected).is_ok());
        assert!(Rejected.check_move(Sent).is_ok());
        assert!(Needed.check_move(Rejected).is_err());
        assert!(Accepted.check_move(Rejected).is_ok());
        assert!(Accepted.check_move(Sent).is_err());
        assert!(NotNeeded.check_move(Needed).is_ok());
        assert!(Sent.check_move(NotNeeded).is_err());
    }

    #[test]
    fn statuses_parse_with_dashes_and_list_choices() {
        assert_eq!("under-review".parse(), Ok(AppStatus::UnderReview));
        assert_eq!("Not needed".parse(), Ok(DocStatus::NotNeeded));
        let e = "done".parse::<AppStatus>().unwrap_err().to_string();
        assert!(
            e.starts_with("`done` is not an application status: use one of draft, submitted"),
            "{e}"
        );
    }
}
