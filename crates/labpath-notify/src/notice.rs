//! What to email about, and in what words. Pure: given the records an
//! agenda is built from (`labpath_store::agenda`), the renewal days of the
//! people's credentials (`renewal`) and today's date, it lists one `Notice`
//! per thing to say, each with the key that makes it unique.
//!
//! Which things:
//! - a reminder the user set, from its day on, until it is done;
//! - a catalog deadline, a route that closes, a renewal declaration window
//!   that closes or a credential that expires, from `LEAD_DAYS` before its
//!   day until the day; a catalog deadline that still needs doing once past
//!   (an abandonment limit) also after it.
//!
//! The key names the person, the thing and its day: the same thing on the
//! same day is one email however often it is scheduled, and a thing whose
//! day moves is a new email.

use std::collections::HashMap;

use labpath_engine::catalog::Catalog;
use labpath_engine::provenance::Provenance;
use labpath_engine::units::Date;
use labpath_store::agenda::{self, Deadline, DeadlineSource, Records};
use labpath_store::ids::PersonId;
use sha2::{Digest, Sha256};

use crate::renewal::{Renewal, RenewalDay};

/// How many days ahead a deadline is emailed: the same as "due soon" in
/// `labpath status`, two weeks, enough to get a document or a fee in.
pub const LEAD_DAYS: i64 = agenda::DUE_SOON_DAYS;

/// One email to send to whoever receives a person's reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Whose.
    pub person: PersonId,
    /// Unique to the thing and its day
    /// (`reminder-email:person3:reminder17:2026-05-01`).
    pub key: String,
    /// The thing's day.
    pub due: Date,
    /// The subject line.
    pub subject: String,
    /// The text: what, when, what to do, and where the rule comes from.
    pub body: String,
}

/// Everything to email about on `today`, by day then person.
pub fn notices(
    catalog: &Catalog,
    records: &Records,
    renewals: &[Renewal],
    names: &HashMap<PersonId, String>,
    today: Date,
) -> Vec<Notice> {
    let name = |p: PersonId| {
        names
            .get(&p)
            .cloned()
            .unwrap_or_else(|| format!("person {p}"))
    };
    let mut out: Vec<Notice> = agenda::deadlines(catalog, records, today)
        .into_iter()
        .filter(|d| is_due(d, today))
        .map(|d| deadline_notice(catalog, records, &d, &name(d.person), today))
        .collect();
    out.extend(
        renewals
            .iter()
            .filter(|r| (0..=LEAD_DAYS).contains(&today.days_until(r.day)))
            .map(|r| renewal_notice(catalog, r, &name(r.person), today)),
    );
    out.sort_by(|a, b| (a.due, a.person, &a.key).cmp(&(b.due, b.person, &b.key)));
    out
}

/// Whether a deadline is emailed today.
fn is_due(d: &Deadline, today: Date) -> bool {
    let left = today.days_until(d.due);
    match d.source {
        DeadlineSource::Reminder { .. } => left <= 0,
        _ => left <= LEAD_DAYS && (left >= 0 || d.stays_overdue),
    }
}

fn key(person: PersonId, thing: &str, due: Date) -> String {
    format!("{}:person{person}:{thing}:{due}", crate::KIND)
}

/// The first hex digits of a text's SHA-256: tells two catalog deadlines of
/// one application on one day apart.
fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// "today", "tomorrow", "in 5 days, on 2026-05-01", "3 days ago, on ...".
fn when(today: Date, due: Date) -> String {
    match today.days_until(due) {
        0 => format!("today, {due}"),
        1 => format!("tomorrow, {due}"),
        n if n < 0 => format!("{} days ago, on {due}", -n),
        n => format!("in {n} days, on {due}"),
    }
}

fn deadline_notice(
    catalog: &Catalog,
    records: &Records,
    d: &Deadline,
    name: &str,
    today: Date,
) -> Notice {
    let app = d
        .application
        .and_then(|id| records.applications.iter().find(|a| a.id == id));
    let about = match app {
        Some(a) => format!("application {} ({})", a.id, a.title),
        None => "no application in particular".to_owned(),
    };
    let when = when(today, d.due);
    let (thing, subject, body) = match &d.source {
        DeadlineSource::Reminder { id } => (
            format!("reminder{id}"),
            format!("labpath reminder: {}", headline(&d.what)),
            format!(
                "Your reminder for {name}, due {when}:\n\n  {}\n\nAbout: {about}.\n\nWhen it is done, mark reminder {id} done in labpath.\n",
                d.what
            ),
        ),
        DeadlineSource::Catalog { provenance } => (
            format!(
                "app{}-deadline-{}",
                d.application.map_or(0, |a| a.get()),
                short_hash(&d.what)
            ),
            match app {
                Some(a) => format!("labpath: application {} deadline {when}", a.id),
                None => format!("labpath: deadline {when}"),
            },
            format!(
                "A deadline for {name}, {when}.\n\nAbout: {about}.\n\nWhat to do: {}.\n\n{}",
                d.what,
                sources(catalog, provenance)
            ),
        ),
        DeadlineSource::RouteCloses { credential } => (
            format!(
                "app{}-route-closes-{credential}",
                d.application.map_or(0, |a| a.get())
            ),
            match app {
                Some(a) => format!("labpath: application {}: submit by {}", a.id, d.due),
                None => format!("labpath: submit by {}", d.due),
            },
            format!(
                "For {name}, {when}.\n\nAbout: {about}.\n\nWhat to do: {}.\n",
                d.what
            ),
        ),
    };
    Notice {
        person: d.person,
        key: key(d.person, &thing, d.due),
        due: d.due,
        subject,
        body: with_footer(body),
    }
}

fn renewal_notice(catalog: &Catalog, r: &Renewal, name: &str, today: Date) -> Notice {
    let when = when(today, r.day);
    let (thing, subject, what) = match r.kind {
        RenewalDay::WindowCloses => (
            "window-closes",
            format!(
                "labpath: {} renewal declaration closes {when}",
                r.abbreviation
            ),
            format!(
                "the renewal declaration window of {} closes {when}: declare the renewal under the {} by then",
                r.abbreviation, r.rules_name
            ),
        ),
        RenewalDay::Expires => (
            "expires",
            format!("labpath: {} expires {when}", r.abbreviation),
            format!(
                "{} expires {when}, at the end of its cycle: renew it under the {} by then",
                r.abbreviation, r.rules_name
            ),
        ),
    };
    let lapse = r
        .lapse
        .as_deref()
        .map(|l| format!("If it lapses: {l}\n\n"))
        .unwrap_or_default();
    let body = format!(
        "For {name}: {what}.\n\nContinuing education for the cycle {} to {}: {}.\n\n{lapse}{}",
        r.cycle.0,
        r.cycle.1,
        r.standing,
        sources(catalog, &r.provenance)
    );
    Notice {
        person: r.person,
        key: key(
            r.person,
            &format!("ce-{}-{}-{thing}", r.credential, r.rules),
            r.day,
        ),
        due: r.day,
        subject,
        body: with_footer(body),
    }
}

/// A reminder's first line, at most 70 characters, for a subject.
fn headline(what: &str) -> String {
    let line = what.lines().next().unwrap_or("").trim();
    if line.chars().count() <= 70 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(69).collect();
    format!("{}…", cut.trim_end())
}

/// "Source (official, as of 2025-05-01):" and one line per source.
fn sources(catalog: &Catalog, p: &Provenance) -> String {
    let mut text = format!("Source ({}, as of {}):\n", p.confidence, p.as_of);
    for id in &p.sources {
        match catalog.source(id.as_str()) {
            Some(s) => text.push_str(&format!("  - {} <{}>\n", s.title, s.url)),
            None => text.push_str(&format!("  - {id}\n")),
        }
    }
    if let Some(note) = &p.note {
        text.push_str(&format!("  Note: {note}\n"));
    }
    text
}

fn with_footer(body: String) -> String {
    format!("{body}\n-- \nlabpath sends this email once.\n")
}

#[cfg(test)]
mod tests {
    use labpath_engine::catalog::CatalogParts;
    use labpath_store::ids::EventId;
    use labpath_store::model::Reminder;

    use super::*;

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
        let catalog = Catalog::from_checked_parts(CatalogParts::default());
        let records = Records {
            reminders,
            ..Records::default()
        };
        notices(&catalog, &records, &[], &HashMap::new(), today)
            .into_iter()
            .map(|n| n.key)
            .collect()
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
        assert_eq!(first, ["reminder-email:person1:reminder7:2026-04-30"]);
        let moved = keys(vec![reminder(7, today, None)], today);
        assert_eq!(moved, ["reminder-email:person1:reminder7:2026-05-01"]);
    }

    /// A catalog whose one step sets two deadlines 30 days after
    /// submission, and an application of it submitted on `submitted`.
    fn two_deadlines(submitted: Date) -> (Catalog, Records) {
        use labpath_engine::step::{DeadlineAnchor, StepDeadline};
        use labpath_store::ids::ApplicationId;
        use labpath_store::model::Application;
        use labpath_store::status::AppStatus;
        use labpath_store::time::Timestamp;

        let shipped = labpath_catalog::catalog::embedded().unwrap();
        let mut step = shipped.steps()[0].clone();
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
        let catalog = Catalog::from_checked_parts(CatalogParts {
            steps: vec![step],
            ..CatalogParts::default()
        });
        let records = Records {
            applications: vec![application],
            ..Records::default()
        };
        (catalog, records)
    }

    fn deadline_keys(submitted: Date, today: Date) -> Vec<String> {
        let (catalog, records) = two_deadlines(submitted);
        notices(&catalog, &records, &[], &HashMap::new(), today)
            .into_iter()
            .map(|n| n.key)
            .collect()
    }

    /// Two deadlines of one application on one day are two emails; asked
    /// again on a later day of the lead time they are the same two (the
    /// queue takes each key once); a deadline whose day moves is new.
    #[test]
    fn two_catalog_deadlines_on_one_day_get_two_keys_that_last_until_their_day_moves() {
        let submitted = Date::parse("2026-04-10").unwrap();
        let due = submitted.add_days(30);
        let first = deadline_keys(submitted, due.add_days(-LEAD_DAYS));
        assert_eq!(first.len(), 2, "{first:?}");
        assert_ne!(first[0], first[1], "one key for two deadlines");
        for key in &first {
            assert!(
                key.starts_with("reminder-email:person1:app4-deadline-")
                    && key.ends_with(":2026-05-10"),
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

    #[test]
    fn when_says_the_day_in_words() {
        let today = Date::parse("2026-05-01").unwrap();
        assert_eq!(when(today, today), "today, 2026-05-01");
        assert_eq!(when(today, today.add_days(1)), "tomorrow, 2026-05-02");
        assert_eq!(when(today, today.add_days(10)), "in 10 days, on 2026-05-11");
        assert_eq!(when(today, today.add_days(-3)), "3 days ago, on 2026-04-28");
    }
}
