//! A person's status (or everyone's): what is overdue, due soon and to do,
//! the deadlines ahead and what is lapsing, as the API answers it.

use labpath_engine::units::Date;
use labpath_store::agenda::{Alert, Deadline};
use serde::Serialize;

/// Alerts, most urgent first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PersonStatus))]
pub struct StatusView<'a, 'c> {
    /// The day.
    pub as_of: Date,
    /// Overdue, due soon and to do, most urgent first, each with what to do.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Alert>))]
    pub alerts: &'a [Alert<'c>],
    /// Deadlines from the catalog, closing routes and reminders.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Deadline>))]
    pub deadlines: &'a [Deadline],
    /// What is lapsing (red or amber), most severe first, each with what
    /// clears it: held credentials' renewals and expiries too.
    pub lapsing: &'a [crate::deadlines::Deadline],
}
