//! The impact benchmark: 10,000 stored profiles (the example profiles in
//! turn, each with its own name and length of experience, with and without
//! its training programme: `common::varied`) in a real SQLite file, weighed
//! by `labpath_app::impact::report` under the shipped catalog and a copy of
//! it with MLS(ASCPi) Route 2 asking 48 months of experience instead of 36,
//! as `labpath catalog impact` does. Then its parts alone: the store's
//! reads (`profiles_in`, a page at a time), reading each stored profile
//! under both catalogs, and the engine's evaluation of each profile under
//! both, which is the floor no report can go below.
//!
//! `taskset -c 0 cargo bench -p labpath-app --bench impact` prints the
//! figures. The target: the report under 2 s on one core.
//! `LABPATH_BENCH_PROFILES` scales the dataset for a quick look.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark stops at a broken fixture"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use labpath_app::impact::{Comparison, PAGE, report};
use labpath_app::{App, Principal};
use labpath_catalog::parse::Format;
use labpath_catalog::profile::Unchecked;
use labpath_engine::catalog::Catalog;
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::Store;
use labpath_store::model::{NewPerson, Person, ProfileVersion, ProfilesFilter, Scope, Window};
use labpath_store_sqlite::SqliteStore;
use tokio::runtime::Runtime;

/// The processor time this process has used, all its threads (the
/// store's reads run on a thread of their own): `utime` and `stime` of
/// `/proc/self/stat`, in Linux's fixed 100 ticks a second; zero where
/// there is no such file. On a machine shared with other work, this is
/// what the report costs one core, where the time on the clock also
/// counts the waits for the processor.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// A measurement: the median time on the clock and on the processor.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

impl Took {
    fn per(self, n: usize) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / n.max(1) as f64
    }
}

impl std::fmt::Display for Took {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.3} s of processor time ({:.3} s on the clock)",
            self.cpu.as_secs_f64(),
            self.wall.as_secs_f64()
        )
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Took, T) {
    let mut last = None;
    let (mut wall, mut used) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (start, start_cpu) = (Instant::now(), cpu());
        last = Some(black_box(f()));
        wall.push(start.elapsed());
        used.push(cpu().saturating_sub(start_cpu));
    }
    let took = Took {
        wall: median(wall),
        cpu: median(used),
    };
    (took, last.unwrap())
}

/// Every latest profile of the data directory, a page at a time.
async fn read_all(store: &SqliteStore) -> Vec<(Person, ProfileVersion)> {
    let mut all = Vec::new();
    let mut filter = ProfilesFilter::default();
    loop {
        let window = Window {
            offset: 0,
            limit: PAGE,
        };
        let page = store
            .profiles_in(Scope::Local, &filter, window)
            .await
            .unwrap();
        let Some((last, _)) = page.items.last() else {
            return all;
        };
        filter.after = Some(last.id);
        all.extend(page.items);
    }
}

/// A stored profile as the report reads it: parsed once, checked under
/// both catalogs.
fn read(version: &ProfileVersion, now: &Catalog, new: &Catalog) -> Profile {
    let name = format!("profile of person {}", version.person);
    let text = version.profile.to_string();
    let parsed = Unchecked::parse(&name, &text, Format::Json).unwrap();
    parsed.check(new).unwrap();
    parsed.into_checked(now).unwrap()
}

/// A data directory in `dir` holding `n` people, each with a profile
/// varied from the examples, added 1,000 at a time.
fn build(runtime: &Runtime, dir: &Path, catalog: &Catalog, n: usize) -> SqliteStore {
    let started = Instant::now();
    let store = runtime.block_on(SqliteStore::open(dir)).unwrap();
    let examples = common::examples(catalog);
    for batch in (0..n).collect::<Vec<_>>().chunks(1_000) {
        let people = batch
            .iter()
            .map(|&i| NewPerson {
                name: format!("Candidate {i}"),
                organization: None,
                profile: Some(common::varied(&examples, i)),
            })
            .collect();
        runtime.block_on(store.add_people("bench", people)).unwrap();
    }
    println!(
        "dataset: {n} people with a profile (from {} examples), stored in {:.1} s; database {:.1} MiB",
        examples.len(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(store.db_path())
            .map(|m| m.len() as f64 / 1_048_576.0)
            .unwrap_or(0.0)
    );
    store
}

/// The report's parts alone, each over every stored profile: reading them,
/// parsing and checking them, evaluating and comparing, and the engine's
/// evaluations alone.
fn parts(runtime: &Runtime, store: &SqliteStore, now: &Catalog, new: &Catalog, as_of: Date) {
    let (reading, stored) = time(5, || runtime.block_on(read_all(store)));
    let (parsing, profiles) = time(5, || {
        stored
            .iter()
            .map(|(_, v)| read(v, now, new))
            .collect::<Vec<_>>()
    });
    let (evaluating, _) = time(5, || {
        profiles
            .iter()
            .map(|profile| {
                let old = labpath_engine::eval::evaluate(now, profile, as_of);
                let new = labpath_engine::eval::evaluate(new, profile, as_of);
                old.credentials.len() + new.credentials.len()
            })
            .sum::<usize>()
    });
    let compare = Comparison::new(now, new);
    let (comparing, changed) = time(5, || {
        profiles
            .iter()
            .map(|profile| compare.person(profile, profile, as_of).len())
            .sum::<usize>()
    });
    let each = stored.len();
    println!(
        "  reading the {each} latest profiles from the store: {reading} ({:.1} µs each)",
        reading.per(each)
    );
    println!(
        "  parsing each once, checking it under both catalogs: {parsing} ({:.1} µs each)",
        parsing.per(each)
    );
    println!(
        "  evaluating each under both and comparing: {comparing} ({:.1} µs each; {changed} credentials changed)",
        comparing.per(each)
    );
    println!(
        "  the floor, the engine's two evaluations alone: {evaluating} ({:.1} µs a profile, {:.1} µs an evaluation)",
        evaluating.per(each),
        evaluating.per(each) / 2.0
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists targets; nothing to list here.
    }
    let n: usize = std::env::var("LABPATH_BENCH_PROFILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let temp = tempfile::tempdir().unwrap();
    let now = common::current();
    let new = common::edited(&temp.path().join("catalog"), 48);
    let as_of = common::as_of();
    let store = build(&runtime, &temp.path().join("data"), &now, n);
    let app = App::new(&now, &store);
    let who = Principal::local("bench");
    let (whole, view) = time(5, || {
        runtime
            .block_on(report(&app, &new, &who, None, as_of))
            .unwrap()
    });
    assert_eq!(view.evaluated, n, "every profile is read by both catalogs");
    println!(
        "impact report over {} profiles ({} a page): {whole}, median of 5; {} affected",
        view.evaluated,
        PAGE,
        view.affected.len()
    );

    parts(&runtime, &store, &now, &new, as_of);
    let verdict = |d: Duration| {
        if d < Duration::from_secs(2) {
            "meets"
        } else {
            "MISSES"
        }
    };
    println!(
        "target: the report under 2 s on one core: {} on the processor, {} on the clock",
        verdict(whole.cpu),
        verdict(whole.wall)
    );
}
