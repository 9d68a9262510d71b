//! The typed requirement vocabulary. A route is a tree of these: `all`,
//! `any` and `at_least` combine leaves, and every leaf can say how far a
//! person is from meeting it (hours, months, dates), which a general
//! expression language could not.
//!
//! The same types are the on-disk form in the catalog's TOML (each leaf is a
//! one-key table such as `{ degree = { min_level = "bachelor" } }`), so the
//! catalog reads exactly like the rules it encodes.

use serde::{Deserialize, Serialize};

use crate::ids::{CredentialId, ExamId};
use crate::units::{Code, Date, Hours};
use crate::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, FieldArea, LabAccreditation, Level, ProgramKind,
    Subject, Topic,
};

/// One node of a route's requirement tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// Every child must hold.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    All(Vec<Requirement>),
    /// At least one child must hold.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Any(Vec<Requirement>),
    /// At least `n` children must hold.
    AtLeast(AtLeast),
    /// An academic degree.
    Degree(DegreeReq),
    /// Semester hours in one or more subjects, with named inclusions.
    Coursework(CourseworkReq),
    /// Total academic credit, in semester hours.
    Credits(CreditsReq),
    /// A completed training program, possibly within N years.
    Program(ProgramReq),
    /// Months of clinical laboratory experience.
    Experience(ExperienceReq),
    /// Holding another credential.
    Credential(CredentialReq),
    /// Having passed an accepted examination.
    Exam(ExamReq),
    /// Citizenship of one of the listed countries, or of none of them.
    Citizenship(CitizenshipReq),
    /// Residence in a jurisdiction for some months.
    Residence(ResidenceReq),
    /// English proficiency by test or by education in an exempt country.
    English(EnglishReq),
    /// A fact only the person can state (an employer offer, good moral
    /// character); unknown until they declare it.
    Declared(DeclaredReq),
    /// The license of the state where the person will work, where that state
    /// licenses laboratory personnel.
    WorkStateLicense(WorkStateLicenseReq),
    /// A rule whose text the sources do not let the catalog encode; always
    /// "unknown", with the reason.
    Unconfirmed(UnconfirmedReq),
    /// Meeting another credential's routes (or holding it): for statuses
    /// that are not issued as certificates, such as H-1B prerequisites or a
    /// CLIA role qualification.
    Eligible(EligibleReq),
}

/// Eligibility for another credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EligibleReq {
    /// The credential.
    pub credential: CredentialId,
}

/// `n` of the listed requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AtLeast {
    /// How many must hold.
    pub n: u32,
    /// The candidates.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub of: Vec<Requirement>,
}

/// An academic degree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DegreeReq {
    /// The lowest level that counts.
    pub min_level: DegreeLevel,
    /// Fields that count; empty means any field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldArea>,
    /// Whether the school must be accredited (regional or national in the
    /// US; ministry-approved abroad).
    #[serde(default)]
    pub accredited: bool,
    /// Whether a degree from outside the US needs an evaluation showing the
    /// US equivalent level.
    #[serde(default)]
    pub us_equivalent: bool,
    /// Countries the degree must NOT come from (ASCPi: outside US and Canada).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earned_outside: Vec<Code>,
}

/// Semester hours in a group of subjects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CourseworkReq {
    /// Subjects whose hours add up.
    pub subjects: Vec<Subject>,
    /// The least total, in semester hours.
    pub min_semester_hours: Hours,
    /// Named contents that must be among the courses; each inner list is a
    /// set of alternatives (`[["organic_chemistry", "biochemistry"]]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<Vec<Topic>>,
}

/// Total academic credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditsReq {
    /// The least total, in semester hours.
    pub min_semester_hours: Hours,
}

/// A completed training program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgramReq {
    /// Kinds of program that count.
    pub kinds: Vec<ProgramKind>,
    /// Completed within this many years before the as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_years: Option<u32>,
}

/// Months of clinical laboratory experience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExperienceReq {
    /// Full-time-equivalent months needed.
    pub months: u32,
    /// Only periods in at least one of these disciplines count; empty means
    /// any clinical discipline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disciplines: Vec<Discipline>,
    /// Each of these disciplines needs at least `min_months_each` months.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub each_of: Vec<Discipline>,
    /// Months needed in each discipline of `each_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_months_each: Option<u32>,
    /// Only experience within this many years before the as-of date counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_years: Option<u32>,
    /// Experience counts where the lab is in one of these countries ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Code>,
    /// ... or (when both are given) holds one of these accreditations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accreditations: Vec<LabAccreditation>,
}

/// Holding another credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CredentialReq {
    /// Any one of these.
    pub any_of: Vec<CredentialId>,
    /// Whether it must be current (not expired) on the as-of date.
    #[serde(default)]
    pub current: bool,
}

/// Having passed an accepted examination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExamReq {
    /// The accepted exams, each with the dates it is accepted for.
    pub accepted: Vec<AcceptedExam>,
}

/// One exam accepted by a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptedExam {
    /// The exam.
    pub exam: ExamId,
    /// Passed on or after this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// Passed before this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// Citizenship: of one of `any_of` (when given) and of none of `none_of`.
/// `none_of` says "the rest of the world", as the visa bulletin's
/// chargeability column "all areas except those listed" does. At least one
/// list names a country, and no country is in both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "CitizenshipFields")]
pub struct CitizenshipReq {
    /// Any of these countries; empty, any country not in `none_of`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<Code>,
    /// None of these countries: a citizen of one of them fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub none_of: Vec<Code>,
}

/// The on-disk fields of a citizenship requirement, before the check that
/// they say something.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CitizenshipFields {
    #[serde(default)]
    any_of: Vec<Code>,
    #[serde(default)]
    none_of: Vec<Code>,
}

impl TryFrom<CitizenshipFields> for CitizenshipReq {
    type Error = String;

    fn try_from(f: CitizenshipFields) -> Result<Self, String> {
        if f.any_of.is_empty() && f.none_of.is_empty() {
            return Err(
                "a citizenship requirement needs at least one country in `any_of` or `none_of`"
                    .to_owned(),
            );
        }
        if let Some(both) = f.any_of.iter().find(|c| f.none_of.contains(c)) {
            return Err(format!(
                "`{both}` is in both `any_of` and `none_of`: a country can be required or excluded, not both"
            ));
        }
        Ok(CitizenshipReq {
            any_of: f.any_of,
            none_of: f.none_of,
        })
    }
}

/// Residence in a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResidenceReq {
    /// The state or country code.
    pub place: Code,
    /// Uninterrupted months up to the as-of date.
    pub months: u32,
}

/// English proficiency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnglishReq {
    /// Education in one of these countries exempts the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt_if_educated_in: Vec<Code>,
    /// Accepted tests and their minimum scores.
    pub tests: Vec<EnglishMinimum>,
}

/// The minimum scores on one English test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnglishMinimum {
    /// The test.
    pub test: EnglishTestKind,
    /// Minimum overall (total) score.
    pub overall: f64,
    /// Minimum speaking score, where the rule sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking: Option<f64>,
}

/// A fact the person must state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclaredReq {
    /// The key a profile lists under `declarations`.
    pub key: String,
    /// The question to ask, in plain words.
    pub ask: String,
    /// Whether a plan may assume it (a personal attestation most applicants
    /// can make, such as good moral character); the plan then lists it as
    /// an assumption to confirm. Substantive facts (work authorization, an
    /// employer's offer) are never assumable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assumable: bool,
}

/// The work state's license at a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkStateLicenseReq {
    /// Technologist or technician.
    pub level: Level,
}

/// A requirement the catalog cannot encode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnconfirmedReq {
    /// What the sources say, and what is missing.
    pub text: String,
}

impl Requirement {
    /// Calls `f` on this node and every node below it.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Requirement)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }

    /// The direct children of a combinator; empty for a leaf.
    pub fn children(&self) -> &[Requirement] {
        match self {
            Requirement::All(of) | Requirement::Any(of) => of,
            Requirement::AtLeast(a) => &a.of,
            _ => &[],
        }
    }

    /// How many clauses the tree has, itself included.
    pub fn clause_count(&self) -> usize {
        let mut count = 0;
        self.walk(&mut |_| count += 1);
        count
    }

    /// Whether nothing in the tree can be checked: every leaf is `unconfirmed`.
    pub fn is_wholly_unconfirmed(&self) -> bool {
        match self {
            Requirement::Unconfirmed(_) => true,
            Requirement::All(of) | Requirement::Any(of) => {
                of.iter().all(Requirement::is_wholly_unconfirmed)
            }
            Requirement::AtLeast(a) => a.of.iter().all(Requirement::is_wholly_unconfirmed),
            _ => false,
        }
    }

    /// The node's kind as the catalog spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Requirement::All(_) => "all",
            Requirement::Any(_) => "any",
            Requirement::AtLeast(_) => "at_least",
            Requirement::Degree(_) => "degree",
            Requirement::Coursework(_) => "coursework",
            Requirement::Credits(_) => "credits",
            Requirement::Program(_) => "program",
            Requirement::Experience(_) => "experience",
            Requirement::Credential(_) => "credential",
            Requirement::Exam(_) => "exam",
            Requirement::Citizenship(_) => "citizenship",
            Requirement::Residence(_) => "residence",
            Requirement::English(_) => "english",
            Requirement::Declared(_) => "declared",
            Requirement::WorkStateLicense(_) => "work_state_license",
            Requirement::Unconfirmed(_) => "unconfirmed",
            Requirement::Eligible(_) => "eligible",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Requirement;

    fn parse(text: &str) -> Result<Requirement, String> {
        #[derive(serde::Deserialize)]
        struct Doc {
            r: Requirement,
        }
        toml::from_str::<Doc>(text)
            .map(|d| d.r)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn citizenship_reads_any_of_none_of_or_both() {
        let Ok(Requirement::Citizenship(c)) =
            parse(r#"r = { citizenship = { none_of = ["IN", "CN"] } }"#)
        else {
            panic!("none_of alone is a citizenship requirement");
        };
        assert!(c.any_of.is_empty());
        assert_eq!(c.none_of.len(), 2);
        assert!(parse(r#"r = { citizenship = { any_of = ["CA", "MX"] } }"#).is_ok());
        assert!(parse(r#"r = { citizenship = { any_of = ["CA"], none_of = ["US"] } }"#).is_ok());
    }

    #[test]
    fn an_empty_or_contradictory_citizenship_requirement_is_refused() {
        let empty = parse("r = { citizenship = {} }").unwrap_err();
        assert!(empty.contains("needs at least one country"), "{empty}");
        let both =
            parse(r#"r = { citizenship = { any_of = ["IN"], none_of = ["IN"] } }"#).unwrap_err();
        assert!(both.contains("`IN` is in both"), "{both}");
        let unknown = parse(r#"r = { citizenship = { all_of = ["IN"] } }"#).unwrap_err();
        assert!(unknown.contains("all_of"), "{unknown}");
    }
}
