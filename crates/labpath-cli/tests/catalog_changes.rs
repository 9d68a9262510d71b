//! `labpath catalog diff` and `labpath catalog impact` on a real edited
//! copy of the shipped catalog folder: the diff as people read it (a
//! snapshot) and as JSON; the impact on a local data directory and, with
//! `--database-url --org`, on a server's PostgreSQL database, where only
//! that organization's people are evaluated.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::Accounts;
use labpath_store::ids::OrgId;
use labpath_store::ops;
use labpath_store::store::Store;
use labpath_store_postgres::testing::TestDatabase;
use serde_json::{Value, json};

const AS_OF: &str = "2026-11-21";

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Replaces `from` with `to` in one file of a catalog copy, where it is
/// exactly once.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "`{from}` once in {file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// `old` (the shipped folder as it is) and `new` (a copy with MLS(ASCPi)
/// Route 2 asking 48 months of experience, not 36) in `dir`; with
/// `more`, also a fee, a step's duration and an as-of date changed.
fn folders(dir: &Path, more: bool) {
    copy_dir(&shipped(), &dir.join("old"));
    let new = dir.join("new");
    copy_dir(&shipped(), &new);
    edit(
        &new,
        "certification/ascpi.toml",
        r#"{ experience = { months = 36, disciplines = ["microbiology", "hematology", "chemistry"]"#,
        r#"{ experience = { months = 48, disciplines = ["microbiology", "hematology", "chemistry"]"#,
    );
    if more {
        edit(
            &new,
            "certification/ascpi.toml",
            "amount = 210\n",
            "amount = 250\n",
        );
        edit(
            &new,
            "steps/certification.toml",
            "id = \"ascp-mls-sit\"",
            "id = \"ascp-mls-sit\"\n# edited",
        );
        let steps = new.join("steps/certification.toml");
        let text = std::fs::read_to_string(&steps).unwrap();
        let (head, tail) = text.split_at(text.find("# edited").unwrap());
        let tail = tail.replacen("likely_days = 72", "likely_days = 80", 1);
        std::fs::write(&steps, format!("{head}{tail}")).unwrap();
        edit(
            &new,
            "states/fl.toml",
            r#"provenance = { sources = ["FL-6", "FL-4"], as_of = 2026-11-21"#,
            r#"provenance = { sources = ["FL-6", "FL-4"], as_of = 2027-01-15"#,
        );
    }
}

/// Runs `labpath ARGS` in `dir`, with no data directory of the machine's.
fn labpath_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .env_remove("LABPATH_DATABASE_URL")
        .env("LABPATH_DATA_DIR", dir.join("no-data-dir"))
        .output()
        .expect("the labpath binary runs")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_diff_of_an_edited_copy_names_each_change_in_100_columns_and_in_json() {
    let dir = tempfile::tempdir().unwrap();
    folders(dir.path(), true);
    let text = ok(&labpath_in(dir.path(), &["catalog", "diff", "old", "new"]));
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(
        long.is_empty(),
        "lines over 100 columns:\n{}",
        long.join("\n")
    );
    insta::assert_snapshot!("catalog-diff-edited-copy", text);

    let json = ok(&labpath_in(
        dir.path(),
        &["catalog", "diff", "old", "new", "--format", "json"],
    ));
    let d: Value = serde_json::from_str(&json).unwrap();
    let clause = &d["rules"][0]["clauses"][0];
    assert_eq!(d["rules"][0]["route"], "route-2");
    assert_eq!(
        clause["fields"][0],
        json!({ "at": "months", "old": "36", "new": "48" })
    );
    assert_eq!(d["fees"][0]["old"], 210.0);
    assert_eq!(d["fees"][0]["new"], 250.0);
    assert_eq!(d["durations"][0]["step"], "ascp-mls-sit");
    assert_eq!(d["sources"][0]["new"], "2027-01-15");
    assert_eq!(d["other"], json!([]));
    assert_eq!(d["items"], json!([]));

    let same = ok(&labpath_in(dir.path(), &["catalog", "diff", "old", "old"]));
    assert_eq!(same, "old and old say the same: no changes\n");
}

#[test]
fn a_broken_folder_is_refused_with_the_loaders_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    folders(dir.path(), false);
    edit(
        &dir.path().join("new"),
        "certification/ascpi.toml",
        "months = 48",
        "months = \"four years\"",
    );
    let out = labpath_in(dir.path(), &["catalog", "diff", "old", "new"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("new/certification/ascpi.toml"), "{err}");
    assert!(err.contains("months"), "{err}");
}

/// The Philippine MedTech graduate without the internship, with `months`
/// of hospital work from 2022-07-01.
fn medtech(catalog: &Catalog, months: u32) -> Value {
    let path = shipped().join("../examples/profiles/ph-medtech-graduate.toml");
    let profile = labpath_catalog::profile::load(&path, catalog).unwrap();
    let mut p = serde_json::to_value(&profile).unwrap();
    let end = Date::parse("2022-07-01").unwrap().add_months(months).pred();
    p["experience"][0]["end"] = json!(end.to_string());
    p.as_object_mut().unwrap().remove("program");
    p
}

/// Ben (40 months: eligible for MLS(ASCPi) under 36, not 48), Cruz (30:
/// short of both) and Ana (12 years: eligible under both) of `org`.
async fn people(store: &dyn Store, org: Option<OrgId>, prefix: &str) {
    let catalog = labpath_shipped::catalog().unwrap();
    for (name, months) in [("Ben", 40), ("Cruz", 30), ("Ana", 144)] {
        let name = format!("{prefix}{name}");
        let id = ops::add_person(store, "test", &name, org).await.unwrap().id;
        ops::record_profile(store, "test", id, medtech(&catalog, months))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_impact_on_a_local_data_directory_lists_the_people_it_moves() {
    let dir = tempfile::tempdir().unwrap();
    folders(dir.path(), false);
    let data = dir.path().join("data");
    let store = labpath_store_sqlite::SqliteStore::open(&data)
        .await
        .unwrap();
    people(&store, None, "").await;
    store.close().await;

    let args = [
        "--data-dir",
        "data",
        "catalog",
        "impact",
        "new",
        "--as-of",
        AS_OF,
    ];
    let text = ok(&labpath_in(dir.path(), &args));
    assert!(
        text.starts_with("new against the built-in catalog, as of 2026-11-21: 2 of 3 people"),
        "{text}"
    );
    assert!(text.contains("Ben (person 1):"), "{text}");
    assert!(text.contains("Cruz (person 2):"), "{text}");
    assert!(!text.contains("Ana"), "{text}");
    assert!(
        text.contains("status changes: eligible → unknown"),
        "{text}"
    );
    assert!(
        text.contains("[ok] have 40 of 36 months → [no] have 40 of 48 months"),
        "{text}"
    );
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(
        long.is_empty(),
        "lines over 100 columns:\n{}",
        long.join("\n")
    );

    let one = [&args[..], &["--person", "2", "--format", "json"]].concat();
    let v: Value = serde_json::from_str(&ok(&labpath_in(dir.path(), &one))).unwrap();
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["affected"][0]["name"], "Cruz");
    assert_eq!(v["affected"][0]["credentials"][0]["change"], "missing");
}

#[tokio::test]
async fn the_impact_on_a_servers_database_covers_one_organization() {
    let Some(db) = TestDatabase::create().await.unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    folders(dir.path(), false);
    let store = db.store().await.unwrap();
    let agency = store.create_organization("Agency").await.unwrap().id;
    let other = store.create_organization("Other").await.unwrap().id;
    people(&store, Some(agency), "").await;
    people(&store, Some(other), "Other ").await;
    let url = labpath_server::testing::postgres_url(&db);
    let org = agency.to_string();

    let args = [
        "catalog", "impact", "new", "--as-of", AS_OF, "--format", "json",
    ];
    let server = [&args[..], &["--database-url", &url, "--org", &org]].concat();
    let v: Value = serde_json::from_str(&ok(&labpath_in(dir.path(), &server))).unwrap();
    let names: Vec<&str> = v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ben", "Cruz"], "{v:#}");
    assert_eq!(v["evaluated"], 3);

    let no_org = labpath_in(dir.path(), &[&args[..], &["--database-url", &url]].concat());
    assert_eq!(no_org.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_org.stderr).contains("--org"));
    let unknown = [&args[..], &["--database-url", &url, "--org", "999"]].concat();
    let unknown = labpath_in(dir.path(), &unknown);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("--org: organization `999` does not exist")
    );
}
