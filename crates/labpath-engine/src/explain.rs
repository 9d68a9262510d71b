//! Plain-language text for requirements and findings: what a clause needs,
//! what the person has, and for an unknown, the fact to tell us. The CLI,
//! the JSON output and (later) the web pages all use these same sentences.

use std::fmt::Write;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::eval::{
    Clause, CredentialGap, DegreeGap, EnglishMet, ExamGap, Finding, Outcome, ProgramGap,
};
use crate::requirement::Requirement;
use crate::units::Hours;
use crate::vocab::Topic;

/// `a, b or c` (with `joiner` before the last item), written straight into
/// the text it is formatted into: no string per item.
pub(crate) fn list<'a, T: std::fmt::Display>(items: &'a [T], joiner: &'a str) -> List<'a, T> {
    List { items, joiner }
}

/// A list as [`list`] writes it.
pub(crate) struct List<'a, T> {
    items: &'a [T],
    joiner: &'a str,
}

impl<T: std::fmt::Display> std::fmt::Display for List<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some((last, head)) = self.items.split_last() else {
            return Ok(());
        };
        for (i, item) in head.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        if !head.is_empty() {
            write!(f, " {} ", self.joiner)?;
        }
        write!(f, "{last}")
    }
}

fn alternatives(topics: &[Topic]) -> List<'_, Topic> {
    list(topics, "or")
}

fn credential_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog
        .credential(id)
        .map_or(id, |c| c.abbreviation.as_str())
}

/// What a requirement asks for, in one sentence fragment.
pub fn describe_requirement(requirement: &Requirement, catalog: &Catalog) -> String {
    match requirement {
        Requirement::All(of) => format!("all of these {}", of.len()),
        Requirement::Any(of) => format!("one of these {}", of.len()),
        Requirement::AtLeast(a) => format!("at least {} of these {}", a.n, a.of.len()),
        Requirement::Degree(r) => {
            let mut s = r.min_level.label().to_owned();
            if !r.fields.is_empty() {
                let _ = write!(s, " in {}", list(&r.fields, "or"));
            }
            if r.accredited {
                s.push_str(" from an accredited school");
            }
            if r.us_equivalent {
                s.push_str(" (US-equivalent if earned abroad)");
            }
            if !r.earned_outside.is_empty() {
                let _ = write!(s, ", earned outside {}", list(&r.earned_outside, "and"));
            }
            s
        }
        Requirement::Coursework(r) => {
            let mut s = format!(
                "{} semester hours of {}",
                r.min_semester_hours,
                list(&r.subjects, "or")
            );
            if !r.includes.is_empty() {
                let inc: Vec<_> = r.includes.iter().map(|a| alternatives(a)).collect();
                let _ = write!(s, ", including {}", list(&inc, "and"));
            }
            s
        }
        Requirement::Credits(r) => {
            format!("{} semester hours of college credit", r.min_semester_hours)
        }
        Requirement::Program(r) => {
            let mut s = format!("completed {}", list(&r.kinds, "or"));
            if let Some(y) = r.within_years {
                let _ = write!(s, " within the last {y} years");
            }
            s
        }
        Requirement::Experience(r) => {
            let mut s = format!(
                "{} months of full-time clinical laboratory experience",
                r.months
            );
            if !r.disciplines.is_empty() {
                let _ = write!(s, " in {}", list(&r.disciplines, "or"));
            }
            if let (false, Some(m)) = (r.each_of.is_empty(), r.min_months_each) {
                let _ = write!(
                    s,
                    ", at least {m} months each in {}",
                    list(&r.each_of, "and")
                );
            }
            if let Some(y) = r.within_years {
                let _ = write!(s, ", within the last {y} years");
            }
            match (r.countries.is_empty(), r.accreditations.is_empty()) {
                (false, true) => {
                    let _ = write!(s, ", in {}", list(&r.countries, "or"));
                }
                (true, false) => {
                    let _ = write!(s, ", in a laboratory {}", list(&r.accreditations, "or"));
                }
                (false, false) => {
                    let _ = write!(
                        s,
                        ", in {} or in a laboratory {}",
                        list(&r.countries, "or"),
                        list(&r.accreditations, "or")
                    );
                }
                (true, true) => {}
            }
            s
        }
        Requirement::Credential(r) => {
            let names: Vec<&str> = r
                .any_of
                .iter()
                .map(|id| credential_name(catalog, id.as_str()))
                .collect();
            format!(
                "{}{}",
                if r.current { "current " } else { "" },
                list(&names, "or")
            )
        }
        Requirement::Exam(r) => {
            let names: Vec<String> = r
                .accepted
                .iter()
                .map(|a| {
                    let name = catalog
                        .exam(a.exam.as_str())
                        .map_or(a.exam.as_str(), |e| e.name.as_str());
                    match (a.from, a.until) {
                        (Some(f), Some(u)) => format!("{name} (passed {f} to {u})"),
                        (Some(f), None) => format!("{name} (passed on or after {f})"),
                        (None, Some(u)) => format!("{name} (passed before {u})"),
                        (None, None) => name.to_owned(),
                    }
                })
                .collect();
            format!("passed {}", list(&names, "or"))
        }
        Requirement::Citizenship(r) => match (r.any_of.is_empty(), r.none_of.is_empty()) {
            (false, true) => format!("citizen of {}", list(&r.any_of, "or")),
            (true, _) => format!(
                "citizen of a country other than {}",
                list(&r.none_of, "and")
            ),
            (false, false) => format!(
                "citizen of {}, and not of {}",
                list(&r.any_of, "or"),
                list(&r.none_of, "or")
            ),
        },
        Requirement::Residence(r) => format!("{} months' residence in {}", r.months, r.place),
        Requirement::English(r) => {
            let tests: Vec<String> = r
                .tests
                .iter()
                .map(|t| match t.speaking {
                    Some(s) => format!("{} {} (speaking {})", t.test, t.overall, s),
                    None => format!("{} {}", t.test, t.overall),
                })
                .collect();
            let mut s = format!("English: {}", list(&tests, "or"));
            if !r.exempt_if_educated_in.is_empty() {
                let _ = write!(
                    s,
                    "; exempt if educated in {}",
                    list(&r.exempt_if_educated_in, "or")
                );
            }
            s
        }
        Requirement::Declared(r) => r.ask.clone(),
        Requirement::WorkStateLicense(r) => format!(
            "the {} license of the state you will work in, if that state licenses laboratory personnel",
            r.level
        ),
        Requirement::Unconfirmed(r) => format!("not encodable from the sources: {}", r.text),
        Requirement::Eligible(r) => format!(
            "meets the requirements of {}",
            credential_name(catalog, r.credential.as_str())
        ),
    }
}

/// What the person has against a clause, and what is missing or unknown.
pub fn describe_finding(clause: Clause<'_, '_>, catalog: &Catalog) -> String {
    let unknown = clause.outcome == Outcome::Unknown;
    match (clause.finding, clause.requirement) {
        (Finding::Combined { met, need, of }, _) => format!("{met} of {of} met, {need} needed"),
        (
            Finding::Degree {
                have,
                field,
                gap,
                usual,
            },
            _,
        ) => {
            match usual {
                Some(d) => usual_text(catalog, d, *gap),
                None => degree_text(*have, *field, *gap),
            }
        }
        (Finding::Hours { have, need, missing, told }, _) => {
            if !told && unknown {
                return "unknown: tell us your coursework by subject and hours".to_owned();
            }
            let mut s = format!("have {have} of {need} semester hours");
            if !have.reaches(*need) {
                let short = Hours::semester(need.value() - have.value()).unwrap_or(Hours::ZERO);
                let _ = write!(s, " ({short} short)");
            }
            if !missing.is_empty() {
                let names: Vec<_> = missing.iter().map(|a| alternatives(a)).collect();
                let _ = write!(s, "; needs {}", list(&names, "and"));
            }
            s
        }
        (Finding::Credits { have, need }, _) => match have {
            Some(h) => format!("have {h} of {need} semester hours"),
            None => "unknown: tell us the total semester hours of your degree (education.semester_hours)".to_owned(),
        },
        (Finding::Program { kind, completed, closes_on, gap }, _) => {
            program_text(*kind, *completed, *closes_on, *gap)
        }
        (Finding::Months { have, possible, need, short, window_from }, _) => {
            let mut s = format!("have {:.0} of {need} months", have.floor());
            if let Some(from) = window_from {
                let _ = write!(s, " counted since {from}");
            }
            for gap in short {
                let _ = write!(s, "; {} {:.0} of {} months", gap.discipline, gap.have.floor(), gap.need);
            }
            if unknown && possible > have {
                let _ = write!(
                    s,
                    "; unknown: {:.0} more months count if you tell us each period's disciplines and laboratory accreditation",
                    (possible - have).floor()
                );
            }
            s
        }
        (Finding::Credential { id, gap }, _) => {
            let name = credential_name(catalog, id.as_str());
            match gap {
                CredentialGap::None => format!("holds {name}"),
                CredentialGap::NotHeld => "not held".to_owned(),
                CredentialGap::NotCurrent => format!("{name} is not current"),
            }
        }
        (Finding::Exam { matched, date, gap }, Requirement::Exam(r)) => {
            let name = matched
                .and_then(|i| r.accepted.get(i))
                .map(|a| catalog.exam(a.exam.as_str()).map_or(a.exam.as_str(), |e| e.name.as_str()))
                .unwrap_or("an accepted exam");
            match (gap, date) {
                (ExamGap::None, Some(d)) => format!("passed {name} on {d}"),
                (ExamGap::None, None) => format!("passed {name}"),
                (ExamGap::NotTaken, _) => "no accepted exam passed yet".to_owned(),
                (ExamGap::Failed, Some(d)) => format!("{name} taken on {d}, not passed"),
                (ExamGap::Failed, None) => format!("{name} not passed"),
                (ExamGap::OutsideDates, Some(d)) => format!("{name} passed on {d}, outside the accepted dates"),
                (ExamGap::OutsideDates, None) => format!("{name} passed outside the accepted dates"),
                (ExamGap::DateNotTold, _) => {
                    format!("unknown: tell us the date you passed {name} (credential `earned` date)")
                }
            }
        }
        (Finding::Exam { .. }, _) => "exam".to_owned(),
        (Finding::Citizenship { have }, _) => {
            if have.is_empty() {
                "unknown: tell us your citizenship (person.citizenship)".to_owned()
            } else {
                format!("citizen of {}", list(have, "and"))
            }
        }
        (Finding::Residence { months, need }, _) => match months {
            Some(m) => format!("{:.0} of {need} months", m.floor()),
            None => "unknown: tell us where you live and since when (person.residence)".to_owned(),
        },
        (Finding::English { met }, _) => match met {
            EnglishMet::Exempt(c) => format!("exempt: educated in {c}"),
            EnglishMet::Test(t) => format!("met by {t}"),
            EnglishMet::No if unknown => "unknown: tell us your English test results (english_test)".to_owned(),
            EnglishMet::No => "no accepted English test at the minimum score".to_owned(),
        },
        (Finding::Declared { key, ask }, _) => {
            if unknown {
                format!("unknown: {ask} (add `{key}` to declarations if so)")
            } else if clause.outcome == Outcome::Fail {
                format!("not true, as you said: {key}")
            } else {
                format!("declared: {key}")
            }
        }
        (Finding::WorkState { state, licenses, license }, _) => match (state, licenses, license) {
            (None, _, _) => "unknown: tell us the state you will work in (person.work_state)".to_owned(),
            (Some(s), false, _) if clause.outcome == Outcome::Pass => {
                format!("{s} does not license laboratory personnel")
            }
            (Some(s), false, _) => format!("unknown: {s} is not in the catalog's jurisdictions"),
            (Some(s), true, Some(id)) => {
                let name = credential_name(catalog, id.as_str());
                if clause.outcome == Outcome::Pass {
                    format!("holds {name} for {s}")
                } else {
                    format!("{s} requires {name}, not held")
                }
            }
            (Some(s), true, None) => format!("unknown: the catalog has no license of this level for {s}"),
        },
        (Finding::Eligible { id, status }, _) => {
            format!("{}: {}", credential_name(catalog, id.as_str()), status.label())
        }
        (Finding::Unconfirmed { .. }, _) => "unknown: the catalog cannot check this rule (see the sources)".to_owned(),
    }
}

fn degree_text(
    have: Option<crate::vocab::DegreeLevel>,
    field: Option<crate::vocab::FieldArea>,
    gap: DegreeGap,
) -> String {
    let what = match (have, field) {
        (Some(l), Some(f)) => format!("{l} in {f}"),
        (Some(l), None) => l.to_string(),
        _ => "no degree".to_owned(),
    };
    match gap {
        DegreeGap::None => format!("have {what}"),
        DegreeGap::NotTold => "unknown: tell us your degrees (education)".to_owned(),
        DegreeGap::LevelTooLow => format!("have {what}: level too low"),
        DegreeGap::FieldNotAccepted => format!("have {what}: field not accepted"),
        DegreeGap::InProgress => format!("{what} not completed yet"),
        DegreeGap::AccreditationNotTold => {
            format!(
                "have {what}; unknown: tell us how the school is accredited (education.accreditation)"
            )
        }
        DegreeGap::NotAccredited => format!("have {what} from a school that is not accredited"),
        DegreeGap::NeedsEvaluation => {
            format!(
                "have {what} earned abroad; unknown: needs a credential evaluation of its US equivalent (education.evaluation)"
            )
        }
        DegreeGap::EvaluatedBelow => format!("evaluated as a US {what}: level too low"),
        DegreeGap::EarnedInExcludedCountry => {
            format!("have {what}, but earned in a country this route excludes")
        }
        DegreeGap::UsuallyBelow => format!("have {what} earned abroad: below the level needed"),
    }
}

/// An unevaluated foreign degree read as one of its country's usual
/// degrees: what evaluators usually find it equal to, and how sure the
/// catalog is, as the reason the clause passed, failed or waits for an
/// evaluation.
fn usual_text(catalog: &Catalog, d: &crate::catalog::ForeignDegree, gap: DegreeGap) -> String {
    let country = catalog
        .countries()
        .iter()
        .find(|c| c.degrees.iter().any(|x| std::ptr::eq(x, d)))
        .map(|c| crate::units::country_name(c.code.as_str()));
    let have = match country {
        Some(name) => format!("have {} ({name})", d.title),
        None => format!("have {}", d.title),
    };
    let sure = d.provenance.confidence;
    match gap {
        DegreeGap::None => format!(
            "{have}, usually evaluated as {} in the US ({sure}); the evaluation report is still needed to apply",
            d.us_equivalent.label()
        ),
        DegreeGap::UsuallyBelow => format!(
            "{have}: usually evaluated as {} in the US, below the level needed ({sure})",
            d.us_equivalent.label()
        ),
        _ => format!(
            "{have}; unknown: the sources read leave its US equivalent to each evaluation, so a credential evaluation decides ({sure}; education.evaluation)"
        ),
    }
}

fn program_text(
    kind: Option<crate::vocab::ProgramKind>,
    completed: Option<crate::units::Date>,
    closes_on: Option<crate::units::Date>,
    gap: ProgramGap,
) -> String {
    let name = kind.map_or_else(|| "program".to_owned(), |k| k.label().to_owned());
    match (gap, completed, closes_on) {
        (ProgramGap::None, Some(c), Some(until)) => {
            format!("{name} completed {c}: open until {until}")
        }
        (ProgramGap::None, Some(c), None) => format!("{name} completed {c}"),
        (ProgramGap::TooOld, Some(c), Some(until)) => {
            format!("{name} completed {c}: the window closed on {until}")
        }
        (ProgramGap::NotCompleted, Some(c), _) => format!("{name} expected to complete {c}"),
        (ProgramGap::Missing, _, _) => "no such program completed".to_owned(),
        _ => name,
    }
}

/// One line of a clause tree, indented by depth.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ExplainLine))]
pub struct Line {
    /// Nesting depth (0 for a route's top clause).
    pub depth: usize,
    /// Pass, fail or unknown.
    pub outcome: Outcome,
    /// What the clause needs.
    pub need: String,
    /// What the person has, and what is missing or unknown.
    pub have: String,
}

/// The clause tree of a route as lines, parents before children.
pub fn clause_lines(clause: Clause<'_, '_>, catalog: &Catalog) -> Vec<Line> {
    let mut lines = Vec::new();
    push_lines(clause, catalog, 0, &mut lines);
    lines
}

fn push_lines(clause: Clause<'_, '_>, catalog: &Catalog, depth: usize, out: &mut Vec<Line>) {
    out.push(Line {
        depth,
        outcome: clause.outcome,
        need: describe_requirement(clause.requirement, catalog),
        have: describe_finding(clause, catalog),
    });
    for child in clause.children() {
        push_lines(child, catalog, depth + 1, out);
    }
}
