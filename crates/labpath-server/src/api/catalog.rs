//! The catalog's answers for any profile: credentials, goals, eligibility
//! and plans. They read no stored record; the profile comes in the body.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use labpath_app::catalog::CredentialFilter;
use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::limits::schema::{Day, IdList, ShortText};
use labpath_engine::plan::{Optimize, Options};
use labpath_views::catalog::{CredentialEntry, GoalEntry, JurisdictionView, Parsed};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{Page, PageQuery, day, json_response, read_profile};
use crate::auth::Api;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, JsonText, PathParams, QueryParams};
use crate::openapi::{
    BadRequest, Forbidden, Invalid, NotFound, TooLarge, Unauthorized, Unsupported,
};
use crate::state::AppState;

/// `GET /api/credentials` query.
#[derive(Debug, Deserialize)]
pub struct CredentialQuery {
    #[serde(flatten)]
    page: PageQuery,
    /// Only this issuing body.
    body: Option<String>,
    /// Only this jurisdiction (`NY`).
    state: Option<String>,
}

/// `GET /api/credentials`: the catalog's credentials with their sources.
#[utoipa::path(
    get,
    path = "/api/credentials",
    tag = "catalog",
    params(PageQuery, ("body" = Option<labpath_engine::ids::BodyId>, Query, description = "Only this issuing body (its id)."), ("state" = Option<String>, Query, pattern = r"^[A-Za-z]{2}$", description = "Only this jurisdiction (`NY`).")),
    responses(
        (status = 200, description = "A page of the catalog's credentials.", body = Page<CredentialEntry>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
pub async fn credentials(
    State(state): State<AppState>,
    _: Api,
    QueryParams(q): QueryParams<CredentialQuery>,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    let filter = CredentialFilter {
        body: q.body.as_deref(),
        state: q.state.as_deref(),
    };
    let chosen = labpath_app::catalog::credentials(catalog, &filter)?;
    let list: Vec<CredentialEntry<'_>> = chosen
        .credentials
        .into_iter()
        .map(|c| CredentialEntry::of(c, catalog))
        .collect();
    json_response(&q.page.cut(list)?, 64 * 1024)
}

/// The catalog's credential `id`, or 404 naming `field` and the nearest
/// known id.
pub fn find_credential<'c>(
    catalog: &'c Catalog,
    id: &str,
    field: &str,
) -> ApiResult<&'c Credential> {
    labpath_app::eligibility::credential(catalog, id).map_err(|e| ApiError::from(e.at(field)))
}

/// `GET /api/credentials/{credential}`: a credential explained: its body,
/// each route's requirements in plain language, fees, renewal and the
/// rules for keeping it, with the sources of each.
#[utoipa::path(
    get,
    path = "/api/credentials/{credential}",
    tag = "catalog",
    params(("credential" = labpath_engine::ids::CredentialId, Path, description = "The credential's id (`ascp-mls`).")),
    responses(
        (status = 200, description = "The credential explained: its body, each route's requirements in plain language, fees, renewal and the rules for keeping it, with sources.", body = labpath_views::explain::CredentialView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn credential(
    State(state): State<AppState>,
    _: Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    let c = find_credential(catalog, &id, "credential")?;
    json_response(&labpath_views::explain::credential(catalog, c), 16 * 1024)
}

/// `GET /api/jurisdictions/{code}`: whether a state licenses laboratory
/// personnel, and which credentials are its licenses, with sources.
#[utoipa::path(
    get,
    path = "/api/jurisdictions/{code}",
    tag = "catalog",
    params(("code" = String, Path, pattern = r"^[A-Za-z]{2}$", description = "A two-letter state or territory code (`NY`, any case).")),
    responses(
        (status = 200, description = "Whether the state licenses laboratory personnel, and its licenses, with sources.", body = JurisdictionView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn jurisdiction(
    State(state): State<AppState>,
    _: Api,
    PathParams(code): PathParams<String>,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    let j = labpath_app::catalog::jurisdiction(catalog, &code)?;
    json_response(&JurisdictionView::of(j, catalog), 4 * 1024)
}

/// `GET /api/parse` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParseQuery {
    /// The credential string, as written after a name (required).
    #[param(value_type = Option<ShortText>)]
    text: Option<String>,
}

/// `GET /api/parse?text=MLS (ASCP)CM, NYS licensed`: which catalog
/// credentials each part of a credential string names (a part that names
/// none is listed with no matches).
#[utoipa::path(
    get,
    path = "/api/parse",
    tag = "catalog",
    params(ParseQuery),
    responses(
        (status = 200, description = "The parts of the string and the credentials each names.", body = Parsed),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Invalid),
    )
)]
pub async fn parse(
    State(state): State<AppState>,
    _: Api,
    QueryParams(q): QueryParams<ParseQuery>,
) -> ApiResult<Response> {
    let text = q.text.as_deref().unwrap_or("");
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "query: give the credential string in `text`, such as `MLS (ASCP)CM, NYS licensed`",
        )
        .at("text"));
    }
    json_response(
        &labpath_app::catalog::parse(&state.catalog, text)?,
        4 * 1024,
    )
}

/// `GET /api/goals`: the named goals a plan can aim at.
#[utoipa::path(
    get,
    path = "/api/goals",
    tag = "catalog",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the named goals.", body = Page<GoalEntry>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn goals(
    State(state): State<AppState>,
    _: Api,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    let list: Vec<GoalEntry<'_>> = catalog
        .goals()
        .iter()
        .map(|g| GoalEntry::of(g, catalog))
        .collect();
    json_response(&q.cut(list)?, 16 * 1024)
}

/// `POST /api/eligibility` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EligibilityQuery {
    /// The day to judge on, YYYY-MM-DD (default today).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub as_of: Option<String>,
    /// Only these credentials (comma-separated ids).
    #[param(value_type = Option<IdList>)]
    pub credential: Option<String>,
    /// `compact` (default): every credential's status, every route's
    /// outcome and every clause's outcome and finding, read with the
    /// catalog's clause table (`GET /api/catalog/clauses`: names, rule
    /// texts, parameters, sources); `full`: the same with the table's
    /// part written into every answer and each clause's have text;
    /// `summary`: each credential's status and its routes' outcomes only.
    #[param(pattern = r"^(full|compact|summary)$")]
    pub view: Option<String>,
}

/// Which evaluation view an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Every route's clauses with have/need and sources.
    Full,
    /// Statuses, outcomes and findings, read with the clause table.
    Compact,
    /// Each credential's status and its routes' outcomes only.
    Summary,
}

impl View {
    /// Reads `?view=`.
    pub fn parse(text: Option<&str>) -> ApiResult<View> {
        match text.map(str::trim) {
            Some("full") => Ok(View::Full),
            None | Some("") | Some("compact") => Ok(View::Compact),
            Some("summary") => Ok(View::Summary),
            Some(other) => Err(ApiError::invalid(format!(
                "`view` is `full`, `compact` or `summary`, got `{other}`"
            ))
            .at("view")),
        }
    }
}

/// The credentials `?credential=` names (comma-separated ids, at most
/// `labpath_engine::limits::MAX_IDS`), none for every one.
pub fn chosen_credentials<'c>(
    catalog: &'c Catalog,
    q: &EligibilityQuery,
) -> ApiResult<Vec<&'c Credential>> {
    match q
        .credential
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(Vec::new()),
        Some(list) => {
            let ids: Vec<&str> = list.split(',').collect();
            labpath_engine::limits::list("credential", ids.len(), labpath_engine::limits::MAX_IDS)?;
            ids.into_iter()
                .map(|id| find_credential(catalog, id, "credential"))
                .collect()
        }
    }
}

/// An evaluation as the view asked for (the compact one by default).
pub fn evaluation_response(
    state: &AppState,
    eligibility: &labpath_app::eligibility::Eligibility<'_>,
    view: View,
) -> ApiResult<Response> {
    let n = eligibility.evaluation.credentials.len();
    match view {
        View::Full => json_response(&eligibility.view(&state.catalog), n * FULL_BYTES),
        View::Compact => json_response(&eligibility.compact(&state.table), n * COMPACT_BYTES),
        View::Summary => json_response(&eligibility.summary(), n * SUMMARY_BYTES),
    }
}

/// About how many bytes of JSON one credential takes in the full view
/// (10 KB on average with the built-in catalog), the compact one (1 KB)
/// and the summary (500 bytes): the answer is written into one buffer of
/// about its size.
const FULL_BYTES: usize = 12 * 1024;
const COMPACT_BYTES: usize = 1200;
const SUMMARY_BYTES: usize = 640;

/// `GET /api/catalog/clauses`: what every compact eligibility answer
/// leaves to the catalog, the same for every profile: each credential's
/// and route's names, fees, renewal, notes and provenance, each route's
/// clauses in the answer's order with their rule texts and parameters, and
/// every source. Its `ETag` is its version, which compact answers name in
/// `catalog`; asked with `If-None-Match` naming it, it answers 304.
#[utoipa::path(
    get,
    path = "/api/catalog/clauses",
    tag = "catalog",
    responses(
        (status = 200, description = "The catalog's clause table.", body = labpath_views::json::CatalogTableView,
            headers(("ETag" = String, description = "The table's version, quoted."))),
        (status = 304, description = "The table the client holds (its `If-None-Match`) is current."),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn clauses(
    State(state): State<AppState>,
    _: Api,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let table = &state.table;
    let etag = format!("\"{}\"", table.version);
    let etag = HeaderValue::from_str(&etag).map_err(ApiError::internal)?;
    let held = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/").as_bytes() == etag.as_bytes()
        });
    // Like every answer, it is not stored by the browser (`no-store`): a
    // program keeps the table by its version and asks with it, and hears
    // 304 while the catalog is the same.
    let headers = [(header::ETAG, etag)];
    if held {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let json = HeaderValue::from_static("application/json");
    let body = axum::body::Bytes::from_owner(std::sync::Arc::clone(&table.json));
    let mut response = (headers, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, json);
    Ok(response)
}

/// `POST /api/eligibility`: a profile (the documented profile format, as
/// JSON) in the body; every credential's status, routes and clauses (as
/// data by default, read with the clause table; with their texts and
/// sources written out in the full view).
#[utoipa::path(
    post,
    path = "/api/eligibility",
    tag = "catalog",
    params(EligibilityQuery),
    request_body = crate::openapi::ProfileDocument,
    responses(
        (status = 200, description = "The profile's eligibility (the compact view, read with `GET /api/catalog/clauses`; every text written out with `view=full`; the summary with `view=summary`).", body = crate::openapi::EvaluationAnswer),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn eligibility(
    State(state): State<AppState>,
    _: Api,
    QueryParams(q): QueryParams<EligibilityQuery>,
    JsonText(text): JsonText,
) -> ApiResult<Response> {
    let profile = read_profile(&state, &text)?;
    let as_of = day(q.as_of.as_deref(), "as_of")?;
    let view = View::parse(q.view.as_deref())?;
    let only = chosen_credentials(&state.catalog, &q)?;
    let eligibility = labpath_app::eligibility::check(&state.catalog, profile, as_of, &only);
    evaluation_response(&state, &eligibility, view)
}

/// A plan request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The profile (documented profile format).
    #[schema(value_type = crate::openapi::ProfileDocument)]
    pub profile: serde_json::Value,
    /// A named goal or credential ids joined by commas.
    #[schema(value_type = IdList)]
    pub goal: String,
    /// The first day (default today).
    #[schema(value_type = Option<Day>)]
    pub from: Option<String>,
    /// `time` (default) or `cost`.
    #[schema(value_type = Option<String>, pattern = r"^(time|cost)$")]
    pub optimize: Option<String>,
    /// Simulation runs (1 to 100,000; default 10,000).
    #[schema(minimum = 1, maximum = 100000)]
    pub samples: Option<u32>,
    /// Simulation seed (default 42).
    pub seed: Option<u64>,
}

/// Plan options as the API and pages take them, as written.
pub struct PlanInput<'a> {
    /// The goal as written.
    pub goal: &'a str,
    /// First day.
    pub from: Option<&'a str>,
    /// `time` or `cost`.
    pub optimize: Option<&'a str>,
    /// Simulation runs.
    pub samples: Option<u32>,
    /// Seed.
    pub seed: Option<u64>,
}

impl PlanInput<'_> {
    /// The planner's options, checked.
    pub fn options(&self) -> ApiResult<Options> {
        let from = day(self.from, "from")?;
        let optimize = match self.optimize.map(str::trim) {
            None | Some("") | Some("time") => Optimize::Time,
            Some("cost") => Optimize::Cost,
            Some(other) => {
                return Err(ApiError::invalid(format!(
                    "`optimize` is `time` or `cost`, got `{other}`"
                ))
                .at("optimize"));
            }
        };
        let samples = self.samples.unwrap_or(10_000);
        if !(1..=100_000).contains(&samples) {
            return Err(ApiError::invalid(format!(
                "`samples` must be from 1 to 100000, got {samples}"
            ))
            .at("samples"));
        }
        Ok(Options {
            from,
            optimize,
            samples,
            seed: self.seed.unwrap_or(42),
        })
    }
}

/// A computed plan as JSON, and the chosen plan's SVG chart.
pub struct PlanAnswer {
    /// The plan view, as JSON.
    pub json: serde_json::Value,
    /// The chosen plan's chart, when there is one.
    pub svg: Option<String>,
}

/// Runs the planner on a blocking thread (a plan with its simulation takes
/// milliseconds of CPU), in a heavy-work turn, and renders its answer
/// there.
pub async fn compute_plan(
    state: &AppState,
    request: labpath_app::plan::Request,
) -> ApiResult<PlanAnswer> {
    let turn = state.heavy_turn().await?;
    let shared = state.clone();
    let answer = tokio::task::spawn_blocking(move || plan_blocking(&shared.catalog, &request))
        .await
        .map_err(ApiError::internal)?;
    drop(turn);
    answer
}

fn plan_blocking(catalog: &Catalog, request: &labpath_app::plan::Request) -> ApiResult<PlanAnswer> {
    let report = request
        .plan(catalog)
        .map_err(|why| request.unreachable(&why))?;
    let json = serde_json::to_value(request.view(catalog, &report)).map_err(ApiError::internal)?;
    Ok(PlanAnswer {
        json,
        svg: request.svg(&report),
    })
}

/// `POST /api/plan`: the best plan to a goal, its alternatives, and the
/// simulation's percentile dates.
#[utoipa::path(
    post,
    path = "/api/plan",
    tag = "catalog",
    request_body = PlanRequest,
    responses(
        (status = 200, description = "The best plan to the goal, the alternatives and percentile dates.", body = labpath_views::json::PlanView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn plan(
    State(state): State<AppState>,
    Api(me): Api,
    JsonBody(request): JsonBody<PlanRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let text = serde_json::to_string(&request.profile).map_err(ApiError::internal)?;
    let profile = read_profile(&state, &text).map_err(|mut e| {
        e.field = Some(match e.field.take() {
            Some(f) => format!("profile.{f}"),
            None => "profile".to_owned(),
        });
        e
    })?;
    let input = PlanInput {
        goal: &request.goal,
        from: request.from.as_deref(),
        optimize: request.optimize.as_deref(),
        samples: request.samples,
        seed: request.seed,
    };
    let options = input.options()?;
    let request =
        labpath_app::plan::for_profile(&state.app(), &me.app(), profile, input.goal, options)
            .await?;
    Ok(Json(compute_plan(&state, request).await?.json))
}
