//! The interview's questions: which facts, not yet in a profile, would
//! change the answer for a goal (or for every credential), most decisive
//! first.
//!
//! The engine already says "unknown" wherever a rule needs a fact the
//! profile does not give. Rather than guess from those findings which answer
//! matters, each fact that could be asked is tried: the profile is
//! evaluated once for each of a few representative answers (every state
//! that licenses, each accreditation, yes and no), and a fact is asked only
//! when those answers lead to different decisions. Its value is how many of
//! today's unknown decisions some answer would settle. So a question that
//! cannot change the answer is never asked, by construction, and the
//! ordering is the one the person cares about: the goal settled soonest.

use serde::Serialize;

use crate::catalog::{Catalog, Credential};
use crate::eval::{self, Ctx, Outcome, Status};
use crate::facts::Facts;
use crate::ids::{CredentialId, SourceId};
use crate::profile::{Course, Evaluation, HourUnit, Profile, Residence};
use crate::requirement::{DeclaredReq, Requirement};
use crate::units::{Code, Date, Hours};
use crate::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, LabAccreditation, SchoolAccreditation, Subject, Topic,
};

/// The part of the interview a question belongs to, in the order the
/// interview walks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = QuestionSection))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Citizenship, residence, the state to work in.
    AboutYou,
    /// Degrees and diplomas.
    Education,
    /// Courses by subject.
    Coursework,
    /// Work in laboratories.
    Experience,
    /// Credentials held.
    Credentials,
    /// English tests.
    English,
    /// Facts only the person can state.
    Statements,
}

/// One value a choice question offers: what is stored, and what is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    /// The vocabulary word or code stored in the profile.
    pub value: String,
    /// Plain words.
    pub label: String,
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Answer {
    /// One of the choices.
    Choice {
        /// The choices.
        choices: Vec<Choice>,
    },
    /// Any number of the choices.
    Choices {
        /// The choices.
        choices: Vec<Choice>,
    },
    /// A country, by name or two-letter code.
    Country,
    /// Several countries.
    Countries,
    /// A calendar day.
    Date,
    /// A number in a unit.
    Number {
        /// The unit, in words.
        unit: &'static str,
    },
    /// Yes or no: a statement only the person can make.
    YesNo,
    /// A part of the profile with several fields of its own (a degree, a
    /// list of courses, an English test): the interview asks its form.
    Form,
}

/// Which fact a question asks for; also the question's stable key.
#[derive(Debug, Clone)]
enum Slot<'c> {
    WorkState,
    Citizenship,
    Residence,
    ResidenceSince,
    Education,
    SchoolAccreditation(usize),
    DegreeEvaluation(usize),
    DegreeCredits(usize),
    Coursework,
    Disciplines(usize),
    LabAccreditation(usize),
    Earned(usize),
    English,
    Declared(&'c DeclaredReq),
}

/// A question the interview should ask.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// A stable key naming the fact: `work_state`, `citizenship`,
    /// `education[0].accreditation`, `declarations.good_moral_character`.
    pub key: String,
    /// Where in the interview it belongs.
    pub section: Section,
    /// The question, in plain words.
    pub ask: String,
    /// Why it matters, in plain words.
    pub help: String,
    /// What kind of answer it takes.
    pub answer: Answer,
    /// How many of the decisions in scope (a credential's status or one of
    /// its routes) that are unknown now some answer would settle.
    pub settles: u32,
    /// The credentials whose answer it can change.
    pub credentials: Vec<CredentialId>,
    /// The sources of the rules it decides.
    pub sources: Vec<SourceId>,
    /// For a statement: whether a plan may assume it (a personal
    /// attestation most applicants can make).
    pub assumable: bool,
}

/// The credentials a goal reaches into: those it names, and every one their
/// routes name in turn (a state license that needs a certification), and
/// the work state's license. With no goal, every credential.
pub fn scope<'c>(
    catalog: &'c Catalog,
    goal: Option<&Requirement>,
    work_state: Option<Code>,
) -> Vec<&'c Credential> {
    let Some(goal) = goal else {
        return catalog.credentials().iter().collect();
    };
    let mut found: Vec<&'c Credential> = Vec::new();
    let visit = |r: &Requirement, queue: &mut Vec<CredentialId>| {
        r.walk(&mut |node| match node {
            Requirement::Credential(c) => queue.extend(c.any_of.iter().cloned()),
            Requirement::Eligible(e) => queue.push(e.credential.clone()),
            Requirement::WorkStateLicense(w) => {
                if let Some(id) = work_state
                    .and_then(|s| catalog.jurisdiction(s))
                    .and_then(|j| j.license_for(w.level))
                {
                    queue.push(id.clone());
                }
            }
            _ => {}
        });
    };
    let mut pending = Vec::new();
    visit(goal, &mut pending);
    while let Some(id) = pending.pop() {
        let Some(credential) = catalog.credential(id.as_str()) else {
            continue;
        };
        if found.iter().any(|c| c.id == credential.id) {
            continue;
        }
        found.push(credential);
        for route in &credential.routes {
            visit(&route.requires, &mut pending);
        }
    }
    // Catalog order, so answers read the same way everywhere.
    found.sort_by_key(|c| catalog.position_of(c).unwrap_or(usize::MAX));
    found
}

/// Every decision in scope, as a comparable vector: the goal's own answer,
/// then each credential's status and each of its routes' outcomes.
fn decisions(
    catalog: &Catalog,
    profile: &Profile,
    goal: Option<&Requirement>,
    scope: &[&Credential],
    as_of: Date,
) -> Vec<Decision> {
    let mut out = Vec::with_capacity(scope.len() * 4 + 1);
    if let Some(goal) = goal {
        let facts = Facts::derive(profile, catalog);
        let ctx = Ctx::new(catalog, profile, &facts, as_of);
        out.push(Decision::Route(eval::decide_requirement(&ctx, goal)));
    }
    let mut decided = eval::Decisions::default();
    eval::decide_into(catalog, profile, as_of, scope.iter().copied(), &mut decided);
    for (status, routes) in (0..decided.len()).filter_map(|i| decided.credential(i)) {
        out.push(Decision::Credential(status));
        for route in routes {
            out.push(Decision::Route(route.outcome().unwrap_or(Outcome::Fail)));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Credential(Status),
    Route(Outcome),
}

impl Decision {
    fn unknown(self) -> bool {
        matches!(
            self,
            Decision::Credential(Status::Unknown) | Decision::Route(Outcome::Unknown)
        )
    }
}

/// The questions whose answer would change a decision for `goal` (every
/// credential when `None`), most decisive first. The caller applies a
/// goal's work state to the profile first, as a plan does.
pub fn questions(
    catalog: &Catalog,
    profile: &Profile,
    goal: Option<&Requirement>,
    as_of: Date,
) -> Vec<Question> {
    let scope = scope(catalog, goal, profile.person.work_state);
    let base = decisions(catalog, profile, goal, &scope, as_of);
    let mut asked = Vec::new();
    for slot in slots(profile, goal, &scope) {
        let variants = answers(&slot, catalog, profile, as_of);
        let outcomes: Vec<Vec<Decision>> = variants
            .iter()
            .map(|p| decisions(catalog, p, goal, &scope, as_of))
            .collect();
        let Some(first) = outcomes.first() else {
            continue;
        };
        if outcomes.iter().all(|o| o == first) {
            continue;
        }
        let settles = (0..base.len())
            .filter(|&i| base[i].unknown() && outcomes.iter().any(|o| !o[i].unknown()))
            .count() as u32;
        let changed = |i: usize| outcomes.iter().any(|o| o[i] != first[i]);
        let (credentials, sources) = touched(goal.is_some(), &scope, changed);
        asked.push((slot, settles, credentials, sources));
    }
    asked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| order(&a.0).cmp(&order(&b.0))));
    asked
        .into_iter()
        .map(|(slot, settles, credentials, sources)| {
            describe(&slot, catalog, profile, settles, credentials, sources)
        })
        .collect()
}

/// The credentials whose decisions an answer changes, and their routes'
/// sources (the decisions vector's layout, read back).
fn touched(
    has_goal: bool,
    scope: &[&Credential],
    changed: impl Fn(usize) -> bool,
) -> (Vec<CredentialId>, Vec<SourceId>) {
    let mut credentials = Vec::new();
    let mut sources: Vec<SourceId> = Vec::new();
    let mut i = usize::from(has_goal);
    for credential in scope {
        let start = i;
        i += 1;
        let mut any = changed(start);
        for route in &credential.routes {
            if changed(i) {
                any = true;
                for s in &route.provenance.sources {
                    if !sources.contains(s) {
                        sources.push(s.clone());
                    }
                }
            }
            i += 1;
        }
        if any {
            credentials.push(credential.id.clone());
        }
    }
    (credentials, sources)
}

fn order(slot: &Slot<'_>) -> (Section, usize, String) {
    let (section, index) = match slot {
        Slot::WorkState => (Section::AboutYou, 0),
        Slot::Citizenship => (Section::AboutYou, 1),
        Slot::Residence => (Section::AboutYou, 2),
        Slot::ResidenceSince => (Section::AboutYou, 3),
        Slot::Education => (Section::Education, 0),
        Slot::SchoolAccreditation(i) => (Section::Education, 1 + 3 * i),
        Slot::DegreeEvaluation(i) => (Section::Education, 2 + 3 * i),
        Slot::DegreeCredits(i) => (Section::Education, 3 + 3 * i),
        Slot::Coursework => (Section::Coursework, 0),
        Slot::Disciplines(i) => (Section::Experience, 2 * i),
        Slot::LabAccreditation(i) => (Section::Experience, 2 * i + 1),
        Slot::Earned(i) => (Section::Credentials, *i),
        Slot::English => (Section::English, 0),
        Slot::Declared(_) => (Section::Statements, 0),
    };
    (section, index, key(slot))
}

/// The question's stable key.
fn key(slot: &Slot<'_>) -> String {
    match slot {
        Slot::WorkState => "work_state".to_owned(),
        Slot::Citizenship => "citizenship".to_owned(),
        Slot::Residence => "residence".to_owned(),
        Slot::ResidenceSince => "residence.since".to_owned(),
        Slot::Education => "education".to_owned(),
        Slot::SchoolAccreditation(i) => format!("education[{i}].accreditation"),
        Slot::DegreeEvaluation(i) => format!("education[{i}].evaluation"),
        Slot::DegreeCredits(i) => format!("education[{i}].semester_hours"),
        Slot::Coursework => "coursework".to_owned(),
        Slot::Disciplines(i) => format!("experience[{i}].disciplines"),
        Slot::LabAccreditation(i) => format!("experience[{i}].accreditation"),
        Slot::Earned(i) => format!("credential[{i}].earned"),
        Slot::English => "english_test".to_owned(),
        Slot::Declared(d) => format!("declarations.{}", d.key),
    }
}

/// Every fact the profile leaves open that some rule in scope reads.
fn slots<'c>(
    profile: &Profile,
    goal: Option<&'c Requirement>,
    scope: &[&'c Credential],
) -> Vec<Slot<'c>> {
    let mut out = Vec::new();
    let person = &profile.person;
    if person.work_state.is_none() {
        out.push(Slot::WorkState);
    }
    if person.citizenship.is_empty() {
        out.push(Slot::Citizenship);
    }
    match &person.residence {
        None => out.push(Slot::Residence),
        Some(r) if r.since.is_none() => out.push(Slot::ResidenceSince),
        Some(_) => {}
    }
    if profile.education.is_empty() {
        out.push(Slot::Education);
    }
    for (i, e) in profile.education.iter().enumerate() {
        if e.accreditation.is_none() {
            out.push(Slot::SchoolAccreditation(i));
        }
        if e.country != Code::US && e.evaluation.is_none() {
            out.push(Slot::DegreeEvaluation(i));
        }
        if e.semester_hours.is_none() {
            out.push(Slot::DegreeCredits(i));
        }
    }
    if profile.coursework.is_empty() {
        out.push(Slot::Coursework);
    }
    for (i, p) in profile.experience.iter().enumerate() {
        if p.disciplines.is_empty() {
            out.push(Slot::Disciplines(i));
        }
        if p.accreditation.is_empty() {
            out.push(Slot::LabAccreditation(i));
        }
    }
    for (i, c) in profile.credentials.iter().enumerate() {
        if c.earned.is_none() {
            out.push(Slot::Earned(i));
        }
    }
    if profile.english_tests.is_empty() {
        out.push(Slot::English);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut declared = |r: &'c Requirement| {
        r.walk(&mut |node| {
            if let Requirement::Declared(d) = node {
                let open =
                    !profile.declarations.contains(&d.key) && !profile.declined.contains(&d.key);
                if open && !seen.contains(&d.key.as_str()) {
                    seen.push(&d.key);
                    out.push(Slot::Declared(d));
                }
            }
        });
    };
    if let Some(goal) = goal {
        declared(goal);
    }
    for credential in scope {
        for route in &credential.routes {
            declared(&route.requires);
        }
    }
    out
}

/// The profiles that a few representative answers would give.
fn answers(slot: &Slot<'_>, catalog: &Catalog, profile: &Profile, as_of: Date) -> Vec<Profile> {
    let with = |f: &dyn Fn(&mut Profile)| {
        let mut p = profile.clone();
        f(&mut p);
        p
    };
    match slot {
        Slot::WorkState => {
            // Every state that licenses, and one that does not.
            let mut states: Vec<Code> = catalog
                .jurisdictions()
                .iter()
                .filter(|j| j.licenses_personnel)
                .map(|j| j.code)
                .collect();
            states.extend(
                catalog
                    .jurisdictions()
                    .iter()
                    .find(|j| !j.licenses_personnel)
                    .map(|j| j.code),
            );
            states
                .into_iter()
                .map(|s| with(&|p| p.person.work_state = Some(s)))
                .collect()
        }
        Slot::Citizenship => countries_named(catalog, |r| match r {
            Requirement::Citizenship(c) => c.any_of.iter().chain(&c.none_of).copied().collect(),
            _ => Vec::new(),
        })
        .into_iter()
        .map(|c| with(&|p| p.person.citizenship = vec![c]))
        .collect(),
        Slot::Residence => countries_named(catalog, |r| match r {
            Requirement::Residence(c) => vec![c.place],
            _ => Vec::new(),
        })
        .into_iter()
        .map(|c| {
            with(&|p| {
                p.person.residence = Some(Residence {
                    country: if is_us_state(catalog, c) { Code::US } else { c },
                    state: is_us_state(catalog, c).then_some(c),
                    since: Some(as_of.sub_years(30)),
                });
            })
        })
        .collect(),
        Slot::ResidenceSince => [as_of.sub_years(30), as_of]
            .into_iter()
            .map(|d| {
                with(&|p| {
                    if let Some(r) = p.person.residence.as_mut() {
                        r.since = Some(d);
                    }
                })
            })
            .collect(),
        Slot::Education => education_answers(profile, as_of),
        Slot::SchoolAccreditation(i) => SchoolAccreditation::ALL
            .iter()
            .map(|a| with(&|p| p.education[*i].accreditation = Some(*a)))
            .collect(),
        Slot::DegreeEvaluation(i) => [DegreeLevel::Associate, DegreeLevel::Bachelor]
            .into_iter()
            .map(|level| {
                with(&|p| {
                    p.education[*i].evaluation = Some(Evaluation {
                        agency: "an evaluation service".to_owned(),
                        date: Some(as_of),
                        course_by_course: true,
                        us_level: level,
                    });
                })
            })
            .collect(),
        Slot::DegreeCredits(i) => credit_thresholds(catalog)
            .into_iter()
            .map(|h| with(&|p| p.education[*i].semester_hours = Some(h)))
            .collect(),
        Slot::Coursework => coursework_answers()
            .into_iter()
            .map(|courses| with(&|p| p.coursework = courses.clone()))
            .collect(),
        Slot::Disciplines(i) => {
            let mut all = vec![Discipline::ALL.to_vec()];
            all.extend(Discipline::ALL.iter().map(|d| vec![*d]));
            all.into_iter()
                .map(|ds| with(&|p| p.experience[*i].disciplines = ds.clone()))
                .collect()
        }
        Slot::LabAccreditation(i) => LabAccreditation::ALL
            .iter()
            .map(|a| with(&|p| p.experience[*i].accreditation = vec![*a]))
            .collect(),
        Slot::Earned(i) => earned_answers(catalog, profile, *i, as_of)
            .into_iter()
            .map(|d| with(&|p| p.credentials[*i].earned = Some(d)))
            .collect(),
        Slot::English => english_answers(catalog, as_of)
            .into_iter()
            .map(|t| with(&|p| p.english_tests = vec![t.clone()]))
            .collect(),
        Slot::Declared(d) => vec![
            with(&|p| p.declarations.push(d.key.clone())),
            with(&|p| p.declined.push(d.key.clone())),
        ],
    }
}

fn is_us_state(catalog: &Catalog, code: Code) -> bool {
    code != Code::US && catalog.jurisdiction(code).is_some()
}

/// The countries some rule names, plus the US and one country no rule names.
fn countries_named(catalog: &Catalog, named: impl Fn(&Requirement) -> Vec<Code>) -> Vec<Code> {
    let mut codes = vec![Code::US];
    for credential in catalog.credentials() {
        for route in &credential.routes {
            route.requires.walk(&mut |r| {
                for c in named(r) {
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                }
            });
        }
    }
    // Two letters no rule names stand for "anywhere else".
    if let Some(other) = ["ZZ", "XX", "QQ"]
        .iter()
        .filter_map(|c| Code::parse(c).ok())
        .find(|c| !codes.contains(c))
    {
        codes.push(other);
    }
    codes
}

fn education_answers(profile: &Profile, as_of: Date) -> Vec<Profile> {
    use crate::profile::Education;
    use crate::vocab::FieldArea;
    let degree = |level, field, country| Education {
        title: "a degree".to_owned(),
        level,
        field,
        country,
        institution: None,
        completed: Some(as_of.sub_years(1)),
        accreditation: Some(SchoolAccreditation::Regional),
        semester_hours: None,
        evaluation: None,
    };
    let mut out = Vec::new();
    // Schooling short of a degree: rules that need a degree fail on it.
    for level in [DegreeLevel::HighSchool, DegreeLevel::Diploma] {
        let mut p = profile.clone();
        p.education = vec![degree(level, FieldArea::NonScience, Code::US)];
        out.push(p);
    }
    for level in [DegreeLevel::Associate, DegreeLevel::Bachelor] {
        for field in [FieldArea::MedicalLaboratoryScience, FieldArea::NonScience] {
            let mut p = profile.clone();
            p.education = vec![degree(level, field, Code::US)];
            out.push(p);
        }
    }
    // A degree earned abroad, which the international routes ask for.
    let mut abroad = degree(
        DegreeLevel::Bachelor,
        FieldArea::MedicalLaboratoryScience,
        Code::PH,
    );
    abroad.accreditation = Some(SchoolAccreditation::Ministry);
    let mut p = profile.clone();
    p.education = vec![abroad];
    out.push(p);
    out
}

fn credit_thresholds(catalog: &Catalog) -> Vec<Hours> {
    let mut thresholds = vec![Hours::ZERO];
    for credential in catalog.credentials() {
        for route in &credential.routes {
            route.requires.walk(&mut |r| {
                if let Requirement::Credits(c) = r {
                    if !thresholds.contains(&c.min_semester_hours) {
                        thresholds.push(c.min_semester_hours);
                    }
                }
            });
        }
    }
    thresholds
}

/// Two answers that bound every coursework rule: a little general
/// education only, and every subject in depth with every topic.
fn coursework_answers() -> Vec<Vec<Course>> {
    let course = |subject, topics: Vec<Topic>, hours: f64| Course {
        title: None,
        subject,
        topics,
        hours: Hours::semester(hours).unwrap_or(Hours::ZERO),
        unit: HourUnit::Semester,
    };
    let little = vec![course(Subject::General, Vec::new(), 1.0)];
    let everything = Subject::ALL
        .iter()
        .map(|s| course(*s, Topic::ALL.to_vec(), 60.0))
        .collect();
    vec![little, everything]
}

/// The days a held credential may have been earned that some exam rule
/// tells apart: each accepted window's bounds, and long ago.
fn earned_answers(catalog: &Catalog, profile: &Profile, i: usize, as_of: Date) -> Vec<Date> {
    let mut days = vec![as_of.sub_years(40), as_of];
    let exam = catalog
        .credential(profile.credentials[i].id.as_str())
        .and_then(|c| c.exam.clone());
    for credential in catalog.credentials() {
        for route in &credential.routes {
            route.requires.walk(&mut |r| {
                if let Requirement::Exam(e) = r {
                    for a in e.accepted.iter().filter(|a| Some(&a.exam) == exam.as_ref()) {
                        for d in [a.from, a.until.map(Date::pred)].into_iter().flatten() {
                            if d <= as_of && !days.contains(&d) {
                                days.push(d);
                            }
                        }
                    }
                }
            });
        }
    }
    days
}

/// For each accepted English test: a result at the highest minimum any
/// rule sets, and one below every minimum.
fn english_answers(catalog: &Catalog, as_of: Date) -> Vec<crate::profile::EnglishTest> {
    let mut best: Vec<(EnglishTestKind, f64, Option<f64>)> = Vec::new();
    for credential in catalog.credentials() {
        for route in &credential.routes {
            route.requires.walk(&mut |r| {
                if let Requirement::English(e) = r {
                    for m in &e.tests {
                        match best.iter_mut().find(|b| b.0 == m.test) {
                            Some(b) => {
                                b.1 = b.1.max(m.overall);
                                b.2 = match (b.2, m.speaking) {
                                    (Some(a), Some(c)) => Some(a.max(c)),
                                    (a, c) => a.or(c),
                                };
                            }
                            None => best.push((m.test, m.overall, m.speaking)),
                        }
                    }
                }
            });
        }
    }
    let test = |kind, overall, speaking| crate::profile::EnglishTest {
        test: kind,
        date: as_of,
        overall,
        speaking,
    };
    let mut out: Vec<_> = best
        .iter()
        .map(|(kind, overall, speaking)| test(*kind, *overall, *speaking))
        .collect();
    if let Some((kind, _, _)) = best.first() {
        out.push(test(*kind, 0.0, Some(0.0)));
    }
    out
}

/// A vocabulary's values as choices: the word stored, the words shown.
pub fn choices<T: Copy>(
    all: &[T],
    word: fn(T) -> String,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: word(*v),
            label: label(*v).to_owned(),
        })
        .collect()
}

/// The question's words and answer type.
fn describe(
    slot: &Slot<'_>,
    catalog: &Catalog,
    profile: &Profile,
    settles: u32,
    credentials: Vec<CredentialId>,
    sources: Vec<SourceId>,
) -> Question {
    let degree = |i: usize| {
        profile
            .education
            .get(i)
            .map_or_else(String::new, |e| e.title.clone())
    };
    let lab = |i: usize| {
        profile.experience.get(i).map_or_else(String::new, |p| {
            p.employer
                .clone()
                .unwrap_or_else(|| format!("the work that started on {}", p.start))
        })
    };
    let (section, ask, help, answer, assumable) = match slot {
        Slot::WorkState => (
            Section::AboutYou,
            "Which US state do you want to work in?".to_owned(),
            "Some states license laboratory personnel and some do not; the state decides which license you need.".to_owned(),
            Answer::Choice {
                choices: catalog
                    .jurisdictions()
                    .iter()
                    .map(|j| Choice {
                        value: j.code.to_string(),
                        label: j.name.clone(),
                    })
                    .collect(),
            },
            false,
        ),
        Slot::Citizenship => (
            Section::AboutYou,
            "Which countries are you a citizen of?".to_owned(),
            "Some credentials and visa routes depend on citizenship.".to_owned(),
            Answer::Countries,
            false,
        ),
        Slot::Residence => (
            Section::AboutYou,
            "Where do you live now, and since when?".to_owned(),
            "Some rules count how long you have lived in a state.".to_owned(),
            Answer::Form,
            false,
        ),
        Slot::ResidenceSince => (
            Section::AboutYou,
            "Since when have you lived where you live now?".to_owned(),
            "Some rules count how long you have lived in a state.".to_owned(),
            Answer::Date,
            false,
        ),
        Slot::Education => (
            Section::Education,
            "What is your highest degree or diploma?".to_owned(),
            "Almost every route starts from a degree: its level, field and country.".to_owned(),
            Answer::Form,
            false,
        ),
        Slot::SchoolAccreditation(i) => (
            Section::Education,
            format!("How is the school of your {} accredited or recognized?", degree(*i)),
            "Routes that need a degree ask that the school be accredited (in the US) or recognized by the country's ministry or regulator (abroad).".to_owned(),
            Answer::Choice {
                choices: choices(SchoolAccreditation::ALL, SchoolAccreditation::word, SchoolAccreditation::label),
            },
            false,
        ),
        Slot::DegreeEvaluation(i) => (
            Section::Education,
            format!("Has a US credential evaluation service evaluated your {}? To what US level?", degree(*i)),
            "Rules that need a US-equivalent degree read the level from an evaluation report. Leave it empty if you have none yet: the plan shows how to get one.".to_owned(),
            Answer::Form,
            false,
        ),
        Slot::DegreeCredits(i) => (
            Section::Education,
            format!("How many semester hours (units) did your {} take in all?", degree(*i)),
            "Some routes need a number of semester hours of college credit; your transcript gives the total.".to_owned(),
            Answer::Number { unit: "semester hours" },
            false,
        ),
        Slot::Coursework => (
            Section::Coursework,
            "Which science courses did you take, and for how many semester hours?".to_owned(),
            "Routes count semester hours of biology, chemistry and other subjects, and some name courses that must be among them (hematology, organic chemistry). Your transcript lists them.".to_owned(),
            Answer::Form,
            false,
        ),
        Slot::Disciplines(i) => (
            Section::Experience,
            format!("In which areas of the laboratory did you work at {}?", lab(*i)),
            "Some routes count only experience in named areas, or need months in each of several.".to_owned(),
            Answer::Choices {
                choices: choices(Discipline::ALL, Discipline::word, Discipline::label),
            },
            false,
        ),
        Slot::LabAccreditation(i) => (
            Section::Experience,
            format!("How is the laboratory at {} accredited or licensed?", lab(*i)),
            "Experience outside the US counts for some routes only in an accredited or licensed laboratory.".to_owned(),
            Answer::Choices {
                choices: choices(LabAccreditation::ALL, LabAccreditation::word, LabAccreditation::label),
            },
            false,
        ),
        Slot::Earned(i) => {
            let id = profile.credentials.get(*i).map(|c| c.id.as_str()).unwrap_or("");
            let name = catalog.credential(id).map_or(id, |c| c.abbreviation.as_str());
            (
                Section::Credentials,
                format!("On what day did you earn {name}?"),
                "Some rules accept an exam only if it was passed within certain dates.".to_owned(),
                Answer::Date,
                false,
            )
        }
        Slot::English => (
            Section::English,
            "Have you taken an English test (TOEFL, IELTS)? Which, when, and with what scores?".to_owned(),
            "Some routes ask for an English test unless you studied in an English-speaking country. Leave it empty if you have not taken one.".to_owned(),
            Answer::Form,
            false,
        ),
        Slot::Declared(d) => (
            Section::Statements,
            d.ask.clone(),
            if d.assumable {
                "A statement only you can make; most applicants can. A plan assumes it and lists it for you to confirm.".to_owned()
            } else {
                "A statement only you can make; the rules that ask for it cannot be met without it.".to_owned()
            },
            Answer::YesNo,
            d.assumable,
        ),
    };
    Question {
        key: key(slot),
        section,
        ask,
        help,
        answer,
        settles,
        credentials,
        sources,
        assumable,
    }
}
