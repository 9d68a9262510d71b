//! The interview's forms: each part of a profile (about you, education,
//! experience...) as labelled fields with plain-language choices, read back
//! into the profile with every problem at once, next to its field, and the
//! typed text kept.
//!
//! A section is a table of fields; one reader and one renderer serve them
//! all. A form field is named `section.row.field` (`education.0.completed`),
//! so a problem points at the box the person typed in.

use std::collections::BTreeMap;

use isocountry::CountryCode;
use labpath_engine::catalog::Catalog;
use labpath_engine::limits::MAX_TEXT;
use labpath_engine::units::{Code, Date};
use labpath_engine::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, FieldArea, LabAccreditation, ProgramKind,
    SchoolAccreditation, Setting, Subject, Topic,
};
use serde::Serialize;
use serde_json::{Map, Value, json};

pub use labpath_engine::questions::{Choice, choices};

/// What a field takes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Kind {
    /// Free text.
    Text,
    /// A day (`<input type=date>`).
    Date,
    /// A number.
    Number,
    /// A country, typed by name (a list suggests) or two-letter code.
    Country,
    /// Countries separated by commas.
    Countries,
    /// One of the choices (empty allowed unless required).
    Choice {
        /// The choices.
        choices: Vec<Choice>,
    },
    /// Any of the choices (checkboxes).
    Multi {
        /// The choices.
        choices: Vec<Choice>,
    },
    /// A tick box.
    Flag,
}

/// One field of a section.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    /// Its name in the profile (and in the form, after `section.row.`).
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// A hint under the label.
    pub hint: &'static str,
    /// What it takes.
    pub kind: Kind,
    /// Whether a row needs it.
    pub required: bool,
}

/// A part of the profile the interview asks as one form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FormSection))]
pub struct Section {
    /// Its step in the address (`/people/1/interview/education`).
    pub step: &'static str,
    /// The heading.
    pub title: &'static str,
    /// What it is for, in plain words.
    pub intro: &'static str,
    /// Whether it is a list of rows (degrees) or one set of fields.
    pub repeated: bool,
    /// The label of one row ("Degree").
    pub row: &'static str,
    /// The fields.
    pub fields: Vec<Field>,
}

fn field(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        name,
        label,
        hint: "",
        kind,
        required: false,
    }
}

impl Field {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
}

/// The steps of the interview, in order; `questions` comes last and is not
/// a section of fields.
pub const STEPS: &[&str] = &[
    "about",
    "education",
    "coursework",
    "programs",
    "experience",
    "credentials",
    "exams",
    "english",
    "questions",
];

/// The section behind a step.
pub fn section(catalog: &Catalog, step: &str) -> Option<Section> {
    use Kind::{Countries, Country, Date as Day, Flag, Number, Text};
    let pick = |choices: Vec<Choice>| Kind::Choice { choices };
    let many = |choices: Vec<Choice>| Kind::Multi { choices };
    let states = || {
        catalog
            .jurisdictions()
            .iter()
            .map(|j| Choice {
                value: j.code.to_string(),
                label: j.name.clone(),
            })
            .collect::<Vec<_>>()
    };
    let s = match step {
        "about" => Section {
            step: "about",
            title: "About you",
            intro: "Where you are from, where you live, and the US state where you want to work.",
            repeated: false,
            row: "",
            fields: vec![
                field("citizenship", "Citizenship", Countries)
                    .hint("Country names, separated by commas if more than one."),
                field("residence_country", "Country where you live now", Country),
                field("residence_state", "US state, if you live in the US", pick(states())),
                field("residence_since", "Living there since", Day),
                field("work_state", "The US state where you want to work", pick(states()))
                    .hint("Leave it empty if you have not decided."),
            ],
        },
        "education" => Section {
            step: "education",
            title: "Education",
            intro: "Each degree or diploma after secondary school, as on the diploma.",
            repeated: true,
            row: "Degree or diploma",
            fields: vec![
                field("title", "Title, as on the diploma", Text).required(),
                field("level", "Level", pick(choices(DegreeLevel::ALL, DegreeLevel::word, DegreeLevel::label))).required(),
                field("field", "Field", pick(choices(FieldArea::ALL, FieldArea::word, FieldArea::label))).required()
                    .hint("Medical technology, clinical laboratory science and medical laboratory science are one field."),
                field("country", "Country of the school", Country).required(),
                field("institution", "School", Text),
                field("completed", "Completed on", Day).hint("Leave it empty while you are still studying."),
                field("accreditation", "How the school is accredited or recognized", pick(choices(SchoolAccreditation::ALL, SchoolAccreditation::word, SchoolAccreditation::label)))
                    .hint("Leave it empty if you do not know."),
                field("semester_hours", "Total credit, in semester hours (units)", Number),
                field("evaluation_agency", "US credential evaluation: the service", Text)
                    .hint("For a degree from outside the US: WES, ECE, IERF... Leave empty if none yet."),
                field("evaluation_level", "US level the evaluation found", pick(choices(DegreeLevel::ALL, DegreeLevel::word, DegreeLevel::label))),
                field("evaluation_date", "Date of the evaluation report", Day),
                field("evaluation_course_by_course", "The evaluation is course by course", Flag),
            ],
        },
        "coursework" => Section {
            step: "coursework",
            title: "Coursework",
            intro: "Your science courses by subject, from your transcript. Rules count semester hours per subject and name some courses that must be among them.",
            repeated: true,
            row: "Course",
            fields: vec![
                field("title", "Course title", Text),
                field("subject", "Subject", pick(choices(Subject::ALL, Subject::word, Subject::label))).required(),
                field("topics", "It covers", many(choices(Topic::ALL, Topic::word, Topic::label))),
                field("hours", "Credit", Number).required(),
                field("unit", "Credit unit", pick(vec![
                    Choice { value: "semester".to_owned(), label: "semester hours (units)".to_owned() },
                    Choice { value: "quarter".to_owned(), label: "quarter hours".to_owned() },
                ])),
            ],
        },
        "programs" => Section {
            step: "programs",
            title: "Training programs",
            intro: "A clinical laboratory training program or internship you completed (or will complete).",
            repeated: true,
            row: "Program",
            fields: vec![
                field("kind", "Kind of program", pick(choices(ProgramKind::ALL, ProgramKind::word, ProgramKind::label))).required(),
                field("name", "Name of the program or school", Text),
                field("completed", "Completed on (or expected)", Day).required(),
                field("country", "Country", Country),
            ],
        },
        "experience" => Section {
            step: "experience",
            title: "Work experience",
            intro: "Each job in a laboratory: when, where, and in which areas.",
            repeated: true,
            row: "Job",
            fields: vec![
                field("employer", "Employer", Text),
                field("start", "First day", Day).required(),
                field("end", "Last day", Day),
                field("ongoing", "I still work there", Flag),
                field("fte", "Share of full time", Number).hint("1 is full time, 0.5 half time; empty means full time."),
                field("setting", "Kind of laboratory", pick(choices(Setting::ALL, Setting::word, Setting::label))).required(),
                field("disciplines", "Areas you worked in", many(choices(Discipline::ALL, Discipline::word, Discipline::label))),
                field("accreditation", "The laboratory is", many(choices(LabAccreditation::ALL, LabAccreditation::word, LabAccreditation::label))),
                field("country", "Country of the laboratory", Country).required(),
            ],
        },
        "credentials" => Section {
            step: "credentials",
            title: "Credentials you hold",
            intro: "Certifications and licenses you hold or held.",
            repeated: true,
            row: "Credential",
            fields: vec![
                field("id", "Credential", pick(catalog.credentials().iter().map(|c| Choice {
                    value: c.id.as_str().to_owned(),
                    label: format!("{} ({})", c.abbreviation, c.name),
                }).collect())).required(),
                field("earned", "Earned on", Day),
                field("expires", "Expires on", Day),
            ],
        },
        "exams" => Section {
            step: "exams",
            title: "Exams",
            intro: "Certification exams you sat, passed or not: failed attempts count too, since some bodies limit them.",
            repeated: true,
            row: "Exam",
            fields: vec![
                field("exam", "Exam", pick(catalog.exams().iter().map(|e| Choice {
                    value: e.id.as_str().to_owned(),
                    label: e.name.clone(),
                }).collect())).required(),
                field("date", "Taken on", Day).required(),
                field("result", "Result", pick(vec![
                    Choice { value: "passed".to_owned(), label: "passed".to_owned() },
                    Choice { value: "failed".to_owned(), label: "not passed".to_owned() },
                ])).required(),
                field("score", "Scaled score", Number),
            ],
        },
        "english" => Section {
            step: "english",
            title: "English tests",
            intro: "English tests you took (TOEFL, IELTS), if any.",
            repeated: true,
            row: "Test",
            fields: vec![
                field("test", "Test", pick(choices(EnglishTestKind::ALL, EnglishTestKind::word, EnglishTestKind::label))).required(),
                field("date", "Taken on", Day).required(),
                field("overall", "Overall score", Number).required(),
                field("speaking", "Speaking score", Number),
            ],
        },
        _ => return None,
    };
    Some(s)
}

/// Where a section lives in the profile document.
fn profile_key(step: &str) -> &'static str {
    match step {
        "education" => "education",
        "coursework" => "coursework",
        "programs" => "program",
        "experience" => "experience",
        "credentials" => "credential",
        "exams" => "exam",
        "english" => "english_test",
        _ => "person",
    }
}

/// The form field behind a profile field a check names (`exam[0].score`
/// is the exams step's `exams.0.score`), so the problem shows next to the
/// box it is about; `None` when no box holds it.
pub fn form_field_of(profile_field: &str) -> Option<String> {
    let (key, rest) = profile_field.split_once('[')?;
    let (row, field) = rest.split_once("].")?;
    let row: usize = row.parse().ok()?;
    let step = STEPS
        .iter()
        .find(|s| profile_key(s) == key && **s != "about")?;
    Some(format!("{step}.{row}.{field}"))
}

/// A field as a form shows it: its name, what is in it, and its problem.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldView {
    /// The form field's name (`education.0.title`).
    pub name: String,
    /// The field's spec.
    pub spec: Field,
    /// The text in it.
    pub value: String,
    /// The values ticked (for `Multi`).
    pub values: Vec<String>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

/// A row of a section's form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowView {
    /// 0-based.
    pub index: usize,
    /// The fields.
    pub fields: Vec<FieldView>,
    /// Whether it is the blank row for adding one.
    pub blank: bool,
}

/// The values of a form, by field name (every value, for checkboxes).
pub type Values = BTreeMap<String, Vec<String>>;

/// A section's rows, filled from a stored profile (plus one blank row for a
/// list), with no problems.
pub fn rows_from_profile(section: &Section, profile: &Value) -> Vec<RowView> {
    let values = values_of_profile(section, profile);
    let count = row_count(section, &values);
    rows(section, &values, &BTreeMap::new(), count)
}

/// A section's rows as typed, with each problem next to its field.
pub fn rows(
    section: &Section,
    values: &Values,
    problems: &BTreeMap<String, String>,
    count: usize,
) -> Vec<RowView> {
    let total = if section.repeated { count + 1 } else { 1 };
    (0..total)
        .map(|i| RowView {
            index: i,
            blank: section.repeated && i == count,
            fields: section
                .fields
                .iter()
                .map(|f| {
                    let name = form_name(section, i, f.name);
                    let all = values.get(&name).cloned().unwrap_or_default();
                    FieldView {
                        value: all.first().cloned().unwrap_or_default(),
                        values: all,
                        problem: problems.get(&name).cloned(),
                        spec: f.clone(),
                        name,
                    }
                })
                .collect(),
        })
        .collect()
}

fn form_name(section: &Section, row: usize, field: &str) -> String {
    if section.repeated {
        format!("{}.{row}.{field}", section.step)
    } else {
        format!("{}.{field}", section.step)
    }
}

/// The credentials step's search box: credentials typed as a person writes
/// them after a name ("MLS(ASCP)CM, NYS CLT").
pub const FIND_CREDENTIALS: &str = "credentials.find";

/// Reads the credentials typed in the search box (`FIND_CREDENTIALS`) and
/// adds each one not already listed as a new row of the credentials step,
/// so it is read and saved as if chosen from the list. A part that names no
/// credential, or several, is the box's problem, naming the part. Returns
/// how many rows were added.
pub fn add_found_credentials(catalog: &Catalog, values: &mut Values) -> Result<usize, String> {
    let text = values
        .get(FIND_CREDENTIALS)
        .and_then(|v| v.first())
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    if text.is_empty() {
        return Ok(0);
    }
    let chars = text.chars().count();
    if chars > MAX_TEXT {
        return Err(format!("{chars} characters; at most {MAX_TEXT}"));
    }
    let Some(section) = section(catalog, "credentials") else {
        return Ok(0);
    };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for part in labpath_engine::aliases::parse(catalog, &text) {
        match part.matches.as_slice() {
            [one] => found.push(one.credential.id.as_str().to_owned()),
            [] => problems.push(format!(
                "`{}` is not a credential labpath knows: choose it from the list",
                part.input
            )),
            many => problems.push(format!(
                "`{}` could be {}: choose it from the list",
                part.input,
                many.iter()
                    .map(|m| m.credential.abbreviation.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let mut next = row_count(&section, values);
    let mut added = 0;
    for id in found {
        let listed = (0..next).any(|i| {
            values
                .get(&form_name(&section, i, "id"))
                .is_some_and(|v| v.contains(&id))
        });
        if !listed {
            values.insert(form_name(&section, next, "id"), vec![id]);
            next += 1;
            added += 1;
        }
    }
    Ok(added)
}

/// The words a person sees for a form field's name: the field's label,
/// after its row's ("Degree or diploma 1: Completed on").
pub fn field_label(section: &Section, name: &str) -> Option<String> {
    if name == FIND_CREDENTIALS {
        return Some("Credentials typed".to_owned());
    }
    let rest = name.strip_prefix(section.step)?.strip_prefix('.')?;
    let (row, field) = if section.repeated {
        let (row, field) = rest.split_once('.')?;
        (Some(row.parse::<usize>().ok()?), field)
    } else {
        (None, rest)
    };
    let label = section.fields.iter().find(|f| f.name == field)?.label;
    Some(match row {
        Some(i) => format!("{} {}: {label}", section.row, i + 1),
        None => label.to_owned(),
    })
}

/// How many rows the values hold (the highest row index with a value + 1).
pub fn row_count(section: &Section, values: &Values) -> usize {
    if !section.repeated {
        return 1;
    }
    let prefix = format!("{}.", section.step);
    values
        .iter()
        .filter(|(_, v)| v.iter().any(|s| !s.trim().is_empty()))
        .filter_map(|(k, _)| {
            k.strip_prefix(&prefix)?
                .split('.')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
}

/// A country by name ("Philippines", "philippines") or code ("PH").
pub fn country(text: &str) -> Option<Code> {
    let t = text.trim();
    if t.len() == 2 {
        let code = CountryCode::for_alpha2_caseless(t).ok()?;
        return Code::parse(code.alpha2()).ok();
    }
    let wanted = fold(t);
    CountryCode::iter()
        .find(|c| fold(c.name()) == wanted || fold(short_name(c.name())) == wanted)
        .and_then(|c| Code::parse(c.alpha2()).ok())
}

/// Every country, by the name the interview shows.
pub fn countries() -> Vec<Choice> {
    let mut all: Vec<Choice> = CountryCode::iter()
        .map(|c| Choice {
            value: c.alpha2().to_owned(),
            label: short_name(c.name()).to_owned(),
        })
        .collect();
    all.sort_by(|a, b| a.label.cmp(&b.label));
    all
}

pub use labpath_engine::units::country_name;
use labpath_engine::units::short_country_name as short_name;

fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A stored profile's section as form values.
fn values_of_profile(section: &Section, profile: &Value) -> Values {
    let mut values = Values::new();
    let mut put = |name: String, v: Vec<String>| {
        if !v.is_empty() {
            values.insert(name, v);
        }
    };
    if !section.repeated {
        let person = &profile["person"];
        let res = &person["residence"];
        let list = |v: &Value| {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(country_name)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        put(
            "about.citizenship".into(),
            vec![list(&person["citizenship"]).join(", ")]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
        );
        put(
            "about.residence_country".into(),
            res["country"]
                .as_str()
                .map(country_name)
                .into_iter()
                .collect(),
        );
        put(
            "about.residence_state".into(),
            text_of(&res["state"]).into_iter().collect(),
        );
        put(
            "about.residence_since".into(),
            text_of(&res["since"]).into_iter().collect(),
        );
        put(
            "about.work_state".into(),
            text_of(&person["work_state"]).into_iter().collect(),
        );
        return values;
    }
    let rows = profile[profile_key(section.step)]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (i, row) in rows.iter().enumerate() {
        for f in &section.fields {
            let name = form_name(section, i, f.name);
            let v = match (section.step, f.name) {
                ("education", n) if n.starts_with("evaluation_") => {
                    let e = &row["evaluation"];
                    match n {
                        "evaluation_agency" => text_of(&e["agency"]).into_iter().collect(),
                        "evaluation_level" => text_of(&e["us_level"]).into_iter().collect(),
                        "evaluation_date" => text_of(&e["date"]).into_iter().collect(),
                        _ => e["course_by_course"]
                            .as_bool()
                            .filter(|b| *b)
                            .map(|_| "on".to_owned())
                            .into_iter()
                            .collect(),
                    }
                }
                ("experience", "ongoing") => {
                    if row["end"].is_null() {
                        vec!["on".to_owned()]
                    } else {
                        Vec::new()
                    }
                }
                ("exams", "result") => vec![
                    if row["passed"].as_bool() == Some(true) {
                        "passed"
                    } else {
                        "failed"
                    }
                    .to_owned(),
                ],
                (_, n) => match (&f.kind, &row[n]) {
                    (Kind::Multi { .. }, Value::Array(a)) => a.iter().filter_map(text_of).collect(),
                    (Kind::Country, v) => v.as_str().map(country_name).into_iter().collect(),
                    (_, v) => text_of(v).into_iter().collect(),
                },
            };
            put(name, v);
        }
    }
    values
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads a section's form into the profile document: the section replaced
/// by what was typed, or every problem by form field name.
pub fn read(
    section: &Section,
    values: &Values,
    profile: &Value,
    today: Date,
) -> Result<Value, BTreeMap<String, String>> {
    let mut problems = BTreeMap::new();
    let count = row_count(section, values);
    let mut rows = Vec::new();
    for i in 0..count {
        let get = |f: &str| -> String {
            values
                .get(&form_name(section, i, f))
                .and_then(|v| v.first())
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let all = |f: &str| {
            values
                .get(&form_name(section, i, f))
                .cloned()
                .unwrap_or_default()
        };
        let blank = section
            .fields
            .iter()
            .all(|f| all(f.name).iter().all(|v| v.trim().is_empty()));
        if blank && section.repeated {
            continue;
        }
        let mut row = Map::new();
        for f in &section.fields {
            let name = form_name(section, i, f.name);
            let text = get(f.name);
            match read_field(f, &text, &all(f.name), today) {
                Ok(Some(v)) => {
                    row.insert(f.name.to_owned(), v);
                }
                Ok(None) if f.required => {
                    problems.insert(name, format!("{} is needed", f.label.to_lowercase()));
                }
                Ok(None) => {}
                Err(why) => {
                    problems.insert(name, why);
                }
            }
        }
        match shape_row(section.step, row, today) {
            Ok(v) => rows.push(v),
            Err((f, why)) => {
                problems.entry(form_name(section, i, f)).or_insert(why);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut doc = profile.clone();
    if !doc.is_object() {
        doc = json!({});
    }
    if section.repeated {
        doc[profile_key(section.step)] = Value::Array(rows);
    } else if let Some(Value::Object(about)) = rows.pop() {
        let person = doc["person"].as_object().cloned().unwrap_or_default();
        doc["person"] = merge_about(person, about);
    }
    Ok(doc)
}

fn read_field(f: &Field, text: &str, all: &[String], today: Date) -> Result<Option<Value>, String> {
    if let Some(long) = all
        .iter()
        .map(|v| v.chars().count())
        .find(|n| *n > MAX_TEXT)
    {
        return Err(format!("{long} characters; at most {MAX_TEXT}"));
    }
    if let Kind::Multi { choices } = &f.kind {
        let picked: Vec<&String> = all.iter().filter(|v| !v.trim().is_empty()).collect();
        if let Some(bad) = picked
            .iter()
            .find(|v| !choices.iter().any(|c| &c.value == **v))
        {
            return Err(format!("`{bad}` is not one of the choices"));
        }
        return Ok((!picked.is_empty()).then(|| json!(picked)));
    }
    if text.is_empty() {
        return Ok(None);
    }
    let v = match &f.kind {
        Kind::Text => json!(text),
        Kind::Date => {
            let day = Date::parse(text).map_err(|e| format!("{e}"))?;
            if day.year() < 1900 || day > today.add_years(10) {
                return Err(format!("`{text}` is not a plausible date"));
            }
            json!(day.to_string())
        }
        Kind::Number => {
            let n: f64 = text
                .replace(',', ".")
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n < 100_000.0)
                .ok_or_else(|| {
                    format!("`{text}` is not a number: write digits only, such as 12 or 7.5")
                })?;
            json!(n)
        }
        Kind::Country => json!(
            country(text)
                .ok_or_else(|| unknown_country(text))?
                .to_string()
        ),
        Kind::Countries => {
            let mut codes = Vec::new();
            for part in text
                .split([',', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                codes.push(
                    country(part)
                        .ok_or_else(|| unknown_country(part))?
                        .to_string(),
                );
            }
            json!(codes)
        }
        Kind::Choice { choices } => {
            if !choices.iter().any(|c| c.value == text) {
                return Err(format!("`{text}` is not one of the choices"));
            }
            json!(text)
        }
        Kind::Flag => json!(true),
        Kind::Multi { .. } => unreachable!("handled above"),
    };
    Ok(Some(v))
}

/// Why `text` names no country, saying how to write one.
pub fn unknown_country(text: &str) -> String {
    format!(
        "`{text}` is not a country we know: type its name in English (Philippines, India) or its two-letter code (PH)"
    )
}

/// Turns a row of form fields into the profile's shape, with the checks
/// that look at two fields at once.
fn shape_row(
    step: &str,
    mut row: Map<String, Value>,
    today: Date,
) -> Result<Value, (&'static str, String)> {
    let day = |row: &Map<String, Value>, f: &str| {
        row.get(f)
            .and_then(Value::as_str)
            .and_then(|s| Date::parse(s).ok())
    };
    match step {
        "education" => {
            if day(&row, "completed").is_some_and(|d| d > today) {
                return Err((
                    "completed",
                    "a completion date in the future: leave it empty while you are still studying"
                        .to_owned(),
                ));
            }
            let agency = row.remove("evaluation_agency");
            let level = row.remove("evaluation_level");
            let date = row.remove("evaluation_date");
            let cbc = row.remove("evaluation_course_by_course").is_some();
            match (agency, level) {
                (Some(agency), Some(level)) => {
                    let mut e =
                        json!({ "agency": agency, "us_level": level, "course_by_course": cbc });
                    if let Some(d) = date {
                        e["date"] = d;
                    }
                    row.insert("evaluation".into(), e);
                }
                (Some(_), None) => {
                    return Err((
                        "evaluation_level",
                        "give the US level the evaluation found".to_owned(),
                    ));
                }
                (None, Some(_)) => {
                    return Err((
                        "evaluation_agency",
                        "name the service that made the evaluation".to_owned(),
                    ));
                }
                (None, None) if date.is_some() || cbc => {
                    return Err((
                        "evaluation_agency",
                        "name the service that made the evaluation".to_owned(),
                    ));
                }
                (None, None) => {}
            }
        }
        "experience" => {
            let ongoing = row.remove("ongoing").is_some();
            let (start, end) = (day(&row, "start"), day(&row, "end"));
            if ongoing && end.is_some() {
                return Err((
                    "end",
                    "you ticked \"I still work there\": leave the last day empty".to_owned(),
                ));
            }
            if !ongoing && end.is_none() {
                return Err((
                    "end",
                    "give the last day, or tick \"I still work there\"".to_owned(),
                ));
            }
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    return Err((
                        "end",
                        format!("the last day ({e}) is before the first ({s})"),
                    ));
                }
            }
            if start.is_some_and(|s| s > today) {
                return Err(("start", "the first day is in the future".to_owned()));
            }
            if let Some(fte) = row.get("fte").and_then(Value::as_f64) {
                if !(fte > 0.0 && fte <= 1.0) {
                    return Err((
                        "fte",
                        "a share of full time lies between 0 and 1 (0.5 is half time)".to_owned(),
                    ));
                }
            }
        }
        "credentials" => {
            if let (Some(a), Some(b)) = (day(&row, "earned"), day(&row, "expires")) {
                if b < a {
                    return Err((
                        "expires",
                        format!("it expires ({b}) before it was earned ({a})"),
                    ));
                }
            }
        }
        "exams" => {
            let passed = row
                .remove("result")
                .and_then(|v| v.as_str().map(|s| s == "passed"));
            row.insert("passed".into(), json!(passed.unwrap_or(false)));
            if let Some(s) = row.get("score").and_then(Value::as_f64) {
                if s.fract() != 0.0 {
                    return Err(("score", "a scaled score is a whole number".to_owned()));
                }
                row.insert("score".into(), json!(s as u32));
            }
            if day(&row, "date").is_some_and(|d| d > today) {
                return Err(("date", "record an exam once you have sat it".to_owned()));
            }
        }
        "english" if day(&row, "date").is_some_and(|d| d > today) => {
            return Err(("date", "record a test once you have taken it".to_owned()));
        }
        _ => {}
    }
    Ok(Value::Object(row))
}

fn merge_about(mut person: Map<String, Value>, about: Map<String, Value>) -> Value {
    person.insert(
        "citizenship".into(),
        about
            .get("citizenship")
            .cloned()
            .unwrap_or_else(|| json!([])),
    );
    match about.get("work_state") {
        Some(v) => person.insert("work_state".into(), v.clone()),
        None => person.remove("work_state"),
    };
    let country = about.get("residence_country").cloned();
    let state = about.get("residence_state").cloned();
    let country = match (country, &state) {
        (None, Some(_)) => Some(json!("US")),
        (c, _) => c,
    };
    match country {
        Some(c) => {
            let mut r = json!({ "country": c });
            if let Some(s) = state {
                r["state"] = s;
            }
            if let Some(d) = about.get("residence_since") {
                r["since"] = d.clone();
            }
            person.insert("residence".into(), r);
        }
        None => {
            person.remove("residence");
        }
    }
    Value::Object(person)
}

/// The interview step where a question's fact is entered in full (for a
/// question that takes a form).
pub fn step_of(key: &str) -> &'static str {
    let head = key.split(['.', '[']).next().unwrap_or("");
    match head {
        "education" => "education",
        "coursework" => "coursework",
        "experience" => "experience",
        "credential" => "credentials",
        "english_test" => "english",
        "declarations" => "questions",
        _ => "about",
    }
}

/// Writes the answers given to the adaptive questions into the profile
/// document (`q.KEY` fields); an empty answer leaves the fact open.
pub fn answer_questions(
    questions: &[labpath_engine::questions::Question],
    values: &Values,
    profile: &Value,
    today: Date,
) -> Result<Value, BTreeMap<String, String>> {
    use labpath_engine::questions::Answer;
    let mut doc = profile.clone();
    let mut problems = BTreeMap::new();
    for q in questions {
        let name = format!("q.{}", q.key);
        let all: Vec<String> = values.get(&name).cloned().unwrap_or_default();
        let text = all.first().map(|s| s.trim().to_owned()).unwrap_or_default();
        let kind = match &q.answer {
            Answer::YesNo => {
                let Some(key) = q.key.strip_prefix("declarations.") else {
                    continue;
                };
                let list = match text.as_str() {
                    "yes" => "declarations",
                    "no" => "declined",
                    "" => continue,
                    other => {
                        problems.insert(name, format!("`{other}` is not yes or no"));
                        continue;
                    }
                };
                push_unique(&mut doc, list, key);
                continue;
            }
            Answer::Choice { choices } => Kind::Choice {
                choices: choices.clone(),
            },
            Answer::Choices { choices } => Kind::Multi {
                choices: choices.clone(),
            },
            Answer::Country => Kind::Country,
            Answer::Countries => Kind::Countries,
            Answer::Date => Kind::Date,
            Answer::Number { .. } => Kind::Number,
            Answer::Form => continue,
        };
        let spec = field("answer", "answer", kind);
        match read_field(&spec, &text, &all, today) {
            Ok(Some(v)) => {
                if !set_path(&mut doc, &q.key, v) {
                    problems.insert(
                        name,
                        "this question no longer matches the profile: reload the page".to_owned(),
                    );
                }
            }
            Ok(None) => {}
            Err(why) => {
                problems.insert(name, why);
            }
        }
    }
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(problems)
    }
}

fn push_unique(doc: &mut Value, list: &str, key: &str) {
    if !doc[list].is_array() {
        doc[list] = json!([]);
    }
    if let Some(a) = doc[list].as_array_mut() {
        if !a.iter().any(|v| v == key) {
            a.push(json!(key));
        }
    }
}

/// Sets the value at a question's key (`education[0].accreditation`,
/// `work_state`, `residence.since`); false when the path does not exist.
fn set_path(doc: &mut Value, key: &str, value: Value) -> bool {
    let full = match key.split(['.', '[']).next() {
        Some("work_state" | "citizenship" | "residence") => format!("person.{key}"),
        _ => key.to_owned(),
    };
    let mut at = doc;
    let parts: Vec<&str> = full.split('.').collect();
    for (n, part) in parts.iter().enumerate() {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        let last = n + 1 == parts.len();
        if !at.is_object() {
            return false;
        }
        at = &mut at[name];
        if let Some(i) = index {
            match at.get_mut(i) {
                Some(v) => at = v,
                None => return false,
            }
        }
        if last {
            *at = value;
            return true;
        }
    }
    false
}
