//! Loading a person's profile from TOML or JSON, then checking what only the
//! catalog can tell: that each credential, exam and work state it names
//! exists (and that an email address is one). Errors name the file, the
//! line and the field.

use std::path::Path;

use labpath_engine::catalog::Catalog;
use labpath_engine::limits::{self, MAX_EMAIL, MAX_LIST, MAX_TEXT, OverLimit};
use labpath_engine::profile::Profile;

use crate::diag::{Diagnostic, Diagnostics, locate_quoted, suggest};
use crate::file::{self, Limit};
use crate::parse::{Format, parse};

/// Calls `found` for every string in `value` longer than [`MAX_TEXT`]
/// characters and every list longer than [`MAX_LIST`] entries, with its
/// path (`education[0].title`). A list over its limit is not read further.
fn over_limits(value: &serde_json::Value, path: &mut String, found: &mut impl FnMut(OverLimit)) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            if let Err(e) = limits::text(path, text, MAX_TEXT) {
                found(e);
            }
        }
        Value::Array(items) => {
            if let Err(e) = limits::list(path, items.len(), MAX_LIST) {
                found(e);
                return;
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                over_limits(item, path, found);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                over_limits(item, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// What is wrong with a profile's email address, if anything: it must be
/// one address as RFC 5322 writes it (no display name, no `[ip]` domain, a
/// domain with a dot), at most [`MAX_EMAIL`] characters, so that `@@@`, a
/// line break or two addresses are never kept as someone's contact.
pub fn email_problem(email: &str) -> Option<String> {
    let chars = email.chars().count();
    if chars > MAX_EMAIL {
        return Some(format!(
            "an email address has at most {MAX_EMAIL} characters, not {chars}"
        ));
    }
    let options = email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
    };
    email_address::EmailAddress::parse_with_options(email, options)
        .err()
        .map(|e| format!("`{email}` is not an email address ({e})"))
}

/// The largest profile file read (1 MiB, as the server takes in a
/// request): a profile is a few kilobytes, its texts at most [`MAX_TEXT`]
/// characters each.
pub const MAX_FILE: Limit = Limit {
    bytes: 1024 * 1024,
    advice: "a profile is a few kilobytes: check that this is the profile file",
};

/// Reads and checks a profile file; `.json` is JSON, anything else TOML.
pub fn load(path: &Path, catalog: &Catalog) -> Result<Profile, Diagnostics> {
    let name = path.display().to_string();
    let text = file::read_text(path, MAX_FILE).map_err(|e| Diagnostic {
        file: name.clone(),
        line: None,
        field: None,
        message: e.problem(),
    })?;
    from_text(&name, &text, Format::from_name(&name), catalog)
}

/// In TOML a key written after a `[table]` header belongs to that table, so
/// `declarations = [...]` at the end of a file lands in the last table: the
/// message says where it goes instead of only "unknown field".
fn top_level_hint(mut d: Diagnostic) -> Diagnostic {
    for key in ["declarations", "declined"] {
        let inside_table = d
            .field
            .as_deref()
            .is_some_and(|f| f.contains('.') || f.contains('['));
        if inside_table && d.message.contains(&format!("unknown field `{key}`")) {
            d.message.push_str(&format!(
                "; `{key}` is a top-level key: in TOML a key after a [table] header belongs to that table, so write `{key} = [...]` above the first [table] line"
            ));
        }
    }
    d
}

/// Reads and checks a profile document as the store and the API keep it (a
/// JSON value), named `name` in messages.
pub fn from_document(
    name: &str,
    doc: &serde_json::Value,
    catalog: &Catalog,
) -> Result<Profile, Diagnostics> {
    from_text(name, &doc.to_string(), Format::Json, catalog)
}

/// Parses and checks a profile held in memory.
pub fn from_text(
    name: &str,
    text: &str,
    format: Format,
    catalog: &Catalog,
) -> Result<Profile, Diagnostics> {
    Unchecked::parse(name, text, format)?.into_checked(catalog)
}

/// A profile parsed from its text, not yet checked against a catalog, with
/// the problems no catalog changes (a text too long, an email address that
/// is not one). Reading one text under several catalogs (the impact of a
/// catalog change reads every stored profile under two) parses it once;
/// only a check hands the profile out, with the answer `from_text` gives.
#[derive(Debug)]
pub struct Unchecked<'t> {
    name: &'t str,
    text: &'t str,
    profile: Profile,
    own: Vec<Diagnostic>,
}

impl<'t> Unchecked<'t> {
    /// Parses `text`, named `name` in messages.
    pub fn parse(name: &'t str, text: &'t str, format: Format) -> Result<Self, Diagnostics> {
        let profile: Profile = parse(name, text, format).map_err(top_level_hint)?;
        let own = own_problems(name, text, &profile);
        Ok(Unchecked {
            name,
            text,
            profile,
            own,
        })
    }

    /// The profile, when `catalog` reads it; every problem otherwise.
    pub fn check(&self, catalog: &Catalog) -> Result<&Profile, Diagnostics> {
        let problems = check(self.name, self.text, &self.profile, &self.own, catalog);
        if problems.is_empty() {
            Ok(&self.profile)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// The profile itself, when `catalog` reads it.
    pub fn into_checked(self, catalog: &Catalog) -> Result<Profile, Diagnostics> {
        self.check(catalog)?;
        Ok(self.profile)
    }
}

/// What `catalog` finds wrong with a parsed profile, in the order the
/// messages are listed: the credentials, exams and work state it names,
/// with the problems of its own (`own`) between the exams and the state.
/// Only the first [`MAX_LIST`] credentials and exams are looked up: a
/// longer list is one of the profile's own problems, and its excess is not
/// worth the catalog's time.
fn check(
    name: &str,
    text: &str,
    profile: &Profile,
    own: &[Diagnostic],
    catalog: &Catalog,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut unknown = |field: String, kind: &str, id: &str, known: Vec<&str>| {
        let hint = suggest(id, known)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_else(|| format!(" (run `labpath {kind}s` for the list)"));
        problems.push(Diagnostic {
            file: name.to_owned(),
            line: locate_quoted(text, id),
            field: Some(field),
            message: format!("unknown {kind} `{id}`{hint}"),
        });
    };
    let credential_ids = || {
        catalog
            .credentials()
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
    };
    for (i, held) in profile.credentials.iter().take(MAX_LIST).enumerate() {
        if catalog.credential(held.id.as_str()).is_none() {
            unknown(
                format!("credential[{i}].id"),
                "credential",
                held.id.as_str(),
                credential_ids(),
            );
        }
    }
    let mut contradicted = Vec::new();
    for (i, exam) in profile.exams.iter().take(MAX_LIST).enumerate() {
        let Some(known) = catalog.exam(exam.exam.as_str()) else {
            let ids = catalog.exams().iter().map(|e| e.id.as_str()).collect();
            unknown(format!("exam[{i}].exam"), "exam", exam.exam.as_str(), ids);
            continue;
        };
        // A score on the wrong side of the exam's pass mark contradicts
        // the result: one of the two is mistyped.
        if let (Some(score), Some(mark)) = (exam.score, known.pass_score) {
            let contradiction = match (exam.passed, score >= mark) {
                (true, false) => Some(format!(
                    "a score of {score} is below the pass mark of {mark} for the {}: \
                     record it as not passed (`passed = false`), or check the score",
                    known.name
                )),
                (false, true) => Some(format!(
                    "a score of {score} reaches the pass mark of {mark} for the {}: \
                     record it as passed (`passed = true`), or check the score",
                    known.name
                )),
                _ => None,
            };
            if let Some(message) = contradiction {
                contradicted.push(Diagnostic {
                    file: name.to_owned(),
                    line: None,
                    field: Some(format!("exam[{i}].score")),
                    message,
                });
            }
        }
    }
    problems.extend(contradicted);
    problems.extend_from_slice(own);
    if let Some(state) = profile.person.work_state {
        if !catalog.jurisdictions().is_empty() && catalog.jurisdiction(state).is_none() {
            problems.push(Diagnostic {
                file: name.to_owned(),
                line: locate_quoted(text, state.as_str()),
                field: Some("person.work_state".to_owned()),
                message: format!(
                    "`{state}` is not a US state or territory code (for example CA, NY, TX, PR)"
                ),
            });
        }
    }
    problems
}

/// What is wrong with a parsed profile whatever the catalog: a text too
/// long, a list too long, an email address that is not one address.
fn own_problems(name: &str, text: &str, profile: &Profile) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Ok(value) = serde_json::to_value(profile) {
        over_limits(&value, &mut String::new(), &mut |over| {
            problems.push(Diagnostic {
                file: name.to_owned(),
                line: None,
                field: Some(over.field),
                message: over.message,
            });
        });
    }
    if let Some(why) = profile.person.email.as_deref().and_then(email_problem) {
        let email = profile.person.email.as_deref().unwrap_or_default();
        problems.push(Diagnostic {
            file: name.to_owned(),
            line: locate_quoted(text, email),
            field: Some("person.email".to_owned()),
            message: why,
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn with_email(email: &str) -> Result<Profile, Diagnostics> {
        let catalog = crate::catalog::shipped();
        let text = format!("[person]\nname = \"Ana\"\nemail = \"{email}\"\n");
        from_text("ana.toml", &text, Format::Toml, &catalog)
    }

    #[test]
    fn an_email_is_kept_when_it_is_one_address_and_refused_at_its_line_otherwise() {
        let ana = with_email("ana@agency.example").unwrap();
        assert_eq!(ana.person.email.as_deref(), Some("ana@agency.example"));
        for bad in [
            "ana@",
            "ana@agency",
            "Ana <ana@agency.example>",
            "ana@agency.example, ben@agency.example",
        ] {
            let problems = with_email(bad).unwrap_err().0;
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert_eq!(problems[0].field.as_deref(), Some("person.email"), "{bad}");
            assert_eq!(problems[0].line, Some(3), "{bad}");
            assert!(
                problems[0].message.contains("is not an email address"),
                "{bad}: {}",
                problems[0].message
            );
        }
    }

    #[test]
    fn a_profile_parsed_once_reads_under_a_catalog_as_from_text_does_each_time() {
        let catalog = crate::catalog::shipped();
        let long = "x".repeat(MAX_TEXT + 1);
        let text = format!(
            "[person]\nname = \"{long}\"\nemail = \"ana@\"\nwork_state = \"ZZ\"\n\n\
             [[credential]]\nid = \"ascp-msl\"\n"
        );
        let whole = from_text("ana.toml", &text, Format::Toml, &catalog)
            .unwrap_err()
            .0;
        let fields: Vec<&str> = whole.iter().filter_map(|d| d.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                "credential[0].id",
                "person.name",
                "person.email",
                "person.work_state"
            ],
            "the catalog's problems around the profile's own, in order"
        );
        let parsed = Unchecked::parse("ana.toml", &text, Format::Toml).unwrap();
        for _ in 0..2 {
            assert_eq!(parsed.check(&catalog).unwrap_err().0, whole);
        }
        let ana = "[person]\nname = \"Ana\"\nwork_state = \"NY\"\n";
        let parsed = Unchecked::parse("ana.toml", ana, Format::Toml).unwrap();
        let whole = from_text("ana.toml", ana, Format::Toml, &catalog).unwrap();
        assert_eq!(parsed.check(&catalog).unwrap(), &whole);
        assert_eq!(parsed.into_checked(&catalog).unwrap(), whole);
    }
}
