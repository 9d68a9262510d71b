//! The records the tracker shows, each derived from the event log: people
//! with their versioned profiles, applications with their checklists,
//! contacts, attachments and reminders.

use labpath_engine::step::Sender;
use labpath_engine::units::Date;
use serde::{Deserialize, Serialize};

use crate::event::{AttachmentRef, ContactEntry};
use crate::ids::{ApplicationId, EventId, OrgId, PersonId, UserId};
use crate::status::{AppStatus, DocStatus};
use crate::time::Timestamp;

/// A person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Id.
    pub id: PersonId,
    /// Name or label.
    pub name: String,
    /// When the person was added.
    pub created_at: Timestamp,
    /// The latest profile version; 0 when no profile was recorded.
    pub profile_version: u32,
    /// The organization the person belongs to (server mode); `None` in
    /// local mode. Left out of JSON when `None`, so local output is as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgId>,
    /// The staff member responsible for the person (server mode), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
}

/// A person to add in a batch ([`crate::Store::add_people`]), with their
/// first profile when they have one.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    /// Name or label.
    pub name: String,
    /// The organization (server mode); `None` in local mode.
    pub organization: Option<OrgId>,
    /// The first profile (the documented profile format, as JSON),
    /// recorded as version 1.
    pub profile: Option<serde_json::Value>,
}

/// One version of a person's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileVersion {
    /// Whose.
    pub person: PersonId,
    /// 1, 2, 3, ...
    pub version: u32,
    /// The event that recorded it.
    pub event: EventId,
    /// When.
    pub recorded_at: Timestamp,
    /// The profile as it was recorded (the documented profile format, as
    /// JSON). Free-form here: a version recorded under an older format
    /// stays as it was written.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub profile: serde_json::Value,
}

/// An application: one catalog step under way for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Whose.
    pub person: PersonId,
    /// The catalog step.
    pub step: String,
    /// The step's name when created.
    pub title: String,
    /// The body applied to.
    pub body: Option<String>,
    /// The body's reference number.
    pub reference: Option<String>,
    /// Status.
    pub status: AppStatus,
    /// The day the status was entered (for a draft: the day it was created).
    pub status_on: Date,
    /// The day the stall clock started: submission, or the reopening of a
    /// decided application. `None` unless the application waits on the body.
    pub waiting_since: Option<Date>,
    /// The first day it was submitted.
    pub submitted_on: Option<Date>,
    /// The latest day it was approved.
    pub approved_on: Option<Date>,
    /// Contacts logged on or after `waiting_since`: the escalation steps taken.
    pub contacts_since_waiting: u32,
    /// The latest contact day.
    pub last_contact_on: Option<Date>,
    /// The latest date the body promised something by.
    pub promised: Option<Date>,
    /// When it was created.
    pub created_at: Timestamp,
    /// The latest event that changed it.
    pub last_event: EventId,
}

/// One document of an application's checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    /// The application.
    pub application: ApplicationId,
    /// Order in the checklist.
    pub position: u32,
    /// Key within the step (`form-2`).
    pub key: String,
    /// What it is.
    pub name: String,
    /// Who sends it.
    pub sender: Sender,
    /// Status.
    pub status: DocStatus,
    /// The day the status was entered (`None` while still needed from the start).
    pub status_on: Option<Date>,
    /// Of whom it was requested.
    pub requested_from: Option<String>,
    /// How it was sent.
    pub method: Option<String>,
    /// Tracking number.
    pub tracking: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The latest note.
    pub note: Option<String>,
}

/// An application with its checklist: what a write is checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationState {
    /// The application.
    pub application: Application,
    /// Its checklist, in order.
    pub checklist: Vec<ChecklistItem>,
}

/// A logged contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// The event that logged it.
    pub id: EventId,
    /// The application.
    pub application: ApplicationId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// The entry.
    pub entry: ContactEntry,
}

/// An attachment of an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// The event that attached it.
    pub id: EventId,
    /// The application.
    pub application: ApplicationId,
    /// When it was attached.
    pub recorded_at: Timestamp,
    /// The file.
    pub file: AttachmentRef,
}

/// A reminder the user set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    /// The event that set it.
    pub id: EventId,
    /// Whose.
    pub person: PersonId,
    /// The application, if any.
    pub application: Option<ApplicationId>,
    /// The day.
    pub due: Date,
    /// What to do.
    pub what: String,
    /// The day it was done, if it was.
    pub done_on: Option<Date>,
}

/// Which applications to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppFilter {
    /// Only this person's.
    pub person: Option<PersonId>,
    /// Only those of this organization's people.
    pub organization: Option<OrgId>,
    /// Only those not decided.
    pub open_only: bool,
}

/// Which applications of a scope a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplicationsFilter {
    /// Only this person's.
    pub person: Option<PersonId>,
    /// Only those with this status.
    pub status: Option<AppStatus>,
    /// Only those not decided.
    pub open_only: bool,
}

/// Which events of a scope a list shows, oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this application's.
    pub application: Option<ApplicationId>,
    /// Only events after this one.
    pub after: Option<EventId>,
}

/// Which reminders of a scope a list shows, by due day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderFilter {
    /// Only this person's.
    pub person: Option<PersonId>,
}

/// Which events to read, oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Only this person's.
    pub person: Option<PersonId>,
    /// Only this application's.
    pub application: Option<ApplicationId>,
    /// Only events after this one.
    pub after: Option<EventId>,
    /// At most this many (`None`: all).
    pub limit: Option<u32>,
}

/// How much a store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// People.
    pub people: u64,
    /// Applications.
    pub applications: u64,
    /// Events.
    pub events: u64,
    /// Distinct attached files.
    pub files: u64,
}

impl Counts {
    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.events == 0
    }
}

/// Whose records a reader may reach. Reads that list people take it, and
/// the store puts it in the query: a reader is never handed the records of
/// another organization to filter out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Local mode: people of no organization.
    Local,
    /// An organization's people (its admins and staff).
    Org(OrgId),
    /// One person of an organization (a candidate; `None` before their
    /// account is linked to a record).
    Own(OrgId, Option<PersonId>),
}

impl Scope {
    /// Whether a reader with this scope may see (and edit) the person's
    /// records.
    pub fn can_see(self, person: &Person) -> bool {
        match self {
            Scope::Local => person.organization.is_none(),
            Scope::Org(org) => person.organization == Some(org),
            Scope::Own(org, own) => person.organization == Some(org) && own == Some(person.id),
        }
    }
}

/// Which people of a scope a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Only names containing this text (letters of the ASCII alphabet in
    /// any case: SQLite folds no others).
    pub name_contains: Option<String>,
}

/// Which of a scope's latest profiles a read returns, by person id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProfilesFilter {
    /// Only those of people after this one: where the previous page of a
    /// walk over every profile ended. A walk that goes on from the last
    /// person it read, rather than by offset, neither skips nor repeats
    /// anyone when a profile is recorded meanwhile.
    pub after: Option<PersonId>,
}

/// The part of a list one read returns: how many to pass over, how many at
/// most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Records passed over.
    pub offset: u64,
    /// Records returned at most.
    pub limit: u64,
}

impl Window {
    /// The whole list, for work over every record of a scope (a calendar,
    /// an export).
    pub const ALL: Window = Window {
        offset: 0,
        limit: i64::MAX as u64,
    };
}

/// A part of a list and the size of the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// The records in the window.
    pub items: Vec<T>,
    /// How many records the whole list holds.
    pub total: u64,
}
