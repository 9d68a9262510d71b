//! Continuing-education compliance as every front end shows it: each held
//! credential with renewal rules, its rules spelled out (names, unit, fees,
//! what a lapse means, sources), the current cycle's assessment with its
//! bars and its renewal deadline (the verdict), beside the activities
//! logged.

use labpath_engine::catalog::{Catalog, Fee};
use labpath_engine::compliance::{Assessment, CredentialCompliance, Exclusion};
use labpath_engine::maintenance::RuleSet;
use labpath_engine::units::Date;
use labpath_store::ce::LoggedActivity;
use serde::Serialize;

use crate::deadlines::{Deadline, amount};
use crate::json::{ProvenanceView, provenance};

/// A person's compliance on a day.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceView<'a> {
    /// The day assessed.
    pub as_of: Date,
    /// Every activity logged (withdrawn ones left out).
    pub activities: &'a [LoggedActivity],
    /// Each held credential with renewal rules.
    pub credentials: Vec<CredentialView<'a>>,
}

/// One credential's compliance.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ComplianceCredential))]
pub struct CredentialView<'a> {
    /// The credential.
    pub credential: CredentialName<'a>,
    /// Its renewal rules.
    pub rules: RulesView<'a>,
    /// The current cycle's assessment; absent when the cycle cannot be
    /// placed.
    pub assessment: Option<&'a Assessment>,
    /// Why the cycle could not be placed.
    pub unknown: Option<&'static str>,
    /// Its renewal as a deadline: the verdict (`what`), its severity and
    /// what clears it; absent when the cycle cannot be placed.
    pub renewal: Option<&'a Deadline>,
    /// The cycle's points as bars; absent when the cycle cannot be placed.
    pub progress: Option<Progress>,
}

/// How far a cycle's continuing education has come: toward the total and
/// toward each category minimum, what is logged beside what counts.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// The unit with the program's short name (`CMP points`).
    pub unit: String,
    /// Toward the total; absent when the rules give none.
    pub total: Option<Bar>,
    /// Toward each category minimum.
    pub categories: Vec<CategoryBar>,
    /// Activities dated inside the cycle that do not count, with why.
    pub not_counted: Vec<NotCounted>,
}

/// One bar: what counts against what is needed, and the same in words.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bar {
    /// What counts, at most `max`.
    pub value: f64,
    /// What is needed.
    pub max: f64,
    /// Whether it is reached.
    pub met: bool,
    /// In words (`20 of 36 CMP points count toward the total`).
    pub text: String,
}

/// One category minimum's bar.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryBar {
    /// The category's name.
    pub name: String,
    /// Points counted toward its minimum, against the minimum.
    pub bar: Bar,
}

/// An activity of the cycle that does not count.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotCounted {
    /// Its title.
    pub title: String,
    /// Why not.
    pub why: &'static str,
}

/// The bars of an assessment under `rules`, over the `log` it was made from.
pub fn progress(rules: &RuleSet, a: &Assessment, log: &[LoggedActivity]) -> Progress {
    let unit = rules.unit_label();
    let toward_minimums: f64 = a.categories.iter().map(|c| c.allocated).sum();
    let total = a.total.map(|t| {
        let counted = a.earned.min(t);
        let mut text = format!(
            "{} of {} {unit} count toward the total ({} logged",
            amount(counted),
            amount(t),
            amount(a.earned)
        );
        if !a.categories.is_empty() {
            text.push_str(&format!(
                ", {} toward the category minimums",
                amount(toward_minimums.min(counted))
            ));
        }
        text.push(')');
        Bar {
            value: counted,
            max: t,
            met: a.earned + 1e-9 >= t,
            text,
        }
    });
    let categories = a
        .categories
        .iter()
        .map(|c| {
            let logged: f64 = log
                .iter()
                .zip(&a.points)
                .filter(|(x, _)| x.activity.categories.contains(&c.category))
                .map(|(_, p)| *p)
                .sum();
            CategoryBar {
                name: c.name.clone(),
                bar: Bar {
                    value: c.allocated.min(c.min),
                    max: c.min,
                    met: c.missing <= 1e-9,
                    text: format!(
                        "{} of {} count toward the minimum ({} logged)",
                        amount(c.allocated.min(c.min)),
                        amount(c.min),
                        amount(logged)
                    ),
                },
            }
        })
        .collect();
    let not_counted = a
        .excluded
        .iter()
        .filter(|(_, why)| !matches!(why, Exclusion::BeforeCycle | Exclusion::AfterCycle))
        .filter_map(|(i, why)| {
            Some(NotCounted {
                title: log.get(*i)?.activity.title.clone(),
                why: why.label(),
            })
        })
        .collect();
    Progress {
        unit,
        total,
        categories,
        not_counted,
    }
}

/// A credential by id and name.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialName<'a> {
    /// Catalog id.
    pub id: &'a str,
    /// Abbreviation (`MLS(ASCP)`).
    pub abbreviation: &'a str,
    /// Full name.
    pub name: &'a str,
}

/// Renewal rules, with their sources.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesView<'a> {
    /// Catalog id.
    pub id: &'a str,
    /// Plain name.
    pub name: &'a str,
    /// Years in a cycle.
    pub cycle_years: u32,
    /// Points a cycle needs in total, when the rules set one.
    pub total: Option<f64>,
    /// What a point is called (`CMP points`, `contact hours`).
    pub unit: &'a str,
    /// Renewal fees.
    pub fees: &'a [Fee],
    /// What happens when the credential lapses.
    pub lapse: Option<&'a str>,
    /// Notes.
    pub notes: &'a [String],
    /// Sources, as-of date and confidence.
    pub provenance: ProvenanceView<'a>,
}

/// The view of `result` (the engine's compliance of each credential), the
/// log it was assessed from and each credential's renewal deadline (in the
/// order of `result`).
pub fn view<'a>(
    catalog: &'a Catalog,
    as_of: Date,
    log: &'a [LoggedActivity],
    result: &'a [CredentialCompliance<'a>],
    renewals: &'a [Option<Deadline>],
) -> ComplianceView<'a> {
    ComplianceView {
        as_of,
        activities: log,
        credentials: result
            .iter()
            .enumerate()
            .map(|(i, c)| CredentialView {
                credential: CredentialName {
                    id: c.credential.id.as_str(),
                    abbreviation: &c.credential.abbreviation,
                    name: &c.credential.name,
                },
                rules: RulesView {
                    id: c.rules.id.as_str(),
                    name: &c.rules.name,
                    cycle_years: c.rules.cycle_years,
                    total: c.rules.total,
                    unit: &c.rules.unit,
                    fees: &c.rules.fees,
                    lapse: c.rules.lapse.as_deref(),
                    notes: &c.rules.notes,
                    provenance: provenance(&c.rules.provenance, catalog),
                },
                assessment: c.assessment.as_ref(),
                unknown: c.unknown,
                renewal: renewals.get(i).and_then(Option::as_ref),
                progress: c.assessment.as_ref().map(|a| progress(c.rules, a, log)),
            })
            .collect(),
    }
}
