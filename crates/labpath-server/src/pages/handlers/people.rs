//! People: the list, a person's page with their goals' plans, the profile
//! editor, eligibility and the plan page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_engine::units::Date;
use labpath_store::ops::{self};
use serde_json::json;

use crate::api::catalog::{PlanInput, compute_plan};
use crate::api::people::people_page;
use crate::api::{stored_profile, visible_person};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams};
use crate::pages::{Caller, Frame, Posted, html, html_status, respond, see_other};
use crate::state::AppState;

use super::{Q, q};

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
            (Some(p), Some(goal)) => Some(goal_plan(&state, &me, p, &goal).await?),
            _ => None,
        };
        let today = Date::today();
        let agenda =
            labpath_app::agenda::status(&state.app(), &me.app(), Some(person.id), today).await?;
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
                "applications": agenda.records.applications,
                "alerts": agenda.alerts,
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
    me: &Principal,
    profile: &labpath_engine::profile::Profile,
    goal: &str,
    from: Option<&str>,
    optimize: Option<&str>,
) -> Result<GoalPlan, crate::error::ApiError> {
    let input = PlanInput {
        goal,
        from,
        optimize,
        samples: Some(PAGE_SAMPLES),
        seed: None,
    };
    let answer = async {
        let options = input.options()?;
        let request =
            labpath_app::plan::for_profile(&state.app(), &me.app(), profile.clone(), goal, options)
                .await?;
        compute_plan(state, request).await
    }
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
    me: &Principal,
    profile: &labpath_engine::profile::Profile,
    goal: &str,
) -> Result<serde_json::Value, crate::error::ApiError> {
    let made = plan_for_page(state, me, profile, goal, None, None).await?;
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
        let as_of = crate::api::day(q(&query, "as_of"), "as_of")?;
        let catalog = &state.catalog;
        let only: Vec<_> = match q(&query, "credential") {
            Some(c) => vec![crate::api::catalog::find_credential(
                catalog,
                c,
                "credential",
            )?],
            None => Vec::new(),
        };
        let eligibility =
            labpath_app::eligibility::of_person(&state.app(), &me.app(), person.id, as_of, &only)
                .await?;
        let view = eligibility.view(catalog);
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
        let profile = state.app().require_profile(person.id).await?;
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
                    &me,
                    &profile,
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
