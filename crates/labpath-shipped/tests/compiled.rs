//! The compiled catalog is the shipped catalog: loading `catalog/` from
//! its TOML files at run time gives the same catalog, part for part, as the
//! one the build compiled into the binary. Anything lost or changed on the
//! way through the binary form (a field the form drops, a date or an
//! amount read back differently) fails here.

#![allow(
    clippy::expect_used,
    reason = "tests: a failed assumption is a failed test"
)]

use std::path::Path;

#[test]
fn the_compiled_catalog_equals_the_catalog_folder_read_at_run_time() {
    let compiled = labpath_shipped::catalog().expect("the compiled catalog reads");
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let read = labpath_catalog::catalog::from_dir(&folder).expect("the catalog folder loads");
    assert!(!read.credentials().is_empty());
    let (compiled, read) = (compiled.into_parts(), read.into_parts());
    // Part by part first, so a difference names where it is.
    assert_eq!(compiled.sources, read.sources);
    assert_eq!(compiled.bodies, read.bodies);
    assert_eq!(compiled.exams, read.exams);
    assert_eq!(compiled.credentials, read.credentials);
    assert_eq!(compiled.jurisdictions, read.jurisdictions);
    assert_eq!(compiled.glossary, read.glossary);
    assert_eq!(compiled.steps, read.steps);
    assert_eq!(compiled.goals, read.goals);
    assert_eq!(compiled.maintenance, read.maintenance);
    assert_eq!(compiled.restrictions, read.restrictions);
    assert_eq!(compiled.countries, read.countries);
    assert_eq!(compiled, read);
}

/// Steps and sources are read on first use, with their indices: a lookup
/// by id on a fresh catalog, and on a copy made before anything was read,
/// finds the same step or source as the folder's catalog.
#[test]
fn parts_read_on_first_use_are_found_by_id() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let read = labpath_catalog::catalog::from_dir(&folder).expect("the catalog folder loads");
    let fresh = labpath_shipped::catalog().expect("the compiled catalog reads");
    let copy = labpath_shipped::catalog()
        .expect("the compiled catalog reads")
        .clone();
    assert!(!read.steps().is_empty() && !read.sources().is_empty());
    for compiled in [&fresh, &copy] {
        for step in read.steps() {
            assert_eq!(compiled.step(step.id.as_str()), Some(step));
        }
        for (i, source) in read.sources().iter().enumerate() {
            assert_eq!(compiled.source(source.id.as_str()), Some(source));
            assert_eq!(compiled.source_position(source.id.as_str()), Some(i));
        }
        assert_eq!(compiled.goals(), read.goals());
        assert_eq!(compiled.glossary(), read.glossary());
        assert_eq!(compiled.maintenance(), read.maintenance());
        assert_eq!(compiled.restrictions(), read.restrictions());
    }
}
