//! One function per page or form, in a module per resource as the API
//! has them.

mod account;
mod audit;
mod catalog;
mod ce;
mod links;
mod people;
mod tracker;

pub use account::*;
pub use audit::*;
pub use catalog::*;
pub use ce::*;
pub use links::*;
pub use people::*;
pub use tracker::*;

use crate::extract::QueryParams;

type Q = QueryParams<std::collections::HashMap<String, String>>;

fn q<'a>(query: &'a Q, name: &str) -> Option<&'a str> {
    query
        .0
        .get(name)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}
