//! The catalog shipped inside labpath. `catalog/` at the workspace root is
//! read and checked by the same loader as a `--catalog` folder when labpath
//! is built (`build.rs`; a problem in it stops the build), and its checked
//! parts are embedded in a compact binary form (MessagePack, with each
//! field named as in the catalog files). Loading it reads no TOML and
//! checks nothing again: about eight times faster than loading the folder.
//!
//! ```
//! let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
//! assert!(catalog.credential("ascp-mls").is_some());
//! ```

use labpath_catalog::diag::{Diagnostic, Diagnostics};
use labpath_engine::catalog::{Catalog, CatalogParts};

/// The checked parts of `catalog/`, as the build stored them.
static COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalog.msgpack"));

/// The name messages give the shipped catalog.
pub const NAME: &str = "built-in catalog";

/// The shipped catalog. It was checked when labpath was built; reading it
/// back fails only if the binary's own bytes are damaged.
pub fn catalog() -> Result<Catalog, Diagnostics> {
    match rmp_serde::from_slice::<CatalogParts>(COMPILED) {
        Ok(parts) => Ok(Catalog::from_checked_parts(parts)),
        Err(e) => Err(Diagnostic {
            file: NAME.to_owned(),
            line: None,
            field: None,
            message: format!(
                "the catalog compiled into labpath cannot be read ({e}); build labpath again"
            ),
        }
        .into()),
    }
}
