//! The evaluable form of requirement trees, for decisions only.
//!
//! The catalog's trees are the on-disk form: nested enums of 120 bytes a
//! node, with strings to compare. Deciding a whole catalog walked ~950 of
//! them per profile. Here each tree is laid out flat in pre-order as nodes
//! of 8 bytes (a combinator is followed by its children and knows where its
//! subtree ends), and what the catalog alone settles is settled once:
//!
//! - a leaf is read from a slot of the evaluation ([`Scratch::slots`]): an
//!   `unconfirmed` clause from the slot that is always unknown; a
//!   `declared` clause from its key's slot, filled from the profile when
//!   the evaluation starts; any other leaf from its own slot, and equal
//!   leaves of different routes (the same degree, exam or program rule)
//!   share one, decided on first use and kept for the evaluation;
//! - an `eligible` clause is a credential index, and a credential decided
//!   for one such clause is not decided again for the next one as deep or
//!   shallower (deeper, the depth guard may answer instead);
//! - whether a route is wholly unconfirmed is known before any profile, and
//!   a route keeps its top combinator beside it.
//!
//! A combinator stops at the child that settles it: its `need`th pass, or
//! the fail that leaves too few to reach `need`. Its outcome depends only on
//! how many children pass, fail or stay unknown, and no leaf changes what
//! another decides, so its children are laid out cheapest first
//! ([`cost_rank`]). Every leaf is decided by the leaf evaluator the
//! explained evaluation uses ([`super::leaves::decide_leaf`], which leaves
//! out only the findings), and a combinator's outcome is the one
//! [`super::combined`] gives, so the two evaluations cannot drift apart.

use std::borrow::Borrow;
use std::collections::HashMap;

use super::{Ctx, Outcome, RouteDecision, Status, as_decided, combined, leaves, status_from};
use crate::catalog::{Catalog, Credential, InForce};
use crate::requirement::Requirement;
use crate::units::Date;

/// How many `eligible` clauses deep an evaluation goes (a guard against
/// credentials that refer to each other).
pub(super) const MAX_DEPTH: u8 = 4;

/// One node of a flattened tree (8 bytes): a combinator, whose children
/// follow it, or a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    /// A combinator: an index into the trees' [`Combine`]s.
    Combine(u32),
    /// A leaf whose outcome is read from the evaluation's slots
    /// ([`Scratch::slots`]): one of the catalog's distinct leaves, decided
    /// on first use and kept; a declaration key, read from the profile when
    /// the evaluation starts; or the slot that is always unknown (an
    /// `unconfirmed` clause, or one naming a credential not in the catalog).
    Slot(u32),
    /// An `eligible` clause: a credential index.
    Eligible(u32),
    /// A leaf of a tree given at run time, decided where it stands by the
    /// leaf evaluator: an index into the tree's leaves.
    Evaluated(u32),
}

/// What a combinator needs: `need` of its `of` children, which follow it
/// up to (not including) node `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Combine {
    need: u32,
    of: u32,
    end: u32,
}

/// Flattened trees and the leaves they decide through the leaf evaluator:
/// owned copies in the catalog's program, borrowed ones for a tree given
/// at run time.
#[derive(Debug, Clone)]
struct Trees<L> {
    nodes: Vec<Node>,
    combines: Vec<Combine>,
    leaves: Vec<L>,
}

impl<L> Default for Trees<L> {
    fn default() -> Self {
        Trees {
            nodes: Vec::new(),
            combines: Vec::new(),
            leaves: Vec::new(),
        }
    }
}

/// What the catalog's program shares between its trees: declaration keys
/// by index, and its distinct leaves by kind.
#[derive(Debug, Clone, Default)]
struct Shared {
    keys: HashMap<String, u32, foldhash::fast::RandomState>,
    leaves: HashMap<&'static str, Vec<u32>, foldhash::fast::RandomState>,
}

/// The slot that is always unknown. The catalog's distinct leaves follow
/// it (the `i`th leaf in slot `1 + i`), then its declaration keys.
const UNKNOWN_SLOT: u32 = 0;

/// Marks a declaration key's slot until every tree is compiled and the
/// number of leaves before the keys is known ([`Trees::place_keys`]).
const KEY_SLOT: u32 = 1 << 31;

impl<L: Borrow<Requirement>> Trees<L> {
    /// Appends `tree`, returning the index of its root. `shared` (the
    /// catalog's program) interns the `declared` clauses' keys and the
    /// leaves; without it, every leaf is decided where it stands.
    fn push<'r>(
        &mut self,
        catalog: &Catalog,
        tree: &'r Requirement,
        shared: Option<&mut Shared>,
        leaf: &impl Fn(&'r Requirement) -> L,
    ) -> u32 {
        let root = self.nodes.len() as u32;
        self.push_node(catalog, tree, shared, leaf);
        root
    }

    fn push_node<'r>(
        &mut self,
        catalog: &Catalog,
        tree: &'r Requirement,
        mut shared: Option<&mut Shared>,
        leaf: &impl Fn(&'r Requirement) -> L,
    ) {
        let need = match tree {
            Requirement::All(of) => of.len(),
            Requirement::Any(of) => 1.min(of.len()),
            Requirement::AtLeast(a) => a.n as usize,
            Requirement::Unconfirmed(_) => return self.nodes.push(Node::Slot(UNKNOWN_SLOT)),
            Requirement::Eligible(e) => {
                let node = catalog
                    .credential_position(e.credential.as_str())
                    .map_or(Node::Slot(UNKNOWN_SLOT), |i| Node::Eligible(i as u32));
                return self.nodes.push(node);
            }
            _ => return self.push_leaf(tree, shared, leaf),
        };
        let at = self.nodes.len();
        let combine = self.combines.len();
        self.nodes.push(Node::Combine(combine as u32));
        self.combines.push(Combine {
            need: need as u32,
            of: tree.children().len() as u32,
            end: 0,
        });
        // A combinator's outcome depends only on how many of its children
        // pass, fail or stay unknown, so its children are laid out cheapest
        // first: a leaf that settles it spares the dearer ones after it.
        let mut children: Vec<&'r Requirement> = tree.children().iter().collect();
        children.sort_by_key(|c| cost_rank(c));
        for child in children {
            self.push_node(catalog, child, shared.as_deref_mut(), leaf);
        }
        debug_assert_eq!(self.nodes[at], Node::Combine(combine as u32));
        self.combines[combine].end = self.nodes.len() as u32;
    }

    fn push_leaf<'r>(
        &mut self,
        tree: &'r Requirement,
        shared: Option<&mut Shared>,
        leaf: &impl Fn(&'r Requirement) -> L,
    ) {
        let Some(shared) = shared else {
            let i = self.leaves.len() as u32;
            self.nodes.push(Node::Evaluated(i));
            return self.leaves.push(leaf(tree));
        };
        if let Requirement::Declared(d) = tree {
            let next = shared.keys.len() as u32;
            let i = *shared.keys.entry(d.key.clone()).or_insert(next);
            return self.nodes.push(Node::Slot(KEY_SLOT | i));
        }
        let same_kind = shared.leaves.entry(tree.kind()).or_default();
        let found = same_kind
            .iter()
            .copied()
            .find(|&i| self.leaves[i as usize].borrow() == tree);
        let i = found.unwrap_or_else(|| {
            let i = self.leaves.len() as u32;
            self.leaves.push(leaf(tree));
            same_kind.push(i);
            i
        });
        self.nodes.push(Node::Slot(1 + i));
    }

    /// Numbers the declaration keys' slots once every tree is compiled: the
    /// `k`th key's slot follows the unknown slot and every leaf's.
    fn place_keys(&mut self) {
        let first_key = 1 + self.leaves.len() as u32;
        for node in &mut self.nodes {
            if let Node::Slot(s) = node {
                if *s & KEY_SLOT != 0 {
                    *s = first_key + (*s & !KEY_SLOT);
                }
            }
        }
    }
}

/// How dear a clause is to decide, for ordering a combinator's children:
/// answers read from the profile first, then leaves that compare a few
/// facts, then those that scan the profile's degrees and experience, then
/// whole subtrees, then another credential's routes. A rule the catalog
/// cannot check comes last: always unknown, it never settles a combinator,
/// so it is read only when nothing before it did.
fn cost_rank(requirement: &Requirement) -> u8 {
    match requirement {
        Requirement::Declared(_) => 0,
        Requirement::Degree(_) => 2,
        Requirement::Experience(_) => 3,
        Requirement::All(_) | Requirement::Any(_) | Requirement::AtLeast(_) => 4,
        Requirement::Eligible(_) => 5,
        Requirement::Unconfirmed(_) => 6,
        _ => 1,
    }
}

/// One route, compiled.
#[derive(Debug, Clone, Copy)]
struct RouteCode {
    root: u32,
    /// The root's combinator, when it is one: kept here so that a route's
    /// walk starts from what it has at hand.
    top: Option<Combine>,
    in_force: Days,
    wholly_unconfirmed: bool,
}

/// The days a route is in force as day numbers ([`Date::day_number`]): from
/// `from` up to, not including, `until`; an open end is the farthest day.
#[derive(Debug, Clone, Copy)]
struct Days {
    from: i32,
    until: i32,
}

impl Days {
    fn of(in_force: InForce) -> Self {
        Days {
            from: in_force.from.map_or(i32::MIN, Date::day_number),
            until: in_force.until.map_or(i32::MAX, Date::day_number),
        }
    }

    fn contains(self, day: i32) -> bool {
        self.from <= day && day < self.until
    }
}

/// The catalog's credentials compiled for decisions (built once per
/// catalog, on the first decision: [`Catalog::program`]).
#[derive(Debug, Clone, Default)]
pub struct Program {
    trees: Trees<Requirement>,
    routes: Vec<RouteCode>,
    /// Where each credential's routes start in `routes`, and one past the
    /// last credential.
    starts: Vec<u32>,
    shared: Shared,
}

impl Program {
    /// Compiles every credential's routes.
    pub fn compile(catalog: &Catalog) -> Self {
        let mut trees = Trees::default();
        let mut shared = Shared::default();
        let mut routes = Vec::new();
        let mut starts = Vec::with_capacity(catalog.credentials().len() + 1);
        for credential in catalog.credentials() {
            starts.push(routes.len() as u32);
            for route in &credential.routes {
                let root = trees.push(
                    catalog,
                    &route.requires,
                    Some(&mut shared),
                    &Requirement::clone,
                );
                let top = match trees.nodes[root as usize] {
                    Node::Combine(c) => Some(trees.combines[c as usize]),
                    _ => None,
                };
                routes.push(RouteCode {
                    root,
                    top,
                    in_force: Days::of(route.in_force),
                    wholly_unconfirmed: route.requires.is_wholly_unconfirmed(),
                });
            }
        }
        starts.push(routes.len() as u32);
        trees.place_keys();
        Program {
            trees,
            routes,
            starts,
            shared,
        }
    }

    /// How many clauses the `credential`th credential's routes have in all.
    pub fn clause_count(&self, credential: usize) -> usize {
        let first_node = |c: usize| {
            let first_route = self.starts.get(c).map(|&r| r as usize);
            first_route
                .and_then(|r| self.routes.get(r))
                .map_or(self.trees.nodes.len(), |r| r.root as usize)
        };
        first_node(credential + 1).saturating_sub(first_node(credential))
    }

    fn routes_of(&self, credential: usize) -> &[RouteCode] {
        let from = self.starts[credential] as usize;
        let to = self.starts[credential + 1] as usize;
        &self.routes[from..to]
    }

    /// How many slots an evaluation keeps: the unknown one, the distinct
    /// leaves, the declaration keys.
    fn slots(&self) -> usize {
        1 + self.trees.leaves.len() + self.shared.keys.len()
    }
}

/// What one evaluation learns as it goes, kept between evaluations so that
/// deciding profile after profile allocates nothing.
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    /// Each slot's outcome ([`Node::Slot`]): always unknown for the first;
    /// a leaf's once decided (`None` until then); a declaration key's
    /// answer in the profile.
    slots: Vec<Option<Outcome>>,
    /// Credentials already decided (by credential index) for `eligible`
    /// clauses, each with the deepest clause depth its status holds to.
    statuses: Vec<Option<(Status, u8)>>,
    /// Credentials held and current on the day, by credential index.
    held: Vec<bool>,
}

/// One profile's decisions against the catalog's program.
pub(super) struct Run<'s, 'a, 'c, 'p> {
    ctx: &'a Ctx<'c, 'p>,
    program: &'c Program,
    scratch: &'s mut Scratch,
    /// The as-of day's number, for the routes' days in force.
    today: i32,
    /// Whether the depth guard answered for some credential since this was
    /// last cleared: such an answer is not remembered.
    guarded: bool,
}

impl<'s, 'a, 'c, 'p> Run<'s, 'a, 'c, 'p> {
    /// Starts an evaluation, reading the profile's declarations once.
    pub(super) fn new(ctx: &'a Ctx<'c, 'p>, scratch: &'s mut Scratch) -> Self {
        let program = ctx.catalog.program();
        let first_key = 1 + program.trees.leaves.len();
        let slots = &mut scratch.slots;
        slots.clear();
        slots.resize(first_key, None);
        slots.resize(program.slots(), Some(Outcome::Unknown));
        slots[UNKNOWN_SLOT as usize] = Some(Outcome::Unknown);
        // A key both declared and declined reads as declared, as the leaf
        // evaluator reads it.
        let answers = [
            (&ctx.profile.declined, Outcome::Fail),
            (&ctx.profile.declarations, Outcome::Pass),
        ];
        for (keys, outcome) in answers {
            for key in keys {
                if let Some(&i) = program.shared.keys.get(key.as_str()) {
                    slots[first_key + i as usize] = Some(outcome);
                }
            }
        }
        let credentials = ctx.catalog.credentials().len();
        scratch.statuses.clear();
        scratch.statuses.resize(credentials, None);
        scratch.held.clear();
        scratch.held.resize(credentials, false);
        for held in &ctx.profile.credentials {
            if held.current_on(ctx.as_of) {
                if let Some(i) = ctx.catalog.credential_position(held.id.as_str()) {
                    scratch.held[i] = true;
                }
            }
        }
        Run {
            ctx,
            program,
            scratch,
            today: ctx.as_of.day_number(),
            guarded: false,
        }
    }

    /// A credential's status at the context's depth; with `out`, every
    /// route's decision is appended to it (even for a credential held). One
    /// of the catalog's own is decided from the program, any other by its
    /// own routes ([`Run::foreign`]).
    pub(super) fn credential(
        &mut self,
        credential: &Credential,
        out: Option<&mut Vec<RouteDecision>>,
    ) -> Status {
        match self.ctx.catalog.position_of(credential) {
            Some(index) => self.credential_at(index, self.ctx.depth, out),
            None => self.foreign(credential, out),
        }
    }

    /// The catalog's `index`th credential's status, as [`Run::credential`]
    /// gives it.
    pub(super) fn own(&mut self, index: usize, out: Option<&mut Vec<RouteDecision>>) -> Status {
        self.credential_at(index, self.ctx.depth, out)
    }

    fn credential_at(
        &mut self,
        index: usize,
        depth: u8,
        out: Option<&mut Vec<RouteDecision>>,
    ) -> Status {
        let held = self.scratch.held[index];
        let routes = self.program.routes_of(index);
        let Some(out) = out else {
            if held {
                return Status::Held;
            }
            let decided = routes.iter().map(|r| unconfirmed(self.route(r, depth), r));
            return status_from(false, decided);
        };
        // The status rule reads every route, so each decision is appended
        // as the rule reads it.
        let decided = routes.iter().map(|r| {
            let decision = self.route(r, depth);
            out.push(decision);
            unconfirmed(decision, r)
        });
        let status = status_from(false, decided);
        if held { Status::Held } else { status }
    }

    /// A route's decision: not in force, or its tree's outcome, walked from
    /// the top combinator the route keeps.
    #[inline(always)]
    fn route(&mut self, route: &RouteCode, depth: u8) -> RouteDecision {
        if !route.in_force.contains(self.today) {
            return RouteDecision::NotInForce;
        }
        let trees = &self.program.trees;
        let root = route.root as usize;
        RouteDecision::In(match route.top {
            Some(top) => self.combine_here(trees, root + 1, top, depth),
            None => self.next(trees, &mut { root }, depth),
        })
    }

    /// A tree given at run time (a goal's, a step's): compiled on the spot,
    /// its `eligible` clauses decided through the catalog's program.
    pub(super) fn requirement(&mut self, tree: &Requirement) -> Outcome {
        let mut trees = Trees::default();
        let root = trees.push(self.ctx.catalog, tree, None, &|r| r) as usize;
        self.next(&trees, &mut { root }, self.ctx.depth)
    }

    /// The outcome of the clause at node `at`, leaving `at` just past its
    /// subtree.
    #[inline(always)]
    fn next<L: Borrow<Requirement>>(
        &mut self,
        trees: &Trees<L>,
        at: &mut usize,
        depth: u8,
    ) -> Outcome {
        let node = trees.nodes[*at];
        *at += 1;
        match node {
            Node::Slot(s) => match self.scratch.slots[s as usize] {
                Some(outcome) => outcome,
                None => self.decide_slot(s as usize),
            },
            Node::Combine(c) => {
                let combine = trees.combines[c as usize];
                let first = std::mem::replace(at, combine.end as usize);
                self.combine(trees, first, combine, depth)
            }
            Node::Eligible(c) => self.eligible(c as usize, depth),
            Node::Evaluated(l) => leaves::decide_leaf(self.ctx, trees.leaves[l as usize].borrow()),
        }
    }

    /// A combinator below the top of its tree ([`Run::combine_here`]).
    #[inline(never)]
    fn combine<L: Borrow<Requirement>>(
        &mut self,
        trees: &Trees<L>,
        first: usize,
        combine: Combine,
        depth: u8,
    ) -> Outcome {
        self.combine_here(trees, first, combine, depth)
    }

    /// The outcome of a combinator whose children start at node `first`.
    /// It is settled as soon as `need` children pass, or as soon as more
    /// fail than `of - need` (then too few are left to reach `need`); when
    /// neither happens by the last child, some were unknown and decide it
    /// (the outcome [`combined`] gives the counts). The children after the
    /// one that settles it are not decided.
    #[inline(always)]
    fn combine_here<L: Borrow<Requirement>>(
        &mut self,
        trees: &Trees<L>,
        first: usize,
        Combine { need, of, end }: Combine,
        depth: u8,
    ) -> Outcome {
        if need == 0 {
            return Outcome::Pass;
        }
        let Some(may_fail) = of.checked_sub(need) else {
            return Outcome::Fail;
        };
        let (mut met, mut failed) = (0, 0);
        let mut at = first;
        let end = end as usize;
        while at < end {
            // Counted without a branch per outcome (a child's outcome is
            // the profile's, which a processor cannot foresee); one test
            // then asks whether the combinator is settled.
            let outcome = self.next(trees, &mut at, depth);
            met += u32::from(outcome == Outcome::Pass);
            failed += u32::from(outcome == Outcome::Fail);
            if met == need || failed > may_fail {
                return if met == need {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                };
            }
        }
        debug_assert_eq!(combined(met, of - met - failed, need), Outcome::Unknown);
        Outcome::Unknown
    }

    /// Decides the leaf in slot `s` (its first use in this evaluation) and
    /// keeps its outcome there.
    #[inline(never)]
    fn decide_slot(&mut self, s: usize) -> Outcome {
        let leaf = &self.program.trees.leaves[s - 1];
        let outcome = leaves::decide_leaf(self.ctx, leaf);
        self.scratch.slots[s] = Some(outcome);
        outcome
    }

    fn eligible(&mut self, index: usize, depth: u8) -> Outcome {
        if depth >= MAX_DEPTH {
            self.guarded = true;
            return Outcome::Unknown;
        }
        // A status decided for a clause at depth d without the guard
        // answering is the status at every depth up to d (nearer the top
        // there is more room below); deeper, the guard may answer.
        if let Some((status, deepest)) = self.scratch.statuses[index] {
            if depth <= deepest {
                return super::status_outcome(status);
            }
        }
        let outer = std::mem::take(&mut self.guarded);
        let status = self.credential_at(index, depth + 1, None);
        if !self.guarded {
            self.scratch.statuses[index] = Some((status, depth));
        }
        self.guarded |= outer;
        super::status_outcome(status)
    }

    /// A credential that is not one of the catalog's: its routes compiled on
    /// the spot, decided as the catalog's are.
    fn foreign(&mut self, credential: &Credential, out: Option<&mut Vec<RouteDecision>>) -> Status {
        let held = self
            .ctx
            .profile
            .holds(credential.id.as_str(), self.ctx.as_of);
        if held && out.is_none() {
            return Status::Held;
        }
        let mut decided = Vec::with_capacity(credential.routes.len());
        for route in &credential.routes {
            decided.push(if route.in_force.contains(self.ctx.as_of) {
                RouteDecision::In(self.requirement(&route.requires))
            } else {
                RouteDecision::NotInForce
            });
        }
        if let Some(out) = out {
            out.extend_from_slice(&decided);
        }
        let routes = credential.routes.iter().zip(&decided);
        status_from(held, routes.map(|(r, d)| as_decided(r, d.outcome())))
    }
}

/// A route's decision as the status rule reads it: its outcome, and whether
/// an unknown comes from a route the catalog cannot check at all.
fn unconfirmed(decision: RouteDecision, route: &RouteCode) -> (Option<Outcome>, bool) {
    (decision.outcome(), route.wholly_unconfirmed)
}
