//! The validated catalog: bodies, credentials with their routes, exams,
//! jurisdictions, sources and the glossary. A `Catalog` is only built by the
//! loader after every reference has been checked, so the engine can look
//! things up without failing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::eval::Program;
use crate::explain::describe_requirement;
use crate::ids::{BodyId, CredentialId, ExamId, RouteId, SourceId};
use crate::maintenance::RuleSet;
use crate::profile::Education;
use crate::provenance::{Provenance, Source};
use crate::requirement::Requirement;
use crate::step::{Goal, Step, StepId};
use crate::units::{Code, Date, Money};
use crate::vocab::{CredentialKind, DegreeLevel, FieldArea, Level, UsEquivalent};

/// A certifying body, agency or service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Stable id.
    pub id: BodyId,
    /// Full name.
    pub name: String,
    /// Usual short name (ASCP BOC, LFS, NYSED OP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The state or country it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<Code>,
    /// What to do, in order, when an application to this body stalls
    /// (`[[body.escalation]]`); empty when the catalog knows no playbook.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<EscalationStep>,
    /// Where these facts come from.
    pub provenance: Provenance,
}

/// One step of a body's escalation playbook: an action an applicant takes
/// when an application has waited too long, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Days to wait before this action: for the first step, days since the
    /// application was submitted; for each later one, days since the step
    /// before it was taken.
    pub after_days: u32,
    /// The action, as an instruction ("send a written status request").
    pub action: String,
    /// How to do it: where to look, whom to write to, what to say.
    pub how: String,
    /// Where the advice comes from (an agency page, or applicants' reports).
    pub provenance: Provenance,
}

/// An examination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Exam {
    /// Stable id.
    pub id: ExamId,
    /// Name.
    pub name: String,
    /// Who gives it.
    pub body: BodyId,
    /// The credential it leads to, if passing it confers one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confers: Option<CredentialId>,
    /// The passing score, where one is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_score: Option<u32>,
    /// Notes on format and scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where these facts come from.
    pub provenance: Provenance,
}

/// When a fee is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Paid to obtain the credential (application, exam, first license).
    Initial,
    /// Paid to keep it (renewal, annual fee).
    Renewal,
    /// Paid only if chosen (expedited review, paper forms, verification).
    Optional,
    /// Paid only in some cases (endorsement, late renewal, reactivation).
    Conditional,
}

/// Who pays a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// The person (the default).
    #[default]
    Person,
    /// The employer: H-1B petition fees, some of which the law bars passing
    /// on to the worker. A plan lists them apart and does not add them to
    /// the person's total.
    Employer,
}

impl Payer {
    fn is_person(&self) -> bool {
        *self == Payer::Person
    }
}

/// A fee, with the values sources disagree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// What it pays for.
    pub label: String,
    /// When it is paid; plans count only initial fees.
    pub kind: FeeKind,
    /// The amount the catalog uses; absent when no source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Where it comes from.
    pub provenance: Provenance,
    /// Other amounts other sources give.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputed: Vec<DisputedAmount>,
    /// Who pays it.
    #[serde(default, skip_serializing_if = "Payer::is_person")]
    pub payer: Payer,
    /// The days it is charged (a proclamation's term); a plan counts it only
    /// for a step that starts inside them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force: Option<InForce>,
    /// What is known after `in_force.until` when the end is not certain
    /// ("whether it was extended is not known"): a step starting after it
    /// lists the fee as unsettled instead of dropping it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_until: Option<String>,
    /// Whom it concerns by where the worker lives: the $100,000 H-1B
    /// payment is charged for a worker outside the US. Without it, everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if_living: Option<LivesIn>,
}

/// Where a worker lives, for a fee that depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LivesIn {
    /// In the US.
    Us,
    /// Outside the US.
    Abroad,
}

impl LivesIn {
    /// Whether a person living in `country` (unknown: `None`) is concerned;
    /// an unknown residence is concerned, so a fee is never hidden for want
    /// of an answer.
    pub fn concerns(self, country: Option<Code>) -> bool {
        match (self, country) {
            (_, None) => true,
            (LivesIn::Us, Some(c)) => c == Code::US,
            (LivesIn::Abroad, Some(c)) => c != Code::US,
        }
    }
}

/// Whether a fee is charged on a day, for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charged {
    /// Charged.
    Yes,
    /// Not charged (outside its dates, or it does not concern the person).
    No,
    /// Past its known end, with its status after that unknown.
    Unsettled,
}

impl Fee {
    /// Whether the fee is charged on `day`, given whether `applies_if`
    /// holds for the person then (`concerns`).
    pub fn charged(&self, day: Date, concerns: bool) -> Charged {
        if !concerns {
            return Charged::No;
        }
        match self.in_force {
            Some(f) if f.from.is_some_and(|from| day < from) => Charged::No,
            Some(f) if f.until.is_some_and(|until| day >= until) => {
                if self.after_until.is_some() {
                    Charged::Unsettled
                } else {
                    Charged::No
                }
            }
            _ => Charged::Yes,
        }
    }
}

/// An amount another source gives for the same fee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputedAmount {
    /// The amount.
    pub amount: Money,
    /// Its source.
    pub provenance: Provenance,
}

/// How a credential is kept alive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    /// Cycle length in years, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_years: Option<u32>,
    /// Continuing-education hours or points per cycle, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ce_hours: Option<f64>,
    /// Plain-words summary, including what is unknown.
    pub summary: String,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// A former or alternative name of a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormerName {
    /// The old name, e.g. `MT(ASCP)`.
    pub name: String,
    /// The day the new name took over, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// When a route is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InForce {
    /// First day in force (absent: since before the catalog's sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    /// First day no longer in force (absent: still in force).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

impl InForce {
    /// Whether the rule applies on `day`.
    pub fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day < until)
    }
}

/// One alternative set of requirements that qualifies for a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Id within the credential (`route-1`).
    pub id: RouteId,
    /// Name as the body numbers it (`Route 1`).
    pub name: String,
    /// Plain-language summary.
    pub summary: String,
    /// When it applies.
    #[serde(default)]
    pub in_force: InForce,
    /// The requirement tree.
    pub requires: Requirement,
    /// Where the route text comes from; applies to each of its clauses.
    pub provenance: Provenance,
}

/// A certification, license, permit, role qualification or visa prerequisite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Stable id, e.g. `ascp-mls`.
    pub id: CredentialId,
    /// Full name.
    pub name: String,
    /// How holders write it, e.g. `MLS(ASCP)`.
    pub abbreviation: String,
    /// Who issues it.
    pub body: BodyId,
    /// What sort of credential it is.
    pub kind: CredentialKind,
    /// The professional level.
    pub level: Level,
    /// The state or country it applies in, for licenses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<Code>,
    /// Other spellings people use for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Former names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<FormerName>,
    /// The exam that leads to it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exam: Option<ExamId>,
    /// What it allows, in plain words.
    pub summary: String,
    /// The routes to it. An empty list means the catalog has no encodable
    /// route (the reason is in `notes`).
    #[serde(default, rename = "route", skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Fees.
    #[serde(default, rename = "fee", skip_serializing_if = "Vec::is_empty")]
    pub fees: Vec<Fee>,
    /// Renewal, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal: Option<Renewal>,
    /// Open questions and caveats users should see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Where the credential's own facts come from.
    pub provenance: Provenance,
}

/// A class of US visa, as a restriction names what it suspends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisaClass {
    /// Every visa, immigrant and nonimmigrant.
    All,
    /// Immigrant visas (a green card through consular processing).
    Immigrant,
    /// H-1B.
    H1b,
    /// TN (Canadians need none; Mexicans do).
    Tn,
    /// B visitor visas.
    B,
    /// F student visas.
    F,
    /// M vocational student visas.
    M,
    /// J exchange visitor visas.
    J,
}

impl VisaClass {
    /// Plain words, for one visa ("an immigrant visa").
    pub fn label(self) -> &'static str {
        match self {
            VisaClass::All => "any visa",
            VisaClass::Immigrant => "an immigrant visa",
            VisaClass::H1b => "an H-1B visa",
            VisaClass::Tn => "a TN visa",
            VisaClass::B => "a B visitor visa",
            VisaClass::F => "an F student visa",
            VisaClass::M => "an M student visa",
            VisaClass::J => "a J exchange visa",
        }
    }
}

/// A restriction on visas for citizens of some countries (a presidential
/// proclamation, a pause in issuance), with its dates: a plan whose steps
/// need such a visa says so in its first lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    /// Stable id.
    pub id: String,
    /// Name ("Proclamation 10998: full suspension").
    pub name: String,
    /// Citizenships it concerns.
    pub countries: Vec<Code>,
    /// The visas it suspends.
    pub visas: Vec<VisaClass>,
    /// Its dates.
    pub in_force: InForce,
    /// What it does and whom it spares (exceptions), in plain words.
    pub summary: String,
    /// What is known after `in_force.until`, or of its review, when the
    /// sources leave it open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Sources.
    pub provenance: Provenance,
}

impl Restriction {
    /// Whether it suspends visas of `class`.
    pub fn covers(&self, class: VisaClass) -> bool {
        self.visas
            .iter()
            .any(|&v| v == VisaClass::All || v == class)
    }
}

/// How a country outside the US educates laboratory staff: its usual
/// degrees and what credential evaluators usually find them equivalent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// Two-letter code.
    pub code: Code,
    /// How laboratory staff are educated and licensed there, in plain words.
    pub summary: String,
    /// Its usual laboratory degrees and diplomas.
    #[serde(default, rename = "degree", skip_serializing_if = "Vec::is_empty")]
    pub degrees: Vec<ForeignDegree>,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// One of a country's usual laboratory degrees or diplomas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForeignDegree {
    /// Stable id ("ph-bs-medical-technology").
    pub id: String,
    /// Its usual name ("BS Medical Technology").
    pub title: String,
    /// Other ways people write it ("BSMT").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its level at home.
    pub level: DegreeLevel,
    /// Its field.
    pub field: FieldArea,
    /// Its usual length in years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<f64>,
    /// What evaluators usually find it equivalent to in the US.
    pub us_equivalent: UsEquivalent,
    /// What it is and what evaluators find, in plain words.
    pub summary: String,
    /// The sources of the equivalence.
    pub provenance: Provenance,
}

impl ForeignDegree {
    /// Whether `title` is this degree's name or one of its aliases, read
    /// without case, spaces or punctuation ("B.Sc. MLT" is "BSc MLT").
    pub fn is_called(&self, title: &str) -> bool {
        name_key(title).next().is_some()
            && std::iter::once(&self.title)
                .chain(&self.aliases)
                .any(|name| name_key(name).eq(name_key(title)))
    }
}

/// A degree name reduced to its ASCII letters and digits, lower-cased (read
/// as it goes, once per degree of every profile evaluated). Read as bytes:
/// no byte of a multi-byte character is an ASCII letter or digit.
fn name_key(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
}

/// A US state or territory and whether it licenses laboratory personnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    /// Two-letter code.
    pub code: Code,
    /// Name.
    pub name: String,
    /// Whether it licenses clinical laboratory personnel.
    pub licenses_personnel: bool,
    /// The license a technologist needs there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technologist_license: Option<CredentialId>,
    /// The license a technician needs there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_license: Option<CredentialId>,
    /// Plain-words answer for this jurisdiction.
    pub summary: String,
    /// Where it comes from.
    pub provenance: Provenance,
}

impl Jurisdiction {
    /// The license needed at a level, if this jurisdiction has one.
    pub fn license_for(&self, level: Level) -> Option<&CredentialId> {
        match level {
            Level::Technologist => self.technologist_license.as_ref(),
            Level::Technician => self.technician_license.as_ref(),
            _ => None,
        }
    }
}

/// A glossary entry: a term, what it means, and its synonyms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GlossaryTerm {
    /// The term.
    pub term: String,
    /// Synonyms and abbreviations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The meaning, with history where it matters.
    pub meaning: String,
    /// Credentials the term refers to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<CredentialId>,
    /// Where it comes from.
    pub provenance: Provenance,
}

/// The whole validated catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    sources: Part<Source>,
    bodies: Vec<Body>,
    exams: Vec<Exam>,
    credentials: Vec<Credential>,
    jurisdictions: Vec<Jurisdiction>,
    glossary: Part<GlossaryTerm>,
    steps: Part<Step>,
    goals: Part<Goal>,
    maintenance: Part<RuleSet>,
    restrictions: Part<Restriction>,
    countries: Vec<Country>,
    credential_index: Index<CredentialId>,
    exam_index: Index<ExamId>,
    // Steps and bodies are looked up once per application by the tracker's
    // overdue scan, hundreds of thousands of times.
    step_index: Cache<Index<StepId>>,
    body_index: Index<BodyId>,
    source_index: Cache<Index<SourceId>>,
    /// The credentials' routes compiled for decisions, on first use.
    program: OnceLock<Program>,
    /// Each route requirement's rule text, by the requirement's address,
    /// rendered on first use.
    rule_texts: Cache<HashMap<usize, String, foldhash::fast::RandomState>>,
}

/// A value computed from a catalog on first use, keyed by the addresses of
/// the catalog's own parts: a copy of the catalog starts without it (its
/// parts live elsewhere) and computes its own.
#[derive(Debug, Default)]
struct Cache<T>(OnceLock<T>);

impl<T> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Cache(OnceLock::new())
    }
}

/// A requirement's address, the key of the texts rendered for the
/// catalog's own requirements.
fn address(requirement: &Requirement) -> usize {
    requirement as *const Requirement as usize
}

/// Position by id. The keys are the catalog's own ids (a lookup of any text
/// cannot grow a table), so a fast hash (foldhash) serves: every answer
/// looks up hundreds of sources and credentials, and SipHash was a tenth of
/// rendering one.
type Index<K> = HashMap<K, usize, foldhash::fast::RandomState>;

/// A part of the catalog that most commands never read (steps, goals,
/// sources...): held as given, or read on first use by a function that
/// hands it over whole ([`LaterParts`]).
#[derive(Debug)]
struct Part<T> {
    items: OnceLock<Vec<T>>,
    read: Option<fn() -> Vec<T>>,
}

impl<T> Part<T> {
    fn given(items: Vec<T>) -> Self {
        Part {
            items: OnceLock::from(items),
            read: None,
        }
    }

    fn later(read: fn() -> Vec<T>) -> Self {
        Part {
            items: OnceLock::new(),
            read: Some(read),
        }
    }

    fn get(&self) -> &[T] {
        self.items
            .get_or_init(|| self.read.map_or_else(Vec::new, |read| read()))
    }

    fn into_items(self) -> Vec<T> {
        match (self.items.into_inner(), self.read) {
            (Some(items), _) => items,
            (None, Some(read)) => read(),
            (None, None) => Vec::new(),
        }
    }
}

impl<T> Default for Part<T> {
    fn default() -> Self {
        Part::given(Vec::new())
    }
}

impl<T: Clone> Clone for Part<T> {
    fn clone(&self) -> Self {
        match self.items.get() {
            Some(items) => Part::given(items.clone()),
            None => Part {
                items: OnceLock::new(),
                read: self.read,
            },
        }
    }
}

/// An index from each item's id to its position, built on first use.
fn index_of<'a, T: 'a, K: std::hash::Hash + Eq>(
    items: impl IntoIterator<Item = &'a T>,
    id: impl Fn(&T) -> K,
) -> Index<K> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (id(item), i))
        .collect()
}

/// The parts of a catalog that can be read when first used, each by a
/// function that hands it over whole, already checked: the shipped catalog
/// (`labpath-shipped`) decodes them from the binary only when a command
/// looks at them, which `labpath check` never does.
#[derive(Debug, Clone, Copy)]
pub struct LaterParts {
    /// Cited sources.
    pub sources: fn() -> Vec<Source>,
    /// Glossary.
    pub glossary: fn() -> Vec<GlossaryTerm>,
    /// Steps.
    pub steps: fn() -> Vec<Step>,
    /// Goals.
    pub goals: fn() -> Vec<Goal>,
    /// Maintenance rule sets.
    pub maintenance: fn() -> Vec<RuleSet>,
    /// Visa restrictions by citizenship.
    pub restrictions: fn() -> Vec<Restriction>,
}

/// The parts every evaluation reads, as [`CatalogParts`] holds them; with
/// [`LaterParts`], a whole catalog ([`Catalog::from_checked_core`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoreParts {
    /// Bodies.
    pub bodies: Vec<Body>,
    /// Exams.
    pub exams: Vec<Exam>,
    /// Credentials.
    pub credentials: Vec<Credential>,
    /// Jurisdictions.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Countries' usual laboratory degrees.
    pub countries: Vec<Country>,
}

/// The parts a catalog is built from; the loader fills it after checking it.
/// It serializes in the catalog files' own shapes (the build stores the
/// shipped catalog's parts this way, `labpath-shipped`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogParts {
    /// Cited sources.
    pub sources: Vec<Source>,
    /// Bodies.
    pub bodies: Vec<Body>,
    /// Exams.
    pub exams: Vec<Exam>,
    /// Credentials.
    pub credentials: Vec<Credential>,
    /// Jurisdictions.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Glossary.
    pub glossary: Vec<GlossaryTerm>,
    /// Steps.
    pub steps: Vec<Step>,
    /// Goals.
    pub goals: Vec<Goal>,
    /// Maintenance rule sets.
    pub maintenance: Vec<RuleSet>,
    /// Visa restrictions by citizenship.
    pub restrictions: Vec<Restriction>,
    /// Countries' usual laboratory degrees.
    pub countries: Vec<Country>,
}

impl CatalogParts {
    /// Moves the parts every evaluation reads out into their own value,
    /// leaving those fields empty here.
    pub fn take_core(&mut self) -> CoreParts {
        CoreParts {
            bodies: std::mem::take(&mut self.bodies),
            exams: std::mem::take(&mut self.exams),
            credentials: std::mem::take(&mut self.credentials),
            jurisdictions: std::mem::take(&mut self.jurisdictions),
            countries: std::mem::take(&mut self.countries),
        }
    }
}

impl Catalog {
    /// The parts the catalog was assembled from, in their order (its
    /// indices dropped).
    pub fn into_parts(self) -> CatalogParts {
        CatalogParts {
            sources: self.sources.into_items(),
            bodies: self.bodies,
            exams: self.exams,
            credentials: self.credentials,
            jurisdictions: self.jurisdictions,
            glossary: self.glossary.into_items(),
            steps: self.steps.into_items(),
            goals: self.goals.into_items(),
            maintenance: self.maintenance.into_items(),
            restrictions: self.restrictions.into_items(),
            countries: self.countries,
        }
    }

    /// Assembles a catalog from checked parts. The caller (the loader,
    /// `labpath_catalog::catalog`) has verified that ids are unique and
    /// references resolve. The workspace's clippy settings refuse it
    /// elsewhere: code that changes a catalog (tests among it) builds it
    /// with `labpath_catalog::catalog::from_parts`, which runs the loader's
    /// checks. The one exception, marked where it stands, is the planner's
    /// property test, whose worlds hold routes the loader refuses.
    pub fn from_checked_parts(mut parts: CatalogParts) -> Self {
        let core = parts.take_core();
        Catalog {
            sources: Part::given(parts.sources),
            glossary: Part::given(parts.glossary),
            steps: Part::given(parts.steps),
            goals: Part::given(parts.goals),
            maintenance: Part::given(parts.maintenance),
            restrictions: Part::given(parts.restrictions),
            ..Catalog::from_core(core)
        }
    }

    /// A catalog from its checked core and the parts it reads when first
    /// used: what [`Catalog::from_checked_parts`] builds from the same parts
    /// given whole.
    pub fn from_checked_core(core: CoreParts, later: LaterParts) -> Self {
        Catalog {
            sources: Part::later(later.sources),
            glossary: Part::later(later.glossary),
            steps: Part::later(later.steps),
            goals: Part::later(later.goals),
            maintenance: Part::later(later.maintenance),
            restrictions: Part::later(later.restrictions),
            ..Catalog::from_core(core)
        }
    }

    /// The core parts indexed, the others empty.
    fn from_core(core: CoreParts) -> Self {
        Catalog {
            credential_index: index_of(&core.credentials, |c| c.id.clone()),
            exam_index: index_of(&core.exams, |e| e.id.clone()),
            body_index: index_of(&core.bodies, |b| b.id.clone()),
            bodies: core.bodies,
            exams: core.exams,
            credentials: core.credentials,
            jurisdictions: core.jurisdictions,
            countries: core.countries,
            ..Catalog::default()
        }
    }

    fn step_index(&self) -> &Index<StepId> {
        self.step_index
            .0
            .get_or_init(|| index_of(self.steps(), |s| s.id.clone()))
    }

    fn source_index(&self) -> &Index<SourceId> {
        self.source_index
            .0
            .get_or_init(|| index_of(self.sources(), |s| s.id.clone()))
    }

    /// Every credential, in catalog order.
    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// A credential by id.
    pub fn credential(&self, id: &str) -> Option<&Credential> {
        self.credential_index.get(id).map(|&i| &self.credentials[i])
    }

    /// A credential's position in [`Catalog::credentials`].
    pub fn credential_position(&self, id: &str) -> Option<usize> {
        self.credential_index.get(id).copied()
    }

    /// The position of one of this catalog's credentials in
    /// [`Catalog::credentials`], found from its address without hashing
    /// its id; for a copy, the position of the credential with its id when
    /// that one is equal to it. `None` for any other credential.
    pub fn position_of(&self, credential: &Credential) -> Option<usize> {
        let base = self.credentials.as_ptr() as usize;
        let at = (credential as *const Credential as usize).wrapping_sub(base)
            / std::mem::size_of::<Credential>().max(1);
        match self.credentials.get(at) {
            Some(c) if std::ptr::eq(c, credential) => Some(at),
            _ => self
                .credential_position(credential.id.as_str())
                .filter(|&i| self.credentials[i] == *credential),
        }
    }

    /// What a requirement of one of the catalog's routes asks for, in one
    /// sentence fragment ([`describe_requirement`]): rendered once for every
    /// route requirement on the first call, then lent; rendered on the spot
    /// for a requirement from elsewhere.
    pub fn rule_text(&self, requirement: &Requirement) -> Cow<'_, str> {
        let texts = self.rule_texts.0.get_or_init(|| {
            let mut texts = HashMap::default();
            for credential in &self.credentials {
                for route in &credential.routes {
                    route.requires.walk(&mut |r| {
                        texts.insert(address(r), describe_requirement(r, self));
                    });
                }
            }
            texts
        });
        match texts.get(&address(requirement)) {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => Cow::Owned(describe_requirement(requirement, self)),
        }
    }

    /// A source's position in [`Catalog::sources`].
    pub fn source_position(&self, id: &str) -> Option<usize> {
        self.source_index().get(id).copied()
    }

    /// The credentials' routes compiled for decisions-only evaluation,
    /// compiled on the first call.
    pub fn program(&self) -> &Program {
        self.program.get_or_init(|| Program::compile(self))
    }

    /// An exam by id.
    pub fn exam(&self, id: &str) -> Option<&Exam> {
        self.exam_index.get(id).map(|&i| &self.exams[i])
    }

    /// Every exam.
    pub fn exams(&self) -> &[Exam] {
        &self.exams
    }

    /// Every body.
    pub fn bodies(&self) -> &[Body] {
        &self.bodies
    }

    /// A body by id.
    pub fn body(&self, id: &str) -> Option<&Body> {
        self.body_index.get(id).map(|&i| &self.bodies[i])
    }

    /// Every cited source.
    pub fn sources(&self) -> &[Source] {
        self.sources.get()
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index().get(id).map(|&i| &self.sources()[i])
    }

    /// Every jurisdiction.
    pub fn jurisdictions(&self) -> &[Jurisdiction] {
        &self.jurisdictions
    }

    /// A jurisdiction by code.
    pub fn jurisdiction(&self, code: Code) -> Option<&Jurisdiction> {
        self.jurisdictions.iter().find(|j| j.code == code)
    }

    /// The glossary.
    pub fn glossary(&self) -> &[GlossaryTerm] {
        self.glossary.get()
    }

    /// Every step.
    pub fn steps(&self) -> &[Step] {
        self.steps.get()
    }

    /// A step by id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.step_index().get(id).map(|&i| &self.steps()[i])
    }

    /// Every maintenance rule set.
    pub fn maintenance(&self) -> &[RuleSet] {
        self.maintenance.get()
    }

    /// The rule sets that keep credential `id` alive.
    pub fn maintenance_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a RuleSet> + 'a {
        self.maintenance()
            .iter()
            .filter(move |r| r.credentials.iter().any(|c| c.as_str() == id))
    }

    /// Every named goal.
    pub fn goals(&self) -> &[Goal] {
        self.goals.get()
    }

    /// A goal by id.
    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.goals().iter().find(|g| g.id.as_str() == id)
    }

    /// Every visa restriction.
    pub fn restrictions(&self) -> &[Restriction] {
        self.restrictions.get()
    }

    /// Every country whose education the catalog describes.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// A country by code.
    pub fn country(&self, code: Code) -> Option<&Country> {
        self.countries.iter().find(|c| c.code == code)
    }

    /// Which of its country's usual degrees an education entry is: the one
    /// of its level and field whose name it carries, or the only one of
    /// its level and field. `None` when the catalog does not describe the
    /// country or cannot tell which degree it is.
    pub fn foreign_degree(&self, e: &Education) -> Option<&ForeignDegree> {
        let country = self.country(e.country)?;
        let mut alike = country
            .degrees
            .iter()
            .filter(|d| d.level == e.level && d.field == e.field);
        let first = alike.next()?;
        if first.is_called(&e.title) {
            return Some(first);
        }
        let mut others = alike.peekable();
        if others.peek().is_none() {
            return Some(first);
        }
        others.find(|d| d.is_called(&e.title))
    }
}
