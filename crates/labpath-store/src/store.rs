//! The store interface every backend implements (SQLite and PostgreSQL).
//! It is object-safe, so a server can choose its backend at run
//! time and hold a `Box<dyn Store>`.
//!
//! There is one write: `append`, which checks a change against the current
//! state with the pure functions of `state`, then appends the event and
//! updates the derived records in one transaction. Either all of that is
//! durable when it returns `Ok`, or none of it happened. Files are stored by
//! content hash with `put_file` before the event that attaches them.
//!
//! The contract suite (`crates/tests-store`) states what every backend must do.

use async_trait::async_trait;

use labpath_engine::units::Date;

use crate::attachment::CheckedFile;
use crate::board::{BoardFilter, BoardLine, BoardRead, BoardSizes, Mark};
use crate::error::StoreError;
use crate::event::{Change, Event, Pending};
use crate::ids::{ApplicationId, EventId, OrgId, PersonId};
use crate::model::{
    AppFilter, Application, ApplicationState, ApplicationsFilter, Attachment, ChecklistItem,
    Contact, Counts, EventFilter, EventQuery, NewPerson, Paged, PeopleFilter, Person,
    ProfileVersion, ProfilesFilter, Reminder, ReminderFilter, Scope, Window,
};
use crate::once::{Answering, RequestKey, Write, Written};

/// A file an export carries: its hash and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// SHA-256, lower-case hex.
    pub hash: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The files a log refers to, by hash, each once, in order: attachments
/// and CE certificates.
pub fn referenced(events: &[Event]) -> Vec<&str> {
    let mut hashes: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.change {
            Change::AttachmentAdded(a) => Some(a.hash.as_str()),
            Change::CeActivityLogged(a) | Change::CeActivityImported { activity: a, .. } => {
                a.certificate.as_deref()
            }
            _ => None,
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// Checks that an import brings every file its log refers to: a log whose
/// attachment or certificate has no file would lose it.
pub fn check_complete(events: &[Event], files: &[StoredFile]) -> Result<(), StoreError> {
    let missing: Vec<&str> = referenced(events)
        .into_iter()
        .filter(|h| !files.iter().any(|f| f.hash == *h))
        .collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(StoreError::Invalid(format!(
            "the export lacks the file `{first}`{} that its events refer to: it is incomplete, so nothing was imported",
            if missing.len() > 1 {
                format!(" and {} more", missing.len() - 1)
            } else {
                String::new()
            }
        ))),
    }
}

/// A tracker store.
#[async_trait]
pub trait Store: Send + Sync {
    /// Checks and records one change; returns the event as recorded (with
    /// its id, time and any new person or application id).
    async fn append(&self, pending: Pending) -> Result<Event, StoreError>;

    /// Checks and records several changes as one: each is checked against
    /// the state the ones before it left, and if any is refused none is
    /// recorded. Returns the events as recorded, in order.
    async fn append_all(&self, pending: Vec<Pending>) -> Result<Vec<Event>, StoreError>;

    /// Adds several people as one write, each followed by their first
    /// profile (version 1) when they have one: every one, or none when any
    /// is refused (an empty name, an organization that does not exist).
    /// Returns the people as recorded, in order.
    async fn add_people(
        &self,
        actor: &str,
        people: Vec<NewPerson>,
    ) -> Result<Vec<Person>, StoreError>;

    /// Records a write as one transaction, as `append_all` or `add_people`
    /// would. With a key (and what makes the answer's body of the events
    /// recorded), the key, the request's fingerprint and the answer are
    /// recorded in the same transaction; a key the principal sent within
    /// [`crate::once::KEEP_SECONDS`] records nothing and answers `Replayed`
    /// (the same request) or `KeyReused` (another one). A refused write
    /// keeps no key. Keys older than that are forgotten as new ones come.
    async fn write(
        &self,
        write: Write,
        key: Option<(&RequestKey, Answering<'_>)>,
    ) -> Result<Written, StoreError>;

    /// Stores a checked file under its hash (a no-op when it is already
    /// there); an `AttachmentAdded` event may then refer to it.
    async fn put_file(&self, file: &CheckedFile) -> Result<(), StoreError>;

    /// A stored file's content.
    async fn file(&self, hash: &str) -> Result<Vec<u8>, StoreError>;

    /// Loads a whole log (and the files it refers to) into an empty store,
    /// keeping every id and time, in one transaction: all or nothing. Refuses
    /// (`Invalid`) when the store already holds data, or when the log could
    /// not have been recorded. A log that puts people in organizations
    /// imports only into a store that already has those organizations, with
    /// the same ids (an export carries the log, not the accounts): otherwise
    /// `Invalid`, naming the first one missing.
    async fn import(&self, events: &[Event], files: &[StoredFile]) -> Result<Counts, StoreError>;

    /// A person.
    async fn person(&self, id: PersonId) -> Result<Person, StoreError>;

    /// Every person (`None`), or an organization's people, by id.
    async fn people(&self, org: Option<OrgId>) -> Result<Vec<Person>, StoreError>;

    /// The people of a scope that pass the filter, by id: the window of
    /// them asked for and how many there are in all. The scope, the filter
    /// and the window are the query's.
    async fn people_in(
        &self,
        scope: Scope,
        filter: &PeopleFilter,
        window: Window,
    ) -> Result<Paged<Person>, StoreError>;

    /// A person's profile: the latest version, or the one asked for; `None`
    /// when no profile was recorded.
    async fn profile(
        &self,
        person: PersonId,
        version: Option<u32>,
    ) -> Result<Option<ProfileVersion>, StoreError>;

    /// The latest profile of each of a scope's people who have one, with
    /// the person, by person id: the window asked for and how many there
    /// are in all (after `filter.after`, when given). People without a
    /// profile are not listed. The scope, the filter and the window are the
    /// query's, and one window is read in one statement: work over every
    /// profile of an organization (the impact of a catalog change) reads
    /// it a page at a time.
    async fn profiles_in(
        &self,
        scope: Scope,
        filter: &ProfilesFilter,
        window: Window,
    ) -> Result<Paged<(Person, ProfileVersion)>, StoreError>;

    /// An application with its checklist.
    async fn application(&self, id: ApplicationId) -> Result<ApplicationState, StoreError>;

    /// Applications, by id.
    async fn applications(&self, filter: &AppFilter) -> Result<Vec<Application>, StoreError>;

    /// The applications of a scope's people that pass the filter, by id:
    /// the window asked for and how many there are in all. The scope, the
    /// filter and the window are the query's.
    async fn applications_in(
        &self,
        scope: Scope,
        filter: &ApplicationsFilter,
        window: Window,
    ) -> Result<Paged<Application>, StoreError>;

    /// The checklist items of the applications the filter selects, by
    /// application then position.
    async fn checklists(&self, filter: &AppFilter) -> Result<Vec<ChecklistItem>, StoreError>;

    /// An application's contact log, oldest first.
    async fn contacts(&self, application: ApplicationId) -> Result<Vec<Contact>, StoreError>;

    /// An application's attachments, oldest first.
    async fn attachments(&self, application: ApplicationId) -> Result<Vec<Attachment>, StoreError>;

    /// Reminders (of one person, or everyone's), by due day.
    async fn reminders(&self, person: Option<PersonId>) -> Result<Vec<Reminder>, StoreError>;

    /// A reminder; `NotFound` when there is none.
    async fn reminder(&self, id: EventId) -> Result<Reminder, StoreError>;

    /// The reminders of a scope's people that pass the filter, by due day:
    /// the window asked for and how many there are in all.
    async fn reminders_in(
        &self,
        scope: Scope,
        filter: &ReminderFilter,
        window: Window,
    ) -> Result<Paged<Reminder>, StoreError>;

    /// Events, oldest first.
    async fn events(&self, query: &EventQuery) -> Result<Vec<Event>, StoreError>;

    /// The events of a scope's people that pass the filter, oldest first:
    /// the window asked for and how many there are in all.
    async fn events_in(
        &self,
        scope: Scope,
        filter: &EventFilter,
        window: Window,
    ) -> Result<Paged<Event>, StoreError>;

    /// The newest event's id, if any.
    async fn last_event(&self) -> Result<Option<EventId>, StoreError>;

    /// How much the store holds.
    async fn counts(&self) -> Result<Counts, StoreError>;

    /// The people of a scope whose dashboard line for `day` is missing
    /// (never worked out, of another day, or dropped by a newer event), by
    /// id (see [`crate::board`]).
    async fn board_stale(&self, scope: Scope, day: Date) -> Result<Vec<PersonId>, StoreError>;

    /// Keeps dashboard lines, each replacing the person's line, except the
    /// lines of people with an event newer than `mark` (their records
    /// changed after they were read: the line would be stale). Answers how
    /// many were kept.
    async fn put_board(&self, lines: &[BoardLine], mark: Mark) -> Result<u64, StoreError>;

    /// The dashboard lines of a scope for `day` that pass the filter: the
    /// stage counts, the first cards of each stage, the window asked for,
    /// the most severe and most overdue, and how many deadlines are
    /// lapsing. Lines of another day are left out.
    async fn board(
        &self,
        scope: Scope,
        day: Date,
        filter: &BoardFilter,
        sizes: BoardSizes,
        window: Window,
    ) -> Result<BoardRead, StoreError>;

    /// Drops every dashboard line (a process with another catalog starts:
    /// every line may answer differently).
    async fn clear_board(&self) -> Result<(), StoreError>;
}
