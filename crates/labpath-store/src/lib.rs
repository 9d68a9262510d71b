//! labpath's tracker store: the interface (`Store`), the records it keeps,
//! and the pure logic around them. Every change is an append-only `Event`
//! (who, when, what); the current state is derived from the events by the
//! functions in `state`, which every backend runs inside the transaction
//! that appends, through the checks of `port` (written once over a few
//! reads each backend lends); stall warnings, escalation and deadlines (`stall`,
//! `agenda`) read the catalog and need no I/O. The job queue for background
//! work (`jobs`, `JobQueue`) lives in the same database.
//!
//! Backends live in their own crates (`labpath-store-sqlite`, `labpath-store-postgres`); the contract
//! suite every backend must pass is `crates/tests-store`.
//!
//! ```
//! use labpath_store::status::AppStatus;
//!
//! let why = AppStatus::Approved.check_move(AppStatus::Draft).unwrap_err();
//! assert_eq!(why, "a decided application can only be reopened as under_review");
//! ```

pub mod accounts;
pub mod agenda;
pub mod attachment;
pub mod board;
pub mod ce;
pub mod error;
pub mod event;
pub mod ids;
pub mod jobs;
pub mod model;
pub mod once;
pub mod ops;
pub mod port;
pub mod stall;
pub mod state;
pub mod status;
pub mod store;
pub mod time;

pub use accounts::Accounts;
pub use error::StoreError;
pub use jobs::JobQueue;
pub use store::Store;
