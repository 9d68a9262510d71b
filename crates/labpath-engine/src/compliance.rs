//! Compliance of one credential's cycle: the points earned from the
//! activities inside it, each category minimum met or short by how much, the
//! deadline and the declaration window.
//!
//! An activity tagged with several categories may have its points split
//! among them. The split that leaves the least missing is a maximum flow
//! from activities (capacity: their points) through the categories they
//! cover to the category minimums; what exceeds the minimums still counts
//! toward the total. The same activity counts in full toward every other
//! credential whose rules accept it.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::maintenance::{Activity, CategoryId, Credit, RuleSet};
use crate::profile::Profile;
use crate::units::Date;

/// Why an activity does not count in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Completed before the cycle started.
    BeforeCycle,
    /// Completed after the cycle ended.
    AfterCycle,
    /// The catalog gives this kind of credit no point value under these
    /// rules (the rules do not accept it, or no source says what it is worth).
    CreditNotAccepted,
    /// The rules require an accreditation the activity does not have.
    AccreditationNotAccepted,
    /// The rules require an accreditation and the activity does not say which.
    AccreditationNotTold,
}

impl Exclusion {
    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            Exclusion::BeforeCycle => "completed before the cycle started",
            Exclusion::AfterCycle => "completed after the cycle ended",
            Exclusion::CreditNotAccepted => {
                "this kind of academic credit has no point value under these rules"
            }
            Exclusion::AccreditationNotAccepted => "not from an accreditation these rules accept",
            Exclusion::AccreditationNotTold => "unknown: tell us the activity's accreditation",
        }
    }
}

/// Points of one activity given to one category in the chosen split.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allocation {
    /// Index of the activity in the input.
    pub activity: usize,
    /// The category.
    pub category: CategoryId,
    /// Points given to it.
    pub points: f64,
}

/// One category's standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryStanding {
    /// The category.
    pub category: CategoryId,
    /// Plain words.
    pub name: String,
    /// The minimum.
    pub min: f64,
    /// Points given to it in the chosen split (at most the minimum).
    pub allocated: f64,
    /// How far short it is.
    pub missing: f64,
}

/// The standing of one cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// First day of the cycle.
    pub start: Date,
    /// Last day (expiry).
    pub end: Date,
    /// Points counted.
    pub earned: f64,
    /// Points needed in the cycle, when known.
    pub total: Option<f64>,
    /// Points still missing: the larger of (total - earned) and the sum of
    /// category shortfalls.
    pub missing: f64,
    /// Whether every known requirement is met.
    pub met: bool,
    /// Each category minimum.
    pub categories: Vec<CategoryStanding>,
    /// The chosen split.
    pub allocation: Vec<Allocation>,
    /// Points each activity earns (0 when excluded), by input index.
    pub points: Vec<f64>,
    /// Activities not counted, with the reason.
    pub excluded: Vec<(usize, Exclusion)>,
    /// The declaration window, when the rules have one: (opens, closes).
    pub window: Option<(Date, Date)>,
}

/// Points an activity earns under `rules`, or why it earns none.
pub fn points_of(rules: &RuleSet, activity: &Activity) -> Result<f64, Exclusion> {
    if !rules.accepted_accreditations.is_empty() {
        match &activity.accreditation {
            None => return Err(Exclusion::AccreditationNotTold),
            Some(a)
                if !rules
                    .accepted_accreditations
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(a)) =>
            {
                return Err(Exclusion::AccreditationNotAccepted);
            }
            Some(_) => {}
        }
    }
    match activity.credit {
        Credit::ContactHours(h) => rules
            .points
            .contact_hour
            .map(|p| h * p)
            .ok_or(Exclusion::CreditNotAccepted),
        Credit::SemesterHours(h) => rules
            .points
            .semester_hour
            .map(|p| h * p)
            .ok_or(Exclusion::CreditNotAccepted),
        Credit::QuarterHours(h) => rules
            .points
            .quarter_hour
            .map(|p| h * p)
            .ok_or(Exclusion::CreditNotAccepted),
    }
}

/// Assesses the cycle [start, end] (both days included).
pub fn assess(rules: &RuleSet, activities: &[Activity], start: Date, end: Date) -> Assessment {
    let mut points = vec![0.0; activities.len()];
    let mut excluded = Vec::new();
    for (i, a) in activities.iter().enumerate() {
        let counted = if a.date < start {
            Err(Exclusion::BeforeCycle)
        } else if a.date > end {
            Err(Exclusion::AfterCycle)
        } else {
            points_of(rules, a)
        };
        match counted {
            Ok(p) => points[i] = p,
            Err(e) => excluded.push((i, e)),
        }
    }
    let earned: f64 = points.iter().sum();
    let flows = best_split(rules, activities, &points);
    let mut allocation = Vec::new();
    let mut categories = Vec::new();
    for (c, min) in rules.categories.iter().enumerate() {
        let mut given = 0.0;
        for (a, row) in flows.iter().enumerate() {
            if row[c] > 1e-9 {
                given += row[c];
                allocation.push(Allocation {
                    activity: a,
                    category: min.category.clone(),
                    points: row[c],
                });
            }
        }
        categories.push(CategoryStanding {
            category: min.category.clone(),
            name: min.name.clone(),
            min: min.min,
            allocated: given,
            missing: (min.min - given).max(0.0),
        });
    }
    let shortfall: f64 = categories.iter().map(|c| c.missing).sum();
    let missing = rules
        .total
        .map_or(0.0, |t| (t - earned).max(0.0))
        .max(shortfall);
    let window = rules.declaration_window.map(|w| {
        (
            end.add_days(-i64::from(w.opens_days_before)),
            end.add_days(-i64::from(w.closes_days_before)),
        )
    });
    Assessment {
        start,
        end,
        earned,
        total: rules.total,
        missing: round(missing),
        met: missing <= 1e-9,
        categories,
        allocation,
        points,
        excluded,
        window,
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The split of each activity's points among its categories that gives the
/// category minimums the most points: flows[activity][category].
///
/// Activities covering the same set of the rules' categories are pooled, so
/// the flow network has one node per distinct set (a handful), not one per
/// activity (hundreds); each pool's flow is then handed back to its
/// activities in order.
fn best_split(rules: &RuleSet, activities: &[Activity], points: &[f64]) -> Vec<Vec<f64>> {
    let m = rules.categories.len();
    let mut flows = vec![vec![0.0; m]; activities.len()];
    if m == 0 {
        return flows;
    }
    let mut pools: Vec<(Vec<usize>, f64, Vec<usize>)> = Vec::new(); // (categories, supply, activities)
    for (a, activity) in activities.iter().enumerate() {
        let covered: Vec<usize> = (0..m)
            .filter(|&c| activity.categories.contains(&rules.categories[c].category))
            .collect();
        if covered.is_empty() || points[a] <= 0.0 {
            continue;
        }
        match pools.iter_mut().find(|p| p.0 == covered) {
            Some(pool) => {
                pool.1 += points[a];
                pool.2.push(a);
            }
            None => pools.push((covered, points[a], vec![a])),
        }
    }
    let n = pools.len();
    // Nodes: source 0, pools 1..=n, categories n+1..=n+m, sink n+m+1.
    let size = n + m + 2;
    let sink = size - 1;
    let mut cap = vec![vec![0.0f64; size]; size];
    for (p, pool) in pools.iter().enumerate() {
        cap[0][p + 1] = pool.1;
        for &c in &pool.0 {
            cap[p + 1][n + 1 + c] = pool.1;
        }
    }
    for (c, min) in rules.categories.iter().enumerate() {
        cap[n + 1 + c][sink] = min.min;
    }
    let flow = max_flow(&mut cap, 0, sink);
    for (p, pool) in pools.iter().enumerate() {
        let mut left: Vec<f64> = pool.2.iter().map(|&a| points[a]).collect();
        for &c in &pool.0 {
            let mut give = flow[p + 1][n + 1 + c];
            for (k, &a) in pool.2.iter().enumerate() {
                if give <= 1e-12 {
                    break;
                }
                let take = give.min(left[k]);
                flows[a][c] += take;
                left[k] -= take;
                give -= take;
            }
        }
    }
    flows
}

/// Edmonds-Karp on a dense residual graph; returns the flow on each edge.
fn max_flow(cap: &mut [Vec<f64>], source: usize, sink: usize) -> Vec<Vec<f64>> {
    let size = cap.len();
    let original: Vec<Vec<f64>> = cap.to_vec();
    loop {
        let mut parent = vec![usize::MAX; size];
        parent[source] = source;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for v in 0..size {
                if parent[v] == usize::MAX && cap[u][v] > 1e-12 {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if parent[sink] == usize::MAX {
            break;
        }
        let mut push = f64::INFINITY;
        let mut v = sink;
        while v != source {
            let u = parent[v];
            push = push.min(cap[u][v]);
            v = u;
        }
        let mut v = sink;
        while v != source {
            let u = parent[v];
            cap[u][v] -= push;
            cap[v][u] += push;
            v = u;
        }
    }
    (0..size)
        .map(|u| {
            (0..size)
                .map(|v| (original[u][v] - cap[u][v]).max(0.0))
                .collect()
        })
        .collect()
}

/// One held credential's standing under one of its rule sets.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialCompliance<'c> {
    /// The credential (its id).
    #[serde(serialize_with = "ser_credential")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub credential: &'c crate::catalog::Credential,
    /// The rule set (its id).
    #[serde(serialize_with = "ser_rules")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub rules: &'c RuleSet,
    /// The current cycle's assessment; absent when the cycle cannot be
    /// placed (no expiry and no earned date).
    pub assessment: Option<Assessment>,
    /// Why the cycle could not be placed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<&'static str>,
}

fn ser_credential<S: serde::Serializer>(
    c: &&crate::catalog::Credential,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.id.as_str())
}

fn ser_rules<S: serde::Serializer>(r: &&RuleSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.id.as_str())
}

/// The cycle that contains `as_of` (or the one ending at the expiry date),
/// as (first day, last day).
pub fn cycle_of(
    rules: &RuleSet,
    held: &crate::profile::HeldCredential,
    as_of: Date,
) -> Option<(Date, Date)> {
    if let Some(end) = held.expires {
        return Some((end.sub_years(rules.cycle_years), end));
    }
    let earned = held.earned?;
    let mut start = earned;
    while start.add_years(rules.cycle_years) <= as_of {
        start = start.add_years(rules.cycle_years);
    }
    Some((start, start.add_years(rules.cycle_years).pred()))
}

/// Compliance of every held credential that has maintenance rules. One
/// activity counts toward each of them, as far as each one's rules accept it.
pub fn compliance<'c>(
    catalog: &'c crate::catalog::Catalog,
    profile: &crate::profile::Profile,
    activities: &[Activity],
    as_of: Date,
) -> Vec<CredentialCompliance<'c>> {
    let mut out = Vec::new();
    for held in &profile.credentials {
        let Some(credential) = catalog.credential(held.id.as_str()) else {
            continue;
        };
        for rules in catalog.maintenance_of(credential.id.as_str()) {
            let (assessment, unknown) = match cycle_of(rules, held, as_of) {
                Some((start, end)) => (Some(assess(rules, activities, start, end)), None),
                None => (
                    None,
                    Some("unknown: tell us when the credential was earned or when it expires"),
                ),
            };
            out.push(CredentialCompliance {
                credential,
                rules,
                assessment,
                unknown,
            });
        }
    }
    out
}

/// Every category any rule set names: the vocabulary activities use.
pub fn known_categories(catalog: &Catalog) -> Vec<&str> {
    let mut all: Vec<&str> = catalog
        .maintenance()
        .iter()
        .flat_map(|r| r.categories.iter().map(|c| c.category.as_str()))
        .chain([
            "general",
            "management",
            "education",
            "immunology",
            "molecular",
            "urinalysis",
            "ethics",
        ])
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// An activity must fall inside a cycle of a credential the person holds
/// with renewal rules; otherwise there is nothing to count it toward.
pub fn check_in_some_cycle(catalog: &Catalog, profile: &Profile, date: Date) -> Result<(), String> {
    let mut cycles = Vec::new();
    for held in &profile.credentials {
        for rules in catalog.maintenance_of(held.id.as_str()) {
            if let Some((start, end)) = cycle_of(rules, held, date) {
                if start <= date && date <= end {
                    return Ok(());
                }
                cycles.push(format!("{} {start} to {end}", held.id));
            }
        }
    }
    if cycles.is_empty() {
        return Err("the person's profile holds no credential with renewal rules (and a known earned or expiry date): nothing to count the activity toward".to_owned());
    }
    Err(format!(
        "the activity on {date} falls outside every renewal cycle ({}); nothing was stored",
        cycles.join("; ")
    ))
}
