//! Benchmark of CE compliance: a person holding five credentials with
//! maintenance rules and 500 logged activities, every cycle assessed with
//! its optimal category split.

#![allow(
    clippy::expect_used,
    reason = "a benchmark without its fixtures has nothing to measure"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use labpath_engine::compliance::compliance;
use labpath_engine::ids::CredentialId;
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::profile::{HeldCredential, Person, Profile};
use labpath_engine::units::Date;

fn bench(c: &mut Criterion) {
    let catalog = labpath_shipped::catalog().expect("valid catalog");
    let as_of = Date::parse("2026-11-21").expect("date");
    // Five held credentials that have maintenance rules in the catalog.
    let held: Vec<HeldCredential> = catalog
        .maintenance()
        .iter()
        .flat_map(|r| r.credentials.iter())
        .take(5)
        .map(|id| HeldCredential {
            id: CredentialId::new(id.as_str()).expect("id"),
            earned: Some(as_of.sub_years(10)),
            expires: Some(as_of.add_years(1)),
        })
        .collect();
    assert_eq!(
        held.len(),
        5,
        "the catalog needs five credentials with maintenance rules"
    );
    let categories: Vec<CategoryId> = catalog
        .maintenance()
        .iter()
        .flat_map(|r| r.categories.iter().map(|c| c.category.clone()))
        .collect();
    let activities: Vec<Activity> = (0..500)
        .map(|i| Activity {
            title: format!("activity {i}"),
            provider: Some("provider".to_owned()),
            accreditation: Some("P.A.C.E.".to_owned()),
            date: as_of.add_days(-(i as i64 * 3)),
            credit: if i % 10 == 0 {
                Credit::SemesterHours(1.0)
            } else {
                Credit::ContactHours(1.0 + (i % 3) as f64)
            },
            categories: (0..(1 + i % 3))
                .filter_map(|k| {
                    categories
                        .get((i * 7 + k * 3) % categories.len().max(1))
                        .cloned()
                })
                .collect(),
            certificate: None,
        })
        .collect();
    let profile = Profile {
        person: Person {
            name: "bench".to_owned(),
            ..Person::default()
        },
        credentials: held,
        ..Profile::default()
    };
    c.bench_function("compliance/5-credentials-500-activities", |b| {
        b.iter(|| {
            black_box(
                compliance(&catalog, black_box(&profile), black_box(&activities), as_of).len(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
