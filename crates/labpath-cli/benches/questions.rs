//! Benchmark of the interview's questions (`labpath questions`, the web
//! interview's next question), through `labpath_views::questions::view` as
//! the front ends call it (goal resolution included):
//! - `questions/ph-medtech/work-mls-ny`: the Philippine example profile and
//!   a goal, the interview's usual case;
//! - `questions/ph-medtech/no-goal`: the same profile against every
//!   credential;
//! - `questions/empty/work-mls-ny`: a profile with only a name, the
//!   interview's first page.

#![allow(
    clippy::expect_used,
    reason = "a benchmark without its fixtures has nothing to measure"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use labpath_engine::profile::{Person, Profile};
use labpath_engine::units::Date;
use labpath_views::questions::view;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles")
        .join(name)
}

fn bench(c: &mut Criterion) {
    let catalog = labpath_shipped::catalog().expect("valid catalog");
    let as_of = Date::parse("2026-12-01").expect("date");
    let ph = labpath_catalog::profile::load(&example("ph-medtech-graduate.toml"), &catalog)
        .expect("valid profile");
    let empty = Profile {
        person: Person {
            name: "nobody yet".to_owned(),
            ..Person::default()
        },
        ..Profile::default()
    };
    let cases: [(&str, &Profile, Option<&str>); 3] = [
        ("questions/ph-medtech/work-mls-ny", &ph, Some("work-mls-ny")),
        ("questions/ph-medtech/no-goal", &ph, None),
        ("questions/empty/work-mls-ny", &empty, Some("work-mls-ny")),
    ];
    for (name, profile, goal) in cases {
        let asked = view(&catalog, profile, goal, as_of).expect("the goal resolves");
        assert!(!asked.questions.is_empty(), "{name}: no question to time");
        c.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    view(&catalog, black_box(profile), goal, as_of)
                        .map(|v| v.questions.len())
                        .expect("the goal resolves"),
                )
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
