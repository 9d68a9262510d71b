//! What to email about, and in what words. Pure: given the deadlines of the
//! deadline model on a day (`labpath_app::deadlines`, which holds the
//! severity thresholds), it lists one `Notice` per lapsing deadline, each
//! with the key that makes it unique.
//!
//! Which deadlines: every one that is lapsing, red or amber (a held
//! credential's renewal or expiry, an application's limit, a route that
//! closes, a day the body promised, a reminder from its day on), until it is
//! cleared (the renewal recorded, the reminder done) or, for a limit that
//! simply lapses, its day has passed.
//!
//! The key names the deadline (its person, the thing and its cycle), its
//! day (for a renewal, the cycle's last day) and its severity: a deadline
//! is emailed once when it turns amber and once more when it turns red,
//! however often it is scheduled; one whose day moves (a reminder moved, a
//! credential renewed into a new cycle) is new.

use labpath_app::deadlines::{AMBER_DAYS, RED_DAYS};
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_views::deadlines::{Deadline, DeadlineKind, provenance_lines};

/// One email to send to whoever receives a person's reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Whose.
    pub person: PersonId,
    /// Unique to the deadline, its day and its severity
    /// (`reminder-email:person3-reminder17:2026-05-01:red`).
    pub key: String,
    /// The deadline's day.
    pub due: Date,
    /// The subject line.
    pub subject: String,
    /// The text: what, when, where it stands, what to do, what a lapse
    /// means and where the rule comes from.
    pub body: String,
}

/// An email for each lapsing deadline, by day then person.
pub fn notices(catalog: &Catalog, deadlines: &[Deadline]) -> Vec<Notice> {
    let mut out: Vec<Notice> = deadlines
        .iter()
        .filter_map(|d| notice(catalog, d))
        .collect();
    out.sort_by(|a, b| (a.due, a.person, &a.key).cmp(&(b.due, b.person, &b.key)));
    out
}

fn notice(catalog: &Catalog, d: &Deadline) -> Option<Notice> {
    let severity = d.severity?;
    let subject = match d.kind {
        DeadlineKind::Reminder => format!("labpath reminder: {}", headline(&d.title)),
        _ => format!("labpath, {}: {}", severity.label(), headline(&d.title)),
    };
    let mut body = format!(
        "For {}: {} ({}).\n\n{}.\n\nWhat to do: {}.\n",
        d.person_name,
        d.title,
        d.when(),
        d.what,
        d.action
    );
    if let Some(lapse) = &d.lapse {
        body.push_str(&format!("\nIf it lapses: {lapse}\n"));
    }
    if let Some(p) = &d.provenance {
        body.push('\n');
        body.push_str(&provenance_lines(p, catalog, ""));
    }
    Some(Notice {
        person: d.person,
        key: format!(
            "{}:{}:{}:{}",
            crate::KIND,
            d.key,
            // A renewal's day moves from its window's close to its expiry
            // while it stays the same deadline: the cycle's end names it.
            d.expires.unwrap_or(d.due),
            severity.as_str()
        ),
        due: d.due,
        subject,
        body: with_footer(body),
    })
}

/// A title's first line, at most 70 characters, for a subject.
fn headline(what: &str) -> String {
    let line = what.lines().next().unwrap_or("").trim();
    if line.chars().count() <= 70 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(69).collect();
    format!("{}…", cut.trim_end())
}

fn with_footer(body: String) -> String {
    format!(
        "{body}\n-- \nlabpath emails a deadline once when it comes within {AMBER_DAYS} days, once more within {RED_DAYS} days or when it has passed, and a reminder once on its day.\n"
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use labpath_app::deadlines::model;
    use labpath_store::agenda::Records;
    use labpath_store::ids::EventId;
    use labpath_store::model::Reminder;

    use super::*;

    fn keys_of(catalog: &Catalog, records: &Records, today: Date) -> Vec<String> {
        let all = model(catalog, &[], records, &HashMap::new(), today);
        notices(catalog, &all).into_iter().map(|n| n.key).collect()
    }

    fn reminder(id: i64, due: Date, done_on: Option<Date>) -> Reminder {
        Reminder {
            id: EventId::from_raw(id),
            person: PersonId::from_raw(1),
            application: None,
            due,
            what: format!("task {id}"),
            done_on,
        }
    }

    fn keys(reminders: Vec<Reminder>, today: Date) -> Vec<String> {
        let catalog = Catalog::default();
        let records = Records {
            reminders,
            ..Records::default()
        };
        keys_of(&catalog, &records, today)
    }

    #[test]
    fn a_reminder_is_emailed_from_its_day_until_it_is_done() {
        let today = Date::parse("2026-05-01").unwrap();
        // (due in days, done, emailed)
        let cases = [
            (-30, false, true),
            (-1, false, true),
            (0, false, true),
            (1, false, false),
            (-1, true, false),
        ];
        for (days, done, emailed) in cases {
            let r = reminder(7, today.add_days(days), done.then_some(today));
            let got = keys(vec![r], today);
            assert_eq!(
                got.len(),
                usize::from(emailed),
                "due in {days} days, done: {done}"
            );
        }
    }

    #[test]
    fn a_reminder_moved_to_another_day_has_another_key() {
        let today = Date::parse("2026-05-01").unwrap();
        let first = keys(vec![reminder(7, today.add_days(-1), None)], today);
        assert_eq!(first, ["reminder-email:person1-reminder7:2026-04-30:red"]);
        let moved = keys(vec![reminder(7, today, None)], today);
        assert_eq!(moved, ["reminder-email:person1-reminder7:2026-05-01:red"]);
    }

    /// The shipped catalog with its first step setting two deadlines 30
    /// days after submission, and an application of that step submitted on
    /// `submitted`.
    fn two_deadlines(submitted: Date) -> (Catalog, Records) {
        use labpath_engine::step::{DeadlineAnchor, StepDeadline};
        use labpath_store::ids::ApplicationId;
        use labpath_store::model::Application;
        use labpath_store::status::AppStatus;
        use labpath_store::time::Timestamp;

        let mut parts = labpath_shipped::catalog().unwrap().into_parts();
        let step = &mut parts.steps[0];
        let provenance = step.provenance.clone();
        step.deadlines = ["Send the transcript", "Pay the fee"]
            .map(|what| StepDeadline {
                after_days: 30,
                from: DeadlineAnchor::Submitted,
                what: what.to_owned(),
                provenance: provenance.clone(),
            })
            .to_vec();
        let application = Application {
            id: ApplicationId::from_raw(4),
            person: PersonId::from_raw(1),
            step: step.id.as_str().to_owned(),
            title: step.name.clone(),
            body: None,
            reference: None,
            status: AppStatus::Submitted,
            status_on: submitted,
            waiting_since: Some(submitted),
            submitted_on: Some(submitted),
            approved_on: None,
            contacts_since_waiting: 0,
            last_contact_on: None,
            promised: None,
            created_at: Timestamp::parse("2026-03-01T09:00:00Z").unwrap(),
            last_event: EventId::from_raw(9),
        };
        let catalog = labpath_catalog::catalog::from_parts(parts)
            .expect("the changed catalog passes the loader's checks");
        let records = Records {
            applications: vec![application],
            ..Records::default()
        };
        (catalog, records)
    }

    fn deadline_keys(submitted: Date, today: Date) -> Vec<String> {
        let (catalog, records) = two_deadlines(submitted);
        keys_of(&catalog, &records, today)
    }

    /// Two deadlines of one application on one day are two emails; asked
    /// again on a later day of the same severity they are the same two (the
    /// queue takes each key once); a deadline whose day moves is new.
    #[test]
    fn two_catalog_deadlines_on_one_day_get_two_keys_that_last_until_their_day_moves() {
        let submitted = Date::parse("2026-04-10").unwrap();
        let due = submitted.add_days(30);
        let first = deadline_keys(submitted, due.add_days(-14));
        assert_eq!(first.len(), 2, "{first:?}");
        assert_ne!(first[0], first[1], "one key for two deadlines");
        for key in &first {
            assert!(
                key.starts_with("reminder-email:person1-app4-deadline-2026-05-10-")
                    && key.ends_with(":2026-05-10:red"),
                "{key}"
            );
        }
        let mut sorted = first.clone();
        sorted.sort();
        for today in [due.add_days(-1), due] {
            let mut again = deadline_keys(submitted, today);
            again.sort();
            assert_eq!(again, sorted, "asked on {today}");
        }
        let moved = deadline_keys(submitted.add_days(1), due);
        assert_eq!(moved.len(), 2);
        assert!(
            moved.iter().all(|k| !first.contains(k)),
            "a deadline a day later kept its key: {moved:?}"
        );
    }

    #[test]
    fn a_long_reminder_is_cut_for_the_subject() {
        assert_eq!(headline("Call LFS\nabout form 2"), "Call LFS");
        let long = "a".repeat(100);
        assert_eq!(headline(&long).chars().count(), 70);
    }
}
