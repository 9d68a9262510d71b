//! Writing: every change appends one event and updates the derived tables,
//! inside the caller's transaction. The checks and the new state come from
//! `labpath_store::state`, the same functions every backend uses; this
//! module only reads the rows they need and writes the rows they change.

use labpath_store::StoreError;
use labpath_store::event::{Change, Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{ApplicationState, ChecklistItem, Person};
use labpath_store::state::{
    apply_person, check_ids, check_person, check_reminder_done, created, organization_of,
};
use labpath_store::time::Timestamp;
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::accounts::existing_organization;
use crate::db_error;
use crate::read::{application_state, person_in, reminder_in};

type Tx<'c> = Transaction<'c, Sqlite>;

/// Appends a new change: assigns the ids, records the event, derives.
pub(crate) async fn append(
    tx: &mut Tx<'_>,
    pending: Pending,
    now: Timestamp,
) -> Result<Event, StoreError> {
    let person = match (&pending.change, pending.person) {
        (Change::PersonAdded { .. }, _) => PersonId::from_raw(next_id(tx, "people").await?),
        (_, Some(p)) => p,
        (change, None) => {
            return Err(StoreError::Invalid(format!(
                "a `{}` change needs a person",
                change.kind()
            )));
        }
    };
    let application = match &pending.change {
        Change::ApplicationCreated(_) => {
            Some(ApplicationId::from_raw(next_id(tx, "applications").await?))
        }
        _ => pending.application,
    };
    let mut event = Event {
        id: EventId::from_raw(0),
        at: now,
        actor: pending.actor,
        person,
        application,
        change: pending.change,
    };
    event.id = insert_event(tx, None, &event).await?;
    derive(tx, &event).await?;
    Ok(event)
}

/// Records an event that already has its id and time (an import).
pub(crate) async fn record(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    insert_event(tx, Some(event.id), event).await?;
    derive(tx, event).await
}

async fn next_id(tx: &mut Tx<'_>, table: &str) -> Result<i64, StoreError> {
    // `table` is one of two literals above, never user input.
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    let row: (i64,) = sqlx::query_as(&sql)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| db_error("assigning an id", e))?;
    Ok(row.0)
}

async fn insert_event(
    tx: &mut Tx<'_>,
    id: Option<EventId>,
    event: &Event,
) -> Result<EventId, StoreError> {
    let data = serde_json::to_string(&event.change)
        .map_err(|e| StoreError::Other(format!("cannot encode an event: {e}")))?;
    let row: (i64,) = sqlx::query_as(
        "INSERT INTO events (id, at, actor, person_id, application_id, kind, data) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(id.map(EventId::get))
    .bind(event.at.to_string())
    .bind(&event.actor)
    .bind(event.person.get())
    .bind(event.application.map(ApplicationId::get))
    .bind(event.change.kind())
    .bind(data)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| db_error("recording an event", e))?;
    Ok(EventId::from_raw(row.0))
}

async fn existing_person(conn: &mut SqliteConnection, id: PersonId) -> Result<Person, StoreError> {
    person_in(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found("person", id))
}

async fn existing_application(
    conn: &mut SqliteConnection,
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
            if person_in(tx, event.person).await?.is_some() {
                return Err(StoreError::Conflict(format!(
                    "person {} already exists",
                    event.person
                )));
            }
            check_person(None, &event.change)?;
            if let Some(org) = organization_of(&event.change) {
                existing_organization(tx, org).await?;
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
            let r = reminder_in(tx, *reminder)
                .await?
                .ok_or_else(|| StoreError::not_found("reminder", reminder))?;
            check_reminder_done(&r, event, *on)?;
            sqlx::query("UPDATE reminders SET done_on = ? WHERE event_id = ?")
                .bind(on.to_string())
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
                "INSERT INTO reminders (event_id, person_id, application_id, due, what) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(event.id.get())
            .bind(event.person.get())
            .bind(app.map(ApplicationId::get))
            .bind(due.to_string())
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
            if let Some(p) = apply_person(Some(person), event) {
                sqlx::query("UPDATE people SET name = ?, profile_version = ? WHERE id = ?")
                    .bind(&p.name)
                    .bind(p.profile_version)
                    .bind(p.id.get())
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| db_error("updating a person", e))?;
            }
            if let Change::ProfileRecorded { version, profile } = &event.change {
                sqlx::query(
                    "INSERT INTO profiles (person_id, version, event_id, recorded_at, profile) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(event.person.get())
                .bind(version)
                .bind(event.id.get())
                .bind(event.at.to_string())
                .bind(profile.to_string())
                .execute(&mut **tx)
                .await
                .map_err(|e| db_error("recording a profile", e))?;
            }
        }
    }
    Ok(())
}

/// A CE change is checked against the person's log as it stands in this
/// transaction (writes are serialized by `BEGIN IMMEDIATE`).
async fn check_ce(tx: &mut Tx<'_>, event: &Event) -> Result<(), StoreError> {
    if !labpath_store::ce::LOG_KINDS.contains(&event.change.kind()) {
        return Ok(());
    }
    let rows = sqlx::query(
        "SELECT id, at, actor, person_id, application_id, kind, data FROM events \
         WHERE person_id = ? AND kind IN (?, ?) AND id < ? ORDER BY id",
    )
    .bind(event.person.get())
    .bind(labpath_store::ce::LOG_KINDS[0])
    .bind(labpath_store::ce::LOG_KINDS[1])
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
    let stored: Option<(String,)> = sqlx::query_as("SELECT hash FROM files WHERE hash = ?")
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
            "SELECT event_id FROM contacts WHERE event_id = ? AND application_id = ?",
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
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(p.id.get())
    .bind(&p.name)
    .bind(p.created_at.to_string())
    .bind(p.profile_version)
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
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.id.get())
    .bind(a.person.get())
    .bind(&a.step)
    .bind(&a.title)
    .bind(&a.body)
    .bind(a.status.as_str())
    .bind(a.status_on.to_string())
    .bind(a.created_at.to_string())
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
            "INSERT INTO checklist (application_id, position, key, name, sender, status) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(item.application.get())
        .bind(item.position)
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

fn day(d: Option<labpath_engine::units::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Writes back the application row, and the row the event adds or changes.
async fn write_application(
    tx: &mut Tx<'_>,
    state: &ApplicationState,
    event: &Event,
) -> Result<(), StoreError> {
    let a = &state.application;
    sqlx::query(
        "UPDATE applications SET reference = ?, status = ?, status_on = ?, waiting_since = ?, \
         submitted_on = ?, approved_on = ?, contacts_since_waiting = ?, last_contact_on = ?, \
         promised = ?, last_event = ? WHERE id = ?",
    )
    .bind(&a.reference)
    .bind(a.status.as_str())
    .bind(a.status_on.to_string())
    .bind(day(a.waiting_since))
    .bind(day(a.submitted_on))
    .bind(day(a.approved_on))
    .bind(a.contacts_since_waiting)
    .bind(day(a.last_contact_on))
    .bind(day(a.promised))
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
            insert_json(
                tx,
                "contacts",
                "entry",
                event,
                serde_json::to_string(entry),
                None,
            )
            .await?;
        }
        Change::AttachmentAdded(file) => {
            insert_json(
                tx,
                "attachments",
                "file",
                event,
                serde_json::to_string(file),
                Some(&file.hash),
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

async fn update_item(tx: &mut Tx<'_>, item: &ChecklistItem) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE checklist SET status = ?, status_on = ?, requested_from = ?, method = ?, \
         tracking = ?, reason = ?, note = ? WHERE application_id = ? AND key = ?",
    )
    .bind(item.status.as_str())
    .bind(day(item.status_on))
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

/// Inserts a contact or attachment row (`table` and `column` are literals).
async fn insert_json(
    tx: &mut Tx<'_>,
    table: &str,
    column: &str,
    event: &Event,
    json: serde_json::Result<String>,
    hash: Option<&str>,
) -> Result<(), StoreError> {
    let json = json.map_err(|e| StoreError::Other(format!("cannot encode a record: {e}")))?;
    let sql = match hash {
        Some(_) => format!(
            "INSERT INTO {table} (event_id, application_id, recorded_at, {column}, hash) VALUES (?, ?, ?, ?, ?)"
        ),
        None => format!(
            "INSERT INTO {table} (event_id, application_id, recorded_at, {column}) VALUES (?, ?, ?, ?)"
        ),
    };
    let mut q = sqlx::query(&sql)
        .bind(event.id.get())
        .bind(event.application.map(ApplicationId::get))
        .bind(event.at.to_string())
        .bind(json);
    if let Some(h) = hash {
        q = q.bind(h);
    }
    q.execute(&mut **tx)
        .await
        .map_err(|e| db_error(&format!("recording a row of `{table}`"), e))?;
    Ok(())
}
