//! The agency dashboard: everyone a principal reaches, by stage, those
//! with something overdue first, with the overdue items and what is
//! lapsing (the deadline model's red and amber deadlines: expired and
//! expiring credentials, application limits, promises, reminders) across
//! all of them, each with the person's name.
//!
//! Each person's line is worked out here once a day, or again after any
//! change to their records, and kept in the store (`labpath_store::board`),
//! which counts, filters, orders and pages the lines: a request works out
//! only the lines that are missing, so a dashboard of twenty thousand
//! people reads in one pass of the database.

use std::collections::{HashMap, HashSet};

use labpath_engine::units::Date;
use labpath_store::agenda::{self, Alert, Records};
use labpath_store::board::{BoardFilter, BoardLine, BoardSizes, LineSeverity};
use labpath_store::ids::{PersonId, UserId};
use labpath_store::model::{Application, Paged, Person, Window};
use labpath_store::stall::Urgency;
use labpath_views::dashboard::{CandidateLine, LineData, OverdueAlert, STAGES, stage_rank};
use labpath_views::deadlines::{Deadline as Lapse, Severity};
use serde_json::Value;

use crate::{App, AppError, Principal};

/// Which candidates the list shows. Every field narrows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those at this stage (one of [`STAGES`]).
    pub stage: Option<&'static str>,
    /// Only those whose name contains this (any case).
    pub name: Option<String>,
    /// Only those with something overdue.
    pub overdue_only: bool,
    /// Only those this staff member is responsible for (`Some(None)`:
    /// only those nobody is).
    pub owner: Option<Option<UserId>>,
    /// Only those who mean to work in this state (`NY`).
    pub work_state: Option<String>,
    /// Only those with a deadline at least this severe.
    pub severity: Option<Severity>,
}

impl Filter {
    fn store(&self) -> BoardFilter {
        BoardFilter {
            stage: self.stage.map(str::to_owned),
            owner: self.owner,
            work_state: self.work_state.clone(),
            severity: self.severity.map(line_severity),
            name_contains: self.name.clone(),
            overdue_only: self.overdue_only,
        }
    }
}

fn line_severity(s: Severity) -> LineSeverity {
    match s {
        Severity::Red => LineSeverity::Red,
        Severity::Amber => LineSeverity::Amber,
    }
}

/// How many overdue items, and how many lapsing deadlines, the dashboard
/// lists at most.
pub const LISTED: usize = 20;

/// How many cards each stage's column of the pipeline board shows at most
/// (its count says how many it holds).
pub const CARDS_PER_STAGE: usize = 8;

/// Above this many lines to work out, the records of the whole scope are
/// read at once rather than person by person.
const READ_ONE_BY_ONE: usize = 32;

/// One stage of the pipeline board.
pub struct Column {
    /// The stage (one of [`STAGES`]).
    pub stage: &'static str,
    /// How many candidates the filter keeps at this stage.
    pub count: u64,
    /// The first of them, in list order (at most [`CARDS_PER_STAGE`]).
    pub cards: Vec<CandidateLine>,
}

/// The dashboard on a day.
pub struct Board {
    /// The day.
    pub as_of: Date,
    /// Every stage in order, empty ones too, under the filter (its stage
    /// aside).
    pub columns: Vec<Column>,
    /// Overdue items across the candidates the filter keeps, most urgent
    /// first (at most [`LISTED`]), with the person's name.
    pub overdue: Vec<OverdueAlert>,
    /// What is lapsing across them, most severe first (at most
    /// [`LISTED`]): each a deadline of the deadline model as JSON.
    pub lapsing: Vec<Value>,
    /// How many are lapsing in all.
    pub lapsing_total: usize,
    /// The window asked for of the candidates the filter keeps, those with
    /// overdue items first.
    pub candidates: Paged<CandidateLine>,
}

/// The dashboard of everyone `who` reaches on `as_of`; staff and admins
/// (and the owner of a local data directory) only. A name to search over
/// `labpath_engine::limits::MAX_TEXT` characters is refused at `q`.
pub async fn dashboard(
    app: &App<'_>,
    who: &Principal,
    filter: &Filter,
    window: Window,
    as_of: Date,
) -> Result<Board, AppError> {
    who.require_staff()?;
    if let Some(text) = &filter.name {
        labpath_engine::limits::text("q", text, labpath_engine::limits::MAX_TEXT)?;
    }
    refresh(app, who, as_of).await?;
    let sizes = BoardSizes {
        per_column: CARDS_PER_STAGE as u64,
        listed: LISTED as u64,
    };
    let read = app
        .store
        .board(who.scope, as_of, &filter.store(), sizes, window)
        .await?;
    let mut cards: HashMap<String, Vec<CandidateLine>> = HashMap::new();
    for line in read.columns {
        let stage = line.stage.clone();
        cards.entry(stage).or_default().push(typed(line, "line")?);
    }
    let counts: HashMap<&str, u64> = read.stages.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    let columns = STAGES
        .iter()
        .map(|stage| Column {
            stage,
            count: counts.get(stage).copied().unwrap_or(0),
            cards: cards.remove(*stage).unwrap_or_default(),
        })
        .collect();
    let mut lapsing = list(read.most_severe, "lapsing");
    // The deadline model's order (`deadlines::lapsing`): severity, day,
    // name, key, over the kept lines' lapses.
    lapsing.sort_by_cached_key(|d| {
        let severity = match d["severity"].as_str() {
            Some("red") => 0,
            Some("amber") => 1,
            _ => 2,
        };
        let text = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
        (severity, text("due"), text("person_name"), text("key"))
    });
    lapsing.truncate(LISTED);
    let mut overdue: Vec<OverdueAlert> = Vec::new();
    for line in read.most_overdue {
        overdue.extend(typed::<Vec<OverdueAlert>>(line, "overdue")?);
    }
    overdue.sort_by_key(|a| (a.due, a.person));
    overdue.truncate(LISTED);
    Ok(Board {
        as_of,
        columns,
        overdue,
        lapsing,
        lapsing_total: usize::try_from(read.lapsing_total).unwrap_or(usize::MAX),
        candidates: Paged {
            items: read
                .lines
                .items
                .into_iter()
                .map(|l| typed(l, "line"))
                .collect::<Result<_, _>>()?,
            total: read.lines.total,
        },
    })
}

/// A part of a kept line's data (`line`, `lapsing`, `overdue`: see
/// [`LineData`]).
fn part(mut data: Value, key: &str) -> Value {
    data.get_mut(key).map(Value::take).unwrap_or(Value::Null)
}

/// A part of a kept line's data, as the type written.
fn typed<T: serde::de::DeserializeOwned>(line: BoardLine, key: &str) -> Result<T, AppError> {
    let person = line.person;
    serde_json::from_value(part(line.data, key)).map_err(|e| {
        AppError::backend(format!(
            "the dashboard line of person {person} cannot be read ({key}): {e}"
        ))
    })
}

/// The items of a list part of each line, in line order.
fn list(lines: Vec<BoardLine>, key: &str) -> Vec<Value> {
    lines
        .into_iter()
        .flat_map(|l| match part(l.data, key) {
            Value::Array(items) => items,
            _ => Vec::new(),
        })
        .collect()
}

/// Works out and keeps the lines of `who`'s people that are missing for
/// `as_of`.
pub async fn refresh(app: &App<'_>, who: &Principal, as_of: Date) -> Result<(), AppError> {
    let stale = app.store.board_stale(who.scope, as_of).await?;
    if stale.is_empty() {
        return Ok(());
    }
    // Read before the records: a line is kept only if nothing about the
    // person was recorded after this.
    let mark = app.store.last_event().await?;
    let mut lines = Vec::with_capacity(stale.len());
    if stale.len() > READ_ONE_BY_ONE {
        let wanted: HashSet<PersonId> = stale.iter().copied().collect();
        let (mut people, mut records) = crate::agenda::records(app, who, None).await?;
        people.retain(|p| wanted.contains(&p.id));
        keep_only(&mut records, &wanted);
        lines.extend(lines_of(app, &people, &records, as_of).await?);
    } else {
        for person in stale {
            let (people, records) = crate::agenda::records(app, who, Some(person)).await?;
            lines.extend(lines_of(app, &people, &records, as_of).await?);
        }
    }
    app.store.put_board(&lines, mark).await?;
    Ok(())
}

/// The records of `wanted` only.
fn keep_only(records: &mut Records, wanted: &HashSet<PersonId>) {
    records.applications.retain(|a| wanted.contains(&a.person));
    let apps: HashSet<_> = records.applications.iter().map(|a| a.id).collect();
    records.items.retain(|i| apps.contains(&i.application));
    records.reminders.retain(|r| wanted.contains(&r.person));
    records.profiles.retain(|p, _| wanted.contains(p));
}

/// The lines of `people`, from their records, on `today`.
async fn lines_of(
    app: &App<'_>,
    people: &[Person],
    records: &Records,
    today: Date,
) -> Result<Vec<BoardLine>, AppError> {
    let alerts = agenda::alerts(app.catalog, records, today);
    let all = crate::deadlines::of_records(app, people, records, today).await?;
    let lapsing = crate::deadlines::lapsing(&all);
    // Everything by person once, so each line reads only its own.
    let mut alerts_of: HashMap<PersonId, Vec<&Alert>> = HashMap::new();
    for a in &alerts {
        alerts_of.entry(a.person).or_default().push(a);
    }
    let mut lapses_of: HashMap<PersonId, Vec<Lapse>> = HashMap::new();
    for d in lapsing {
        lapses_of.entry(d.person).or_default().push(d);
    }
    let mut next_of: HashMap<PersonId, Date> = HashMap::new();
    for d in all.iter().filter(|d| d.due >= today) {
        next_of
            .entry(d.person)
            .and_modify(|day| *day = (*day).min(d.due))
            .or_insert(d.due);
    }
    let mut apps_of: HashMap<PersonId, Vec<&Application>> = HashMap::new();
    for a in &records.applications {
        apps_of.entry(a.person).or_default().push(a);
    }
    let mut out = Vec::with_capacity(people.len());
    for p in people {
        let work_state = work_state(app, p).await?;
        let mine = alerts_of.remove(&p.id).unwrap_or_default();
        let lapses = lapses_of.remove(&p.id).unwrap_or_default();
        let next_deadline = next_of.get(&p.id).copied();
        let apps = apps_of.remove(&p.id).unwrap_or_default();
        let mut line = line(p, &apps, &mine, &lapses, next_deadline);
        line.work_state.clone_from(&work_state);
        let overdue: Vec<OverdueAlert> = mine
            .iter()
            .filter(|a| a.urgency == Urgency::Overdue)
            .map(|a| OverdueAlert::of(a, &p.name))
            .collect();
        let count = |u: Urgency| mine.iter().filter(|a| a.urgency == u).count();
        out.push(BoardLine {
            person: p.id,
            organization: p.organization,
            day: today,
            name: p.name.clone(),
            stage: line.stage.clone(),
            owner: p.owner,
            work_state,
            severity: lapses
                .first()
                .and_then(|d| d.severity)
                .map_or(LineSeverity::None, line_severity),
            lapse_due: lapses.first().map(|d| d.due),
            lapsing: small(lapses.len()),
            overdue: small(count(Urgency::Overdue)),
            oldest_overdue: overdue.iter().map(|a| a.due).min(),
            due_soon: small(count(Urgency::DueSoon)),
            next_deadline,
            data: serde_json::to_value(LineData {
                line,
                lapsing: lapses,
                overdue,
            })
            .map_err(|e| AppError::backend(format!("a dashboard line cannot be written: {e}")))?,
        });
    }
    Ok(out)
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The state the person means to work in, from their latest profile.
async fn work_state(app: &App<'_>, p: &Person) -> Result<Option<String>, AppError> {
    if p.profile_version == 0 {
        return Ok(None);
    }
    let profile = app.store.profile(p.id, None).await?;
    Ok(profile.and_then(|v| {
        v.profile
            .pointer("/person/work_state")
            .and_then(serde_json::Value::as_str)
            .map(str::to_uppercase)
    }))
}

/// One candidate's line: their stage, open applications, alerts, worst
/// lapse and next deadline.
fn line(
    p: &Person,
    apps: &[&Application],
    alerts: &[&Alert<'_>],
    lapses: &[Lapse],
    next_deadline: Option<Date>,
) -> CandidateLine {
    let open: Vec<&&Application> = apps.iter().filter(|a| !a.status.is_decided()).collect();
    let stage = if p.profile_version == 0 {
        "no_profile"
    } else if apps.is_empty() {
        "planning"
    } else if let Some(least) = open.iter().map(|a| a.status).min_by_key(|s| stage_rank(*s)) {
        least.as_str()
    } else {
        "done"
    };
    let count = |u: Urgency| alerts.iter().filter(|a| a.urgency == u).count();
    CandidateLine {
        person: p.clone(),
        stage: stage.to_owned(),
        open_applications: open.len(),
        overdue: count(Urgency::Overdue),
        due_soon: count(Urgency::DueSoon),
        top_alert: alerts.first().map(|a| format!("{}: {}", a.subject, a.what)),
        next_deadline,
        work_state: None,
        severity: lapses.first().and_then(|d| d.severity),
        worst: lapses.first().map(|d| d.title.clone()),
    }
}

/// The columns of the dashboard's CSV export, in order.
pub const CSV_COLUMNS: [&str; 12] = [
    "person_id",
    "name",
    "stage",
    "owner",
    "work_state",
    "open_applications",
    "overdue",
    "due_soon",
    "next_deadline",
    "severity",
    "worst_deadline",
    "most_urgent",
];

/// Every candidate the filter keeps (all of them, in the dashboard's
/// order) as CSV with a header line ([`CSV_COLUMNS`]), for a spreadsheet.
/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`)
/// starts with an apostrophe.
pub async fn csv(
    app: &App<'_>,
    who: &Principal,
    filter: &Filter,
    as_of: Date,
) -> Result<String, AppError> {
    let board = dashboard(app, who, filter, Window::ALL, as_of).await?;
    let owners: HashMap<UserId, String> = crate::people::owners(app, who)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let failed = |e: csv::Error| AppError::backend(format!("the CSV cannot be written: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_COLUMNS).map_err(failed)?;
    for c in &board.candidates.items {
        let owner = c.person.owner.map(|id| {
            owners
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("user {id}"))
        });
        let cells = [
            c.person.id.to_string(),
            c.person.name.clone(),
            c.stage.clone(),
            owner.unwrap_or_default(),
            c.work_state.clone().unwrap_or_default(),
            c.open_applications.to_string(),
            c.overdue.to_string(),
            c.due_soon.to_string(),
            c.next_deadline.map(|d| d.to_string()).unwrap_or_default(),
            c.severity
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            c.worst.clone().unwrap_or_default(),
            c.top_alert.clone().unwrap_or_default(),
        ];
        out.write_record(cells.iter().map(|c| safe_cell(c)))
            .map_err(failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::backend(format!("the CSV cannot be written: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|e| AppError::backend(format!("the CSV cannot be written: {e}")))
}

/// A cell as a spreadsheet may open it safely.
fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{text}"),
        _ => text.to_owned(),
    }
}
