//! `labpath serve`: the web app and the agency server.
//!
//! One router serves two things from the same handlers' data:
//! - the JSON API under `/api` (`api`), described by `/api/openapi.json`
//!   (`openapi`), with one error shape (`error`);
//! - server-rendered pages (`pages`) from the template files in
//!   `templates/`, usable without JavaScript.
//!
//! Two modes (`state::Mode`): local (SQLite in the data directory, loopback
//! only, no login) and server (PostgreSQL or SQLite, accounts required).
//! The server keeps nothing in memory that another replica would need:
//! sessions, CSRF tokens, login throttling and the audit log are rows.

#![recursion_limit = "256"]

pub mod api;
pub mod audit;
pub mod auth;
pub mod client;
pub mod error;
pub mod extract;
pub mod mail;
pub mod once;
pub mod openapi;
pub mod pages;
pub mod serve;
pub mod state;
#[cfg(feature = "testing")]
pub mod testing;

pub use serve::{Config, Database, run};
