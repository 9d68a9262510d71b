//! Stall warnings: how long an application (or one of its documents) has
//! been waiting, against the catalog step's duration, and what to do next.
//!
//! The clock of an application starts when it is submitted (or reopened):
//! the catalog's durations run from submission to decision, so moving to
//! "under review" does not restart it. A document's clock starts when it
//! entered its current state. Past the 50th percentile of the step's
//! triangular duration a wait is "due soon"; past the 80th it is "overdue".
//!
//! The next step comes from the body's escalation playbook in the catalog.
//! The first step falls due `after_days` after submission; each later one
//! `after_days` after the contact that took the step before it. Every
//! contact logged since the clock started counts as one step taken. A date
//! the body promised holds escalation back until it has passed.

use labpath_engine::catalog::{Catalog, EscalationStep};
use labpath_engine::provenance::Provenance;
use labpath_engine::step::{Step, triangular_quantile};
use labpath_engine::units::Date;
use serde::Serialize;

use crate::model::{Application, ChecklistItem};
use crate::status::DocStatus;

/// The 50th and 80th percentile of a step's duration, in days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentiles {
    /// Half of applications are done by then.
    pub p50: f64,
    /// Four in five are done by then; past it a wait is overdue.
    pub p80: f64,
}

impl Percentiles {
    /// The percentiles of a step's triangular duration.
    pub fn of(step: &Step) -> Self {
        let d = &step.duration;
        Percentiles {
            p50: triangular_quantile(d.min_days, d.likely_days, d.max_days, 0.5),
            p80: triangular_quantile(d.min_days, d.likely_days, d.max_days, 0.8),
        }
    }

    /// Day offsets, rounded up: a wait of exactly the percentile is not past it.
    fn days(p: f64) -> i64 {
        p.ceil() as i64
    }
}

/// How urgent something is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past the 80th percentile, or a deadline passed.
    Overdue,
    /// Past the median, an escalation step due, or a deadline within two weeks.
    DueSoon,
    /// Something only the applicant can move (a document still needed).
    ToDo,
}

impl Urgency {
    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due soon",
            Urgency::ToDo => "to do",
        }
    }
}

/// What to do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    /// The action, as an instruction.
    pub action: String,
    /// How, where the catalog says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    /// The day it is due.
    pub due: Date,
    /// Where the advice comes from; `None` for labpath's general advice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// How a waiting application stands against its step's duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wait {
    /// Days waited.
    pub days: i64,
    /// Since when.
    pub since: Date,
    /// The step's percentiles.
    pub percentiles: Percentiles,
    /// How urgent; `None` while on track.
    pub urgency: Option<Urgency>,
    /// The day it becomes (or became) overdue.
    pub overdue_on: Date,
}

/// Measures a wait that started on `since` against a step's duration.
pub fn measure(since: Date, step: &Step, today: Date) -> Wait {
    let percentiles = Percentiles::of(step);
    let days = since.days_until(today);
    let urgency = if days > Percentiles::days(percentiles.p80) {
        Some(Urgency::Overdue)
    } else if days > Percentiles::days(percentiles.p50) {
        Some(Urgency::DueSoon)
    } else {
        None
    };
    Wait {
        days,
        since,
        percentiles,
        urgency,
        overdue_on: since.add_days(Percentiles::days(percentiles.p80) + 1),
    }
}

/// The next escalation step for a waiting application, from the playbook
/// of the step's body, or labpath's general advice where the catalog has
/// none (due when the wait becomes overdue).
pub fn next_action(app: &Application, step: &Step, catalog: &Catalog) -> Option<Action> {
    let since = app.waiting_since?;
    let body = step.body.as_ref().and_then(|b| catalog.body(b.as_str()));
    let body_name = body
        .map(|b| b.short_name.clone().unwrap_or_else(|| b.name.clone()))
        .unwrap_or_else(|| "the body".to_owned());
    let playbook: &[EscalationStep] = body.map(|b| b.escalation.as_slice()).unwrap_or(&[]);
    let taken = app.contacts_since_waiting as usize;
    let reference = app
        .reference
        .as_deref()
        .map(|r| format!(" (reference {r})"))
        .unwrap_or_default();
    let mut action = match playbook.get(taken) {
        Some(next) => {
            let from = if taken == 0 {
                since
            } else {
                app.last_contact_on.unwrap_or(since)
            };
            Action {
                action: next.action.clone(),
                how: Some(next.how.clone()),
                due: from.add_days(i64::from(next.after_days)),
                provenance: Some(next.provenance.clone()),
            }
        }
        None if !playbook.is_empty() => Action {
            action: format!(
                "Every step of {body_name}'s playbook is logged: write to {body_name} again{reference}, and log each contact"
            ),
            how: None,
            due: app.last_contact_on.unwrap_or(since).add_days(30),
            provenance: None,
        },
        None => Action {
            action: format!("Ask {body_name} for the status of your application{reference}"),
            how: Some(format!(
                "labpath's general advice: the catalog has no escalation playbook for {body_name}. Ask in writing, keep a copy, and log it with `labpath contact add`."
            )),
            due: measure(since, step, since).overdue_on,
            provenance: None,
        },
    };
    if let Some(promised) = app.promised {
        if promised.succ() > action.due {
            action.due = promised.succ();
            action.action = format!(
                "{} (after {promised}, the day {body_name} promised an answer by)",
                action.action
            );
        }
    }
    Some(action)
}

/// What to do about one waiting document.
pub fn document_action(item: &ChecklistItem, body_name: &str, due: Date) -> Action {
    let action = match item.status {
        DocStatus::Requested => format!(
            "Ask {} whether they sent `{}`{}",
            item.requested_from
                .clone()
                .unwrap_or_else(|| item.sender.label().to_owned()),
            item.key,
            item.status_on
                .map(|d| format!(" (requested {d})"))
                .unwrap_or_default()
        ),
        DocStatus::Sent => format!(
            "Ask {body_name} to confirm it received `{}`{}{}",
            item.key,
            item.method
                .as_deref()
                .map(|m| format!(" (sent by {m}"))
                .unwrap_or_else(|| " (sent".to_owned()),
            match (&item.tracking, item.status_on) {
                (Some(t), Some(d)) => format!(" on {d}, tracking {t})"),
                (None, Some(d)) => format!(" on {d})"),
                (Some(t), None) => format!(", tracking {t})"),
                (None, None) => ")".to_owned(),
            }
        ),
        DocStatus::Received => format!("Ask {body_name} whether `{}` was accepted", item.key),
        DocStatus::Rejected => format!(
            "Send `{}` again: {body_name} rejected it ({})",
            item.key,
            item.reason.as_deref().unwrap_or("no reason recorded")
        ),
        _ => format!(
            "Get `{}` ({}) from {} to {body_name}",
            item.key,
            item.name,
            item.sender.label()
        ),
    };
    Action {
        action,
        how: None,
        due,
        provenance: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triangle_of_42_60_120_days_is_overdue_after_89_days() {
        let p50 = triangular_quantile(42.0, 60.0, 120.0, 0.5);
        let p80 = triangular_quantile(42.0, 60.0, 120.0, 0.8);
        assert!((p50 - 71.6).abs() < 0.5, "{p50}");
        assert!((p80 - 89.4).abs() < 0.5, "{p80}");
        assert_eq!(Percentiles::days(p80), 90);
    }
}
