//! Benchmark of the planner: example profiles to real goals, with the
//! 10,000-run simulation of every kept plan (the engine alone). The
//! cap-subject case goes through the H-1B calendar: the March window, the
//! yearly draw and the October 1 start. The Californian applicant has no
//! plan to an H-1B (her degree is outside what VisaScreen reviews): that case
//! measures the search that ends in blockers and the questions to ask.

#![allow(
    clippy::expect_used,
    reason = "a benchmark without its fixtures has nothing to measure"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use labpath_engine::plan::{Optimize, Options, plan};
use labpath_engine::units::Date;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles")
        .join(name)
}

fn planner(c: &mut Criterion) {
    let catalog = labpath_shipped::catalog().expect("valid catalog");
    let options = Options {
        from: Date::parse("2026-11-21").expect("date"),
        optimize: Optimize::Time,
        samples: 10_000,
        seed: 42,
    };
    for (file, goal_id) in [
        ("ph-medtech-graduate.toml", "work-mls-ny"),
        ("ph-mls-cap-subject-offer.toml", "work-mls-ny"),
        ("ca-applicant-missing-physics.toml", "work-mls-ca-h1b"),
        (
            "ph-medtech-graduate.toml",
            "green-card-mls-no-license-state",
        ),
    ] {
        let mut profile =
            labpath_catalog::profile::load(&example(file), &catalog).expect("valid profile");
        let goal = catalog.goal(goal_id).expect("goal exists");
        profile.person.work_state = profile.person.work_state.or(goal.work_state);
        let stem = file.trim_end_matches(".toml");
        c.bench_function(&format!("plan+10k-simulation/{stem}/{goal_id}"), |b| {
            b.iter(|| {
                black_box(
                    plan(&catalog, black_box(&profile), &goal.requires, options)
                        .map(|r| r.kept.len()),
                )
            })
        });
    }
}

criterion_group!(benches, planner);
criterion_main!(benches);
