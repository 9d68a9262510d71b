//! Typed identifiers. A credential id is not a source id is not a body id,
//! and each is checked once at the edge: lower-case ASCII letters, digits,
//! `-` and `_` (sources may also use upper case, as in `CA-1`).

/// A text that cannot be an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid {what} id: use letters, digits, `-` and `_`, starting with a letter or digit"
)]
pub struct IdError {
    pub(crate) input: String,
    pub(crate) what: &'static str,
}

pub(crate) fn valid(text: &str, allow_upper: bool) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let ok = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || c == '_'
            || c == '.'
            || (allow_upper && c.is_ascii_uppercase())
    };
    (first.is_ascii_alphanumeric()) && ok(first) && chars.all(ok) && text.len() <= 64
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $what:literal, $upper:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps an id.
            pub fn new(text: &str) -> Result<Self, $crate::ids::IdError> {
                if $crate::ids::valid(text, $upper) {
                    Ok($name(text.to_owned()))
                } else {
                    Err($crate::ids::IdError { input: text.to_owned(), what: $what })
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
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $name::new(&text).map_err(serde::de::Error::custom)
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
