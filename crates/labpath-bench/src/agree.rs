//! The agreement check: every contender gives the same decision for every
//! route of every profile on every day, or the run stops at the first
//! difference with the profile, day, credential, route and both answers.

use std::fmt;

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;

use crate::decisions::{self, CredentialDecision};
use crate::floor;
use crate::jsonlogic::JsonLogicCatalog;
use crate::profiles::Named;

/// What was compared.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checked {
    /// Whole-catalog evaluations (profiles times days).
    pub evaluations: usize,
    /// Route decisions compared between labpath's decisions-only and its
    /// explained evaluation.
    pub explained_routes: usize,
    /// Route decisions compared between labpath and datalogic-rs.
    pub routes: usize,
    /// Route decisions compared between labpath and the floor.
    pub floor_routes: usize,
}

/// The first difference found.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The profile's name.
    pub profile: String,
    /// The as-of day.
    pub day: Date,
    /// The contender that differs from labpath.
    pub contender: &'static str,
    /// The credential.
    pub credential: String,
    /// The route (`status` for the credential's status).
    pub route: String,
    /// labpath's answer.
    pub labpath: String,
    /// The contender's answer.
    pub other: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} disagrees with labpath on profile `{}`, as of {}, credential `{}`, {}: labpath says {}, {} says {}",
            self.contender,
            self.profile,
            self.day,
            self.credential,
            self.route,
            self.labpath,
            self.contender,
            self.other
        )
    }
}

/// Compares one set of decisions with labpath's, credential by credential
/// (matched by position in `ids`); returns the routes compared.
fn compare(
    catalog: &Catalog,
    ids: &[&str],
    labpath: &[CredentialDecision],
    other: &[CredentialDecision],
    mismatch: impl Fn(&str, String, String, String) -> Box<Mismatch>,
) -> Result<usize, Box<Mismatch>> {
    if labpath.len() != other.len() {
        return Err(mismatch(
            "(all)",
            "credential count".to_owned(),
            labpath.len().to_string(),
            other.len().to_string(),
        ));
    }
    let mut routes = 0;
    for ((id, l), o) in ids.iter().zip(labpath).zip(other) {
        let credential = catalog.credential(id);
        let route_name = |i: usize| {
            credential
                .and_then(|c| c.routes.get(i))
                .map_or(format!("route #{i}"), |r| format!("route `{}`", r.id))
        };
        for i in 0..l.routes.len().max(o.routes.len()) {
            let (a, b) = (l.routes.get(i), o.routes.get(i));
            if a != b {
                return Err(mismatch(
                    id,
                    route_name(i),
                    format!("{a:?}"),
                    format!("{b:?}"),
                ));
            }
            routes += 1;
        }
        if l.status != o.status {
            return Err(mismatch(
                id,
                "status".to_owned(),
                format!("{:?}", l.status),
                format!("{:?}", o.status),
            ));
        }
    }
    Ok(routes)
}

/// Checks labpath's explained evaluation and datalogic-rs on the whole
/// catalog, and the floor on its subset, against labpath's decisions-only
/// evaluation, for every profile on every day.
pub fn check(
    catalog: &Catalog,
    logic: &JsonLogicCatalog,
    profiles: &[Named],
    days: &[Date],
) -> Result<Checked, Box<Mismatch>> {
    let ids: Vec<&str> = catalog
        .credentials()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let subset = floor::credentials(catalog);
    let mut checked = Checked::default();
    let mut session = logic.session();
    for named in profiles {
        for day in days {
            let at = |contender: &'static str| {
                move |credential: &str, route: String, labpath: String, other: String| {
                    Box::new(Mismatch {
                        profile: named.name.clone(),
                        day: *day,
                        contender,
                        credential: credential.to_owned(),
                        route,
                        labpath,
                        other,
                    })
                }
            };
            let ours = decisions::labpath(catalog, &named.profile, *day);
            let explained = decisions::explained(catalog, &named.profile, *day);
            checked.explained_routes +=
                compare(catalog, &ids, &ours, &explained, at("labpath explained"))?;
            let facts = logic.prepare(catalog, &named.profile, *day);
            let theirs = logic.decide(catalog, &mut session, &facts);
            checked.routes += compare(catalog, &ids, &ours, &theirs, at("datalogic-rs"))?;
            let ours = decisions::labpath_only(catalog, &named.profile, *day, &subset);
            let floor = floor::decide(catalog, &named.profile, *day).to_vec();
            checked.floor_routes += compare(catalog, floor::IDS, &ours, &floor, at("floor"))?;
            checked.evaluations += 1;
        }
    }
    Ok(checked)
}
