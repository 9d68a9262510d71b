//! The peer benchmark: labpath's whole-catalog eligibility decisions against
//! two peers computing the same decisions, checked to agree before anything
//! is timed.
//!
//! - **labpath**: `labpath_engine::eval::evaluate` over the shipped catalog
//!   (`labpath_catalog::catalog::embedded()`), reduced to its decisions: per
//!   credential the status, per route the outcome ([`decisions`]).
//! - **datalogic-rs**: every route's requirement tree translated to
//!   JSONLogic ([`jsonlogic`]) and run by the `datalogic-rs` interpreter on
//!   facts derived once per profile and as-of day into a JSON document
//!   ([`facts`]); pass, unknown and fail are the numbers 2, 1 and 0.
//! - **floor**: a hand-written Rust function of the same decisions for
//!   MLS/MLT(ASCP), MLS/MLT(ASCPi), MLS/MLT(AMT), the New York clinical
//!   laboratory technologist license and the California CLS license
//!   ([`floor`]): the least work those decisions can take.
//!
//! Profiles are the example profiles in `examples/profiles/` and seeded
//! random ones ([`profiles`]); as-of days run from 2015 to 2030. The
//! agreement check ([`agree`]) compares every route of every profile on
//! every day and stops at the first difference, naming it; the tests run it
//! on a small sample, `cargo bench -p labpath-bench` on the full set before
//! it times the contenders in one interleaved run ([`timing`]).
//!
//! ```
//! use labpath_bench::{agree, jsonlogic::JsonLogicCatalog, profiles};
//!
//! let catalog = labpath_catalog::catalog::embedded().expect("the shipped catalog loads");
//! let logic = JsonLogicCatalog::compile(&catalog).expect("every route compiles");
//! let profiles = profiles::random(&catalog, 7, 2);
//! let days = profiles::days(2);
//! let checked = agree::check(&catalog, &logic, &profiles, &days).expect("all agree");
//! assert!(checked.routes > 0);
//! ```

pub mod agree;
pub mod decisions;
pub mod facts;
pub mod floor;
pub mod jsonlogic;
pub mod profiles;
pub mod timing;
