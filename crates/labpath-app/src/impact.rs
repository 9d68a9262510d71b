//! Who a catalog change affects: every stored person with a profile is
//! evaluated under the current catalog and a new one, on one day, and the
//! people whose answers differ are listed with the credentials, routes and
//! clauses that changed.
//!
//! An answer "differs" when a credential's status changes (eligible ↔ not
//! yet, unknown, no route), when the status stays not yet or unknown but
//! what is missing changes (a clause's rule, its outcome or the person's
//! distance from it), or when the person stays eligible but the last day a
//! route stays open changes. Decisions are compared first, on the engine's
//! own findings; only the credentials that differ are put into words.

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::eval::{Clause, CredentialOutcome, Finding, Outcome, RouteOutcome, Status};
use labpath_engine::explain::{describe_finding, describe_requirement};
use labpath_engine::profile::Profile;
use labpath_engine::requirement::Requirement;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_store::model::{PeopleFilter, Person, ProfileVersion, ProfilesFilter, Window};
use labpath_views::impact::{
    Change, ClauseImpact, CredentialImpact, ImpactView, PersonImpact, PersonRef, RouteImpact,
    RouteState,
};

use crate::catalog_diff::align;
use crate::{App, AppError, Principal};

/// How many stored profiles the report reads at once: it holds one page
/// of profiles and the people affected, however many people there are.
pub const PAGE: u64 = 500;

/// The people `who` reaches (or only `person`), evaluated on `as_of` under
/// the app's catalog and `new`: those whose answers differ, by id. Staff
/// and admins of an organization see its people; local mode, the data
/// directory's. Their latest profiles are read [`PAGE`] at a time, each
/// page going on after the last person of the one before.
pub async fn report(
    app: &App<'_>,
    new: &Catalog,
    who: &Principal,
    person: Option<PersonId>,
    as_of: Date,
) -> Result<ImpactView, AppError> {
    who.require_staff()?;
    let compare = Comparison::new(app.catalog, new);
    let mut view = ImpactView {
        as_of,
        evaluated: 0,
        without_profile: 0,
        unreadable: Vec::new(),
        affected: Vec::new(),
    };
    match person {
        Some(p) => {
            let p = app.person(who, p).await?;
            match app.store.profile(p.id, None).await? {
                Some(version) => compare.weigh(p, &version, as_of, &mut view),
                None => view.without_profile = 1,
            }
        }
        None => everyone(app, who, &compare, as_of, &mut view).await?,
    }
    Ok(view)
}

/// Weighs every latest profile `who` reaches, a page at a time, and counts
/// the people without one.
async fn everyone(
    app: &App<'_>,
    who: &Principal,
    compare: &Comparison<'_>,
    as_of: Date,
    view: &mut ImpactView,
) -> Result<(), AppError> {
    let count_only = Window {
        offset: 0,
        limit: 0,
    };
    let people = crate::people::list(app, who, &PeopleFilter::default(), count_only)
        .await?
        .total;
    let page_size = Window {
        offset: 0,
        limit: PAGE,
    };
    let mut filter = ProfilesFilter::default();
    let mut read: u64 = 0;
    loop {
        let page = app.store.profiles_in(who.scope, &filter, page_size).await?;
        let more = page.total > page.items.len() as u64;
        filter.after = page.items.last().map(|(p, _)| p.id);
        for (p, version) in page.items {
            read += 1;
            compare.weigh(p, &version, as_of, view);
        }
        if !more || filter.after.is_none() {
            break;
        }
    }
    // A profile recorded meanwhile may be read without its person having
    // been counted: no one is then counted twice.
    view.without_profile = usize::try_from(people.saturating_sub(read)).unwrap_or(usize::MAX);
    Ok(())
}

/// Two catalogs set side by side once: which credential of the current
/// catalog each credential of the new one is, so each person's two
/// evaluations pair without a search.
pub struct Comparison<'c> {
    old: &'c Catalog,
    new: &'c Catalog,
    /// For each credential of `new`, its index in `old`.
    old_of_new: Vec<Option<usize>>,
    /// The indexes in `old` of credentials `new` lacks.
    removed: Vec<usize>,
}

impl<'c> Comparison<'c> {
    /// The current catalog `old` beside `new`.
    pub fn new(old: &'c Catalog, new: &'c Catalog) -> Self {
        let index =
            |c: &Catalog, id: &str| c.credentials().iter().position(|x| x.id.as_str() == id);
        let old_of_new = new
            .credentials()
            .iter()
            .map(|c| index(old, c.id.as_str()))
            .collect();
        let removed = (0..old.credentials().len())
            .filter(|&i| new.credential(old.credentials()[i].id.as_str()).is_none())
            .collect();
        Comparison {
            old,
            new,
            old_of_new,
            removed,
        }
    }

    /// Reads one person's stored profile under both catalogs and adds them
    /// to the view: as evaluated, as unreadable today, and as affected
    /// when the new catalog refuses the profile or their answers differ.
    fn weigh(&self, p: Person, version: &ProfileVersion, as_of: Date, view: &mut ImpactView) {
        use labpath_catalog::parse::Format;
        use labpath_catalog::profile::Unchecked;
        let name = format!("person {}, profile version {}", p.id, version.version);
        let text = version.profile.to_string();
        // Parsed once, checked under each catalog.
        let parsed = Unchecked::parse(&name, &text, Format::Json).ok();
        let Some((parsed, profile)) = parsed
            .as_ref()
            .and_then(|u| Some((u, u.check(self.old).ok()?)))
        else {
            view.unreadable.push(PersonRef {
                person: p.id,
                name: p.name,
            });
            return;
        };
        view.evaluated += 1;
        let (credentials, refused) = match parsed.check(self.new) {
            Ok(_) => (self.person(profile, profile, as_of), None),
            Err(problems) => (Vec::new(), Some(problems.to_string())),
        };
        if refused.is_some() || !credentials.is_empty() {
            view.affected.push(PersonImpact {
                person: p.id,
                name: p.name,
                refused,
                credentials,
            });
        }
    }

    /// What changes for one person: `then` is their profile as the new
    /// catalog reads it, `now` as the current one does.
    pub fn person(&self, now: &Profile, then: &Profile, as_of: Date) -> Vec<CredentialImpact> {
        let old = labpath_engine::eval::evaluate(self.old, now, as_of);
        let new = labpath_engine::eval::evaluate(self.new, then, as_of);
        let mut out = Vec::new();
        for (n, old_index) in new.credentials.iter().zip(&self.old_of_new) {
            let o = old_index.and_then(|i| old.credentials.get(i));
            if let Some(change) = decide(o, n) {
                out.push(self.explain(n.credential, o, Some(n), change));
            }
        }
        for &i in &self.removed {
            if let Some(o) = old
                .credentials
                .get(i)
                .filter(|o| o.status == Status::Eligible)
            {
                out.push(self.explain(o.credential, Some(o), None, Change::Status));
            }
        }
        out
    }

    /// A credential's change in words: its statuses, and the routes that
    /// differ with their clauses.
    fn explain(
        &self,
        credential: &Credential,
        o: Option<&CredentialOutcome<'_>>,
        n: Option<&CredentialOutcome<'_>>,
        change: Change,
    ) -> CredentialImpact {
        let eligible_until = |c: Option<&CredentialOutcome<'_>>| {
            c.filter(|c| c.status == Status::Eligible)
                .and_then(open_until)
        };
        let empty = Vec::new();
        let (old_routes, new_routes) = (
            o.map_or(&empty, |c| &c.routes),
            n.map_or(&empty, |c| &c.routes),
        );
        let shown = |d: RouteDiff| match change {
            Change::Status => d != RouteDiff::Same,
            Change::Missing | Change::Deadline => d == RouteDiff::Decisive,
        };
        let routes = pair_routes(old_routes, new_routes)
            .into_iter()
            .filter(|(or, nr)| shown(route_diff(*or, *nr)))
            .map(|(or, nr)| self.route(or, nr))
            .collect();
        CredentialImpact {
            credential: credential.id.to_string(),
            abbreviation: credential.abbreviation.clone(),
            change,
            old: o.map(|c| c.status),
            new: n.map(|c| c.status),
            old_open_until: eligible_until(o),
            new_open_until: eligible_until(n),
            routes,
        }
    }

    fn route(&self, o: Option<&RouteOutcome<'_>>, n: Option<&RouteOutcome<'_>>) -> RouteImpact {
        let mut clauses = Vec::new();
        let (oc, nc) = (
            o.and_then(RouteOutcome::clause),
            n.and_then(RouteOutcome::clause),
        );
        self.clauses(oc, nc, &mut clauses);
        let route = n.or(o).map(|r| r.route);
        RouteImpact {
            route: route.map(|r| r.id.to_string()).unwrap_or_default(),
            name: route.map(|r| r.name.clone()).unwrap_or_default(),
            old: state(o),
            new: state(n),
            clauses,
        }
    }

    /// The clauses of two evaluated trees whose rule or answer differs:
    /// leaves the person does not pass on either side, whose rule, outcome
    /// or finding changed; clauses only one side has, when not passed
    /// there; a combinator whose own rule changed (its kind, its `n`).
    fn clauses(
        &self,
        o: Option<Clause<'_, '_>>,
        n: Option<Clause<'_, '_>>,
        out: &mut Vec<ClauseImpact>,
    ) {
        let (o, n) = match (o, n) {
            (Some(o), Some(n)) => (o, n),
            (Some(one), None) | (None, Some(one)) => {
                let old_side = o.is_some();
                self.one_sided(one, old_side, out);
                return;
            }
            (None, None) => return,
        };
        let combinator = |c: Clause<'_, '_>| matches!(c.finding, Finding::Combined { .. });
        if combinator(o) && combinator(n) && o.requirement.kind() == n.requirement.kind() {
            if let (Requirement::AtLeast(a), Requirement::AtLeast(b)) =
                (o.requirement, n.requirement)
                && a.n != b.n
            {
                out.push(self.both(o, n));
            }
            let (old, new): (Vec<_>, Vec<_>) = (o.children().collect(), n.children().collect());
            for (oc, nc) in align(&old, &new, |c| c.requirement) {
                self.clauses(oc.map(|c| *c.1), nc.map(|c| *c.1), out);
            }
            return;
        }
        let passed_both = o.outcome == Outcome::Pass && n.outcome == Outcome::Pass;
        if !passed_both && !same_leaf(o, n) {
            out.push(self.both(o, n));
        }
    }

    /// The non-passing leaves of a clause only one side has.
    fn one_sided(&self, c: Clause<'_, '_>, old_side: bool, out: &mut Vec<ClauseImpact>) {
        if c.outcome == Outcome::Pass {
            return;
        }
        if !c.is_leaf() {
            for child in c.children() {
                self.one_sided(child, old_side, out);
            }
            return;
        }
        let catalog = if old_side { self.old } else { self.new };
        let need = Some(describe_requirement(c.requirement, catalog));
        let have = Some(describe_finding(c, catalog));
        out.push(if old_side {
            ClauseImpact {
                old_need: need,
                new_need: None,
                old_outcome: Some(c.outcome),
                new_outcome: None,
                old_have: have,
                new_have: None,
            }
        } else {
            ClauseImpact {
                old_need: None,
                new_need: need,
                old_outcome: None,
                new_outcome: Some(c.outcome),
                old_have: None,
                new_have: have,
            }
        });
    }

    fn both(&self, o: Clause<'_, '_>, n: Clause<'_, '_>) -> ClauseImpact {
        ClauseImpact {
            old_need: Some(describe_requirement(o.requirement, self.old)),
            new_need: Some(describe_requirement(n.requirement, self.new)),
            old_outcome: Some(o.outcome),
            new_outcome: Some(n.outcome),
            old_have: Some(describe_finding(o, self.old)),
            new_have: Some(describe_finding(n, self.new)),
        }
    }
}

/// Whether, and how, a credential's answer differs. A credential only the
/// new catalog has counts when the person is eligible for it.
fn decide(o: Option<&CredentialOutcome<'_>>, n: &CredentialOutcome<'_>) -> Option<Change> {
    let Some(o) = o else {
        return (n.status == Status::Eligible).then_some(Change::Status);
    };
    if o.status != n.status {
        return Some(Change::Status);
    }
    match n.status {
        Status::Held | Status::NoRoute => None,
        Status::Eligible => (open_until(o) != open_until(n)).then_some(Change::Deadline),
        Status::NotYet | Status::Unknown => pair_routes(&o.routes, &n.routes)
            .into_iter()
            .any(|(or, nr)| route_diff(or, nr) == RouteDiff::Decisive)
            .then_some(Change::Missing),
    }
}

/// The last day an eligible person's routes stay open: the latest closing
/// of the passing routes, `None` when one never closes.
fn open_until(c: &CredentialOutcome<'_>) -> Option<Date> {
    let mut latest = None;
    for r in c
        .routes
        .iter()
        .filter(|r| r.in_force && r.outcome == Outcome::Pass)
    {
        match r.open_until {
            None => return None,
            Some(d) => latest = latest.max(Some(d)),
        }
    }
    latest
}

type RoutePair<'a, 'c> = (Option<&'a RouteOutcome<'c>>, Option<&'a RouteOutcome<'c>>);

/// Two credentials' routes paired by id (by position when the ids line
/// up, as they do unless routes were added, removed or moved).
fn pair_routes<'a, 'c>(
    old: &'a [RouteOutcome<'c>],
    new: &'a [RouteOutcome<'c>],
) -> Vec<RoutePair<'a, 'c>> {
    let lined_up =
        old.len() == new.len() && old.iter().zip(new).all(|(o, n)| o.route.id == n.route.id);
    if lined_up {
        return old
            .iter()
            .zip(new)
            .map(|(o, n)| (Some(o), Some(n)))
            .collect();
    }
    let mut pairs: Vec<RoutePair<'a, 'c>> = old
        .iter()
        .map(|o| (Some(o), new.iter().find(|n| n.route.id == o.route.id)))
        .collect();
    pairs.extend(
        new.iter()
            .filter(|n| !old.iter().any(|o| o.route.id == n.route.id))
            .map(|n| (None, Some(n))),
    );
    pairs
}

fn state(r: Option<&RouteOutcome<'_>>) -> RouteState {
    match r {
        None => RouteState::Absent,
        Some(r) if !r.in_force => RouteState::NotInForce,
        Some(r) => r.outcome.into(),
    }
}

/// How a route's answer for one person differs between the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RouteDiff {
    /// Not at all (or the route is not in force on either side).
    Same,
    /// Something missing changed, but something else missing stayed as it
    /// was (a US graduate fails an international route on the place of
    /// the degree, whatever its experience clause asks); or a route only
    /// one catalog has that the person does not pass.
    Changed,
    /// The change decides it: the outcome or the closing day changes, or
    /// all that the person misses on it is what changed.
    Decisive,
}

fn route_diff(o: Option<&RouteOutcome<'_>>, n: Option<&RouteOutcome<'_>>) -> RouteDiff {
    match (o.filter(|r| r.in_force), n.filter(|r| r.in_force)) {
        (None, None) => RouteDiff::Same,
        (Some(o), Some(n)) if o.outcome != n.outcome || o.open_until != n.open_until => {
            RouteDiff::Decisive
        }
        (Some(o), Some(n)) => {
            let gap = match (o.clause(), n.clause()) {
                (Some(a), Some(b)) => gap(a, b),
                (None, None) => Gap::SAME,
                _ => Gap::CHANGED,
            };
            match (gap.changed, gap.unchanged) {
                (false, _) => RouteDiff::Same,
                (true, false) => RouteDiff::Decisive,
                (true, true) => RouteDiff::Changed,
            }
        }
        (Some(one), None) | (None, Some(one)) => {
            if one.outcome == Outcome::Pass {
                RouteDiff::Decisive
            } else {
                RouteDiff::Changed
            }
        }
    }
}

/// What two evaluated clauses leave missing, compared: whether something
/// missing changed (a rule, an outcome, a finding, a clause added or
/// removed), and whether something missing stayed exactly as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gap {
    changed: bool,
    unchanged: bool,
}

impl Gap {
    const SAME: Gap = Gap {
        changed: false,
        unchanged: false,
    };
    const CHANGED: Gap = Gap {
        changed: true,
        unchanged: false,
    };
    const KEPT: Gap = Gap {
        changed: false,
        unchanged: true,
    };

    fn and(self, other: Gap) -> Gap {
        Gap {
            changed: self.changed || other.changed,
            unchanged: self.unchanged || other.unchanged,
        }
    }
}

/// The gap of two versions of a clause. Under `all` every child's gap
/// counts; under `any` and `at_least`, one alternative whose whole gap is
/// the change is enough for the change to decide the clause.
fn gap(a: Clause<'_, '_>, b: Clause<'_, '_>) -> Gap {
    if a.outcome == Outcome::Pass && b.outcome == Outcome::Pass {
        return Gap::SAME;
    }
    let (
        Finding::Combined {
            met: am, need: an, ..
        },
        Finding::Combined {
            met: bm, need: bn, ..
        },
    ) = (a.finding, b.finding)
    else {
        return match (same_leaf(a, b), neutral(a)) {
            (false, _) => Gap::CHANGED,
            (true, true) => Gap::SAME,
            (true, false) => Gap::KEPT,
        };
    };
    if a.requirement.kind() != b.requirement.kind() {
        return Gap::CHANGED;
    }
    let (old, new): (Vec<_>, Vec<_>) = (a.children().collect(), b.children().collect());
    let children: Vec<Gap> = if old.len() == new.len() {
        old.iter().zip(&new).map(|(x, y)| gap(*x, *y)).collect()
    } else {
        align(&old, &new, |c| c.requirement)
            .into_iter()
            .map(|pair| match pair {
                (Some((_, x)), Some((_, y))) => gap(*x, *y),
                (Some((_, one)), None) | (None, Some((_, one))) if one.outcome != Outcome::Pass => {
                    Gap::CHANGED
                }
                _ => Gap::SAME,
            })
            .collect()
    };
    let alternatives = !matches!(a.requirement, Requirement::All(_));
    if alternatives && children.contains(&Gap::CHANGED) {
        return Gap::CHANGED;
    }
    let own = if an.saturating_sub(*am) == bn.saturating_sub(*bm) {
        Gap::SAME
    } else {
        Gap::CHANGED
    };
    children.into_iter().fold(own, Gap::and)
}

/// Whether a leaf left unknown tells nothing of the person's gap: a rule
/// the catalog cannot check is unknown for everyone, and an attestation
/// most applicants can make (good moral character) is one a plan assumes.
fn neutral(c: Clause<'_, '_>) -> bool {
    c.outcome == Outcome::Unknown
        && match c.requirement {
            Requirement::Unconfirmed(_) => true,
            Requirement::Declared(d) => d.assumable,
            _ => false,
        }
}

/// Whether two leaves say the same: rule, outcome and finding.
fn same_leaf(a: Clause<'_, '_>, b: Clause<'_, '_>) -> bool {
    a.outcome == b.outcome && a.finding == b.finding && a.requirement == b.requirement
}
