//! What `labpath status` and `labpath calendar` show: for a set of
//! applications, their items and reminders, the alerts (overdue, due soon,
//! to do, most urgent first, each with what to do) and the deadlines (the
//! catalog's, the routes that close, the user's reminders).
//!
//! Pure: the caller reads the records from a store (see `load`) and passes
//! the catalog and today's date.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::task::Poll;

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
use crate::stall::{
    Action, Urgency, Wait, catalog_body_name, measure, next_action, write_document_action,
};
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
    load_where(
        store,
        AppFilter {
            person,
            ..AppFilter::default()
        },
    )
    .await
}

/// Reads what an agenda needs for the applications a filter selects (one
/// person's, an organization's, everyone's); `open_only` is ignored, since
/// decided applications still carry deadlines. Reminders are the person's,
/// or everyone's when the filter names no person.
pub async fn load_where(store: &dyn Store, filter: AppFilter) -> Result<Records, StoreError> {
    let filter = AppFilter {
        open_only: false,
        ..filter
    };
    // Only open applications' documents can be late or still to do. The two
    // reads run at once: a backend may serve them on two connections.
    let open = AppFilter {
        open_only: true,
        ..filter
    };
    let (applications, items) = both(store.applications(&filter), store.checklists(&open)).await;
    let (applications, items) = (applications?, items?);
    let reminders = store.reminders(filter.person).await?;
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

/// Awaits two futures at once (the store crate depends on no runtime).
async fn both<A, B>(a: impl Future<Output = A>, b: impl Future<Output = B>) -> (A, B) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                ra = x;
                rb = y;
                Poll::Pending
            }
        }
    })
    .await
}

/// Where a deadline comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
            DeadlineSource::Catalog { .. } => {
                format!("{app}deadline-{}-{}", self.due, slug(&self.what))
            }
            DeadlineSource::RouteCloses { credential } => {
                format!("{app}route-closes-{credential}")
            }
        }
    }
}

/// The first words of a text before any `:` or `(`, lowercase and joined
/// by dashes (`complete-the-application`): tells two catalog deadlines of
/// one application on one day apart, and reads in a calendar's id.
fn slug(text: &str) -> String {
    let head = text.split([':', '(']).next().unwrap_or("");
    let words: Vec<String> = head
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

/// Every deadline of the records, by day.
pub fn deadlines(catalog: &Catalog, records: &Records, today: Date) -> Vec<Deadline> {
    deadlines_where(catalog, records, today, |_, _| true)
}

/// The deadlines `keep(due, stays_overdue)` accepts, by day; the test runs
/// before any text is written, so a scan over many applications stays cheap.
fn deadlines_where(
    catalog: &Catalog,
    records: &Records,
    today: Date,
    keep: impl Fn(Date, bool) -> bool + Copy,
) -> Vec<Deadline> {
    let mut out = Vec::new();
    for app in &records.applications {
        if app.status.is_decided() && app.status != AppStatus::Approved {
            continue;
        }
        let Some(step) = catalog.step(&app.step) else {
            continue;
        };
        out.extend(step_deadlines(app, step, keep));
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

fn step_deadlines<'s>(
    app: &'s Application,
    step: &'s Step,
    keep: impl Fn(Date, bool) -> bool + 's,
) -> impl Iterator<Item = Deadline> + 's {
    step.deadlines.iter().filter_map(move |d| {
        let anchor = match d.from {
            DeadlineAnchor::Submitted if !app.status.is_decided() => app.submitted_on?,
            DeadlineAnchor::Approved if app.status == AppStatus::Approved => app.approved_on?,
            _ => return None,
        };
        let due = anchor.add_days(i64::from(d.after_days));
        if !keep(due, d.from == DeadlineAnchor::Submitted) {
            return None;
        }
        Some(Deadline {
            due,
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

/// One line of `labpath status`. The catalog's text in `next` is borrowed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert<'a> {
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
    pub next: Option<Action<'a>>,
    /// The deadline the alert is made from (its `Deadline::uid`), when it
    /// is one: a front end that lists deadlines on their own leaves it out.
    #[serde(skip)]
    pub deadline: Option<String>,
}

/// Every alert of the records, most urgent first.
pub fn alerts<'a>(catalog: &'a Catalog, records: &Records, today: Date) -> Vec<Alert<'a>> {
    // The items of each application, in their order: sorted by application
    // (stable, so positions keep their order; the store reads them in this
    // order already, which the sort only checks).
    let mut items: Vec<&ChecklistItem> = records.items.iter().collect();
    items.sort_by_key(|i| i.application);
    // Searched instead of `items`: the ids lie side by side in memory.
    let ids: Vec<ApplicationId> = items.iter().map(|i| i.application).collect();
    let mut out = Vec::new();
    for app in records
        .applications
        .iter()
        .filter(|a| !a.status.is_decided())
    {
        let Some(step) = catalog.step(&app.step) else {
            continue;
        };
        let start = ids.partition_point(|&id| id < app.id);
        let len = ids[start..].partition_point(|&id| id == app.id);
        let items = &items[start..start + len];
        application_alerts(catalog, app, step, items, today, &mut out);
    }
    let shown = move |due: Date, stays_overdue: bool| {
        let left = today.days_until(due);
        left <= DUE_SOON_DAYS && (left >= 0 || stays_overdue)
    };
    for d in deadlines_where(catalog, records, today, shown) {
        out.extend(deadline_alert(d, today));
    }
    most_urgent_first(out)
}

/// The alert of a deadline that is overdue or due soon.
fn deadline_alert(d: Deadline, today: Date) -> Option<Alert<'static>> {
    let left = today.days_until(d.due);
    let urgency = if left < 0 && d.stays_overdue {
        Urgency::Overdue
    } else if (0..=DUE_SOON_DAYS).contains(&left) {
        Urgency::DueSoon
    } else {
        return None;
    };
    let when = match left {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n if n < 0 => format!("{} days ago, on {}", -n, d.due),
        n => format!("in {n} days, on {}", d.due),
    };
    Some(Alert {
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
        deadline: Some(d.uid()),
    })
}

/// Sorts by urgency, day, person, application and document, keeping the
/// order alerts were made in among equals. The keys are sorted rather than
/// the alerts themselves: an alert is large, and a scan makes many.
fn most_urgent_first(alerts: Vec<Alert<'_>>) -> Vec<Alert<'_>> {
    let mut keys: Vec<_> = alerts
        .iter()
        .enumerate()
        .map(|(n, a)| {
            (
                a.urgency,
                a.due,
                a.person,
                a.application,
                a.document.as_deref(),
                n,
            )
        })
        .collect();
    // The position breaks every tie, so an unstable sort gives the stable order.
    keys.sort_unstable();
    let order: Vec<usize> = keys.into_iter().map(|k| k.5).collect();
    let mut slots: Vec<Option<Alert<'_>>> = alerts.into_iter().map(Some).collect();
    order.into_iter().filter_map(|n| slots[n].take()).collect()
}

fn application_alerts<'a>(
    catalog: &'a Catalog,
    app: &Application,
    step: &Step,
    items: &[&ChecklistItem],
    today: Date,
    out: &mut Vec<Alert<'a>>,
) {
    let known = catalog_body_name(step, catalog);
    let body_name = known.unwrap_or("the body");
    let subject = match known {
        Some(b) => format!("application {} ({b}: {})", app.id, app.step),
        None => format!("application {} ({})", app.id, app.step),
    };
    if let Some(since) = app.waiting_since {
        out.extend(wait_alert(catalog, app, step, since, &subject, today));
    }
    if app.status == AppStatus::Draft {
        let open = items.iter().filter(|i| i.status.is_to_do()).count();
        out.push(Alert {
            urgency: Urgency::ToDo,
            person: app.person,
            application: Some(app.id),
            document: None,
            subject,
            what: format!(
                "draft since {}: {open} of {} documents not yet requested or sent",
                app.status_on,
                items.len()
            ),
            due: app.status_on,
            wait: None,
            next: None,
            deadline: None,
        });
        return;
    }
    document_alerts(items, app, step, &subject, body_name, today, out);
    out.extend(to_do_alert(items, app, subject, body_name));
}

/// The alert of a waiting application that is overdue, past its median or
/// whose next escalation step has come.
fn wait_alert<'a>(
    catalog: &'a Catalog,
    app: &Application,
    step: &Step,
    since: Date,
    subject: &str,
    today: Date,
) -> Option<Alert<'a>> {
    let wait = measure(since, step, today);
    let next = next_action(app, step, catalog);
    let escalation_due = next.as_ref().is_some_and(|n| n.due <= today);
    let urgency = wait
        .urgency
        .or(escalation_due.then_some(Urgency::DueSoon))?;
    Some(Alert {
        urgency,
        person: app.person,
        application: Some(app.id),
        document: None,
        subject: subject.to_owned(),
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
            next.as_ref()
                .map_or(wait.overdue_on, |n| n.due.min(wait.overdue_on))
        },
        wait: Some(wait),
        next,
        deadline: None,
    })
}

/// The documents of an open application still needed or rejected, as one
/// alert.
fn to_do_alert(
    items: &[&ChecklistItem],
    app: &Application,
    subject: String,
    body_name: &str,
) -> Option<Alert<'static>> {
    let mut to_do = items.iter().filter(|i| i.status.is_to_do()).peekable();
    to_do.peek()?;
    let (mut count, mut list, mut due) = (0, String::new(), None::<Date>);
    for i in to_do {
        if count > 0 {
            list.push_str(", ");
        }
        count += 1;
        // Writing to a `String` cannot fail.
        let _ = match &i.reason {
            Some(r) => write!(list, "`{}` again (rejected: {r})", i.key),
            None => write!(list, "`{}` from {}", i.key, i.sender.label()),
        };
        due = match (due, i.status_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Some(Alert {
        urgency: Urgency::ToDo,
        person: app.person,
        application: Some(app.id),
        document: None,
        subject,
        what: format!("{count} documents still to get to {body_name}: {list}"),
        due: due.unwrap_or(app.status_on),
        wait: None,
        next: None,
        deadline: None,
    })
}

/// The documents of an application that have waited longer than most, one
/// alert per urgency (each document named with its wait and what to ask).
fn document_alerts(
    items: &[&ChecklistItem],
    app: &Application,
    step: &Step,
    subject: &str,
    body_name: &str,
    today: Date,
    out: &mut Vec<Alert<'_>>,
) {
    let mut late: Vec<(Urgency, &ChecklistItem, Wait)> = items
        .iter()
        .filter(|i| i.status.is_waiting())
        .filter_map(|i| {
            let since = i.status_on.or(app.waiting_since).unwrap_or(app.status_on);
            let wait = measure(since, step, today);
            Some((wait.urgency?, *i, wait))
        })
        .collect();
    late.sort_by_key(|(u, _, w)| (*u, w.since));
    for urgency in [Urgency::Overdue, Urgency::DueSoon] {
        let group: Vec<&(Urgency, &ChecklistItem, Wait)> =
            late.iter().filter(|(u, _, _)| *u == urgency).collect();
        let Some((_, first, longest)) = group.first() else {
            continue;
        };
        let due = if urgency == Urgency::Overdue {
            longest.overdue_on
        } else {
            today
        };
        // Sized for the usual lengths, so the texts seldom grow.
        let mut what = String::with_capacity(40 + 48 * group.len());
        what.push_str("documents waiting longer than most: ");
        let mut action = String::with_capacity(112 * group.len());
        for (n, (_, i, w)) in group.iter().enumerate() {
            if n > 0 {
                what.push_str("; ");
                action.push_str("; ");
            }
            // Writing to a `String` cannot fail.
            let _ = write!(
                what,
                "`{}` {} {} days (since {})",
                i.key, i.status, w.days, w.since
            );
            let _ = write_document_action(&mut action, i, body_name);
        }
        out.push(Alert {
            urgency,
            person: app.person,
            application: Some(app.id),
            document: (group.len() == 1).then(|| first.key.clone()),
            subject: subject.to_owned(),
            what,
            due: longest.overdue_on,
            next: Some(Action {
                action,
                how: None,
                due,
                provenance: None,
            }),
            wait: Some(longest.clone()),
            deadline: None,
        });
    }
}
