//! Building candidate plans backwards from a goal.
//!
//! The goal is evaluated on the start day; every clause that does not pass
//! asks which steps can make it pass (a step that grants the credential, the
//! exam, the program, the missing hours or months), and each of those steps
//! asks the same of its own preconditions. `any` and the choice of route or
//! step branch into alternatives; `all` combines them. A clause no step can
//! satisfy is recorded as a blocker with the reason, which is what an
//! unreachable goal reports.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::apply::Gap;
use crate::catalog::Catalog;
use crate::eval::{Clause, Ctx, DegreeGap, Finding, Outcome, Status, evaluate_requirement};
use crate::explain::describe_requirement;
use crate::ids::CredentialId;
use crate::profile::Profile;
use crate::requirement::Requirement;
use crate::step::{Grant, Step};
use crate::units::Hours;

/// Most alternatives kept at any point of the search; beyond it the ones
/// with the fewest steps are kept.
pub const MAX_ALTERNATIVES: usize = 96;

/// A node's key: the step id, with the gap it fills for gap steps. Shared,
/// not copied: the same key sits in hundreds of candidates.
pub type Key = Rc<str>;

/// A step in a candidate plan.
#[derive(Debug, Clone)]
pub struct Node<'c> {
    /// The step.
    pub step: &'c Step,
    /// What it must supply, for gap steps.
    pub gap: Option<Gap>,
    /// Keys of the nodes that must finish first.
    pub deps: BTreeSet<Key>,
    /// The requirement it serves, in plain words.
    pub serves: String,
}

/// A set of steps that together meet a requirement.
#[derive(Debug, Clone, Default)]
pub struct Candidate<'c> {
    /// Steps by key. A node is shared between the candidates that hold it
    /// unchanged, and copied only when a merge adds to its dependencies.
    pub nodes: BTreeMap<Key, Rc<Node<'c>>>,
    /// The nodes that directly meet the requirement (a parent depends on them).
    pub roots: BTreeSet<Key>,
    /// Routes chosen, as `credential route`.
    pub choices: BTreeSet<String>,
    /// Attestations the plan assumes the person can make: key -> question.
    pub assumptions: BTreeMap<String, String>,
}

impl<'c> Candidate<'c> {
    fn merge(&self, other: &Candidate<'c>) -> Candidate<'c> {
        // Clone only what the other side adds: two sides of an `all` share
        // most of their steps, and merging is the planner's inner loop.
        let mut out = self.clone();
        for (key, node) in &other.nodes {
            match out.nodes.get_mut(key) {
                Some(n) if Rc::ptr_eq(n, node) => {}
                Some(n) => {
                    if !node.deps.is_subset(&n.deps) {
                        let n = Rc::make_mut(n);
                        n.deps.extend(node.deps.iter().cloned());
                    }
                }
                None => {
                    out.nodes.insert(key.clone(), Rc::clone(node));
                }
            }
        }
        out.roots.extend(other.roots.iter().cloned());
        for x in &other.choices {
            if !out.choices.contains(x) {
                out.choices.insert(x.clone());
            }
        }
        for (k, v) in &other.assumptions {
            if !out.assumptions.contains_key(k) {
                out.assumptions.insert(k.clone(), v.clone());
            }
        }
        out
    }

    /// The steps and their dependencies: two candidates with the same
    /// signature schedule identically, whatever routes they name. A hash
    /// (foldhash with a fixed seed, so the same in every run) of the keys,
    /// dependencies, roots and assumptions: pruning compares thousands of
    /// candidates, and building a text for each was most of the planner's
    /// time.
    fn signature(&self) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = foldhash::fast::FixedState::with_seed(0x006c_6162_7061_7468).build_hasher();
        for (k, n) in &self.nodes {
            k.hash(&mut h);
            n.deps.hash(&mut h);
        }
        self.roots.hash(&mut h);
        for k in self.assumptions.keys() {
            k.hash(&mut h);
        }
        h.finish()
    }
}

/// A requirement no step can satisfy, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blocker {
    /// Where it sits (credential and route).
    pub context: String,
    /// The requirement.
    pub requirement: String,
    /// Why no step helps.
    pub reason: String,
}

/// The backward search.
pub struct Resolver<'c, 'p> {
    ctx: Ctx<'c, 'p>,
    /// Requirements no step can satisfy.
    pub blockers: BTreeSet<Blocker>,
    context: Vec<String>,
    visiting: Vec<String>,
}

/// The most alternatives of one side an `all` combines with the other's when
/// both are long: each side is first cut to its best `PRODUCT_SIDE` (the
/// same ranking as [`prune`]), so a combination costs at most
/// `PRODUCT_SIDE`² merges instead of `MAX_ALTERNATIVES`². A side's dominated
/// alternative rarely makes a combination better: only when it shares more
/// steps with the other side.
const PRODUCT_SIDE: usize = 24;

fn product<'c>(
    a: Vec<Candidate<'c>>,
    b: Vec<Candidate<'c>>,
    catalog: &Catalog,
) -> Vec<Candidate<'c>> {
    let (a, b) = if a.len() * b.len() > PRODUCT_SIDE * PRODUCT_SIDE {
        (
            prune_to(a, catalog, PRODUCT_SIDE),
            prune_to(b, catalog, PRODUCT_SIDE),
        )
    } else {
        (a, b)
    };
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in &a {
        for y in &b {
            out.push(x.merge(y));
        }
    }
    prune(out, catalog)
}

/// Removes candidates with the same steps and dependencies, and keeps at
/// most `MAX_ALTERNATIVES`: first those on the frontier of estimated median
/// finish and known fees, then the fastest, then the cheapest.
fn prune<'c>(list: Vec<Candidate<'c>>, catalog: &Catalog) -> Vec<Candidate<'c>> {
    prune_to(list, catalog, MAX_ALTERNATIVES)
}

/// [`prune`] to at most `limit`.
fn prune_to<'c>(
    mut list: Vec<Candidate<'c>>,
    catalog: &Catalog,
    limit: usize,
) -> Vec<Candidate<'c>> {
    let mut seen = BTreeSet::new();
    list.retain(|c| seen.insert(c.signature()));
    if list.len() <= limit {
        return list;
    }
    let estimates: Vec<(f64, i64)> = list.iter().map(|c| estimate(c, catalog)).collect();
    let dominated = |i: usize| {
        estimates.iter().enumerate().any(|(j, e)| {
            j != i
                && e.0 <= estimates[i].0
                && e.1 <= estimates[i].1
                && (e.0 < estimates[i].0 || e.1 < estimates[i].1)
        })
    };
    let mut order: Vec<usize> = (0..list.len()).filter(|&i| !dominated(i)).collect();
    let mut by_time: Vec<usize> = (0..list.len()).collect();
    by_time.sort_by(|&a, &b| estimates[a].0.total_cmp(&estimates[b].0));
    let mut by_cost: Vec<usize> = (0..list.len()).collect();
    by_cost.sort_by_key(|&a| estimates[a].1);
    for (t, c) in by_time.into_iter().zip(by_cost) {
        order.push(t);
        order.push(c);
    }
    let mut kept = BTreeSet::new();
    let chosen: Vec<usize> = order
        .into_iter()
        .filter(|i| kept.insert(*i))
        .take(limit)
        .collect();
    let mut slots: Vec<Option<Candidate<'c>>> = list.into_iter().map(Some).collect();
    chosen.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Median finish (longest dependency path) and known fees of a candidate,
/// without checking preconditions: the ranking used to prune.
pub fn estimate(c: &Candidate<'_>, catalog: &Catalog) -> (f64, i64) {
    fn finish<'k>(
        key: &'k str,
        c: &'k Candidate<'_>,
        memo: &mut BTreeMap<&'k str, f64>,
        depth: usize,
    ) -> f64 {
        if let Some(f) = memo.get(key) {
            return *f;
        }
        let Some((key, node)) = c.nodes.get_key_value(key) else {
            return 0.0;
        };
        let start = if depth > 64 {
            0.0
        } else {
            node.deps
                .iter()
                .map(|d| finish(d, c, memo, depth + 1))
                .fold(0.0, f64::max)
        };
        let f = start + super::schedule::duration_of(node.step, node.gap.as_ref()).0;
        memo.insert(key, f);
        f
    }
    let mut memo = BTreeMap::new();
    let days = c
        .nodes
        .keys()
        .map(|k| finish(k, c, &mut memo, 0))
        .fold(0.0, f64::max);
    let cents = c
        .nodes
        .values()
        .flat_map(|n| super::schedule::initial_fees(n.step, catalog))
        .filter_map(|f| f.amount)
        .map(|a| a.cents())
        .sum();
    (days, cents)
}

fn gap_key(gap: &Gap) -> String {
    match gap {
        Gap::Coursework {
            subjects,
            hours,
            topics,
        } => {
            let s: Vec<&str> = subjects.iter().map(|s| s.label()).collect();
            let t: Vec<&str> = topics.iter().map(|t| t.label()).collect();
            format!("{}:{hours}:{}", s.join("+"), t.join("+"))
        }
        Gap::Experience {
            months,
            disciplines,
            ..
        } => {
            let d: Vec<&str> = disciplines.iter().map(|d| d.label()).collect();
            format!("{months:.1}:{}", d.join("+"))
        }
    }
}

impl<'c, 'p> Resolver<'c, 'p> {
    /// A resolver reading `ctx` (the profile on the start day).
    pub fn new(ctx: Ctx<'c, 'p>) -> Self {
        Resolver {
            ctx,
            blockers: BTreeSet::new(),
            context: Vec::new(),
            visiting: Vec::new(),
        }
    }

    fn catalog(&self) -> &'c Catalog {
        self.ctx.catalog
    }

    fn profile(&self) -> &'p Profile {
        self.ctx.profile
    }

    fn block(&mut self, requirement: String, reason: String) {
        let context = if self.context.is_empty() {
            "goal".to_owned()
        } else {
            self.context.join(" > ")
        };
        self.blockers.insert(Blocker {
            context,
            requirement,
            reason,
        });
    }

    /// Alternatives that make `requirement` pass.
    pub fn resolve(&mut self, requirement: &'c Requirement) -> Vec<Candidate<'c>> {
        let tree = evaluate_requirement(&self.ctx, requirement);
        self.resolve_clause(tree.root())
    }

    fn resolve_clause(&mut self, clause: Clause<'_, 'c>) -> Vec<Candidate<'c>> {
        if clause.outcome == Outcome::Pass {
            // A foreign degree that passes on its country's usual US
            // equivalent still needs the evaluation report to apply with:
            // the plan gets it first.
            if reads_degree_as_usual(clause) {
                let need = describe_requirement(clause.requirement, self.catalog());
                let alts: Vec<Candidate<'c>> = self
                    .steps_granting(|g| matches!(g, Grant::Evaluation))
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                if !alts.is_empty() {
                    return alts;
                }
            }
            return vec![Candidate::default()];
        }
        match clause.requirement {
            Requirement::All(_) => {
                let mut acc = vec![Candidate::default()];
                for child in clause.children() {
                    let alts = self.resolve_clause(child);
                    acc = product(acc, alts, self.catalog());
                    if acc.is_empty() {
                        break;
                    }
                }
                acc
            }
            Requirement::Any(_) => {
                let mut all = Vec::new();
                for child in clause.children() {
                    all.extend(self.resolve_clause(child));
                }
                prune(all, self.catalog())
            }
            Requirement::AtLeast(a) => self.resolve_at_least(clause, a.n as usize),
            _ => self.resolve_leaf(clause),
        }
    }

    fn resolve_at_least(&mut self, clause: Clause<'_, 'c>, n: usize) -> Vec<Candidate<'c>> {
        let passing = clause
            .children()
            .filter(|c| c.outcome == Outcome::Pass)
            .count();
        let others: Vec<Vec<Candidate<'c>>> = clause
            .children()
            .filter(|c| c.outcome != Outcome::Pass)
            .map(|c| self.resolve_clause(c))
            .collect();
        let more = n.saturating_sub(passing);
        let mut out = Vec::new();
        // Every way of choosing `more` of the failing children.
        let count = others.len();
        let mut pick: Vec<usize> = (0..more.min(count)).collect();
        if more > count {
            return Vec::new();
        }
        loop {
            let mut acc = vec![Candidate::default()];
            for &i in &pick {
                acc = product(acc, others[i].clone(), self.catalog());
            }
            out.extend(acc);
            // next combination
            let mut i = pick.len();
            while i > 0 && pick[i - 1] == count - pick.len() + i - 1 {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            pick[i - 1] += 1;
            for j in i..pick.len() {
                pick[j] = pick[j - 1] + 1;
            }
        }
        prune(out, self.catalog())
    }

    fn steps_granting(&self, wanted: impl Fn(&Grant) -> bool) -> Vec<&'c Step> {
        self.catalog()
            .steps()
            .iter()
            .filter(|s| s.grants.iter().any(&wanted))
            .collect()
    }

    fn resolve_leaf(&mut self, clause: Clause<'_, 'c>) -> Vec<Candidate<'c>> {
        let requirement = clause.requirement;
        let need = describe_requirement(requirement, self.catalog());
        let (alternatives, reason) = match (requirement, &clause.finding) {
            (Requirement::Credential(r), _) => {
                let alts: Vec<_> = r.any_of.iter().flat_map(|id| self.obtain(id)).collect();
                (alts, "no step in the catalog grants it")
            }
            (Requirement::WorkStateLicense(r), _) => {
                let license = self
                    .profile()
                    .person
                    .work_state
                    .and_then(|s| self.catalog().jurisdiction(s))
                    .and_then(|j| j.license_for(r.level).cloned());
                match license {
                    Some(id) => match self.catalog().credential(id.as_str()) {
                        Some(c) => (
                            self.obtain(&c.id),
                            "no step in the catalog grants that state's license",
                        ),
                        None => (Vec::new(), "the state's license is not in the catalog"),
                    },
                    None => (
                        Vec::new(),
                        "the work state is not given or has no license at this level",
                    ),
                }
            }
            (Requirement::Eligible(r), _) => {
                let mut alts = self.eligibility(&r.credential);
                alts.extend(self.obtain(&r.credential));
                (
                    prune(alts, self.catalog()),
                    "none of its routes can be met by steps in the catalog",
                )
            }
            (Requirement::Exam(r), _) => {
                let from = self.ctx.as_of;
                let steps: Vec<&'c Step> = r
                    .accepted
                    .iter()
                    .filter(|a| a.until.is_none_or(|u| from < u))
                    .flat_map(|a| {
                        self.steps_granting(|g| matches!(g, Grant::Exam(e) if e == &a.exam))
                    })
                    .collect();
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                (
                    alts,
                    "no step in the catalog gives an accepted exam that is still accepted",
                )
            }
            (
                Requirement::Coursework(r),
                Finding::Hours {
                    have,
                    need: want,
                    missing,
                    ..
                },
            ) => {
                let short =
                    Hours::semester((want.value() - have.value()).max(0.0)).unwrap_or(Hours::ZERO);
                let gap = Gap::Coursework {
                    subjects: r.subjects.clone(),
                    hours: short,
                    topics: missing
                        .iter()
                        .filter_map(|alts| alts.first().copied())
                        .collect(),
                };
                let steps = self.steps_granting(|g| matches!(g, Grant::CourseworkGap));
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, Some(gap.clone()), &need))
                    .collect();
                (alts, "no coursework step in the catalog")
            }
            (Requirement::Program(r), _) => {
                let steps =
                    self.steps_granting(|g| matches!(g, Grant::Program(k) if r.kinds.contains(k)));
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                (alts, "no step in the catalog completes such a program")
            }
            (
                Requirement::Experience(r),
                Finding::Months {
                    have,
                    need: want,
                    short,
                    ..
                },
            ) => {
                let each = short
                    .iter()
                    .map(|s| f64::from(s.need) - s.have)
                    .fold(0.0, f64::max);
                let months = (f64::from(*want) - have).max(each).max(0.0);
                let mut disciplines = r.disciplines.clone();
                for d in &r.each_of {
                    if !disciplines.contains(d) {
                        disciplines.push(*d);
                    }
                }
                let gap = Gap::Experience {
                    months,
                    disciplines,
                    accreditations: r.accreditations.clone(),
                    countries: r.countries.clone(),
                };
                let steps = self.steps_granting(|g| matches!(g, Grant::ExperienceGap));
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, Some(gap.clone()), &need))
                    .collect();
                (alts, "no experience step in the catalog")
            }
            (
                Requirement::Degree(_),
                Finding::Degree {
                    gap: DegreeGap::NeedsEvaluation,
                    ..
                },
            ) => {
                let steps = self.steps_granting(|g| matches!(g, Grant::Evaluation));
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                (alts, "no evaluation step in the catalog")
            }
            (Requirement::Degree(_), _) => (
                Vec::new(),
                "a degree is not something a plan of steps can give",
            ),
            (Requirement::Declared(r), _) => {
                // A fact the person said is not true is not planned into
                // being: a person whose employer is not cap-exempt is not
                // sent to find one that is.
                let declined = self.profile().declined.contains(&r.key);
                let steps = if declined {
                    Vec::new()
                } else {
                    self.steps_granting(|g| matches!(g, Grant::Declaration(k) if k == &r.key))
                };
                let mut alts: Vec<Candidate<'c>> = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                if alts.is_empty() && r.assumable {
                    let mut assumed = Candidate::default();
                    assumed.assumptions.insert(r.key.clone(), r.ask.clone());
                    alts.push(assumed);
                }
                (alts, "only you can state this")
            }
            (Requirement::English(r), _) => {
                let steps = self.steps_granting(|g| match g {
                    Grant::EnglishTest(t) => r.tests.iter().any(|m| {
                        m.test == t.test
                            && t.overall + 1e-9 >= m.overall
                            && m.speaking
                                .is_none_or(|s| t.speaking.is_some_and(|h| h + 1e-9 >= s))
                    }),
                    _ => false,
                });
                let alts = steps
                    .into_iter()
                    .flat_map(|s| self.step_node(s, None, &need))
                    .collect();
                (alts, "no English test step reaches the minimum scores")
            }
            (Requirement::Citizenship(_), _) if self.profile().person.citizenship.is_empty() => {
                (Vec::new(), "your citizenship is not in your profile yet")
            }
            (Requirement::Citizenship(_), _) => {
                (Vec::new(), "it needs a citizenship you do not have")
            }
            (Requirement::Residence(_), _) => {
                (Vec::new(), "it needs residence the plan cannot give")
            }
            (Requirement::Credits(_), _) => (
                Vec::new(),
                "it needs more college credit than a plan of steps can give",
            ),
            (Requirement::Unconfirmed(_), _) => {
                (Vec::new(), "it relies on a rule the catalog cannot check")
            }
            _ => (Vec::new(), "no step in the catalog can satisfy it"),
        };
        let alternatives = prune(alternatives, self.catalog());
        if alternatives.is_empty() {
            let reason = match requirement {
                Requirement::Declared(r) => {
                    format!(
                        "{reason}: if it is true, add `{}` to your profile's declarations",
                        r.key
                    )
                }
                _ => reason.to_owned(),
            };
            self.block(need, reason);
        }
        alternatives
    }

    /// Alternatives that give the person credential `id`: held already, or
    /// a step that grants it (directly or through its exam).
    pub fn obtain(&mut self, id: &CredentialId) -> Vec<Candidate<'c>> {
        let as_of = self.ctx.as_of;
        if self.profile().holds(id.as_str(), as_of) {
            return vec![Candidate::default()];
        }
        let catalog = self.catalog();
        let steps = self.steps_granting(|g| match g {
            Grant::Credential(c) => c == id,
            Grant::Exam(e) => catalog.exam(e.as_str()).and_then(|x| x.confers.as_ref()) == Some(id),
            _ => false,
        });
        let name = catalog
            .credential(id.as_str())
            .map_or(id.to_string(), |c| c.abbreviation.clone());
        steps
            .into_iter()
            .flat_map(|s| self.step_node(s, None, &name))
            .collect()
    }

    /// Alternatives that meet one of the routes of credential `id`.
    pub fn eligibility(&mut self, id: &CredentialId) -> Vec<Candidate<'c>> {
        let Some(credential) = self.catalog().credential(id.as_str()) else {
            return Vec::new();
        };
        let as_of = self.ctx.as_of;
        if self.profile().holds(id.as_str(), as_of) {
            return vec![Candidate::default()];
        }
        let guard = format!("eligible:{id}");
        if self.visiting.contains(&guard) {
            return Vec::new();
        }
        self.visiting.push(guard);
        let mut all = Vec::new();
        for route in credential
            .routes
            .iter()
            .filter(|r| r.in_force.contains(as_of))
        {
            self.context
                .push(format!("{} {}", credential.abbreviation, route.name));
            let choice = format!("{} {}", credential.abbreviation, route.name);
            for mut alt in self.resolve(&route.requires) {
                alt.choices.insert(choice.clone());
                all.push(alt);
            }
            self.context.pop();
        }
        self.visiting.pop();
        prune(all, self.catalog())
    }

    /// Alternatives that run `step` (after whatever its preconditions need).
    fn step_node(&mut self, step: &'c Step, gap: Option<Gap>, serves: &str) -> Vec<Candidate<'c>> {
        let key: Key = match &gap {
            Some(g) => format!("{}#{}", step.id, gap_key(g)).into(),
            None => step.id.as_str().into(),
        };
        let guard = format!("step:{}", step.id);
        if self.visiting.contains(&guard) {
            return Vec::new();
        }
        self.visiting.push(guard);
        self.context.push(step.name.clone());
        let mut pre = vec![Candidate::default()];
        if let Some(c) = &step.eligibility_for {
            pre = product(pre, self.eligibility(c), self.catalog());
        }
        if let Some(r) = &step.requires {
            let more = self.resolve(r);
            pre = product(pre, more, self.catalog());
        }
        self.context.pop();
        self.visiting.pop();
        pre.into_iter()
            .map(|mut alt| {
                let deps = std::mem::take(&mut alt.roots);
                alt.nodes.insert(
                    Rc::clone(&key),
                    Rc::new(Node {
                        step,
                        gap: gap.clone(),
                        deps,
                        serves: serves.to_owned(),
                    }),
                );
                alt.roots.insert(Rc::clone(&key));
                if let Some(path) = &step.path {
                    alt.choices.insert(path.clone());
                }
                alt
            })
            .collect()
    }
}

/// Whether a credential counts as obtained for planning (held or eligible).
pub fn obtained(status: Status) -> bool {
    matches!(status, Status::Held | Status::Eligible)
}

/// Whether a passing clause passes only because an unevaluated foreign
/// degree was read as its country's usual degree (every passing way through
/// it does).
fn reads_degree_as_usual(clause: Clause<'_, '_>) -> bool {
    if clause.outcome != Outcome::Pass {
        return false;
    }
    match (clause.requirement, &clause.finding) {
        (Requirement::Any(_), _) => clause
            .children()
            .filter(|c| c.outcome == Outcome::Pass)
            .all(reads_degree_as_usual),
        (Requirement::All(_) | Requirement::AtLeast(_), _) => {
            clause.children().any(reads_degree_as_usual)
        }
        (
            _,
            Finding::Degree {
                usual: Some(_),
                gap: DegreeGap::None,
                ..
            },
        ) => true,
        _ => false,
    }
}
