//! The continuing-education log: activities are events on the person
//! (`CeActivityLogged`, `CeActivityRemoved`), so every backend keeps them in
//! its append-only history with no table of its own, and the current log is
//! derived from those events. Nothing entered is lost: a withdrawn activity
//! stays in the history.

use labpath_engine::maintenance::{Activity, Credit};

use std::collections::{HashMap, HashSet};

use crate::error::StoreError;
use crate::event::{Change, Event};
use crate::ids::EventId;

/// A logged activity and the event that logged it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedActivity {
    /// The id of the event that logged it (the activity's id).
    pub id: EventId,
    /// The activity.
    pub activity: Activity,
}

/// The most credit one activity can carry, by unit: sanity bounds (a
/// full-time semester is about 15 semester hours, 100 contact hours is
/// more than any single CE course), not rules of a body; more is a typing
/// mistake.
pub const MAX_CREDIT: [(&str, f64); 3] = [
    ("contact hours", 100.0),
    ("semester hours", 20.0),
    ("quarter hours", 30.0),
];

/// Checks an activity before it is logged, each refusal at its field:
/// a title, texts and categories within their limits
/// (`labpath_engine::limits`), a credit within its bounds, no category
/// twice.
pub fn check_activity(activity: &Activity) -> Result<(), StoreError> {
    use labpath_engine::limits::{self, MAX_CATEGORIES, MAX_TEXT};
    let texts = [
        ("title", Some(&activity.title)),
        ("provider", activity.provider.as_ref()),
        ("accreditation", activity.accreditation.as_ref()),
    ];
    for (field, text) in texts {
        limits::text(field, text.map_or("", String::as_str), MAX_TEXT)?;
    }
    limits::list("categories", activity.categories.len(), MAX_CATEGORIES)?;
    if activity.title.trim().is_empty() {
        return Err(StoreError::invalid_at("title", "an activity needs a title"));
    }
    let amount = activity.credit.amount();
    let (unit, most) = match activity.credit {
        Credit::ContactHours(_) => MAX_CREDIT[0],
        Credit::SemesterHours(_) => MAX_CREDIT[1],
        Credit::QuarterHours(_) => MAX_CREDIT[2],
    };
    if !(amount.is_finite() && amount > 0.0) {
        return Err(StoreError::invalid_at(
            "credit",
            format!("an activity's {unit} must be more than zero, got `{amount}`"),
        ));
    }
    if amount > most {
        return Err(StoreError::invalid_at(
            "credit",
            format!(
                "{amount} {unit} is more than one activity can carry (at most {most}): check the number"
            ),
        ));
    }
    for (i, c) in activity.categories.iter().enumerate() {
        if activity.categories[..i].contains(c) {
            return Err(StoreError::invalid_at(
                &format!("categories[{i}]"),
                format!("the category `{c}` is named twice"),
            ));
        }
    }
    Ok(())
}

/// Checks that a file can prove an activity: a document or an image, not
/// plain text (a note proves nothing).
pub fn check_certificate(file: &crate::attachment::CheckedFile) -> Result<(), StoreError> {
    if file.media_type == "text/plain" {
        return Err(StoreError::Invalid(format!(
            "`{}` is plain text: a certificate must be a PDF or an image (PNG, JPEG, TIFF or HEIC)",
            file.name
        )));
    }
    Ok(())
}

/// The current log from a person's events, oldest first: activities
/// logged one by one, and those of imports that completed; withdrawn ones
/// left out. An import's activities join the log only with the event that
/// completes it, so a log read while an import is written, or after one
/// was abandoned or cut short, holds none of them.
pub fn activities(events: &[Event]) -> Vec<LoggedActivity> {
    let mut log: Vec<LoggedActivity> = Vec::new();
    let mut open: HashMap<EventId, Vec<LoggedActivity>> = HashMap::new();
    let mut withdrawn: HashSet<EventId> = HashSet::new();
    for event in events {
        match &event.change {
            Change::CeActivityLogged(activity) => log.push(LoggedActivity {
                id: event.id,
                activity: activity.clone(),
            }),
            Change::CeActivityRemoved { activity, .. } => {
                withdrawn.insert(*activity);
            }
            Change::CeImportStarted { .. } => {
                open.insert(event.id, Vec::new());
            }
            Change::CeActivityImported { import, activity } => {
                if let Some(pending) = open.get_mut(import) {
                    pending.push(LoggedActivity {
                        id: event.id,
                        activity: activity.clone(),
                    });
                }
            }
            Change::CeImportEnded { import, abandoned } => {
                if let Some(pending) = open.remove(import) {
                    if abandoned.is_none() {
                        log.extend(pending);
                    }
                }
            }
            _ => {}
        }
    }
    log.retain(|a| !withdrawn.contains(&a.id));
    log.sort_by_key(|a| a.id);
    log
}

/// The event kinds that make up a CE log.
pub const LOG_KINDS: [&str; 5] = [
    "ce_activity_logged",
    "ce_activity_removed",
    "ce_import_started",
    "ce_activity_imported",
    "ce_import_ended",
];

/// What a CE change does to the index of the person's log that every
/// backend keeps beside the events (`labpath_store::port` decides it, the
/// backend writes it): each activity in the log or in an open import, its
/// certificate's hash, and the imports still open. Checks then look up one
/// row instead of reading the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexChange {
    /// An activity enters the log (`import: None`) or an open import.
    Add {
        /// The activity (its event's id).
        activity: EventId,
        /// Its certificate's hash.
        certificate: Option<String>,
        /// The open import it belongs to.
        import: Option<EventId>,
    },
    /// An activity leaves the log (withdrawn).
    Withdraw(EventId),
    /// An import opens.
    Open(EventId),
    /// An import completes: its activities join the log.
    Complete(EventId),
    /// An import is abandoned: its activities are dropped from the index.
    Abandon(EventId),
}

/// The refusal of a certificate already proving `twin`, an activity in the
/// log (or earlier in the same import).
pub fn certificate_taken(twin: &Event) -> StoreError {
    match &twin.change {
        Change::CeActivityLogged(a) | Change::CeActivityImported { activity: a, .. } => {
            StoreError::Conflict(format!(
                "this certificate is already attached to activity {} (`{}`, {}): the same file cannot prove two activities",
                twin.id, a.title, a.date
            ))
        }
        _ => StoreError::Conflict(format!(
            "this certificate is already attached to activity {}: the same file cannot prove two activities",
            twin.id
        )),
    }
}

/// Logs an activity for a person, storing its certificate (by content hash)
/// first. A certificate already attached to another activity in the log is
/// refused as a duplicate (`Conflict`), by the store, inside the write's
/// transaction; the stored file is then the one already there.
pub async fn log_activity(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    activity: Activity,
    certificate: Option<&crate::attachment::CheckedFile>,
) -> Result<LoggedActivity, StoreError> {
    let pending = logging(store, actor, person, vec![(activity, certificate)]).await?;
    logged(&store.append_all(pending).await?)
        .pop()
        .ok_or_else(|| {
            StoreError::Other("the store did not return the activity it logged".to_owned())
        })
}

/// The changes that log activities for a person one by one, their
/// certificates stored first (by content hash), for one write.
pub async fn logging(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    batch: Vec<(Activity, Option<&crate::attachment::CheckedFile>)>,
) -> Result<Vec<crate::event::Pending>, StoreError> {
    store.person(person).await?;
    Ok(with_certificates(store, batch)
        .await?
        .into_iter()
        .map(|activity| pending(actor, person, Change::CeActivityLogged(activity)))
        .collect())
}

/// Each activity checked, with its certificate stored first (by content
/// hash) and named in it.
async fn with_certificates(
    store: &dyn crate::store::Store,
    batch: Vec<(Activity, Option<&crate::attachment::CheckedFile>)>,
) -> Result<Vec<Activity>, StoreError> {
    let mut activities = Vec::with_capacity(batch.len());
    for (mut activity, certificate) in batch {
        check_activity(&activity)?;
        if let Some(file) = certificate {
            store.put_file(file).await?;
            activity.certificate = Some(file.hash.clone());
        }
        activities.push(activity);
    }
    Ok(activities)
}

/// A change to a person's CE log, by `actor`.
fn pending(actor: &str, person: crate::ids::PersonId, change: Change) -> crate::event::Pending {
    crate::event::Pending {
        actor: actor.to_owned(),
        person: Some(person),
        application: None,
        change,
    }
}

/// The activities a write logged or imported, from its events, in order.
pub fn logged(events: &[Event]) -> Vec<LoggedActivity> {
    events
        .iter()
        .filter_map(|e| match &e.change {
            Change::CeActivityLogged(activity) | Change::CeActivityImported { activity, .. } => {
                Some(LoggedActivity {
                    id: e.id,
                    activity: activity.clone(),
                })
            }
            _ => None,
        })
        .collect()
}

/// The most activities one write of an import records: each batch is one
/// transaction, so a file of any length holds the writers' lock for one
/// batch at a time and other people's writes go in between.
pub const IMPORT_BATCH: usize = 25;

/// Imports activities for a person (`file` names them in the history):
/// every one joins the log, or none does. The certificates are stored
/// first, by content hash; then the import is opened, its activities are
/// written `IMPORT_BATCH` at a time, and one last write completes it,
/// which is when they all join the log. A refusal on the way (a
/// certificate that another write attached meanwhile, a text the store
/// refuses) abandons the import: the history keeps what was tried, the log
/// none of it, and the refusal is returned. An import cut short (the
/// process killed) never completes, so its activities never join the log.
pub async fn import_activities(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    file: &str,
    batch: Vec<(Activity, Option<&crate::attachment::CheckedFile>)>,
) -> Result<Vec<LoggedActivity>, StoreError> {
    store.person(person).await?;
    let count = u32::try_from(batch.len()).map_err(|_| {
        StoreError::Invalid(format!("`{file}` holds too many activities for one import"))
    })?;
    let activities = with_certificates(store, batch).await?;
    let pending = |change: Change| pending(actor, person, change);
    let started = store
        .append(pending(Change::CeImportStarted {
            file: file.to_owned(),
            activities: count,
        }))
        .await?;
    let import = started.id;
    let written = async {
        let mut imported = Vec::with_capacity(activities.len());
        for chunk in activities.chunks(IMPORT_BATCH) {
            let changes = chunk
                .iter()
                .map(|activity| {
                    pending(Change::CeActivityImported {
                        import,
                        activity: activity.clone(),
                    })
                })
                .collect();
            imported.extend(logged(&store.append_all(changes).await?));
        }
        store
            .append(pending(Change::CeImportEnded {
                import,
                abandoned: None,
            }))
            .await?;
        Ok::<_, StoreError>(imported)
    }
    .await;
    match written {
        Ok(logged) => Ok(logged),
        Err(refused) => {
            // Said in the history; the log is unchanged either way, so a
            // failure to say it hides nothing from the user.
            let _ = store
                .append(pending(Change::CeImportEnded {
                    import,
                    abandoned: Some(refused.to_string()),
                }))
                .await;
            Err(refused)
        }
    }
}

/// Withdraws an activity logged by mistake; the history keeps both events.
pub async fn remove_activity(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    activity: EventId,
    reason: &str,
) -> Result<(), StoreError> {
    let change = Change::CeActivityRemoved {
        activity,
        reason: reason.trim().to_owned(),
    };
    store.append(pending(actor, person, change)).await?;
    Ok(())
}

/// A person's current log.
pub async fn log(
    store: &dyn crate::store::Store,
    person: crate::ids::PersonId,
) -> Result<Vec<LoggedActivity>, StoreError> {
    let query = crate::model::EventQuery {
        person: Some(person),
        ..Default::default()
    };
    Ok(activities(&store.events(&query).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use labpath_engine::units::Date;

    fn activity(hours: f64) -> Activity {
        Activity {
            title: "Hemostasis update".to_owned(),
            provider: None,
            accreditation: None,
            date: Date::parse("2025-05-01").unwrap(),
            credit: Credit::ContactHours(hours),
            categories: Vec::new(),
            certificate: None,
        }
    }

    #[test]
    fn zero_or_negative_hours_are_refused() {
        assert!(check_activity(&activity(2.0)).is_ok());
        let e = check_activity(&activity(-1.0)).unwrap_err().to_string();
        assert!(e.contains("more than zero, got `-1`"), "{e}");
        assert!(check_activity(&activity(0.0)).is_err());
        assert!(check_activity(&activity(f64::NAN)).is_err());
    }
}
