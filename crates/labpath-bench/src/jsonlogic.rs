//! labpath's requirement trees translated to JSONLogic and run by the
//! `datalogic-rs` interpreter on the facts of [`crate::facts`].
//!
//! Three-valued logic is numbers: pass 2, unknown 1, fail 0, so `all` is
//! `min`, `any` is `max` and `at_least` counts; a route not in force is -1.
//! Every leaf kind of the requirement vocabulary translates: the catalog
//! knowledge a leaf consults (the states' licenses for `work_state_license`,
//! another credential's routes for `eligible`) is compiled into the rule,
//! and the date arithmetic JSONLogic lacks (months of experience, months of
//! residence) is done once in the facts. A credential compiles to one rule
//! whose value is `[held, route 1, route 2, ...]`; the status is folded from
//! it by [`crate::decisions::status_of`], the rule labpath's engine uses.

use datalogic_rs::{Engine, Logic, ParsedData, Session};
use labpath_engine::catalog::{Catalog, Credential, Route};
use labpath_engine::eval::{Outcome, Status};
use labpath_engine::profile::Profile;
use labpath_engine::requirement::{
    CitizenshipReq, CourseworkReq, CredentialReq, DegreeReq, EnglishReq, ExamReq, ExperienceReq,
    ProgramReq, Requirement, ResidenceReq,
};
use labpath_engine::units::Date;
use labpath_engine::vocab::Level;
use serde_json::{Value, json};

use crate::decisions::{CredentialDecision, RouteDecision, status_of};
use crate::facts::{self, rank, ymd};

const PASS: i64 = 2;
const UNKNOWN: i64 = 1;
const FAIL: i64 = 0;
const NOT_IN_FORCE: i64 = -1;
/// The engine's tolerance for fractional hours and months.
const EPSILON: f64 = 1e-9;
/// How deep `eligible` leaves may nest, as in the engine.
const MAX_DEPTH: u8 = 4;

fn var(path: &str) -> Value {
    json!({ "var": path })
}

fn words<T: serde::Serialize>(items: &[T]) -> Value {
    serde_json::to_value(items).unwrap_or(Value::Null)
}

/// `{"if": [c1, v1, c2, v2, ..., else]}`.
fn chain(pairs: Vec<(Value, Value)>, otherwise: Value) -> Value {
    let mut args: Vec<Value> = pairs.into_iter().flat_map(|(c, v)| [c, v]).collect();
    args.push(otherwise);
    json!({ "if": args })
}

fn reaches(have: Value, need: f64) -> Value {
    json!({ ">=": [{ "+": [have, EPSILON] }, need] })
}

/// Whether any element of the array at `path` is in `list`.
fn any_in(path: &str, list: Value) -> Value {
    json!({ "some": [var(path), { "in": [var(""), list] }] })
}

/// A leaf no JSONLogic over these facts can express (none so far).
#[derive(Debug, Clone)]
pub struct Inexpressible {
    /// The leaf's kind.
    pub kind: &'static str,
}

/// Translates the catalog's rules.
pub struct Translator<'c> {
    catalog: &'c Catalog,
    /// The `within_years` of every experience rule, for the facts.
    pub windows: Vec<u32>,
}

impl<'c> Translator<'c> {
    /// A translator for `catalog`.
    pub fn new(catalog: &'c Catalog) -> Self {
        let mut windows = Vec::new();
        for c in catalog.credentials() {
            for r in &c.routes {
                r.requires.walk(&mut |node| {
                    if let Requirement::Experience(e) = node {
                        if let Some(y) = e.within_years {
                            if !windows.contains(&y) {
                                windows.push(y);
                            }
                        }
                    }
                });
            }
        }
        windows.sort_unstable();
        Translator { catalog, windows }
    }

    /// A requirement tree, evaluated `depth` `eligible` leaves deep.
    pub fn tree(&self, r: &Requirement, depth: u8) -> Result<Value, Inexpressible> {
        let children = |of: &[Requirement]| -> Result<Vec<Value>, Inexpressible> {
            of.iter().map(|c| self.tree(c, depth)).collect()
        };
        Ok(match r {
            Requirement::All(of) => fold("min", children(of)?),
            Requirement::Any(of) => fold("max", children(of)?),
            Requirement::AtLeast(a) => at_least(a.n, children(&a.of)?),
            Requirement::Degree(d) => degree(d),
            Requirement::Coursework(c) => coursework(c),
            Requirement::Credits(c) => chain(
                vec![
                    (json!({ "==": [var("cmax"), -1] }), json!(UNKNOWN)),
                    (
                        reaches(var("cmax"), c.min_semester_hours.value()),
                        json!(PASS),
                    ),
                    (var("call"), json!(FAIL)),
                ],
                json!(UNKNOWN),
            ),
            Requirement::Program(p) => program(p),
            Requirement::Experience(e) => experience(e),
            Requirement::Credential(c) => credential(c),
            Requirement::Exam(e) => exam(e),
            Requirement::Citizenship(c) => citizenship(c),
            Requirement::Residence(r) => residence(r),
            Requirement::English(e) => english(e),
            Requirement::Declared(d) => chain(
                vec![
                    (json!({ "in": [d.key, var("decl")] }), json!(PASS)),
                    (json!({ "in": [d.key, var("decn")] }), json!(FAIL)),
                ],
                json!(UNKNOWN),
            ),
            Requirement::WorkStateLicense(w) => self.work_state(w.level),
            Requirement::Unconfirmed(_) => json!(UNKNOWN),
            Requirement::Eligible(e) => match self.catalog.credential(e.credential.as_str()) {
                None => json!(UNKNOWN),
                Some(_) if depth >= MAX_DEPTH => json!(UNKNOWN),
                Some(c) => self.status(c, depth + 1)?,
            },
        })
    }

    /// A route's value: its tree where in force, else -1.
    pub fn route(&self, route: &Route, depth: u8) -> Result<Value, Inexpressible> {
        let tree = self.tree(&route.requires, depth)?;
        Ok(match in_force(route) {
            None => tree,
            Some(cond) => json!({ "if": [cond, tree, NOT_IN_FORCE] }),
        })
    }

    /// Another credential's status as an outcome (held or eligible 2,
    /// unknown 1, not yet or no route 0), for `eligible` leaves.
    fn status(&self, c: &Credential, depth: u8) -> Result<Value, Inexpressible> {
        let mut decisive = Vec::new();
        let mut fallback = Vec::new();
        let mut decisive_in_force = Vec::new();
        for route in &c.routes {
            if route.requires.is_wholly_unconfirmed() {
                // Unconfirmable routes have a value fixed by their shape.
                let value = json!(static_value(&route.requires));
                fallback.push(match in_force(route) {
                    None => value,
                    Some(cond) => json!({ "if": [cond, value, NOT_IN_FORCE] }),
                });
            } else {
                decisive.push(self.route(route, depth)?);
                decisive_in_force.push(in_force(route).unwrap_or(json!(true)));
            }
        }
        let best = fold_or("max", decisive, json!(NOT_IN_FORCE));
        fallback.push(json!(FAIL));
        let otherwise = json!({ "max": fallback });
        let best = if c.routes.iter().all(|r| !r.requires.is_wholly_unconfirmed()) {
            json!({ "max": [best, FAIL] })
        } else {
            json!({ "max": [best, { "if": [{ "or": decisive_in_force }, NOT_IN_FORCE, otherwise] }] })
        };
        Ok(json!({ "if": [{ "in": [c.id.as_str(), var("cur")] }, PASS, best] }))
    }

    fn work_state(&self, level: Level) -> Value {
        let mut pairs = vec![(json!({ "==": [var("ws"), ""] }), json!(UNKNOWN))];
        for j in self.catalog.jurisdictions() {
            let value = if !j.licenses_personnel {
                json!(PASS)
            } else {
                match j.license_for(level) {
                    Some(id) => json!({ "if": [{ "in": [id.as_str(), var("cur")] }, PASS, FAIL] }),
                    None => json!(UNKNOWN),
                }
            };
            pairs.push((json!({ "==": [var("ws"), j.code] }), value));
        }
        chain(pairs, json!(UNKNOWN))
    }

    /// A credential's rule: `[held, route 1, ...]`.
    pub fn credential(&self, c: &Credential) -> Result<Value, Inexpressible> {
        let mut items = vec![json!({ "in": [c.id.as_str(), var("cur")] })];
        for route in &c.routes {
            items.push(self.route(route, 0)?);
        }
        Ok(Value::Array(items))
    }
}

/// The condition that a route is in force on `day`, if it is not always.
fn in_force(route: &Route) -> Option<Value> {
    let mut conds = Vec::new();
    if let Some(from) = route.in_force.from {
        conds.push(json!({ ">=": [var("day"), ymd(from)] }));
    }
    if let Some(until) = route.in_force.until {
        conds.push(json!({ "<": [var("day"), ymd(until)] }));
    }
    match conds.len() {
        0 => None,
        1 => conds.pop(),
        _ => Some(json!({ "and": conds })),
    }
}

/// The value of a tree whose every leaf is unconfirmed (unknown).
fn static_value(r: &Requirement) -> i64 {
    let count = |of: &[Requirement], need: usize| {
        let values: Vec<i64> = of.iter().map(static_value).collect();
        let met = values.iter().filter(|v| **v == PASS).count();
        let open = values.iter().filter(|v| **v == UNKNOWN).count();
        if met >= need {
            PASS
        } else if met + open >= need {
            UNKNOWN
        } else {
            FAIL
        }
    };
    match r {
        Requirement::All(of) => count(of, of.len()),
        Requirement::Any(of) => count(of, 1.min(of.len())),
        Requirement::AtLeast(a) => count(&a.of, a.n as usize),
        _ => UNKNOWN,
    }
}

fn fold(op: &str, values: Vec<Value>) -> Value {
    fold_or(op, values, json!(PASS))
}

fn fold_or(op: &str, mut values: Vec<Value>, empty: Value) -> Value {
    match values.len() {
        0 => empty,
        1 => values.pop().unwrap_or(empty),
        _ => json!({ op: values }),
    }
}

fn at_least(n: u32, children: Vec<Value>) -> Value {
    if n == 0 {
        return json!(PASS);
    }
    let count = |min: i64| -> Value {
        let ones: Vec<Value> = children
            .iter()
            .map(|c| json!({ "if": [{ ">=": [c, min] }, 1, 0] }))
            .collect();
        json!({ "+": ones })
    };
    chain(
        vec![
            (json!({ ">=": [count(PASS), n] }), json!(PASS)),
            (json!({ ">=": [count(UNKNOWN), n] }), json!(UNKNOWN)),
        ],
        json!(FAIL),
    )
}

/// One degree against the rule (in the scope of an `edu` element), then the
/// best over the degrees; no degree at all is unknown.
fn degree(r: &DegreeReq) -> Value {
    let min = rank(r.min_level);
    let level = if r.us_equivalent {
        json!({ "if": [{ "!=": [var("e"), -1] }, var("e"), var("l")] })
    } else {
        var("l")
    };
    let mut pairs = vec![(json!({ "!": var("done") }), json!(FAIL))];
    if !r.earned_outside.is_empty() {
        pairs.push((
            json!({ "in": [var("c"), words(&r.earned_outside)] }),
            json!(FAIL),
        ));
    }
    pairs.push((json!({ "<": [level, min] }), json!(FAIL)));
    if !r.fields.is_empty() {
        pairs.push((
            json!({ "!": { "in": [var("f"), words(&r.fields)] } }),
            json!(FAIL),
        ));
    }
    if r.accredited {
        pairs.push((json!({ "==": [var("a"), "?"] }), json!(UNKNOWN)));
        pairs.push((json!({ "==": [var("a"), "n"] }), json!(FAIL)));
    }
    let otherwise = if r.us_equivalent {
        let unevaluated = json!({ "and": [var("fo"), { "==": [var("e"), -1] }] });
        let usual = chain(
            vec![
                (json!({ "<=": [min, var("ulo")] }), json!(PASS)),
                (json!({ "<=": [min, var("uhi")] }), json!(UNKNOWN)),
            ],
            json!(FAIL),
        );
        json!({ "if": [unevaluated, usual, PASS] })
    } else {
        json!(PASS)
    };
    let one = chain(pairs, otherwise);
    let best = json!({ "reduce": [
        { "map": [var("edu"), one] },
        { "max": [var("current"), var("accumulator")] },
        FAIL,
    ] });
    json!({ "if": [var("edu0"), UNKNOWN, best] })
}

fn coursework(r: &CourseworkReq) -> Value {
    let have = r
        .subjects
        .iter()
        .map(|s| var(&format!("hrs.{}", s.word())))
        .reduce(|a, b| json!({ "+": [a, b] }))
        .unwrap_or(json!(0));
    let mut conds = vec![reaches(have, r.min_semester_hours.value())];
    for alternatives in &r.includes {
        let any: Vec<Value> = r
            .subjects
            .iter()
            .flat_map(|s| {
                alternatives
                    .iter()
                    .map(move |t| json!({ "in": [t, var(&format!("top.{}", s.word()))] }))
            })
            .collect();
        conds.push(json!({ "or": any }));
    }
    chain(
        vec![
            (json!({ "and": conds }), json!(PASS)),
            (var("told"), json!(FAIL)),
        ],
        json!(UNKNOWN),
    )
}

fn program(r: &ProgramReq) -> Value {
    let kinds = words(&r.kinds);
    match r.within_years {
        None => {
            json!({ "if": [{ "some": [var("prog"), { "in": [var("k"), kinds] }] }, PASS, FAIL] })
        }
        Some(years) => {
            let latest = json!({ "reduce": [
                { "filter": [var("prog"), { "in": [var("k"), kinds] }] },
                { "max": [var("current.c"), var("accumulator")] },
                -100_000_000,
            ] });
            let closes = json!({ "+": [latest, i64::from(years) * 10_000] });
            json!({ "if": [{ "<=": [var("day"), closes] }, PASS, FAIL] })
        }
    }
}

/// Whether a work period counts for the rule (in the scope of an `exp`
/// element): 2 certainly, 0 never, 1 when a missing fact decides.
fn period_counts(r: &ExperienceReq) -> Value {
    let discipline = if r.disciplines.is_empty() {
        json!(PASS)
    } else {
        chain(
            vec![
                (var("d0"), json!(UNKNOWN)),
                (any_in("d", words(&r.disciplines)), json!(PASS)),
            ],
            json!(FAIL),
        )
    };
    let accredited = || {
        chain(
            vec![
                (var("a0"), json!(UNKNOWN)),
                (any_in("a", words(&r.accreditations)), json!(PASS)),
            ],
            json!(FAIL),
        )
    };
    let in_country = json!({ "in": [var("c"), words(&r.countries)] });
    let place = match (r.countries.is_empty(), r.accreditations.is_empty()) {
        (true, true) => json!(PASS),
        (false, true) => json!({ "if": [in_country, PASS, FAIL] }),
        (true, false) => accredited(),
        (false, false) => json!({ "if": [in_country, PASS, accredited()] }),
    };
    json!({ "if": [var("cl"), { "min": [discipline, place] }, FAIL] })
}

fn experience(r: &ExperienceReq) -> Value {
    let months = match r.within_years {
        Some(y) => format!("current.w{y}"),
        None => "current.m".to_owned(),
    };
    let counts = period_counts(r);
    let sum = |cond: Value| {
        json!({ "reduce": [
            { "filter": [var("exp"), cond] },
            { "+": [var("accumulator"), var(&months)] },
            0,
        ] })
    };
    let need = f64::from(r.months);
    let need_each = f64::from(r.min_months_each.unwrap_or(0));
    let mut certain = vec![reaches(sum(json!({ "==": [counts, PASS] })), need)];
    let mut possible = vec![reaches(sum(json!({ ">=": [counts, UNKNOWN] })), need)];
    for d in &r.each_of {
        let has = json!({ "in": [d, var("d")] });
        certain.push(reaches(
            sum(json!({ "and": [{ ">=": [counts, UNKNOWN] }, has] })),
            need_each,
        ));
        possible.push(reaches(
            sum(json!({ "and": [{ ">=": [counts, UNKNOWN] }, { "or": [has, var("d0")] }] })),
            need_each,
        ));
    }
    chain(
        vec![
            (json!({ "and": certain }), json!(PASS)),
            (json!({ "and": possible }), json!(UNKNOWN)),
        ],
        json!(FAIL),
    )
}

fn credential(r: &CredentialReq) -> Value {
    let list = var(if r.current { "cur" } else { "held" });
    let any: Vec<Value> = r
        .any_of
        .iter()
        .map(|id| json!({ "in": [id.as_str(), list] }))
        .collect();
    if any.is_empty() {
        return json!(FAIL);
    }
    json!({ "if": [{ "or": any }, PASS, FAIL] })
}

fn exam(r: &ExamReq) -> Value {
    let dated: Vec<Value> = r
        .accepted
        .iter()
        .map(|a| {
            let mut inside = vec![json!(true)];
            if let Some(from) = a.from {
                inside.push(json!({ ">=": [var(""), ymd(from)] }));
            }
            if let Some(until) = a.until {
                inside.push(json!({ "<": [var(""), ymd(until)] }));
            }
            let days = json!({ "var": [format!("exd.{}", a.exam.as_str()), []] });
            json!({ "some": [days, { "and": inside }] })
        })
        .collect();
    // Passed on a day not given: the last accepted exam so passed decides,
    // and passes only when that exam has no dates.
    let undated: Vec<(Value, Value)> = r
        .accepted
        .iter()
        .rev()
        .map(|a| {
            let open = a.from.is_none() && a.until.is_none();
            (
                json!({ "in": [a.exam.as_str(), var("exu")] }),
                json!(if open { PASS } else { UNKNOWN }),
            )
        })
        .collect();
    let mut pairs = vec![(json!({ "or": dated }), json!(PASS))];
    pairs.extend(undated);
    chain(pairs, json!(FAIL))
}

fn citizenship(r: &CitizenshipReq) -> Value {
    let mut pairs = vec![(var("cit0"), json!(UNKNOWN))];
    if !r.none_of.is_empty() {
        pairs.push((any_in("cit", words(&r.none_of)), json!(FAIL)));
    }
    let last = if r.any_of.is_empty() {
        json!(PASS)
    } else {
        json!({ "if": [any_in("cit", words(&r.any_of)), PASS, FAIL] })
    };
    chain(pairs, last)
}

fn residence(r: &ResidenceReq) -> Value {
    let here = json!({ "or": [
        { "==": [var("res.s"), r.place] },
        { "and": [{ "==": [var("res.s"), ""] }, { "==": [var("res.c"), r.place] }] },
    ] });
    chain(
        vec![
            (var("res0"), json!(UNKNOWN)),
            (json!({ "!": here }), json!(FAIL)),
            (json!({ "==": [var("res.m"), -1] }), json!(UNKNOWN)),
            (reaches(var("res.m"), f64::from(r.months)), json!(PASS)),
        ],
        json!(FAIL),
    )
}

fn english(r: &EnglishReq) -> Value {
    let mut pass = Vec::new();
    if !r.exempt_if_educated_in.is_empty() {
        pass.push(json!({ "some": [var("edu"), { "and": [
            var("done"),
            { "in": [var("c"), words(&r.exempt_if_educated_in)] },
        ] }] }));
    }
    let minimums: Vec<Value> = r
        .tests
        .iter()
        .map(|m| {
            let mut all = vec![
                json!({ "==": [var("t"), m.test] }),
                reaches(var("o"), m.overall),
            ];
            if let Some(s) = m.speaking {
                all.push(json!({ "!=": [var("s"), -1] }));
                all.push(reaches(var("s"), s));
            }
            json!({ "and": all })
        })
        .collect();
    pass.push(json!({ "some": [var("eng"), { "or": minimums }] }));
    chain(
        vec![
            (json!({ "or": pass }), json!(PASS)),
            (var("eng0"), json!(UNKNOWN)),
        ],
        json!(FAIL),
    )
}

/// The whole catalog compiled for `datalogic-rs`.
pub struct JsonLogicCatalog {
    engine: Engine,
    /// Per credential of the catalog, in order: its compiled rule.
    rules: Vec<Logic>,
    /// The `within_years` windows the facts must carry.
    windows: Vec<u32>,
    /// Routes translated, and leaves that could not be (none today).
    pub routes: usize,
}

/// Pre-converted facts, parsed once into the interpreter's own form.
pub struct Prepared(ParsedData);

impl JsonLogicCatalog {
    /// Translates and compiles every credential's routes.
    pub fn compile(catalog: &Catalog) -> Result<Self, String> {
        let translator = Translator::new(catalog);
        let engine = Engine::new();
        let mut rules = Vec::new();
        let mut routes = 0;
        for c in catalog.credentials() {
            let rule = translator
                .credential(c)
                .map_err(|e| format!("`{}`: a `{}` leaf has no JSONLogic form", c.id, e.kind))?;
            let logic = engine
                .compile(rule.to_string().as_str())
                .map_err(|e| format!("`{}`: datalogic-rs refuses the rule: {e}", c.id))?;
            routes += c.routes.len();
            rules.push(logic);
        }
        Ok(JsonLogicCatalog {
            engine,
            rules,
            windows: translator.windows,
            routes,
        })
    }

    /// The facts of a profile on a day, as the rules read them.
    pub fn facts(&self, catalog: &Catalog, profile: &Profile, day: Date) -> Value {
        facts::derive(catalog, profile, day, &self.windows)
    }

    /// The facts, parsed for the interpreter (the pre-conversion the
    /// benchmark does not time).
    pub fn prepare(&self, catalog: &Catalog, profile: &Profile, day: Date) -> Prepared {
        let text = self.facts(catalog, profile, day).to_string();
        match ParsedData::from_json(&text) {
            Ok(p) => Prepared(p),
            // The facts are serde_json's own output: always valid JSON.
            Err(_) => Prepared(ParsedData::from_json("{}").unwrap_or_else(|_| unreachable!())),
        }
    }

    /// A session to evaluate in (it keeps its arena between calls).
    pub fn session(&self) -> Session<'_> {
        self.engine.session()
    }

    /// Every credential's decisions on the prepared facts.
    pub fn decide(
        &self,
        catalog: &Catalog,
        session: &mut Session<'_>,
        facts: &Prepared,
    ) -> Vec<CredentialDecision> {
        let mut flat = Flat::default();
        self.decide_into(catalog, session, facts, &mut flat);
        let mut routes = flat.routes.into_iter();
        catalog
            .credentials()
            .iter()
            .zip(flat.status)
            .map(|(c, status)| CredentialDecision {
                status,
                routes: routes.by_ref().take(c.routes.len()).collect(),
            })
            .collect()
    }

    /// Every credential's decisions into a reused buffer (what is timed:
    /// no allocation per call once the buffer has grown).
    pub fn decide_into(
        &self,
        catalog: &Catalog,
        session: &mut Session<'_>,
        facts: &Prepared,
        out: &mut Flat,
    ) {
        out.status.clear();
        out.routes.clear();
        for (c, rule) in catalog.credentials().iter().zip(&self.rules) {
            let start = out.routes.len();
            let held = decide_one(c, rule, session, facts, &mut out.routes);
            let routes = &out.routes[start..];
            out.status.push(if routes.len() == c.routes.len() {
                status_of(held, c, routes)
            } else {
                // A rule that did not evaluate: a status no engine gives
                // for it, so the agreement check reports it.
                Status::NoRoute
            });
        }
        session.reset();
    }
}

/// Decisions laid out flat: statuses in catalog order, then every route of
/// every credential one after another.
#[derive(Debug, Default)]
pub struct Flat {
    /// Per credential.
    pub status: Vec<Status>,
    /// Per route.
    pub routes: Vec<RouteDecision>,
}

/// Evaluates one credential's rule, pushes its routes; whether it is held.
fn decide_one(
    c: &Credential,
    rule: &Logic,
    session: &mut Session<'_>,
    facts: &Prepared,
    out: &mut Vec<RouteDecision>,
) -> bool {
    let Ok(value) = session.eval_borrowed(rule, &facts.0) else {
        return false;
    };
    let Some(items) = value.as_array() else {
        return false;
    };
    out.extend(
        items
            .iter()
            .skip(1)
            .take(c.routes.len())
            .map(|v| match v.as_i64() {
                Some(PASS) => RouteDecision::In(Outcome::Pass),
                Some(UNKNOWN) => RouteDecision::In(Outcome::Unknown),
                Some(FAIL) => RouteDecision::In(Outcome::Fail),
                _ => RouteDecision::NotInForce,
            }),
    );
    items.first().and_then(|v| v.as_bool()) == Some(true)
}
