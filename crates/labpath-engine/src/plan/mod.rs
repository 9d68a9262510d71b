//! The planner: from a profile and a goal, the plans that reach it.
//!
//! 1. `build` walks backwards from the goal's unmet clauses to the steps that
//!    can meet them, branching on routes and steps: the candidates.
//! 2. `schedule` runs each candidate forward from the start day with median
//!    durations, checking every step's preconditions on its start day (time
//!    passes: experience accrues, time-limited routes close).
//! 3. The feasible candidates on the time/cost frontier are kept; the
//!    fastest (by median schedule) and the cheapest (by known fees) are
//!    marked; every other candidate is listed with the reason it lost.
//! 4. `simulate` gives the 50th, 80th and 90th percentile completion of each
//!    kept plan, seeded and reproducible.

pub mod apply;
pub mod build;
pub mod schedule;
pub mod simulate;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::eval::Ctx;
use crate::facts::Facts;
use crate::ids::{CredentialId, ExamId};
use crate::profile::{HeldCredential, Profile};
use crate::requirement::Requirement;
use crate::units::{Date, Money};
use build::{Blocker, Resolver};
use schedule::{Schedule, requirement_holds, schedule};
use simulate::{Simulation, simulate};

/// What to optimise for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Optimize {
    /// Earliest median completion.
    #[default]
    Time,
    /// Lowest known fees.
    Cost,
}

/// Planner settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The first day of the plan.
    pub from: Date,
    /// What the chosen plan optimises.
    pub optimize: Optimize,
    /// Simulation runs per kept plan.
    pub samples: u32,
    /// Simulation seed.
    pub seed: u64,
}

/// A kept plan with its simulation.
#[derive(Debug, Clone)]
pub struct Kept<'c> {
    /// The schedule.
    pub schedule: Schedule<'c>,
    /// Its simulation.
    pub simulation: Simulation,
    /// Whether it is the fastest.
    pub fastest: bool,
    /// Whether it is the cheapest.
    pub cheapest: bool,
}

/// A candidate that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejected {
    /// The candidate, as its route choices or steps.
    pub plan: String,
    /// Why it lost.
    pub reason: String,
}

/// The planner's answer.
#[derive(Debug, Clone)]
pub struct PlanReport<'c> {
    /// First day.
    pub from: Date,
    /// Whether the goal already holds (no steps needed).
    pub already_met: bool,
    /// Credentials counted as held because their exam was passed.
    pub pending: Vec<Pending>,
    /// Plans on the time/cost frontier, fastest first.
    pub kept: Vec<Kept<'c>>,
    /// Index into `kept` of the plan chosen by the optimisation.
    pub chosen: usize,
    /// Candidates not kept, with reasons.
    pub rejected: Vec<Rejected>,
    /// Requirements no step can satisfy, where they block a route.
    pub blockers: Vec<Blocker>,
    /// Candidates considered.
    pub considered: usize,
}

/// Why no plan reaches the goal.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no plan reaches the goal")]
pub struct Unreachable {
    /// The requirements no step can satisfy.
    pub blockers: Vec<Blocker>,
    /// Candidates that exist but cannot work, with reasons.
    pub rejected: Vec<Rejected>,
}

fn describe(s: &Schedule<'_>) -> String {
    if s.choices.is_empty() {
        let names: Vec<&str> = s.steps.iter().map(|x| x.step.name.as_str()).collect();
        names.join("; ")
    } else {
        s.choices.join("; ")
    }
}

fn dominates(a: &Schedule<'_>, b: &Schedule<'_>) -> bool {
    a.days <= b.days + 1e-9
        && a.cost.known <= b.cost.known
        && (a.days + 1e-9 < b.days || a.cost.known < b.cost.known || a.steps.len() < b.steps.len())
}

fn loss_reason(lost: &Schedule<'_>, against: &Schedule<'_>) -> String {
    let slower = (lost.days - against.days).round();
    let dearer = lost.cost.known.cents() - against.cost.known.cents();
    let mut parts = Vec::new();
    if slower > 0.0 {
        parts.push(format!("slower by {slower} days"));
    }
    if dearer > 0 {
        parts.push(format!("costs {} more", Money::from_cents(dearer)));
    }
    if parts.is_empty() {
        parts.push(format!(
            "needs {} steps where {} suffice",
            lost.steps.len(),
            against.steps.len()
        ));
    }
    format!("{} than a kept plan", parts.join(" and "))
}

/// A credential the plan counts as held because the exam that grants it
/// was passed, though the profile does not list it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pending {
    /// The credential the exam grants.
    pub credential: CredentialId,
    /// The exam passed.
    pub exam: ExamId,
    /// When.
    pub passed_on: Date,
}

/// The profile a plan starts from: each credential whose exam was passed
/// by `day` and that is not held then is counted as held from the exam's
/// day (passing grants it; the certificate follows), so a plan never has
/// someone sit an exam they passed. Returns those credentials too.
pub fn with_passed_exams(
    catalog: &Catalog,
    profile: &Profile,
    day: Date,
) -> (Profile, Vec<Pending>) {
    let mut counted = profile.clone();
    let mut pending: Vec<Pending> = Vec::new();
    for result in profile.exams.iter().filter(|e| e.passed && e.date <= day) {
        let Some(credential) = catalog
            .exam(result.exam.as_str())
            .and_then(|e| e.confers.clone())
        else {
            continue;
        };
        if counted.holds(credential.as_str(), day) {
            continue;
        }
        counted.credentials.push(HeldCredential {
            id: credential.clone(),
            earned: Some(result.date),
            expires: None,
        });
        pending.push(Pending {
            credential,
            exam: result.exam.clone(),
            passed_on: result.date,
        });
    }
    (counted, pending)
}

/// The attempts at the exam a step sits: the failed ones on record and how
/// many its retake rule leaves. Failed attempts are counted whatever route
/// they were under (the profile does not say), so `left` is the fewest the
/// person may have; `None` for a step that sits no exam with a retake rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempts {
    /// Failed attempts on record.
    pub failed: u32,
    /// Attempts the rule allows (per route, for the ASCP BOC).
    pub allowed: u32,
    /// Attempts left.
    pub left: u32,
}

/// A route that closes before the plan is likely done: the step that needs
/// it must start by `start_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closing {
    /// The step's number in the plan (1-based).
    pub step: usize,
    /// Its name.
    pub name: String,
    /// The last day it can start with its route still open.
    pub start_by: Date,
}

/// What a plan says in its first lines besides a closing route: a visa
/// restriction by citizenship, a lottery, a wait for a window, a fee whose
/// status is unknown. Each reads as one sentence (`Display`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// The person's citizenship meets a restriction on a visa a step needs.
    Restricted {
        /// The restriction's id.
        id: String,
        /// Its name.
        name: String,
        /// The person's citizenships it lists.
        countries: Vec<crate::units::Code>,
        /// Whether it lists every citizenship the person has (no other
        /// passport to travel on).
        every_citizenship: bool,
        /// The suspended visas the plan's steps need, in words.
        visas: String,
        /// The steps (1-based) that need such a visa.
        steps: Vec<usize>,
        /// In force from.
        from: Option<Date>,
        /// In force until (first day no longer).
        until: Option<Date>,
        /// What it does and whom it spares.
        summary: String,
        /// What is known of it since.
        status: Option<String>,
    },
    /// A step depends on a yearly draw.
    Lottery {
        /// The step (1-based).
        step: usize,
        /// What is drawn.
        what: String,
        /// The chance of selection per try.
        chance: f64,
        /// The wage level it was taken for, when the profile gives one.
        wage_level: Option<crate::calendar::WageLevel>,
        /// The tries the median plan counts.
        tries: u32,
        /// The share of simulated runs never selected.
        not_selected: f64,
        /// The day of the first try.
        first: Date,
        /// The day of the try the median plan counts.
        counted: Date,
    },
    /// A step waits for its window.
    Waits {
        /// The step (1-based).
        step: usize,
        /// The window.
        what: String,
        /// The day it is ready.
        ready: Date,
        /// The day it starts.
        start: Date,
    },
    /// A fee past its known end, whose status after it is not known.
    Unsettled {
        /// The step (1-based).
        step: usize,
        /// The fee.
        label: String,
        /// Its amount.
        amount: Option<Money>,
        /// Its known dates.
        until: Option<Date>,
        /// What is known after them.
        after: String,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |steps: &[usize]| {
            steps
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Notice::Restricted {
                name,
                countries,
                every_citizenship,
                visas,
                steps,
                from,
                until,
                summary,
                ..
            } => {
                let of: Vec<String> = countries
                    .iter()
                    .map(|c| crate::units::country_name(c.as_str()))
                    .collect();
                write!(f, "{name}, for citizens of {}", of.join(", "))?;
                if let Some(d) = from {
                    write!(f, ", from {d}")?;
                }
                if let Some(d) = until {
                    write!(f, " until {d}")?;
                }
                let s = if steps.len() == 1 { "" } else { "s" };
                write!(
                    f,
                    ": step{s} {} need{} {visas}, which it suspends",
                    list(steps),
                    if s.is_empty() { "s" } else { "" }
                )?;
                if *every_citizenship {
                    write!(f, ", and you hold no other citizenship to apply with")?;
                }
                // Its first sentence: the exceptions, the sources and what
                // is known since belong with the restriction itself, not in
                // a plan's first lines.
                let first = summary
                    .split_once(". ")
                    .map_or(summary.as_str(), |(head, _)| head)
                    .trim_end_matches('.');
                write!(f, ". {first}.")
            }
            Notice::Lottery {
                step,
                what,
                chance,
                wage_level,
                tries,
                not_selected,
                first,
                counted,
            } => {
                let level = match wage_level {
                    Some(l) => format!("at wage level {l}"),
                    None => "with the wage level not known".to_owned(),
                };
                write!(
                    f,
                    "Step {step} is a yearly draw ({what}): about a {:.0}% chance each year {level}",
                    chance * 100.0,
                )?;
                if *tries == 1 {
                    write!(f, "; the dates count on the first try, {first}")?;
                } else {
                    write!(
                        f,
                        "; half of people are selected within {tries} tries, so the dates count \
                         the try of {counted} (the first is {first})"
                    )?;
                }
                if *not_selected > 0.0 {
                    write!(
                        f,
                        ", and {:.0}% of simulated runs are not selected in {} tries",
                        not_selected * 100.0,
                        crate::calendar::MAX_TRIES
                    )?;
                }
                f.write_str(".")
            }
            Notice::Waits {
                step,
                what,
                ready,
                start,
            } => write!(
                f,
                "Step {step} waits for {what}: ready {ready}, it can start {start}."
            ),
            Notice::Unsettled {
                step,
                label,
                amount,
                until,
                after,
            } => {
                write!(f, "Step {step}: {label}")?;
                if let Some(a) = amount {
                    write!(f, " ({a})")?;
                }
                if let Some(u) = until {
                    write!(f, " was charged until {u}")?;
                }
                write!(f, "; not counted. {after}")
            }
        }
    }
}

impl Kept<'_> {
    /// What the plan says in its first lines (see [`Notice`]): visa
    /// restrictions first, then draws, waits and unsettled fees.
    pub fn notices(&self, catalog: &Catalog, profile: &Profile) -> Vec<Notice> {
        let s = &self.schedule;
        let from = s.from;
        let day = |d: f64| from.add_days(d.round() as i64);
        let mut out = Vec::new();
        let citizenship = &profile.person.citizenship;
        for r in catalog.restrictions() {
            let countries: Vec<crate::units::Code> = citizenship
                .iter()
                .filter(|c| r.countries.contains(c))
                .copied()
                .collect();
            if countries.is_empty() {
                continue;
            }
            let hit: Vec<(usize, crate::catalog::VisaClass)> = s
                .steps
                .iter()
                .enumerate()
                .filter(|(_, st)| {
                    st.step.visa.is_some_and(|v| r.covers(v))
                        && (r.in_force.contains(day(st.start))
                            || (r.status.is_some()
                                && r.in_force.until.is_some_and(|u| day(st.start) >= u)))
                })
                .filter_map(|(i, st)| st.step.visa.map(|v| (i + 1, v)))
                .collect();
            if hit.is_empty() {
                continue;
            }
            let steps: Vec<usize> = hit.iter().map(|(i, _)| *i).collect();
            let mut visas: Vec<&str> = hit.iter().map(|(_, v)| v.label()).collect();
            visas.sort_unstable();
            visas.dedup();
            out.push(Notice::Restricted {
                id: r.id.clone(),
                name: r.name.clone(),
                every_citizenship: countries.len() == citizenship.len(),
                countries,
                visas: visas.join(" or "),
                steps,
                from: r.in_force.from,
                until: r.in_force.until,
                summary: r.summary.clone(),
                status: r.status.clone(),
            });
        }
        for (i, st) in s.steps.iter().enumerate() {
            if let (Some(chance), Some(l)) = (st.chance, &st.step.lottery) {
                out.push(Notice::Lottery {
                    step: i + 1,
                    what: l.what.clone(),
                    chance,
                    wage_level: profile.person.wage_level,
                    tries: st.tries,
                    not_selected: self.simulation.not_selected,
                    first: day(st.first_try),
                    counted: day(st.start),
                });
            }
        }
        for (i, st) in s.steps.iter().enumerate() {
            if let Some(w) = &st.step.window {
                if st.first_try > st.ready + 1.0 {
                    out.push(Notice::Waits {
                        step: i + 1,
                        what: w.what.clone(),
                        ready: day(st.ready),
                        start: day(st.first_try),
                    });
                }
            }
        }
        for &(i, fee) in &s.cost.unsettled {
            out.push(Notice::Unsettled {
                step: i + 1,
                label: fee.label.clone(),
                amount: fee.amount,
                until: fee.in_force.and_then(|f| f.until),
                after: fee.after_until.clone().unwrap_or_default(),
            });
        }
        out
    }

    /// The steps whose route closes inside the plan's horizon (its 90th
    /// percentile finish, or its median schedule without a simulation),
    /// earliest first: the warnings a plan opens with.
    pub fn closing(&self, from: Date) -> Vec<Closing> {
        let horizon = self.simulation.p90.unwrap_or(self.schedule.days);
        let mut out: Vec<Closing> = self
            .schedule
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, st)| {
                let last = st.deadline?;
                (last <= horizon).then(|| Closing {
                    step: i + 1,
                    name: st.step.name.clone(),
                    start_by: from.add_days(last.round() as i64),
                })
            })
            .collect();
        out.sort_by_key(|c| c.start_by);
        out
    }
}

/// See [`Attempts`].
pub fn attempts(profile: &Profile, step: &crate::step::Step) -> Option<Attempts> {
    let retake = step.retake.as_ref()?;
    let exams: Vec<&ExamId> = step
        .grants
        .iter()
        .filter_map(|g| match g {
            crate::step::Grant::Exam(e) => Some(e),
            _ => None,
        })
        .collect();
    if exams.is_empty() {
        return None;
    }
    let failed = profile
        .exams
        .iter()
        .filter(|r| !r.passed && exams.contains(&&r.exam))
        .count();
    let failed = u32::try_from(failed).unwrap_or(u32::MAX);
    Some(Attempts {
        failed,
        allowed: retake.max_attempts,
        left: retake.max_attempts.saturating_sub(failed),
    })
}

/// How long a step's decided applications took where the plan is made
/// (the local data directory, or the organization in server mode): days
/// from submission to decision.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recorded {
    /// Days from submission to decision, one per application.
    pub days: Vec<f64>,
    /// The earliest decision day.
    pub first: Option<Date>,
    /// The latest decision day.
    pub last: Option<Date>,
}

impl Recorded {
    /// Adds one decided application.
    pub fn add(&mut self, submitted: Date, decided: Date) {
        let days = submitted.days_until(decided);
        if days < 0 {
            return;
        }
        self.days.push(days as f64);
        self.first = Some(self.first.map_or(decided, |d| d.min(decided)));
        self.last = Some(self.last.map_or(decided, |d| d.max(decided)));
    }
}

/// Recorded durations by step id.
pub type History = std::collections::BTreeMap<String, Recorded>;

/// The fewest decided applications of a step before the plan uses their
/// durations instead of the catalog's: five is the smallest sample whose
/// median does not hang on one unusual case, and few enough for an agency's
/// first months.
pub const MIN_RECORDED: usize = 5;

/// Plans the way from `profile` to `goal` with the catalog's durations.
pub fn plan<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    goal: &'c Requirement,
    options: Options,
) -> Result<PlanReport<'c>, Unreachable> {
    plan_with_history(catalog, profile, goal, options, &History::default())
}

/// Plans the way from `profile` to `goal`; a step with at least
/// [`MIN_RECORDED`] decided applications in `history` takes its durations
/// from them (the catalog's figure stays beside them in the answer).
pub fn plan_with_history<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    goal: &'c Requirement,
    options: Options,
    history: &History,
) -> Result<PlanReport<'c>, Unreachable> {
    let from = options.from;
    let (counted, pending) = with_passed_exams(catalog, profile, from);
    let profile = &counted;
    if requirement_holds(catalog, profile, goal, from) {
        return Ok(PlanReport {
            from,
            already_met: true,
            pending,
            kept: Vec::new(),
            chosen: 0,
            rejected: Vec::new(),
            blockers: Vec::new(),
            considered: 0,
        });
    }
    let facts = Facts::derive(profile, catalog);
    let ctx = Ctx::new(catalog, profile, &facts, from);
    let mut resolver = Resolver::new(ctx);
    let candidates = resolver.resolve(goal);
    let blockers: Vec<Blocker> = resolver.blockers.into_iter().collect();
    let schedules: Vec<Schedule<'c>> = candidates
        .iter()
        .map(|c| schedule(catalog, profile, c, goal, from, history))
        .collect();
    let mut rejected: Vec<Rejected> = schedules
        .iter()
        .filter_map(|s| {
            s.infeasible.as_ref().map(|r| Rejected {
                plan: describe(s),
                reason: r.clone(),
            })
        })
        .collect();
    let feasible: Vec<&Schedule<'c>> = schedules
        .iter()
        .filter(|s| s.infeasible.is_none())
        .collect();
    if feasible.is_empty() {
        rejected.sort();
        rejected.dedup();
        return Err(Unreachable { blockers, rejected });
    }
    let mut frontier: Vec<&Schedule<'c>> = feasible
        .iter()
        .copied()
        .filter(|s| !feasible.iter().any(|o| dominates(o, s)))
        .collect();
    frontier.sort_by(|a, b| {
        a.days
            .total_cmp(&b.days)
            .then(a.cost.known.cmp(&b.cost.known))
    });
    frontier.dedup_by(|a, b| (a.days - b.days).abs() < 1e-9 && a.cost.known == b.cost.known);
    let fastest = 0;
    let cheapest = (0..frontier.len())
        .min_by(|&a, &b| {
            frontier[a]
                .cost
                .known
                .cmp(&frontier[b].cost.known)
                .then(frontier[a].days.total_cmp(&frontier[b].days))
        })
        .unwrap_or(0);
    let chosen = match options.optimize {
        Optimize::Time => fastest,
        Optimize::Cost => cheapest,
    };
    for s in &feasible {
        if !frontier.iter().any(|f| std::ptr::eq(*f, *s)) {
            rejected.push(Rejected {
                plan: describe(s),
                reason: loss_reason(s, frontier[chosen]),
            });
        }
    }
    rejected.sort();
    rejected.dedup();
    let kept = frontier
        .iter()
        .enumerate()
        .map(|(i, s)| Kept {
            schedule: (*s).clone(),
            simulation: simulate(s, options.samples, options.seed),
            fastest: i == fastest,
            cheapest: i == cheapest,
        })
        .collect();
    Ok(PlanReport {
        from,
        already_met: false,
        pending,
        kept,
        chosen,
        rejected,
        blockers,
        considered: schedules.len(),
    })
}
