//! Eligibility: a profile against every credential's routes on an as-of day.
//!
//! Each route is evaluated only if its rules are in force on that day. Each
//! clause says pass, fail or unknown and keeps the numbers behind the answer
//! (`Finding`), so the caller can explain every gap without re-deriving it.
//! Unknown is never folded into fail: a missing fact stays a question.

mod leaves;

use serde::Serialize;

use crate::catalog::{Catalog, Credential, Route};
use crate::facts::Facts;
use crate::profile::Profile;
use crate::requirement::Requirement;
use crate::units::Date;

pub use leaves::{
    CredentialGap, DegreeGap, EnglishMet, ExamGap, ExperienceShort, Finding, ProgramGap,
    calendar_months, months_within,
};

/// The answer of one clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The requirement holds.
    Pass,
    /// A fact the profile does not give decides it.
    Unknown,
    /// The requirement does not hold.
    Fail,
}

/// The overall answer for one credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The person holds it, current on the as-of day.
    Held,
    /// At least one route in force passes.
    Eligible,
    /// No route passes, but at least one depends on facts not given.
    Unknown,
    /// Every route in force fails.
    NotYet,
    /// No route is in force or encodable on the as-of day.
    NoRoute,
}

impl Status {
    /// The phrase shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Held => "held",
            Status::Eligible => "eligible",
            Status::Unknown => "unknown",
            Status::NotYet => "not yet",
            Status::NoRoute => "no route in force",
        }
    }
}

/// One evaluated clause and its children.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clause<'c> {
    /// The requirement as the catalog states it.
    #[serde(skip)]
    pub requirement: &'c Requirement,
    /// Pass, fail or unknown.
    pub outcome: Outcome,
    /// The quantities behind the outcome.
    pub finding: Finding<'c>,
    /// Evaluated children of a combinator.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Clause<'c>>,
}

impl Clause<'_> {
    /// How many leaves below (or at) this clause fail; 0 when it passes.
    pub fn failing_leaves(&self) -> usize {
        if self.outcome == Outcome::Pass {
            return 0;
        }
        if self.children.is_empty() {
            return usize::from(self.outcome == Outcome::Fail);
        }
        match self.requirement {
            Requirement::Any(_) => self
                .children
                .iter()
                .map(Clause::failing_leaves)
                .min()
                .unwrap_or(0),
            _ => self.children.iter().map(Clause::failing_leaves).sum(),
        }
    }

    /// The last day a passing clause stays satisfied without anything new
    /// (a time-limited program ages out); `None` when it does not close.
    pub fn open_until(&self) -> Option<Date> {
        if self.outcome != Outcome::Pass {
            return None;
        }
        if self.children.is_empty() {
            return self.finding.closes_on();
        }
        let passing = self.children.iter().filter(|c| c.outcome == Outcome::Pass);
        match self.requirement {
            // Any passing alternative keeps it open: the latest closing wins,
            // and one that never closes means it never closes.
            Requirement::Any(_) | Requirement::AtLeast(_) => {
                let mut latest = None;
                for child in passing {
                    match child.open_until() {
                        None => return None,
                        Some(d) => latest = latest.max(Some(d)),
                    }
                }
                latest
            }
            _ => passing.filter_map(Clause::open_until).min(),
        }
    }
}

/// One evaluated route.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteOutcome<'c> {
    /// The route.
    #[serde(skip)]
    pub route: &'c Route,
    /// Whether its rules are in force on the as-of day; a route not in force
    /// is not evaluated.
    pub in_force: bool,
    /// The route's answer (fail when not in force).
    pub outcome: Outcome,
    /// For a passing route, the day it stops passing as things stand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_until: Option<Date>,
    /// The evaluated requirement tree (absent when not in force).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<Clause<'c>>,
}

/// One evaluated credential.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialOutcome<'c> {
    /// The credential.
    #[serde(skip)]
    pub credential: &'c Credential,
    /// The overall answer.
    pub status: Status,
    /// Every route, in catalog order.
    pub routes: Vec<RouteOutcome<'c>>,
}

impl CredentialOutcome<'_> {
    /// The route to show first: a passing one, else the one in force with
    /// the fewest failing requirements (routes the catalog cannot check at
    /// all come last).
    pub fn best_route(&self) -> Option<&RouteOutcome<'_>> {
        let checkable =
            |r: &&RouteOutcome<'_>| r.in_force && !r.route.requires.is_wholly_unconfirmed();
        let any_checkable = self.routes.iter().any(|r| checkable(&r));
        self.routes
            .iter()
            .filter(|r| {
                if any_checkable {
                    checkable(r)
                } else {
                    r.in_force
                }
            })
            .min_by_key(|r| {
                let fails = r.clause.as_ref().map_or(usize::MAX, Clause::failing_leaves);
                (r.outcome, fails)
            })
    }
}

/// The whole evaluation of one profile.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation<'c> {
    /// The day the rules and the profile were read as of.
    pub as_of: Date,
    /// One entry per credential evaluated.
    pub credentials: Vec<CredentialOutcome<'c>>,
}

/// Evaluates a profile against every credential in the catalog.
pub fn evaluate<'c>(catalog: &'c Catalog, profile: &Profile, as_of: Date) -> Evaluation<'c> {
    evaluate_only(catalog, profile, as_of, catalog.credentials().iter())
}

/// Evaluates a profile against the given credentials only.
pub fn evaluate_only<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    as_of: Date,
    credentials: impl IntoIterator<Item = &'c Credential>,
) -> Evaluation<'c> {
    let facts = Facts::derive(profile, catalog);
    let ctx = leaves::Ctx::new(catalog, profile, &facts, as_of);
    let credentials = credentials
        .into_iter()
        .map(|credential| evaluate_credential(&ctx, credential))
        .collect();
    Evaluation { as_of, credentials }
}

/// Evaluates one credential: every route, and the overall status.
pub fn evaluate_credential<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    credential: &'c Credential,
) -> CredentialOutcome<'c> {
    let routes: Vec<RouteOutcome<'c>> = credential
        .routes
        .iter()
        .map(|route| evaluate_route(ctx, route))
        .collect();
    let held = ctx.profile.holds(credential.id.as_str(), ctx.as_of);
    // A route the sources do not let the catalog encode at all ("a sixth
    // route exists") is shown, but does not decide the status unless it is
    // the only route in force: otherwise every "not yet" would read "unknown".
    let decisive = |r: &&RouteOutcome<'c>| r.in_force && !r.route.requires.is_wholly_unconfirmed();
    let best = match routes.iter().filter(decisive).map(|r| r.outcome).min() {
        Some(best) => Some(best),
        None => routes
            .iter()
            .filter(|r| r.in_force)
            .map(|r| r.outcome)
            .min(),
    };
    let status = match (held, best) {
        (true, _) => Status::Held,
        (false, Some(Outcome::Pass)) => Status::Eligible,
        (false, Some(Outcome::Unknown)) => Status::Unknown,
        (false, Some(Outcome::Fail)) => Status::NotYet,
        (false, None) => Status::NoRoute,
    };
    CredentialOutcome {
        credential,
        status,
        routes,
    }
}

fn evaluate_route<'c>(ctx: &leaves::Ctx<'c, '_>, route: &'c Route) -> RouteOutcome<'c> {
    if !route.in_force.contains(ctx.as_of) {
        return RouteOutcome {
            route,
            in_force: false,
            outcome: Outcome::Fail,
            open_until: None,
            clause: None,
        };
    }
    let clause = evaluate_requirement(ctx, &route.requires);
    // A route whose rules end stops being usable then, whatever the profile.
    // `until` is the first day the route is no longer in force.
    let last_day = route.in_force.until.map(Date::pred);
    let open_until = match (clause.open_until(), last_day) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    RouteOutcome {
        route,
        in_force: true,
        outcome: clause.outcome,
        open_until: if clause.outcome == Outcome::Pass {
            open_until
        } else {
            None
        },
        clause: Some(clause),
    }
}

/// Evaluates one requirement tree.
pub fn evaluate_requirement<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    requirement: &'c Requirement,
) -> Clause<'c> {
    let (need, of) = match requirement {
        Requirement::All(of) => (of.len(), of.as_slice()),
        Requirement::Any(of) => (1.min(of.len()), of.as_slice()),
        Requirement::AtLeast(a) => (a.n as usize, a.of.as_slice()),
        leaf => {
            let (outcome, finding) = leaves::evaluate_leaf(ctx, leaf);
            return Clause {
                requirement,
                outcome,
                finding,
                children: Vec::new(),
            };
        }
    };
    let children: Vec<Clause<'c>> = of.iter().map(|r| evaluate_requirement(ctx, r)).collect();
    let met = children
        .iter()
        .filter(|c| c.outcome == Outcome::Pass)
        .count();
    let open = children
        .iter()
        .filter(|c| c.outcome == Outcome::Unknown)
        .count();
    let outcome = if met >= need {
        Outcome::Pass
    } else if met + open >= need {
        Outcome::Unknown
    } else {
        Outcome::Fail
    };
    Clause {
        requirement,
        outcome,
        finding: Finding::Combined {
            met: met as u32,
            need: need as u32,
            of: children.len() as u32,
        },
        children,
    }
}

pub use leaves::Ctx;
