//! People: the list, a person's page with their goals' plans, the profile
//! editor, eligibility and the plan page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use labpath_engine::profile::Profile;
use labpath_engine::questions::Question;
use labpath_engine::units::Date;
use labpath_store::agenda::Alert;
use labpath_store::ids::UserId;
use labpath_store::model::{Application, Person, Reminder};
use labpath_store::ops::{self};
use labpath_views::deadlines::Deadline as Lapse;
use labpath_views::json::EvaluationView;
use labpath_views::standing::Standing;
use serde::Serialize;

use crate::api::catalog::{PlanInput, compute_plan};
use crate::api::people::people_page;
use crate::api::{PER_PAGE, Page, PageQuery, stored_profile, visible_person};
use crate::auth::Principal;
use crate::error::{ApiError, from_diagnostics};
use crate::extract::{FormBody, PathParams, Upload};
use crate::pages::{
    Caller, Frame, PageResult, Posted, Refill, html, html_status, respond, see_other,
};
use crate::state::AppState;

use super::{Q, q};

/// The people list, with the form to add one.
pub async fn people(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = people_list(&state, &me, q(&query, "q"), q(&query, "page"), None, None).await;
    respond(&state, result)
}

/// What the people list shows.
#[derive(Serialize)]
struct PeoplePage<'a> {
    frame: Frame,
    page: Page<Person>,
    /// The name searched for.
    q: &'a str,
    /// Whether the caller may add a person (and import a CSV of them).
    can_add: bool,
    /// The columns a people CSV may have (`name` first, the one needed).
    columns: &'static [&'static str],
    /// The most people one import adds.
    max_people: usize,
    /// A refused form: `add-person`, or `import-form` with every problem
    /// of the file at the field `people`.
    refill: Option<Refill>,
    /// The import just made.
    imported: Option<Imported>,
}

/// An import just made, as the people list reports it.
#[derive(Serialize)]
struct Imported {
    /// The file's name, as the browser sent it.
    file: String,
    /// How many people were added.
    count: usize,
    /// The first person added: the list is shown from the page they are
    /// on, and those from their id on are marked new.
    first: Person,
}

/// The people list (the page of those whose names contain `text`), with
/// a form refused when `refill` says so, or the import just made.
async fn people_list(
    state: &AppState,
    me: &Principal,
    text: Option<&str>,
    page: Option<&str>,
    refill: Option<Refill>,
    imported: Option<Imported>,
) -> PageResult {
    let asked = crate::api::PageQuery {
        page: page.map(str::to_owned),
        per_page: None,
    };
    let page = people_page(state, me, text, &asked).await?;
    html_status(
        state,
        Refill::status(refill.as_ref()),
        "people.html",
        PeoplePage {
            frame: Frame::of(state, me),
            page,
            q: text.unwrap_or(""),
            can_add: me.require_staff().is_ok(),
            columns: &labpath_app::people_csv::COLUMNS,
            max_people: labpath_app::people_csv::MAX_PEOPLE,
            refill,
            imported,
        },
    )
}

/// Imports the candidates of a CSV file (the field `people`): all or no
/// one. The people list answers either way: with how many were added,
/// from the page where they start, or with every problem of the file.
pub async fn import_people(
    State(state): State<AppState>,
    Posted {
        me,
        form: mut upload,
    }: Posted<Upload>,
) -> Response {
    let result = async {
        me.require_staff()?;
        let attempt = async {
            let file = upload.take_file("people")?.ok_or_else(|| {
                ApiError::invalid("choose the CSV file of the candidates to import").at("people")
            })?;
            upload.no_other_files()?;
            let added = crate::api::people::import_people(&state, &me, &file.bytes).await?;
            Ok::<_, ApiError>((file.name, added))
        };
        match attempt.await {
            Ok((file, added)) => {
                let Some(first) = added.first().cloned() else {
                    return people_list(&state, &me, None, None, None, None).await;
                };
                // The people are listed by id, the new ones last.
                let everyone = people_page(&state, &me, None, &PageQuery::default()).await?;
                let start = everyone.total.saturating_sub(added.len());
                let page = (start / PER_PAGE + 1).to_string();
                let imported = Imported {
                    file,
                    count: added.len(),
                    first,
                };
                people_list(&state, &me, None, Some(&page), None, Some(imported)).await
            }
            Err(e) => {
                // A browser cannot fill a file input again: nothing to keep.
                let refill = Refill::of("import-form", &FormBody(Vec::new()), "people", e)?;
                people_list(&state, &me, None, None, Some(refill), None).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Adds a person and opens their interview; a refused name comes back
/// in the form, with why.
pub async fn add_person(
    State(state): State<AppState>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        me.require_staff()?;
        let added = async {
            let name = form.get("name").unwrap_or("");
            let made = labpath_app::people::add(&state.app(), &me.app(), name, None, None).await?;
            Ok::<_, ApiError>(made.new_only()?)
        };
        match added.await {
            Ok(person) => see_other(&format!("/people/{}/interview", person.id)),
            Err(e) => {
                let refill = Refill::of("add-person", &form, "name", e)?;
                people_list(&state, &me, None, None, Some(refill), None).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Makes a staff member responsible for a person (or no one: an empty
/// `owner`), then shows the person again.
pub async fn set_owner(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        me.require_staff()?;
        let person = visible_person(&state, &me, &id).await?;
        let owner = match form.get("owner").map(str::trim).unwrap_or("") {
            "" => None,
            text => Some(text.parse::<UserId>().map_err(|_| {
                ApiError::invalid(format!("`{text}` is no user: choose one from the list"))
                    .at("owner")
            })?),
        };
        labpath_app::people::set_owner(&state.app(), &me.app(), person.id, owner)
            .await
            .map_err(ApiError::from)?;
        see_other(&format!("/people/{}", person.id))
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
        person_page(&state, &me, &person, q(&query, "goal"), None).await
    }
    .await;
    respond(&state, result)
}

/// A catalog entry a page lets one choose: a step, a goal.
#[derive(Serialize)]
struct Named<'c> {
    id: &'c str,
    name: &'c str,
}

/// What a person's overview shows.
#[derive(Serialize)]
struct PersonPage<'a> {
    frame: Frame,
    person: &'a Person,
    has_profile: bool,
    standing: Option<Standing>,
    /// The plan for the goal shown.
    goal_plan: Option<GoalPlan>,
    applications: &'a [Application],
    /// What is lapsing (the deadline model's red and amber deadlines).
    lapsing: &'a [Lapse],
    /// The alerts besides those.
    alerts: Vec<&'a Alert<'a>>,
    /// The steps an application can be opened for.
    steps: Vec<Named<'a>>,
    reminders: Vec<Reminder>,
    today: Date,
    /// A refused form of the page (opening an application, a reminder).
    refill: Option<Refill>,
    /// Who the person may be given to (staff in server mode; empty
    /// otherwise, and the form is not shown).
    owners: Vec<super::OwnerChoice>,
}

/// A person's overview for `goal` (the one of their work state when
/// `None`), with one of its forms refused when `refill` says so.
pub(super) async fn person_page(
    state: &AppState,
    me: &Principal,
    person: &Person,
    goal: Option<&str>,
    refill: Option<Refill>,
) -> PageResult {
    let profile = stored_profile(state, person.id).await?;
    let today = Date::today();
    let standing = profile
        .as_ref()
        .map(|p| labpath_views::standing::standing(&state.catalog, p, goal, today));
    // The plan for the goal shown: its next step and its dates open the
    // page. A goal with no plan says which facts are missing.
    let goal_plan = match (&profile, standing.as_ref().and_then(|s| s.goal.clone())) {
        (Some(p), Some(goal)) => Some(plan_for_page(state, me, p, &goal, None, None).await?),
        _ => None,
    };
    let agenda =
        labpath_app::agenda::status(&state.app(), &me.app(), Some(person.id), today).await?;
    let reminders = state.store().reminders(Some(person.id)).await?;
    let owners = match (me.org(), me.require_staff()) {
        (Some(_), Ok(())) => super::OwnerChoice::of(state, me).await?,
        _ => Vec::new(),
    };
    html_status(
        state,
        Refill::status(refill.as_ref()),
        "person.html",
        PersonPage {
            frame: Frame::of(state, me),
            person,
            has_profile: profile.is_some(),
            standing,
            goal_plan,
            applications: &agenda.records.applications,
            lapsing: &agenda.lapsing,
            alerts: agenda.other_alerts(),
            steps: state
                .catalog
                .steps()
                .iter()
                .map(|s| Named {
                    id: s.id.as_str(),
                    name: &s.name,
                })
                .collect(),
            reminders,
            today,
            refill,
            owners,
        },
    )
}

/// A goal's plan as the person and plan pages show it: the plan and its
/// chart, or why there is none with the questions that would let one be
/// made (the most decisive first).
#[derive(Serialize, Default)]
struct GoalPlan {
    /// The plan view (`labpath_views::json::PlanView`), as the API answers
    /// it.
    plan: Option<serde_json::Value>,
    svg: Option<String>,
    error: Option<String>,
    questions: Vec<Question>,
}

/// How many simulated runs a page's plan takes: enough for steady
/// percentiles, few enough for a page.
const PAGE_SAMPLES: u32 = 2_000;

async fn plan_for_page(
    state: &AppState,
    me: &Principal,
    profile: &Profile,
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
                let profile: Profile =
                    serde_json::from_value(v.profile).map_err(ApiError::internal)?;
                toml::to_string(&profile).map_err(ApiError::internal)?
            }
            None => starter_profile(&person.name),
        };
        html(
            &state,
            "profile.html",
            ProfilePage {
                frame: Frame::of(&state, &me),
                person: &person,
                text,
                refill: None,
            },
        )
    }
    .await;
    respond(&state, result)
}

/// What the profile editor shows.
#[derive(Serialize)]
struct ProfilePage<'a> {
    frame: Frame,
    person: &'a Person,
    /// The profile as TOML: the stored one, or the text refused.
    text: String,
    /// The refused text's problems, each with its field and line.
    refill: Option<Refill>,
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
        let saved = async {
            let profile = labpath_catalog::profile::from_text(
                "profile",
                &text,
                labpath_catalog::parse::Format::Toml,
                &state.catalog,
            )
            .map_err(from_diagnostics)?;
            let value = serde_json::to_value(&profile).map_err(ApiError::internal)?;
            Ok::<_, ApiError>(
                ops::record_profile(state.store(), &me.actor(), person.id, value).await?,
            )
        };
        match saved.await {
            Ok(_) => see_other(&format!("/people/{}", person.id)),
            Err(e) => {
                let refill = Refill::of("profile-form", &form, "profile", e)?;
                html_status(
                    &state,
                    refill.status,
                    "profile.html",
                    ProfilePage {
                        frame: Frame::of(&state, &me),
                        person: &person,
                        text,
                        refill: Some(refill),
                    },
                )
            }
        }
    }
    .await;
    respond(&state, result)
}

/// What the eligibility page shows.
#[derive(Serialize)]
struct EligibilityPage<'a> {
    frame: Frame,
    person: &'a Person,
    evaluation: EvaluationView<'a>,
    /// The one credential asked for, if one was.
    credential: Option<&'a str>,
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
        html(
            &state,
            "eligibility.html",
            EligibilityPage {
                frame: Frame::of(&state, &me),
                person: &person,
                evaluation: eligibility.view(catalog),
                credential: q(&query, "credential"),
            },
        )
    }
    .await;
    respond(&state, result)
}

/// What the plan page shows.
#[derive(Serialize)]
struct PlanPage<'a> {
    frame: Frame,
    person: &'a Person,
    /// Every goal, to choose from.
    goals: Vec<Named<'a>>,
    /// The goal planned for (empty: none yet).
    goal: &'a str,
    /// `time` or `cost`.
    optimize: &'a str,
    /// The plan, or why there is none.
    #[serde(flatten)]
    made: GoalPlan,
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
        // Without a goal asked for, the goal of the state where the person
        // wants to work, as the person page shows it.
        let default_goal = profile
            .person
            .work_state
            .and_then(|s| labpath_views::goal::for_work_state(&state.catalog, s.as_str()));
        let goal = q(&query, "goal").or(default_goal.as_deref());
        let made = match goal {
            None => GoalPlan::default(),
            Some(goal) => {
                plan_for_page(
                    &state,
                    &me,
                    &profile,
                    goal,
                    q(&query, "from"),
                    q(&query, "optimize"),
                )
                .await?
            }
        };
        let mut goals: Vec<Named<'_>> = state
            .catalog
            .goals()
            .iter()
            .map(|g| Named {
                id: g.id.as_str(),
                name: &g.name,
            })
            .collect();
        // A goal a link asked for that is not a named one (credential ids)
        // is listed first, so the form shows the goal the plan is for.
        let asked = goal.filter(|g| !goals.iter().any(|n| n.id == *g));
        let asked_name = asked.and_then(|g| labpath_views::goal::resolve(&state.catalog, g).ok());
        if let (Some(id), Some(resolved)) = (asked, &asked_name) {
            goals.insert(
                0,
                Named {
                    id,
                    name: &resolved.name,
                },
            );
        }
        html(
            &state,
            "plan.html",
            PlanPage {
                frame: Frame::of(&state, &me),
                person: &person,
                goals,
                goal: goal.unwrap_or(""),
                optimize: q(&query, "optimize").unwrap_or("time"),
                made,
            },
        )
    }
    .await;
    respond(&state, result)
}
