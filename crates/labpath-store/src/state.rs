//! The current state, derived from events. Every backend calls these same
//! functions inside the transaction that appends an event: `check_*` decides
//! whether the change may be recorded (against the state as it is and the
//! day it is recorded), `apply_*` computes the state after it. `replay`
//! folds a whole log, which is how an import is checked and how the contract
//! suite proves that a backend's tables equal the log.
//!
//! Organizations are accounts (`crate::accounts`), kept outside the log, so
//! these functions cannot see them: a backend finds the organization a change
//! names (`organization_of`) in the same transaction, and an import finds
//! every one its log names (`organizations`) before it records anything.

use std::collections::{BTreeMap, BTreeSet};

use labpath_engine::limits::{MAX_ID, MAX_NOTE, MAX_TEXT};
use labpath_engine::units::Date;

use crate::error::StoreError;
use crate::event::{Change, DocumentChange, Event};
use crate::ids::{ApplicationId, EventId, OrgId, PersonId};
use crate::model::{Application, ApplicationState, ChecklistItem, Person, Reminder};
use crate::status::{AppStatus, DocStatus};

/// A day may be recorded up to one day ahead of the recording day (UTC), so
/// that a person east of Greenwich can record "today". Public so that a use
/// case can check a day before it records anything and name the field the
/// day came from; the store checks it again on every change.
pub fn check_not_future(on: Date, today: Date, what: &str) -> Result<(), StoreError> {
    if on > today.succ() {
        return Err(StoreError::Invalid(format!(
            "{what} `{on}` is in the future: record things once they have happened (today is {today})"
        )));
    }
    Ok(())
}

fn check_text(text: &str, what: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

/// The limit of a text that labpath or the catalog wrote, not a person (a
/// step's name, a file's hash, why an import was abandoned): the catalog's
/// own checks bound it.
const WRITTEN_BY_LABPATH: usize = usize::MAX;

/// Every text a change carries (the profile document aside), with the
/// field that holds it and the most characters it may have
/// (`labpath_engine::limits`).
fn texts(change: &Change) -> Vec<(&'static str, &str, usize)> {
    fn opt<'c>(
        field: &'static str,
        text: &'c Option<String>,
        most: usize,
    ) -> Option<(&'static str, &'c str, usize)> {
        text.as_deref().map(|t| (field, t, most))
    }
    match change {
        Change::PersonAdded { name, .. } | Change::PersonRenamed { name } => {
            vec![("name", name, MAX_TEXT)]
        }
        Change::ProfileRecorded { .. } | Change::ReminderDone { .. } | Change::OwnerSet { .. } => {
            vec![]
        }
        Change::ApplicationCreated(d) => {
            let mut t = vec![
                ("step", d.step.as_str(), WRITTEN_BY_LABPATH),
                ("title", d.title.as_str(), WRITTEN_BY_LABPATH),
            ];
            t.extend(opt("body", &d.body, WRITTEN_BY_LABPATH));
            t.extend(opt("reference", &d.reference, MAX_TEXT));
            for item in &d.checklist {
                t.push(("checklist", item.key.as_str(), WRITTEN_BY_LABPATH));
                t.push(("checklist", item.name.as_str(), WRITTEN_BY_LABPATH));
            }
            t
        }
        Change::StatusChanged { note, .. } => opt("note", note, MAX_NOTE).into_iter().collect(),
        Change::ReferenceSet { reference } => vec![("reference", reference, MAX_TEXT)],
        Change::DocumentChanged(d) => [
            Some(("key", d.key.as_str(), WRITTEN_BY_LABPATH)),
            opt("requested_from", &d.requested_from, MAX_TEXT),
            opt("method", &d.method, MAX_TEXT),
            opt("tracking", &d.tracking, MAX_TEXT),
            opt("reason", &d.reason, MAX_NOTE),
            opt("note", &d.note, MAX_NOTE),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Change::ContactLogged(c) => [
            Some(("summary", c.summary.as_str(), MAX_NOTE)),
            opt("with", &c.with, MAX_TEXT),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Change::AttachmentAdded(a) => [
            Some(("hash", a.hash.as_str(), WRITTEN_BY_LABPATH)),
            Some(("file", a.name.as_str(), MAX_TEXT)),
            Some(("media_type", a.media_type.as_str(), WRITTEN_BY_LABPATH)),
            opt("document", &a.document, MAX_ID),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Change::ReminderSet { what, .. } => vec![("what", what, MAX_TEXT)],
        Change::CeActivityLogged(a) | Change::CeActivityImported { activity: a, .. } => [
            Some(("title", a.title.as_str(), MAX_TEXT)),
            opt("provider", &a.provider, MAX_TEXT),
            opt("accreditation", &a.accreditation, MAX_TEXT),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Change::CeActivityRemoved { reason, .. } => vec![("reason", reason, MAX_NOTE)],
        Change::CeImportStarted { file, .. } => vec![("file", file, MAX_TEXT)],
        Change::CeImportEnded { abandoned, .. } => opt("abandoned", abandoned, WRITTEN_BY_LABPATH)
            .into_iter()
            .collect(),
    }
}

/// Text may hold tabs and line breaks but no other control characters: they
/// are paste accidents, invisible in every listing (and backends may use
/// them as separators).
pub fn check_no_control(change: &Change) -> Result<(), StoreError> {
    texts(change)
        .into_iter()
        .try_for_each(|(_, text, _)| check_plain_text(text))
}

/// Checks the texts of a change about to be recorded: each within its
/// limit (refused at its field) and without control characters. A log
/// recorded before the limits were set is checked for control characters
/// only when it is imported, so that no export is refused by a newer
/// labpath.
pub fn check_new_texts(change: &Change) -> Result<(), StoreError> {
    let texts = texts(change);
    for (field, text, most) in &texts {
        labpath_engine::limits::text(field, text, *most)?;
    }
    texts
        .into_iter()
        .try_for_each(|(_, text, _)| check_plain_text(text))
}

/// A text kept with its line breaks (a CSV cell may hold them), as one line
/// for a place that has one: a table cell, a summary line. Its words are
/// joined by one space; a text that already reads so is lent as it is.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    // A space first, last or after another, or any other ASCII whitespace
    // (tab to carriage return), needs the words joined again; so does a
    // text with other Unicode whitespace (looked for only when it has
    // non-ASCII bytes). Each test is a scan of the whole text, not a
    // branch per byte.
    let control = text
        .bytes()
        .fold(false, |any, b| any | (b.wrapping_sub(b'\t') < 5));
    let joined = control || text.starts_with(' ') || text.ends_with(' ') || text.contains("  ");
    let unicode_space = || text.chars().any(|c| c.is_whitespace() && c != ' ');
    if !joined && (text.is_ascii() || !unicode_space()) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// One text checked as `check_no_control` checks a change's texts.
pub fn check_plain_text(text: &str) -> Result<(), StoreError> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(StoreError::Invalid(format!(
            "{:?} holds a control character: retype it without one",
            text.chars().take(60).collect::<String>()
        )));
    }
    Ok(())
}

/// Checks a person-level change: adding, renaming, a new profile version.
pub fn check_person(person: Option<&Person>, change: &Change) -> Result<(), StoreError> {
    check_no_control(change)?;
    match (person, change) {
        (None, Change::PersonAdded { name, .. }) => check_text(name, "a person's name"),
        (Some(_), Change::PersonRenamed { name }) => check_text(name, "a person's name"),
        (Some(_), Change::OwnerSet { .. }) => Ok(()),
        (Some(p), Change::ProfileRecorded { version, profile }) => {
            if *version != p.profile_version + 1 {
                return Err(StoreError::Conflict(format!(
                    "person {} now has profile version {}: read it again before recording version {version}",
                    p.id, p.profile_version
                )));
            }
            if !profile.is_object() {
                return Err(StoreError::Invalid(
                    "a profile must be a document (an object)".to_owned(),
                ));
            }
            Ok(())
        }
        (Some(_), Change::ReminderSet { due: _, what }) => check_text(what, "a reminder"),
        (
            Some(_),
            Change::CeActivityLogged(activity) | Change::CeActivityImported { activity, .. },
        ) => crate::ce::check_activity(activity),
        (Some(_), Change::CeImportStarted { file, .. }) => {
            check_text(file, "an import's file name")
        }
        (Some(_), Change::CeImportEnded { abandoned, .. }) => match abandoned {
            Some(why) => check_text(why, "why an import was abandoned"),
            None => Ok(()),
        },
        (Some(_), Change::CeActivityRemoved { reason, .. }) => {
            check_text(reason, "the reason for withdrawing an activity")
        }
        (Some(_), Change::ApplicationCreated(data)) => {
            check_text(&data.step, "an application's step")?;
            if let Some(reference) = &data.reference {
                check_text(reference, "a reference number")?;
            }
            let mut keys = std::collections::HashSet::new();
            for item in &data.checklist {
                if !keys.insert(item.key.as_str()) {
                    return Err(StoreError::Invalid(format!(
                        "the checklist names document `{}` twice",
                        item.key
                    )));
                }
            }
            Ok(())
        }
        (None, _) => Err(StoreError::Invalid(format!(
            "a `{}` change needs a person",
            change.kind()
        ))),
        (Some(p), _) => Err(StoreError::Invalid(format!(
            "a `{}` change for person {} needs an application",
            change.kind(),
            p.id
        ))),
    }
}

/// The person after a person-level change (or a new one, for `PersonAdded`).
pub fn apply_person(person: Option<Person>, event: &Event) -> Option<Person> {
    match (&event.change, person) {
        (Change::PersonAdded { name, organization }, _) => Some(Person {
            id: event.person,
            name: name.clone(),
            created_at: event.at,
            profile_version: 0,
            organization: *organization,
            owner: None,
        }),
        (Change::OwnerSet { owner }, Some(mut p)) => {
            p.owner = *owner;
            Some(p)
        }
        (Change::PersonRenamed { name }, Some(mut p)) => {
            p.name = name.clone();
            Some(p)
        }
        (Change::ProfileRecorded { version, .. }, Some(mut p)) => {
            p.profile_version = *version;
            Some(p)
        }
        (_, p) => p,
    }
}

/// The organization a change puts its person in, which the backend must
/// find before recording it (an unknown one is `NotFound`). Only
/// `PersonAdded` names one: a person never changes organization.
pub fn organization_of(change: &Change) -> Option<OrgId> {
    match change {
        Change::PersonAdded { organization, .. } => *organization,
        _ => None,
    }
}

/// Every organization a log puts people in, in id order: what a store must
/// hold before it imports the log.
pub fn organizations<'e>(events: impl IntoIterator<Item = &'e Event>) -> BTreeSet<OrgId> {
    events
        .into_iter()
        .filter_map(|e| organization_of(&e.change))
        .collect()
}

/// An import's refusal of a log that puts people in an organization the
/// store does not have. An export carries the log, not the accounts, so the
/// organizations must be created first, with the same ids.
pub fn missing_organization(org: OrgId) -> StoreError {
    StoreError::Invalid(format!(
        "the log puts people in organization `{org}`, which this store does not have: an export does not carry organizations, so create them first (with the same ids); nothing was imported"
    ))
}

/// Checks that a reminder may be marked done.
pub fn check_reminder_done(reminder: &Reminder, event: &Event, on: Date) -> Result<(), StoreError> {
    if reminder.person != event.person || reminder.application != event.application {
        let of = |person: PersonId, app: Option<ApplicationId>| match app {
            Some(app) => format!("person {person}, application {app}"),
            None => format!("person {person}"),
        };
        return Err(StoreError::Invalid(format!(
            "reminder {} is for {}, not {}",
            reminder.id,
            of(reminder.person, reminder.application),
            of(event.person, event.application)
        )));
    }
    let today = event.at.date();
    if let Some(done) = reminder.done_on {
        return Err(StoreError::Conflict(format!(
            "reminder {} was already done on {done}",
            reminder.id
        )));
    }
    check_not_future(on, today, "the day")
}

/// Checks that an event names the records its change needs: an
/// application's creation names the application it creates (without it,
/// the application would be lost from every table while its event stays).
pub fn check_ids(event: &Event) -> Result<(), StoreError> {
    if matches!(event.change, Change::ApplicationCreated(_)) && event.application.is_none() {
        return Err(StoreError::Invalid(
            "an `application_created` event needs the id of the application it creates".to_owned(),
        ));
    }
    Ok(())
}

/// A new reminder, from its `ReminderSet` event.
pub fn reminder_set(event: &Event) -> Option<Reminder> {
    let Change::ReminderSet { due, what } = &event.change else {
        return None;
    };
    Some(Reminder {
        id: event.id,
        person: event.person,
        application: event.application,
        due: *due,
        what: what.clone(),
        done_on: None,
    })
}

/// A new application's state, from its `ApplicationCreated` event.
pub fn created(event: &Event, id: ApplicationId) -> Option<ApplicationState> {
    let Change::ApplicationCreated(data) = &event.change else {
        return None;
    };
    let checklist = data
        .checklist
        .iter()
        .enumerate()
        .map(|(i, seed)| ChecklistItem {
            application: id,
            position: u32::try_from(i).unwrap_or(u32::MAX),
            key: seed.key.clone(),
            name: seed.name.clone(),
            sender: seed.sender,
            status: DocStatus::Needed,
            status_on: None,
            requested_from: None,
            method: None,
            tracking: None,
            reason: None,
            note: None,
        })
        .collect();
    Some(ApplicationState {
        application: Application {
            id,
            person: event.person,
            step: data.step.clone(),
            title: data.title.clone(),
            body: data.body.clone(),
            reference: data.reference.clone(),
            status: AppStatus::Draft,
            status_on: event.at.date(),
            waiting_since: None,
            submitted_on: None,
            approved_on: None,
            contacts_since_waiting: 0,
            last_contact_on: None,
            promised: None,
            created_at: event.at,
            last_event: event.id,
        },
        checklist,
    })
}

impl ApplicationState {
    /// The checklist item with this key.
    pub fn item(&self, key: &str) -> Option<&ChecklistItem> {
        self.checklist.iter().find(|i| i.key == key)
    }

    /// The checklist item with this key, or `Invalid` naming the keys it has.
    pub fn item_or_not_found(&self, key: &str) -> Result<&ChecklistItem, StoreError> {
        self.item(key).ok_or_else(|| {
            let keys: Vec<&str> = self.checklist.iter().map(|i| i.key.as_str()).collect();
            StoreError::Invalid(format!(
                "application {} has no document `{}`: its checklist has {}",
                self.application.id,
                labpath_engine::limits::quote(key),
                if keys.is_empty() {
                    "no documents".to_owned()
                } else {
                    keys.join(", ")
                }
            ))
        })
    }

    /// Whether `change` may be recorded on `today` (the recording day).
    pub fn check(&self, change: &Change, today: Date) -> Result<(), StoreError> {
        check_no_control(change)?;
        let app = &self.application;
        match change {
            Change::StatusChanged { from, to, on, .. } => {
                if *from != app.status {
                    return Err(StoreError::Conflict(format!(
                        "application {} is now {}, not {from}: it changed meanwhile; look again with `labpath app show {}`",
                        app.id, app.status, app.id
                    )));
                }
                from.check_move(*to).map_err(|why| {
                    StoreError::InvalidTransition(format!(
                        "cannot change application {} from {from} to {to}: {why}",
                        app.id
                    ))
                })?;
                check_not_future(*on, today, "the day")?;
                // A draft's day is the day it was recorded, and the
                // application may well have been submitted before that.
                if app.status != AppStatus::Draft && *on < app.status_on {
                    return Err(StoreError::Invalid(format!(
                        "cannot date the change {on}: application {} became {} on {}",
                        app.id, app.status, app.status_on
                    )));
                }
                Ok(())
            }
            Change::ReferenceSet { reference } => check_text(reference, "a reference number"),
            Change::DocumentChanged(doc) => self.check_document(doc, today),
            Change::ContactLogged(entry) => {
                check_text(&entry.summary, "a contact's summary")?;
                check_not_future(entry.on, today, "the contact day")
            }
            Change::AttachmentAdded(file) => match &file.document {
                Some(key) => self.item_or_not_found(key).map(|_| ()),
                None => Ok(()),
            },
            Change::ReminderSet { what, .. } => check_text(what, "a reminder"),
            other => Err(StoreError::Invalid(format!(
                "a `{}` change does not apply to an application",
                other.kind()
            ))),
        }
    }

    fn check_document(&self, doc: &DocumentChange, today: Date) -> Result<(), StoreError> {
        let app = self.application.id;
        let item = self.item_or_not_found(&doc.key)?;
        if item.status != doc.from {
            return Err(StoreError::Conflict(format!(
                "document `{}` of application {app} is now {}, not {}: it changed meanwhile",
                doc.key, item.status, doc.from
            )));
        }
        doc.from.check_move(doc.to).map_err(|why| {
            StoreError::InvalidTransition(format!(
                "cannot change document `{}` of application {app} from {} to {}: {why}",
                doc.key, doc.from, doc.to
            ))
        })?;
        check_not_future(doc.on, today, "the day")?;
        if let Some(since) = item.status_on {
            if doc.on < since {
                return Err(StoreError::Invalid(format!(
                    "cannot date the change {}: document `{}` became {} on {since}",
                    doc.on, doc.key, item.status
                )));
            }
        }
        if doc.to == DocStatus::Rejected
            && doc.reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            return Err(StoreError::Invalid(format!(
                "a rejected document needs the reason the body gave (`reason`) for `{}`",
                doc.key
            )));
        }
        Ok(())
    }

    /// The state after `event` (already checked).
    pub fn apply(&mut self, event: &Event) {
        let app = &mut self.application;
        app.last_event = event.id;
        match &event.change {
            Change::StatusChanged { to, on, .. } => {
                let reopened = app.status.is_decided();
                app.status = *to;
                app.status_on = *on;
                if to.is_waiting() && (app.waiting_since.is_none() || reopened) {
                    app.waiting_since = Some(*on);
                    app.contacts_since_waiting = 0;
                    app.promised = None;
                }
                if !to.is_waiting() {
                    app.waiting_since = None;
                }
                if *to == AppStatus::Submitted && app.submitted_on.is_none() {
                    app.submitted_on = Some(*on);
                }
                if *to == AppStatus::Approved {
                    app.approved_on = Some(*on);
                }
            }
            Change::ReferenceSet { reference } => app.reference = Some(reference.clone()),
            Change::ContactLogged(entry) => {
                if app.waiting_since.is_some_and(|since| entry.on >= since) {
                    app.contacts_since_waiting += 1;
                }
                app.last_contact_on = app.last_contact_on.max(Some(entry.on));
                if entry.promised.is_some() {
                    app.promised = entry.promised;
                }
            }
            Change::DocumentChanged(doc) => {
                if let Some(item) = self.checklist.iter_mut().find(|i| i.key == doc.key) {
                    apply_document(item, doc);
                }
            }
            _ => {}
        }
    }
}

fn apply_document(item: &mut ChecklistItem, doc: &DocumentChange) {
    item.status = doc.to;
    item.status_on = Some(doc.on);
    if doc.requested_from.is_some() {
        item.requested_from = doc.requested_from.clone();
    }
    if doc.to == DocStatus::Sent {
        item.method = doc.method.clone();
        item.tracking = doc.tracking.clone();
    }
    item.reason = if doc.to == DocStatus::Rejected {
        doc.reason.clone()
    } else {
        None
    };
    if doc.note.is_some() {
        item.note = doc.note.clone();
    }
}

/// Everything a log derives to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// People by id.
    pub people: BTreeMap<PersonId, Person>,
    /// Applications by id.
    pub applications: BTreeMap<ApplicationId, ApplicationState>,
    /// Reminders by id.
    pub reminders: BTreeMap<EventId, Reminder>,
}

/// Folds a whole log, checking every event as a backend would have when it
/// was recorded (each against the day it was recorded). Fails at the first
/// event that could not have been recorded, naming it.
pub fn replay<'e>(events: impl IntoIterator<Item = &'e Event>) -> Result<Derived, StoreError> {
    let mut d = Derived::default();
    let mut last: Option<EventId> = None;
    for event in events {
        if last.is_some_and(|l| event.id <= l) {
            return Err(StoreError::Invalid(format!(
                "event {} comes after event {}: a log is in increasing order",
                event.id,
                last.map(EventId::get).unwrap_or_default()
            )));
        }
        last = Some(event.id);
        step(&mut d, event).map_err(|e| match e {
            StoreError::Invalid(m) => StoreError::Invalid(format!("event {}: {m}", event.id)),
            StoreError::InvalidTransition(m) => {
                StoreError::InvalidTransition(format!("event {}: {m}", event.id))
            }
            StoreError::Conflict(m) => StoreError::Invalid(format!("event {}: {m}", event.id)),
            other => other,
        })?;
    }
    Ok(d)
}

fn step(d: &mut Derived, event: &Event) -> Result<(), StoreError> {
    check_ids(event)?;
    let today = event.at.date();
    let person = d.people.get(&event.person).cloned();
    if let Change::PersonAdded { .. } = event.change {
        if person.is_some() {
            return Err(StoreError::Invalid(format!(
                "person {} is added twice",
                event.person
            )));
        }
    } else if person.is_none() {
        return Err(StoreError::not_found("person", event.person));
    }
    match (&event.change, event.application) {
        (Change::ApplicationCreated(_), Some(id)) => {
            check_person(person.as_ref(), &event.change)?;
            if d.applications.contains_key(&id) {
                return Err(StoreError::Invalid(format!(
                    "application {id} is created twice"
                )));
            }
            if let Some(state) = created(event, id) {
                d.applications.insert(id, state);
            }
        }
        (Change::ReminderDone { reminder, on }, _) => {
            let r = d
                .reminders
                .get_mut(reminder)
                .ok_or_else(|| StoreError::not_found("reminder", reminder))?;
            check_reminder_done(r, event, *on)?;
            r.done_on = Some(*on);
        }
        (Change::ReminderSet { .. }, app) => {
            if let Some(id) = app {
                let state = d
                    .applications
                    .get(&id)
                    .ok_or_else(|| StoreError::not_found("application", id))?;
                if state.application.person != event.person {
                    return Err(StoreError::Invalid(format!(
                        "application {id} belongs to person {}, not {}",
                        state.application.person, event.person
                    )));
                }
                state.check(&event.change, today)?;
            } else {
                check_person(person.as_ref(), &event.change)?;
            }
            d.reminders.extend(reminder_set(event).map(|r| (r.id, r)));
        }
        (_, Some(id)) => {
            let state = d
                .applications
                .get_mut(&id)
                .ok_or_else(|| StoreError::not_found("application", id))?;
            if state.application.person != event.person {
                return Err(StoreError::Invalid(format!(
                    "application {id} belongs to person {}, not {}",
                    state.application.person, event.person
                )));
            }
            state.check(&event.change, today)?;
            state.apply(event);
        }
        (_, None) => {
            check_person(person.as_ref(), &event.change)?;
            if let Some(p) = apply_person(person, event) {
                d.people.insert(p.id, p);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::one_line;
    use std::borrow::Cow;

    #[test]
    fn one_line_joins_words_by_one_space_and_lends_a_text_that_reads_so() {
        let cases = [
            ("MLS(ASCP)CM", "MLS(ASCP)CM", true),
            ("a b c", "a b c", true),
            ("", "", true),
            ("a  b", "a b", false),
            (" a b", "a b", false),
            ("a b ", "a b", false),
            ("a\nb", "a b", false),
            ("a\r\n\tb", "a b", false),
            ("a\x0bb\x0cc", "a b c", false),
            // Control characters that are not whitespace stay (the stores
            // refuse them on the way in).
            ("a\x08b\x0ec", "a\x08b\x0ec", true),
            ("a\u{a0}b", "a b", false),
            ("é b", "é b", true),
            ("é  b", "é b", false),
            ("a\u{3000}b", "a b", false),
            ("\n", "", false),
        ];
        for (text, want, lent) in cases {
            let got = one_line(text);
            assert_eq!(got, want, "{text:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), lent, "{text:?}");
        }
    }
}
