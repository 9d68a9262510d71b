//! Loading and validating labpath's inputs: the catalog (a folder of TOML
//! files, or the copy embedded in the binary) and profiles (TOML or JSON).
//! Every problem comes back as a `Diagnostic` naming file, line and field.
//!
//! ```
//! let catalog = labpath_catalog::catalog::embedded().expect("the shipped catalog is valid");
//! assert!(catalog.credential("ascp-mls").is_some());
//! ```

pub mod catalog;
pub mod diag;
pub mod file;
pub mod parse;
pub mod profile;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_catalog.rs"));
}
