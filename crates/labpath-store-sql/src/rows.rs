//! Rows as they come out of labpath's tables, decoded by `sqlx::FromRow`
//! on either driver, and their conversion to the store's records. The
//! column types are those both drivers read into the same Rust types:
//! SQLite's `YYYY-MM-DD` and RFC 3339 text and PostgreSQL's `date` and
//! `timestamptz` both decode as chrono's; SQLite's JSON text and
//! PostgreSQL's `jsonb` both as `Json`. What decodes but is no valid value
//! (a status labpath does not know, a day past the calendar) is `Corrupt`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use labpath_engine::step::Sender;
use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::accounts::{
    AuditEntry, LinkPurpose, LoginFailures, Organization, Role, Session, User,
};
use labpath_store::board::{BoardLine, LineSeverity};
use labpath_store::event::{AttachmentRef, Change, ContactEntry, Event};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId, UserId};
use labpath_store::model::{
    Application, Attachment, ChecklistItem, Contact, Person, ProfileVersion, Reminder,
};
use labpath_store::once::Answer;
use labpath_store::time::Timestamp;
use sqlx::types::Json;

use crate::error::bad;

/// A stored day.
pub fn day(column: &str, d: NaiveDate) -> Result<Date, StoreError> {
    Date::from_ymd(d.year(), d.month(), d.day()).ok_or_else(|| bad(column, &d.to_string()))
}

fn opt_day(column: &str, d: Option<NaiveDate>) -> Result<Option<Date>, StoreError> {
    d.map(|d| day(column, d)).transpose()
}

/// A stored count, version or position, which is never negative.
pub fn count(column: &str, n: i32) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| bad(column, &n.to_string()))
}

fn parsed<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| bad(column, text))
}

/// A row of `people`.
#[derive(Debug, sqlx::FromRow)]
pub struct PersonRow {
    id: i64,
    name: String,
    created_at: DateTime<Utc>,
    profile_version: i32,
    organization_id: Option<i64>,
    owner_id: Option<i64>,
}

impl PersonRow {
    /// The person.
    pub fn into_person(self) -> Result<Person, StoreError> {
        Ok(Person {
            id: PersonId::from_raw(self.id),
            name: self.name,
            created_at: Timestamp::from_utc(self.created_at),
            profile_version: count("profile_version", self.profile_version)?,
            organization: self.organization_id.map(OrgId::from_raw),
            owner: self.owner_id.map(UserId::from_raw),
        })
    }
}

/// A row of `board_lines`.
#[derive(Debug, sqlx::FromRow)]
pub struct BoardRow {
    person_id: i64,
    organization_id: Option<i64>,
    day: NaiveDate,
    name: String,
    stage: String,
    owner_id: Option<i64>,
    work_state: Option<String>,
    severity: i32,
    lapse_due: Option<NaiveDate>,
    lapsing: i32,
    overdue: i32,
    oldest_overdue: Option<NaiveDate>,
    due_soon: i32,
    next_deadline: Option<NaiveDate>,
    data: Json<serde_json::Value>,
}

impl BoardRow {
    /// The line.
    pub fn into_line(self) -> Result<BoardLine, StoreError> {
        Ok(BoardLine {
            person: PersonId::from_raw(self.person_id),
            organization: self.organization_id.map(OrgId::from_raw),
            day: day("day", self.day)?,
            name: self.name,
            stage: self.stage,
            owner: self.owner_id.map(UserId::from_raw),
            work_state: self.work_state,
            severity: LineSeverity::from_rank(i64::from(self.severity))
                .ok_or_else(|| bad("severity", &self.severity.to_string()))?,
            lapse_due: opt_day("lapse_due", self.lapse_due)?,
            lapsing: count("lapsing", self.lapsing)?,
            overdue: count("overdue", self.overdue)?,
            oldest_overdue: opt_day("oldest_overdue", self.oldest_overdue)?,
            due_soon: count("due_soon", self.due_soon)?,
            next_deadline: opt_day("next_deadline", self.next_deadline)?,
            data: self.data.0,
        })
    }
}

/// A row of `profiles`.
#[derive(Debug, sqlx::FromRow)]
pub struct ProfileRow {
    person_id: i64,
    version: i32,
    event_id: i64,
    recorded_at: DateTime<Utc>,
    profile: Json<serde_json::Value>,
}

impl ProfileRow {
    /// The profile version.
    pub fn into_profile(self) -> Result<ProfileVersion, StoreError> {
        Ok(ProfileVersion {
            person: PersonId::from_raw(self.person_id),
            version: count("version", self.version)?,
            event: EventId::from_raw(self.event_id),
            recorded_at: Timestamp::from_utc(self.recorded_at),
            profile: self.profile.0,
        })
    }
}

/// A person joined with a profile version: `people`'s columns then
/// `profiles`'s, whose names do not meet.
#[derive(Debug, sqlx::FromRow)]
pub struct PersonProfileRow {
    #[sqlx(flatten)]
    person: PersonRow,
    #[sqlx(flatten)]
    profile: ProfileRow,
}

impl PersonProfileRow {
    /// The person and the profile version.
    pub fn into_pair(self) -> Result<(Person, ProfileVersion), StoreError> {
        Ok((self.person.into_person()?, self.profile.into_profile()?))
    }
}

/// A row of `applications`.
#[derive(Debug, sqlx::FromRow)]
pub struct ApplicationRow {
    id: i64,
    person_id: i64,
    step: String,
    title: String,
    body: Option<String>,
    reference: Option<String>,
    status: String,
    status_on: NaiveDate,
    waiting_since: Option<NaiveDate>,
    submitted_on: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
    contacts_since_waiting: i32,
    last_contact_on: Option<NaiveDate>,
    promised: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    last_event: i64,
}

impl ApplicationRow {
    /// The application.
    pub fn into_application(self) -> Result<Application, StoreError> {
        Ok(Application {
            id: ApplicationId::from_raw(self.id),
            person: PersonId::from_raw(self.person_id),
            step: self.step,
            title: self.title,
            body: self.body,
            reference: self.reference,
            status: parsed("status", &self.status)?,
            status_on: day("status_on", self.status_on)?,
            waiting_since: opt_day("waiting_since", self.waiting_since)?,
            submitted_on: opt_day("submitted_on", self.submitted_on)?,
            approved_on: opt_day("approved_on", self.approved_on)?,
            contacts_since_waiting: count("contacts_since_waiting", self.contacts_since_waiting)?,
            last_contact_on: opt_day("last_contact_on", self.last_contact_on)?,
            promised: opt_day("promised", self.promised)?,
            created_at: Timestamp::from_utc(self.created_at),
            last_event: EventId::from_raw(self.last_event),
        })
    }
}

/// A row of `checklist`.
#[derive(Debug, sqlx::FromRow)]
pub struct ItemRow {
    application_id: i64,
    position: i32,
    key: String,
    name: String,
    sender: String,
    status: String,
    status_on: Option<NaiveDate>,
    requested_from: Option<String>,
    method: Option<String>,
    tracking: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

/// A stored sender word (`applicant`, `school`...).
pub fn sender(text: &str) -> Result<Sender, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| bad("sender", text))
}

/// A sender as the word stored.
pub fn sender_word(sender: Sender) -> String {
    serde_json::to_value(sender)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl ItemRow {
    /// The checklist item.
    pub fn into_item(self) -> Result<ChecklistItem, StoreError> {
        Ok(ChecklistItem {
            application: ApplicationId::from_raw(self.application_id),
            position: count("position", self.position)?,
            key: self.key,
            name: self.name,
            sender: sender(&self.sender)?,
            status: parsed("status", &self.status)?,
            status_on: opt_day("status_on", self.status_on)?,
            requested_from: self.requested_from,
            method: self.method,
            tracking: self.tracking,
            reason: self.reason,
            note: self.note,
        })
    }
}

/// A row of `events`.
#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    person_id: i64,
    application_id: Option<i64>,
    data: Json<Change>,
}

impl EventRow {
    /// The event.
    pub fn into_event(self) -> Event {
        Event {
            id: EventId::from_raw(self.id),
            at: Timestamp::from_utc(self.at),
            actor: self.actor,
            person: PersonId::from_raw(self.person_id),
            application: self.application_id.map(ApplicationId::from_raw),
            change: self.data.0,
        }
    }
}

/// A row of `reminders`.
#[derive(Debug, sqlx::FromRow)]
pub struct ReminderRow {
    event_id: i64,
    person_id: i64,
    application_id: Option<i64>,
    due: NaiveDate,
    what: String,
    done_on: Option<NaiveDate>,
}

impl ReminderRow {
    /// The reminder.
    pub fn into_reminder(self) -> Result<Reminder, StoreError> {
        Ok(Reminder {
            id: EventId::from_raw(self.event_id),
            person: PersonId::from_raw(self.person_id),
            application: self.application_id.map(ApplicationId::from_raw),
            due: day("due", self.due)?,
            what: self.what,
            done_on: opt_day("done_on", self.done_on)?,
        })
    }
}

/// A row of `contacts`.
#[derive(Debug, sqlx::FromRow)]
pub struct ContactRow {
    event_id: i64,
    application_id: i64,
    recorded_at: DateTime<Utc>,
    entry: Json<ContactEntry>,
}

impl ContactRow {
    /// The contact.
    pub fn into_contact(self) -> Contact {
        Contact {
            id: EventId::from_raw(self.event_id),
            application: ApplicationId::from_raw(self.application_id),
            recorded_at: Timestamp::from_utc(self.recorded_at),
            entry: self.entry.0,
        }
    }
}

/// A row of `attachments`.
#[derive(Debug, sqlx::FromRow)]
pub struct AttachmentRow {
    event_id: i64,
    application_id: i64,
    recorded_at: DateTime<Utc>,
    file: Json<AttachmentRef>,
}

impl AttachmentRow {
    /// The attachment.
    pub fn into_attachment(self) -> Attachment {
        Attachment {
            id: EventId::from_raw(self.event_id),
            application: ApplicationId::from_raw(self.application_id),
            recorded_at: Timestamp::from_utc(self.recorded_at),
            file: self.file.0,
        }
    }
}

/// A row of `organizations`.
#[derive(Debug, sqlx::FromRow)]
pub struct OrganizationRow {
    id: i64,
    name: String,
    created_at: DateTime<Utc>,
}

impl OrganizationRow {
    /// The organization.
    pub fn into_organization(self) -> Organization {
        Organization {
            id: OrgId::from_raw(self.id),
            name: self.name,
            created_at: Timestamp::from_utc(self.created_at),
        }
    }
}

/// A row of `users`, with the password hash.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    id: i64,
    org_id: i64,
    email: String,
    name: String,
    role: String,
    person_id: Option<i64>,
    created_at: DateTime<Utc>,
    password_hash: String,
}

impl UserRow {
    /// The user and their password hash.
    pub fn into_user(self) -> Result<(User, String), StoreError> {
        let user = User {
            id: UserId::from_raw(self.id),
            org: OrgId::from_raw(self.org_id),
            email: self.email,
            name: self.name,
            role: Role::parse(&self.role).ok_or_else(|| bad("role", &self.role))?,
            person: self.person_id.map(PersonId::from_raw),
            created_at: Timestamp::from_utc(self.created_at),
        };
        Ok((user, self.password_hash))
    }
}

/// A session joined with its user; the session's columns that meet a
/// user's are prefixed `session_`.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionUserRow {
    token_hash: String,
    user_id: i64,
    csrf: String,
    session_created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    user: UserRow,
}

impl SessionUserRow {
    /// The session and its user.
    pub fn into_session(self) -> Result<(Session, User), StoreError> {
        let session = Session {
            token_hash: self.token_hash,
            user: UserId::from_raw(self.user_id),
            csrf: self.csrf,
            created_at: Timestamp::from_utc(self.session_created_at),
            expires_at: Timestamp::from_utc(self.expires_at),
        };
        Ok((session, self.user.into_user()?.0))
    }
}

/// A one-time account link's purpose with its user.
#[derive(Debug, sqlx::FromRow)]
pub struct LinkUserRow {
    purpose: String,
    #[sqlx(flatten)]
    user: UserRow,
}

impl LinkUserRow {
    /// The link's purpose and its user.
    pub fn into_link(self) -> Result<(LinkPurpose, User), StoreError> {
        let purpose =
            LinkPurpose::parse(&self.purpose).ok_or_else(|| bad("purpose", &self.purpose))?;
        Ok((purpose, self.user.into_user()?.0))
    }
}

/// A count of `login_failures` rows, with the first and the last.
#[derive(Debug, sqlx::FromRow)]
pub struct FailuresRow {
    count: i64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
}

impl FailuresRow {
    /// The count.
    pub fn into_failures(self) -> Result<LoginFailures, StoreError> {
        Ok(LoginFailures {
            count: u32::try_from(self.count).map_err(|_| bad("count", &self.count.to_string()))?,
            first: self.first.map(Timestamp::from_utc),
            last: self.last.map(Timestamp::from_utc),
        })
    }
}

/// A row of `audit_log`.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    org_id: Option<i64>,
    user_id: Option<i64>,
    action: String,
    target: Option<String>,
    from_addr: String,
    status: i32,
}

impl AuditRow {
    /// The audit line.
    pub fn into_entry(self) -> Result<AuditEntry, StoreError> {
        Ok(AuditEntry {
            id: self.id,
            at: Timestamp::from_utc(self.at),
            org: self.org_id.map(OrgId::from_raw),
            user: self.user_id.map(UserId::from_raw),
            action: self.action,
            target: self.target,
            from: self.from_addr,
            status: u16::try_from(self.status)
                .map_err(|_| bad("status", &self.status.to_string()))?,
        })
    }
}

/// A row of `request_keys`, without its key.
#[derive(Debug, sqlx::FromRow)]
pub struct RequestKeyRow {
    /// The request's fingerprint.
    pub fingerprint: String,
    status: i32,
    answer: String,
}

impl RequestKeyRow {
    /// The answer kept with the key.
    pub fn into_answer(self) -> Result<Answer, StoreError> {
        Ok(Answer {
            status: u16::try_from(self.status)
                .map_err(|_| bad("status", &self.status.to_string()))?,
            body: self.answer,
        })
    }
}
