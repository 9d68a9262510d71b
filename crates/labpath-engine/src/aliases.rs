//! Reading credential strings as people write them after their names
//! ("MLS (ASCP)CM, NYS licensed") into catalog credentials: aliases and former
//! names, the "CM" maintenance suffix, and state licenses named by state.

use serde::Serialize;

use crate::catalog::{Catalog, Credential};
use crate::vocab::Level;

/// How a part of the string was recognised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The current abbreviation, an alias or the id.
    Name,
    /// A former name of the credential.
    FormerName,
    /// A glossary term that refers to it.
    Term,
    /// A state named with "licensed".
    StateLicense,
}

/// One credential a part refers to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match<'c> {
    /// The credential (its id).
    #[serde(serialize_with = "ser_id")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub credential: &'c Credential,
    /// How it was recognised.
    pub how: MatchKind,
    /// Anything the reader should know (a former name's date, an ambiguity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn ser_id<S: serde::Serializer>(c: &&Credential, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.id.as_str())
}

/// One comma-separated part of the input.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part<'c> {
    /// The part as written.
    pub input: String,
    /// Whether it carries the "CM" suffix (ASCP Credential Maintenance Program).
    pub maintenance_suffix: bool,
    /// What it refers to; empty when not recognised.
    pub matches: Vec<Match<'c>>,
}

fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '_'))
        .flat_map(char::to_uppercase)
        .collect()
}

fn split(text: &str) -> Vec<String> {
    text.split([',', ';', '/', '&', '+'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads a credential string.
pub fn parse<'c>(catalog: &'c Catalog, text: &str) -> Vec<Part<'c>> {
    let mut parts: Vec<Part<'c>> = split(text)
        .into_iter()
        .map(|input| {
            let mut key = normalize(&input);
            let maintenance_suffix = key.ends_with(")CM");
            if maintenance_suffix {
                key.truncate(key.len() - 2);
            }
            let matches = by_name(catalog, &key);
            Part {
                input,
                maintenance_suffix,
                matches,
            }
        })
        .collect();
    // A state named with "licensed" takes the level of the other credentials
    // in the same string (an MLT's "CA licensed" is the technician license).
    let level = if parts
        .iter()
        .flat_map(|p| &p.matches)
        .any(|m| m.credential.level == Level::Technician)
    {
        Level::Technician
    } else {
        Level::Technologist
    };
    for part in parts.iter_mut().filter(|p| p.matches.is_empty()) {
        part.matches = by_state(catalog, &part.input, level);
    }
    parts
}

fn by_name<'c>(catalog: &'c Catalog, key: &str) -> Vec<Match<'c>> {
    let mut found = Vec::new();
    for c in catalog.credentials() {
        let names = std::iter::once(c.abbreviation.as_str())
            .chain(c.aliases.iter().map(String::as_str))
            .chain(std::iter::once(c.id.as_str()));
        if names.map(normalize).any(|n| n == key) {
            found.push(Match {
                credential: c,
                how: MatchKind::Name,
                note: None,
            });
            continue;
        }
        if let Some(f) = c.former_names.iter().find(|f| normalize(&f.name) == key) {
            let note = match f.until {
                Some(d) => format!(
                    "{} is the former name of {} (until {d})",
                    f.name, c.abbreviation
                ),
                None => format!("{} is a former name of {}", f.name, c.abbreviation),
            };
            found.push(Match {
                credential: c,
                how: MatchKind::FormerName,
                note: Some(note),
            });
        }
    }
    if found.is_empty() {
        for term in catalog.glossary() {
            let names =
                std::iter::once(term.term.as_str()).chain(term.aliases.iter().map(String::as_str));
            if names.map(normalize).any(|n| n == key) {
                let ambiguous = term.credentials.len() > 1;
                for id in &term.credentials {
                    if let Some(c) = catalog.credential(id.as_str()) {
                        let note = ambiguous.then(|| {
                            format!(
                                "`{}` may mean any of {} credentials",
                                term.term,
                                term.credentials.len()
                            )
                        });
                        found.push(Match {
                            credential: c,
                            how: MatchKind::Term,
                            note,
                        });
                    }
                }
            }
        }
    }
    found
}

fn by_state<'c>(catalog: &'c Catalog, input: &str, level: Level) -> Vec<Match<'c>> {
    let lower = input.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let licensed = words
        .iter()
        .any(|w| w.starts_with("licen") || *w == "lic" || *w == "licensure");
    if !licensed {
        return Vec::new();
    }
    let named = catalog.jurisdictions().iter().find(|j| {
        let code = j.code.as_str().to_lowercase();
        let state_abbrev = format!("{code}s");
        lower.contains(&j.name.to_lowercase())
            || words.iter().any(|w| *w == code || *w == state_abbrev)
    });
    let Some(j) = named else {
        return Vec::new();
    };
    let license = j.license_for(level).or(j.technologist_license.as_ref());
    license
        .and_then(|id| catalog.credential(id.as_str()))
        .map(|c| {
            vec![Match {
                credential: c,
                how: MatchKind::StateLicense,
                note: Some(format!(
                    "read as the {} license of {}",
                    c.level.label(),
                    j.name
                )),
            }]
        })
        .unwrap_or_default()
}
