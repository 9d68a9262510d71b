//! What the impact tests and benchmark share: the shipped catalog folder, a
//! copy of it with MLS(ASCPi) Route 2's experience changed, and stored
//! profiles varied from the example profiles.

#![allow(dead_code, reason = "each test file and the benchmark use part of it")]

use std::path::{Path, PathBuf};

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use serde_json::{Value, json};

/// The day both catalogs are read as of.
pub const AS_OF: &str = "2026-11-21";

/// MLS(ASCPi) Route 2 asks 36 months of experience in the shipped catalog.
const ROUTE_2_EXPERIENCE: &str =
    r#"{ experience = { months = 36, disciplines = ["microbiology", "hematology", "chemistry"]"#;

/// The examples the varied profiles are made from.
const EXAMPLES: [&str; 9] = [
    "biology-graduate-abroad",
    "ca-applicant-missing-physics",
    "canadian-mlt-diploma",
    "mlt-ascp-bachelor",
    "ng-bmls-graduate",
    "ph-medtech-graduate",
    "ph-mls-cap-exempt-offer",
    "ph-mls-cap-subject-offer",
    "us-naacls-mls-graduate",
];

pub fn shipped() -> PathBuf {
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

/// The shipped catalog, read from its folder.
pub fn current() -> Catalog {
    labpath_catalog::catalog::from_dir(&shipped()).expect("the shipped catalog reads")
}

/// The shipped catalog folder copied to `dir`, with MLS(ASCPi) Route 2's
/// experience set to `months`, loaded by the catalog loader.
pub fn edited(dir: &Path, months: u32) -> Catalog {
    copy_dir(&shipped(), dir);
    let file = dir.join("certification/ascpi.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.matches(ROUTE_2_EXPERIENCE).count(),
        1,
        "the route moved"
    );
    let text = text.replace(
        ROUTE_2_EXPERIENCE,
        &ROUTE_2_EXPERIENCE.replace("36", &months.to_string()),
    );
    std::fs::write(&file, text).unwrap();
    labpath_catalog::catalog::from_dir(dir).expect("the edited catalog reads")
}

/// The day `AS_OF`.
pub fn as_of() -> Date {
    Date::parse(AS_OF).unwrap()
}

/// Every example profile as the store keeps it (JSON), read under `catalog`.
pub fn examples(catalog: &Catalog) -> Vec<Value> {
    EXAMPLES
        .iter()
        .map(|name| {
            let path = shipped().join(format!("../examples/profiles/{name}.toml"));
            let profile = labpath_catalog::profile::load(&path, catalog).expect("an example reads");
            serde_json::to_value(&profile).unwrap()
        })
        .collect()
}

/// The `i`th of many stored profiles: the examples in turn, each named
/// `Candidate i`, with the first job lasting from 6 to 59 months (ended
/// before `AS_OF`), and every other round without the training programme
/// (for the Philippine graduates, the internship that meets MLS(ASCPi)
/// Route 1 whatever Route 2 asks).
pub fn varied(examples: &[Value], i: usize) -> Value {
    let mut p = examples[i % examples.len()].clone();
    let round = i / examples.len();
    p["person"]["name"] = json!(format!("Candidate {i}"));
    if let Some(job) = p.get_mut("experience").and_then(|e| e.get_mut(0)) {
        let start = Date::parse(job["start"].as_str().unwrap()).unwrap();
        let months = 6 + u32::try_from(round * 7 % 54).unwrap();
        let last = Date::parse("2026-10-31").unwrap();
        job["end"] = json!(start.add_months(months).pred().min(last).to_string());
    }
    if round % 2 == 1 {
        p.as_object_mut().unwrap().remove("program");
    }
    p
}
