//! Benchmarks of eligibility:
//! - `evaluate/whole-catalog`: one example profile against every credential,
//!   with the explanation text of every clause rendered (the engine alone);
//! - `answer/*`: the answers built from one explained evaluation of the
//!   Philippine example: the overview `check` prints, the compact JSON
//!   answer (the API's default) and the full one, each evaluated and
//!   written into memory, and the first two also written alone from one
//!   evaluation (`-text`), the compact answer also by `serde_json` (for the
//!   ratio to labpath's JSON writer); the bytes written are printed once;
//! - `process/labpath-check`: the whole `labpath check` process on an
//!   example profile (start-up, embedded catalog load, profile parse,
//!   evaluation, output), as a user runs it.

#![allow(
    clippy::expect_used,
    clippy::print_stderr,
    reason = "a benchmark without its fixtures has nothing to measure; it prints what it wrote"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use labpath_engine::eval::evaluate;
use labpath_engine::explain::clause_lines;
use labpath_engine::units::Date;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles")
        .join(name)
}

fn engine(c: &mut Criterion) {
    let catalog = labpath_shipped::catalog().expect("valid catalog");
    let profile = labpath_catalog::profile::load(&example("ph-medtech-graduate.toml"), &catalog)
        .expect("valid profile");
    let as_of = Date::parse("2026-11-21").expect("date");
    c.bench_function("evaluate/whole-catalog", |b| {
        b.iter(|| black_box(evaluate(&catalog, black_box(&profile), as_of)))
    });
    c.bench_function("evaluate/whole-catalog+explanations", |b| {
        b.iter(|| {
            let eval = evaluate(&catalog, black_box(&profile), as_of);
            let lines: usize = eval
                .credentials
                .iter()
                .flat_map(|c| &c.routes)
                .filter_map(|r| r.clause())
                .map(|clause| clause_lines(clause, &catalog).len())
                .sum();
            black_box(lines)
        })
    });
}

fn answers(c: &mut Criterion) {
    let catalog = labpath_shipped::catalog().expect("valid catalog");
    let path = example("ph-medtech-graduate.toml");
    let profile = labpath_catalog::profile::load(&path, &catalog).expect("valid profile");
    let table = labpath_app::eligibility::CatalogTable::of(&catalog).expect("the table is written");
    let as_of = Date::parse("2026-11-21").expect("date");
    let overview = |eval: &labpath_engine::eval::Evaluation<'_>| {
        let mut out = Vec::with_capacity(16 * 1024);
        labpath_cli::command::check::write_overview(&catalog, "ph", &profile, eval, &mut out)
            .expect("written");
        out.len()
    };
    let compact = |eval: &labpath_engine::eval::Evaluation<'_>| {
        let view = labpath_views::json::evaluation_compact(&table.version, &profile, eval);
        // As the server writes it: into one buffer of about its size.
        let mut out = Vec::with_capacity(128 * 1024);
        labpath_views::json_writer::write(&mut out, &view).expect("written");
        out.len()
    };
    let full = |eval: &labpath_engine::eval::Evaluation<'_>| {
        let view = labpath_views::json::evaluation(&catalog, &profile, eval);
        let mut out = Vec::with_capacity(1024 * 1024);
        labpath_views::json_writer::write(&mut out, &view).expect("written");
        out.len()
    };
    let evaluated = || evaluate(&catalog, black_box(&profile), as_of);
    let once = evaluated();
    eprintln!(
        "answer bytes: overview {}, compact JSON {}, full JSON {}, clause table {}",
        overview(&once),
        compact(&once),
        full(&once),
        table.json.len()
    );
    // Each answer evaluated and written, then written alone from one
    // evaluation (the text and JSON rendered from the findings).
    c.bench_function("answer/check-overview", |b| {
        b.iter(|| overview(&evaluated()))
    });
    c.bench_function("answer/check-overview-text", |b| {
        b.iter(|| overview(black_box(&once)))
    });
    c.bench_function("answer/compact-json", |b| b.iter(|| compact(&evaluated())));
    c.bench_function("answer/compact-json-text", |b| {
        b.iter(|| compact(black_box(&once)))
    });
    c.bench_function("answer/full-json", |b| b.iter(|| full(&evaluated())));
    // The compact answer written alone by serde_json, for the ratio to
    // labpath's writer in the same run.
    c.bench_function("answer/compact-json-text-serde_json", |b| {
        b.iter(|| {
            let view = labpath_views::json::evaluation_compact(&table.version, &profile, &once);
            let mut out = Vec::with_capacity(128 * 1024);
            serde_json::to_writer(&mut out, &view).expect("written");
            out.len()
        })
    });
}

fn process(c: &mut Criterion) {
    let profile = example("ph-medtech-graduate.toml");
    let mut group = c.benchmark_group("process");
    group.sample_size(30);
    group.bench_function("labpath-check", |b| {
        b.iter(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_labpath"))
                .arg("check")
                .arg(&profile)
                .args(["--as-of", "2026-11-21"])
                .output()
                .expect("labpath runs");
            assert!(out.status.success());
            black_box(out.stdout.len())
        })
    });
    group.finish();
}

criterion_group!(benches, engine, answers, process);
criterion_main!(benches);
