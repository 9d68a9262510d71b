//! The bulk reads only SQLite has: every application (or checklist item)
//! a filter selects, packed by SQLite into one text and unpacked here. An
//! agency's overdue scan reads hundreds of thousands of rows, and decoding
//! them one by one would dominate it. Every other read is the shared one
//! (`labpath_store_sql::read`). A value that does not parse (a date, a
//! status) means the file was damaged or written by something else:
//! `Corrupt`.

use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{AppFilter, Application, ChecklistItem};
use labpath_store::time::Timestamp;
use labpath_store_sql::error::bad;
use labpath_store_sql::read::push_filter;
use labpath_store_sql::rows::sender;
use labpath_store_sql::{Conn, Sql};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// Reads a stored `YYYY-MM-DD` day. The fixed layout is read directly; the
/// calendar check is `Date::from_ymd`'s.
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
/// which crosses from SQLite's thread once instead of row by row.
/// `concat_ws` builds each row's text at once, where `||` would copy it
/// once per column.
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
        sender: sender(u.field()?.ok_or_else(|| bad("sender", "NULL"))?)?,
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
    conn: &mut impl Conn<Row = SqliteRow>,
    sql: Sql,
    read: fn(&mut Unpack<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let doing = sql.doing();
    let rows = conn.fetch_all(sql).await?;
    let text: Option<&str> = match rows.first() {
        Some(row) => row
            .try_get(0)
            .map_err(|e| labpath_store_sql::db_error(doing, e))?,
        None => None,
    };
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
    conn: &mut impl Conn<Row = SqliteRow>,
    filter: &AppFilter,
) -> Result<Vec<Application>, StoreError> {
    // Sorted here rather than by `group_concat(... ORDER BY)`, which makes
    // SQLite copy every packed row into a temporary b-tree first.
    let text = format!(
        "SELECT group_concat({}, char(30)) FROM applications a",
        packed("a", &APP_COLUMNS)
    );
    let mut sql = Sql::new(&text, "reading applications");
    push_filter(&mut sql, filter);
    let mut apps = bulk(conn, sql, packed_app).await?;
    apps.sort_by_cached_key(|a| a.id);
    Ok(apps)
}

pub(crate) async fn checklists(
    conn: &mut impl Conn<Row = SqliteRow>,
    filter: &AppFilter,
) -> Result<Vec<ChecklistItem>, StoreError> {
    // `IN (subquery)`, not a join: SQLite builds the set of ids once and
    // reads the checklist in key order, instead of one lookup per row.
    // Sorted here, as applications are.
    let text = format!(
        "SELECT group_concat({}, char(30)) FROM checklist c \
         WHERE c.application_id IN (SELECT a.id FROM applications a",
        packed("c", &ITEM_COLUMNS)
    );
    let mut sql = Sql::new(&text, "reading checklists");
    push_filter(&mut sql, filter);
    sql.push(")");
    let mut items = bulk(conn, sql, packed_item).await?;
    items.sort_by_cached_key(|i| (i.application, i.position));
    Ok(items)
}
