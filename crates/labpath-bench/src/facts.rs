//! The facts a JSONLogic rule reads, derived once per profile and as-of day
//! into a JSON document: what the rules' leaves compare against, with the
//! date arithmetic already done (JSONLogic has no calendar). Dates are
//! `YYYYMMDD` numbers, so "N years after" is `+ N * 10000`; pass, unknown
//! and fail are 2, 1 and 0 in the rules, and an absent number is -1 here.
//!
//! | key | what |
//! |-----|------|
//! | `day` | the as-of day |
//! | `held`, `cur` | credentials held at all / current on the day |
//! | `exd.ID`, `exu` | days (up to the as-of day) each exam was passed; exams passed through a credential earned on a day not given |
//! | `edu`, `edu0` | per degree: completed by the day, country, level rank, field, accreditation (`y`/`n`/`?`), evaluated US level (-1 none; foreign degrees only), foreign, and the range of rule levels its country's usual US equivalent certainly meets (`ulo`) or may meet (`uhi`); whether there is none |
//! | `hrs.S`, `top.S`, `told` | semester hours and topics per subject; whether any coursework is listed |
//! | `cmax`, `call` | the highest stated total credit (-1 none); whether every degree states it |
//! | `prog` | programs completed by the day: kind, completion day |
//! | `exp` | per work period: clinical, disciplines (`d`, `d0` none told), accreditations (`a`, `a0`), country, months up to the day (`m`) and within each window of years the catalog uses (`wN`) |
//! | `cit`, `cit0` | citizenships; none given |
//! | `res` | residence: state (`""` none), country, months since (-1 not told); `res0` none |
//! | `eng`, `eng0` | English tests taken by the day: test, overall, speaking (-1 none); no test at all |
//! | `decl`, `decn` | declared and declined facts |
//! | `ws` | the work state (`""` none) |

use labpath_engine::catalog::Catalog;
use labpath_engine::eval::months_within;
use labpath_engine::profile::{ExperiencePeriod, Profile};
use labpath_engine::units::{Code, DAYS_PER_MONTH, Date};
use labpath_engine::vocab::{DegreeLevel, SchoolAccreditation, Subject, UsEquivalent};
use serde_json::{Map, Value, json};

/// A day as the number `YYYYMMDD`.
pub fn ymd(day: Date) -> i64 {
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

/// A degree level's rank (high school 0 .. doctorate 5).
pub fn rank(level: DegreeLevel) -> i64 {
    DegreeLevel::ALL
        .iter()
        .position(|l| *l == level)
        .map_or(-1, |p| p as i64)
}

/// The rule levels a usual US equivalent certainly meets (up to `lo`) and
/// may meet (up to `hi`), as ranks; see `UsEquivalent::meets`.
fn usual_range(usual: Option<UsEquivalent>) -> (i64, i64) {
    let mut lo = -1;
    let mut hi = -1;
    for level in DegreeLevel::ALL {
        match usual.and_then(|u| u.meets(*level)) {
            Some(true) => {
                lo = rank(*level);
                hi = rank(*level);
            }
            None => hi = rank(*level),
            Some(false) => {}
        }
    }
    (lo, hi)
}

fn words<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(
        items
            .into_iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect(),
    )
}

/// The facts of `profile` on `day`; `windows` are the `within_years` values
/// of the catalog's experience rules.
pub fn derive(catalog: &Catalog, profile: &Profile, day: Date, windows: &[u32]) -> Value {
    let mut doc = Map::new();
    doc.insert("day".into(), json!(ymd(day)));
    doc.insert(
        "held".into(),
        words(profile.credentials.iter().map(|h| h.id.as_str())),
    );
    doc.insert(
        "cur".into(),
        words(
            profile
                .credentials
                .iter()
                .filter(|h| h.current_on(day))
                .map(|h| h.id.as_str()),
        ),
    );
    exams(catalog, profile, day, &mut doc);
    education(catalog, profile, day, &mut doc);
    coursework(profile, &mut doc);
    let programs: Vec<Value> = profile
        .programs
        .iter()
        .filter(|p| p.completed <= day)
        .map(|p| json!({"k": p.kind, "c": ymd(p.completed)}))
        .collect();
    doc.insert("prog".into(), Value::Array(programs));
    let periods: Vec<Value> = profile
        .experience
        .iter()
        .map(|p| period(p, day, windows))
        .collect();
    doc.insert("exp".into(), Value::Array(periods));
    let person = &profile.person;
    doc.insert("cit".into(), words(&person.citizenship));
    doc.insert("cit0".into(), json!(person.citizenship.is_empty()));
    doc.insert("res0".into(), json!(person.residence.is_none()));
    if let Some(r) = &person.residence {
        let months = r
            .since
            .map_or(-1.0, |s| s.days_until(day).max(0) as f64 / DAYS_PER_MONTH);
        doc.insert(
            "res".into(),
            json!({"s": r.state.map_or(String::new(), |s| s.as_str().to_owned()), "c": r.country, "m": months}),
        );
    }
    let tests: Vec<Value> = profile
        .english_tests
        .iter()
        .filter(|t| t.date <= day)
        .map(|t| json!({"t": t.test, "o": t.overall, "s": t.speaking.unwrap_or(-1.0)}))
        .collect();
    doc.insert("eng".into(), Value::Array(tests));
    doc.insert("eng0".into(), json!(profile.english_tests.is_empty()));
    doc.insert("decl".into(), words(&profile.declarations));
    doc.insert("decn".into(), words(&profile.declined));
    doc.insert(
        "ws".into(),
        json!(
            person
                .work_state
                .map_or(String::new(), |s| s.as_str().to_owned())
        ),
    );
    Value::Object(doc)
}

fn exams(catalog: &Catalog, profile: &Profile, day: Date, doc: &mut Map<String, Value>) {
    let mut dated: Map<String, Value> = Map::new();
    let mut undated = Vec::new();
    let mut add = |id: &str, on: Date| {
        if on <= day {
            if let Value::Array(days) = dated
                .entry(id.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                days.push(json!(ymd(on)));
            }
        }
    };
    for e in profile.exams.iter().filter(|e| e.passed) {
        add(e.exam.as_str(), e.date);
    }
    for h in &profile.credentials {
        if let Some(exam) = catalog
            .credential(h.id.as_str())
            .and_then(|c| c.exam.as_ref())
        {
            match h.earned {
                Some(on) => add(exam.as_str(), on),
                None => undated.push(exam.as_str()),
            }
        }
    }
    doc.insert("exd".into(), Value::Object(dated));
    doc.insert("exu".into(), words(undated));
}

fn education(catalog: &Catalog, profile: &Profile, day: Date, doc: &mut Map<String, Value>) {
    let degrees: Vec<Value> = profile
        .education
        .iter()
        .map(|e| {
            let foreign = e.country != Code::US;
            let (ulo, uhi) = usual_range(catalog.foreign_degree(e).map(|d| d.us_equivalent));
            json!({
                "done": e.completed.is_some_and(|d| d <= day),
                "c": e.country,
                "l": rank(e.level),
                "f": e.field,
                "a": match e.accreditation {
                    None => "?",
                    Some(SchoolAccreditation::None) => "n",
                    Some(_) => "y",
                },
                "e": e.evaluation.as_ref().filter(|_| foreign).map_or(-1, |v| rank(v.us_level)),
                "fo": foreign,
                "ulo": ulo,
                "uhi": uhi,
            })
        })
        .collect();
    doc.insert("edu0".into(), json!(degrees.is_empty()));
    doc.insert("edu".into(), Value::Array(degrees));
    let stated = profile.education.iter().filter_map(|e| e.semester_hours);
    let most = stated.fold(-1.0f64, |m, h| if h.value() > m { h.value() } else { m });
    doc.insert("cmax".into(), json!(most));
    doc.insert(
        "call".into(),
        json!(profile.education.iter().all(|e| e.semester_hours.is_some())),
    );
}

fn coursework(profile: &Profile, doc: &mut Map<String, Value>) {
    let mut hours = Map::new();
    let mut topics = Map::new();
    for subject in Subject::ALL {
        let courses = profile.coursework.iter().filter(|c| c.subject == *subject);
        let sum = courses
            .clone()
            .fold(labpath_engine::units::Hours::ZERO, |h, c| h + c.hours);
        let mut seen = Vec::new();
        for t in courses.flat_map(|c| &c.topics) {
            if !seen.contains(t) {
                seen.push(*t);
            }
        }
        hours.insert(subject.word(), json!(sum.value()));
        topics.insert(subject.word(), words(seen));
    }
    doc.insert("hrs".into(), Value::Object(hours));
    doc.insert("top".into(), Value::Object(topics));
    doc.insert("told".into(), json!(!profile.coursework.is_empty()));
}

fn period(p: &ExperiencePeriod, day: Date, windows: &[u32]) -> Value {
    let mut out = Map::new();
    out.insert("cl".into(), json!(p.setting.is_clinical()));
    out.insert("d".into(), words(&p.disciplines));
    out.insert("d0".into(), json!(p.disciplines.is_empty()));
    out.insert("a".into(), words(&p.accreditation));
    out.insert("a0".into(), json!(p.accreditation.is_empty()));
    out.insert("c".into(), json!(p.country));
    out.insert("m".into(), json!(months_within(p, None, day)));
    for years in windows {
        let from = day.sub_years(*years);
        out.insert(
            format!("w{years}"),
            json!(months_within(p, Some(from), day)),
        );
    }
    Value::Object(out)
}
