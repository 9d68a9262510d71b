//! The tracker through the API: applications with their checklists,
//! history and contact log, reminders, the calendar, status alerts and the
//! agency dashboard.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_app::{applications, contacts, documents, reminders};
use labpath_engine::units::Date;
use labpath_store::agenda::{self, Alert, Deadline, Records};
use labpath_store::event::{Channel, Event};
use labpath_store::ids::{EventId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, ApplicationsFilter, Contact, Person, Reminder, Window,
};
use labpath_store::stall::Urgency;
use labpath_store::status::{AppStatus, DocStatus};
use labpath_store::time::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::people::visible_people;
use super::{Page, PageQuery, day, visible_person};
use crate::auth::{Api, Principal, Scope};
use crate::error::{ApiError, ApiResult};
use crate::extract::{self, JsonBody, PathParams, QueryParams};
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
    let people: Vec<Person> = match person {
        Some(p) => vec![state.store().person(p).await?],
        None => visible_people(state, me.scope()).await?,
    };
    let organization = match (person, me.scope()) {
        (None, Scope::Org(org)) => Some(org),
        _ => None,
    };
    let mut records = agenda::load_where(
        state.store(),
        AppFilter {
            person,
            organization,
            open_only: false,
        },
    )
    .await?;
    // The filter narrows the reads; visibility decides what is kept.
    let ids: HashSet<PersonId> = people.iter().map(|p| p.id).collect();
    records.applications.retain(|a| ids.contains(&a.person));
    let apps: HashSet<_> = records.applications.iter().map(|a| a.id).collect();
    records.items.retain(|i| apps.contains(&i.application));
    records.reminders.retain(|r| ids.contains(&r.person));
    records.profiles.retain(|p, _| ids.contains(p));
    Ok((people, records))
}
/// Alerts, most urgent first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PersonStatus)]
pub struct StatusView<'c> {
    /// The day.
    pub as_of: Date,
    /// Overdue, due soon and to do, most urgent first, each with what to do.
    pub alerts: Vec<Alert<'c>>,
    /// Deadlines from the catalog, closing routes and reminders.
    pub deadlines: Vec<Deadline>,
}

/// `GET /api/people/{person}/status`: what is overdue, due soon and to do.
#[utoipa::path(
    get,
    path = "/api/people/{person}/status",
    tag = "tracker",
    params(("person" = String, Path, description = "The person's id.")),
    responses(
        (status = 200, description = "What is overdue, due soon and to do, and the deadlines ahead.", body = StatusView),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    )
)]
pub async fn person_status(
    State(state): State<AppState>,
    Api(me): Api,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let person = visible_person(&state, &me, &id).await?;
    let (_, records) = records(&state, &me, Some(person.id)).await?;
    let today = Date::today();
    let view = StatusView {
        as_of: today,
        alerts: agenda::alerts(&state.catalog, &records, today),
        deadlines: agenda::deadlines(&state.catalog, &records, today),
    };
    Ok(Json(
        serde_json::to_value(&view).map_err(ApiError::internal)?,
    ))
}

/// `GET /api/people/{person}/applications`.
#[utoipa::path(
    get,
    path = "/api/people/{person}/applications",
    tag = "tracker",
    params(("person" = String, Path, description = "The person's id."), PageQuery),
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
    pub step: String,
    /// The body's reference number, if already known.
    pub reference: Option<String>,
}

/// `POST /api/people/{person}/applications`: opens an application from a
/// catalog step, with the step's documents as its checklist.
#[utoipa::path(
    post,
    path = "/api/people/{person}/applications",
    tag = "tracker",
    params(("person" = String, Path, description = "The person's id.")),
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
    JsonBody(body): JsonBody<NewApplication>,
) -> ApiResult<Response> {
    let person = extract::id(&id)?;
    let reference = body.reference.as_deref();
    let app = applications::open(&state.app(), &me.app(), person, &body.step, reference).await?;
    Ok((StatusCode::CREATED, Json(app)).into_response())
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
    params(PageQuery, ("status" = Option<String>, Query, description = "Only this status."), ("open" = Option<String>, Query, description = "`true`: only those not decided.")),
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
    params(("app" = String, Path, description = "The application's id.")),
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
    pub on: Option<String>,
    /// A note on the change.
    pub note: Option<String>,
    /// The body's reference number.
    pub reference: Option<String>,
}

/// `PATCH /api/applications/{app}`: a status change (checked against the
/// state machine) and/or the reference number.
#[utoipa::path(
    patch,
    path = "/api/applications/{app}",
    tag = "tracker",
    params(("app" = String, Path, description = "The application's id.")),
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
    params(("app" = String, Path, description = "The application's id."), HistoryQuery),
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
    pub on: Option<String>,
    /// Requested: of whom.
    pub requested_from: Option<String>,
    /// Sent: how (mail, courier, portal, email).
    pub method: Option<String>,
    /// Sent: tracking number.
    pub tracking: Option<String>,
    /// Rejected: why.
    pub reason: Option<String>,
    /// A note.
    pub note: Option<String>,
}

/// `PATCH /api/applications/{app}/documents/{key}`: a document requested,
/// sent, received, accepted or rejected.
#[utoipa::path(
    patch,
    path = "/api/applications/{app}/documents/{key}",
    tag = "tracker",
    params(("app" = String, Path, description = "The application's id."), ("key" = String, Path, description = "The checklist document's key.")),
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
    let change = documents::Change {
        key,
        to: body.status,
        on: day(body.on.as_deref(), "on")?,
        requested_from: body.requested_from,
        method: body.method,
        tracking: body.tracking,
        reason: body.reason,
        note: body.note,
        attach: Vec::new(),
    };
    let changed = documents::update(&state.app(), &me.app(), id, change).await?;
    Ok(Json(changed.state))
}

/// `GET /api/applications/{app}/contacts`: the contact log, oldest first.
#[utoipa::path(
    get,
    path = "/api/applications/{app}/contacts",
    tag = "tracker",
    params(("app" = String, Path, description = "The application's id."), PageQuery),
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
    pub on: Option<String>,
    /// How: call, email, letter, portal, in_person.
    pub channel: Channel,
    /// Whom you reached.
    pub with: Option<String>,
    /// What was said.
    pub summary: String,
    /// A date they promised something by.
    pub promised: Option<String>,
}

/// `POST /api/applications/{app}/contacts`: logs a call, email, letter or
/// portal message.
#[utoipa::path(
    post,
    path = "/api/applications/{app}/contacts",
    tag = "tracker",
    params(("app" = String, Path, description = "The application's id.")),
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
    params(("person" = String, Path, description = "The person's id."), PageQuery),
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
    pub due: String,
    /// What to do.
    pub what: String,
    /// The application it concerns, if any.
    pub application: Option<String>,
}

/// `POST /api/people/{person}/reminders`.
#[utoipa::path(
    post,
    path = "/api/people/{person}/reminders",
    tag = "tracker",
    params(("person" = String, Path, description = "The person's id.")),
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
    JsonBody(body): JsonBody<NewReminder>,
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
    let reminder = reminders::add(&state.app(), &me.app(), new).await?;
    Ok((StatusCode::CREATED, Json(reminder)).into_response())
}

/// `POST /api/reminders/{reminder}/done` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Done {
    /// The day it was done (default today).
    pub on: Option<String>,
}

/// `POST /api/reminders/{reminder}/done`.
#[utoipa::path(
    post,
    path = "/api/reminders/{reminder}/done",
    tag = "tracker",
    params(("reminder" = String, Path, description = "The reminder's id.")),
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

/// The calendar of a set of records and the CE renewals of its people.
pub async fn calendar_text(
    state: &AppState,
    people: &[Person],
    records: &Records,
) -> ApiResult<String> {
    let today = Date::today();
    let mut entries = labpath_store::calendar::entries(&state.catalog, records, today);
    for p in people {
        entries.extend(
            labpath_store::calendar::ce_entries(state.store(), &state.catalog, p.id, today).await?,
        );
    }
    entries.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    Ok(labpath_store::calendar::ics(&entries, Timestamp::now()))
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
    params(("person" = String, Path, description = "The person's id.")),
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
    let person = visible_person(&state, &me, &id).await?;
    let (people, records) = records(&state, &me, Some(person.id)).await?;
    Ok(ics_response(
        calendar_text(&state, &people, &records).await?,
    ))
}

/// `GET /api/dashboard` query.
#[derive(Debug, Deserialize)]
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
}

/// One candidate's line on the dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateLine {
    /// The person.
    pub person: Person,
    /// Where they are: `no_profile`, `planning` (no application yet),
    /// an open application's status (the least advanced), or `done`.
    pub stage: String,
    /// Open applications.
    pub open_applications: usize,
    /// Overdue alerts.
    pub overdue: usize,
    /// Due-soon alerts.
    pub due_soon: usize,
    /// The most urgent alert's text.
    pub top_alert: Option<String>,
    /// The next deadline.
    pub next_deadline: Option<Date>,
}

/// The dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard<'c> {
    /// The day.
    pub as_of: Date,
    /// Candidates per stage.
    pub stages: Vec<(String, usize)>,
    /// Overdue items across all candidates, most urgent first (at most 20).
    pub overdue: Vec<Alert<'c>>,
    /// Deadlines in the next 30 days (at most 20).
    pub upcoming: Vec<Deadline>,
    /// Candidates, those with overdue items first.
    pub candidates: Page<CandidateLine>,
}

/// The stages in the order a candidate moves through them.
pub const STAGES: [&str; 6] = [
    "no_profile",
    "planning",
    "draft",
    "submitted",
    "under_review",
    "done",
];

/// Builds the dashboard for a principal.
pub async fn dashboard_of<'s>(
    state: &'s AppState,
    me: &Principal,
    q: &DashboardQuery,
) -> ApiResult<Dashboard<'s>> {
    let (people, records) = records(state, me, None).await?;
    let today = Date::today();
    let alerts = agenda::alerts(&state.catalog, &records, today);
    let deadlines = agenda::deadlines(&state.catalog, &records, today);
    let mut lines: Vec<CandidateLine> = people
        .iter()
        .map(|p| {
            let apps: Vec<&Application> = records
                .applications
                .iter()
                .filter(|a| a.person == p.id)
                .collect();
            let open: Vec<&&Application> = apps.iter().filter(|a| !a.status.is_decided()).collect();
            let stage = if p.profile_version == 0 {
                "no_profile"
            } else if apps.is_empty() {
                "planning"
            } else if let Some(least) = open.iter().map(|a| a.status).min_by_key(|s| stage_rank(*s))
            {
                least.as_str()
            } else {
                "done"
            };
            let mine: Vec<&Alert> = alerts.iter().filter(|a| a.person == p.id).collect();
            CandidateLine {
                person: p.clone(),
                stage: stage.to_owned(),
                open_applications: open.len(),
                overdue: mine
                    .iter()
                    .filter(|a| a.urgency == Urgency::Overdue)
                    .count(),
                due_soon: mine
                    .iter()
                    .filter(|a| a.urgency == Urgency::DueSoon)
                    .count(),
                top_alert: mine.first().map(|a| format!("{}: {}", a.subject, a.what)),
                next_deadline: deadlines
                    .iter()
                    .filter(|d| d.person == p.id && d.due >= today)
                    .map(|d| d.due)
                    .min(),
            }
        })
        .collect();
    let mut stages: Vec<(String, usize)> = STAGES
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                lines.iter().filter(|l| l.stage == *s).count(),
            )
        })
        .collect();
    stages.retain(|(_, n)| *n > 0);
    if let Some(stage) = q.stage.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if !STAGES.contains(&stage) {
            return Err(ApiError::bad_request(format!(
                "query: `stage` is one of {}, got `{stage}`",
                STAGES.join(", ")
            ))
            .at("stage"));
        }
        lines.retain(|l| l.stage == stage);
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text = text.to_lowercase();
        lines.retain(|l| l.person.name.to_lowercase().contains(&text));
    }
    match q.overdue.as_deref().map(str::trim) {
        None | Some("") | Some("false") => {}
        Some("true") => lines.retain(|l| l.overdue > 0),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "query: `overdue` is `true` or `false`, got `{other}`"
            ))
            .at("overdue"));
        }
    }
    lines.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.due_soon.cmp(&a.due_soon))
            .then(a.next_deadline.is_none().cmp(&b.next_deadline.is_none()))
            .then(a.next_deadline.cmp(&b.next_deadline))
            .then(a.person.id.cmp(&b.person.id))
    });
    let horizon = today.add_days(30);
    Ok(Dashboard {
        as_of: today,
        stages,
        overdue: alerts
            .into_iter()
            .filter(|a| a.urgency == Urgency::Overdue)
            .take(20)
            .collect(),
        upcoming: deadlines
            .into_iter()
            .filter(|d| d.due >= today && d.due <= horizon)
            .take(20)
            .collect(),
        candidates: q.page.cut(lines)?,
    })
}

fn stage_rank(s: AppStatus) -> usize {
    STAGES
        .iter()
        .position(|x| *x == s.as_str())
        .unwrap_or(STAGES.len())
}

/// `GET /api/dashboard`: candidates by stage, overdue items first, upcoming
/// deadlines; filters `stage`, `q`, `overdue`; paged.
#[utoipa::path(
    get,
    path = "/api/dashboard",
    tag = "tracker",
    params(PageQuery, ("stage" = Option<String>, Query, description = "Only candidates at this stage: no_profile, planning, draft, submitted, under_review or done."), ("q" = Option<String>, Query, description = "Only candidates whose name contains this."), ("overdue" = Option<String>, Query, description = "`true`: only candidates with something overdue.")),
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
