//! What the contract, crash and benchmark code share: the shipped catalog,
//! fixed days, and small builders.

use std::sync::OnceLock;

use labpath_engine::catalog::Catalog;
use labpath_engine::step::Step;
use labpath_engine::units::Date;
use labpath_store::Store;
use labpath_store::ids::PersonId;
use labpath_store::ops;

/// The actor the tests record as.
pub const ACTOR: &str = "contract-test";

/// The shipped catalog, loaded once.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match labpath_shipped::catalog() {
        Ok(c) => c,
        Err(d) => panic!("the shipped catalog is invalid: {d}"),
    })
}

/// A catalog step by id.
pub fn step(id: &str) -> &'static Step {
    catalog()
        .step(id)
        .unwrap_or_else(|| panic!("no step `{id}` in the catalog"))
}

/// A day, from `YYYY-MM-DD`.
pub fn day(text: &str) -> Date {
    Date::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Adds a person named `name`.
pub async fn person(store: &dyn Store, name: &str) -> PersonId {
    match ops::add_person(store, ACTOR, name, None).await {
        Ok(p) => p.id,
        Err(e) => panic!("adding {name}: {e}"),
    }
}
