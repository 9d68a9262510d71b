//! Monte Carlo over a scheduled plan: every run draws each step's duration
//! from its triangular (min, likely, max) distribution, replays the
//! dependencies, and notes when a step would start after its route closed.
//! Runs are seeded and reproducible: the same seed gives the same dates.

use super::schedule::Schedule;
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
}

/// Runs the simulation.
pub fn simulate(schedule: &Schedule<'_>, runs: u32, seed: u64) -> Simulation {
    let mut rng = Rng::new(seed);
    let n = schedule.steps.len();
    let mut finish = vec![0.0f64; n];
    let mut totals = Vec::with_capacity(runs as usize);
    let mut missed = 0u32;
    for _ in 0..runs {
        let mut ok = true;
        let mut end = 0.0f64;
        for (i, s) in schedule.steps.iter().enumerate() {
            let start = s.after.iter().map(|&d| finish[d]).fold(0.0, f64::max);
            if s.deadline.is_some_and(|d| start > d + 0.5) {
                ok = false;
            }
            let (min, likely, max) = s.spread;
            let days = triangular_quantile(min, likely, max, rng.next_f64());
            finish[i] = start + days;
            end = end.max(finish[i]);
        }
        if ok {
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
        Some(totals[i])
    };
    Simulation {
        runs,
        seed,
        p50: pick(0.5),
        p80: pick(0.8),
        p90: pick(0.9),
        missed_window: if runs == 0 {
            0.0
        } else {
            f64::from(missed) / f64::from(runs)
        },
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
