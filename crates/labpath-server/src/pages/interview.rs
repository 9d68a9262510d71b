//! The guided interview: a person tells labpath their situation one part at
//! a time (about you, education, experience...), then answers the questions
//! the engine still has for their goal. Every saved step is a profile
//! version; a refused step comes back as typed, each problem next to its
//! field, and nothing is stored.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::model::Person;
use labpath_store::ops;
use labpath_views::profile_form::{self, STEPS, Values};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Caller, Frame, PageResult, Posted, html_status, respond, see_other};
use crate::api::visible_person;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams, QueryParams};
use crate::state::AppState;

type Q = QueryParams<std::collections::HashMap<String, String>>;

/// The profile document as stored, or a new one with the person's name.
async fn document(state: &AppState, person: &Person) -> Result<Value, ApiError> {
    Ok(match state.store().profile(person.id, None).await? {
        Some(v) => v.profile,
        None => json!({ "person": { "name": person.name } }),
    })
}

/// The goal the interview works toward: the one asked for, else the
/// catalog's goal for the person's work state.
fn goal_of(state: &AppState, query: &Q, doc: &Value) -> Option<String> {
    if let Some(g) = query
        .0
        .get("goal")
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
    {
        return Some(g.to_owned());
    }
    let work_state = doc["person"]["work_state"].as_str()?;
    labpath_views::goal::for_work_state(&state.catalog, work_state)
}

fn profile_of(state: &AppState, doc: &Value) -> Option<Profile> {
    labpath_catalog::profile::from_document("profile", doc, &state.catalog).ok()
}

/// The engine's questions for the profile document and goal: `None` while
/// the document is not yet a valid profile, the reason when the goal is
/// unknown.
fn questions_of(
    state: &AppState,
    doc: &Value,
    goal: Option<&str>,
) -> Option<Result<labpath_views::questions::QuestionsView, String>> {
    let profile = profile_of(state, doc)?;
    Some(labpath_views::questions::view(
        &state.catalog,
        &profile,
        goal,
        Date::today(),
    ))
}

/// The steps to walk: coursework only when some question asks for it or
/// the person already gave some.
fn steps(
    doc: &Value,
    view: Option<&Result<labpath_views::questions::QuestionsView, String>>,
) -> Vec<&'static str> {
    let has_courses = doc["coursework"].as_array().is_some_and(|a| !a.is_empty());
    let asked = matches!(view, Some(Ok(v)) if v.questions.iter().any(|q| q.key == "coursework"));
    STEPS
        .iter()
        .copied()
        .filter(|s| *s != "coursework" || has_courses || asked)
        .collect()
}

fn values_of(form: &FormBody) -> Values {
    let mut values = Values::new();
    for (k, v) in &form.0 {
        values.entry(k.clone()).or_default().push(v.clone());
    }
    values
}

#[allow(clippy::too_many_arguments)]
fn render(
    state: &AppState,
    me: &Principal,
    person: &Person,
    step: &str,
    doc: &Value,
    goal: Option<&str>,
    typed: Option<(&Values, &BTreeMap<String, String>)>,
    status: StatusCode,
) -> PageResult {
    // Computed once: the walk, the questions step and its problems read it.
    let view = questions_of(state, doc, goal);
    let asked: &[labpath_engine::questions::Question] = match &view {
        Some(Ok(v)) => &v.questions,
        _ => &[],
    };
    let walk = steps(doc, view.as_ref());
    let next = walk
        .iter()
        .skip_while(|s| **s != step)
        .nth(1)
        .copied()
        .unwrap_or("questions");
    // Every step is in the list; one the walk skips (coursework nobody
    // asked for) is marked optional, so it can still be told.
    let nav: Vec<NavItem> = STEPS
        .iter()
        .map(|s| {
            let title = profile_form::section(&state.catalog, s).map_or("Questions", |x| x.title);
            let title = if walk.contains(s) {
                title.to_owned()
            } else {
                format!("{title} (optional)")
            };
            NavItem {
                step: s,
                title,
                current: *s == step,
            }
        })
        .collect();
    let goal_q = goal
        .map(|g| format!("?goal={}", super::encode(g)))
        .unwrap_or_default();
    let mut context = InterviewPage {
        frame: Frame::of(state, me),
        person,
        step,
        next,
        nav,
        goal,
        goal_q,
        countries: profile_form::countries(),
        problems: typed.map(|(_, p)| p.len()).unwrap_or(0),
        problem_list: typed
            .map(|(_, p)| problem_list(state, step, asked, p))
            .unwrap_or_default(),
        questions: Vec::new(),
        goal_name: None,
        find: None,
        section: None,
        rows: Vec::new(),
    };
    if step == "questions" {
        let view = view
            .transpose()
            .map_err(|why| ApiError::invalid(why).at("goal"))?;
        let problems = typed.map(|(_, p)| p.clone()).unwrap_or_default();
        let values = typed.map(|(v, _)| v.clone()).unwrap_or_default();
        context.questions = view
            .iter()
            .flat_map(|v| &v.questions)
            .map(|q| {
                let name = format!("q.{}", q.key);
                QuestionShown {
                    q,
                    value: values
                        .get(&name)
                        .and_then(|v| v.first())
                        .cloned()
                        .unwrap_or_default(),
                    values: values.get(&name).cloned().unwrap_or_default(),
                    problem: problems.get(&name).cloned(),
                    step: profile_form::step_of(&q.key),
                    credentials: q
                        .credentials
                        .iter()
                        .filter_map(|c| state.catalog.credential(c.as_str()))
                        .map(|c| c.abbreviation.as_str())
                        .collect(),
                    name,
                }
            })
            .collect();
        context.goal_name = view.as_ref().and_then(|v| v.goal.clone());
        return html_status(state, status, "interview.html", context);
    }
    let section = profile_form::section(&state.catalog, step)
        .ok_or_else(|| ApiError::not_found(format!("no interview step `{step}`")))?;
    let rows = match typed {
        Some((values, problems)) => {
            let count = profile_form::row_count(&section, values);
            profile_form::rows(&section, values, problems, count)
        }
        None => profile_form::rows_from_profile(&section, doc),
    };
    if step == "credentials" {
        let find = typed
            .and_then(|(v, _)| v.get(profile_form::FIND_CREDENTIALS))
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default();
        let problem = typed.and_then(|(_, p)| p.get(profile_form::FIND_CREDENTIALS));
        context.find = Some(FindBox {
            value: find,
            problem: problem.cloned(),
        });
    }
    context.section = Some(section);
    context.rows = rows;
    html_status(state, status, "interview.html", context)
}

/// What an interview step's page shows.
#[derive(Serialize)]
struct InterviewPage<'a> {
    frame: Frame,
    person: &'a Person,
    /// The step shown (`education`, `questions`).
    step: &'a str,
    /// The step after it in this person's walk.
    next: &'a str,
    nav: Vec<NavItem>,
    /// The goal the questions work toward, as asked for.
    goal: Option<&'a str>,
    /// `?goal=...` to carry it along, or nothing.
    goal_q: String,
    countries: Vec<profile_form::Choice>,
    /// How many problems the refused step had.
    problems: usize,
    problem_list: Vec<ProblemShown>,
    /// The questions step: each question with what was typed.
    questions: Vec<QuestionShown<'a>>,
    /// The goal in plain words, on the questions step.
    goal_name: Option<String>,
    /// The credentials step's box that reads a credential string.
    find: Option<FindBox>,
    /// Every other step: its fields, and a row of them per entry.
    section: Option<profile_form::Section>,
    rows: Vec<profile_form::RowView>,
}

/// A step in the interview's list of steps.
#[derive(Serialize)]
struct NavItem {
    step: &'static str,
    title: String,
    current: bool,
}

/// A problem of a refused step, under its field's label.
#[derive(Serialize)]
struct ProblemShown {
    /// The form's name of the field (the anchor of its input).
    field: String,
    label: String,
    message: String,
}

/// A question of the questions step with what was typed for it.
#[derive(Serialize)]
struct QuestionShown<'a> {
    q: &'a labpath_engine::questions::Question,
    /// The form's name of its input (`q.KEY`).
    name: String,
    value: String,
    values: Vec<String>,
    problem: Option<String>,
    /// The interview step where the fact it asks for is kept.
    step: &'static str,
    /// The abbreviations of the credentials its answer could change.
    credentials: Vec<&'a str>,
}

/// The credentials step's box that reads a credential string.
#[derive(Serialize)]
struct FindBox {
    value: String,
    problem: Option<String>,
}

/// The problems of a refused step, each with the words of its field's
/// label ("Degree or diploma 1: Completed on"), not the form's name for it.
fn problem_list(
    state: &AppState,
    step: &str,
    questions: &[labpath_engine::questions::Question],
    problems: &BTreeMap<String, String>,
) -> Vec<ProblemShown> {
    let section = profile_form::section(&state.catalog, step);
    problems
        .iter()
        .map(|(name, message)| {
            let label = section
                .as_ref()
                .and_then(|s| profile_form::field_label(s, name))
                .or_else(|| {
                    let key = name.strip_prefix("q.")?;
                    questions
                        .iter()
                        .find(|q| q.key == key)
                        .map(|q| q.ask.clone())
                })
                .unwrap_or_else(|| name.clone());
            ProblemShown {
                field: name.clone(),
                label,
                message: message.clone(),
            }
        })
        .collect()
}

/// `GET /people/{person}/interview/{step}`.
pub async fn step(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams((id, step)): PathParams<(String, String)>,
    query: Q,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let doc = document(&state, &person).await?;
        let goal = goal_of(&state, &query, &doc);
        render(
            &state,
            &me,
            &person,
            &step,
            &doc,
            goal.as_deref(),
            None,
            StatusCode::OK,
        )
    }
    .await;
    respond(&state, result)
}

/// `GET /people/{person}/interview`: the first step.
pub async fn start(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        see_other(&format!("/people/{}/interview/about", person.id))
    }
    .await;
    respond(&state, result)
}

/// `POST /people/{person}/interview/{step}`: reads the step, saves a new
/// profile version when it changed, and goes on to the next step.
pub async fn save(
    State(state): State<AppState>,
    PathParams((id, step)): PathParams<(String, String)>,
    query: Q,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let doc = document(&state, &person).await?;
        let goal = goal_of(&state, &query, &doc);
        let mut values = values_of(&form);
        let today = Date::today();
        let section = match step.as_str() {
            "questions" => None,
            _ => Some(
                profile_form::section(&state.catalog, &step)
                    .ok_or_else(|| ApiError::not_found(format!("no interview step `{step}`")))?,
            ),
        };
        // Credentials typed in the search box become rows; the step is
        // shown again so their dates can be added.
        let found = if step == "credentials" {
            profile_form::add_found_credentials(&state.catalog, &mut values)
                .map_err(|p| BTreeMap::from([(profile_form::FIND_CREDENTIALS.to_owned(), p)]))
        } else {
            Ok(0)
        };
        let read = found.and_then(|found| {
            let doc = match &section {
                Some(section) => profile_form::read(section, &values, &doc, today),
                None => {
                    let questions = match questions_of(&state, &doc, goal.as_deref()) {
                        Some(Ok(v)) => v.questions,
                        _ => Vec::new(),
                    };
                    profile_form::answer_questions(&questions, &values, &doc, today)
                }
            };
            doc.and_then(|d| checked(&state, d)).map(|d| (found, d))
        });
        let (found, new_doc) = match read {
            Ok(read) => read,
            Err(problems) => {
                return render(
                    &state,
                    &me,
                    &person,
                    &step,
                    &doc,
                    goal.as_deref(),
                    Some((&values, &problems)),
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
        };
        if new_doc != doc {
            ops::record_profile(state.store(), &me.actor(), person.id, new_doc.clone()).await?;
        }
        let goal = goal_of(&state, &query, &new_doc);
        let goal_q = goal
            .as_deref()
            .map(|g| format!("?goal={}", super::encode(g)))
            .unwrap_or_default();
        let more = values
            .get("then")
            .is_some_and(|v| v.iter().any(|t| t == "more"));
        // The walk (which asks the engine) only when leaving the step.
        let next = if step == "questions" || more || found > 0 {
            step.as_str()
        } else {
            let view = questions_of(&state, &new_doc, goal.as_deref());
            steps(&new_doc, view.as_ref())
                .iter()
                .skip_while(|s| **s != step)
                .nth(1)
                .copied()
                .unwrap_or("questions")
        };
        see_other(&format!("/people/{}/interview/{next}{goal_q}", person.id))
    }
    .await;
    respond(&state, result)
}

/// The document read back as a profile with the catalog, so only a valid
/// profile is stored; the catalog's problems are shown at the top.
fn checked(state: &AppState, doc: Value) -> Result<Value, BTreeMap<String, String>> {
    match labpath_catalog::profile::from_document("profile", &doc, &state.catalog) {
        Ok(profile) => serde_json::to_value(&profile).map_err(|e| {
            BTreeMap::from([(
                "".to_owned(),
                format!("the profile could not be written: {e}"),
            )])
        }),
        Err(d) => Err(d
            .0
            .iter()
            .map(|p| {
                let field = p.field.clone().unwrap_or_default();
                let at = profile_form::form_field_of(&field).unwrap_or(field);
                (at, p.message.clone())
            })
            .collect()),
    }
}
