//! Applications: opening one, its page, status, documents, contacts,
//! attachments and reminders. Each form is read here and handed to one use
//! case of `labpath_app`; a refusal is shown on the application page, at
//! the form it came from.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_app::{AppError, applications, attachments, contacts, documents, reminders};
use labpath_engine::units::Date;
use labpath_store::event::Channel;
use labpath_store::ids::ApplicationId;
use labpath_store::ops::DocUpdate;
use labpath_store::status::{AppStatus, DOC_STATUSES, DocStatus};
use serde_json::json;

use crate::api::files::attachment_form;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{self, FormBody, PathParams, Upload};
use crate::pages::{Caller, Frame, PageResult, Posted, html_status, respond, see_other};
use crate::state::AppState;

/// Opens an application from a catalog step.
pub async fn open_application(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = extract::id(&id)?;
        let step = form.get("step").unwrap_or("");
        let app = applications::open(&state.app(), &me.app(), person, step, None).await?;
        see_other(&format!("/applications/{}", app.application.id))
    }
    .await;
    respond(&state, result)
}

/// An application: status, checklist with a form per document, contact
/// log and history; `problem` is a refused form's field and message.
async fn application_page(
    state: &AppState,
    me: &Principal,
    id: ApplicationId,
    problem: Option<(String, String)>,
) -> PageResult {
    let detail = applications::detail(&state.app(), &me.app(), id).await?;
    let history: Vec<serde_json::Value> = detail
        .history
        .iter()
        .map(|e| json!({ "id": e.id, "at": e.at.to_string(), "actor": e.actor, "kind": e.change.kind(), "change": e.change }))
        .collect();
    let statuses: Vec<&str> = detail.moves.iter().map(|s| s.as_str()).collect();
    let doc_statuses: Vec<&str> = DOC_STATUSES.iter().map(|s| s.as_str()).collect();
    let channels: Vec<&str> = labpath_store::event::CHANNELS
        .iter()
        .map(|c| c.as_str())
        .collect();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = detail.view;
    html_status(
        state,
        status,
        "application.html",
        json!({
            "frame": Frame::of(state, me),
            "person": detail.person,
            "app": view.application,
            "checklist": view.checklist,
            "contacts": view.contacts,
            "attachments": view.attachments,
            "history": history,
            "statuses": statuses,
            "doc_statuses": doc_statuses,
            "channels": channels,
            "today": Date::today(),
            "problem": problem.map(|(field, message)| json!({ "field": field, "message": message })),
        }),
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

fn form_day(form: &FormBody, field: &str) -> Result<Date, AppError> {
    match form.get(field) {
        None => Ok(Date::today()),
        Some(t) => Date::parse(t).map_err(|e| AppError::invalid(e.to_string()).at(field)),
    }
}

/// A choice of a form's select, read as the use cases' type; `why` when it
/// is none of them.
fn choice<T: serde::de::DeserializeOwned>(
    form: &FormBody,
    field: &str,
    why: &str,
) -> Result<T, AppError> {
    serde_json::from_value(json!(form.get(field).unwrap_or("")))
        .map_err(|_| AppError::invalid(why).at(field))
}

/// Ends an application form: back to the application when `done` went
/// through; a refusal of the input (at `field` when it names none) shown on
/// its page; anything else (not found, a failure) as an error page.
async fn app_form<T>(
    state: &AppState,
    me: &Principal,
    id: ApplicationId,
    field: &str,
    done: Result<T, AppError>,
    anchor: &str,
) -> PageResult {
    match done {
        Ok(_) => see_other(&format!("/applications/{id}{anchor}")),
        Err(e) if e.is_bad_input() && !matches!(e.kind, labpath_app::Kind::NotFound(_)) => {
            let field = e.field.unwrap_or_else(|| field.to_owned());
            application_page(state, me, id, Some((field, e.message))).await
        }
        Err(e) => Err(e.into()),
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
        app_form(&state, &me, id, "status", done.await, "").await
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
        // Every refusal of a document's form is shown at that form.
        let done = done.await.map_err(|e| e.at(format!("doc-{key}")));
        app_form(&state, &me, id, "status", done, "").await
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
        app_form(&state, &me, id, "summary", done.await, "").await
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
        let done = match attachment_form(upload) {
            Ok((file, to)) => attachments::add(&state.app(), &me.app(), id, file, to).await,
            Err(e) if e.status.is_client_error() => Err(form_refusal(e)),
            Err(e) => return Err(e.into()),
        };
        app_form(&state, &me, id, "file", done, "#attachments").await
    }
    .await;
    respond(&state, result)
}

/// A refused upload form as a refusal of the input.
fn form_refusal(e: ApiError) -> AppError {
    let field = e.field.unwrap_or_else(|| "file".to_owned());
    AppError::invalid(e.message).at(field)
}

/// Sets a reminder for a person.
pub async fn add_reminder(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = extract::id(&id)?;
        let due = form
            .get("due")
            .ok_or_else(|| ApiError::invalid("give the reminder's day").at("due"))
            .and_then(|t| Date::parse(t).map_err(|e| ApiError::invalid(e.to_string()).at("due")))?;
        let new = reminders::NewReminder {
            person: Some(person),
            application: None,
            due,
            what: form.get("what").unwrap_or("").to_owned(),
        };
        reminders::add(&state.app(), &me.app(), new).await?;
        see_other(&format!("/people/{person}"))
    }
    .await;
    respond(&state, result)
}
