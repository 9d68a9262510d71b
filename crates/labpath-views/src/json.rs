//! JSON views of an evaluation: everything the human output shows and the
//! data behind it (quantities, ids, provenance with source URLs), in a shape
//! that stays stable for programs.

use std::borrow::Cow;

use labpath_engine::catalog::{Catalog, Credential, Fee, InForce, Renewal};
use labpath_engine::eval::{
    Clause, CredentialOutcome, Evaluation, Finding, Outcome, RouteOutcome, Status,
};
use labpath_engine::explain::describe_finding;
use labpath_engine::profile::Profile;
use labpath_engine::provenance::{Confidence, Provenance};
use labpath_engine::requirement::Requirement;
use labpath_engine::units::Date;
use serde::Serialize;

/// The whole evaluation.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationView<'a> {
    /// Who.
    pub person: &'a str,
    /// As of.
    pub as_of: Date,
    /// Per credential.
    pub credentials: Vec<CredentialView<'a>>,
}

/// One credential's answer.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CredentialEligibility))]
pub struct CredentialView<'a> {
    /// Id.
    pub id: &'a str,
    /// Abbreviation.
    pub abbreviation: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: labpath_engine::vocab::CredentialKind,
    /// Level.
    pub level: labpath_engine::vocab::Level,
    /// Jurisdiction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Status.
    pub status: Status,
    /// The nearest route's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_route: Option<&'a str>,
    /// Routes.
    pub routes: Vec<RouteView<'a>>,
    /// Fees.
    pub fees: &'a [Fee],
    /// Renewal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<&'a Renewal>,
    /// Notes.
    pub notes: &'a [String],
    /// Provenance of the credential's own facts.
    pub provenance: ProvenanceView<'a>,
}

/// One route's answer.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RouteEligibility))]
pub struct RouteView<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// When it is in force.
    pub in_force_period: InForce,
    /// Whether it is in force on the as-of day.
    pub in_force: bool,
    /// Outcome (fail when not in force).
    pub outcome: Outcome,
    /// Last day it keeps passing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_until: Option<Date>,
    /// Clauses, parents before children.
    pub clauses: Vec<ClauseView<'a>>,
    /// Sources.
    pub provenance: ProvenanceView<'a>,
}

/// One clause.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseView<'a> {
    /// Depth in the tree.
    pub depth: usize,
    /// Outcome.
    pub outcome: Outcome,
    /// What it needs.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub need: Cow<'a, str>,
    /// What the person has.
    pub have: String,
    /// The rule node (leaves only; combinators give their kind).
    pub rule: RuleView<'a>,
    /// The quantities.
    pub finding: &'a Finding<'a>,
}

/// A rule node.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum RuleView<'a> {
    /// A leaf, with its parameters.
    Leaf(&'a Requirement),
    /// A combinator's kind.
    Combinator {
        /// `all`, `any` or `at_least`.
        combinator: &'static str,
    },
}

impl<'a> RuleView<'a> {
    /// A leaf with its parameters, or a combinator's kind.
    pub fn of(requirement: &'a Requirement) -> Self {
        if requirement.children().is_empty() {
            RuleView::Leaf(requirement)
        } else {
            RuleView::Combinator {
                combinator: requirement.kind(),
            }
        }
    }
}

/// Provenance with resolved sources.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvenanceView<'a> {
    /// Confidence.
    pub confidence: Confidence,
    /// As of.
    pub as_of: Date,
    /// Note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    /// Sources.
    pub sources: Vec<SourceView<'a>>,
}

/// A source.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceView<'a> {
    /// Id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: &'a str,
}

/// Provenance with its sources looked up.
pub fn provenance<'a>(p: &'a Provenance, catalog: &'a Catalog) -> ProvenanceView<'a> {
    ProvenanceView {
        confidence: p.confidence,
        as_of: p.as_of,
        note: p.note.as_deref(),
        sources: p
            .sources
            .iter()
            .filter_map(|id| catalog.source(id.as_str()))
            .map(|s| SourceView {
                id: s.id.as_str(),
                title: &s.title,
                url: &s.url,
            })
            .collect(),
    }
}

fn clauses<'a>(
    clause: Clause<'a, 'a>,
    catalog: &'a Catalog,
    depth: usize,
    out: &mut Vec<ClauseView<'a>>,
) {
    out.push(ClauseView {
        depth,
        outcome: clause.outcome,
        need: catalog.rule_text(clause.requirement),
        have: describe_finding(clause, catalog),
        rule: RuleView::of(clause.requirement),
        finding: clause.finding,
    });
    for child in clause.children() {
        clauses(child, catalog, depth + 1, out);
    }
}

fn route<'a>(r: &'a RouteOutcome<'a>, catalog: &'a Catalog) -> RouteView<'a> {
    let mut list = Vec::new();
    if let Some(c) = r.clause() {
        list.reserve_exact(c.pre_order().len());
        clauses(c, catalog, 0, &mut list);
    }
    RouteView {
        id: r.route.id.as_str(),
        name: &r.route.name,
        summary: &r.route.summary,
        in_force_period: r.route.in_force,
        in_force: r.in_force,
        outcome: r.outcome,
        open_until: r.open_until,
        clauses: list,
        provenance: provenance(&r.route.provenance, catalog),
    }
}

/// A credential's answer.
pub fn credential<'a>(c: &'a CredentialOutcome<'a>, catalog: &'a Catalog) -> CredentialView<'a> {
    let cred: &Credential = c.credential;
    CredentialView {
        id: cred.id.as_str(),
        abbreviation: &cred.abbreviation,
        name: &cred.name,
        kind: cred.kind,
        level: cred.level,
        jurisdiction: cred.jurisdiction.map(|j| j.to_string()),
        status: c.status,
        best_route: c.best_route().map(|r| r.route.id.as_str()),
        routes: c.routes.iter().map(|r| route(r, catalog)).collect(),
        fees: &cred.fees,
        renewal: cred.renewal.as_ref(),
        notes: &cred.notes,
        provenance: provenance(&cred.provenance, catalog),
    }
}

/// The whole evaluation.
pub fn evaluation<'a>(
    catalog: &'a Catalog,
    profile: &'a Profile,
    e: &'a Evaluation<'a>,
) -> EvaluationView<'a> {
    EvaluationView {
        person: &profile.person.name,
        as_of: e.as_of,
        credentials: e
            .credentials
            .iter()
            .map(|c| credential(c, catalog))
            .collect(),
    }
}

/// The evaluation in brief (`?view=summary` in the API): each credential's
/// status and its routes' outcomes, without the clauses, fees, renewal or
/// sources of `EvaluationView`. A few kilobytes where the full view is
/// hundreds: for lists and dashboards that ask often.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationSummaryView<'a> {
    /// Who.
    pub person: &'a str,
    /// As of.
    pub as_of: Date,
    /// Always `summary`: tells this view from the full one.
    pub view: &'static str,
    /// Per credential.
    pub credentials: Vec<CredentialSummaryView<'a>>,
}

/// One credential's answer in brief.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialSummaryView<'a> {
    /// Id.
    pub id: &'a str,
    /// Abbreviation.
    pub abbreviation: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: labpath_engine::vocab::CredentialKind,
    /// Level.
    pub level: labpath_engine::vocab::Level,
    /// Jurisdiction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Status.
    pub status: Status,
    /// The nearest route's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_route: Option<&'a str>,
    /// Routes.
    pub routes: Vec<RouteSummaryView<'a>>,
}

/// One route's answer in brief.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteSummaryView<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Whether it is in force on the as-of day.
    pub in_force: bool,
    /// Outcome (fail when not in force).
    pub outcome: Outcome,
    /// Last day it keeps passing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_until: Option<Date>,
}

/// The evaluation in brief.
pub fn evaluation_summary<'a>(
    profile: &'a Profile,
    e: &'a Evaluation<'a>,
) -> EvaluationSummaryView<'a> {
    EvaluationSummaryView {
        person: &profile.person.name,
        as_of: e.as_of,
        view: "summary",
        credentials: e.credentials.iter().map(credential_summary).collect(),
    }
}

fn credential_summary<'a>(c: &'a CredentialOutcome<'a>) -> CredentialSummaryView<'a> {
    let cred: &Credential = c.credential;
    CredentialSummaryView {
        id: cred.id.as_str(),
        abbreviation: &cred.abbreviation,
        name: &cred.name,
        kind: cred.kind,
        level: cred.level,
        jurisdiction: cred.jurisdiction.map(|j| j.to_string()),
        status: c.status,
        best_route: c.best_route().map(|r| r.route.id.as_str()),
        routes: c.routes.iter().map(route_summary).collect(),
    }
}

fn route_summary<'a>(r: &'a RouteOutcome<'a>) -> RouteSummaryView<'a> {
    RouteSummaryView {
        id: r.route.id.as_str(),
        name: &r.route.name,
        in_force: r.in_force,
        outcome: r.outcome,
        open_until: r.open_until,
    }
}

/// The planner's answer.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView<'a> {
    /// Who.
    pub person: &'a str,
    /// The goal.
    pub goal: &'a str,
    /// First day.
    pub from: Date,
    /// Whether nothing is needed.
    pub already_met: bool,
    /// Credentials counted as held because their exam was passed (the
    /// certificate follows; the profile does not list them yet).
    pub pending: Vec<PendingView>,
    /// Index of the chosen plan in `plans`.
    pub chosen: usize,
    /// Plans on the time/cost frontier, fastest first.
    pub plans: Vec<KeptView<'a>>,
    /// Candidates not kept.
    pub rejected: &'a [labpath_engine::plan::Rejected],
    /// Requirements no step can satisfy.
    pub blockers: &'a [labpath_engine::plan::build::Blocker],
    /// Candidates considered.
    pub considered: usize,
}

/// A credential counted as held because its exam was passed.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingView {
    /// The credential's id.
    pub credential: String,
    /// Its abbreviation.
    pub abbreviation: String,
    /// The exam's name.
    pub exam: String,
    /// When it was passed.
    pub passed_on: Date,
    /// What the plan does with it, in plain words.
    pub note: String,
}

/// One kept plan.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeptView<'a> {
    /// Fastest on the frontier.
    pub fastest: bool,
    /// Cheapest on the frontier.
    pub cheapest: bool,
    /// Routes chosen.
    pub routes: &'a [String],
    /// Median schedule length in days.
    pub median_days: f64,
    /// Completion dates at the 50th, 80th and 90th percentile.
    pub p50: Option<Date>,
    /// 80th percentile.
    pub p80: Option<Date>,
    /// 90th percentile.
    pub p90: Option<Date>,
    /// The simulation.
    pub simulation: &'a labpath_engine::plan::simulate::Simulation,
    /// Known fees in dollars.
    pub fees_known: labpath_engine::units::Money,
    /// Fees with no amount.
    pub fees_unknown: usize,
    /// Fees with uncertain or disputed amounts.
    pub fees_uncertain: usize,
    /// Every fee line the person pays.
    pub fees: Vec<FeeLineView<'a>>,
    /// Known fees the employer pays (H-1B petition fees), not in `fees_known`.
    pub fees_employer_known: labpath_engine::units::Money,
    /// The employer's fee lines.
    pub employer_fees: Vec<FeeLineView<'a>>,
    /// Fees past their known end whose status is not known: listed, not added.
    pub unsettled_fees: Vec<FeeLineView<'a>>,
    /// What the plan says first: visa restrictions by citizenship, yearly
    /// draws, waits for a window, unsettled fees; each with its sentence.
    pub notices: Vec<NoticeView>,
    /// Attestations the plan assumes: (declaration key, question).
    pub assumptions: &'a [(String, String)],
    /// Routes that close before the plan is likely done: the last day to
    /// start the step that needs each.
    pub closing: Vec<labpath_engine::plan::Closing>,
    /// Step numbers (1-based) on the critical path.
    pub critical_path: Vec<usize>,
    /// Steps in order.
    pub steps: Vec<StepView<'a>>,
}

/// A notice of a plan, with the sentence it reads as.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    /// The sentence.
    pub text: String,
    /// Its facts.
    #[serde(flatten)]
    pub notice: labpath_engine::plan::Notice,
}

/// A fee of a step.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLineView<'a> {
    /// Step number (1-based).
    pub step: usize,
    /// The fee.
    pub fee: &'a Fee,
}

/// A scheduled step.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView<'a> {
    /// Number (1-based).
    pub number: usize,
    /// Catalog id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: labpath_engine::step::StepKind,
    /// What a gap step supplies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplies: Option<String>,
    /// What it serves.
    pub serves: &'a str,
    /// Step numbers it waits for.
    pub after: Vec<usize>,
    /// Start (median schedule).
    pub start: Date,
    /// Finish (median schedule).
    pub finish: Date,
    /// Median days.
    pub days: f64,
    /// Last start day that keeps its route open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_by: Option<Date>,
    /// The day it is ready (its dependencies done); `start` is later when it
    /// waits for its window or a lost draw.
    pub ready: Date,
    /// The yearly window it starts in, with its sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<&'a labpath_engine::calendar::Window>,
    /// The yearly draw it depends on, with its sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lottery: Option<&'a labpath_engine::calendar::Lottery>,
    /// The tries the median dates count, for a draw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tries: Option<u32>,
    /// The durations of applications recorded here that the step takes
    /// instead of the catalog's `duration` (shown beside it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<RecordedView>,
    /// The duration distribution and its provenance.
    pub duration: &'a labpath_engine::step::Duration,
    /// What the step is, in plain words.
    pub summary: &'a str,
    /// The documents this person needs for it, and who sends them (those
    /// that concern someone else, such as a foreign evaluation for a US
    /// graduate, are left out).
    pub documents: Vec<&'a labpath_engine::step::Document>,
    /// Retake rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retake: Option<&'a labpath_engine::step::Retake>,
    /// The person's attempts at the exam the step sits, under its retake
    /// rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<labpath_engine::plan::Attempts>,
    /// Sources of the step itself.
    pub provenance: ProvenanceView<'a>,
}

fn fee_lines<'a>(lines: &[(usize, &'a Fee)]) -> Vec<FeeLineView<'a>> {
    lines
        .iter()
        .map(|&(i, fee)| FeeLineView { step: i + 1, fee })
        .collect()
}

/// Durations recorded here that a step uses.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedView {
    /// "from 12 applications recorded here, 2024 to 2026".
    pub label: String,
    /// How many decided applications.
    pub count: usize,
    /// Median days from submission to decision.
    pub median_days: f64,
    /// Shortest.
    pub min_days: f64,
    /// Longest.
    pub max_days: f64,
    /// The earliest decision.
    pub first: Date,
    /// The latest decision.
    pub last: Date,
}

/// The planner's answer as JSON.
pub fn plan<'a>(
    catalog: &'a Catalog,
    profile: &'a Profile,
    goal: &'a str,
    report: &'a labpath_engine::plan::PlanReport<'a>,
) -> PlanView<'a> {
    let from = report.from;
    let day = |d: f64| from.add_days(d.round() as i64);
    let plans = report
        .kept
        .iter()
        .map(|k| {
            let s = &k.schedule;
            KeptView {
                fastest: k.fastest,
                cheapest: k.cheapest,
                routes: &s.choices,
                median_days: s.days.round(),
                p50: k.simulation.p50.map(day),
                p80: k.simulation.p80.map(day),
                p90: k.simulation.p90.map(day),
                simulation: &k.simulation,
                fees_known: s.cost.known,
                fees_unknown: s.cost.unknown,
                fees_uncertain: s.cost.uncertain,
                fees: fee_lines(&s.cost.lines),
                fees_employer_known: s.cost.employer,
                employer_fees: fee_lines(&s.cost.employer_lines),
                unsettled_fees: fee_lines(&s.cost.unsettled),
                notices: k
                    .notices(catalog, profile)
                    .into_iter()
                    .map(|notice| NoticeView {
                        text: notice.to_string(),
                        notice,
                    })
                    .collect(),
                assumptions: &s.assumptions,
                closing: k.closing(from),
                critical_path: s.critical_path().iter().map(|i| i + 1).collect(),
                steps: s
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, st)| StepView {
                        number: i + 1,
                        id: st.step.id.as_str(),
                        name: &st.step.name,
                        kind: st.step.kind,
                        supplies: st.gap.as_ref().map(|g| g.describe()),
                        serves: &st.serves,
                        after: st.after.iter().map(|a| a + 1).collect(),
                        start: day(st.start),
                        finish: day(st.finish),
                        days: st.days.round(),
                        start_by: st.deadline.map(day),
                        ready: day(st.ready),
                        window: st.step.window.as_ref(),
                        lottery: st.step.lottery.as_ref(),
                        tries: st.chance.map(|_| st.tries),
                        recorded: st.recorded.as_ref().map(|r| RecordedView {
                            label: r.label(),
                            count: r.days.len(),
                            median_days: r.quantile(0.5),
                            min_days: r.days[0],
                            max_days: r.days[r.days.len() - 1],
                            first: r.first,
                            last: r.last,
                        }),
                        duration: &st.step.duration,
                        summary: &st.step.summary,
                        documents: st
                            .step
                            .documents
                            .iter()
                            .filter(|d| d.applies(profile, catalog))
                            .collect(),
                        retake: st.step.retake.as_ref(),
                        attempts: labpath_engine::plan::attempts(profile, st.step),
                        provenance: provenance(&st.step.provenance, catalog),
                    })
                    .collect(),
            }
        })
        .collect();
    PlanView {
        person: &profile.person.name,
        goal,
        from,
        already_met: report.already_met,
        pending: report
            .pending
            .iter()
            .map(|p| {
                let abbreviation = catalog
                    .credential(p.credential.as_str())
                    .map_or_else(|| p.credential.to_string(), |c| c.abbreviation.clone());
                let exam = catalog
                    .exam(p.exam.as_str())
                    .map_or_else(|| p.exam.to_string(), |e| e.name.clone());
                PendingView {
                    note: format!(
                        "{exam} passed on {}: the plan counts {abbreviation} as held (no exam to sit \
                         again); add it to the credentials held when the certificate arrives",
                        p.passed_on
                    ),
                    credential: p.credential.to_string(),
                    abbreviation,
                    exam,
                    passed_on: p.passed_on,
                }
            })
            .collect(),
        chosen: report.chosen,
        plans,
        rejected: &report.rejected,
        blockers: &report.blockers,
        considered: report.considered,
    }
}

/// The evaluation as data (`?view=compact`, the API's default): per
/// credential its status, per route its outcome, per clause its outcome and
/// finding (the quantities), in the order of the catalog's clause table
/// ([`catalog_table`], `GET /api/catalog/clauses`), which holds what
/// depends on the catalog alone: names, each clause's depth, rule text and
/// parameters, provenance and sources. The answer names the table's
/// version in `catalog`. The clause texts rendered for the person (`have`)
/// are the full view's.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationCompactView<'a> {
    /// Who.
    pub person: &'a str,
    /// As of.
    pub as_of: Date,
    /// Always `compact`: tells this view from the others.
    pub view: &'static str,
    /// The version of the clause table the answer is read with (the
    /// table's `catalog` and its `ETag`).
    pub catalog: &'a str,
    /// Per credential.
    pub credentials: Vec<CredentialCompactView<'a>>,
}

/// One credential's answer as data.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialCompactView<'a> {
    /// Id (the clause table's credential of that id).
    pub id: &'a str,
    /// Status.
    pub status: Status,
    /// The nearest route's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_route: Option<&'a str>,
    /// Routes, in the clause table's order.
    pub routes: Vec<RouteCompactView<'a>>,
}

/// One route's answer as data.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteCompactView<'a> {
    /// Id.
    pub id: &'a str,
    /// Whether it is in force on the as-of day.
    pub in_force: bool,
    /// Outcome (fail when not in force).
    pub outcome: Outcome,
    /// Last day it keeps passing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_until: Option<Date>,
    /// Clauses, in the clause table's order (none when not in force).
    #[serde(skip_serializing_if = "CompactClauses::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ClauseCompactView>))]
    pub clauses: CompactClauses<'a>,
}

/// A route's clauses as data, written straight from its clause tree.
#[derive(Debug, Clone, Copy)]
pub struct CompactClauses<'a>(Option<Clause<'a, 'a>>);

impl CompactClauses<'_> {
    /// Whether there are none (the route is not in force).
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl Serialize for CompactClauses<'_> {
    fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let all = self.0.into_iter().flat_map(Clause::pre_order);
        out.collect_seq(all.map(ClauseCompactView::of))
    }
}

/// One clause's answer as data.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseCompactView<'a> {
    /// Outcome.
    pub outcome: Outcome,
    /// The quantities (the `finding` tag names the leaf's kind; `combined`
    /// for `all`, `any` and `at_least`); absent for a clause the table
    /// marks `said`, whose finding is the catalog's text alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<&'a Finding<'a>>,
}

impl<'a> ClauseCompactView<'a> {
    fn of(c: Clause<'a, 'a>) -> Self {
        ClauseCompactView {
            outcome: c.outcome,
            finding: SaidView::of(c.requirement).is_none().then_some(c.finding),
        }
    }
}

/// The evaluation as data, read with the clause table of version `catalog`.
pub fn evaluation_compact<'a>(
    catalog: &'a str,
    profile: &'a Profile,
    e: &'a Evaluation<'a>,
) -> EvaluationCompactView<'a> {
    let route = |r: &'a RouteOutcome<'a>| RouteCompactView {
        id: r.route.id.as_str(),
        in_force: r.in_force,
        outcome: r.outcome,
        open_until: r.open_until,
        clauses: CompactClauses(r.clause()),
    };
    EvaluationCompactView {
        person: &profile.person.name,
        as_of: e.as_of,
        view: "compact",
        catalog,
        credentials: e
            .credentials
            .iter()
            .map(|c| CredentialCompactView {
                id: c.credential.id.as_str(),
                status: c.status,
                best_route: c.best_route().map(|r| r.route.id.as_str()),
                routes: c.routes.iter().map(route).collect(),
            })
            .collect(),
    }
}

/// What depends on the catalog alone in an evaluation (`GET
/// /api/catalog/clauses`): every credential and route with its names,
/// fees, renewal, notes and provenance, and every route's clauses in the
/// order the compact answer lists them (parents before children), each
/// with its depth, rule text and parameters. The same for every profile:
/// a client reads it once per catalog `version`.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogTableView<'a> {
    /// The table's version: the `catalog` of the compact answers read
    /// with it (the server gives it as the `ETag` too).
    pub catalog: &'a str,
    /// Every credential of the catalog, in catalog order.
    pub credentials: Vec<CredentialTableView<'a>>,
    /// Every source cited, by id.
    pub sources: std::collections::BTreeMap<&'a str, SourceRefView<'a>>,
}

/// A credential's catalog facts.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialTableView<'a> {
    /// Id.
    pub id: &'a str,
    /// Abbreviation.
    pub abbreviation: &'a str,
    /// Name.
    pub name: &'a str,
    /// Kind.
    pub kind: labpath_engine::vocab::CredentialKind,
    /// Level.
    pub level: labpath_engine::vocab::Level,
    /// Jurisdiction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Routes.
    pub routes: Vec<RouteTableView<'a>>,
    /// Fees.
    pub fees: &'a [Fee],
    /// Renewal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<&'a Renewal>,
    /// Notes.
    pub notes: &'a [String],
    /// Provenance of the credential's own facts.
    pub provenance: ProvenanceRefView<'a>,
}

/// A route's catalog facts.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteTableView<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// When it is in force.
    pub in_force_period: InForce,
    /// Clauses, parents before children.
    pub clauses: Vec<ClauseTableView<'a>>,
    /// Sources.
    pub provenance: ProvenanceRefView<'a>,
}

/// A clause's catalog facts.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseTableView<'a> {
    /// Depth in the tree.
    pub depth: usize,
    /// What it needs.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub need: Cow<'a, str>,
    /// The rule node (leaves only; combinators give their kind).
    pub rule: RuleView<'a>,
    /// A clause whose finding is its text alone: a declared fact (whose
    /// question `need` is) or a rule the sources do not let the catalog
    /// encode (whose text `need` gives).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said: Option<SaidView<'a>>,
}

/// A declared fact or an unencodable rule in the clause table.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaidView<'a> {
    /// `declared` or `unconfirmed`.
    pub kind: &'static str,
    /// A declared fact's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
}

impl<'a> SaidView<'a> {
    /// What a clause of this requirement says instead of a finding, when
    /// it is a declared fact or an unencodable rule.
    fn of(requirement: &'a Requirement) -> Option<Self> {
        match requirement {
            Requirement::Declared(d) => Some(SaidView {
                kind: "declared",
                key: Some(&d.key),
            }),
            Requirement::Unconfirmed(_) => Some(SaidView {
                kind: "unconfirmed",
                key: None,
            }),
            _ => None,
        }
    }
}

/// Provenance with its sources by id (looked up in the table's `sources`).
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvenanceRefView<'a> {
    /// Confidence.
    pub confidence: Confidence,
    /// As of.
    pub as_of: Date,
    /// What is uncertain or disputed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    /// Source ids.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub sources: &'a [labpath_engine::ids::SourceId],
}

impl<'a> ProvenanceRefView<'a> {
    fn of(p: &'a Provenance) -> Self {
        ProvenanceRefView {
            confidence: p.confidence,
            as_of: p.as_of,
            note: p.note.as_deref(),
            sources: &p.sources,
        }
    }
}

/// A source's title and address.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRefView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL.
    pub url: &'a str,
}

/// The catalog's clause table, of version `version`.
pub fn catalog_table<'a>(catalog: &'a Catalog, version: &'a str) -> CatalogTableView<'a> {
    let route = |r: &'a labpath_engine::catalog::Route| {
        let mut clauses = Vec::with_capacity(r.requires.clause_count());
        table_clauses(&r.requires, catalog, 0, &mut clauses);
        RouteTableView {
            id: r.id.as_str(),
            name: &r.name,
            summary: &r.summary,
            in_force_period: r.in_force,
            clauses,
            provenance: ProvenanceRefView::of(&r.provenance),
        }
    };
    CatalogTableView {
        catalog: version,
        credentials: catalog
            .credentials()
            .iter()
            .map(|c| CredentialTableView {
                id: c.id.as_str(),
                abbreviation: &c.abbreviation,
                name: &c.name,
                kind: c.kind,
                level: c.level,
                jurisdiction: c.jurisdiction.map(|j| j.to_string()),
                routes: c.routes.iter().map(route).collect(),
                fees: &c.fees,
                renewal: c.renewal.as_ref(),
                notes: &c.notes,
                provenance: ProvenanceRefView::of(&c.provenance),
            })
            .collect(),
        sources: catalog
            .sources()
            .iter()
            .map(|s| {
                let source = SourceRefView {
                    title: &s.title,
                    url: &s.url,
                };
                (s.id.as_str(), source)
            })
            .collect(),
    }
}

fn table_clauses<'a>(
    requirement: &'a Requirement,
    catalog: &'a Catalog,
    depth: usize,
    out: &mut Vec<ClauseTableView<'a>>,
) {
    out.push(ClauseTableView {
        depth,
        need: catalog.rule_text(requirement),
        rule: RuleView::of(requirement),
        said: SaidView::of(requirement),
    });
    for child in requirement.children() {
        table_clauses(child, catalog, depth + 1, out);
    }
}
