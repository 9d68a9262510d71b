//! Goals as people name them: a catalog goal by id, name or alias
//! ("work-mls-ny", "Work as an MLS in New York"), or credential ids joined by
//! commas or plus signs.

use labpath_engine::catalog::Catalog;
use labpath_engine::limits::{self, MAX_ID_LIST};
use labpath_engine::requirement::{CredentialReq, EligibleReq, Requirement};
use labpath_engine::step::{Goal, Grant};
use labpath_engine::suggest::suggest;
use labpath_engine::units::Code;

/// A goal as the user named it.
pub struct ResolvedGoal {
    /// Plain words.
    pub name: String,
    /// What must hold.
    pub requires: Requirement,
    /// The work state it implies.
    pub work_state: Option<Code>,
}

fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Reads a goal as the user named it: a named goal (by id or alias) or
/// credential ids. A goal over the limits of `labpath_engine::limits` (its
/// length, its number of ids, an id's length) is refused before any is
/// looked up.
pub fn resolve(catalog: &Catalog, text: &str) -> Result<ResolvedGoal, String> {
    limits::text("goal", text, MAX_ID_LIST).map_err(|e| e.message)?;
    let wanted = normalize(text);
    let named = catalog.goals().iter().find(|g| {
        normalize(g.id.as_str()) == wanted
            || normalize(&g.name) == wanted
            || g.aliases.iter().any(|a| normalize(a) == wanted)
    });
    if let Some(g) = named {
        return Ok(ResolvedGoal {
            name: g.name.clone(),
            requires: g.requires.clone(),
            work_state: g.work_state,
        });
    }
    let ids: Vec<&str> = text
        .split([',', '+'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    limits::ids("goal", &ids).map_err(|e| e.message)?;
    let mut parts = Vec::new();
    let mut names = Vec::new();
    for id in &ids {
        let Some(credential) = catalog.credential(id) else {
            let candidates = catalog
                .goals()
                .iter()
                .map(|g| g.id.as_str())
                .chain(catalog.credentials().iter().map(|c| c.id.as_str()));
            let hint = match suggest(id, candidates) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => {
                    let goals: Vec<&str> = catalog.goals().iter().map(|g| g.id.as_str()).collect();
                    format!(
                        " (named goals: {}; or credential ids from `labpath credentials`)",
                        goals.join(", ")
                    )
                }
            };
            return Err(format!("unknown goal or credential `{id}`{hint}"));
        };
        let issued = catalog.steps().iter().any(|s| {
            s.grants
                .iter()
                .any(|g| matches!(g, Grant::Credential(c) if c == &credential.id))
        }) || catalog
            .exams()
            .iter()
            .any(|e| e.confers.as_ref() == Some(&credential.id));
        let id = credential.id.clone();
        // A credential someone issues must be held; a status (H-1B
        // prerequisites, a CLIA role) is reached by meeting its routes.
        parts.push(if issued {
            Requirement::Credential(CredentialReq {
                any_of: vec![id],
                current: true,
            })
        } else {
            Requirement::Eligible(EligibleReq { credential: id })
        });
        names.push(credential.abbreviation.clone());
    }
    if parts.is_empty() {
        return Err("the goal is empty: name a goal or credential ids".to_owned());
    }
    Ok(ResolvedGoal {
        name: names.join(" and "),
        requires: Requirement::All(parts),
        work_state: None,
    })
}

/// The catalog's goal for working as a technologist in a state (the first
/// goal naming that work state), for a person who chose a state but no goal.
pub fn of_work_state<'c>(catalog: &'c Catalog, state: &str) -> Option<&'c Goal> {
    let code = Code::parse(state).ok()?;
    catalog.goals().iter().find(|g| g.work_state == Some(code))
}

/// The id of the goal [`of_work_state`] finds.
pub fn for_work_state(catalog: &Catalog, state: &str) -> Option<String> {
    of_work_state(catalog, state).map(|g| g.id.as_str().to_owned())
}

/// Each blocked requirement once, under the route it blocks (the last part
/// of its context), rather than once per path that reaches it: the same
/// missing VisaScreen blocks the cap-subject and the cap-exempt H-1B alike.
pub fn distinct_blockers(blockers: &[labpath_engine::plan::build::Blocker]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    blockers
        .iter()
        .map(|b| {
            let route = b.context.rsplit(" > ").next().unwrap_or(&b.context);
            format!("{route}: {}: {}", b.requirement, b.reason)
        })
        .filter(|line| seen.insert(line.clone()))
        .collect()
}
