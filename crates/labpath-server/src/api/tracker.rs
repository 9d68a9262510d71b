//! The tracker through the API: applications with their checklists,
//! history and contact log, reminders, the calendar, status alerts and the
//! agency dashboard.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_app::{applications, contacts, documents, reminders};
use labpath_engine::limits::schema::{CatalogKey, Day, Note, RecordIdText, ShortText};
use labpath_engine::units::Date;
use labpath_store::agenda::Records;
use labpath_store::event::{Channel, Event};
use labpath_store::ids::{EventId, PersonId, UserId};
use labpath_store::model::{
    Application, ApplicationState, ApplicationsFilter, Contact, Person, Reminder, Window,
};
use labpath_store::ops::DocUpdate;
use labpath_store::status::{AppStatus, DocStatus};
use labpath_store::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use labpath_views::dashboard::{CandidateLine, OverdueAlert, STAGES};
use labpath_views::deadlines::{Deadline as Lapse, Severity};

use super::{Page, PageQuery, day};
use crate::auth::{Api, Principal};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, JsonBody, PathParams, QueryParams};
use crate::once::{self, Keyed};
use crate::openapi::{
    BadRequest, Conflict, Forbidden, Invalid, NotFound, Unauthorized, Unsupported,
};
use crate::state::AppState;

/// The agenda records of the people a principal sees (or of one person).
pub async fn records(
    state: &AppState,
    me: &Principal,
    person: Option<PersonId>,
) -> ApiResult<(Vec<Person>, Records)> {
    Ok(labpath_app::agenda::records(&state.app(), &me.app(), person).await?)
}

/// `GET /api/people/{person}/status`: what is overdue, due soon and to do.
#[utoipa::path(
    get,
    path = "/api/people/{person}/status",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    responses(
        (status = 200, description = "What is overdue, due soon and to do, and the deadlines ahead.", body = labpath_views::agenda::StatusView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn person_status(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let agenda =
        labpath_app::agenda::status(&state.app(), &me.app(), Some(person), Date::today()).await?;
    super::json_response(&agenda.view(), 4 * 1024)
}

/// `GET /api/people/{person}/applications`.
#[utoipa::path(
    get,
    path = "/api/people/{person}/applications",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id."), PageQuery),
    responses(
        (status = 200, description = "A page of the person's applications.", body = Page<Application>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn person_applications(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<Application>>> {
    let filter = ApplicationsFilter {
        person: Some(extract::id(&id)?),
        ..ApplicationsFilter::default()
    };
    let paged = applications::list(&state.app(), &me.app(), &filter, q.window()?).await?;
    Ok(Json(q.of(paged)?))
}

/// A new application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// The catalog step (`nysed-clt-license`).
    #[schema(value_type = labpath_engine::step::StepId)]
    pub step: String,
    /// The body's reference number, if already known.
    #[schema(value_type = Option<ShortText>)]
    pub reference: Option<String>,
}

/// `POST /api/people/{person}/applications`: opens an application from a
/// catalog step, with the step's documents as its checklist.
#[utoipa::path(
    post,
    path = "/api/people/{person}/applications",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body = NewApplication,
    responses(
        (status = 201, description = "The application, opened with its checklist.", body = ApplicationState),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn create_application(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    Keyed {
        key,
        inner: JsonBody(body),
    }: Keyed<JsonBody<NewApplication>>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let reference = body.reference.as_deref();
    let key = key.map(|k| k.of(&me, StatusCode::CREATED));
    let made = applications::open(
        &state.app(),
        &me.app(),
        person,
        &body.step,
        reference,
        key.as_ref(),
    )
    .await?;
    once::answer(made, StatusCode::CREATED)
}

/// `GET /api/applications` query.
#[derive(Debug, Deserialize)]
pub struct ApplicationsQuery {
    #[serde(flatten)]
    page: PageQuery,
    /// Only this status.
    status: Option<String>,
    /// Only those not decided (`true`).
    open: Option<String>,
}

/// `GET /api/applications`: every application the caller sees.
#[utoipa::path(
    get,
    path = "/api/applications",
    tag = "tracker",
    params(PageQuery, ("status" = Option<AppStatus>, Query, description = "Only this status."), ("open" = Option<String>, Query, pattern = r"^(true|false)$", description = "`true`: only those not decided.")),
    responses(
        (status = 200, description = "A page of the applications the caller sees.", body = Page<Application>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
    )
)]
pub async fn applications(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<ApplicationsQuery>,
) -> ApiResult<Json<Page<Application>>> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<AppStatus>(serde_json::Value::String(s.to_owned()))
                .map_err(|e| ApiError::bad_request(format!("query: `status`: {e}")).at("status"))?,
        ),
    };
    let open_only = match q.open.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "query: `open` is `true` or `false`, got `{other}`"
            ))
            .at("open"));
        }
    };
    let filter = ApplicationsFilter {
        person: None,
        status,
        open_only,
    };
    let paged = applications::list(&state.app(), &me.app(), &filter, q.page.window()?).await?;
    Ok(Json(q.page.of(paged)?))
}

/// `GET /api/applications/{app}`: the application with its checklist.
#[utoipa::path(
    get,
    path = "/api/applications/{app}",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id.")),
    responses(
        (status = 200, description = "The application with its checklist.", body = ApplicationState),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn application(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<ApplicationState>> {
    Ok(Json(
        state
            .app()
            .application(&me.app(), extract::id(&id)?)
            .await?,
    ))
}

/// A change to an application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationUpdate {
    /// A new status.
    pub status: Option<AppStatus>,
    /// The day of the change (default today).
    #[schema(value_type = Option<Day>)]
    pub on: Option<String>,
    /// A note on the change.
    #[schema(value_type = Option<Note>)]
    pub note: Option<String>,
    /// The body's reference number.
    #[schema(value_type = Option<ShortText>)]
    pub reference: Option<String>,
}

/// `PATCH /api/applications/{app}`: a status change (checked against the
/// state machine) and/or the reference number.
#[utoipa::path(
    patch,
    path = "/api/applications/{app}",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id.")),
    request_body = ApplicationUpdate,
    responses(
        (status = 200, description = "The application, changed.", body = ApplicationState),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn update_application(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<ApplicationUpdate>,
) -> ApiResult<Json<ApplicationState>> {
    let id = extract::id(&id)?;
    let change = applications::Change {
        status: body.status,
        on: day(body.on.as_deref(), "on")?,
        note: body.note,
        reference: body.reference,
        attach: Vec::new(),
    };
    let changed = applications::update(&state.app(), &me.app(), id, change).await?;
    Ok(Json(changed.state))
}

/// `GET /api/applications/{app}/history` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only events after this id.
    #[param(pattern = r"^[1-9][0-9]{0,5}$")]
    after: Option<String>,
    /// At most this many (default 200).
    #[param(pattern = r"^[1-9][0-9]{0,3}$")]
    limit: Option<String>,
}

/// `GET /api/applications/{app}/history`: every event, oldest first.
#[utoipa::path(
    get,
    path = "/api/applications/{app}/history",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id."), HistoryQuery),
    responses(
        (status = 200, description = "Every event of the application, oldest first.", body = Vec<Event>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<HistoryQuery>,
) -> ApiResult<Json<Vec<Event>>> {
    let id = extract::id(&id)?;
    let after = match q.after.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(
            t.parse::<EventId>()
                .map_err(|e| ApiError::bad_request(format!("query: `after`: {e}")).at("after"))?,
        ),
        None => None,
    };
    let limit = super::whole_number(q.limit.as_deref(), "limit", 200, 1000)?;
    let window = Window {
        offset: 0,
        limit: limit as u64,
    };
    let events = applications::history(&state.app(), &me.app(), id, after, window).await?;
    Ok(Json(events.items))
}

/// A change to a checklist document.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentUpdate {
    /// The new status.
    pub status: DocStatus,
    /// The day (default today).
    #[schema(value_type = Option<Day>)]
    pub on: Option<String>,
    /// Requested: of whom.
    #[schema(value_type = Option<ShortText>)]
    pub requested_from: Option<String>,
    /// Sent: how (mail, courier, portal, email).
    #[schema(value_type = Option<ShortText>)]
    pub method: Option<String>,
    /// Sent: tracking number.
    #[schema(value_type = Option<ShortText>)]
    pub tracking: Option<String>,
    /// Rejected: why.
    #[schema(value_type = Option<Note>)]
    pub reason: Option<String>,
    /// A note.
    #[schema(value_type = Option<Note>)]
    pub note: Option<String>,
}

/// `PATCH /api/applications/{app}/documents/{key}`: a document requested,
/// sent, received, accepted or rejected.
#[utoipa::path(
    patch,
    path = "/api/applications/{app}/documents/{key}",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id."), ("key" = CatalogKey, Path, description = "The checklist document's key.")),
    request_body = DocumentUpdate,
    responses(
        (status = 200, description = "The application, with the document changed.", body = ApplicationState),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn update_document(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams((app_id, key)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<DocumentUpdate>,
) -> ApiResult<Json<ApplicationState>> {
    let id = extract::id(&app_id)?;
    let change = DocUpdate {
        key,
        to: body.status,
        on: day(body.on.as_deref(), "on")?,
        requested_from: body.requested_from,
        method: body.method,
        tracking: body.tracking,
        reason: body.reason,
        note: body.note,
    };
    let changed = documents::update(&state.app(), &me.app(), id, change, &[]).await?;
    Ok(Json(changed.state))
}

/// `GET /api/applications/{app}/contacts`: the contact log, oldest first.
#[utoipa::path(
    get,
    path = "/api/applications/{app}/contacts",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id."), PageQuery),
    responses(
        (status = 200, description = "A page of the contact log, oldest first.", body = Page<Contact>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn contacts(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<Contact>>> {
    let log = contacts::list(&state.app(), &me.app(), extract::id(&id)?).await?;
    Ok(Json(q.cut(log)?))
}

/// A contact to log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    /// The day (default today).
    #[schema(value_type = Option<Day>)]
    pub on: Option<String>,
    /// How: call, email, letter, portal, in_person.
    pub channel: Channel,
    /// Whom you reached.
    #[schema(value_type = Option<ShortText>)]
    pub with: Option<String>,
    /// What was said.
    #[schema(value_type = Note)]
    pub summary: String,
    /// A date they promised something by.
    #[schema(value_type = Option<Day>)]
    pub promised: Option<String>,
}

/// `POST /api/applications/{app}/contacts`: logs a call, email, letter or
/// portal message.
#[utoipa::path(
    post,
    path = "/api/applications/{app}/contacts",
    tag = "tracker",
    params(("app" = RecordIdText, Path, description = "The application's id.")),
    request_body = NewContact,
    responses(
        (status = 201, description = "The contact, logged.", body = Contact),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn add_contact(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<NewContact>,
) -> ApiResult<Response> {
    let id = extract::id(&id)?;
    let promised = match body.promised.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(
            Date::parse(t.trim())
                .map_err(|e| ApiError::invalid(format!("`promised`: {e}")).at("promised"))?,
        ),
        None => None,
    };
    let new = contacts::NewContact {
        on: day(body.on.as_deref(), "on")?,
        channel: body.channel,
        with: body.with,
        summary: body.summary,
        promised,
        attach: Vec::new(),
    };
    let logged = contacts::add(&state.app(), &me.app(), id, new).await?;
    Ok((StatusCode::CREATED, Json(logged.contact)).into_response())
}

/// `GET /api/people/{person}/reminders`.
#[utoipa::path(
    get,
    path = "/api/people/{person}/reminders",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id."), PageQuery),
    responses(
        (status = 200, description = "A page of the person's reminders.", body = Page<Reminder>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn reminders(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    QueryParams(q): QueryParams<PageQuery>,
) -> ApiResult<Json<Page<Reminder>>> {
    let person = Some(extract::id(&id)?);
    let paged = reminders::list(&state.app(), &me.app(), person, q.window()?).await?;
    Ok(Json(q.of(paged)?))
}

/// A reminder to set.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReminder {
    /// The day.
    #[schema(value_type = Day)]
    pub due: String,
    /// What to do.
    #[schema(value_type = ShortText)]
    pub what: String,
    /// The application it concerns, if any.
    #[schema(value_type = Option<RecordIdText>)]
    pub application: Option<String>,
}

/// `POST /api/people/{person}/reminders`.
#[utoipa::path(
    post,
    path = "/api/people/{person}/reminders",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    request_body = NewReminder,
    responses(
        (status = 201, description = "The reminder, set.", body = Reminder),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn add_reminder(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    Keyed {
        key,
        inner: JsonBody(body),
    }: Keyed<JsonBody<NewReminder>>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let due = Date::parse(body.due.trim())
        .map_err(|e| ApiError::invalid(format!("`due`: {e}")).at("due"))?;
    let application = match body.application.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => Some(extract::id(text)?),
        None => None,
    };
    let new = reminders::NewReminder {
        person: Some(person),
        application,
        due,
        what: body.what,
    };
    let key = key.map(|k| k.of(&me, StatusCode::CREATED));
    let made = reminders::add(&state.app(), &me.app(), new, key.as_ref()).await?;
    once::answer(made, StatusCode::CREATED)
}

/// `POST /api/reminders/{reminder}/done` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Done {
    /// The day it was done (default today).
    #[schema(value_type = Option<Day>)]
    pub on: Option<String>,
}

/// `POST /api/reminders/{reminder}/done`.
#[utoipa::path(
    post,
    path = "/api/reminders/{reminder}/done",
    tag = "tracker",
    params(("reminder" = RecordIdText, Path, description = "The reminder's id.")),
    request_body = Done,
    responses(
        (status = 200, description = "The reminder, done.", body = Reminder),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = Unsupported),
        (status = 422, response = Invalid),
    )
)]
pub async fn reminder_done(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Done>,
) -> ApiResult<Json<Reminder>> {
    let reminder: EventId = extract::id(&id)?;
    let on = day(body.on.as_deref(), "on")?;
    Ok(Json(
        reminders::done(&state.app(), &me.app(), reminder, on).await?,
    ))
}

/// The calendar of `person` (or of everyone `me` sees) as iCalendar text.
pub async fn calendar_text(
    state: &AppState,
    me: &Principal,
    person: Option<PersonId>,
) -> ApiResult<String> {
    let entries =
        labpath_app::calendar::calendar(&state.app(), &me.app(), person, Date::today()).await?;
    Ok(labpath_views::calendar::ics(&entries, Timestamp::now()))
}

/// An iCalendar response.
pub fn ics_response(text: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `GET /api/people/{person}/calendar.ics`: deadlines, reminders, next
/// escalation steps and renewals as iCalendar.
#[utoipa::path(
    get,
    path = "/api/people/{person}/calendar.ics",
    tag = "tracker",
    params(("person" = RecordIdText, Path, description = "The person's id.")),
    responses(
        (status = 200, description = "Deadlines, reminders, next steps and renewals as iCalendar.", content_type = "text/calendar", body = String),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn person_calendar(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    Ok(ics_response(
        calendar_text(&state, &me, Some(person)).await?,
    ))
}

/// `GET /api/dashboard` query.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// The page.
    #[serde(flatten)]
    pub page: PageQuery,
    /// Only candidates at this stage.
    pub stage: Option<String>,
    /// Only candidates whose name contains this.
    pub q: Option<String>,
    /// Only candidates with something overdue (`true`).
    pub overdue: Option<String>,
    /// Only candidates this user is responsible for (`none`: nobody is).
    pub owner: Option<String>,
    /// Only candidates who mean to work in this state (`NY`).
    pub state: Option<String>,
    /// Only candidates with a deadline at least this severe (`red`,
    /// `amber`).
    pub severity: Option<String>,
}

/// One stage of the pipeline board.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageColumn {
    /// The stage.
    pub stage: &'static str,
    /// How many candidates the filter keeps at this stage.
    pub count: u64,
    /// The first of them (at most 8), most urgent first.
    pub cards: Vec<CandidateLine>,
}

/// The dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The day.
    pub as_of: Date,
    /// Every stage in order (empty ones too), under the filter (its stage
    /// aside): the pipeline board.
    pub columns: Vec<StageColumn>,
    /// Overdue items across the candidates the filter keeps, most urgent
    /// first (at most 20), each with the person's name.
    pub overdue: Vec<OverdueAlert>,
    /// What is lapsing across them (expired and expiring credentials,
    /// application limits, promises, reminders), most severe first (at
    /// most 20).
    #[schema(value_type = Vec<Lapse>)]
    pub lapsing: Vec<serde_json::Value>,
    /// How many are lapsing in all.
    pub lapsing_total: usize,
    /// Candidates, those with overdue items first.
    pub candidates: Page<CandidateLine>,
}

/// The dashboard filter a query asks for, checked: every value that is no
/// stage, owner, state or severity is a 400 naming the parameter.
pub fn dashboard_filter(q: &DashboardQuery) -> ApiResult<labpath_app::dashboard::Filter> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let stage = match given(&q.stage) {
        None => None,
        Some(text) => Some(labpath_views::dashboard::stage(&text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "query: `stage` is one of {}, got `{text}`",
                STAGES.join(", ")
            ))
            .at("stage")
        })?),
    };
    let overdue_only = match given(&q.overdue).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "query: `overdue` is `true` or `false`, got `{other}`"
            ))
            .at("overdue"));
        }
    };
    let owner = match given(&q.owner).as_deref() {
        None => None,
        Some("none") => Some(None),
        Some(text) => Some(Some(text.parse::<UserId>().map_err(|_| {
            ApiError::bad_request(format!(
                "query: `owner` is a user id or `none`, got `{}`",
                clip(text)
            ))
            .at("owner")
        })?)),
    };
    let work_state = match given(&q.state) {
        None => None,
        Some(text) if text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(text.to_ascii_uppercase())
        }
        Some(text) => {
            return Err(ApiError::bad_request(format!(
                "query: `state` is a two-letter state code (`NY`), got `{}`",
                clip(&text)
            ))
            .at("state"));
        }
    };
    let severity = match given(&q.severity) {
        None => None,
        Some(text) => Some(Severity::parse(&text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "query: `severity` is `red` or `amber`, got `{}`",
                clip(&text)
            ))
            .at("severity")
        })?),
    };
    Ok(labpath_app::dashboard::Filter {
        stage,
        name: given(&q.q),
        overdue_only,
        owner,
        work_state,
        severity,
    })
}

/// A value quoted back in a message, cut to a readable length.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Builds the dashboard for a principal.
pub async fn dashboard_of(
    state: &AppState,
    me: &Principal,
    q: &DashboardQuery,
) -> ApiResult<Dashboard> {
    let filter = dashboard_filter(q)?;
    let window = q.page.window()?;
    let board =
        labpath_app::dashboard::dashboard(&state.app(), &me.app(), &filter, window, Date::today())
            .await?;
    Ok(Dashboard {
        as_of: board.as_of,
        columns: board
            .columns
            .into_iter()
            .map(|c| StageColumn {
                stage: c.stage,
                count: c.count,
                cards: c.cards,
            })
            .collect(),
        overdue: board.overdue,
        lapsing: board.lapsing,
        lapsing_total: board.lapsing_total,
        candidates: q.page.of(board.candidates)?,
    })
}

/// `GET /api/dashboard`: candidates by stage, overdue items first, upcoming
/// deadlines; filters `stage`, `q`, `overdue`; paged.
#[utoipa::path(
    get,
    path = "/api/dashboard",
    tag = "tracker",
    params(PageQuery, ("stage" = Option<String>, Query, pattern = r"^(no_profile|planning|draft|submitted|under_review|done)$", description = "Only candidates at this stage: no_profile, planning, draft, submitted, under_review or done."), ("q" = Option<ShortText>, Query, description = "Only candidates whose name contains this."), ("overdue" = Option<String>, Query, pattern = r"^(true|false)$", description = "`true`: only candidates with something overdue."), ("owner" = Option<String>, Query, pattern = r"^([0-9]{1,19}|none)$", description = "Only candidates this user (an id) is responsible for; `none`: those nobody is."), ("state" = Option<String>, Query, pattern = r"^[A-Za-z]{2}$", description = "Only candidates who mean to work in this state (two letters, `NY`)."), ("severity" = Option<String>, Query, pattern = r"^(red|amber)$", description = "Only candidates with a deadline at least this severe: `red`, or `amber` (red or amber).")),
    responses(
        (status = 200, description = "Candidates by stage, overdue items, upcoming deadlines.", body = Dashboard),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    )
)]
pub async fn dashboard(
    State(state): State<AppState>,
    Api(me): Api,
    QueryParams(q): QueryParams<DashboardQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    me.require_staff()?;
    let board = dashboard_of(&state, &me, &q).await?;
    Ok(Json(
        serde_json::to_value(&board).map_err(ApiError::internal)?,
    ))
}
