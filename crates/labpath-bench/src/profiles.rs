//! The profiles and days the benchmark runs on: the example profiles of
//! `examples/profiles/`, and plausible random ones from a seeded generator
//! that draws its words from the catalog itself (its credentials, exams,
//! declared facts, states, countries and their usual degree titles), so
//! random profiles reach the rules' branches rather than missing them all.

use std::path::{Path, PathBuf};

use fastrand::Rng;
use labpath_engine::catalog::Catalog;
use labpath_engine::ids::{CredentialId, ExamId};
use labpath_engine::profile::{
    Course, Education, EnglishTest, Evaluation, ExamResult, ExperiencePeriod, HeldCredential,
    HourUnit, Person, Profile, Program, Residence,
};
use labpath_engine::requirement::Requirement;
use labpath_engine::units::{Code, Date, Hours};
use labpath_engine::vocab::{
    DegreeLevel, Discipline, EnglishTestKind, FieldArea, LabAccreditation, ProgramKind,
    SchoolAccreditation, Setting, Subject, Topic,
};

/// A profile with the name it is reported under.
#[derive(Debug, Clone)]
pub struct Named {
    /// The example file's stem, or `random-N`.
    pub name: String,
    /// The profile.
    pub profile: Profile,
}

/// The folder of example profiles in this repository.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles")
}

/// Every example profile, by file name order.
pub fn examples(catalog: &Catalog) -> Result<Vec<Named>, String> {
    let dir = examples_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let profile = labpath_catalog::profile::load(path, catalog)
                .map_err(|d| format!("`{}`: {d:?}", path.display()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Named { name, profile })
        })
        .collect()
}

/// The as-of days: `per_year` days in each year from 2015 to 2030 (the
/// first of January, then spread over the year), plus the 28th and 29th of
/// February of the leap years, where year arithmetic clamps.
pub fn days(per_year: u32) -> Vec<Date> {
    let mut out = Vec::new();
    for year in 2015..=2030 {
        for i in 0..per_year.max(1) {
            let month = 1 + (i * 12 / per_year.max(1)) % 12;
            let day = 1 + (i * 7) % 28;
            out.extend(Date::from_ymd(year, month, day));
        }
        if year % 4 == 0 {
            out.extend(Date::from_ymd(year, 2, 28));
            out.extend(Date::from_ymd(year, 2, 29));
        }
    }
    out
}

/// A country's usual degree: its title, level and field.
type UsualDegree = (String, DegreeLevel, FieldArea);

/// What the generator draws from: the catalog's own words.
struct Words {
    credentials: Vec<CredentialId>,
    exams: Vec<ExamId>,
    declared: Vec<String>,
    states: Vec<Code>,
    /// Countries, with the titles of their usual degrees (may be empty).
    countries: Vec<(Code, Vec<UsualDegree>)>,
    /// Scores that English rules ask for, per test.
    english: Vec<(EnglishTestKind, f64, Option<f64>)>,
}

impl Words {
    fn of(catalog: &Catalog) -> Words {
        let mut declared = Vec::new();
        let mut english = Vec::new();
        for c in catalog.credentials() {
            for r in &c.routes {
                r.requires.walk(&mut |node| match node {
                    Requirement::Declared(d) if !declared.contains(&d.key) => {
                        declared.push(d.key.clone());
                    }
                    Requirement::English(e) => {
                        english.extend(e.tests.iter().map(|t| (t.test, t.overall, t.speaking)));
                    }
                    _ => {}
                });
            }
        }
        let mut countries: Vec<(Code, Vec<UsualDegree>)> = catalog
            .countries()
            .iter()
            .map(|c| {
                let titles = c
                    .degrees
                    .iter()
                    .map(|d| (d.title.clone(), d.level, d.field))
                    .collect();
                (c.code, titles)
            })
            .collect();
        for code in ["US", "CA", "PH", "IN", "NG", "GB", "KR", "MX", "FR", "PR"] {
            if let Ok(code) = Code::parse(code) {
                if !countries.iter().any(|(c, _)| *c == code) {
                    countries.push((code, Vec::new()));
                }
            }
        }
        Words {
            credentials: catalog.credentials().iter().map(|c| c.id.clone()).collect(),
            exams: catalog.exams().iter().map(|e| e.id.clone()).collect(),
            declared,
            states: catalog.jurisdictions().iter().map(|j| j.code).collect(),
            countries,
            english,
        }
    }
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.usize(..items.len()))
    }
}

fn some_of<T: Copy>(rng: &mut Rng, items: &[T], most: usize) -> Vec<T> {
    let n = rng.usize(..=most);
    (0..n).filter_map(|_| pick(rng, items).copied()).collect()
}

fn date(rng: &mut Rng, from_year: i32, to_year: i32) -> Date {
    let year = rng.i32(from_year..=to_year);
    let month = rng.u32(1..=12);
    // The 28th and 29th of February come up often: year arithmetic clamps there.
    let day = if rng.u8(..8) == 0 {
        28
    } else {
        rng.u32(1..=28)
    };
    Date::from_ymd(year, month, day)
        .or(Date::from_ymd(year, 2, 28))
        .unwrap_or_else(Date::today)
}

fn hours(value: f64) -> Hours {
    Hours::semester(value).unwrap_or(Hours::ZERO)
}

/// `count` random profiles from `seed`: the same seed gives the same profiles.
pub fn random(catalog: &Catalog, seed: u64, count: usize) -> Vec<Named> {
    let words = Words::of(catalog);
    let mut rng = Rng::with_seed(seed);
    (0..count)
        .map(|i| Named {
            name: format!("random-{i}"),
            profile: one(&mut rng, &words),
        })
        .collect()
}

fn one(rng: &mut Rng, w: &Words) -> Profile {
    let codes: Vec<Code> = w.countries.iter().map(|(c, _)| *c).collect();
    let home = pick(rng, &codes).copied().unwrap_or(Code::US);
    Profile {
        person: person(rng, w, home, &codes),
        education: (0..rng.usize(..=3))
            .map(|_| education(rng, w, home))
            .collect(),
        coursework: if rng.u8(..5) == 0 {
            Vec::new()
        } else {
            (0..rng.usize(1..=8)).map(|_| course(rng)).collect()
        },
        programs: (0..rng.usize(..=2))
            .map(|_| Program {
                kind: pick(rng, ProgramKind::ALL)
                    .copied()
                    .unwrap_or(ProgramKind::NaaclsMls),
                name: None,
                completed: date(rng, 2000, 2031),
                country: Some(home),
            })
            .collect(),
        experience: (0..rng.usize(..=3)).map(|_| period(rng, home)).collect(),
        credentials: (0..rng.usize(..=2)).filter_map(|_| held(rng, w)).collect(),
        exams: (0..rng.usize(..=3))
            .filter_map(|_| {
                Some(ExamResult {
                    exam: pick(rng, &w.exams)?.clone(),
                    date: date(rng, 1998, 2030),
                    passed: rng.u8(..4) != 0,
                    score: None,
                })
            })
            .collect(),
        english_tests: (0..rng.usize(..=2))
            .filter_map(|_| english(rng, w))
            .collect(),
        declarations: some_of(rng, &w.declared.iter().collect::<Vec<_>>(), 6)
            .into_iter()
            .cloned()
            .collect(),
        declined: some_of(rng, &w.declared.iter().collect::<Vec<_>>(), 2)
            .into_iter()
            .cloned()
            .collect(),
    }
}

fn person(rng: &mut Rng, w: &Words, home: Code, codes: &[Code]) -> Person {
    let mut citizenship = if rng.u8(..6) == 0 {
        Vec::new()
    } else {
        vec![home]
    };
    citizenship.extend(some_of(rng, codes, 1));
    let residence = (rng.u8(..5) != 0).then(|| {
        let in_us = rng.bool();
        Residence {
            country: if in_us { Code::US } else { home },
            state: if in_us {
                pick(rng, &w.states).copied()
            } else {
                None
            },
            since: (rng.u8(..4) != 0).then(|| date(rng, 1995, 2029)),
        }
    });
    Person {
        name: String::new(),
        citizenship,
        residence,
        work_state: if rng.u8(..4) == 0 {
            None
        } else {
            pick(rng, &w.states).copied()
        },
        wage_level: None,
        email: None,
    }
}

fn education(rng: &mut Rng, w: &Words, home: Code) -> Education {
    let country = if rng.u8(..3) == 0 { Code::US } else { home };
    let usual = w
        .countries
        .iter()
        .find(|(c, _)| *c == country)
        .and_then(|(_, titles)| pick(rng, titles).cloned());
    let (title, level, field) = match usual {
        Some(t) if rng.u8(..3) != 0 => t,
        _ => (
            "a degree".to_owned(),
            pick(rng, DegreeLevel::ALL)
                .copied()
                .unwrap_or(DegreeLevel::Bachelor),
            pick(rng, FieldArea::ALL)
                .copied()
                .unwrap_or(FieldArea::Biology),
        ),
    };
    Education {
        title,
        level,
        field,
        country,
        institution: None,
        completed: (rng.u8(..6) != 0).then(|| date(rng, 1990, 2030)),
        accreditation: if rng.u8(..4) == 0 {
            None
        } else {
            pick(rng, SchoolAccreditation::ALL).copied()
        },
        semester_hours: (rng.bool()).then(|| hours(f64::from(rng.u32(30..=200)))),
        evaluation: (rng.u8(..3) == 0).then(|| Evaluation {
            agency: "WES".to_owned(),
            date: None,
            course_by_course: rng.bool(),
            us_level: pick(rng, DegreeLevel::ALL)
                .copied()
                .unwrap_or(DegreeLevel::Bachelor),
        }),
    }
}

fn course(rng: &mut Rng) -> Course {
    let quarter = rng.u8(..4) == 0;
    let value = f64::from(rng.u32(1..=20));
    Course {
        title: None,
        subject: pick(rng, Subject::ALL).copied().unwrap_or(Subject::Biology),
        topics: some_of(rng, Topic::ALL, 2),
        hours: if quarter {
            Hours::quarter(value).unwrap_or(Hours::ZERO)
        } else {
            hours(value)
        },
        unit: if quarter {
            HourUnit::Quarter
        } else {
            HourUnit::Semester
        },
    }
}

fn period(rng: &mut Rng, home: Code) -> ExperiencePeriod {
    let start = date(rng, 1995, 2029);
    let end = (rng.u8(..3) != 0).then(|| start.add_days(i64::from(rng.u32(20..=3000))));
    ExperiencePeriod {
        employer: None,
        start,
        end,
        fte: *pick(rng, &[1.0, 1.0, 0.5, 0.75, 0.3]).unwrap_or(&1.0),
        disciplines: some_of(rng, Discipline::ALL, 4),
        setting: pick(rng, Setting::ALL)
            .copied()
            .unwrap_or(Setting::Hospital),
        accreditation: some_of(rng, LabAccreditation::ALL, 2),
        country: if rng.u8(..3) == 0 { Code::US } else { home },
    }
}

fn held(rng: &mut Rng, w: &Words) -> Option<HeldCredential> {
    let earned = (rng.u8(..4) != 0).then(|| date(rng, 1998, 2030));
    let expires = (rng.bool()).then(|| {
        earned
            .unwrap_or_else(|| date(rng, 2005, 2030))
            .add_days(i64::from(rng.u32(0..=4000)))
    });
    Some(HeldCredential {
        id: pick(rng, &w.credentials)?.clone(),
        earned,
        expires: if earned.is_none() { None } else { expires },
    })
}

fn english(rng: &mut Rng, w: &Words) -> Option<EnglishTest> {
    let (test, overall, speaking) = match pick(rng, &w.english) {
        Some(&(t, o, s)) if rng.u8(..4) != 0 => {
            let nudge = *pick(rng, &[-1.0, -0.5, 0.0, 0.0, 0.5, 2.0]).unwrap_or(&0.0);
            (t, (o + nudge).max(0.0), s.map(|s| (s + nudge).max(0.0)))
        }
        _ => (
            pick(rng, EnglishTestKind::ALL).copied()?,
            f64::from(rng.u32(0..=120)),
            None,
        ),
    };
    Some(EnglishTest {
        test,
        date: date(rng, 2010, 2030),
        overall,
        speaking: if rng.u8(..4) == 0 { None } else { speaking },
    })
}
