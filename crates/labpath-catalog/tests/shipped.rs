//! The shipped catalog loads without a single diagnostic.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

#[test]
fn the_shipped_catalog_is_valid() {
    match labpath_catalog::catalog::embedded() {
        Ok(catalog) => assert!(catalog.credentials().len() > 1),
        Err(d) => panic!("the shipped catalog has problems:\n{d}"),
    }
}
