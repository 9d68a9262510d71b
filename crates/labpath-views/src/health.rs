//! The catalog's health, for the people who keep its rules: how its facts
//! are sourced (by confidence and by area), which routes in force can never
//! pass and why, which credentials can never come out eligible, which fees
//! have no amount, which durations are estimates, and which facts are old
//! or dated only by the day they were read.
//!
//! A route "can never pass" when every way through it meets a rule the
//! sources did not let the catalog encode (`unconfirmed`): such a rule is
//! always "unknown", so no profile makes the route pass.

use std::collections::{BTreeMap, HashMap};

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::requirement::Requirement;
use labpath_engine::step::DurationBasis;
use labpath_engine::units::Date;
use serde::Serialize;
use serde_json::Value;

/// How old a fact's as-of date may be before the report lists it.
pub const STALE_AFTER_YEARS: u32 = 3;

/// The catalog's health on a day.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CatalogHealth))]
pub struct Health {
    /// The day routes are read in force on.
    pub as_of: Date,
    /// Credentials in the catalog.
    pub credentials: usize,
    /// Routes in force on `as_of`.
    pub routes_in_force: usize,
    /// Every sourced fact (each provenance in the catalog).
    pub facts: usize,
    /// Facts by confidence (`official`, `secondary`...).
    pub by_confidence: BTreeMap<&'static str, usize>,
    /// Facts by area of the catalog, with how many are official.
    pub by_area: Vec<Area>,
    /// The share of facts read on official pages, 0 to 1.
    pub official_share: f64,
    /// Routes in force that no profile can make pass.
    pub never_pass: Vec<BlockedRoute>,
    /// Credentials that can never come out eligible.
    pub never_eligible: Vec<NeverEligible>,
    /// Fees the catalog names without an amount.
    pub fees_without_amount: Vec<Gap>,
    /// Steps whose duration is an estimate.
    pub estimated_durations: Vec<Gap>,
    /// Facts whose as-of date is more than `STALE_AFTER_YEARS` old, oldest
    /// first.
    pub stale: Vec<Dated>,
    /// Facts dated by the day their sources were read, none of which
    /// carries a date of its own.
    pub dated_by_reading_only: usize,
}

/// Facts in one area.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Area {
    /// `credentials`, `steps`, `jurisdictions`...
    pub area: &'static str,
    /// Facts in it.
    pub facts: usize,
    /// Of which official.
    pub official: usize,
}

/// A route that can never pass, and the rules that stop it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockedRoute {
    /// The credential's id.
    pub credential: String,
    /// Its abbreviation.
    pub abbreviation: String,
    /// The route's id.
    pub route: String,
    /// The route's name.
    pub name: String,
    /// The unconfirmed rules on its branches, as the catalog words them.
    pub unconfirmed: Vec<String>,
}

/// A credential that can never be eligible, and why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeverEligible {
    /// The credential's id.
    pub credential: String,
    /// Its abbreviation.
    pub abbreviation: String,
    /// Why, in plain words.
    pub why: String,
}

/// A fact with something missing, by where it is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    /// The credential or step it belongs to.
    pub of: String,
    /// What it is.
    pub what: String,
}

/// A fact and its as-of date.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dated {
    /// Where it is in the catalog (`credentials[3].fees[0]`).
    pub at: String,
    /// Its as-of date.
    pub as_of: String,
}

/// The report for `as_of`.
pub fn report(catalog: &Catalog, as_of: Date) -> Health {
    let facts = facts(catalog);
    let mut by_confidence = BTreeMap::new();
    let mut areas: Vec<Area> = Vec::new();
    for f in &facts {
        *by_confidence.entry(f.confidence).or_insert(0) += 1;
        match areas.iter_mut().find(|a| a.area == f.area) {
            Some(a) => {
                a.facts += 1;
                a.official += usize::from(f.confidence == "official");
            }
            None => areas.push(Area {
                area: f.area,
                facts: 1,
                official: usize::from(f.confidence == "official"),
            }),
        }
    }
    let official = by_confidence.get("official").copied().unwrap_or(0);
    let stale_before = as_of.sub_years(STALE_AFTER_YEARS).to_string();
    let mut stale: Vec<Dated> = facts
        .iter()
        .filter(|f| f.as_of < stale_before)
        .map(|f| Dated {
            at: f.at.clone(),
            as_of: f.as_of.clone(),
        })
        .collect();
    stale.sort_by(|a, b| a.as_of.cmp(&b.as_of).then(a.at.cmp(&b.at)));
    let reading_days = reading_days(catalog);
    let dated_by_reading_only = facts
        .iter()
        .filter(|f| {
            !f.sources.is_empty()
                && f.sources
                    .iter()
                    .all(|s| reading_days.get(s.as_str()) == Some(&Some(f.as_of.clone())))
        })
        .count();

    let mut passable = Passable::new(catalog, as_of);
    let mut never_pass = Vec::new();
    let mut never_eligible = Vec::new();
    let mut routes_in_force = 0;
    for c in catalog.credentials() {
        let in_force: Vec<_> = c
            .routes
            .iter()
            .filter(|r| r.in_force.contains(as_of))
            .collect();
        routes_in_force += in_force.len();
        for r in &in_force {
            if !passable.requirement(&r.requires) {
                let mut unconfirmed = Vec::new();
                r.requires.walk(&mut |node| {
                    if let Requirement::Unconfirmed(u) = node {
                        unconfirmed.push(u.text.clone());
                    }
                });
                never_pass.push(BlockedRoute {
                    credential: c.id.as_str().to_owned(),
                    abbreviation: c.abbreviation.clone(),
                    route: r.id.as_str().to_owned(),
                    name: r.name.clone(),
                    unconfirmed,
                });
            }
        }
        let why = if in_force.is_empty() {
            Some(if c.routes.is_empty() {
                "the catalog has no route for it".to_owned()
            } else {
                "no route is in force".to_owned()
            })
        } else if !passable.credential(c) {
            Some(match in_force.len() {
                1 => "its one route in force meets a rule the catalog cannot check".to_owned(),
                n => {
                    format!("each of its {n} routes in force meets a rule the catalog cannot check")
                }
            })
        } else {
            None
        };
        if let Some(why) = why {
            never_eligible.push(NeverEligible {
                credential: c.id.as_str().to_owned(),
                abbreviation: c.abbreviation.clone(),
                why,
            });
        }
    }

    let mut fees_without_amount = Vec::new();
    for c in catalog.credentials() {
        for f in c.fees.iter().filter(|f| f.amount.is_none()) {
            fees_without_amount.push(Gap {
                of: c.abbreviation.clone(),
                what: f.label.clone(),
            });
        }
    }
    for s in catalog.steps() {
        for f in s.fees.iter().filter(|f| f.amount.is_none()) {
            fees_without_amount.push(Gap {
                of: s.name.clone(),
                what: f.label.clone(),
            });
        }
    }
    let estimated_durations = catalog
        .steps()
        .iter()
        .filter(|s| s.duration.basis == DurationBasis::Estimate)
        .map(|s| Gap {
            of: s.name.clone(),
            what: format!(
                "{} to {} days, most likely {}",
                s.duration.min_days, s.duration.max_days, s.duration.likely_days
            ),
        })
        .collect();

    Health {
        as_of,
        credentials: catalog.credentials().len(),
        routes_in_force,
        facts: facts.len(),
        by_confidence,
        by_area: areas,
        official_share: if facts.is_empty() {
            0.0
        } else {
            official as f64 / facts.len() as f64
        },
        never_pass,
        never_eligible,
        fees_without_amount,
        estimated_durations,
        stale,
        dated_by_reading_only,
    }
}

/// Whether a requirement, or a credential, can pass for some profile:
/// memoised per credential, since `eligible` rules name other credentials
/// (a credential met while it is being decided counts as not passable, so
/// a cycle cannot pass by itself).
struct Passable<'c> {
    catalog: &'c Catalog,
    as_of: Date,
    known: HashMap<&'c str, bool>,
}

impl<'c> Passable<'c> {
    fn new(catalog: &'c Catalog, as_of: Date) -> Self {
        Passable {
            catalog,
            as_of,
            known: HashMap::new(),
        }
    }

    fn credential(&mut self, c: &'c Credential) -> bool {
        if let Some(known) = self.known.get(c.id.as_str()) {
            return *known;
        }
        self.known.insert(c.id.as_str(), false);
        let as_of = self.as_of;
        let can = c
            .routes
            .iter()
            .filter(|r| r.in_force.contains(as_of))
            .any(|r| self.requirement(&r.requires));
        self.known.insert(c.id.as_str(), can);
        can
    }

    fn requirement(&mut self, r: &'c Requirement) -> bool {
        match r {
            Requirement::Unconfirmed(_) => false,
            Requirement::All(of) => of.iter().all(|x| self.requirement(x)),
            Requirement::Any(of) => of.iter().any(|x| self.requirement(x)),
            Requirement::AtLeast(a) => {
                let can = a.of.iter().filter(|x| self.requirement(x)).count();
                u32::try_from(can).unwrap_or(u32::MAX) >= a.n
            }
            Requirement::Eligible(e) => match self.catalog.credential(e.credential.as_str()) {
                Some(other) => self.credential(other),
                None => false,
            },
            _ => true,
        }
    }
}

/// One sourced fact: where it is and how it is sourced.
struct Fact {
    area: &'static str,
    at: String,
    confidence: &'static str,
    as_of: String,
    sources: Vec<String>,
}

/// Every provenance in the catalog, found in its serialized form (an
/// object with `sources`, `as_of` and `confidence`), so a part added to
/// the catalog later is counted without a change here.
fn facts(catalog: &Catalog) -> Vec<Fact> {
    let areas: [(&'static str, serde_json::Result<Value>); 9] = [
        ("credentials", serde_json::to_value(catalog.credentials())),
        ("exams", serde_json::to_value(catalog.exams())),
        ("bodies", serde_json::to_value(catalog.bodies())),
        (
            "jurisdictions",
            serde_json::to_value(catalog.jurisdictions()),
        ),
        ("steps", serde_json::to_value(catalog.steps())),
        ("goals", serde_json::to_value(catalog.goals())),
        ("maintenance", serde_json::to_value(catalog.maintenance())),
        ("restrictions", serde_json::to_value(catalog.restrictions())),
        ("countries", serde_json::to_value(catalog.countries())),
    ];
    let mut out = Vec::new();
    for (area, value) in areas {
        if let Ok(value) = value {
            collect(area, &value, &mut area.to_owned(), &mut out);
        }
    }
    out
}

fn collect(area: &'static str, value: &Value, at: &mut String, out: &mut Vec<Fact>) {
    match value {
        Value::Object(fields) => {
            if let (Some(Value::Array(sources)), Some(Value::String(as_of)), Some(confidence)) = (
                fields.get("sources"),
                fields.get("as_of"),
                fields.get("confidence").and_then(Value::as_str),
            ) {
                out.push(Fact {
                    area,
                    at: at.trim_end_matches(".provenance").to_owned(),
                    confidence: confidence_word(confidence),
                    as_of: as_of.clone(),
                    sources: sources
                        .iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect(),
                });
            }
            for (key, item) in fields {
                let len = at.len();
                at.push('.');
                at.push_str(key);
                collect(area, item, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("[{i}]"));
                collect(area, item, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The confidence's word as a `'static` key (the serialized form is the
/// same word).
fn confidence_word(word: &str) -> &'static str {
    use labpath_engine::provenance::Confidence;
    [
        Confidence::Official,
        Confidence::Secondary,
        Confidence::ApplicantReport,
        Confidence::Uncertain,
    ]
    .into_iter()
    .map(Confidence::label)
    .find(|l| l.replace('-', "_") == word.replace('-', "_"))
    .unwrap_or("unknown")
}

/// Each source's reading day, or `None` when the page carries its own date.
fn reading_days(catalog: &Catalog) -> HashMap<&str, Option<String>> {
    catalog
        .sources()
        .iter()
        .map(|s| {
            let day = match &s.dated {
                Some(_) => None,
                None => Some(s.read_on.to_string()),
            };
            (s.id.as_str(), day)
        })
        .collect()
}
