//! Typed identifiers. A credential id is not a source id is not a body id,
//! and each is checked once at the edge: lower-case ASCII letters, digits,
//! `-`, `_` and `.` (sources may also use upper case, as in `CA-1`), at
//! most [`MAX_ID`] characters.

use crate::limits::MAX_ID;

/// A text that cannot be an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid {what} id: use letters, digits, `-` and `_`, starting with a letter or digit, at most {MAX_ID} characters"
)]
pub struct IdError {
    /// The text, as messages quote it (cut when long).
    pub(crate) input: String,
    pub(crate) what: &'static str,
}

impl IdError {
    /// The error for `text`, an id of a `what`.
    pub(crate) fn new(text: &str, what: &'static str) -> Self {
        IdError {
            input: crate::limits::quote(text).into_owned(),
            what,
        }
    }
}

pub(crate) fn valid(text: &str, allow_upper: bool) -> bool {
    // Every character allowed is ASCII, so the text is read byte by byte: a
    // byte of any other character is refused like the character.
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let ok = |c: u8| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == b'-'
            || c == b'_'
            || c == b'.'
            || (allow_upper && c.is_ascii_uppercase())
    };
    // The length first: a long text is refused without reading it.
    text.len() <= MAX_ID && first.is_ascii_alphanumeric() && bytes.iter().all(|&c| ok(c))
}

/// The pattern every id of a kind matches, as a regular expression for
/// the API document.
#[cfg(feature = "openapi")]
pub(crate) fn pattern(allow_upper: bool) -> String {
    let letters = if allow_upper { "a-zA-Z" } else { "a-z" };
    format!("^[{letters}0-9][{letters}0-9._-]{{0,{}}}$", MAX_ID - 1)
}

macro_rules! id_type {
    (#[doc = $doc:literal] $name:ident, $what:literal, $upper:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .max_length(Some($crate::limits::MAX_ID))
                    .pattern(Some($crate::ids::pattern($upper)))
                    .description(Some($doc.trim()))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Checks and wraps an id.
            pub fn new(text: &str) -> Result<Self, $crate::ids::IdError> {
                Self::checked(text.to_owned())
            }

            /// Checks and wraps an id already owned, keeping its text.
            fn checked(text: String) -> Result<Self, $crate::ids::IdError> {
                if $crate::ids::valid(&text, $upper) {
                    Ok($name(text))
                } else {
                    Err($crate::ids::IdError::new(&text, $what))
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // The text read is kept, not copied: a catalog holds thousands of ids.
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $name::checked(text).map_err(serde::de::Error::custom)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// A credential in the catalog, e.g. `ascp-mls`, `ny-clt-license`.
    CredentialId, "credential", false
);
id_type!(
    /// A body (certifier, agency), e.g. `ascp-boc`, `cdph-lfs`.
    BodyId, "body", false
);
id_type!(
    /// A cited source, e.g. `CA-1`.
    SourceId, "source", true
);
id_type!(
    /// An examination, e.g. `ascp-mls-exam`, `ca-law-quiz`.
    ExamId, "exam", false
);
id_type!(
    /// A route within a credential, e.g. `route-1`.
    RouteId, "route", false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_ascii_letters_digits_and_separators_after_a_letter_or_digit() {
        for (text, upper, ok) in [
            ("ascp-mls", false, true),
            ("ny.clt_license-2", false, true),
            ("9th-route", false, true),
            ("CA-1", true, true),
            ("CA-1", false, false),
            ("", false, false),
            ("-mls", false, false),
            (".mls", false, false),
            ("ascp mls", false, false),
            ("café", false, false),
            ("é", true, false),
            ("ascp/mls", false, false),
        ] {
            assert_eq!(valid(text, upper), ok, "{text:?}, upper {upper}");
        }
        let longest = "a".repeat(crate::limits::MAX_ID);
        assert!(valid(&longest, false));
        assert!(!valid(&format!("{longest}a"), false));
    }

    #[test]
    fn an_id_is_read_as_written_and_a_bad_one_is_refused_with_what_it_is() {
        let read: CredentialId = serde_json::from_str("\"ascp-mls\"").expect("a valid id");
        assert_eq!(read.as_str(), "ascp-mls");
        assert_eq!(read, CredentialId::new("ascp-mls").expect("a valid id"));
        let error = serde_json::from_str::<CredentialId>("\"ASCP MLS\"")
            .expect_err("spaces and capitals are refused")
            .to_string();
        let message = CredentialId::new("ASCP MLS")
            .expect_err("the same refusal")
            .to_string();
        assert!(error.contains(&message), "{error} / {message}");
    }
}
