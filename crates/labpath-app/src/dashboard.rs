//! The agency dashboard: everyone a principal reaches, by stage, those
//! with something overdue first, with the overdue items and what is
//! lapsing (the deadline model's red and amber deadlines: expired and
//! expiring credentials, application limits, promises, reminders) across
//! all of them, each with the person's name.

use std::collections::HashMap;

use labpath_engine::units::Date;
use labpath_store::agenda::{Alert, Deadline};
use labpath_store::ids::PersonId;
use labpath_store::model::{Application, Paged, Person, Window};
use labpath_store::stall::Urgency;
use labpath_views::dashboard::NamedAlert;
use labpath_views::dashboard::{CandidateLine, STAGES, stage_rank};
use labpath_views::deadlines::Deadline as Lapse;

use crate::{App, AppError, Principal};

/// Which candidates the list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only those at this stage (one of [`STAGES`]).
    pub stage: Option<&'static str>,
    /// Only those whose name contains this (any case).
    pub name: Option<String>,
    /// Only those with something overdue.
    pub overdue_only: bool,
}

/// How many overdue items, and how many lapsing deadlines, the dashboard
/// lists at most.
pub const LISTED: usize = 20;

/// The dashboard on a day.
pub struct Board<'c> {
    /// The day.
    pub as_of: Date,
    /// Candidates per stage (the stages with any).
    pub stages: Vec<(String, usize)>,
    /// Overdue items across all candidates, most urgent first (at most
    /// [`LISTED`]), with the person's name.
    pub overdue: Vec<NamedAlert<'c>>,
    /// What is lapsing across all candidates, most severe first (at most
    /// [`LISTED`]).
    pub lapsing: Vec<Lapse>,
    /// How many are lapsing in all.
    pub lapsing_total: usize,
    /// The window asked for of the candidates the filter keeps, those with
    /// overdue items first.
    pub candidates: Paged<CandidateLine>,
}

/// The dashboard of everyone `who` reaches on `as_of`.
pub async fn dashboard<'c>(
    app: &App<'c>,
    who: &Principal,
    filter: &Filter,
    window: Window,
    as_of: Date,
) -> Result<Board<'c>, AppError> {
    let agenda = crate::agenda::status(app, who, None, as_of).await?;
    let mut lines: Vec<CandidateLine> = agenda
        .people
        .iter()
        .map(|p| {
            line(
                p,
                &agenda.records.applications,
                &agenda.alerts,
                &agenda.deadlines,
                as_of,
            )
        })
        .collect();
    let mut stages: Vec<(String, usize)> = STAGES
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                lines.iter().filter(|l| l.stage == *s).count(),
            )
        })
        .collect();
    stages.retain(|(_, n)| *n > 0);
    if let Some(stage) = filter.stage {
        lines.retain(|l| l.stage == stage);
    }
    if let Some(text) = filter.name.as_deref() {
        let text = text.to_lowercase();
        lines.retain(|l| l.person.name.to_lowercase().contains(&text));
    }
    if filter.overdue_only {
        lines.retain(|l| l.overdue > 0);
    }
    lines.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.due_soon.cmp(&a.due_soon))
            .then(a.next_deadline.is_none().cmp(&b.next_deadline.is_none()))
            .then(a.next_deadline.cmp(&b.next_deadline))
            .then(a.person.id.cmp(&b.person.id))
    });
    let total = lines.len() as u64;
    let skip = usize::try_from(window.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(window.limit).unwrap_or(usize::MAX);
    let names: HashMap<PersonId, &str> = agenda
        .people
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    let overdue = agenda
        .alerts
        .into_iter()
        .filter(|a| a.urgency == Urgency::Overdue)
        .take(LISTED)
        .map(|alert| NamedAlert {
            person_name: names
                .get(&alert.person)
                .map_or_else(|| format!("person {}", alert.person), |n| (*n).to_owned()),
            alert,
        })
        .collect();
    let lapsing_total = agenda.lapsing.len();
    Ok(Board {
        as_of,
        stages,
        overdue,
        lapsing: agenda.lapsing.into_iter().take(LISTED).collect(),
        lapsing_total,
        candidates: Paged {
            items: lines.into_iter().skip(skip).take(take).collect(),
            total,
        },
    })
}

/// One candidate's line: their stage, open applications, alerts and next
/// deadline.
fn line(
    p: &Person,
    applications: &[Application],
    alerts: &[Alert<'_>],
    deadlines: &[Deadline],
    today: Date,
) -> CandidateLine {
    let apps: Vec<&Application> = applications.iter().filter(|a| a.person == p.id).collect();
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
    let mine: Vec<&Alert> = alerts.iter().filter(|a| a.person == p.id).collect();
    let count = |u: Urgency| mine.iter().filter(|a| a.urgency == u).count();
    CandidateLine {
        person: p.clone(),
        stage: stage.to_owned(),
        open_applications: open.len(),
        overdue: count(Urgency::Overdue),
        due_soon: count(Urgency::DueSoon),
        top_alert: mine.first().map(|a| format!("{}: {}", a.subject, a.what)),
        next_deadline: deadlines
            .iter()
            .filter(|d| d.person == p.id && d.due >= today)
            .map(|d| d.due)
            .min(),
    }
}
