//! The web UI: pages rendered on the server from the template files in
//! `templates/`, with plain HTML forms, so every main flow works without
//! JavaScript. Each page reads the same data and views as the API.
//!
//! Forms post back to the page; a refused form is shown again with what
//! was entered and a message next to each field at fault (nothing typed is
//! lost). Every form carries the CSRF token.

mod handlers;
mod interview;
mod refill;

pub use refill::Refill;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use labpath_engine::catalog::Catalog;
use minijinja::{Environment, Value};
use serde::Serialize;

use crate::audit::Audited;
use crate::auth::{NoPrincipal, Principal, authenticate, same_token};
use crate::error::ApiError;
use crate::extract::{FormBody, Upload};
use crate::state::{AppState, Mode};

/// The template files, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("login.html", include_str!("../../templates/login.html")),
    (
        "set_password.html",
        include_str!("../../templates/set_password.html"),
    ),
    ("forgot.html", include_str!("../../templates/forgot.html")),
    ("audit.html", include_str!("../../templates/audit.html")),
    ("people.html", include_str!("../../templates/people.html")),
    ("person.html", include_str!("../../templates/person.html")),
    ("profile.html", include_str!("../../templates/profile.html")),
    (
        "interview.html",
        include_str!("../../templates/interview.html"),
    ),
    (
        "eligibility.html",
        include_str!("../../templates/eligibility.html"),
    ),
    ("plan.html", include_str!("../../templates/plan.html")),
    (
        "application.html",
        include_str!("../../templates/application.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    ("ce.html", include_str!("../../templates/ce.html")),
    (
        "credential.html",
        include_str!("../../templates/credential.html"),
    ),
    (
        "credentials.html",
        include_str!("../../templates/credentials.html"),
    ),
    ("health.html", include_str!("../../templates/health.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
];

/// The style sheet.
const STYLE: &str = include_str!("../../static/style.css");

/// The page templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads every template. One that does not parse stops the start, with
    /// its name and the error: a server missing a page is not started.
    pub fn new(catalog: &Catalog) -> Result<Self, String> {
        Self::of(TEMPLATES, catalog)
    }

    /// [`Templates::new`] over the given templates.
    fn of(templates: &[(&'static str, &'static str)], catalog: &Catalog) -> Result<Self, String> {
        let mut env = Environment::new();
        for &(name, text) in templates {
            env.add_template(name, text)
                .map_err(|e| format!("the page template `{name}` does not parse: {e}"))?;
        }
        let sources: BTreeMap<String, (String, String)> = catalog
            .sources()
            .iter()
            .map(|s| (s.id.as_str().to_owned(), (s.title.clone(), s.url.clone())))
            .collect();
        env.add_function("source", move |id: String| -> Value {
            let shown = match sources.get(&id) {
                Some((title, url)) => SourceShown {
                    title: title.clone(),
                    url: url.clone(),
                    id,
                },
                None => SourceShown {
                    title: id.clone(),
                    url: String::new(),
                    id,
                },
            };
            Value::from_serialize(shown)
        });
        // Money comes as a number of dollars (`1995.0`); it is shown as
        // the CLI prints it (`$1995`, `$12.50`).
        env.add_filter("dollars", |amount: f64| {
            labpath_engine::units::Money::from_cents((amount * 100.0).round() as i64).to_string()
        });
        // A deadline's severity (`red`, `amber`) in words (`urgent`).
        env.add_filter("severity", |level: String| {
            labpath_views::deadlines::Severity::parse(&level).map_or("", |s| s.label())
        });
        // Points or hours as people write them (`10`, `1.5`, never `-0`).
        env.add_filter("amount", labpath_views::deadlines::amount);
        // Days left in words (`in 16 days`, `14 days ago`).
        env.add_filter("days", labpath_views::deadlines::days);
        Ok(Templates { env })
    }

    /// Renders a template with a context.
    pub fn render<S: Serialize>(&self, name: &str, context: S) -> Result<String, ApiError> {
        let template = self.env.get_template(name).map_err(ApiError::internal)?;
        template
            .render(Value::from_serialize(&context))
            .map_err(|e| ApiError::internal(format!("rendering {name}: {e:#}")))
    }
}

/// A catalog source as the templates' `source(id)` gives it: an id the
/// catalog does not have is shown as itself, with no link.
#[derive(Serialize)]
struct SourceShown {
    id: String,
    title: String,
    url: String,
}

/// What every page's layout needs.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    /// `local` or `server`.
    pub mode: &'static str,
    /// The user's name and role, when logged in.
    pub user: Option<(String, String)>,
    /// Whether the user sees the agency dashboard.
    pub staff: bool,
    /// The CSRF token for the page's forms.
    pub csrf: String,
}

impl Frame {
    /// The frame of a page answered before (or without) knowing who asks.
    pub fn anonymous(state: &AppState) -> Frame {
        Frame {
            mode: state.mode.as_str(),
            user: None,
            staff: false,
            csrf: String::new(),
        }
    }

    /// The frame of a principal's page.
    pub fn of(state: &AppState, me: &Principal) -> Frame {
        Frame {
            mode: state.mode.as_str(),
            user: me
                .user
                .as_ref()
                .map(|u| (u.name.clone(), u.role.as_str().to_owned())),
            staff: me.require_staff().is_ok() && state.mode == Mode::Server,
            csrf: me.csrf.clone(),
        }
    }
}

/// A page's failure: an HTML error page, or a redirect to the login.
#[derive(Debug)]
pub enum PageError {
    /// Log in first, then come back to this path.
    Login(String),
    /// An error page.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<labpath_app::AppError> for PageError {
    fn from(e: labpath_app::AppError) -> Self {
        PageError::Api(e.into())
    }
}

impl From<labpath_store::StoreError> for PageError {
    fn from(e: labpath_store::StoreError) -> Self {
        PageError::Api(e.into())
    }
}

/// A page handler's result.
pub type PageResult = Result<Response, PageError>;

/// The error page of a failed request. It is rendered at once without
/// the caller's header (an extractor may fail before anyone is known), and
/// rendered again by [`framed_errors`] with the header of the caller the
/// request was answered for, when one was.
pub fn error_page(state: &AppState, e: &ApiError) -> Response {
    let mut r = render_error(state, e, None);
    r.extensions_mut().insert(Failed(e.clone()));
    r
}

/// The error page for `e`, under `frame`'s header (the anonymous one of
/// the server's mode when `None`); plain text when even that fails.
fn render_error(state: &AppState, e: &ApiError, frame: Option<Frame>) -> Response {
    let frame = frame.unwrap_or_else(|| Frame::anonymous(state));
    let body = state
        .templates
        .render(
            "error.html",
            ErrorPage {
                title: format!(
                    "{} {}",
                    e.status.as_u16(),
                    e.status.canonical_reason().unwrap_or("")
                ),
                message: &e.message,
                frame,
            },
        )
        .unwrap_or_else(|_| e.message.clone());
    (e.status, Html(body)).into_response()
}

/// What the error page shows.
#[derive(Serialize)]
struct ErrorPage<'a> {
    title: String,
    message: &'a str,
    frame: Frame,
}

/// An error page's error, carried on its response until [`framed_errors`]
/// renders it under the caller's header.
#[derive(Clone)]
struct Failed(ApiError);

/// The header of the page being answered: the [`Caller`] extractor notes
/// it, so that an error met after it still shows who is logged in.
#[derive(Clone, Default)]
struct FrameSlot(Arc<Mutex<Option<Frame>>>);

/// The middleware that gives every request its [`FrameSlot`] and renders
/// an error page again under the caller's header once the handler has
/// answered: one error path for every page, whichever step failed.
pub async fn framed_errors(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let slot = FrameSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let Some(Failed(e)) = response.extensions_mut().remove::<Failed>() else {
        return response;
    };
    let frame = slot.0.lock().ok().and_then(|mut f| f.take());
    if frame.is_none() {
        return response;
    }
    let framed = render_error(&state, &e, frame);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, framed.into_body())
}

/// Turns a page result into a response.
pub fn respond(state: &AppState, result: PageResult) -> Response {
    match result {
        Ok(r) => r,
        Err(PageError::Login(next)) => {
            Redirect::to(&format!("/login?next={}", encode(&next))).into_response()
        }
        Err(PageError::Api(e)) => error_page(state, &e),
    }
}

/// Percent-encodes a query value; `/` stays as it is (a path sent back
/// after the login reads as one).
pub fn encode(text: &str) -> String {
    crate::extract::percent_encode(text, b"/")
}

/// The caller of a page: their principal, noted for the request's audit
/// line. Without a session the answer is the login, which sends back to
/// the page asked for (for a form, to the page it was sent from).
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let me = match authenticate(state, &parts.headers).await {
            Ok(Ok(me)) => me,
            Ok(Err(NoPrincipal::NotLoggedIn | NoPrincipal::Expired)) => {
                let back = if parts.method == Method::GET || parts.method == Method::HEAD {
                    here(&parts.uri).to_owned()
                } else {
                    referring_page(&parts.headers)
                };
                return Err(respond(state, Err(PageError::Login(back))));
            }
            Err(e) => return Err(error_page(state, &e)),
        };
        if let Some(slot) = parts.extensions.get::<Audited>() {
            slot.principal(&me);
        }
        if let Some(FrameSlot(slot)) = parts.extensions.get::<FrameSlot>()
            && let Ok(mut frame) = slot.lock()
        {
            *frame = Some(Frame::of(state, &me));
        }
        Ok(Caller(me))
    }
}

/// The path (and query) of the page a form was sent from, from `Referer`;
/// `/` when there is none.
fn referring_page(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_else(|| "/".to_owned())
}

/// Where a login sends the user back to: the page asked for, query and all
/// (a plan's goal, a dashboard's filters).
pub fn here(uri: &Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), |pq| pq.as_str())
}

/// A form: its text fields, whether it came with files or not.
pub trait Fields {
    /// The text fields.
    fn fields(&self) -> &FormBody;
}

impl Fields for FormBody {
    fn fields(&self) -> &FormBody {
        self
    }
}

impl Fields for Upload {
    fn fields(&self) -> &FormBody {
        &self.fields
    }
}

/// A form sent by a page's caller, read and its CSRF token checked; a form
/// that cannot be read answers an error page.
pub struct Posted<F> {
    /// The caller.
    pub me: Principal,
    /// The form.
    pub form: F,
}

impl<F> FromRequest<AppState> for Posted<F>
where
    F: Fields + FromRequest<AppState, Rejection = ApiError>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Caller(me) = Caller::from_request_parts(&mut parts, state).await?;
        let form = F::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| error_page(state, &e))?;
        check_csrf(&me, form.fields()).map_err(|e| respond(state, Err(e)))?;
        Ok(Posted { me, form })
    }
}

/// Checks a form's CSRF token.
fn check_csrf(me: &Principal, form: &FormBody) -> Result<(), PageError> {
    if same_token(form.get("csrf").unwrap_or(""), &me.csrf) {
        Ok(())
    } else {
        Err(PageError::Api(ApiError::csrf()))
    }
}

/// Renders a page.
pub fn html<S: Serialize>(state: &AppState, name: &str, context: S) -> PageResult {
    let body = state.templates.render(name, context)?;
    Ok(Html(body).into_response())
}

/// Renders a form page again with a status (a refused form: 422).
pub fn html_status<S: Serialize>(
    state: &AppState,
    status: StatusCode,
    name: &str,
    context: S,
) -> PageResult {
    let body = state.templates.render(name, context)?;
    Ok((status, Html(body)).into_response())
}

/// A redirect after a successful form (303, so a reload does not post again).
pub fn see_other(path: &str) -> PageResult {
    Ok(Redirect::to(path).into_response())
}

/// The style sheet.
async fn style() -> Response {
    let mut r = STYLE.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    // Not personal: a browser may keep it, asking again each time.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// 404 for an unknown path: JSON under `/api`, a page elsewhere.
pub async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    uri: axum::http::Uri,
) -> Response {
    let e = ApiError::not_found(format!("there is nothing at `{}`", uri.path()));
    error_for(&state, uri.path(), e)
}

/// An error as the path asked for it: the API's JSON shape under `/api`,
/// the error page elsewhere.
pub fn error_for(state: &AppState, path: &str, e: ApiError) -> Response {
    if path.starts_with("/api/") || path == "/api" {
        e.into_response()
    } else {
        error_page(state, &e)
    }
}

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    use handlers as h;
    Router::new()
        .route("/", get(h::home))
        .route("/static/style.css", get(style))
        .route("/login", get(h::login_form).post(h::login))
        .route("/logout", post(h::logout))
        .route(
            "/set-password/{token}",
            get(h::set_password_form).post(h::set_password),
        )
        .route("/forgot", get(h::forgot_form).post(h::forgot))
        .route("/people", get(h::people).post(h::add_person))
        .route(
            "/people/import",
            post(h::import_people).layer((
                crate::extract::body_limit(crate::extract::PEOPLE_FORM_LIMIT),
                axum::Extension(crate::extract::OverLimit(
                    crate::extract::people_csv_too_large,
                )),
            )),
        )
        .route("/people/{person}", get(h::person))
        .route(
            "/people/{person}/profile",
            get(h::profile_form)
                .post(h::save_profile)
                .layer(crate::extract::body_limit(crate::extract::BODY_LIMIT)),
        )
        .route("/people/{person}/interview", get(interview::start))
        .route(
            "/people/{person}/interview/{step}",
            get(interview::step)
                .post(interview::save)
                .layer(crate::extract::body_limit(crate::extract::BODY_LIMIT)),
        )
        .route("/people/{person}/eligibility", get(h::eligibility))
        .route("/people/{person}/plan", get(h::plan))
        .route("/people/{person}/applications", post(h::open_application))
        .route(
            "/people/{person}/ce",
            get(h::ce).post(h::ce_add).layer(crate::api::upload_limit()),
        )
        .route(
            "/people/{person}/ce/import",
            post(h::ce_import).layer(crate::extract::body_limit(crate::extract::IMPORT_LIMIT)),
        )
        .route(
            "/people/{person}/ce/{activity}/withdraw",
            post(h::ce_withdraw),
        )
        .route("/people/{person}/reminders", post(h::add_reminder))
        .route("/applications/{app}", get(h::application))
        .route("/applications/{app}/status", post(h::application_status))
        .route("/applications/{app}/documents/{key}", post(h::document))
        .route("/applications/{app}/contacts", post(h::contact))
        .route(
            "/applications/{app}/attachments",
            post(h::attach).layer(crate::api::upload_limit()),
        )
        .route("/dashboard", get(h::dashboard))
        .route("/dashboard.csv", get(h::dashboard_csv))
        .route("/people/{person}/owner", post(h::set_owner))
        .route("/audit", get(h::audit))
        .route("/credentials", get(h::credentials))
        .route("/catalog/health", get(h::catalog_health))
        .route("/credentials/{credential}", get(h::credential))
        .route("/invitations", post(h::invite))
        .route("/users/{user}/reset-link", post(h::reset_link))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_that_does_not_parse_stops_the_start_naming_it() {
        let catalog = labpath_shipped::catalog().expect("the embedded catalog");
        let broken = [
            ("fine.html", "<p>{{ name }}</p>"),
            ("broken.html", "<p>{% if name %}</p>"),
        ];
        let e = Templates::of(&broken, &catalog)
            .err()
            .expect("a broken template is refused");
        assert!(e.contains("`broken.html` does not parse"), "{e}");
        assert!(
            Templates::new(&catalog).is_ok(),
            "the shipped templates parse"
        );
    }
}
