//! OpenAPI schemas of the engine's value types that serialize by hand (a
//! day as `YYYY-MM-DD`, money as a number of dollars...): what their
//! `Serialize` writes, said once here for the server's derived document.
//! Only with the `openapi` feature.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::calendar::{MonthDay, WageLevel};
use crate::units::{Code, Date, Money};

/// Implements `ToSchema` for a type from the schema its `Serialize` writes.
macro_rules! schema_of {
    ($($ty:ty => $schema:expr;)*) => {$(
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }

        impl utoipa::ToSchema for $ty {}
    )*};
}

schema_of! {
    Date => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .description(Some("A calendar day, YYYY-MM-DD."));
    Money => ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(Some(0.0))
        .description(Some("US dollars (cents as the fraction)."));
    Code => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[A-Z]{2}$"))
        .description(Some("A two-letter country, state or territory code (`US`, `NY`, `PR`)."));
    MonthDay => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]{2}-[0-9]{2}$"))
        .description(Some("A day of the year, MM-DD."));
    WageLevel => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1.0))
        .maximum(Some(4.0))
        .description(Some("A DOL wage level, 1 (I) to 4 (IV)."));
}
