//! The peer benchmark: labpath's whole-catalog eligibility decisions against
//! two peers computing the same decisions, checked to agree before anything
//! is timed.
//!
//! - **labpath**: `labpath_engine::eval::decide_all_into`, the decisions-only
//!   evaluation (the catalog compiled for decisions, `eval::Program`), over
//!   the shipped catalog (`labpath_shipped::catalog()`):
//!   per credential the status, per route the outcome ([`decisions`]). The
//!   explained evaluation (`eval::evaluate`, every clause with its finding)
//!   is checked against it route by route and timed beside it.
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
//! ```sh
//! cargo bench -p labpath-bench          # check, then time; prints the table
//! cargo test -p labpath-bench           # the check alone, on a sample
//! ```
//!
//! How to read the figures:
//!
//! - labpath's figure is `eval::decide_all_into` filling one buffer again and
//!   again; it derives its own per-profile facts inside the call. The
//!   `explained` column is `eval::evaluate`, which builds every clause with
//!   its finding (no text).
//! - datalogic-rs's figure starts from facts already derived and parsed
//!   (the "pre-converted data" of the comparison); what deriving and parsing
//!   them costs is timed in the same run and printed apart ("JSON facts").
//!   The facts hold what JSONLogic cannot compute: calendar months of each
//!   work period and of residence, and which of a country's usual degrees a
//!   foreign degree is (a title match against the catalog's country tables).
//! - The floor starts from the profile, as labpath does.
//!
//! ```
//! use labpath_bench::{agree, jsonlogic::JsonLogicCatalog, profiles};
//!
//! let catalog = labpath_shipped::catalog().expect("the shipped catalog loads");
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
