//! One deadline model: everything that can lapse or close for the people a
//! principal reaches, each with the days left, a severity and the action
//! that clears it. `labpath status`, the person, CE and dashboard pages,
//! the calendar and the reminder emails all show these deadlines; none of
//! them works a date out for itself.
//!
//! The dates are computed once, where they belong, and only read here:
//! - a held credential's renewal (its cycle, the points still missing by
//!   category, the declaration window, the expiry) from the engine's
//!   compliance (`labpath_engine::compliance`), over the person's latest
//!   profile and CE log; an expiry in the profile of a credential without
//!   renewal rules as it was recorded;
//! - an application's limits (California's 150-day abandonment, ASCP's
//!   3-month examination period, PERM's 180 days), the last route of a
//!   draft that closes, and reminders, from `labpath_store::agenda::deadlines`;
//! - a day the body promised something by, from the application's latest
//!   contact (`Application::promised`), with the next escalation step of
//!   `labpath_store::stall::next_action`.
//!
//! # Severity
//!
//! The thresholds live here and nowhere else ([`severity`]):
//! - **red** from [`RED_DAYS`] (30) days before the day that matters, and
//!   once it has passed while something is still to do (a credential that
//!   expired, an abandonment limit, a declaration window that closed with
//!   requirements unmet: red whatever the days left);
//! - **amber** from [`AMBER_DAYS`] (90) days before;
//! - none further away: the deadline is in the calendar, not listed as
//!   lapsing. A limit that simply lapses once past (an exam window, a route
//!   that closes) is not listed after its day.
//!
//! The day that matters for a renewal with a declaration window is the
//! window's last day until it has passed, then the expiry. A renewal whose
//! continuing education is complete is listed from the day its window
//! opens (there is nothing to do before); one that is short, from
//! [`AMBER_DAYS`] before the window closes. A reminder has no lead time (its
//! day is the one the user chose): red from its day. A promise is red once
//! its day has passed.

use std::collections::HashMap;

use labpath_engine::catalog::Catalog;
use labpath_engine::compliance::{Assessment, CredentialCompliance, compliance};
use labpath_engine::maintenance::Activity;
use labpath_engine::profile::{HeldCredential, Profile};
use labpath_engine::units::Date;
use labpath_store::agenda::{self, DeadlineSource, Records};
use labpath_store::ce;
use labpath_store::ids::PersonId;
use labpath_store::model::{Application, Person};
use labpath_store::stall::{catalog_body_name, next_action};
use labpath_views::deadlines::{
    CredentialRef, Deadline, DeadlineKind, Milestone, Severity, amount,
};

use crate::{App, AppError, Kind, Principal};

/// From this many days before its day a deadline is amber.
pub const AMBER_DAYS: i64 = 90;

/// From this many days before its day a deadline is red.
pub const RED_DAYS: i64 = 30;

/// How a deadline behaves around its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Warned of from [`AMBER_DAYS`] before; once past, red until it is
    /// cleared (an expiry, an abandonment limit).
    Stays,
    /// Warned of from [`AMBER_DAYS`] before; once past, gone (an exam
    /// window, a route that closes).
    Lapses,
    /// Not warned of ahead: red from its day on (a reminder).
    FromTheDay,
    /// Red once its day has passed (a promise).
    AfterTheDay,
}

/// The severity of a deadline `days_left` days away (negative: past).
pub fn severity(clock: Clock, days_left: i64) -> Option<Severity> {
    let by_days = || {
        if days_left <= RED_DAYS {
            Some(Severity::Red)
        } else if days_left <= AMBER_DAYS {
            Some(Severity::Amber)
        } else {
            None
        }
    };
    match clock {
        Clock::FromTheDay => (days_left <= 0).then_some(Severity::Red),
        Clock::AfterTheDay => (days_left < 0).then_some(Severity::Red),
        Clock::Lapses if days_left < 0 => None,
        Clock::Stays | Clock::Lapses => by_days(),
    }
}

/// What a person's renewals are read from: their latest profile and their
/// CE log.
pub struct Holding {
    /// The latest profile.
    pub profile: Profile,
    /// The activities logged (withdrawn ones left out).
    pub activities: Vec<Activity>,
}

/// Every deadline of `people`, from their records and holdings, by day:
/// those not lapsing too (the calendar shows every one).
pub fn model(
    catalog: &Catalog,
    people: &[Person],
    records: &Records,
    holdings: &HashMap<PersonId, Holding>,
    today: Date,
) -> Vec<Deadline> {
    let names: HashMap<PersonId, &str> = people.iter().map(|p| (p.id, p.name.as_str())).collect();
    let name = |p: PersonId| {
        names
            .get(&p)
            .map_or_else(|| format!("person {p}"), |n| (*n).to_owned())
    };
    let mut out = Vec::new();
    for p in people {
        let Some(h) = holdings.get(&p.id) else {
            continue;
        };
        for c in compliance(catalog, &h.profile, &h.activities, today) {
            out.extend(renewal(p, &c, today));
        }
        for held in &h.profile.credentials {
            out.extend(expiry(catalog, p, held, today));
        }
    }
    for d in agenda::deadlines(catalog, records, today) {
        let app = d
            .application
            .and_then(|id| records.applications.iter().find(|a| a.id == id));
        out.push(from_agenda(catalog, &name(d.person), app, d, today));
    }
    for app in &records.applications {
        out.extend(promise(catalog, &name(app.person), app, today));
    }
    out.sort_by(|a, b| (a.due, a.person, &a.key).cmp(&(b.due, b.person, &b.key)));
    out
}

/// The deadlines that are lapsing (red or amber), most severe first, then
/// by day.
pub fn lapsing(all: &[Deadline]) -> Vec<Deadline> {
    let mut out: Vec<Deadline> = all.iter().filter(|d| d.is_lapsing()).cloned().collect();
    out.sort_by(|a, b| {
        (a.severity, a.due, &a.person_name, &a.key).cmp(&(
            b.severity,
            b.due,
            &b.person_name,
            &b.key,
        ))
    });
    out
}

/// A held credential's renewal under one rule set: where its continuing
/// education stands, its declaration window and its expiry, as one
/// deadline; `None` when the cycle cannot be placed.
pub fn renewal(person: &Person, c: &CredentialCompliance<'_>, today: Date) -> Option<Deadline> {
    let a = c.assessment.as_ref()?;
    let abbr = &c.credential.abbreviation;
    let phase = phase(c, a, today);
    let days_left = today.days_until(phase.due);
    let closed_short = !a.met && a.window.is_some_and(|(_, closes)| today > closes);
    let severity = if closed_short {
        Some(Severity::Red)
    } else if phase.listed {
        severity(Clock::Stays, days_left)
    } else {
        None
    };
    let expiry = if today > a.end {
        format!("expired on {}", a.end)
    } else {
        format!("expires {}", a.end)
    };
    let what = match phase.window {
        Some(w) => format!("{}, {w}, {expiry}", standing(c, a)),
        None => format!("{}, {expiry}", standing(c, a)),
    };
    Some(Deadline {
        key: format!(
            "person{}-ce-{}-{}-{}",
            person.id, c.credential.id, c.rules.id, a.end
        ),
        person: person.id,
        person_name: person.name.clone(),
        kind: DeadlineKind::Renewal,
        due: phase.due,
        days_left,
        severity,
        title: phase.title,
        what,
        action: phase.action,
        milestones: renewal_milestones(c, a),
        window: a.window,
        expires: Some(a.end),
        credential: Some(CredentialRef {
            id: c.credential.id.to_string(),
            abbreviation: abbr.clone(),
        }),
        application: None,
        lapse: c.rules.lapse.clone(),
        provenance: Some(c.rules.provenance.clone()),
    })
}

/// Where a cycle's continuing education stands, in a sentence's first
/// words: `Not compliant: 16 points short`, `Compliant: 36 of 36 points`.
fn standing(c: &CredentialCompliance<'_>, a: &Assessment) -> String {
    let unit = &c.rules.unit;
    if a.total.is_none() && a.categories.is_empty() {
        return format!(
            "No continuing-education requirement is known ({} {unit} logged)",
            amount(a.earned)
        );
    }
    match (a.met, a.total) {
        (true, Some(t)) => format!(
            "Compliant: {} of {} {unit}",
            amount(a.earned.min(t)),
            amount(t)
        ),
        (true, None) => "Compliant: every known minimum is met".to_owned(),
        (false, _) => format!("Not compliant: {} {unit} short", amount(a.missing)),
    }
}

/// Where a renewal is in its cycle, on a day: the day that matters, its
/// title, the window in words, what clears it and whether it is listed yet.
struct Phase {
    due: Date,
    title: String,
    window: Option<String>,
    action: String,
    listed: bool,
}

fn phase(c: &CredentialCompliance<'_>, a: &Assessment, today: Date) -> Phase {
    let abbr = &c.credential.abbreviation;
    let short =
        (!a.met).then(|| format!("log {} more {}", amount(a.missing), c.rules.unit_label()));
    if let Some((opens, closes)) = a.window.filter(|(_, closes)| today <= *closes) {
        let (window, when) = if today < opens {
            let between = format!("declare between {opens} and {closes}");
            (between.clone(), between)
        } else {
            (
                format!("declaration window open until {closes}"),
                format!("declare by {closes}"),
            )
        };
        return Phase {
            due: closes,
            title: format!("{} by {closes}", declare(c)),
            window: Some(window),
            action: match &short {
                Some(s) => format!("{s} and {when}"),
                None => format!("{when}: the renewal and its fee"),
            },
            // Complete: nothing to do before the window opens.
            listed: !a.met || today >= opens,
        };
    }
    let closed = a.window.map(|(_, closes)| closes);
    let expired = today > a.end;
    let title = match (expired, closed) {
        (true, _) => format!("{abbr} expired on {}", a.end),
        (false, Some(_)) => format!("{abbr} expires on {}", a.end),
        (false, None) => format!("Renew {abbr} by {}", a.end),
    };
    let action = match (expired, closed, &short) {
        (true, _, _) => {
            let renew = "renew or reinstate it as the rules say, then record the new expiry date in the profile";
            match &short {
                Some(s) => format!("{s}, {renew}"),
                None => renew.to_owned(),
            }
        }
        (false, Some(closes), Some(s)) => format!(
            "{s} before {}, and ask the certifying body about declaring late: the window closed on {closes}",
            a.end
        ),
        (false, Some(_), None) => format!(
            "if the renewal was declared in the window, record the new expiry date in the profile; if not, ask the certifying body before {} about declaring late",
            a.end
        ),
        (false, None, Some(s)) => format!("{s} and renew by {}", a.end),
        (false, None, None) => format!(
            "renew by {}; once renewed, record the new expiry date in the profile",
            a.end
        ),
    };
    Phase {
        due: a.end,
        title,
        window: closed.map(|c| format!("declaration window closed on {c}")),
        action,
        listed: true,
    }
}

/// `Declare CMP for MLS(ASCP)`, or `Declare the renewal of ...` for rules
/// without a short name.
fn declare(c: &CredentialCompliance<'_>) -> String {
    let abbr = &c.credential.abbreviation;
    match &c.rules.short_name {
        Some(p) => format!("Declare {p} for {abbr}"),
        None => format!("Declare the renewal of {abbr}"),
    }
}

/// A renewal's days for a calendar: its window's opening and closing, its
/// expiry.
fn renewal_milestones(c: &CredentialCompliance<'_>, a: &Assessment) -> Vec<Milestone> {
    let mut out = Vec::new();
    if let Some((opens, closes)) = a.window {
        let declare = declare(c);
        out.push(Milestone {
            day: opens,
            title: format!("{declare}: window opens"),
            id: "window-opens",
        });
        out.push(Milestone {
            day: closes,
            title: format!("{declare}: window closes"),
            id: "window-closes",
        });
    }
    out.push(Milestone {
        day: a.end,
        title: format!("{} expires", c.credential.abbreviation),
        id: "expires",
    });
    out
}

/// A held credential without renewal rules that expires, on the day the
/// profile gives.
fn expiry(
    catalog: &Catalog,
    person: &Person,
    held: &HeldCredential,
    today: Date,
) -> Option<Deadline> {
    let expires = held.expires?;
    if catalog.maintenance_of(held.id.as_str()).next().is_some() {
        // Its renewal is the deadline.
        return None;
    }
    let credential = catalog.credential(held.id.as_str());
    let abbr = credential.map_or_else(|| held.id.to_string(), |c| c.abbreviation.clone());
    let renewal = credential.and_then(|c| c.renewal.as_ref());
    let expired = today > expires;
    let (title, mut what) = if expired {
        (
            format!("{abbr} expired on {expires}"),
            format!("{abbr} expired on {expires}, the day recorded in the profile"),
        )
    } else {
        (
            format!("{abbr} expires on {expires}"),
            format!("{abbr} expires {expires}, the day recorded in the profile"),
        )
    };
    if let Some(r) = renewal {
        what.push_str(&format!(". {}", r.summary));
    }
    let action = if expired {
        "renew it, then record the new expiry date in the profile".to_owned()
    } else {
        format!("renew it by {expires}, then record the new expiry date in the profile")
    };
    let days_left = today.days_until(expires);
    Some(Deadline {
        key: format!(
            "person{}-credential-{}-{expires}-expires",
            person.id, held.id
        ),
        person: person.id,
        person_name: person.name.clone(),
        kind: DeadlineKind::Expiry,
        due: expires,
        days_left,
        severity: severity(Clock::Stays, days_left),
        milestones: one_day(expires, &title),
        title,
        what,
        action,
        window: None,
        expires: Some(expires),
        credential: Some(CredentialRef {
            id: held.id.to_string(),
            abbreviation: abbr,
        }),
        application: None,
        lapse: None,
        provenance: renewal.map(|r| r.provenance.clone()),
    })
}

/// The key of the deadline made from an agenda deadline of `person` whose
/// `Deadline::uid` is `uid`.
pub fn agenda_key(person: PersonId, uid: &str) -> String {
    format!("person{person}-{uid}")
}

/// The one calendar day of a deadline that has one.
fn one_day(day: Date, title: &str) -> Vec<Milestone> {
    vec![Milestone {
        day,
        title: title.to_owned(),
        id: "",
    }]
}

/// The first clause of a catalog text (before a `:` or a `(`).
fn head(text: &str) -> &str {
    text.split([':', '(']).next().unwrap_or(text).trim()
}

/// A deadline of the agenda (an application's limit, a closing route, a
/// reminder) in the model's terms.
fn from_agenda(
    catalog: &Catalog,
    name: &str,
    app: Option<&Application>,
    d: agenda::Deadline,
    today: Date,
) -> Deadline {
    let days_left = today.days_until(d.due);
    let about = app.map(|a| format!("application {} ({})", a.id, a.title));
    let body = app
        .and_then(|a| catalog.step(&a.step))
        .and_then(|s| catalog_body_name(s, catalog))
        .unwrap_or("the body");
    let key = agenda_key(d.person, &d.uid());
    let (kind, clock, title, what, action, credential, provenance) = match d.source {
        DeadlineSource::Catalog { provenance } => {
            let head = head(&d.what).to_owned();
            let action = if days_left < 0 {
                format!(
                    "{head}: the limit passed on {}; ask {body} where the application stands",
                    d.due
                )
            } else {
                format!("{head} by {}", d.due)
            };
            let what = match &about {
                Some(about) => format!("{}; {about}", d.what),
                None => d.what.clone(),
            };
            let clock = if d.stays_overdue {
                Clock::Stays
            } else {
                Clock::Lapses
            };
            let title = match app {
                Some(a) => format!("{head} (application {})", a.id),
                None => head,
            };
            (
                DeadlineKind::Application,
                clock,
                title,
                what,
                action,
                None,
                Some(provenance),
            )
        }
        DeadlineSource::RouteCloses { credential } => {
            let found = catalog.credential(&credential);
            let abbr = found.map_or_else(|| credential.clone(), |c| c.abbreviation.clone());
            (
                DeadlineKind::RouteCloses,
                Clock::Lapses,
                format!("Submit the application for {abbr} by {}", d.due),
                d.what.clone(),
                format!("submit the application by {}", d.due),
                Some(CredentialRef {
                    id: credential,
                    abbreviation: abbr,
                }),
                found.map(|c| c.provenance.clone()),
            )
        }
        DeadlineSource::Reminder { .. } => {
            let line = d.what.lines().next().unwrap_or("").trim().to_owned();
            let what = match &about {
                Some(about) => format!("Reminder for {}: {}; {about}", d.due, d.what),
                None => format!("Reminder for {}: {}", d.due, d.what),
            };
            (
                DeadlineKind::Reminder,
                Clock::FromTheDay,
                line,
                what,
                "do it, then mark the reminder done".to_owned(),
                None,
                None,
            )
        }
    };
    Deadline {
        key,
        person: d.person,
        person_name: name.to_owned(),
        kind,
        due: d.due,
        days_left,
        severity: severity(clock, days_left),
        milestones: one_day(d.due, &title),
        title,
        what,
        action,
        window: None,
        expires: None,
        credential,
        application: d.application,
        lapse: None,
        provenance,
    }
}

/// The day the body of an open application promised something by (the
/// latest contact's), with the next escalation step as what to do once it
/// has passed.
fn promise(catalog: &Catalog, name: &str, app: &Application, today: Date) -> Option<Deadline> {
    let promised = app.promised?;
    if app.status.is_decided() {
        return None;
    }
    let step = catalog.step(&app.step);
    let body = step
        .and_then(|s| catalog_body_name(s, catalog))
        .unwrap_or("the body");
    let next = step.and_then(|s| next_action(app, s, catalog));
    let days_left = today.days_until(promised);
    let action = match &next {
        Some(n) => n.action.clone(),
        None => format!("ask {body} about it in writing, and log the contact"),
    };
    let title = format!("{body} promised by {promised} (application {})", app.id);
    Some(Deadline {
        key: format!("person{}-app{}-promised-{promised}", app.person, app.id),
        person: app.person,
        person_name: name.to_owned(),
        kind: DeadlineKind::Promise,
        due: promised,
        days_left,
        severity: severity(Clock::AfterTheDay, days_left),
        milestones: one_day(promised, &title),
        title,
        what: format!(
            "{body} promised something by {promised} in the latest contact logged; application {} ({})",
            app.id, app.title
        ),
        action,
        window: None,
        expires: None,
        credential: None,
        application: Some(app.id),
        lapse: None,
        provenance: next.and_then(|n| n.provenance.cloned()),
    })
}

/// The holdings of `people`: the latest profile (when it holds a
/// credential) and the CE log of each. A person with no profile, or one the
/// catalog no longer reads, has none.
pub async fn holdings(
    app: &App<'_>,
    people: &[Person],
) -> Result<HashMap<PersonId, Holding>, AppError> {
    let mut out = HashMap::new();
    for p in people.iter().filter(|p| p.profile_version > 0) {
        let profile = match app.profile(p.id).await {
            Ok(Some(profile)) if !profile.credentials.is_empty() => profile,
            Ok(_) => continue,
            Err(e) if e.kind == Kind::Invalid => continue,
            Err(e) => return Err(e),
        };
        let activities = ce::log(app.store, p.id)
            .await?
            .into_iter()
            .map(|a| a.activity)
            .collect();
        out.insert(
            p.id,
            Holding {
                profile,
                activities,
            },
        );
    }
    Ok(out)
}

/// Every deadline of `people` and their `records` (read by
/// `agenda::records`), by day.
pub async fn of_records(
    app: &App<'_>,
    people: &[Person],
    records: &Records,
    today: Date,
) -> Result<Vec<Deadline>, AppError> {
    let holdings = holdings(app, people).await?;
    Ok(model(app.catalog, people, records, &holdings, today))
}

/// Every deadline of `person` (of everyone `who` reaches without one) seen
/// from `today`, by day; [`lapsing`] keeps those to show as lapsing.
pub async fn deadlines(
    app: &App<'_>,
    who: &Principal,
    person: Option<PersonId>,
    today: Date,
) -> Result<Vec<Deadline>, AppError> {
    let (people, records) = crate::agenda::records(app, who, person).await?;
    of_records(app, &people, &records, today).await
}

/// Every deadline of everyone in the store, of every organization and of
/// none: what the reminder scheduler reads. No user's request comes here;
/// a user's view is [`deadlines`], scoped by their principal.
pub async fn everyone(app: &App<'_>, today: Date) -> Result<Vec<Deadline>, AppError> {
    let people = app.store.people(None).await?;
    let records = agenda::load(app.store, None).await?;
    of_records(app, &people, &records, today).await
}
