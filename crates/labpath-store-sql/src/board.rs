//! The dashboard's lines (`labpath_store::board`), read and written once
//! for both backends: the stale people of a scope, the lines kept in
//! batches, and one board read of counts, columns, a window and the most
//! urgent lines, each a statement over `board_lines` with the scope and
//! the filter in it.

use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store::board::{BoardFilter, BoardLine, BoardRead, BoardSizes, Mark};
use labpath_store::ids::{EventId, OrgId, PersonId, UserId};
use labpath_store::model::{Paged, Scope, Window};

use crate::conn::{Conn, Param, Sql, decode, fetch_rows};
use crate::read::push_contains;
use crate::rows::BoardRow;

/// Lines written per statement: at most 15 parameters each, well under
/// either driver's limit.
const BATCH: usize = 200;

/// The order of the dashboard's list: most overdue first, then most due
/// soon, then by next deadline (none last).
const LIST_ORDER: &str = "overdue DESC, due_soon DESC, next_deadline NULLS LAST, person_id";

/// The people of a scope with no line for `day`, by id.
pub async fn stale<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    day: Date,
) -> Result<Vec<PersonId>, StoreError> {
    let mut sql = Sql::new(
        "SELECT p.id FROM people p LEFT JOIN board_lines b \
         ON b.person_id = p.id AND b.day = $1 WHERE b.person_id IS NULL",
        "finding the dashboard lines to work out",
    )
    .bind(day);
    match scope {
        Scope::Local => {
            sql.push(" AND p.organization_id IS NULL");
        }
        Scope::Org(org) => {
            sql.push(" AND p.organization_id = ").push_bind(org.get());
        }
        Scope::Own(org, Some(own)) => {
            sql.push(" AND p.organization_id = ")
                .push_bind(org.get())
                .push(" AND p.id = ")
                .push_bind(own.get());
        }
        Scope::Own(_, None) => return Ok(Vec::new()),
    }
    sql.push(" ORDER BY p.id");
    let ids: Vec<(i64,)> = fetch_rows(conn, sql).await?;
    Ok(ids
        .into_iter()
        .map(|(id,)| PersonId::from_raw(id))
        .collect())
}

/// Keeps `lines` in the caller's write transaction (the writers' lock
/// held), leaving out the people with an event newer than `mark`; answers
/// how many were kept.
pub async fn put<C: Conn + ?Sized>(
    conn: &mut C,
    lines: &[BoardLine],
    mark: Mark,
) -> Result<u64, StoreError> {
    let newer = Sql::new(
        "SELECT DISTINCT person_id FROM events WHERE id > $1",
        "reading what changed since the dashboard was worked out",
    )
    .bind(mark.map_or(0, EventId::get));
    let changed: Vec<(i64,)> = fetch_rows(conn, newer).await?;
    let changed: std::collections::HashSet<i64> = changed.into_iter().map(|(p,)| p).collect();
    let keep: Vec<&BoardLine> = lines
        .iter()
        .filter(|l| !changed.contains(&l.person.get()))
        .collect();
    for batch in keep.chunks(BATCH) {
        for table in ["board_lines", "board_data"] {
            let mut delete = Sql::new("DELETE FROM ", "replacing dashboard lines");
            delete.push(table).push(" WHERE person_id IN (");
            for (i, line) in batch.iter().enumerate() {
                if i > 0 {
                    delete.push(", ");
                }
                delete.push_bind(line.person.get());
            }
            delete.push(")");
            conn.execute(delete).await?;
        }
        let mut insert = Sql::new(
            "INSERT INTO board_lines (person_id, organization_id, day, name, stage, owner_id, \
             work_state, severity, lapse_due, lapsing, overdue, oldest_overdue, due_soon, \
             next_deadline) VALUES ",
            "keeping dashboard lines",
        );
        for (i, line) in batch.iter().enumerate() {
            if i > 0 {
                insert.push(", ");
            }
            insert
                .push("(")
                .push_bind(line.person.get())
                .push(", ")
                .push_bind(line.organization.map(OrgId::get))
                .push(", ")
                .push_bind(line.day)
                .push(", ")
                .push_bind(&line.name)
                .push(", ")
                .push_bind(line.stage.as_str())
                .push(", ")
                .push_bind(line.owner.map(UserId::get))
                .push(", ")
                .push_bind(&line.work_state)
                .push(", ")
                .push_bind(i64::from(line.severity.rank()))
                .push(", ")
                .push_bind(line.lapse_due)
                .push(", ")
                .push_bind(i64::from(line.lapsing))
                .push(", ")
                .push_bind(i64::from(line.overdue))
                .push(", ")
                .push_bind(line.oldest_overdue)
                .push(", ")
                .push_bind(i64::from(line.due_soon))
                .push(", ")
                .push_bind(line.next_deadline)
                .push(")");
        }
        conn.execute(insert).await?;
        let mut data = Sql::new(
            "INSERT INTO board_data (person_id, data) VALUES ",
            "keeping dashboard lines",
        );
        for (i, line) in batch.iter().enumerate() {
            if i > 0 {
                data.push(", ");
            }
            data.push("(")
                .push_bind(line.person.get())
                .push(", ")
                .push_bind(Param::json(&line.data)?)
                .push(")");
        }
        conn.execute(data).await?;
    }
    Ok(keep.len() as u64)
}

/// ` WHERE` the scope's lines of `day` that pass the filter (its stage
/// too when `with_stage`); `false` when the scope reaches nobody.
fn push_where(
    sql: &mut Sql,
    scope: Scope,
    day: Date,
    filter: &BoardFilter,
    with_stage: bool,
) -> bool {
    sql.push(" WHERE day = ").push_bind(day);
    match scope {
        Scope::Local => {
            sql.push(" AND organization_id IS NULL");
        }
        Scope::Org(org) => {
            sql.push(" AND organization_id = ").push_bind(org.get());
        }
        Scope::Own(org, Some(own)) => {
            sql.push(" AND organization_id = ")
                .push_bind(org.get())
                .push(" AND person_id = ")
                .push_bind(own.get());
        }
        Scope::Own(_, None) => return false,
    }
    if with_stage && let Some(stage) = filter.stage.as_deref() {
        sql.push(" AND stage = ").push_bind(stage);
    }
    match filter.owner {
        None => {}
        Some(None) => {
            sql.push(" AND owner_id IS NULL");
        }
        Some(Some(owner)) => {
            sql.push(" AND owner_id = ").push_bind(owner.get());
        }
    }
    if let Some(state) = filter.work_state.as_deref() {
        sql.push(" AND work_state = ").push_bind(state);
    }
    if let Some(severity) = filter.severity {
        sql.push(" AND severity <= ")
            .push_bind(i64::from(severity.rank()));
    }
    if let Some(text) = filter.name_contains.as_deref().filter(|t| !t.is_empty()) {
        push_contains(sql, "name", text);
    }
    if filter.overdue_only {
        sql.push(" AND overdue > 0");
    }
    true
}

/// Lines of a statement.
async fn lines<C: Conn + ?Sized>(conn: &mut C, sql: Sql) -> Result<Vec<BoardLine>, StoreError> {
    let rows: Vec<BoardRow> = fetch_rows(conn, sql).await?;
    rows.into_iter().map(BoardRow::into_line).collect()
}

/// One board read (see `labpath_store::Store::board`).
pub async fn read<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    day: Date,
    filter: &BoardFilter,
    sizes: BoardSizes,
    window: Window,
) -> Result<BoardRead, StoreError> {
    let empty = BoardRead {
        stages: Vec::new(),
        columns: Vec::new(),
        lines: Paged {
            items: Vec::new(),
            total: 0,
        },
        most_severe: Vec::new(),
        most_overdue: Vec::new(),
        lapsing_total: 0,
    };
    let big = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);

    let mut counts = Sql::new(
        "SELECT stage, COUNT(*) FROM board_lines",
        "counting the dashboard's stages",
    );
    if !push_where(&mut counts, scope, day, filter, false) {
        return Ok(empty);
    }
    counts.push(" GROUP BY stage ORDER BY stage");
    let stages: Vec<(String, i64)> = fetch_rows(conn, counts).await?;

    // Each read picks its lines from the small columns (in the order of
    // an index where it can), then joins only those to their data.
    let mut columns = Vec::new();
    for (stage, _) in &stages {
        let mut cards = Sql::new(
            "SELECT b.*, d.data FROM (SELECT * FROM board_lines",
            "reading the dashboard's columns",
        );
        push_where(&mut cards, scope, day, filter, false);
        cards
            .push(" AND stage = ")
            .push_bind(stage.as_str())
            .push(" ORDER BY ")
            .push(LIST_ORDER)
            .push(" LIMIT ")
            .push_bind(big(sizes.per_column))
            .push(") AS b JOIN board_data d USING (person_id) ORDER BY ")
            .push(LIST_ORDER);
        columns.extend(lines(conn, cards).await?);
    }

    let mut total = Sql::new(
        "SELECT COUNT(*), COALESCE(SUM(lapsing), 0) FROM board_lines",
        "counting the dashboard's lines",
    );
    push_where(&mut total, scope, day, filter, true);
    let row = crate::conn::fetch_one(conn, total).await?;
    let (count, lapsing): (i64, i64) = decode(&row, "counting the dashboard's lines")?;

    let picked = |order: &str, extra: &str, limit: i64, offset: i64, doing| {
        let mut sql = Sql::new("SELECT b.*, d.data FROM (SELECT * FROM board_lines", doing);
        push_where(&mut sql, scope, day, filter, true);
        sql.push(extra)
            .push(" ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(") AS b JOIN board_data d USING (person_id) ORDER BY ")
            .push(order);
        sql
    };
    let page = picked(
        LIST_ORDER,
        "",
        big(window.limit),
        big(window.offset),
        "reading the dashboard's lines",
    );
    let items = lines(conn, page).await?;
    let severe = picked(
        "severity, lapse_due, name, person_id",
        " AND lapsing > 0",
        big(sizes.listed),
        0,
        "reading what is lapsing",
    );
    let most_severe = lines(conn, severe).await?;
    let overdue = picked(
        "oldest_overdue, person_id",
        " AND overdue > 0",
        big(sizes.listed),
        0,
        "reading what is overdue",
    );
    let most_overdue = lines(conn, overdue).await?;

    Ok(BoardRead {
        stages: stages
            .into_iter()
            .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
            .collect(),
        columns,
        lines: Paged {
            items,
            total: u64::try_from(count).unwrap_or(0),
        },
        most_severe,
        most_overdue,
        lapsing_total: u64::try_from(lapsing).unwrap_or(0),
    })
}

/// Drops every line.
pub async fn clear<C: Conn + ?Sized>(conn: &mut C) -> Result<(), StoreError> {
    conn.execute(Sql::new(
        "DELETE FROM board_lines",
        "clearing the dashboard's lines",
    ))
    .await
    .map(drop)
}
