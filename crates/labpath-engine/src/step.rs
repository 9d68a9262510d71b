//! Steps and goals: the actions that produce credentials or facts (apply,
//! sit an exam, get an evaluation, take a course, gain experience, wait for
//! a decision), and the outcomes a person plans towards.
//!
//! A step has preconditions (a requirement tree, and/or eligibility for a
//! credential by any of its routes), what it grants, its fees, a duration
//! distribution labelled with where it comes from, the documents it needs
//! and who sends each, and retake rules. The planner chains steps; the
//! tracker turns a step into an application with a document checklist.

use serde::{Deserialize, Serialize};

use crate::catalog::Fee;
use crate::ids::{BodyId, CredentialId, ExamId};
use crate::provenance::Provenance;
use crate::requirement::Requirement;
use crate::units::Code;
use crate::vocab::{EnglishTestKind, ProgramKind};

crate::ids::id_type!(
    /// A step in the catalog, e.g. `ny-clt-apply`.
    StepId, "step", false
);
crate::ids::id_type!(
    /// A named goal, e.g. `work-mls-ny`.
    GoalId, "goal", false
);

/// What sort of action a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Apply to a body for a credential (and wait for its decision).
    Apply,
    /// Sit an examination.
    Exam,
    /// Obtain a credential evaluation of foreign education.
    Evaluation,
    /// Take college coursework.
    Course,
    /// Complete a training program.
    Program,
    /// Gain laboratory experience.
    Experience,
    /// Take an English test.
    EnglishTest,
    /// An immigration filing or certificate.
    Immigration,
    /// Find an employer, obtain an offer.
    Employment,
    /// Anything else the person must do.
    Other,
}

/// What completing a step gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Grant {
    /// A credential (license, certificate, permit).
    Credential(CredentialId),
    /// An exam passed (and the credential it confers, if any).
    Exam(ExamId),
    /// The coursework a failing coursework rule lacks (hours and topics).
    CourseworkGap,
    /// A completed training program of this kind.
    Program(ProgramKind),
    /// A US-equivalence evaluation of every foreign degree (same level).
    Evaluation,
    /// The months of experience a failing experience rule lacks.
    ExperienceGap,
    /// A fact the person can then state (`us_employer_offer`).
    Declaration(String),
    /// An English test result at the given scores.
    EnglishTest(EnglishGrant),
}

/// The English result a test step aims at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnglishGrant {
    /// The test.
    pub test: EnglishTestKind,
    /// The overall score aimed at.
    pub overall: f64,
    /// The speaking score aimed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking: Option<f64>,
}

/// Where a duration comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DurationBasis {
    /// Published by the agency or body.
    Agency,
    /// Reported by applicants (with their count in `reports`).
    ApplicantReports,
    /// An estimate: the note says how it was reached.
    Estimate,
    /// Computed from the person's own gap (months of experience missing).
    Computed,
    /// Measured on the decided applications recorded where the plan is
    /// made (never written in the catalog: the planner sets it).
    Recorded,
}

impl DurationBasis {
    /// The label shown next to a duration.
    pub fn label(self) -> &'static str {
        match self {
            DurationBasis::Agency => "agency-published",
            DurationBasis::ApplicantReports => "applicant reports",
            DurationBasis::Estimate => "estimate",
            DurationBasis::Computed => "computed from your gap",
            DurationBasis::Recorded => "recorded here",
        }
    }
}

/// How long a step takes, in days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Duration {
    /// Shortest, in days.
    pub min_days: f64,
    /// Most likely, in days.
    pub likely_days: f64,
    /// Longest, in days.
    pub max_days: f64,
    /// Where the figures come from.
    pub basis: DurationBasis,
    /// For applicant reports: how many reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<u32>,
    /// Sources.
    pub provenance: Provenance,
}

impl Duration {
    /// Where the figure comes from, in plain words: the basis, with the
    /// count of reports for applicant reports ("3 applicant reports").
    pub fn source_label(&self) -> String {
        match (self.basis, self.reports) {
            (DurationBasis::ApplicantReports, Some(n)) => format!("{n} applicant reports"),
            (basis, _) => basis.label().to_owned(),
        }
    }

    /// The median of the triangular distribution over (min, likely, max).
    pub fn median_days(&self) -> f64 {
        triangular_quantile(self.min_days, self.likely_days, self.max_days, 0.5)
    }
}

/// The quantile `p` of a triangular distribution (min, mode, max).
pub fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    if max <= min {
        return min;
    }
    let split = (mode - min) / (max - min);
    if p < split {
        min + ((max - min) * (mode - min) * p).sqrt()
    } else {
        max - ((max - min) * (max - mode) * (1.0 - p)).sqrt()
    }
}

/// Who sends a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    /// The applicant.
    Applicant,
    /// The school or university (registrar).
    School,
    /// The training program's director.
    Program,
    /// The employer.
    Employer,
    /// The exam or certification body.
    ExamBody,
    /// A credential evaluation service.
    Evaluator,
    /// Another state's licensing agency.
    OtherState,
    /// A notary or translator.
    Notary,
}

impl Sender {
    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            Sender::Applicant => "you",
            Sender::School => "your school",
            Sender::Program => "your program director",
            Sender::Employer => "your employer",
            Sender::ExamBody => "the exam body",
            Sender::Evaluator => "the evaluation service",
            Sender::OtherState => "the other state's board",
            Sender::Notary => "a notary or translator",
        }
    }
}

/// A document a step needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Stable key within the step, e.g. `transcript`.
    pub key: String,
    /// What it is.
    pub name: String,
    /// Who must send it.
    pub sender: Sender,
    /// Details (sealed envelope, sent directly, notarized).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who needs it, when not everyone does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<DocumentWhen>,
}

/// Whom a document concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentWhen {
    /// Someone with education outside the US (evaluations, translations).
    ForeignEducation,
    /// Someone with education outside both the US and Canada.
    EducationOutsideUsCanada,
    /// Someone who holds a state license (verification from that state).
    LicensedElsewhere,
}

impl Document {
    /// Whether the person needs this document: always unless `when` says
    /// whom it concerns and the profile is not that person.
    pub fn applies(
        &self,
        profile: &crate::profile::Profile,
        catalog: &crate::catalog::Catalog,
    ) -> bool {
        let abroad = |except: &[Code]| {
            profile
                .education
                .iter()
                .any(|e| e.country != Code::US && !except.contains(&e.country))
        };
        match self.when {
            None => true,
            Some(DocumentWhen::ForeignEducation) => abroad(&[]),
            Some(DocumentWhen::EducationOutsideUsCanada) => abroad(&[Code::CA]),
            Some(DocumentWhen::LicensedElsewhere) => profile.credentials.iter().any(|h| {
                catalog
                    .credential(h.id.as_str())
                    .is_some_and(|c| c.kind == crate::vocab::CredentialKind::StateLicense)
            }),
        }
    }
}

/// Retake rules of an exam step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Retake {
    /// Most attempts allowed (per route, for ASCP).
    pub max_attempts: u32,
    /// Whether each attempt needs a new application and the full fee.
    pub full_fee_each: bool,
    /// Plain words.
    pub summary: String,
    /// Sources.
    pub provenance: Provenance,
}

/// The event a step deadline counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineAnchor {
    /// The day the application was submitted. Such a deadline concerns a
    /// pending application and lapses once it is decided.
    #[default]
    Submitted,
    /// The day the application was approved (for an exam: the day the
    /// admission notice came). It holds after the decision.
    Approved,
}

impl DeadlineAnchor {
    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineAnchor::Submitted => "submission",
            DeadlineAnchor::Approved => "approval",
        }
    }
}

/// A deadline a body sets, counted from a day in the application's life:
/// California abandons an incomplete application 150 days after it was
/// filed; ASCP's exam must be sat within 3 months of the admission notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepDeadline {
    /// Days after the anchor day.
    pub after_days: u32,
    /// The day it counts from (default: submission).
    #[serde(default)]
    pub from: DeadlineAnchor,
    /// What must be done by then, and what happens otherwise.
    pub what: String,
    /// Where the rule comes from.
    pub provenance: Provenance,
}

/// One action in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable id.
    pub id: StepId,
    /// Name, as an instruction ("Apply to NYSED for ...").
    pub name: String,
    /// Kind.
    pub kind: StepKind,
    /// The body acted with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyId>,
    /// Plain words.
    pub summary: String,
    /// The credential whose routes must pass when the step starts (an
    /// application or an exam needs eligibility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility_for: Option<CredentialId>,
    /// Further preconditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Requirement>,
    /// What it gives.
    pub grants: Vec<Grant>,
    /// Its own fees.
    #[serde(default, rename = "fee", skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// A credential whose catalog fees this step pays (its application fee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_of: Option<CredentialId>,
    /// How long it takes.
    pub duration: Duration,
    /// Documents needed.
    #[serde(default, rename = "document", skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// Retake rules, for exams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retake: Option<Retake>,
    /// Deadlines the body sets once the step is under way (`[[step.deadline]]`).
    #[serde(default, rename = "deadline", skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<StepDeadline>,
    /// The yearly window the step can start in (`[step.window]`): it waits
    /// for the window when it is ready outside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<crate::calendar::Window>,
    /// The way a plan goes when it takes this step, named among its route
    /// choices ("H-1B through the cap registration"): for a step that is a
    /// choice of its own rather than a credential's route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The visa the step needs from a US consulate when done from abroad
    /// (a restriction on it by citizenship is a warning of the plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visa: Option<crate::catalog::VisaClass>,
    /// A yearly selection the step depends on (`[step.lottery]`): not
    /// selected, it tries again in next year's window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lottery: Option<crate::calendar::Lottery>,
    /// Sources of the step's own facts.
    pub provenance: Provenance,
}

/// A named goal: a requirement the person wants to meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Stable id.
    pub id: GoalId,
    /// Plain words ("work as MLS in New York").
    pub name: String,
    /// Other ways people say it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What must hold at the end (usually credentials held).
    pub requires: Requirement,
    /// The work state this goal implies, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_state: Option<crate::units::Code>,
    /// Why these credentials.
    pub provenance: Provenance,
}

#[cfg(test)]
mod tests {
    use super::triangular_quantile;

    #[test]
    fn triangular_median_of_a_symmetric_triangle_is_the_mode() {
        assert!((triangular_quantile(0.0, 50.0, 100.0, 0.5) - 50.0).abs() < 1e-9);
        assert_eq!(triangular_quantile(10.0, 10.0, 10.0, 0.9), 10.0);
        assert!(triangular_quantile(30.0, 90.0, 150.0, 0.9) > 120.0);
    }
}
