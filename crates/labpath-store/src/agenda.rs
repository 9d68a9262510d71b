//! What `labpath status` and `labpath calendar` show: for a set of
//! applications, their items and reminders, the alerts (overdue, due soon,
//! to do, most urgent first, each with what to do) and the deadlines (the
//! catalog's, the routes that close, the user's reminders).
//!
//! Pure: the caller reads the records from a store (see `load`) and passes
//! the catalog and today's date.

use std::collections::HashMap;

use labpath_engine::catalog::Catalog;
use labpath_engine::eval::{Outcome, evaluate_only};
use labpath_engine::profile::Profile;
use labpath_engine::provenance::Provenance;
use labpath_engine::step::{DeadlineAnchor, Step};
use labpath_engine::units::Date;
use serde::Serialize;

use crate::error::StoreError;
use crate::ids::{ApplicationId, EventId, PersonId};
use crate::model::{AppFilter, Application, ChecklistItem, Reminder};
use crate::stall::{Action, Urgency, Wait, document_action, measure, next_action};
use crate::status::AppStatus;
use crate::store::Store;

/// A deadline this close (in days) is "due soon".
pub const DUE_SOON_DAYS: i64 = 14;

/// The records an agenda is built from.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Applications.
    pub applications: Vec<Application>,
    /// Their checklist items.
    pub items: Vec<ChecklistItem>,
    /// Reminders.
    pub reminders: Vec<Reminder>,
    /// The latest profile of each person who has one.
    pub profiles: HashMap<PersonId, Profile>,
}

/// Reads what an agenda needs: one person's records, or everyone's. A stored
/// profile the engine can no longer read is skipped (route closing dates are
/// then not computed for that person) rather than failing the whole agenda.
pub async fn load(store: &dyn Store, person: Option<PersonId>) -> Result<Records, StoreError> {
    let filter = AppFilter {
        person,
        open_only: false,
    };
    let applications = store.applications(&filter).await?;
    // Only open applications' documents can be late or still to do.
    let items = store
        .checklists(&AppFilter {
            person,
            open_only: true,
        })
        .await?;
    let reminders = store.reminders(person).await?;
    let mut profiles = HashMap::new();
    let mut with_drafts: Vec<PersonId> = applications
        .iter()
        .filter(|a| a.status == AppStatus::Draft)
        .map(|a| a.person)
        .collect();
    with_drafts.sort();
    with_drafts.dedup();
    for p in with_drafts {
        if let Some(version) = store.profile(p, None).await? {
            if let Ok(profile) = serde_json::from_value::<Profile>(version.profile) {
                profiles.insert(p, profile);
            }
        }
    }
    Ok(Records {
        applications,
        items,
        reminders,
        profiles,
    })
}

/// Where a deadline comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineSource {
    /// A rule of the catalog step.
    Catalog {
        /// Its provenance.
        provenance: Provenance,
    },
    /// The last route the person meets closes.
    RouteCloses {
        /// The credential.
        credential: String,
    },
    /// A reminder the user set.
    Reminder {
        /// Its id.
        id: EventId,
    },
}

/// A dated thing to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadline {
    /// The day.
    pub due: Date,
    /// What.
    pub what: String,
    /// Whose.
    pub person: PersonId,
    /// The application, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationId>,
    /// Whether it still needs doing once past (an abandonment limit, a
    /// reminder) or simply lapses (an exam window, a route closing).
    pub stays_overdue: bool,
    /// Where it comes from.
    pub source: DeadlineSource,
}

impl Deadline {
    /// A stable id for calendars (`app7-deadline0`, `reminder12`).
    pub fn uid(&self) -> String {
        let app = self
            .application
            .map(|a| format!("app{a}-"))
            .unwrap_or_default();
        match &self.source {
            DeadlineSource::Reminder { id } => format!("reminder{id}"),
            DeadlineSource::Catalog { .. } => format!("{app}deadline-{}", self.due),
            DeadlineSource::RouteCloses { credential } => {
                format!("{app}route-closes-{credential}")
            }
        }
    }
}

/// Every deadline of the records, by day.
pub fn deadlines(catalog: &Catalog, records: &Records, today: Date) -> Vec<Deadline> {
    let mut out = Vec::new();
    for app in &records.applications {
        let Some(step) = catalog.step(&app.step) else {
            continue;
        };
        out.extend(step_deadlines(app, step));
        if app.status == AppStatus::Draft {
            if let Some(profile) = records.profiles.get(&app.person) {
                out.extend(route_closes(catalog, app, step, profile, today));
            }
        }
    }
    for r in records.reminders.iter().filter(|r| r.done_on.is_none()) {
        out.push(Deadline {
            due: r.due,
            what: r.what.clone(),
            person: r.person,
            application: r.application,
            stays_overdue: true,
            source: DeadlineSource::Reminder { id: r.id },
        });
    }
    out.sort_by_key(|d| (d.due, d.person, d.application));
    out
}

fn step_deadlines<'s>(app: &'s Application, step: &'s Step) -> impl Iterator<Item = Deadline> + 's {
    step.deadlines.iter().filter_map(move |d| {
        let anchor = match d.from {
            DeadlineAnchor::Submitted if !app.status.is_decided() => app.submitted_on?,
            DeadlineAnchor::Approved if app.status == AppStatus::Approved => app.approved_on?,
            _ => return None,
        };
        Some(Deadline {
            due: anchor.add_days(i64::from(d.after_days)),
            what: format!(
                "{} ({} days after {} on {anchor})",
                d.what,
                d.after_days,
                d.from.label()
            ),
            person: app.person,
            application: Some(app.id),
            stays_overdue: d.from == DeadlineAnchor::Submitted,
            source: DeadlineSource::Catalog {
                provenance: d.provenance.clone(),
            },
        })
    })
}

/// For a draft: the day the last route the person meets stops passing.
fn route_closes(
    catalog: &Catalog,
    app: &Application,
    step: &Step,
    profile: &Profile,
    today: Date,
) -> Option<Deadline> {
    let credential = catalog.credential(step.eligibility_for.as_ref()?.as_str())?;
    let eval = evaluate_only(catalog, profile, today, [credential]);
    let outcome = eval.credentials.first()?;
    let passing: Vec<_> = outcome
        .routes
        .iter()
        .filter(|r| r.outcome == Outcome::Pass)
        .collect();
    // No passing route, or one that never closes: no deadline.
    let closes = passing
        .iter()
        .map(|r| r.open_until)
        .collect::<Option<Vec<Date>>>()?
        .into_iter()
        .max()?;
    let route = passing.iter().find(|r| r.open_until == Some(closes))?;
    Some(Deadline {
        due: closes,
        what: format!(
            "Submit by this day: {} ({}) is the last route to {} you meet, and it stays open until then",
            route.route.name, route.route.summary, credential.abbreviation
        ),
        person: app.person,
        application: Some(app.id),
        stays_overdue: false,
        source: DeadlineSource::RouteCloses {
            credential: credential.id.to_string(),
        },
    })
}

/// One line of `labpath status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// How urgent.
    pub urgency: Urgency,
    /// Whose.
    pub person: PersonId,
    /// The application, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationId>,
    /// The checklist document, if the alert is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// What it is about ("NYSED OP: clinical laboratory technologist license").
    pub subject: String,
    /// What is the matter, with the numbers.
    pub what: String,
    /// The day it became (or becomes) due; the sort key within an urgency.
    pub due: Date,
    /// The wait measured, for waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Action>,
}

/// Every alert of the records, most urgent first.
pub fn alerts(catalog: &Catalog, records: &Records, today: Date) -> Vec<Alert> {
    let mut items_of: HashMap<ApplicationId, Vec<&ChecklistItem>> = HashMap::new();
    for item in &records.items {
        items_of.entry(item.application).or_default().push(item);
    }
    let mut out = Vec::new();
    for app in records
        .applications
        .iter()
        .filter(|a| !a.status.is_decided())
    {
        let Some(step) = catalog.step(&app.step) else {
            continue;
        };
        let items = items_of.get(&app.id).map(Vec::as_slice).unwrap_or(&[]);
        application_alerts(catalog, app, step, items, today, &mut out);
    }
    for d in deadlines(catalog, records, today) {
        let left = today.days_until(d.due);
        let urgency = if left < 0 && d.stays_overdue {
            Urgency::Overdue
        } else if (0..=DUE_SOON_DAYS).contains(&left) {
            Urgency::DueSoon
        } else {
            continue;
        };
        let when = match left {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n if n < 0 => format!("{} days ago, on {}", -n, d.due),
            n => format!("in {n} days, on {}", d.due),
        };
        out.push(Alert {
            urgency,
            person: d.person,
            application: d.application,
            document: None,
            subject: match (&d.source, d.application) {
                (DeadlineSource::Reminder { id }, _) => format!("reminder {id}"),
                (_, Some(app)) => format!("application {app}: deadline"),
                (_, None) => "deadline".to_owned(),
            },
            what: format!("{}: due {when}", d.what),
            due: d.due,
            wait: None,
            next: None,
        });
    }
    out.sort_by(|a, b| {
        (a.urgency, a.due, a.person, a.application, &a.document).cmp(&(
            b.urgency,
            b.due,
            b.person,
            b.application,
            &b.document,
        ))
    });
    out
}

fn subject(app: &Application, step: &Step, catalog: &Catalog) -> String {
    let body = step
        .body
        .as_ref()
        .and_then(|b| catalog.body(b.as_str()))
        .map(|b| b.short_name.clone().unwrap_or_else(|| b.name.clone()));
    match body {
        Some(b) => format!("application {} ({b}: {})", app.id, app.step),
        None => format!("application {} ({})", app.id, app.step),
    }
}

fn application_alerts(
    catalog: &Catalog,
    app: &Application,
    step: &Step,
    items: &[&ChecklistItem],
    today: Date,
    out: &mut Vec<Alert>,
) {
    let subject = subject(app, step, catalog);
    let body_name = step
        .body
        .as_ref()
        .and_then(|b| catalog.body(b.as_str()))
        .map(|b| b.short_name.clone().unwrap_or_else(|| b.name.clone()))
        .unwrap_or_else(|| "the body".to_owned());
    if let Some(since) = app.waiting_since {
        let wait = measure(since, step, today);
        let next = next_action(app, step, catalog);
        let escalation_due = next.as_ref().is_some_and(|n| n.due <= today);
        let urgency = wait.urgency.or(escalation_due.then_some(Urgency::DueSoon));
        if let Some(urgency) = urgency {
            out.push(Alert {
                urgency,
                person: app.person,
                application: Some(app.id),
                document: None,
                subject: subject.clone(),
                what: format!(
                    "{} {} days since {since}; half of these are decided within {:.0} days, four in five within {:.0} ({})",
                    app.status,
                    wait.days,
                    wait.percentiles.p50,
                    wait.percentiles.p80,
                    step.duration.basis.label()
                ),
                due: if urgency == Urgency::Overdue {
                    wait.overdue_on
                } else {
                    next.as_ref().map_or(wait.overdue_on, |n| n.due.min(wait.overdue_on))
                },
                wait: Some(wait),
                next,
            });
        }
    }
    if app.status == AppStatus::Draft {
        let open = items.iter().filter(|i| i.status.is_to_do()).count();
        out.push(Alert {
            urgency: Urgency::ToDo,
            person: app.person,
            application: Some(app.id),
            document: None,
            subject: subject.clone(),
            what: format!(
                "draft since {}: {open} of {} documents not yet requested or sent",
                app.status_on,
                items.len()
            ),
            due: app.status_on,
            wait: None,
            next: None,
        });
        return;
    }
    for item in items {
        if let Some(alert) = item_alert(item, app, step, &subject, &body_name, today) {
            out.push(alert);
        }
    }
    let to_do: Vec<&&ChecklistItem> = items.iter().filter(|i| i.status.is_to_do()).collect();
    if !to_do.is_empty() {
        let list = to_do
            .iter()
            .map(|i| match &i.reason {
                Some(r) => format!("`{}` again (rejected: {r})", i.key),
                None => format!("`{}` from {}", i.key, i.sender.label()),
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Alert {
            urgency: Urgency::ToDo,
            person: app.person,
            application: Some(app.id),
            document: None,
            subject,
            what: format!(
                "{} documents still to get to {body_name}: {list}",
                to_do.len()
            ),
            due: to_do
                .iter()
                .filter_map(|i| i.status_on)
                .min()
                .unwrap_or(app.status_on),
            wait: None,
            next: None,
        });
    }
}

fn item_alert(
    item: &ChecklistItem,
    app: &Application,
    step: &Step,
    subject: &str,
    body_name: &str,
    today: Date,
) -> Option<Alert> {
    let since = item
        .status_on
        .or(app.waiting_since)
        .unwrap_or(app.status_on);
    if !item.status.is_waiting() {
        return None;
    }
    let wait = measure(since, step, today);
    let urgency = wait.urgency?;
    Some(Alert {
        urgency,
        person: app.person,
        application: Some(app.id),
        document: Some(item.key.clone()),
        subject: subject.to_owned(),
        what: format!(
            "`{}` {} {} days since {since} ({})",
            item.key, item.status, wait.days, item.name
        ),
        due: wait.overdue_on,
        next: Some(document_action(
            item,
            body_name,
            if urgency == Urgency::Overdue {
                wait.overdue_on
            } else {
                today
            },
        )),
        wait: Some(wait),
    })
}
