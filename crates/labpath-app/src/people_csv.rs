//! Reading a CSV of people (an agency's list of candidates): one person a
//! record, its columns found by their names in the header, in any order
//! (read as `csv_table` reads every CSV). `name` is needed; the others may
//! be left out or empty:
//!
//! - `email`: where to reach the person (a contact, not a login);
//! - `credentials`: the credentials held, written as after a name
//!   (`MLS(ASCP)CM, NYS licensed`), read as `labpath parse` reads them;
//! - `work_state`: the US state or territory they mean to work in (`NY`);
//! - `citizenship`: countries, by name or two-letter code, separated by `;`;
//! - `degree` (the diploma's title), with `degree_level`, `degree_field`
//!   and `degree_country` (all three needed with a title) and
//!   `degree_completed` (a day, left empty while in progress).
//!
//! Each record becomes a profile, checked as every profile is; every
//! problem of every record is reported with its line and column, so a file
//! can be fixed in one pass. A name given twice, in the file or already in
//! the list, and an email given twice are problems: an import sent again
//! adds no one twice.

use std::collections::HashMap;

use labpath_engine::catalog::Catalog;
use labpath_engine::ids::CredentialId;
use labpath_engine::profile::{Education, HeldCredential, Person, Profile};
use labpath_engine::suggest::unknown_word;
use labpath_engine::units::{Code, Date};
use labpath_engine::vocab::{DegreeLevel, FieldArea};
use labpath_store::model::Person as Stored;
use labpath_store::state::{check_plain_text, one_line};

pub use crate::csv_table::Problem;
use crate::csv_table::{Layout, Record};

/// The columns a people CSV may have, in the order the CLI's help gives
/// them.
pub const COLUMNS: [&str; 10] = [
    "name",
    "email",
    "credentials",
    "work_state",
    "citizenship",
    "degree",
    "degree_level",
    "degree_field",
    "degree_country",
    "degree_completed",
];

/// The columns a people CSV must have.
pub const REQUIRED: [&str; 1] = ["name"];

pub use labpath_engine::limits::{MAX_PEOPLE, MAX_PEOPLE_CSV_BYTES as MAX_BYTES};

const LAYOUT: Layout = Layout {
    what: "a people CSV",
    record: "person",
    records: "people",
    most: MAX_PEOPLE,
    columns: &COLUMNS,
    required: &REQUIRED,
};

/// One person read from a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line the record starts on.
    pub line: usize,
    /// Their profile, checked against the catalog.
    pub profile: Profile,
}

/// The text of a people CSV sent as bytes: at most [`MAX_BYTES`], UTF-8
/// (a spreadsheet's "CSV UTF-8"); a refusal says why, and where for text
/// that is not UTF-8.
pub fn text(bytes: &[u8]) -> Result<&str, Problem> {
    if bytes.len() > MAX_BYTES {
        return Err(Problem {
            line: 1,
            field: None,
            message: format!(
                "the file is {} bytes; an import reads at most {} MiB (about {MAX_PEOPLE} people): split it into smaller files",
                bytes.len(),
                MAX_BYTES / 1_048_576
            ),
        });
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        Problem {
            line: before.iter().filter(|b| **b == b'\n').count() + 1,
            field: None,
            message: "the file is not UTF-8 text from this line on: save it as \"CSV UTF-8\""
                .to_owned(),
        }
    })
}

/// A name as compared for duplicates: one line, any case.
fn name_key(name: &str) -> String {
    one_line(name).to_lowercase()
}

/// Reads what it can of a people CSV: the records that read well as rows
/// and every problem of the others, in the order of the file. `known` are
/// the people already in the list: a record naming one of them is a
/// problem. A file of more than [`MAX_PEOPLE`] records is refused whole
/// (`csv_table::read` stops at the first one over).
pub fn read(catalog: &Catalog, text: &str, known: &[Stored]) -> (Vec<Row>, Vec<Problem>) {
    let (records, mut problems) = crate::csv_table::read(text, &LAYOUT);
    let mut rows = Vec::new();
    for record in &records {
        match row(catalog, record) {
            Ok(r) => rows.push(r),
            Err(mut p) => problems.append(&mut p),
        }
    }
    problems.append(&mut twice(&records, known));
    // In the order of the file, each line's problems in column order.
    problems.sort_by_key(|p| {
        let column = p.field.and_then(|f| COLUMNS.iter().position(|c| *c == f));
        (p.line, column)
    });
    (rows, problems)
}

/// The names and emails given twice: on an earlier line, or (names) of
/// someone already in the list.
fn twice(records: &[Record], known: &[Stored]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let listed: HashMap<String, &Stored> = known.iter().map(|p| (name_key(&p.name), p)).collect();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut emails: HashMap<String, usize> = HashMap::new();
    for r in records {
        let name = r.get("name");
        if !name.is_empty() {
            let key = name_key(name);
            if let Some(p) = listed.get(&key) {
                problems.push(Problem {
                    line: r.line,
                    field: Some("name"),
                    message: format!(
                        "`{}` is already in the list (person {}): leave the line out, or tell the two apart in the name",
                        one_line(name),
                        p.id
                    ),
                });
            } else if let Some(first) = names.insert(key, r.line) {
                problems.push(Problem {
                    line: r.line,
                    field: Some("name"),
                    message: format!("line {first} has the same name: each line adds one person"),
                });
            }
        }
        let email = r.get("email");
        if !email.is_empty()
            && let Some(first) = emails.insert(email.to_lowercase(), r.line)
        {
            problems.push(Problem {
                line: r.line,
                field: Some("email"),
                message: format!("line {first} has the same email: each person has their own"),
            });
        }
    }
    problems
}

/// One record's problems, collected column by column.
struct Problems {
    line: usize,
    found: Vec<Problem>,
}

impl Problems {
    fn at(&mut self, field: &'static str, message: impl Into<String>) {
        self.found.push(Problem {
            line: self.line,
            field: Some(field),
            message: message.into(),
        });
    }

    /// The value `read` gives, or `None` with its problem at `field`.
    fn check<T>(&mut self, field: &'static str, read: Result<T, String>) -> Option<T> {
        read.map_err(|why| self.at(field, why)).ok()
    }
}

fn row(catalog: &Catalog, record: &Record) -> Result<Row, Vec<Problem>> {
    let mut p = Problems {
        line: record.line,
        found: Vec::new(),
    };
    let name = record.get("name");
    p.check("name", person_name(name));
    let email = record.text("email").map(|e| e.to_lowercase());
    if let Some(why) = email
        .as_deref()
        .and_then(labpath_catalog::profile::email_problem)
    {
        p.at("email", why);
    }
    let credentials = match record.text("credentials") {
        Some(text) => p
            .check("credentials", credentials(catalog, &text))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let work_state = record.text("work_state").and_then(|code| {
        let found = crate::catalog::jurisdiction(catalog, &code).map_err(|_| {
            format!("`{code}` is not a US state or territory code (two letters, such as NY, CA, TX or PR)")
        });
        p.check("work_state", found).map(|j| j.code)
    });
    let citizenship = p
        .check("citizenship", countries(record.get("citizenship")))
        .unwrap_or_default();
    let education = degree(record, &mut p);
    if !p.found.is_empty() {
        return Err(p.found);
    }
    let profile = Profile {
        person: Person {
            name: name.to_owned(),
            citizenship,
            work_state,
            email,
            ..Person::default()
        },
        education: education.into_iter().collect(),
        credentials: credentials
            .into_iter()
            .map(|id| HeldCredential {
                id,
                earned: None,
                expires: None,
            })
            .collect(),
        ..Profile::default()
    };
    checked(catalog, profile, record.line)
}

/// A person's name: one line of plain text.
fn person_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a person needs a name".to_owned());
    }
    check_plain_text(name).map_err(|e| e.to_string())?;
    if name.contains(['\n', '\r']) {
        return Err(
            "a name is one line, and this one holds a line break (a quote left open takes in the lines after it)"
                .to_owned(),
        );
    }
    Ok(())
}

/// The credentials a credential string names, each once: every part must
/// name one credential of the catalog.
fn credentials(catalog: &Catalog, text: &str) -> Result<Vec<CredentialId>, String> {
    let parsed = crate::catalog::parse(catalog, text).map_err(|e| e.message)?;
    let mut held: Vec<CredentialId> = Vec::new();
    let mut why = Vec::new();
    for part in &parsed.parts {
        let mut named: Vec<_> = part.matches.iter().map(|m| m.credential).collect();
        named.dedup_by(|a, b| a.id == b.id);
        match named.as_slice() {
            [] => why.push(format!(
                "`{}` names no credential the catalog knows (write it as after a name, such as `MLS(ASCP)` or `NYS licensed`)",
                part.input
            )),
            [one] => {
                if !held.contains(&one.id) {
                    held.push(one.id.clone());
                }
            }
            several => why.push(format!(
                "`{}` may mean any of {}: write the one held",
                part.input,
                several
                    .iter()
                    .map(|c| c.abbreviation.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if why.is_empty() {
        Ok(held)
    } else {
        Err(why.join("; "))
    }
}

/// Countries by name or two-letter code, separated by `;` (or `,`).
fn countries(text: &str) -> Result<Vec<Code>, String> {
    let mut codes = Vec::new();
    let mut unknown = Vec::new();
    for part in text
        .split([';', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        match labpath_views::profile_form::country(part) {
            Some(code) if !codes.contains(&code) => codes.push(code),
            Some(_) => {}
            None => unknown.push(labpath_views::profile_form::unknown_country(part)),
        }
    }
    if unknown.is_empty() {
        Ok(codes)
    } else {
        Err(unknown.join("; "))
    }
}

/// A word of a vocabulary (`bachelor`), any case.
fn word<T: Copy>(what: &str, text: &str, all: &[T], word: fn(T) -> String) -> Result<T, String> {
    let wanted = text.to_lowercase();
    all.iter()
        .copied()
        .find(|v| word(*v) == wanted)
        .ok_or_else(|| {
            let known: Vec<String> = all.iter().map(|v| word(*v)).collect();
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            unknown_word(what, text, &known).unwrap_or_else(|| format!("unknown {what} `{text}`"))
        })
}

/// The degree of the `degree` columns, when the record gives one: a title
/// with its level, field and country, and the day it was completed if it
/// was. Parts without a title are a problem at `degree`.
fn degree(record: &Record, p: &mut Problems) -> Option<Education> {
    const PARTS: [&str; 4] = [
        "degree_level",
        "degree_field",
        "degree_country",
        "degree_completed",
    ];
    let Some(title) = record.text("degree") else {
        if PARTS.iter().any(|c| !record.get(c).is_empty()) {
            p.at(
                "degree",
                "give the diploma's title (such as `BS Medical Technology`) with its level, field and country",
            );
        }
        return None;
    };
    p.check(
        "degree",
        check_plain_text(&title).map_err(|e| e.to_string()),
    );
    let mut needed = |column: &'static str, what: &str| {
        let text = record.text(column);
        if text.is_none() {
            p.at(column, format!("a degree needs its {what}"));
        }
        text
    };
    let level = needed("degree_level", "level (such as bachelor)");
    let field = needed("degree_field", "field (such as medical_laboratory_science)");
    let country = needed("degree_country", "country (such as Philippines or PH)");
    let level = level.and_then(|t| {
        let read = word("degree level", &t, DegreeLevel::ALL, DegreeLevel::word);
        p.check("degree_level", read)
    });
    let field = field.and_then(|t| {
        let read = word("degree field", &t, FieldArea::ALL, FieldArea::word);
        p.check("degree_field", read)
    });
    let country = country.and_then(|t| {
        let read = labpath_views::profile_form::country(&t)
            .ok_or_else(|| labpath_views::profile_form::unknown_country(&t));
        p.check("degree_country", read)
    });
    let completed = record.text("degree_completed").and_then(|t| {
        let read = Date::parse(&t).map_err(|e| e.to_string()).and_then(|d| {
            if d > Date::today() {
                Err(format!(
                    "{d} is after today: leave it empty while the degree is in progress"
                ))
            } else {
                Ok(d)
            }
        });
        p.check("degree_completed", read)
    });
    Some(Education {
        title,
        level: level?,
        field: field?,
        country: country?,
        institution: None,
        completed,
        accreditation: None,
        semester_hours: None,
        evaluation: None,
    })
}

/// The profile read back as every profile is read against the catalog (so
/// the same limits hold: the length of a text, the ids it names), each
/// problem at the column it came from.
fn checked(catalog: &Catalog, profile: Profile, line: usize) -> Result<Row, Vec<Problem>> {
    let problem = |field: Option<&'static str>, message: String| Problem {
        line,
        field,
        message,
    };
    let doc = serde_json::to_value(&profile)
        .map_err(|e| vec![problem(None, format!("the profile cannot be written: {e}"))])?;
    match labpath_catalog::profile::from_document("the CSV", &doc, catalog) {
        Ok(profile) => Ok(Row { line, profile }),
        Err(d) => Err(d
            .0
            .into_iter()
            .map(|d| problem(column_of(d.field.as_deref()), d.message))
            .collect()),
    }
}

/// The column a profile field comes from.
fn column_of(field: Option<&str>) -> Option<&'static str> {
    let field = field?;
    let column = match field.split(['.', '[']).next()? {
        "person" => match field.trim_start_matches("person.") {
            f if f.starts_with("citizenship") => "citizenship",
            "name" => "name",
            "email" => "email",
            "work_state" => "work_state",
            _ => return None,
        },
        "credential" => "credentials",
        "education" => match field.rsplit('.').next()? {
            "level" => "degree_level",
            "field" => "degree_field",
            "country" => "degree_country",
            "completed" => "degree_completed",
            _ => "degree",
        },
        _ => return None,
    };
    Some(column)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;

    fn catalog() -> Catalog {
        labpath_shipped::catalog().expect("the shipped catalog reads")
    }

    const HEAD: &str = "name,email,credentials,work_state,citizenship,degree,degree_level,degree_field,degree_country,degree_completed\n";

    #[test]
    fn a_line_becomes_a_checked_profile_with_every_column_read() {
        let text = format!(
            "{HEAD}Maria Santos,Maria@Agency.example,\"MLS(ASCP)CM, NYS licensed\",ny,Philippines; US,BS Medical Technology,Bachelor,medical_laboratory_science,PH,2019-04-30\n"
        );
        let (rows, problems) = read(&catalog(), &text, &[]);
        assert!(problems.is_empty(), "{problems:?}");
        let p = &rows[0].profile;
        assert_eq!(rows[0].line, 2);
        assert_eq!(p.person.name, "Maria Santos");
        assert_eq!(p.person.email.as_deref(), Some("maria@agency.example"));
        assert_eq!(
            p.person.work_state.map(|c| c.to_string()).as_deref(),
            Some("NY")
        );
        let held: Vec<&str> = p.credentials.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(held, ["ascp-mls", "ny-clt-license"]);
        assert_eq!(p.person.citizenship.len(), 2);
        assert_eq!(p.education[0].level, DegreeLevel::Bachelor);
        assert_eq!(
            p.education[0].completed,
            Some(Date::parse("2019-04-30").unwrap())
        );
    }

    #[test]
    fn only_the_name_is_needed_and_columns_come_in_any_order() {
        let (rows, problems) = read(
            &catalog(),
            "Work_State,Name\n,Jun Reyes\nCA,Ana Cruz\n",
            &[],
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].profile,
            Profile {
                person: Person {
                    name: "Jun Reyes".to_owned(),
                    ..Person::default()
                },
                ..Profile::default()
            }
        );
        let missing = read(&catalog(), "email\nana@agency.example\n", &[]).1;
        assert!(
            missing[0].message.contains("no `name` column"),
            "{missing:?}"
        );
    }

    #[test]
    fn every_problem_of_every_line_is_listed_at_its_column() {
        let text = format!(
            "{HEAD}Ana,ana@,XYZ(ASCP),Narnia,Atlantis,BS,bachelors,,PH,2999-01-01\nBen,ben@agency.example,MT,,,,,,,\nana,,,,,,Bachelor,,,\n"
        );
        let (rows, problems) = read(&catalog(), &text, &[]);
        assert!(rows.is_empty());
        let at: Vec<(usize, Option<&str>)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            at,
            [
                (2, Some("email")),
                (2, Some("credentials")),
                (2, Some("work_state")),
                (2, Some("citizenship")),
                (2, Some("degree_level")),
                (2, Some("degree_field")),
                (2, Some("degree_completed")),
                (3, Some("credentials")),
                (4, Some("name")),
                (4, Some("degree")),
            ],
            "{problems:#?}"
        );
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text[1].contains("`XYZ(ASCP)` names no credential"),
            "{}",
            text[1]
        );
        assert!(text[4].contains("did you mean `bachelor`"), "{}", text[4]);
        assert!(text[7].contains("`MT` may mean any of"), "{}", text[7]);
        assert!(text[8].contains("line 2 has the same name"), "{}", text[8]);
    }

    #[test]
    fn a_name_already_in_the_list_or_an_email_twice_is_a_problem() {
        let known = Stored {
            id: labpath_store::ids::PersonId::from_raw(7),
            name: "Maria  Santos".to_owned(),
            created_at: labpath_store::time::Timestamp::now(),
            profile_version: 0,
            owner: None,
            organization: None,
        };
        let text = "name,email\nMARIA SANTOS,m@agency.example\nJun,M@agency.example\n";
        let problems = read(&catalog(), text, &[known]).1;
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with(
                "line 2: field `name`: `MARIA SANTOS` is already in the list (person 7)"
            ),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("line 3: field `email`: line 2 has the same email"),
            "{shown:?}"
        );
    }

    #[test]
    fn a_name_over_two_lines_and_a_long_name_are_refused_at_the_name() {
        let long = "A".repeat(labpath_engine::limits::MAX_TEXT + 1);
        let text = format!("name\n\"Maria\nSantos\"\n{long}\n");
        let problems = read(&catalog(), &text, &[]).1;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].field), (2, Some("name")));
        assert!(problems[0].message.contains("line break"), "{problems:?}");
        assert_eq!((problems[1].line, problems[1].field), (4, Some("name")));
    }

    #[test]
    fn a_file_over_the_limits_is_refused_whole() {
        let mut text = String::from("name\n");
        for i in 0..=MAX_PEOPLE {
            text.push_str(&format!("Person {i}\n"));
        }
        let (rows, problems) = read(&catalog(), &text, &[]);
        assert!(rows.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, MAX_PEOPLE + 2);
        assert!(
            problems[0].message.contains("at most 5000 people"),
            "{problems:?}"
        );
        let big = vec![b'a'; MAX_BYTES + 1];
        assert!(text_of(&big).contains("at most 2 MiB"));
        let latin1 = b"name\nJos\xe9\n";
        let e = super::text(latin1).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("CSV UTF-8"), "{e}");
    }

    fn text_of(bytes: &[u8]) -> String {
        super::text(bytes).unwrap_err().message
    }
}
