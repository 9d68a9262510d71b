//! Loading and validating labpath's inputs: the catalog (a folder of TOML
//! files; the build of `labpath-shipped` runs the same loader on the
//! shipped one) and profiles (TOML or JSON).
//! Every problem comes back as a `Diagnostic` naming file, line and field.
//!
//! ```
//! let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
//! let catalog = labpath_catalog::catalog::from_dir(&folder).expect("the shipped catalog is valid");
//! assert!(catalog.credential("ascp-mls").is_some());
//! ```

pub mod catalog;
pub mod diag;
pub mod file;
pub mod parse;
pub mod profile;
