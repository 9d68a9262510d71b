//! One function per leaf of the requirement vocabulary. Each writes a
//! `Finding` holding the quantities that explain its answer into the place
//! it is given, and returns the outcome.

use serde::Serialize;

use super::Outcome;
use crate::catalog::{Catalog, ForeignDegree};
use crate::facts::{Facts, topic_bit};
use crate::ids::CredentialId;
use crate::profile::{Education, ExperiencePeriod, Profile};
use crate::requirement::{
    CitizenshipReq, CourseworkReq, CredentialReq, CreditsReq, DegreeReq, EnglishReq, ExamReq,
    ExperienceReq, ProgramReq, Requirement, ResidenceReq, WorkStateLicenseReq,
};
use crate::units::{Code, DAYS_PER_MONTH, Date, Hours};
use crate::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, FieldArea, ProgramKind, SchoolAccreditation, Topic,
};

impl<'c, 'p> Ctx<'c, 'p> {
    /// A context at the top level (no `eligible` nesting yet).
    pub fn new(
        catalog: &'c Catalog,
        profile: &'p Profile,
        facts: &'p Facts<'c, 'p>,
        as_of: Date,
    ) -> Self {
        Ctx {
            catalog,
            profile,
            facts,
            as_of,
            depth: 0,
        }
    }
}

/// What an evaluation reads: the catalog, the profile, its facts and the day.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'c, 'p> {
    /// The catalog.
    pub catalog: &'c Catalog,
    /// The person.
    pub profile: &'p Profile,
    /// Facts derived from the profile.
    pub facts: &'p Facts<'c, 'p>,
    /// The as-of day.
    pub as_of: Date,
    /// How many `eligible` leaves deep this evaluation is (a guard against
    /// credentials that refer to each other).
    pub depth: u8,
}

/// Why a degree clause does not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DegreeGap {
    /// Nothing missing.
    None,
    /// No education listed.
    NotTold,
    /// The highest level is below the minimum.
    LevelTooLow,
    /// The level is enough but the field is not accepted.
    FieldNotAccepted,
    /// The degree is still in progress.
    InProgress,
    /// The school's accreditation is not stated.
    AccreditationNotTold,
    /// The school is not accredited.
    NotAccredited,
    /// A foreign degree needs an evaluation showing its US equivalent.
    NeedsEvaluation,
    /// The evaluation gives a lower US level.
    EvaluatedBelow,
    /// The degree was earned in a country the rule excludes.
    EarnedInExcludedCountry,
    /// Evaluators usually find this country's degree below the level the
    /// rule asks (the catalog's country entry says so, with its sources).
    UsuallyBelow,
}

/// Why a program clause does not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgramGap {
    /// Nothing missing.
    None,
    /// No program of an accepted kind.
    Missing,
    /// The program completes after the as-of day.
    NotCompleted,
    /// The program was completed too long ago; the window closed.
    TooOld,
}

/// Why a credential clause does not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialGap {
    /// Nothing missing.
    None,
    /// Not held.
    NotHeld,
    /// Held but expired (or not yet earned) on the as-of day.
    NotCurrent,
}

/// Why an exam clause does not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExamGap {
    /// Nothing missing.
    None,
    /// No accepted exam taken.
    NotTaken,
    /// An accepted exam was taken and not passed.
    Failed,
    /// Passed, but on a date the rule does not accept.
    OutsideDates,
    /// Passed (through a held certification) on a date not given.
    DateNotTold,
}

/// How the English requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "by", content = "what")]
pub enum EnglishMet {
    /// Not met.
    No,
    /// Exempt by education in this country.
    Exempt(Code),
    /// By this test.
    Test(EnglishTestKind),
}

/// Which part of an experience requirement is short.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExperienceShort {
    /// The discipline.
    pub discipline: Discipline,
    /// Months counted in it.
    pub have: f64,
    /// Months needed in it.
    pub need: u32,
}

/// The quantities behind a clause's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding<'c> {
    /// A combinator: how many children pass, how many are needed, of how many.
    Combined {
        /// Children that pass.
        met: u32,
        /// Children needed.
        need: u32,
        /// Children in all.
        of: u32,
    },
    /// A degree.
    Degree {
        /// The best level found (after evaluation for foreign degrees).
        have: Option<DegreeLevel>,
        /// Its field.
        field: Option<FieldArea>,
        /// What is missing.
        gap: DegreeGap,
        /// The country's usual degree this one was read as, when the
        /// catalog's country entry settled (or left to an evaluation) its
        /// US equivalent; serialized as its id.
        #[serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "foreign_degree_id"
        )]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        usual: Option<&'c ForeignDegree>,
    },
    /// Hours in subjects.
    Hours {
        /// Hours counted.
        have: Hours,
        /// Hours needed.
        need: Hours,
        /// Required contents not found (each a set of alternatives).
        missing: Box<[&'c [Topic]]>,
        /// Whether the profile lists any coursework.
        told: bool,
    },
    /// Total credit.
    Credits {
        /// Credit stated (the highest of the degrees), if any.
        have: Option<Hours>,
        /// Credit needed.
        need: Hours,
    },
    /// A program.
    Program {
        /// The kind found, if any.
        kind: Option<ProgramKind>,
        /// Its completion date.
        completed: Option<Date>,
        /// The last day it still counts, for time-limited rules.
        closes_on: Option<Date>,
        /// What is missing.
        gap: ProgramGap,
    },
    /// Experience.
    Months {
        /// Months that certainly count.
        have: f64,
        /// Months that would count if the missing facts are favourable.
        possible: f64,
        /// Months needed.
        need: u32,
        /// Disciplines short of their own minimum.
        short: Box<[ExperienceShort]>,
        /// Start of the window counted, for `within_years` rules.
        window_from: Option<Date>,
    },
    /// Another credential.
    Credential {
        /// The one matched (or the first named, when none is held).
        id: &'c CredentialId,
        /// What is missing.
        gap: CredentialGap,
    },
    /// An exam.
    Exam {
        /// Index into the rule's accepted exams of the one matched.
        matched: Option<usize>,
        /// The date it was passed.
        date: Option<Date>,
        /// What is missing.
        gap: ExamGap,
    },
    /// Citizenship.
    Citizenship {
        /// The profile's citizenships.
        have: Box<[Code]>,
    },
    /// Residence.
    Residence {
        /// Months of residence counted (absent when not told).
        months: Option<f64>,
        /// Months needed.
        need: u32,
    },
    /// English.
    English {
        /// How it is met.
        met: EnglishMet,
    },
    /// A declared fact.
    Declared {
        /// The key.
        key: &'c str,
        /// The question.
        ask: &'c str,
    },
    /// The work state's license.
    WorkState {
        /// The state chosen, if any.
        state: Option<Code>,
        /// Whether that state licenses laboratory personnel.
        licenses: bool,
        /// The license it requires, if it does.
        license: Option<&'c CredentialId>,
    },
    /// Eligibility for another credential.
    Eligible {
        /// The credential.
        id: &'c CredentialId,
        /// Its status.
        status: super::Status,
    },
    /// A rule the catalog cannot check.
    Unconfirmed {
        /// Why.
        text: &'c str,
    },
}

impl Finding<'_> {
    /// For a time-limited leaf, the last day it still passes.
    pub fn closes_on(&self) -> Option<Date> {
        match self {
            Finding::Program { closes_on, .. } => *closes_on,
            _ => None,
        }
    }
}

/// Evaluates a leaf (never called with a combinator): its finding is
/// written into `out`, in place (a finding built aside and copied in costs
/// more than the leaf itself), and its outcome returned.
pub fn evaluate_leaf<'c>(
    ctx: &Ctx<'c, '_>,
    leaf: &'c Requirement,
    out: &mut Finding<'c>,
) -> Outcome {
    match leaf {
        Requirement::Degree(r) => degree(ctx, r, out),
        Requirement::Coursework(r) => coursework(ctx, r, out),
        Requirement::Credits(r) => credits(ctx, r, out),
        Requirement::Program(r) => program(ctx, r, out),
        Requirement::Experience(r) => experience(ctx, r, out),
        Requirement::Credential(r) => credential(ctx, r, out),
        Requirement::Exam(r) => exam(ctx, r, out),
        Requirement::Citizenship(r) => citizenship(ctx, r, out),
        Requirement::Residence(r) => residence(ctx, r, out),
        Requirement::English(r) => english(ctx, r, out),
        Requirement::Declared(r) => {
            let said = |keys: &[String]| keys.iter().any(|d| d == &r.key);
            *out = Finding::Declared {
                key: &r.key,
                ask: &r.ask,
            };
            if said(&ctx.profile.declarations) {
                Outcome::Pass
            } else if said(&ctx.profile.declined) {
                Outcome::Fail
            } else {
                Outcome::Unknown
            }
        }
        Requirement::WorkStateLicense(r) => work_state_license(ctx, r, out),
        Requirement::Unconfirmed(r) => {
            *out = Finding::Unconfirmed { text: &r.text };
            Outcome::Unknown
        }
        Requirement::Eligible(r) => eligible(ctx, &r.credential, out),
        Requirement::All(_) | Requirement::Any(_) | Requirement::AtLeast(_) => {
            *out = Finding::Unconfirmed {
                text: "internal: a combinator reached the leaf evaluator",
            };
            Outcome::Unknown
        }
    }
}

/// A leaf's outcome alone: the same evaluation as [`evaluate_leaf`], its
/// finding dropped. Degree, citizenship, coursework and experience clauses
/// build none: each shares its rule with [`evaluate_leaf`] and leaves out
/// only what the finding lists (the degree shown, the topics missing, the
/// disciplines short).
pub fn decide_leaf<'c>(ctx: &Ctx<'c, '_>, leaf: &'c Requirement) -> Outcome {
    match leaf {
        Requirement::Citizenship(r) => citizenship_outcome(&ctx.profile.person.citizenship, r),
        Requirement::Degree(r) => degree_outcome(ctx, r),
        Requirement::Coursework(r) => coursework_decided(ctx, r),
        Requirement::Experience(r) => months_counted(ctx, r).outcome(r),
        _ => evaluate_leaf(ctx, leaf, &mut Finding::Unconfirmed { text: "" }),
    }
}

fn foreign_degree_id<S: serde::Serializer>(
    usual: &Option<&ForeignDegree>,
    out: S,
) -> Result<S::Ok, S::Error> {
    match usual {
        Some(d) => out.serialize_some(&d.id),
        None => out.serialize_none(),
    }
}

/// One degree against a degree clause: the outcome, the level it counts as,
/// what is missing, and the country's usual degree it was read as (when an
/// unevaluated foreign degree needs a US equivalent).
#[inline(always)]
fn degree_one<'c>(
    usual: Option<&'c ForeignDegree>,
    r: &DegreeReq,
    e: &Education,
    as_of: Date,
) -> (Outcome, DegreeLevel, DegreeGap, Option<&'c ForeignDegree>) {
    if e.completed.is_none_or(|d| d > as_of) {
        return (Outcome::Fail, e.level, DegreeGap::InProgress, None);
    }
    if r.earned_outside.contains(&e.country) {
        return (
            Outcome::Fail,
            e.level,
            DegreeGap::EarnedInExcludedCountry,
            None,
        );
    }
    let foreign = e.country != Code::US;
    let (level, evaluated) = match (&e.evaluation, foreign && r.us_equivalent) {
        (Some(ev), true) => (ev.us_level, true),
        _ => (e.level, false),
    };
    if level < r.min_level {
        let gap = if evaluated {
            DegreeGap::EvaluatedBelow
        } else {
            DegreeGap::LevelTooLow
        };
        return (Outcome::Fail, level, gap, None);
    }
    if !r.fields.is_empty() && !r.fields.contains(&e.field) {
        return (Outcome::Fail, level, DegreeGap::FieldNotAccepted, None);
    }
    if r.accredited {
        match e.accreditation {
            None => {
                return (
                    Outcome::Unknown,
                    level,
                    DegreeGap::AccreditationNotTold,
                    None,
                );
            }
            Some(SchoolAccreditation::None) => {
                return (Outcome::Fail, level, DegreeGap::NotAccredited, None);
            }
            Some(_) => {}
        }
    }
    if foreign && r.us_equivalent && !evaluated {
        // No evaluation yet: what the sources say evaluators usually find
        // for this country's degree settles it, when they agree.
        return match usual.and_then(|d| d.us_equivalent.meets(r.min_level)) {
            Some(true) => (Outcome::Pass, level, DegreeGap::None, usual),
            Some(false) => (Outcome::Fail, level, DegreeGap::UsuallyBelow, usual),
            None => (Outcome::Unknown, level, DegreeGap::NeedsEvaluation, usual),
        };
    }
    (Outcome::Pass, level, DegreeGap::None, None)
}

/// A degree clause's outcome alone: the best of the profile's degrees
/// ([`degree`] shows that one), unknown when none is listed.
fn degree_outcome(ctx: &Ctx<'_, '_>, r: &DegreeReq) -> Outcome {
    let each = ctx.profile.education.iter().zip(&ctx.facts.usual);
    each.map(|(e, usual)| degree_one(*usual, r, e, ctx.as_of).0)
        .min()
        .unwrap_or(Outcome::Unknown)
}

fn degree<'c>(ctx: &Ctx<'c, '_>, r: &'c DegreeReq, out: &mut Finding<'c>) -> Outcome {
    let best = ctx
        .profile
        .education
        .iter()
        .zip(&ctx.facts.usual)
        .map(|(e, usual)| (degree_one(*usual, r, e, ctx.as_of), e.field))
        .min_by_key(|((outcome, level, _, _), _)| (*outcome, std::cmp::Reverse(*level)));
    match best {
        None => {
            *out = Finding::Degree {
                have: None,
                field: None,
                gap: DegreeGap::NotTold,
                usual: None,
            };
            if ctx.profile.education.is_empty() {
                Outcome::Unknown
            } else {
                Outcome::Fail
            }
        }
        Some(((outcome, level, gap, usual), field)) => {
            *out = Finding::Degree {
                have: Some(level),
                field: Some(field),
                gap,
                usual,
            };
            outcome
        }
    }
}

/// A coursework clause's outcome from the hours reached, whether every
/// required topic is covered, and whether any coursework is listed.
fn coursework_outcome(reached: bool, covered: bool, told: bool) -> Outcome {
    if reached && covered {
        Outcome::Pass
    } else if told {
        Outcome::Fail
    } else {
        Outcome::Unknown
    }
}

/// Whether the topics studied (a topic set) include one of `alternatives`.
fn covers(topics: u32, alternatives: &[Topic]) -> bool {
    alternatives.iter().any(|t| topics & topic_bit(*t) != 0)
}

fn coursework<'c>(ctx: &Ctx<'c, '_>, r: &'c CourseworkReq, out: &mut Finding<'c>) -> Outcome {
    let (have, topics) = ctx.facts.hours_in(&r.subjects);
    let missing: Box<[&'c [Topic]]> = r
        .includes
        .iter()
        .filter(|alternatives| !covers(topics, alternatives))
        .map(Vec::as_slice)
        .collect();
    let told = ctx.facts.coursework_told;
    let outcome = coursework_outcome(have.reaches(r.min_semester_hours), missing.is_empty(), told);
    *out = Finding::Hours {
        have,
        need: r.min_semester_hours,
        missing,
        told,
    };
    outcome
}

/// [`coursework`]'s outcome alone, without listing the topics missing.
fn coursework_decided(ctx: &Ctx<'_, '_>, r: &CourseworkReq) -> Outcome {
    let (have, topics) = ctx.facts.hours_in(&r.subjects);
    let covered = r.includes.iter().all(|a| covers(topics, a));
    let reached = have.reaches(r.min_semester_hours);
    coursework_outcome(reached, covered, ctx.facts.coursework_told)
}

fn credits<'c>(ctx: &Ctx<'c, '_>, r: &'c CreditsReq, out: &mut Finding<'c>) -> Outcome {
    let have = ctx
        .profile
        .education
        .iter()
        .filter_map(|e| e.semester_hours)
        .fold(None, |best: Option<Hours>, h| {
            Some(best.map_or(h, |b| if h > b { h } else { b }))
        });
    // A degree whose credits are not stated may be the one that reaches
    // the threshold, so a shortfall is only final when every degree is counted.
    let all_counted = ctx
        .profile
        .education
        .iter()
        .all(|e| e.semester_hours.is_some());
    let outcome = match have {
        Some(h) if h.reaches(r.min_semester_hours) => Outcome::Pass,
        Some(_) if all_counted => Outcome::Fail,
        _ => Outcome::Unknown,
    };
    *out = Finding::Credits {
        have,
        need: r.min_semester_hours,
    };
    outcome
}

fn program<'c>(ctx: &Ctx<'c, '_>, r: &'c ProgramReq, out: &mut Finding<'c>) -> Outcome {
    let candidates = ctx
        .profile
        .programs
        .iter()
        .filter(|p| r.kinds.contains(&p.kind));
    // The most recent completed program keeps a time-limited window open longest.
    let done = candidates
        .clone()
        .filter(|p| p.completed <= ctx.as_of)
        .max_by_key(|p| p.completed);
    if let Some(p) = done {
        let closes_on = r.within_years.map(|y| p.completed.add_years(y));
        let open = closes_on.is_none_or(|c| ctx.as_of <= c);
        *out = Finding::Program {
            kind: Some(p.kind),
            completed: Some(p.completed),
            closes_on,
            gap: if open {
                ProgramGap::None
            } else {
                ProgramGap::TooOld
            },
        };
        return if open { Outcome::Pass } else { Outcome::Fail };
    }
    let upcoming = candidates.min_by_key(|p| p.completed);
    *out = Finding::Program {
        kind: upcoming.map(|p| p.kind),
        completed: upcoming.map(|p| p.completed),
        closes_on: None,
        gap: if upcoming.is_some() {
            ProgramGap::NotCompleted
        } else {
            ProgramGap::Missing
        },
    };
    Outcome::Fail
}

/// Whether a period counts: `Some(true)` certainly, `Some(false)` never,
/// `None` when a missing fact decides.
fn period_counts(r: &ExperienceReq, p: &ExperiencePeriod) -> Option<bool> {
    if !p.setting.is_clinical() {
        return Some(false);
    }
    let discipline = if r.disciplines.is_empty() {
        Some(true)
    } else if p.disciplines.is_empty() {
        None
    } else {
        Some(p.disciplines.iter().any(|d| r.disciplines.contains(d)))
    };
    let accredited = if p.accreditation.is_empty() {
        None
    } else {
        Some(p.accreditation.iter().any(|a| r.accreditations.contains(a)))
    };
    let place = match (r.countries.is_empty(), r.accreditations.is_empty()) {
        (true, true) => Some(true),
        (false, true) => Some(r.countries.contains(&p.country)),
        (true, false) => accredited,
        (false, false) => {
            if r.countries.contains(&p.country) {
                Some(true)
            } else {
                accredited
            }
        }
    };
    match (discipline, place) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Full-time-equivalent months of a period inside [from, to], both days
/// included: 2022-01-01 to 2023-12-31 is exactly 24 months.
pub fn months_within(p: &ExperiencePeriod, from: Option<Date>, to: Date) -> f64 {
    let start = from.map_or(p.start, |f| f.max(p.start));
    let end = p.end.map_or(to, |e| e.min(to));
    if end < start {
        return 0.0;
    }
    calendar_months(start, end.succ()) * p.fte
}

/// Months from `start` up to (not including) `end`: whole calendar months,
/// plus the remaining days as a fraction of an average month.
pub fn calendar_months(start: Date, end: Date) -> f64 {
    if end <= start {
        return 0.0;
    }
    let (day, end_day) = (start.day(), end.day());
    // The calendar months between the two months. The same day that many
    // months on (clamped to the month's last day) falls in `end`'s month;
    // when it falls after `end`, one month fewer lands in the month before.
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    let landed = day.min(end.days_in_month());
    let (whole, rest) = if landed <= end_day {
        (months, end_day - landed)
    } else {
        let before = end.month_before_days();
        (months - 1, before - day.min(before) + end_day)
    };
    f64::from(whole) + f64::from(rest) / DAYS_PER_MONTH
}

/// The months an experience clause counts: certain and possible in all,
/// and per discipline (indexed by `Discipline as usize`) for `each_of`.
struct Months {
    window_from: Option<Date>,
    have: f64,
    possible: f64,
    each: [(f64, f64); Discipline::ALL.len()],
}

/// Counts the profile's months for an experience clause. Inlined where it
/// is read, so that its counts are not copied out.
#[inline(always)]
fn months_counted(ctx: &Ctx<'_, '_>, r: &ExperienceReq) -> Months {
    let window_from = r.within_years.map(|y| ctx.as_of.sub_years(y));
    let mut m = Months {
        window_from,
        have: 0.0,
        possible: 0.0,
        each: [(0.0, 0.0); Discipline::ALL.len()],
    };
    // Each discipline of `each_of` once, however often it is named.
    let each_of = r.each_of.iter().fold(0u64, |set, d| set | 1 << *d as u32);
    for p in &ctx.profile.experience {
        let counts = period_counts(r, p);
        if counts == Some(false) {
            continue;
        }
        let months = months_within(p, window_from, ctx.as_of);
        m.possible += months;
        if counts == Some(true) {
            m.have += months;
        }
        let mut left = each_of;
        while left != 0 {
            let d = Discipline::ALL[left.trailing_zeros() as usize];
            left &= left - 1;
            let each = &mut m.each[d as usize];
            if p.disciplines.contains(&d) {
                each.0 += months;
                each.1 += months;
            } else if p.disciplines.is_empty() {
                each.1 += months;
            }
        }
    }
    m
}

const _: () = assert!(Discipline::ALL.len() <= 64, "a discipline set is 64 bits");

impl Months {
    /// Whether the `each_of` discipline `d` certainly has its minimum.
    fn each_met(&self, r: &ExperienceReq, d: Discipline) -> bool {
        self.each[d as usize].0 + 1e-9 >= f64::from(r.min_months_each.unwrap_or(0))
    }

    /// Whether the `each_of` discipline `d` may have its minimum, counting
    /// the periods whose disciplines are not told.
    fn each_possible(&self, r: &ExperienceReq, d: Discipline) -> bool {
        self.each[d as usize].1 + 1e-9 >= f64::from(r.min_months_each.unwrap_or(0))
    }

    /// The clause's outcome from the months counted.
    fn outcome(&self, r: &ExperienceReq) -> Outcome {
        let each_met = r.each_of.iter().all(|d| self.each_met(r, *d));
        let each_possible = r.each_of.iter().all(|d| self.each_possible(r, *d));
        let need = f64::from(r.months);
        if self.have + 1e-9 >= need && each_met {
            Outcome::Pass
        } else if self.possible + 1e-9 >= need && each_possible {
            Outcome::Unknown
        } else {
            Outcome::Fail
        }
    }
}

fn experience<'c>(ctx: &Ctx<'c, '_>, r: &'c ExperienceReq, out: &mut Finding<'c>) -> Outcome {
    let m = months_counted(ctx, r);
    let short: Box<[ExperienceShort]> = r
        .each_of
        .iter()
        .filter(|d| !m.each_met(r, **d))
        .map(|d| ExperienceShort {
            discipline: *d,
            have: m.each[*d as usize].0,
            need: r.min_months_each.unwrap_or(0),
        })
        .collect();
    let outcome = m.outcome(r);
    *out = Finding::Months {
        have: m.have,
        possible: m.possible,
        need: r.months,
        short,
        window_from: m.window_from,
    };
    outcome
}

fn credential<'c>(ctx: &Ctx<'c, '_>, r: &'c CredentialReq, out: &mut Finding<'c>) -> Outcome {
    let mut found: Option<(&'c CredentialId, bool)> = None;
    for id in &r.any_of {
        for held in ctx.profile.credentials.iter().filter(|h| &h.id == id) {
            let ok = !r.current || held.current_on(ctx.as_of);
            if ok {
                *out = Finding::Credential {
                    id,
                    gap: CredentialGap::None,
                };
                return Outcome::Pass;
            }
            found = Some((id, false));
        }
    }
    let (id, gap) = match (found, r.any_of.first()) {
        (Some((id, _)), _) => (id, CredentialGap::NotCurrent),
        (None, Some(first)) => (first, CredentialGap::NotHeld),
        (None, None) => {
            *out = Finding::Unconfirmed {
                text: "the rule names no credential",
            };
            return Outcome::Fail;
        }
    };
    *out = Finding::Credential { id, gap };
    Outcome::Fail
}

fn exam<'c>(ctx: &Ctx<'c, '_>, r: &'c ExamReq, out: &mut Finding<'c>) -> Outcome {
    let mut best = (Outcome::Fail, None, None, ExamGap::NotTaken);
    for (i, accepted) in r.accepted.iter().enumerate() {
        let id = accepted.exam.as_str();
        for (_, date) in ctx.facts.exams_passed.iter().filter(|(e, _)| *e == id) {
            let Some(date) = *date else {
                if best.0 != Outcome::Pass {
                    best = (Outcome::Unknown, Some(i), None, ExamGap::DateNotTold);
                }
                continue;
            };
            let inside = accepted.from.is_none_or(|f| f <= date)
                && accepted.until.is_none_or(|u| date < u)
                && date <= ctx.as_of;
            if inside {
                *out = Finding::Exam {
                    matched: Some(i),
                    date: Some(date),
                    gap: ExamGap::None,
                };
                return Outcome::Pass;
            }
            if best.0 == Outcome::Fail {
                best = (Outcome::Fail, Some(i), Some(date), ExamGap::OutsideDates);
            }
        }
        if best.3 == ExamGap::NotTaken {
            if let Some((_, date)) = ctx.facts.exams_failed.iter().find(|(e, _)| *e == id) {
                best = (Outcome::Fail, Some(i), Some(*date), ExamGap::Failed);
            }
        }
    }
    let (outcome, matched, date, gap) = best;
    // A date-accepted exam only matters when it decides: if every accepted
    // exam has no date limit, a missing date does not block the pass.
    let outcome = if gap == ExamGap::DateNotTold
        && matched.is_some_and(|i| r.accepted[i].from.is_none() && r.accepted[i].until.is_none())
    {
        Outcome::Pass
    } else {
        outcome
    };
    *out = Finding::Exam { matched, date, gap };
    outcome
}

fn eligible<'c>(ctx: &Ctx<'c, '_>, id: &'c CredentialId, out: &mut Finding<'c>) -> Outcome {
    let Some(credential) = ctx.catalog.credential(id.as_str()) else {
        *out = Finding::Unconfirmed {
            text: "the credential is not in the catalog",
        };
        return Outcome::Unknown;
    };
    if ctx.depth >= super::program::MAX_DEPTH {
        *out = Finding::Unconfirmed {
            text: "credentials refer to each other too deeply",
        };
        return Outcome::Unknown;
    }
    let inner = Ctx {
        depth: ctx.depth + 1,
        ..*ctx
    };
    let status = super::decide_credential(&inner, credential);
    *out = Finding::Eligible { id, status };
    super::status_outcome(status)
}

fn citizenship<'c>(ctx: &Ctx<'c, '_>, r: &'c CitizenshipReq, out: &mut Finding<'c>) -> Outcome {
    let have = &ctx.profile.person.citizenship;
    *out = Finding::Citizenship {
        have: have.as_slice().into(),
    };
    citizenship_outcome(have, r)
}

/// Unknown without a citizenship; a citizen of an excluded country fails
/// (a dual citizen too: the rule names who is left out); otherwise one
/// listed citizenship passes, or any when the rule lists only exclusions.
fn citizenship_outcome(have: &[Code], r: &CitizenshipReq) -> Outcome {
    if have.is_empty() {
        Outcome::Unknown
    } else if have.iter().any(|c| r.none_of.contains(c)) {
        Outcome::Fail
    } else if r.any_of.is_empty() || have.iter().any(|c| r.any_of.contains(c)) {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

fn residence<'c>(ctx: &Ctx<'c, '_>, r: &'c ResidenceReq, out: &mut Finding<'c>) -> Outcome {
    let Some(res) = &ctx.profile.person.residence else {
        *out = Finding::Residence {
            months: None,
            need: r.months,
        };
        return Outcome::Unknown;
    };
    let here = res.state == Some(r.place) || (res.state.is_none() && res.country == r.place);
    if !here {
        *out = Finding::Residence {
            months: Some(0.0),
            need: r.months,
        };
        return Outcome::Fail;
    }
    let Some(since) = res.since else {
        *out = Finding::Residence {
            months: None,
            need: r.months,
        };
        return Outcome::Unknown;
    };
    let months = (since.days_until(ctx.as_of).max(0)) as f64 / DAYS_PER_MONTH;
    let outcome = if months + 1e-9 >= f64::from(r.months) {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    *out = Finding::Residence {
        months: Some(months),
        need: r.months,
    };
    outcome
}

fn english<'c>(ctx: &Ctx<'c, '_>, r: &'c EnglishReq, out: &mut Finding<'c>) -> Outcome {
    let exempt = ctx
        .profile
        .education
        .iter()
        .filter(|e| e.completed.is_some_and(|d| d <= ctx.as_of))
        .find(|e| r.exempt_if_educated_in.contains(&e.country));
    if let Some(e) = exempt {
        *out = Finding::English {
            met: EnglishMet::Exempt(e.country),
        };
        return Outcome::Pass;
    }
    for test in &ctx.profile.english_tests {
        let ok = r.tests.iter().any(|min| {
            min.test == test.test
                && test.overall + 1e-9 >= min.overall
                && min
                    .speaking
                    .is_none_or(|s| test.speaking.is_some_and(|have| have + 1e-9 >= s))
        });
        if ok && test.date <= ctx.as_of {
            *out = Finding::English {
                met: EnglishMet::Test(test.test),
            };
            return Outcome::Pass;
        }
    }
    *out = Finding::English {
        met: EnglishMet::No,
    };
    if ctx.profile.english_tests.is_empty() {
        Outcome::Unknown
    } else {
        Outcome::Fail
    }
}

fn work_state_license<'c>(
    ctx: &Ctx<'c, '_>,
    r: &'c WorkStateLicenseReq,
    out: &mut Finding<'c>,
) -> Outcome {
    let Some(state) = ctx.profile.person.work_state else {
        *out = Finding::WorkState {
            state: None,
            licenses: false,
            license: None,
        };
        return Outcome::Unknown;
    };
    let Some(j) = ctx.catalog.jurisdiction(state) else {
        *out = Finding::WorkState {
            state: Some(state),
            licenses: false,
            license: None,
        };
        return Outcome::Unknown;
    };
    if !j.licenses_personnel {
        *out = Finding::WorkState {
            state: Some(state),
            licenses: false,
            license: None,
        };
        return Outcome::Pass;
    }
    let license = j.license_for(r.level);
    let held = license.is_some_and(|id| ctx.profile.holds(id.as_str(), ctx.as_of));
    let outcome = match (license, held) {
        (_, true) => Outcome::Pass,
        (Some(_), false) => Outcome::Fail,
        (None, false) => Outcome::Unknown,
    };
    *out = Finding::WorkState {
        state: Some(state),
        licenses: true,
        license,
    };
    outcome
}

#[cfg(test)]
mod tests {
    use super::{DAYS_PER_MONTH, calendar_months, citizenship_outcome};
    use crate::eval::Outcome;
    use crate::requirement::CitizenshipReq;
    use crate::units::{Code, Date};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// One full-time period in the US from `start` to `end` in
    /// `disciplines`, against a clause asking three months in all and
    /// `min_months_each` in each of `each_of`: the outcome, which both
    /// evaluators must give, and the explained evaluation's finding, handed
    /// to `look`.
    fn each_of_clause(
        (start, end): (&str, &str),
        disciplines: Vec<crate::vocab::Discipline>,
        each_of: Vec<crate::vocab::Discipline>,
        min_months_each: u32,
        look: impl FnOnce(&super::Finding<'_>),
    ) -> Outcome {
        use super::{Ctx, Finding, decide_leaf, evaluate_leaf};
        use crate::catalog::Catalog;
        use crate::facts::Facts;
        use crate::profile::{ExperiencePeriod, Profile};
        use crate::requirement::{ExperienceReq, Requirement};
        use crate::vocab::Setting;

        let profile = Profile {
            experience: vec![ExperiencePeriod {
                employer: None,
                start: d(start),
                end: Some(d(end)),
                fte: 1.0,
                disciplines,
                setting: Setting::Hospital,
                accreditation: Vec::new(),
                country: Code::US,
            }],
            ..Profile::default()
        };
        let leaf = Requirement::Experience(ExperienceReq {
            months: 3,
            disciplines: Vec::new(),
            each_of,
            min_months_each: Some(min_months_each),
            within_years: None,
            countries: Vec::new(),
            accreditations: Vec::new(),
        });
        let catalog = Catalog::default();
        let facts = Facts::derive(&profile, &catalog);
        let ctx = Ctx::new(&catalog, &profile, &facts, d("2026-12-01"));
        let mut finding = Finding::Unconfirmed { text: "" };
        let outcome = evaluate_leaf(&ctx, &leaf, &mut finding);
        assert_eq!(decide_leaf(&ctx, &leaf), outcome, "both evaluators");
        look(&finding);
        outcome
    }

    #[test]
    fn a_discipline_named_twice_in_each_of_counts_its_months_once() {
        use super::Finding;
        use crate::vocab::Discipline;

        // Three months of chemistry, where each named discipline needs four:
        // counted twice, chemistry would reach six and pass.
        let chemistry = vec![Discipline::Chemistry];
        let twice = vec![Discipline::Chemistry, Discipline::Chemistry];
        let look = |finding: &Finding<'_>| {
            let Finding::Months { have, short, .. } = finding else {
                panic!("an experience clause finds months, not {finding:?}");
            };
            assert!((have - 3.0).abs() < 1e-9, "{have}");
            // Each entry of `each_of` is reported, as named.
            let short: Vec<(Discipline, f64)> =
                short.iter().map(|s| (s.discipline, s.have)).collect();
            assert_eq!(short.len(), 2, "{short:?}");
            assert!(
                short
                    .iter()
                    .all(|(d, h)| *d == Discipline::Chemistry && (h - 3.0).abs() < 1e-9)
            );
        };
        let outcome = each_of_clause(("2026-01-01", "2026-03-31"), chemistry, twice, 4, look);
        assert_eq!(outcome, Outcome::Fail);
    }

    #[test]
    fn months_without_disciplines_told_may_meet_each_discipline_minimum() {
        use crate::vocab::Discipline;

        // Six months whose disciplines are not told: chemistry's four may be
        // among them, so the clause is unknown, not failed.
        let chemistry = vec![Discipline::Chemistry];
        let period = ("2026-01-01", "2026-06-30");
        let outcome = each_of_clause(period, Vec::new(), chemistry, 4, |_| {});
        assert_eq!(outcome, Outcome::Unknown);
    }

    #[test]
    fn two_calendar_years_are_24_months() {
        assert_eq!(calendar_months(d("2022-01-01"), d("2024-01-01")), 24.0);
        assert_eq!(calendar_months(d("2022-07-15"), d("2024-07-15")), 24.0);
    }

    /// Months counted one at a time, as the engine once did: the reference
    /// the arithmetic must agree with.
    fn months_by_steps(start: Date, end: Date) -> f64 {
        if end <= start {
            return 0.0;
        }
        let mut whole = ((end.year() - start.year()).max(0) as u32) * 12 + 12;
        while whole > 0 && start.add_months(whole) > end {
            whole -= 1;
        }
        let rest = start.add_months(whole).days_until(end);
        f64::from(whole) + rest as f64 / DAYS_PER_MONTH
    }

    #[test]
    fn months_by_arithmetic_agree_with_months_counted_one_by_one() {
        // Every start day of 2023 and 2024 (a leap year, month ends of 28
        // to 31 days), and of 2099 and 2100 (a century that is no leap
        // year), against ends from the same day to six years later.
        let mut checked = 0;
        let starts = [d("2023-01-01"), d("2099-01-01")];
        for start in starts
            .iter()
            .flat_map(|first| (0..731).map(|s| first.add_days(s)))
        {
            for e in (0..2200)
                .step_by(7)
                .chain([28, 29, 30, 31, 59, 60, 365, 366])
            {
                let end = start.add_days(e);
                assert_eq!(
                    calendar_months(start, end),
                    months_by_steps(start, end),
                    "{start} to {end}"
                );
                checked += 1;
            }
        }
        assert!(checked > 400_000);
    }

    #[test]
    fn partial_months_are_fractions() {
        let m = calendar_months(d("2022-01-01"), d("2022-01-16"));
        assert!(m > 0.49 && m < 0.5, "{m}");
        assert_eq!(calendar_months(d("2022-03-01"), d("2022-02-01")), 0.0);
    }

    fn codes(list: &[&str]) -> Vec<Code> {
        list.iter().map(|c| Code::parse(c).unwrap()).collect()
    }

    #[test]
    fn none_of_passes_everyone_else_and_fails_the_listed() {
        let rest_of_world = CitizenshipReq {
            any_of: Vec::new(),
            none_of: codes(&["IN", "CN", "MX", "PH"]),
        };
        assert_eq!(
            citizenship_outcome(&codes(&["NG"]), &rest_of_world),
            Outcome::Pass
        );
        assert_eq!(
            citizenship_outcome(&codes(&["IN"]), &rest_of_world),
            Outcome::Fail
        );
        // A dual citizen with one excluded citizenship is excluded.
        assert_eq!(
            citizenship_outcome(&codes(&["GB", "PH"]), &rest_of_world),
            Outcome::Fail
        );
        assert_eq!(citizenship_outcome(&[], &rest_of_world), Outcome::Unknown);
    }

    #[test]
    fn any_of_with_none_of_needs_a_listed_and_no_excluded_citizenship() {
        let r = CitizenshipReq {
            any_of: codes(&["CA", "MX"]),
            none_of: codes(&["US"]),
        };
        assert_eq!(citizenship_outcome(&codes(&["MX"]), &r), Outcome::Pass);
        assert_eq!(citizenship_outcome(&codes(&["FR"]), &r), Outcome::Fail);
        assert_eq!(
            citizenship_outcome(&codes(&["CA", "US"]), &r),
            Outcome::Fail
        );
        let only_any = CitizenshipReq {
            any_of: codes(&["CA"]),
            none_of: Vec::new(),
        };
        assert_eq!(
            citizenship_outcome(&codes(&["FR", "CA"]), &only_any),
            Outcome::Pass
        );
    }
}
