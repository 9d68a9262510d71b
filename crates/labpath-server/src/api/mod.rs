//! The JSON API: everything the CLI does, under `/api`. Every error is the
//! shape in `crate::error`; every list is paged (`page`, `per_page`); the
//! OpenAPI document at `/api/openapi.json` describes each route here (a
//! test checks the two agree).

pub mod account;
pub mod catalog;
pub mod files;
pub mod people;
pub mod tracker;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::ids::{ApplicationId, PersonId};
use labpath_store::model::{ApplicationState, Person};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract;
use crate::state::AppState;

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(account::health))
        .route("/api/session", get(account::session))
        .route("/api/login", post(account::login))
        .route("/api/logout", post(account::logout))
        .route("/api/users", get(account::users).post(account::create_user))
        .route("/api/audit", get(account::audit))
        .route("/api/calendar-feed", get(account::calendar_feed))
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/api/credentials", get(catalog::credentials))
        .route("/api/credentials/{credential}", get(catalog::credential))
        .route("/api/jurisdictions/{code}", get(catalog::jurisdiction))
        .route("/api/parse", get(catalog::parse))
        .route("/api/goals", get(catalog::goals))
        .route("/api/eligibility", post(catalog::eligibility))
        .route("/api/plan", post(catalog::plan))
        .route("/api/people", get(people::list).post(people::create))
        .route(
            "/api/people/{person}",
            get(people::show).patch(people::rename),
        )
        .route(
            "/api/people/{person}/profile",
            get(people::profile).put(people::record_profile),
        )
        .route("/api/people/{person}/eligibility", get(people::eligibility))
        .route("/api/people/{person}/plan", get(people::plan))
        .route("/api/people/{person}/questions", get(people::questions))
        .route("/api/people/{person}/status", get(tracker::person_status))
        .route(
            "/api/people/{person}/applications",
            get(tracker::person_applications).post(tracker::create_application),
        )
        .route(
            "/api/people/{person}/reminders",
            get(tracker::reminders).post(tracker::add_reminder),
        )
        .route(
            "/api/people/{person}/calendar.ics",
            get(tracker::person_calendar),
        )
        .route(
            "/api/people/{person}/ce",
            get(people::ce_log)
                .post(people::ce_add)
                .layer(upload_limit()),
        )
        .route("/api/people/{person}/ce/status", get(people::ce_status))
        .route("/api/people/{person}/ce/audit-pack", get(files::audit_pack))
        .route(
            "/api/people/{person}/ce/import",
            post(people::ce_import).layer(DefaultBodyLimit::max(extract::IMPORT_LIMIT)),
        )
        .route(
            "/api/people/{person}/ce/{activity}/withdraw",
            post(people::ce_withdraw),
        )
        .route(
            "/api/people/{person}/ce/{activity}/certificate",
            get(files::certificate_file),
        )
        .route("/api/applications", get(tracker::applications))
        .route(
            "/api/applications/{app}",
            get(tracker::application).patch(tracker::update_application),
        )
        .route("/api/applications/{app}/history", get(tracker::history))
        .route(
            "/api/applications/{app}/attachments",
            get(files::attachments)
                .post(files::add_attachment)
                .layer(upload_limit()),
        )
        .route(
            "/api/applications/{app}/attachments/{attachment}",
            get(files::attachment_file),
        )
        .route(
            "/api/applications/{app}/documents/{key}",
            patch(tracker::update_document),
        )
        .route(
            "/api/applications/{app}/contacts",
            get(tracker::contacts).post(tracker::add_contact),
        )
        .route(
            "/api/reminders/{reminder}/done",
            post(tracker::reminder_done),
        )
        .route("/api/dashboard", get(tracker::dashboard))
        .route("/api/export", get(files::export))
        .route("/feed/{user}/{token}", get(account::feed))
}

/// The body limit of a route that takes files, in place of the server's
/// 1 MiB.
pub fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(extract::UPLOAD_LIMIT)
}

/// `page` and `per_page` from a query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<String>,
    /// Items per page (1 to 200; default 50).
    pub per_page: Option<String>,
}

/// The default page size.
pub const PER_PAGE: usize = 50;
/// The largest page size.
pub const MAX_PER_PAGE: usize = 200;

/// A page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// This page (1-based).
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// Items in the whole list.
    pub total: usize,
    /// Whether a later page exists.
    pub has_more: bool,
}

impl PageQuery {
    /// The page and size asked for, checked.
    pub fn bounds(&self) -> ApiResult<(usize, usize)> {
        Ok((
            whole_number(self.page.as_deref(), "page", 1, usize::MAX / MAX_PER_PAGE)?,
            whole_number(self.per_page.as_deref(), "per_page", PER_PAGE, MAX_PER_PAGE)?,
        ))
    }

    /// The window of a list this page asks for.
    pub fn window(&self) -> ApiResult<labpath_store::model::Window> {
        let (page, per_page) = self.bounds()?;
        Ok(labpath_store::model::Window {
            offset: ((page - 1) as u64).saturating_mul(per_page as u64),
            limit: per_page as u64,
        })
    }

    /// The page of a list the store has cut to this page's window.
    pub fn of<T>(&self, paged: labpath_store::model::Paged<T>) -> ApiResult<Page<T>> {
        let (page, per_page) = self.bounds()?;
        let total = usize::try_from(paged.total).unwrap_or(usize::MAX);
        let start = (page - 1).saturating_mul(per_page);
        Ok(Page {
            has_more: start.saturating_add(paged.items.len()) < total,
            items: paged.items,
            page,
            per_page,
            total,
        })
    }

    /// Cuts one page out of a whole list.
    pub fn cut<T>(&self, all: Vec<T>) -> ApiResult<Page<T>> {
        let (page, per_page) = self.bounds()?;
        let total = all.len();
        let start = (page - 1).saturating_mul(per_page).min(total);
        let items: Vec<T> = all.into_iter().skip(start).take(per_page).collect();
        Ok(Page {
            has_more: start + items.len() < total,
            items,
            page,
            per_page,
            total,
        })
    }
}

/// A query parameter that is a whole number from 1 to `max`; `default`
/// when it is absent or empty, 400 naming it otherwise.
pub fn whole_number(
    text: Option<&str>,
    name: &str,
    default: usize,
    max: usize,
) -> ApiResult<usize> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "query: `{name}` must be a whole number from 1 to {max}, got `{t}`"
            ))
            .at(name)),
        },
    }
}

/// A person the principal may see; 404 otherwise.
pub async fn visible_person(
    state: &AppState,
    principal: &Principal,
    text: &str,
) -> ApiResult<Person> {
    let id: PersonId = extract::id(text)?;
    let person = state.store().person(id).await?;
    if principal.can_see(&person) {
        Ok(person)
    } else {
        Err(ApiError::not_found(format!("person `{id}` does not exist")))
    }
}

/// An application the principal may see (through its person); 404 otherwise.
pub async fn visible_application(
    state: &AppState,
    principal: &Principal,
    text: &str,
) -> ApiResult<ApplicationState> {
    let id: ApplicationId = extract::id(text)?;
    let app = state.store().application(id).await?;
    let person = state.store().person(app.application.person).await?;
    if principal.can_see(&person) {
        Ok(app)
    } else {
        Err(ApiError::not_found(format!(
            "application `{id}` does not exist"
        )))
    }
}

/// The person's latest profile, read with the catalog; `None` when no
/// profile was recorded.
pub async fn stored_profile(state: &AppState, person: PersonId) -> ApiResult<Option<Profile>> {
    let Some(version) = state.store().profile(person, None).await? else {
        return Ok(None);
    };
    labpath_catalog::profile::from_document(
        &format!("person {person}, profile version {}", version.version),
        &version.profile,
        &state.catalog,
    )
    .map(Some)
    .map_err(|d| {
        ApiError::invalid(format!(
            "the stored profile no longer reads against the catalog: {d}; record a corrected one"
        ))
    })
}

/// The person's profile, or 422 saying how to record one.
pub async fn require_profile(state: &AppState, person: PersonId) -> ApiResult<Profile> {
    stored_profile(state, person).await?.ok_or_else(|| {
        ApiError::invalid(format!(
            "person {person} has no profile yet: PUT /api/people/{person}/profile with the profile"
        ))
    })
}

/// Reads a profile from JSON text with the catalog; every problem is listed.
pub fn read_profile(state: &AppState, text: &str) -> ApiResult<Profile> {
    labpath_catalog::profile::from_text(
        "profile",
        text,
        labpath_catalog::parse::Format::Json,
        &state.catalog,
    )
    .map_err(crate::error::from_diagnostics)
}

/// A JSON answer serialized into one `Vec` of about `capacity` bytes: what
/// `axum::Json` answers, without its many small writes into a `BytesMut`
/// that starts at 128 bytes (a tenth of the CPU time of a full evaluation
/// answer went to them and to growing the buffer).
pub fn json_response<T: Serialize>(value: &T, capacity: usize) -> ApiResult<Response> {
    let mut body = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut body, value).map_err(ApiError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// Reads an optional `as_of`/`on` day from a query or body field.
pub fn day(text: Option<&str>, field: &str) -> ApiResult<Date> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Date::today()),
        Some(t) => {
            Date::parse(t).map_err(|e| ApiError::invalid(format!("`{field}`: {e}")).at(field))
        }
    }
}
