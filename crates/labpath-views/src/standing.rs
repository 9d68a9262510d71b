//! "Where do I stand", answer first: one headline for the person's goal,
//! the goal's credentials, then the others. A credential that waits only on
//! statements a plan may assume (good moral character) says so rather than
//! "unknown".

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{
    Outcome, Status, decide_credential, decide_requirement, evaluate_credential,
};
use labpath_engine::facts::Facts;
use labpath_engine::profile::Profile;
use labpath_engine::questions::scope;
use labpath_engine::requirement::Requirement;
use labpath_engine::units::Date;
use serde::Serialize;

use crate::goal;

/// One credential's line.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = StandingLine))]
pub struct Line {
    /// Catalog id.
    pub id: String,
    /// Its short name.
    pub abbreviation: String,
    /// Its full name.
    pub name: String,
    /// The status.
    pub status: Status,
    /// The status in plain words, with what it waits on.
    pub label: String,
    /// The nearest route's name.
    pub route: Option<String>,
}

/// The person's standing.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    /// The goal's id as asked or chosen, if any.
    pub goal: Option<String>,
    /// The goal in plain words.
    pub goal_name: Option<String>,
    /// Whether the goal is met today.
    pub goal_met: bool,
    /// The answer in one sentence.
    pub headline: String,
    /// How many questions are open.
    pub questions: usize,
    /// The goal's credentials (every credential without a goal).
    pub for_goal: Vec<Line>,
    /// The others.
    pub others: Vec<Line>,
    /// A goal that could not be read, with why.
    pub goal_problem: Option<String>,
}

/// The standing of a profile, for a goal as named (default: the goal of the
/// person's work state).
pub fn standing(
    catalog: &Catalog,
    profile: &Profile,
    asked: Option<&str>,
    as_of: Date,
) -> Standing {
    let chosen = asked.map(str::to_owned).or_else(|| {
        profile
            .person
            .work_state
            .and_then(|s| goal::for_work_state(catalog, s.as_str()))
    });
    let (resolved, goal_problem) = match chosen.as_deref().map(|g| goal::resolve(catalog, g)) {
        Some(Ok(g)) => (Some(g), None),
        Some(Err(why)) => (None, Some(why)),
        None => (None, None),
    };
    let mut profile = profile.clone();
    if let Some(g) = &resolved {
        if profile.person.work_state.is_none() {
            profile.person.work_state = g.work_state;
        }
    }
    let requires = resolved.as_ref().map(|g| &g.requires);
    let in_scope = scope(catalog, requires, profile.person.work_state);
    let facts = Facts::derive(&profile, catalog);
    let ctx = labpath_engine::eval::Ctx::new(catalog, &profile, &facts, as_of);
    let goal_met = requires.is_some_and(|r| decide_requirement(&ctx, r) == Outcome::Pass);
    let assumed = assume_statements(catalog, &profile);
    let assumed_facts = Facts::derive(&assumed, catalog);
    let assumed_ctx = labpath_engine::eval::Ctx::new(catalog, &assumed, &assumed_facts, as_of);
    let line = |c: &Credential| {
        let outcome = evaluate_credential(&ctx, c);
        let mut label = outcome.status.label().to_owned();
        if outcome.status == Status::Unknown
            && decide_credential(&assumed_ctx, c) == Status::Eligible
        {
            label = "eligible once you confirm the statements it asks for".to_owned();
        }
        Line {
            id: c.id.as_str().to_owned(),
            abbreviation: c.abbreviation.clone(),
            name: c.name.clone(),
            status: outcome.status,
            label,
            route: outcome.best_route().map(|r| r.route.name.clone()),
        }
    };
    let for_goal: Vec<Line> = in_scope.iter().map(|c| line(c)).collect();
    let others: Vec<Line> = if requires.is_some() {
        catalog
            .credentials()
            .iter()
            .filter(|c| !in_scope.iter().any(|s| s.id == c.id))
            .map(line)
            .collect()
    } else {
        Vec::new()
    };
    let questions = labpath_engine::questions::questions(catalog, &profile, requires, as_of);
    let headline = headline(
        resolved.as_ref().map(|g| g.name.as_str()),
        goal_met,
        &for_goal,
        &questions,
    );
    Standing {
        goal: chosen,
        goal_name: resolved.map(|g| g.name),
        goal_met,
        headline,
        questions: questions.len(),
        for_goal,
        others,
        goal_problem,
    }
}

fn headline(
    goal: Option<&str>,
    met: bool,
    lines: &[Line],
    questions: &[labpath_engine::questions::Question],
) -> String {
    let ready: Vec<&str> = lines
        .iter()
        .filter(|l| l.status == Status::Eligible)
        .map(|l| l.abbreviation.as_str())
        .collect();
    let mut text = match (goal, met, ready.is_empty()) {
        (Some(g), true, _) => format!("You have reached your goal: {g}."),
        (_, _, false) => format!("You can apply for {} now.", join(&ready)),
        (Some(g), false, true) => format!(
            "You are not yet eligible for the next credential toward {g}: the plan shows the steps."
        ),
        (None, _, true) => {
            "You are not yet eligible for a credential: the plan shows the steps.".to_owned()
        }
    };
    if !questions.is_empty() {
        let n = questions.len();
        let settles: u32 = questions.iter().map(|q| q.settles).sum();
        text.push_str(&format!(
            " {n} {} would settle up to {settles} more {}.",
            if n == 1 { "question" } else { "questions" },
            if settles == 1 { "answer" } else { "answers" }
        ));
    }
    text
}

fn join(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The profile with every statement a plan may assume made.
fn assume_statements(catalog: &Catalog, profile: &Profile) -> Profile {
    let mut p = profile.clone();
    for c in catalog.credentials() {
        for r in &c.routes {
            r.requires.walk(&mut |node| {
                if let Requirement::Declared(d) = node {
                    if d.assumable
                        && !p.declarations.contains(&d.key)
                        && !p.declined.contains(&d.key)
                    {
                        p.declarations.push(d.key.clone());
                    }
                }
            });
        }
    }
    p
}
