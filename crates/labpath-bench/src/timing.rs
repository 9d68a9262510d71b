//! One interleaved run: the contenders take turns in blocks (each block a
//! few hundred evaluations of one contender, the starting contender rotating
//! from block to block), so that whatever else the machine is doing falls on
//! all of them alike; a contender's figure is the median of its blocks, per
//! evaluation.

use std::hint::black_box;
use std::time::{Duration, Instant};

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval;
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;

use crate::floor;
use crate::jsonlogic::{Flat, JsonLogicCatalog, Prepared};

/// The contenders, in the order of [`Figures`]' fields.
pub const CONTENDERS: [&str; 6] = [
    "labpath",
    "labpath explained",
    "datalogic-rs",
    "labpath subset",
    "floor",
    "JSON facts",
];

/// Median time per evaluation of each contender on one set of work.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// labpath, whole catalog, decisions only (`eval::decide_all_into`,
    /// one buffer filled again and again).
    pub labpath: Duration,
    /// labpath, whole catalog, every clause with its finding
    /// (`eval::evaluate`).
    pub explained: Duration,
    /// datalogic-rs, whole catalog, on pre-converted facts.
    pub datalogic: Duration,
    /// labpath, the floor's eight credentials, decisions only.
    pub labpath_subset: Duration,
    /// The hand-written floor.
    pub floor: Duration,
    /// Deriving and parsing the facts datalogic-rs reads (not counted in
    /// its figure; shown for what the pre-conversion costs).
    pub facts: Duration,
}

impl Figures {
    /// How many times faster labpath is than datalogic-rs (above 1: labpath wins).
    pub fn datalogic_ratio(&self) -> f64 {
        self.datalogic.as_secs_f64() / self.labpath.as_secs_f64()
    }

    /// How many times the floor labpath takes on the subset.
    pub fn floor_ratio(&self) -> f64 {
        self.labpath_subset.as_secs_f64() / self.floor.as_secs_f64()
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Times every contender on `work` (each block runs every item `reps`
/// times), `blocks` blocks each, interleaved.
pub fn run(
    catalog: &Catalog,
    logic: &JsonLogicCatalog,
    work: &[(&Profile, Date)],
    reps: usize,
    blocks: usize,
) -> Figures {
    let subset: Vec<&Credential> = floor::credentials(catalog);
    let prepared: Vec<Prepared> = work
        .iter()
        .map(|(p, d)| logic.prepare(catalog, p, *d))
        .collect();
    let mut session = logic.session();
    let mut flat = Flat::default();
    let mut decisions = eval::Decisions::default();
    let mut contender = |which: usize, i: usize| {
        let (profile, day) = work[i];
        match which {
            0 => {
                eval::decide_all_into(catalog, profile, day, &mut decisions);
                black_box(&decisions);
            }
            1 => {
                black_box(eval::evaluate(catalog, profile, day));
            }
            2 => {
                logic.decide_into(catalog, &mut session, &prepared[i], &mut flat);
                black_box(&flat);
            }
            3 => {
                let subset = subset.iter().copied();
                eval::decide_into(catalog, profile, day, subset, &mut decisions);
                black_box(&decisions);
            }
            4 => {
                black_box(floor::decide(catalog, profile, day));
            }
            _ => {
                black_box(logic.prepare(catalog, profile, day));
            }
        }
    };
    let n = CONTENDERS.len();
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(blocks); n];
    // One untimed pass, so no contender pays for a cold cache alone.
    for which in 0..n {
        for i in 0..work.len() {
            contender(which, i);
        }
    }
    let per_block = (reps * work.len()).max(1) as u32;
    for block in 0..blocks {
        for k in 0..n {
            let which = (block + k) % n;
            let start = Instant::now();
            for _ in 0..reps {
                for i in 0..work.len() {
                    contender(which, i);
                }
            }
            samples[which].push(start.elapsed() / per_block);
        }
    }
    let mut medians = samples.into_iter().map(median);
    let mut next = || medians.next().unwrap_or_default();
    Figures {
        labpath: next(),
        explained: next(),
        datalogic: next(),
        labpath_subset: next(),
        floor: next(),
        facts: next(),
    }
}

/// A duration in microseconds, for the table.
pub fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 10.0 {
        format!("{us:.2} µs")
    } else {
        format!("{us:.1} µs")
    }
}
