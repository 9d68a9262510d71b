//! Applications: opening one, its page, status, documents, contacts,
//! attachments and reminders.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_engine::units::Date;
use labpath_store::event::{Channel, ContactEntry};
use labpath_store::model::EventQuery;
use labpath_store::ops::{self, DocUpdate};
use labpath_store::status::{APP_STATUSES, AppStatus, DOC_STATUSES, DocStatus};
use serde_json::json;

use crate::api::files::attach_upload;
use crate::api::tracker::find_step;
use crate::api::{visible_application, visible_person};
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams, Upload};
use crate::pages::{Caller, Frame, PageResult, Posted, html_status, respond, see_other};
use crate::state::AppState;

/// Opens an application from a catalog step.
pub async fn open_application(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let step = find_step(&state, form.get("step").unwrap_or(""))?;
        let app = crate::api::tracker::open_for(&state, &me.actor(), person.id, step).await?;
        see_other(&format!("/applications/{}", app.application.id))
    }
    .await;
    respond(&state, result)
}

/// An application: status, checklist with a form per document, contact
/// log and history.
async fn application_page(
    state: &AppState,
    me: &crate::auth::Principal,
    id: &str,
    problem: Option<(String, String)>,
) -> PageResult {
    let app = visible_application(state, me, id).await?;
    let person = state.store().person(app.application.person).await?;
    let contacts = state.store().contacts(app.application.id).await?;
    let attachments = state.store().attachments(app.application.id).await?;
    let history = state
        .store()
        .events(&EventQuery {
            application: Some(app.application.id),
            ..EventQuery::default()
        })
        .await?;
    let history: Vec<serde_json::Value> = history
        .iter()
        .map(|e| json!({ "id": e.id, "at": e.at.to_string(), "actor": e.actor, "kind": e.change.kind(), "change": e.change }))
        .collect();
    let statuses: Vec<&str> = APP_STATUSES
        .iter()
        .filter(|s| app.application.status.check_move(**s).is_ok())
        .map(|s| s.as_str())
        .collect();
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
    html_status(
        state,
        status,
        "application.html",
        json!({
            "frame": Frame::of(state, me),
            "person": person,
            "app": app.application,
            "checklist": app.checklist,
            "contacts": contacts,
            "attachments": attachments,
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
    let result = async { application_page(&state, &me, &id, None).await }.await;
    respond(&state, result)
}

fn form_day(form: &FormBody, field: &str) -> Result<Date, (String, String)> {
    match form.get(field) {
        None => Ok(Date::today()),
        Some(t) => Date::parse(t).map_err(|e| (field.to_owned(), e.to_string())),
    }
}

/// What a form handler does once the principal and CSRF are checked: a
/// refusal tied to a field is shown on the application page.
async fn app_form(
    state: &AppState,
    me: &crate::auth::Principal,
    id: &str,
    act: impl AsyncFnOnce(labpath_store::ids::ApplicationId) -> Result<(), (String, String)>,
) -> PageResult {
    let app = visible_application(state, me, id).await?;
    match act(app.application.id).await {
        Ok(()) => see_other(&format!("/applications/{}", app.application.id)),
        Err(problem) => application_page(state, me, id, Some(problem)).await,
    }
}

fn refused(field: &str, e: labpath_store::StoreError) -> (String, String) {
    (field.to_owned(), e.to_string())
}

/// Changes an application's status.
pub async fn application_status(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = app_form(&state, &me, &id, async |app| {
        let to: AppStatus = serde_json::from_value(json!(form.get("status").unwrap_or("")))
            .map_err(|_| ("status".to_owned(), "choose a status".to_owned()))?;
        let on = form_day(&form, "on")?;
        if let Some(r) = form.get("reference") {
            ops::set_reference(state.store(), &me.actor(), app, r)
                .await
                .map_err(|e| refused("reference", e))?;
        }
        ops::change_status(
            state.store(),
            &me.actor(),
            app,
            to,
            on,
            form.get("note").map(str::to_owned),
        )
        .await
        .map_err(|e| refused("status", e))?;
        Ok(())
    })
    .await;
    respond(&state, result)
}

/// Updates one checklist document.
pub async fn document(
    State(state): State<AppState>,
    PathParams((id, key)): PathParams<(String, String)>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = app_form(&state, &me, &id, async |app| {
        let field = format!("doc-{key}");
        let to: DocStatus = serde_json::from_value(json!(form.get("status").unwrap_or("")))
            .map_err(|_| (field.clone(), "choose a status".to_owned()))?;
        let on = form_day(&form, "on").map_err(|(_, m)| (field.clone(), m))?;
        let text = |n: &str| form.get(n).map(str::to_owned);
        ops::update_document(
            state.store(),
            &me.actor(),
            app,
            DocUpdate {
                key: key.clone(),
                to,
                on,
                requested_from: text("requested_from"),
                method: text("method"),
                tracking: text("tracking"),
                reason: text("reason"),
                note: text("note"),
            },
        )
        .await
        .map_err(|e| refused(&field, e))?;
        Ok(())
    })
    .await;
    respond(&state, result)
}

/// Logs a contact.
pub async fn contact(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = app_form(&state, &me, &id, async |app| {
        let channel: Channel = serde_json::from_value(json!(form.get("channel").unwrap_or("")))
            .map_err(|_| {
                (
                    "channel".to_owned(),
                    "choose how you made contact".to_owned(),
                )
            })?;
        let summary = form
            .get("summary")
            .ok_or_else(|| ("summary".to_owned(), "say what was said".to_owned()))?;
        let promised = match form.get("promised") {
            Some(t) => Some(Date::parse(t).map_err(|e| ("promised".to_owned(), e.to_string()))?),
            None => None,
        };
        let entry = ContactEntry {
            on: form_day(&form, "on")?,
            channel,
            with: form.get("with").map(str::to_owned),
            summary: summary.to_owned(),
            promised,
        };
        ops::add_contact(state.store(), &me.actor(), app, entry)
            .await
            .map_err(|e| refused("summary", e))?;
        Ok(())
    })
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
        let app = visible_application(&state, &me, &id).await?;
        let app_id = app.application.id;
        match attach_upload(&state, &me, &app, upload).await {
            Ok(_) => see_other(&format!("/applications/{app_id}#attachments")),
            Err(e) if e.status.is_client_error() => {
                let field = e.field.clone().unwrap_or_else(|| "file".to_owned());
                application_page(&state, &me, &id, Some((field, e.message))).await
            }
            Err(e) => Err(e.into()),
        }
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
        let person = visible_person(&state, &me, &id).await?;
        let due = form
            .get("due")
            .ok_or_else(|| ApiError::invalid("give the reminder's day").at("due"))
            .and_then(|t| Date::parse(t).map_err(|e| ApiError::invalid(e.to_string()).at("due")))?;
        let what = form
            .get("what")
            .ok_or_else(|| ApiError::invalid("say what to do").at("what"))?;
        ops::add_reminder(state.store(), &me.actor(), person.id, None, due, what).await?;
        see_other(&format!("/people/{}", person.id))
    }
    .await;
    respond(&state, result)
}
