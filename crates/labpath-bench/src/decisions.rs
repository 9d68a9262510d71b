//! The decisions every contender must produce alike: per credential its
//! status, per route its outcome (or that it is not in force on the day),
//! and labpath's own evaluation reduced to them.

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{self, Outcome, Status};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;

pub use labpath_engine::eval::RouteDecision;

/// One credential's decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialDecision {
    /// The overall status.
    pub status: Status,
    /// Every route, in catalog order.
    pub routes: Vec<RouteDecision>,
}

/// The status a credential gets from its routes, by the engine's rule
/// (`eval::evaluate_credential`): held wins; otherwise the best outcome of
/// the routes in force that are not wholly unconfirmed, or of any route in
/// force when only unconfirmable ones are.
pub fn status_of(held: bool, credential: &Credential, routes: &[RouteDecision]) -> Status {
    let mut decisive: Option<Outcome> = None;
    let mut any: Option<Outcome> = None;
    for (route, decision) in credential.routes.iter().zip(routes) {
        if let RouteDecision::In(o) = *decision {
            any = Some(any.map_or(o, |a| a.min(o)));
            if !route.requires.is_wholly_unconfirmed() {
                decisive = Some(decisive.map_or(o, |a| a.min(o)));
            }
        }
    }
    match (held, decisive.or(any)) {
        (true, _) => Status::Held,
        (false, Some(Outcome::Pass)) => Status::Eligible,
        (false, Some(Outcome::Unknown)) => Status::Unknown,
        (false, Some(Outcome::Fail)) => Status::NotYet,
        (false, None) => Status::NoRoute,
    }
}

/// labpath's decisions for every credential of the catalog
/// (`eval::decide`, the decisions-only evaluation).
pub fn labpath(catalog: &Catalog, profile: &Profile, day: Date) -> Vec<CredentialDecision> {
    from_decisions(&eval::decide(catalog, profile, day))
}

/// labpath's explained evaluation (`eval::evaluate`) reduced to its
/// decisions: it must agree with [`labpath`] everywhere.
pub fn explained(catalog: &Catalog, profile: &Profile, day: Date) -> Vec<CredentialDecision> {
    reduce(&eval::evaluate(catalog, profile, day))
}

/// labpath's decisions for the given credentials only.
pub fn labpath_only<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    day: Date,
    credentials: &[&'c Credential],
) -> Vec<CredentialDecision> {
    let mut out = eval::Decisions::default();
    eval::decide_into(catalog, profile, day, credentials.iter().copied(), &mut out);
    from_decisions(&out)
}

/// The engine's decisions as one `CredentialDecision` per credential.
fn from_decisions(decisions: &eval::Decisions) -> Vec<CredentialDecision> {
    (0..decisions.len())
        .filter_map(|i| decisions.credential(i))
        .map(|(status, routes)| CredentialDecision {
            status,
            routes: routes.to_vec(),
        })
        .collect()
}

/// An evaluation reduced to its decisions.
pub fn reduce(evaluation: &eval::Evaluation<'_>) -> Vec<CredentialDecision> {
    evaluation
        .credentials
        .iter()
        .map(|c| CredentialDecision {
            status: c.status,
            routes: c
                .routes
                .iter()
                .map(|r| {
                    if r.in_force {
                        RouteDecision::In(r.outcome)
                    } else {
                        RouteDecision::NotInForce
                    }
                })
                .collect(),
        })
        .collect()
}
