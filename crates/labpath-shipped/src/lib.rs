//! The catalog shipped inside labpath. `catalog/` at the workspace root is
//! read and checked by the same loader as a `--catalog` folder when labpath
//! is built (`build.rs`; a problem in it stops the build), and its checked
//! parts are embedded in a compact binary form (MessagePack, each struct
//! a map keyed by field position: `build/indexed.rs`). Loading it reads no
//! TOML and checks nothing again. The parts every evaluation reads (credentials,
//! exams, bodies, jurisdictions, countries) are decoded at once; sources,
//! the glossary, steps, goals, maintenance rules and visa restrictions on
//! first use ([`LaterParts`]), which `labpath check` never makes.
//!
//! ```
//! let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
//! assert!(catalog.credential("ascp-mls").is_some());
//! assert!(!catalog.steps().is_empty());
//! ```

use labpath_catalog::diag::{Diagnostic, Diagnostics};
use labpath_engine::catalog::{Catalog, CoreParts, LaterParts};
use serde::de::DeserializeOwned;

/// The stored parts, as the build wrote them.
macro_rules! stored {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".msgpack"))
    };
}

/// The parts every evaluation reads.
static CORE: &[u8] = stored!("core");

/// The name messages give the shipped catalog.
pub const NAME: &str = "built-in catalog";

/// The shipped catalog. It was checked when labpath was built; reading it
/// back fails only if the binary's own bytes are damaged.
#[expect(
    clippy::disallowed_methods,
    reason = "these bytes are the parts the loader checked when labpath was built"
)]
pub fn catalog() -> Result<Catalog, Diagnostics> {
    match rmp_serde::from_slice::<CoreParts>(CORE) {
        Ok(core) => Ok(Catalog::from_checked_core(core, LATER)),
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

/// The parts read on first use.
const LATER: LaterParts = LaterParts {
    sources: || later(stored!("sources")),
    glossary: || later(stored!("glossary")),
    steps: || later(stored!("steps")),
    goals: || later(stored!("goals")),
    maintenance: || later(stored!("maintenance")),
    restrictions: || later(stored!("restrictions")),
};

/// A part read on first use. The build read these very bytes back to the
/// part it stored before embedding them (`build.rs`), so they cannot fail
/// to read unless the binary itself is damaged, as its code could be.
#[expect(
    clippy::expect_used,
    reason = "the build proved these embedded bytes read back; a first use has no caller to report to"
)]
fn later<T: DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    rmp_serde::from_slice(bytes).expect("the build read this part of the catalog back")
}
