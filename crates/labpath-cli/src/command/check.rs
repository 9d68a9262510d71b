//! `labpath check PROFILE`: where a person stands on every credential.
//!
//! Without `--credential` it prints one line per credential, grouped by
//! status, with the nearest route's gaps; with `--credential` it prints every
//! route's clauses with what the person has, what is missing, and the
//! sources. `--format json` gives the complete evaluation.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_engine::eval::{CredentialOutcome, Evaluation, Outcome, Status, evaluate_only};
use labpath_engine::explain::clause_lines;
use labpath_engine::profile::Profile;

use super::{as_of, find_credential};
use crate::cli::Format;
use crate::json;
use crate::render::{mark, provenance_lines, status_rank, table};
use crate::{Exit, Failure};

/// Arguments of `labpath check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The profile file (TOML, or JSON when it ends in `.json`).
    pub profile: PathBuf,
    /// Only these credentials (repeatable); exit code 1 if any is not eligible.
    #[arg(long = "credential", value_name = "ID")]
    pub credentials: Vec<String>,
    /// Evaluate as of this day (YYYY-MM-DD) with the rules in force then; default today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath check`.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    let as_of = as_of(args.as_of.as_deref())?;
    let profile = labpath_catalog::profile::load(&args.profile, catalog)?;
    let chosen = args
        .credentials
        .iter()
        .map(|id| find_credential(catalog, id, "--credential"))
        .collect::<Result<Vec<_>, _>>()?;
    let evaluation = if chosen.is_empty() {
        evaluate_only(catalog, &profile, as_of, catalog.credentials())
    } else {
        evaluate_only(catalog, &profile, as_of, chosen.iter().copied())
    };
    match (args.format, chosen.is_empty()) {
        (Format::Json, _) => {
            let view = json::evaluation(catalog, &profile, &evaluation);
            crate::json::write(out, &view)?;
        }
        (Format::Human, true) => {
            write_overview(catalog, &args.profile, &profile, &evaluation, out)?
        }
        (Format::Human, false) => {
            write_header(&profile, &evaluation, out)?;
            for outcome in &evaluation.credentials {
                write_detail(catalog, outcome, out)?;
            }
        }
    }
    let all_good = evaluation
        .credentials
        .iter()
        .all(|c| matches!(c.status, Status::Held | Status::Eligible));
    Ok(if chosen.is_empty() || all_good {
        Exit::Ok
    } else {
        Exit::NotEligible
    })
}

fn write_header(
    profile: &Profile,
    evaluation: &Evaluation<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: as of {} (rules in force on that day)\n",
        profile.person.name, evaluation.as_of
    )
}

/// The few gaps that matter most on a credential's nearest route.
fn key_gaps(catalog: &Catalog, profile: &Profile, outcome: &CredentialOutcome<'_>) -> String {
    if outcome.status == Status::Held {
        let held = profile
            .credentials
            .iter()
            .find(|h| h.id == outcome.credential.id);
        let earned = held.and_then(|h| h.earned).map(|d| format!("earned {d}"));
        let expires = held.and_then(|h| h.expires).map(|d| format!("expires {d}"));
        return [earned, expires]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
    }
    let Some(best) = outcome.best_route() else {
        return "no route in force".to_owned();
    };
    let Some(clause) = &best.clause else {
        return String::new();
    };
    if best.outcome == Outcome::Pass {
        return match best.open_until {
            Some(d) => format!("{}; open until {d}", best.route.name),
            None => best.route.name.clone(),
        };
    }
    let gaps: Vec<String> = clause_lines(clause, catalog)
        .into_iter()
        .filter(|l| l.outcome != Outcome::Pass && !l.have.contains(" met, "))
        .map(|l| format!("{}: {}", l.need, l.have))
        .take(3)
        .collect();
    format!("{}: {}", best.route.name, gaps.join("; "))
}

fn write_overview(
    catalog: &Catalog,
    path: &std::path::Path,
    profile: &Profile,
    evaluation: &Evaluation<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    write_header(profile, evaluation, out)?;
    let mut ordered: Vec<&CredentialOutcome<'_>> = evaluation.credentials.iter().collect();
    ordered.sort_by_key(|c| status_rank(c.status));
    let rows: Vec<Vec<String>> = ordered
        .iter()
        .map(|c| {
            vec![
                c.status.label().to_owned(),
                c.credential.abbreviation.clone(),
                c.credential.id.to_string(),
                key_gaps(catalog, profile, c),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(
            &[
                "STATUS",
                "CREDENTIAL",
                "ID",
                "NEAREST ROUTE AND WHAT IT NEEDS"
            ],
            &rows
        )
    )?;
    let count = |s: Status| {
        evaluation
            .credentials
            .iter()
            .filter(|c| c.status == s)
            .count()
    };
    writeln!(
        out,
        "\n{} held, {} eligible, {} unknown, {} not yet, {} with no route in force.",
        count(Status::Held),
        count(Status::Eligible),
        count(Status::Unknown),
        count(Status::NotYet),
        count(Status::NoRoute)
    )?;
    writeln!(
        out,
        "For every clause with its sources: labpath check {} --credential ID",
        path.display()
    )
}

fn write_detail(
    catalog: &Catalog,
    outcome: &CredentialOutcome<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let c = outcome.credential;
    writeln!(
        out,
        "{} ({}): {}",
        c.abbreviation,
        c.name,
        outcome.status.label().to_uppercase()
    )?;
    for route in &outcome.routes {
        let r = route.route;
        if !route.in_force {
            let when = match (r.in_force.from, r.in_force.until) {
                (_, Some(u)) => format!("ended {u}"),
                (Some(f), None) => format!("starts {f}"),
                (None, None) => String::new(),
            };
            writeln!(out, "\n  {}: not in force on this day ({when})", r.name)?;
            continue;
        }
        let open = route
            .open_until
            .map(|d| format!(", open until {d}"))
            .unwrap_or_default();
        writeln!(out, "\n  {} {}{open}", mark(route.outcome), r.name)?;
        writeln!(out, "      {}", r.summary)?;
        if let Some(clause) = &route.clause {
            for line in clause_lines(clause, catalog) {
                let pad = "  ".repeat(line.depth + 3);
                writeln!(
                    out,
                    "{pad}{} {}: {}",
                    mark(line.outcome),
                    line.need,
                    line.have
                )?;
            }
        }
        write!(
            out,
            "{}",
            provenance_lines(&r.provenance, catalog, "      ")
        )?;
    }
    for note in &c.notes {
        writeln!(out, "  note: {note}")?;
    }
    writeln!(out)
}
