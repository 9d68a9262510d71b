//! Scheduling a candidate plan: each step starts as soon as the steps it
//! depends on have finished, and is checked then: its preconditions must hold
//! on its start day with the facts the earlier steps gave (a route that has
//! closed by then makes the plan infeasible). Durations are the medians; the
//! simulation samples around them.

use super::apply::{Gap, apply_grants};
use super::build::{Candidate, obtained};
use crate::calendar::Window;
use crate::catalog::{Catalog, Charged, Fee, Payer};
use crate::eval::{Ctx, Outcome, decide_requirement, evaluate_only};
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
    /// The day it was ready (its dependencies done), in days from the first
    /// day: `start` is later when it waits for its window.
    pub ready: f64,
    /// The earlier step whose year its window belongs to (`cycle_of`).
    pub cycle: Option<usize>,
    /// Its chance of selection per yearly try, for a lottery step (from the
    /// person's wage level when given).
    pub chance: Option<f64>,
    /// The tries the median plan counts (1 without a lottery).
    pub tries: u32,
    /// The day of its first try, in days from the first day: the window's
    /// first day on or after `ready` (`start` is later by the lost draws).
    pub first_try: f64,
    /// The decided applications recorded here whose durations the step
    /// takes instead of the catalog's (at least [`super::MIN_RECORDED`]).
    pub recorded: Option<RecordedUse>,
}

/// Recorded durations a step uses: the days, sorted, for the simulation to
/// draw from, and what the plan says of them.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedUse {
    /// Days from submission to decision, sorted.
    pub days: std::sync::Arc<[f64]>,
    /// The earliest decision day.
    pub first: Date,
    /// The latest decision day.
    pub last: Date,
}

impl RecordedUse {
    /// "from 12 applications recorded here, 2024 to 2026".
    pub fn label(&self) -> String {
        let (a, b) = (self.first.year(), self.last.year());
        let years = if a == b {
            a.to_string()
        } else {
            format!("{a} to {b}")
        };
        format!(
            "from {} applications recorded here, {years}",
            self.days.len()
        )
    }

    /// The recorded duration at quantile `p` (the simulation's draw).
    pub fn quantile(&self, p: f64) -> f64 {
        let n = self.days.len();
        let i = ((p * n as f64) as usize).min(n.saturating_sub(1));
        self.days[i]
    }
}

/// Fees of a plan.
#[derive(Debug, Clone, Default)]
pub struct Cost<'c> {
    /// Sum of the known amounts the person pays.
    pub known: Money,
    /// Every fee line the person pays: (step index, fee).
    pub lines: Vec<(usize, &'c Fee)>,
    /// Sum of the known amounts the employer pays.
    pub employer: Money,
    /// The employer's fee lines.
    pub employer_lines: Vec<(usize, &'c Fee)>,
    /// Fees past their known end whose status after it is not known: listed,
    /// never added.
    pub unsettled: Vec<(usize, &'c Fee)>,
    /// Fees with no amount in the catalog.
    pub unknown: usize,
    /// Fees whose amount is uncertain or disputed.
    pub uncertain: usize,
}

/// A candidate after scheduling.
#[derive(Debug, Clone)]
pub struct Schedule<'c> {
    /// The first day.
    pub from: Date,
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

/// The recorded durations a step uses, when `history` holds enough of them.
fn recorded_use(step: &Step, history: &super::History) -> Option<RecordedUse> {
    if step.duration.basis == DurationBasis::Computed {
        return None;
    }
    let r = history.get(step.id.as_str())?;
    if r.days.len() < super::MIN_RECORDED {
        return None;
    }
    let mut days = r.days.clone();
    days.sort_by(f64::total_cmp);
    Some(RecordedUse {
        days: days.into(),
        first: r.first?,
        last: r.last?,
    })
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

/// Where a step starts, in days from `from`: the first moment on or after
/// `ready` inside its window (in the window of year `cycle` when it is tied
/// to one), after `lost` lottery draws each of which sends it to the next
/// year's window. `None` when the window of its cycle has closed. The
/// scheduler and every simulated run place steps with this one function.
pub fn start_day(
    from: Date,
    window: Option<&Window>,
    ready: f64,
    cycle: Option<i32>,
    lost: u32,
) -> Option<f64> {
    let Some(window) = window else {
        return Some(ready);
    };
    let ready_day = from.add_days(ready.round() as i64);
    let mut start = window.start(ready_day, cycle)?;
    for _ in 0..lost {
        if cycle.is_some() {
            return None;
        }
        let (_, closes) = window.of_year(window.year_of(start));
        start = window.start(closes.succ(), None)?;
    }
    if start != ready_day {
        return Some(from.days_until(start) as f64);
    }
    // Ready on a day inside the window: it starts when ready, but not
    // before the window opens. A step ready at 228.6 (read as day 229) when
    // the window opens on day 229 starts at 229.0: otherwise it would start
    // before the window, and a later start, landing on the opening day,
    // could finish earlier than an earlier one that waited for it.
    let (opens, _) = window.of_year(window.year_of(start));
    Some(ready.max(from.days_until(opens) as f64))
}

/// The year of the window a step started in (its calendar year when it has
/// no window): what a later step tied to it by `cycle_of` follows.
pub fn cycle_year(step: &Step, from: Date, start: f64) -> i32 {
    let day = from.add_days(start.round() as i64);
    step.window.as_ref().map_or(day.year(), |w| w.year_of(day))
}

/// Orders the candidate's nodes so that every step comes after its deps.
fn topological<'k>(candidate: &'k Candidate<'_>) -> Vec<&'k str> {
    fn visit<'k>(
        key: &'k str,
        c: &'k Candidate<'_>,
        done: &mut Vec<&'k str>,
        seen: &mut std::collections::BTreeSet<&'k str>,
    ) {
        if !seen.insert(key) {
            return;
        }
        if let Some(node) = c.nodes.get(key) {
            for dep in &node.deps {
                visit(dep, c, done, seen);
            }
        }
        done.push(key);
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
    decide_requirement(&ctx, requirement) == Outcome::Pass
}

/// The one-time fees a step pays: its own and those of the credential named
/// in `fees_of`, of kind `initial` (renewal, optional and conditional fees
/// are not part of reaching a goal), whoever pays them.
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

fn cost<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    steps: &[ScheduledStep<'c>],
    from: Date,
) -> Cost<'c> {
    let mut cost = Cost::default();
    for (i, s) in steps.iter().enumerate() {
        let day = from.add_days(s.start.round() as i64);
        for fee in initial_fees(s.step, catalog) {
            let lives = profile.person.residence.as_ref().map(|r| r.country);
            let concerns = fee.only_if_living.is_none_or(|w| w.concerns(lives));
            match fee.charged(day, concerns) {
                Charged::No => continue,
                Charged::Unsettled => {
                    cost.unsettled.push((i, fee));
                    continue;
                }
                Charged::Yes => {}
            }
            if fee.payer == Payer::Employer {
                cost.employer_lines.push((i, fee));
                if let Some(a) = fee.amount {
                    cost.employer = Money::from_cents(cost.employer.cents() + a.cents());
                }
                continue;
            }
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
    history: &super::History,
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
    let index: std::collections::BTreeMap<&str, usize> =
        order.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut steps: Vec<ScheduledStep<'c>> = Vec::with_capacity(order.len());
    let mut infeasible = None;
    for key in &order {
        let Some(node) = candidate.nodes.get(*key) else {
            continue;
        };
        let after: Vec<usize> = node
            .deps
            .iter()
            .filter_map(|d| index.get(&**d).copied())
            .collect();
        let ready = after.iter().map(|&i| steps[i].finish).fold(0.0, f64::max);
        let recorded = recorded_use(node.step, history);
        let (days, spread) = match &recorded {
            Some(r) => (
                r.quantile(0.5),
                (r.days[0], r.quantile(0.5), r.days[r.days.len() - 1]),
            ),
            None => duration_of(node.step, node.gap.as_ref()),
        };
        let window = node.step.window.as_ref();
        let cycle = window
            .and_then(|w| w.cycle_of.as_ref())
            .and_then(|id| steps.iter().position(|s| &s.step.id == id));
        let chance = node
            .step
            .lottery
            .as_ref()
            .map(|l| l.chance(base.person.wage_level));
        let tries = chance.map_or(1, crate::calendar::Lottery::median_tries);
        let year = cycle.map(|c| cycle_year(steps[c].step, from, steps[c].start));
        let first_try = start_day(from, window, ready, year, 0).unwrap_or(ready);
        let start = if tries > crate::calendar::MAX_TRIES {
            infeasible.get_or_insert_with(|| {
                format!(
                    "{}: selection is less likely than not within {} yearly tries (a {:.0}% \
                     chance each)",
                    node.step.name,
                    crate::calendar::MAX_TRIES,
                    chance.unwrap_or(0.0) * 100.0
                )
            });
            ready
        } else {
            match start_day(from, window, ready, year, tries - 1) {
                Some(start) => start,
                None => {
                    infeasible.get_or_insert_with(|| {
                        format!(
                            "{} cannot start: {} of {} has closed by the time it is ready",
                            node.step.name,
                            window.map_or("its window", |w| w.what.as_str()),
                            year.unwrap_or_default()
                        )
                    });
                    ready
                }
            }
        };
        steps.push(ScheduledStep {
            step: node.step,
            gap: node.gap.clone(),
            after,
            serves: node.serves.clone(),
            days,
            spread,
            basis: if recorded.is_some() {
                DurationBasis::Recorded
            } else {
                node.step.duration.basis
            },
            start,
            finish: start + days,
            deadline: None,
            ready,
            cycle,
            chance,
            tries,
            first_try,
            recorded,
        });
    }
    for i in 0..steps.len() {
        if infeasible.is_some() {
            break;
        }
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
    let cost = cost(catalog, base, &steps, from);
    Schedule {
        from,
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

#[cfg(test)]
mod tests {
    use super::start_day;
    use crate::calendar::{MonthDay, Window};
    use crate::provenance::{Confidence, Provenance};
    use crate::units::Date;

    fn august_window() -> Window {
        Window {
            opens: MonthDay::new(8, 17).expect("a day"),
            closes: MonthDay::new(1, 1).expect("a day"),
            cycle_of: None,
            what: "w".into(),
            provenance: Provenance {
                sources: vec![],
                as_of: Date::from_ymd(2026, 1, 1).expect("a day"),
                confidence: Confidence::Official,
                note: None,
            },
        }
    }

    #[test]
    fn a_step_ready_on_the_opening_day_starts_when_the_window_opens_not_before() {
        let from = Date::from_ymd(2026, 12, 31).expect("a day");
        let window = august_window();
        let opening = from.days_until(Date::from_ymd(2027, 8, 17).expect("a day")) as f64;
        assert_eq!(opening, 229.0);
        // Ready late on the eve (read as the opening day): not before it opens.
        assert_eq!(start_day(from, Some(&window), 228.6, None, 0), Some(229.0));
        // Ready earlier: waits for the opening.
        assert_eq!(start_day(from, Some(&window), 200.2, None, 0), Some(229.0));
        // Ready inside the window: starts when ready, to the fraction.
        assert_eq!(start_day(from, Some(&window), 240.6, None, 0), Some(240.6));
        assert_eq!(start_day(from, Some(&window), 229.3, None, 0), Some(229.3));
    }
}
