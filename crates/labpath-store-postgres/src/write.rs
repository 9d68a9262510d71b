//! Writing: every change appends one event and updates the derived tables,
//! inside the caller's transaction. The checks and the new state come from
//! `labpath_store::state`, the same functions every backend uses; this
//! module only reads the rows they need and writes the rows they change.
//!
//! Every write transaction starts by taking one transaction-level advisory
//! lock (`lock`), held until it commits or rolls back. Writers, from any
//! replica, therefore run one at a time, as SQLite's `BEGIN IMMEDIATE`
//! makes them: a change is checked against a state no one else is changing
//! (READ COMMITTED needs nothing more), ids are MAX + 1 with no gaps, and
//! event ids grow in commit order. Readers never wait for it. Writes are a
//! few small statements, so one at a time is far above what an agency
//! records.

use chrono::{DateTime, Utc};
use labpath_store::StoreError;
use labpath_store::event::{Change, Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{ApplicationState, ChecklistItem, Person};
use labpath_store::state::{
    apply_person, check_ids, check_person, check_reminder_done, created, organization_of,
};
use labpath_store::time::Timestamp;
use sqlx::postgres::PgConnection;
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

use crate::accounts::existing_organization;
use crate::convert::{db_error, int, pg_date, pg_opt_date, pg_time, time};
use crate::read::{application_state, person as person_in, reminder as reminder_in};

type Tx<'c> = Transaction<'c, Postgres>;

/// The advisory lock every writer holds: "labpath" in ASCII, then 1 (the
/// tracker's writes). Another program using the same number on this
/// database would only make labpath's writers wait.
const WRITE_LOCK: i64 = 0x6c61_6270_6174_6801;

/// Takes the write lock for the rest of the transaction.
pub(crate) async fn lock(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut **tx)
        .await
        .map_err(|e| db_error("waiting for the write lock", e))?;
    Ok(())
}

/// The database server's clock, read once the lock is held: the time an
/// event is recorded at. One clock for every replica, so event times grow
/// with event ids whichever replica records a change.
pub(crate) async fn now(tx: &mut Tx<'_>) -> Result<Timestamp, StoreError> {
    let row: (DateTime<Utc>,) = sqlx::query_as("SELECT clock_timestamp()")
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| db_error("reading the time", e))?;
    time("clock_timestamp", row.0)
}

/// Appends a new change: assigns the ids, records the event, derives.
pub(crate) async fn append(
    tx: &mut Tx<'_>,
    pending: Pending,
    now: Timestamp,
) -> Result<Event, StoreError> {
    // PostgreSQL text cannot hold NUL: refuse control characters before the
    // event row is written, as the derivation would after it.
    labpath_store::state::check_no_control(&pending.change)?;
    let person = match (&pending.change, pending.person) {
        (Change::PersonAdded { .. }, _) => PersonId::from_raw(next_id(tx, Table::People).await?),
        (_, Some(p)) => p,
        (change, None) => {
            return Err(StoreError::Invalid(format!(
                "a `{}` change needs a person",
                change.kind()
            )));
        }
    };
    let application = match &pending.change {
        Change::ApplicationCreated(_) => Some(ApplicationId::from_raw(
            next_id(tx, Table::Applications).await?,
        )),
        _ => pending.application,
    };
    let event = Event {
        id: EventId::from_raw(next_id(tx, Table::Events).await?),
        at: now,
        actor: pending.actor,
        person,
        application,
        change: pending.change,
    };
    insert_event(tx, &event).await?;
    derive(tx, &event).await?;
    Ok(event)
}

/// Records an event that already has its id and time (an import).
pub(crate) async fn record(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    insert_event(tx, event).await?;
    derive(tx, event).await
}

/// The tables whose ids the store assigns.
#[derive(Clone, Copy)]
enum Table {
    People,
    Applications,
    Events,
}

async fn next_id(tx: &mut Tx<'_>, table: Table) -> Result<i64, StoreError> {
    let sql = match table {
        Table::People => "SELECT COALESCE(MAX(id), 0) + 1 FROM people",
        Table::Applications => "SELECT COALESCE(MAX(id), 0) + 1 FROM applications",
        Table::Events => "SELECT COALESCE(MAX(id), 0) + 1 FROM events",
    };
    let row: (i64,) = sqlx::query_as(sql)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| db_error("assigning an id", e))?;
    Ok(row.0)
}

async fn insert_event(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO events (id, at, actor, person_id, application_id, kind, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.id.get())
    .bind(pg_time(event.at))
    .bind(&event.actor)
    .bind(event.person.get())
    .bind(event.application.map(ApplicationId::get))
    .bind(event.change.kind())
    .bind(Json(&event.change))
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("recording an event", e))?;
    Ok(())
}

async fn existing_person(conn: &mut PgConnection, id: PersonId) -> Result<Person, StoreError> {
    person_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found("person", id))
}

async fn existing_application(
    conn: &mut PgConnection,
    id: ApplicationId,
    person: PersonId,
) -> Result<ApplicationState, StoreError> {
    let state = application_state(conn, id)
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

/// Checks the event against the current state and writes what it changes.
async fn derive(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    check_ids(event)?;
    let today = event.at.date();
    match (&event.change, event.application) {
        (Change::PersonAdded { .. }, _) => {
            if person_in(&mut **tx, event.person).await?.is_some() {
                return Err(StoreError::Conflict(format!(
                    "person {} already exists",
                    event.person
                )));
            }
            check_person(None, &event.change)?;
            if let Some(org) = organization_of(&event.change) {
                existing_organization(&mut **tx, org).await?;
            }
            if let Some(p) = apply_person(None, event) {
                insert_person(tx, &p).await?;
            }
        }
        (Change::ApplicationCreated(_), Some(id)) => {
            let person = existing_person(tx, event.person).await?;
            check_person(Some(&person), &event.change)?;
            let state = created(event, id)
                .ok_or_else(|| StoreError::Other("not an application".to_owned()))?;
            insert_application(tx, &state).await?;
        }
        (Change::ReminderDone { reminder, on }, _) => {
            let r = reminder_in(&mut **tx, *reminder)
                .await?
                .ok_or_else(|| StoreError::not_found("reminder", reminder))?;
            check_reminder_done(&r, event, *on)?;
            sqlx::query("UPDATE reminders SET done_on = $1 WHERE event_id = $2")
                .bind(pg_date(*on))
                .bind(reminder.get())
                .execute(&mut **tx)
                .await
                .map_err(|e| db_error("completing a reminder", e))?;
        }
        (Change::ReminderSet { due, what }, app) => {
            match app {
                Some(id) => existing_application(tx, id, event.person)
                    .await?
                    .check(&event.change, today)?,
                None => check_person(
                    Some(&existing_person(tx, event.person).await?),
                    &event.change,
                )?,
            }
            sqlx::query(
                "INSERT INTO reminders (event_id, person_id, application_id, due, what) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(event.id.get())
            .bind(event.person.get())
            .bind(app.map(ApplicationId::get))
            .bind(pg_date(*due))
            .bind(what)
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error("setting a reminder", e))?;
        }
        (_, Some(id)) => {
            let mut state = existing_application(tx, id, event.person).await?;
            state.check(&event.change, today)?;
            check_links(tx, &event.change, id).await?;
            state.apply(event);
            write_application(tx, &state, event).await?;
        }
        (_, None) => {
            let person = existing_person(tx, event.person).await?;
            check_person(Some(&person), &event.change)?;
            check_ce(tx, event).await?;
            write_person(tx, person, event).await?;
        }
    }
    Ok(())
}

/// A CE change is checked against the person's log as it stands in this
/// transaction (writes are serialized by the write lock).
async fn check_ce(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    if !labpath_store::ce::LOG_KINDS.contains(&event.change.kind()) {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT id, at, actor, person_id, application_id, kind, data FROM events \
         WHERE person_id = $1 AND kind = ANY($2) AND id < $3 ORDER BY id",
    )
    .bind(event.person.get())
    .bind(&labpath_store::ce::LOG_KINDS[..])
    .bind(event.id.get())
    .fetch_all(&mut **tx)
    .await
    .map_err(|e| db_error("reading the CE log", e))?;
    let events = rows
        .iter()
        .map(crate::read::event_row)
        .collect::<Result<Vec<_>, _>>()?;
    labpath_store::ce::check_against_log(&labpath_store::ce::activities(&events), &event.change)
}

/// Writes back a person after a person-level change, and the profile
/// version it records.
async fn write_person(tx: &mut Tx<'_>, person: Person, event: &Event) -> Result<(), StoreError> {
    if let Some(p) = apply_person(Some(person), event) {
        sqlx::query("UPDATE people SET name = $1, profile_version = $2 WHERE id = $3")
            .bind(&p.name)
            .bind(int("profile version", p.profile_version)?)
            .bind(p.id.get())
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error("updating a person", e))?;
    }
    if let Change::ProfileRecorded { version, profile } = &event.change {
        sqlx::query(
            "INSERT INTO profiles (person_id, version, event_id, recorded_at, profile) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event.person.get())
        .bind(int("profile version", *version)?)
        .bind(event.id.get())
        .bind(pg_time(event.at))
        .bind(Json(profile))
        .execute(&mut **tx)
        .await
        .map_err(|e| db_error("recording a profile", e))?;
    }
    Ok(())
}

/// An attachment refers to a stored file, and to a contact of the same
/// application if it names one.
async fn check_links(
    tx: &mut Tx<'_>,
    change: &Change,
    app: ApplicationId,
) -> Result<(), StoreError> {
    let Change::AttachmentAdded(file) = change else {
        return Ok(());
    };
    let stored: Option<(String,)> = sqlx::query_as("SELECT hash FROM files WHERE hash = $1")
        .bind(&file.hash)
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| db_error("finding a file", e))?;
    if stored.is_none() {
        return Err(StoreError::Invalid(format!(
            "file `{}` was not stored: store it before attaching it",
            file.hash
        )));
    }
    if let Some(contact) = file.contact {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT event_id FROM contacts WHERE event_id = $1 AND application_id = $2",
        )
        .bind(contact.get())
        .bind(app.get())
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| db_error("finding a contact", e))?;
        if found.is_none() {
            return Err(StoreError::not_found("contact", contact));
        }
    }
    Ok(())
}

async fn insert_person(tx: &mut Tx<'_>, p: &Person) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO people (id, name, created_at, profile_version, organization_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.id.get())
    .bind(&p.name)
    .bind(pg_time(p.created_at))
    .bind(int("profile version", p.profile_version)?)
    .bind(p.organization.map(OrgId::get))
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("adding a person", e))?;
    Ok(())
}

async fn insert_application(tx: &mut Tx<'_>, state: &ApplicationState) -> Result<(), StoreError> {
    let a = &state.application;
    sqlx::query(
        "INSERT INTO applications (id, person_id, step, title, body, status, status_on, created_at, last_event) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.id.get())
    .bind(a.person.get())
    .bind(&a.step)
    .bind(&a.title)
    .bind(&a.body)
    .bind(a.status.as_str())
    .bind(pg_date(a.status_on))
    .bind(pg_time(a.created_at))
    .bind(a.last_event.get())
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("creating an application", e))?;
    for item in &state.checklist {
        let sender = serde_json::to_value(item.sender)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO checklist (application_id, position, key, name, sender, status) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(item.application.get())
        .bind(int("checklist position", item.position)?)
        .bind(&item.key)
        .bind(&item.name)
        .bind(sender)
        .bind(item.status.as_str())
        .execute(&mut **tx)
        .await
        .map_err(|e| db_error("creating a checklist", e))?;
    }
    Ok(())
}

/// Writes back the application row, and the row the event adds or changes.
async fn write_application(
    tx: &mut Tx<'_>,
    state: &ApplicationState,
    event: &Event,
) -> Result<(), StoreError> {
    let a = &state.application;
    sqlx::query(
        "UPDATE applications SET reference = $1, status = $2, status_on = $3, waiting_since = $4, \
         submitted_on = $5, approved_on = $6, contacts_since_waiting = $7, last_contact_on = $8, \
         promised = $9, last_event = $10 WHERE id = $11",
    )
    .bind(&a.reference)
    .bind(a.status.as_str())
    .bind(pg_date(a.status_on))
    .bind(pg_opt_date(a.waiting_since))
    .bind(pg_opt_date(a.submitted_on))
    .bind(pg_opt_date(a.approved_on))
    .bind(int("contact count", a.contacts_since_waiting)?)
    .bind(pg_opt_date(a.last_contact_on))
    .bind(pg_opt_date(a.promised))
    .bind(a.last_event.get())
    .bind(a.id.get())
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("updating an application", e))?;
    match &event.change {
        Change::DocumentChanged(doc) => {
            if let Some(item) = state.item(&doc.key) {
                update_item(tx, item).await?;
            }
        }
        Change::ContactLogged(entry) => {
            sqlx::query(
                "INSERT INTO contacts (event_id, application_id, recorded_at, entry) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(event.id.get())
            .bind(a.id.get())
            .bind(pg_time(event.at))
            .bind(Json(entry))
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error("recording a contact", e))?;
        }
        Change::AttachmentAdded(file) => {
            sqlx::query(
                "INSERT INTO attachments (event_id, application_id, hash, recorded_at, file) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(event.id.get())
            .bind(a.id.get())
            .bind(&file.hash)
            .bind(pg_time(event.at))
            .bind(Json(file))
            .execute(&mut **tx)
            .await
            .map_err(|e| db_error("recording an attachment", e))?;
        }
        _ => {}
    }
    Ok(())
}

async fn update_item(tx: &mut Tx<'_>, item: &ChecklistItem) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE checklist SET status = $1, status_on = $2, requested_from = $3, method = $4, \
         tracking = $5, reason = $6, note = $7 WHERE application_id = $8 AND key = $9",
    )
    .bind(item.status.as_str())
    .bind(pg_opt_date(item.status_on))
    .bind(&item.requested_from)
    .bind(&item.method)
    .bind(&item.tracking)
    .bind(&item.reason)
    .bind(&item.note)
    .bind(item.application.get())
    .bind(&item.key)
    .execute(&mut **tx)
    .await
    .map_err(|e| db_error("updating a checklist document", e))?;
    Ok(())
}
