//! Creating use cases that a client may repeat: each makes its records in
//! one write, and, when the request came with a key (the API's
//! `Idempotency-Key`), has the store keep that key and the answer in the
//! same transaction (see `labpath_store::once`). A repeat of the request
//! then gets the first answer back, and the same key with another request
//! is refused.

use labpath_store::StoreError;
use labpath_store::event::Event;
use labpath_store::once::{Answering, Write, Written};
use serde::Serialize;

pub use labpath_store::once::{Answer, RequestKey};

use crate::{App, AppError};

/// What a creating use case made, or the first answer to a request the
/// principal sent before with the same key.
#[derive(Debug, Clone, PartialEq)]
pub enum Made<T> {
    /// Made now.
    New(T),
    /// Made by the first request with this key; its answer, as given then.
    Replayed(Answer),
}

impl<T> Made<T> {
    /// What was made, for a caller that sends no key (which is never
    /// answered with a replay).
    pub fn new_only(self) -> Result<T, AppError> {
        match self {
            Made::New(made) => Ok(made),
            Made::Replayed(_) => Err(AppError::backend(
                "a request without a key was answered as a repeated one",
            )),
        }
    }
}

/// Records `write` in one transaction, and with it `key` (when given) and
/// the answer: what `made` makes of the events recorded, as JSON. `made`
/// works from the events alone, so the first answer and the one kept are
/// the same.
pub(crate) async fn record<T, F>(
    app: &App<'_>,
    key: Option<&RequestKey>,
    write: Write,
    made: F,
) -> Result<Made<T>, AppError>
where
    T: Serialize,
    F: Fn(&[Event]) -> Result<T, StoreError> + Send + Sync,
{
    let body = |events: &[Event]| {
        let value = made(events)?;
        serde_json::to_string(&value)
            .map_err(|e| StoreError::Other(format!("an answer cannot be written: {e}")))
    };
    let answering: Answering<'_> = &body;
    match app.store.write(write, key.map(|k| (k, answering))).await? {
        Written::Recorded(events) => Ok(Made::New(made(&events)?)),
        Written::Replayed(answer) => Ok(Made::Replayed(answer)),
        Written::KeyReused => Err(AppError::invalid(format!(
            "the `Idempotency-Key` `{}` was sent before with another request: a new request needs a new key",
            key.map(|k| k.key.as_str()).unwrap_or_default()
        ))
        .at("Idempotency-Key")),
    }
}

/// The one record a write's events make, or a backend failure naming it.
pub(crate) fn one<T>(mut made: Vec<T>, what: &str) -> Result<T, StoreError> {
    match (made.pop(), made.is_empty()) {
        (Some(one), true) => Ok(one),
        _ => Err(StoreError::Other(format!(
            "the write recorded no {what}, or more than one"
        ))),
    }
}
