//! A person's record as the engine reads it: citizenship, education,
//! coursework, programs, experience, credentials, exams and English tests.
//!
//! The same types are the documented file format (TOML or JSON; see
//! `docs/profile.md`). Each part checks itself while it is read: hours are
//! never negative, a period never ends before it starts, a full-time fraction
//! lies in (0, 1], so a `Profile` in hand is always consistent.

use serde::{Deserialize, Serialize};

use crate::ids::{CredentialId, ExamId};
use crate::units::{Code, Date, Hours};
use crate::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, FieldArea, LabAccreditation, ProgramKind,
    SchoolAccreditation, Setting, Subject, Topic,
};

/// One person's record.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Who the person is and where they live.
    pub person: Person,
    /// Degrees and diplomas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub education: Vec<Education>,
    /// Courses by subject. Empty means "not told", which makes coursework
    /// rules unknown rather than failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coursework: Vec<Course>,
    /// Completed training programs.
    #[serde(default, rename = "program", skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<Program>,
    /// Work periods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experience: Vec<ExperiencePeriod>,
    /// Credentials held.
    #[serde(default, rename = "credential", skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<HeldCredential>,
    /// Exams taken.
    #[serde(default, rename = "exam", skip_serializing_if = "Vec::is_empty")]
    pub exams: Vec<ExamResult>,
    /// English tests taken.
    #[serde(
        default,
        rename = "english_test",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub english_tests: Vec<EnglishTest>,
    /// Facts the person states, by key (see `labpath explain` for the keys a
    /// rule asks for), e.g. `us_employer_offer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declarations: Vec<String>,
    /// Facts the person says are not true, by the same keys: a rule that
    /// asks for one of them fails instead of staying a question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declined: Vec<String>,
}

impl Profile {
    /// Whether the person holds credential `id`, current on `day`.
    pub fn holds(&self, id: &str, day: Date) -> bool {
        self.credentials
            .iter()
            .any(|h| h.id.as_str() == id && h.current_on(day))
    }
}

/// Identity and place.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ProfilePerson))]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Name or label.
    pub name: String,
    /// Countries of citizenship.
    #[serde(default)]
    pub citizenship: Vec<Code>,
    /// Where the person lives now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<Residence>,
    /// The US state where the person means to work, if chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_state: Option<Code>,
    /// The DOL wage level (1 to 4) of a US job offer, when known: it weighs
    /// an H-1B cap registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wage_level: Option<crate::calendar::WageLevel>,
    /// An email address to reach the person at (an agency's contact
    /// detail; not a login, which accounts keep apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Current residence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Residence {
    /// Country.
    pub country: Code,
    /// US state or territory, where in the US.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Code>,
    /// Living there since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
}

/// A degree or diploma.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Education {
    /// As written on the diploma, e.g. "BS Medical Technology".
    pub title: String,
    /// Level of the award in its own country.
    pub level: DegreeLevel,
    /// Field.
    pub field: FieldArea,
    /// Country of the school.
    pub country: Code,
    /// The school.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Completion date; absent while in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Date>,
    /// How the school is accredited; absent when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accreditation: Option<SchoolAccreditation>,
    /// Total academic credit earned, in semester hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semester_hours: Option<Hours>,
    /// Evaluation of a foreign degree by a US credential evaluation service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
}

/// A credential evaluation of a foreign degree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DegreeEvaluation))]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The evaluation service (WES, ECE, IERF, ...).
    pub agency: String,
    /// Date of the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Whether it is course by course (with subjects and hours).
    #[serde(default)]
    pub course_by_course: bool,
    /// The US level it is equivalent to.
    pub us_level: DegreeLevel,
}

/// The unit a course's credit is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HourUnit {
    /// US semester hours (or semester units).
    #[default]
    Semester,
    /// Quarter hours (2/3 of a semester hour each).
    Quarter,
}

/// A course (or group of courses) in one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "CourseDoc")]
pub struct Course {
    /// Title, for the person's own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subject it counts in.
    pub subject: Subject,
    /// Named contents it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// Credit, converted to semester hours.
    pub hours: Hours,
    /// The unit the credit was entered in (kept so nothing entered is lost).
    pub unit: HourUnit,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseDoc {
    #[serde(default)]
    title: Option<String>,
    subject: Subject,
    #[serde(default)]
    topics: Vec<Topic>,
    hours: f64,
    #[serde(default)]
    unit: HourUnit,
}

impl TryFrom<CourseDoc> for Course {
    type Error = String;
    fn try_from(doc: CourseDoc) -> Result<Self, String> {
        let hours = match doc.unit {
            HourUnit::Semester => Hours::semester(doc.hours),
            HourUnit::Quarter => Hours::quarter(doc.hours),
        }
        .map_err(|e| format!("field `hours`: {e}"))?;
        Ok(Course {
            title: doc.title,
            subject: doc.subject,
            topics: doc.topics,
            hours,
            unit: doc.unit,
        })
    }
}

/// A completed (or expected) training program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Kind.
    pub kind: ProgramKind,
    /// Name of the program or school.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Completion date (a future date means "expected").
    pub completed: Date,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Code>,
}

/// A period of work in a laboratory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "ExperienceDoc")]
pub struct ExperiencePeriod {
    /// Employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    /// First day.
    pub start: Date,
    /// Last day; absent while ongoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// Full-time fraction in (0, 1]; 1 when not given.
    pub fte: f64,
    /// Disciplines worked in; empty means "not told".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disciplines: Vec<Discipline>,
    /// Kind of laboratory.
    pub setting: Setting,
    /// The laboratory's accreditations; empty means "not told".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accreditation: Vec<LabAccreditation>,
    /// Country of the laboratory.
    pub country: Code,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperienceDoc {
    #[serde(default)]
    employer: Option<String>,
    start: Date,
    #[serde(default)]
    end: Option<Date>,
    #[serde(default)]
    fte: Option<f64>,
    #[serde(default)]
    disciplines: Vec<Discipline>,
    setting: Setting,
    #[serde(default)]
    accreditation: Vec<LabAccreditation>,
    country: Code,
}

impl TryFrom<ExperienceDoc> for ExperiencePeriod {
    type Error = String;
    fn try_from(doc: ExperienceDoc) -> Result<Self, String> {
        if let Some(end) = doc.end {
            if end < doc.start {
                return Err(format!(
                    "field `end`: the period ends on {end}, before it starts on {}",
                    doc.start
                ));
            }
        }
        let fte = doc.fte.unwrap_or(1.0);
        if !(fte > 0.0 && fte <= 1.0) {
            return Err(format!(
                "field `fte`: a full-time fraction lies between 0 and 1 (0.5 = half time), got `{fte}`"
            ));
        }
        Ok(ExperiencePeriod {
            employer: doc.employer,
            start: doc.start,
            end: doc.end,
            fte,
            disciplines: doc.disciplines,
            setting: doc.setting,
            accreditation: doc.accreditation,
            country: doc.country,
        })
    }
}

/// A credential the person holds (or held).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "HeldCredentialDoc")]
pub struct HeldCredential {
    /// Catalog id.
    pub id: CredentialId,
    /// Date earned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earned: Option<Date>,
    /// Expiry date, if it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeldCredentialDoc {
    id: CredentialId,
    #[serde(default)]
    earned: Option<Date>,
    #[serde(default)]
    expires: Option<Date>,
}

impl TryFrom<HeldCredentialDoc> for HeldCredential {
    type Error = String;
    fn try_from(doc: HeldCredentialDoc) -> Result<Self, String> {
        if let (Some(earned), Some(expires)) = (doc.earned, doc.expires) {
            if expires < earned {
                return Err(format!(
                    "field `expires`: `{}` expires on {expires}, before it was earned on {earned}",
                    doc.id
                ));
            }
        }
        Ok(HeldCredential {
            id: doc.id,
            earned: doc.earned,
            expires: doc.expires,
        })
    }
}

impl HeldCredential {
    /// Whether it is valid on `day`.
    pub fn current_on(&self, day: Date) -> bool {
        self.earned.is_none_or(|e| e <= day) && self.expires.is_none_or(|x| day < x)
    }
}

/// An exam attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExamResult {
    /// Catalog exam id.
    pub exam: ExamId,
    /// Date taken.
    pub date: Date,
    /// Whether it was passed.
    pub passed: bool,
    /// Scaled score, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
}

/// An English test result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnglishTest {
    /// Which test.
    pub test: EnglishTestKind,
    /// Date taken.
    pub date: Date,
    /// Overall score.
    pub overall: f64,
    /// Speaking score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking: Option<f64>,
}
