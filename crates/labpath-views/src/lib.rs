//! What labpath shows, independent of where it is shown: the JSON views of
//! an evaluation and of a plan (with quantities, ids and provenance), the
//! plan's timeline as text and as an SVG chart, and goal resolution. The
//! CLI prints them; the server answers with them and renders its pages
//! from them.

pub mod catalog;
pub mod compliance;
pub mod explain;
pub mod goal;
pub mod health;
pub mod json;
pub mod profile_form;
pub mod questions;
pub mod standing;
pub mod svg;
