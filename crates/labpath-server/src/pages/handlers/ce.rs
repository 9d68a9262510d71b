//! Continuing education: the log, compliance, adding, importing and
//! withdrawing activities.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;
use serde_json::json;

use crate::api::people::{activity_id, import_upload};
use crate::api::visible_person;
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams, Upload};
use crate::pages::{Caller, Frame, PageResult, Posted, html_status, respond, see_other};
use crate::state::AppState;

/// CE: compliance of every held credential, the log, and the form to add
/// an activity.
pub async fn ce(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        ce_page(&state, &me, person, None, &FormBody(Vec::new())).await
    }
    .await;
    respond(&state, result)
}

async fn ce_page(
    state: &AppState,
    me: &crate::auth::Principal,
    person: labpath_store::model::Person,
    problem: Option<ApiError>,
    entered: &FormBody,
) -> PageResult {
    let status = labpath_app::ce::status(&state.app(), &me.app(), person.id, Date::today()).await?;
    let view = status.view(&state.catalog);
    let entered: serde_json::Map<String, serde_json::Value> = entered
        .0
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_status(
        state,
        status,
        "ce.html",
        json!({
            "frame": Frame::of(state, me),
            "person": person,
            "credentials": view.credentials,
            "log": view.activities,
            "categories": labpath_engine::compliance::known_categories(&state.catalog),
            "entered": entered,
            "problem": problem.map(|e| json!({ "field": e.field, "message": e.message, "details": e.details })),
        }),
    )
}

/// Imports a CSV of CE activities with their certificates: all or none.
pub async fn ce_import(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form: upload }: Posted<Upload>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        match import_upload(&state, &me, person.id, upload).await {
            Ok(_) => see_other(&format!("/people/{}/ce#log", person.id)),
            Err(mut e) if e.status.is_client_error() => {
                // A browser cannot fill a file input again.
                e.message
                    .push_str(" (choose the CSV and its certificates again)");
                ce_page(&state, &me, person, Some(e), &FormBody(Vec::new())).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(&state, result)
}

/// Logs a CE activity from the form, with its certificate if one was
/// chosen.
pub async fn ce_add(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted {
        me,
        form: mut upload,
    }: Posted<Upload>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let certificate = upload.take_file("certificate");
        let chose_file = matches!(certificate, Ok(Some(_)));
        let others = upload.no_other_files();
        let form = &upload.fields;
        let attempt = async {
            let title = form
                .get("title")
                .ok_or_else(|| ApiError::invalid("an activity needs a title").at("title"))?;
            let date = form
                .get("date")
                .ok_or_else(|| ApiError::invalid("give the day it was completed").at("date"))
                .and_then(|t| {
                    Date::parse(t).map_err(|e| ApiError::invalid(e.to_string()).at("date"))
                })?;
            let amount: f64 = form
                .get("amount")
                .ok_or_else(|| ApiError::invalid("give the hours").at("amount"))?
                .parse()
                .map_err(|_| ApiError::invalid("hours are a number, such as 1.5").at("amount"))?;
            let credit = match form.get("unit").unwrap_or("contact_hours") {
                "contact_hours" => Credit::ContactHours(amount),
                "semester_hours" => Credit::SemesterHours(amount),
                "quarter_hours" => Credit::QuarterHours(amount),
                other => {
                    return Err(ApiError::invalid(format!("unknown unit `{other}`")).at("unit"));
                }
            };
            let categories = form
                .all("categories")
                .into_iter()
                .map(|c| {
                    CategoryId::new(c)
                        .map_err(|e| ApiError::invalid(e.to_string()).at("categories"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let activity = Activity {
                title: title.to_owned(),
                provider: form.get("provider").map(str::to_owned),
                accreditation: form.get("accreditation").map(str::to_owned),
                date,
                credit,
                categories,
                certificate: None,
            };
            let certificate = certificate?
                .map(crate::api::files::check_file)
                .transpose()?;
            others?;
            labpath_app::ce::add(&state.app(), &me.app(), person.id, activity, certificate)
                .await
                .map_err(ApiError::from)
                .map_err(|e| match e.field.as_deref() {
                    Some("credit") => e.at("amount"),
                    Some(f) if f.starts_with("categories") => e.at("categories"),
                    _ => e,
                })
        }
        .await;
        match attempt {
            Ok(_) => see_other(&format!("/people/{}/ce", person.id)),
            Err(mut e) if e.status.is_client_error() => {
                if chose_file {
                    // A browser cannot fill a file input again.
                    e.message
                        .push_str(" (nothing was stored: choose the certificate file again)");
                }
                ce_page(&state, &me, person, Some(e), &upload.fields).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(&state, result)
}

/// Withdraws a CE activity logged by mistake, saying why.
pub async fn ce_withdraw(
    State(state): State<AppState>,
    PathParams((id, activity)): PathParams<(String, String)>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let reason = form.get("reason").unwrap_or("");
        let withdrawn = async {
            let id = activity_id(&activity)?;
            labpath_app::ce::withdraw(&state.app(), &me.app(), person.id, id, reason)
                .await
                .map_err(ApiError::from)
        };
        match withdrawn.await {
            Ok(_) => see_other(&format!("/people/{}/ce", person.id)),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                let e = e.at(format!("reason-{activity}"));
                ce_page(&state, &me, person, Some(e), &FormBody(Vec::new())).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    respond(&state, result)
}
