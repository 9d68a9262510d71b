//! `labpath check PROFILE | --person ID`: where a person stands on every
//! credential.
//!
//! Without `--credential` it prints a summary (the counts, the goal of the
//! work state), then one line per credential, ordered by status, with the
//! nearest route or what it still needs, shortened so that every line fits
//! a 100-column terminal; with `--credential` it prints every route's
//! clauses with what the person has, what is missing, and the sources.
//! `--format json` gives the complete evaluation.

use std::borrow::Cow;
use std::io::Write;

use labpath_engine::catalog::Catalog;
use labpath_engine::eval::{CredentialOutcome, Evaluation, Outcome, Status};
use labpath_engine::explain::{clause_lines, describe_finding, describe_requirement};
use labpath_engine::profile::Profile;
use labpath_engine::requirement::Requirement;

use super::{as_of, find_credential};
use crate::cli::{Cli, Format};
use crate::render::{mark, provenance_lines, shorten, status_rank, table, wrap};
use crate::{Exit, Failure};

/// Arguments of `labpath check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A profile file or `--person ID`.
    #[command(flatten)]
    pub source: super::ProfileSource,
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
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let as_of = as_of(args.as_of.as_deref())?;
    let profile = args.source.read(cli, catalog)?;
    let chosen = args
        .credentials
        .iter()
        .map(|id| find_credential(catalog, id, "--credential"))
        .collect::<Result<Vec<_>, _>>()?;
    let checked = labpath_app::eligibility::check(catalog, profile, as_of, &chosen);
    let (profile, evaluation) = (&checked.profile, &checked.evaluation);
    match (args.format, chosen.is_empty()) {
        (Format::Json, _) => crate::json::write(out, &checked.view(catalog))?,
        (Format::Human, true) => {
            write_overview(catalog, &args.source.as_written(), profile, evaluation, out)?
        }
        (Format::Human, false) => {
            write_header(profile, evaluation, out)?;
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

/// The width every line of the overview fits in.
const WIDTH: usize = 100;

/// The widest a credential's name gets in the overview (its id, beside it,
/// is never cut).
const NAME_WIDTH: usize = 22;

/// A status in a word or two, for the overview's narrow column.
fn short_status(status: Status) -> &'static str {
    match status {
        Status::NoRoute => "no route",
        other => other.label(),
    }
}

/// The nearest route when it is open; otherwise the first thing it still
/// needs and how many more there are ("(+2)"), in at most `width`
/// characters.
fn nearest(
    catalog: &Catalog,
    profile: &Profile,
    outcome: &CredentialOutcome<'_>,
    width: usize,
) -> String {
    let text = match outcome.status {
        Status::Held => held_dates(profile, outcome),
        Status::NoRoute => "none in force on this day".to_owned(),
        _ => match outcome.best_route() {
            None => "none in force on this day".to_owned(),
            Some(best) => match (best.clause(), best.outcome) {
                (Some(clause), Outcome::Fail | Outcome::Unknown) => {
                    match gaps(catalog, clause, outcome.status) {
                        None => best.route.name.clone(),
                        Some((first, 1)) => first,
                        Some((first, count)) => {
                            let more = format!(" (+{})", count - 1);
                            let cut = width.saturating_sub(more.len());
                            return format!("{}{more}", shorten(&first, cut));
                        }
                    }
                }
                _ => match best.open_until {
                    Some(d) => format!("{}; open until {d}", best.route.name),
                    None => best.route.name.clone(),
                },
            },
        },
    };
    // The text itself when it fits.
    let cut = match shorten(&text, width) {
        Cow::Owned(cut) => Some(cut),
        Cow::Borrowed(_) => None,
    };
    cut.unwrap_or(text)
}

/// What a route still needs, in a few words each, most telling first: for
/// an unknown answer the facts to tell, for a "not yet" what fails, and the
/// rules the catalog cannot check last. Only the first is written (with
/// how many there are): its rank alone orders them, and leaves of one rank
/// keep their order.
fn gaps(
    catalog: &Catalog,
    clause: labpath_engine::eval::Clause<'_, '_>,
    status: Status,
) -> Option<(String, usize)> {
    let ranked = clause
        .leaves()
        .filter(|leaf| leaf.outcome != Outcome::Pass)
        .map(|leaf| {
            let unchecked = matches!(leaf.requirement, Requirement::Unconfirmed(_));
            let rank = match (leaf.outcome, unchecked) {
                (_, true) => 3,
                (Outcome::Unknown, false) => 0,
                _ => 1,
            };
            let rank = match (status, rank) {
                (Status::NotYet, 1) => 0,
                (Status::NotYet, 0) => 1,
                _ => rank,
            };
            (rank, leaf, unchecked)
        });
    let mut count = 0;
    let first = ranked
        .inspect(|_| count += 1)
        .min_by_key(|(rank, ..)| *rank);
    let (_, leaf, unchecked) = first?;
    if unchecked {
        return Some(("a rule the catalog cannot check".to_owned(), count));
    }
    // Rendered for this one leaf only: a `check` process renders no other.
    let need = describe_requirement(leaf.requirement, catalog);
    let text = if leaf.outcome == Outcome::Unknown {
        // The fact to tell, when what the person has names one.
        let have = describe_finding(leaf, catalog);
        have.split_once("unknown: ")
            .map(|(_, what)| what.trim_start_matches("needs ").to_owned())
            .filter(|what| !what.starts_with(&need))
            .unwrap_or(need)
    } else {
        need
    };
    Some((text, count))
}

fn held_dates(profile: &Profile, outcome: &CredentialOutcome<'_>) -> String {
    let held = profile
        .credentials
        .iter()
        .find(|h| h.id == outcome.credential.id);
    let earned = held.and_then(|h| h.earned).map(|d| format!("earned {d}"));
    let expires = held.and_then(|h| h.expires).map(|d| format!("expires {d}"));
    [earned, expires]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary: the counts, then the goal of the work state, if any.
fn summary(
    catalog: &Catalog,
    source: &str,
    profile: &Profile,
    evaluation: &Evaluation<'_>,
) -> Vec<String> {
    let count = |s: Status| {
        evaluation
            .credentials
            .iter()
            .filter(|c| c.status == s)
            .count()
    };
    let mut text = vec![format!(
        "{} eligible, {} not yet, {} unknown; {} held, {} with no route in force.",
        count(Status::Eligible),
        count(Status::NotYet),
        count(Status::Unknown),
        count(Status::Held),
        count(Status::NoRoute)
    )];
    let goal = profile.person.work_state.and_then(|state| {
        let goal = labpath_views::goal::of_work_state(catalog, state.as_str())?;
        Some(format!(
            "Goal (work state {state}): {}; the steps: labpath plan {source} --goal {}",
            goal.name, goal.id
        ))
    });
    text.extend(goal);
    text
}

/// The overview `check` prints without `--credential`: the summary, then
/// a line per credential, ordered by status; `source` names the profile
/// (its file, or the person).
pub fn write_overview(
    catalog: &Catalog,
    source: &str,
    profile: &Profile,
    evaluation: &Evaluation<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for line in wrap(
        &format!(
            "{}: as of {} (rules in force on that day)",
            profile.person.name, evaluation.as_of
        ),
        WIDTH,
    ) {
        writeln!(out, "{line}")?;
    }
    for line in summary(catalog, source, profile, evaluation)
        .iter()
        .flat_map(|s| wrap(s, WIDTH))
    {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    let mut ordered: Vec<&CredentialOutcome<'_>> = evaluation.credentials.iter().collect();
    ordered.sort_by_key(|c| status_rank(c.status));
    let header = [
        "STATUS",
        "ID",
        "CREDENTIAL",
        "ROUTE, OR WHAT IT NEEDS (+N MORE)",
    ];
    let widest = |cell: &dyn Fn(&CredentialOutcome<'_>) -> usize, title: &str| {
        ordered
            .iter()
            .map(|c| cell(c))
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let status_width = widest(&|c| short_status(c.status).len(), header[0]);
    let id_width = widest(&|c| c.credential.id.as_str().len(), header[1]);
    let name_width =
        widest(&|c| c.credential.abbreviation.chars().count(), header[2]).min(NAME_WIDTH);
    let rest = WIDTH.saturating_sub(status_width + id_width + name_width + 6);
    let rows: Vec<Vec<Cow<'_, str>>> = ordered
        .iter()
        .map(|c| {
            vec![
                Cow::Borrowed(short_status(c.status)),
                Cow::Borrowed(c.credential.id.as_str()),
                shorten(&c.credential.abbreviation, name_width),
                Cow::Owned(nearest(catalog, profile, c, rest)),
            ]
        })
        .collect();
    out.write_all(table(&header, &rows).as_bytes())?;
    writeln!(out)?;
    let hint = format!(
        "Every clause, with what you have, what is missing and the sources: labpath check {source} --credential ID"
    );
    for line in wrap(&hint, WIDTH) {
        writeln!(out, "{line}")?;
    }
    Ok(())
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
        if let Some(clause) = route.clause() {
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
