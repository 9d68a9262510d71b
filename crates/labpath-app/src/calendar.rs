//! The calendar of one person or everyone a principal reaches: every
//! deadline of the deadline model (`crate::deadlines`) on its days, and the
//! next escalation steps, as entries the iCalendar writer
//! (`labpath_views::calendar::ics`) turns into a file or a feed.

use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_views::calendar::{Entry, deadline_entries, next_steps};

use crate::{App, AppError, Principal};

/// The entries of `person`'s calendar (everyone's `who` reaches without
/// one, each titled with the person's name) seen from `today`, by day.
pub async fn calendar(
    app: &App<'_>,
    who: &Principal,
    person: Option<PersonId>,
    today: Date,
) -> Result<Vec<Entry>, AppError> {
    let (people, records) = crate::agenda::records(app, who, person).await?;
    let deadlines = crate::deadlines::of_records(app, &people, &records, today).await?;
    let mut list = deadline_entries(app.catalog, &deadlines, person.is_none());
    list.extend(next_steps(app.catalog, &records));
    list.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    Ok(list)
}
