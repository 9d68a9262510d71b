//! What is overdue, due soon and to do, and the deadlines ahead, for one
//! person or everyone a principal reaches; and the records they are
//! derived from, which the calendar and the dashboard read too.

use std::collections::HashSet;

use labpath_engine::units::Date;
use labpath_store::agenda::{self, Alert, Deadline, Records};
use labpath_store::ids::PersonId;
use labpath_store::model::{AppFilter, PeopleFilter, Person, Scope, Window};
use labpath_views::agenda::StatusView;

use crate::{App, AppError, Principal};

/// Every person `who` reaches, by id.
pub async fn people(app: &App<'_>, who: &Principal) -> Result<Vec<Person>, AppError> {
    let all = app
        .store
        .people_in(who.scope, &PeopleFilter::default(), Window::ALL)
        .await?;
    Ok(all.items)
}

/// The people an agenda is about (`person`, or everyone `who` reaches) and
/// their records: applications, open checklists, reminders and the
/// profiles of those with drafts. Nothing of anyone else's is kept.
pub async fn records(
    app: &App<'_>,
    who: &Principal,
    person: Option<PersonId>,
) -> Result<(Vec<Person>, Records), AppError> {
    let people: Vec<Person> = match person {
        Some(p) => vec![app.person(who, p).await?],
        None => people(app, who).await?,
    };
    let organization = match (person, who.scope) {
        (None, Scope::Org(org)) => Some(org),
        _ => None,
    };
    let mut records = agenda::load_where(
        app.store,
        AppFilter {
            person,
            organization,
            open_only: false,
        },
    )
    .await?;
    // The filter narrows the reads; the scope decides what is kept.
    let ids: HashSet<PersonId> = people.iter().map(|p| p.id).collect();
    records.applications.retain(|a| ids.contains(&a.person));
    let apps: HashSet<_> = records.applications.iter().map(|a| a.id).collect();
    records.items.retain(|i| apps.contains(&i.application));
    records.reminders.retain(|r| ids.contains(&r.person));
    records.profiles.retain(|p, _| ids.contains(p));
    Ok((people, records))
}

/// An agenda on a day: the records, the alerts and the deadlines.
pub struct Agenda<'c> {
    /// The day.
    pub as_of: Date,
    /// The people it is about.
    pub people: Vec<Person>,
    /// Their records.
    pub records: Records,
    /// Overdue, due soon and to do, most urgent first.
    pub alerts: Vec<Alert<'c>>,
    /// Deadlines from the catalog, closing routes and reminders.
    pub deadlines: Vec<Deadline>,
    /// What is lapsing (red or amber) in the deadline model
    /// (`crate::deadlines`), most severe first: renewals and expiries of
    /// held credentials, application limits, promises and reminders.
    pub lapsing: Vec<labpath_views::deadlines::Deadline>,
}

impl<'c> Agenda<'c> {
    /// As the API answers it.
    pub fn view(&self) -> StatusView<'_, 'c> {
        StatusView {
            as_of: self.as_of,
            alerts: &self.alerts,
            deadlines: &self.deadlines,
            lapsing: &self.lapsing,
        }
    }

    /// The alerts that do not repeat a deadline listed as lapsing: a
    /// front end that shows `lapsing` first shows these after it.
    pub fn other_alerts(&self) -> Vec<&Alert<'c>> {
        let keys: HashSet<&str> = self.lapsing.iter().map(|d| d.key.as_str()).collect();
        self.alerts
            .iter()
            .filter(|a| {
                a.deadline.as_ref().is_none_or(|uid| {
                    !keys.contains(crate::deadlines::agenda_key(a.person, uid).as_str())
                })
            })
            .collect()
    }

    /// How many applications are not decided.
    pub fn open_applications(&self) -> usize {
        self.records
            .applications
            .iter()
            .filter(|a| !a.status.is_decided())
            .count()
    }
}

/// The status of one person (or everyone `who` reaches) on `as_of`.
pub async fn status<'c>(
    app: &App<'c>,
    who: &Principal,
    person: Option<PersonId>,
    as_of: Date,
) -> Result<Agenda<'c>, AppError> {
    let (people, records) = records(app, who, person).await?;
    let all = crate::deadlines::of_records(app, &people, &records, as_of).await?;
    Ok(Agenda {
        as_of,
        alerts: agenda::alerts(app.catalog, &records, as_of),
        deadlines: agenda::deadlines(app.catalog, &records, as_of),
        lapsing: crate::deadlines::lapsing(&all),
        people,
        records,
    })
}
