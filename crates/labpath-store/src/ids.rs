//! Typed numeric identifiers of stored records. A person id is not an
//! application id, and each is checked once where it enters: a whole number
//! above zero, of at most [`MAX_RECORD_ID`] digits.

use std::fmt;
use std::str::FromStr;

use labpath_engine::limits::{MAX_RECORD_ID, quote};
use serde::{Deserialize, Serialize};

/// A text that is not a record id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not {what} id: ids are whole numbers of at most {MAX_RECORD_ID} digits, such as 7"
)]
pub struct IdParseError {
    /// The text, as messages quote it (cut when long).
    input: String,
    what: &'static str,
}

/// The positive number `text` writes (spaces around it aside), when it is
/// one of at most [`MAX_RECORD_ID`] digits; a longer text is refused
/// without being read.
fn record_number(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() > MAX_RECORD_ID || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok().filter(|n| *n > 0)
}

macro_rules! number_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a number a store handed out (or an export carried).
            pub fn from_raw(n: i64) -> Self {
                $name(n)
            }

            /// The number.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                record_number(text)
                    .map($name)
                    .ok_or_else(|| IdParseError { input: quote(text).into_owned(), what: $what })
            }
        }
    };
}

number_id!(
    /// A person (an applicant).
    PersonId, "a person"
);
number_id!(
    /// An application (one catalog step under way for a person).
    ApplicationId, "an application"
);
number_id!(
    /// An event in the append-only log; also the id of the contact,
    /// attachment or reminder that event recorded.
    EventId, "an event"
);
number_id!(
    /// An organization (an agency or a lab, in server mode).
    OrgId, "an organization"
);
number_id!(
    /// A user account (in server mode).
    UserId, "a user"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_whole_numbers() {
        assert_eq!("7".parse::<ApplicationId>(), Ok(ApplicationId(7)));
        assert!("0".parse::<ApplicationId>().is_err());
        assert!("-3".parse::<PersonId>().is_err());
        let e = "abc".parse::<PersonId>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "`abc` is not a person id: ids are whole numbers of at most 19 digits, such as 7"
        );
        assert!("+7".parse::<PersonId>().is_err(), "digits only");
        assert_eq!(" 7 ".parse::<PersonId>(), Ok(PersonId(7)));
        let long = "7".repeat(1_000_000);
        let e = long.parse::<PersonId>().unwrap_err().to_string();
        assert!(e.len() < 200, "the input is quoted cut: {e}");
    }
}
