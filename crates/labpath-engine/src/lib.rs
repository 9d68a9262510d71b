//! labpath's decision engine: the catalog model, the profile model and
//! eligibility with explanations. It does no I/O and depends on no database,
//! HTTP, async runtime or CLI crate: data in, decision out.
//!
//! ```
//! use labpath_engine::{catalog::Catalog, profile::Profile, units::Date, eval};
//!
//! let catalog = Catalog::default();
//! let profile = Profile::default();
//! let as_of = Date::parse("2026-11-21").unwrap();
//! let result = eval::evaluate(&catalog, &profile, as_of);
//! assert!(result.credentials.is_empty());
//! ```

pub mod aliases;
pub mod calendar;
pub mod catalog;
pub mod compliance;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod ids;
pub mod limits;
pub mod maintenance;
#[cfg(feature = "openapi")]
mod openapi;
pub mod plan;
pub mod profile;
pub mod provenance;
pub mod questions;
pub mod requirement;
pub mod step;
pub mod suggest;
pub mod units;
pub mod vocab;
