//! Taking records away and bringing them back: the export (every event a
//! principal may take away, with the files they refer to) and the import
//! of an export into an empty store. They read no catalog, so records can
//! be taken away whatever state the catalog is in; they take the store
//! alone.

use std::collections::BTreeSet;

use labpath_store::event::Event;
use labpath_store::ids::PersonId;
use labpath_store::model::{Counts, EventQuery, PeopleFilter, Scope, Window};
use labpath_store::store::Store;
use labpath_store::store::referenced;
use labpath_views::export::{Export, exported_file};

use crate::{AppError, Principal};

/// What an export holds: the events, oldest first, and the hashes of the
/// files they refer to, each once.
pub struct Taken {
    /// The events.
    pub events: Vec<Event>,
    /// The files' hashes.
    pub files: Vec<String>,
}

/// Every event `who` may take away and the files they refer to: in local
/// mode the whole data directory, whoever the records are; otherwise the
/// events of the people of the scope, which import into an empty store
/// like a whole export. Reading the files is left to the caller, one at a
/// time, so that a large export need not be whole in memory.
pub async fn take(store: &dyn Store, who: &Principal) -> Result<Taken, AppError> {
    let events = match who.scope {
        Scope::Local => store.events(&EventQuery::default()).await?,
        scope => {
            let people: BTreeSet<PersonId> = store
                .people_in(scope, &PeopleFilter::default(), Window::ALL)
                .await?
                .items
                .into_iter()
                .map(|p| p.id)
                .collect();
            events_of(store, &people).await?
        }
    };
    let files = referenced(&events).into_iter().map(str::to_owned).collect();
    Ok(Taken { events, files })
}

/// The whole export document of what `who` may take away, files included.
pub async fn export(store: &dyn Store, who: &Principal) -> Result<Export, AppError> {
    let taken = take(store, who).await?;
    let mut files = Vec::with_capacity(taken.files.len());
    for h in &taken.files {
        files.push(exported_file(h, &store.file(h).await?));
    }
    Ok(Export::new(taken.events, files))
}

/// Every event about some people, oldest first: with the files
/// [`referenced`] names, an export of theirs that imports into an empty
/// store like a whole one.
pub async fn events_of(
    store: &dyn Store,
    people: &BTreeSet<PersonId>,
) -> Result<Vec<Event>, AppError> {
    // A few people are read one by one; many (an organization) in one
    // pass over the log.
    if people.len() <= 16 {
        let mut events = Vec::new();
        for p in people {
            let query = EventQuery {
                person: Some(*p),
                ..EventQuery::default()
            };
            events.extend(store.events(&query).await?);
        }
        events.sort_by_key(|e| e.id);
        Ok(events)
    } else {
        Ok(store
            .events(&EventQuery::default())
            .await?
            .into_iter()
            .filter(|e| people.contains(&e.person))
            .collect())
    }
}

/// Loads an export into the store, which must be empty: the owner of a
/// local data directory's to do. A document that is not a whole export is
/// refused at `file`, and nothing is imported.
pub async fn import(
    store: &dyn Store,
    who: &Principal,
    document: &Export,
) -> Result<Counts, AppError> {
    if who.scope != Scope::Local {
        return Err(AppError::invalid(
            "an export is loaded into a local data directory, by its owner (`labpath import`)",
        ));
    }
    let files = document
        .files()
        .map_err(|why| AppError::invalid(why).at("file"))?;
    Ok(store.import(&document.events, &files).await?)
}
