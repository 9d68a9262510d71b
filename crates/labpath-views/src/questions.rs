//! The interview's open questions for a profile and a goal, as every front
//! end shows them: the goal in plain words, then the questions, most
//! decisive first, each with the credentials it bears on.

use labpath_engine::catalog::Catalog;
use labpath_engine::profile::Profile;
use labpath_engine::questions::{Question, questions};
use labpath_engine::units::Date;
use serde::Serialize;

use crate::goal;

/// The open questions for one profile.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionsView {
    /// The day the rules were read as of.
    pub as_of: Date,
    /// The goal in plain words; absent for "where do I stand".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// The questions, most decisive first.
    pub questions: Vec<Question>,
}

/// The questions whose answers would change a decision for `goal` (every
/// credential when `None`). A goal that names a work state answers the
/// work-state question when the profile does not, as a plan does.
pub fn view(
    catalog: &Catalog,
    profile: &Profile,
    goal_text: Option<&str>,
    as_of: Date,
) -> Result<QuestionsView, String> {
    let Some(text) = goal_text else {
        return Ok(QuestionsView {
            as_of,
            goal: None,
            questions: questions(catalog, profile, None, as_of),
        });
    };
    let goal = goal::resolve(catalog, text)?;
    let mut profile = profile.clone();
    if profile.person.work_state.is_none() {
        profile.person.work_state = goal.work_state;
    }
    Ok(QuestionsView {
        as_of,
        questions: questions(catalog, &profile, Some(&goal.requires), as_of),
        goal: Some(goal.name),
    })
}
