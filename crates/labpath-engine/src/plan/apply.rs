//! What a profile looks like after some steps have finished: each grant is
//! added with the day it finished, so every later rule is evaluated against
//! the facts as they will be on that day.

use crate::catalog::Catalog;
use crate::ids::{CredentialId, ExamId};
use crate::profile::{
    Course, Evaluation, ExamResult, ExperiencePeriod, HeldCredential, HourUnit, Profile, Program,
};
use crate::step::{Grant, Step};
use crate::units::{Code, Date, Hours};
use crate::vocab::{Discipline, LabAccreditation, Setting, Subject, Topic};

/// What a gap-filling step must supply, fixed when the plan is built.
#[derive(Debug, Clone, PartialEq)]
pub enum Gap {
    /// Coursework: hours in the subjects, and the topics missing.
    Coursework {
        /// Subjects the hours count in: any of them serves (the course the
        /// step adds is recorded in the first).
        subjects: Vec<Subject>,
        /// Hours missing.
        hours: Hours,
        /// Topics missing (one of each alternative set).
        topics: Vec<Topic>,
    },
    /// Experience: full-time months missing, and where it must be gained.
    Experience {
        /// Months missing.
        months: f64,
        /// Disciplines it must cover.
        disciplines: Vec<Discipline>,
        /// Accreditations the laboratory needs.
        accreditations: Vec<LabAccreditation>,
        /// Countries where it counts.
        countries: Vec<Code>,
    },
}

impl Gap {
    /// Plain words for the gap.
    pub fn describe(&self) -> String {
        match self {
            Gap::Coursework {
                subjects,
                hours,
                topics,
            } => {
                // Name every subject that counts ("physics, mathematics or
                // statistics"), so a plan does not send someone to physics
                // when statistics would do.
                let subject = if subjects.is_empty() {
                    "science".to_owned()
                } else {
                    crate::explain::list(subjects, "or").to_string()
                };
                let t: Vec<&str> = topics.iter().map(|t| t.label()).collect();
                match (hours.value() > 0.0, t.is_empty()) {
                    (true, true) => format!("{hours} semester hours of {subject}"),
                    (true, false) => format!(
                        "{hours} semester hours of {subject}, including {}",
                        t.join(", ")
                    ),
                    (false, _) => format!("a {subject} course covering {}", t.join(", ")),
                }
            }
            Gap::Experience {
                months,
                disciplines,
                ..
            } => {
                if disciplines.is_empty() {
                    format!("{} months of full-time clinical experience", months.ceil())
                } else {
                    let d: Vec<&str> = disciplines.iter().map(|d| d.label()).collect();
                    format!(
                        "{} months of full-time clinical experience in {}",
                        months.ceil(),
                        d.join(", ")
                    )
                }
            }
        }
    }
}

/// Adds the grants of `step` (finished on `finished`, started on `started`)
/// to `profile`.
pub fn apply_grants(
    profile: &mut Profile,
    catalog: &Catalog,
    step: &Step,
    gap: Option<&Gap>,
    started: Date,
    finished: Date,
) {
    for grant in &step.grants {
        match grant {
            Grant::Credential(id) => add_credential(profile, id, finished),
            Grant::Exam(id) => {
                add_exam(profile, id, finished);
                if let Some(c) = catalog.exam(id.as_str()).and_then(|e| e.confers.clone()) {
                    add_credential(profile, &c, finished);
                }
            }
            Grant::CourseworkGap => {
                if let Some(Gap::Coursework {
                    subjects,
                    hours,
                    topics,
                }) = gap
                {
                    profile.coursework.push(Course {
                        title: Some(step.name.clone()),
                        subject: subjects.first().copied().unwrap_or(Subject::OtherScience),
                        topics: topics.clone(),
                        hours: *hours,
                        unit: HourUnit::Semester,
                    });
                }
            }
            Grant::Program(kind) => profile.programs.push(Program {
                kind: *kind,
                name: Some(step.name.clone()),
                completed: finished,
                country: None,
            }),
            Grant::Evaluation => {
                for e in profile
                    .education
                    .iter_mut()
                    .filter(|e| e.country != Code::US && e.evaluation.is_none())
                {
                    e.evaluation = Some(Evaluation {
                        agency: step.name.clone(),
                        date: Some(finished),
                        course_by_course: true,
                        us_level: e.level,
                    });
                }
            }
            Grant::ExperienceGap => {
                if let Some(Gap::Experience {
                    disciplines,
                    accreditations,
                    countries,
                    ..
                }) = gap
                {
                    add_experience(
                        profile,
                        disciplines,
                        accreditations,
                        countries,
                        started,
                        finished,
                    );
                }
            }
            Grant::Declaration(key) => {
                if !profile.declarations.contains(key) {
                    profile.declarations.push(key.clone());
                }
            }
            Grant::EnglishTest(g) => profile.english_tests.push(crate::profile::EnglishTest {
                test: g.test,
                date: finished,
                overall: g.overall,
                speaking: g.speaking,
            }),
        }
    }
}

fn add_credential(profile: &mut Profile, id: &CredentialId, on: Date) {
    if !profile.holds(id.as_str(), on) {
        profile.credentials.push(HeldCredential {
            id: id.clone(),
            earned: Some(on),
            expires: None,
        });
    }
}

fn add_exam(profile: &mut Profile, id: &ExamId, on: Date) {
    profile.exams.push(ExamResult {
        exam: id.clone(),
        date: on,
        passed: true,
        score: None,
    });
}

/// An ongoing clinical job already accrues the months as time passes; only
/// someone not working needs a new period.
fn add_experience(
    profile: &mut Profile,
    disciplines: &[Discipline],
    accreditations: &[LabAccreditation],
    countries: &[Code],
    started: Date,
    finished: Date,
) {
    let ongoing = profile.experience.iter().any(|p| {
        p.end.is_none()
            && p.setting.is_clinical()
            && (disciplines.is_empty() || disciplines.iter().all(|d| p.disciplines.contains(d)))
    });
    if ongoing {
        return;
    }
    profile.experience.push(ExperiencePeriod {
        employer: None,
        start: started,
        end: Some(finished),
        fte: 1.0,
        disciplines: disciplines.to_vec(),
        setting: Setting::Hospital,
        accreditation: accreditations
            .first()
            .map_or_else(|| vec![LabAccreditation::Clia], |a| vec![*a]),
        country: countries.first().copied().unwrap_or(Code::US),
    });
}
