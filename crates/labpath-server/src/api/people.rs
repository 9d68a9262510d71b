//! People (candidates), their versioned profiles, their eligibility and
//! plans, and their continuing-education log.

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_engine::limits::schema::{IdList, Note, RecordIdText, ShortText};
use labpath_engine::maintenance::Activity;
use labpath_store::attachment::CheckedFile;
use labpath_store::ce::LoggedActivity;
use labpath_store::ids::EventId;
use labpath_store::model::{PeopleFilter, Person, ProfileVersion, Window};
use labpath_store::ops;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalog::{
    EligibilityQuery, PlanInput, View, chosen_credentials, compute_plan, evaluation_response,
};
use super::files::check_file;
use super::{Page, PageQuery, day, read_profile, visible_person};
use crate::auth::{Api, Principal, Scope};
use crate::error::{ApiError, ApiResult};
use crate::extract::{
    self, FilePart, JsonBody, JsonText, PathParams, PeopleCsv, QueryParams, Upload,
};
use crate::once::{self, Keyed};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, Invalid, NotFound, TooLarge, Unauthorized, Unsupported,
};
use crate::state::AppState;

/// Every person a principal sees, by id (the store reads only that scope),
/// for work over all of them: a calendar, an export, a dashboard.
pub async fn visible_people(state: &AppState, scope: Scope) -> ApiResult<Vec<Person>> {
    let all = state
        .store()
        .people_in(scope, &PeopleFilter::default(), Window::ALL)
        .await?;
    Ok(all.items)
}

/// One page of the people a principal sees, by id, with names containing
/// `text` when given: scope, filter and page are the store's query.
pub async fn people_page(
    state: &AppState,
    me: &Principal,
    text: Option<&str>,
    page: &PageQuery,
) -> ApiResult<Page<Person>> {
    let filter = PeopleFilter {
        name_contains: text
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    };
    let paged = labpath_app::people::list(&state.app(), &me.app(), &filter, page.window()?).await?;
    page.of(paged)
}

/// `GET /api/people` query.
#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    #[serde(flatten)]
    page: PageQuery,
    /// Only names containing this (any case).
    q: Option<String>,
}

/// `GET /api/people`: the people the caller sees, by id.
#[utoipa::path(
    get,
    path = "/api/people",
    tag = "people",
    params(PageQuery, ("q" = Option<ShortText>, Query, description = "Only names containing this (any case).")),
    responses(
        (status = 200, description = "A page of the people the caller sees.", body = Page<Person>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<PeopleQuery>,
) -> ApiResult<Json<Page<Person>>> {
    Ok(Json(
        people_page(&state, &me, q.q.as_deref(), &q.page).await?,
    ))
}

/// A new person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// Name or label.
    #[schema(value_type = ShortText)]
    pub name: String,
    /// Their profile (documented format), optional.
    #[schema(value_type = Option<crate::openapi::ProfileDocument>)]
    pub profile: Option<serde_json::Value>,
}

/// `POST /api/people`: adds a person to the caller's organization (staff
/// and admins; in local mode, the owner), with a first profile if given.
#[utoipa::path(
    post,
    path = "/api/people",
    tag = "people",
    request_body = NewPerson,
    responses(
        (status = 201, description = "The person, added.", body = Person),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Api(me): Api,
    Keyed {
        key,
        inner: JsonBody(body),
    }: Keyed<JsonBody<NewPerson>>,
) -> ApiResult<Response> {
    me.require_staff()?;
    // Check the profile before anything is stored, so a bad profile adds
    // no person; it is stored as sent.
    if let Some(p) = &body.profile {
        let text = serde_json::to_string(p).map_err(ApiError::internal)?;
        read_profile(&state, &text).map_err(|e| prefix(e, "profile"))?;
    }
    let key = key.map(|k| k.of(&me, StatusCode::CREATED));
    let made = labpath_app::people::add(
        &state.app(),
        &me.app(),
        &body.name,
        body.profile,
        key.as_ref(),
    )
    .await?;
    once::answer(made, StatusCode::CREATED)
}

/// `POST /api/people/import`: adds every person of a people CSV (the body,
/// `text/csv`) to the caller's organization, each with the profile their
/// line gives (staff and admins; in local mode, the owner): all or no one
/// (see [`labpath_app::people::import`]). A refusal lists every problem in
/// `details`, each with its line and column.
#[utoipa::path(
    post,
    path = "/api/people/import",
    tag = "people",
    request_body(
        content = String,
        content_type = "text/csv",
        description = "A people CSV, UTF-8, at most 2 MiB and 5,000 people: a header row naming its columns, in any order: `name` (needed), `email`, `credentials` (written as after a name: `MLS(ASCP)CM, NYS licensed`), `work_state` (`NY`), `citizenship` (countries separated by `;`), `degree` with `degree_level`, `degree_field`, `degree_country` and `degree_completed`."
    ),
    responses(
        (status = 201, description = "Everyone in the file, added, in its order.", body = PeopleImported),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    Api(me): Api,
    PeopleCsv(bytes): PeopleCsv,
) -> ApiResult<Response> {
    let added = import_people(&state, &me, &bytes).await?;
    Ok((StatusCode::CREATED, Json(PeopleImported { added })).into_response())
}

/// Adds everyone of a people CSV (the API's and the page's import), in a
/// heavy-work turn: every line is read and checked against the catalog.
pub async fn import_people(
    state: &AppState,
    me: &Principal,
    bytes: &[u8],
) -> ApiResult<Vec<Person>> {
    let _turn = state.heavy_turn().await?;
    Ok(labpath_app::people::import(&state.app(), &me.app(), bytes).await?)
}

/// What a people import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleImported {
    /// The people added, in the order of the file's lines.
    pub added: Vec<Person>,
}

fn prefix(mut e: ApiError, at: &str) -> ApiError {
    e.field = Some(match e.field.take() {
        Some(f) => format!("{at}.{f}"),
        None => at.to_owned(),
    });
    e
}

/// `GET /api/people/{person}`.
#[utoipa::path(
    get,
    path = "/api/people/{person}",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    responses(
        (status = 200, description = "The person.", body = Person),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Person>> {
    Ok(Json(visible_person(&state, &me, &id).await?))
}

/// A rename.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// The new name.
    #[schema(value_type = ShortText)]
    pub name: String,
}

/// `PATCH /api/people/{person}`: renames.
#[utoipa::path(
    patch,
    path = "/api/people/{person}",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body = Rename,
    responses(
        (status = 200, description = "The person, renamed.", body = Person),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn rename(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Rename>,
) -> ApiResult<Json<Person>> {
    let person = visible_person(&state, &me, &id).await?;
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("a person needs a name").at("name"));
    }
    Ok(Json(
        ops::rename_person(state.store(), &me.actor(), person.id, &body.name).await?,
    ))
}

/// Who is responsible for a person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    /// A staff member's or admin's user id; `null`: no one.
    #[schema(value_type = Option<i64>)]
    pub owner: Option<labpath_store::ids::UserId>,
}

/// `PUT /api/people/{person}/owner`: makes a staff member of the person's
/// organization responsible for them (or no one). Server mode, staff and
/// admins.
#[utoipa::path(
    put,
    path = "/api/people/{person}/owner",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body = OwnerBody,
    responses(
        (status = 200, description = "The person, with their owner.", body = Person),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn set_owner(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<OwnerBody>,
) -> ApiResult<Json<Person>> {
    me.require_staff()?;
    let person = visible_person(&state, &me, &id).await?;
    Ok(Json(
        labpath_app::people::set_owner(&state.app(), &me.app(), person.id, body.owner).await?,
    ))
}

/// `GET /api/people/{person}/profile` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number (default: the latest).
    #[param(pattern = r"^[1-9][0-9]{0,5}$")]
    version: Option<String>,
}

/// `GET /api/people/{person}/profile`: the latest profile, or a version.
#[utoipa::path(
    get,
    path = "/api/people/{person}/profile",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id."), VersionQuery),
    responses(
        (status = 200, description = "The profile version.", body = ProfileVersion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn profile(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<VersionQuery>,
) -> ApiResult<Json<ProfileVersion>> {
    let person = visible_person(&state, &me, &id).await?;
    let version = match q.version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::bad_request(format!(
                "query: `version` must be a whole number from 1, got `{v}`"
            ))
            .at("version")
        })?),
    };
    state
        .store()
        .profile(person.id, version)
        .await?
        .map(Json)
        .ok_or_else(|| match version {
            Some(v) => ApiError::not_found(format!("profile version `{v}` does not exist")),
            None => ApiError::not_found(format!("person {} has no profile yet", person.id)),
        })
}

/// `PUT /api/people/{person}/profile`: records a new version (the old ones
/// are kept). The body is the profile; every problem is listed with its
/// field, and nothing is stored unless it is valid.
#[utoipa::path(
    put,
    path = "/api/people/{person}/profile",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body = crate::openapi::ProfileDocument,
    responses(
        (status = 200, description = "The new profile version.", body = ProfileVersion),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn record_profile(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonText(text): JsonText,
) -> ApiResult<Json<ProfileVersion>> {
    let person = visible_person(&state, &me, &id).await?;
    read_profile(&state, &text)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(ApiError::internal)?;
    Ok(Json(
        ops::record_profile(state.store(), &me.actor(), person.id, value).await?,
    ))
}

/// `GET /api/people/{person}/eligibility`: the stored profile's evaluation.
#[utoipa::path(
    get,
    path = "/api/people/{person}/eligibility",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id."), EligibilityQuery),
    responses(
        (status = 200, description = "The stored profile's eligibility (the compact view, read with `GET /api/catalog/clauses`; every text written out with `view=full`; the summary with `view=summary`).", body = crate::openapi::EvaluationAnswer),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn eligibility(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<EligibilityQuery>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let as_of = day(q.as_of.as_deref(), "as_of")?;
    let view = View::parse(q.view.as_deref())?;
    let only = chosen_credentials(&state.catalog, &q)?;
    let eligibility =
        labpath_app::eligibility::of_person(&state.app(), &me.app(), person, as_of, &only).await?;
    evaluation_response(&state, &eligibility, view)
}

/// `GET /api/people/{person}/questions` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionsQuery {
    /// A named goal or credential ids; absent: every credential.
    #[param(value_type = Option<IdList>)]
    goal: Option<String>,
    /// The day the rules are read as of (default today).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    as_of: Option<String>,
}

/// `GET /api/people/{person}/questions?goal=...`: the facts the stored
/// profile leaves open that would change an answer, most decisive first.
#[utoipa::path(
    get,
    path = "/api/people/{person}/questions",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id."), QuestionsQuery),
    responses(
        (status = 200, description = "The open questions, most decisive first.", body = labpath_views::questions::QuestionsView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn questions(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<QuestionsQuery>,
) -> ApiResult<Json<labpath_views::questions::QuestionsView>> {
    let person = extract::id(&id)?;
    let as_of = super::day(q.as_of.as_deref(), "as_of")?;
    let goal = q.goal.as_deref().map(str::trim).filter(|g| !g.is_empty());
    let view =
        labpath_app::eligibility::person_questions(&state.app(), &me.app(), person, goal, as_of)
            .await?;
    Ok(Json(view))
}

/// `GET /api/people/{person}/plan` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// A named goal or credential ids (required).
    #[param(value_type = Option<IdList>)]
    goal: Option<String>,
    /// First day, YYYY-MM-DD (default today).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    from: Option<String>,
    /// `time` (default) or `cost`.
    #[param(pattern = r"^(time|cost)$")]
    optimize: Option<String>,
    /// Simulation runs, 1 to 100000 (default 10000).
    #[param(pattern = r"^[1-9][0-9]{0,5}$")]
    samples: Option<String>,
    /// The simulation's seed, a whole number (default 42).
    #[param(pattern = r"^[0-9]{1,19}$")]
    seed: Option<String>,
}

/// `GET /api/people/{person}/plan?goal=...`: a plan from the stored profile.
#[utoipa::path(
    get,
    path = "/api/people/{person}/plan",
    tag = "people",
    params(("person" = RecordIdText, Path, description = "The person's id."), PlanQuery),
    responses(
        (status = 200, description = "The best plan to the goal, the alternatives and percentile dates.", body = labpath_views::json::PlanView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn plan(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<PlanQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let person = extract::id(&id)?;
    let goal = q
        .goal
        .as_deref()
        .filter(|g| !g.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("query: `goal` is required").at("goal"))?;
    let number = |text: &Option<String>, name: &str| -> ApiResult<Option<u64>> {
        text.as_deref()
            .map(|t| {
                t.trim().parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "query: `{name}` must be a whole number, got `{t}`"
                    ))
                    .at(name)
                })
            })
            .transpose()
    };
    let samples = number(&q.samples, "samples")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    let input = PlanInput {
        goal,
        from: q.from.as_deref(),
        optimize: q.optimize.as_deref(),
        samples,
        seed: number(&q.seed, "seed")?,
    };
    let options = input.options()?;
    let request =
        labpath_app::plan::for_person(&state.app(), &me.app(), person, goal, options).await?;
    Ok(Json(compute_plan(&state, request).await?.json))
}

/// `GET /api/people/{person}/ce`: the continuing-education log.
#[utoipa::path(
    get,
    path = "/api/people/{person}/ce",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id."), PageQuery),
    responses(
        (status = 200, description = "A page of the log.", body = Page<LoggedActivity>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn ce_log(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<LoggedActivity>>> {
    let log = labpath_app::ce::log(&state.app(), &me.app(), extract::id(&id)?).await?;
    Ok(Json(q.cut(log)?))
}

/// An activity to log, with the certificate that proves it: a JSON body
/// (the activity, no certificate), or `multipart/form-data` with the
/// activity as JSON in the field `activity` and the file in `certificate`.
pub struct ActivityUpload {
    /// The activity.
    pub activity: Activity,
    /// Its certificate, if one was sent.
    pub certificate: Option<FilePart>,
}

impl<S: Send + Sync> FromRequest<S> for ActivityUpload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            let JsonBody(activity) = JsonBody::<Activity>::from_request(req, state).await?;
            return Ok(ActivityUpload {
                activity,
                certificate: None,
            });
        }
        if !content_type.starts_with("multipart/form-data") {
            return Err(ApiError::media_type(
                "application/json, or multipart/form-data with the fields `activity` and `certificate`",
            ));
        }
        let mut upload = Upload::from_request(req, state).await?;
        let certificate = upload.take_file("certificate")?;
        upload.no_other_files()?;
        let text = upload.fields.raw("activity");
        labpath_engine::limits::text("activity", text, extract::SMALL_BODY_LIMIT)?;
        if text.trim().is_empty() {
            return Err(ApiError::invalid(
                "the form needs the field `activity`: the activity as JSON",
            )
            .at("activity"));
        }
        let activity = extract::from_json::<Activity>(text.as_bytes()).map_err(|mut e| {
            e.field = Some(match e.field.take() {
                Some(f) => format!("activity.{f}"),
                None => "activity".to_owned(),
            });
            e
        })?;
        Ok(ActivityUpload {
            activity,
            certificate,
        })
    }
}

/// `POST /api/people/{person}/ce`: logs an activity, with its certificate
/// when sent as `multipart/form-data`. It must fall inside a renewal cycle
/// of a credential the person holds.
#[utoipa::path(
    post,
    path = "/api/people/{person}/ce",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body(
        description = "The activity as JSON, or as multipart/form-data with its certificate.",
        content(
            (Activity = "application/json"),
            (crate::openapi::ActivityForm = "multipart/form-data"),
        )
    ),
    responses(
        (status = 201, description = "The activity, logged.", body = LoggedActivity),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn ce_add(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    Keyed { key, inner: body }: Keyed<ActivityUpload>,
) -> ApiResult<Response> {
    let certificate = body.certificate.map(check_file).transpose()?;
    let key = key.map(|k| k.of(&me, StatusCode::CREATED));
    let made = labpath_app::ce::add(
        &state.app(),
        &me.app(),
        extract::id(&id)?,
        body.activity,
        certificate,
        key.as_ref(),
    )
    .await?;
    once::answer(made, StatusCode::CREATED)
}

/// An import's certificates: the files uploaded with the CSV, by name.
struct Sent {
    files: Vec<FilePart>,
    named: Vec<bool>,
}

impl labpath_app::ce::Certificates for Sent {
    fn take(&mut self, name: &str) -> Result<CheckedFile, String> {
        let i = self
            .files
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| format!("`{name}` was not sent: add it to `certificates`"))?;
        self.named[i] = true;
        labpath_store::attachment::check(name, self.files[i].bytes.clone())
            .map_err(|e| e.to_string())
    }

    fn unnamed(&self) -> Vec<String> {
        self.files
            .iter()
            .zip(&self.named)
            .filter(|(_, named)| !**named)
            .map(|(f, _)| f.name.clone())
            .collect()
    }
}

/// Imports a CE CSV (the field `activities`) with the certificates its
/// lines name (`certificates`, by file name): all or none (see
/// [`labpath_app::ce::import`]). A refusal lists every problem in
/// `details`, at the field `activities`.
pub async fn import_upload(
    state: &AppState,
    me: &Principal,
    person: labpath_store::ids::PersonId,
    mut upload: Upload,
) -> ApiResult<Vec<LoggedActivity>> {
    let csv = upload.take_file("activities")?.ok_or_else(|| {
        ApiError::invalid("send the CSV of activities in the field `activities`").at("activities")
    })?;
    let (sent, others): (Vec<FilePart>, Vec<FilePart>) = std::mem::take(&mut upload.files)
        .into_iter()
        .partition(|f| f.field == "certificates");
    upload.files = others;
    upload.no_other_files()?;
    // Reading and checking every line, then writing them: a heavy turn.
    let _turn = state.heavy_turn().await?;
    let text = String::from_utf8(csv.bytes).map_err(|_| {
        ApiError::invalid(format!(
            "`{}` is not UTF-8 text: save it as CSV (UTF-8)",
            csv.name
        ))
        .at("activities")
    })?;
    let mut sent = Sent {
        named: vec![false; sent.len()],
        files: sent,
    };
    labpath_app::ce::import(&state.app(), &me.app(), person, &csv.name, &text, &mut sent)
        .await
        .map_err(|e| {
            let at = e.field.is_none() && !e.problems.is_empty();
            let e = ApiError::from(e);
            if at { e.at("activities") } else { e }
        })
}

/// `POST /api/people/{person}/ce/import`: logs every activity of a CSV
/// (`multipart/form-data`: `activities`, and the `certificates` its lines
/// name), or none.
#[utoipa::path(
    post,
    path = "/api/people/{person}/ce/import",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body(content = crate::openapi::ImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Every activity of the file, logged.", body = Imported),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = TooLarge),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn ce_import(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    upload: Upload,
) -> ApiResult<Response> {
    let person = visible_person(&state, &me, &id).await?;
    let logged = import_upload(&state, &me, person.id, upload).await?;
    Ok((StatusCode::CREATED, Json(Imported { logged })).into_response())
}

/// What a CE import logged.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// The activities logged, in the order of the file's lines.
    pub logged: Vec<LoggedActivity>,
}

/// Why an activity is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Why (it was logged by mistake, twice, for the wrong person...).
    #[schema(value_type = Note)]
    pub reason: String,
}

/// An activity id as the path gives it; "not found" when it is not one.
pub fn activity_id(text: &str) -> ApiResult<EventId> {
    text.parse().map_err(|_| {
        ApiError::not_found(format!(
            "no logged activity `{}`",
            labpath_engine::limits::quote(text)
        ))
    })
}

/// `POST /api/people/{person}/ce/{activity}/withdraw`: withdraws an
/// activity logged by mistake (the history keeps both); answers with the
/// activity withdrawn.
#[utoipa::path(
    post,
    path = "/api/people/{person}/ce/{activity}/withdraw",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id."), ("activity" = RecordIdText, Path, description = "The logged activity's id.")),
    request_body = Withdrawal,
    responses(
        (status = 200, description = "The activity, withdrawn.", body = LoggedActivity),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn ce_withdraw(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams((id, activity)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<Withdrawal>,
) -> ApiResult<Json<LoggedActivity>> {
    let withdrawn = labpath_app::ce::withdraw(
        &state.app(),
        &me.app(),
        extract::id(&id)?,
        activity_id(&activity)?,
        &body.reason,
    )
    .await?;
    Ok(Json(withdrawn))
}

/// `GET /api/people/{person}/ce/status` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, YYYY-MM-DD (default today).
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub as_of: Option<String>,
}

/// `GET /api/people/{person}/ce/status`: compliance of every held
/// credential with renewal rules: cycle, points, categories, deadline,
/// declaration window, fees.
#[utoipa::path(
    get,
    path = "/api/people/{person}/ce/status",
    tag = "continuing education",
    params(("person" = RecordIdText, Path, description = "The person's id."), AsOfQuery),
    responses(
        (status = 200, description = "Compliance of every held credential with its renewal rules.", body = labpath_views::compliance::ComplianceView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Invalid),
    )
)]
pub async fn ce_status(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<AsOfQuery>,
) -> ApiResult<Response> {
    let as_of = day(q.as_of.as_deref(), "as_of")?;
    let status = labpath_app::ce::status(&state.app(), &me.app(), extract::id(&id)?, as_of).await?;
    super::json_response(&status.view(&state.catalog), 16 * 1024)
}
