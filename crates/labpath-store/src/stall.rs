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

use std::borrow::Cow;
use std::fmt::Write as _;

use labpath_engine::catalog::{Catalog, EscalationStep};
use labpath_engine::provenance::Provenance;
use labpath_engine::step::{Step, triangular_quantile};
use labpath_engine::units::Date;
use serde::Serialize;

use crate::model::{Application, ChecklistItem};
use crate::status::DocStatus;

/// The 50th and 80th percentile of a step's duration, in days.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What to do next. The catalog's text is borrowed, not copied: an overdue
/// scan makes one for each of tens of thousands of applications.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Action<'a> {
    /// The action, as an instruction.
    pub action: String,
    /// How, where the catalog says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<Cow<'a, str>>,
    /// The day it is due.
    pub due: Date,
    /// Where the advice comes from; `None` for labpath's general advice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<&'a Provenance>,
}

/// How a waiting application stands against its step's duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The name of a step's body in the catalog: its short name, else its name.
pub fn catalog_body_name<'a>(step: &Step, catalog: &'a Catalog) -> Option<&'a str> {
    let body = catalog.body(step.body.as_ref()?.as_str())?;
    Some(body.short_name.as_deref().unwrap_or(&body.name))
}

/// What to call the body of a step in advice: its name, else "the body".
pub fn body_name<'a>(step: &Step, catalog: &'a Catalog) -> &'a str {
    catalog_body_name(step, catalog).unwrap_or("the body")
}

/// The next escalation step for a waiting application, from the playbook
/// of the step's body, or labpath's general advice where the catalog has
/// none (due when the wait becomes overdue).
pub fn next_action<'a>(app: &Application, step: &Step, catalog: &'a Catalog) -> Option<Action<'a>> {
    let since = app.waiting_since?;
    let body = step.body.as_ref().and_then(|b| catalog.body(b.as_str()));
    let body_name = body_name(step, catalog);
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
                how: Some(Cow::Borrowed(&next.how)),
                due: from.add_days(i64::from(next.after_days)),
                provenance: Some(&next.provenance),
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
            how: Some(Cow::Owned(format!(
                "labpath's general advice: the catalog has no escalation playbook for {body_name}. Ask in writing, keep a copy, and log it with `labpath contact add`."
            ))),
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
pub fn document_action(item: &ChecklistItem, body_name: &str, due: Date) -> Action<'static> {
    let mut action = String::new();
    // Writing to a `String` cannot fail.
    let _ = write_document_action(&mut action, item, body_name);
    Action {
        action,
        how: None,
        due,
        provenance: None,
    }
}

/// Appends the instruction of `document_action` to `out` (an alert about
/// several documents joins theirs into one text).
pub(crate) fn write_document_action(
    out: &mut String,
    item: &ChecklistItem,
    body_name: &str,
) -> std::fmt::Result {
    let key = &item.key;
    match item.status {
        DocStatus::Requested => {
            let from = item
                .requested_from
                .as_deref()
                .unwrap_or(item.sender.label());
            write!(out, "Ask {from} whether they sent `{key}`")?;
            if let Some(d) = item.status_on {
                write!(out, " (requested {d})")?;
            }
        }
        DocStatus::Sent => {
            write!(out, "Ask {body_name} to confirm it received `{key}`")?;
            match item.method.as_deref() {
                Some(m) => write!(out, " (sent by {m}")?,
                None => out.push_str(" (sent"),
            }
            match (&item.tracking, item.status_on) {
                (Some(t), Some(d)) => write!(out, " on {d}, tracking {t})")?,
                (None, Some(d)) => write!(out, " on {d})")?,
                (Some(t), None) => write!(out, ", tracking {t})")?,
                (None, None) => out.push(')'),
            }
        }
        DocStatus::Received => write!(out, "Ask {body_name} whether `{key}` was accepted")?,
        DocStatus::Rejected => write!(
            out,
            "Send `{key}` again: {body_name} rejected it ({})",
            item.reason.as_deref().unwrap_or("no reason recorded")
        )?,
        _ => write!(
            out,
            "Get `{key}` ({}) from {} to {body_name}",
            item.name,
            item.sender.label()
        )?,
    }
    Ok(())
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
