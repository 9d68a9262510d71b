//! What the engine derives from a profile once per evaluation, so that each
//! of the catalog's few hundred clauses is a lookup rather than a scan:
//! hours and topics per subject, every exam passed with its date, and which
//! of its country's usual degrees each foreign degree is.

use crate::catalog::{Catalog, ForeignDegree};
use crate::profile::Profile;
use crate::units::{Date, Hours};
use crate::vocab::{Subject, Topic};

/// Facts derived from a profile.
#[derive(Debug, Clone)]
pub struct Facts<'c, 'p> {
    /// Semester hours per subject, indexed by `Subject as usize`.
    pub hours: [Hours; Subject::ALL.len()],
    /// Topics covered per subject, as bit sets indexed by `Topic as usize`.
    pub topics: [u32; Subject::ALL.len()],
    /// Whether the profile lists any coursework at all.
    pub coursework_told: bool,
    /// Exams passed: (exam id, date when known).
    pub exams_passed: Vec<(&'p str, Option<Date>)>,
    /// Exams taken and failed: (exam id, date).
    pub exams_failed: Vec<(&'p str, Date)>,
    /// For each of the profile's degrees, in order, the usual degree of its
    /// country it is read as (`Catalog::foreign_degree`; `None` for a US
    /// degree or one the catalog cannot tell).
    pub usual: Vec<Option<&'c ForeignDegree>>,
}

impl<'c: 'p, 'p> Facts<'c, 'p> {
    /// Derives the facts; a held certification counts as its exam passed on
    /// the day it was earned.
    pub fn derive(profile: &'p Profile, catalog: &'c Catalog) -> Self {
        let mut hours = [Hours::ZERO; Subject::ALL.len()];
        let mut topics = [0u32; Subject::ALL.len()];
        for course in &profile.coursework {
            let s = course.subject as usize;
            hours[s] = hours[s] + course.hours;
            for topic in &course.topics {
                topics[s] |= topic_bit(*topic);
            }
        }
        let mut exams_passed = Vec::new();
        let mut exams_failed = Vec::new();
        for exam in &profile.exams {
            if exam.passed {
                exams_passed.push((exam.exam.as_str(), Some(exam.date)));
            } else {
                exams_failed.push((exam.exam.as_str(), exam.date));
            }
        }
        for held in &profile.credentials {
            if let Some(exam) = catalog
                .credential(held.id.as_str())
                .and_then(|c| c.exam.as_ref())
            {
                exams_passed.push((exam.as_str(), held.earned));
            }
        }
        let usual = profile
            .education
            .iter()
            .map(|e| catalog.foreign_degree(e))
            .collect();
        Facts {
            usual,
            hours,
            topics,
            coursework_told: !profile.coursework.is_empty(),
            exams_passed,
            exams_failed,
        }
    }

    /// Total hours across `subjects`, and the union of their topics.
    pub fn hours_in(&self, subjects: &[Subject]) -> (Hours, u32) {
        subjects.iter().fold((Hours::ZERO, 0), |(h, t), s| {
            (h + self.hours[*s as usize], t | self.topics[*s as usize])
        })
    }
}

/// The bit for a topic in a topic set.
pub fn topic_bit(topic: Topic) -> u32 {
    1u32 << (topic as u32)
}
