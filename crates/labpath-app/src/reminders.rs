//! Reminders a person sets themselves, for a person or one of their
//! applications: listed a page at a time, set, and marked done.

use labpath_engine::units::Date;
use labpath_store::event::{Change, Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{Paged, Reminder, ReminderFilter, Window};
use labpath_store::once::Write;
use labpath_store::ops;
use labpath_store::state::reminder_set;

use crate::once::{Made, RequestKey, one, record};
use crate::{App, AppError, Principal};

/// The reminders `who` reaches (only `person`'s, when given), by due day:
/// the window asked for and how many there are. The store reads only that
/// scope and that window.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    person: Option<PersonId>,
    window: Window,
) -> Result<Paged<Reminder>, AppError> {
    if let Some(p) = person {
        app.person(who, p).await?;
    }
    let filter = ReminderFilter { person };
    Ok(app.store.reminders_in(who.scope, &filter, window).await?)
}

/// A reminder to set: for a person, one of their applications, or both
/// (then the application must be the person's).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReminder {
    /// Whose.
    pub person: Option<PersonId>,
    /// The application it concerns.
    pub application: Option<ApplicationId>,
    /// The day.
    pub due: Date,
    /// What to do.
    pub what: String,
}

/// Sets a reminder. With a request key, a repeat of the same request
/// answers the first answer (see [`crate::once`]).
pub async fn add(
    app: &App<'_>,
    who: &Principal,
    new: NewReminder,
    key: Option<&RequestKey>,
) -> Result<Made<Reminder>, AppError> {
    let person = match new.person {
        Some(p) => Some(app.person(who, p).await?.id),
        None => None,
    };
    if new.what.trim().is_empty() {
        return Err(AppError::invalid("say what to do: `what` is empty").at("what"));
    }
    let application = match new.application {
        Some(a) => Some(app.application(who, a).await?.application),
        None => None,
    };
    let person = match (person, &application) {
        (Some(p), Some(a)) if a.person != p => {
            return Err(
                AppError::invalid(format!("application {} is not person {p}'s", a.id))
                    .at("application"),
            );
        }
        (Some(p), _) => p,
        (None, Some(a)) => a.person,
        (None, None) => {
            return Err(AppError::invalid(
                "say whose reminder it is: give a person or an application",
            )
            .at("person"));
        }
    };
    let pending = Pending {
        actor: who.actor.clone(),
        person: Some(person),
        application: application.map(|a| a.id),
        change: Change::ReminderSet {
            due: new.due,
            what: new.what.trim().to_owned(),
        },
    };
    let made = |events: &[Event]| one(events.iter().filter_map(reminder_set).collect(), "reminder");
    record(app, key, Write::Append(vec![pending]), made).await
}

/// Marks a reminder done on `on`.
pub async fn done(
    app: &App<'_>,
    who: &Principal,
    id: EventId,
    on: Date,
) -> Result<Reminder, AppError> {
    app.reminder(who, id).await?;
    Ok(ops::complete_reminder(app.store, &who.actor, id, on).await?)
}
