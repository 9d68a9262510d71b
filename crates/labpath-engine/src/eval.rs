//! Eligibility: a profile against every credential's routes on an as-of day.
//!
//! Each route is evaluated only if its rules are in force on that day. Each
//! clause says pass, fail or unknown and keeps the numbers behind the answer
//! (`Finding`), so the caller can explain every gap without re-deriving it.
//! Unknown is never folded into fail: a missing fact stays a question.

mod leaves;
mod program;

use std::sync::Arc;

use serde::Serialize;

use crate::catalog::{Catalog, Credential, Route};
use crate::facts::Facts;
use crate::profile::Profile;
use crate::requirement::Requirement;
use crate::units::Date;

pub use program::Program;

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

/// One evaluated clause, stored flat: its subtree (itself, then every
/// clause below it in pre-order) is the next `len` nodes of its tree.
#[derive(Debug, Clone)]
struct ClauseNode<'c> {
    requirement: &'c Requirement,
    outcome: Outcome,
    finding: Finding<'c>,
    len: u32,
}

/// An evaluated requirement tree: every clause with its finding, laid out
/// flat in pre-order. The trees of one evaluation share one buffer (one
/// allocation per evaluation, none per route or combinator), each tree
/// starting at its own `root`. Its clauses are read through
/// [`ClauseTree::root`].
#[derive(Debug, Clone)]
pub struct ClauseTree<'c> {
    nodes: Arc<Vec<ClauseNode<'c>>>,
    root: u32,
}

impl<'c> ClauseTree<'c> {
    /// The top clause.
    pub fn root(&self) -> Clause<'_, 'c> {
        Clause::first(&self.nodes[self.root as usize..])
    }

    /// Hands the trees written into `nodes`, one after the other, to the
    /// routes in force of `credentials`, in order: each evaluated route
    /// wrote exactly one tree there (see [`route_into`]).
    fn attach(nodes: Vec<ClauseNode<'c>>, credentials: &mut [CredentialOutcome<'c>]) {
        let nodes = Arc::new(nodes);
        let mut root = 0;
        let routes = credentials.iter_mut().flat_map(|c| &mut c.routes);
        for route in routes.filter(|r| r.in_force) {
            let Some(first) = nodes.get(root) else { break };
            let len = first.len.max(1) as usize;
            route.tree = Some(ClauseTree {
                nodes: Arc::clone(&nodes),
                root: root as u32,
            });
            root += len;
        }
    }
}

impl Serialize for ClauseTree<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(out)
    }
}

/// One evaluated clause of a [`ClauseTree`], with its children.
#[derive(Debug, Clone, Copy)]
pub struct Clause<'a, 'c> {
    /// The requirement as the catalog states it.
    pub requirement: &'c Requirement,
    /// Pass, fail or unknown.
    pub outcome: Outcome,
    /// The quantities behind the outcome.
    pub finding: &'a Finding<'c>,
    /// Its subtree: itself first.
    subtree: &'a [ClauseNode<'c>],
}

/// The children of a clause, in order.
#[derive(Debug, Clone)]
pub struct Children<'a, 'c> {
    rest: &'a [ClauseNode<'c>],
}

impl<'a, 'c> Iterator for Children<'a, 'c> {
    type Item = Clause<'a, 'c>;

    fn next(&mut self) -> Option<Self::Item> {
        let len = self.rest.first()?.len as usize;
        let (subtree, rest) = self.rest.split_at(len.clamp(1, self.rest.len()));
        self.rest = rest;
        Some(Clause::first(subtree))
    }
}

impl Serialize for Children<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        out.collect_seq(self.clone())
    }
}

impl Serialize for Clause<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let leaf = self.is_leaf();
        let mut s = out.serialize_struct("Clause", if leaf { 2 } else { 3 })?;
        s.serialize_field("outcome", &self.outcome)?;
        s.serialize_field("finding", self.finding)?;
        if !leaf {
            s.serialize_field("children", &self.children())?;
        }
        s.end()
    }
}

impl<'a, 'c> Clause<'a, 'c> {
    /// The first clause of `nodes`, a subtree in pre-order.
    fn first(nodes: &'a [ClauseNode<'c>]) -> Self {
        let node = &nodes[0];
        let len = (node.len as usize).clamp(1, nodes.len());
        Clause {
            requirement: node.requirement,
            outcome: node.outcome,
            finding: &node.finding,
            subtree: &nodes[..len],
        }
    }

    /// Its children, in order (none for a leaf).
    pub fn children(self) -> Children<'a, 'c> {
        Children {
            rest: &self.subtree[1..],
        }
    }

    /// The leaves of its subtree (itself, when it is one), in order.
    pub fn leaves(self) -> impl Iterator<Item = Clause<'a, 'c>> {
        self.pre_order().filter(|c| c.is_leaf())
    }

    /// Every clause of its subtree, itself first, parents before children.
    pub fn pre_order(self) -> impl ExactSizeIterator<Item = Clause<'a, 'c>> {
        let subtree = self.subtree;
        (0..subtree.len()).map(move |i| Clause::first(&subtree[i..]))
    }

    /// Whether it is a leaf (no children).
    pub fn is_leaf(self) -> bool {
        self.subtree.len() <= 1
    }

    /// How many leaves below (or at) this clause fail; 0 when it passes.
    pub fn failing_leaves(self) -> usize {
        if self.outcome == Outcome::Pass {
            return 0;
        }
        if self.is_leaf() {
            return usize::from(self.outcome == Outcome::Fail);
        }
        match self.requirement {
            Requirement::Any(_) => self
                .children()
                .map(Clause::failing_leaves)
                .min()
                .unwrap_or(0),
            _ => self.children().map(Clause::failing_leaves).sum(),
        }
    }

    /// The last day a passing clause stays satisfied without anything new
    /// (a time-limited program ages out); `None` when it does not close.
    pub fn open_until(self) -> Option<Date> {
        if self.outcome != Outcome::Pass {
            return None;
        }
        if self.is_leaf() {
            return self.finding.closes_on();
        }
        let passing = self.children().filter(|c| c.outcome == Outcome::Pass);
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
    #[serde(rename = "clause", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub tree: Option<ClauseTree<'c>>,
}

impl<'c> RouteOutcome<'c> {
    /// The evaluated requirement tree's top clause (absent when not in force).
    pub fn clause(&self) -> Option<Clause<'_, 'c>> {
        self.tree.as_ref().map(ClauseTree::root)
    }
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
        let in_force = self.routes.iter().filter(|r| r.in_force);
        let checkable = in_force
            .clone()
            .filter(|r| !r.route.requires.is_wholly_unconfirmed());
        nearest(checkable).or_else(|| nearest(in_force))
    }
}

/// The first of the routes with the best outcome and, among those, the
/// fewest failing requirements. A route's failing requirements are counted
/// only when it could still come first: not for one whose outcome is
/// worse than the best so far, nor once the best so far fails none.
fn nearest<'a, 'c>(
    routes: impl Iterator<Item = &'a RouteOutcome<'c>>,
) -> Option<&'a RouteOutcome<'c>> {
    let mut best: Option<(&'a RouteOutcome<'c>, (Outcome, usize))> = None;
    for route in routes {
        if let Some((_, (outcome, fails))) = best {
            if route.outcome > outcome || (route.outcome == outcome && fails == 0) {
                continue;
            }
        }
        let fails = route.clause().map_or(usize::MAX, Clause::failing_leaves);
        let key = (route.outcome, fails);
        if best.is_none_or(|(_, so_far)| key < so_far) {
            best = Some((route, key));
        }
    }
    best.map(|(route, _)| route)
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
    let wanted: Vec<&'c Credential> = credentials.into_iter().collect();
    let clauses = wanted.iter().map(|c| clause_count(catalog, c)).sum();
    let mut nodes = Nodes::with_room(clauses);
    let mut credentials: Vec<CredentialOutcome<'c>> = wanted
        .into_iter()
        .map(|credential| credential_into(&ctx, credential, &mut nodes))
        .collect();
    ClauseTree::attach(nodes.into_written(), &mut credentials);
    Evaluation { as_of, credentials }
}

/// How many clauses a credential's routes have in all: from the catalog's
/// program for one of its own, counted for any other.
fn clause_count(catalog: &Catalog, credential: &Credential) -> usize {
    match catalog.position_of(credential) {
        Some(i) => catalog.program().clause_count(i),
        None => credential
            .routes
            .iter()
            .map(|r| r.requires.clause_count())
            .sum(),
    }
}

/// Evaluates one credential: every route, and the overall status.
pub fn evaluate_credential<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    credential: &'c Credential,
) -> CredentialOutcome<'c> {
    let mut nodes = Nodes::with_room(clause_count(ctx.catalog, credential));
    let mut outcome = [credential_into(ctx, credential, &mut nodes)];
    ClauseTree::attach(nodes.into_written(), &mut outcome);
    let [outcome] = outcome;
    outcome
}

/// Evaluates one credential, writing its routes' clause trees into `nodes`
/// (the routes' `tree` is left for [`ClauseTree::attach`]). Inlined, as
/// [`route_into`] is, so that each route's outcome is written straight into
/// its credential's vector rather than returned and copied in.
#[inline(always)]
fn credential_into<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    credential: &'c Credential,
    nodes: &mut Nodes<'c>,
) -> CredentialOutcome<'c> {
    let routes: Vec<RouteOutcome<'c>> = credential
        .routes
        .iter()
        .map(|route| route_into(ctx, route, nodes))
        .collect();
    let status = status_of(
        ctx,
        credential,
        routes
            .iter()
            .map(|r| (r.route, r.in_force.then_some(r.outcome))),
    );
    CredentialOutcome {
        credential,
        status,
        routes,
    }
}

/// A credential's status from its routes' outcomes (`None` for a route not
/// in force), in the explained evaluation (the decisions-only one applies
/// [`status_from`] to its compiled routes).
fn status_of<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    credential: &'c Credential,
    routes: impl Iterator<Item = (&'c Route, Option<Outcome>)>,
) -> Status {
    let held = ctx.profile.holds(credential.id.as_str(), ctx.as_of);
    status_from(
        held,
        routes.map(|(route, outcome)| as_decided(route, outcome)),
    )
}

/// A route's outcome as the status rule reads it: the outcome (`None` when
/// not in force), and whether an unknown comes from a route the catalog
/// cannot check at all.
fn as_decided(route: &Route, outcome: Option<Outcome>) -> (Option<Outcome>, bool) {
    let unconfirmed = outcome == Some(Outcome::Unknown) && route.requires.is_wholly_unconfirmed();
    (outcome, unconfirmed)
}

/// The status rule: held first; then the best outcome of the routes in
/// force (`None` for a route not in force), each given with whether its
/// unknown comes from a route the catalog cannot check at all.
fn status_from(held: bool, routes: impl Iterator<Item = (Option<Outcome>, bool)>) -> Status {
    // A route the sources do not let the catalog encode at all ("a sixth
    // route exists") is shown, but does not decide the status unless it is
    // the only route in force: otherwise every "not yet" would read "unknown".
    if held {
        return Status::Held;
    }
    let best = |so_far: Option<Outcome>, o: Outcome| Some(so_far.map_or(o, |s| s.min(o)));
    let mut decisive: Option<Outcome> = None;
    let mut in_force: Option<Outcome> = None;
    for (outcome, wholly_unconfirmed) in routes {
        let Some(outcome) = outcome else { continue };
        in_force = best(in_force, outcome);
        // Only an unknown can come from a wholly unconfirmed route: the
        // loader refuses empty combinators and `at_least` asking for more
        // than it has, so every clause of such a tree is unknown.
        if outcome != Outcome::Unknown || !wholly_unconfirmed {
            decisive = best(decisive, outcome);
        }
    }
    match decisive.or(in_force) {
        Some(Outcome::Pass) => Status::Eligible,
        Some(Outcome::Unknown) => Status::Unknown,
        Some(Outcome::Fail) => Status::NotYet,
        None => Status::NoRoute,
    }
}

/// What a credential's status makes of a clause that asks for it
/// (`eligible`): held or eligible passes.
fn status_outcome(status: Status) -> Outcome {
    match status {
        Status::Held | Status::Eligible => Outcome::Pass,
        Status::Unknown => Outcome::Unknown,
        Status::NotYet | Status::NoRoute => Outcome::Fail,
    }
}

/// A combinator's outcome from how many of its children pass (`met`) and
/// stay unknown (`open`), `need` being needed.
fn combined(met: u32, open: u32, need: u32) -> Outcome {
    if met >= need {
        Outcome::Pass
    } else if met + open >= need {
        Outcome::Unknown
    } else {
        Outcome::Fail
    }
}

/// Evaluates one route, writing its clause tree (when it is in force) at the
/// end of `nodes`; the outcome's `tree` is left for [`ClauseTree::attach`].
#[inline(always)]
fn route_into<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    route: &'c Route,
    nodes: &mut Nodes<'c>,
) -> RouteOutcome<'c> {
    if !route.in_force.contains(ctx.as_of) {
        return RouteOutcome {
            route,
            in_force: false,
            outcome: Outcome::Fail,
            open_until: None,
            tree: None,
        };
    }
    let root = nodes.taken;
    push_clause(ctx, &route.requires, nodes);
    let clause = Clause::first(&nodes.written()[root..]);
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
        tree: None,
    }
}

/// Evaluates one requirement tree, keeping every clause's finding.
pub fn evaluate_requirement<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    requirement: &'c Requirement,
) -> ClauseTree<'c> {
    let mut nodes = Nodes::with_room(requirement.clause_count());
    push_clause(ctx, requirement, &mut nodes);
    ClauseTree {
        nodes: Arc::new(nodes.into_written()),
        root: 0,
    }
}

/// Evaluates `requirement` onto `nodes` (itself, then its subtree),
/// returning its outcome. Each clause is written field by field into the
/// slot [`Nodes::next`] gives, not built aside and copied in.
fn push_clause<'c>(
    ctx: &leaves::Ctx<'c, '_>,
    requirement: &'c Requirement,
    nodes: &mut Nodes<'c>,
) -> Outcome {
    let at = nodes.next();
    let (need, of) = match requirement {
        Requirement::All(of) => (of.len(), of.as_slice()),
        Requirement::Any(of) => (1.min(of.len()), of.as_slice()),
        Requirement::AtLeast(a) => (a.n as usize, a.of.as_slice()),
        leaf => {
            let node = &mut nodes.all[at];
            node.requirement = leaf;
            node.len = 1;
            node.outcome = leaves::evaluate_leaf(ctx, leaf, &mut node.finding);
            return node.outcome;
        }
    };
    let (need, of_len) = (need as u32, of.len() as u32);
    let (mut met, mut open) = (0, 0);
    for child in of {
        match push_clause(ctx, child, nodes) {
            Outcome::Pass => met += 1,
            Outcome::Unknown => open += 1,
            Outcome::Fail => {}
        }
    }
    let outcome = combined(met, open, need);
    let len = (nodes.taken - at) as u32;
    let node = &mut nodes.all[at];
    node.requirement = requirement;
    node.outcome = outcome;
    node.finding = Finding::Combined {
        met,
        need,
        of: of_len,
    };
    node.len = len;
    outcome
}

/// What a slot holds until its clause is written.
static PLACEHOLDER: Requirement = Requirement::All(Vec::new());

/// The clause nodes of one evaluation as they are written: room for the
/// clauses expected, made up front in one pass of placeholders (so that each
/// clause is written in place), and how many slots are taken.
struct Nodes<'c> {
    all: Vec<ClauseNode<'c>>,
    taken: usize,
}

impl<'c> Nodes<'c> {
    /// Room for `clauses` clauses (more are still taken, one by one).
    fn with_room(clauses: usize) -> Self {
        let mut all = Vec::with_capacity(clauses);
        all.resize_with(clauses, Self::placeholder);
        Nodes { all, taken: 0 }
    }

    fn placeholder() -> ClauseNode<'c> {
        ClauseNode {
            requirement: &PLACEHOLDER,
            outcome: Outcome::Unknown,
            finding: Finding::Combined {
                met: 0,
                need: 0,
                of: 0,
            },
            len: 1,
        }
    }

    /// The position of the next clause's slot.
    fn next(&mut self) -> usize {
        if self.taken == self.all.len() {
            self.all.push(Self::placeholder());
        }
        self.taken += 1;
        self.taken - 1
    }

    /// The clauses written so far.
    fn written(&self) -> &[ClauseNode<'c>] {
        &self.all[..self.taken]
    }

    /// The clauses written, without the room left over.
    fn into_written(mut self) -> Vec<ClauseNode<'c>> {
        self.all.truncate(self.taken);
        self.all
    }
}

/// One requirement tree's outcome alone: the same outcome as
/// [`evaluate_requirement`], keeping no finding and building no tree (the
/// tree is compiled on the spot, [`Program`]).
pub fn decide_requirement<'c>(ctx: &leaves::Ctx<'c, '_>, requirement: &'c Requirement) -> Outcome {
    let mut scratch = program::Scratch::default();
    program::Run::new(ctx, &mut scratch).requirement(requirement)
}

/// One route's decision on the as-of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteDecision {
    /// The route's rules are not in force on the day.
    NotInForce,
    /// In force, and its requirements give this outcome.
    In(Outcome),
}

impl RouteDecision {
    /// The outcome, when the route is in force.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            RouteDecision::NotInForce => None,
            RouteDecision::In(o) => Some(o),
        }
    }
}

/// Decisions only, for a whole catalog: per credential its status, per route
/// its decision, with no finding, clause tree or text, from the catalog
/// compiled for decisions ([`Program`]). A buffer to fill again and again
/// ([`decide_into`]): its vectors, and what an evaluation learns on the way,
/// keep their room from one profile to the next.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    statuses: Vec<Status>,
    routes: Vec<RouteDecision>,
    /// Where each credential's routes start in `routes`.
    starts: Vec<u32>,
    /// What the last evaluation learned on the way, kept for its room.
    scratch: program::Scratch,
}

impl PartialEq for Decisions {
    fn eq(&self, other: &Self) -> bool {
        (&self.statuses, &self.routes, &self.starts)
            == (&other.statuses, &other.routes, &other.starts)
    }
}

impl Eq for Decisions {}

impl Decisions {
    /// How many credentials were decided.
    pub fn len(&self) -> usize {
        self.statuses.len()
    }

    /// Whether no credential was decided.
    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
    }

    /// The status of each credential, in the order decided.
    pub fn statuses(&self) -> &[Status] {
        &self.statuses
    }

    /// The `i`th credential's status and route decisions (routes in
    /// catalog order).
    pub fn credential(&self, i: usize) -> Option<(Status, &[RouteDecision])> {
        let status = *self.statuses.get(i)?;
        let from = self.starts[i] as usize;
        let to = self
            .starts
            .get(i + 1)
            .map_or(self.routes.len(), |&e| e as usize);
        Some((status, &self.routes[from..to]))
    }
}

/// Decides a profile against every credential of the catalog: the statuses
/// and route outcomes [`evaluate`] gives, from the catalog compiled for
/// decisions ([`Program`]).
pub fn decide(catalog: &Catalog, profile: &Profile, as_of: Date) -> Decisions {
    let mut out = Decisions::default();
    decide_all_into(catalog, profile, as_of, &mut out);
    out
}

/// Decides a profile against every credential of the catalog, in catalog
/// order, into `out`, replacing what it held: what [`decide_into`] gives
/// for [`Catalog::credentials`], without finding each credential's place.
pub fn decide_all_into(catalog: &Catalog, profile: &Profile, as_of: Date, out: &mut Decisions) {
    let all = (0..catalog.credentials().len()).map(Which::Own);
    decide_each(catalog, profile, as_of, all, out);
}

/// Decides a profile against the given credentials into `out`, replacing
/// what it held. The catalog's own credentials are decided from its
/// compiled program; any other (an edited copy, say) by its own routes,
/// compiled on the spot.
pub fn decide_into<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    as_of: Date,
    credentials: impl IntoIterator<Item = &'c Credential>,
    out: &mut Decisions,
) {
    let given = credentials.into_iter().map(Which::Given);
    decide_each(catalog, profile, as_of, given, out);
}

/// A credential to decide: the catalog's own by position, or one given.
enum Which<'c> {
    Own(usize),
    Given(&'c Credential),
}

fn decide_each<'c>(
    catalog: &'c Catalog,
    profile: &Profile,
    as_of: Date,
    credentials: impl Iterator<Item = Which<'c>>,
    out: &mut Decisions,
) {
    out.statuses.clear();
    out.routes.clear();
    out.starts.clear();
    let facts = Facts::derive(profile, catalog);
    let ctx = leaves::Ctx::new(catalog, profile, &facts, as_of);
    let mut run = program::Run::new(&ctx, &mut out.scratch);
    let (starts, routes) = (&mut out.starts, &mut out.routes);
    out.statuses.extend(credentials.map(|credential| {
        starts.push(routes.len() as u32);
        match credential {
            Which::Own(i) => run.own(i, Some(routes)),
            Which::Given(c) => run.credential(c, Some(routes)),
        }
    }));
}

/// One credential's status, decisions only (what an `eligible` clause
/// reads): no route is evaluated for a credential held.
pub fn decide_credential<'c>(ctx: &leaves::Ctx<'c, '_>, credential: &'c Credential) -> Status {
    let mut scratch = program::Scratch::default();
    program::Run::new(ctx, &mut scratch).credential(credential, None)
}

pub use leaves::Ctx;

#[cfg(test)]
mod tests {
    use super::{Nodes, Outcome, push_clause};
    use crate::catalog::Catalog;
    use crate::facts::Facts;
    use crate::profile::Profile;
    use crate::requirement::{DeclaredReq, Requirement, UnconfirmedReq};
    use crate::units::Date;

    fn declared(key: &str) -> Requirement {
        Requirement::Declared(DeclaredReq {
            key: key.to_owned(),
            ask: format!("{key}?"),
            assumable: false,
        })
    }

    #[test]
    fn clauses_past_the_room_made_are_written_like_those_inside_it() {
        let catalog = Catalog::default();
        let profile = Profile {
            declarations: vec!["told".to_owned()],
            declined: vec!["refused".to_owned()],
            ..Profile::default()
        };
        let facts = Facts::derive(&profile, &catalog);
        let as_of = Date::parse("2026-12-01").expect("a date");
        let ctx = super::leaves::Ctx::new(&catalog, &profile, &facts, as_of);
        let requirement = Requirement::All(vec![
            declared("told"),
            Requirement::Any(vec![
                declared("refused"),
                Requirement::Unconfirmed(UnconfirmedReq {
                    text: "not checkable".to_owned(),
                }),
            ]),
        ]);
        let written = |room: usize| {
            let mut nodes = Nodes::with_room(room);
            let outcome = push_clause(&ctx, &requirement, &mut nodes);
            let nodes = nodes.into_written();
            let read: Vec<_> = nodes
                .iter()
                .map(|n| {
                    (
                        n.requirement as *const Requirement,
                        n.outcome,
                        n.finding.clone(),
                        n.len,
                    )
                })
                .collect();
            (outcome, read)
        };
        let exact = written(requirement.clause_count());
        let outcomes: Vec<(Outcome, u32)> = exact.1.iter().map(|n| (n.1, n.3)).collect();
        let (pass, unknown, fail) = (Outcome::Pass, Outcome::Unknown, Outcome::Fail);
        assert_eq!(exact.0, unknown);
        assert_eq!(
            outcomes,
            [
                (unknown, 5),
                (pass, 1),
                (unknown, 3),
                (fail, 1),
                (unknown, 1)
            ]
        );
        // No room at all, and more room than clauses, write the same tree.
        assert_eq!(written(0), exact);
        assert_eq!(written(40), exact);
    }
}
