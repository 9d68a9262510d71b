//! Reading records: one query per question, rows mapped to the store's
//! models. A value that does not parse (a date, a status, a JSON payload)
//! means the file was damaged or written by something else: `Corrupt`.

use labpath_engine::step::Sender;
use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::event::{AttachmentRef, Change, ContactEntry, Event};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, Attachment, ChecklistItem, Contact, EventQuery,
    Person, ProfileVersion, Reminder,
};
use labpath_store::time::Timestamp;
use serde::Deserialize;
use serde::de::value::StrDeserializer;
use serde::de::{DeserializeOwned, IntoDeserializer};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::db_error;

pub(crate) fn bad(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "the database holds `{value}` in `{column}`, which labpath cannot read: it may be damaged"
    ))
}

pub(crate) fn text(row: &SqliteRow, column: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(column)
        .map_err(|e| db_error(&format!("reading `{column}`"), e))
}

pub(crate) fn opt_text(row: &SqliteRow, column: &str) -> Result<Option<String>, StoreError> {
    row.try_get::<Option<String>, _>(column)
        .map_err(|e| db_error(&format!("reading `{column}`"), e))
}

pub(crate) fn int(row: &SqliteRow, column: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(column)
        .map_err(|e| db_error(&format!("reading `{column}`"), e))
}

/// Reads a stored `YYYY-MM-DD` day. An overdue scan reads hundreds of
/// thousands, so the fixed layout is read directly; the calendar check is
/// `Date::from_ymd`'s.
fn parse_day(column: &str, text: &str) -> Result<Date, StoreError> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let day = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| Some((digits(0..4)?, digits(5..7)?, digits(8..10)?)))
        .flatten()
        .and_then(|(y, m, d)| Date::from_ymd(i32::try_from(y).ok()?, m, d));
    day.ok_or_else(|| bad(column, text))
}

fn date(row: &SqliteRow, column: &str) -> Result<Date, StoreError> {
    parse_day(column, &text(row, column)?)
}

fn opt_date(row: &SqliteRow, column: &str) -> Result<Option<Date>, StoreError> {
    opt_text(row, column)?
        .map(|t| parse_day(column, &t))
        .transpose()
}

pub(crate) fn time(row: &SqliteRow, column: &str) -> Result<Timestamp, StoreError> {
    let t = text(row, column)?;
    Timestamp::parse(&t).map_err(|_| bad(column, &t))
}

fn parsed<T: std::str::FromStr>(row: &SqliteRow, column: &str) -> Result<T, StoreError> {
    let t = text(row, column)?;
    t.parse().map_err(|_| bad(column, &t))
}

fn json<T: DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T, StoreError> {
    let t = text(row, column)?;
    serde_json::from_str(&t).map_err(|_| bad(column, &t))
}

fn count(row: &SqliteRow, column: &str) -> Result<u32, StoreError> {
    let n = int(row, column)?;
    u32::try_from(n).map_err(|_| bad(column, &n.to_string()))
}

fn parse_sender(t: &str) -> Result<Sender, StoreError> {
    let text: StrDeserializer<'_, serde::de::value::Error> = t.into_deserializer();
    Sender::deserialize(text).map_err(|_| bad("sender", t))
}

fn sender(row: &SqliteRow) -> Result<Sender, StoreError> {
    parse_sender(&text(row, "sender")?)
}

fn person_row(row: &SqliteRow) -> Result<Person, StoreError> {
    Ok(Person {
        id: PersonId::from_raw(int(row, "id")?),
        name: text(row, "name")?,
        created_at: time(row, "created_at")?,
        profile_version: count(row, "profile_version")?,
        organization: row
            .try_get::<Option<i64>, _>("organization_id")
            .map_err(|e| db_error("reading `organization_id`", e))?
            .map(OrgId::from_raw),
    })
}

pub(crate) fn application_row(row: &SqliteRow) -> Result<Application, StoreError> {
    Ok(Application {
        id: ApplicationId::from_raw(int(row, "id")?),
        person: PersonId::from_raw(int(row, "person_id")?),
        step: text(row, "step")?,
        title: text(row, "title")?,
        body: opt_text(row, "body")?,
        reference: opt_text(row, "reference")?,
        status: parsed(row, "status")?,
        status_on: date(row, "status_on")?,
        waiting_since: opt_date(row, "waiting_since")?,
        submitted_on: opt_date(row, "submitted_on")?,
        approved_on: opt_date(row, "approved_on")?,
        contacts_since_waiting: count(row, "contacts_since_waiting")?,
        last_contact_on: opt_date(row, "last_contact_on")?,
        promised: opt_date(row, "promised")?,
        created_at: time(row, "created_at")?,
        last_event: EventId::from_raw(int(row, "last_event")?),
    })
}

fn item_row(row: &SqliteRow) -> Result<ChecklistItem, StoreError> {
    Ok(ChecklistItem {
        application: ApplicationId::from_raw(int(row, "application_id")?),
        position: count(row, "position")?,
        key: text(row, "key")?,
        name: text(row, "name")?,
        sender: sender(row)?,
        status: parsed(row, "status")?,
        status_on: opt_date(row, "status_on")?,
        requested_from: opt_text(row, "requested_from")?,
        method: opt_text(row, "method")?,
        tracking: opt_text(row, "tracking")?,
        reason: opt_text(row, "reason")?,
        note: opt_text(row, "note")?,
    })
}

pub(crate) fn event_row(row: &SqliteRow) -> Result<Event, StoreError> {
    let change: Change = json(row, "data")?;
    Ok(Event {
        id: EventId::from_raw(int(row, "id")?),
        at: time(row, "at")?,
        actor: text(row, "actor")?,
        person: PersonId::from_raw(int(row, "person_id")?),
        application: row
            .try_get::<Option<i64>, _>("application_id")
            .map_err(|e| db_error("reading `application_id`", e))?
            .map(ApplicationId::from_raw),
        change,
    })
}

fn reminder_row(row: &SqliteRow) -> Result<Reminder, StoreError> {
    Ok(Reminder {
        id: EventId::from_raw(int(row, "event_id")?),
        person: PersonId::from_raw(int(row, "person_id")?),
        application: row
            .try_get::<Option<i64>, _>("application_id")
            .map_err(|e| db_error("reading `application_id`", e))?
            .map(ApplicationId::from_raw),
        due: date(row, "due")?,
        what: text(row, "what")?,
        done_on: opt_date(row, "done_on")?,
    })
}

fn all<T>(
    rows: Vec<SqliteRow>,
    map: fn(&SqliteRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.iter().map(map).collect()
}

pub(crate) async fn person_in(
    conn: &mut SqliteConnection,
    id: PersonId,
) -> Result<Option<Person>, StoreError> {
    let row = sqlx::query("SELECT * FROM people WHERE id = ?")
        .bind(id.get())
        .fetch_optional(conn)
        .await
        .map_err(|e| db_error("reading a person", e))?;
    row.as_ref().map(person_row).transpose()
}

pub(crate) async fn person(pool: &SqlitePool, id: PersonId) -> Result<Option<Person>, StoreError> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| db_error("reading a person", e))?;
    person_in(&mut conn, id).await
}

pub(crate) async fn people(
    pool: &SqlitePool,
    org: Option<OrgId>,
) -> Result<Vec<Person>, StoreError> {
    // Two statements rather than `? IS NULL OR ...`, so that an
    // organization's people are read through its index.
    let mut q = QueryBuilder::<Sqlite>::new("SELECT * FROM people");
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
    pool: &SqlitePool,
    person: PersonId,
    version: Option<u32>,
) -> Result<Option<ProfileVersion>, StoreError> {
    let row = sqlx::query(
        "SELECT * FROM profiles WHERE person_id = ? AND (? IS NULL OR version = ?) \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(person.get())
    .bind(version)
    .bind(version)
    .fetch_optional(pool)
    .await
    .map_err(|e| db_error("reading a profile", e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(ProfileVersion {
        person,
        version: count(&row, "version")?,
        event: EventId::from_raw(int(&row, "event_id")?),
        recorded_at: time(&row, "recorded_at")?,
        profile: json(&row, "profile")?,
    }))
}

pub(crate) async fn application_state(
    conn: &mut SqliteConnection,
    id: ApplicationId,
) -> Result<Option<ApplicationState>, StoreError> {
    let row = sqlx::query("SELECT * FROM applications WHERE id = ?")
        .bind(id.get())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| db_error("reading an application", e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let items = sqlx::query("SELECT * FROM checklist WHERE application_id = ? ORDER BY position")
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
fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, filter: &AppFilter) {
    q.push(" WHERE 1 = 1");
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

/// The columns of `applications`, in the order `packed_app` reads them.
const APP_COLUMNS: [&str; 16] = [
    "id",
    "person_id",
    "step",
    "title",
    "body",
    "reference",
    "status",
    "status_on",
    "waiting_since",
    "submitted_on",
    "approved_on",
    "contacts_since_waiting",
    "last_contact_on",
    "promised",
    "created_at",
    "last_event",
];

/// The columns of `checklist`, in the order `packed_item` reads them.
const ITEM_COLUMNS: [&str; 12] = [
    "application_id",
    "position",
    "key",
    "name",
    "sender",
    "status",
    "status_on",
    "requested_from",
    "method",
    "tracking",
    "reason",
    "note",
];

/// Separates fields, rows, and stands for NULL in packed text. The store
/// refuses control characters in every text (`labpath_store::state`), so
/// none of these can occur inside a value.
const FIELD: char = '\u{1f}';
const ROW: char = '\u{1e}';
const NULL: &str = "\u{15}";

/// An SQL expression that packs the columns of one row of `table` (an
/// alias) into one text. Bulk reads aggregate these into a single value,
/// which crosses from SQLite's thread once instead of row by row: an
/// agency's overdue scan reads hundreds of thousands of rows, and decoding
/// them one by one would dominate it. `concat_ws` builds each row's text at
/// once, where `||` would copy it once per column.
fn packed(table: &str, columns: &[&str]) -> String {
    let fields = columns
        .iter()
        .map(|c| format!("ifnull({table}.{c}, char(21))"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("concat_ws(char(31), {fields})")
}

/// Reads the fields of one packed row, in order.
struct Unpack<'t> {
    fields: std::str::Split<'t, char>,
}

impl<'t> Unpack<'t> {
    fn field(&mut self) -> Result<Option<&'t str>, StoreError> {
        let value = self.fields.next().ok_or_else(|| {
            StoreError::Corrupt("a bulk read returned text labpath cannot read".to_owned())
        })?;
        Ok((value != NULL).then_some(value))
    }

    fn text(&mut self, column: &str) -> Result<String, StoreError> {
        self.field()?
            .map(str::to_owned)
            .ok_or_else(|| bad(column, "NULL"))
    }

    fn opt_text(&mut self) -> Result<Option<String>, StoreError> {
        Ok(self.field()?.map(str::to_owned))
    }

    fn parsed<T: std::str::FromStr>(&mut self, column: &str) -> Result<T, StoreError> {
        let t = self.field()?.ok_or_else(|| bad(column, "NULL"))?;
        t.parse().map_err(|_| bad(column, t))
    }

    fn day(&mut self, column: &str) -> Result<Date, StoreError> {
        parse_day(column, self.field()?.ok_or_else(|| bad(column, "NULL"))?)
    }

    fn opt_day(&mut self, column: &str) -> Result<Option<Date>, StoreError> {
        self.field()?.map(|t| parse_day(column, t)).transpose()
    }
}

fn packed_app(u: &mut Unpack<'_>) -> Result<Application, StoreError> {
    Ok(Application {
        id: ApplicationId::from_raw(u.parsed("id")?),
        person: PersonId::from_raw(u.parsed("person_id")?),
        step: u.text("step")?,
        title: u.text("title")?,
        body: u.opt_text()?,
        reference: u.opt_text()?,
        status: u.parsed("status")?,
        status_on: u.day("status_on")?,
        waiting_since: u.opt_day("waiting_since")?,
        submitted_on: u.opt_day("submitted_on")?,
        approved_on: u.opt_day("approved_on")?,
        contacts_since_waiting: u.parsed("contacts_since_waiting")?,
        last_contact_on: u.opt_day("last_contact_on")?,
        promised: u.opt_day("promised")?,
        created_at: {
            let t = u.text("created_at")?;
            Timestamp::parse(&t).map_err(|_| bad("created_at", &t))?
        },
        last_event: EventId::from_raw(u.parsed("last_event")?),
    })
}

fn packed_item(u: &mut Unpack<'_>) -> Result<ChecklistItem, StoreError> {
    Ok(ChecklistItem {
        application: ApplicationId::from_raw(u.parsed("application_id")?),
        position: u.parsed("position")?,
        key: u.text("key")?,
        name: u.text("name")?,
        sender: parse_sender(u.field()?.ok_or_else(|| bad("sender", "NULL"))?)?,
        status: u.parsed("status")?,
        status_on: u.opt_day("status_on")?,
        requested_from: u.opt_text()?,
        method: u.opt_text()?,
        tracking: u.opt_text()?,
        reason: u.opt_text()?,
        note: u.opt_text()?,
    })
}

/// Runs a bulk query whose one value is the packed rows, and unpacks them
/// (in no particular order: the caller sorts them).
async fn bulk<T>(
    pool: &SqlitePool,
    mut q: QueryBuilder<'_, Sqlite>,
    doing: &str,
    read: fn(&mut Unpack<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let row = q
        .build()
        .fetch_one(pool)
        .await
        .map_err(|e| db_error(doing, e))?;
    let text: Option<&str> = row.try_get(0).map_err(|e| db_error(doing, e))?;
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(ROW)
        .map(|r| {
            read(&mut Unpack {
                fields: r.split(FIELD),
            })
        })
        .collect()
}

pub(crate) async fn applications(
    pool: &SqlitePool,
    filter: &AppFilter,
) -> Result<Vec<Application>, StoreError> {
    // Sorted here rather than by `group_concat(... ORDER BY)`, which makes
    // SQLite copy every packed row into a temporary b-tree first.
    let mut q = QueryBuilder::new(format!(
        "SELECT group_concat({}, char(30)) FROM applications a",
        packed("a", &APP_COLUMNS)
    ));
    push_filter(&mut q, filter);
    let mut apps = bulk(pool, q, "reading applications", packed_app).await?;
    apps.sort_by_cached_key(|a| a.id);
    Ok(apps)
}

pub(crate) async fn checklists(
    pool: &SqlitePool,
    filter: &AppFilter,
) -> Result<Vec<ChecklistItem>, StoreError> {
    // `IN (subquery)`, not a join: SQLite builds the set of ids once and
    // reads the checklist in key order, instead of one lookup per row.
    // Sorted here, as applications are.
    let mut q = QueryBuilder::new(format!(
        "SELECT group_concat({}, char(30)) FROM checklist c \
         WHERE c.application_id IN (SELECT a.id FROM applications a",
        packed("c", &ITEM_COLUMNS)
    ));
    push_filter(&mut q, filter);
    q.push(")");
    let mut items = bulk(pool, q, "reading checklists", packed_item).await?;
    items.sort_by_cached_key(|i| (i.application, i.position));
    Ok(items)
}

pub(crate) async fn contacts(
    pool: &SqlitePool,
    app: ApplicationId,
) -> Result<Vec<Contact>, StoreError> {
    let rows = sqlx::query("SELECT * FROM contacts WHERE application_id = ? ORDER BY event_id")
        .bind(app.get())
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading contacts", e))?;
    all(rows, |row| {
        Ok(Contact {
            id: EventId::from_raw(int(row, "event_id")?),
            application: ApplicationId::from_raw(int(row, "application_id")?),
            recorded_at: time(row, "recorded_at")?,
            entry: json::<ContactEntry>(row, "entry")?,
        })
    })
}

pub(crate) async fn attachments(
    pool: &SqlitePool,
    app: ApplicationId,
) -> Result<Vec<Attachment>, StoreError> {
    let rows = sqlx::query("SELECT * FROM attachments WHERE application_id = ? ORDER BY event_id")
        .bind(app.get())
        .fetch_all(pool)
        .await
        .map_err(|e| db_error("reading attachments", e))?;
    all(rows, |row| {
        Ok(Attachment {
            id: EventId::from_raw(int(row, "event_id")?),
            application: ApplicationId::from_raw(int(row, "application_id")?),
            recorded_at: time(row, "recorded_at")?,
            file: json::<AttachmentRef>(row, "file")?,
        })
    })
}

pub(crate) async fn reminders(
    pool: &SqlitePool,
    person: Option<PersonId>,
) -> Result<Vec<Reminder>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM reminders WHERE (? IS NULL OR person_id = ?) ORDER BY due, event_id",
    )
    .bind(person.map(PersonId::get))
    .bind(person.map(PersonId::get))
    .fetch_all(pool)
    .await
    .map_err(|e| db_error("reading reminders", e))?;
    all(rows, reminder_row)
}

pub(crate) async fn reminder_in(
    conn: &mut SqliteConnection,
    id: EventId,
) -> Result<Option<Reminder>, StoreError> {
    let row = sqlx::query("SELECT * FROM reminders WHERE event_id = ?")
        .bind(id.get())
        .fetch_optional(conn)
        .await
        .map_err(|e| db_error("reading a reminder", e))?;
    row.as_ref().map(reminder_row).transpose()
}

pub(crate) async fn events(
    pool: &SqlitePool,
    query: &EventQuery,
) -> Result<Vec<Event>, StoreError> {
    let mut q = QueryBuilder::new("SELECT * FROM events WHERE 1 = 1");
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
