//! Writes a client may send twice. A creating request that carries a key
//! (HTTP's `Idempotency-Key`) is recorded together with that key, the
//! request's fingerprint and the answer it got, in the transaction of the
//! write itself: a retry after a cut connection then finds the key and gets
//! the first answer back instead of a second record, and there is no moment
//! at which the record exists without its key (or the key without the
//! record). Keys are kept for [`KEEP_SECONDS`], apart for each principal.

use crate::error::StoreError;
use crate::event::{Change, Event, Pending};
use crate::model::{NewPerson, Person};
use crate::state::apply_person;

/// How long a key is remembered: a day. An older key is forgotten, and the
/// same key then makes a new record.
pub const KEEP_SECONDS: i64 = 24 * 60 * 60;

/// A creating request's key, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    /// Whose key it is (`user 3`, or `local`): two principals' keys never
    /// meet.
    pub principal: String,
    /// The key as the client sent it.
    pub key: String,
    /// What the request asked (a hash of its method, path and body): the
    /// same key with another request is refused.
    pub fingerprint: String,
    /// The status the first answer was given with (HTTP's 201).
    pub status: u16,
}

/// An answer kept with a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its body, as sent.
    pub body: String,
}

/// A write, as [`crate::Store::append_all`] or
/// [`crate::Store::add_people`] takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Changes, each checked against the state the ones before it left.
    Append(Vec<Pending>),
    /// People, each followed by their first profile when they have one.
    AddPeople {
        /// Who adds them.
        actor: String,
        /// The people.
        people: Vec<NewPerson>,
    },
}

/// Makes the answer's body from the events a write recorded, inside its
/// transaction (so it must not fail for want of anything but the events).
pub type Answering<'a> = &'a (dyn Fn(&[Event]) -> Result<String, StoreError> + Send + Sync);

/// What a keyed write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// It was recorded (with its key, when it had one): the events, in order.
    Recorded(Vec<Event>),
    /// The principal sent the key before with the same request: nothing
    /// was recorded, and this is the first answer.
    Replayed(Answer),
    /// The principal sent the key before with another request: nothing
    /// was recorded.
    KeyReused,
}

/// The people a [`Write::AddPeople`] recorded, in order, from its events:
/// each person after their own events (the profile's version).
pub fn people_added(events: &[Event]) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    for event in events {
        if let Change::PersonAdded { .. } = event.change {
            people.extend(apply_person(None, event));
        } else if let Some(last) = people.last_mut().filter(|p| p.id == event.person) {
            if let Some(p) = apply_person(Some(last.clone()), event) {
                *last = p;
            }
        }
    }
    people
}

impl Written {
    /// The events of a write recorded without a key (which is never
    /// replayed).
    pub fn recorded(self) -> Result<Vec<Event>, StoreError> {
        match self {
            Written::Recorded(events) => Ok(events),
            Written::Replayed(_) | Written::KeyReused => Err(StoreError::Other(
                "a write without a request key was answered as a repeated request".to_owned(),
            )),
        }
    }
}
