//! Reading records: one query per question, rows mapped to the store's
//! models. A value that does not parse (a status, a JSON payload) means the
//! database was changed by something else: `Corrupt`.

use chrono::{DateTime, NaiveDate, Utc};
use labpath_engine::step::Sender;
use labpath_store::StoreError;
use labpath_store::event::{AttachmentRef, Change, ContactEntry, Event};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, Attachment, ChecklistItem, Contact, EventQuery,
    Person, ProfileVersion, Reminder,
};
use serde::de::DeserializeOwned;
use sqlx::postgres::{PgConnection, PgExecutor, PgPool, PgRow};
use sqlx::{Decode, Postgres, QueryBuilder, Row, Type};

use crate::convert::{bad, count, date, db_error, int, opt_date, time};

pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, StoreError>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get::<T, _>(column)
        .map_err(|e| db_error(&format!("reading `{column}`"), e))
}

fn day(row: &PgRow, column: &str) -> Result<labpath_engine::units::Date, StoreError> {
    date(column, get::<NaiveDate>(row, column)?)
}

fn opt_day(row: &PgRow, column: &str) -> Result<Option<labpath_engine::units::Date>, StoreError> {
    opt_date(column, get::<Option<NaiveDate>>(row, column)?)
}

pub(crate) fn instant(
    row: &PgRow,
    column: &str,
) -> Result<labpath_store::time::Timestamp, StoreError> {
    time(column, get::<DateTime<Utc>>(row, column)?)
}

fn parsed<T: std::str::FromStr>(row: &PgRow, column: &str) -> Result<T, StoreError> {
    let t: String = get(row, column)?;
    t.parse().map_err(|_| bad(column, &t))
}

fn json<T: DeserializeOwned>(row: &PgRow, column: &str) -> Result<T, StoreError> {
    let v: serde_json::Value = get(row, column)?;
    serde_json::from_value(v.clone()).map_err(|_| bad(column, &v.to_string()))
}

fn small(row: &PgRow, column: &str) -> Result<u32, StoreError> {
    count(column, get::<i32>(row, column)?)
}

fn sender(row: &PgRow) -> Result<Sender, StoreError> {
    let t: String = get(row, "sender")?;
    serde_json::from_value(serde_json::Value::String(t.clone())).map_err(|_| bad("sender", &t))
}

fn opt_app(row: &PgRow) -> Result<Option<ApplicationId>, StoreError> {
    Ok(get::<Option<i64>>(row, "application_id")?.map(ApplicationId::from_raw))
}

fn person_row(row: &PgRow) -> Result<Person, StoreError> {
    Ok(Person {
        id: PersonId::from_raw(get(row, "id")?),
        name: get(row, "name")?,
        created_at: instant(row, "created_at")?,
        profile_version: small(row, "profile_version")?,
        organization: get::<Option<i64>>(row, "organization_id")?.map(OrgId::from_raw),
    })
}

fn application_row(row: &PgRow) -> Result<Application, StoreError> {
    Ok(Application {
        id: ApplicationId::from_raw(get(row, "id")?),
        person: PersonId::from_raw(get(row, "person_id")?),
        step: get(row, "step")?,
        title: get(row, "title")?,
        body: get(row, "body")?,
        reference: get(row, "reference")?,
        status: parsed(row, "status")?,
        status_on: day(row, "status_on")?,
        waiting_since: opt_day(row, "waiting_since")?,
        submitted_on: opt_day(row, "submitted_on")?,
        approved_on: opt_day(row, "approved_on")?,
        contacts_since_waiting: small(row, "contacts_since_waiting")?,
        last_contact_on: opt_day(row, "last_contact_on")?,
        promised: opt_day(row, "promised")?,
        created_at: instant(row, "created_at")?,
        last_event: EventId::from_raw(get(row, "last_event")?),
    })
}

fn item_row(row: &PgRow) -> Result<ChecklistItem, StoreError> {
    Ok(ChecklistItem {
        application: ApplicationId::from_raw(get(row, "application_id")?),
        position: small(row, "position")?,
        key: get(row, "key")?,
        name: get(row, "name")?,
        sender: sender(row)?,
        status: parsed(row, "status")?,
        status_on: opt_day(row, "status_on")?,
        requested_from: get(row, "requested_from")?,
        method: get(row, "method")?,
        tracking: get(row, "tracking")?,
        reason: get(row, "reason")?,
        note: get(row, "note")?,
    })
}

pub(crate) fn event_row(row: &PgRow) -> Result<Event, StoreError> {
    Ok(Event {
        id: EventId::from_raw(get(row, "id")?),
        at: instant(row, "at")?,
        actor: get(row, "actor")?,
        person: PersonId::from_raw(get(row, "person_id")?),
        application: opt_app(row)?,
        change: json::<Change>(row, "data")?,
    })
}

fn reminder_row(row: &PgRow) -> Result<Reminder, StoreError> {
    Ok(Reminder {
        id: EventId::from_raw(get(row, "event_id")?),
        person: PersonId::from_raw(get(row, "person_id")?),
        application: opt_app(row)?,
        due: day(row, "due")?,
        what: get(row, "what")?,
        done_on: opt_day(row, "done_on")?,
    })
}

fn contact_row(row: &PgRow) -> Result<Contact, StoreError> {
    Ok(Contact {
        id: EventId::from_raw(get(row, "event_id")?),
        application: ApplicationId::from_raw(get(row, "application_id")?),
        recorded_at: instant(row, "recorded_at")?,
        entry: json::<ContactEntry>(row, "entry")?,
    })
}

fn attachment_row(row: &PgRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: EventId::from_raw(get(row, "event_id")?),
        application: ApplicationId::from_raw(get(row, "application_id")?),
        recorded_at: instant(row, "recorded_at")?,
        file: json::<AttachmentRef>(row, "file")?,
    })
}

fn all<T>(
    rows: Vec<PgRow>,
    map: fn(&PgRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(map).collect()
}

pub(crate) async fn person<'e>(
    ex: impl PgExecutor<'e>,
    id: PersonId,
) -> Result<Option<Person>, StoreError> {
    let row = sqlx::query("SELECT * FROM people WHERE id = $1")
        .bind(id.get())
        .fetch_optional(ex)
        .await
        .map_err(|e| db_error("reading a person", e))?;
    row.as_ref().map(person_row).transpose()
}

pub(crate) async fn people(pool: &PgPool, org: Option<OrgId>) -> Result<Vec<Person>, StoreError> {
    let mut q = QueryBuilder::<Postgres>::new("SELECT * FROM people");
    if let Some(o) = org {
        q.push(" WHERE organization_id = ").push_bind(o.get());
    }
    q.push(" ORDER BY id");
    let rows = q
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading people", e))?;
    all(rows, person_row)
}

pub(crate) async fn profile(
    pool: &PgPool,
    person: PersonId,
    version: Option<u32>,
) -> Result<Option<ProfileVersion>, StoreError> {
    let version = version.map(|v| int("profile version", v)).transpose()?;
    let row = sqlx::query(
        "SELECT * FROM profiles WHERE person_id = $1 AND ($2::integer IS NULL OR version = $2) \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(person.get())
    .bind(version)
    .fetch_optional(pool)
    .await
    .map_err(|e| db_error("reading a profile", e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(ProfileVersion {
        person,
        version: small(&row, "version")?,
        event: EventId::from_raw(get(&row, "event_id")?),
        recorded_at: instant(&row, "recorded_at")?,
        profile: get(&row, "profile")?,
    }))
}

/// An application with its checklist.
pub(crate) async fn application_state(
    conn: &mut PgConnection,
    id: ApplicationId,
) -> Result<Option<ApplicationState>, StoreError> {
    let row = sqlx::query("SELECT * FROM applications WHERE id = $1")
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| db_error("reading an application", e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let items = sqlx::query("SELECT * FROM checklist WHERE application_id = $1 ORDER BY position")
        .bind(id.get())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error("reading a checklist", e))?;
    Ok(Some(ApplicationState {
        application: application_row(&row)?,
        checklist: all(items, item_row)?,
    }))
}

/// `WHERE` clauses for an application filter on the table aliased `a`.
fn push_filter(q: &mut QueryBuilder<'_, Postgres>, filter: &AppFilter) {
    q.push(" WHERE TRUE");
    if let Some(p) = filter.person {
        q.push(" AND a.person_id = ").push_bind(p.get());
    }
    if let Some(o) = filter.organization {
        q.push(" AND a.person_id IN (SELECT id FROM people WHERE organization_id = ")
            .push_bind(o.get())
            .push(")");
    }
    if filter.open_only {
        q.push(" AND a.status IN ('draft', 'submitted', 'under_review')");
    }
}

pub(crate) async fn applications(
    pool: &PgPool,
    filter: &AppFilter,
) -> Result<Vec<Application>, StoreError> {
    let mut q = QueryBuilder::new("SELECT a.* FROM applications a");
    push_filter(&mut q, filter);
    q.push(" ORDER BY a.id");
    let rows = q
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading applications", e))?;
    all(rows, application_row)
}

pub(crate) async fn checklists(
    pool: &PgPool,
    filter: &AppFilter,
) -> Result<Vec<ChecklistItem>, StoreError> {
    let mut q = QueryBuilder::new(
        "SELECT c.* FROM checklist c JOIN applications a ON a.id = c.application_id",
    );
    push_filter(&mut q, filter);
    q.push(" ORDER BY c.application_id, c.position");
    let rows = q
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading checklists", e))?;
    all(rows, item_row)
}

pub(crate) async fn contacts(
    pool: &PgPool,
    app: ApplicationId,
) -> Result<Vec<Contact>, StoreError> {
    let rows = sqlx::query("SELECT * FROM contacts WHERE application_id = $1 ORDER BY event_id")
        .bind(app.get())
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading contacts", e))?;
    all(rows, contact_row)
}

pub(crate) async fn attachments(
    pool: &PgPool,
    app: ApplicationId,
) -> Result<Vec<Attachment>, StoreError> {
    let rows = sqlx::query("SELECT * FROM attachments WHERE application_id = $1 ORDER BY event_id")
        .bind(app.get())
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading attachments", e))?;
    all(rows, attachment_row)
}

pub(crate) async fn reminders(
    pool: &PgPool,
    person: Option<PersonId>,
) -> Result<Vec<Reminder>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM reminders WHERE ($1::bigint IS NULL OR person_id = $1) \
         ORDER BY due, event_id",
    )
    .bind(person.map(PersonId::get))
    .fetch_all(pool)
    .await
    .map_err(|e| db_error("reading reminders", e))?;
    all(rows, reminder_row)
}

pub(crate) async fn reminder<'e>(
    ex: impl PgExecutor<'e>,
    id: EventId,
) -> Result<Option<Reminder>, StoreError> {
    let row = sqlx::query("SELECT * FROM reminders WHERE event_id = $1")
        .bind(id.get())
        .fetch_optional(ex)
        .await
        .map_err(|e| db_error("reading a reminder", e))?;
    row.as_ref().map(reminder_row).transpose()
}

pub(crate) async fn events(pool: &PgPool, query: &EventQuery) -> Result<Vec<Event>, StoreError> {
    let mut q = QueryBuilder::new("SELECT * FROM events WHERE TRUE");
    if let Some(p) = query.person {
        q.push(" AND person_id = ").push_bind(p.get());
    }
    if let Some(a) = query.application {
        q.push(" AND application_id = ").push_bind(a.get());
    }
    if let Some(after) = query.after {
        q.push(" AND id > ").push_bind(after.get());
    }
    q.push(" ORDER BY id");
    if let Some(limit) = query.limit {
        q.push(" LIMIT ").push_bind(i64::from(limit));
    }
    let rows = q
        .build()
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading the log", e))?;
    all(rows, event_row)
}
