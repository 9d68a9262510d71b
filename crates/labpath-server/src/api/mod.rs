//! The JSON API: everything the CLI does, under `/api`. Every error is the
//! shape in `crate::error`; every list is paged (`page`, `per_page`); each
//! route is registered with its OpenAPI operation (the handler's
//! `#[utoipa::path]`), so `/api/openapi.json` documents exactly the routes
//! served.

pub mod account;
pub mod catalog;
pub mod files;
pub mod people;
pub mod tracker;

use axum::Extension;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_store::model::Person;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::extract;
use crate::state::AppState;

/// The body limit of each API route that takes more than
/// [`extract::SMALL_BODY_LIMIT`] (the limit of every other route), by path:
/// those that take a profile, a CSV or files. [`routes`] gives each route
/// its limit, and the API document says it (`x-body-limit` on the request
/// body).
pub const BODY_LIMITS: [(&str, usize); 8] = [
    ("/api/people", extract::BODY_LIMIT),
    ("/api/people/{person}/profile", extract::BODY_LIMIT),
    ("/api/eligibility", extract::BODY_LIMIT),
    ("/api/plan", extract::BODY_LIMIT),
    ("/api/people/import", extract::PEOPLE_CSV_LIMIT),
    ("/api/people/{person}/ce", extract::UPLOAD_LIMIT),
    ("/api/people/{person}/ce/import", extract::IMPORT_LIMIT),
    ("/api/applications/{app}/attachments", extract::UPLOAD_LIMIT),
];

/// The most bytes a request body sent to the API route `path` (as the
/// document writes it: `/api/people/{person}`) may have.
pub fn body_limit(path: &str) -> usize {
    BODY_LIMITS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(extract::SMALL_BODY_LIMIT, |(_, bytes)| *bytes)
}

/// The layer that gives the route at `path` its body limit.
fn limited(path: &str) -> (DefaultBodyLimit, Extension<extract::BodyLimit>) {
    extract::body_limit(body_limit(path))
}

/// The API's routes, each registered with its documentation: the router
/// and the OpenAPI document are one value (`split_for_parts` gives both).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(account::health))
        .routes(routes!(account::session))
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(account::users, account::create_user))
        .routes(routes!(account::invite))
        .routes(routes!(account::reset_link))
        .routes(routes!(account::audit))
        .routes(routes!(account::calendar_feed))
        .routes(routes!(crate::openapi::document))
        .routes(routes!(catalog::credentials))
        .routes(routes!(catalog::credential))
        .routes(routes!(catalog::jurisdiction))
        .routes(routes!(catalog::parse))
        .routes(routes!(catalog::goals))
        .routes(routes!(catalog::clauses))
        .routes(routes!(catalog::eligibility).layer(limited("/api/eligibility")))
        .routes(routes!(catalog::plan).layer(limited("/api/plan")))
        .routes(routes!(people::list, people::create).layer(limited("/api/people")))
        .routes(routes!(people::import).layer(limited("/api/people/import")))
        .routes(routes!(people::show, people::rename))
        .routes(routes!(people::set_owner))
        .routes(
            routes!(people::profile, people::record_profile)
                .layer(limited("/api/people/{person}/profile")),
        )
        .routes(routes!(people::eligibility))
        .routes(routes!(people::plan))
        .routes(routes!(people::questions))
        .routes(routes!(tracker::person_status))
        .routes(routes!(
            tracker::person_applications,
            tracker::create_application
        ))
        .routes(routes!(tracker::reminders, tracker::add_reminder))
        .routes(routes!(tracker::person_calendar))
        .routes(routes!(people::ce_log, people::ce_add).layer(limited("/api/people/{person}/ce")))
        .routes(routes!(people::ce_status))
        .routes(routes!(files::audit_pack))
        .routes(routes!(people::ce_import).layer(limited("/api/people/{person}/ce/import")))
        .routes(routes!(people::ce_withdraw))
        .routes(routes!(files::certificate_file))
        .routes(routes!(tracker::applications))
        .routes(routes!(tracker::application, tracker::update_application))
        .routes(routes!(tracker::history))
        .routes(
            routes!(files::attachments, files::add_attachment)
                .layer(limited("/api/applications/{app}/attachments")),
        )
        .routes(routes!(files::attachment_file))
        .routes(routes!(tracker::update_document))
        .routes(routes!(tracker::contacts, tracker::add_contact))
        .routes(routes!(tracker::reminder_done))
        .routes(routes!(tracker::dashboard))
        .routes(routes!(files::export))
        .routes(routes!(account::feed))
}

/// The body limit of a page's route that takes files, in place of the
/// server's default.
pub fn upload_limit() -> (DefaultBodyLimit, Extension<extract::BodyLimit>) {
    extract::body_limit(extract::UPLOAD_LIMIT)
}

/// `page` and `per_page` from a query string.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    #[param(pattern = r"^[1-9][0-9]{0,5}$")]
    pub page: Option<String>,
    /// Items per page (1 to 200; default 50).
    #[param(pattern = r"^[1-9][0-9]{0,2}$")]
    pub per_page: Option<String>,
}

/// The default page size.
pub const PER_PAGE: usize = 50;
pub use labpath_engine::limits::MAX_PER_PAGE;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
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
        let window = self.window()?;
        let total = all.len() as u64;
        let skip = usize::try_from(window.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(window.limit).unwrap_or(usize::MAX);
        let items = all.into_iter().skip(skip).take(take).collect();
        self.of(labpath_store::model::Paged { items, total })
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

/// The person's latest profile, read with the catalog; `None` when no
/// profile was recorded.
pub async fn stored_profile(state: &AppState, person: PersonId) -> ApiResult<Option<Profile>> {
    Ok(state.app().profile(person).await?)
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
/// answer went to them and to growing the buffer), written by labpath's
/// compact writer (the same bytes as `serde_json`'s, in about half the
/// instructions).
pub fn json_response<T: Serialize>(value: &T, capacity: usize) -> ApiResult<Response> {
    let mut body = Vec::with_capacity(capacity);
    labpath_views::json_writer::write(&mut body, value).map_err(ApiError::internal)?;
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
