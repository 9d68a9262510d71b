//! The floor: the decisions of eight credentials written out by hand in
//! Rust, with the catalog's numbers, lists and dates as constants:
//! MLS(ASCP), MLT(ASCP), MLS(ASCPi), MLT(ASCPi), MLS(AMT), MLT(AMT), the New
//! York clinical laboratory technologist license and the California CLS
//! license. No tree is walked, nothing is allocated, an `all` stops at its
//! first failing clause, and what several routes share (a degree rule, a
//! period's months) is worked out once: the least work these decisions can
//! take, against which labpath's engine is measured on the same credentials.
//!
//! It mirrors the catalog as it stands; the agreement check fails when the
//! catalog's rules for these credentials change and this file does not.

use std::cell::Cell;

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{Outcome, Status};
use labpath_engine::profile::{Education, ExperiencePeriod, Profile};
use labpath_engine::units::{Code, Date};
use labpath_engine::vocab::{
    DegreeLevel, Discipline, FieldArea, LabAccreditation, ProgramKind, SchoolAccreditation,
    Subject, Topic, UsEquivalent,
};

use crate::decisions::{CredentialDecision, RouteDecision};
use labpath_engine::eval::months_within;

use Outcome::{Fail, Pass, Unknown};

/// The credentials the floor decides, in the order of its answer.
pub const IDS: &[&str] = &[
    "ascp-mls",
    "ascp-mlt",
    "ascpi-mls",
    "ascpi-mlt",
    "amt-mls",
    "amt-mlt",
    "ny-clt-license",
    "ca-cls-license",
];

/// Routes per credential, in the catalog's order.
const ROUTES: [usize; 8] = [8, 4, 5, 3, 3, 3, 5, 5];
/// Routes the catalog cannot check at all (they decide a status only alone).
const WHOLLY_UNCONFIRMED: [&[usize]; 8] = [&[7], &[], &[], &[2], &[], &[], &[], &[]];

/// The floor's credentials, from the catalog, in the floor's order.
pub fn credentials(catalog: &Catalog) -> Vec<&Credential> {
    IDS.iter().filter_map(|id| catalog.credential(id)).collect()
}

/// The floor's answer: per credential its status, then every route.
#[derive(Debug, Clone, Copy)]
pub struct Decisions {
    /// Status per credential of [`IDS`].
    pub status: [Status; 8],
    /// Routes of all eight, one after another.
    pub routes: [RouteDecision; 36],
}

impl Decisions {
    /// As the agreement check compares them.
    pub fn to_vec(&self) -> Vec<CredentialDecision> {
        let mut start = 0;
        ROUTES
            .iter()
            .zip(self.status)
            .map(|(n, status)| {
                let routes = self.routes[start..start + n].to_vec();
                start += n;
                CredentialDecision { status, routes }
            })
            .collect()
    }
}

macro_rules! all {
    ($($e:expr),+ $(,)?) => {{
        let mut o = Pass;
        $( if o != Fail { o = o.max($e); } )+
        o
    }};
}

macro_rules! any {
    ($($e:expr),+ $(,)?) => {{
        let mut o = Fail;
        $( if o != Pass { o = o.min($e); } )+
        o
    }};
}

fn day(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap_or_else(|| unreachable!("a constant calendar day"))
}

/// What the floor reads, gathered once per call.
struct F<'a> {
    catalog: &'a Catalog,
    p: &'a Profile,
    day: Date,
    hours: [f64; Subject::ALL.len()],
    topics: [u32; Subject::ALL.len()],
    /// What evaluators usually find the first few foreign, unevaluated
    /// degrees equivalent to (looked up in the catalog's country tables
    /// once, not per rule).
    usual: [Option<UsEquivalent>; USUAL_CACHED],
    /// The degree rules many routes share, decided once when first asked
    /// ([`BACH_ACC_US`], [`ASSOC_ACC_US`], [`BACH_US`]).
    degrees: [Cell<Option<Outcome>>; 3],
    /// Months of the first few work periods up to the day, within 5 years
    /// and within 10 years, counted once when first asked (-1: not yet).
    months: [[Cell<f64>; 3]; USUAL_CACHED],
}

const USUAL_CACHED: usize = 4;

impl<'a> F<'a> {
    fn new(catalog: &'a Catalog, p: &'a Profile, day: Date) -> Self {
        let mut hours = [0.0; Subject::ALL.len()];
        let mut topics = [0u32; Subject::ALL.len()];
        for c in &p.coursework {
            hours[c.subject as usize] += c.hours.value();
            for t in &c.topics {
                topics[c.subject as usize] |= 1 << (*t as u32);
            }
        }
        let mut usual = [None; USUAL_CACHED];
        for (slot, e) in usual.iter_mut().zip(&p.education) {
            if e.country != Code::US && e.evaluation.is_none() {
                *slot = catalog.foreign_degree(e).map(|d| d.us_equivalent);
            }
        }
        F {
            catalog,
            p,
            day,
            hours,
            topics,
            usual,
            degrees: Default::default(),
            months: std::array::from_fn(|_| std::array::from_fn(|_| Cell::new(-1.0))),
        }
    }

    fn held(&self, id: &str) -> bool {
        self.p.holds(id, self.day)
    }

    fn declared(&self, key: &str) -> Outcome {
        if self.p.declarations.iter().any(|d| d == key) {
            Pass
        } else if self.p.declined.iter().any(|d| d == key) {
            Fail
        } else {
            Unknown
        }
    }

    fn credential(&self, ids: &[&str]) -> Outcome {
        if ids.iter().any(|id| self.held(id)) {
            Pass
        } else {
            Fail
        }
    }

    fn degree_one(&self, i: usize, e: &Education, r: &Deg) -> Outcome {
        if e.completed.is_none_or(|d| d > self.day) || r.outside.contains(&e.country.as_str()) {
            return Fail;
        }
        let foreign = e.country != Code::US;
        let (level, evaluated) = match (&e.evaluation, foreign && r.us) {
            (Some(ev), true) => (ev.us_level, true),
            _ => (e.level, false),
        };
        if level < r.min || (!r.fields.is_empty() && !r.fields.contains(&e.field)) {
            return Fail;
        }
        if r.accredited {
            match e.accreditation {
                None => return Unknown,
                Some(SchoolAccreditation::None) => return Fail,
                Some(_) => {}
            }
        }
        if foreign && r.us && !evaluated {
            let usual = match self.usual.get(i) {
                Some(cached) => *cached,
                None => self.catalog.foreign_degree(e).map(|d| d.us_equivalent),
            };
            return match usual.and_then(|u| u.meets(r.min)) {
                Some(true) => Pass,
                Some(false) => Fail,
                None => Unknown,
            };
        }
        Pass
    }

    /// A shared degree rule, decided once.
    fn shared(&self, which: usize, r: &Deg) -> Outcome {
        let cell = &self.degrees[which];
        match cell.get() {
            Some(o) => o,
            None => {
                let o = self.degree(r);
                cell.set(Some(o));
                o
            }
        }
    }

    /// Months of period `i` in the window of `within_years`.
    fn months(&self, i: usize, p: &ExperiencePeriod, within_years: Option<u32>) -> f64 {
        let live = || {
            let from = within_years.map(|y| self.day.sub_years(y));
            months_within(p, from, self.day)
        };
        let slot = match within_years {
            None => 0,
            Some(5) => 1,
            Some(10) => 2,
            Some(_) => return live(),
        };
        let Some(cell) = self.months.get(i).map(|m| &m[slot]) else {
            return live();
        };
        if cell.get() < 0.0 {
            cell.set(live());
        }
        cell.get()
    }

    fn degree(&self, r: &Deg) -> Outcome {
        if self.p.education.is_empty() {
            return Unknown;
        }
        let mut best = Fail;
        for (i, e) in self.p.education.iter().enumerate() {
            best = best.min(self.degree_one(i, e, r));
            if best == Pass {
                break;
            }
        }
        best
    }

    fn coursework(&self, subjects: &[Subject], min: f64, includes: &[&[Topic]]) -> Outcome {
        let have = subjects
            .iter()
            .fold(0.0, |h, s| h + self.hours[*s as usize]);
        let topics = subjects.iter().fold(0, |t, s| t | self.topics[*s as usize]);
        let covered = includes
            .iter()
            .all(|alts| alts.iter().any(|t| topics & (1 << (*t as u32)) != 0));
        if have + 1e-9 >= min && covered {
            Pass
        } else if self.p.coursework.is_empty() {
            Unknown
        } else {
            Fail
        }
    }

    fn credits(&self, min: f64) -> Outcome {
        let mut most: Option<f64> = None;
        let mut all_counted = true;
        for e in &self.p.education {
            match e.semester_hours {
                Some(h) => most = Some(most.map_or(h.value(), |m| m.max(h.value()))),
                None => all_counted = false,
            }
        }
        match most {
            Some(h) if h + 1e-9 >= min => Pass,
            Some(_) if all_counted => Fail,
            _ => Unknown,
        }
    }

    fn program(&self, kinds: &[ProgramKind], within_years: Option<u32>) -> Outcome {
        let latest = self
            .p
            .programs
            .iter()
            .filter(|p| kinds.contains(&p.kind) && p.completed <= self.day)
            .map(|p| p.completed)
            .max();
        match latest {
            Some(c) if within_years.is_none_or(|y| self.day <= c.add_years(y)) => Pass,
            _ => Fail,
        }
    }

    fn experience(&self, months: f64, r: &Exp) -> Outcome {
        let (mut have, mut possible) = (0.0, 0.0);
        for (i, p) in self.p.experience.iter().enumerate() {
            let counts = period_counts(r, p);
            if counts == Fail {
                continue;
            }
            let m = self.months(i, p, r.within_years);
            possible += m;
            if counts == Pass {
                have += m;
            }
        }
        if have + 1e-9 >= months {
            Pass
        } else if possible + 1e-9 >= months {
            Unknown
        } else {
            Fail
        }
    }

    /// An exam rule: the accepted exams with the days they are accepted from
    /// (inclusive) and until (exclusive).
    fn exam(&self, accepted: &[(&str, Option<Date>, Option<Date>)]) -> Outcome {
        let inside = |i: usize, on: Date| {
            let (_, from, until) = accepted[i];
            from.is_none_or(|f| f <= on) && until.is_none_or(|u| on < u) && on <= self.day
        };
        let mut undated: Option<usize> = None;
        for e in self.p.exams.iter().filter(|e| e.passed) {
            for (i, a) in accepted.iter().enumerate() {
                if a.0 == e.exam.as_str() && inside(i, e.date) {
                    return Pass;
                }
            }
        }
        for h in &self.p.credentials {
            let Some(exam) = exam_of(h.id.as_str()) else {
                continue;
            };
            for (i, a) in accepted.iter().enumerate() {
                if a.0 != exam {
                    continue;
                }
                match h.earned {
                    Some(on) if inside(i, on) => return Pass,
                    Some(_) => {}
                    None => undated = undated.max(Some(i)),
                }
            }
        }
        match undated {
            Some(i) if accepted[i].1.is_none() && accepted[i].2.is_none() => Pass,
            Some(_) => Unknown,
            None => Fail,
        }
    }
}

/// The exam a held certification counts as passed (the catalog's
/// `exam` of the credentials whose exams these rules accept).
fn exam_of(credential: &str) -> Option<&'static str> {
    match credential {
        "ascp-mls" => Some("ascp-mls-exam"),
        "ascpi-mls" => Some("ascpi-mls-exam"),
        "amt-mls" => Some("amt-mls-exam"),
        "aab-mt" => Some("aab-mt-exam"),
        _ => None,
    }
}

/// A degree rule.
struct Deg {
    min: DegreeLevel,
    fields: &'static [FieldArea],
    accredited: bool,
    us: bool,
    outside: &'static [&'static str],
}

/// An experience rule (none of the floor's has per-discipline minimums).
struct Exp {
    disciplines: &'static [Discipline],
    countries: &'static [&'static str],
    accreditations: &'static [LabAccreditation],
    within_years: Option<u32>,
}

fn period_counts(r: &Exp, p: &ExperiencePeriod) -> Outcome {
    if !p.setting.is_clinical() {
        return Fail;
    }
    let discipline = if r.disciplines.is_empty() {
        Pass
    } else if p.disciplines.is_empty() {
        Unknown
    } else if p.disciplines.iter().any(|d| r.disciplines.contains(d)) {
        Pass
    } else {
        Fail
    };
    let accredited = || {
        if p.accreditation.is_empty() {
            Unknown
        } else if p.accreditation.iter().any(|a| r.accreditations.contains(a)) {
            Pass
        } else {
            Fail
        }
    };
    let place = match (r.countries.is_empty(), r.accreditations.is_empty()) {
        (true, true) => Pass,
        (false, true) if r.countries.contains(&p.country.as_str()) => Pass,
        (false, true) => Fail,
        (true, false) => accredited(),
        (false, false) if r.countries.contains(&p.country.as_str()) => Pass,
        (false, false) => accredited(),
    };
    discipline.max(place)
}

use DegreeLevel::{Associate, Bachelor, Diploma};
use Discipline as Di;
use FieldArea as Fa;
use LabAccreditation as La;
use ProgramKind as Pk;
use Subject as S;
use Topic as T;

/// Outside the US and Canada (ASCPi's degrees).
const ABROAD: &[&str] = &["US", "CA", "PR", "GU", "VI", "AS", "MP"];
const SIX: &[Discipline] = &[
    Di::BloodBanking,
    Di::Chemistry,
    Di::Hematology,
    Di::Microbiology,
    Di::Immunology,
    Di::Urinalysis,
];
const ASCPI_LABS: &[LabAccreditation] = &[La::Jci, La::Cap, La::Iso15189, La::Ministry];

const fn deg(min: DegreeLevel, fields: &'static [FieldArea], accredited: bool, us: bool) -> Deg {
    Deg {
        min,
        fields,
        accredited,
        us,
        outside: &[],
    }
}

const fn abroad(min: DegreeLevel, fields: &'static [FieldArea]) -> Deg {
    Deg {
        min,
        fields,
        accredited: true,
        us: false,
        outside: ABROAD,
    }
}

const fn exp(
    disciplines: &'static [Discipline],
    accreditations: &'static [LabAccreditation],
    within_years: Option<u32>,
) -> Exp {
    Exp {
        disciplines,
        countries: &[],
        accreditations,
        within_years,
    }
}

const BACH_ACC_US: Deg = deg(Bachelor, &[], true, true);
const ASSOC_ACC_US: Deg = deg(Associate, &[], true, true);
const BACH_US: Deg = deg(Bachelor, &[], false, true);
const ANY_CLINICAL: Exp = exp(&[], &[], None);
const SIX_ANYWHERE: Exp = exp(SIX, &[], None);

/// Decides the eight credentials for `profile` on `on`.
pub fn decide(catalog: &Catalog, profile: &Profile, on: Date) -> Decisions {
    let f = F::new(catalog, profile, on);
    let mut routes = [RouteDecision::NotInForce; 36];
    let mut i = 0;
    let mut put = |o: Option<Outcome>| {
        routes[i] = o.map_or(RouteDecision::NotInForce, RouteDecision::In);
        i += 1;
    };
    ascp_mls(&f, &mut put);
    ascp_mlt(&f, &mut put);
    ascpi(&f, &mut put);
    amt(&f, &mut put);
    new_york(&f, &mut put);
    california(&f, &mut put);
    let mut status = [Status::NoRoute; 8];
    let mut start = 0;
    for (k, n) in ROUTES.iter().enumerate() {
        status[k] = status_of(
            f.held(IDS[k]),
            &routes[start..start + n],
            WHOLLY_UNCONFIRMED[k],
        );
        start += n;
    }
    Decisions { status, routes }
}

/// The engine's status rule, with the unconfirmable routes known by index.
fn status_of(held: bool, routes: &[RouteDecision], unconfirmed: &[usize]) -> Status {
    let mut decisive: Option<Outcome> = None;
    let mut any: Option<Outcome> = None;
    for (i, r) in routes.iter().enumerate() {
        if let RouteDecision::In(o) = *r {
            any = Some(any.map_or(o, |a| a.min(o)));
            if !unconfirmed.contains(&i) {
                decisive = Some(decisive.map_or(o, |a| a.min(o)));
            }
        }
    }
    match (held, decisive.or(any)) {
        (true, _) => Status::Held,
        (false, Some(Pass)) => Status::Eligible,
        (false, Some(Unknown)) => Status::Unknown,
        (false, Some(Fail)) => Status::NotYet,
        (false, None) => Status::NoRoute,
    }
}

fn ascp_mls(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    let bio = || {
        f.coursework(
            &[S::Biology],
            16.0,
            &[&[T::Microbiology, T::MedicalMicrobiology]],
        )
    };
    let chem = || {
        f.coursework(
            &[S::Chemistry],
            16.0,
            &[&[T::OrganicChemistry, T::Biochemistry]],
        )
    };
    put(Some(all!(
        f.shared(0, &BACH_ACC_US),
        f.program(&[Pk::NaaclsMls], Some(5))
    )));
    put(Some(all!(
        f.shared(0, &BACH_ACC_US),
        f.program(&[Pk::CaApprovedClsTraining], None)
    )));
    put(Some(all!(
        f.credential(&["ascp-mlt"]),
        f.shared(0, &BACH_ACC_US),
        bio(),
        chem(),
        f.experience(24.0, &SIX_ANYWHERE),
    )));
    put(Some(all!(
        f.credential(&["ascp-mlt"]),
        f.shared(0, &BACH_ACC_US),
        bio(),
        f.coursework(&[S::Chemistry], 16.0, &[]),
        f.program(
            &[
                Pk::NaaclsMls,
                Pk::NaaclsMlt,
                Pk::AbhesMlt,
                Pk::ForeignMlsTraining
            ],
            Some(5)
        ),
        f.experience(12.0, &SIX_ANYWHERE),
    )));
    put((f.day < day(2023, 1, 1))
        .then(|| all!(f.degree(&deg(Bachelor, &[], true, false)), Unknown)));
    put(Some(all!(
        f.shared(0, &BACH_ACC_US),
        bio(),
        chem(),
        f.experience(60.0, &SIX_ANYWHERE),
    )));
    put(Some(all!(
        f.credential(&["ascpi-mls"]),
        f.experience(60.0, &SIX_ANYWHERE),
        Unknown,
    )));
    put(Some(Unknown));
}

fn ascp_mlt(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    let education = || any!(f.shared(1, &ASSOC_ACC_US), f.credits(60.0));
    let sciences = || {
        all!(
            f.coursework(&[S::Chemistry], 6.0, &[]),
            f.coursework(&[S::Biology], 6.0, &[])
        )
    };
    put(Some(all!(
        education(),
        f.program(&[Pk::NaaclsMlt, Pk::AbhesMlt], Some(5))
    )));
    put((f.day < day(2023, 1, 1)).then(|| {
        all!(
            any!(f.degree(&deg(Associate, &[], true, false)), f.credits(60.0)),
            Unknown
        )
    }));
    put(Some(all!(
        education(),
        sciences(),
        f.program(&[Pk::Military50Week], Some(10))
    )));
    const LABS: Exp = Exp {
        disciplines: SIX,
        countries: &["US", "CA"],
        accreditations: &[
            La::Clia,
            La::Cap,
            La::Jci,
            La::JointCommission,
            La::Iso15189,
        ],
        within_years: Some(10),
    };
    put(Some(all!(
        education(),
        sciences(),
        f.experience(36.0, &LABS)
    )));
}

fn ascpi(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    const MBC: &[FieldArea] = &[Fa::MedicalLaboratoryScience, Fa::Biology, Fa::Chemistry];
    put(Some(all!(
        f.degree(&abroad(Bachelor, MBC)),
        f.program(&[Pk::ForeignMlsTraining], None)
    )));
    const THREE: Exp = exp(
        &[Di::Microbiology, Di::Hematology, Di::Chemistry],
        ASCPI_LABS,
        None,
    );
    put(Some(all!(
        f.degree(&abroad(Bachelor, &[Fa::MedicalLaboratoryScience])),
        f.experience(36.0, &THREE)
    )));
    put(Some(all!(
        f.degree(&abroad(
            Diploma,
            &[
                Fa::MedicalLaboratoryScience,
                Fa::MedicalLaboratoryTechnology
            ]
        )),
        Unknown
    )));
    const FOUR: Exp = exp(
        &[
            Di::Chemistry,
            Di::BloodBanking,
            Di::Hematology,
            Di::Microbiology,
        ],
        ASCPI_LABS,
        None,
    );
    put(Some(all!(
        f.degree(&abroad(Bachelor, MBC)),
        f.experience(60.0, &FOUR)
    )));
    put(Some(all!(
        f.degree(&abroad(Bachelor, &[])),
        f.degree(&abroad(Diploma, &[Fa::Biology, Fa::Chemistry])),
        f.experience(60.0, &exp(&[], ASCPI_LABS, None)),
    )));
    // MLT(ASCPi)
    put(Some(all!(
        f.degree(&abroad(Diploma, &[Fa::MedicalLaboratoryScience])),
        f.declared("ascpi_mlt_diploma_core_training")
    )));
    put(Some(all!(
        f.degree(&abroad(Diploma, &[Fa::Biology, Fa::Chemistry])),
        Unknown
    )));
    put(Some(Unknown));
}

fn amt(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    put(Some(all!(
        f.degree(&deg(Bachelor, &[Fa::MedicalLaboratoryScience], true, true)),
        f.declared("amt_mls_degree_within_5_years")
    )));
    put(Some(all!(
        f.shared(0, &BACH_ACC_US),
        f.program(&[Pk::NaaclsMlt, Pk::AbhesMlt, Pk::Military50Week], None),
        f.experience(12.0, &ANY_CLINICAL),
    )));
    put(Some(all!(
        f.shared(0, &BACH_ACC_US),
        f.coursework(
            &[
                S::Biology,
                S::Chemistry,
                S::Physics,
                S::Mathematics,
                S::Statistics,
                S::MedicalLaboratoryScience,
                S::OtherScience
            ],
            35.0,
            &[]
        ),
        any!(
            f.program(&[Pk::NaaclsMls], None),
            f.experience(12.0, &exp(&[], &[], Some(5)))
        ),
    )));
    // MLT(AMT)
    put(Some(all!(
        f.degree(&deg(
            Associate,
            &[
                Fa::MedicalLaboratoryTechnology,
                Fa::MedicalLaboratoryScience
            ],
            true,
            true
        )),
        f.declared("amt_mlt_degree_within_5_years")
    )));
    put(Some(all!(f.credits(60.0), Unknown)));
    put(Some(all!(
        f.program(&[Pk::Military50Week], Some(5)),
        f.declared("amt_military_credits_accepted")
    )));
}

fn new_york(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    let person = || {
        all!(
            f.declared("good_moral_character"),
            f.declared("age_18_or_over")
        )
    };
    let exam = || {
        f.exam(&[
            ("ascp-mls-exam", Some(day(2001, 9, 1)), None),
            ("ascpi-mls-exam", Some(day(2015, 1, 1)), None),
        ])
    };
    let programs = [Pk::NaaclsMls, Pk::StateRegisteredClt];
    put(Some(all!(
        person(),
        f.degree(&deg(Bachelor, &[Fa::MedicalLaboratoryScience], false, true)),
        f.program(&programs, None),
        exam(),
    )));
    put(Some(all!(
        person(),
        f.credential(&["ascp-mls", "ascpi-mls"]),
        exam()
    )));
    put(Some(all!(
        person(),
        f.shared(2, &BACH_US),
        f.program(&programs, None),
        Unknown,
        exam(),
    )));
    put(Some(all!(
        person(),
        any!(
            f.credential(&["ca-cls-license", "fl-technologist-license"]),
            f.declared("ny_licensed_technologist_elsewhere")
        ),
        Unknown,
        exam(),
    )));
    const SCIENCES: &[FieldArea] = &[
        Fa::MedicalLaboratoryScience,
        Fa::Biology,
        Fa::Chemistry,
        Fa::PhysicalScience,
    ];
    put(Some(all!(
        person(),
        f.degree(&deg(Bachelor, SCIENCES, false, true)),
        f.experience(24.0, &ANY_CLINICAL),
        Unknown,
        exam(),
    )));
}

fn california(f: &F<'_>, put: &mut impl FnMut(Option<Outcome>)) {
    let exam = || {
        any!(
            f.exam(&[
                ("ascp-mls-exam", Some(day(2002, 10, 1)), None),
                ("ascpi-mls-exam", Some(day(2007, 6, 1)), None),
                ("amt-mls-exam", Some(day(2014, 1, 1)), None),
                ("aab-mt-exam", Some(day(2003, 1, 1)), None),
            ]),
            all!(
                f.exam(&[(
                    "ascpi-mls-exam",
                    Some(day(2003, 6, 1)),
                    Some(day(2007, 6, 1))
                )]),
                Unknown
            ),
            all!(
                f.exam(&[("ascp-mls-exam", None, Some(day(2002, 10, 1)))]),
                Unknown
            ),
        )
    };
    let quiz = || f.exam(&[("ca-law-quiz", None, None)]);
    let bachelor = || f.shared(2, &BACH_US);
    let old_sciences = || {
        all!(
            any!(
                f.coursework(&[S::Chemistry], 16.0, &[&[T::ClinicalChemistry]]),
                f.coursework(
                    &[S::Chemistry],
                    16.0,
                    &[&[T::AnalyticalChemistry], &[T::Biochemistry]]
                ),
            ),
            f.coursework(
                &[S::Biology],
                18.0,
                &[
                    &[T::Hematology],
                    &[T::Immunology],
                    &[T::MedicalMicrobiology]
                ]
            ),
            f.coursework(&[S::Physics], 3.0, &[&[T::LightAndElectricity]]),
        )
    };
    let new_sciences = || {
        all!(
            f.coursework(
                &[S::Chemistry],
                16.0,
                &[
                    &[T::QuantitativeChemistry, T::AnalyticalChemistry],
                    &[T::ClinicalChemistry, T::Biochemistry]
                ]
            ),
            f.coursework(
                &[S::Biology],
                16.0,
                &[
                    &[T::Hematology],
                    &[T::Immunology],
                    &[T::MedicalMicrobiology]
                ]
            ),
            f.coursework(&[S::Physics, S::Mathematics, S::Statistics], 3.0, &[]),
        )
    };
    let training = || f.program(&[Pk::CaApprovedClsTraining], None);
    let year = || {
        all!(
            f.experience(12.0, &ANY_CLINICAL),
            f.declared("ca_high_complexity_experience"),
            f.declared("ca_experience_not_unlicensed_in_california"),
        )
    };
    let before_2025 = f.day < day(2025, 1, 1);
    put(before_2025.then(|| all!(bachelor(), old_sciences(), training(), exam(), quiz())));
    put(before_2025.then(|| all!(bachelor(), old_sciences(), year(), exam(), quiz())));
    put((!before_2025).then(|| all!(bachelor(), new_sciences(), training(), exam(), quiz())));
    put((!before_2025).then(|| all!(bachelor(), new_sciences(), year(), exam(), quiz())));
    put(Some(all!(
        f.credits(90.0),
        f.coursework(
            &[
                S::Biology,
                S::Chemistry,
                S::Physics,
                S::MedicalLaboratoryScience,
                S::OtherScience
            ],
            23.0,
            &[]
        ),
        f.declared("ca_two_years_licensed_cls_trainee"),
        exam(),
        quiz(),
    )));
}
