//! The calendar of one person or everyone a principal reaches: the
//! catalog's deadlines, the routes that close, reminders, the next
//! escalation steps and credential renewals, as entries the iCalendar
//! writer (`labpath_views::calendar::ics`) turns into a file or a feed.

use labpath_engine::compliance::compliance;
use labpath_engine::maintenance::Activity;
use labpath_engine::units::Date;
use labpath_store::ce;
use labpath_store::ids::PersonId;
use labpath_views::calendar::{Entry, entries, renewals};

use crate::{App, AppError, Kind, Principal};

/// The entries of `person`'s calendar (everyone's `who` reaches without
/// one) seen from `today`, by day.
pub async fn calendar(
    app: &App<'_>,
    who: &Principal,
    person: Option<PersonId>,
    today: Date,
) -> Result<Vec<Entry>, AppError> {
    let (people, records) = crate::agenda::records(app, who, person).await?;
    let mut list = entries(app.catalog, &records, today);
    for p in &people {
        list.extend(renewal_entries(app, p.id, today).await?);
    }
    list.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    Ok(list)
}

/// One person's renewals: their declaration windows and cycle ends. A
/// person with no profile, or one the catalog no longer reads, has none.
async fn renewal_entries(
    app: &App<'_>,
    person: PersonId,
    today: Date,
) -> Result<Vec<Entry>, AppError> {
    let profile = match app.profile(person).await {
        Ok(Some(profile)) => profile,
        Ok(None) => return Ok(Vec::new()),
        Err(e) if e.kind == Kind::Invalid => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let log = ce::log(app.store, person).await?;
    let activities: Vec<Activity> = log.iter().map(|a| a.activity.clone()).collect();
    Ok(renewals(
        person,
        &compliance(app.catalog, &profile, &activities, today),
    ))
}
