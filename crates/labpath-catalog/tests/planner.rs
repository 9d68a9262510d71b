//! The planner against a brute-force oracle, and its invariants.
//!
//! Small random catalogs: a few credentials, each with one or two routes
//! that need lower credentials and declared facts, and one or two steps per
//! credential or fact, with random durations and fees. The oracle tries
//! every subset of steps, starts each step at the earliest moment its
//! preconditions hold given the others, and keeps the subsets that reach the
//! goal: its fastest time and lowest cost must equal the planner's.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_engine::calendar::{Lottery, MonthDay, Window};
use labpath_engine::catalog::{Body, Catalog, CatalogParts, Credential, Fee, FeeKind, Route};
use labpath_engine::ids::{BodyId, CredentialId, RouteId, SourceId};
use labpath_engine::plan::apply::apply_grants;
use labpath_engine::plan::schedule::requirement_holds;
use labpath_engine::plan::{Optimize, Options, plan};
use labpath_engine::profile::{HeldCredential, Person, Profile};
use labpath_engine::provenance::{Confidence, Provenance, Source};
use labpath_engine::requirement::{CredentialReq, DeclaredReq, Requirement};
use labpath_engine::step::{Duration, DurationBasis, Grant, Step, StepId, StepKind};
use labpath_engine::units::{Date, Money};
use labpath_engine::vocab::{CredentialKind, Level};
use proptest::prelude::*;

fn day() -> Date {
    Date::from_ymd(2026, 11, 21).unwrap()
}

fn provenance() -> Provenance {
    Provenance {
        sources: vec![SourceId::new("s").unwrap()],
        as_of: day(),
        confidence: Confidence::Official,
        note: None,
    }
}

fn cred_id(i: usize) -> CredentialId {
    CredentialId::new(&format!("c{i}")).unwrap()
}

fn held(i: usize) -> Requirement {
    Requirement::Credential(CredentialReq {
        any_of: vec![cred_id(i)],
        current: false,
    })
}

fn declared(k: usize) -> Requirement {
    Requirement::Declared(DeclaredReq {
        key: format!("d{k}"),
        ask: format!("fact {k}?"),
        assumable: false,
    })
}

/// A random small world: routes per credential (each a list of needs), and
/// steps as (grant, days, fee).
#[derive(Debug, Clone)]
struct World {
    routes: Vec<Vec<Vec<Need>>>,
    steps: Vec<(Need, u32, u32)>,
    held: Vec<usize>,
    /// Per step (by index; missing means none): a yearly window and, on
    /// some, a lottery.
    calendar: Vec<Option<Cal>>,
    /// Per step (by index; missing means 0): days its longest run takes
    /// beyond its usual length, which the simulation draws from.
    spread: Vec<u32>,
}

/// A step's yearly window (opens and closes as month and day, wrapping over
/// new year when closes comes first) and its chance of selection, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cal {
    opens: (u32, u32),
    closes: (u32, u32),
    chance: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    Credential(usize),
    Fact(usize),
}

fn world() -> impl Strategy<Value = World> {
    (2usize..=3, 1usize..=3).prop_flat_map(|(n, facts)| {
        let routes = (0..n)
            .map(|i| {
                let needs: Vec<Need> = (0..i)
                    .map(Need::Credential)
                    .chain((0..facts).map(Need::Fact))
                    .collect();
                let least = usize::from(!needs.is_empty());
                prop::collection::vec(
                    proptest::sample::subsequence(needs.clone(), least..=needs.len().min(2)),
                    1..=3,
                )
            })
            .collect::<Vec<_>>();
        let grantable: Vec<Need> = (0..n)
            .map(Need::Credential)
            .chain((0..facts).map(Need::Fact))
            .collect();
        // Most things have a step that grants them, so most goals can be
        // reached and the planner is compared with the oracle; some have
        // none, so some goals cannot. Then a few more steps, at most 9 in
        // all (the oracle tries every subset), in any order.
        let first = grantable
            .iter()
            .map(|&g| prop::option::weighted(0.9, (Just(g), 1u32..200, 0u32..500)))
            .collect::<Vec<_>>();
        let more = prop::collection::vec(
            (
                proptest::sample::select(grantable.clone()),
                1u32..200,
                0u32..500,
            ),
            0..=9 - grantable.len(),
        );
        let steps = (first, more)
            .prop_map(|(first, more)| first.into_iter().flatten().chain(more).collect::<Vec<_>>())
            .prop_shuffle();
        // The goal is held already now and then; a lower credential more often.
        let held = prop_oneof![
            8 => proptest::sample::subsequence((0..n - 1).collect::<Vec<_>>(), 0..=1),
            1 => Just(vec![n - 1]),
        ];
        let spread = prop::collection::vec(prop_oneof![Just(0u32), 20u32..120], 9);
        (routes, steps, held, spread).prop_map(|(routes, steps, held, spread)| World {
            routes,
            steps,
            held,
            calendar: Vec::new(),
            spread,
        })
    })
}

/// A world whose steps may wait for yearly windows and lotteries.
fn calendar_world() -> impl Strategy<Value = World> {
    let cal = prop::option::weighted(
        0.5,
        (
            (1u32..=12, 1u32..=28),
            (1u32..=12, 1u32..=28),
            prop::option::weighted(0.3, 0.2f64..=1.0),
        )
            .prop_map(|(opens, closes, chance)| Cal {
                opens,
                closes,
                chance,
            }),
    );
    (world(), prop::collection::vec(cal, 9)).prop_map(|(mut w, calendar)| {
        w.calendar = calendar;
        w
    })
}

fn window_of(cal: &Cal) -> Window {
    Window {
        opens: MonthDay::new(cal.opens.0, cal.opens.1).unwrap(),
        closes: MonthDay::new(cal.closes.0, cal.closes.1).unwrap(),
        cycle_of: None,
        what: "a window".to_owned(),
        provenance: provenance(),
    }
}

fn requirement_of(needs: &[Need]) -> Requirement {
    Requirement::All(
        needs
            .iter()
            .map(|n| match n {
                Need::Credential(i) => held(*i),
                Need::Fact(k) => declared(*k),
            })
            .collect(),
    )
}

fn build(world: &World) -> (Catalog, Profile) {
    let body = BodyId::new("b").unwrap();
    let credentials = world
        .routes
        .iter()
        .enumerate()
        .map(|(i, routes)| Credential {
            id: cred_id(i),
            name: format!("credential {i}"),
            abbreviation: format!("C{i}"),
            body: body.clone(),
            kind: CredentialKind::Certification,
            level: Level::Technologist,
            jurisdiction: None,
            aliases: Vec::new(),
            former_names: Vec::new(),
            exam: None,
            summary: String::new(),
            routes: routes
                .iter()
                .enumerate()
                .map(|(r, needs)| Route {
                    id: RouteId::new(&format!("r{r}")).unwrap(),
                    name: format!("Route {r}"),
                    summary: String::new(),
                    in_force: Default::default(),
                    requires: if needs.is_empty() {
                        Requirement::All(Vec::new())
                    } else {
                        requirement_of(needs)
                    },
                    provenance: provenance(),
                })
                .collect(),
            fees: Vec::new(),
            renewal: None,
            notes: Vec::new(),
            provenance: provenance(),
        })
        .collect();
    let steps = world
        .steps
        .iter()
        .enumerate()
        .map(|(i, (need, days, fee))| Step {
            id: StepId::new(&format!("s{i}")).unwrap(),
            name: format!("step {i}"),
            kind: StepKind::Other,
            body: None,
            summary: String::new(),
            eligibility_for: match need {
                Need::Credential(c) => Some(cred_id(*c)),
                Need::Fact(_) => None,
            },
            requires: None,
            grants: vec![match need {
                Need::Credential(c) => Grant::Credential(cred_id(*c)),
                Need::Fact(k) => Grant::Declaration(format!("d{k}")),
            }],
            fees: vec![Fee {
                label: "fee".to_owned(),
                kind: FeeKind::Initial,
                amount: Some(Money::dollars(i64::from(*fee))),
                provenance: provenance(),
                disputed: Vec::new(),
                payer: Default::default(),
                in_force: None,
                after_until: None,
                only_if_living: None,
            }],
            fees_of: None,
            duration: Duration {
                min_days: f64::from(*days),
                likely_days: f64::from(*days),
                max_days: f64::from(days + world.spread.get(i).copied().unwrap_or(0)),
                basis: DurationBasis::Agency,
                reports: None,
                provenance: provenance(),
            },
            documents: Vec::new(),
            retake: None,
            deadlines: Vec::new(),
            window: world
                .calendar
                .get(i)
                .copied()
                .flatten()
                .map(|c| window_of(&c)),
            path: None,
            visa: None,
            lottery: world
                .calendar
                .get(i)
                .copied()
                .flatten()
                .and_then(|c| c.chance)
                .map(|chance| Lottery {
                    chance,
                    by_wage_level: None,
                    what: "a draw".to_owned(),
                    provenance: provenance(),
                }),
            provenance: provenance(),
        })
        .collect();
    let parts = CatalogParts {
        sources: vec![Source {
            id: SourceId::new("s").unwrap(),
            url: "https://example.org".to_owned(),
            title: "t".to_owned(),
            dated: None,
            read_on: day(),
        }],
        bodies: vec![Body {
            id: body,
            name: "b".to_owned(),
            short_name: None,
            url: None,
            jurisdiction: None,
            escalation: Vec::new(),
            provenance: provenance(),
        }],
        credentials,
        steps,
        ..CatalogParts::default()
    };
    let profile = Profile {
        person: Person {
            name: "p".to_owned(),
            ..Person::default()
        },
        credentials: world
            .held
            .iter()
            .map(|&i| HeldCredential {
                id: cred_id(i),
                earned: Some(day()),
                expires: None,
            })
            .collect(),
        ..Profile::default()
    };
    // Made without the loader's checks: two worlds have a credential whose
    // route requires nothing (always met), which the engine evaluates and
    // the loader refuses to read (an empty `all`). These worlds test the
    // planner, not what a catalog file may say.
    #[expect(
        clippy::disallowed_methods,
        reason = "the worlds hold routes that require nothing, which the loader refuses"
    )]
    let catalog = Catalog::from_checked_parts(parts);
    (catalog, profile)
}

fn preconditions_hold(catalog: &Catalog, profile: &Profile, step: &Step, at: Date) -> bool {
    step.eligibility_for.as_ref().is_none_or(|c| {
        let eligible = Requirement::Eligible(labpath_engine::requirement::EligibleReq {
            credential: c.clone(),
        });
        requirement_holds(catalog, profile, &eligible, at)
    }) && step
        .requires
        .as_ref()
        .is_none_or(|r| requirement_holds(catalog, profile, r, at))
}

/// The oracle: (fastest days, lowest cost) over every subset of steps.
fn brute_force(catalog: &Catalog, base: &Profile, goal: &Requirement) -> Option<(f64, i64)> {
    let steps = catalog.steps();
    let mut fastest: Option<f64> = None;
    let mut cheapest: Option<i64> = None;
    for mask in 1u32..(1 << steps.len()) {
        let chosen: Vec<&Step> = (0..steps.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| &steps[i])
            .collect();
        // Earliest start of each step, by repeated relaxation over event times.
        let mut finish: Vec<Option<f64>> = vec![None; chosen.len()];
        loop {
            let mut changed = false;
            for (i, s) in chosen.iter().enumerate() {
                let mut events: Vec<f64> = std::iter::once(0.0)
                    .chain(finish.iter().flatten().copied())
                    .collect();
                events.sort_by(f64::total_cmp);
                for t in events {
                    let mut p = base.clone();
                    for (j, other) in chosen.iter().enumerate() {
                        if j != i && finish[j].is_some_and(|f| f <= t) {
                            apply_grants(&mut p, catalog, other, None, day(), day());
                        }
                    }
                    if preconditions_hold(catalog, &p, s, day()) {
                        let f = t + s.duration.median_days();
                        if finish[i].is_none_or(|old| f + 1e-9 < old) {
                            finish[i] = Some(f);
                            changed = true;
                        }
                        break;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if finish.iter().any(Option::is_none) {
            continue;
        }
        let mut end_profile = base.clone();
        for s in &chosen {
            apply_grants(&mut end_profile, catalog, s, None, day(), day());
        }
        if !requirement_holds(catalog, &end_profile, goal, day()) {
            continue;
        }
        let end = finish.iter().flatten().fold(0.0, |a: f64, b| a.max(*b));
        let cost: i64 = chosen
            .iter()
            .flat_map(|s| &s.fees)
            .filter_map(|f| f.amount)
            .map(|a| a.cents())
            .sum();
        fastest = Some(fastest.map_or(end, |d| d.min(end)));
        cheapest = Some(cheapest.map_or(cost, |c| c.min(cost)));
    }
    fastest.zip(cheapest)
}

fn options(optimize: Optimize, seed: u64) -> Options {
    Options {
        from: day(),
        optimize,
        samples: 200,
        seed,
    }
}

#[test]
fn the_planner_takes_the_faster_of_two_routes() {
    // c1 by route 0 needs c0 (slow, 300 days) and by route 1 needs fact d0
    // (10 days): the fastest plan uses route 1; the cheapest may not.
    let w = World {
        routes: vec![
            vec![vec![]],
            vec![vec![Need::Credential(0)], vec![Need::Fact(0)]],
        ],
        steps: vec![
            (Need::Credential(0), 300, 0),
            (Need::Fact(0), 10, 400),
            (Need::Credential(1), 20, 100),
        ],
        held: vec![],
        calendar: Vec::new(),
        spread: Vec::new(),
    };
    let (catalog, profile) = build(&w);
    let goal = held(1);
    let r = plan(&catalog, &profile, &goal, options(Optimize::Time, 1)).unwrap();
    let fastest = r.kept.iter().find(|k| k.fastest).unwrap();
    let cheapest = r.kept.iter().find(|k| k.cheapest).unwrap();
    assert_eq!(fastest.schedule.days, 30.0);
    assert_eq!(cheapest.schedule.cost.known, Money::dollars(100));
    assert_eq!(cheapest.schedule.days, 320.0);
    assert_eq!(brute_force(&catalog, &profile, &goal), Some((30.0, 10_000)));
    assert_eq!(r.kept.len(), 2, "both are on the time/cost frontier");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn fastest_and_cheapest_equal_brute_force(w in world()) {
        let (catalog, profile) = build(&w);
        let top = w.routes.len() - 1;
        let goal = held(top);
        let oracle = brute_force(&catalog, &profile, &goal);
        let planned = plan(&catalog, &profile, &goal, options(Optimize::Time, 1));
        match (oracle, planned) {
            (None, Err(_)) => {}
            (None, Ok(r)) => prop_assert!(r.already_met, "planner found a plan the oracle did not: {w:?}"),
            (Some(_), Err(e)) => prop_assert!(false, "oracle found a plan, the planner did not ({e:?}): {w:?}"),
            (Some((days, cost)), Ok(r)) => {
                if r.already_met {
                    prop_assert!(w.held.contains(&top));
                } else {
                    let fastest = r.kept.iter().find(|k| k.fastest).unwrap();
                    let cheapest = r.kept.iter().find(|k| k.cheapest).unwrap();
                    prop_assert!((fastest.schedule.days - days).abs() < 1e-6, "fastest {} vs oracle {days}: {w:?}", fastest.schedule.days);
                    prop_assert_eq!(cheapest.schedule.cost.known.cents(), cost, "cheapest vs oracle: {:?}", w);
                }
            }
        }
    }

    #[test]
    fn holding_an_extra_credential_never_makes_the_best_plan_worse(w in world(), extra in 0usize..3) {
        let (catalog, profile) = build(&w);
        let top = w.routes.len() - 1;
        let goal = held(top);
        let extra = extra % w.routes.len();
        let mut more = profile.clone();
        more.credentials.push(HeldCredential { id: cred_id(extra), earned: Some(day()), expires: None });
        let before = plan(&catalog, &profile, &goal, options(Optimize::Time, 1));
        let after = plan(&catalog, &more, &goal, options(Optimize::Time, 1));
        if let Ok(b) = before {
            let a = after.expect("still reachable with more held");
            if !a.already_met {
                prop_assert!(!b.already_met);
                let (bf, af) = (b.kept.iter().find(|k| k.fastest).unwrap(), a.kept.iter().find(|k| k.fastest).unwrap());
                let (bc, ac) = (b.kept.iter().find(|k| k.cheapest).unwrap(), a.kept.iter().find(|k| k.cheapest).unwrap());
                prop_assert!(af.schedule.days <= bf.schedule.days + 1e-9);
                prop_assert!(ac.schedule.cost.known <= bc.schedule.cost.known);
            }
        }
    }

    #[test]
    fn every_step_starts_with_its_preconditions_met(w in world()) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        if let Ok(r) = plan(&catalog, &profile, &goal, options(Optimize::Cost, 3)) {
            for k in &r.kept {
                for st in &k.schedule.steps {
                    let p = labpath_engine::plan::schedule::profile_at(&profile, &catalog, &k.schedule.steps, day(), st.start);
                    prop_assert!(preconditions_hold(&catalog, &p, st.step, day().add_days(st.start.round() as i64)), "{} starts unmet", st.step.id);
                }
            }
        }
    }

    /// Two runs with one seed draw the same lengths; with another seed, a
    /// plan whose critical path has a step of uncertain length gets other
    /// dates.
    #[test]
    fn the_same_seed_gives_the_same_dates_and_another_seed_others(w in world(), seed in any::<u64>()) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        let a = plan(&catalog, &profile, &goal, options(Optimize::Time, seed));
        let b = plan(&catalog, &profile, &goal, options(Optimize::Time, seed));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let sims = |r: &labpath_engine::plan::PlanReport<'_>| r.kept.iter().map(|k| k.simulation.clone()).collect::<Vec<_>>();
                prop_assert_eq!(sims(&a), sims(&b));
                let other = plan(&catalog, &profile, &goal, options(Optimize::Time, seed ^ 1)).unwrap();
                let dates = |k: &labpath_engine::plan::Kept<'_>| (k.simulation.p50, k.simulation.p80, k.simulation.p90);
                for (k, o) in a.kept.iter().zip(&other.kept) {
                    let uncertain = k.schedule.critical_path().into_iter().any(|i| {
                        let d = &k.schedule.steps[i].step.duration;
                        d.max_days > d.min_days
                    });
                    if uncertain {
                        prop_assert_ne!(dates(k), dates(o), "seed {} and {} drew the same dates", seed, seed ^ 1);
                    }
                }
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "same input, different answers"),
        }
    }
}

/// A lost draw waits for next year's window: at a 30% chance the median
/// plan counts two tries (1 - 0.7^2 > 1/2), so the step starts in the
/// second window; the simulation's percentiles move a year for the runs
/// that lose, and a sure draw changes nothing.
#[test]
fn a_lottery_step_waits_a_year_for_each_lost_draw_the_median_counts() {
    let world = |chance| World {
        routes: vec![vec![vec![]]],
        steps: vec![(Need::Credential(0), 10, 0)],
        held: vec![],
        calendar: vec![Some(Cal {
            opens: (3, 4),
            closes: (3, 19),
            chance,
        })],
        spread: Vec::new(),
    };
    let run = |chance| {
        let (catalog, profile) = build(&world(chance));
        let goal = held(0);
        let r = plan(&catalog, &profile, &goal, options(Optimize::Time, 9)).unwrap();
        let k = r.kept[0].clone();
        (
            day().add_days(k.schedule.steps[0].start.round() as i64),
            k.simulation.p50.unwrap(),
            k.simulation.p90,
            k.simulation.not_selected,
        )
    };
    let (sure_start, sure_p50, sure_p90, never) = run(Some(1.0));
    assert_eq!(sure_start, Date::from_ymd(2027, 3, 4).unwrap());
    assert_eq!(never, 0.0);
    assert_eq!(sure_p90, Some(sure_p50));
    let (start, p50, p90, not_selected) = run(Some(0.3));
    assert_eq!(
        start,
        Date::from_ymd(2028, 3, 4).unwrap(),
        "the median counts the second try"
    );
    assert!(
        p50 > sure_p50 + 300.0,
        "half of runs lose the first draw: {p50} vs {sure_p50}"
    );
    // 0.7^6 = 11.8% of runs lose every try: the 90th percentile has no date.
    assert!(
        (not_selected - 0.7f64.powi(6)).abs() < 0.03,
        "{not_selected}"
    );
    assert_eq!(p90, None);
}

/// The fastest plan's median finish, as a date, from `from`.
fn finish_from(
    catalog: &Catalog,
    profile: &Profile,
    goal: &Requirement,
    from: Date,
) -> Option<Date> {
    let r = plan(
        catalog,
        profile,
        goal,
        Options {
            from,
            ..options(Optimize::Time, 1)
        },
    )
    .ok()?;
    let k = r.kept.iter().find(|k| k.fastest)?;
    Some(from.add_days(k.schedule.days.round() as i64))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn no_step_starts_outside_its_window(w in calendar_world()) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        if let Ok(r) = plan(&catalog, &profile, &goal, options(Optimize::Cost, 3)) {
            for k in &r.kept {
                for st in &k.schedule.steps {
                    let Some(window) = &st.step.window else { continue };
                    let start = day().add_days(st.start.round() as i64);
                    let (opens, closes) = window.of_year(window.year_of(start));
                    prop_assert!(opens <= start && start <= closes, "{} starts {start}, outside {opens}..{closes}", st.step.id);
                    prop_assert!(st.start + 1e-9 >= st.ready, "{} starts before it is ready", st.step.id);
                }
            }
        }
    }

    #[test]
    fn a_window_never_makes_a_plan_earlier(w in calendar_world()) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        let open = World { calendar: Vec::new(), ..w.clone() };
        let (free, _) = build(&open);
        if let (Some(with), Some(without)) = (
            finish_from(&catalog, &profile, &goal, day()),
            finish_from(&free, &profile, &goal, day()),
        ) {
            prop_assert!(with >= without, "windows made the plan earlier: {with} < {without}");
        }
    }

    #[test]
    fn starting_later_never_finishes_earlier(w in calendar_world(), later in 1i64..400) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        if let (Some(now), Some(then)) = (
            finish_from(&catalog, &profile, &goal, day()),
            finish_from(&catalog, &profile, &goal, day().add_days(later)),
        ) {
            prop_assert!(then >= now, "starting {later} days later finished earlier: {then} < {now}");
        }
    }

    #[test]
    fn holding_more_never_makes_a_calendar_plan_slower_or_dearer(w in calendar_world(), extra in 0usize..3) {
        let (catalog, profile) = build(&w);
        let top = w.routes.len() - 1;
        let goal = held(top);
        let mut more = profile.clone();
        more.credentials.push(HeldCredential { id: cred_id(extra % w.routes.len()), earned: Some(day()), expires: None });
        if let Ok(b) = plan(&catalog, &profile, &goal, options(Optimize::Time, 1)) {
            let a = plan(&catalog, &more, &goal, options(Optimize::Time, 1)).expect("still reachable with more held");
            if !a.already_met {
                let (bf, af) = (b.kept.iter().find(|k| k.fastest).unwrap(), a.kept.iter().find(|k| k.fastest).unwrap());
                let (bc, ac) = (b.kept.iter().find(|k| k.cheapest).unwrap(), a.kept.iter().find(|k| k.cheapest).unwrap());
                prop_assert!(af.schedule.days <= bf.schedule.days + 1e-9);
                prop_assert!(ac.schedule.cost.known <= bc.schedule.cost.known);
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_calendar_dates(w in calendar_world(), seed in any::<u64>()) {
        let (catalog, profile) = build(&w);
        let goal = held(w.routes.len() - 1);
        let a = plan(&catalog, &profile, &goal, options(Optimize::Time, seed));
        let b = plan(&catalog, &profile, &goal, options(Optimize::Time, seed));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let sims = |r: &labpath_engine::plan::PlanReport<'_>| r.kept.iter().map(|k| k.simulation.clone()).collect::<Vec<_>>();
                prop_assert_eq!(sims(&a), sims(&b));
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "same input, different answers"),
        }
    }
}

/// On the shipped catalog, for every example profile and several goals,
/// every step of every kept plan finds its preconditions met on its start
/// day (re-checked here from the schedule, with the plan's assumptions).
#[test]
fn real_plans_start_every_step_with_its_preconditions_met() {
    let catalog = labpath_shipped::catalog().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles");
    let goals = [
        "work-mls-ny",
        "work-mls-ca-h1b",
        "work-mls-no-license-state",
        "ca-cls-license",
        "ascp-mls",
        "ascpi-mls",
    ];
    let mut plans = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let base = labpath_catalog::profile::load(&path, &catalog).unwrap();
        for goal_id in goals {
            let (requirement, state) = match catalog.goal(goal_id) {
                Some(g) => (g.requires.clone(), g.work_state),
                None => (held_id(goal_id), None),
            };
            let mut profile = base.clone();
            profile.person.work_state = profile.person.work_state.or(state);
            let Ok(report) = plan(&catalog, &profile, &requirement, options(Optimize::Time, 5))
            else {
                continue;
            };
            // The plan starts from the profile with its passed exams'
            // credentials counted as held.
            let (start, _) = labpath_engine::plan::with_passed_exams(&catalog, &profile, day());
            for kept in &report.kept {
                plans += 1;
                let mut assumed = start.clone();
                assumed
                    .declarations
                    .extend(kept.schedule.assumptions.iter().map(|(k, _)| k.clone()));
                for st in &kept.schedule.steps {
                    let at = day().add_days(st.start.round() as i64);
                    let p = labpath_engine::plan::schedule::profile_at(
                        &assumed,
                        &catalog,
                        &kept.schedule.steps,
                        day(),
                        st.start,
                    );
                    assert!(
                        preconditions_hold(&catalog, &p, st.step, at),
                        "{}: goal {goal_id}: step {} starts on {at} with its preconditions unmet",
                        path.display(),
                        st.step.id
                    );
                }
            }
        }
    }
    assert!(plans >= 10, "only {plans} plans were checked");
}

fn held_id(id: &str) -> Requirement {
    Requirement::Credential(CredentialReq {
        any_of: vec![CredentialId::new(id).unwrap()],
        current: true,
    })
}

/// An exam recorded as passed grants what passing gives: a plan never has
/// the person sit it again, counts the credential it confers as held, and
/// says so; a failed attempt counts for nothing.
#[test]
fn a_passed_exam_is_not_sat_again() {
    use labpath_engine::ids::ExamId;
    use labpath_engine::profile::ExamResult;
    let catalog = labpath_shipped::catalog().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles/ph-medtech-graduate.toml");
    let base = labpath_catalog::profile::load(&path, &catalog).unwrap();
    let attempt = |passed| ExamResult {
        exam: ExamId::new("ascp-mls-exam").unwrap(),
        date: Date::parse("2025-03-01").unwrap(),
        passed,
        score: None,
    };
    let grants_mls = |step: &Step| {
        step.grants.iter().any(|g| match g {
            Grant::Credential(c) => c.as_str() == "ascp-mls",
            Grant::Exam(e) => e.as_str() == "ascp-mls-exam",
            _ => false,
        })
    };

    let mls = held_id("ascp-mls");
    let mut passed = base.clone();
    passed.exams.push(attempt(true));
    let report = plan(&catalog, &passed, &mls, options(Optimize::Time, 5)).unwrap();
    assert!(
        report.already_met,
        "MLS(ASCP) is not counted as held after its exam"
    );
    assert_eq!(report.pending.len(), 1);
    assert_eq!(report.pending[0].credential.as_str(), "ascp-mls");

    let ny = catalog.goal("work-mls-ny").unwrap();
    let report = plan(&catalog, &passed, &ny.requires, options(Optimize::Time, 5)).unwrap();
    for kept in &report.kept {
        for st in &kept.schedule.steps {
            assert!(
                !grants_mls(st.step),
                "the plan sits the passed exam again: {}",
                st.step.id
            );
        }
    }

    let mut failed = base.clone();
    failed.exams.push(attempt(false));
    let report = plan(&catalog, &failed, &mls, options(Optimize::Time, 5)).unwrap();
    assert!(!report.already_met);
    assert!(report.pending.is_empty());
    assert!(
        report.kept[report.chosen]
            .schedule
            .steps
            .iter()
            .any(|st| grants_mls(st.step)),
        "after a failed attempt the plan has the exam to sit"
    );
}

fn example_profile(catalog: &Catalog, file: &str) -> Profile {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles")
        .join(file);
    labpath_catalog::profile::load(&path, catalog).unwrap()
}

fn chosen_step_ids<'a>(report: &'a labpath_engine::plan::PlanReport<'_>) -> Vec<&'a str> {
    report.kept[report.chosen]
        .schedule
        .steps
        .iter()
        .map(|st| st.step.id.as_str())
        .collect()
}

fn tn_status() -> Requirement {
    Requirement::Eligible(labpath_engine::requirement::EligibleReq {
        credential: CredentialId::new("tn-medical-technologist").unwrap(),
    })
}

/// Regression: TN worked for a Canadian bachelor but not for a Canadian
/// with a diploma and three years of experience. The diploma route asks
/// whether the job is to perform diagnostic laboratory tests, a fact about
/// the job offer that no step obtained and no plan may assume; and its only
/// VisaScreen within a diploma holder's reach (medical technicians) was an
/// unconfirmed clause. The job-offer step now obtains the duties, and a
/// separate route marked uncertain takes the technician certificate.
#[test]
fn a_canadian_with_a_2_year_diploma_and_36_months_of_experience_gets_a_tn_plan() {
    let catalog = labpath_shipped::catalog().unwrap();
    let profile = example_profile(&catalog, "canadian-mlt-diploma.toml");
    let goal = tn_status();
    let report = plan(&catalog, &profile, &goal, options(Optimize::Time, 5))
        .expect("a TN plan for the Canadian diploma holder");
    let chosen = &report.kept[report.chosen].schedule;
    let ids = chosen_step_ids(&report);
    assert!(
        ids.contains(&"us-job-offer"),
        "the offer and its duties come from a step: {ids:?}"
    );
    assert!(ids.contains(&"visascreen-mlt-apply"), "{ids:?}");
    assert!(
        !ids.contains(&"clinical-experience"),
        "36 months of hospital work already meet the 3 years: {ids:?}"
    );
    assert!(
        chosen
            .choices
            .iter()
            .any(|c| c.contains("diploma plus 3 years' experience") && c.contains("uncertain")),
        "the plan names the uncertain route it relies on: {:?}",
        chosen.choices
    );
    for fact in ["tn_lab_testing_duties", "us_employer_offer"] {
        assert!(
            !chosen.assumptions.iter().any(|(k, _)| k == fact),
            "`{fact}` is obtained by the job-offer step, never assumed"
        );
    }
}

/// The same person with a Canadian bachelor's in medical laboratory science
/// still gets TN through the degree route, with the medical technologist
/// VisaScreen and the job-offer step.
#[test]
fn a_canadian_with_a_bachelors_still_gets_a_tn_plan_through_the_degree_route() {
    use labpath_engine::vocab::{DegreeLevel, FieldArea};
    let catalog = labpath_shipped::catalog().unwrap();
    let mut profile = example_profile(&catalog, "canadian-mlt-diploma.toml");
    profile.education[0].level = DegreeLevel::Bachelor;
    profile.education[0].field = FieldArea::MedicalLaboratoryScience;
    profile.experience.clear();
    profile.declarations = vec!["tn_degree_from_us_ca_mx".to_owned()];
    let goal = tn_status();
    let report = plan(&catalog, &profile, &goal, options(Optimize::Time, 5))
        .expect("a TN plan for the Canadian bachelor");
    let chosen = &report.kept[report.chosen].schedule;
    let ids = chosen_step_ids(&report);
    assert!(ids.contains(&"us-job-offer"), "{ids:?}");
    assert!(ids.contains(&"visascreen-mt-apply"), "{ids:?}");
    assert!(
        chosen
            .choices
            .iter()
            .any(|c| c.contains("Bachelor's or licenciatura degree")),
        "{:?}",
        chosen.choices
    );
}

/// Regression: an approved California trainee year did not open the
/// certification exam route it exists for. A trainee who finished the year
/// in an LFS-approved program now sits the ASCP MLS exam on it (route
/// `california-training`), takes the law quiz and applies: no second
/// training year, no year of work experience instead.
#[test]
fn a_california_trainee_with_an_approved_year_gets_the_cls_license_through_the_exam_not_more_training()
 {
    let catalog = labpath_shipped::catalog().unwrap();
    let text = r#"
[person]
name = "California CLS trainee who finished the approved year"
citizenship = ["US"]
residence = { country = "US", state = "CA", since = 2015-09-01 }
work_state = "CA"

[[education]]
title = "BS Biology"
level = "bachelor"
field = "biology"
country = "US"
completed = 2024-06-14
accreditation = "regional"

[[coursework]]
subject = "chemistry"
topics = ["analytical_chemistry", "biochemistry"]
hours = 16
[[coursework]]
subject = "biology"
topics = ["hematology", "immunology", "medical_microbiology"]
hours = 16
[[coursework]]
subject = "statistics"
hours = 3

[[program]]
kind = "ca_approved_cls_training"
name = "LFS-approved CLS training program"
completed = 2026-08-31
country = "US"

[[credential]]
id = "ca-cls-trainee"
earned = 2025-08-15
expires = 2026-12-31
"#;
    let profile = labpath_catalog::profile::from_text(
        "trainee.toml",
        text,
        labpath_catalog::parse::Format::Toml,
        &catalog,
    )
    .unwrap();
    let goal = held_id("ca-cls-license");
    let report = plan(&catalog, &profile, &goal, options(Optimize::Time, 5))
        .expect("a plan to the CLS license");
    let chosen = &report.kept[report.chosen].schedule;
    let ids = chosen_step_ids(&report);
    assert!(
        ids.contains(&"ascp-mls-sit"),
        "the exam the training year opens: {ids:?}"
    );
    assert!(ids.contains(&"ca-law-quiz-take"), "{ids:?}");
    assert!(ids.contains(&"ca-cls-apply"), "{ids:?}");
    for not_needed in [
        "ca-cls-training",
        "ca-cls-trainee-apply",
        "clinical-experience",
    ] {
        assert!(
            !ids.contains(&not_needed),
            "the year is done; `{not_needed}` is not needed: {ids:?}"
        );
    }
    assert!(
        chosen
            .choices
            .iter()
            .any(|c| c.contains("California-approved CLS training year")),
        "the exam is reached through the training year: {:?}",
        chosen.choices
    );
}
