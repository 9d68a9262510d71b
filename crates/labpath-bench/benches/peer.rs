//! The peer benchmark (`cargo bench -p labpath-bench`): checks that labpath,
//! the JSONLogic translation run by datalogic-rs, and the hand-written
//! floor decide every route alike on the example profiles and random ones
//! over as-of days from 2015 to 2030, then times them in one interleaved
//! run and prints per-profile medians and the ratios.
//!
//! `LABPATH_BENCH_PROFILES` (random profiles checked, default 1000) and
//! `LABPATH_BENCH_DAYS` (as-of days per year checked, default 4) scale the
//! check; the timing always uses the example profiles on 2026-12-01 and
//! 200 random profiles on days spread over 2015 to 2030.

#![allow(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark stops at a broken fixture and prints its table"
)]

use std::process::ExitCode;
use std::time::Instant;

use labpath_bench::jsonlogic::JsonLogicCatalog;
use labpath_bench::timing::{self, Figures, micros};
use labpath_bench::{agree, profiles};
use labpath_engine::units::Date;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn row(name: &str, f: &Figures) {
    println!(
        "{name:<34} {:>10} {:>10} {:>12} {:>7.2}x   {:>10} {:>9} {:>7.1}x   {:>10}",
        micros(f.labpath),
        micros(f.explained),
        micros(f.datalogic),
        f.datalogic_ratio(),
        micros(f.labpath_subset),
        micros(f.floor),
        f.floor_ratio(),
        micros(f.facts),
    );
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; this harness has no options of its own.
    let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
    let logic = JsonLogicCatalog::compile(&catalog).expect("every credential compiles");
    let examples = profiles::examples(&catalog).expect("the example profiles load");
    let random = profiles::random(&catalog, 2026, env("LABPATH_BENCH_PROFILES", 1000));
    let days = profiles::days(env("LABPATH_BENCH_DAYS", 4) as u32);
    let routes: usize = catalog.credentials().iter().map(|c| c.routes.len()).sum();
    println!(
        "catalog: {} credentials, {routes} routes; {} translated to JSONLogic (none left out)",
        catalog.credentials().len(),
        logic.routes
    );

    let started = Instant::now();
    let everyone: Vec<_> = examples.iter().chain(&random).cloned().collect();
    let checked = match agree::check(&catalog, &logic, &everyone, &days) {
        Ok(c) => c,
        Err(m) => {
            println!("STOP: {m}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "agreement: {} profiles x {} days = {} whole-catalog evaluations, {} route decisions (and statuses) equal in labpath's decisions-only and explained evaluations, {} in labpath and datalogic-rs, {} in labpath and the floor ({:.1} s)",
        everyone.len(),
        days.len(),
        checked.evaluations,
        checked.explained_routes,
        checked.routes,
        checked.floor_routes,
        started.elapsed().as_secs_f64()
    );

    let on = Date::from_ymd(2026, 12, 1).expect("a calendar day");
    println!();
    println!(
        "{:<34} {:>10} {:>10} {:>12} {:>8}   {:>10} {:>9} {:>8}   {:>10}",
        "median per evaluation",
        "labpath",
        "explained",
        "datalogic-rs",
        "dl/lp",
        "lp subset",
        "floor",
        "lp/floor",
        "JSON facts"
    );
    let mut all = Vec::new();
    for named in &examples {
        let f = timing::run(&catalog, &logic, &[(&named.profile, on)], 64, 41);
        row(&named.name, &f);
        all.push(f);
    }
    let spread: Vec<(&labpath_engine::profile::Profile, Date)> = random
        .iter()
        .take(200)
        .zip(days.iter().cycle().step_by(7))
        .map(|(n, d)| (&n.profile, *d))
        .collect();
    let f = timing::run(&catalog, &logic, &spread, 1, 41);
    row(
        &format!("random ({} profiles, 2015-2030)", spread.len()),
        &f,
    );
    let wins = all.iter().filter(|f| f.datalogic_ratio() > 1.0).count();
    println!();
    println!(
        "dl/lp: datalogic-rs time / labpath time (above 1, labpath is faster); labpath faster on {wins} of {} example profiles.",
        all.len()
    );
    println!(
        "labpath: decisions only; explained: every clause with its finding (no text). lp/floor: labpath time on the floor's 8 credentials / the floor's time. JSON facts: deriving and parsing the facts datalogic-rs reads, not counted in its figure."
    );
    bulk(&catalog, on);
    ExitCode::SUCCESS
}

/// Bulk re-evaluation as the dashboard and a catalog change do it: 10,000
/// seeded random profiles, decisions only, one buffer, on one day; the
/// median of 11 passes (run under `taskset -c 0` for one core).
fn bulk(catalog: &labpath_engine::catalog::Catalog, on: Date) {
    let people = profiles::random(catalog, 10_000, 10_000);
    let mut decisions = labpath_engine::eval::Decisions::default();
    let mut eligible = 0;
    let mut passes: Vec<std::time::Duration> = (0..11)
        .map(|_| {
            let start = Instant::now();
            eligible = 0;
            for named in &people {
                labpath_engine::eval::decide_all_into(catalog, &named.profile, on, &mut decisions);
                eligible += decisions
                    .statuses()
                    .iter()
                    .filter(|s| **s == labpath_engine::eval::Status::Eligible)
                    .count();
            }
            start.elapsed()
        })
        .collect();
    passes.sort_unstable();
    println!(
        "bulk: {} profiles x {} credentials decided in {:.1} ms (median of 11 passes; {eligible} eligible statuses)",
        people.len(),
        catalog.credentials().len(),
        passes[passes.len() / 2].as_secs_f64() * 1e3
    );
}
