//! Scheduling a candidate plan: each step starts as soon as the steps it
//! depends on have finished, and is checked then: its preconditions must hold
//! on its start day with the facts the earlier steps gave (a route that has
//! closed by then makes the plan infeasible). Durations are the medians; the
//! simulation samples around them.

use super::apply::{Gap, apply_grants};
use super::build::{Candidate, obtained};
use crate::catalog::{Catalog, Fee};
use crate::eval::{Ctx, Outcome, evaluate_only, evaluate_requirement};
use crate::facts::Facts;
use crate::profile::Profile;
use crate::requirement::Requirement;
use crate::step::{DurationBasis, Step};
use crate::units::{DAYS_PER_MONTH, Date, Money};

/// One step of a scheduled plan.
#[derive(Debug, Clone)]
pub struct ScheduledStep<'c> {
    /// The step.
    pub step: &'c Step,
    /// What it must supply, for gap steps.
    pub gap: Option<Gap>,
    /// Indexes of the steps it waits for.
    pub after: Vec<usize>,
    /// The requirement it serves.
    pub serves: String,
    /// Median duration in days.
    pub days: f64,
    /// Triangular (min, likely, max) in days, for the simulation.
    pub spread: (f64, f64, f64),
    /// Where the duration comes from.
    pub basis: DurationBasis,
    /// Start, in days from the plan's first day.
    pub start: f64,
    /// Finish, in days from the plan's first day.
    pub finish: f64,
    /// The last day it can start and still find its preconditions met (a
    /// time-limited route), in days from the first day.
    pub deadline: Option<f64>,
}

/// Fees of a plan.
#[derive(Debug, Clone, Default)]
pub struct Cost<'c> {
    /// Sum of the known amounts.
    pub known: Money,
    /// Every fee line: (step index, fee).
    pub lines: Vec<(usize, &'c Fee)>,
    /// Fees with no amount in the catalog.
    pub unknown: usize,
    /// Fees whose amount is uncertain or disputed.
    pub uncertain: usize,
}

/// A candidate after scheduling.
#[derive(Debug, Clone)]
pub struct Schedule<'c> {
    /// Steps in start order.
    pub steps: Vec<ScheduledStep<'c>>,
    /// The routes chosen.
    pub choices: Vec<String>,
    /// Days from the first day to the last finish (medians).
    pub days: f64,
    /// Fees.
    pub cost: Cost<'c>,
    /// Why it cannot work, if it cannot.
    pub infeasible: Option<String>,
    /// Attestations the plan assumes: (key, question).
    pub assumptions: Vec<(String, String)>,
}

/// Median days and the (min, likely, max) spread of a step.
pub fn duration_of(step: &Step, gap: Option<&Gap>) -> (f64, (f64, f64, f64)) {
    if step.duration.basis == DurationBasis::Computed {
        if let Some(Gap::Experience { months, .. }) = gap {
            let d = months * DAYS_PER_MONTH;
            return (d, (d, d, d));
        }
    }
    let d = &step.duration;
    (d.median_days(), (d.min_days, d.likely_days, d.max_days))
}

/// Orders the candidate's nodes so that every step comes after its deps.
fn topological<'c>(candidate: &Candidate<'c>) -> Vec<String> {
    fn visit(
        key: &str,
        c: &Candidate<'_>,
        done: &mut Vec<String>,
        seen: &mut std::collections::BTreeSet<String>,
    ) {
        if !seen.insert(key.to_owned()) {
            return;
        }
        if let Some(node) = c.nodes.get(key) {
            for dep in &node.deps {
                visit(dep, c, done, seen);
            }
        }
        done.push(key.to_owned());
    }
    let mut done = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for key in candidate.nodes.keys() {
        visit(key, candidate, &mut done, &mut seen);
    }
    done
}

/// The profile on day `day` (offset from `from`), given the steps finished by then.
pub fn profile_at(
    base: &Profile,
    catalog: &Catalog,
    steps: &[ScheduledStep<'_>],
    from: Date,
    day: f64,
) -> Profile {
    let mut profile = base.clone();
    for s in steps.iter().filter(|s| s.finish <= day + 1e-9) {
        apply_grants(
            &mut profile,
            catalog,
            s.step,
            s.gap.as_ref(),
            from.add_days(s.start.round() as i64),
            from.add_days(s.finish.round() as i64),
        );
    }
    profile
}

/// Whether `step`'s preconditions hold for `profile` on `day`; the reason
/// when not, and the last day they keep holding.
fn check_step(
    catalog: &Catalog,
    profile: &Profile,
    step: &Step,
    day: Date,
) -> Result<Option<Date>, String> {
    let mut deadline = None;
    if let Some(id) = &step.eligibility_for {
        if let Some(credential) = catalog.credential(id.as_str()) {
            let eval = evaluate_only(catalog, profile, day, [credential]);
            let outcome = &eval.credentials[0];
            if !obtained(outcome.status) {
                return Err(format!(
                    "{} cannot start on {day}: no route of {} is met then",
                    step.name, credential.abbreviation
                ));
            }
            // The latest closing among the routes that pass; none if one never closes.
            let mut latest = Some(Date::from_ymd(1, 1, 1).unwrap_or(day));
            for r in outcome.routes.iter().filter(|r| r.outcome == Outcome::Pass) {
                latest = match (latest, r.open_until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            deadline = latest.filter(|_| outcome.routes.iter().any(|r| r.outcome == Outcome::Pass));
        }
    }
    if let Some(req) = &step.requires {
        if !requirement_holds(catalog, profile, req, day) {
            return Err(format!(
                "{} cannot start on {day}: its preconditions are not met then",
                step.name
            ));
        }
    }
    Ok(deadline)
}

/// Whether `requirement` holds for `profile` on `day`.
pub fn requirement_holds(
    catalog: &Catalog,
    profile: &Profile,
    requirement: &Requirement,
    day: Date,
) -> bool {
    let facts = Facts::derive(profile, catalog);
    let ctx = Ctx::new(catalog, profile, &facts, day);
    evaluate_requirement(&ctx, requirement).outcome == Outcome::Pass
}

/// The one-time fees a step pays: its own and those of the credential named
/// in `fees_of`, of kind `initial` (renewal, optional and conditional fees
/// are not part of reaching a goal).
pub fn initial_fees<'c>(step: &'c Step, catalog: &'c Catalog) -> impl Iterator<Item = &'c Fee> {
    let of = step
        .fees_of
        .as_ref()
        .and_then(|id| catalog.credential(id.as_str()))
        .map_or(&[][..], |c| c.fees.as_slice());
    step.fees
        .iter()
        .chain(of)
        .filter(|f| f.kind == crate::catalog::FeeKind::Initial)
}

fn cost<'c>(catalog: &'c Catalog, steps: &[ScheduledStep<'c>]) -> Cost<'c> {
    let mut cost = Cost::default();
    for (i, s) in steps.iter().enumerate() {
        for fee in initial_fees(s.step, catalog) {
            cost.lines.push((i, fee));
            match fee.amount {
                Some(a) => cost.known = Money::from_cents(cost.known.cents() + a.cents()),
                None => cost.unknown += 1,
            }
            if fee.amount.is_some()
                && (fee.provenance.confidence >= crate::provenance::Confidence::ApplicantReport
                    || !fee.disputed.is_empty())
            {
                cost.uncertain += 1;
            }
        }
    }
    cost
}

/// Schedules a candidate from day `from` and checks it against the goal.
pub fn schedule<'c>(
    catalog: &'c Catalog,
    base: &Profile,
    candidate: &Candidate<'c>,
    goal: &Requirement,
    from: Date,
) -> Schedule<'c> {
    // The plan is checked as if the person makes the attestations it assumes.
    let mut assumed = base.clone();
    for key in candidate.assumptions.keys() {
        if !assumed.declarations.contains(key) {
            assumed.declarations.push(key.clone());
        }
    }
    let base = &assumed;
    let order = topological(candidate);
    let index: std::collections::BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut steps: Vec<ScheduledStep<'c>> = Vec::with_capacity(order.len());
    for key in &order {
        let Some(node) = candidate.nodes.get(key) else {
            continue;
        };
        let after: Vec<usize> = node
            .deps
            .iter()
            .filter_map(|d| index.get(d.as_str()).copied())
            .collect();
        let start = after.iter().map(|&i| steps[i].finish).fold(0.0, f64::max);
        let (days, spread) = duration_of(node.step, node.gap.as_ref());
        steps.push(ScheduledStep {
            step: node.step,
            gap: node.gap.clone(),
            after,
            serves: node.serves.clone(),
            days,
            spread,
            basis: node.step.duration.basis,
            start,
            finish: start + days,
            deadline: None,
        });
    }
    let mut infeasible = None;
    for i in 0..steps.len() {
        let day = from.add_days(steps[i].start.round() as i64);
        let profile = profile_at(base, catalog, &steps, from, steps[i].start);
        match check_step(catalog, &profile, steps[i].step, day) {
            Ok(deadline) => steps[i].deadline = deadline.map(|d| from.days_until(d) as f64),
            Err(reason) => {
                infeasible = Some(reason);
                break;
            }
        }
    }
    let days = steps.iter().map(|s| s.finish).fold(0.0, f64::max);
    if infeasible.is_none() {
        let end = profile_at(base, catalog, &steps, from, days);
        if !requirement_holds(catalog, &end, goal, from.add_days(days.round() as i64)) {
            infeasible = Some("the goal still does not hold when these steps are done".to_owned());
        }
    }
    let cost = cost(catalog, &steps);
    Schedule {
        steps,
        choices: candidate.choices.iter().cloned().collect(),
        days,
        cost,
        infeasible,
        assumptions: candidate
            .assumptions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

impl<'c> Schedule<'c> {
    /// The steps on the critical path, first to last.
    pub fn critical_path(&self) -> Vec<usize> {
        let Some(mut i) = (0..self.steps.len())
            .max_by(|&a, &b| self.steps[a].finish.total_cmp(&self.steps[b].finish))
        else {
            return Vec::new();
        };
        let mut path = vec![i];
        while let Some(&prev) = self.steps[i]
            .after
            .iter()
            .max_by(|&&a, &&b| self.steps[a].finish.total_cmp(&self.steps[b].finish))
        {
            path.push(prev);
            i = prev;
        }
        path.reverse();
        path
    }
}
