//! What labpath's SQL backends share, so that SQLite and PostgreSQL keep
//! the same records the same way: the statements (`query`, one text for
//! both dialects), rows decoded by `sqlx::FromRow` (`rows`), driver errors
//! classified once (`error`), and every read and write of the tracker, the
//! accounts and the job queue (`read`, `write`, `accounts`, `jobs`), written
//! over `Conn`, the small connection trait each backend implements. A
//! backend keeps only what its database does differently: opening it, its
//! writers' lock, where files live, and how a parameter is bound in its
//! column types.

pub mod accounts;
pub mod board;
pub mod conn;
pub mod error;
pub mod jobs;
pub mod query;
pub mod read;
pub mod rows;
pub mod write;

pub use conn::{Conn, Param, Sql, TableRow};
pub use error::db_error;
