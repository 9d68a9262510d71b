//! The most one input may hold, in one place: how long a text, an id or a
//! file may be, and how many entries a list may have. Every reader (the
//! profile loader, the store's checks, the use cases, the API and the
//! pages) refuses a longer value before working on it, with a message that
//! names the field and says the limit; the server's API document gives the
//! same numbers as `maxLength` and `maxItems`, and docs/server.md lists
//! them with the request body limits.
//!
//! | What | Most | Constant |
//! |---|---|---|
//! | a record's id (person, application, activity, contact, attachment, reminder, user) | 19 digits | [`MAX_RECORD_ID`] |
//! | a catalog id (credential, exam, step, body, category, goal, checklist document) | 64 characters | [`MAX_ID`] |
//! | the ids one field lists (a plan's goal, `credential=a,b`) | 20 ids, 1,320 characters | [`MAX_IDS`], [`MAX_ID_LIST`] |
//! | a short text: a name, a title, a school, a provider, a reference number, whom a contact reached, what a reminder says, a search | 300 characters | [`MAX_TEXT`] |
//! | a note: a status change's or a document's note, a rejection's or a withdrawal's reason, a contact's summary | 2,000 characters | [`MAX_NOTE`] |
//! | a day (`YYYY-MM-DD`) | 10 characters | [`MAX_DAY`] |
//! | an email address | 254 characters | [`MAX_EMAIL`] |
//! | a password (a new one: at least 10 characters besides spaces) | 128 characters | [`MAX_PASSWORD`], [`MIN_PASSWORD`] |
//! | a user's or an organization's name | 200 characters | [`MAX_NAME`] |
//! | each list of a profile (education, coursework, programs, experience, credentials, exams, English tests, declarations, citizenship, a course's topics...) | 100 entries | [`MAX_LIST`] |
//! | the categories of one CE activity | 20 | [`MAX_CATEGORIES`] |
//! | a page of a list | 200 items | [`MAX_PER_PAGE`] |
//! | an `Idempotency-Key` | 255 characters | [`MAX_KEY`] |
//! | a file (an attachment, a certificate) | 20 MiB | [`MAX_FILE_BYTES`] |
//! | a people CSV | 2 MiB and 5,000 people | [`MAX_PEOPLE_CSV_BYTES`], [`MAX_PEOPLE`] |
//! | a CE CSV | 50,000 activities | [`MAX_ACTIVITIES`] |
//!
//! Lengths are counted in characters (Unicode scalar values), as a person
//! counts them, not in bytes.

use std::borrow::Cow;

/// The most digits of a record's id: ids are positive 64-bit numbers.
pub const MAX_RECORD_ID: usize = 19;

/// The longest catalog id: every id of the shipped catalog is well under.
pub const MAX_ID: usize = 64;

/// The most ids one field may list (a goal made of credential ids, a
/// `credential=` filter).
pub const MAX_IDS: usize = 20;

/// The longest list of ids as written: [`MAX_IDS`] ids at [`MAX_ID`]
/// characters, each with a comma and a space.
pub const MAX_ID_LIST: usize = MAX_IDS * (MAX_ID + 2);

/// The longest short text a person enters in one field (a name, a title,
/// a school, a CE provider, a reference number, a reminder): a line of
/// prose at most.
pub const MAX_TEXT: usize = 300;

/// The longest note (a status change's note, a rejection's reason, what a
/// call was about): a few paragraphs.
pub const MAX_NOTE: usize = 2_000;

/// The longest day as written: `YYYY-MM-DD`.
pub const MAX_DAY: usize = 10;

/// The longest email address (RFC 5321's path limit): a longer one names
/// no account.
pub const MAX_EMAIL: usize = 254;

/// The longest password taken: enough for any passphrase, and a bound on
/// the work of judging and hashing it.
pub const MAX_PASSWORD: usize = 128;

/// The fewest characters (besides spaces) of a new password.
pub const MIN_PASSWORD: usize = 10;

/// The longest display name of a user or an organization.
pub const MAX_NAME: usize = 200;

/// The most entries of each list of a profile (degrees, courses, work
/// periods, credentials, exams...): more than any career holds, few
/// enough that checking each against the catalog stays quick.
pub const MAX_LIST: usize = 100;

/// The most categories one CE activity may name.
pub const MAX_CATEGORIES: usize = 20;

/// The largest page of a list.
pub const MAX_PER_PAGE: usize = 200;

/// The longest `Idempotency-Key`, in characters.
pub const MAX_KEY: usize = 255;

/// The largest file accepted: 20 MiB, enough for a scanned multi-page
/// letter.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The largest people CSV one import reads (about [`MAX_PEOPLE`] people).
pub const MAX_PEOPLE_CSV_BYTES: usize = 2 * 1024 * 1024;

/// The most people one people CSV may hold.
pub const MAX_PEOPLE: usize = 5_000;

/// The most activities one CE CSV may hold: a year of weekly sessions for
/// a hundred years is fewer; a longer file is refused whole.
pub const MAX_ACTIVITIES: usize = 50_000;

/// A value over its limit: the field at fault, and a message that says the
/// limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OverLimit {
    /// The field (`summary`, `education[2].title`).
    pub field: String,
    /// What is wrong and what the limit is.
    pub message: String,
}

/// Checks that `value`, the text of `field`, has at most `most`
/// characters. A text of at most `most` bytes is not counted at all.
pub fn text(field: &str, value: &str, most: usize) -> Result<(), OverLimit> {
    if value.len() <= most {
        return Ok(());
    }
    let chars = value.chars().count();
    if chars <= most {
        return Ok(());
    }
    Err(OverLimit {
        field: field.to_owned(),
        message: format!("`{field}` has {chars} characters; it takes at most {most}: shorten it"),
    })
}

/// Checks that `field`, a list of `len` entries, has at most `most`.
pub fn list(field: &str, len: usize, most: usize) -> Result<(), OverLimit> {
    if len <= most {
        return Ok(());
    }
    Err(OverLimit {
        field: field.to_owned(),
        message: format!("`{field}` has {len} entries; it takes at most {most}"),
    })
}

/// Checks that `value`, the text of `field`, can be a catalog id (at most
/// [`MAX_ID`] characters), before it is looked up or compared with the
/// catalog's ids for a "did you mean". Ids are ASCII, so bytes are
/// counted.
pub fn id(field: &str, value: &str) -> Result<(), OverLimit> {
    if value.len() <= MAX_ID {
        return Ok(());
    }
    Err(OverLimit {
        field: field.to_owned(),
        message: format!(
            "`{}` ({} characters) is no catalog id: ids have at most {MAX_ID} characters",
            quote(value),
            value.chars().count()
        ),
    })
}

/// Checks a list of catalog ids as written in `field` (`a,b`): at most
/// [`MAX_ID_LIST`] characters, at most [`MAX_IDS`] ids, each at most
/// [`MAX_ID`] characters.
pub fn ids(field: &str, ids: &[&str]) -> Result<(), OverLimit> {
    list(field, ids.len(), MAX_IDS)?;
    ids.iter().try_for_each(|i| id(field, i))
}

/// The longest part of an input quoted back in a message.
const QUOTED: usize = 40;

/// An input as a message quotes it: whole when short, else its first
/// characters and an ellipsis, so that a megabyte sent is not a megabyte
/// answered.
pub fn quote(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTED) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// Schemas of the bounded texts, for the server's API document (only with
/// the `openapi` feature): a field documented with one of them
/// (`#[schema(value_type = ShortText)]`) shows the limit its reader
/// enforces, from the constant above. utoipa's own `max_length` attribute
/// takes only a literal number, which could drift from the constant.
#[cfg(feature = "openapi")]
pub mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Schema};

    use super::{
        MAX_DAY, MAX_EMAIL, MAX_ID, MAX_ID_LIST, MAX_NAME, MAX_NOTE, MAX_PASSWORD, MAX_RECORD_ID,
        MAX_TEXT, MIN_PASSWORD,
    };

    /// Declares a schema-only type: a string of at most `$most` characters
    /// (matching `$pattern` when given).
    macro_rules! bounded {
        ($($(#[$meta:meta])* $name:ident: $most:expr, $pattern:expr, $what:literal;)*) => {$(
            $(#[$meta])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    let pattern: Option<&str> = $pattern;
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .max_length(Some($most))
                        .pattern(pattern)
                        .description(Some(format!($what, $most)))
                        .into()
                }
            }

            impl utoipa::ToSchema for $name {}
        )*};
    }

    /// A new account's password: at least [`MIN_PASSWORD`] characters.
    pub struct NewPassword;

    impl utoipa::PartialSchema for NewPassword {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(MIN_PASSWORD))
                .max_length(Some(MAX_PASSWORD))
                .description(Some(format!(
                    "A new password: {MIN_PASSWORD} to {MAX_PASSWORD} characters (spaces aside), not easy to guess."
                )))
                .into()
        }
    }

    impl utoipa::ToSchema for NewPassword {}

    bounded! {
        /// A name, a title, a reference number, a search.
        ShortText: MAX_TEXT, None, "A short text, at most {} characters.";
        /// A note, a reason, a summary.
        Note: MAX_NOTE, None, "A note, at most {} characters.";
        /// A record's id written as text.
        RecordIdText: MAX_RECORD_ID, Some("^[0-9]{1,19}$"), "A record's id: a whole number, at most {} digits.";
        /// A catalog key that is not a typed id (a checklist document's).
        CatalogKey: MAX_ID, None, "A key of the catalog, at most {} characters.";
        /// Catalog ids joined by commas, or a named goal.
        IdList: MAX_ID_LIST, None, "Catalog ids joined by commas (at most 20), at most {} characters in all.";
        /// A day as written.
        Day: MAX_DAY, Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), "A calendar day, YYYY-MM-DD ({} characters).";
        /// An email address.
        Email: MAX_EMAIL, None, "An email address, at most {} characters.";
        /// A password.
        Password: MAX_PASSWORD, None, "A password, at most {} characters.";
        /// A user's or an organization's name.
        AccountName: MAX_NAME, None, "A user's or an organization's name, at most {} characters.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_counted_in_characters_and_refused_over_its_limit_naming_the_field() {
        assert!(text("name", &"é".repeat(MAX_TEXT), MAX_TEXT).is_ok());
        let e = text("name", &"é".repeat(MAX_TEXT + 1), MAX_TEXT).unwrap_err();
        assert_eq!(e.field, "name");
        assert_eq!(
            e.message,
            "`name` has 301 characters; it takes at most 300: shorten it"
        );
    }

    #[test]
    fn a_list_over_its_limit_is_refused_naming_the_field() {
        assert!(list("education", MAX_LIST, MAX_LIST).is_ok());
        let e = list("education", MAX_LIST + 1, MAX_LIST).unwrap_err();
        assert_eq!(e.field, "education");
        assert!(e.message.contains("at most 100"), "{}", e.message);
    }

    #[test]
    fn a_long_input_is_quoted_by_its_first_characters() {
        assert_eq!(quote("ascp-mls"), "ascp-mls");
        let long = "x".repeat(1_000_000);
        assert_eq!(quote(&long), format!("{}…", "x".repeat(40)));
    }
}
