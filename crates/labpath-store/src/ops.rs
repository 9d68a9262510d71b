//! The tracker's operations as an interface calls them: each reads what
//! the change must be checked against (the current status, the profile
//! version), builds the change, appends it and returns the new state. A
//! change that raced another process comes back as `Conflict`.

use labpath_engine::step::Step;
use labpath_engine::units::Date;

use crate::attachment::CheckedFile;
use crate::error::StoreError;
use crate::event::{
    AttachmentRef, Change, ChecklistSeed, ContactEntry, DocumentChange, NewApplicationData, Pending,
};
use crate::ids::{ApplicationId, EventId, OrgId, PersonId, UserId};
use crate::model::{
    Application, ApplicationState, Attachment, ChecklistItem, Contact, Person, ProfileVersion,
    Reminder,
};
use crate::status::{AppStatus, DocStatus};
use crate::store::Store;

fn pending(
    actor: &str,
    person: Option<PersonId>,
    application: Option<ApplicationId>,
    change: Change,
) -> Pending {
    Pending {
        actor: actor.to_owned(),
        person,
        application,
        change,
    }
}

/// Adds a person, in server mode to an organization (which must exist).
pub async fn add_person(
    store: &dyn Store,
    actor: &str,
    name: &str,
    organization: Option<OrgId>,
) -> Result<Person, StoreError> {
    let change = Change::PersonAdded {
        name: name.trim().to_owned(),
        organization,
    };
    let event = store.append(pending(actor, None, None, change)).await?;
    store.person(event.person).await
}

/// Renames a person.
pub async fn rename_person(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    name: &str,
) -> Result<Person, StoreError> {
    let change = Change::PersonRenamed {
        name: name.trim().to_owned(),
    };
    store
        .append(pending(actor, Some(person), None, change))
        .await?;
    store.person(person).await
}

/// Sets (or clears) the staff member responsible for a person.
pub async fn set_owner(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    owner: Option<UserId>,
) -> Result<Person, StoreError> {
    let change = Change::OwnerSet { owner };
    store
        .append(pending(actor, Some(person), None, change))
        .await?;
    store.person(person).await
}

/// Records a new version of a person's profile.
pub async fn record_profile(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    profile: serde_json::Value,
) -> Result<ProfileVersion, StoreError> {
    let current = store.person(person).await?;
    let version = current.profile_version + 1;
    let change = Change::ProfileRecorded { version, profile };
    store
        .append(pending(actor, Some(person), None, change))
        .await?;
    store
        .profile(person, Some(version))
        .await?
        .ok_or_else(|| StoreError::not_found("profile version", version))
}

/// Creates an application from a catalog step, with the step's documents as
/// its checklist.
pub async fn new_application(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    step: &Step,
) -> Result<ApplicationState, StoreError> {
    create_application(store, actor, person, step, step.documents.iter()).await
}

/// Creates an application from a catalog step for a person whose profile
/// is known: its checklist holds only the documents that person needs, as
/// the plan lists them (no foreign evaluation for a US graduate).
pub async fn new_application_for(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    step: &Step,
    catalog: &labpath_engine::catalog::Catalog,
    profile: &labpath_engine::profile::Profile,
) -> Result<ApplicationState, StoreError> {
    let needed = step
        .documents
        .iter()
        .filter(|d| d.applies(profile, catalog));
    create_application(store, actor, person, step, needed).await
}

/// The change that opens an application from a catalog step, with
/// `documents` as its checklist and the body's reference number if one is
/// known (trimmed; an empty one is none).
pub fn opening<'s>(
    step: &'s Step,
    documents: impl Iterator<Item = &'s labpath_engine::step::Document>,
    reference: Option<&str>,
) -> Change {
    Change::ApplicationCreated(NewApplicationData {
        step: step.id.to_string(),
        title: step.name.clone(),
        body: step.body.as_ref().map(ToString::to_string),
        checklist: documents
            .map(|d| ChecklistSeed {
                key: d.key.clone(),
                name: d.name.clone(),
                sender: d.sender,
            })
            .collect(),
        reference: reference
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    })
}

async fn create_application<'s>(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    step: &'s Step,
    documents: impl Iterator<Item = &'s labpath_engine::step::Document>,
) -> Result<ApplicationState, StoreError> {
    let change = opening(step, documents, None);
    let event = store
        .append(pending(actor, Some(person), None, change))
        .await?;
    let id = event
        .application
        .ok_or_else(|| StoreError::Other("the store gave the new application no id".to_owned()))?;
    store.application(id).await
}

/// Changes an application's status, dated `on`.
pub async fn change_status(
    store: &dyn Store,
    actor: &str,
    app: ApplicationId,
    to: AppStatus,
    on: Date,
    note: Option<String>,
) -> Result<ApplicationState, StoreError> {
    let current = store.application(app).await?.application;
    let change = Change::StatusChanged {
        from: current.status,
        to,
        on,
        note,
    };
    store
        .append(pending(actor, Some(current.person), Some(app), change))
        .await?;
    store.application(app).await
}

/// Sets the body's reference number.
pub async fn set_reference(
    store: &dyn Store,
    actor: &str,
    app: ApplicationId,
    reference: &str,
) -> Result<ApplicationState, StoreError> {
    let current = store.application(app).await?.application;
    let change = Change::ReferenceSet {
        reference: reference.trim().to_owned(),
    };
    store
        .append(pending(actor, Some(current.person), Some(app), change))
        .await?;
    store.application(app).await
}

/// A change to a checklist document, as an interface collects it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocUpdate {
    /// The document's key.
    pub key: String,
    /// The new status.
    pub to: DocStatus,
    /// The day.
    pub on: Date,
    /// Requested: of whom.
    pub requested_from: Option<String>,
    /// Sent: how.
    pub method: Option<String>,
    /// Sent: tracking number.
    pub tracking: Option<String>,
    /// Rejected: why.
    pub reason: Option<String>,
    /// A note.
    pub note: Option<String>,
}

/// Changes a checklist document's status.
pub async fn update_document(
    store: &dyn Store,
    actor: &str,
    app: ApplicationId,
    update: DocUpdate,
) -> Result<ChecklistItem, StoreError> {
    let state = store.application(app).await?;
    let from = state
        .item(&update.key)
        .map(|i| i.status)
        .unwrap_or(DocStatus::Needed);
    let change = Change::DocumentChanged(DocumentChange {
        key: update.key.clone(),
        from,
        to: update.to,
        on: update.on,
        requested_from: update.requested_from,
        method: update.method,
        tracking: update.tracking,
        reason: update.reason,
        note: update.note,
    });
    store
        .append(pending(
            actor,
            Some(state.application.person),
            Some(app),
            change,
        ))
        .await?;
    let state = store.application(app).await?;
    state
        .item(&update.key)
        .cloned()
        .ok_or_else(|| StoreError::Other(format!("document `{}` vanished", update.key)))
}

/// Logs a contact.
pub async fn add_contact(
    store: &dyn Store,
    actor: &str,
    app: ApplicationId,
    entry: ContactEntry,
) -> Result<Contact, StoreError> {
    let current = store.application(app).await?.application;
    let event = store
        .append(pending(
            actor,
            Some(current.person),
            Some(app),
            Change::ContactLogged(entry),
        ))
        .await?;
    store
        .contacts(app)
        .await?
        .into_iter()
        .find(|c| c.id == event.id)
        .ok_or_else(|| StoreError::Other(format!("contact {} vanished", event.id)))
}

/// Stores a checked file and attaches it to an application (to one of its
/// documents, or to a contact, if given).
pub async fn attach(
    store: &dyn Store,
    actor: &str,
    app: ApplicationId,
    file: &CheckedFile,
    document: Option<String>,
    contact: Option<EventId>,
) -> Result<Attachment, StoreError> {
    let current = store.application(app).await?.application;
    store.put_file(file).await?;
    let change = Change::AttachmentAdded(AttachmentRef {
        hash: file.hash.clone(),
        name: file.name.clone(),
        media_type: file.media_type.to_owned(),
        size: file.bytes.len() as u64,
        document,
        contact,
    });
    let event = store
        .append(pending(actor, Some(current.person), Some(app), change))
        .await?;
    store
        .attachments(app)
        .await?
        .into_iter()
        .find(|a| a.id == event.id)
        .ok_or_else(|| StoreError::Other(format!("attachment {} vanished", event.id)))
}

/// Sets a reminder for a person, or for one of their applications.
pub async fn add_reminder(
    store: &dyn Store,
    actor: &str,
    person: PersonId,
    app: Option<ApplicationId>,
    due: Date,
    what: &str,
) -> Result<Reminder, StoreError> {
    let change = Change::ReminderSet {
        due,
        what: what.trim().to_owned(),
    };
    let event = store
        .append(pending(actor, Some(person), app, change))
        .await?;
    find_reminder(store, event.id).await
}

/// Marks a reminder done.
pub async fn complete_reminder(
    store: &dyn Store,
    actor: &str,
    reminder: EventId,
    on: Date,
) -> Result<Reminder, StoreError> {
    let r = find_reminder(store, reminder).await?;
    let change = Change::ReminderDone { reminder, on };
    store
        .append(pending(actor, Some(r.person), r.application, change))
        .await?;
    find_reminder(store, reminder).await
}

async fn find_reminder(store: &dyn Store, id: EventId) -> Result<Reminder, StoreError> {
    store
        .reminders(None)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| StoreError::not_found("reminder", id))
}

/// How long each step's decided applications took in `apps`: days from the
/// first submission to the decision (the approval, or the refusal's day).
/// Withdrawn and abandoned applications are not decisions by the body and
/// count for nothing, nor do those never submitted. The planner uses a
/// step's durations once there are enough of them
/// ([`labpath_engine::plan::MIN_RECORDED`]); only these numbers leave the
/// records, never who they belong to.
pub fn recorded_durations(apps: &[Application]) -> labpath_engine::plan::History {
    let mut history = labpath_engine::plan::History::new();
    for app in apps {
        let decided = match app.status {
            AppStatus::Approved => app.approved_on.or(Some(app.status_on)),
            AppStatus::Denied => Some(app.status_on),
            _ => None,
        };
        if let (Some(submitted), Some(decided)) = (app.submitted_on, decided) {
            history
                .entry(app.step.clone())
                .or_default()
                .add(submitted, decided);
        }
    }
    history
}
