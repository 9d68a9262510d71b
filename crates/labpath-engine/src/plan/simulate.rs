//! Monte Carlo over a scheduled plan: every run draws each step's duration
//! from its triangular (min, likely, max) distribution, replays the
//! dependencies, waits for each step's window, draws each lottery (a lost
//! draw waits for next year's window), and notes when a step would start
//! after its route closed. Runs are seeded and reproducible: the same seed
//! gives the same dates.
//!
//! The generator is ours on purpose: the dates a person is shown must not
//! change when a dependency changes its stream, and SplitMix64 is six lines.

use super::schedule::{Schedule, cycle_year, start_day};
use crate::calendar::MAX_TRIES;
use crate::step::triangular_quantile;

/// A small, fast, seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next value in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the simulation found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Simulation {
    /// Runs made.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// Days to completion at the 50th, 80th and 90th percentiles, over the
    /// runs that did not miss a window.
    pub p50: Option<f64>,
    /// 80th percentile.
    pub p80: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Share of runs in which a step started after its route closed.
    pub missed_window: f64,
    /// Share of runs not selected in any of the yearly lottery tries the
    /// plan counts on ([`MAX_TRIES`]); they have no completion date, so a
    /// percentile they reach is `None`.
    pub not_selected: f64,
    /// The yearly tries a run counts on before it is "not selected".
    pub max_tries: u32,
}

/// Runs the simulation.
pub fn simulate(schedule: &Schedule<'_>, runs: u32, seed: u64) -> Simulation {
    let mut rng = Rng::new(seed);
    let from = schedule.from;
    let n = schedule.steps.len();
    let mut starts = vec![0.0f64; n];
    let mut finish = vec![0.0f64; n];
    let mut totals = Vec::with_capacity(runs as usize);
    let mut missed = 0u32;
    let mut unselected = 0u32;
    for _ in 0..runs {
        let mut ok = true;
        let mut selected = true;
        let mut end = 0.0f64;
        for (i, s) in schedule.steps.iter().enumerate() {
            let ready = s.after.iter().map(|&d| finish[d]).fold(0.0, f64::max);
            let lost = match s.chance {
                Some(p) => {
                    let lost = (0..MAX_TRIES)
                        .position(|_| rng.next_f64() < p)
                        .map_or(MAX_TRIES, |k| k as u32);
                    if lost == MAX_TRIES {
                        selected = false;
                    }
                    lost.min(MAX_TRIES - 1)
                }
                None => 0,
            };
            let year = s
                .cycle
                .map(|c| cycle_year(schedule.steps[c].step, from, starts[c]));
            let start = match start_day(from, s.step.window.as_ref(), ready, year, lost) {
                Some(start) => start,
                None => {
                    ok = false;
                    ready
                }
            };
            if s.deadline.is_some_and(|d| start > d + 0.5) {
                ok = false;
            }
            let (min, likely, max) = s.spread;
            let u = rng.next_f64();
            let days = match &s.recorded {
                Some(r) => r.quantile(u),
                None => triangular_quantile(min, likely, max, u),
            };
            starts[i] = start;
            finish[i] = start + days;
            end = end.max(finish[i]);
        }
        if !selected {
            unselected += 1;
            totals.push(f64::INFINITY);
        } else if ok {
            totals.push(end);
        } else {
            missed += 1;
        }
    }
    totals.sort_by(f64::total_cmp);
    let pick = |p: f64| -> Option<f64> {
        if totals.is_empty() {
            return None;
        }
        let i = ((p * totals.len() as f64).ceil() as usize).clamp(1, totals.len()) - 1;
        Some(totals[i]).filter(|t| t.is_finite())
    };
    let share = |k: u32| {
        if runs == 0 {
            0.0
        } else {
            f64::from(k) / f64::from(runs)
        }
    };
    Simulation {
        runs,
        seed,
        p50: pick(0.5),
        p80: pick(0.8),
        p90: pick(0.9),
        missed_window: share(missed),
        not_selected: share(unselected),
        max_tries: MAX_TRIES,
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_generator_is_uniform_enough_and_reproducible() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<f64> = (0..10_000).map(|_| a.next_f64()).collect();
        let ys: Vec<f64> = (0..10_000).map(|_| b.next_f64()).collect();
        assert_eq!(xs, ys);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
    }
}
