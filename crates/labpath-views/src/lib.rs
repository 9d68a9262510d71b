//! What labpath shows, independent of where it is shown: the JSON views of
//! an evaluation and of a plan (with quantities, ids and provenance) and
//! the compact writer the API sends its larger answers with, the
//! plan's timeline as text and as an SVG chart, goal resolution, a
//! person's status and the dashboard's lines, the calendar as iCalendar,
//! the CE audit pack as a zip, and the export document. Pure: the use cases
//! (`labpath-app`) read the records; the CLI prints these views, the server
//! answers with them and renders its pages from them.

pub mod agenda;
pub mod audit_pack;
pub mod calendar;
pub mod catalog;
pub mod catalog_diff;
pub mod compliance;
pub mod dashboard;
pub mod deadlines;
pub mod explain;
pub mod export;
pub mod goal;
pub mod health;
pub mod impact;
pub mod json;
pub mod json_writer;
pub mod profile_form;
pub mod questions;
pub mod standing;
pub mod svg;
pub mod text;
