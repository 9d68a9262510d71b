//! The best plan to a goal: a request read (the goal resolved, the
//! profile's work state taken from the goal when it names none), the
//! durations recorded in the principal's reach, and the planner's run.
//!
//! The run is CPU work (a simulation of thousands of runs), so it is a
//! function of its own, [`Request::plan`], that a server calls on a
//! blocking thread; reading the request and the history are the async
//! parts.

use labpath_engine::catalog::Catalog;
use labpath_engine::plan::{History, Options, PlanReport, Unreachable, plan_with_history};
use labpath_engine::profile::Profile;
use labpath_store::ids::PersonId;
use labpath_store::model::{AppFilter, Scope};
use labpath_views::goal::ResolvedGoal;
use labpath_views::json::PlanView;

use crate::{App, AppError, Kind, Principal};

/// A plan asked for, ready to run.
pub struct Request {
    /// The profile, with the goal's work state when it names none.
    pub profile: Profile,
    /// The goal resolved.
    pub goal: ResolvedGoal,
    /// The first day, what to optimize, the simulation's size and seed.
    pub options: Options,
    /// The recorded durations the plan may use.
    pub history: History,
}

/// Reads a plan request for a given profile: `goal` is a named goal or
/// credential ids (refused at `goal` when it names neither). No durations
/// are recorded yet (see [`history`]).
pub fn request(
    catalog: &Catalog,
    mut profile: Profile,
    goal: &str,
    options: Options,
) -> Result<Request, AppError> {
    let goal = labpath_views::goal::resolve(catalog, goal)
        .map_err(|why| AppError::invalid(why).at("goal"))?;
    if profile.person.work_state.is_none() {
        profile.person.work_state = goal.work_state;
    }
    Ok(Request {
        profile,
        goal,
        options,
        history: History::default(),
    })
}

/// The durations of the decided applications `who` lends to plans: the
/// organization's (server mode), or the whole data directory's (local
/// mode).
pub async fn history(app: &App<'_>, who: &Principal) -> Result<History, AppError> {
    let organization = match who.scope {
        Scope::Local => None,
        Scope::Org(org) | Scope::Own(org, _) => Some(org),
    };
    let apps = app
        .store
        .applications(&AppFilter {
            organization,
            ..AppFilter::default()
        })
        .await?;
    Ok(labpath_store::ops::recorded_durations(&apps))
}

/// A plan request for a given profile with the durations in `who`'s reach.
pub async fn for_profile(
    app: &App<'_>,
    who: &Principal,
    profile: Profile,
    goal: &str,
    options: Options,
) -> Result<Request, AppError> {
    let mut request = request(app.catalog, profile, goal, options)?;
    request.history = history(app, who).await?;
    Ok(request)
}

/// A plan request for the person's stored profile.
pub async fn for_person(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    goal: &str,
    options: Options,
) -> Result<Request, AppError> {
    app.person(who, person).await?;
    let profile = app.require_profile(person).await?;
    for_profile(app, who, profile, goal, options).await
}

impl Request {
    /// Runs the planner: the plans on the time/cost frontier with their
    /// simulated dates, or why none reaches the goal. CPU work: an async
    /// caller runs it off its workers.
    pub fn plan<'c>(&'c self, catalog: &'c Catalog) -> Result<PlanReport<'c>, Unreachable> {
        plan_with_history(
            catalog,
            &self.profile,
            &self.goal.requires,
            self.options,
            &self.history,
        )
    }

    /// A plan as every front end shows it as data.
    pub fn view<'a>(&'a self, catalog: &'a Catalog, report: &'a PlanReport<'a>) -> PlanView<'a> {
        labpath_views::json::plan(catalog, &self.profile, &self.goal.name, report)
    }

    /// The chosen plan's chart, when there is one.
    pub fn svg(&self, report: &PlanReport<'_>) -> Option<String> {
        report
            .kept
            .get(report.chosen)
            .map(|kept| labpath_views::svg::gantt(&self.goal.name, report.from, kept))
    }

    /// Why no plan reaches the goal, in one message with the first few
    /// requirements no step can meet, at `goal`.
    pub fn unreachable(&self, why: &Unreachable) -> AppError {
        let mut message = format!(
            "no plan reaches `{}` from {}",
            self.goal.name, self.options.from
        );
        for b in labpath_views::goal::distinct_blockers(&why.blockers)
            .iter()
            .take(5)
        {
            message.push_str(&format!("; {b}"));
        }
        AppError {
            kind: Kind::Unreachable,
            message,
            field: Some("goal".to_owned()),
            problems: Vec::new(),
        }
    }
}
