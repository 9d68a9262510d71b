//! Loading a catalog from a folder: every `*.toml` file below it, each
//! folder once, and no file past its limit.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;

use labpath_catalog::catalog::{MAX_FILE, from_dir};

/// Copies the shipped catalog folder into `to`.
fn copy_shipped(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    copy_dir(&from, to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn a_link_back_to_a_folder_above_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    copy_shipped(&catalog);
    let plain = from_dir(&catalog).unwrap();
    // Two links to the top: followed round, they would list 2^n folders.
    std::os::unix::fs::symlink(&catalog, catalog.join("again")).unwrap();
    std::os::unix::fs::symlink(&catalog, catalog.join("states/top")).unwrap();
    let linked = from_dir(&catalog).unwrap();
    assert_eq!(linked.credentials().len(), plain.credentials().len());
}

#[test]
fn a_catalog_file_past_its_limit_is_named_and_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    copy_shipped(&catalog);
    let huge = catalog.join("huge.toml");
    let line = "# a comment that fills the file\n";
    let lines = MAX_FILE.bytes as usize / line.len() + 1;
    std::fs::write(&huge, line.repeat(lines)).unwrap();
    let problems = from_dir(&catalog).unwrap_err().to_string();
    assert!(problems.contains("huge.toml"), "{problems}");
    assert!(problems.contains("larger than 4 MiB"), "{problems}");
}
