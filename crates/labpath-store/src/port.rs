//! The checks a write makes that are not SQL, written once for every
//! backend. A backend lends its transaction as a `ReadPort`: a handful of
//! reads (a person, an application, whether a file is stored...). The
//! functions here ask those reads what they need, run the pure checks of
//! `state`, and say what the event changes (`Derived`); the backend then
//! only writes those rows. So "does the application exist, does it belong
//! to this person, was the file stored first" is decided in one place, and
//! SQLite and PostgreSQL cannot drift apart on it.

use async_trait::async_trait;
use labpath_engine::units::Date;

use crate::accounts::{NewUser, Organization};
use crate::ce::IndexChange;
use crate::error::StoreError;
use crate::event::{Change, Event};
use crate::ids::{ApplicationId, EventId, OrgId, PersonId};
use crate::model::{ApplicationState, Person, Reminder};
use crate::state::{
    apply_person, check_ids, check_person, check_reminder_done, created, missing_organization,
    organization_of, organizations,
};

/// The reads the checks of a write need, made inside the write's
/// transaction so that what was checked is what gets changed.
#[async_trait]
pub trait ReadPort: Send {
    /// A person, if there is one.
    async fn person(&mut self, id: PersonId) -> Result<Option<Person>, StoreError>;

    /// An application with its checklist, if there is one.
    async fn application(
        &mut self,
        id: ApplicationId,
    ) -> Result<Option<ApplicationState>, StoreError>;

    /// A reminder, if there is one.
    async fn reminder(&mut self, id: EventId) -> Result<Option<Reminder>, StoreError>;

    /// An organization, if there is one.
    async fn organization(&mut self, id: OrgId) -> Result<Option<Organization>, StoreError>;

    /// Whether a file with this hash was stored.
    async fn file_stored(&mut self, hash: &str) -> Result<bool, StoreError>;

    /// Whether `contact` is a contact logged on `application`.
    async fn has_contact(
        &mut self,
        contact: EventId,
        application: ApplicationId,
    ) -> Result<bool, StoreError>;

    /// The activity of the person's CE log whose certificate has this
    /// hash, or of the open import `import` when one is given: the event
    /// that logged or imported it.
    async fn ce_certificate(
        &mut self,
        person: PersonId,
        hash: &str,
        import: Option<EventId>,
    ) -> Result<Option<Event>, StoreError>;

    /// Whether `activity` is in the person's CE log now (logged, or
    /// imported by an import that completed, and not withdrawn).
    async fn ce_in_log(&mut self, person: PersonId, activity: EventId) -> Result<bool, StoreError>;

    /// Whether `import` is an import of the person that has not ended.
    async fn ce_import_open(
        &mut self,
        person: PersonId,
        import: EventId,
    ) -> Result<bool, StoreError>;

    /// An activity of the open import `import` whose certificate already
    /// proves an activity in the person's log, if there is one: the event
    /// in the log (what completing the import would repeat).
    async fn ce_import_clash(&mut self, import: EventId) -> Result<Option<Event>, StoreError>;
}

/// What a checked event changes in the derived tables. The event itself
/// carries the rest (a profile's document, a contact's entry, a file).
#[derive(Debug, Clone, PartialEq)]
pub enum Derived {
    /// A new person.
    PersonAdded(Person),
    /// A person-level change: the person as it now is, and for
    /// `ProfileRecorded` a new profile version.
    PersonChanged(Person),
    /// A new application and its checklist.
    ApplicationCreated(ApplicationState),
    /// An application after a change to it (status, documents, contacts,
    /// attachments); the event says which row comes with it.
    ApplicationChanged(ApplicationState),
    /// A new reminder.
    ReminderSet(Reminder),
    /// A reminder marked done on a day.
    ReminderDone {
        /// The reminder.
        reminder: EventId,
        /// The day.
        on: Date,
    },
    /// A change to the person's CE log: its index changes (the person's
    /// row does not).
    CeLog(IndexChange),
}

/// A person that must exist (`NotFound` otherwise).
pub async fn existing_person(
    port: &mut (impl ReadPort + ?Sized),
    id: PersonId,
) -> Result<Person, StoreError> {
    port.person(id)
        .await?
        .ok_or_else(|| StoreError::not_found("person", id))
}

/// An organization that must exist (`NotFound` otherwise).
pub async fn existing_organization(
    port: &mut (impl ReadPort + ?Sized),
    id: OrgId,
) -> Result<Organization, StoreError> {
    port.organization(id)
        .await?
        .ok_or_else(|| StoreError::not_found("organization", id))
}

/// An application that must exist and belong to `person`.
pub async fn existing_application(
    port: &mut (impl ReadPort + ?Sized),
    id: ApplicationId,
    person: PersonId,
) -> Result<ApplicationState, StoreError> {
    let state = port
        .application(id)
        .await?
        .ok_or_else(|| StoreError::not_found("application", id))?;
    if state.application.person != person {
        return Err(StoreError::Invalid(format!(
            "application {id} belongs to person {}, not {person}",
            state.application.person
        )));
    }
    Ok(state)
}

/// Checks an event against the state the port reads, and says what it
/// changes. Nothing is written: a refusal here leaves the transaction as
/// it was.
pub async fn derive(
    port: &mut (impl ReadPort + ?Sized),
    event: &Event,
) -> Result<Derived, StoreError> {
    check_ids(event)?;
    let today = event.at.date();
    match (&event.change, event.application) {
        (Change::PersonAdded { .. }, _) => derive_new_person(port, event).await,
        (Change::ApplicationCreated(_), Some(id)) => {
            let person = existing_person(port, event.person).await?;
            check_person(Some(&person), &event.change)?;
            created(event, id)
                .map(Derived::ApplicationCreated)
                .ok_or_else(|| StoreError::Other("not an application".to_owned()))
        }
        (Change::ReminderDone { reminder, on }, _) => {
            let r = port
                .reminder(*reminder)
                .await?
                .ok_or_else(|| StoreError::not_found("reminder", reminder))?;
            check_reminder_done(&r, event, *on)?;
            Ok(Derived::ReminderDone {
                reminder: *reminder,
                on: *on,
            })
        }
        (Change::ReminderSet { due, what }, app) => {
            match app {
                Some(id) => existing_application(port, id, event.person)
                    .await?
                    .check(&event.change, today)?,
                None => check_person(
                    Some(&existing_person(port, event.person).await?),
                    &event.change,
                )?,
            }
            Ok(Derived::ReminderSet(Reminder {
                id: event.id,
                person: event.person,
                application: app,
                due: *due,
                what: what.clone(),
                done_on: None,
            }))
        }
        (_, Some(id)) => {
            let mut state = existing_application(port, id, event.person).await?;
            state.check(&event.change, today)?;
            check_links(port, &event.change, id).await?;
            state.apply(event);
            Ok(Derived::ApplicationChanged(state))
        }
        (change, None) if crate::ce::LOG_KINDS.contains(&change.kind()) => {
            let person = existing_person(port, event.person).await?;
            check_person(Some(&person), change)?;
            derive_ce(port, event).await.map(Derived::CeLog)
        }
        (_, None) => {
            let person = existing_person(port, event.person).await?;
            check_person(Some(&person), &event.change)?;
            let person = apply_person(Some(person), event)
                .ok_or_else(|| StoreError::Other("a person vanished".to_owned()))?;
            Ok(Derived::PersonChanged(person))
        }
    }
}

async fn derive_new_person(
    port: &mut (impl ReadPort + ?Sized),
    event: &Event,
) -> Result<Derived, StoreError> {
    if port.person(event.person).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "person {} already exists",
            event.person
        )));
    }
    check_person(None, &event.change)?;
    if let Some(org) = organization_of(&event.change) {
        existing_organization(port, org).await?;
    }
    apply_person(None, event)
        .map(Derived::PersonAdded)
        .ok_or_else(|| StoreError::Other("not a new person".to_owned()))
}

/// An attachment refers to a stored file, and to a contact of the same
/// application if it names one.
pub async fn check_links(
    port: &mut (impl ReadPort + ?Sized),
    change: &Change,
    app: ApplicationId,
) -> Result<(), StoreError> {
    let Change::AttachmentAdded(file) = change else {
        return Ok(());
    };
    if !port.file_stored(&file.hash).await? {
        return Err(StoreError::Invalid(format!(
            "file `{}` was not stored: store it before attaching it",
            file.hash
        )));
    }
    match file.contact {
        Some(contact) if !port.has_contact(contact, app).await? => {
            Err(StoreError::not_found("contact", contact))
        }
        _ => Ok(()),
    }
}

/// A CE change checked against the index of the person's log as it
/// stands in the write's transaction (writers run one at a time on every
/// backend), so two replicas cannot both attach one certificate or both
/// withdraw one activity; each check is a lookup, whatever the log's size.
async fn derive_ce(
    port: &mut (impl ReadPort + ?Sized),
    event: &Event,
) -> Result<IndexChange, StoreError> {
    let person = event.person;
    match &event.change {
        Change::CeActivityLogged(activity) => {
            certificate_free(port, person, activity, None).await?;
            Ok(IndexChange::Add {
                activity: event.id,
                certificate: activity.certificate.clone(),
                import: None,
            })
        }
        Change::CeActivityImported { import, activity } => {
            require_open(port, person, *import).await?;
            certificate_free(port, person, activity, Some(*import)).await?;
            Ok(IndexChange::Add {
                activity: event.id,
                certificate: activity.certificate.clone(),
                import: Some(*import),
            })
        }
        Change::CeActivityRemoved { activity, .. } => {
            if port.ce_in_log(person, *activity).await? {
                Ok(IndexChange::Withdraw(*activity))
            } else {
                Err(StoreError::not_found("activity", activity))
            }
        }
        Change::CeImportStarted { .. } => Ok(IndexChange::Open(event.id)),
        Change::CeImportEnded { import, abandoned } => {
            require_open(port, person, *import).await?;
            if abandoned.is_some() {
                return Ok(IndexChange::Abandon(*import));
            }
            match port.ce_import_clash(*import).await? {
                Some(twin) => Err(crate::ce::certificate_taken(&twin)),
                None => Ok(IndexChange::Complete(*import)),
            }
        }
        other => Err(StoreError::Other(format!(
            "`{}` is not a change to a CE log",
            other.kind()
        ))),
    }
}

/// An import of the person that has not ended (`Invalid` otherwise).
async fn require_open(
    port: &mut (impl ReadPort + ?Sized),
    person: PersonId,
    import: EventId,
) -> Result<(), StoreError> {
    if port.ce_import_open(person, import).await? {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "CE import {import} of person {person} is not open: it ended, or was never started"
        )))
    }
}

/// A certificate proving no activity of the log (nor of the open import
/// the activity belongs to).
async fn certificate_free(
    port: &mut (impl ReadPort + ?Sized),
    person: PersonId,
    activity: &labpath_engine::maintenance::Activity,
    import: Option<EventId>,
) -> Result<(), StoreError> {
    let Some(hash) = activity.certificate.as_deref() else {
        return Ok(());
    };
    match port.ce_certificate(person, hash, import).await? {
        Some(twin) => Err(crate::ce::certificate_taken(&twin)),
        None => Ok(()),
    }
}

/// Before an import records anything, every organization its log puts
/// people in must be there (an export carries the log, not the accounts).
pub async fn check_import_organizations(
    port: &mut (impl ReadPort + ?Sized),
    events: &[Event],
) -> Result<(), StoreError> {
    for org in organizations(events) {
        if port.organization(org).await?.is_none() {
            return Err(missing_organization(org));
        }
    }
    Ok(())
}

/// The checks on a user to create that read the database: the
/// organization exists and, for a user linked to a record, that record is
/// one of the organization's own people. Run after `check_new_user`.
pub async fn check_user_links(
    port: &mut (impl ReadPort + ?Sized),
    user: &NewUser,
) -> Result<(), StoreError> {
    existing_organization(port, user.org).await?;
    let Some(person) = user.person else {
        return Ok(());
    };
    let found = existing_person(port, person).await?;
    if found.organization != Some(user.org) {
        return Err(StoreError::Invalid(format!(
            "person {person} is not in organization {}: user `{}` can only be linked to their own organization's people",
            user.org, user.email
        )));
    }
    Ok(())
}
