//! One function per page or form.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;
use labpath_store::accounts::Role;
use labpath_store::event::{Channel, ContactEntry};
use labpath_store::model::EventQuery;
use labpath_store::ops::{self, DocUpdate};
use labpath_store::status::{APP_STATUSES, AppStatus, DOC_STATUSES, DocStatus};
use serde_json::json;

use super::{
    Caller, Frame, PageError, PageResult, Posted, encode, html, html_status, respond, see_other,
};
use crate::api::account::{NewUserBody, create_user_for};
use crate::api::catalog::{PlanInput, compute_plan};
use crate::api::files::attach_upload;
use crate::api::people::{activity_id, import_upload, people_page, visible_people};
use crate::api::tracker::{DashboardQuery, STAGES, dashboard_of, find_step, records};
use crate::api::{stored_profile, visible_application, visible_person};
use crate::audit::{Audited, ClientAddr};
use crate::auth;
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams, QueryParams, Upload};
use crate::state::{AppState, Mode};

type Q = QueryParams<std::collections::HashMap<String, String>>;

fn q<'a>(query: &'a Q, name: &str) -> Option<&'a str> {
    query
        .0
        .get(name)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// `/`: local mode opens on the person's overview (or the people list);
/// server mode on the dashboard (staff) or the candidate's own page.
pub async fn home(State(state): State<AppState>, Caller(me): Caller) -> Response {
    let result = async {
        match me.user.as_ref().map(|u| (u.role, u.person)) {
            Some((Role::Candidate, Some(p))) => see_other(&format!("/people/{p}")),
            Some((Role::Candidate, None)) => Err(ApiError::forbidden(
                "your account is not linked to a record yet: ask your organization",
            )
            .into()),
            Some(_) => see_other("/dashboard"),
            None => {
                let people = visible_people(&state, me.scope()).await?;
                if people.len() == 1 {
                    see_other(&format!("/people/{}", people[0].id))
                } else {
                    see_other("/people")
                }
            }
        }
    }
    .await;
    respond(&state, result)
}

/// The login form.
pub async fn login_form(State(state): State<AppState>, query: Q) -> Response {
    let result = if state.mode == Mode::Local {
        see_other("/")
    } else {
        html(
            &state,
            "login.html",
            json!({
                "frame": { "mode": "server", "user": null, "staff": false, "csrf": "" },
                "next": q(&query, "next").unwrap_or("/"),
                "email": "",
                "error": null,
            }),
        )
    };
    respond(&state, result)
}

/// Where a login may send back to: a path of this site, or `/`. Browsers
/// drop tabs and line breaks from an address and read `\` as `/`, so
/// `/<tab>/host` or `/\host` would leave the site as `//host` does: only
/// visible ASCII without a backslash is kept, and the second character
/// must not start another slash.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with('/')
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Logs in from the form. (The login form has no session yet, so no CSRF
/// token; SameSite cookies and the throttle guard it.)
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    audited: Audited,
    form: FormBody,
) -> Response {
    let email = form.get("email").unwrap_or("").to_owned();
    let password = form.raw("password").to_owned();
    let next = safe_next(form.get("next"));
    let result = match auth::login(&state, &email, &password, &from).await {
        Ok(user) => match auth::start_session(&state, &user).await {
            Ok((token, _)) => {
                audited.note(Some(user.org), Some(user.id), format!("user {}", user.id));
                Ok((
                    [(header::SET_COOKIE, auth::session_cookie(&state, &token))],
                    Redirect::to(&next),
                )
                    .into_response())
            }
            Err(e) => Err(PageError::Api(e)),
        },
        Err(e) => {
            audited.note(
                None,
                None,
                format!("login-failed {}", crate::auth::audited_email(&email)),
            );
            let e = e.api_error();
            html_status(
                &state,
                e.status,
                "login.html",
                json!({
                    "frame": { "mode": "server", "user": null, "staff": false, "csrf": "" },
                    "next": next,
                    "email": email,
                    "error": e.message,
                }),
            )
        }
    };
    respond(&state, result)
}

/// Logs out.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: Posted<FormBody>,
) -> Response {
    let result = async {
        auth::end_session(&state, &headers).await?;
        Ok((
            [(header::SET_COOKIE, auth::clear_cookie(&state))],
            Redirect::to("/login"),
        )
            .into_response())
    }
    .await;
    respond(&state, result)
}

/// The people list, with the form to add one.
pub async fn people(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        let asked = crate::api::PageQuery {
            page: q(&query, "page").map(str::to_owned),
            per_page: None,
        };
        let page = people_page(&state, &me, q(&query, "q"), &asked).await?;
        html(
            &state,
            "people.html",
            json!({
                "frame": Frame::of(&state, &me),
                "page": page,
                "q": q(&query, "q").unwrap_or(""),
                "can_add": me.require_staff().is_ok(),
                "name": "",
                "error": null,
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// Adds a person and opens their profile editor.
pub async fn add_person(
    State(state): State<AppState>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        me.require_staff()?;
        let name = form.get("name").unwrap_or("");
        if name.is_empty() {
            let page = people_page(&state, &me, None, &crate::api::PageQuery::default()).await?;
            return html_status(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "people.html",
                json!({
                    "frame": Frame::of(&state, &me),
                    "page": page,
                    "q": "",
                    "can_add": true,
                    "name": name,
                    "error": "a person needs a name",
                }),
            );
        }
        let person = ops::add_person(state.store(), &me.actor(), name, me.org()).await?;
        see_other(&format!("/people/{}/interview", person.id))
    }
    .await;
    respond(&state, result)
}

/// A person's overview: their situation at a glance.
pub async fn person(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
    query: Q,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let profile = stored_profile(&state, person.id).await?;
        let standing = match &profile {
            Some(p) => Some(labpath_views::standing::standing(
                &state.catalog,
                p,
                q(&query, "goal"),
                Date::today(),
            )),
            None => None,
        };
        // The plan for the goal shown: its next step and its dates open
        // the page. A goal with no plan says which facts are missing.
        let goal_plan = match (&profile, standing.as_ref().and_then(|s| s.goal.clone())) {
            (Some(p), Some(goal)) => Some(goal_plan(&state, p, person.organization, &goal).await?),
            _ => None,
        };
        let (_, records) = records(&state, &me, Some(person.id)).await?;
        let today = Date::today();
        let alerts = labpath_store::agenda::alerts(&state.catalog, &records, today);
        let steps: Vec<serde_json::Value> = state
            .catalog
            .steps()
            .iter()
            .map(|s| json!({ "id": s.id.as_str(), "name": s.name }))
            .collect();
        let goals: Vec<serde_json::Value> = state
            .catalog
            .goals()
            .iter()
            .map(|g| json!({ "id": g.id.as_str(), "name": g.name }))
            .collect();
        let reminders = state.store().reminders(Some(person.id)).await?;
        html(
            &state,
            "person.html",
            json!({
                "frame": Frame::of(&state, &me),
                "person": person,
                "has_profile": profile.is_some(),
                "standing": standing,
                "goal_plan": goal_plan,
                "applications": records.applications,
                "alerts": alerts,
                "steps": steps,
                "goals": goals,
                "reminders": reminders,
                "reminder_error": null,
                "today": today,
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// A goal's plan as the person and plan pages show it: the plan's JSON and
/// chart, or why there is none with the questions that would let one be
/// made (the most decisive first).
struct GoalPlan {
    plan: Option<serde_json::Value>,
    svg: Option<String>,
    error: Option<String>,
    questions: Vec<labpath_engine::questions::Question>,
}

/// How many simulated runs a page's plan takes: enough for steady
/// percentiles, few enough for a page.
const PAGE_SAMPLES: u32 = 2_000;

async fn plan_for_page(
    state: &AppState,
    profile: &labpath_engine::profile::Profile,
    organization: Option<labpath_store::ids::OrgId>,
    goal: &str,
    from: Option<&str>,
    optimize: Option<&str>,
) -> Result<GoalPlan, crate::error::ApiError> {
    let answer = compute_plan(
        state,
        profile.clone(),
        PlanInput {
            goal,
            from,
            optimize,
            samples: Some(PAGE_SAMPLES),
            seed: None,
            organization,
        },
    )
    .await;
    match answer {
        Ok(a) => Ok(GoalPlan {
            plan: Some(a.json),
            svg: a.svg,
            error: None,
            questions: Vec::new(),
        }),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let questions =
                labpath_views::questions::view(&state.catalog, profile, Some(goal), Date::today())
                    .map(|v| v.questions)
                    .unwrap_or_default();
            Ok(GoalPlan {
                plan: None,
                svg: None,
                error: Some(e.message),
                questions,
            })
        }
        Err(e) => Err(e),
    }
}

/// The person page's summary of a goal's plan: its finish dates and its
/// next step with that step's documents and fees.
async fn goal_plan(
    state: &AppState,
    profile: &labpath_engine::profile::Profile,
    organization: Option<labpath_store::ids::OrgId>,
    goal: &str,
) -> Result<serde_json::Value, crate::error::ApiError> {
    let made = plan_for_page(state, profile, organization, goal, None, None).await?;
    let Some(plan) = made.plan else {
        return Ok(json!({ "error": made.error, "questions": made.questions }));
    };
    let chosen = &plan["plans"][plan["chosen"].as_u64().unwrap_or(0) as usize];
    let steps = chosen["steps"].as_array().cloned().unwrap_or_default();
    let next = steps.iter().min_by(|a, b| {
        a["start"]
            .as_str()
            .unwrap_or("")
            .cmp(b["start"].as_str().unwrap_or(""))
    });
    let fees: Vec<&serde_json::Value> = match next {
        Some(step) => chosen["fees"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["step"] == step["name"])
            .collect(),
        None => Vec::new(),
    };
    Ok(json!({
        "already_met": plan["already_met"],
        "p50": chosen["p50"],
        "p80": chosen["p80"],
        "p90": chosen["p90"],
        "runs": chosen["simulation"]["runs"],
        "steps": steps.len(),
        "next": next,
        "next_fees": fees,
    }))
}

/// A starting profile for someone with none: the documented format with
/// the person's name.
fn starter_profile(name: &str) -> String {
    format!(
        "# The documented profile format (see docs/profile.md); dates are YYYY-MM-DD.\n\
[person]\nname = {}\ncitizenship = []\n\n\
# [[education]]\n# title = \"BS Medical Technology\"\n# level = \"bachelor\"\n# field = \"medical_laboratory_science\"\n# country = \"PH\"\n# completed = 2022-05-31\n",
        toml_string(name)
    )
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The profile editor.
pub async fn profile_form(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let text = match state.store().profile(person.id, None).await? {
            Some(v) => {
                let profile: labpath_engine::profile::Profile =
                    serde_json::from_value(v.profile).map_err(ApiError::internal)?;
                toml::to_string(&profile).map_err(ApiError::internal)?
            }
            None => starter_profile(&person.name),
        };
        html(
            &state,
            "profile.html",
            json!({
                "frame": Frame::of(&state, &me),
                "person": person,
                "text": text,
                "problems": [],
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// Saves the profile; a refused profile is shown again as typed, with each
/// problem's field and line.
pub async fn save_profile(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let text = form.raw("profile").replace("\r\n", "\n");
        match labpath_catalog::profile::from_text(
            "profile",
            &text,
            labpath_catalog::parse::Format::Toml,
            &state.catalog,
        ) {
            Ok(profile) => {
                let value = serde_json::to_value(&profile).map_err(ApiError::internal)?;
                ops::record_profile(state.store(), &me.actor(), person.id, value).await?;
                see_other(&format!("/people/{}", person.id))
            }
            Err(d) => {
                let problems: Vec<serde_json::Value> =
                    d.0.iter()
                        .map(|p| json!({ "field": p.field, "line": p.line, "message": p.message }))
                        .collect();
                html_status(
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "profile.html",
                    json!({
                        "frame": Frame::of(&state, &me),
                        "person": person,
                        "text": text,
                        "problems": problems,
                    }),
                )
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Eligibility per credential, each clause with have/need and sources.
pub async fn eligibility(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
    query: Q,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let profile = crate::api::require_profile(&state, person.id).await?;
        let as_of = crate::api::day(q(&query, "as_of"), "as_of")?;
        let catalog = &state.catalog;
        let chosen: Vec<_> = match q(&query, "credential") {
            Some(c) => vec![crate::api::catalog::find_credential(
                catalog,
                c,
                "credential",
            )?],
            None => catalog.credentials().iter().collect(),
        };
        let e = labpath_engine::eval::evaluate_only(catalog, &profile, as_of, chosen);
        let view = labpath_views::json::evaluation(catalog, &profile, &e);
        html(
            &state,
            "eligibility.html",
            json!({
                "frame": Frame::of(&state, &me),
                "person": person,
                "evaluation": view,
                "credential": q(&query, "credential"),
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// A credential explained: what it is, each route's requirements in plain
/// language, fees, renewal and keeping it, with sources; and, given a
/// credential string (`?text=MT(ASCP), NYS CLT`), which credentials it
/// names.
pub async fn credential(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let catalog = &state.catalog;
        let c = crate::api::catalog::find_credential(catalog, &id, "credential")?;
        html(
            &state,
            "credential.html",
            json!({
                "frame": Frame::of(&state, &me),
                "explained": labpath_views::explain::credential(catalog, c),
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// The catalog's credentials, and a form that reads a credential string
/// (`MT(ASCP), NYS CLT`) into them.
/// `GET /catalog/health`: the catalog's health report, for the people who
/// keep its rules.
pub async fn catalog_health(State(state): State<AppState>, Caller(me): Caller) -> Response {
    let health = labpath_views::health::report(&state.catalog, Date::today());
    let result = html(
        &state,
        "health.html",
        json!({
            "frame": Frame::of(&state, &me),
            "h": health,
            "stale_years": labpath_views::health::STALE_AFTER_YEARS,
        }),
    );
    respond(&state, result)
}

pub async fn credentials(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        let catalog = &state.catalog;
        let text = q(&query, "text");
        // What a `CM` suffix means is a catalog fact, kept in its glossary.
        let cm = catalog
            .glossary()
            .iter()
            .find(|t| {
                t.term.eq_ignore_ascii_case("CM")
                    || t.aliases.iter().any(|a| a.eq_ignore_ascii_case("CM"))
            })
            .map_or("a maintenance suffix (the catalog's glossary has no entry for it)", |t| {
                t.meaning.as_str()
            });
        let parts: Option<Vec<serde_json::Value>> = text.map(|t| {
            labpath_engine::aliases::parse(catalog, t)
                .iter()
                .map(|p| {
                    let matches: Vec<serde_json::Value> = p
                        .matches
                        .iter()
                        .map(|m| json!({ "id": m.credential.id.as_str(), "abbreviation": m.credential.abbreviation, "name": m.credential.name, "how": m.how, "note": m.note }))
                        .collect();
                    json!({ "input": p.input, "matches": matches, "suffix": p.maintenance_suffix.then_some(cm) })
                })
                .collect()
        });
        let list: Vec<serde_json::Value> = catalog
            .credentials()
            .iter()
            .map(|c| json!({ "id": c.id.as_str(), "abbreviation": c.abbreviation, "name": c.name, "jurisdiction": c.jurisdiction.map(|j| j.to_string()) }))
            .collect();
        html(
            &state,
            "credentials.html",
            json!({
                "frame": Frame::of(&state, &me),
                "credentials": list,
                "text": text.unwrap_or(""),
                "parts": parts,
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// A plan to a goal: timeline chart, percentile dates, steps with their
/// documents, fees and duration sources, and the alternatives.
pub async fn plan(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
    query: Q,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let profile = crate::api::require_profile(&state, person.id).await?;
        let goals: Vec<serde_json::Value> = state
            .catalog
            .goals()
            .iter()
            .map(|g| json!({ "id": g.id.as_str(), "name": g.name }))
            .collect();
        // Without a goal asked for, the goal of the state where the person
        // wants to work, as the person page shows it.
        let default_goal = profile
            .person
            .work_state
            .and_then(|s| labpath_views::goal::for_work_state(&state.catalog, s.as_str()));
        let goal = q(&query, "goal").or(default_goal.as_deref());
        let made = match goal {
            None => None,
            Some(goal) => Some(
                plan_for_page(
                    &state,
                    &profile,
                    person.organization,
                    goal,
                    q(&query, "from"),
                    q(&query, "optimize"),
                )
                .await?,
            ),
        };
        let (plan, svg, error, questions) = match made {
            Some(m) => (m.plan, m.svg, m.error, m.questions),
            None => (None, None, None, Vec::new()),
        };
        html(
            &state,
            "plan.html",
            json!({
                "frame": Frame::of(&state, &me),
                "person": person,
                "goals": goals,
                "goal": goal.unwrap_or(""),
                "optimize": q(&query, "optimize").unwrap_or("time"),
                "plan": plan,
                "svg": svg,
                "error": error,
                "questions": questions,
            }),
        )
    }
    .await;
    respond(&state, result)
}

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

/// The agency dashboard.
pub async fn dashboard(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        me.require_staff()?;
        let dq = DashboardQuery {
            page: crate::api::PageQuery {
                page: q(&query, "page").map(str::to_owned),
                per_page: q(&query, "per_page").map(str::to_owned),
            },
            stage: q(&query, "stage").map(str::to_owned),
            q: q(&query, "q").map(str::to_owned),
            overdue: q(&query, "overdue").map(str::to_owned),
        };
        let board = dashboard_of(&state, &me, &dq).await?;
        let users = match me.org() {
            Some(org) if me.require_admin().is_ok() => state.accounts().users(org).await?,
            _ => Vec::new(),
        };
        let filter = format!(
            "stage={}&q={}&overdue={}",
            encode(q(&query, "stage").unwrap_or("")),
            encode(q(&query, "q").unwrap_or("")),
            encode(q(&query, "overdue").unwrap_or(""))
        );
        html(
            &state,
            "dashboard.html",
            json!({
                "frame": Frame::of(&state, &me),
                "board": board,
                "stages": STAGES,
                "stage": q(&query, "stage").unwrap_or(""),
                "q": q(&query, "q").unwrap_or(""),
                "overdue": q(&query, "overdue") == Some("true"),
                "filter": filter,
                "users": users,
                "admin": me.require_admin().is_ok(),
                "user_error": null,
            }),
        )
    }
    .await;
    respond(&state, result)
}

/// Creates a user (admins; staff may invite candidates).
pub async fn add_user(
    State(state): State<AppState>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let role: Role = serde_json::from_value(json!(form.get("role").unwrap_or("")))
            .map_err(|_| ApiError::invalid("choose a role").at("role"))?;
        let body = NewUserBody {
            email: form.get("email").unwrap_or("").to_owned(),
            name: form.get("name").unwrap_or("").to_owned(),
            role,
            password: form.raw("password").to_owned(),
            person: form.get("person").map(str::to_owned),
        };
        create_user_for(&state, &me, body).await?;
        see_other("/dashboard")
    }
    .await;
    respond(&state, result)
}

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
