//! Applications: opening one for a person from a catalog step, listing
//! those a principal reaches (a page at a time, by person, status or
//! openness), one with its checklist, contacts and attachments, changing
//! its status or reference number, and its history.

use labpath_catalog::diag::suggest;
use labpath_engine::catalog::Catalog;
use labpath_engine::limits;
use labpath_engine::step::Step;
use labpath_engine::units::Date;
use labpath_store::attachment::CheckedFile;
use labpath_store::event::{Event, Pending};
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{
    Application, ApplicationState, ApplicationsFilter, Attachment, ChecklistItem, Contact,
    EventFilter, Paged, Person, Window,
};
use labpath_store::once::Write;
use labpath_store::ops;
use labpath_store::state::created;
use labpath_store::status::{APP_STATUSES, AppStatus};
use serde::Serialize;

use crate::once::{Made, RequestKey, one, record};
use crate::{App, AppError, Principal};

/// The catalog step `text` names (trimmed); refused at `step` otherwise,
/// with the nearest step's id when one is near.
pub fn step<'c>(catalog: &'c Catalog, text: &str) -> Result<&'c Step, AppError> {
    let id = text.trim();
    limits::id("step", id)?;
    catalog.step(id).ok_or_else(|| {
        let hint = match suggest(id, catalog.steps().iter().map(|s| s.id.as_str())) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => " (the plan of a goal lists its steps)".to_owned(),
        };
        AppError::invalid(format!("unknown step `{id}`{hint}")).at("step")
    })
}

/// Opens an application for the person from the catalog step `step`
/// names, with the body's reference number if one is given, in one
/// write. Its checklist holds the documents the person needs by their
/// latest profile (every document of the step without one, or with one the
/// catalog no longer reads). With a request key, a repeat of the same
/// request answers the first answer (see [`crate::once`]).
pub async fn open(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    step: &str,
    reference: Option<&str>,
    key: Option<&RequestKey>,
) -> Result<Made<ApplicationState>, AppError> {
    app.person(who, person).await?;
    let step = self::step(app.catalog, step)?;
    let profile = app.profile(person).await.ok().flatten();
    let documents = step
        .documents
        .iter()
        .filter(|d| profile.as_ref().is_none_or(|p| d.applies(p, app.catalog)));
    let pending = Pending {
        actor: who.actor.clone(),
        person: Some(person),
        application: None,
        change: ops::opening(step, documents, reference),
    };
    let made = |events: &[Event]| {
        let opened = events
            .iter()
            .filter_map(|e| e.application.and_then(|id| created(e, id)))
            .collect();
        one(opened, "application")
    };
    record(app, key, Write::Append(vec![pending]), made).await
}

/// The applications `who` reaches that pass the filter, by id: the window
/// asked for and how many there are. A person named in the filter must be
/// one `who` may see. The store reads only that scope and that window.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    filter: &ApplicationsFilter,
    window: Window,
) -> Result<Paged<Application>, AppError> {
    if let Some(person) = filter.person {
        app.person(who, person).await?;
    }
    Ok(app.store.applications_in(who.scope, filter, window).await?)
}

/// An application with everything recorded on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationView {
    /// The application.
    pub application: Application,
    /// Its files, oldest first.
    pub attachments: Vec<Attachment>,
    /// Its checklist, in order.
    pub checklist: Vec<ChecklistItem>,
    /// Its contact log, oldest first.
    pub contacts: Vec<Contact>,
}

/// An application with its checklist, contact log and files.
pub async fn show(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
) -> Result<ApplicationView, AppError> {
    let state = app.application(who, id).await?;
    Ok(ApplicationView {
        application: state.application,
        attachments: app.store.attachments(id).await?,
        checklist: state.checklist,
        contacts: app.store.contacts(id).await?,
    })
}

/// An application as a person works on it: whose it is, all it holds,
/// its whole history and the statuses it may move to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    /// Whose.
    pub person: Person,
    /// The application with its checklist, contacts and files.
    pub view: ApplicationView,
    /// Every event, oldest first.
    pub history: Vec<Event>,
    /// The statuses the state machine lets it move to.
    pub moves: Vec<AppStatus>,
}

/// An application with its person, history and next statuses.
pub async fn detail(app: &App<'_>, who: &Principal, id: ApplicationId) -> Result<Detail, AppError> {
    let view = show(app, who, id).await?;
    let person = app.person(who, view.application.person).await?;
    let history = history(app, who, id, None, Window::ALL).await?.items;
    let from = view.application.status;
    let moves = APP_STATUSES
        .iter()
        .copied()
        .filter(|to| from.check_move(*to).is_ok())
        .collect();
    Ok(Detail {
        person,
        view,
        history,
        moves,
    })
}

/// A change to an application: a status (checked against the state
/// machine, dated `on`, with a note), a reference number, files to attach.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// A new status.
    pub status: Option<AppStatus>,
    /// The day of the status change.
    pub on: Date,
    /// A note on the status change.
    pub note: Option<String>,
    /// The body's reference number.
    pub reference: Option<String>,
    /// Files to attach to the application, already checked.
    pub attach: Vec<CheckedFile>,
}

/// An application after a change, with the files attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The application as it now is.
    pub state: ApplicationState,
    /// The files attached, in order.
    pub attached: Vec<Attachment>,
}

/// Changes an application: the reference number, then the status, then
/// the files. A refusal names the input at fault.
pub async fn update(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    change: Change,
) -> Result<Changed, AppError> {
    let mut state = app.application(who, id).await?;
    if change.status.is_none() && change.reference.is_none() && change.attach.is_empty() {
        return Err(AppError::invalid(
            "give a `status` or a `reference` to change",
        ));
    }
    // Checked before the reference is recorded, so a refused day records
    // nothing.
    if change.status.is_some() {
        crate::error::happened_on(change.on, "on", "the day")?;
    }
    if let Some(reference) = &change.reference {
        if reference.trim().is_empty() {
            return Err(AppError::invalid("a reference number cannot be empty").at("reference"));
        }
        state = ops::set_reference(app.store, &who.actor, id, reference)
            .await
            .map_err(|e| AppError::from(e).at("reference"))?;
    }
    if let Some(to) = change.status {
        state = ops::change_status(app.store, &who.actor, id, to, change.on, change.note)
            .await
            .map_err(|e| AppError::from(e).or_at("status"))?;
    }
    let attached = attach_all(app, who, id, &change.attach, None, None).await?;
    Ok(Changed { state, attached })
}

/// Attaches checked files to an application (to one of its documents or
/// contacts, if given), in order.
pub(crate) async fn attach_all(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    files: &[CheckedFile],
    document: Option<&str>,
    contact: Option<EventId>,
) -> Result<Vec<Attachment>, AppError> {
    let mut attached = Vec::with_capacity(files.len());
    for file in files {
        let document = document.map(str::to_owned);
        attached.push(ops::attach(app.store, &who.actor, id, file, document, contact).await?);
    }
    Ok(attached)
}

/// The application's events after `after` (all of them without it), oldest
/// first: the window asked for and how many there are. The store reads
/// only that scope and that window.
pub async fn history(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    after: Option<EventId>,
    window: Window,
) -> Result<Paged<Event>, AppError> {
    app.application(who, id).await?;
    let filter = EventFilter {
        application: Some(id),
        after,
    };
    Ok(app.store.events_in(who.scope, &filter, window).await?)
}
