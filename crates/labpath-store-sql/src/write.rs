//! Writing the tracker, once for both backends: an event is appended and
//! the derived tables updated inside the caller's transaction, which the
//! backend opened with its writers' lock held (SQLite's `BEGIN IMMEDIATE`,
//! PostgreSQL's advisory lock), so ids can be MAX + 1 and what was checked
//! still holds when it commits. The checks and the new state are
//! `labpath_store::port::derive`'s; this module assigns ids and writes the
//! rows it says change.

use labpath_store::StoreError;
use labpath_store::ce::IndexChange;
use labpath_store::event::{Change, Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId, UserId};
use labpath_store::model::{ApplicationState, ChecklistItem, NewPerson, Person, Reminder};
use labpath_store::once::{Answering, KEEP_SECONDS, RequestKey, Write, Written};
use labpath_store::port::{Derived, derive};
use labpath_store::state::check_new_texts;
use labpath_store::time::Timestamp;

use crate::conn::{Conn, Param, Sql, fetch_row};
use crate::query;
use crate::read::{Tables, scalar};
use crate::rows::{RequestKeyRow, sender_word};

/// Appends a new change at `now`: assigns the ids, records the event,
/// derives. A refusal leaves the transaction for the caller to drop.
pub async fn append<C: Conn + ?Sized>(
    conn: &mut C,
    pending: Pending,
    now: Timestamp,
) -> Result<Event, StoreError> {
    // Texts over their limits and control characters are refused before
    // the event row is written (PostgreSQL's text cannot hold NUL), as the
    // derivation would refuse control characters after it.
    check_new_texts(&pending.change)?;
    let person = match (&pending.change, pending.person) {
        (Change::PersonAdded { .. }, _) => {
            PersonId::from_raw(next_id(conn, query::NEXT_PERSON_ID).await?)
        }
        (_, Some(p)) => p,
        (change, None) => {
            return Err(StoreError::Invalid(format!(
                "a `{}` change needs a person",
                change.kind()
            )));
        }
    };
    let application = match &pending.change {
        Change::ApplicationCreated(_) => Some(ApplicationId::from_raw(
            next_id(conn, query::NEXT_APPLICATION_ID).await?,
        )),
        _ => pending.application,
    };
    let event = Event {
        id: EventId::from_raw(next_id(conn, query::NEXT_EVENT_ID).await?),
        at: now,
        actor: pending.actor,
        person,
        application,
        change: pending.change,
    };
    record(conn, &event).await?;
    Ok(event)
}

/// Adds people at `now`, each followed by their first profile (version 1)
/// when they have one, person after person, in the caller's transaction;
/// returns the events recorded (`labpath_store::once::people_added` reads
/// the people from them). A refusal leaves the transaction for the caller
/// to drop, so a batch is added whole or not at all.
pub async fn add_people<C: Conn + ?Sized>(
    conn: &mut C,
    actor: &str,
    people: Vec<NewPerson>,
    now: Timestamp,
) -> Result<Vec<Event>, StoreError> {
    let pending = |person: Option<PersonId>, change: Change| Pending {
        actor: actor.to_owned(),
        person,
        application: None,
        change,
    };
    let mut events = Vec::with_capacity(people.len() * 2);
    for p in people {
        let change = Change::PersonAdded {
            name: p.name.trim().to_owned(),
            organization: p.organization,
        };
        let added = append(conn, pending(None, change), now).await?;
        let person = added.person;
        events.push(added);
        if let Some(profile) = p.profile {
            let change = Change::ProfileRecorded {
                version: 1,
                profile,
            };
            events.push(append(conn, pending(Some(person), change), now).await?);
        }
    }
    Ok(events)
}

/// Records a write at `now` in the caller's transaction, with its request
/// key when it has one (see `labpath_store::once`): a key the principal
/// sent within a day records nothing and answers the first answer, or
/// `KeyReused` for another request. Keys older than a day are forgotten
/// first. A refusal leaves the transaction for the caller to drop, key and
/// all.
pub async fn write<C: Conn + ?Sized>(
    conn: &mut C,
    write: Write,
    key: Option<(&RequestKey, Answering<'_>)>,
    now: Timestamp,
) -> Result<Written, StoreError> {
    if let Some((key, _)) = key {
        let forget = Sql::new(query::FORGET_REQUEST_KEYS, "forgetting old request keys")
            .bind(now.plus_seconds(-KEEP_SECONDS));
        conn.execute(forget).await?;
        let sql = Sql::new(query::REQUEST_KEY, "reading a request key")
            .bind(key.principal.as_str())
            .bind(key.key.as_str());
        if let Some(row) = fetch_row::<RequestKeyRow, _>(conn, sql).await? {
            if row.fingerprint != key.fingerprint {
                return Ok(Written::KeyReused);
            }
            return row.into_answer().map(Written::Replayed);
        }
    }
    let events = match write {
        Write::Append(pending) => {
            let mut events = Vec::with_capacity(pending.len());
            for p in pending {
                events.push(append(conn, p, now).await?);
            }
            events
        }
        Write::AddPeople { actor, people } => add_people(conn, &actor, people, now).await?,
    };
    if let Some((key, answering)) = key {
        let sql = Sql::new(query::INSERT_REQUEST_KEY, "recording a request key")
            .bind(key.principal.as_str())
            .bind(key.key.as_str())
            .bind(key.fingerprint.as_str())
            .bind(now)
            .bind(Param::Small(Some(i32::from(key.status))))
            .bind(answering(&events)?.as_str());
        conn.execute(sql).await?;
    }
    Ok(Written::Recorded(events))
}

/// Records an event that has its id and time (a new one, or an import's).
pub async fn record<C: Conn + ?Sized>(conn: &mut C, event: &Event) -> Result<(), StoreError> {
    let sql = Sql::new(query::INSERT_EVENT, "recording an event")
        .bind(event.id.get())
        .bind(event.at)
        .bind(event.actor.as_str())
        .bind(event.person.get())
        .bind(event.application.map(ApplicationId::get))
        .bind(event.change.kind())
        .bind(Param::json(&event.change)?);
    conn.execute(sql).await?;
    let derived = derive(&mut Tables(&mut *conn), event).await?;
    write_derived(conn, event, derived).await?;
    let drop_line =
        Sql::new(query::DROP_BOARD_LINE, "dropping a dashboard line").bind(event.person.get());
    conn.execute(drop_line).await.map(drop)
}

async fn next_id<C: Conn + ?Sized>(conn: &mut C, sql: &str) -> Result<i64, StoreError> {
    scalar(conn, Sql::new(sql, "assigning an id")).await
}

/// Writes the rows a checked event changes.
async fn write_derived<C: Conn + ?Sized>(
    conn: &mut C,
    event: &Event,
    derived: Derived,
) -> Result<(), StoreError> {
    match derived {
        Derived::PersonAdded(p) => insert_person(conn, &p).await,
        Derived::PersonChanged(p) => write_person(conn, &p, event).await,
        Derived::ApplicationCreated(state) => insert_application(conn, &state).await,
        Derived::ApplicationChanged(state) => write_application(conn, &state, event).await,
        Derived::ReminderSet(r) => insert_reminder(conn, &r).await,
        Derived::ReminderDone { reminder, on } => {
            let sql = Sql::new(query::COMPLETE_REMINDER, "completing a reminder")
                .bind(on)
                .bind(reminder.get());
            conn.execute(sql).await.map(drop)
        }
        Derived::CeLog(change) => write_ce_index(conn, event, change).await,
    }
}

/// Writes what a CE change does to the index of the person's log.
async fn write_ce_index<C: Conn + ?Sized>(
    conn: &mut C,
    event: &Event,
    change: IndexChange,
) -> Result<(), StoreError> {
    let doing = "updating the CE log's index";
    let statements = match change {
        IndexChange::Add {
            activity,
            certificate,
            import,
        } => vec![
            Sql::new(query::CE_INDEX_ADD, doing)
                .bind(activity.get())
                .bind(event.person.get())
                .bind(&certificate)
                .bind(import.map(EventId::get)),
        ],
        IndexChange::Withdraw(activity) => {
            vec![Sql::new(query::CE_INDEX_WITHDRAW, doing).bind(activity.get())]
        }
        IndexChange::Open(import) => vec![
            Sql::new(query::CE_IMPORT_START, doing)
                .bind(import.get())
                .bind(event.person.get()),
        ],
        IndexChange::Complete(import) => vec![
            Sql::new(query::CE_IMPORT_COMPLETE, doing).bind(import.get()),
            Sql::new(query::CE_IMPORT_CLOSE, doing).bind(import.get()),
        ],
        IndexChange::Abandon(import) => vec![
            Sql::new(query::CE_IMPORT_DROP, doing).bind(import.get()),
            Sql::new(query::CE_IMPORT_CLOSE, doing).bind(import.get()),
        ],
    };
    for sql in statements {
        conn.execute(sql).await?;
    }
    Ok(())
}

async fn insert_person<C: Conn + ?Sized>(conn: &mut C, p: &Person) -> Result<(), StoreError> {
    let sql = Sql::new(query::INSERT_PERSON, "adding a person")
        .bind(p.id.get())
        .bind(&p.name)
        .bind(p.created_at)
        .bind(Param::small("profile version", p.profile_version)?)
        .bind(p.organization.map(OrgId::get));
    conn.execute(sql).await.map(drop)
}

/// Writes back a person after a person-level change, and the profile
/// version it records.
async fn write_person<C: Conn + ?Sized>(
    conn: &mut C,
    p: &Person,
    event: &Event,
) -> Result<(), StoreError> {
    let sql = Sql::new(query::UPDATE_PERSON, "updating a person")
        .bind(&p.name)
        .bind(Param::small("profile version", p.profile_version)?)
        .bind(p.id.get())
        .bind(p.owner.map(UserId::get));
    conn.execute(sql).await?;
    if let Change::ProfileRecorded { version, profile } = &event.change {
        let sql = Sql::new(query::INSERT_PROFILE, "recording a profile")
            .bind(event.person.get())
            .bind(Param::small("profile version", *version)?)
            .bind(event.id.get())
            .bind(event.at)
            .bind(Param::json(profile)?);
        conn.execute(sql).await?;
    }
    Ok(())
}

async fn insert_application<C: Conn + ?Sized>(
    conn: &mut C,
    state: &ApplicationState,
) -> Result<(), StoreError> {
    let a = &state.application;
    let sql = Sql::new(query::INSERT_APPLICATION, "creating an application")
        .bind(a.id.get())
        .bind(a.person.get())
        .bind(&a.step)
        .bind(&a.title)
        .bind(&a.body)
        .bind(a.status.as_str())
        .bind(a.status_on)
        .bind(a.created_at)
        .bind(a.last_event.get())
        .bind(&a.reference);
    conn.execute(sql).await?;
    for item in &state.checklist {
        let sql = Sql::new(query::INSERT_ITEM, "creating a checklist")
            .bind(item.application.get())
            .bind(Param::small("checklist position", item.position)?)
            .bind(&item.key)
            .bind(&item.name)
            .bind(sender_word(item.sender).as_str())
            .bind(item.status.as_str());
        conn.execute(sql).await?;
    }
    Ok(())
}

/// Writes back the application row, and the row the event adds or changes.
async fn write_application<C: Conn + ?Sized>(
    conn: &mut C,
    state: &ApplicationState,
    event: &Event,
) -> Result<(), StoreError> {
    let a = &state.application;
    let sql = Sql::new(query::UPDATE_APPLICATION, "updating an application")
        .bind(&a.reference)
        .bind(a.status.as_str())
        .bind(a.status_on)
        .bind(a.waiting_since)
        .bind(a.submitted_on)
        .bind(a.approved_on)
        .bind(Param::small("contact count", a.contacts_since_waiting)?)
        .bind(a.last_contact_on)
        .bind(a.promised)
        .bind(a.last_event.get())
        .bind(a.id.get());
    conn.execute(sql).await?;
    let sql = match &event.change {
        Change::DocumentChanged(doc) => match state.item(&doc.key) {
            Some(item) => update_item(item),
            None => return Ok(()),
        },
        Change::ContactLogged(entry) => Sql::new(query::INSERT_CONTACT, "recording a contact")
            .bind(event.id.get())
            .bind(a.id.get())
            .bind(event.at)
            .bind(Param::json(entry)?),
        Change::AttachmentAdded(file) => {
            Sql::new(query::INSERT_ATTACHMENT, "recording an attachment")
                .bind(event.id.get())
                .bind(a.id.get())
                .bind(&file.hash)
                .bind(event.at)
                .bind(Param::json(file)?)
        }
        _ => return Ok(()),
    };
    conn.execute(sql).await.map(drop)
}

fn update_item(item: &ChecklistItem) -> Sql {
    Sql::new(query::UPDATE_ITEM, "updating a checklist document")
        .bind(item.status.as_str())
        .bind(item.status_on)
        .bind(&item.requested_from)
        .bind(&item.method)
        .bind(&item.tracking)
        .bind(&item.reason)
        .bind(&item.note)
        .bind(item.application.get())
        .bind(&item.key)
}

async fn insert_reminder<C: Conn + ?Sized>(conn: &mut C, r: &Reminder) -> Result<(), StoreError> {
    let sql = Sql::new(query::INSERT_REMINDER, "setting a reminder")
        .bind(r.id.get())
        .bind(r.person.get())
        .bind(r.application.map(ApplicationId::get))
        .bind(r.due)
        .bind(r.what.as_str());
    conn.execute(sql).await.map(drop)
}

/// Checks an import's log before anything is recorded: the store holds
/// no events yet, and has every organization the log puts people in.
/// `empty` says what an empty store is to the user of this backend.
pub async fn check_import<C: Conn + ?Sized>(
    conn: &mut C,
    events: &[Event],
    empty: &str,
) -> Result<(), StoreError> {
    let held = crate::read::event_count(conn).await?;
    if held > 0 {
        return Err(StoreError::Invalid(format!(
            "the store already holds {held} events: import only into {empty} (nothing was changed)"
        )));
    }
    labpath_store::port::check_import_organizations(&mut Tables(conn), events).await
}
