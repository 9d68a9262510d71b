//! The dashboard's lines as the store keeps them: one per person, worked
//! out by the application layer for a day (stage, deadlines, alerts) and
//! kept so that an agency's dashboard reads, filters, counts and pages them
//! in the database rather than working out every candidate on every
//! request.
//!
//! A line is the application layer's answer for its day, written through
//! [`crate::Store::put_board`]. Appending any event about the person drops
//! their line in the same transaction, and a line is only written when no
//! event about the person came after the mark it was worked out from, so
//! a kept line is never older than the person's records. Lines of another
//! day are stale; [`crate::Store::board_stale`] names the people to work
//! out again.

use labpath_engine::units::Date;

use crate::ids::{EventId, OrgId, PersonId, UserId};
use crate::model::Paged;

/// How severe a line's worst deadline is, as the store orders them: red
/// first, then amber, then nothing lapsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LineSeverity {
    /// Red.
    Red = 0,
    /// Amber.
    Amber = 1,
    /// Nothing lapsing.
    None = 2,
}

impl LineSeverity {
    /// As stored.
    pub fn rank(self) -> i16 {
        self as i16
    }

    /// From its stored rank.
    pub fn from_rank(rank: i64) -> Option<Self> {
        match rank {
            0 => Some(LineSeverity::Red),
            1 => Some(LineSeverity::Amber),
            2 => Some(LineSeverity::None),
            _ => None,
        }
    }
}

/// One person's dashboard line for a day.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardLine {
    /// Whose.
    pub person: PersonId,
    /// Their organization (`None`: local mode).
    pub organization: Option<OrgId>,
    /// The day it was worked out for.
    pub day: Date,
    /// Their name, for the name filter.
    pub name: String,
    /// Their stage (one of the dashboard's stages).
    pub stage: String,
    /// The staff member responsible.
    pub owner: Option<UserId>,
    /// The state they work or mean to work in (`CA`), from their profile.
    pub work_state: Option<String>,
    /// Their worst deadline's severity.
    pub severity: LineSeverity,
    /// The day of their worst deadline (the first in the lapsing order).
    pub lapse_due: Option<Date>,
    /// How many of their deadlines are lapsing.
    pub lapsing: u32,
    /// Overdue alerts.
    pub overdue: u32,
    /// The day the oldest overdue alert came due.
    pub oldest_overdue: Option<Date>,
    /// Due-soon alerts.
    pub due_soon: u32,
    /// Their next deadline.
    pub next_deadline: Option<Date>,
    /// Everything the dashboard shows of them, as the application layer
    /// wrote it (the store does not read it).
    pub data: serde_json::Value,
}

/// Which lines a read keeps. Every field narrows; the defaults keep all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardFilter {
    /// Only this stage (the stage counts ignore it: a board shows every
    /// column).
    pub stage: Option<String>,
    /// Only this owner (`Some(None)`: only those with no owner).
    pub owner: Option<Option<UserId>>,
    /// Only this work state.
    pub work_state: Option<String>,
    /// Only lines at least this severe (`Red`: red only; `Amber`: red or
    /// amber).
    pub severity: Option<LineSeverity>,
    /// Only names containing this (ASCII letters in any case).
    pub name_contains: Option<String>,
    /// Only those with something overdue.
    pub overdue_only: bool,
}

/// What one read of the dashboard answers.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRead {
    /// Lines per stage under the filter (stage aside), for the stages with
    /// any, by stage.
    pub stages: Vec<(String, u64)>,
    /// The first lines of each stage under the filter (stage aside), by
    /// stage, each stage's in list order, at most as many per stage as
    /// asked.
    pub columns: Vec<BoardLine>,
    /// The window asked for of the lines the filter keeps, in list order:
    /// most overdue first, then most due soon, then by next deadline.
    pub lines: Paged<BoardLine>,
    /// The lines with the most severe deadlines first (at most as many as
    /// asked), under the filter.
    pub most_severe: Vec<BoardLine>,
    /// The lines with the oldest overdue alerts first (at most as many as
    /// asked), under the filter.
    pub most_overdue: Vec<BoardLine>,
    /// How many deadlines are lapsing across the lines the filter keeps.
    pub lapsing_total: u64,
}

/// How much a board read brings beside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardSizes {
    /// Cards per stage column.
    pub per_column: u64,
    /// Lines for the lapsing and overdue lists.
    pub listed: u64,
}

/// The mark a line is worked out from: the newest event when the
/// person's records were read. A line is written only if no event about
/// the person is newer.
pub type Mark = Option<EventId>;
