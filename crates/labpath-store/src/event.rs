//! The append-only log: every change anyone makes is one `Event` saying
//! who, when and what. Events are never edited or removed; everything the
//! tracker shows is derived from them (see `state`), and an export is the
//! log itself.
//!
//! The payloads are self-contained: an application's checklist is copied
//! from the catalog when it is created, so its history reads the same after
//! the catalog changes. New kinds of change may be added; existing ones keep
//! their shape, because old logs must stay readable.

use labpath_engine::step::Sender;
use labpath_engine::units::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ApplicationId, EventId, OrgId, PersonId, UserId};
use crate::status::{AppStatus, DocStatus};
use crate::time::Timestamp;

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Position in the log (increasing).
    pub id: EventId,
    /// When it was recorded.
    pub at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// The person it concerns.
    pub person: PersonId,
    /// The application it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationId>,
    /// What changed.
    pub change: Change,
}

/// What an event changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A person was added.
    PersonAdded {
        /// Name or label.
        name: String,
        /// In server mode, the organization the person belongs to, for good
        /// (`None`: local mode, or nobody's). Absent from older logs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organization: Option<OrgId>,
    },
    /// A person's name changed.
    PersonRenamed {
        /// The new name.
        name: String,
    },
    /// The staff member responsible for the person changed (`None`: no
    /// one). Server mode only: local mode has no staff accounts.
    OwnerSet {
        /// The account, a staff member or admin of the person's organization.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<UserId>,
    },
    /// A new version of the person's profile (the whole profile, as JSON).
    ProfileRecorded {
        /// 1 for the first profile, then 2, 3, ...
        version: u32,
        /// The profile, in the documented profile format. Free-form here:
        /// an event recorded under an older format stays as it was written.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        profile: serde_json::Value,
    },
    /// An application was created from a catalog step.
    ApplicationCreated(NewApplicationData),
    /// The application's status changed.
    StatusChanged {
        /// The status before.
        from: AppStatus,
        /// The status after.
        to: AppStatus,
        /// The day it happened (which may be before the day it was recorded).
        on: Date,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The body's reference number for the application.
    ReferenceSet {
        /// The reference.
        reference: String,
    },
    /// A checklist document changed.
    DocumentChanged(DocumentChange),
    /// A call, email, letter or portal message.
    ContactLogged(ContactEntry),
    /// A file (receipt, letter, certificate) was attached.
    AttachmentAdded(AttachmentRef),
    /// A reminder was set.
    ReminderSet {
        /// The day.
        due: Date,
        /// What to do.
        what: String,
    },
    /// A reminder was done (or dismissed).
    ReminderDone {
        /// The reminder (the id of the event that set it).
        reminder: EventId,
        /// The day.
        on: Date,
    },
    /// A continuing-education activity was logged (with the content hash of
    /// its certificate, when one was stored).
    CeActivityLogged(labpath_engine::maintenance::Activity),
    /// A logged activity was withdrawn (entered by mistake); the event that
    /// logged it stays in the history.
    CeActivityRemoved {
        /// The activity (the id of the event that logged it).
        activity: EventId,
        /// Why.
        reason: String,
    },
    /// A CE import began: a file of activities is written in batches, and
    /// none of them is in the log until the import ends completed, so a
    /// reader never sees half a file.
    CeImportStarted {
        /// The file's name, as the user gave it.
        file: String,
        /// How many activities it holds.
        activities: u32,
    },
    /// An activity of a CE import (see `CeImportStarted`): in the log once
    /// its import ends completed, never otherwise.
    CeActivityImported {
        /// The import (the id of the event that started it).
        import: EventId,
        /// The activity, with the content hash of its certificate when one
        /// was stored.
        activity: labpath_engine::maintenance::Activity,
    },
    /// A CE import ended: completed (its activities join the log, all at
    /// once) or abandoned (none of them ever does).
    CeImportEnded {
        /// The import (the id of the event that started it).
        import: EventId,
        /// Why it was abandoned; absent when it completed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        abandoned: Option<String>,
    },
}

impl Change {
    /// A short name for the kind of change, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::PersonAdded { .. } => "person_added",
            Change::PersonRenamed { .. } => "person_renamed",
            Change::OwnerSet { .. } => "owner_set",
            Change::ProfileRecorded { .. } => "profile_recorded",
            Change::ApplicationCreated(_) => "application_created",
            Change::StatusChanged { .. } => "status_changed",
            Change::ReferenceSet { .. } => "reference_set",
            Change::DocumentChanged(_) => "document_changed",
            Change::ContactLogged(_) => "contact_logged",
            Change::AttachmentAdded(_) => "attachment_added",
            Change::ReminderSet { .. } => "reminder_set",
            Change::ReminderDone { .. } => "reminder_done",
            Change::CeActivityLogged(_) => "ce_activity_logged",
            Change::CeActivityRemoved { .. } => "ce_activity_removed",
            Change::CeImportStarted { .. } => "ce_import_started",
            Change::CeActivityImported { .. } => "ce_activity_imported",
            Change::CeImportEnded { .. } => "ce_import_ended",
        }
    }
}

/// An application as created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApplicationData {
    /// The catalog step, e.g. `ny-clt-apply`.
    pub step: String,
    /// The step's name at the time.
    pub title: String,
    /// The body applied to, when the step names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The checklist, copied from the step's documents.
    pub checklist: Vec<ChecklistSeed>,
    /// The body's reference number, when the application is opened with
    /// one (later ones are `reference_set` events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A checklist document as the catalog step describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistSeed {
    /// Key within the step, e.g. `form-2`.
    pub key: String,
    /// What it is.
    pub name: String,
    /// Who sends it.
    pub sender: Sender,
}

/// A change to one checklist document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentChange {
    /// The document's key.
    pub key: String,
    /// The status before.
    pub from: DocStatus,
    /// The status after.
    pub to: DocStatus,
    /// The day it happened.
    pub on: Date,
    /// Requested: of whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_from: Option<String>,
    /// Sent: how (mail, courier, email, portal, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Sent: the tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    /// Rejected: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How a contact happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A telephone call.
    Call,
    /// An email.
    Email,
    /// A letter.
    Letter,
    /// A message through the body's portal.
    Portal,
    /// In person.
    Visit,
}

/// Every channel.
pub const CHANNELS: [Channel; 5] = [
    Channel::Call,
    Channel::Email,
    Channel::Letter,
    Channel::Portal,
    Channel::Visit,
];

impl Channel {
    /// The word stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Portal => "portal",
            Channel::Visit => "visit",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        CHANNELS
            .iter()
            .copied()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                format!("`{text}` is not a channel: use one of call, email, letter, portal, visit")
            })
    }
}

/// One entry of the contact log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactEntry {
    /// The day.
    pub on: Date,
    /// How.
    pub channel: Channel,
    /// Whom you reached (name, office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    /// What was said.
    pub summary: String,
    /// A date they promised something by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised: Option<Date>,
}

/// An attached file, by content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    /// SHA-256 of the content, lower-case hex.
    pub hash: String,
    /// The file's name as given.
    pub name: String,
    /// Its type, checked from the content (`application/pdf`).
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The checklist document it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The contact it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<EventId>,
}

/// A change to record, before the store gives it an id and a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Who records it.
    pub actor: String,
    /// The person it concerns; `None` only for `PersonAdded`, where the
    /// store assigns a new person id.
    pub person: Option<PersonId>,
    /// The application it concerns; `None` for `ApplicationCreated`, where
    /// the store assigns a new id, and for person-level changes.
    pub application: Option<ApplicationId>,
    /// What changes.
    pub change: Change,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_added_before_organizations_still_reads() {
        let old = r#"{"type":"person_added","name":"Maria"}"#;
        let change: Change = serde_json::from_str(old).unwrap();
        assert_eq!(
            change,
            Change::PersonAdded {
                name: "Maria".to_owned(),
                organization: None
            }
        );
        // Local mode writes what it always wrote.
        assert_eq!(serde_json::to_string(&change).unwrap(), old);
        let scoped = Change::PersonAdded {
            name: "Jun".to_owned(),
            organization: Some(OrgId::from_raw(3)),
        };
        let text = serde_json::to_string(&scoped).unwrap();
        assert_eq!(
            text,
            r#"{"type":"person_added","name":"Jun","organization":3}"#
        );
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), scoped);
    }
}
