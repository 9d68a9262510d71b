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
pub struct Closing {
    /// The step's number in the plan (1-based).
    pub step: usize,
    /// Its name.
    pub name: String,
    /// The last day it can start with its route still open.
    pub start_by: Date,
}

impl Kept<'_> {
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

/// Plans the way from `profile` to `goal`.
pub fn plan<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    goal: &'c Requirement,
    options: Options,
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
        .map(|c| schedule(catalog, profile, c, goal, from))
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
