//! Typed numeric identifiers of stored records. A person id is not an
//! application id, and each is checked once where it enters: a whole number
//! above zero.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A text that is not a record id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not {what} id: ids are whole numbers such as 7")]
pub struct IdParseError {
    input: String,
    what: &'static str,
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
                match text.trim().parse::<i64>() {
                    Ok(n) if n > 0 => Ok($name(n)),
                    _ => Err(IdParseError { input: text.to_owned(), what: $what }),
                }
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
            "`abc` is not a person id: ids are whole numbers such as 7"
        );
    }
}
