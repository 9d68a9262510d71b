//! The continuing-education log: activities are events on the person
//! (`CeActivityLogged`, `CeActivityRemoved`), so every backend keeps them in
//! its append-only history with no table of its own, and the current log is
//! derived from those events. Nothing entered is lost: a withdrawn activity
//! stays in the history.

use labpath_engine::maintenance::{Activity, Credit};

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

/// The most categories one activity can name.
pub const MAX_CATEGORIES: usize = 20;

/// Checks an activity before it is logged.
pub fn check_activity(activity: &Activity) -> Result<(), StoreError> {
    let invalid = |why: String| Err(StoreError::Invalid(why));
    if activity.title.trim().is_empty() {
        return invalid("an activity needs a title".to_owned());
    }
    let texts = [
        ("title", Some(&activity.title)),
        ("provider", activity.provider.as_ref()),
        ("accreditation", activity.accreditation.as_ref()),
    ];
    for (what, text) in texts {
        let chars = text.map_or(0, |t| t.chars().count());
        if chars > labpath_engine::units::MAX_TEXT {
            return invalid(format!(
                "an activity's {what} has {chars} characters; at most {}",
                labpath_engine::units::MAX_TEXT
            ));
        }
    }
    let amount = activity.credit.amount();
    let (unit, most) = match activity.credit {
        Credit::ContactHours(_) => MAX_CREDIT[0],
        Credit::SemesterHours(_) => MAX_CREDIT[1],
        Credit::QuarterHours(_) => MAX_CREDIT[2],
    };
    if !(amount.is_finite() && amount > 0.0) {
        return invalid(format!(
            "an activity's {unit} must be more than zero, got `{amount}`"
        ));
    }
    if amount > most {
        return invalid(format!(
            "{amount} {unit} is more than one activity can carry (at most {most}): check the number"
        ));
    }
    if activity.categories.len() > MAX_CATEGORIES {
        return invalid(format!(
            "an activity names {} categories; at most {MAX_CATEGORIES}",
            activity.categories.len()
        ));
    }
    for (i, c) in activity.categories.iter().enumerate() {
        if activity.categories[..i].contains(c) {
            return invalid(format!("the category `{c}` is named twice"));
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

/// The current log from a person's events, oldest first.
pub fn activities(events: &[Event]) -> Vec<LoggedActivity> {
    let mut log: Vec<LoggedActivity> = Vec::new();
    for event in events {
        match &event.change {
            Change::CeActivityLogged(activity) => log.push(LoggedActivity {
                id: event.id,
                activity: activity.clone(),
            }),
            Change::CeActivityRemoved { activity, .. } => log.retain(|a| a.id != *activity),
            _ => {}
        }
    }
    log
}

/// The event kinds that make up a CE log.
pub const LOG_KINDS: [&str; 2] = ["ce_activity_logged", "ce_activity_removed"];

/// Checks a CE change against the person's current log. Backends call it
/// inside the write's transaction, with the log read in that transaction,
/// so two replicas cannot both attach one certificate or both remove one
/// activity.
pub fn check_against_log(log: &[LoggedActivity], change: &Change) -> Result<(), StoreError> {
    match change {
        Change::CeActivityLogged(activity) => {
            if let Some(hash) = activity.certificate.as_deref() {
                if let Some(twin) = log
                    .iter()
                    .find(|a| a.activity.certificate.as_deref() == Some(hash))
                {
                    return Err(StoreError::Conflict(format!(
                        "this certificate is already attached to activity {} (`{}`, {}): the same file cannot prove two activities",
                        twin.id, twin.activity.title, twin.activity.date
                    )));
                }
            }
            Ok(())
        }
        Change::CeActivityRemoved { activity, .. } => {
            if log.iter().any(|a| a.id == *activity) {
                Ok(())
            } else {
                Err(StoreError::not_found("activity", activity))
            }
        }
        _ => Ok(()),
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
    log_activities(store, actor, person, vec![(activity, certificate)])
        .await?
        .pop()
        .ok_or_else(|| {
            StoreError::Other("the store did not return the activity it logged".to_owned())
        })
}

/// Logs several activities for a person as one write: every one, or none
/// when any is refused (a duplicate certificate, a text the store
/// refuses). Certificates are stored first, by content hash.
pub async fn log_activities(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    batch: Vec<(Activity, Option<&crate::attachment::CheckedFile>)>,
) -> Result<Vec<LoggedActivity>, StoreError> {
    let pending = logging(store, actor, person, batch).await?;
    Ok(logged(&store.append_all(pending).await?))
}

/// The changes that log several activities for a person, their
/// certificates stored first (by content hash), for one write.
pub async fn logging(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    batch: Vec<(Activity, Option<&crate::attachment::CheckedFile>)>,
) -> Result<Vec<crate::event::Pending>, StoreError> {
    store.person(person).await?;
    let mut pending = Vec::with_capacity(batch.len());
    for (mut activity, certificate) in batch {
        check_activity(&activity)?;
        if let Some(file) = certificate {
            store.put_file(file).await?;
            activity.certificate = Some(file.hash.clone());
        }
        pending.push(crate::event::Pending {
            actor: actor.to_owned(),
            person: Some(person),
            application: None,
            change: Change::CeActivityLogged(activity),
        });
    }
    Ok(pending)
}

/// The activities a write logged, from its events, in order.
pub fn logged(events: &[Event]) -> Vec<LoggedActivity> {
    events
        .iter()
        .filter_map(|e| match &e.change {
            Change::CeActivityLogged(activity) => Some(LoggedActivity {
                id: e.id,
                activity: activity.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Withdraws an activity logged by mistake; the history keeps both events.
pub async fn remove_activity(
    store: &dyn crate::store::Store,
    actor: &str,
    person: crate::ids::PersonId,
    activity: EventId,
    reason: &str,
) -> Result<(), StoreError> {
    store
        .append(crate::event::Pending {
            actor: actor.to_owned(),
            person: Some(person),
            application: None,
            change: Change::CeActivityRemoved {
                activity,
                reason: reason.trim().to_owned(),
            },
        })
        .await?;
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
