//! Applications: opening one, its page, status, documents, contacts,
//! attachments and reminders. Each form is read here and handed to one use
//! case of `labpath_app`; a refusal comes back on the page the form is on,
//! filled in as it was sent, each problem next to its field (a `Refill`).

use std::fmt::Display;
use std::str::FromStr;

use axum::extract::State;
use axum::response::Response;
use labpath_app::applications::ApplicationView;
use labpath_app::{AppError, applications, attachments, contacts, documents, reminders};
use labpath_engine::units::Date;
use labpath_store::event::{CHANNELS, Channel, Event};
use labpath_store::ids::ApplicationId;
use labpath_store::model::Person;
use labpath_store::ops::DocUpdate;
use labpath_store::status::{AppStatus, DOC_STATUSES, DocStatus};
use serde::Serialize;

use super::people::person_page;
use crate::api::files::attachment_form;
use crate::api::visible_person;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{self, FormBody, PathParams, Upload};
use crate::pages::{Caller, Frame, PageResult, Posted, Refill, html_status, respond, see_other};
use crate::state::AppState;

/// Opens an application from a catalog step, with the body's reference
/// number if one is given.
pub async fn open_application(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = extract::id(&id)?;
        let opened = async {
            let step = form
                .get("step")
                .ok_or_else(|| AppError::invalid("choose the step to apply for").at("step"))?;
            let reference = form.get("reference");
            applications::open(&state.app(), &me.app(), person, step, reference, None)
                .await?
                .new_only()
        };
        match opened.await {
            Ok(app) => see_other(&format!("/applications/{}", app.application.id)),
            Err(mut e) => {
                if e.field.as_deref() == Some("step") && form.get("step").is_some() {
                    // The page shows steps by name, not by the catalog's ids.
                    e.message = "that step is not one labpath knows (the list may have changed \
                                 since the page was shown): choose one from the list"
                        .to_owned();
                }
                let refill = Refill::of("open-form", &form, "step", e.into())?;
                let person = visible_person(&state, &me, &id).await?;
                person_page(&state, &me, &person, None, Some(refill)).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// What the application page shows.
#[derive(Serialize)]
struct ApplicationPage<'a> {
    frame: Frame,
    /// Whose.
    person: &'a Person,
    /// The application with its checklist, contacts and files.
    #[serde(flatten)]
    view: &'a ApplicationView,
    /// Every event, oldest first.
    history: &'a [Event],
    /// The statuses it may move to.
    statuses: &'a [AppStatus],
    doc_statuses: &'static [DocStatus],
    channels: &'static [Channel],
    today: Date,
    /// A refused form of the page.
    refill: Option<Refill>,
}

/// An application: status, checklist with a form per document, contact
/// log and history, with one of its forms refused when `refill` says so.
async fn application_page(
    state: &AppState,
    me: &Principal,
    id: ApplicationId,
    refill: Option<Refill>,
) -> PageResult {
    let detail = applications::detail(&state.app(), &me.app(), id).await?;
    html_status(
        state,
        Refill::status(refill.as_ref()),
        "application.html",
        ApplicationPage {
            frame: Frame::of(state, me),
            person: &detail.person,
            view: &detail.view,
            history: &detail.history,
            statuses: &detail.moves,
            doc_statuses: &DOC_STATUSES,
            channels: &CHANNELS,
            today: Date::today(),
            refill,
        },
    )
}

/// The application page.
pub async fn application(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async { application_page(&state, &me, extract::id(&id)?, None).await }.await;
    respond(&state, result)
}

/// A day of a form: today when left empty.
fn form_day(form: &FormBody, field: &str) -> Result<Date, AppError> {
    match form.get(field) {
        None => Ok(Date::today()),
        Some(t) => Date::parse(t).map_err(|e| AppError::invalid(e.to_string()).at(field)),
    }
}

/// A choice of a form's list, read by its type's own parser: `missing`
/// when none was made, else the parser's message, which names the values
/// it accepts; at `field` either way.
fn choice<T>(form: &FormBody, field: &str, missing: &str) -> Result<T, AppError>
where
    T: FromStr,
    T::Err: Display,
{
    let text = form
        .get(field)
        .ok_or_else(|| AppError::invalid(missing).at(field))?;
    text.parse()
        .map_err(|e: T::Err| AppError::invalid(e.to_string()).at(field))
}

/// Ends a form of the application page: back to the application when
/// `done` went through; a refusal shown on the page, in the form `form`
/// (each problem at its field, else at `at`); anything else (not found, a
/// failure) as the error page.
async fn app_form<T>(
    state: &AppState,
    me: &Principal,
    id: ApplicationId,
    (form, sent, at): (&str, &FormBody, &str),
    done: Result<T, ApiError>,
) -> PageResult {
    match done {
        Ok(_) => see_other(&format!("/applications/{id}")),
        Err(e) => {
            let refill = Refill::of(form, sent, at, e)?;
            application_page(state, me, id, Some(refill)).await
        }
    }
}

/// Changes an application's status (and its reference, if given).
pub async fn application_status(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let id = extract::id(&id)?;
        let done = async {
            let change = applications::Change {
                status: Some(choice::<AppStatus>(&form, "status", "choose a status")?),
                on: form_day(&form, "on")?,
                note: form.get("note").map(str::to_owned),
                reference: form.get("reference").map(str::to_owned),
                attach: Vec::new(),
            };
            applications::update(&state.app(), &me.app(), id, change).await
        };
        let done = done.await.map_err(ApiError::from);
        app_form(&state, &me, id, ("status-form", &form, "status"), done).await
    }
    .await;
    respond(&state, result)
}

/// Updates one checklist document; a refusal is shown at its form.
pub async fn document(
    State(state): State<AppState>,
    PathParams((id, key)): PathParams<(String, String)>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let id = extract::id(&id)?;
        let done = async {
            let text = |n: &str| form.get(n).map(str::to_owned);
            let change = DocUpdate {
                key: key.clone(),
                to: choice::<DocStatus>(&form, "status", "choose a status")?,
                on: form_day(&form, "on")?,
                requested_from: text("requested_from"),
                method: text("method"),
                tracking: text("tracking"),
                reason: text("reason"),
                note: text("note"),
            };
            documents::update(&state.app(), &me.app(), id, change, &[]).await
        };
        let done = done.await.map_err(ApiError::from);
        let form_id = format!("doc-{key}");
        app_form(&state, &me, id, (&form_id, &form, "status"), done).await
    }
    .await;
    respond(&state, result)
}

/// Logs a contact.
pub async fn contact(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let id = extract::id(&id)?;
        let done = async {
            let promised = match form.get("promised") {
                Some(t) => Some(
                    Date::parse(t).map_err(|e| AppError::invalid(e.to_string()).at("promised"))?,
                ),
                None => None,
            };
            let new = contacts::NewContact {
                on: form_day(&form, "on")?,
                channel: choice::<Channel>(&form, "channel", "choose how you made contact")?,
                with: form.get("with").map(str::to_owned),
                summary: form.get("summary").unwrap_or("").to_owned(),
                promised,
                attach: Vec::new(),
            };
            contacts::add(&state.app(), &me.app(), id, new).await
        };
        let done = done.await.map_err(ApiError::from);
        app_form(&state, &me, id, ("contact-form", &form, "summary"), done).await
    }
    .await;
    respond(&state, result)
}

/// Attaches a file to the application (or to one of its documents).
pub async fn attach(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form: upload }: Posted<Upload>,
) -> Response {
    let result = async {
        let id = extract::id(&id)?;
        let sent = FormBody(upload.fields.0.clone());
        let done = match attachment_form(upload) {
            Ok((file, to)) => attachments::add(&state.app(), &me.app(), id, file, to)
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        };
        // A browser cannot fill a file input again: a refusal of another
        // field says to choose the file again.
        let done = done.map_err(|mut e| {
            if e.field.as_deref() != Some("file") && e.status.is_client_error() {
                e.message
                    .push_str(" (nothing was stored: choose the file again)");
            }
            e
        });
        app_form(&state, &me, id, ("attach-form", &sent, "file"), done).await
    }
    .await;
    respond(&state, result)
}

/// Sets a reminder for a person.
pub async fn add_reminder(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = extract::id(&id)?;
        let set = async {
            let due = form
                .get("due")
                .ok_or_else(|| AppError::invalid("give the reminder's day").at("due"))
                .and_then(|t| {
                    Date::parse(t).map_err(|e| AppError::invalid(e.to_string()).at("due"))
                })?;
            let new = reminders::NewReminder {
                person: Some(person),
                application: None,
                due,
                what: form.get("what").unwrap_or("").to_owned(),
            };
            reminders::add(&state.app(), &me.app(), new, None)
                .await?
                .new_only()
        };
        match set.await {
            Ok(_) => see_other(&format!("/people/{person}")),
            Err(e) => {
                let refill = Refill::of("reminder-form", &form, "what", e.into())?;
                let person = visible_person(&state, &me, &id).await?;
                person_page(&state, &me, &person, None, Some(refill)).await
            }
        }
    }
    .await;
    respond(&state, result)
}
